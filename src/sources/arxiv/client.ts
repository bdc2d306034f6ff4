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
// The spacing, retry and backoff loop is shared with the other source clients: ../http-retry.ts.
import { parseArxivId } from '../../domain/paper-key.js';
import { PaperboyError } from '../../errors.js';
import { createHttpGetter, httpBaseUrl, intOption, type HttpRetryOptions } from '../http-retry.js';
import { collapseWhitespace, parseArxivFeed, type ArxivFeed, type ArxivRecord } from './parse.js';

export type { ArxivRecord } from './parse.js';

export interface ArxivClientOptions extends HttpRetryOptions {
  /** the query endpoint, e.g. https://export.arxiv.org/api/query */
  baseUrl: string;
  /** least time between the starts of two requests; default 3000 */
  minIntervalMs?: number;
  /** ids per request; default 100, at most 100 */
  batchSize?: number;
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
const CLIENT = 'arXiv client';

export { parseRetryAfter } from '../http-retry.js';

function snippet(s: string, max = 120): string {
  const t = collapseWhitespace(s.replace(/<[^>]*>/g, ' '));
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

export function createArxivClient(opts: ArxivClientOptions): ArxivClient {
  const base = httpBaseUrl(CLIENT, opts.baseUrl);
  const baseUrl = opts.baseUrl;
  const host = base.host;
  const batchSize = intOption(CLIENT, 'batchSize', opts.batchSize, MAX_BATCH, 1, MAX_BATCH);
  const http = createHttpGetter(opts, {
    client: CLIENT,
    server: `arXiv API at ${host}`,
    baseUrl,
    accept: 'application/atom+xml',
    defaultIntervalMs: 3000,
  });

  function queryUrl(ids: string[]): string {
    const u = new URL(baseUrl);
    u.searchParams.set('id_list', ids.join(','));
    u.searchParams.set('start', '0');
    u.searchParams.set('max_results', String(ids.length));
    return u.toString();
  }

  async function fetchBatch(batch: string[], out: ArxivLookup): Promise<void> {
    let pending = batch;
    while (pending.length > 0) {
      const url = queryUrl(pending);
      const { status, body } = await http.get(url);
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
