// The Hugging Face Daily Papers client. This file owns the network I/O for HF: it asks
// `GET {baseUrl}/api/daily_papers?date=YYYY-MM-DD`, one day per request, keeps the requests spaced,
// retries what may succeed on a second try (../http-retry.ts), and hands each body to the pure
// parser in parse.ts with the request URL as `where`.
//
// Failure policy:
// - 5xx, 429 (Retry-After honoured), connection resets, refused connections and timeouts are retried
//   with exponential backoff and jitter, up to maxRetries; then PaperboyError('FETCH_FAILED', retryable).
// - Any other status than 200 (a 400 or 404 included), and a 200 whose body is not JSON:
//   PaperboyError('UPSTREAM_ERROR', not retryable) naming the URL.
// - A JSON answer that is not a list of papers, and bad items in it: problems (parse.ts).
// - fetchRange: a day that fails with a permanent error becomes a problem for that day and the other
//   days are still fetched; a retryable failure (FETCH_FAILED) is thrown, the caller decides.
import { PaperboyError } from '../../errors.js';
import { isIsoDay, oneLine, type CandidateParse, type CandidateProblem, type CandidateRecord } from '../candidates.js';
import { createHttpGetter, httpBaseUrl, invalidOption, type HttpRetryOptions } from '../http-retry.js';
import { parseHfDailyPapers } from './parse.js';

export interface HfDailyClientOptions extends HttpRetryOptions {
  /** the site, e.g. https://huggingface.co (the API path is added) */
  baseUrl: string;
  /** least time between the starts of two requests; default 1000 */
  minIntervalMs?: number;
}

export interface HfDailyClient {
  /** One day's papers. INPUT_INVALID for a day that is not YYYY-MM-DD. */
  fetchDay(day: string): Promise<CandidateParse>;
  /**
   * Every day in [from, to] (inclusive, at most 31 days), one request each, in order. After each
   * day: days done, days in the range.
   */
  fetchRange(from: string, to: string, onProgress?: (done: number, total: number) => void): Promise<CandidateParse>;
}

const CLIENT = 'Hugging Face client';
export const MAX_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

function snippet(s: string, max = 120): string {
  const t = oneLine(s);
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

function checkDay(name: string, day: string): void {
  if (typeof day !== 'string' || !isIsoDay(day)) {
    throw new PaperboyError('INPUT_INVALID', `${CLIENT}: ${name} must be a day written YYYY-MM-DD, got "${String(day)}"`);
  }
}

/** The days from `from` to `to`, both included (both already checked). */
function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const days: string[] = [];
  for (let t = start; t <= end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export function createHfDailyClient(opts: HfDailyClientOptions): HfDailyClient {
  const base = httpBaseUrl(CLIENT, opts.baseUrl);
  if (base.search !== '' || base.hash !== '') throw invalidOption(CLIENT, `baseUrl "${opts.baseUrl}" must not have a query or fragment`);
  const host = base.host;
  const http = createHttpGetter(opts, {
    client: CLIENT,
    server: `Hugging Face API at ${host}`,
    baseUrl: opts.baseUrl,
    accept: 'application/json',
    defaultIntervalMs: 1000,
  });

  function dayUrl(day: string): string {
    const u = new URL(base);
    u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/daily_papers`;
    u.searchParams.set('date', day);
    return u.toString();
  }

  async function fetchDay(day: string): Promise<CandidateParse> {
    checkDay('day', day);
    const url = dayUrl(day);
    const { status, statusText, body } = await http.get(url);
    if (status !== 200) {
      throw new PaperboyError(
        'UPSTREAM_ERROR',
        `Hugging Face API at ${host} answered HTTP ${status}${statusText ? ` ${statusText}` : ''} for ${url}: ${snippet(body) || 'no body'}`,
      );
    }
    try {
      JSON.parse(body);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new PaperboyError(
        'UPSTREAM_ERROR',
        `Hugging Face API at ${host} sent an answer that is not JSON for ${url} (${msg}); body starts "${snippet(body, 80)}"`,
        { cause: err },
      );
    }
    return parseHfDailyPapers(body, { day, where: url });
  }

  return {
    fetchDay,
    async fetchRange(from, to, onProgress) {
      checkDay('from', from);
      checkDay('to', to);
      if (from > to) throw new PaperboyError('INPUT_INVALID', `${CLIENT}: the range ${from}..${to} ends before it starts`);
      const days = daysBetween(from, to);
      if (days.length > MAX_RANGE_DAYS) {
        throw new PaperboyError(
          'INPUT_INVALID',
          `${CLIENT}: the range ${from}..${to} has ${days.length} days; at most ${MAX_RANGE_DAYS} are fetched at once, split it`,
        );
      }
      const records: CandidateRecord[] = [];
      const problems: CandidateProblem[] = [];
      let done = 0;
      for (const day of days) {
        try {
          const got = await fetchDay(day);
          records.push(...got.records);
          problems.push(...got.problems);
        } catch (err) {
          if (!(err instanceof PaperboyError) || err.retryable) throw err;
          problems.push({ where: dayUrl(day), field: '(day)', message: err.message });
        }
        done++;
        onProgress?.(done, days.length);
      }
      return { records, problems };
    },
  };
}
