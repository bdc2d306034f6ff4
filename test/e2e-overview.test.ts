// The grounded overview end to end on the reference week: trends from the real list, the template
// and LLM overviews (the LLM through the local protocol server), the checker holding an editor's
// overview to the facts, and the site, feeds and Discourse rendering showing citations and the chart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { startLlmServer, type LlmServer } from './support/llm-server.js';
import { DEFAULT_TOPICS, tagPaper } from '../src/domain/topics.js';
import { parseOverview } from '../src/domain/overview.js';
import { tagInputs } from '../src/pipeline/topics.js';
import { editText } from '../src/pipeline/review.js';
import { createWebApp } from '../src/web/app.js';
import type { EditionFacts } from '../src/domain/facts.js';

const WEEK = '2024-04-01';

for (const engine of ENGINES) {
  describe(`overview and trends on ${engine.name}`, () => {
    let t: TestStore;
    let llm: LlmServer;
    let facts: EditionFacts;
    before(async () => {
      t = await engine.open();
      llm = await startLlmServer();
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
      assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], t.env)).code, 0);
    });
    after(async () => {
      await llm?.close();
      await t?.cleanup();
    });

    it('trends counts the papers of each topic as the rules tag the entries, against the four editions before', async () => {
      const r = await cli(['trends', '--week', WEEK, '--json'], t.env);
      assert.equal(r.code, 0, r.err);
      facts = JSON.parse(r.out) as EditionFacts;
      assert.equal(facts.papers, 10);
      assert.deepEqual(facts.previous.map((p) => p.startDate), ['2024-03-04', '2024-03-11', '2024-03-18', '2024-03-26']);
      // the same tags, computed here from the stored entries and texts
      const ed = (await t.store.getEditionByStart(WEEK))!;
      const bundle = await t.store.getEditionBundle(ed.id);
      const inputs = tagInputs(bundle.entries, bundle.papers, bundle.texts.filter((x) => x.lang === 'en'));
      const positionOf = new Map(bundle.entries.map((e) => [e.paperKey, e.position]));
      for (const topic of facts.topics) {
        const expected = inputs.filter((i) => tagPaper(i, DEFAULT_TOPICS).some((x) => x.slug === topic.slug)).map((i) => positionOf.get(i.paperKey)!).sort((a, b) => a - b);
        assert.deepEqual(topic.positions, expected, topic.slug);
        assert.equal(topic.count, expected.length);
        assert.equal(topic.previous.length, 4);
      }
      // Many-shot Jailbreaking (1) is about safety and long context; SWE-agent (2) about agents and code
      assert.ok(facts.topics.find((x) => x.slug === 'safety')!.positions.includes(1));
      assert.ok(facts.topics.find((x) => x.slug === 'agents')!.positions.includes(2));
      assert.ok(facts.topics.find((x) => x.slug === 'code')!.positions.includes(2));
      assert.equal(facts.withCode.count, bundle.entries.filter((e) => e.links.some((l) => l.kind === 'code')).length);

      const table = await cli(['trends', '--week', WEEK], t.env);
      assert.match(table.out, /2024-04-01\.\.2024-04-07 · 10 papers · compared with 4 edition\(s\) before/);
      assert.match(table.out, /^agents\s+1\s+\d+\.\d\s+[-+]?[\d.]+\s+2$/m);

      const range = JSON.parse((await cli(['trends', '--from', '2024-03-01', '--to', WEEK, '--json'], t.env)).out);
      assert.deepEqual(range.weeks.map((w: { startDate: string }) => w.startDate), ['2024-03-04', '2024-03-11', '2024-03-18', '2024-03-26', '2024-04-01']);
      assert.equal(range.weeks[4].counts.agents, facts.topics.find((x) => x.slug === 'agents')!.count);
    });

    it('refuses bad ranges, dates and taxonomy files with one clear line', async () => {
      const backwards = await cli(['trends', '--from', '2024-05-01', '--to', '2024-04-01'], t.env);
      assert.equal(backwards.code, 2);
      assert.match(backwards.err, /--from 2024-05-01 is after --to 2024-04-01/);
      const both = await cli(['trends', '--week', WEEK, '--from', '2024-03-01'], t.env);
      assert.equal(both.code, 2);
      const dir = mkdtempSync(join(tmpdir(), 'pb-tax-'));
      writeFileSync(join(dir, 'topics.json'), '[{"slug":"agents","name":"agents","phrases":["agent*"]},{"slug":"agents","name":"again","phrases":["x"]}]');
      const bad = await cli(['trends', '--week', WEEK], { ...t.env, PAPERBOY_TOPICS_FILE: join(dir, 'topics.json') });
      assert.equal(bad.code, 78);
      assert.match(bad.err, /PAPERBOY_TOPICS_FILE .*topics\.json: topic 2 \(agents\): the slug is used twice/);
      assert.doesNotMatch(bad.err, /\n\s+at /, 'no stack trace');
    });

    it('the templates write the overview in Korean and English, each bullet citing entries that carry its topic', async () => {
      const kept = await cli(['overview', '--week', WEEK, '--lang', 'ko'], t.env);
      assert.equal(kept.code, 0, kept.err);
      assert.match(kept.out, /the imported overview stands; --force replaces it/);
      for (const lang of ['ko', 'en']) {
        const r = await cli(['overview', '--week', WEEK, '--lang', lang, '--force', '--json'], t.env);
        assert.equal(r.code, 0, r.err);
        const j = JSON.parse(r.out);
        assert.equal(j.outcome, 'written');
        assert.equal(j.origin, 'template');
        assert.deepEqual(j.check.findings, [], `${lang}: no finding`);
        const bullets = parseOverview(j.body);
        assert.ok(bullets.length >= 3 && bullets.length <= 5, `${lang}: ${bullets.length} bullets`);
        for (const b of bullets) assert.ok(b.cites.length > 0, `${lang}: "${b.text}" cites entries`);
        // the first bullet is the week's largest topic and cites exactly its papers
        const top = [...facts.topics].sort((a, b) => b.count - a.count)[0]!;
        assert.deepEqual(bullets[0]!.cites, top.positions);
      }
      const upToDate = await cli(['overview', '--week', WEEK, '--lang', 'ko'], t.env);
      assert.match(upToDate.out, /up to date with the facts/);
    });

    it('the LLM path: an answer that cites the wrong entries and invents a number is refused once, the second is stored with provenance', async () => {
      const agents = facts.topics.find((x) => x.slug === 'agents')!;
      const evaluation = facts.topics.find((x) => x.slug === 'evaluation')!;
      const wrongEntries = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((p) => !agents.positions.includes(p)).slice(0, 2);
      const bad = { bullets: [{ text: '에이전트 논문이 1234편으로 늘었습니다.', topic: 'agents', cites: wrongEntries }, { text: '평가/벤치마크 논문이 많습니다.', topic: 'evaluation', cites: evaluation.positions }, { text: '이번 주는 흥미롭습니다.', topic: null, cites: [] }] };
      const good = {
        bullets: [
          { text: `평가/벤치마크를 다룬 논문이 ${evaluation.count}편입니다.`, topic: 'evaluation', cites: evaluation.positions },
          { text: '에이전트 논문도 있습니다.', topic: 'agents', cites: agents.positions },
          { text: `구현 저장소가 연결된 논문은 ${facts.withCode.count}편입니다.`, topic: null, cites: facts.withCode.positions },
        ],
      };
      llm.enqueue({ content: JSON.stringify(bad) }, { content: JSON.stringify(good) });
      const before = llm.requests.length;
      const env = { ...t.env, PAPERBOY_LLM_URL: llm.url, PAPERBOY_LLM_MODEL: 'overview-model', PAPERBOY_LLM_RETRIES: '0' };
      const r = await cli(['overview', '--week', WEEK, '--lang', 'ko', '--json'], env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.outcome, 'written', 'a new writer means a new draft');
      assert.equal(j.origin, 'llm');
      assert.equal(j.model, 'overview-model');
      assert.equal(j.calls, 2);
      assert.equal(llm.requests.length - before, 2);
      const rules = j.rejected.map((p: { rule: string }) => p.rule);
      assert.ok(rules.includes('overview-topic-mismatch'), rules.join());
      assert.ok(rules.includes('overview-number-not-in-facts'), rules.join());
      assert.ok(rules.includes('overview-cites-nothing'), rules.join());
      // the repair request names the problems; the first request carried the facts
      const second = JSON.stringify(llm.requests[llm.requests.length - 1]!.body);
      assert.match(second, /1234/);
      const first = JSON.stringify(llm.requests[llm.requests.length - 2]!.body);
      assert.match(first, /Many-shot Jailbreaking/i);
      const stored = parseOverview(j.body);
      assert.deepEqual(stored.map((b) => b.cites), [evaluation.positions, agents.positions, facts.withCode.positions]);
      assert.deepEqual(j.check.findings, []);
      const ed = (await t.store.getEditionByStart(WEEK))!;
      const text = (await t.store.getEditionBundle(ed.id)).texts.find((x) => x.ownerKind === 'edition' && x.field === 'overview' && x.lang === 'ko')!;
      assert.deepEqual([text.origin, text.model, text.status, text.promptVersion], ['llm', 'overview-model', 'draft', 'overview-v1']);
      assert.ok(text.draft?.callId, 'the LLM call is recorded');
      const costs = await cli(['costs', '--week', WEEK, '--lang', 'ko', '--json'], t.env);
      assert.match(costs.out, /overview/);
    });

    it('holds an editor\'s overview to the facts: a bullet that cites nothing is an error that blocks publishing', async () => {
      const ed = (await t.store.getEditionByStart(WEEK))!;
      const text = (await t.store.getEditionBundle(ed.id)).texts.find((x) => x.ownerKind === 'edition' && x.field === 'overview' && x.lang === 'ko')!;
      const body = `${text.body}\n- 편집자가 덧붙인 문장입니다.`;
      const r = await editText(t.store, ed.id, { ownerKind: 'edition', ownerId: String(ed.id), field: 'overview', lang: 'ko' }, { body, expectedRevision: text.revision ?? 1, by: 'editor@example.org' }, () => new Date());
      assert.ok(r.saved);
      const open = r.findings.filter((f) => !f.dismissed && f.severity === 'error');
      assert.deepEqual(open.map((f) => f.rule), ['overview-cites-nothing']);
      assert.match(open[0]!.message, /bullet 4/);
      const pub = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'web', '--allow-drafts'], t.env);
      assert.notEqual(pub.code, 0);
      assert.match(pub.err + pub.out, /overview.*cites/i);
      // put the cited version back
      const fixed = await editText(t.store, ed.id, { ownerKind: 'edition', ownerId: String(ed.id), field: 'overview', lang: 'ko' }, { body: text.body, expectedRevision: (text.revision ?? 1) + 1, by: 'editor@example.org' }, () => new Date());
      assert.ok(fixed.saved);
      assert.deepEqual(fixed.findings.filter((f) => !f.dismissed && f.rule.startsWith('overview-')), []);
    });

    it('the site shows the overview with its citations linked, the chart as SVG and PNG, and the trends page; feeds and Discourse link citations absolutely', async () => {
      // the reference post's own mistakes would block publishing: dismiss them as an editor would
      const j = JSON.parse((await cli(['check', '--week', WEEK, '--lang', 'ko', '--json'], t.env)).out);
      for (const f of j.checked.flatMap((c: { findings: Array<{ id: number; severity: string; dismissed: unknown }> }) => c.findings)) {
        if (f.severity === 'error' && !f.dismissed) assert.equal((await cli(['findings', 'dismiss', String(f.id), '--by', 'ed@example.org', '--why', 'test'], t.env)).code, 0);
      }
      const pub = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'web,feeds', '--allow-drafts'], t.env);
      assert.equal(pub.code, 0, pub.err + pub.out);
      const app = createWebApp({ store: t.store, baseUrl: 'https://digest.example.org', defaultLang: 'ko', pageCache: false });
      const page = await (await app.request(`/editions/${WEEK}?lang=ko`)).text();
      const overview = page.slice(page.indexOf('<section class="overview"'), page.indexOf('</section>', page.indexOf('<section class="overview"')));
      const evaluation = facts.topics.find((x) => x.slug === 'evaluation')!;
      for (const p of evaluation.positions) assert.match(overview, new RegExp(`<a class="cite" href="#entry-${p}">${p}</a>`));
      for (const p of evaluation.positions) assert.match(page, new RegExp(`<section class="entry" id="entry-${p}">`), 'every citation has its anchor');
      assert.match(page, /<figure class="chart">\n<img src="\/editions\/2024-04-01\/chart\.svg\?lang=ko" alt="[^"]*평가\/벤치마크: \d+/);

      const svg = await app.request(`/editions/${WEEK}/chart.svg?lang=ko`);
      assert.equal(svg.status, 200);
      assert.match(svg.headers.get('content-type')!, /image\/svg\+xml/);
      assert.match(await svg.text(), /에이전트/);
      const png = await app.request(`/editions/${WEEK}/chart.png?lang=ko`);
      assert.equal(png.status, 200);
      const bytes = new Uint8Array(await png.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.equal((await app.request('/editions/2024-03-04/chart.png?lang=ko')).status, 404, 'an unpublished edition has no chart');

      const trends = await (await app.request('/trends?lang=ko')).text();
      assert.match(trends, /<h1>주별 주제 흐름<\/h1>/);
      assert.match(trends, /<th scope="row">평가\/벤치마크<\/th><td>\d+<\/td>/);
      assert.match(trends, /발행된 1개 호\(10편\)/, 'only published editions count');
      assert.equal((await app.request('/trends.svg?lang=ko')).status, 200);

      const feed = await (await app.request('/feeds/ko/atom.xml')).text();
      assert.match(feed, /class="cite" href="https:\/\/digest\.example\.org\/editions\/2024-04-01\?lang=ko#entry-\d+"/);
      const discourse = await cli(['render', '--week', WEEK, '--lang', 'ko', '--format', 'discourse'], { ...t.env, PAPERBOY_BASE_URL: 'https://digest.example.org' });
      assert.match(discourse.out, /\\\[\[\d+\]\(https:\/\/digest\.example\.org\/editions\/2024-04-01\?lang=ko#entry-\d+\)/);
    });
  });
}
