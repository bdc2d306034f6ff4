import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PaperboyError } from '../../errors.js';
import type { CandidateRecord } from '../candidates.js';
import { fakeHttpClock } from '../../../test/support/fake-clock.js';
import { createArxivListing, listingSearchQuery, type ArxivListingOptions } from './listing.js';

// Recorded arXiv answers to `search_query=testing`, 10 per page at start 0, 10, …, 50 (see
// ../shared/data/README.md). They are sorted by relevance and were published 2001–2026; the tests ask
// for 2020-01-01..2023-12-31, which keeps some entries of each page and leaves others out.
const DIR = fileURLToPath(new URL('../../../../shared/data/arxiv/arxiv.py-recorded-2026/', import.meta.url));
const skip = existsSync(DIR) ? false : 'needs ../shared/data/arxiv/arxiv.py-recorded-2026';

function recordedPages(): Map<number, string> {
  const pages = new Map<number, string>();
  if (!existsSync(DIR)) return pages;
  for (const f of readdirSync(DIR)) {
    const m = /^q_testing_s(\d+)_m10_[0-9a-f]+\.xml$/.exec(f);
    if (m) pages.set(Number(m[1]), readFileSync(DIR + f, 'utf8'));
  }
  return pages;
}
const PAGES = recordedPages();
const ERROR_400 = existsSync(DIR) ? readFileSync(`${DIR}id_abc_s0_m100_b79c8dcf6bc3.xml`, 'utf8') : '';

const FROM = '2020-01-01';
const TO = '2023-12-31';
const QUERY = `(cat:cs.SE OR cat:cs.LG) AND submittedDate:[202001010000 TO 202312312359]`;
/** the entries of pages 0, 10 and 20 published in [FROM, TO], in order (read off the files) */
const IN_RANGE_30 = [
  '2202.12139', '2005.14124', '2204.08348', '2302.03287',
  '2004.03322', '2301.05651', '2301.13615', '2202.06271',
  '2008.01944', '2005.06826', '2306.03845', '2109.07960', '2104.11069', '2106.13414', '2007.10224',
];

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** The recorded page at `start` with its entries removed: what arXiv sends past the last result. */
function emptyPage(start: number): string {
  return PAGES.get(0)!
    .replace(/<entry>[\s\S]*<\/entry>\s*/g, '')
    .replace(/<opensearch:startIndex>\d+</, `<opensearch:startIndex>${start}<`);
}

/**
 * A local stand-in for export.arxiv.org/api/query that serves the recorded `testing` pages by their
 * `start` (whatever the search_query), and 404 for a start with no recording. `rewrite` changes each
 * page before it is sent; `next` scripts the next answers.
 */
