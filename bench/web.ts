// bench/web: the public site, each figure next to a baseline measured in the same run.
// (1) The 2024-04-01 Korean edition page through createWebApp with the page cache, over
//     @hono/node-server, against a bare node:http server sending the same bytes and headers; both
//     in this process, loaded alike by autocannon in a child process (10 connections, 1 s warm-up,
//     then 5 s in 1 s turns). On a 2-CPU machine autocannon itself saturates before the bare
//     server does, so besides its req/s the ratio is taken per second of server CPU, which does not
//     depend on the load generator. Target ≥ 0.7×.
// (2) /search latency over the archive scaled to 100,000 papers on SQLite (no page cache), p50 and
//     p95 per query class, against one bare `body LIKE '%term%'` scan of the same table per query;
//     and how many hits on the published week each class still lists once the archive has grown.
//     Target p95 ≤ 50 ms.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import SqliteDatabase from 'better-sqlite3';
import { Hono } from 'hono';
import { main } from '../src/main.js';
import type { Store } from '../src/ports.js';
import type { TextInput } from '../src/domain/types.js';
import { openStore, sqlitePath } from '../src/store/open.js';
import { createWebApp } from '../src/web/app.js';

const SHARED = new URL('../../shared/', import.meta.url);
const UPSTREAM_MD = new URL('data/upstream/dair-ai/README.md', SHARED).pathname;
const SEED_POST = new URL('seed/000_a9127735c741dfde.txt', SHARED).pathname;
const HF_KO = new URL('data/hf/jeongiin_hf-daily-paper-korean-autoflow/hf-daily-paper-ko-gpt/', SHARED);
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const PAGE = '/editions/2024-04-01?lang=ko';
const PAPERS = Number(process.env.BENCH_PAPERS ?? 100_000);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const SEARCH_ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 3);

const QUERIES: Record<string, string[]> = {
  'ko 1 syllable': ['뇌', '꿈', '법'],
  'ko 2 syllables': ['모델', '탈옥', '번역', '추론'],
  'ko 3+ syllables': ['트랜스포머', '언어 모델', '강화 학습', '다발성'],
  english: ['transformer', 'LLM', 'jailbreaking', 'reasoning'],
  mixed: ['LLM 탈옥', 'GPT 추론', 'transformer 모델'],
};

const execFileP = promisify(execFile);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

/** Runs the CLI in this process, as test/support/cli.ts does, off the network. */
async function cli(args: string[], dataDir: string): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const env = { PAPERBOY_DATA_DIR: dataDir, PAPERBOY_ARXIV_URL: 'http://127.0.0.1:9/api/query', PAPERBOY_UPSTREAM_URL: 'http://127.0.0.1:9/README.md', PAPERBOY_ARXIV_INTERVAL_MS: '0' };
  const code = await main(args, env, { out: (s) => out.push(s), err: (s) => err.push(s) });
  if (code !== 0 && args[0] !== 'check') throw new Error(`paperboy ${args.join(' ')}: exit ${code}\n${err.join('\n')}`);
  return out.join('\n');
}

/** A fresh SQLite store with the reference week imported, checked and published in Korean. */
async function publishedStore(dataDir: string): Promise<void> {
  const week = ['--week', '2024-04-01', '--lang', 'ko'];
  await cli(['import', 'upstream', UPSTREAM_MD], dataDir);
  await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], dataDir);
  await cli(['check', ...week], dataDir);
  const checked = JSON.parse(await cli(['check', ...week, '--json'], dataDir)) as { checked: Array<{ findings: Array<{ id: number; severity: string; dismissed: unknown }> }> };
  for (const c of checked.checked) for (const f of c.findings) if (f.severity === 'error' && !f.dismissed) await cli(['findings', 'dismiss', String(f.id), '--by', 'bench@example.org', '--why', 'bench'], dataDir);
  await cli(['publish', ...week, '--allow-drafts'], dataDir);
}

