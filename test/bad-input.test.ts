// Bad input and faults: one clear line saying what and where, a non-zero exit code, no stack trace
// (unless PAPERBOY_DEBUG=1), and everything already stored left intact.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { cli, SEED_POST, spawnCli, UPSTREAM_CSV, UPSTREAM_MD } from './support/cli.js';
import { openSqlite, type TestStore } from './support/stores.js';
import { startArxivServer, type ArxivServer } from './support/arxiv-server.js';

const STACK = /^\s+at /m;

/** a loopback port nothing listens on */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
const oneLine = (s: string) => s.trim().split('\n').length === 1;

describe('bad input', () => {
  let t: TestStore;
  let dir: string;
  let http: Server;
  let base: string;
  let arxiv: ArxivServer;
  const upstream = readFileSync(UPSTREAM_MD);

  before(async () => {
    t = await openSqlite();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-bad-'));
    http = createServer((req, res) => {
      if (req.url === '/README.md') {
        res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' });
        res.end(upstream);
      } else {
        res.writeHead(404);
        res.end('not found');
      }
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    arxiv = await startArxivServer();
    // a stored state that every bad input below must leave intact
    const r = await cli(['import', 'upstream', `${base}/README.md`], t.env);
    assert.equal(r.code, 0, r.err);
  });
  after(async () => {
    await arxiv?.close();
    await new Promise((r) => http.close(r));
    await t?.cleanup();
  });

  async function assertIntact() {
    const list = JSON.parse((await cli(['editions', '--json'], t.env)).out) as Array<{ entryCount: number }>;
    assert.equal(list.length, 130);
    assert.equal(list.reduce((n, e) => n + e.entryCount, 0), 1300);
  }

  it('imports the list from a URL served over HTTP (the default source is a URL too)', async () => {
    const r = await cli(['import', 'upstream'], { ...t.env, PAPERBOY_UPSTREAM_URL: `${base}/README.md` });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /nothing changed/);
  });

  it('a missing file: one line, exit 66, no stack trace', async () => {
    const r = await spawnCli(['import', 'upstream', join(dir, 'nope.md')], t.env);
    assert.equal(r.code, 66);
    assert.ok(oneLine(r.err), r.err);
    assert.match(r.err, /file not found: .*nope\.md/);
    assert.doesNotMatch(r.err, STACK);
    await assertIntact();
  });

  it('PAPERBOY_DEBUG=1 adds the stack trace', async () => {
    const r = await spawnCli(['import', 'upstream', join(dir, 'nope.md')], { ...t.env, PAPERBOY_DEBUG: '1' });
    assert.equal(r.code, 66);
    assert.match(r.err, STACK);
  });

  it('a file that is not the upstream list', async () => {
    const r = await cli(['import', 'upstream', SEED_POST], t.env);
    assert.equal(r.code, 65);
    assert.ok(oneLine(r.err), r.err);
    assert.match(r.err, /000_a9127735c741dfde\.txt:1: .*(upstream list|Top ML Papers)/i);
    await assertIntact();
  });

  it('a truncated list: the complete rows before the cut are imported, the broken one reported by line', async () => {
    const text = upstream.toString('utf8');
    const cut = text.indexOf('| 4) **Local Context LLMs Struggle');
    const file = join(dir, 'truncated.md');
    writeFileSync(file, text.slice(0, cut + 60));
    const fresh = await openSqlite();
    try {
      const r = await cli(['import', 'upstream', file, '--json'], fresh.env);
      assert.equal(r.code, 65);
      const j = JSON.parse(r.out);
      // every edition above the cut, and the three rows of its own edition before the broken fourth
      assert.equal(j.entries.created, 643);
      assert.equal(j.problems.length, 1);
      const line = text.slice(0, cut).split('\n').length;
      assert.equal(j.problems[0].line, line);
      assert.match(r.err, new RegExp(`truncated\\.md:${line}: `));
    } finally {
      await fresh.cleanup();
    }
  });

  it('a row with no links is reported with its line and field; its neighbours are imported', async () => {
    const text = upstream.toString('utf8').replace('[Paper](https://arxiv.org/abs/2404.02258), [Tweet](https://x.com/TheSeaMouse/status/1775782800362242157)', 'no links here');
    const file = join(dir, 'nolinks.md');
    writeFileSync(file, text);
    const fresh = await openSqlite();
    try {
      const r = await cli(['import', 'upstream', file, '--json'], fresh.env);
      assert.equal(r.code, 65);
      const j = JSON.parse(r.out);
      assert.equal(j.entries.created, 1299);
      assert.equal(j.problems[0].field, 'links');
      assert.match(r.err, /nolinks\.md:\d+: links: /);
    } finally {
      await fresh.cleanup();
    }
  });

  it('invalid UTF-8 names the byte offset; nothing is written', async () => {
    const bytes = Buffer.concat([upstream.subarray(0, 5000), Buffer.from([0xff, 0xfe, 0x41]), upstream.subarray(5000)]);
    const file = join(dir, 'bad-utf8.md');
    writeFileSync(file, bytes);
    const r = await spawnCli(['import', 'upstream', file], t.env);
    assert.equal(r.code, 65);
    assert.ok(oneLine(r.err), r.err);
    assert.match(r.err, /bad-utf8\.md: not valid UTF-8 at byte offset 5000/);
    assert.doesNotMatch(r.err, STACK);
    await assertIntact();
  });

  it('a NUL byte is refused as not text', async () => {
    const file = join(dir, 'nul.md');
    writeFileSync(file, Buffer.concat([upstream.subarray(0, 100), Buffer.from([0]), upstream.subarray(100)]));
    const r = await cli(['import', 'upstream', file], t.env);
    assert.equal(r.code, 65);
    assert.match(r.err, /NUL byte at line/);
  });

  it('a BOM and CRLF line ends import the same 130 editions, changing nothing', async () => {
    const file = join(dir, 'crlf.md');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(upstream.toString('utf8').replace(/\n/g, '\r\n'))]));
    const r = await cli(['import', 'upstream', file, '--json'], t.env);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.editionsParsed, 130);
    assert.equal(j.changed, false);
  });

  it('an unknown --week says which date has no edition', async () => {
    const r = await spawnCli(['render', '--week', '2019-01-01', '--lang', 'ko'], t.env);
    assert.equal(r.code, 3);
    assert.ok(oneLine(r.err), r.err);
    assert.match(r.err, /no edition covers 2019-01-01/);
  });

  it('a malformed --week is a usage error', async () => {
    for (const week of ['2024-13-01', 'April 1', '2024-02-30']) {
      const r = await cli(['render', '--week', week], t.env);
      assert.equal(r.code, 2, week);
      assert.match(r.err, /--week/);
    }
  });

  it('an unknown format is a usage error listing the choices', async () => {
    const r = await cli(['render', '--week', '2024-04-01', '--format', 'pdf'], t.env);
    assert.equal(r.code, 2);
    assert.match(r.err, /discourse, markdown, html, json|Allowed choices/);
  });

  it('an unreachable URL: exit 69 naming the URL', async () => {
    const port = await closedPort();
    const r = await spawnCli(['import', 'upstream', `http://127.0.0.1:${port}/README.md`], t.env);
    assert.equal(r.code, 69);
    assert.ok(oneLine(r.err), r.err);
    assert.match(r.err, new RegExp(`could not fetch http://127\\.0\\.0\\.1:${port}/README\\.md: ECONNREFUSED`));
    await assertIntact();
  });

  it('an HTTP error from the URL is named', async () => {
    const r = await cli(['import', 'upstream', `${base}/missing.md`], t.env);
    assert.equal(r.code, 69);
    assert.match(r.err, /HTTP 404/);
  });

  it('an arXiv 5xx storm: retried, then one line and exit 69, stored texts intact', async () => {
    arxiv.failNext(50, 503);
    const before = await t.store.getTexts([{ kind: 'paper', id: 'arxiv:2404.02258' }]);
    const r = await spawnCli(['enrich', '--week', '2024-04-01'], { ...t.env, PAPERBOY_ARXIV_URL: arxiv.url, PAPERBOY_ARXIV_INTERVAL_MS: '0', PAPERBOY_ARXIV_RETRIES: '2' });
    assert.equal(r.code, 69, r.err);
    assert.match(r.err, /arXiv API at 127\.0\.0\.1:\d+ failed after 3 attempts/);
    assert.doesNotMatch(r.err, STACK);
    assert.equal(arxiv.requests.filter((q) => q.status === 503).length, 3);
    assert.deepEqual(await t.store.getTexts([{ kind: 'paper', id: 'arxiv:2404.02258' }]), before);
    arxiv.clear();
  });

  it('a PostgreSQL URL that refuses connections: exit 75, host named, password never shown', async () => {
    const r = await spawnCli(['editions'], { PAPERBOY_DATABASE_URL: 'postgres://paperboy:s3cret@127.0.0.1:1/paperboy', PAPERBOY_DATA_DIR: dir });
    assert.equal(r.code, 75);
    assert.ok(oneLine(r.err), r.err);
    assert.match(r.err, /cannot connect to PostgreSQL at 127\.0\.0\.1:1\/paperboy/);
    assert.doesNotMatch(r.err, /s3cret/);
  });

  it('a bad option names the variable; --help still works', async () => {
    const r = await cli(['editions'], { ...t.env, PAPERBOY_ARXIV_URL: 'ftp://x', PAPERBOY_ARXIV_INTERVAL_MS: '-5' });
    assert.equal(r.code, 78);
    assert.match(r.err, /PAPERBOY_ARXIV_URL: must be an http\(s\) URL/);
    assert.match(r.err, /PAPERBOY_ARXIV_INTERVAL_MS/);
    const help = await cli(['--help'], { PAPERBOY_ARXIV_URL: 'ftp://x' });
    assert.equal(help.code, 0);
    assert.match(help.out, /import/);
  });

  it('config --dump redacts the database password', async () => {
    const r = await cli(['config', '--dump'], { ...t.env, PAPERBOY_DATABASE_URL: 'postgres://u:s3cret@db.example:5432/pb' });
    assert.equal(r.code, 0);
    assert.match(r.out, /PAPERBOY_DATABASE_URL=postgres:\/\/\*\*\*\*:\*\*\*\*@db\.example:5432\/pb/);
    assert.doesNotMatch(r.out, /s3cret/);
  });

  it('a post for a week that is not stored names the week', async () => {
    const fresh = await openSqlite();
    try {
      const r = await cli(['import', 'edition', SEED_POST, '--lang', 'ko'], fresh.env);
      assert.equal(r.code, 3);
      assert.match(r.err, /no edition covers 2024-04-01/);
    } finally {
      await fresh.cleanup();
    }
  });

  it('a CSV without the expected columns', async () => {
    const r = await cli(['import', 'csv', UPSTREAM_MD], t.env);
    assert.equal(r.code, 65);
    assert.ok(oneLine(r.err), r.err);
    await assertIntact();
  });

  it('a CSV row without a paper URL is reported; the rest are imported', async () => {
    const csv = readFileSync(UPSTREAM_CSV, 'utf8').replace('https://arxiv.org/abs/2310.10631', '');
    const file = join(dir, 'potw.csv');
    writeFileSync(file, csv);
    const r = await cli(['import', 'csv', file, '--json'], t.env);
    assert.equal(r.code, 65);
    assert.equal(JSON.parse(r.out).rows, 419);
    assert.match(r.err, /potw\.csv:2: /);
  });
});

describe('output to a closed pipe', () => {
  it('stops quietly when the reader goes away (paperboy editions | head)', async () => {
    const t = await openSqlite();
    try {
      await cli(['import', 'upstream', UPSTREAM_MD], t.env);
      const { spawn } = await import('node:child_process');
      const { ROOT } = await import('./support/cli.js');
      const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/main.ts`, 'editions'], { cwd: ROOT, env: { ...process.env, ...t.env } });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((r) => child.on('close', r));
      assert.equal(code, 0);
      assert.doesNotMatch(err, /EPIPE|at /);
    } finally {
      await t.cleanup();
    }
  });
});
