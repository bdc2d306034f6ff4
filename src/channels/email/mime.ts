// What an e-mail looks like on the wire, shared by the SMTP mailer (smtp.ts) and the .eml writer
// (eml.ts) so both produce the same MIME. Pure apart from `new Date()` for the Date header: no I/O.
import type { SendMailOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { PaperboyError } from '../../errors.js';
import type { MailFailure, MailFailureKind, OutgoingMail } from '../../ports.js';

/** A failed send, classified for the caller's retry policy (see MailFailureKind in ports.ts). */
export class MailerFailure extends Error implements MailFailure {
  readonly kind: MailFailureKind;
  readonly smtpCode: number | null;
  constructor(kind: MailFailureKind, message: string, smtpCode: number | null = null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MailerFailure';
    this.kind = kind;
    this.smtpCode = smtpCode;
  }
}

const KINDS: ReadonlySet<unknown> = new Set<MailFailureKind>(['temporary', 'permanent', 'unavailable']);

export function isMailFailure(e: unknown): e is MailFailure {
  if (!(e instanceof Error)) return false;
  const { kind, smtpCode } = e as Partial<MailFailure>;
  return KINDS.has(kind) && (smtpCode === null || typeof smtpCode === 'number');
}

/**
 * Headers a caller may not set through `OutgoingMail.headers`: the mailer writes them itself, and a
 * second copy (or a Bcc, which nodemailer would also put in the envelope) must never slip in.
 */
const RESERVED = new Set([
  'from', 'to', 'cc', 'bcc', 'sender', 'subject', 'message-id', 'date', 'mime-version',
  'content-type', 'content-transfer-encoding', 'content-disposition', 'return-path', 'received',
]);
/** RFC 5322 field name: printable ASCII except the colon. */
const FIELD_NAME = /^[!-9;-~]+$/;
const MESSAGE_ID = /^<[^\s<>@]+@[^\s<>@]+>$/;

function invalid(mail: OutgoingMail, what: string): PaperboyError {
  return new PaperboyError('INPUT_INVALID', `e-mail ${JSON.stringify(mail.messageId)} to ${JSON.stringify(mail.to)}: ${what}`);
}

/** Exactly one mailbox (a display name is fine), so one delivery never reaches a second address. */
function singleAddress(mail: OutgoingMail, field: 'from' | 'to', value: string): string {
  const list = addressparser(value, { flatten: true });
  const first = list[0];
  if (list.length !== 1 || !first || !/^[^\s@]+@[^\s@]+$/.test(first.address)) {
    throw invalid(mail, `${field} must be exactly one e-mail address, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The nodemailer message for an OutgoingMail: multipart/alternative (text, then html), the given
 * Message-ID, a Date of now, and the extra headers (List-Unsubscribe, List-Unsubscribe-Post,
 * List-Id, …) as given. A malformed mail is a bug in the caller, not a delivery failure: it throws
 * PaperboyError INPUT_INVALID. Header values are left to nodemailer, which encodes non-ASCII text
 * (RFC 2047) and turns line breaks into spaces, so no value can start a header of its own.
 */
export function toNodemailerMessage(mail: OutgoingMail, defaults: { from?: string } = {}): SendMailOptions {
  if (!MESSAGE_ID.test(mail.messageId)) throw invalid(mail, 'the Message-ID must look like <id@host>');
  const from = singleAddress(mail, 'from', mail.from || defaults.from || '');
  const to = singleAddress(mail, 'to', mail.to);
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(mail.headers)) {
    const lower = name.toLowerCase();
    if (!FIELD_NAME.test(name)) throw invalid(mail, `header name ${JSON.stringify(name)} is not a valid field name`);
    if (RESERVED.has(lower) || lower.startsWith('content-')) throw invalid(mail, `header ${name} is set by the mailer and cannot be given`);
    if (seen.has(lower)) throw invalid(mail, `header ${name} is given twice`);
    seen.add(lower);
    headers[name] = value;
  }
  return {
    from,
    to,
    subject: mail.subject,
    // canonical CRLF line breaks (RFC 2045), whichever transfer encoding nodemailer picks
    text: crlf(mail.text),
    html: crlf(mail.html),
    messageId: mail.messageId,
    date: new Date(),
    headers,
    // the bodies are strings; nothing may be pulled in from files or URLs
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
    // quoted-printable triples every Hangul byte; base64 keeps a bilingual edition smaller (Gmail clips past ~102 KB)
    textEncoding: 'base64',
  };
}

const crlf = (s: string) => s.replace(/\r?\n|\r/g, '\r\n');

/** A name for the .eml file of a Message-ID: readable, safe on every file system, distinct per id. */
export function emlFileName(messageId: string): string {
  const bare = messageId.replace(/^<|>$/g, '');
  let safe = bare.replace(/[^A-Za-z0-9._@+=-]/g, '_').replace(/^\.+/, '_');
  if (safe !== bare || safe.length > 150) safe = `${safe.slice(0, 150)}-${fnv1a(bare)}`;
  return `${safe}.eml`;
}

/** A short stable hash (FNV-1a, 32 bit) to keep sanitised names apart. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
