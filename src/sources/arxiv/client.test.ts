import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { PaperboyError } from '../../errors.js';
import { startArxivServer, RECORDED_DIR, type ArxivServer } from '../../../test/support/arxiv-server.js';
import { createArxivClient, parseRetryAfter, type ArxivClientOptions } from './client.js';

/** spacing for tests that do not look at it */
const INTERVAL = 20;
/** spacing for tests that assert it, wide enough for the server-side slack below */
const SPACED = 100;

/** when each request left the client (performance.now()), recorded by a fetch wrapper */
let sentAt: number[] = [];
const loggingFetch: typeof fetch = (input, init) => {
  sentAt.push(performance.now());
  return fetch(input, init);
};

let server: ArxivServer;
beforeEach(async () => {
  sentAt = [];
  server = await startArxivServer();
});
afterEach(async () => {
  await server.close();
});

/** A client on the local server; every wait is recorded and cut to at most the spacing. */
function makeClient(extra: Partial<ArxivClientOptions> = {}) {
  const interval = extra.minIntervalMs ?? INTERVAL;
  const sleeps: number[] = [];
  const progress: Array<[number, number]> = [];
  const client = createArxivClient({
    baseUrl: server.url,
    minIntervalMs: INTERVAL,
    random: () => 0,
    sleep: (ms) => {
      sleeps.push(ms);
      return delay(Math.min(ms, interval)).then(() => undefined);
    },
    onProgress: (done, total) => progress.push([done, total]),
    fetch: loggingFetch,
    ...extra,
  });
  /** the backoff waits (spacing waits are never longer than the interval) */
  const backoffs = () => sleeps.filter((ms) => ms > interval);
  return { client, sleeps, backoffs, progress };
}

/**
 * Requests are spaced: strictly as the client sent them (timer granularity aside), and with generous
 * slack as the server saw them: server and client share one process, so on a busy machine the
 * server may see a request late, which shortens the gap after it. A client that does not space its
 * requests at all gives gaps of a few ms, far below a quarter of the interval.
 */
function assertSpaced(minGap = SPACED) {
  assert.equal(sentAt.length, server.requests.length, 'every request was sent through the logging fetch');
  const gaps = (at: number[]) => at.slice(1).map((t, i) => t - at[i]!);
  for (const g of gaps(sentAt)) assert.ok(g >= minGap - 1, `client sent a request ${g.toFixed(1)} ms after the previous one`);
  for (const g of gaps(server.requests.map((r) => r.at))) {
    assert.ok(g >= minGap / 4, `server saw a request ${g.toFixed(1)} ms after the previous one`);
  }
}

const isFetchFailed = (re: RegExp) => (err: unknown) =>
  err instanceof PaperboyError && err.code === 'FETCH_FAILED' && err.retryable && re.test(err.message);