class ArxivSearchServer {
  readonly requests: Array<{ params: URLSearchParams; raw: string; status: number }> = [];
  readonly next: Answer[] = [];
  readonly extra = new Map<number, string>();
  rewrite: (xml: string, start: number) => string = (xml) => xml;
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const start = Number(u.searchParams.get('start') ?? '0');
      let answer = this.next.shift();
      if (!answer) {
        const xml = u.pathname === '/api/query' ? (this.extra.get(start) ?? PAGES.get(start)) : undefined;
        answer = xml === undefined ? { status: 404, body: 'no recording' } : { status: 200, body: this.rewrite(xml, start) };
      }
      this.requests.push({ params: u.searchParams, raw: req.url ?? '/', status: answer.status });
      res.writeHead(answer.status, { 'content-type': 'application/atom+xml; charset=utf-8', ...answer.headers });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/query`;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server?.close((err) => (err ? reject(err) : resolve()));
      this.server?.closeAllConnections();
    });
  }
}

let server: ArxivSearchServer;
beforeEach(async () => {
  server = new ArxivSearchServer();
  await server.start();
});
afterEach(async () => {
  await server.close();
});

/** A listing on the local server with a fake clock: waits are recorded, never waited; each request takes `requestMs`. */
function makeListing(extra: Partial<ArxivListingOptions> & { requestMs?: number } = {}) {
  const { requestMs = 0, ...rest } = extra;
  const clock = fakeHttpClock(requestMs);
  const listing = createArxivListing({ baseUrl: server.url, minIntervalMs: 0, pageSize: 10, ...clock.options, ...rest });
  return { listing, sleeps: clock.sleeps };
}

const QUERY_CATS = ['cs.SE', 'cs.LG'];
const ask = { categories: QUERY_CATS, from: FROM, to: TO };
/** serve totalResults as n instead of the recorded 214881 */
const totalIs = (n: number) => (xml: string) => xml.replace(/<opensearch:totalResults>\d+</, `<opensearch:totalResults>${n}<`);
const isCode = (code: string, re: RegExp, retryable = false) => (err: unknown) =>
  err instanceof PaperboyError && err.code === code && err.retryable === retryable && re.test(err.message);
const pageUrl = (start: number, size = 10) => {
  const u = new URL(server.url);
  u.searchParams.set('search_query', QUERY);
  u.searchParams.set('start', String(start));
  u.searchParams.set('max_results', String(size));
  u.searchParams.set('sortBy', 'submittedDate');
  u.searchParams.set('sortOrder', 'descending');
  return u.toString();
};

describe('list', { skip }, () => {
  test('pages until totalResults, sending the search it should', async () => {
    server.rewrite = totalIs(25);
    const { listing, sleeps } = makeListing();
    const progress: Array<[number, number]> = [];
    const got = await listing.list(ask, (done, total) => progress.push([done, total]));
    assert.deepEqual(
      server.requests.map((r) => [r.params.get('start'), r.params.get('max_results')]),
      [
        ['0', '10'],
        ['10', '10'],
        ['20', '10'],
      ],
    );
    for (const r of server.requests) {
      assert.equal(r.params.get('search_query'), QUERY);
      assert.equal(r.params.get('sortBy'), 'submittedDate');
      assert.equal(r.params.get('sortOrder'), 'descending');
      assert.ok(!/[ ()[\]]/.test(r.raw), `the query string is encoded: ${r.raw}`);
      assert.match(r.raw, /search_query=%28cat%3Acs\.SE\+OR\+cat%3Acs\.LG%29\+AND\+submittedDate%3A%5B202001010000\+TO\+202312312359%5D&/);
    }
    assert.deepEqual(
      got.records.map((r) => r.arxivId),
      IN_RANGE_30,
    );
    assert.deepEqual(got.problems, []);
    assert.deepEqual(progress, [
      [10, 25],
      [20, 25],
      [30, 25],
    ]);
    assert.deepEqual(sleeps, []);
  });

  test('each entry becomes a candidate record', async () => {
    server.rewrite = totalIs(10);
    const { listing } = makeListing();
    const got = await listing.list(ask);
    const expected: CandidateRecord = {
      source: 'arxiv',
      day: '2022-02-24',
      arxivId: '2202.12139',
      url: 'https://arxiv.org/abs/2202.12139',
      title: 'Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques',
      abstract: got.records[0]!.abstract,
      authors: ['Mohit Kumar Ahuja', 'Arnaud Gotlieb', 'Helge Spieker'],
      upvotes: null,
      comments: null,
      githubRepo: null,
      githubStars: null,
      tags: ['cs.SE', 'cs.LG'],
      publishedAt: '2022-02-24T15:05:19Z',
    };
    assert.deepEqual(got.records[0], expected);
    assert.match(got.records[0]!.abstract!, /^Deep Learning \(DL\) has revolutionized .* discuss its results\.$/);
    // 2005.14124v2: the version is dropped
    assert.equal(got.records[1]!.arxivId, '2005.14124');
    assert.equal(got.records[1]!.day, '2020-05-28');
  });

  test('a record is placed on the UTC day of publishedAt, and the range ends are included', async () => {
    server.rewrite = totalIs(10);
    const { listing } = makeListing();
    // 2302.03287 was published 2023-02-07T06:41:02Z, 2204.08348 2022-04-18T14:46:24Z
    const got = await listing.list({ categories: ['cs.SE'], from: '2022-04-18', to: '2023-02-07' });
    assert.deepEqual(
      got.records.map((r) => [r.arxivId, r.day]),
      [
        ['2204.08348', '2022-04-18'],
        ['2302.03287', '2023-02-07'],
      ],
    );
    assert.equal(server.requests[0]!.params.get('search_query'), 'cat:cs.SE AND submittedDate:[202204180000 TO 202302072359]');
  });

  test('stops at maxResults and says that more were there', async () => {
    const { listing } = makeListing({ maxResults: 30 });
    const got = await listing.list(ask);
    assert.deepEqual(
      server.requests.map((r) => r.params.get('start')),
      ['0', '10', '20'],
    );
    assert.deepEqual(got.records.map((r) => r.arxivId), IN_RANGE_30);
    assert.equal(got.problems.length, 1);
    assert.equal(got.problems[0]!.field, '(listing)');
    assert.equal(got.problems[0]!.where, pageUrl(20));
    assert.match(got.problems[0]!.message, /arXiv has 214881 results .* only the first 30 \(maxResults\) were read/);
  });

  test('a short page is followed from where it ended; the last page asks only for what maxResults leaves', async () => {
    server.rewrite = totalIs(100);
    const { listing } = makeListing({ pageSize: 20, maxResults: 30 });
    const got = await listing.list(ask);
    assert.deepEqual(
      server.requests.map((r) => [r.params.get('start'), r.params.get('max_results')]),
      [
        ['0', '20'],
        ['10', '20'],
        ['20', '10'],
      ],
    );
    assert.deepEqual(got.records.map((r) => r.arxivId), IN_RANGE_30);
    assert.deepEqual(got.problems.map((p) => p.field), ['(listing)']);
  });

  test('an empty page before totalResults ends the listing with a problem', async () => {
    server.extra.set(60, emptyPage(60));
    const { listing } = makeListing({ maxResults: 100 });
    const progress: Array<[number, number]> = [];
    const got = await listing.list(ask, (done, total) => progress.push([done, total]));
    assert.deepEqual(
      server.requests.map((r) => r.params.get('start')),
      ['0', '10', '20', '30', '40', '50', '60'],
    );
    assert.ok(got.records.length > IN_RANGE_30.length);
    assert.deepEqual(got.problems, [
      {
        where: pageUrl(60),
        field: '(listing)',
        message: 'arXiv sent an empty page at start=60 of 214881 results; the listing stops here, the rest is not read',
      },
    ]);
    assert.deepEqual(progress.at(-1), [60, 100]);
  });

  test('an empty first page when arXiv has nothing: no records, no problem', async () => {
    server.extra.set(0, totalIs(0)(emptyPage(0)));
    const { listing } = makeListing();
    const got = await listing.list(ask);
    assert.deepEqual(got, { records: [], problems: [] });
    assert.equal(server.requests.length, 1);
  });

  test('bad entries become problems naming the page and entry; their siblings are kept', async () => {
    server.rewrite = (xml, start) => {
      if (start !== 0) return totalIs(20)(xml);
      let i = 0;
      return totalIs(20)(xml).replace(/<entry>[\s\S]*?<\/entry>/g, (e) => {
        const at = i++;
        if (at === 2) return e.replace(/<title>[^<]*<\/title>/, '<title>  </title>'); // 2005.14124: no title
        if (at === 3) return e.replace(/<id>[^<]*<\/id>/, '<id>http://example.org/not-arxiv</id>'); // 2204.08348: no arXiv id
        if (at === 4) return e.replace(/<published>[^<]*<\/published>/, ''); // 2302.03287: no date
        return e;
      });
    };
    const { listing } = makeListing();
    const got = await listing.list(ask);
    assert.deepEqual(
      got.records.map((r) => r.arxivId),
      IN_RANGE_30.slice(0, 8).filter((id) => !['2005.14124', '2204.08348', '2302.03287'].includes(id)),
    );
    assert.deepEqual(
      got.problems.map((p) => [p.where, p.field]),
      [
        [`${pageUrl(0)}#entry-2`, 'title'],
        [`${pageUrl(0)}#entry-3`, 'id'],
        [`${pageUrl(0)}#entry-4`, 'published'],
      ],
    );
    assert.match(got.problems[0]!.message, /entry 2005\.14124 has no title; skipped/);
    assert.match(got.problems[1]!.message, /entry id "http:\/\/example\.org\/not-arxiv" is not an arXiv abstract URL; skipped/);
    assert.match(got.problems[2]!.message, /entry 2302\.03287 has no publication date; skipped/);
  });

  test('a 503 then a 200: retried after a backoff', async () => {
    server.rewrite = totalIs(10);
    server.next.push({ status: 503, body: 'Service Unavailable' });
    const { listing, sleeps } = makeListing();
    const got = await listing.list(ask);
    assert.equal(got.records.length, 4);
    assert.deepEqual(
      server.requests.map((r) => r.status),
      [503, 200],
    );
    assert.deepEqual(sleeps, [1000]);
  });

  test('a 429 with Retry-After: waits as long as asked', async () => {
    server.rewrite = totalIs(10);
    server.next.push({ status: 429, body: 'slow down', headers: { 'retry-after': '7' } });
    const { listing, sleeps } = makeListing();
    await listing.list(ask);
    assert.deepEqual(sleeps, [7000]);
    assert.equal(server.requests.length, 2);
  });

  test('5xx to the end → FETCH_FAILED, retryable', async () => {
    for (let i = 0; i < 3; i++) server.next.push({ status: 500, body: '' });
    const { listing } = makeListing({ maxRetries: 2 });
    await assert.rejects(listing.list(ask), isCode('FETCH_FAILED', /^arXiv API at 127\.0\.0\.1:\d+ failed after 3 attempts: HTTP 500/, true));
    assert.equal(server.requests.length, 3);
  });

  test("arXiv's 400 error feed is not retried → UPSTREAM_ERROR with arXiv's message", async () => {
    server.next.push({ status: 400, body: ERROR_400 });
    const { listing, sleeps } = makeListing();
    await assert.rejects(listing.list(ask), isCode('UPSTREAM_ERROR', /HTTP 400 Bad Request for http:\/\/127\.0\.0\.1:\d+\/api\/query\?search_query=.*: incorrect id format for abc$/));
    assert.equal(server.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });

  test('a 200 that is not an Atom feed → UPSTREAM_ERROR naming the URL', async () => {
    server.next.push({ status: 200, body: '<html><body>maintenance</body></html>' });
    const { listing } = makeListing();
    await assert.rejects(listing.list(ask), (err: unknown) => {
      assert.ok(err instanceof PaperboyError && err.code === 'UPSTREAM_ERROR');
      assert.ok(err.message.includes(`unreadable answer for ${pageUrl(0)}: `), err.message);
      assert.match(err.message, /not an Atom feed/);
      return true;
    });
  });

  test('requests are spaced by 3 s by default, counted from the start of the previous one', async () => {
    server.rewrite = totalIs(30);
    const { listing, sleeps } = makeListing({ minIntervalMs: undefined, requestMs: 400 });
    await listing.list(ask);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(sleeps, [2600, 2600]);
  });

  test('bad categories, days and ranges → INPUT_INVALID, without a request', async () => {
    const { listing } = makeListing();
    const cases: Array<[Parameters<typeof listing.list>[0], RegExp]> = [
      [{ categories: [], from: FROM, to: TO }, /at least one category/],
      [{ categories: ['cs.CL OR cat:x'], from: FROM, to: TO }, /"cs\.CL OR cat:x" is not an arXiv category/],
      [{ categories: ['cs.CL', 'cs.CL)'], from: FROM, to: TO }, /"cs\.CL\)" is not an arXiv category/],
      [{ categories: ['cs.CLX'], from: FROM, to: TO }, /not an arXiv category/],
      [{ categories: ['cs.CL'], from: '2024-02-30', to: TO }, /from must be a day written YYYY-MM-DD, got "2024-02-30"/],
      [{ categories: ['cs.CL'], from: FROM, to: '2024/01/01' }, /to must be a day/],
      [{ categories: ['cs.CL'], from: TO, to: FROM }, /ends before it starts/],
    ];
    for (const [q, re] of cases) await assert.rejects(listing.list(q), isCode('INPUT_INVALID', re), JSON.stringify(q));
    assert.equal(server.requests.length, 0);
  });

  test('bad options → INPUT_INVALID', () => {
    for (const o of [{ pageSize: 0 }, { pageSize: 2001 }, { maxResults: 0 }, { maxResults: 30_001 }, { minIntervalMs: -5 }, { baseUrl: 'nope' }]) {
      assert.throws(
        () => createArxivListing({ baseUrl: server.url, ...o }),
        (err: unknown) => err instanceof PaperboyError && err.code === 'INPUT_INVALID',
        JSON.stringify(o),
      );
    }
  });
});

describe('listingSearchQuery', () => {
  test('one category, several, and the day bounds', () => {
    assert.equal(listingSearchQuery(['cs.CL'], '2024-04-01', '2024-04-07'), 'cat:cs.CL AND submittedDate:[202404010000 TO 202404072359]');
    assert.equal(
      listingSearchQuery(['cs.CL', 'cs.LG', 'cs.AI'], '2024-04-01', '2024-04-07'),
      '(cat:cs.CL OR cat:cs.LG OR cat:cs.AI) AND submittedDate:[202404010000 TO 202404072359]',
    );
  });
});
