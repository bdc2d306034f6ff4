// One sending run of bench/email, in its own process so its peak RSS and CPU time are its own.
//   paperboy: the outbox worker as `paperboy send` runs it (runDeliveries, mode drain, rate 0) with
//             the real SMTP mailer (createSmtpMailer) over the store bench/email prepared; the
//             first mail it hands to the mailer is written to `mailFile` for the baseline.
//   bare:     nodemailer's pooled SMTP transport with the same pool options, sending that same mail
//             `n` times (only the recipient changes), `concurrency` sends in flight, as the worker.
// Prints one JSON line: { sent, wallMs, cpuMs, peakRssBytes, maxRssBytes, summary? }.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { createSmtpMailer } from '../src/channels/email/smtp.js';
import { toNodemailerMessage } from '../src/channels/email/mime.js';
import { runDeliveries } from '../src/pipeline/deliver.js';
import type { Mailer, OutgoingMail } from '../src/ports.js';
import { openStore } from '../src/store/open.js';

export interface SenderArgs {
  mode: 'paperboy' | 'bare';
  port: number;
  from: string;
  concurrency: number;
  n: number;
  mailFile: string;
  dataDir: string;
  databaseUrl?: string;
  pgSchema?: string;
}

export interface SenderResult {
  sent: number;
  wallMs: number;
  cpuMs: number;
  /** the highest process.memoryUsage().rss sampled every 50 ms */
  peakRssBytes: number;
  /** getrusage's ru_maxrss: the true peak, including start-up */
  maxRssBytes: number;
  /** RSS once the modules are loaded (and the store open), just before the first send */
  startRssBytes: number;
  /** V8 heap in use after a full GC, just before the first send and right after the last (a leak shows as a difference) */
  liveHeapBeforeBytes: number;
  liveHeapAfterBytes: number;
  summary?: unknown;
}

const args = JSON.parse(process.argv[2] ?? '{}') as SenderArgs;
let peak = 0;
let startRss = 0;
let heapBefore = 0;
let heapAfter = 0;
/** heap in use after a full collection (the parent starts this process with --expose-gc) */
const liveHeap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

async function paperboy(): Promise<Omit<SenderResult, 'peakRssBytes' | 'maxRssBytes' | 'startRssBytes' | 'liveHeapBeforeBytes' | 'liveHeapAfterBytes'>> {
  const store = await openStore({ dataDir: args.dataDir, databaseUrl: args.databaseUrl, ...(args.pgSchema ? { pgSchema: args.pgSchema } : {}) });
  const smtp = createSmtpMailer({ url: `smtp://127.0.0.1:${args.port}`, from: args.from, maxConnections: args.concurrency, timeoutMs: 60_000 });
  let captured = false;
  const mailer: Mailer = {
    kind: smtp.kind,
    send(mail) {
      if (!captured) {
        captured = true;
        writeFileSync(args.mailFile, JSON.stringify(mail));
      }
      return smtp.send(mail);
    },
    close: () => smtp.close(),
  };
  heapBefore = liveHeap();
  startRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runDeliveries(
    {
      store,
      mailer,
      now: () => new Date(),
      settings: { from: args.from, baseUrl: 'https://digest.example.org', listId: 'paperboy.digest.example.org', unsubscribeMailto: 'digest@example.org', timezone: 'UTC' },
      workerId: `bench:${process.pid}:${randomBytes(4).toString('hex')}`,
      holderGone: () => false,
      sleep: (ms, signal) => sleep(ms, undefined, { signal }),
    },
    { concurrency: args.concurrency, ratePerSecond: 0, retryBaseMs: 60_000, maxAttempts: 8, leaseMs: 900_000, mode: 'drain' },
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  peak = Math.max(peak, process.memoryUsage().rss);
  heapAfter = liveHeap();
  await mailer.close();
  await store.close();
  return { sent: summary.accepted, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, summary };
}

async function bare(): Promise<Omit<SenderResult, 'peakRssBytes' | 'maxRssBytes' | 'startRssBytes' | 'liveHeapBeforeBytes' | 'liveHeapAfterBytes'>> {
  const mail = JSON.parse(readFileSync(args.mailFile, 'utf8')) as OutgoingMail;
  const message = toNodemailerMessage(mail, { from: args.from });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: args.port,
    secure: false,
    pool: true,
    maxConnections: args.concurrency,
    maxMessages: 1000,
    maxRequeues: 0,
    connectionTimeout: 60_000,
    greetingTimeout: 60_000,
    socketTimeout: 60_000,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let next = 0;
  let sent = 0;
  const lane = async () => {
    while (next < args.n) {
      const i = next++;
      await transport.sendMail({ ...message, to: `bare${i}@example.org` });
      sent++;
    }
  };
  heapBefore = liveHeap();
  startRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: args.concurrency }, lane));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  peak = Math.max(peak, process.memoryUsage().rss);
  heapAfter = liveHeap();
  transport.close();
  return { sent, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const r = args.mode === 'paperboy' ? await paperboy() : await bare();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const out: SenderResult = { ...r, startRssBytes: startRss, liveHeapBeforeBytes: heapBefore, liveHeapAfterBytes: heapAfter, peakRssBytes: peak, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
process.stdout.write(`${JSON.stringify(out)}\n`);
