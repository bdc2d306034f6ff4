// Drafting end to end through a local server that speaks the OpenAI chat-completions protocol:
// the reference week on both engines, the cache, the glossary, costs, and the fault cases.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openSqlite, type TestStore } from './support/stores.js';
import { cli, SEED_POST, SHARED, UPSTREAM_MD } from './support/cli.js';
import { startLlmServer, type LlmServer } from './support/llm-server.js';
import type { Text } from '../src/domain/types.js';

const GUIDE = `${SHARED}data/glossary/pytorchkorea_tutorials-kr_TRANSLATION_GUIDE.md`;

/** Korean prose standing in for a model's translation of each field. */
const korean = (field: string) => `이 논문은 새로운 방법을 제안하고 성능을 크게 개선합니다 (${field}).`;

async function koTexts(t: TestStore, week: string): Promise<Text[]> {
  const ed = (await t.store.getEditionByStart(week))!;
  const b = await t.store.getEditionBundle(ed.id);
  return b.texts.filter((x) => x.lang === 'ko');
}

for (const engine of ENGINES) {
  describe(`draft on ${engine.name}`, () => {
    let t: TestStore;
    let llm: LlmServer;
    let env: Record<string, string>;
    before(async () => {
      t = await engine.open();
      llm = await startLlmServer();
      llm.translator = korean;
      env = { ...t.env, PAPERBOY_LLM_URL: llm.url, PAPERBOY_LLM_MODEL: 'qwen2.5-14b' };
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
      assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko'], t.env)).code, 0);
    });
    after(async () => {
      await llm?.close();
      await t?.cleanup();
    });

    it('without an LLM configured, says how to configure one; other commands keep working', async () => {
      const r = await cli(['draft', '--week', '2024-04-01', '--lang', 'ko'], t.env);
      assert.equal(r.code, 78);
      assert.match(r.err, /no LLM is configured.*PAPERBOY_LLM_URL.*PAPERBOY_LLM_MODEL/);
      assert.equal((await cli(['editions'], t.env)).code, 0);
    });

    it('leaves imported texts alone unless --force, and says so', async () => {
      const r = await cli(['draft', '--week', '2024-04-01', '--lang', 'ko', '--json'], env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.calls, 0);
      assert.equal(j.imported, 28);
      assert.equal(llm.requests.length, 0);
    });

    it('drafts every title, intro and abstract of the reference week with provenance; editors\' texts untouched', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      const [first] = await t.store.getEntries([ed.id]);
      await t.store.putTexts([{ ownerKind: 'entry', ownerId: String(first!.id), field: 'intro', lang: 'ko', body: '편집자가 쓴 소개', origin: 'human', model: null, promptVersion: null, status: 'approved' }]);
      const r = await cli(['draft', '--week', '2024-04-01', '--lang', 'ko', '--force', '--json'], env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.calls, 10, 'one call per entry');
      assert.equal(j.drafted, 27);
      assert.equal(j.kept, 1);
      assert.deepEqual(j.failures, []);
      const texts = await koTexts(t, '2024-04-01');
      const drafts = texts.filter((x) => x.origin === 'llm');
      assert.equal(drafts.length, 27);
      for (const d of drafts) {
        assert.equal(d.status, 'draft');
        assert.equal(d.model, 'qwen2.5-14b');
        assert.equal(d.promptVersion, 'draft-v1');
        assert.equal(d.draft?.provider, 'openai-compatible');
        assert.ok(d.draft!.tokensIn > 0 && d.draft!.tokensOut > 0, 'tokens recorded');
        assert.match(d.body, /이 논문은/);
      }
      assert.equal(texts.find((x) => x.ownerId === String(first!.id) && x.field === 'intro')!.body, '편집자가 쓴 소개');
      // structured output with a JSON schema on the chat-completions endpoint
      const req = llm.requests[0]!;
      assert.equal(req.path, '/v1/chat/completions');
      assert.equal(req.body.response_format.type, 'json_schema');
      assert.deepEqual(Object.keys(req.body.response_format.json_schema.schema.properties).sort(), ['abstract', 'title']);
    });

    it('makes no LLM call on a second run', async () => {
      const before = llm.requests.length;
      const r = await cli(['draft', '--week', '2024-04-01', '--lang', 'ko', '--json'], env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.calls, 0);
      assert.equal(j.upToDate, 27);
      assert.equal(llm.requests.length, before);
    });

    it('reports tokens and cost per field', async () => {
      const r = await cli(['costs', '--week', '2024-04-01', '--json'], { ...env, PAPERBOY_LLM_PRICE_INPUT: '0.5', PAPERBOY_LLM_PRICE_OUTPUT: '1.5' });
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.total.calls, 10);
      assert.ok(j.total.tokensIn > 1000);
      for (const f of ['title', 'intro', 'abstract']) assert.ok(j.byField[f].tokensIn > 0, f);
      const text = await cli(['costs', '--week', '2024-04-01'], env);
      assert.match(text.out, /10 LLM calls \(10 ok, 0 rejected, 0 failed\)/);
      assert.match(text.out, /^\s+abstract\s+8\s/m);
    });

    it('renders the drafts and names the model in the footer', async () => {
      const r = await cli(['render', '--week', '2024-04-01', '--lang', 'ko', '--format', 'discourse'], env);
      assert.match(r.out, /이 글은 qwen2\.5-14b 모델로 정리한 것으로/);
      assert.match(r.out, /이 논문은 새로운 방법을/);
    });

    it('reuses answers already paid for: switching models back costs nothing', async () => {
      const other = { ...env, PAPERBOY_LLM_MODEL: 'llama3.1-8b' };
      const a = JSON.parse((await cli(['draft', '--week', '2024-04-01', '--lang', 'ko', '--json'], other)).out);
      assert.equal(a.calls, 10, 'another model drafts again');
      const before = llm.requests.length;
      const b = JSON.parse((await cli(['draft', '--week', '2024-04-01', '--lang', 'ko', '--json'], env)).out);
      assert.equal(b.calls, 0);
      assert.equal(b.fromCache, 27);
      assert.equal(llm.requests.length, before);
      assert.ok((await koTexts(t, '2024-04-01')).filter((x) => x.origin === 'llm').every((x) => x.model === 'qwen2.5-14b'));
    });

    it('puts only the glossary terms that occur in a source into its prompt', async () => {
      const g = await cli(['glossary', 'import', GUIDE, '--lang', 'ko'], env);
      assert.equal(g.code, 0, g.err);
      assert.match(g.out, /83 terms/);
      const before = llm.requests.length;
      const r = await cli(['draft', '--week', '2024-04-01', '--lang', 'ko', '--fields', 'intro', '--json'], env);
      assert.equal(r.code, 0, r.err);
      const prompts = llm.requests.slice(before).map((q) => q.prompt);
      const jet = prompts.find((p) => p.includes('JetMoE-8B has 24 blocks'));
      assert.ok(jet, 'the JetMoE intro was redrafted: the glossary changed');
      assert.match(jet!, /- attention → 어텐션 \(transliterate\)/);
      assert.doesNotMatch(jet!, /CUDA/);
    });
  });
}

