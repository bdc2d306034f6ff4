// End to end on the real data, on both engines: import the upstream list, its CSV and the reference
// post; enrich from a local arXiv server with recorded answers; render the reference week.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_CSV, UPSTREAM_MD } from './support/cli.js';
import { startArxivServer, type ArxivServer } from './support/arxiv-server.js';

const HANGUL = /[\uAC00-\uD7A3]/;

for (const engine of ENGINES) {
  describe(`core flow on ${engine.name}`, () => {
    let t: TestStore;
    let arxiv: ArxivServer;
    let env: Record<string, string>;
    before(async () => {
      t = await engine.open();
      arxiv = await startArxivServer();
      env = { ...t.env, PAPERBOY_ARXIV_URL: arxiv.url, PAPERBOY_ARXIV_INTERVAL_MS: '0' };
    });
    after(async () => {
      await arxiv?.close();
      await t?.cleanup();
    });

    it('imports the real upstream list: 130 editions, 1,300 entries', async () => {
      const r = await cli(['import', 'upstream', UPSTREAM_MD, '--json'], env);
      assert.equal(r.code, 0, r.err);
      const res = JSON.parse(r.out);
      assert.equal(res.editions.created, 130);
      assert.equal(res.entries.created, 1300);
      assert.deepEqual(res.problems, []);
      const list = JSON.parse((await cli(['editions', '--json'], env)).out) as Array<{ startDate: string; endDate: string; entryCount: number }>;
      assert.equal(list.length, 130);
      assert.equal(list.reduce((n, e) => n + e.entryCount, 0), 1300);
      assert.deepEqual(list[0], { ...list[0], startDate: '2025-06-23', endDate: '2025-06-29' });
      assert.ok(list.some((e) => e.startDate === '2023-01-01' && e.endDate === '2023-01-08'));
    });

    it('changes nothing on a second import and says so', async () => {
      const r = await cli(['import', 'upstream', UPSTREAM_MD], env);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /nothing changed — 130 editions and 1300 entries/);
      const j = JSON.parse((await cli(['import', 'upstream', UPSTREAM_MD, '--json'], env)).out);
      assert.equal(j.changed, false);
      assert.deepEqual(j.entries, { created: 0, updated: 0, unchanged: 1300 });
    });

    it('updates a changed row upstream and keeps what editors wrote', async () => {
      const original = readFileSync(UPSTREAM_MD, 'utf8');
      const dir = mkdtempSync(join(tmpdir(), 'paperboy-up-'));
      const changed = original
        .replace('proposes a jailbreaking technique called many-shot jailbreaking', 'proposes a jailbreak called many-shot jailbreaking')
        .replace('[Paper](https://arxiv.org/abs/2404.02258)', '[Paper](https://arxiv.org/abs/2404.02258), [Code](https://github.com/example/mod)');
      const file = join(dir, 'README.md');
      writeFileSync(file, changed);
      // an editor edits the intro of entry 2 (SWE-Agent) in English
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      const entries = await t.store.getEntries([ed.id]);
      const swe = entries.find((e) => e.position === 2)!;
      await t.store.putTexts([{ ownerKind: 'entry', ownerId: String(swe.id), field: 'intro', lang: 'en', body: 'Edited by an editor.', origin: 'human', model: null, promptVersion: null, status: 'approved' }]);
      const changedSwe = changed.replace('a new open-source agentic system that can automatically solve GitHub issues', 'an agentic system that solves GitHub issues');
      writeFileSync(file, changedSwe);
      const r = JSON.parse((await cli(['import', 'upstream', file, '--json'], env)).out);
      assert.deepEqual(r.entries, { created: 0, updated: 1, unchanged: 1299 });
      assert.equal(r.texts.written, 1);
      assert.equal(r.texts.kept, 1);
      const after = await t.store.getEntries([ed.id]);
      assert.deepEqual(after.find((e) => e.position === 3)!.links.map((l) => l.kind), ['paper', 'code', 'tweet']);
      const intros = await t.store.getTexts(after.filter((e) => e.position <= 2).map((e) => ({ kind: 'entry' as const, id: String(e.id) })), ['intro']);
      assert.ok(intros.some((x) => x.body.startsWith('proposes a jailbreak called many-shot')));
      assert.ok(intros.some((x) => x.body === 'Edited by an editor.'));
      // back to the real list: the first intro returns, the editor's text stays
      await cli(['import', 'upstream', UPSTREAM_MD], env);
      const again = await t.store.getTexts([{ kind: 'entry', id: String(swe.id) }], ['intro']);
      assert.equal(again[0]!.body, 'Edited by an editor.');
    });

    it('imports the CSV abstracts for 2023 papers', async () => {
      const r = await cli(['import', 'csv', UPSTREAM_CSV, '--json'], env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.rows, 420);
      assert.ok(j.abstractsWritten > 400, `abstracts written: ${j.abstractsWritten}`);
      assert.ok(j.inEditions > 400, `rows in stored editions: ${j.inEditions}`);
      const again = JSON.parse((await cli(['import', 'csv', UPSTREAM_CSV, '--json'], env)).out);
      assert.equal(again.abstractsWritten, 0);
      const llemma = await t.store.getTexts([{ kind: 'paper', id: 'arxiv:2310.10631' }], ['abstract']);
      assert.match(llemma[0]!.body, /^We present Llemma, a large language model for mathematics/);
    });

    it('imports the reference post and matches all ten papers', async () => {
      const r = await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT', '--json'], env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.edition.startDate, '2024-04-01');
      assert.equal(j.matched.length, 10);
      assert.deepEqual(j.unmatchedPost, []);
      const again = JSON.parse((await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT', '--json'], env)).out);
      assert.equal(again.textsWritten, 0);
    });

    it('renders the reference week in Korean with its texts, English originals and links', async () => {
      const r = await cli(['render', '--week', '2024-04-03', '--lang', 'ko', '--format', 'discourse'], env);
      assert.equal(r.code, 0, r.err);
      const out = r.out;
      assert.ok(out.startsWith('[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)'), out.slice(0, 200));
      const order = ['다발성 탈옥', 'SWE-Agent', 'MoD(Mixture-of-Depths)', '긴 맥락의 학습으로', '사고의 시각화', '더 깊은 레이어', 'JetMoE', 'ReFT', 'LLM 추론의 발전', '신경망 압축 텍스트'];
      let at = 0;
      for (const title of order) {
        const i = out.indexOf(title, at);
        assert.ok(i >= at, `"${title}" in order`);
        at = i;
      }
      assert.match(out, /Many-shot Jailbreaking/);
      assert.match(out, /LLM의 안전장치를 회피하기 위해/);
      assert.match(out, /proposes a jailbreaking technique called many-shot jailbreaking/);
      assert.match(out, /We investigate a family of simple long-context attacks/);
      assert.match(out, /논문 소개/);
      assert.match(out, /논문 초록\(Abstract\)/);
      assert.match(out, /주요 내용\(Key Messages\)/);
      assert.match(out, /https:\/\/x\.com\/AnthropicAI\/status\/1775211248239464837/);
      assert.match(out, /https:\/\/github\.com\/princeton-nlp\/SWE-agent/);
      assert.match(out, /GitHub 링크/);
      assert.match(out, /https:\/\/research\.myshell\.ai\/jetmoe/);
      assert.match(out, /^## JetMoE$/m);
      assert.match(out, /^## 다발성 탈옥 \/ Many-shot Jailbreaking$/m);
      assert.match(out, /원문/);
      assert.match(out, /GPT/);
      // Korean comes before English inside a block
      assert.ok(out.indexOf('LLM의 안전장치를') < out.indexOf('proposes a jailbreaking technique'));
    });

    it('renders the same week in English without any Korean', async () => {
      const r = await cli(['render', '--week', '2024-04-01', '--lang', 'en', '--format', 'discourse'], env);
      assert.equal(r.code, 0, r.err);
      assert.doesNotMatch(r.out, HANGUL);
      assert.match(r.out, /Many-shot Jailbreaking/);
    });

    it('marks a missing Korean text and shows the English one, never an empty block', async () => {
      const r = await cli(['render', '--week', '2024-04-08', '--lang', 'ko', '--format', 'markdown'], env);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /have no ko version yet/);
      assert.match(r.out, /번역 없음/);
    });

    it('renders html and json', async () => {
      const html = await cli(['render', '--week', '2024-04-01', '--lang', 'ko', '--format', 'html'], env);
      assert.match(html.out, /^<!DOCTYPE html>/i);
      assert.match(html.out, /lang="ko"/);
      const json = JSON.parse((await cli(['render', '--week', '2024-04-01', '--lang', 'ko', '--format', 'json'], env)).out);
      assert.equal(json.entries.length, 10);
      assert.equal(json.entries[6].titleEn, 'JetMoE');
      // a name kept as it is counts as its Korean title: the imported week has no English fallbacks
      assert.equal(json.entries[6].title.body, 'JetMoE');
      assert.equal(json.fallbacks, 0);
      assert.deepEqual(json.models, ['GPT']);
    });

    it('enriches a week from arXiv and reports the papers arXiv does not have', async () => {
      const r = await cli(['enrich', '--week', '2024-04-01', '--json'], env);
      const j = JSON.parse(r.out);
      // the recorded arXiv answers do not hold this week's papers: each is reported, none is lost
      assert.equal(j.candidates, 6);
      assert.equal(j.notFound.length, 6);
      assert.equal(r.code, 0);
      assert.match(r.err, /note: arXiv 2404\.02258: arXiv has no paper with this id/);
      const texts = await t.store.getTexts([{ kind: 'paper', id: 'arxiv:2404.02258' }], ['title']);
      assert.ok(texts.find((x) => x.lang === 'ko'), 'imported Korean title untouched');
    });

    it('enriches papers that arXiv has, never overwriting an editor', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'paperboy-enrich-'));
      const ids = arxiv.recordedIds.slice(0, 3);
      const rows = ids.map((id, i) => `| ${i + 1}) **Recorded paper ${i + 1}** - a paper arXiv answered for. | [Paper](https://arxiv.org/abs/${id}v1), [Tweet](https://x.com/a/status/${i}) |`);
      const list = ['## Top ML Papers of the Week (June 30 - July 6) - 2025', '| **Paper**  | **Links** |', '| ------------- | ------------- |', ...rows, ''].join('\n');
      writeFileSync(join(dir, 'list.md'), list);
      assert.equal((await cli(['import', 'upstream', join(dir, 'list.md')], env)).code, 0);
      const key = `arxiv:${ids[1]}`;
      await t.store.putTexts([{ ownerKind: 'paper', ownerId: key, field: 'abstract', lang: 'en', body: 'An editor wrote this abstract.', origin: 'human', model: null, promptVersion: null, status: 'approved' }]);
      const r = await cli(['enrich', '--week', '2025-07-01', '--json'], env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.enriched, 3);
      assert.equal(j.textsKept, 1);
      const p = (await t.store.getPapers([`arxiv:${ids[0]}`])).get(`arxiv:${ids[0]}`)!;
      assert.ok(p.authors.length > 0 && p.categories.length > 0 && p.publishedAt);
      const abs = await t.store.getTexts([{ kind: 'paper', id: key }], ['abstract']);
      assert.equal(abs[0]!.body, 'An editor wrote this abstract.');
      const again = JSON.parse((await cli(['enrich', '--week', '2025-07-01', '--json'], env)).out);
      assert.equal(again.skipped, 3);
      assert.equal(again.enriched, 0);
    });

    it('reports an id arXiv refuses as an error of that paper and stores the others', async () => {
      const ids = arxiv.recordedIds.slice(3, 5);
      const dir = mkdtempSync(join(tmpdir(), 'paperboy-enrich-'));
      const rows = ids.map((id, i) => `| ${i + 1}) **Recorded paper ${i + 1}** - a paper. | [Paper](https://arxiv.org/abs/${id}) |`);
      writeFileSync(join(dir, 'list.md'), ['## Top ML Papers of the Week (July 7 - July 13) - 2025', '| **Paper**  | **Links** |', '| --- | --- |', ...rows, ''].join('\n'));
      assert.equal((await cli(['import', 'upstream', join(dir, 'list.md')], env)).code, 0);
      arxiv.rejectIds(ids[0]!);
      const r = await cli(['enrich', '--week', '2025-07-08', '--json'], env);
      arxiv.clear();
      assert.equal(r.code, 65);
      const j = JSON.parse(r.out);
      assert.equal(j.enriched, 1);
      assert.deepEqual(j.errors.map((e: { arxivId: string }) => e.arxivId), [ids[0]]);
      assert.match(r.err, new RegExp(`enrich: arXiv ${ids[0]!.replace('.', '\\.')}: incorrect id format`));
    });
  });
}
