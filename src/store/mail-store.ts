// Subscribers, the delivery outbox and provider events: the store's SQL for e-mail (store.ts
// delegates here). The outbox is the source of truth for what was sent: a delivery is claimed
// ('sending') before its mail goes out and marked 'accepted' right after the server's 250.
import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { DeliveryKind, DeliveryStatus, Frequency, Show, SubscriberStatus } from '../domain/subscriber.js';
import { DELIVERY_STATUSES, SUBSCRIBER_STATUSES } from '../domain/subscriber.js';
import type { Audience, ClaimedDelivery, DeliveryOutcome, DeliveryRow, NewSubscriber, StoredSubscriber, SubscriberPatch } from '../ports.js';
import type { Database, DeliveryTable, SubscriberTable } from './schema.js';
import { chunks, storeError } from './store.js';

type Db = Kysely<Database> | Transaction<Database>;
type Engine = 'sqlite' | 'postgres';

function toSubscriber(r: Selectable<SubscriberTable>): StoredSubscriber {
  return {
    id: Number(r.id),
    email: r.email,
    lang: r.lang,
    show: r.show as Show,
    frequency: r.frequency as Frequency,
    status: r.status as SubscriberStatus,
    token: r.token,
    source: r.source as 'form' | 'import',
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    confirmedAt: r.confirmed_at,
    leftAt: r.left_at,
    confirmToken: r.confirm_token,
    confirmExpiresAt: r.confirm_expires_at,
    confirmSentAt: r.confirm_sent_at,
    confirmDay: r.confirm_day,
    confirmDayCount: Number(r.confirm_day_count),
    softBounces: Number(r.soft_bounces),
  };
}

function toDelivery(r: Selectable<DeliveryTable>): DeliveryRow {
  return {
    id: Number(r.id),
    subscriberId: Number(r.subscriber_id),
    ref: r.ref,
    kind: r.kind as DeliveryKind,
    editionId: r.edition_id === null ? null : Number(r.edition_id),
    day: r.day,
    lang: r.lang,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    claimedBy: r.claimed_by,
    acceptedAt: r.accepted_at,
    lastError: r.last_error,
    createdAt: r.created_at,
  };
}

const subscriberRow = (s: NewSubscriber) => ({
  email: s.email,
  lang: s.lang,
  show: s.show,
  frequency: s.frequency,
  status: s.status,
  token: s.token,
  source: s.source,
  created_at: s.at,
  updated_at: s.at,
  confirmed_at: s.status === 'confirmed' ? s.at : null,
});

export async function findSubscriber(db: Db, q: { email: string } | { token: string } | { confirmToken: string } | { id: number }): Promise<StoredSubscriber | null> {
  let query = db.selectFrom('subscriber').selectAll();
  if ('email' in q) query = query.where('email', '=', q.email);
  else if ('token' in q) query = query.where('token', '=', q.token);
  else if ('confirmToken' in q) query = query.where('confirm_token', '=', q.confirmToken);
  else query = query.where('id', '=', q.id);
  const r = await query.executeTakeFirst().catch(storeError);
  return r ? toSubscriber(r) : null;
}

export async function insertSubscriber(db: Db, s: NewSubscriber): Promise<StoredSubscriber | null> {
  const r = await db
    .insertInto('subscriber')
    .values(subscriberRow(s))
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst()
    .catch(storeError);
  return r ? toSubscriber(r) : null;
}

export async function updateSubscriber(db: Db, id: number, p: SubscriberPatch, at: string): Promise<void> {
  const set: Updateable<SubscriberTable> = { updated_at: at };
  if (p.lang !== undefined) set.lang = p.lang;
  if (p.show !== undefined) set.show = p.show;
  if (p.frequency !== undefined) set.frequency = p.frequency;
  if (p.status !== undefined) set.status = p.status;
  if (p.confirmToken !== undefined) set.confirm_token = p.confirmToken;
  if (p.confirmExpiresAt !== undefined) set.confirm_expires_at = p.confirmExpiresAt;
  if (p.confirmSentAt !== undefined) set.confirm_sent_at = p.confirmSentAt;
  if (p.confirmDay !== undefined) set.confirm_day = p.confirmDay;
  if (p.confirmDayCount !== undefined) set.confirm_day_count = p.confirmDayCount;
  if (p.softBounces !== undefined) set.soft_bounces = p.softBounces;
  if (p.confirmedAt !== undefined) set.confirmed_at = p.confirmedAt;
  if (p.leftAt !== undefined) set.left_at = p.leftAt;
  await db.updateTable('subscriber').set(set).where('id', '=', id).execute().catch(storeError);
}

