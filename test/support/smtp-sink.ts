// The SMTP sink: a real SMTP server (npm smtp-server) in its own process on 127.0.0.1, for tests.
// It is the source of truth for what was sent (RELIABILITY.md, cases 10, 13, 14, 23, 35): every
// message it accepts is appended to a JSONL file before the 250 goes out, and it keeps running when
// the process that sends to it is killed. This module only starts the process, talks to it over
// IPC and reads the file; smtp-sink-process.ts does the serving and the writing.
//
//   const sink = await startSmtpSink({ keepRaw: true });
//   const mailer = createSmtpMailer({ url: sink.url });          // smtp://127.0.0.1:PORT
//   await sink.script({ rules: [{ match: 'gone@example.org', on: 'rcpt', action: { reply: 550 } }] });
//   ... sink.messages() ...   // what was accepted, from the file
//   await sink.stop();
//
// The script (given at start, replaced whole by `await sink.script(s)`, which resolves once the
// sink has it; replacing it resets the `times` budgets and the failEvery count):
//
//   { rules?: SinkRule[], latencyMs?: number, failEvery?: number, authFail?: boolean }
//
//   SinkRule = { match?: string, on?: 'rcpt' | 'data', action: SinkAction, times?: number }
//     match   an address (exact, case-insensitive) or a regex written '/source/flags';
//             absent = every message (a global mode). On 'data' a rule matches when it matches
//             any recipient of the transaction.
//     on      'data' (default): answer the end of DATA; 'rcpt': answer RCPT TO.
//     times   apply this rule n times, then skip it.
//     The first matching rule wins.
//   SinkAction =
//     'accept'               250 (the default when no rule matches)
//     { reply, message? }    answer this code; message defaults to a usual text with an enhanced
//                            code, e.g. 451 → "4.3.0 Local error ..."; a 421 also closes the
//                            connection. A code below 400 accepts (message becomes the 250 text).
//     'drop'                 reset the connection without answering; nothing is recorded
//     'drop-after-accept'    record the message as accepted (droppedAfterAccept: true), then reset
//                            the connection before the 250 is written: the uncertain outcome
//     'stall'                never answer (the client has to time out)
//   latencyMs   wait this long before answering the end of DATA (any action but 'stall')
//   failEvery   when no rule matched, every n-th end of DATA (counted since the script was set) gets 451
//   authFail    every AUTH gets 535, even with the right password (needs `auth` at start)
//
// Start options: `auth: { user, pass }` makes AUTH (PLAIN, LOGIN, no TLS needed) mandatory;
// `starttls: true` offers STARTTLS with smtp-server's built-in self-signed certificate.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type SinkAction = 'accept' | { reply: number; message?: string } | 'drop' | 'drop-after-accept' | 'stall';

export interface SinkRule {
  match?: string;
  on?: 'rcpt' | 'data';
  action: SinkAction;
  times?: number;
}

export interface SinkScript {
  rules?: SinkRule[];
  latencyMs?: number;
  failEvery?: number;
  authFail?: boolean;
}

/** One line of the sink's file: a message the sink accepted. */
export interface SinkMessage {
  /** epoch ms when it was accepted */
  at: number;
  /** envelope sender (MAIL FROM) */
  from: string;
  /** envelope recipients (RCPT TO) */
  to: string[];
  /** the Message-ID header as sent, e.g. `<abc@example.org>`; null when there was none */
  messageId: string | null;
  /** bytes of DATA */
  size: number;
  /** the whole message, only with keepRaw */
  raw?: string;
  /** recorded, but the connection was reset before the 250 was written (`drop-after-accept`) */
  droppedAfterAccept?: true;
}

export interface SinkStats {
  connections: number;
  /** RCPT TO commands seen, and how many got an error reply */
  rcpt: number;
  rcptRejected: number;
  /** ends of DATA seen, and what came of them */
  data: number;
  accepted: number;
  rejected: number;
  dropped: number;
  stalled: number;
  authFailed: number;
}

export interface SmtpSinkOptions {
  /** the JSONL file; default `messages.jsonl` in a new temporary folder. Appended to, never truncated. */
  file?: string;
  /** keep the whole message in each line (off for big runs) */
  keepRaw?: boolean;
  auth?: { user: string; pass: string };
  starttls?: boolean;
  script?: SinkScript;
  /** how long the sink serves on after the process that started it is gone; default 120 s, null = until killed */
  orphanGraceMs?: number | null;
}

/** What the child gets on its command line. */
export interface SinkConfig {
  file: string;
  keepRaw: boolean;
  auth: { user: string; pass: string } | null;
  starttls: boolean;
  script: SinkScript;
  orphanGraceMs: number | null;
}

export type ToSink = { type: 'script'; id: number; script: SinkScript } | { type: 'stats'; id: number };
type FromSink = { type: 'ready'; port: number } | { type: 'ack'; id: number; stats?: SinkStats };

