// Papers' topics and the archive's entries by week: the store's SQL for topics (store.ts delegates
// here). A paper's row keeps the rules' tags always and an LLM's refinement beside them.
import type { Kysely, Transaction } from 'kysely';
import type { TopicTag } from '../domain/topics.js';
import type { EntryTopicsRow, PaperTopics } from '../ports.js';
import type { Database } from './schema.js';
import { chunks, storeError } from './store.js';

type Db = Kysely<Database> | Transaction<Database>;

const tags = (json: string | null): TopicTag[] | null => (json === null ? null : (JSON.parse(json) as TopicTag[]));

export async function getPaperTopics(db: Db, keys: string[]): Promise<Map<string, PaperTopics>> {
  const out = new Map<string, PaperTopics>();
  for (const part of chunks([...new Set(keys)])) {
    if (!part.length) continue;
    const rows = await db.selectFrom('paper_topic').selectAll().where('paper_key', 'in', part).execute().catch(storeError);
    for (const r of rows) out.set(r.paper_key, { paperKey: r.paper_key, rules: tags(r.rules) ?? [], llm: tags(r.llm), llmModel: r.llm_model, inputHash: r.input_hash, taggedAt: r.tagged_at });
  }
  return out;
}

export async function putPaperTopics(db: Db, rows: PaperTopics[]): Promise<void> {
  for (const part of chunks(rows, 200)) {
    if (!part.length) continue;
    await db
      .insertInto('paper_topic')
      .values(part.map((r) => ({ paper_key: r.paperKey, rules: JSON.stringify(r.rules), llm: r.llm === null ? null : JSON.stringify(r.llm), llm_model: r.llmModel, input_hash: r.inputHash, tagged_at: r.taggedAt })))
      .onConflict((oc) =>
        oc.column('paper_key').doUpdateSet((eb) => ({
          rules: eb.ref('excluded.rules'),
          llm: eb.ref('excluded.llm'),
          llm_model: eb.ref('excluded.llm_model'),
          input_hash: eb.ref('excluded.input_hash'),
          tagged_at: eb.ref('excluded.tagged_at'),
        })),
      )
      .execute()
      .catch(storeError);
  }
}

/** Every entry of the editions starting in [from, to], with its paper's stored topics, oldest edition first. */
export async function listEntryTopics(db: Db, range: { from?: string; to?: string }): Promise<EntryTopicsRow[]> {
  let q = db
    .selectFrom('entry')
    .innerJoin('edition', 'edition.id', 'entry.edition_id')
    .leftJoin('paper_topic', 'paper_topic.paper_key', 'entry.paper_key')
    .select(['edition.id as edition_id', 'edition.start_date', 'edition.end_date', 'entry.position', 'entry.paper_key', 'paper_topic.rules', 'paper_topic.llm']);
  if (range.from) q = q.where('edition.start_date', '>=', range.from);
  if (range.to) q = q.where('edition.start_date', '<=', range.to);
  const rows = await q.orderBy('edition.start_date').orderBy('entry.position').execute().catch(storeError);
  return rows.map((r) => ({
    editionId: Number(r.edition_id),
    startDate: r.start_date,
    endDate: r.end_date,
    position: Number(r.position),
    paperKey: r.paper_key,
    topics: r.rules === null ? null : (tags(r.llm) ?? tags(r.rules) ?? []),
  }));
}
