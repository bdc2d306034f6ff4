import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { z } from 'zod';
import { countTokens } from 'gpt-tokenizer';
import { startLlmServer, type LlmServer } from '../../test/support/llm-server.js';
import { LlmAnswerError, PaperboyError } from '../errors.js';
import type { LlmRequest } from '../ports.js';
import { createLlm, retryAfterMs, type LlmClientOptions } from './client.js';
import { resolveBaseUrl } from './providers.js';

const schema = z.object({ title: z.string().min(1), summary: z.string().min(1) });
type Draft = z.infer<typeof schema>;
const GOOD = JSON.stringify({ title: '스케일링 법칙', summary: '큰 모델이 더 잘 배운다.' });
const HANGUL = /[\uac00-\ud7a3]/;

const request = (over: Partial<LlmRequest<Draft>> = {}): LlmRequest<Draft> => ({
  system: 'You translate paper summaries into Korean.',
  prompt: 'Title: Scaling Laws for Neural Language Models',
  schema,
  schemaName: 'draft',
  maxOutputTokens: 400,
  ...over,
});

let server: LlmServer;
let sleeps: number[];

function llm(over: Partial<LlmClientOptions> = {}) {
  return createLlm({
    provider: 'openai-compatible',
    baseUrl: server.url,
    model: 'test-model',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    backoffBaseMs: 100,
    ...over,
  });
}