// autocannon keeps every response body as a string (`req.body += chunk`), which for a 60 KB Korean
// page costs the client more than the bare server spends answering; nothing here reads the bodies,
// so that one method is made a no-op in the child before the run. Bytes are still counted.
const LOAD_CHILD = `
const [ac, queue, url, seconds] = process.argv.slice(1);
require(queue).prototype.addBody = function () {};
require(ac)({ url, connections: 10, duration: Number(seconds) }, (err, r) => {
  if (err) throw err;
  process.stdout.write(JSON.stringify({ total: r.requests.total, average: r.requests.average, duration: r.duration, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts }));
});`;

/** autocannon in a child process, 10 connections, for `seconds`. */
async function autocannon(url: string, seconds: number) {
  const queue = join(dirname(AUTOCANNON), 'lib', 'pipelinedRequestsQueue.js');
  const { stdout } = await execFileP(process.execPath, ['-e', LOAD_CHILD, AUTOCANNON, queue, url, String(seconds)], { maxBuffer: 1 << 20 });
  const r = JSON.parse(stdout) as { total: number; average: number; duration: number; non2xx: number; errors: number; timeouts: number };
  if (r.non2xx || r.errors || r.timeouts) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return r;
}

/**
 * Loads each server alike: a 1 s warm-up, then LOAD_SECONDS in 1 s turns (a, b, a, b, …), so a
 * neighbour's burst on a shared machine falls on both. The servers live in this process, so the CPU
 * time it spends during a turn is the server's. Per-CPU figures are medians over the turns.
 */
async function loadInTurns(urls: string[]): Promise<Array<{ rps: number; perCpuSecond: number }>> {
  const turns = urls.map(() => [] as Array<{ requests: number; seconds: number; cpu: number }>);
  for (const url of urls) await autocannon(url, 1);
  for (let turn = 0; turn < LOAD_SECONDS; turn++) {
    for (const [i, url] of urls.entries()) {
      const cpu0 = process.cpuUsage();
      const r = await autocannon(url, 1);
      const cpu = process.cpuUsage(cpu0);
      turns[i]!.push({ requests: r.total, seconds: r.duration, cpu: (cpu.user + cpu.system) / 1e6 });
    }
  }
  return turns.map((ts) => ({
    rps: ts.reduce((n, t) => n + t.requests, 0) / ts.reduce((n, t) => n + t.seconds, 0),
    perCpuSecond: quantile(
      ts.map((t) => t.requests / t.cpu),
      0.5,
    ),
  }));
}

export interface PageFigures {
  bytes: number;
  /** requests per second as autocannon saw them */
  cached: number;
  bare: number;
  uncached: number;
  /** requests per second of server CPU: what one core can serve whoever generates the load */
  cachedPerCpu: number;
  barePerCpu: number;
}

