import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PaperboyError } from '../../errors.js';
import { fakeHttpClock } from '../../../test/support/fake-clock.js';
import { createHfDailyClient, type HfDailyClientOptions } from './client.js';
import { parseHfDailyPapers } from './parse.js';

// Recorded answers of https://huggingface.co/api/daily_papers?date=… (see ../shared/data/README.md).
const DIR = fileURLToPath(
  new URL('../../../../shared/data/hf/jeongiin_hf-daily-paper-korean-autoflow/paper_metadata_download_as_api_json/', import.meta.url),
);
const skip = existsSync(DIR) ? false : 'needs ../shared/data/hf/jeongiin_hf-daily-paper-korean-autoflow';
const RECORDED_DAYS = ['2024-12-16', '2024-12-17', '2024-12-18', '2024-12-19', '2024-12-20', '2025-10-10'];
const recorded = (day: string) => readFileSync(`${DIR}${day}.json`, 'utf8');

interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/**
 * A local stand-in for huggingface.co: `GET /api/daily_papers?date=D` answers the recorded file of
 * that day, `[]` for a day without a recording (as HF does for days without papers). Scripted
 * answers go first: `next` for the next requests whatever they ask, `byDay` for one day.
 */
class HfServer {
  readonly requests: Array<{ path: string; date: string | null; status: number }> = [];
  readonly next: Answer[] = [];
  readonly byDay = new Map<string, Answer[]>();
  private server: Server | null = null;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const date = u.searchParams.get('date');
      let answer: Answer;
      const scripted = this.next.shift() ?? (date !== null ? this.byDay.get(date)?.shift() : undefined);
      if (scripted) answer = scripted;
      else if (u.pathname !== '/api/daily_papers' || date === null) answer = { status: 404, body: '{"error":"Not Found"}' };
      else if (RECORDED_DAYS.includes(date)) answer = { status: 200, body: recorded(date) };
      else answer = { status: 200, body: '[]' };
      this.requests.push({ path: req.url ?? '/', date, status: answer.status });
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server?.close((err) => (err ? reject(err) : resolve()));
      this.server?.closeAllConnections();
    });
  }
}

let server: HfServer;
beforeEach(async () => {
  server = new HfServer();
  await server.start();
});
afterEach(async () => {
  await server.close();
});

/**
 * A client on the local server with a fake clock: every wait is recorded and moves the clock on at
 * once, and each request takes `requestMs` of it. No real time is waited or measured.
 */
function makeClient(extra: Partial<HfDailyClientOptions> & { requestMs?: number } = {}) {
  const { requestMs = 0, ...rest } = extra;
  const clock = fakeHttpClock(requestMs);
  const client = createHfDailyClient({ baseUrl: server.origin, minIntervalMs: 0, ...clock.options, ...rest });
  return { client, sleeps: clock.sleeps };
}

