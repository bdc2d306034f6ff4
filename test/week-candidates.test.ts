// The weekly routine without the upstream list, on both engines: with PAPERBOY_WEEK_SOURCE=auto the
// list (real, but ending in June 2025) has no edition for the week of 2025-10-06, so the routine
// fetches the week's candidates from the local daily-papers server, trains again, builds the edition
// from the ranking, drafts the intros from the abstracts in English and Korean, and tells the editors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestStore } from './support/stores.js';
import { UPSTREAM_MD } from './support/cli.js';
import { startHfServer, type HfServer } from './support/hf-server.js';
import { startLlmServer, type LlmServer } from './support/llm-server.js';
import { createLlm } from '../src/llm/client.js';
import { createFetcher } from '../src/sources/fetch-input.js';
import { createHfDailyClient } from '../src/sources/hf-daily/client.js';
import { DEFAULT_TOPICS } from '../src/domain/topics.js';
import { PaperboyError } from '../src/errors.js';
import { prepareWeek, type WeekDeps } from '../src/pipeline/week.js';
import type { OutgoingMail } from '../src/ports.js';

const MONDAY = new Date('2025-10-13T00:00:00Z');

for (const engine of ENGINES) {
  describe(`the week from candidates on ${engine.name}`, () => {
    let t: TestStore;
    let hf: HfServer;
    let llm: LlmServer;
    const mails: OutgoingMail[] = [];
    let deps: WeekDeps;
    before(async () => {
      t = await engine.open();
      hf = await startHfServer();
      llm = await startLlmServer();
      llm.translator = () => '이 논문은 새로운 방법을 제안합니다.';
      llm.respond((req) => (req.system.includes('editorial introduction') ? { content: JSON.stringify({ intro: req.system.includes('in Korean') ? '이 논문은 새로운 접근법을 제안하고 결과를 보고합니다.' : 'This paper proposes a new approach and reports its results.' }) } : undefined));
      await t.store.createEditor('editor@example.org', 'x', '2025-01-01T00:00:00.000Z');
      deps = {
        store: t.store,
        fetcher: createFetcher({ timeoutMs: 5000 }),
        arxiv: null,
        llm: createLlm({ provider: 'openai-compatible', baseUrl: llm.url, model: 'm', maxRetries: 0 }),
        mailer: () => ({ kind: 'eml', send: async (m) => (mails.push(m), { response: 'ok' }), close: async () => {} }),
        topics: DEFAULT_TOPICS,
        candidates: { hf: createHfDailyClient({ baseUrl: hf.url, minIntervalMs: 0, maxRetries: 0 }), arxiv: null, categories: ['cs.CL'] },
        settings: {
          lang: 'ko',
          upstreamUrl: UPSTREAM_MD,
          upstreamPage: 'https://github.com/dair-ai/ML-Papers-of-the-Week',
          baseUrl: 'https://digest.example.org',
          mailFrom: 'paperboy@example.org',
          autoPublish: [],
          weekSource: 'upstream',
          draft: { concurrency: 2, contextTokens: 8192, maxTokensPerEdition: undefined, prices: { input: 0, output: 0 } },
        },
        now: () => MONDAY,
        log: () => {},
      };
    });
    after(async () => {
      await hf?.close();
      await llm?.close();
      await t?.cleanup();
    });

    it('with the list as the only source, prepares the newest edition of the list as before', async () => {
      const r = await prepareWeek({ ...deps, llm: null });
      assert.equal(r.edition.startDate, '2025-06-23');
      assert.deepEqual(hf.dates, [], 'no candidate source was asked');
    });

    it('with auto, builds the week that just ended from the ranked candidates and drafts its intros in English and Korean', async () => {
      mails.length = 0;
      const r = await prepareWeek({ ...deps, settings: { ...deps.settings, weekSource: 'auto', candidateTop: 8 } });
      assert.equal(r.edition.startDate, '2025-10-06');
      assert.equal(r.edition.endDate, '2025-10-12');
      assert.deepEqual(hf.dates, ['2025-10-06', '2025-10-07', '2025-10-08', '2025-10-09', '2025-10-10', '2025-10-11', '2025-10-12']);
      const ed = (await t.store.getEditionByStart('2025-10-06'))!;
      assert.equal(ed.source, 'candidates');
      const bundle = await t.store.getEditionBundle(ed.id);
      assert.equal(bundle.entries.length, 8);
      const intros = bundle.texts.filter((x) => x.field === 'intro' && x.origin === 'llm');
      assert.equal(intros.filter((x) => x.lang === 'en').length, 8);
      assert.equal(intros.filter((x) => x.lang === 'ko').length, 8);
      assert.ok(await t.store.getRankModel(), 'the model was trained on the editions');
      assert.ok(r.notes.some((n) => /the upstream list has no edition for this week: built from the top 8 of 46 candidates; check the picks at https:\/\/digest\.example\.org\/desk\/editions\/2025-10-06\/candidates/.test(n)), r.notes.join('\n'));
      assert.equal(mails.length, 1);
      assert.match(mails[0]!.subject, /2025-10-06 \(ko\) is ready for review/);
      assert.match(mails[0]!.text, /built from the top 8 of 46 candidates/);

      // a retry of the same week keeps the edition the editors may already be changing
      const again = await prepareWeek({ ...deps, settings: { ...deps.settings, weekSource: 'auto', candidateTop: 8 } });
      assert.equal(again.edition.startDate, '2025-10-06');
      assert.equal((await t.store.getEditionBundle(ed.id)).entries.length, 8);
      assert.equal((await t.store.listEditions()).filter((e) => e.source === 'candidates').length, 1);
    });

    it('when every candidate source is down, fails with a retryable error and builds nothing', async () => {
      hf.failWith = 503;
      const later = { ...deps, now: () => new Date('2025-10-20T00:00:00Z'), settings: { ...deps.settings, weekSource: 'candidates' as const } };
      await assert.rejects(prepareWeek(later), (e: unknown) => e instanceof PaperboyError && e.retryable && /no candidates for 2025-10-13\.\.2025-10-19: Hugging Face: .*503/.test(e.message));
      assert.equal(await t.store.getEditionByStart('2025-10-13'), null);
      hf.failWith = null;
    });
  });
}
