// bench/email: one edition to 100,000 subscribers through a local SMTP sink, against a bare
// nodemailer pooled send of the same message to the same kind of sink, measured in the same run.
//   setup:    a temp store (SQLite, or PostgreSQL with BENCH_PG=1 / benchEmail({ databaseUrl }))
//             with the reference week (2024-04-01) imported and checked, its checker errors
//             dismissed; N confirmed weekly Korean subscribers (show both) added in chunks; the
//             edition published by e-mail with drafts allowed, which queues N deliveries in one
//             statement.
//   paperboy: the outbox worker (runDeliveries, drain, rate 0, BENCH_EMAIL_CONCURRENCY lanes, as
//             many pooled SMTP connections) with the real SMTP mailer, in a child process
//             (bench/email-sender-process.ts), so its peak RSS is its own.
//   bare:     nodemailer's pool with the same maxConnections and as many sends in flight, sending the
//             first mail paperboy wrote N times to new recipients, in a child process alike.
// Each run gets a fresh sink (bench/smtp-count-process.ts: smtp-server in a child process that only
// counts; BENCH_EMAIL_SINK=test uses the test sink, which appends a JSON line per message). Both
// runs must leave N accepted messages to N distinct recipients at the sink. Targets: paperboy
// ≥ 0.5× the bare rate; the worker's peak RSS < 300 MB. BENCH_EMAIL_N (default 100000).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { main } from '../src/main.js';
import type { NewSubscriber, Store } from '../src/ports.js';
import { publishEdition } from '../src/pipeline/publish.js';
import { openStore } from '../src/store/open.js';
import type { SenderArgs, SenderResult } from './email-sender-process.js';

const SHARED = new URL('../../shared/', import.meta.url);
const UPSTREAM_MD = new URL('data/upstream/dair-ai/README.md', SHARED).pathname;
const SEED_POST = new URL('seed/000_a9127735c741dfde.txt', SHARED).pathname;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SENDER = fileURLToPath(new URL('./email-sender-process.ts', import.meta.url));
const SINK = fileURLToPath(new URL('./smtp-count-process.ts', import.meta.url));
const FROM = 'Paper digest <digest@example.org>';
export const PG_URL = process.env.PAPERBOY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const execFileP = promisify(execFile);

export interface EmailRun extends SenderResult {
  rate: number;
  perCpuSecond: number;
  sink: SinkStats;
}

export interface EmailFigures {
  engine: 'sqlite' | 'postgres';
  n: number;
  concurrency: number;
  sinkKind: 'count' | 'test';
  importMs: number;
  queueMs: number;
  queued: number;
  messageBytes: number;
  paperboy: EmailRun;
  bare: EmailRun;
  ratio: number;
}

interface SinkStats {
  accepted: number;
  bytes: number;
  unique: number;
  connections: number;
  cpuMs: number;
}

interface Sink {
  port: number;
  stats(): Promise<SinkStats>;
  stop(): Promise<void>;
}

