// Derived intros end to end, on both engines: an edition built in the store (as from candidate papers,
// no upstream list) whose first entry's paper has only an English title and abstract. The draft step
// writes that entry's intro from the abstract in English and in Korean through the local
// OpenAI-compatible server; the checker holds the intros to the abstract; re-runs cost nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ENGINES, type TestStore } from './support/stores.js';
import { startLlmServer, type LlmServer, type LlmServerRequest } from './support/llm-server.js';
import { createLlm } from '../src/llm/client.js';
import { DRAFT_FIELDS, draftEdition, type DraftRun } from '../src/pipeline/draft.js';
import { checkEdition, checkTargets, publishBlockers } from '../src/pipeline/check.js';
import { closeDelimiter, openDelimiter } from '../src/domain/draft-check.js';
import type { Text } from '../src/domain/types.js';
import type { Llm } from '../src/ports.js';

const KEY = 'arxiv:2404.07413';
const ABSTRACT =
  'Large Language Models (LLMs) have achieved remarkable results, but their increasing resource demand has become a major obstacle. ' +
  'We present JetMoE-8B, a new LLM trained with less than $0.1 million, using 1.25T tokens from carefully mixed open-source corpora and 30,000 H100 GPU hours. ' +
  'Despite its low cost, JetMoE-8B demonstrates impressive performance, outperforming the Llama2-7B model. ' +
  'JetMoE-8B is based on an efficient Sparsely-gated Mixture-of-Experts (SMoE) architecture, composed of attention and feedforward experts. ' +
  'Both layers are sparsely activated, allowing JetMoE-8B to have 8B parameters while only activating 2B for each input token, reducing inference computation by about 70% compared to Llama2-7B.';
const REVISED = `${ABSTRACT} All training code is open.`;
const INTRO_EN = 'JetMoE-8B is an open LLM trained for less than $0.1 million that outperforms Llama2-7B. It activates only 2B of its 8B parameters per token, so strong models need not be expensive.';
/** a bad answer: "17배" (17×) is nowhere in the abstract */
const INTRO_KO = 'JetMoE-8B는 10만 달러 미만으로 학습한 오픈 LLM으로 Llama2-7B보다 17배 빠릅니다. 토큰마다 8B 파라미터 중 2B만 활성화합니다.';
const INTRO_KO_GOOD = 'JetMoE-8B는 10만 달러 미만으로 학습한 오픈 LLM으로 Llama2-7B를 능가합니다. 토큰마다 8B 파라미터 중 2B만 활성화합니다.';
const MODEL = 'qwen2.5-14b';
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

const isIntroCall = (q: Pick<LlmServerRequest, 'system'>) => q.system.includes('editorial introduction');

