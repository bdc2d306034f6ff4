// The concrete `Llm`: one structured-output call through the AI SDK, with our own retries, a per-call
// timeout, one repair round for unusable answers and token accounting.
//
//   const llm = createLlm({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000', model: 'qwen2.5-14b' });
//   const { object, usage } = await llm.generate({ system, prompt, schema, schemaName: 'draft' });
//
// Transport failures (429, 5xx, 408, connection refused/reset, the per-call timeout) are retried up
// to maxRetries times with exponential backoff and jitter; Retry-After / retry-after-ms are honoured
// (capped at 5 minutes). Other 4xx fail at once. Both end in PaperboyError('LLM_FAILED'), retryable
// when the failure was transient. An answer that is not JSON, is empty, or does not match the
// schema is asked for once more with a repair note; a second bad answer is an LlmAnswerError that
// carries the tokens of both calls. Aborting req.signal rejects with the signal's reason at once.
import { APICallError, generateText, NoObjectGeneratedError, Output, RetryError } from 'ai';
import type { LanguageModelUsage } from 'ai';
import { countTokens } from 'gpt-tokenizer';
import type { ZodType } from 'zod';
import { LlmAnswerError, PaperboyError } from '../errors.js';
import type { Llm, LlmRequest, LlmResult, LlmUsage } from '../ports.js';
import { createLanguageModel, resolveBaseUrl, type LlmProvider } from './providers.js';

// Keep stdout clean: the SDK logs warnings (unsupported settings etc.) with console.warn otherwise.
globalThis.AI_SDK_LOG_WARNINGS = false;

export interface LlmClientOptions {
  provider: LlmProvider;
  /** see providers.ts for defaults and normalisation */
  baseUrl?: string;
  model: string;
  apiKey?: string;
  /** timeout of one HTTP attempt (default 120000) */
  timeoutMs?: number;
  /** retries of one call on transient failures (default 4, so 5 attempts) */
  maxRetries?: number;
  /** first backoff delay (default 1000); doubles per retry */
  backoffBaseMs?: number;
  /** cap of a backoff delay (default 60000); Retry-After is capped at 5 minutes instead */
  maxBackoffMs?: number;
  /** waits between retries; rejects when the signal aborts (default: setTimeout) */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1) for jitter (default Math.random) */
  random?: () => number;
  /** epoch ms, for durations and Retry-After dates (default Date.now) */
  now?: () => number;
  fetch?: typeof globalThis.fetch;
}

export const RETRY_AFTER_CAP_MS = 5 * 60_000;
/** how much of a bad answer goes back to the model in the repair note */
export const REPAIR_ANSWER_CHARS = 2000;

interface Failure {
  retryable: boolean;
  /** the whole message for a final failure */
  message: string;
  /** short reason, for "failed after N attempts: <reason>" */
  reason: string;
  retryAfterMs: number | null;
}

type CallOutcome<T> =
  | { ok: true; object: T; text: string; usage: LlmUsage }
  | { ok: false; reason: string; text: string; usage: LlmUsage };

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** the error message a provider put in its error body, if any */
function providerMessage(body: string | undefined): string | null {
  if (!body || body.trim() === '') return null;
  try {
    const j = JSON.parse(body) as any;
    const m = j?.error?.message ?? (typeof j?.error === 'string' ? j.error : undefined) ?? j?.message ?? j?.detail;
    if (typeof m === 'string' && m.trim() !== '') return m.trim();
  } catch {
    // not JSON: a proxy's HTML page or plain text
  }
  return truncate(body.replace(/\s+/g, ' ').trim(), 200);
}

/** Retry-After (seconds or an HTTP date) or retry-after-ms, in ms; null when absent or unreadable */
export function retryAfterMs(headers: Record<string, string> | undefined, nowMs: number): number | null {
  if (!headers) return null;
  const get = (name: string) => {
    for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  const ms = get('retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Math.min(Number(ms), RETRY_AFTER_CAP_MS);
  const ra = get('retry-after')?.trim();
  if (!ra) return null;
  if (/^\d+(\.\d+)?$/.test(ra)) return Math.min(Number(ra) * 1000, RETRY_AFTER_CAP_MS);
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - nowMs), RETRY_AFTER_CAP_MS);
}

