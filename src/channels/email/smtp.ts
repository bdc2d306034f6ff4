// The SMTP Mailer: hands each delivery to an SMTP server over a nodemailer connection pool. This file
// owns the network I/O of e-mail; what a message looks like is mime.ts. Every failure is classified
// (temporary / permanent / unavailable, see MailFailureKind in ports.ts) and nothing is retried here:
// nodemailer's pool would silently re-send a message whose connection closed mid-DATA, which after
// a lost 250 means a duplicate nobody counted, so requeues are off and the caller's retry policy
// (same Message-ID) decides.
import nodemailer, { type SMTPPoolOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { PaperboyError } from '../../errors.js';
import type { MailFailureKind, Mailer, OutgoingMail } from '../../ports.js';
import { MailerFailure, isMailFailure, toNodemailerMessage } from './mime.js';

export { isMailFailure, toNodemailerMessage } from './mime.js';

export class SmtpFailure extends MailerFailure {
  constructor(kind: MailFailureKind, message: string, smtpCode: number | null = null, cause?: unknown) {
    super(kind, message, smtpCode, cause);
    this.name = 'SmtpFailure';
  }
}

export interface SmtpMailerOptions {
  /** PAPERBOY_SMTP_URL: smtp://user:password@host:587 (STARTTLS when offered; `?requireTLS=true` insists) or smtps://…:465 */
  url: string;
  /** the From of a mail that has none */
  from?: string;
  /** connections in the pool (default 5) */
  maxConnections?: number;
  /** messages per connection before it is replaced (default 1000) */
  maxMessages?: number;
  /** connect, greeting, DNS and inactivity timeout, each (default 30 s) */
  timeoutMs?: number;
}

const QUERY_KEYS: Record<string, string> = {
  requireTLS: 'requireTLS',
  'tls.rejectUnauthorized': 'tls.rejectUnauthorized',
};

export interface SmtpTarget {
  options: SMTPPoolOptions;
  /** `host:port`, for messages (never the credentials) */
  server: string;
  password: string | null;
}

/** Reads PAPERBOY_SMTP_URL into nodemailer's connection options; a bad URL is CONFIG_INVALID, without the password. */
export function parseSmtpUrl(url: string): SmtpTarget {
  const bad = (what: string) =>
    new PaperboyError('CONFIG_INVALID', `PAPERBOY_SMTP_URL ${what} (expected smtp://user:password@host:587 or smtps://user:password@host:465)`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('is not a valid URL');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw bad(`has the scheme ${JSON.stringify(u.protocol.slice(0, -1))}`);
  if (!u.hostname) throw bad('has no host');
  if (u.pathname !== '' && u.pathname !== '/') throw bad('has a path; only scheme, credentials, host, port and ?requireTLS= are read');
  if (u.hash) throw bad('has a #fragment');
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  let user: string;
  let pass: string;
  try {
    user = decodeURIComponent(u.username);
    pass = decodeURIComponent(u.password);
  } catch {
    throw bad('has a badly %-encoded user name or password');
  }
  if (pass && !user) throw bad('has a password but no user name');
  const options: SMTPPoolOptions = { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port, secure };
  if (user) options.auth = { user, pass };
  for (const [key, value] of u.searchParams) {
    if (!(key in QUERY_KEYS)) throw bad(`has the unknown parameter ${JSON.stringify(key)} (known: ${Object.keys(QUERY_KEYS).join(', ')})`);
    if (value !== 'true' && value !== 'false') throw bad(`parameter ${key} must be true or false`);
    if (key === 'requireTLS') options.requireTLS = value === 'true';
    else options.tls = { ...options.tls, rejectUnauthorized: value === 'true' };
  }
  return { options, server: `${u.hostname}:${port}`, password: pass || null };
}

/** Codes (on the error or under it) that mean the server cannot be reached or trusted at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EDNS', 'EADDRNOTAVAIL']);
const AUTH_CODES = new Set([530, 534, 535, 538]);
/** Commands whose 5xx answer is about this recipient or this message; a 5xx anywhere else refuses us. */
const PER_MAIL_COMMANDS = new Set(['RCPT TO', 'DATA']);

interface NodemailerErrorLike {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  timeoutType?: string;
  message?: string;
}

function isTlsError(code: string | undefined, message: string): boolean {
  if (!code) return /certificate|ssl|tls/i.test(message);
  return code === 'ETLS' || code === 'EREQUIRETLS' || code === 'EPROTO' || /CERT|SSL|TLS|SELF_SIGNED|LEAF_SIGNATURE|ISSUER/.test(code);
}

/**
 * Turns whatever nodemailer threw into a MailFailure that says what happened, e.g.
 * `SMTP 451 4.3.0 try later (to a@b.c)`. `ctx.server` is host:port; the password, if given, is
 * scrubbed from the message in case a server echoed it.
 */
export function classifySmtpError(e: unknown, ctx: { to: string; server: string; timeoutMs?: number; password?: string | null }): SmtpFailure {
  const err = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as NodemailerErrorLike;
  const code = err.code;
  const under = err.originalCode ?? code;
  const reply = (err.response ?? '').trim().split(/\r?\n/).pop() ?? '';
  const smtpCode = typeof err.responseCode === 'number' && err.responseCode >= 200 ? err.responseCode : null;
  const detail = (err.message ?? 'unknown error').replace(/\s+/g, ' ');
  const to = `to ${ctx.to}`;
  const make = (kind: MailFailureKind, message: string) => {
    const clean = ctx.password ? message.split(ctx.password).join('***') : message;
    return new SmtpFailure(kind, clean, smtpCode, e);
  };

  if (code === 'EAUTH' || code === 'ENOAUTH' || (smtpCode !== null && AUTH_CODES.has(smtpCode))) {
    return make('unavailable', `SMTP login to ${ctx.server} failed: ${smtpCode !== null ? reply : detail} (${to})`);
  }
  if (isTlsError(under, detail) || isTlsError(code, '')) {
    const why = under === 'ERR_SSL_WRONG_VERSION_NUMBER' ? 'the server does not speak TLS on this port (smtps:// wants an implicit-TLS port such as 465; use smtp:// for STARTTLS)' : detail;
    return make('unavailable', `SMTP TLS with ${ctx.server} failed${under && under !== code ? ` (${under})` : ''}: ${why} (${to})`);
  }
  if (under === 'ECONNREFUSED') return make('unavailable', `SMTP server ${ctx.server} refused the connection (${to})`);
  if (under !== undefined && UNREACHABLE.has(under)) return make('unavailable', `SMTP server ${ctx.server} cannot be reached (${under}) (${to})`);
  if (code === 'ECONFIG') return make('unavailable', `SMTP configuration problem: ${detail} (${to})`);
  if (smtpCode !== null && smtpCode >= 400 && smtpCode < 500) return make('temporary', `SMTP ${reply} (${to})`);
  if (smtpCode !== null && smtpCode >= 500) {
    if (smtpCode === 503) return make('temporary', `SMTP ${reply} (${to}; bad command sequence, worth another try)`);
    if (err.command !== undefined && PER_MAIL_COMMANDS.has(err.command)) return make('permanent', `SMTP ${reply} (${to})`);
    return make('unavailable', `SMTP ${reply} (${to}; the server refused ${err.command ?? 'the session'}, not this recipient)`);
  }
  if (code === 'ETIMEDOUT' || under === 'ETIMEDOUT') {
    const what = err.timeoutType === 'GREETING_TIMEOUT' ? 'sent no greeting' : err.timeoutType === 'CONNECT_TIMEOUT' ? 'did not accept the connection' : 'stopped answering';
    return make('temporary', `SMTP server ${ctx.server} ${what} within ${ctx.timeoutMs ?? '?'} ms (${to}; the message may or may not have been accepted)`);
  }
  if (under === 'ECONNRESET' || under === 'EPIPE') return make('temporary', `SMTP connection to ${ctx.server} was reset (${under}) (${to}; the message may or may not have been accepted)`);
  if (code === 'ECONNECTION' || code === 'ESOCKET') {
    return make('temporary', `SMTP connection to ${ctx.server} closed unexpectedly: ${detail} (${to}; the message may or may not have been accepted)`);
  }
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return make('permanent', `SMTP refused the message: ${detail} (${to})`);
  return make('temporary', `SMTP send failed${code ? ` (${code})` : ''}: ${detail} (${to})`);
}

export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  const target = parseSmtpUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    ...target.options,
    pool: true,
    maxConnections: opts.maxConnections ?? 5,
    maxMessages: opts.maxMessages ?? 1000,
    maxRequeues: 0,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let closed = false;

  return {
    kind: 'smtp',
    async send(mail: OutgoingMail) {
      const message = toNodemailerMessage(mail, { from: opts.from });
      const to = addressparser(mail.to, { flatten: true })[0]?.address ?? mail.to;
      const ctx = { to, server: target.server, timeoutMs, password: target.password };
      if (closed) throw new SmtpFailure('unavailable', `SMTP mailer for ${target.server} is closed (to ${to})`);
      let info;
      try {
        info = await transport.sendMail(message);
      } catch (e) {
        throw isMailFailure(e) ? e : classifySmtpError(e, ctx);
      }
      const rejected = info.rejected;
      if (rejected.length > 0) {
        const first = info.rejectedErrors?.[0];
        throw first ? classifySmtpError(first, ctx) : new SmtpFailure('permanent', `SMTP server ${target.server} rejected ${rejected.join(', ')} (to ${to})`);
      }
      return { response: info.response };
    },
    async close() {
      closed = true;
      transport.close();
    },
  };
}