export async function benchEditionPage(store: Store): Promise<PageFigures> {
  // the site as `serve` runs it (page cache on), and the same app rendering every request
  const cached = createWebApp({ store, baseUrl: 'https://digest.example.org', defaultLang: 'ko' });
  const site = createWebApp({ store, baseUrl: 'https://digest.example.org', defaultLang: 'ko', pageCache: false });

  const first = await cached.request(PAGE);
  if (first.status !== 200) throw new Error(`${PAGE}: ${first.status}`);
  const body = Buffer.from(await first.arrayBuffer());
  const headers: Record<string, string> = {};
  first.headers.forEach((v, k) => {
    if (k !== 'x-cache') headers[k] = v;
  });
  headers['content-length'] = String(body.byteLength);

  const bare = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  const hono = serve({ fetch: cached.fetch, port: 0, hostname: '127.0.0.1' });
  const plain = serve({ fetch: site.fetch, port: 0, hostname: '127.0.0.1' });
  const url = async (s: Server) => {
    if (!s.listening) await new Promise((r) => s.once('listening', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}${PAGE}`;
  };
  try {
    bare.listen(0, '127.0.0.1');
    const [b, h] = await loadInTurns([await url(bare), await url(hono as Server)]);
    const check = await fetch(await url(hono as Server));
    await check.arrayBuffer();
    if (check.headers.get('x-cache') !== 'hit') throw new Error(`the page cache did not answer: x-cache ${check.headers.get('x-cache')}`);
    // without the cache every request renders: a few seconds show it
    const u = (await autocannon(await url(plain as Server), 3)).average;
    return { bytes: body.byteLength, cached: h!.rps, bare: b!.rps, uncached: u, cachedPerCpu: h!.perCpuSecond, barePerCpu: b!.perCpuSecond };
  } finally {
    await Promise.all([bare, hono, plain].map((s) => new Promise((r) => s.close(r))));
  }
}

/** mulberry32: the same archive on every run */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sentences of real English and Korean texts: the store's, and the Korean HF daily-paper translations. */
function corpus(db: SqliteDatabase.Database) {
  const rows = db.prepare('select lang, field, body from text').all() as Array<{ lang: string; field: string; body: string }>;
  for (const day of ['16', '17', '18', '19', '20']) {
    const items = JSON.parse(readFileSync(new URL(`2024-12-${day}_paper_ko.json`, HF_KO), 'utf8')) as Array<{ translation_title: string; translation_summary: string; purpose: string; paper: { title: string; summary: string } }>;
    for (const i of items) {
      rows.push({ lang: 'ko', field: 'title', body: i.translation_title }, { lang: 'ko', field: 'abstract', body: `${i.translation_summary} ${i.purpose}` });
      rows.push({ lang: 'en', field: 'title', body: i.paper.title }, { lang: 'en', field: 'abstract', body: i.paper.summary.replace(/\s+/g, ' ') });
    }
  }
  const pool = (lang: string, titles: boolean) => rows.filter((r) => r.lang === lang && (r.field === 'title') === titles).map((r) => r.body);
  const sentences = (bodies: string[]) => bodies.flatMap((b) => b.split(/(?<=[.!?。])\s+/)).filter((s) => s.length > 15);
  return { enTitles: pool('en', true), koTitles: pool('ko', true), enSentences: sentences(pool('en', false)), koSentences: sentences(pool('ko', false)) };
}

/** Adds `PAPERS` papers, each with an English and a Korean title and abstract remixed from real ones, published ten a week. */
async function scaleArchive(store: Store, db: SqliteDatabase.Database): Promise<{ papers: number; texts: number; chars: number; ms: number }> {
  const c = corpus(db);
  const rnd = random(20240401);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  // a title keeps its words, moved about a little, so phrases stay mostly real
  const remix = (title: string) => {
    const w = title.split(' ');
    const i = Math.floor(rnd() * w.length);
    const j = Math.floor(rnd() * w.length);
    [w[i], w[j]] = [w[j]!, w[i]!];
    return w.join(' ');
  };
  const abstract = (sentences: string[]) => Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => pick(sentences)).join(' ');
  const t0 = performance.now();
  const chunk = 5_000;
  let texts = 0;
  let chars = 0;
  for (let from = 0; from < PAPERS; from += chunk) {
    const papers = Array.from({ length: Math.min(chunk, PAPERS - from) }, (_, k) => `https://papers.example.org/bench/${from + k}`);
    const batch: TextInput[] = papers.flatMap((key) => {
      const t = (field: 'title' | 'abstract', lang: string, body: string): TextInput => ({ ownerKind: 'paper', ownerId: key, field, lang, body, origin: lang === 'en' ? 'arxiv' : 'llm', model: null, promptVersion: null, status: 'approved' });
      return [t('title', 'en', remix(pick(c.enTitles))), t('abstract', 'en', abstract(c.enSentences)), t('title', 'ko', remix(pick(c.koTitles))), t('abstract', 'ko', abstract(c.koSentences))];
    });
    texts += batch.length;
    for (const t of batch) chars += t.body.length;
    await store.transaction(async (tx) => {
      await tx.ensurePapers(papers.map((key) => ({ key, arxivId: null, url: key })));
      await tx.putTexts(batch);
      // the archive: every added paper is an entry of a published weekly edition of ten
      const weeks = Array.from({ length: Math.ceil(papers.length / 10) }, (_, w) => {
        const start = new Date(Date.UTC(1800, 0, 6) + ((from / 10 + w) * 7) * 86_400_000);
        const iso = (d: Date) => d.toISOString().slice(0, 10);
        return { startDate: iso(start), endDate: iso(new Date(start.getTime() + 6 * 86_400_000)), title: `bench week ${from / 10 + w}`, source: 'bench', sourceRef: null, status: 'published' as const };
      });
      const editions = await tx.createEditions(weeks);
      await tx.createEntries(papers.map((key, k) => ({ editionId: editions[Math.floor(k / 10)]!.id, position: (k % 10) + 1, paperKey: key, label: key, links: [] })));
      for (const e of editions) await tx.recordPublication({ editionId: e.id, lang: 'ko', channel: 'web', allowDrafts: false, publishedAt: '2026-01-01T00:00:00Z' });
    });
  }
  return { papers: PAPERS, texts, chars, ms: performance.now() - t0 };
}

export interface SearchFigures {
  papers: number;
  texts: number;
  /** characters in the added texts: what the trigram index had to take in */
  chars: number;
  setupMs: number;
  byClass: Array<{ name: string; p50: number; p95: number; hitsBefore: number; hitsAfter: number }>;
  p50: number;
  p95: number;
  /** p95 of the same terms as one `body LIKE '%term%' AND …` scan each through better-sqlite3 */
  likeP95: number;
}

/** hits the /search page lists for each query */
async function hitCounts(app: Hono): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const q of Object.values(QUERIES).flat()) {
    const html = await (await app.request(`/search?q=${encodeURIComponent(q)}`)).text();
    out.set(q, (html.match(/<li><a href="\/editions\//g) ?? []).length);
  }
  return out;
}

export async function benchSearch(store: Store, dataDir: string): Promise<SearchFigures> {
  const db = new SqliteDatabase(sqlitePath({ dataDir }));
  try {
    // no page cache: every request searches
    const app = createWebApp({ store, baseUrl: 'https://digest.example.org', defaultLang: 'ko', pageCache: false });
    // what the published week yields before the archive grows: growth should not hide it
    const before = await hitCounts(app);
    const scaled = await scaleArchive(store, db);
    const after = await hitCounts(app);
    const byClass: SearchFigures['byClass'] = [];
    const all: number[] = [];
    const like: number[] = [];
    for (const [name, queries] of Object.entries(QUERIES)) {
      const times: number[] = [];
      for (const q of queries) {
        for (let i = 0; i < SEARCH_ROUNDS; i++) {
          const t0 = performance.now();
          const res = await app.request(`/search?q=${encodeURIComponent(q)}`);
          await res.text();
          times.push(performance.now() - t0);
          if (res.status !== 200) throw new Error(`/search?q=${q}: ${res.status}`);
        }
        // the baseline: no index, no ranking, every row read once
        const terms = q.split(' ');
        const stmt = db.prepare(`select id from text where ${terms.map(() => 'body like ?').join(' and ')}`);
        const t0 = performance.now();
        stmt.all(...terms.map((t) => `%${t}%`));
        like.push(performance.now() - t0);
      }
      all.push(...times);
      const sum = (m: Map<string, number>) => queries.reduce((n, q) => n + m.get(q)!, 0);
      byClass.push({ name, p50: quantile(times, 0.5), p95: quantile(times, 0.95), hitsBefore: sum(before), hitsAfter: sum(after) });
    }
    return { papers: scaled.papers, texts: scaled.texts, chars: scaled.chars, setupMs: scaled.ms, byClass, p50: quantile(all, 0.5), p95: quantile(all, 0.95), likeP95: quantile(like, 0.95) };
  } finally {
    db.close();
  }
}

export async function benchWeb() {
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-bench-web-'));
  try {
    const t0 = performance.now();
    await publishedStore(dataDir);
    const setupMs = performance.now() - t0;
    const store = await openStore({ dataDir });
    try {
      const page = await benchEditionPage(store);
      const search = await benchSearch(store, dataDir);
      return { setupMs, page, search };
    } finally {
      await store.close();
    }
  } finally {
    // BENCH_KEEP=1 leaves the scaled database for a closer look
    if (process.env.BENCH_KEEP === '1') console.error(`bench/web: kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchWeb(), null, 2));