describe('draft faults', () => {
  let t: TestStore;
  let llm: LlmServer;
  let env: Record<string, string>;
  const week = ['draft', '--week', '2024-04-01', '--lang', 'ko', '--json'];
  before(async () => {
    t = await openSqlite();
    llm = await startLlmServer();
    llm.translator = korean;
    env = { ...t.env, PAPERBOY_LLM_URL: llm.url, PAPERBOY_LLM_MODEL: 'm', PAPERBOY_LLM_RETRIES: '1', PAPERBOY_LLM_CONCURRENCY: '1' };
    assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
  });
  after(async () => {
    await llm?.close();
    await t?.cleanup();
  });

  const answer = (o: Record<string, string>) => ({ content: JSON.stringify(o) });

  it('rejects a draft that adds a link, records why, stores the rest, and redoes only that field', async () => {
    llm.enqueue(answer({ title: korean('title'), intro: `${korean('intro')} 자세한 내용은 https://evil.example/x 참고` }));
    const r = await cli(week, env);
    assert.equal(r.code, 65);
    const j = JSON.parse(r.out);
    assert.equal(j.calls, 10);
    assert.equal(j.drafted, 19);
    assert.deepEqual(j.failures.map((f: { position: number; fields: string[]; status: string }) => [f.position, f.fields, f.status]), [[1, ['intro'], 'rejected']]);
    assert.match(r.err, /entry 1 intro: rejected: .*new-url/);
    const ed = (await t.store.getEditionByStart('2024-04-01'))!;
    const calls = await t.store.llmCalls(ed.id, 'ko');
    assert.equal(calls.filter((c) => c.status === 'rejected').length, 1);
    assert.match(calls.find((c) => c.status === 'rejected')!.reason!, /evil\.example/);
    const before = llm.requests.length;
    const again = JSON.parse((await cli(week, env)).out);
    assert.equal(again.calls, 1);
    assert.equal(again.drafted, 1);
    assert.deepEqual(Object.keys(llm.requests[before]!.body.response_format.json_schema.schema.properties), ['intro']);
  });

  it('an answer that breaks the schema twice leaves the fields undrafted with the reason', async () => {
    llm.enqueue({ content: '{"title": 42}' }, { content: 'not json at all' });
    const r = await cli([...week, '--week', '2024-04-08', '--fields', 'title'], env);
    assert.equal(r.code, 65);
    const j = JSON.parse(r.out);
    assert.equal(j.failures[0].status, 'failed');
    assert.match(j.failures[0].reason, /schema/);
    assert.equal(j.drafted, 9);
  });

  it('a refusal gets one repair and is then recorded', async () => {
    llm.enqueue({ content: 'I cannot help with that.' }, { content: 'I cannot help with that.' });
    const r = await cli([...week, '--week', '2024-04-15', '--fields', 'title'], env);
    assert.equal(r.code, 65);
    assert.equal(JSON.parse(r.out).failures.length, 1);
  });

  it('429 with Retry-After, 500 and a dropped connection are retried', async () => {
    llm.enqueue({ status: 429, headers: { 'retry-after': '1' } }, { status: 500 }, { reset: true }, { status: 503 });
    const before = llm.requests.length;
    const r = await cli([...week, '--week', '2024-04-22', '--fields', 'title'], { ...env, PAPERBOY_LLM_RETRIES: '4', PAPERBOY_LLM_BACKOFF_MS: '20' });
    const waits = llm.requests.slice(before, before + 2).map((q) => q.at);
    assert.ok(waits[1]! - waits[0]! >= 950, `Retry-After honoured: ${waits[1]! - waits[0]!} ms`);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).drafted, 10);
  });

  it('a slow answer times out and is recorded as failed; nothing crashes', async () => {
    llm.enqueue({ content: JSON.stringify({ title: korean('title') }), delayMs: 3000 });
    const r = await cli([...week, '--week', '2024-04-29', '--fields', 'title'], { ...env, PAPERBOY_LLM_TIMEOUT_MS: '300', PAPERBOY_LLM_RETRIES: '0' });
    assert.equal(r.code, 65);
    const j = JSON.parse(r.out);
    assert.equal(j.failures.length, 1);
    assert.match(j.failures[0].reason, /300 ms|timed out|time/i);
    assert.equal(j.drafted, 9);
  });

  it('a refused API key stops the run at once with one clear line', async () => {
    llm.apiKey = 'right-key';
    const before = llm.requests.length;
    const r = await cli([...week, '--week', '2024-05-06'], { ...env, PAPERBOY_LLM_API_KEY: 'wrong-key' });
    llm.apiKey = null;
    assert.equal(r.code, 69);
    assert.match(r.err, /401/);
    assert.equal(llm.requests.length - before, 1, 'no retry, no further calls');
  });

  it('stops before the token budget would be exceeded and says how far it got', async () => {
    const r = await cli([...week, '--week', '2024-05-13'], { ...env, PAPERBOY_LLM_MAX_TOKENS_PER_EDITION: '1500' });
    assert.equal(r.code, 75);
    const j = JSON.parse(r.out);
    assert.equal(j.budget.stopped, true);
    assert.ok(j.budget.spent <= 1500, `spent ${j.budget.spent}`);
    assert.ok(j.calls >= 1 && j.calls < 10, `calls ${j.calls}`);
    assert.match(r.err, /stopped at the token budget/);
  });

  it('bad --fields and --lang are usage errors', async () => {
    assert.equal((await cli([...week, '--fields', 'title,summary'], env)).code, 2);
    assert.equal((await cli(['draft', '--week', '2024-04-01', '--lang', 'en', '--fields', 'title'], env)).code, 2);
  });

  it('in English drafts nothing for an upstream week: every entry has its English intro', async () => {
    const r = await cli(['draft', '--week', '2024-04-01', '--lang', 'en', '--json'], env);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).calls, 0);
  });
});
