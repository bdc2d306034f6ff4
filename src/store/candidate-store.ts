// Candidates, the ranking model and the editing of an edition's entries: the store's SQL for the
// candidates feature (store.ts delegates here).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CandidateRow, StoredRankModel } from '../ports.js';
import type { Database } from './schema.js';
import { chunks, storeError } from './store.js';
import { PaperboyError } from '../errors.js';

type Db = Kysely<Database> | Transaction<Database>;

const keyOf = (r: { paperKey: string; source: string }) => `${r.paperKey}\u0000${r.source}`;

/** Inserts new (paper, source) rows; a known one takes the newer counts and keeps its first day. */
export async function putCandidates(db: Db, rows: CandidateRow[]): Promise<{ inserted: number; updated: number }> {
  const last = new Map(rows.map((r) => [keyOf(r), r]));
  const unique = [...last.values()];
  let inserted = 0;
  for (const part of chunks(unique, 200)) {
    if (!part.length) continue;
    const have = new Set<string>();
    for (const src of new Set(part.map((r) => r.source))) {
      const keys = part.filter((r) => r.source === src).map((r) => r.paperKey);
      const found = await db.selectFrom('candidate').select(['paper_key', 'source']).where('source', '=', src).where('paper_key', 'in', keys).execute().catch(storeError);
      for (const f of found) have.add(keyOf({ paperKey: f.paper_key, source: f.source }));
    }
    inserted += part.filter((r) => !have.has(keyOf(r))).length;
    await db
      .insertInto('candidate')
      .values(
        part.map((r) => ({
          paper_key: r.paperKey,
          source: r.source,
          day: r.day,
          upvotes: r.upvotes,
          comments: r.comments,
          github_repo: r.githubRepo,
          github_stars: r.githubStars,
          tags: JSON.stringify(r.tags),
          authors: JSON.stringify(r.authors),
          published_at: r.publishedAt,
          seen_at: r.seenAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['paper_key', 'source']).doUpdateSet((eb) => ({
          day: sql<string>`case when excluded.day < candidate.day then excluded.day else candidate.day end`,
          upvotes: sql<number | null>`coalesce(excluded.upvotes, candidate.upvotes)`,
          comments: sql<number | null>`coalesce(excluded.comments, candidate.comments)`,
          github_repo: sql<string | null>`coalesce(excluded.github_repo, candidate.github_repo)`,
          github_stars: sql<number | null>`coalesce(excluded.github_stars, candidate.github_stars)`,
          tags: eb.ref('excluded.tags'),
          authors: eb.ref('excluded.authors'),
          published_at: sql<string | null>`coalesce(excluded.published_at, candidate.published_at)`,
          seen_at: eb.ref('excluded.seen_at'),
        })),
      )
      .execute()
      .catch(storeError);
  }
  return { inserted, updated: unique.length - inserted };
}

/** Candidates listed on a day in [from, to] (every one when the range is open), of the given papers only when named; by day then paper. */
export async function listCandidates(db: Db, range: { from?: string; to?: string; paperKeys?: string[] }): Promise<CandidateRow[]> {
  if (range.paperKeys && range.paperKeys.length > 500) {
    const all = (await Promise.all(chunks(range.paperKeys).map((part) => listCandidates(db, { ...range, paperKeys: part })))).flat();
    const key = (c: CandidateRow) => `${c.day}\u0000${c.paperKey}\u0000${c.source}`;
    return all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  let q = db.selectFrom('candidate').selectAll();
  if (range.from) q = q.where('day', '>=', range.from);
  if (range.to) q = q.where('day', '<=', range.to);
  if (range.paperKeys) {
    if (!range.paperKeys.length) return [];
    q = q.where('paper_key', 'in', range.paperKeys);
  }
  const rows = await q.orderBy('day').orderBy('paper_key').orderBy('source').execute().catch(storeError);
  return rows.map((r) => ({
    paperKey: r.paper_key,
    source: r.source,
    day: r.day,
    upvotes: r.upvotes === null ? null : Number(r.upvotes),
    comments: r.comments === null ? null : Number(r.comments),
    githubRepo: r.github_repo,
    githubStars: r.github_stars === null ? null : Number(r.github_stars),
    tags: JSON.parse(r.tags) as string[],
    authors: JSON.parse(r.authors) as string[],
    publishedAt: r.published_at,
    seenAt: r.seen_at,
  }));
}

export async function putRankModel(db: Db, m: Omit<StoredRankModel, 'id'>): Promise<number> {
  const r = await db
    .insertInto('rank_model')
    .values({ trained_at: m.trainedAt, editions: m.editions, positives: m.positives, negatives: m.negatives, model: m.model })
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch(storeError);
  // only the newest model is ever used; keep the one before it for comparison
  const old = await db.selectFrom('rank_model').select('id').orderBy('id', 'desc').offset(2).limit(1000).execute().catch(storeError);
  if (old.length) await db.deleteFrom('rank_model').where('id', 'in', old.map((o) => Number(o.id))).execute().catch(storeError);
  return Number(r.id);
}

export async function getRankModel(db: Db): Promise<StoredRankModel | null> {
  const r = await db.selectFrom('rank_model').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst().catch(storeError);
  return r ? { id: Number(r.id), trainedAt: r.trained_at, editions: Number(r.editions), positives: Number(r.positives), negatives: Number(r.negatives), model: r.model } : null;
}

/** Removes an entry with its texts, their findings and history; false when there is no such entry. */
export async function deleteEntry(db: Db, entryId: number): Promise<boolean> {
  const owner = String(entryId);
  await db.deleteFrom('finding').where('owner_kind', '=', 'entry').where('owner_id', '=', owner).execute().catch(storeError);
  await db.deleteFrom('text_check').where('owner_kind', '=', 'entry').where('owner_id', '=', owner).execute().catch(storeError);
  await db.deleteFrom('text_history').where('owner_kind', '=', 'entry').where('owner_id', '=', owner).execute().catch(storeError);
  await db.deleteFrom('correction').where('owner_kind', '=', 'entry').where('owner_id', '=', owner).execute().catch(storeError);
  await db.deleteFrom('text').where('owner_kind', '=', 'entry').where('owner_id', '=', owner).execute().catch(storeError);
  await db.updateTable('llm_call').set({ entry_id: null }).where('entry_id', '=', entryId).execute().catch(storeError);
  const r = await db.deleteFrom('entry').where('id', '=', entryId).executeTakeFirst().catch(storeError);
  return Number(r.numDeletedRows) > 0;
}

/** Numbers the edition's entries 1..n in the order given, which must name each of its entries once. */
export async function setEntryOrder(db: Db, editionId: number, entryIds: number[]): Promise<void> {
  const rows = await db.selectFrom('entry').select(['id', 'position']).where('edition_id', '=', editionId).execute().catch(storeError);
  const have = new Set(rows.map((r) => Number(r.id)));
  if (entryIds.length !== have.size || new Set(entryIds).size !== entryIds.length || entryIds.some((id) => !have.has(id)))
    throw new PaperboyError('INPUT_INVALID', `the new order must name each of the edition's ${have.size} entries once (it named ${entryIds.length}); reload and try again`);
  const current = new Map(rows.map((r) => [Number(r.id), Number(r.position)]));
  const moved = entryIds.map((id, i) => ({ id, position: i + 1 })).filter((m) => current.get(m.id) !== m.position);
  // (edition, position) is unique: park the moved entries on negative positions first
  for (const m of moved) await db.updateTable('entry').set({ position: -m.position }).where('id', '=', m.id).execute().catch(storeError);
  const now = new Date().toISOString();
  for (const m of moved) await db.updateTable('entry').set({ position: m.position, updated_at: now }).where('id', '=', m.id).execute().catch(storeError);
}