function networkCode(err: unknown): string | null {
  for (let e: any = err, depth = 0; e && depth < 6; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(e.code)) return e.code;
  }
  return null;
}

function validate<T>(schema: ZodType<T>, value: unknown): { ok: true; value: T } | { ok: false; reason: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues.slice(0, 10).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  return { ok: false, reason: `the answer does not match the schema: ${issues.join('; ')}` };
}

/** parses and validates an answer text; accepts a JSON object wrapped in one Markdown code fence */
function judge<T>(schema: ZodType<T>, text: string): { ok: true; value: T } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'the answer was empty' };
  const candidates = [trimmed];
  const fenced = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(trimmed);
  if (fenced?.[1] !== undefined) candidates.push(fenced[1].trim());
  for (const c of candidates) {
    let value: unknown;
    try {
      value = JSON.parse(c);
    } catch {
      continue;
    }
    return validate(schema, value);
  }
  return { ok: false, reason: `the answer is not JSON: ${truncate(trimmed.replace(/\s+/g, ' '), 120)}` };
}

export function repairPrompt(prompt: string, reason: string, answer: string): string {
  return [
    prompt,
    '',
    '---',
    `Your previous answer could not be used: ${truncate(reason, 1000)}`,
    'Your previous answer was:',
    truncate(answer, REPAIR_ANSWER_CHARS) || '(empty)',
    '',
    'Answer again with only a JSON object matching the schema, with no other text.',
  ].join('\n');
}

const validCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

function usageOf(u: LanguageModelUsage | undefined, input: string, output: string): LlmUsage {
  // Ollama's provider reports missing counts as 0: a 0 for non-empty text is treated as missing.
  let inputTokens = u?.inputTokens;
  let outputTokens = u?.outputTokens;
  let estimated = false;
  if (!validCount(inputTokens) || (inputTokens === 0 && input.length > 0)) {
    inputTokens = countTokens(input);
    estimated = true;
  }
  if (!validCount(outputTokens) || (outputTokens === 0 && output.length > 0)) {
    outputTokens = countTokens(output);
    estimated = true;
  }
  return { inputTokens, outputTokens, estimated };
}

const addUsage = (a: LlmUsage, b: LlmUsage): LlmUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  estimated: a.estimated || b.estimated,
});

