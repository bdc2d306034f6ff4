// The arXiv API client. This file owns the network I/O for arXiv: it asks
// `GET {baseUrl}?id_list=…&start=0&max_results=n` in batches, keeps the requests spaced (arXiv asks
// for one request every 3 seconds), retries what may succeed on a second try, and hands each body
// to the pure parser in parse.ts.
//
// Failure policy:
// - 5xx, 429 (Retry-After honoured), connection resets, refused connections and timeouts are retried
//   with exponential backoff and jitter, up to maxRetries; then PaperboyError('FETCH_FAILED', retryable).
// - HTTP 400 with arXiv's error feed is not retried: each error goes to `errors` (under the id the
//   message names), and the rest of the batch is asked again without the bad ids.
// - Other HTTP statuses, and a 200 whose body is not an Atom feed: PaperboyError('UPSTREAM_ERROR').
// - Ids that are not arXiv ids are reported in `errors` without any request.
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { parseArxivId } from '../../domain/paper-key.js';
import { PaperboyError } from '../../errors.js';
import { collapseWhitespace, parseArxivFeed, type ArxivFeed, type ArxivRecord } from './parse.js';

export type { ArxivRecord } from './parse.js';

export interface ArxivClientOptions {
  /** the query endpoint, e.g. https://export.arxiv.org/api/query */
  baseUrl: string;
  /** least time between the starts of two requests; default 3000 */
  minIntervalMs?: number;
  /** ids per request; default 100, at most 100 */
  batchSize?: number;
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
  /** after each batch: ids looked up so far, ids to look up */
  onProgress?: (done: number, total: number) => void;
}

export interface ArxivLookup {
  /** by arXiv id without version */
  records: Map<string, ArxivRecord>;
  /** ids (without version) asked for and not returned: arXiv has no such paper */
  missing: string[];
  /** ids rejected before asking (id as given) or by arXiv (id as asked), and batch-level errors */
  errors: Array<{ id: string | null; message: string }>;
}

export interface ArxivClient {
  fetchByIds(ids: string[]): Promise<ArxivLookup>;
}

const MAX_BATCH = 100;
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

function invalidOption(msg: string): PaperboyError {
  return new PaperboyError('INPUT_INVALID', `arXiv client: ${msg}`);
}

function intOption(name: string, v: number | undefined, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw invalidOption(`${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}, got ${v}`);
  }
  return v;
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

function snippet(s: string, max = 120): string {
  const t = collapseWhitespace(s.replace(/<[^>]*>/g, ' '));
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

export function createArxivClient(opts: ArxivClientOptions): ArxivClient {
  let base: URL;
  try {
    base = new URL(opts.baseUrl);
  } catch {
    throw invalidOption(`baseUrl "${opts.baseUrl}" is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw invalidOption(`baseUrl "${opts.baseUrl}" is not an http(s) URL`);
  }
  const baseUrl = opts.baseUrl;
  const host = base.host;
  const minIntervalMs = intOption('minIntervalMs', opts.minIntervalMs, 3000, 0);
  const batchSize = intOption('batchSize', opts.batchSize, MAX_BATCH, 1, MAX_BATCH);
  const maxRetries = intOption('maxRetries', opts.maxRetries, 4, 0);
  const timeoutMs = intOption('timeoutMs', opts.timeoutMs, 30_000, 1);
  const backoffBaseMs = intOption('backoffBaseMs', opts.backoffBaseMs, 1000, 0);
  const maxBackoffMs = intOption('maxBackoffMs', opts.maxBackoffMs, 60_000, 0);
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

  function queryUrl(ids: string[]): string {
    const u = new URL(baseUrl);
    u.searchParams.set('id_list', ids.join(','));
    u.searchParams.set('start', '0');
    u.searchParams.set('max_results', String(ids.length));
    return u.toString();
  }

  /** One request with retries; resolves with any answer that is not worth retrying. */
  async function get(url: string): Promise<{ status: number; body: string }> {
    const attempts = maxRetries + 1;
    let reason = 'no attempt made';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await pace();
      let retryAfterMs: number | null = null;
      try {
        const res = await doFetch(url, {
          signal: AbortSignal.timeout(timeoutMs),
          headers: { accept: 'application/atom+xml' },
        });
        const body = await res.text();
        if (res.status < 500 && res.status !== 429) return { status: res.status, body };
        reason = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch (err) {
        reason = describeFailure(err);
      }
      if (attempt < attempts) await sleep(backoff(attempt, retryAfterMs));
    }
    throw new PaperboyError('FETCH_FAILED', `arXiv API at ${host} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`, {
      retryable: true,
    });
  }

  async function fetchBatch(batch: string[], out: ArxivLookup): Promise<void> {
    let pending = batch;
    while (pending.length > 0) {
      const url = queryUrl(pending);
      const { status, body } = await get(url);
      if (status !== 200 && status !== 400) {
        throw new PaperboyError('UPSTREAM_ERROR', `arXiv API at ${host} answered HTTP ${status} for ${url}: ${snippet(body)}`);
      }
      let feed: ArxivFeed;
      try {
        feed = parseArxivFeed(body);
      } catch (err) {
        if (status === 400) {
          const message = `arXiv rejected the request (HTTP 400): ${snippet(body) || 'no explanation given'}`;
          for (const id of pending) out.errors.push({ id, message });
          return;
        }
        const msg = err instanceof Error ? err.message : String(err);
        throw new PaperboyError('UPSTREAM_ERROR', `arXiv API at ${host} sent an unreadable answer for ${url}: ${msg}`, {
          cause: err,
        });
      }
      for (const rec of feed.entries) out.records.set(rec.arxivId, rec);
      const open = pending.filter((id) => !out.records.has(id));

      if (feed.errors.length === 0) {
        if (status === 200) {
          out.missing.push(...open);
        } else {
          const message = 'arXiv rejected the request (HTTP 400) without saying why';
          for (const id of open) out.errors.push({ id, message });
        }
        return;
      }

      // arXiv's error feed: attribute each error to the id it names, if that id was asked for.
      const bad = new Set<string>();
      const unattributed: string[] = [];
      for (const e of feed.errors) {
        const named = e.id === null ? null : open.includes(e.id) ? e.id : parseArxivId(e.id);
        if (named !== null && open.includes(named)) {
          if (!bad.has(named)) out.errors.push({ id: named, message: e.message });
          bad.add(named);
        } else {
          unattributed.push(e.message);
        }
      }
      if (unattributed.length > 0) {
        const message = `arXiv rejected the request: ${unattributed.join('; ')}`;
        for (const id of open) if (!bad.has(id)) out.errors.push({ id, message });
        return;
      }
      pending = open.filter((id) => !bad.has(id));
    }
  }

  return {
    async fetchByIds(ids: string[]): Promise<ArxivLookup> {
      const out: ArxivLookup = { records: new Map(), missing: [], errors: [] };
      const keys: string[] = [];
      const seen = new Set<string>();
      for (const raw of ids) {
        const key = parseArxivId(raw);
        if (key === null) {
          out.errors.push({ id: raw, message: `"${raw}" is not an arXiv id; not asked for` });
        } else if (!seen.has(key)) {
          seen.add(key);
          keys.push(key);
        }
      }
      let done = 0;
      for (let i = 0; i < keys.length; i += batchSize) {
        const batch = keys.slice(i, i + batchSize);
        await fetchBatch(batch, out);
        done += batch.length;
        opts.onProgress?.(done, keys.length);
      }
      return out;
    },
  };
}
