// Subscribers and deliveries: the pure rules (which addresses we accept, who gets what, when a
// failed delivery is tried again, which day a moment falls on). No I/O.
import { z } from 'zod';

export const FREQUENCIES = ['weekly', 'daily'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
/** target: the target language only; en: English only; both: target with the English originals */
export const SHOWS = ['target', 'en', 'both'] as const;
export type Show = (typeof SHOWS)[number];
export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
export const DELIVERY_STATUSES = ['pending', 'sending', 'accepted', 'bounced', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type DeliveryKind = 'edition' | 'daily' | 'confirm';

export const Preferences = z.strictObject({
  lang: z.string().regex(/^[a-z]{2,3}$/, 'must be a language code such as ko'),
  show: z.enum(SHOWS),
  frequency: z.enum(FREQUENCIES),
});
export type Preferences = z.infer<typeof Preferences>;

export interface Subscriber extends Preferences {
  id: number;
  email: string;
  status: SubscriberStatus;
  /** the secret in this subscriber's unsubscribe and preference links */
  token: string;
  source: 'form' | 'import';
  createdAt: string;
  confirmedAt: string | null;
  leftAt: string | null;
}

export type AddressCheck = { ok: true; email: string } | { ok: false; reason: string };

const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * The address as we store it, or why it is refused. Lower-cased whole (every provider treats the
 * local part case-insensitively, and duplicates must be found that way), the domain punycoded.
 * Refused: control characters (header injection), quoted or non-ASCII local parts (most relays
 * refuse them), a trailing dot, more than 254 characters.
 */
export function normaliseAddress(input: string): AddressCheck {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(input)) return { ok: false, reason: 'must not contain line breaks or control characters' };
  const raw = input.trim().normalize('NFC');
  if (raw === '') return { ok: false, reason: 'is empty' };
  if (raw.length > 254) return { ok: false, reason: 'is longer than 254 characters' };
  const at = raw.lastIndexOf('@');
  if (at <= 0 || at === raw.length - 1) return { ok: false, reason: 'is not an e-mail address (name@example.org)' };
  const local = raw.slice(0, at);
  const domain = raw.slice(at + 1);
  if (local.startsWith('"')) return { ok: false, reason: 'has a quoted part before the @, which we do not accept' };
  if (local.length > 64) return { ok: false, reason: 'has more than 64 characters before the @' };
  if (!ATOM.test(local)) return { ok: false, reason: /[^\x20-\x7e]/.test(local) ? 'has non-ASCII characters before the @, which most mail servers refuse' : 'has characters before the @ that an address cannot have' };
  if (domain.endsWith('.')) return { ok: false, reason: 'ends with a dot' };
  // a URL parser would quietly drop a port, path, query or fragment, or decode %2e: refuse them instead
  if (/[\s/\\?#:%@[\]]/.test(domain)) return { ok: false, reason: `has an invalid domain (${domain})` };
  let host: string;
  try {
    host = new URL(`http://${domain}/`).hostname;
  } catch {
    return { ok: false, reason: `has an invalid domain (${domain})` };
  }
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !/^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels[labels.length - 1]!)) {
    return { ok: false, reason: `has an invalid domain (${domain})` };
  }
  const email = `${local.toLowerCase()}@${host}`;
  if (email.length > 254) return { ok: false, reason: 'is longer than 254 characters' };
  return { ok: true, email };
}

/** The delivery's reference: what it is of. A subscriber gets at most one delivery per reference. */
export function deliveryRef(q: { kind: 'edition'; editionId: number; lang: string } | { kind: 'daily'; day: string; lang: string } | { kind: 'confirm'; n: number }): string {
  switch (q.kind) {
    case 'edition':
      return `edition:${q.editionId}:${q.lang}`;
    case 'daily':
      return `day:${q.day}:${q.lang}`;
    case 'confirm':
      return `confirm:${q.n}`;
  }
}

/** Stable per delivery, so a re-send after a crash carries the same Message-ID. */
export function messageIdFor(deliveryId: number, ref: string, fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).replace(/[>\s]/g, '') || 'paperboy.invalid';
  return `<paperboy.${ref.replace(/[^A-Za-z0-9-]/g, '.')}.${deliveryId}@${domain}>`;
}

/** Wait before the next try after `attempts` failed ones: doubling from `baseMs`, capped, with ±50% jitter. */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number = Math.random, capMs = 3_600_000): number {
  const plain = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.5 + random()));
}

// ---------------------------------------------------------------------------------------------
// Days in the digest's time zone

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function zoneParts(instant: Date, tz: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** The calendar day (YYYY-MM-DD) a moment falls on in the time zone. */
export function localDay(instant: Date, tz: string): string {
  const p = zoneParts(instant, tz);
  return `${String(p.y).padStart(4, '0')}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** The day before `day`. */
export function previousDay(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The zone's offset from UTC at a moment, in ms. */
function offsetAt(instant: number, tz: string): number {
  const p = zoneParts(new Date(instant), tz);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(instant / 1000) * 1000;
}

/**
 * The first moment of `day` in the time zone: local midnight under the offset in force before or
 * after it, whichever is the day's first instant. DST-safe: days of 23 or 25 hours, and days whose
 * midnight does not exist (clocks jumping from 00:00 to 01:00) come out right.
 */
export function dayStart(day: string, tz: string): Date {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  const offsets = new Set([-36, -12, 12, 36].map((h) => offsetAt(midnight + h * 3_600_000, tz)));
  const starts = [...offsets].map((o) => midnight - o).filter((t) => localDay(new Date(t), tz) === day && localDay(new Date(t - 1), tz) !== day);
  if (starts.length) return new Date(Math.min(...starts));
  // no candidate is a day boundary (a zone changing by more than a day): the first instant on the day, by search
  let lo = midnight - 36 * 3_600_000;
  let hi = midnight + 36 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(new Date(mid), tz) < day) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

/** [start of day, start of next day) in the time zone, as instants. */
export function dayBounds(day: string, tz: string): { from: Date; to: Date } {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { from: dayStart(day, tz), to: dayStart(next, tz) };
}