export function createLlm(opts: LlmClientOptions): Llm {
  const model = createLanguageModel({
    provider: opts.provider,
    model: opts.model,
    ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}),
    ...(opts.fetch !== undefined ? { fetch: opts.fetch } : {}),
  });
  const baseUrl = resolveBaseUrl(opts.provider, opts.baseUrl);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const maxRetries = Math.max(0, Math.floor(opts.maxRetries ?? 4));
  const backoffBaseMs = opts.backoffBaseMs ?? 1000;
  const maxBackoffMs = opts.maxBackoffMs ?? 60_000;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const where = `LLM server at ${baseUrl}`;

  function backoff(retry: number): number {
    const exp = Math.min(maxBackoffMs, backoffBaseMs * 2 ** (retry - 1));
    return Math.round(exp / 2 + (random() * exp) / 2);
  }

  function classify(err: unknown, timedOut: boolean): Failure {
    if (timedOut) {
      const reason = `no answer within ${timeoutMs} ms`;
      return { retryable: true, message: `${where}: ${reason}`, reason, retryAfterMs: null };
    }
    let e: unknown = err;
    if (RetryError.isInstance(e)) e = e.lastError;
    if (APICallError.isInstance(e)) {
      const status = e.statusCode;
      if (status === undefined) {
        const reason = e.message;
        return { retryable: e.isRetryable || networkCode(e) !== null, message: `${where}: ${reason}`, reason, retryAfterMs: null };
      }
      const detail = providerMessage(e.responseBody) ?? e.message;
      const reason = `answered ${status}: ${truncate(detail, 300)}`;
      const transient = status === 429 || status === 408 || status >= 500;
      if (status >= 200 && status < 300) {
        // the envelope did not parse (not this provider's protocol, or a proxy's page)
        const r = `answered ${status} with a response the ${opts.provider} client cannot read: ${truncate(e.message, 200)}`;
        return { retryable: false, message: `${where} ${r}`, reason: r, retryAfterMs: null };
      }
      return { retryable: transient, message: `${where} ${reason}`, reason, retryAfterMs: transient ? retryAfterMs(e.responseHeaders, now()) : null };
    }
    const code = networkCode(e);
    const msg = e instanceof Error ? e.message : String(e);
    if (code !== null || (e instanceof TypeError && /fetch failed/i.test(msg))) {
      const reason = `${msg}${code && !msg.includes(code) ? ` (${code})` : ''}`;
      return { retryable: true, message: `${where}: ${reason}`, reason, retryAfterMs: null };
    }
    return { retryable: false, message: `${where}: ${msg}`, reason: msg, retryAfterMs: null };
  }

  async function callOnce<T>(req: LlmRequest<T>, prompt: string, signal: AbortSignal): Promise<CallOutcome<T>> {
    const promptText = `${req.system}\n${prompt}`;
    try {
      const result = await generateText({
        model,
        system: req.system,
        prompt,
        output: Output.object({ schema: req.schema, name: req.schemaName }),
        maxRetries: 0,
        abortSignal: signal,
        temperature: 0,
        ...(req.maxOutputTokens !== undefined ? { maxOutputTokens: req.maxOutputTokens } : {}),
        ...(opts.provider === 'ollama'
          ? { providerOptions: { ollama: { options: { temperature: 0, ...(req.maxOutputTokens !== undefined ? { num_predict: req.maxOutputTokens } : {}) } } } }
          : {}),
      });
      const text = result.text;
      const usage = usageOf(result.totalUsage ?? result.usage, promptText, text);
      // The SDK validated already; validate again from the raw text ourselves (the SDK's object may
      // already be transformed, and a finish other than 'stop' may have skipped its parsing).
      const j = judge(req.schema, text);
      return j.ok ? { ok: true, object: j.value, text, usage } : { ok: false, reason: j.reason, text, usage };
    } catch (e) {
      if (NoObjectGeneratedError.isInstance(e)) {
        const text = e.text ?? '';
        const usage = usageOf(e.usage, promptText, text);
        const j = judge(req.schema, text); // a fenced JSON object is accepted here
        return j.ok ? { ok: true, object: j.value, text, usage } : { ok: false, reason: j.reason, text, usage };
      }
      throw e;
    }
  }

  /** one call with transport retries; counts HTTP attempts into `count` */
  async function callWithRetries<T>(req: LlmRequest<T>, prompt: string, count: { attempts: number }): Promise<CallOutcome<T>> {
    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw req.signal.reason;
      count.attempts++;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
      try {
        return await callOnce(req, prompt, signal);
      } catch (err) {
        if (req.signal?.aborted) throw req.signal.reason;
        const f = classify(err, timeout.aborted);
        if (!f.retryable) throw new PaperboyError('LLM_FAILED', f.message, { retryable: false, cause: err });
        if (attempt > maxRetries) {
          throw new PaperboyError('LLM_FAILED', `${where} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${f.reason}`, { retryable: true, cause: err });
        }
        await sleep(f.retryAfterMs ?? backoff(attempt), req.signal);
      }
    }
  }

  return {
    provider: opts.provider,
    model: opts.model,
    async generate<T>(req: LlmRequest<T>): Promise<LlmResult<T>> {
      const started = now();
      const count = { attempts: 0 };
      const first = await callWithRetries(req, req.prompt, count);
      const done = (o: { object: T; usage: LlmUsage }): LlmResult<T> => ({
        object: o.object,
        usage: o.usage,
        provider: opts.provider,
        model: opts.model,
        attempts: count.attempts,
        durationMs: Math.max(0, now() - started),
      });
      if (first.ok) return done(first);
      const second = await callWithRetries(req, repairPrompt(req.prompt, first.reason, first.text), count);
      const usage = addUsage(first.usage, second.usage);
      if (second.ok) return done({ object: second.object, usage });
      throw new LlmAnswerError(
        `the ${opts.provider} model ${opts.model} gave no usable ${req.schemaName} after a repair request: ${second.reason}`,
        usage,
        second.text,
      );
    },
  };
}
