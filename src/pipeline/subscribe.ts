// Subscribing and leaving: double opt-in with capped confirmation mails, preferences and
// unsubscribe by the subscriber's link, privacy requests, imports and provider bounce events.
// Reads and writes only through the Store port; the mails themselves go out through the outbox.
import { invalidInput } from '../errors.js';
import { FREQUENCIES, normaliseAddress, SHOWS, type Frequency, type Preferences, type Show } from '../domain/subscriber.js';
import type { DeliveryRow, NewSubscriber, Store, StoredSubscriber } from '../ports.js';

/** How long a confirmation link works. */
export const CONFIRM_TTL_HOURS = 48;
/** At most one confirmation mail per address in this window, and at most CONFIRM_PER_DAY a day. */
export const CONFIRM_COOLDOWN_MS = 10 * 60_000;
export const CONFIRM_PER_DAY = 3;
/** soft bounces before an address is suppressed like a hard bounce */
export const SOFT_BOUNCE_LIMIT = 5;

export interface SubscribeDeps {
  store: Store;
  now: () => Date;
  /** a new unguessable token (256 random bits, URL-safe) */
  newToken: () => string;
}

/**
 * What happened to a subscribe request. Only logs and tests see it: the web answers every
 * outcome with the same page, so the form does not tell who is subscribed.
 */
export type SubscribeOutcome = 'confirmation-queued' | 'throttled' | 'already-subscribed' | 'suppressed';

export async function requestSubscription(deps: SubscribeDeps, email: string, prefs: Preferences): Promise<SubscribeOutcome> {
  const now = deps.now();
  const at = now.toISOString();
  const today = at.slice(0, 10);
  return deps.store.transaction(async (tx) => {
    const existing = await tx.findSubscriber({ email });
    if (!existing) {
      const confirmToken = deps.newToken();
      const s = await tx.insertSubscriber({ email, ...prefs, status: 'pending', source: 'form', token: deps.newToken(), at });
      if (!s) return 'throttled'; // inserted by a concurrent request a moment ago
      await tx.updateSubscriber(s.id, { confirmToken, confirmExpiresAt: expiry(now), confirmSentAt: at, confirmDay: today, confirmDayCount: 1 }, at);
      await tx.enqueueConfirmation(s.id, now.getTime(), at);
      return 'confirmation-queued';
    }
    if (existing.status === 'confirmed') return 'already-subscribed';
    // a hard bounce or a complaint is final for the form: only the operator can lift it
    if (existing.status === 'bounced' || existing.status === 'complained') return 'suppressed';
    const sentToday = existing.confirmDay === today ? existing.confirmDayCount : 0;
    const recent = existing.confirmSentAt !== null && now.getTime() - Date.parse(existing.confirmSentAt) < CONFIRM_COOLDOWN_MS;
    if (recent || sentToday >= CONFIRM_PER_DAY) return 'throttled';
    // pending, or left and coming back: confirm again; the latest form's choices apply
    const keep = existing.confirmToken !== null && existing.confirmExpiresAt !== null && Date.parse(existing.confirmExpiresAt) > now.getTime();
    await tx.updateSubscriber(
      existing.id,
      { ...prefs, status: 'pending', confirmToken: keep ? existing.confirmToken : deps.newToken(), confirmExpiresAt: expiry(now), confirmSentAt: at, confirmDay: today, confirmDayCount: sentToday + 1 },
      at,
    );
    await tx.enqueueConfirmation(existing.id, now.getTime(), at);
    return 'confirmation-queued';
  });
}

const expiry = (now: Date) => new Date(now.getTime() + CONFIRM_TTL_HOURS * 3_600_000).toISOString();

/** Follows a confirmation link (by POST: a GET only shows the button). The token works once. */
export async function confirmSubscription(deps: Omit<SubscribeDeps, 'newToken'>, confirmToken: string): Promise<'confirmed' | 'expired' | 'unknown'> {
  const now = deps.now();
  const at = now.toISOString();
  return deps.store.transaction(async (tx) => {
    const s = await tx.findSubscriber({ confirmToken });
    if (!s || s.status !== 'pending') return 'unknown';
    if (!s.confirmExpiresAt || Date.parse(s.confirmExpiresAt) <= now.getTime()) return 'expired';
    await tx.updateSubscriber(s.id, { status: 'confirmed', confirmedAt: at, confirmToken: null, confirmExpiresAt: null, leftAt: null }, at);
    return 'confirmed';
  });
}