async function rejectsWith(p: Promise<unknown>): Promise<PaperboyError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PaperboyError, `expected a PaperboyError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

before(async () => {
  server = await startLlmServer();
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.clear();
  sleeps = [];
});

describe('providers: a good answer', () => {
  it('openai-compatible sends json_schema to /v1/chat/completions and bills the provider usage', async () => {
    server.enqueue({ content: GOOD, usage: { input: 120, output: 30 } });
    const r = await llm().generate(request());
    assert.deepEqual(r.object, JSON.parse(GOOD));
    assert.deepEqual(r.usage, { inputTokens: 120, outputTokens: 30, estimated: false });
    assert.equal(r.provider, 'openai-compatible');
    assert.equal(r.model, 'test-model');
    assert.equal(r.attempts, 1);
    assert.ok(r.durationMs >= 0);
    const [q] = server.requests;
    assert.equal(q?.path, '/v1/chat/completions');
    assert.equal(q?.body.response_format.type, 'json_schema');
    assert.equal(q?.body.response_format.json_schema.name, 'draft');
    assert.deepEqual(Object.keys(q?.body.response_format.json_schema.schema.properties), ['title', 'summary']);
    assert.equal(q?.body.temperature, 0);
    assert.equal(q?.body.max_tokens, 400);
    assert.equal(q?.body.messages[0].role, 'system');
    assert.equal(server.requests.length, 1);
  });

  it('the default answer fills the schema with Hangul, and translator shapes it', async () => {
    const r = await llm().generate(request());
    assert.match(r.object.title, HANGUL);
    assert.equal(r.object.title, '초안: title');
    server.translator = (field, source) => `${field}=${source.includes('Scaling') ? '스케일링' : '?'}`;
    const r2 = await llm().generate(request());
    assert.deepEqual(r2.object, { title: 'title=스케일링', summary: 'summary=스케일링' });
  });

  it('openai uses .chat(): /v1/chat/completions with a bearer key', async () => {
    const r = await llm({ provider: 'openai', apiKey: 'sk-test', model: 'gpt-4o-mini' }).generate(request());
    assert.match(r.object.summary, HANGUL);
    const [q] = server.requests;
    assert.equal(q?.path, '/v1/chat/completions');
    assert.equal(q?.headers.authorization, 'Bearer sk-test');
    assert.equal(q?.body.response_format.type, 'json_schema');
    assert.equal(q?.body.model, 'gpt-4o-mini');
  });

  it('anthropic: /v1/messages with x-api-key and output_config for current models', async () => {
    server.enqueue({ content: GOOD, usage: { input: 50, output: 20 } });
    const r = await llm({ provider: 'anthropic', apiKey: 'ak-test', model: 'claude-sonnet-4-5' }).generate(request());
    assert.deepEqual(r.object, JSON.parse(GOOD));
    assert.deepEqual(r.usage, { inputTokens: 50, outputTokens: 20, estimated: false });
    const [q] = server.requests;
    assert.equal(q?.path, '/v1/messages');
    assert.equal(q?.headers['x-api-key'], 'ak-test');
    assert.equal(typeof q?.headers['anthropic-version'], 'string');
    assert.equal(q?.body.output_config.format.type, 'json_schema');
    assert.ok(q?.body.output_config.format.schema.properties.title);
    assert.equal(q?.system, 'You translate paper summaries into Korean.');
  });

  it('anthropic: older models get a forced json tool, answered with tool_use', async () => {
    const r = await llm({ provider: 'anthropic', apiKey: 'ak-test', model: 'claude-3-haiku-20240307' }).generate(request());
    assert.match(r.object.title, HANGUL);
    const [q] = server.requests;
    assert.equal(q?.body.tools[0].name, 'json');
    assert.equal(q?.body.output_config, undefined);
  });

  it('ollama native: /api/chat with the schema in format', async () => {
    server.enqueue({ content: GOOD, usage: { input: 70, output: 25 } });
    const r = await llm({ provider: 'ollama', model: 'qwen2.5:14b' }).generate(request());
    assert.deepEqual(r.object, JSON.parse(GOOD));
    assert.deepEqual(r.usage, { inputTokens: 70, outputTokens: 25, estimated: false });
    const [q] = server.requests;
    assert.equal(q?.path, '/api/chat');
    assert.deepEqual(Object.keys(q?.body.format.properties), ['title', 'summary']);
    assert.equal(q?.body.stream, false);
    assert.equal(q?.body.options.num_predict, 400);
    assert.equal(q?.body.options.temperature, 0);
  });
});

describe('usage', () => {
  it('is estimated with the tokenizer when the provider omits it', async () => {
    const req = request();
    server.enqueue({ content: GOOD, usage: null });
    const r = await llm().generate(req);
    assert.equal(server.requests[0]?.body.usage, undefined);
    assert.deepEqual(r.usage, {
      inputTokens: countTokens(`${req.system}\n${req.prompt}`),
      outputTokens: countTokens(GOOD),
      estimated: true,
    });
  });

  it('is estimated on ollama too (its provider reports missing counts as 0)', async () => {
    server.enqueue({ content: GOOD, usage: null });
    const r = await llm({ provider: 'ollama', model: 'm' }).generate(request());
    assert.equal(r.usage.estimated, true);
    assert.ok(r.usage.inputTokens > 0 && r.usage.outputTokens > 0);
  });
});

describe('bad answers', () => {
  it('a schema violation is repaired once: two calls, usage summed', async () => {
    const bad = JSON.stringify({ title: '' });
    server.enqueue({ content: bad, usage: { input: 100, output: 10 } }, { content: GOOD, usage: { input: 150, output: 20 } });
    const r = await llm().generate(request());
    assert.deepEqual(r.object, JSON.parse(GOOD));
    assert.deepEqual(r.usage, { inputTokens: 250, outputTokens: 30, estimated: false });
    assert.equal(r.attempts, 2);
    assert.equal(server.requests.length, 2);
    const repair = server.requests[1]!.prompt;
    assert.ok(repair.startsWith(request().prompt));
    assert.ok(repair.includes(bad), 'the bad answer goes back');
    assert.match(repair, /title/);
    assert.match(repair, /Answer again with only a JSON object matching the schema/);
  });

  it('a schema violation twice is an LlmAnswerError with the usage of both calls', async () => {
    server.enqueue({ content: '{"title":"x"}', usage: { input: 100, output: 10 } }, { content: '{"summary":"y"}', usage: { input: 150, output: 20 } });
    const e = await rejectsWith(llm().generate(request()));
    assert.ok(e instanceof LlmAnswerError);
    assert.equal(e.code, 'LLM_BAD_ANSWER');
    assert.equal(e.retryable, false);
    assert.deepEqual(e.usage, { inputTokens: 250, outputTokens: 30, estimated: false });
    assert.equal(e.answer, '{"summary":"y"}');
    assert.equal(server.requests.length, 2);
  });

  it('a refusal counts as a bad answer (repaired, then LlmAnswerError)', async () => {
    server.enqueue({ content: 'I cannot help with that.' }, { content: GOOD });
    const ok = await llm().generate(request());
    assert.deepEqual(ok.object, JSON.parse(GOOD));
    server.respond(() => ({ content: "I'm sorry, I cannot help with that.", usage: { input: 5, output: 9 } }));
    const e = await rejectsWith(llm({ provider: 'anthropic', apiKey: 'k', model: 'claude-3-haiku-20240307' }).generate(request()));
    assert.ok(e instanceof LlmAnswerError);
    assert.equal(e.answer, "I'm sorry, I cannot help with that.");
    assert.deepEqual(e.usage, { inputTokens: 10, outputTokens: 18, estimated: false });
    assert.match(e.message, /not JSON/);
  });

  it('an empty answer counts as a bad answer', async () => {
    server.respond(() => ({ content: '', usage: { input: 5, output: 0 } }));
    for (const over of [{}, { provider: 'anthropic', apiKey: 'k', model: 'claude-sonnet-4-5' }, { provider: 'ollama' }] as Partial<LlmClientOptions>[]) {
      server.requests.length = 0;
      const e = await rejectsWith(llm(over).generate(request()));
      assert.ok(e instanceof LlmAnswerError, String(over.provider));
      assert.equal(e.answer, '');
      assert.match(e.message, /empty/);
      assert.equal(server.requests.length, 2);
    }
  });

  it('accepts a JSON object wrapped in a Markdown fence without a repair', async () => {
    server.enqueue({ content: '```json\n' + GOOD + '\n```' });
    const r = await llm().generate(request());
    assert.deepEqual(r.object, JSON.parse(GOOD));
    assert.equal(server.requests.length, 1);
  });
});

describe('transport failures', () => {
  it('429 with Retry-After: 2 waits 2000 ms, then succeeds', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '2' } }, { content: GOOD });
    const r = await llm().generate(request());
    assert.deepEqual(sleeps, [2000]);
    assert.equal(r.attempts, 2);
    assert.equal(server.requests[0]?.status, 429);
  });

  it('Retry-After as an HTTP date, and capped at 5 minutes', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    server.enqueue({ status: 429, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' } }, { status: 503, headers: { 'retry-after': '3600' } }, { content: GOOD });
    const r = await llm({ now: () => now }).generate(request());
    assert.deepEqual(sleeps, [30_000, 300_000]);
    assert.equal(r.attempts, 3);
    assert.equal(retryAfterMs({ 'retry-after-ms': '1500' }, now), 1500);
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }, now), null);
  });

  it('500 twice, then OK: exponential backoff', async () => {
    server.enqueue({ status: 500 }, { status: 500 }, { content: GOOD });
    const r = await llm({ random: () => 0.999999 }).generate(request());
    assert.equal(r.attempts, 3);
    assert.deepEqual(sleeps, [100, 200]);
  });

  it('backoff has jitter and a cap', async () => {
    server.respond(() => ({ status: 502 }));
    const e = await rejectsWith(llm({ maxRetries: 5, backoffBaseMs: 1000, maxBackoffMs: 4000, random: () => 0 }).generate(request()));
    assert.equal(e.code, 'LLM_FAILED');
    assert.deepEqual(sleeps, [500, 1000, 2000, 2000, 2000]);
  });

  it('500 forever: LLM_FAILED after maxRetries+1 attempts, retryable', async () => {
    server.respond(() => ({ status: 500 }));
    const e = await rejectsWith(llm({ maxRetries: 3 }).generate(request()));
    assert.equal(e.code, 'LLM_FAILED');
    assert.equal(e.retryable, true);
    assert.match(e.message, /failed after 4 attempts: answered 500: internal server error/);
    assert.equal(server.requests.length, 4);
    assert.equal(sleeps.length, 3);
  });

  it('a connection reset, then OK', async () => {
    server.enqueue({ reset: true }, { content: GOOD });
    const r = await llm().generate(request());
    assert.equal(r.attempts, 2);
    assert.equal(server.counters.resets, 1);
    assert.equal(sleeps.length, 1);
  });

  it('a hang hits the per-call timeout, then the retry succeeds', async () => {
    server.enqueue({ hang: true }, { content: GOOD });
    const r = await llm({ timeoutMs: 200 }).generate(request());
    assert.equal(r.attempts, 2);
    assert.equal(server.counters.hangs, 1);
  });

  it('a hang forever: LLM_FAILED naming the timeout', async () => {
    server.respond(() => ({ hang: true }));
    const e = await rejectsWith(llm({ timeoutMs: 100, maxRetries: 1 }).generate(request()));
    assert.equal(e.retryable, true);
    assert.match(e.message, /failed after 2 attempts: no answer within 100 ms/);
  });

  it('401 fails at once without a retry', async () => {
    server.apiKey = 'right-key';
    const e = await rejectsWith(llm({ apiKey: 'wrong-key' }).generate(request()));
    assert.equal(e.code, 'LLM_FAILED');
    assert.equal(e.retryable, false);
    assert.equal(e.message, `LLM server at ${server.url}/v1 answered 401: invalid api key`);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('401 from anthropic names its message', async () => {
    server.apiKey = 'right-key';
    const e = await rejectsWith(llm({ provider: 'anthropic', apiKey: 'wrong', model: 'claude-sonnet-4-5' }).generate(request()));
    assert.equal(e.retryable, false);
    assert.match(e.message, /answered 401: invalid x-api-key/);
  });

  it('400 and 404 are not retried; Ollama\'s string error is read', async () => {
    server.enqueue({ status: 400, body: JSON.stringify({ error: { message: 'context length exceeded' } }) });
    const e = await rejectsWith(llm().generate(request()));
    assert.match(e.message, /answered 400: context length exceeded/);
    server.enqueue({ status: 404, body: JSON.stringify({ error: "model 'nope' not found" }) });
    const e2 = await rejectsWith(llm({ provider: 'ollama', model: 'nope' }).generate(request()));
    assert.match(e2.message, /\/api answered 404: model 'nope' not found/);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(sleeps, []);
  });

  it('an unreachable port: LLM_FAILED naming the URL', async () => {
    const port = await freePort();
    const e = await rejectsWith(llm({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 }).generate(request()));
    assert.equal(e.code, 'LLM_FAILED');
    assert.equal(e.retryable, true);
    assert.ok(e.message.includes(`http://127.0.0.1:${port}/v1`), e.message);
    assert.match(e.message, /failed after 2 attempts/);
  });

  it('aborting the request signal stops at once, also during a hang', async () => {
    server.respond(() => ({ hang: true }));
    const ac = new AbortController();
    const p = llm({ timeoutMs: 60_000 }).generate(request({ signal: ac.signal }));
    setTimeout(() => ac.abort(new Error('shutting down')), 50);
    await assert.rejects(p, /shutting down/);
    assert.equal(server.requests.length, 1);
  });
});