/** The counting sink, or the test sink with keepRaw off. */
async function startSink(kind: 'count' | 'test'): Promise<Sink> {
  if (kind === 'test') {
    const { startSmtpSink } = await import('../test/support/smtp-sink.js');
    const sink = await startSmtpSink({ keepRaw: false, orphanGraceMs: 5_000 });
    return {
      port: sink.port,
      async stats() {
        const s = await sink.stats();
        const msgs = sink.messages();
        return { accepted: s.accepted, bytes: msgs.reduce((n, m) => n + m.size, 0), unique: new Set(msgs.flatMap((m) => m.to)).size, connections: s.connections, cpuMs: NaN };
      },
      stop: () => sink.stop(),
    };
  }
  const child = spawn(process.execPath, ['--import', 'tsx', SINK], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench sink exited (${code})`)));
    child.once('message', (m: { type: string; port: number }) => (m.type === 'ready' ? resolve(m.port) : reject(new Error(JSON.stringify(m)))));
  });
  return {
    port,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m: SinkStats & { type: string }) => resolve(m));
        child.send({ type: 'stats' });
      }),
    async stop() {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
}

/** The CLI in this process, off the network, as bench/web.ts runs it. */
async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const offline = { PAPERBOY_ARXIV_URL: 'http://127.0.0.1:9/api/query', PAPERBOY_UPSTREAM_URL: 'http://127.0.0.1:9/README.md', PAPERBOY_ARXIV_INTERVAL_MS: '0' };
  const code = await main(args, { ...offline, ...env }, { out: (s) => out.push(s), err: (s) => err.push(s) });
  if (code !== 0 && args[0] !== 'check') throw new Error(`paperboy ${args.join(' ')}: exit ${code}\n${err.join('\n')}`);
  return out.join('\n');
}

/** The reference week imported and checked, its errors dismissed; returns its id. */
async function referenceWeek(store: Store, env: Record<string, string>): Promise<number> {
  const week = ['--week', '2024-04-01', '--lang', 'ko'];
  await cli(['import', 'upstream', UPSTREAM_MD], env);
  await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], env);
  const checked = JSON.parse(await cli(['check', ...week, '--json'], env)) as { checked: Array<{ findings: Array<{ id: number; severity: string; dismissed: unknown }> }> };
  for (const c of checked.checked) for (const f of c.findings) if (f.severity === 'error' && !f.dismissed) await cli(['findings', 'dismiss', String(f.id), '--by', 'bench@example.org', '--why', 'bench'], env);
  const e = await store.getEditionByStart('2024-04-01');
  if (!e) throw new Error('the reference week was not imported');
  return e.id;
}

async function sendRun(mode: 'paperboy' | 'bare', base: Omit<SenderArgs, 'mode' | 'port'>, sinkKind: 'count' | 'test'): Promise<EmailRun> {
  const sink = await startSink(sinkKind);
  try {
    const args: SenderArgs = { ...base, mode, port: sink.port };
    // BENCH_EMAIL_CPU_PROF=<dir>: a V8 CPU profile of each sender (open it in Chrome DevTools)
    const prof = process.env.BENCH_EMAIL_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_EMAIL_CPU_PROF}`, `--cpu-prof-name=${mode}-${Date.now()}.cpuprofile`] : [];
    const { stdout } = await execFileP(process.execPath, ['--expose-gc', ...prof, '--import', 'tsx', SENDER, JSON.stringify(args)], { cwd: ROOT, maxBuffer: 1 << 24 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as SenderResult;
    const s = await sink.stats();
    if (r.sent !== base.n || s.accepted !== base.n || s.unique !== base.n) {
      throw new Error(`${mode}: sent ${r.sent}, the sink accepted ${s.accepted} to ${s.unique} distinct recipients; expected ${base.n} each\n${JSON.stringify(r.summary ?? '')}`);
    }
    return { ...r, rate: (r.sent * 1000) / r.wallMs, perCpuSecond: (r.sent * 1000) / r.cpuMs, sink: s };
  } finally {
    await sink.stop();
  }
}

export async function benchEmail(opts: { databaseUrl?: string } = {}): Promise<EmailFigures> {
  const n = Number(process.env.BENCH_EMAIL_N ?? 100_000);
  const concurrency = Number(process.env.BENCH_EMAIL_CONCURRENCY ?? 4);
  const sinkKind = process.env.BENCH_EMAIL_SINK === 'test' ? 'test' : 'count';
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-bench-email-'));
  const pgSchema = opts.databaseUrl ? `bench_email_${process.pid}_${Date.now().toString(36)}` : undefined;
  const env: Record<string, string> = { PAPERBOY_DATA_DIR: dataDir };
  if (opts.databaseUrl) {
    const u = new URL(opts.databaseUrl);
    u.searchParams.set('options', `-c search_path=${pgSchema}`);
    env.PAPERBOY_DATABASE_URL = u.toString();
  }
  // opened first with the schema named: it creates the tables the CLI then finds
  const store = await openStore({ dataDir, databaseUrl: opts.databaseUrl, ...(pgSchema ? { pgSchema } : {}) });
  try {
    const editionId = await referenceWeek(store, env);

    const at = new Date().toISOString();
    const t0 = performance.now();
    for (let i = 0; i < n; i += 10_000) {
      const rows: NewSubscriber[] = [];
      for (let j = i; j < Math.min(n, i + 10_000); j++) rows.push({ email: `reader${j}@example.org`, lang: 'ko', show: 'both', frequency: 'weekly', status: 'confirmed', source: 'import', token: `t${j}-${Math.random().toString(36).slice(2, 12)}`, at });
      const r = await store.transaction((tx) => tx.importSubscribers(rows));
      if (r.inserted !== rows.length) throw new Error(`imported ${r.inserted} of ${rows.length}`);
    }
    const importMs = performance.now() - t0;
    const t1 = performance.now();
    const pub = await publishEdition(store, editionId, { lang: 'ko', channels: ['email'], allowDrafts: true, now: () => new Date() });
    const queueMs = performance.now() - t1;
    if (pub.refused) throw new Error(`publish refused: ${JSON.stringify(pub.refused).slice(0, 400)}`);
    const queued = pub.published[0]?.queued ?? 0;
    if (queued !== n) throw new Error(`publish queued ${queued}, expected ${n}`);

    const base = { from: FROM, concurrency, n, mailFile: join(dataDir, 'first-mail.json'), dataDir, ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl, pgSchema } : {}) };
    const paperboy = await sendRun('paperboy', base, sinkKind);
    const counts = await store.deliveryCounts({ editionId });
    if (counts.accepted !== n) throw new Error(`the outbox says ${JSON.stringify(counts)} after the send`);
    const bare = await sendRun('bare', base, sinkKind);
    return {
      engine: store.engine,
      n,
      concurrency,
      sinkKind,
      importMs,
      queueMs,
      queued,
      messageBytes: Math.round(paperboy.sink.bytes / paperboy.sink.accepted),
      paperboy,
      bare,
      ratio: paperboy.rate / bare.rate,
    };
  } finally {
    await store.close();
    if (opts.databaseUrl && pgSchema) {
      const client = new pg.Client({ connectionString: opts.databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists "${pgSchema}" cascade`);
      await client.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The lines `npm run bench` prints. */
export function describeEmail(f: EmailFigures): string[] {
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const p = f.paperboy;
  const b = f.bare;
  const rss = Math.max(p.peakRssBytes, p.maxRssBytes);
  return [
    `bench/email (${f.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; ${f.n.toLocaleString('en')} confirmed weekly subscribers, 2024-04-01 edition in Korean with the English originals, ${(f.messageBytes / 1024).toFixed(0)} KB a message; ${f.concurrency} pooled SMTP connections, no rate limit; ${f.sinkKind === 'count' ? 'counting' : 'test'} SMTP sink in a child process)`,
    `  setup: ${f.n.toLocaleString('en')} subscribers imported in ${f.importMs < 2000 ? `${f.importMs.toFixed(0)} ms` : `${(f.importMs / 1000).toFixed(1)} s`}; publish --to email queued ${f.queued.toLocaleString('en')} deliveries in ${f.queueMs.toFixed(0)} ms`,
    `  email: paperboy ${p.rate.toFixed(0)} msg/s vs bare nodemailer ${b.rate.toFixed(0)} msg/s = ${x(p.rate, b.rate)}  (target >= 0.5×) ${f.ratio >= 0.5 ? 'MET' : 'MISSED'}`,
    `  per sender CPU second: paperboy ${p.perCpuSecond.toFixed(0)} msg vs bare nodemailer ${b.perCpuSecond.toFixed(0)} msg = ${x(p.perCpuSecond, b.perCpuSecond)}${Number.isFinite(p.sink.cpuMs) ? `; sink CPU ${((p.sink.cpuMs / p.wallMs) * 100).toFixed(0)}% / ${((b.sink.cpuMs / b.wallMs) * 100).toFixed(0)}% of a core during the runs` : ''}`,
    `  peak RSS of the paperboy worker ${mb(rss)}  (target < 300 MB) ${rss < 300 * 1024 * 1024 ? 'MET' : 'MISSED'}, ${mb(p.startRssBytes)} before its first send; bare nodemailer process ${mb(Math.max(b.peakRssBytes, b.maxRssBytes))}, ${mb(b.startRssBytes)} before`,
    `  live heap after a full GC: paperboy ${mb(p.liveHeapBeforeBytes)} before the send, ${mb(p.liveHeapAfterBytes)} after; bare ${mb(b.liveHeapBeforeBytes)}, ${mb(b.liveHeapAfterBytes)}`,
    `  the sink accepted ${p.sink.accepted.toLocaleString('en')} messages to ${p.sink.unique.toLocaleString('en')} distinct recipients from each (${p.sink.connections} and ${b.sink.connections} connections)`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = [await benchEmail()];
  if (process.env.BENCH_PG === '1') figures.push(await benchEmail({ databaseUrl: PG_URL }));
  for (const f of figures) for (const line of describeEmail(f)) console.log(line);
}