export async function importSubscribers(db: Db, rows: NewSubscriber[]): Promise<{ inserted: number; existing: number }> {
  let inserted = 0;
  for (const part of chunks(rows, 200)) {
    const r = await db
      .insertInto('subscriber')
      .values(part.map(subscriberRow))
      .onConflict((oc) => oc.column('email').doNothing())
      .executeTakeFirst()
      .catch(storeError);
    inserted += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return { inserted, existing: rows.length - inserted };
}

export async function deleteSubscriber(db: Db, id: number): Promise<boolean> {
  await db.deleteFrom('delivery').where('subscriber_id', '=', id).execute().catch(storeError);
  const r = await db.deleteFrom('subscriber').where('id', '=', id).executeTakeFirst().catch(storeError);
  return Number(r.numDeletedRows) > 0;
}

export async function subscriberCounts(db: Db): Promise<Record<SubscriberStatus, number>> {
  const rows = await db.selectFrom('subscriber').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute().catch(storeError);
  const out = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
  for (const r of rows) out[r.status as SubscriberStatus] = Number(r.n);
  return out;
}

/** One INSERT … SELECT over the audience: all or none of it is queued, whatever its size. */
export async function enqueueDeliveries(db: Db, a: Audience, at: string): Promise<number> {
  const ref = a.kind === 'edition' ? `edition:${a.editionId}:${a.lang}` : `day:${a.day}:${a.lang}`;
  const frequency = a.kind === 'edition' ? 'weekly' : 'daily';
  const r = await db
    .insertInto('delivery')
    .columns(['subscriber_id', 'ref', 'kind', 'edition_id', 'day', 'lang', 'status', 'attempts', 'next_attempt_at', 'created_at'])
    .expression(
      db
        .selectFrom('subscriber')
        .select([
          'id',
          sql<string>`cast(${ref} as text)`.as('ref'),
          sql<string>`cast(${a.kind === 'edition' ? 'edition' : 'daily'} as text)`.as('kind'),
          sql<number | null>`cast(${a.kind === 'edition' ? a.editionId : null} as integer)`.as('edition_id'),
          sql<string | null>`cast(${a.kind === 'daily' ? a.day : null} as text)`.as('day'),
          sql<string>`cast(${a.lang} as text)`.as('lang'),
          sql<string>`cast(${'pending'} as text)`.as('status'),
          sql<number>`cast(${0} as integer)`.as('attempts'),
          sql<string>`cast(${at} as text)`.as('next_attempt_at'),
          sql<string>`cast(${at} as text)`.as('created_at'),
        ])
        .where('status', '=', 'confirmed')
        .where('frequency', '=', frequency)
        .where('lang', '=', a.lang),
    )
    .onConflict((oc) => oc.columns(['subscriber_id', 'ref']).doNothing())
    .executeTakeFirst()
    .catch(storeError);
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

/** A confirmation mail for one subscriber, in their language: one INSERT … SELECT. */
export async function enqueueConfirmation(db: Db, subscriberId: number, n: number, at: string): Promise<void> {
  await db
    .insertInto('delivery')
    .columns(['subscriber_id', 'ref', 'kind', 'edition_id', 'day', 'lang', 'status', 'attempts', 'next_attempt_at', 'created_at'])
    .expression(
      db
        .selectFrom('subscriber')
        .select([
          'id',
          sql<string>`cast(${`confirm:${n}`} as text)`.as('ref'),
          sql<string>`cast(${'confirm'} as text)`.as('kind'),
          sql<number | null>`cast(${null} as integer)`.as('edition_id'),
          sql<string | null>`cast(${null} as text)`.as('day'),
          'lang',
          sql<string>`cast(${'pending'} as text)`.as('status'),
          sql<number>`cast(${0} as integer)`.as('attempts'),
          sql<string>`cast(${at} as text)`.as('next_attempt_at'),
          sql<string>`cast(${at} as text)`.as('created_at'),
        ])
        .where('id', '=', subscriberId),
    )
    .onConflict((oc) => oc.columns(['subscriber_id', 'ref']).doNothing())
    .execute()
    .catch(storeError);
}

/**
 * One statement marks the due rows as in flight and returns them: on PostgreSQL the inner SELECT
 * skips rows another worker is claiming (SKIP LOCKED); SQLite has one writer at a time anyway.
 */
export async function claimDeliveries(db: Db, engine: Engine, workerId: string, now: string, limit: number): Promise<ClaimedDelivery[]> {
  let due = db.selectFrom('delivery').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', now).orderBy('id').limit(limit);
  if (engine === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await db.updateTable('delivery').set({ status: 'sending', claimed_by: workerId, claimed_at: now }).where('id', 'in', due).returningAll().execute().catch(storeError);
  if (!rows.length) return [];
  const subs = new Map<number, StoredSubscriber>();
  for (const ids of chunks([...new Set(rows.map((r) => Number(r.subscriber_id)))])) {
    const found = await db.selectFrom('subscriber').selectAll().where('id', 'in', ids).execute().catch(storeError);
    for (const s of found) subs.set(Number(s.id), toSubscriber(s));
  }
  return rows
    .map(toDelivery)
    .sort((a, b) => a.id - b.id)
    .flatMap((d) => {
      const s = subs.get(d.subscriberId);
      // deleted between the claim and now: the cascade removes the delivery too
      return s ? [{ ...d, subscriber: { email: s.email, token: s.token, show: s.show, lang: s.lang, frequency: s.frequency, status: s.status, confirmToken: s.confirmToken } }] : [];
    });
}

export async function finishDelivery(db: Db, id: number, workerId: string, o: DeliveryOutcome): Promise<boolean> {
  const set: Updateable<DeliveryTable> =
    o.status === 'accepted'
      ? { status: 'accepted', accepted_at: o.at, last_error: null }
      : o.status === 'pending'
        ? { status: 'pending', attempts: o.attempts, next_attempt_at: o.nextAttemptAt, last_error: o.error, claimed_by: null, claimed_at: null }
        : { status: o.status, attempts: o.attempts, last_error: o.error };
  const r = await db.updateTable('delivery').set(set).where('id', '=', id).where('status', '=', 'sending').where('claimed_by', '=', workerId).executeTakeFirst().catch(storeError);
  return Number(r.numUpdatedRows) > 0;
}

export async function inFlightDeliveries(db: Db): Promise<Array<{ id: number; claimedBy: string; claimedAt: string }>> {
  const rows = await db.selectFrom('delivery').select(['id', 'claimed_by', 'claimed_at']).where('status', '=', 'sending').execute().catch(storeError);
  return rows.map((r) => ({ id: Number(r.id), claimedBy: r.claimed_by ?? '', claimedAt: r.claimed_at ?? '' }));
}

/** By holder too: a worker that saw an orphan must not release it once another worker took it since. */
export async function releaseDeliveries(db: Db, held: Array<{ id: number; claimedBy: string }>): Promise<number> {
  const byHolder = new Map<string, number[]>();
  for (const h of held) byHolder.set(h.claimedBy, [...(byHolder.get(h.claimedBy) ?? []), h.id]);
  let n = 0;
  for (const [holder, ids] of byHolder)
    for (const part of chunks(ids)) {
      const r = await db
        .updateTable('delivery')
        .set({ status: 'pending', claimed_by: null, claimed_at: null })
        .where('id', 'in', part)
        .where('status', '=', 'sending')
        .where('claimed_by', '=', holder)
        .executeTakeFirst()
        .catch(storeError);
      n += Number(r.numUpdatedRows);
    }
  return n;
}

export async function cancelDeliveries(db: Db, subscriberId: number, at: string): Promise<number> {
  const r = await db
    .updateTable('delivery')
    .set({ status: 'cancelled', last_error: `the subscriber left at ${at}` })
    .where('subscriber_id', '=', subscriberId)
    .where('status', '=', 'pending')
    .executeTakeFirst()
    .catch(storeError);
  return Number(r.numUpdatedRows);
}

export async function deliveryCounts(db: Db, q: { ref?: string; editionId?: number }): Promise<Record<DeliveryStatus, number>> {
  let query = db.selectFrom('delivery').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
  if (q.ref !== undefined) query = query.where('ref', '=', q.ref);
  if (q.editionId !== undefined) query = query.where('edition_id', '=', q.editionId);
  const rows = await query.execute().catch(storeError);
  const out = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  for (const r of rows) out[r.status as DeliveryStatus] = Number(r.n);
  return out;
}

export async function deliveriesOf(db: Db, subscriberId: number): Promise<DeliveryRow[]> {
  const rows = await db.selectFrom('delivery').selectAll().where('subscriber_id', '=', subscriberId).orderBy('id').execute().catch(storeError);
  return rows.map(toDelivery);
}

export async function recordMailEvent(db: Db, e: { id: string; address: string; type: string; receivedAt: string }): Promise<boolean> {
  const r = await db
    .insertInto('mail_event')
    .values({ id: e.id, address: e.address, type: e.type, received_at: e.receivedAt })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst()
    .catch(storeError);
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function nextDeliveryDue(db: Db): Promise<string | null> {
  const r = await db.selectFrom('delivery').select((eb) => eb.fn.min<string>('next_attempt_at').as('due')).where('status', '=', 'pending').executeTakeFirst().catch(storeError);
  return r?.due ?? null;
}

export async function entryIdsCreatedBetween(db: Db, editionIds: number[], from: string, to: string): Promise<number[]> {
  const out: number[] = [];
  for (const ids of chunks(editionIds)) {
    if (!ids.length) continue;
    const rows = await db.selectFrom('entry').select('id').where('edition_id', 'in', ids).where('created_at', '>=', from).where('created_at', '<', to).execute().catch(storeError);
    out.push(...rows.map((r) => Number(r.id)));
  }
  return out;
}
