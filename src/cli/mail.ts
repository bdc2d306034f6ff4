// `paperboy subscribers …`, `paperboy send` and `paperboy worker`: the e-mail list and its outbox.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import { invalidInput, notFound, usage } from '../errors.js';
import { localDay, previousDay } from '../domain/subscriber.js';
import { queueDaily, runDeliveries, type DeliverySummary, type Failpoint } from '../pipeline/deliver.js';
import { deleteSubscriber, exportSubscriber, importSubscriberRows, type ImportRow } from '../pipeline/subscribe.js';
import { printJson, type Deps, type Outcome } from './deps.js';
import { PARTIAL_EXIT } from './import.js';

/** EX_TEMPFAIL: some deliveries wait for a retry, or the SMTP server could not be used */
export const TEMPFAIL_EXIT = 75;

export const newToken = () => randomBytes(32).toString('base64url');

export async function subscribersImportCommand(deps: Deps, file: string, opts: { json?: boolean }): Promise<Outcome> {
  const { bytes, where } = await deps.fetcher.read(file);
  let records: string[][];
  try {
    records = parse(Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw invalidInput(`${where}: not a readable CSV file (${(e as Error).message})`);
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  if (!header.includes('email')) throw invalidInput(`${where}: the first line must name the columns, with at least "email" (and language, frequency, confirmed); found ${JSON.stringify(records[0] ?? [])}`);
  const rows: ImportRow[] = records.slice(1).map((r, i) => ({ line: i + 2, fields: Object.fromEntries(header.map((h, j) => [h, r[j]])) }));
  const store = await deps.store();
  const r = await importSubscriberRows({ store, now: deps.now, newToken }, rows, deps.config.lang);
  if (opts.json) printJson(deps.io, r);
  else {
    deps.io.out(`subscribers import: ${where}: ${r.rows} row(s): ${r.inserted} new, ${r.existing} already subscribed or known (left unchanged), ${r.duplicates} repeated in the file, ${r.problems.length} refused`);
    for (const p of r.problems) deps.io.err(`  line ${p.line}: ${p.message}`);
  }
  return { exitCode: r.problems.length ? PARTIAL_EXIT : 0 };
}

export async function subscribersExportCommand(deps: Deps, email: string): Promise<Outcome> {
  const r = await exportSubscriber(await deps.store(), email);
  if (!r) throw notFound(`no subscriber with the address ${email}`);
  printJson(deps.io, r);
  return { exitCode: 0 };
}

export async function subscribersDeleteCommand(deps: Deps, email: string): Promise<Outcome> {
  if (!(await deleteSubscriber(await deps.store(), email))) throw notFound(`no subscriber with the address ${email}`);
  deps.io.out(`subscribers delete: ${email} and their delivery records are deleted`);
  return { exitCode: 0 };
}

export async function subscribersCountCommand(deps: Deps, opts: { json?: boolean }): Promise<Outcome> {
  const counts = await (await deps.store()).subscriberCounts();
  if (opts.json) printJson(deps.io, counts);
  else deps.io.out(Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join('\n'));
  return { exitCode: 0 };
}

/** The worker's name in the rows it holds: another process on this host can tell whether it still runs. */
function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** A worker on this host whose process is gone; workers on other hosts are judged by the lease. */
function holderGone(claimedBy: string): boolean {
  const [host, pid] = claimedBy.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  if (Number(pid) === process.pid) return true; // an earlier run of this pid: it cannot still be sending
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * PAPERBOY_FAILPOINT=<point>:<n> kills this process (SIGKILL) the n-th time the worker passes the
 * point: how the crash tests stop it exactly after a claim, after the server's 250, after the mark.
 */
function failpoints(spec: string | undefined): ((p: Failpoint) => void) | undefined {
  if (!spec) return undefined;
  const [point, n] = spec.split(':');
  let left = Number(n ?? 1);
  return (p) => {
    if (p === point && --left <= 0) process.kill(process.pid, 'SIGKILL');
  };
}

async function deliver(deps: Deps, mode: 'drain' | 'forever', waitMs: number, daily: boolean): Promise<DeliverySummary> {
  const c = deps.config;
  const store = await deps.store();
  const mailer = deps.mailer();
  const isTTY = deps.io.isTTY?.() ?? false;
  let lastLine = 0;
  try {
    return await runDeliveries(
      {
        store,
        mailer,
        now: deps.now,
        settings: deps.mailSettings(),
        workerId: workerId(),
        holderGone,
        sleep: (ms, signal) => sleep(ms, undefined, { signal }),
        failpoint: failpoints(deps.failpoint),
        notice: (line) => deps.io.err(`${mode === 'drain' ? 'send' : 'worker'}: ${line}`),
        progress: (s) => {
          const t = Date.now();
          if (t - lastLine < (isTTY ? 200 : 5_000)) return;
          lastLine = t;
          const line = `send: ${s.accepted} accepted, ${s.retried} to retry, ${s.bounced} bounced, ${s.failed} failed, ${s.cancelled} cancelled`;
          if (isTTY && deps.io.status) deps.io.status(line);
          else deps.io.err(line);
        },
      },
      { concurrency: c.mailConcurrency, ratePerSecond: c.mailRate, retryBaseMs: c.mailRetryMs, maxAttempts: c.mailMaxAttempts, leaseMs: c.mailLeaseMs, mode, waitMs, daily, signal: deps.interrupt },
    );
  } finally {
    if (isTTY && deps.io.status) deps.io.status('');
    await mailer.close().catch(() => {});
  }
}

function report(deps: Deps, s: DeliverySummary, json: boolean | undefined, via: string): Outcome {
  const stopped = deps.interrupt?.aborted ?? false;
  if (json) printJson(deps.io, s);
  else {
    deps.io.out(`send: ${s.accepted} accepted (${via}), ${s.bounced} bounced, ${s.failed} failed, ${s.cancelled} cancelled${s.recovered ? `; ${s.recovered} taken back from a stopped worker` : ''}`);
    if (s.unavailable) deps.io.err(`send: stopped: the mail server cannot be used: ${s.unavailable}; ${s.deferred} deliveries wait (run \`paperboy send\` again when it is back)`);
    else if (s.deferred && stopped) deps.io.err(`send: stopped; ${s.deferred} deliveries wait in the outbox for the next run`);
    else if (s.deferred) deps.io.err(`send: ${s.deferred} deliveries wait for a retry; the next is due at ${s.nextDue} (\`paperboy worker\` sends them when due, or run \`paperboy send\` again)`);
  }
  return { exitCode: s.unavailable || s.deferred ? TEMPFAIL_EXIT : 0 };
}

function parseDay(value: string): string {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw usage(`--day ${value}: expected a calendar date as YYYY-MM-DD, or "yesterday"`);
  return value;
}

const via = (deps: Deps) => {
  const m = deps.mailSettings();
  return m.emlDir ? `as .eml files in ${m.emlDir}` : 'by SMTP';
};

export async function sendCommand(deps: Deps, opts: { wait?: string; day?: string; json?: boolean }): Promise<Outcome> {
  const wait = opts.wait === undefined ? 0 : Number(opts.wait);
  if (!Number.isFinite(wait) || wait < 0) throw usage(`--wait ${opts.wait}: expected a number of seconds`);
  if (opts.day !== undefined) {
    const day = opts.day === 'yesterday' ? previousDay(localDay(deps.now(), deps.config.timezone)) : parseDay(opts.day);
    const queued = await queueDaily(await deps.store(), day, deps.config.timezone, deps.now());
    if (!opts.json) deps.io.err(queued.length ? queued.map((q) => `send: daily mail of ${day} (${q.lang}): ${q.queued} deliveries queued`).join('\n') : `send: no papers became readable on ${day}; no daily mail`);
  }
  const s = await deliver(deps, 'drain', wait * 1000, false);
  return report(deps, s, opts.json, via(deps));
}

export async function workerCommand(deps: Deps, opts: { json?: boolean }): Promise<Outcome> {
  deps.io.err(`worker: sending queued mail ${via(deps)}; daily mails at the end of each day (${deps.config.timezone}); SIGTERM or Ctrl-C stops it after the mails in flight`);
  const s = await deliver(deps, 'forever', 0, true);
  const o = report(deps, s, opts.json, via(deps));
  // stopped on purpose: what is still queued waits for the next worker, as it should
  return deps.interrupt?.aborted ? { exitCode: 0 } : o;
}
