// The arXiv listing: every paper submitted to some categories in a range of days, as candidates.
// This file owns the network I/O for it: it asks the arXiv API
// `GET {baseUrl}?search_query=(cat:A OR cat:B) AND submittedDate:[YYYYMMDD0000 TO YYYYMMDD2359]
//  &start=N&max_results=pageSize&sortBy=submittedDate&sortOrder=descending`
// page by page, spaced and retried like the lookup client (../http-retry.ts), and hands each body to
// the pure parser in parse.ts.
//
// Paging stops when totalResults is reached, when a page comes back empty, or at maxResults; stopping
// short of totalResults is reported as a problem, so nothing is left out silently.
//
// Failure policy:
// - 5xx, 429 (Retry-After honoured), resets and timeouts: retried, then FETCH_FAILED (retryable).
// - Any other status than 200 (arXiv's 400 error feed included), and a 200 that is not an Atom
//   feed: PaperboyError('UPSTREAM_ERROR'), naming the URL.
// - An entry without an id or a title, or without a usable publication date: a problem whose
//   `where` is `{page URL}#entry-{i}` (i: 0-based position in that page); its siblings are kept.
// - Entries published outside [from, to] (UTC days) are left out: they are not in the range asked.
import { PaperboyError } from '../../errors.js';
import { candidatePaper, candidateRecord, isIsoDay, oneLine, type CandidateParse, type CandidateProblem, type CandidateRecord } from '../candidates.js';
import { createHttpGetter, httpBaseUrl, intOption, type HttpRetryOptions } from '../http-retry.js';
import { parseArxivId } from '../../domain/paper-key.js';
import { parseArxivFeed, type ArxivFeed } from './parse.js';

export interface ArxivListingOptions extends HttpRetryOptions {
  /** the query endpoint, e.g. https://export.arxiv.org/api/query */
  baseUrl: string;
  /** least time between the starts of two requests; default 3000 (arXiv asks for 3 s) */
  minIntervalMs?: number;
  /** entries asked per page; default 100, at most 2000 (arXiv's limit per request) */
  pageSize?: number;
  /** entries read at most over all pages; default 2000, at most 30000 (arXiv's paging limit) */
  maxResults?: number;
}

export interface ArxivListingQuery {
  /** arXiv categories, e.g. ['cs.CL', 'cs.LG'] */
  categories: string[];
  /** first day, YYYY-MM-DD (UTC) */
  from: string;
  /** last day, YYYY-MM-DD (UTC), included */
  to: string;
}

export interface ArxivListing {
  /**
   * The candidates submitted in [from, to] to any of the categories. After each page: entries read
   * so far, and the entries the listing expects to read (totalResults capped at maxResults).
   */
  list(q: ArxivListingQuery, onProgress?: (done: number, total: number) => void): Promise<CandidateParse>;
}

const CLIENT = 'arXiv listing';
const MAX_PAGE = 2000;
const MAX_RESULTS = 30_000;
const MAX_CATEGORIES = 50;
const CATEGORY = /^[a-z-]+(\.[A-Z]{2})?$/i;

function bad(msg: string): PaperboyError {
  return new PaperboyError('INPUT_INVALID', `${CLIENT}: ${msg}`);
}