/** The one-click unsubscribe: at once, idempotent; cancels what was queued and not yet in flight. */
export async function unsubscribe(deps: Omit<SubscribeDeps, 'newToken'>, token: string): Promise<{ subscriber: StoredSubscriber; cancelled: number } | null> {
  const at = deps.now().toISOString();
  return deps.store.transaction(async (tx) => {
    const s = await tx.findSubscriber({ token });
    if (!s) return null;
    if (s.status === 'confirmed' || s.status === 'pending') await tx.updateSubscriber(s.id, { status: 'unsubscribed', leftAt: at, confirmToken: null, confirmExpiresAt: null }, at);
    const cancelled = await tx.cancelDeliveries(s.id, at);
    return { subscriber: (await tx.findSubscriber({ id: s.id }))!, cancelled };
  });
}

export async function updatePreferences(deps: Omit<SubscribeDeps, 'newToken'>, token: string, prefs: Preferences): Promise<StoredSubscriber | null> {
  const at = deps.now().toISOString();
  return deps.store.transaction(async (tx) => {
    const s = await tx.findSubscriber({ token });
    if (!s) return null;
    await tx.updateSubscriber(s.id, prefs, at);
    return tx.findSubscriber({ id: s.id });
  });
}

// ---------------------------------------------------------------------------------------------
// Privacy requests and imports

export interface SubscriberExport {
  subscriber: Omit<StoredSubscriber, 'token' | 'confirmToken'>;
  deliveries: Array<Pick<DeliveryRow, 'ref' | 'kind' | 'status' | 'attempts' | 'acceptedAt' | 'lastError' | 'createdAt'>>;
}

export async function exportSubscriber(store: Store, email: string): Promise<SubscriberExport | null> {
  const s = await store.findSubscriber({ email: requireAddress(email) });
  if (!s) return null;
  const { token: _t, confirmToken: _c, ...subscriber } = s;
  const deliveries = (await store.deliveriesOf(s.id)).map((d) => ({ ref: d.ref, kind: d.kind, status: d.status, attempts: d.attempts, acceptedAt: d.acceptedAt, lastError: d.lastError, createdAt: d.createdAt }));
  return { subscriber, deliveries };
}

export async function deleteSubscriber(store: Store, email: string): Promise<boolean> {
  const s = await store.findSubscriber({ email: requireAddress(email) });
  return s ? store.transaction((tx) => tx.deleteSubscriber(s.id)) : false;
}

function requireAddress(email: string): string {
  const a = normaliseAddress(email);
  if (!a.ok) throw invalidInput(`the address ${JSON.stringify(email.slice(0, 80))} ${a.reason}`);
  return a.email;
}

/** One row of a subscriber list: email, language, frequency, confirmed (and optionally show). */
export interface ImportRow {
  line: number;
  fields: Record<string, string | undefined>;
}

export interface ImportProblem {
  line: number;
  message: string;
}

/**
 * The language column: a language code (its text only), `en` (English only), `both` or
 * `<code>+en` (the target with the English originals); empty means both.
 */