const dayUrl = (day: string) => `${server.origin}/api/daily_papers?date=${day}`;
const isCode = (code: string, re: RegExp, retryable = false) => (err: unknown) =>
  err instanceof PaperboyError && err.code === code && err.retryable === retryable && re.test(err.message);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('fetchDay', { skip }, () => {
  test('asks /api/daily_papers?date= and parses the answer with the URL as where', async () => {
    const { client, sleeps } = makeClient();
    const got = await client.fetchDay('2024-12-16');
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/api/daily_papers?date=2024-12-16'],
    );
    assert.deepEqual(got, parseHfDailyPapers(recorded('2024-12-16'), { day: '2024-12-16', where: dayUrl('2024-12-16') }));
    assert.equal(got.records.length, 18);
    assert.deepEqual(got.problems, []);
    const apollo = got.records.find((r) => r.arxivId === '2412.10360')!;
    assert.equal(apollo.title, 'Apollo: An Exploration of Video Understanding in Large Multimodal Models');
    assert.equal(apollo.source, 'hf');
    assert.equal(apollo.day, '2024-12-16');
    assert.equal(apollo.upvotes, 107);
    assert.deepEqual(sleeps, []);
  });

  test('a trailing slash on the base URL', async () => {
    const { client } = makeClient({ baseUrl: `${server.origin}/` });
    await client.fetchDay('2025-10-10');
    assert.equal(server.requests[0]!.path, '/api/daily_papers?date=2025-10-10');
  });

  test('a 503 then a 200: retried after a backoff', async () => {
    const { client, sleeps } = makeClient();
    server.next.push({ status: 503, body: 'upstream busy' });
    const got = await client.fetchDay('2024-12-17');
    assert.equal(got.records.length, 28);
    assert.deepEqual(
      server.requests.map((r) => r.status),
      [503, 200],
    );
    assert.deepEqual(sleeps, [1000]);
  });

  test('a 5xx storm that outlasts the retries → FETCH_FAILED, retryable', async () => {
    const { client, sleeps } = makeClient({ maxRetries: 2 });
    for (let i = 0; i < 5; i++) server.next.push({ status: 502, body: 'bad gateway' });
    await assert.rejects(
      client.fetchDay('2024-12-17'),
      isCode('FETCH_FAILED', /^Hugging Face API at 127\.0\.0\.1:\d+ failed after 3 attempts: HTTP 502/, true),
    );
    assert.equal(server.requests.length, 3);
    assert.deepEqual(sleeps, [1000, 2000]);
  });

  test('a 429 with Retry-After: waits as long as asked', async () => {
    const { client, sleeps } = makeClient();
    server.next.push({ status: 429, body: '{"error":"rate limited"}', headers: { 'retry-after': '7' } });
    const got = await client.fetchDay('2024-12-18');
    assert.equal(got.records.length, 13);
    assert.deepEqual(sleeps, [7000]);
    assert.equal(server.requests.length, 2);
  });

  test('a 400 is not retried → UPSTREAM_ERROR naming the URL and what HF said', async () => {
    const { client, sleeps } = makeClient();
    server.next.push({ status: 400, body: '{"error":"Invalid date"}' });
    await assert.rejects(
      client.fetchDay('2024-12-18'),
      isCode('UPSTREAM_ERROR', new RegExp(`HTTP 400 Bad Request for ${esc(dayUrl('2024-12-18'))}: \\{"error":"Invalid date"\\}`)),
    );
    assert.equal(server.requests.length, 1);
    assert.deepEqual(sleeps, []);
  });

  test('a 200 that is not JSON → UPSTREAM_ERROR naming the URL', async () => {
    const { client } = makeClient();
    server.next.push({ status: 200, body: '<html><body>We are down for maintenance</body></html>', headers: { 'content-type': 'text/html' } });
    await assert.rejects(
      client.fetchDay('2024-12-19'),
      isCode('UPSTREAM_ERROR', new RegExp(`not JSON for ${esc(dayUrl('2024-12-19'))} .*body starts "<html>`)),
    );
    assert.equal(server.requests.length, 1);
  });

  test('JSON that is not a list of papers → a problem, no records', async () => {
    const { client } = makeClient();
    server.next.push({ status: 200, body: '{"error":"something"}' });
    const got = await client.fetchDay('2024-12-19');
    assert.deepEqual(got.records, []);
    assert.deepEqual(got.problems, [{ where: dayUrl('2024-12-19'), field: '(file)', message: 'expected a JSON array of daily papers, got an object' }]);
  });

  test('a day with one bad record: the others are returned, the problem names where', async () => {
    const { client } = makeClient();
    const items = JSON.parse(recorded('2024-12-17')) as Array<{ paper: Record<string, unknown> }>;
    const dropped = items[2]!.paper.id;
    delete items[2]!.paper.id;
    server.next.push({ status: 200, body: JSON.stringify(items) });
    const got = await client.fetchDay('2024-12-17');
    assert.equal(got.records.length, 27);
    assert.ok(!got.records.some((r) => r.arxivId === dropped));
    assert.equal(got.problems.length, 1);
    assert.equal(got.problems[0]!.where, `${dayUrl('2024-12-17')}#2`);
    assert.equal(got.problems[0]!.field, 'paper.id');
    assert.match(got.problems[0]!.message, /no paper id for ".+"; skipped/);
  });

  test('a bad day → INPUT_INVALID, without a request', async () => {
    const { client } = makeClient();
    for (const day of ['2024-13-01', '2024-02-30', '2024-12-1', '20241216', '', '2024-12-16&x=1']) {
      await assert.rejects(client.fetchDay(day), isCode('INPUT_INVALID', /day must be a day written YYYY-MM-DD/), day);
    }
    assert.equal(server.requests.length, 0);
  });

  test('an unreachable server → retried, then FETCH_FAILED saying so', async () => {
    const closed = new HfServer();
    await closed.start();
    const origin = closed.origin;
    await closed.close();
    const { client, sleeps } = makeClient({ baseUrl: origin, maxRetries: 1 });
    await assert.rejects(
      client.fetchDay('2024-12-16'),
      isCode('FETCH_FAILED', new RegExp(`failed after 2 attempts: ${esc(origin)} could not be reached \\(ECONNREFUSED\\)$`), true),
    );
    assert.deepEqual(sleeps, [1000]);
  });

  test('bad options → INPUT_INVALID', () => {
    for (const o of [{ baseUrl: 'not a url' }, { baseUrl: 'ftp://x' }, { baseUrl: 'https://x/?a=1' }, { minIntervalMs: -1 }, { maxRetries: 0.5 }, { timeoutMs: 0 }]) {
      assert.throws(
        () => createHfDailyClient({ baseUrl: server.origin, ...o }),
        (err: unknown) => err instanceof PaperboyError && err.code === 'INPUT_INVALID',
        JSON.stringify(o),
      );
    }
  });
});