function snippet(s: string, max = 120): string {
  const t = oneLine(s.replace(/<[^>]*>/g, ' '));
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** The categories checked and without duplicates; INPUT_INVALID naming the bad one. */
export function checkCategories(categories: readonly string[]): string[] {
  if (!Array.isArray(categories) || categories.length === 0) throw bad('give at least one category, e.g. cs.CL');
  const out: string[] = [];
  for (const raw of categories) {
    const c = typeof raw === 'string' ? raw.trim() : '';
    if (!CATEGORY.test(c)) throw bad(`"${String(raw)}" is not an arXiv category such as cs.CL or hep-th`);
    if (!out.includes(c)) out.push(c);
  }
  if (out.length > MAX_CATEGORIES) throw bad(`at most ${MAX_CATEGORIES} categories at once, got ${out.length}`);
  return out;
}

/** `(cat:cs.CL OR cat:cs.LG) AND submittedDate:[202404010000 TO 202404072359]` */
export function listingSearchQuery(categories: readonly string[], from: string, to: string): string {
  const cats = categories.map((c) => `cat:${c}`).join(' OR ');
  const compact = (day: string) => day.replace(/-/g, '');
  return `${categories.length > 1 ? `(${cats})` : cats} AND submittedDate:[${compact(from)}0000 TO ${compact(to)}2359]`;
}

/** Where each `<entry>` of a page sits, by its arXiv id (no version) and its `<id>` text. */
function entryPositions(xml: string): { byArxivId: Map<string, number>; byIdText: Map<string, number> } {
  const byArxivId = new Map<string, number>();
  const byIdText = new Map<string, number>();
  let i = 0;
  for (const m of xml.matchAll(/<(?:[\w-]+:)?entry[\s>][\s\S]*?<\/(?:[\w-]+:)?entry>/g)) {
    const id = /<(?:[\w-]+:)?id>\s*([^<]*?)\s*<\/(?:[\w-]+:)?id>/.exec(m[0])?.[1];
    if (id !== undefined) {
      if (!byIdText.has(id)) byIdText.set(id, i);
      const abs = /\/abs\/(.+?)\/?$/.exec(id);
      const key = abs ? parseArxivId(abs[1]!) : null;
      if (key !== null && !byArxivId.has(key)) byArxivId.set(key, i);
    }
    i++;
  }
  return { byArxivId, byIdText };
}

export function createArxivListing(opts: ArxivListingOptions): ArxivListing {
  const base = httpBaseUrl(CLIENT, opts.baseUrl);
  const host = base.host;
  const pageSize = intOption(CLIENT, 'pageSize', opts.pageSize, 100, 1, MAX_PAGE);
  const maxResults = intOption(CLIENT, 'maxResults', opts.maxResults, 2000, 1, MAX_RESULTS);
  const http = createHttpGetter(opts, {
    client: CLIENT,
    server: `arXiv API at ${host}`,
    baseUrl: opts.baseUrl,
    accept: 'application/atom+xml',
    defaultIntervalMs: 3000,
  });

  function pageUrl(search: string, start: number, size: number): string {
    const u = new URL(opts.baseUrl);
    u.searchParams.set('search_query', search);
    u.searchParams.set('start', String(start));
    u.searchParams.set('max_results', String(size));
    u.searchParams.set('sortBy', 'submittedDate');
    u.searchParams.set('sortOrder', 'descending');
    return u.toString();
  }

  async function page(url: string): Promise<{ feed: ArxivFeed; xml: string }> {
    const { status, statusText, body } = await http.get(url);
    if (status !== 200) {
      let why = snippet(body) || 'no explanation given';
      try {
        const feed = parseArxivFeed(body);
        if (feed.errors.length > 0) why = feed.errors.map((e) => e.message).join('; ');
      } catch {
        /* not a feed: the snippet says what it was */
      }
      throw new PaperboyError(
        'UPSTREAM_ERROR',
        `arXiv API at ${host} answered HTTP ${status}${statusText ? ` ${statusText}` : ''} for ${url}: ${why}`,
      );
    }
    try {
      return { feed: parseArxivFeed(body), xml: body };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new PaperboyError('UPSTREAM_ERROR', `arXiv API at ${host} sent an unreadable answer for ${url}: ${msg}`, { cause: err });
    }
  }

  return {
    async list(q, onProgress) {
      if (typeof q !== 'object' || q === null) throw bad('list() needs { categories, from, to }');
      const categories = checkCategories(q.categories);
      for (const [name, day] of [
        ['from', q.from],
        ['to', q.to],
      ] as const) {
        if (typeof day !== 'string' || !isIsoDay(day)) throw bad(`${name} must be a day written YYYY-MM-DD, got "${String(day)}"`);
      }
      if (q.from > q.to) throw bad(`the range ${q.from}..${q.to} ends before it starts`);
      const search = listingSearchQuery(categories, q.from, q.to);

      const records: CandidateRecord[] = [];
      const problems: CandidateProblem[] = [];
      const seen = new Set<string>();
      let start = 0;
      let total: number | null = null;
      let lastUrl = pageUrl(search, 0, Math.min(pageSize, maxResults));
      while (start < maxResults && (total === null || start < total)) {
        const url = pageUrl(search, start, Math.min(pageSize, maxResults - start));
        lastUrl = url;
        const { feed, xml } = await page(url);
        if (feed.totalResults !== null) total = feed.totalResults;
        const read = feed.entries.length + feed.errors.length;
        if (read === 0) {
          if (total !== null && start < total) {
            problems.push({
              where: url,
              field: '(listing)',
              message: `arXiv sent an empty page at start=${start} of ${total} results; the listing stops here, the rest is not read`,
            });
          }
          break;
        }
        const at = entryPositions(xml);
        const where = (i: number | undefined) => (i === undefined ? `${url}#entry` : `${url}#entry-${i}`);

        for (const e of feed.errors) {
          const i = e.id !== null ? at.byArxivId.get(parseArxivId(e.id) ?? e.id) : undefined;
          const malformed = /^entry #(\d+) /.exec(e.message);
          const quoted = /^entry id "([^"]*)"/.exec(e.message);
          const index = malformed ? Number(malformed[1]) - 1 : quoted ? at.byIdText.get(quoted[1]!) : i;
          const field = /has no title/.test(e.message) ? 'title' : /entry id|malformed/.test(e.message) ? 'id' : '(entry)';
          problems.push({ where: where(index), field, message: `${e.message}; skipped` });
        }
        for (const rec of feed.entries) {
          const paper = candidatePaper(rec.arxivId);
          const arxivId = paper.arxivId ?? rec.arxivId;
          const t = rec.publishedAt === null ? Number.NaN : Date.parse(rec.publishedAt);
          if (Number.isNaN(t)) {
            problems.push({
              where: where(at.byArxivId.get(arxivId)),
              field: 'published',
              message:
                rec.publishedAt === null
                  ? `entry ${arxivId} has no publication date; skipped`
                  : `entry ${arxivId} has an unreadable publication date "${rec.publishedAt}"; skipped`,
            });
            continue;
          }
          const day = new Date(t).toISOString().slice(0, 10);
          if (day < q.from || day > q.to) continue;
          if (seen.has(arxivId)) continue; // arXiv repeats an entry across pages when new ones shift them
          seen.add(arxivId);
          records.push(candidateRecord({ source: 'arxiv', day, arxivId, url: paper.url, title: rec.title, abstract: rec.abstract === '' ? null : rec.abstract, authors: rec.authors, tags: rec.categories, publishedAt: rec.publishedAt }));
        }
        start += read;
        onProgress?.(start, Math.min(total ?? start, maxResults));
      }
      if (total !== null && start >= maxResults && total > maxResults) {
        problems.push({
          where: lastUrl,
          field: '(listing)',
          message: `arXiv has ${total} results for ${search}; only the first ${maxResults} (maxResults) were read: narrow the range or the categories, or raise maxResults`,
        });
      }
      return { records, problems };
    },
  };
}
