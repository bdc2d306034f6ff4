// Discourse topics of editions and the scheduler's job runs: the store's SQL for them (store.ts
// delegates here). A job run's unique (job, slot) is the lock two schedulers share: whoever inserts
// the row runs the slot, and a retry or a takeover is a conditional UPDATE only one of them wins.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DiscoursePost, JobRun } from '../ports.js';
import type { Database, JobRunTable } from './schema.js';
import { storeError } from './store.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function getDiscoursePost(db: Db, editionId: number, lang: string): Promise<DiscoursePost | null> {
  const r = await db.selectFrom('discourse_post').selectAll().where('edition_id', '=', editionId).where('lang', '=', lang).executeTakeFirst().catch(storeError);
  return r ? { editionId: Number(r.edition_id), lang: r.lang, externalId: r.external_id, topicId: Number(r.topic_id), postIds: JSON.parse(r.post_ids) as number[], bodyHash: r.body_hash, syncedAt: r.synced_at, lastError: r.last_error } : null;
}

export async function listDiscoursePosts(db: Db): Promise<DiscoursePost[]> {
  const rows = await db.selectFrom('discourse_post').selectAll().orderBy('edition_id').execute().catch(storeError);
  return rows.map((r) => ({ editionId: Number(r.edition_id), lang: r.lang, externalId: r.external_id, topicId: Number(r.topic_id), postIds: JSON.parse(r.post_ids) as number[], bodyHash: r.body_hash, syncedAt: r.synced_at, lastError: r.last_error }));
}

export async function putDiscoursePost(db: Db, p: DiscoursePost): Promise<void> {
  const row = { edition_id: p.editionId, lang: p.lang, external_id: p.externalId, topic_id: p.topicId, post_ids: JSON.stringify(p.postIds), body_hash: p.bodyHash, synced_at: p.syncedAt, last_error: p.lastError };
  await db
    .insertInto('discourse_post')
    .values(row)
    .onConflict((oc) => oc.columns(['edition_id', 'lang']).doUpdateSet({ topic_id: row.topic_id, post_ids: row.post_ids, body_hash: row.body_hash, synced_at: row.synced_at, last_error: row.last_error }))
    .execute()
    .catch(storeError);
}

export async function setDiscourseError(db: Db, editionId: number, lang: string, error: string | null): Promise<void> {
  await db.updateTable('discourse_post').set({ last_error: error }).where('edition_id', '=', editionId).where('lang', '=', lang).execute().catch(storeError);
}

const toRun = (r: Selectable<JobRunTable>): JobRun => ({
  id: Number(r.id),
  job: r.job,
  slot: r.slot,
  status: r.status as JobRun['status'],
  holder: r.holder,
  attempt: Number(r.attempt),
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
  finishedAt: r.finished_at,
  nextRetryAt: r.next_retry_at,
  result: r.result,
  error: r.error,
});

/** Takes a slot of a job for this holder: a new row, or null when another scheduler has it. */
export async function claimJobSlot(db: Db, job: string, slot: string, holder: string, at: string): Promise<JobRun | null> {
  const r = await db
    .insertInto('job_run')
    .values({ job, slot, status: 'running', holder, attempt: 1, started_at: at, heartbeat_at: at })
    .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
    .returningAll()
    .executeTakeFirst()
    .catch(storeError);
  return r ? toRun(r) : null;
}

/**
 * Takes a run again: a failed one whose retry is due, or a running one whose holder stopped
 * beating before `staleBefore`. Only one caller's conditional UPDATE matches.
 */
export async function reclaimJobRun(db: Db, id: number, holder: string, at: string, staleBefore: string): Promise<JobRun | null> {
  const r = await db
    .updateTable('job_run')
    .set((eb) => ({ status: 'running', holder, attempt: eb('attempt', '+', 1), started_at: at, heartbeat_at: at, next_retry_at: null, finished_at: null }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb.and([eb('status', '=', 'failed'), eb('next_retry_at', 'is not', null), eb('next_retry_at', '<=', at)]), eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)])]))
    .returningAll()
    .executeTakeFirst()
    .catch(storeError);
  return r ? toRun(r) : null;
}

/** Runs a scheduler may take over: failed ones due for a retry, running ones nobody beats for. */
export async function dueJobRuns(db: Db, at: string, staleBefore: string): Promise<JobRun[]> {
  const rows = await db
    .selectFrom('job_run')
    .selectAll()
    .where((eb) => eb.or([eb.and([eb('status', '=', 'failed'), eb('next_retry_at', 'is not', null), eb('next_retry_at', '<=', at)]), eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)])]))
    .orderBy('id')
    .execute()
    .catch(storeError);
  return rows.map(toRun);
}

export async function heartbeatJobRun(db: Db, id: number, holder: string, at: string): Promise<boolean> {
  const r = await db.updateTable('job_run').set({ heartbeat_at: at }).where('id', '=', id).where('holder', '=', holder).where('status', '=', 'running').executeTakeFirst().catch(storeError);
  return Number(r.numUpdatedRows) > 0;
}

/** Records the end of a run this holder still holds; false when another scheduler took it over. */
export async function finishJobRun(db: Db, id: number, holder: string, end: { status: 'done' | 'failed'; at: string; result?: string | null; error?: string | null; nextRetryAt?: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('job_run')
    .set({ status: end.status, finished_at: end.at, result: end.result ?? null, error: end.error ?? null, next_retry_at: end.nextRetryAt ?? null })
    .where('id', '=', id)
    .where('holder', '=', holder)
    .where('status', '=', 'running')
    .executeTakeFirst()
    .catch(storeError);
  return Number(r.numUpdatedRows) > 0;
}

export async function listJobRuns(db: Db, q: { job?: string; limit?: number }): Promise<JobRun[]> {
  let sel = db.selectFrom('job_run').selectAll();
  if (q.job) sel = sel.where('job', '=', q.job);
  const rows = await sel.orderBy('id', 'desc').limit(q.limit ?? 50).execute().catch(storeError);
  return rows.map(toRun);
}
