// Candidates end to end through the CLI, on both engines: the real pools and Hugging Face answers
// imported from files and fetched from a local server speaking the daily-papers API; the model
// trained on the real upstream list; a week ranked with explained scores; an edition built from the
// ranking alone, its English and Korean intros drafted from the abstracts through the local LLM
// protocol server and checked. Bad files and failing sources lose nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { HF_DIR, startHfServer, type HfServer } from './support/hf-server.js';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SHARED, UPSTREAM_MD } from './support/cli.js';
import { startLlmServer, type LlmServer } from './support/llm-server.js';
import { approveTexts } from '../src/pipeline/review.js';

const LYOHAI = `${SHARED}data/pools/l-yohai_daily_papers_ko/`;
const MONOLOGG = `${SHARED}data/pools/monologg_nlp-arxiv-daily/`;

const INTRO_EN = 'This paper proposes a new approach and reports how well it works on the tasks the authors study.';
const INTRO_KO = '이 논문은 새로운 접근법을 제안하고 저자들이 다룬 과제에서 얼마나 잘 작동하는지 보고합니다.';

for (const engine of ENGINES) {
  describe(`candidates through the CLI on ${engine.name}`, () => {
    let t: TestStore;
    let hf: HfServer;
    let llm: LlmServer;
    let arxivDown: Server;
    let env: Record<string, string>;
    before(async () => {
      t = await engine.open();
      hf = await startHfServer();
      llm = await startLlmServer();
      llm.translator = () => '이 논문은 새로운 방법을 제안합니다.';
      llm.respond((req) => (req.system.includes('editorial introduction') ? { content: JSON.stringify({ intro: req.system.includes('in Korean') ? INTRO_KO : INTRO_EN }) } : undefined));
      // an arXiv API that is down
      arxivDown = createServer((_req, res) => res.writeHead(503).end('down'));
      await new Promise<void>((r) => arxivDown.listen(0, '127.0.0.1', r));
      env = {
        ...t.env,
        PAPERBOY_HF_URL: hf.url,
        PAPERBOY_ARXIV_URL: `http://127.0.0.1:${(arxivDown.address() as AddressInfo).port}/api/query`,
        PAPERBOY_ARXIV_RETRIES: '0',
        PAPERBOY_ARXIV_INTERVAL_MS: '0',
        PAPERBOY_LLM_URL: llm.url,
        PAPERBOY_LLM_MODEL: 'qwen2.5-14b',
      };
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], env)).code, 0);
    });
    after(async () => {
      await hf?.close();
      await llm?.close();
      await new Promise((r) => arxivDown?.close(r));
      await t?.cleanup();
    });

    it('imports the daily-papers archive and the monthly listings from their folders, skipping what is not a candidate file', async () => {
      const a = await cli(['candidates', 'import', LYOHAI, '--json'], env);
      assert.equal(a.code, 0, a.err);
      const ja = JSON.parse(a.out);
      assert.equal(ja.records, 155 + 5518);
      assert.equal(ja.skipped, 1, 'README.md is not a candidate file');
      assert.ok(ja.candidates.inserted > 5000);
      const b = await cli(['candidates', 'import', MONOLOGG], env);
      assert.equal(b.code, 0, b.err);
      assert.match(b.out, /2024-04\.json: 1947 candidates/);
      // Jamba came with its votes and is the same paper whatever the source
      const jamba = (await t.store.listCandidates({})).filter((c) => c.paperKey === 'arxiv:2403.19887');
      assert.ok(jamba.some((c) => c.source === 'daily-md' && c.upvotes === 47), JSON.stringify(jamba));
    });

    it('a bad file among good ones: the good ones are imported and the bad one is named', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pb-cand-'));
      copyFileSync(`${HF_DIR}2024-12-16.json`, join(dir, '2024-12-16.json'));
      writeFileSync(join(dir, '2024-12-17.json'), '[{"paper": {"id": "2412.99999"}}, {"title": 5}');
      writeFileSync(join(dir, '2024-12-18.json'), '[{"paper": {"id": "2412.00001", "title": "A good one"}}, {"paper": {"id": "2412.00002"}}]');
      const r = await cli(['candidates', 'import', dir], env);
      assert.equal(r.code, 65, r.err);
      assert.match(r.out, /2024-12-16\.json: 18 candidates/);
      assert.match(r.err, /2024-12-17\.json/);
      assert.match(r.err, /2024-12-18\.json#1: paper\.title: no title for paper 2412\.00002/);
      assert.match(r.out, /2024-12-18\.json: 1 candidates, 1 problems/);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
      assert.equal((await t.store.listCandidates({ from: '2024-12-16', to: '2024-12-16' })).filter((c) => c.source === 'hf').length, 18);

      const missing = await cli(['candidates', 'import', join(dir, 'nope')], env);
      assert.equal(missing.code, 66);
      assert.match(missing.err, /nope: no such file or directory/);
      writeFileSync(join(dir, 'notes.txt'), 'hello');
      const other = await cli(['candidates', 'import', join(dir, 'notes.txt')], env);
      assert.equal(other.code, 65);
      assert.match(other.err, /notes\.txt: not a candidate file/);
    });

    it('fetches Hugging Face daily papers day by day; a source that is down keeps what the other brought', async () => {
      const r = await cli(['candidates', 'fetch', '--from', '2024-12-16', '--to', '2024-12-20', '--json'], env);
      assert.equal(r.code, 69, 'arXiv is down: the exit code says a source failed');
      assert.match(r.err, /candidates fetch arxiv: .*503/);
      assert.deepEqual(hf.dates, ['2024-12-16', '2024-12-17', '2024-12-18', '2024-12-19', '2024-12-20']);
      const j = JSON.parse(r.out);
      assert.equal(j.sources.hf.records, 18 + 28 + 13 + 22 + 17);
      assert.equal(j.sources.hf.candidates.inserted, 28 + 13 + 22 + 17, 'the 18 of 2024-12-16 were imported from the file already');
      assert.equal(j.sources.arxiv, undefined);
      const again = await cli(['candidates', 'fetch', '--from', '2024-12-16', '--to', '2024-12-20', '--source', 'hf', '--json'], env);
      assert.equal(again.code, 0, again.err);
      assert.deepEqual(JSON.parse(again.out).sources.hf.candidates, { inserted: 0, updated: 98 });

      hf.failWith = 404;
      const gone = await cli(['candidates', 'fetch', '--from', '2024-12-21', '--source', 'hf'], env);
      assert.notEqual(gone.code, 0);
      assert.match(gone.err, /2024-12-21|404/);
      hf.failWith = null;

      for (const bad of [
        ['--from', '2024-12-20', '--to', '2024-12-16'],
        ['--from', '2024-13-01'],
        ['--from', '2024-12-16', '--source', 'reddit'],
        [],
      ]) {
        const u = await cli(['candidates', 'fetch', ...bad], env);
        assert.equal(u.code, 2, `${bad.join(' ')}: ${u.err}`);
      }
    });

    it('ranks a week with each signal explained, after training on the editions', async () => {
      const untrained = await cli(['candidates', 'rank', '--week', '2024-04-01', '--top', '3'], env);
      assert.equal(untrained.code, 0, untrained.err);
      assert.match(untrained.err, /no ranking model yet: run `paperboy candidates train`/);

      const tr = await cli(['candidates', 'train', '--json'], env);
      assert.equal(tr.code, 0, tr.err);
      const model = JSON.parse(tr.out);
      assert.equal(model.positives, 1300 - 0, 'every entry of the 130 editions');
      assert.ok(model.negatives > 5000);

      const r = await cli(['candidates', 'rank', '--week', '2024-04-01', '--top', '10', '--json'], env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.model.id, model.id);
      assert.equal(j.edition.startDate, '2024-04-01');
      assert.equal(j.candidates.length, 10);
      assert.ok(j.total > 100, `the week's pool: ${j.total}`);
      for (const c of j.candidates) {
        const k = c.contributions;
        assert.ok(Math.abs(k.similarity + k.popularity + k.topicFit + k.recency - c.score) < 1e-9);
        assert.ok(c.day >= '2024-04-01' && c.day <= '2024-04-07');
      }
      assert.deepEqual(j.candidates.map((c: { rank: number }) => c.rank), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // the week's edition holds some of the top ten (the model has seen it: it is a past edition)
      assert.ok(j.candidates.some((c: { inEdition: number | null }) => c.inEdition !== null));

      const table = await cli(['candidates', 'rank', '--week', '2024-04-01', '--top', '3'], env);
      assert.match(table.out, /^candidates 2024-04-01\.\.2024-04-07: \d+ papers, model \d+/m);
      assert.match(table.out, /like past picks [+−]\d\.\d\d · popular [+−]\d\.\d\d \(\d+ upvotes/);
      assert.equal((await cli(['candidates', 'rank', '--week', 'soon'], env)).code, 2);
      assert.equal((await cli(['candidates', 'rank', '--week', '2024-04-01', '--top', '0'], env)).code, 2);
    });

    it('builds an edition from candidates alone, drafts its intros from the abstracts in English and Korean, and checks them', async () => {
      assert.equal((await cli(['candidates', 'import', `${HF_DIR}2025-10-10.json`], env)).code, 0);
      const made = await cli(['edition', 'new', '--week', '2025-10-06', '--from-candidates', '--top', '10', '--json'], env);
      assert.equal(made.code, 0, made.err);
      const m = JSON.parse(made.out);
      assert.equal(m.edition.title, 'Top ML Papers of the Week (October 6 - October 12)');
      assert.equal(m.entries.length, 10);
      assert.ok(m.entries.every((e: { why: string }) => /like past picks .* popular/.test(e.why)));
      const ranked = JSON.parse((await cli(['candidates', 'rank', '--week', '2025-10-06', '--top', '10', '--json'], env)).out);
      assert.deepEqual(
        ranked.candidates.map((c: { inEdition: number }) => c.inEdition),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        'the edition is the top of the ranking, in order',
      );

      const again = await cli(['edition', 'new', '--week', '2025-10-08', '--from-candidates'], env);
      assert.equal(again.code, 65);
      assert.match(again.err, /the edition of 2025-10-06\.\.2025-10-12 already covers 2025-10-08/);
      assert.equal((await cli(['edition', 'new', '--week', '2025-10-13'], env)).code, 2, 'without --from-candidates');
      assert.equal((await cli(['edition', 'new', '--week', '2025-10-13', '--from-candidates', '--top', '0'], env)).code, 2);
      const empty = await cli(['edition', 'new', '--week', '2025-11-03', '--from-candidates'], env);
      assert.equal(empty.code, 65);
      assert.match(empty.err, /no candidates listed from 2025-11-03 to 2025-11-09: run paperboy candidates fetch/);

      const before = llm.requests.length;
      const en = await cli(['draft', '--week', '2025-10-06', '--lang', 'en', '--json'], env);
      assert.equal(en.code, 0, en.err);
      assert.equal(JSON.parse(en.out).calls, 10, 'one intro per entry');
      const introCalls = llm.requests.slice(before);
      assert.ok(introCalls.every((q) => q.system.includes('editorial introduction')));
      const ko = await cli(['draft', '--week', '2025-10-06', '--lang', 'ko', '--json'], env);
      assert.equal(ko.code, 0, ko.err);
      const ed = (await t.store.getEditionByStart('2025-10-06'))!;
      const bundle = await t.store.getEditionBundle(ed.id);
      const intros = bundle.texts.filter((x) => x.field === 'intro');
      assert.equal(intros.filter((x) => x.lang === 'en' && x.body === INTRO_EN && x.origin === 'llm' && x.status === 'draft').length, 10);
      assert.equal(intros.filter((x) => x.lang === 'ko' && x.body === INTRO_KO && x.promptVersion === 'intro-v1').length, 10);

      const check = await cli(['check', '--week', '2025-10-06', '--lang', 'en', '--json'], env);
      assert.equal(check.code, 0, check.err);
      assert.equal(JSON.parse(check.out).texts, 10, 'in English the ten drafted intros are checked');
      const status = await cli(['status', '--limit', '1', '--json'], env);
      assert.equal(status.code, 0, status.err);
      assert.match(status.out, /2025-10-06/);

      // the English edition waits for an editor to approve the intros written by the LLM, then publishes
      const refused = await cli(['publish', '--week', '2025-10-06', '--lang', 'en', '--to', 'web'], env);
      assert.equal(refused.code, 65, refused.err);
      assert.match(refused.err, /not approved|approve/i);
      const approved = await approveTexts(t.store, ed.id, 'en', 'all-clean', 'editor@example.org', () => new Date());
      assert.equal(approved.approved, 10);
      const published = await cli(['publish', '--week', '2025-10-06', '--lang', 'en', '--to', 'web'], env);
      assert.equal(published.code, 0, published.err);
      // an upstream week in English has nothing to approve: its texts are the sources
      const upstreamWeek = await cli(['publish', '--week', '2024-04-01', '--lang', 'en', '--to', 'web'], env);
      assert.equal(upstreamWeek.code, 0, upstreamWeek.err);
      const page = await cli(['render', '--week', '2025-10-06', '--lang', 'en', '--format', 'markdown'], env);
      assert.equal(page.out.split(INTRO_EN).length - 1, 10, 'every entry shows its English intro');
    });
  });
}