for (const engine of ENGINES) {
  describe(`derived intros on ${engine.name}`, () => {
    let t: TestStore;
    let server: LlmServer;
    let llm: Llm;
    let editionId: number;
    let derivedEntry: string;
    let upstreamEntry: string;
    let koIntro = INTRO_KO;
    const run = (lang: string, fields: DraftRun['fields'] = [...DRAFT_FIELDS]): DraftRun => ({ lang, fields, force: false, concurrency: 2, contextTokens: 8192, maxTokensPerEdition: undefined, prices: { input: 0, output: 0 }, now: () => new Date('2024-04-08T09:00:00Z') });
    const text = async (field: 'intro', lang: string): Promise<Text | null> => t.store.getText({ ownerKind: 'entry', ownerId: derivedEntry, field, lang });

    before(async () => {
      t = await engine.open();
      server = await startLlmServer();
      // a translation gets Korean prose; an intro call gets the intro of its language
      server.translator = (field) => `이 논문은 새로운 방법을 제안하고 성능을 크게 개선합니다 (${field}).`;
      server.respond((req) => (isIntroCall(req) ? { content: JSON.stringify({ intro: req.system.includes('in Korean') ? koIntro : INTRO_EN }) } : undefined));
      llm = createLlm({ provider: 'openai-compatible', baseUrl: server.url, model: MODEL, maxRetries: 0 });
      const ed = await t.store.createEdition({ startDate: '2024-04-01', endDate: '2024-04-07', title: 'Top ML Papers of the Week', source: 'candidates', sourceRef: null, status: 'imported' });
      editionId = ed.id;
      await t.store.ensurePapers([
        { key: KEY, arxivId: '2404.07413', url: 'https://arxiv.org/abs/2404.07413' },
        { key: 'arxiv:2404.02258', arxivId: '2404.02258', url: 'https://arxiv.org/abs/2404.02258' },
      ]);
      const [a, b] = await t.store.createEntries([
        { editionId, position: 1, paperKey: KEY, label: 'JetMoE', links: [] },
        { editionId, position: 2, paperKey: 'arxiv:2404.02258', label: 'Mixture-of-Depths', links: [] },
      ]);
      derivedEntry = String(a!.id);
      upstreamEntry = String(b!.id);
      const en = { lang: 'en', model: null, promptVersion: null, status: 'approved' as const };
      await t.store.putTexts([
        // the candidate paper: an English title and abstract, no intro
        { ...en, ownerKind: 'paper', ownerId: KEY, field: 'title', body: 'JetMoE: Reaching Llama2 Performance with 0.1M Dollars', origin: 'arxiv' },
        { ...en, ownerKind: 'paper', ownerId: KEY, field: 'abstract', body: ABSTRACT, origin: 'arxiv' },
        // an entry with an intro of its own, translated as before
        { ...en, ownerKind: 'paper', ownerId: 'arxiv:2404.02258', field: 'title', body: 'Mixture-of-Depths: Dynamically allocating compute in transformer-based language models', origin: 'arxiv' },
        { ...en, ownerKind: 'entry', ownerId: upstreamEntry, field: 'intro', body: 'Demonstrates that transformers can learn to dynamically allocate compute to specific positions in a sequence.', origin: 'upstream' },
      ]);
    });
    after(async () => {
      await server?.close();
      await t?.cleanup();
    });

    it('in English, drafts only the intro, from the abstract, with the intro instruction', async () => {
      const r = await draftEdition(t.store, llm, editionId, run('en'));
      assert.deepEqual(r.failures, []);
      assert.deepEqual([r.calls, r.drafted, r.wanted, r.introPromptVersion], [1, 1, 1, 'intro-v1']);
      assert.equal(server.requests.length, 1);
      const req = server.requests[0]!;
      assert.ok(isIntroCall(req));
      assert.match(req.system, /in English, from the paper's English abstract\. This is not a translation of the abstract\./);
      assert.match(req.system, /2 to 3 sentences: what the paper does, and why it matters/);
      assert.match(req.system, /State only facts the abstract states/);
      assert.ok(req.prompt.includes(`${openDelimiter('abstract')}\n${ABSTRACT}\n${closeDelimiter('abstract')}`), 'the abstract is the source');
      assert.deepEqual(Object.keys(req.body.response_format.json_schema.schema.properties), ['intro']);
    });

    it('stores the English intro as an LLM draft with its provenance; the English sources are untouched', async () => {
      const intro = (await text('intro', 'en'))!;
      assert.equal(intro.body, INTRO_EN);
      assert.deepEqual([intro.origin, intro.status, intro.model, intro.promptVersion], ['llm', 'draft', MODEL, 'intro-v1']);
      assert.equal(intro.draft?.provider, 'openai-compatible');
      assert.equal(intro.draft?.sourceHash, hash(ABSTRACT), 'the source is the abstract');
      assert.ok(intro.draft!.tokensIn > 0 && intro.draft!.tokensOut > 0 && intro.draft!.callId !== null);
      const [call] = await t.store.llmCalls(editionId, 'en');
      assert.deepEqual([call!.status, call!.fields, call!.promptVersion, call!.model], ['ok', ['intro'], 'intro-v1', MODEL]);
      const bundle = await t.store.getEditionBundle(editionId);
      assert.deepEqual(bundle.texts.filter((x) => x.lang === 'en' && x.origin === 'llm').map((x) => x.field), ['intro']);
      assert.equal((await t.store.getText({ ownerKind: 'entry', ownerId: upstreamEntry, field: 'intro', lang: 'en' }))!.origin, 'upstream');
    });

    it('in Korean, drafts the intro from the abstract (not from the English draft) in its own call', async () => {
      const before = server.requests.length;
      const r = await draftEdition(t.store, llm, editionId, run('ko'));
      assert.deepEqual(r.failures, []);
      // entry 1: title+abstract translated, intro introduced; entry 2: title+intro translated
      assert.deepEqual([r.calls, r.drafted], [3, 5]);
      const reqs = server.requests.slice(before);
      const intro = reqs.filter(isIntroCall);
      assert.equal(intro.length, 1);
      assert.match(intro[0]!.system, /in Korean, from the paper's English abstract/);
      assert.ok(intro[0]!.prompt.includes(`${openDelimiter('abstract')}\n${ABSTRACT}\n${closeDelimiter('abstract')}`));
      assert.ok(!intro[0]!.prompt.includes(INTRO_EN), 'the English draft is not a source');
      const translations = reqs.filter((q) => !isIntroCall(q));
      const keys = translations.map((q) => Object.keys(q.body.response_format.json_schema.schema.properties).sort().join(','));
      assert.deepEqual(keys.sort(), ['abstract,title', 'intro,title']);
      const ko = (await text('intro', 'ko'))!;
      assert.deepEqual([ko.body, ko.origin, ko.status, ko.model, ko.promptVersion, ko.draft?.sourceHash], [INTRO_KO, 'llm', 'draft', MODEL, 'intro-v1', hash(ABSTRACT)]);
      const other = (await t.store.getText({ ownerKind: 'entry', ownerId: upstreamEntry, field: 'intro', lang: 'ko' }))!;
      assert.equal(other.promptVersion, 'draft-v1', 'an entry with an English intro is translated as before');
    });

    it('the checker holds each intro to the abstract: the number the abstract lacks is an error', async () => {
      const ko = await checkEdition(t.store, editionId, 'ko', () => new Date());
      const intro = ko.checked.find((c) => c.ownerKind === 'entry' && c.ownerId === derivedEntry && c.field === 'intro')!;
      assert.deepEqual(intro.findings.map((f) => [f.rule, f.severity, f.message]), [['numbers', 'error', 'the draft has "17배" (17×), which is not in the source']]);
      const span = intro.findings[0]!.draftSpan!;
      assert.equal(INTRO_KO.slice(span[0], span[1]), '17배');
      const gate = await publishBlockers(t.store, editionId, 'ko');
      assert.ok(gate.errors.some((f) => f.ownerId === derivedEntry && f.field === 'intro' && f.rule === 'numbers'));
      // the English intro is checked too, against the same abstract; the English sources are not checked
      const en = await checkEdition(t.store, editionId, 'en', () => new Date());
      assert.deepEqual(en.checked.map((c) => [c.ownerId, c.field, c.origin]), [[derivedEntry, 'intro', 'llm']]);
      assert.deepEqual([en.errors, en.warnings], [0, 0]);
      assert.deepEqual(checkTargets(await t.store.getEditionBundle(editionId), 'en').map((x) => x.source), [ABSTRACT]);
    });

    it('a second run makes no new call, in either language', async () => {
      const before = server.requests.length;
      const en = await draftEdition(t.store, llm, editionId, run('en'));
      const ko = await draftEdition(t.store, llm, editionId, run('ko'));
      assert.deepEqual([en.calls, en.upToDate, ko.calls, ko.upToDate], [0, 1, 0, 5]);
      assert.equal(server.requests.length, before);
    });

    it('an approved intro is kept; a changed abstract redrafts the others', async () => {
      const enRef = { ownerKind: 'entry' as const, ownerId: derivedEntry, field: 'intro' as const, lang: 'en' };
      assert.equal(await t.store.approveTexts([enRef], 'editor@example.org', new Date().toISOString()), 1);
      await t.store.putTexts([{ ownerKind: 'paper', ownerId: KEY, field: 'abstract', lang: 'en', body: REVISED, origin: 'arxiv', model: null, promptVersion: null, status: 'approved' }]);
      koIntro = INTRO_KO_GOOD;
      const before = server.requests.length;
      const en = await draftEdition(t.store, llm, editionId, run('en'));
      assert.deepEqual([en.calls, en.kept], [0, 1]);
      const approved = (await text('intro', 'en'))!;
      assert.deepEqual([approved.body, approved.status, approved.approvedBy], [INTRO_EN, 'approved', 'editor@example.org']);
      const ko = await draftEdition(t.store, llm, editionId, run('ko', ['intro']));
      assert.deepEqual([ko.calls, ko.drafted], [1, 1]);
      const req = server.requests.slice(before).find(isIntroCall)!;
      assert.ok(req.prompt.includes(REVISED), 'the revised abstract is the source');
      const redrafted = (await text('intro', 'ko'))!;
      assert.deepEqual([redrafted.body, redrafted.draft?.sourceHash], [INTRO_KO_GOOD, hash(REVISED)]);
      const checked = await checkEdition(t.store, editionId, 'ko', () => new Date());
      assert.deepEqual(checked.checked.find((c) => c.ownerId === derivedEntry && c.field === 'intro')!.findings, []);
    });
  });
}