export interface SmtpSink {
  readonly port: number;
  /** `smtp://127.0.0.1:PORT`, without credentials */
  readonly url: string;
  readonly file: string;
  readonly pid: number;
  /** replace the script; resolves once the sink applies it */
  script(script: SinkScript): Promise<void>;
  /** every message accepted so far, read from the file */
  messages(): SinkMessage[];
  stats(): Promise<SinkStats>;
  /** kill the sink process (the file stays) */
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./smtp-sink-process.ts', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 5_000;

/** Parses a sink file; a last line cut short by a kill is skipped. */
export function readSinkFile(file: string): SinkMessage[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: SinkMessage[] = [];
  lines.forEach((line, i) => {
    if (!line) return;
    try {
      out.push(JSON.parse(line) as SinkMessage);
    } catch (e) {
      if (i !== lines.length - 1) throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
  });
  return out;
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const file = opts.file ?? join(mkdtempSync(join(tmpdir(), 'paperboy-sink-')), 'messages.jsonl');
  if (!existsSync(file)) writeFileSync(file, '');
  const config: SinkConfig = {
    file,
    keepRaw: opts.keepRaw ?? false,
    auth: opts.auth ?? null,
    starttls: opts.starttls ?? false,
    script: opts.script ?? {},
    orphanGraceMs: opts.orphanGraceMs === undefined ? 120_000 : opts.orphanGraceMs,
  };
  // its own process group, so a kill aimed at the sender's group leaves the sink alone
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });

  const pending = new Map<number, { resolve: (m: FromSink & { type: 'ack' }) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // the IPC channel holds the event loop only while a request waits for its answer
  const hold = () => {
    child.channel?.ref();
  };
  const release = () => {
    if (pending.size === 0) {
      child.channel?.unref();
      (child.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null)?.unref?.();
      child.unref();
    }
  };

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`smtp sink did not start within ${START_TIMEOUT_MS} ms\n${stderr}`)), START_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`smtp sink exited before it was ready (${signal ?? code})\n${stderr}`));
    });
    child.once('message', (m: FromSink) => {
      clearTimeout(timer);
      if (m.type === 'ready') resolve(m.port);
      else reject(new Error(`smtp sink: unexpected first message ${JSON.stringify(m)}`));
    });
  });

  child.on('exit', () => {
    exited = true;
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`smtp sink exited\n${stderr}`));
      pending.delete(id);
    }
  });
  child.on('message', (m: FromSink) => {
    if (m.type !== 'ack') return;
    const p = pending.get(m.id);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(m.id);
    p.resolve(m);
    release();
  });
  release();

  function request(msg: { type: 'script'; script: SinkScript } | { type: 'stats' }): Promise<FromSink & { type: 'ack' }> {
    if (exited || !child.connected) return Promise.reject(new Error('smtp sink is not running'));
    const id = nextId++;
    hold();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        release();
        reject(new Error(`smtp sink did not answer ${msg.type} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      child.send({ ...msg, id } satisfies ToSink);
    });
  }

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    file,
    pid: child.pid ?? -1,
    async script(script) {
      await request({ type: 'script', script });
    },
    messages: () => readSinkFile(file),
    async stats() {
      const m = await request({ type: 'stats' });
      if (!m.stats) throw new Error('smtp sink: stats missing from the answer');
      return m.stats;
    },
    async stop() {
      if (exited) return;
      child.ref();
      child.kill('SIGKILL');
      await exitedPromise;
    },
  };
}

/** A message as a test reads it: headers in order (unfolded), RFC 2047 decoding, leaf MIME parts decoded. */
export interface ParsedMail {
  headers: Array<{ name: string; value: string }>;
  /** every value of this header (case-insensitive), raw */
  get(name: string): string[];
  /** the Subject with encoded words decoded */
  subject: string;
  /** the leaf parts in order, bodies decoded (base64, quoted-printable) as UTF-8 */
  parts: Array<{ contentType: string; body: string }>;
}

/** Decodes RFC 2047 encoded words (B and Q); white space between two encoded words is dropped. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return new TextDecoder(charset).decode(bytes);
    });
}

function splitMessage(raw: string): { headers: Array<{ name: string; value: string }>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at === -1 ? raw : raw.slice(0, at);
  const body = at === -1 ? '' : raw.slice(at + 4);
  const headers = head
    .replace(/\r\n(?=[ \t])/g, '')
    .split('\r\n')
    .filter((l) => l !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line)}`);
      return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
    });
  return { headers, body };
}

function decodeBody(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitMessage(raw);
  const get = (name: string) => headers.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);
  const parts: ParsedMail['parts'] = [];
  const walk = (hs: Array<{ name: string; value: string }>, b: string) => {
    const one = (n: string) => hs.find((h) => h.name.toLowerCase() === n)?.value ?? '';
    const contentType = one('content-type') || 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (/^multipart\//i.test(contentType) && boundary) {
      const sections = b.split(`--${boundary}`);
      for (const section of sections.slice(1)) {
        if (section.startsWith('--')) break;
        const inner = splitMessage(section.replace(/^\r\n/, '').replace(/\r\n$/, ''));
        walk(inner.headers, inner.body);
      }
    } else {
      parts.push({ contentType, body: decodeBody(b, one('content-transfer-encoding') || '7bit') });
    }
  };
  walk(headers, body);
  return { headers, get, subject: decodeWords(get('subject')[0] ?? ''), parts };
}