describe('configuration', () => {
  it('normalises base URLs', () => {
    assert.equal(resolveBaseUrl('openai-compatible', 'http://h:8000'), 'http://h:8000/v1');
    assert.equal(resolveBaseUrl('openai-compatible', 'http://h:8000/'), 'http://h:8000/v1');
    assert.equal(resolveBaseUrl('openai-compatible', 'http://h:8000/v1'), 'http://h:8000/v1');
    assert.equal(resolveBaseUrl('openai-compatible', 'http://h:8000/v1/'), 'http://h:8000/v1');
    assert.equal(resolveBaseUrl('openai-compatible', 'http://h:8000/v1/chat/completions'), 'http://h:8000/v1');
    assert.equal(resolveBaseUrl('openai-compatible', 'https://api.groq.com/openai/v1'), 'https://api.groq.com/openai/v1');
    assert.equal(resolveBaseUrl('openai'), 'https://api.openai.com/v1');
    assert.equal(resolveBaseUrl('anthropic'), 'https://api.anthropic.com/v1');
    assert.equal(resolveBaseUrl('anthropic', 'http://h:1'), 'http://h:1/v1');
    assert.equal(resolveBaseUrl('ollama'), 'http://127.0.0.1:11434/api');
    assert.equal(resolveBaseUrl('ollama', 'http://h:11434'), 'http://h:11434/api');
    assert.equal(resolveBaseUrl('ollama', 'http://h:11434/api/'), 'http://h:11434/api');
    assert.equal(resolveBaseUrl('ollama', 'http://h:11434/v1'), 'http://h:11434/api');
  });

  it('http://h:p and http://h:p/v1 both reach /v1/chat/completions', async () => {
    for (const baseUrl of [server.url, `${server.url}/v1`, `${server.url}/v1/`]) {
      await llm({ baseUrl }).generate(request());
    }
    assert.deepEqual(
      server.requests.map((q) => q.path),
      ['/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions'],
    );
  });

  it('missing settings are LLM_NOT_CONFIGURED', () => {
    const cases: Partial<LlmClientOptions>[] = [
      { baseUrl: undefined },
      { baseUrl: 'not a url' },
      { model: '' },
      { provider: 'openai', apiKey: undefined },
      { provider: 'anthropic', apiKey: undefined },
    ];
    for (const c of cases) {
      assert.throws(() => llm(c), (e: unknown) => e instanceof PaperboyError && e.code === 'LLM_NOT_CONFIGURED', JSON.stringify(c));
    }
  });
});