describe('fetchByIds', () => {
  test('one id', async () => {
    const { client, progress, sleeps } = makeClient();
    const got = await client.fetchByIds(['1605.08386']);
    assert.deepEqual(sleeps, [], 'the first request goes out at once');
    assert.deepEqual([...got.records.keys()], ['1605.08386']);
    const rec = got.records.get('1605.08386')!;
    assert.equal(rec.title, 'Heat-bath random walks with Markov bases');
    assert.deepEqual(rec.authors, ['Caprice Stanley', 'Tobias Windisch']);
    assert.deepEqual(got.missing, []);
    assert.deepEqual(got.errors, []);
    assert.equal(server.requests.length, 1);
    const [req] = server.requests;
    assert.deepEqual(req!.idList, ['1605.08386']);
    assert.equal(req!.start, 0);
    assert.equal(req!.maxResults, 1);
    assert.deepEqual(progress, [[1, 1]]);
  });

  test('two ids, one of which arXiv does not have', async () => {
    const { client } = makeClient();
    const got = await client.fetchByIds(['0808.05394', '1707.08567']);
    assert.equal(server.requests[0]!.outcome, 'recorded');
    assert.deepEqual([...got.records.keys()], ['1707.08567']);
    assert.ok(got.records.get('1707.08567')!.authors.includes('Dirk Wübben'));
    assert.deepEqual(got.missing, ['0808.05394']);
    assert.deepEqual(got.errors, []);
  });

  test('250 ids → 3 batches of at most 100, spaced', async () => {
    const { client, progress, sleeps } = makeClient({ minIntervalMs: SPACED });
    const recorded = server.recordedIds; // 105 ids with an entry
    const unknown = Array.from({ length: 250 - recorded.length }, (_, i) => `9912.${String(i).padStart(5, '0')}`);
    const ids = [...recorded, ...unknown];
    const got = await client.fetchByIds(ids);
    assert.deepEqual(
      server.requests.map((r) => r.idList.length),
      [100, 100, 50],
    );
    assert.deepEqual(
      server.requests.map((r) => r.maxResults),
      [100, 100, 50],
    );
    assert.deepEqual(server.requests.flatMap((r) => r.idList), ids);
    assert.equal(got.records.size, recorded.length);
    assert.deepEqual(got.missing, unknown);
    assert.deepEqual(got.errors, []);
    assert.deepEqual(progress, [
      [100, 250],
      [200, 250],
      [250, 250],
    ]);
    assertSpaced();
    assert.ok(sleeps.every((ms) => ms <= SPACED), `only spacing waits, no backoff: ${sleeps.join(',')}`);
  });

  test('batchSize is honoured', async () => {
    const { client } = makeClient({ batchSize: 2, minIntervalMs: SPACED });
    await client.fetchByIds(['1605.08386', '1707.08567', '2104.12255', 'astro-ph/0601001', '0000.0000']);
    assert.deepEqual(
      server.requests.map((r) => r.idList.length),
      [2, 2, 1],
    );
    assertSpaced();
  });

  test('spacing with the real clock and sleep', async () => {
    const client = createArxivClient({ baseUrl: server.url, minIntervalMs: SPACED, batchSize: 1, fetch: loggingFetch });
    await client.fetchByIds(['1605.08386', '1707.08567', '2104.12255']);
    assert.equal(server.requests.length, 3);
    assertSpaced();
  });

  test('a 5xx storm is ridden out with growing backoff', async () => {
    const { client, backoffs } = makeClient({ minIntervalMs: SPACED });
    server.failNext(3, 503);
    const got = await client.fetchByIds(['1605.08386']);
    assert.deepEqual([...got.records.keys()], ['1605.08386']);
    assert.deepEqual(
      server.requests.map((r) => r.status),
      [503, 503, 503, 200],
    );
    assert.deepEqual(backoffs(), [1000, 2000, 4000]);
    assertSpaced();
  });

  test('jitter adds up to a quarter on top of the backoff', async () => {
    const { client, backoffs } = makeClient({ random: () => 0.999 });
    server.failNext(2, 502);
    await client.fetchByIds(['1605.08386']);
    const [a, b] = backoffs();
    assert.ok(a! > 1000 && a! <= 1250 && b! > 2000 && b! <= 2500, `${a}, ${b}`);
  });

  test('a 5xx storm that outlasts the retries → FETCH_FAILED', async () => {
    const { client } = makeClient({ maxRetries: 2 });
    server.failNext(10, 503);
    await assert.rejects(
      client.fetchByIds(['1605.08386']),
      isFetchFailed(/^arXiv API at 127\.0\.0\.1:\d+ failed after 3 attempts: HTTP 503/),
    );
    assert.equal(server.requests.length, 3);
  });

  test('429 honours Retry-After', async () => {
    const { client, backoffs } = makeClient();
    server.failNext(1, 429, { retryAfter: 7 });
    const got = await client.fetchByIds(['1605.08386']);
    assert.equal(got.records.size, 1);
    assert.deepEqual(backoffs(), [7000]);
  });

  test('connection resets are retried', async () => {
    const { client } = makeClient();
    server.resetNext(2);
    const got = await client.fetchByIds(['1605.08386', '2104.12255']);
    assert.equal(got.records.size, 2);
    assert.deepEqual(
      server.requests.map((r) => r.outcome),
      ['reset', 'reset', 'assembled'],
    );
  });

  test('resets to the end → FETCH_FAILED naming the connection failure', async () => {
    const { client } = makeClient({ maxRetries: 1 });
    server.resetNext(5);
    await assert.rejects(client.fetchByIds(['1605.08386']), isFetchFailed(/failed after 2 attempts: connection reset/));
  });

  test('a hung request times out and is retried', async () => {
    const { client } = makeClient({ timeoutMs: 300 });
    server.hangNext(1);
    const got = await client.fetchByIds(['1605.08386']);
    assert.equal(got.records.size, 1);
    assert.deepEqual(
      server.requests.map((r) => r.outcome),
      ['hang', 'recorded'],
    );
  });

  test('hanging every time → FETCH_FAILED saying it timed out', async () => {
    const { client } = makeClient({ timeoutMs: 100, maxRetries: 1 });
    server.hangNext(5);
    await assert.rejects(client.fetchByIds(['1605.08386']), isFetchFailed(/failed after 2 attempts: no answer within 100 ms/));
  });

  test('"abc" is rejected up front, without a request', async () => {
    const { client } = makeClient();
    const got = await client.fetchByIds(['abc', '1605.08386', '']);
    assert.deepEqual(
      got.errors.map((e) => e.id),
      ['abc', ''],
    );
    assert.match(got.errors[0]!.message, /"abc" is not an arXiv id/);
    assert.deepEqual([...got.records.keys()], ['1605.08386']);
    assert.deepEqual(
      server.requests.map((r) => r.idList),
      [['1605.08386']],
    );
  });

  test('only bad ids → no request at all', async () => {
    const { client, progress } = makeClient();
    const got = await client.fetchByIds(['abc', 'https://example.org/x']);
    assert.equal(got.errors.length, 2);
    assert.equal(server.requests.length, 0);
    assert.deepEqual(progress, []);
  });

  test('an error feed: the named id goes to errors, the rest is asked again', async () => {
    const { client } = makeClient({ minIntervalMs: SPACED });
    server.rejectIds('1707.08567');
    const got = await client.fetchByIds(['1605.08386', '1707.08567', '2104.12255', '0000.0000']);
    assert.deepEqual(got.errors, [{ id: '1707.08567', message: 'incorrect id format for 1707.08567' }]);
    assert.deepEqual([...got.records.keys()].sort(), ['1605.08386', '2104.12255']);
    assert.deepEqual(got.missing, ['0000.0000']);
    assert.deepEqual(
      server.requests.map((r) => [r.status, r.idList]),
      [
        [400, ['1605.08386', '1707.08567', '2104.12255', '0000.0000']],
        [200, ['1605.08386', '2104.12255', '0000.0000']],
      ],
    );
    assertSpaced();
  });

  test('an id arXiv finds malformed though it parses (cs.xyz/0601001)', async () => {
    const { client } = makeClient();
    const got = await client.fetchByIds(['cs.xyz/0601001', 'astro-ph/0601001']);
    assert.deepEqual(got.errors, [{ id: 'cs.xyz/0601001', message: 'incorrect id format for cs.xyz/0601001' }]);
    assert.deepEqual([...got.records.keys()], ['astro-ph/0601001']);
    assert.equal(server.requests.length, 2);
  });

  test('several rejected ids are peeled off one answer at a time', async () => {
    const { client } = makeClient();
    server.rejectIds('1707.08567', '2104.12255');
    const got = await client.fetchByIds(['1707.08567', '2104.12255', '1605.08386']);
    assert.deepEqual(
      got.errors.map((e) => e.id),
      ['1707.08567', '2104.12255'],
    );
    assert.deepEqual([...got.records.keys()], ['1605.08386']);
    assert.deepEqual(
      server.requests.map((r) => r.status),
      [400, 400, 200],
    );
  });

  test('an error feed naming no id of the batch → every id of the batch is an error', async () => {
    const { client } = makeClient();
    const abcBody = readFileSync(`${RECORDED_DIR}id_abc_s0_m100_b79c8dcf6bc3.xml`, 'utf8');
    server.failNext(1, 400, { body: abcBody });
    const got = await client.fetchByIds(['1605.08386', '2104.12255']);
    assert.deepEqual(got.errors, [
      { id: '1605.08386', message: 'arXiv rejected the request: incorrect id format for abc' },
      { id: '2104.12255', message: 'arXiv rejected the request: incorrect id format for abc' },
    ]);
    assert.equal(got.records.size, 0);
    assert.equal(server.requests.length, 1, '400 is not retried');
  });

  test('a 400 that is not a feed → every id of the batch is an error', async () => {
    const { client } = makeClient();
    server.failNext(1, 400, { body: 'Bad Request' });
    const got = await client.fetchByIds(['1605.08386']);
    assert.deepEqual(got.errors, [{ id: '1605.08386', message: 'arXiv rejected the request (HTTP 400): Bad Request' }]);
    assert.equal(server.requests.length, 1);
  });

  test('an empty result (0000.0000) → missing', async () => {
    const { client } = makeClient();
    const got = await client.fetchByIds(['0000.0000']);
    assert.equal(server.requests[0]!.outcome, 'recorded');
    assert.equal(got.records.size, 0);
    assert.deepEqual(got.missing, ['0000.0000']);
    assert.deepEqual(got.errors, []);
  });

  test('old-style ids', async () => {
    const { client } = makeClient();
    const got = await client.fetchByIds(['astro-ph/0601001', 'quant-ph/0201082v1', 'arXiv:Astro-Ph/0601001']);
    assert.deepEqual([...got.records.keys()].sort(), ['astro-ph/0601001', 'quant-ph/0201082']);
    assert.equal(got.records.get('quant-ph/0201082')!.version, 1);
    assert.equal(got.records.get('astro-ph/0601001')!.authors[0], 'Andrew Gould');
    assert.deepEqual(
      server.requests.map((r) => r.idList),
      [['astro-ph/0601001', 'quant-ph/0201082']],
    );
  });

  test('versioned ids are keyed without version and asked once', async () => {
    const { client } = makeClient();
    const got = await client.fetchByIds(['2104.12255v1', '2104.12255', 'arXiv:2104.12255v2']);
    assert.deepEqual([...got.records.keys()], ['2104.12255']);
    const rec = got.records.get('2104.12255')!;
    assert.equal(rec.title, '0');
    assert.equal(rec.version, 1);
    assert.deepEqual(
      server.requests.map((r) => r.idList),
      [['2104.12255']],
    );
  });

  test('an unreachable port → retried, then FETCH_FAILED saying the URL could not be reached', async () => {
    const port = await freePort();
    const sleeps: number[] = [];
    const client = createArxivClient({
      baseUrl: `http://127.0.0.1:${port}/api/query`,
      minIntervalMs: INTERVAL,
      maxRetries: 2,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    await assert.rejects(
      client.fetchByIds(['1605.08386']),
      isFetchFailed(
        new RegExp(
          `^arXiv API at 127\\.0\\.0\\.1:${port} failed after 3 attempts: http://127\\.0\\.0\\.1:${port}/api/query could not be reached \\(ECONNREFUSED\\)$`,
        ),
      ),
    );
    assert.equal(sleeps.filter((ms) => ms >= 1000).length, 2, 'two backoffs between three attempts');
  });

  test('another 4xx is not retried → UPSTREAM_ERROR', async () => {
    const { client } = makeClient();
    server.failNext(1, 404, { body: 'Not Found' });
    await assert.rejects(
      client.fetchByIds(['1605.08386']),
      (err: unknown) => err instanceof PaperboyError && err.code === 'UPSTREAM_ERROR' && /HTTP 404/.test(err.message),
    );
    assert.equal(server.requests.length, 1);
  });

  test('a 200 that is not an Atom feed → UPSTREAM_ERROR', async () => {
    const { client } = makeClient();
    server.failNext(1, 200, { body: '<html><body>maintenance</body></html>' });
    await assert.rejects(
      client.fetchByIds(['1605.08386']),
      (err: unknown) => err instanceof PaperboyError && err.code === 'UPSTREAM_ERROR' && /not an Atom feed/.test(err.message),
    );
  });

  test('concurrent calls on one client share the spacing', async () => {
    const { client } = makeClient({ minIntervalMs: SPACED });
    await Promise.all([client.fetchByIds(['1605.08386']), client.fetchByIds(['2104.12255']), client.fetchByIds(['1707.08567'])]);
    assert.equal(server.requests.length, 3);
    assertSpaced();
  });

  test('bad options → INPUT_INVALID', () => {
    for (const o of [{ batchSize: 101 }, { batchSize: 0 }, { minIntervalMs: -1 }, { maxRetries: 1.5 }, { baseUrl: 'not a url' }, { baseUrl: 'ftp://x/y' }]) {
      assert.throws(
        () => createArxivClient({ baseUrl: server.url, ...o }),
        (err: unknown) => err instanceof PaperboyError && err.code === 'INPUT_INVALID',
        JSON.stringify(o),
      );
    }
  });
});

describe('parseRetryAfter', () => {
  test('seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter(null), null);
    assert.equal(parseRetryAfter('5'), 5000);
    assert.equal(parseRetryAfter('soon'), null);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
  });
});

describe('the test server', () => {
  test('serves the recorded bytes (the recording decoded UTF-8 as Latin-1)', async () => {
    const res = await fetch(`${server.url}?id_list=1707.08567&start=0&max_results=100`);
    assert.equal(res.status, 200);
    const xml = readFileSync(`${RECORDED_DIR}id_1707.08567_s0_m100_6a1afebfc6a3.xml`, 'utf8');
    assert.equal(await res.text(), xml);
  });

  test('the recorded 400 for abc', async () => {
    const res = await fetch(`${server.url}?id_list=abc`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /incorrect id format for abc/);
  });

  test('max_results defaults to 10, as on arXiv', async () => {
    const ids = server.recordedIds.slice(0, 12);
    const res = await fetch(`${server.url}?id_list=${ids.join(',')}`);
    const body = await res.text();
    assert.equal(body.match(/<entry>/g)?.length, 10);
    assert.match(body, /<opensearch:totalResults>12</);
  });

  test('unknown paths → 404', async () => {
    const res = await fetch(`${server.origin}/nope`);
    assert.equal(res.status, 404);
    await res.text();
  });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