export function parseImportRow(row: ImportRow, targetLang: string): { ok: true; value: Omit<NewSubscriber, 'token' | 'at'> } | { ok: false; problem: ImportProblem } {
  const bad = (message: string) => ({ ok: false as const, problem: { line: row.line, message } });
  const f = row.fields;
  const address = normaliseAddress(f.email ?? '');
  if (!address.ok) return bad(`email ${JSON.stringify((f.email ?? '').slice(0, 80))} ${address.reason}`);
  const language = (f.language ?? f.lang ?? '').trim().toLowerCase();
  let show: Show;
  let lang = targetLang;
  if (language === '' || language === 'both' || language === `${targetLang}+en`) show = 'both';
  else if (language === 'en' || language === 'english') show = 'en';
  else if (/^[a-z]{2,3}$/.test(language)) {
    show = 'target';
    lang = language;
  } else if (/^[a-z]{2,3}\+en$/.test(language)) {
    show = 'both';
    lang = language.slice(0, -3);
  } else return bad(`language ${JSON.stringify(language.slice(0, 40))}: expected a language code such as ${targetLang}, en, or both`);
  if (f.show !== undefined && f.show.trim() !== '') {
    const s = f.show.trim().toLowerCase();
    if (!(SHOWS as readonly string[]).includes(s)) return bad(`show ${JSON.stringify(s.slice(0, 40))}: expected ${SHOWS.join(', ')}`);
    show = s as Show;
  }
  const frequency = (f.frequency ?? '').trim().toLowerCase() || 'weekly';
  if (!(FREQUENCIES as readonly string[]).includes(frequency)) return bad(`frequency ${JSON.stringify(frequency.slice(0, 40))}: expected weekly or daily`);
  const confirmed = (f.confirmed ?? '').trim().toLowerCase();
  if (!['', 'true', 'false', 'yes', 'no', '1', '0'].includes(confirmed)) return bad(`confirmed ${JSON.stringify(confirmed.slice(0, 40))}: expected true or false`);
  const isConfirmed = ['true', 'yes', '1'].includes(confirmed);
  return { ok: true, value: { email: address.email, lang, show, frequency: frequency as Frequency, status: isConfirmed ? 'confirmed' : 'pending', source: 'import' } };
}

export interface ImportResult {
  rows: number;
  inserted: number;
  existing: number;
  duplicates: number;
  problems: ImportProblem[];
}

/** Adds the valid rows (new addresses only; an address that left is never brought back); reports the others by line. */
export async function importSubscriberRows(deps: SubscribeDeps, rows: ImportRow[], targetLang: string): Promise<ImportResult> {
  const at = deps.now().toISOString();
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  const valid: NewSubscriber[] = [];
  let duplicates = 0;
  for (const row of rows) {
    const r = parseImportRow(row, targetLang);
    if (!r.ok) {
      problems.push(r.problem);
      continue;
    }
    if (seen.has(r.value.email)) {
      duplicates++;
      continue;
    }
    seen.add(r.value.email);
    valid.push({ ...r.value, token: deps.newToken(), at });
  }
  const { inserted, existing } = valid.length ? await deps.store.transaction((tx) => tx.importSubscribers(valid)) : { inserted: 0, existing: 0 };
  return { rows: rows.length, inserted, existing, duplicates, problems };
}

// ---------------------------------------------------------------------------------------------
// Bounces and complaints from the mail provider

export const MAIL_EVENT_TYPES = ['hard', 'soft', 'complaint'] as const;
export type MailEventType = (typeof MAIL_EVENT_TYPES)[number];

/**
 * Applies one provider event once (by its id): a hard bounce or a complaint suppresses the
 * address and cancels what was queued for it; soft bounces do so after SOFT_BOUNCE_LIMIT.
 */
export async function applyMailEvent(deps: Omit<SubscribeDeps, 'newToken'>, e: { id: string; address: string; type: MailEventType }): Promise<'applied' | 'duplicate' | 'unknown-address'> {
  const at = deps.now().toISOString();
  return deps.store.transaction(async (tx) => {
    const fresh = await tx.recordMailEvent({ id: e.id, address: e.address, type: e.type, receivedAt: at });
    if (!fresh) return 'duplicate';
    const s = await tx.findSubscriber({ email: e.address });
    if (!s) return 'unknown-address';
    const softBounces = s.softBounces + (e.type === 'soft' ? 1 : 0);
    const suppress = e.type === 'hard' || e.type === 'complaint' || softBounces >= SOFT_BOUNCE_LIMIT;
    await tx.updateSubscriber(s.id, { softBounces, ...(suppress ? { status: e.type === 'complaint' ? 'complained' : 'bounced', leftAt: at } : {}) }, at);
    if (suppress) await tx.cancelDeliveries(s.id, at);
    return 'applied';
  });
}