describe('fetchRange', { skip }, () => {
  test('every day of the range, in order, with progress', async () => {
    const { client } = makeClient();
    const progress: Array<[number, number]> = [];
    const got = await client.fetchRange('2024-12-15', '2024-12-21', (done, total) => progress.push([done, total]));
    assert.deepEqual(
      server.requests.map((r) => r.date),
      ['2024-12-15', '2024-12-16', '2024-12-17', '2024-12-18', '2024-12-19', '2024-12-20', '2024-12-21'],
    );
    assert.equal(got.records.length, 18 + 28 + 13 + 22 + 17);
    assert.deepEqual([...new Set(got.records.map((r) => r.day))], ['2024-12-16', '2024-12-17', '2024-12-18', '2024-12-19', '2024-12-20']);
    assert.deepEqual(got.problems, []);
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7].map((d) => [d, 7]));
  });

  test('one day → one request; a range over a month end', async () => {
    const { client } = makeClient();
    await client.fetchRange('2025-10-10', '2025-10-10');
    await client.fetchRange('2024-02-28', '2024-03-01');
    assert.deepEqual(
      server.requests.map((r) => r.date),
      ['2025-10-10', '2024-02-28', '2024-02-29', '2024-03-01'],
    );
  });

  test('a day that fails for good becomes a problem for that day; the other days are still fetched', async () => {
    const { client } = makeClient();
    server.byDay.set('2024-12-17', [{ status: 404, body: '{"error":"Not Found"}' }]);
    server.byDay.set('2024-12-18', [{ status: 200, body: 'not json' }]);
    const got = await client.fetchRange('2024-12-16', '2024-12-19');
    assert.equal(got.records.length, 18 + 22);
    assert.deepEqual(
      got.problems.map((p) => [p.where, p.field]),
      [
        [dayUrl('2024-12-17'), '(day)'],
        [dayUrl('2024-12-18'), '(day)'],
      ],
    );
    assert.match(got.problems[0]!.message, /HTTP 404/);
    assert.match(got.problems[1]!.message, /not JSON/);
    assert.equal(server.requests.length, 4, 'the permanent failures were not retried');
  });

  test('a retryable failure that outlasts the retries is thrown', async () => {
    const { client } = makeClient({ maxRetries: 1 });
    server.byDay.set('2024-12-17', [
      { status: 503, body: '' },
      { status: 503, body: '' },
    ]);
    await assert.rejects(client.fetchRange('2024-12-16', '2024-12-20'), isCode('FETCH_FAILED', /failed after 2 attempts: HTTP 503/, true));
    assert.deepEqual(
      server.requests.map((r) => r.date),
      ['2024-12-16', '2024-12-17', '2024-12-17'],
    );
  });

  test('31 days are fetched; 32 are refused without a request', async () => {
    const { client } = makeClient();
    const got = await client.fetchRange('2024-12-01', '2024-12-31');
    assert.equal(server.requests.length, 31);
    assert.equal(got.records.length, 98);
    server.requests.length = 0;
    await assert.rejects(client.fetchRange('2024-12-01', '2025-01-01'), isCode('INPUT_INVALID', /has 32 days; at most 31/));
    await assert.rejects(client.fetchRange('2024-01-01', '2024-12-31'), isCode('INPUT_INVALID', /has 366 days; at most 31/));
    assert.equal(server.requests.length, 0);
  });

  test('a range that ends before it starts, or bad days → INPUT_INVALID', async () => {
    const { client } = makeClient();
    await assert.rejects(client.fetchRange('2024-12-20', '2024-12-16'), isCode('INPUT_INVALID', /ends before it starts/));
    await assert.rejects(client.fetchRange('2024-12-32', '2024-12-16'), isCode('INPUT_INVALID', /from must be a day/));
    await assert.rejects(client.fetchRange('2024-12-16', 'tomorrow'), isCode('INPUT_INVALID', /to must be a day/));
    assert.equal(server.requests.length, 0);
  });

  test('requests are spaced by minIntervalMs, counted from the start of the previous one', async () => {
    // each request takes 300 ms of the fake clock, so 700 ms are left to wait before the next
    const { client, sleeps } = makeClient({ minIntervalMs: 1000, requestMs: 300 });
    await client.fetchRange('2024-12-16', '2024-12-19');
    assert.equal(server.requests.length, 4);
    assert.deepEqual(sleeps, [700, 700, 700]);
  });

  test('the default spacing is 1 s; a backoff longer than it needs no extra wait', async () => {
    const { client, sleeps } = makeClient({ minIntervalMs: undefined });
    server.byDay.set('2024-12-17', [{ status: 500, body: '' }]);
    await client.fetchRange('2024-12-16', '2024-12-18');
    assert.deepEqual(sleeps, [1000, 1000, 1000], 'spacing, backoff, spacing');
    assert.deepEqual(
      server.requests.map((r) => [r.date, r.status]),
      [
        ['2024-12-16', 200],
        ['2024-12-17', 500],
        ['2024-12-17', 200],
        ['2024-12-18', 200],
      ],
    );
  });
});
