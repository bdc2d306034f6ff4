// The SMTP sink's own process (see smtp-sink.ts, which starts it and documents the script language).
// It owns all of the sink's I/O: the listening socket on 127.0.0.1 and the JSONL file of accepted
// messages, appended synchronously before the 250 is sent, so a message the sink answered 250 is
// on disk even if this process is killed straight after. It talks to the process that started it
// over IPC only: `ready` (with the port), `ack` for a new script, `stats`. When that process goes
// away the sink keeps serving for `orphanGraceMs`, then exits.
import { appendFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SinkAction, SinkConfig, SinkMessage, SinkRule, SinkScript, SinkStats, ToSink } from './smtp-sink.js';

const config = JSON.parse(process.argv[2] ?? '{}') as SinkConfig;

/** Sent when a reply rule names only a code. */
const DEFAULT_TEXT: Record<number, string> = {
  421: '4.3.2 Service not available, closing transmission channel',
  450: '4.2.1 Mailbox busy, try again later',
  451: '4.3.0 Local error in processing, try again later',
  452: '4.3.1 Insufficient system storage',
  535: '5.7.8 Authentication credentials invalid',
  550: '5.1.1 Mailbox unavailable',
  552: '5.3.4 Message too big',
  553: '5.1.3 Mailbox name not allowed',
  554: '5.7.1 Transaction failed',
};

interface ActiveRule extends SinkRule {
  test: (address: string) => boolean;
  /** applications left, Infinity without `times` */
  left: number;
}

let script: SinkScript = {};
let rules: ActiveRule[] = [];
let dataEnds = 0;
const stats: SinkStats = { connections: 0, rcpt: 0, rcptRejected: 0, data: 0, accepted: 0, rejected: 0, dropped: 0, stalled: 0, authFailed: 0 };

function matcher(match: string | undefined): (address: string) => boolean {
  if (match === undefined) return () => true;
  const re = /^\/(.*)\/([a-z]*)$/s.exec(match);
  if (re) {
    const regex = new RegExp(re[1] ?? '', re[2]);
    return (address) => regex.test(address);
  }
  const exact = match.toLowerCase();
  return (address) => address.toLowerCase() === exact;
}

function setScript(next: SinkScript): void {
  script = next;
  rules = (next.rules ?? []).map((r) => ({ ...r, test: matcher(r.match), left: r.times ?? Infinity }));
  dataEnds = 0;
}

/** The first rule for this phase that matches one of the addresses and has applications left; consumes one. */
function pick(on: 'rcpt' | 'data', addresses: string[]): SinkAction | null {
  for (const rule of rules) {
    if ((rule.on ?? 'data') !== on || rule.left <= 0) continue;
    if (!addresses.some((a) => rule.test(a))) continue;
    rule.left -= 1;
    return rule.action;
  }
  return null;
}

function replyError(code: number, message: string | undefined): Error & { responseCode: number } {
  return Object.assign(new Error(message ?? DEFAULT_TEXT[code] ?? `${code >= 500 ? '5' : '4'}.0.0 Scripted reply`), { responseCode: code });
}

/** Ends the connection of this session at once (RST where possible), without a reply. */
function dropConnection(session: SMTPServerSession): void {
  for (const connection of server.connections) {
    if (connection.session === session) {
      connection._socket.resetAndDestroy();
      return;
    }
  }
}

function headerValue(raw: Buffer, name: string): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString('utf8').replace(/\r\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return m ? (m[1] ?? '').trim() : null;
}

function record(session: SMTPServerSession, raw: Buffer, droppedAfterAccept: boolean): void {
  const from = session.envelope.mailFrom;
  const message: SinkMessage = {
    at: Date.now(),
    from: from ? from.address : '',
    to: session.envelope.rcptTo.map((r) => r.address),
    messageId: headerValue(raw, 'message-id'),
    size: raw.length,
  };
  if (droppedAfterAccept) message.droppedAfterAccept = true;
  if (config.keepRaw) message.raw = raw.toString('utf8');
  appendFileSync(config.file, `${JSON.stringify(message)}\n`);
}

async function onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  stats.data += 1;
  dataEnds += 1;
  let action = pick('data', session.envelope.rcptTo.map((r) => r.address));
  if (action === null && script.failEvery && dataEnds % script.failEvery === 0) action = { reply: 451 };
  if (action === 'stall') {
    stats.stalled += 1;
    return; // never answered; the client gives up (or stop() kills us)
  }
  if (script.latencyMs) await new Promise((r) => setTimeout(r, script.latencyMs));
  if (stream.sizeExceeded) {
    stats.rejected += 1;
    return callback(replyError(552, undefined));
  }
  if (action === 'drop') {
    stats.dropped += 1;
    return dropConnection(session);
  }
  if (action === 'drop-after-accept') {
    record(session, raw, true);
    stats.accepted += 1;
    stats.dropped += 1;
    return dropConnection(session);
  }
  if (action !== null && action !== 'accept' && action.reply >= 400) {
    stats.rejected += 1;
    return callback(replyError(action.reply, action.message));
  }
  record(session, raw, false);
  stats.accepted += 1;
  callback(null, action !== null && action !== 'accept' && action.message ? action.message : `OK: queued as ${stats.accepted}`);
}

function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
  stats.rcpt += 1;
  const action = pick('rcpt', [address.address]);
  if (action === null || action === 'accept') return callback();
  if (action === 'stall') {
    stats.stalled += 1;
    return;
  }
  if (action === 'drop' || action === 'drop-after-accept') {
    stats.dropped += 1;
    return dropConnection(session);
  }
  if (action.reply < 400) return callback();
  stats.rcptRejected += 1;
  callback(replyError(action.reply, action.message));
}

const server = new SMTPServer({
  secure: false,
  disabledCommands: [...(config.starttls ? [] : ['STARTTLS']), ...(config.auth ? [] : ['AUTH'])],
  authOptional: !config.auth,
  allowInsecureAuth: true,
  authMethods: ['PLAIN', 'LOGIN'],
  disableReverseLookup: true,
  logger: false,
  banner: 'paperboy SMTP sink',
  size: 25 * 1024 * 1024,
  onConnect(_session, callback) {
    stats.connections += 1;
    callback();
  },
  onAuth(auth, _session, callback) {
    const ok = !script.authFail && auth.username === config.auth?.user && auth.password === config.auth?.pass;
    if (ok) return callback(null, { user: auth.username });
    stats.authFailed += 1;
    callback(null, { responseCode: 535, message: DEFAULT_TEXT[535] });
  },
  onRcptTo,
  onData(stream, session, callback) {
    onData(stream, session, callback).catch((e: unknown) => callback(replyError(451, `4.3.0 sink error: ${(e as Error).message}`)));
  },
});
server.on('error', (e) => {
  // a client's reset is normal here (drop rules); anything else is worth a line
  if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') safeStderr(`smtp sink: ${e.message}\n`);
});

function safeStderr(s: string): void {
  try {
    process.stderr.write(s);
  } catch {
    /* the starter may be gone */
  }
}
process.stderr.on('error', () => {});

setScript(config.script ?? {});

function send(msg: unknown): void {
  if (process.connected) process.send?.(msg);
}

process.on('message', (msg: ToSink) => {
  if (msg.type === 'script') {
    setScript(msg.script);
    send({ type: 'ack', id: msg.id });
  } else if (msg.type === 'stats') {
    send({ type: 'ack', id: msg.id, stats });
  }
});

process.on('disconnect', () => {
  const grace = config.orphanGraceMs;
  if (grace === null) return; // keep serving until killed
  setTimeout(() => process.exit(0), grace);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
