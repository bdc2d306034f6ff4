// Polite GET with retries, shared by the HTTP clients of the sources (arxiv/client.ts,
// arxiv/listing.ts, hf-daily/client.ts). This file owns no I/O of its own: it calls the fetch it is
// given (global fetch by default) and waits through the sleep it is given.
//
// Policy:
// - request starts are kept at least minIntervalMs apart, for every caller of one getter;
// - 5xx, 429 (Retry-After honoured, up to 5 minutes), connection resets, refused connections and
//   timeouts are retried with exponential backoff and jitter (up to a quarter on top), up to
//   maxRetries; then PaperboyError('FETCH_FAILED', retryable);
// - any other answer (2xx, 3xx, 4xx other than 429) is returned to the caller, who decides.
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { PaperboyError } from '../errors.js';

export interface HttpRetryOptions {
  /** least time between the starts of two requests */
  minIntervalMs?: number;
  /** retries after the first attempt; default 4 */
  maxRetries?: number;
  /** per attempt, headers and body; default 30000 */
  timeoutMs?: number;
  /** first backoff delay, doubled on each retry; default 1000 */
  backoffBaseMs?: number;
  /** ceiling of the exponential backoff (Retry-After may ask for more, up to 5 minutes); default 60000 */
  maxBackoffMs?: number;
  fetch?: typeof fetch;
  /** every wait (spacing and backoff) goes through this */
  sleep?: (ms: number) => Promise<void>;
  /** a monotonic clock in ms; default performance.now() */
  now?: () => number;
  /** in [0, 1), for the jitter; default Math.random */
  random?: () => number;
}

export interface HttpGetterSettings {
  /** names the client in option errors, e.g. `arXiv client` */
  client: string;
  /** names the server in FETCH_FAILED messages, e.g. `arXiv API at export.arxiv.org` */
  server: string;
  /** named in "could not be reached" messages */
  baseUrl: string;
  /** the Accept header sent */
  accept: string;
  /** minIntervalMs when the options do not give one */
  defaultIntervalMs: number;
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  body: string;
  headers: Headers;
}

export interface HttpGetter {
  /** One request with retries; resolves with any answer that is not worth retrying. */
  get(url: string): Promise<HttpAnswer>;
}

const MAX_RETRY_AFTER_MS = 5 * 60_000;

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/** PaperboyError('INPUT_INVALID', `${client}: ${msg}`) */
export function invalidOption(client: string, msg: string): PaperboyError {
  return new PaperboyError('INPUT_INVALID', `${client}: ${msg}`);
}

/** An integer option within [min, max], or its default when not given; INPUT_INVALID otherwise. */
export function intOption(
  client: string,
  name: string,
  v: number | undefined,
  def: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw invalidOption(client, `${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}, got ${v}`);
  }
  return v;
}

/** The base URL as a URL, when it is an http(s) one; INPUT_INVALID otherwise. */
export function httpBaseUrl(client: string, baseUrl: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw invalidOption(client, `baseUrl "${baseUrl}" is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw invalidOption(client, `baseUrl "${baseUrl}" is not an http(s) URL`);
  }
  return base;
}

/** The first `code` on the error, its cause chain, or an AggregateError's members. */
function errorCode(err: unknown, depth = 0): string | null {
  if (depth > 5 || typeof err !== 'object' || err === null) return null;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') return e.code;
  const fromCause = errorCode(e.cause, depth + 1);
  if (fromCause) return fromCause;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const c = errorCode(inner, depth + 1);
      if (c) return c;
    }
  }
  return null;
}

function innermostMessage(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 5 && e instanceof Error && e.cause instanceof Error; i++) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** Seconds or an HTTP date → ms to wait, or null. */
export function parseRetryAfter(header: string | null, nowMs: number = Date.now()): number | null {
  if (header === null) return null;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** A getter with the options validated (INPUT_INVALID naming settings.client on a bad one). */
export function createHttpGetter(opts: HttpRetryOptions, settings: HttpGetterSettings): HttpGetter {
  const { client, server, baseUrl, accept } = settings;
  const minIntervalMs = intOption(client, 'minIntervalMs', opts.minIntervalMs, settings.defaultIntervalMs, 0);
  const maxRetries = intOption(client, 'maxRetries', opts.maxRetries, 4, 0);
  const timeoutMs = intOption(client, 'timeoutMs', opts.timeoutMs, 30_000, 1);
  const backoffBaseMs = intOption(client, 'backoffBaseMs', opts.backoffBaseMs, 1000, 0);
  const maxBackoffMs = intOption(client, 'maxBackoffMs', opts.maxBackoffMs, 60_000, 0);
  const doFetch = opts.fetch ?? globalThis.fetch;
  const sleep = opts.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const now = opts.now ?? (() => performance.now());
  const random = opts.random ?? Math.random;

  // Request starts are serialised through one chain, so concurrent callers share the spacing.
  let lastStart: number | null = null;
  let gate: Promise<void> = Promise.resolve();
  function pace(): Promise<void> {
    const turn = gate.then(async () => {
      // Timers may fire a little early against a fresh clock (the event loop's time is cached),
      // so check again after waking; bounded, in case an injected sleep does not wait at all.
      for (let i = 0; lastStart !== null && i < 10; i++) {
        const wait = lastStart + minIntervalMs - now();
        if (wait <= 0) break;
        await sleep(Math.ceil(wait));
      }
      lastStart = now();
    });
    gate = turn.catch(() => undefined);
    return turn;
  }

  function backoff(attempt: number, retryAfterMs: number | null): number {
    const exp = Math.min(maxBackoffMs, backoffBaseMs * 2 ** (attempt - 1));
    const jittered = Math.round(exp + random() * exp * 0.25);
    return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
  }

  function describeFailure(err: unknown): string {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      return `no answer within ${timeoutMs} ms`;
    }
    const code = errorCode(err);
    if (code && UNREACHABLE_CODES.has(code)) return `${baseUrl} could not be reached (${code})`;
    if (code && RESET_CODES.has(code)) return `connection reset (${code}: ${innermostMessage(err)})`;
    if (code) return `connection failed (${code}: ${innermostMessage(err)})`;
    return `request failed: ${innermostMessage(err)}`;
  }

  return {
    async get(url: string): Promise<HttpAnswer> {
      const attempts = maxRetries + 1;
      let reason = 'no attempt made';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        await pace();
        let retryAfterMs: number | null = null;
        try {
          const res = await doFetch(url, {
            signal: AbortSignal.timeout(timeoutMs),
            headers: { accept },
          });
          const body = await res.text();
          if (res.status < 500 && res.status !== 429) {
            return { status: res.status, statusText: res.statusText, body, headers: res.headers };
          }
          reason = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
          retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        } catch (err) {
          reason = describeFailure(err);
        }
        if (attempt < attempts) await sleep(backoff(attempt, retryAfterMs));
      }
      throw new PaperboyError('FETCH_FAILED', `${server} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`, {
        retryable: true,
      });
    },
  };
}
