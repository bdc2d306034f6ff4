// The only code that writes SQL. The same Kysely queries run on SQLite and PostgreSQL.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Edition, EditionStatus, Entry, Link, LinkKind, OwnerKind, Origin, Paper, Text, TextField, TextInput, TextStatus } from '../domain/types.js';
import type {
  Audience,
  Correction,
  CorrectionStatus,
  DeliveryOutcome,
  NewSubscriber,
  SubscriberPatch,
  EditionBundle,
  EditionSummary,
  Editor,
  EditorSession,
  LlmCallRecord,
  LlmCallRow,
  NewCorrection,
  NewEdition,
  NewEntry,
  OwnerRef,
  PaperInput,
  PaperMetadata,
  Publication,
  PaperTopics,
  CandidateRow,
  StoredRankModel,
  DiscoursePost,
  PublishedHit,
  SaveTextResult,
  Store,
  StoredFinding,
  StoreOps,
  TextRef,
  TextVersion,
} from '../ports.js';
import type { Finding } from '../domain/check/types.js';
import type { GlossaryTerm } from '../domain/glossary.js';
import { textKey } from '../domain/text-policy.js';
import { bodyQuery, gramQuery, hangulGrams, HANGUL_ONLY } from './grams.js';
import { PaperboyError } from '../errors.js';
import * as mail from './mail-store.js';
import * as topics from './topic-store.js';
import * as channels from './channel-store.js';
import * as candidates from './candidate-store.js';
import type { CorrectionTable, Database, EditionTable, EditorTable, EntryLinkTable, FindingTable, LlmCallTable, PaperTable, TextTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const CHUNK = 500;
export function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const nowIso = () => new Date().toISOString();

function toEdition(r: Selectable<EditionTable>): Edition {
  return { id: Number(r.id), startDate: r.start_date, endDate: r.end_date, title: r.title, source: r.source, sourceRef: r.source_ref, status: r.status as EditionStatus };
}

function toPaper(r: Selectable<PaperTable>): Paper {
  return {
    key: r.key,
    arxivId: r.arxiv_id,
    url: r.url,
    authors: JSON.parse(r.authors) as string[],
    categories: JSON.parse(r.categories) as string[],
    publishedAt: r.published_at,
    updatedAt: r.source_updated_at,
    enrichedAt: r.enriched_at,
  };
}

function toText(r: Selectable<TextTable>): Text {
  return {
    ...refOf(r),
    body: r.body,
    origin: r.origin as Origin,
    model: r.model,
    promptVersion: r.prompt_version,
    status: r.status as TextStatus,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    draft:
      r.provider === null || r.provider === undefined
        ? null
        : {
            provider: r.provider,
            tokensIn: Number(r.tokens_in ?? 0),
            tokensOut: Number(r.tokens_out ?? 0),
            costUsd: Number(r.cost_usd ?? 0),
            sourceHash: r.source_hash ?? '',
            glossaryVersion: r.glossary_version ?? '',
            callId: r.call_id === null ? null : Number(r.call_id),
          },
    revision: Number(r.revision ?? 1),
    editedBy: r.edited_by ?? null,
    approvedBy: r.approved_by ?? null,
    approvedAt: r.approved_at ?? null,
    correctedAt: r.corrected_at ?? null,
  };
}

/** The (owner, field, language) columns every per-text table has. */
function refOf(r: { owner_kind: string; owner_id: string; field: string; lang: string }): TextRef {
  return { ownerKind: r.owner_kind as OwnerKind, ownerId: r.owner_id, field: r.field as TextField, lang: r.lang };
}

function toCorrection(r: Selectable<CorrectionTable>): Correction {
  return {
    id: Number(r.id),
    ...refOf(r),
    editionId: Number(r.edition_id),
    textRevision: Number(r.text_revision),
    sentence: Number(r.sentence),
    original: r.original,
    proposed: r.proposed,
    note: r.note,
    reader: r.reader,
    createdAt: r.created_at,
    status: r.status as CorrectionStatus,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  };
}

function toEditor(r: Selectable<EditorTable>): Editor {
  return { id: Number(r.id), email: r.email, passwordHash: r.password_hash, disabledAt: r.disabled_at, createdAt: r.created_at };
}

function toCall(r: Selectable<LlmCallTable>): LlmCallRow {
  return {
    id: Number(r.id),
    editionId: Number(r.edition_id),
    entryId: r.entry_id === null ? null : Number(r.entry_id),
    lang: r.lang,
    fields: JSON.parse(r.fields) as string[],
    cacheKey: r.cache_key,
    provider: r.provider,
    model: r.model,
    promptVersion: r.prompt_version,
    glossaryVersion: r.glossary_version,
    tokensIn: Number(r.tokens_in),
    tokensOut: Number(r.tokens_out),
    tokensEstimated: Number(r.tokens_estimated) === 1,
    costUsd: Number(r.cost_usd),
    status: r.status as LlmCallRow['status'],
    reason: r.reason,
    result: r.result === null ? null : (JSON.parse(r.result) as Record<string, string>),
    startedAt: r.started_at,
    durationMs: Number(r.duration_ms),
  };
}

/** Turns driver errors into the taxonomy: a busy or unreachable database is retryable. */
export function storeError(e: unknown): never {
  if (e instanceof PaperboyError) throw e;
  const err = e as { code?: string; message?: string };
  const code = err.code ?? '';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') throw new PaperboyError('STORE_UNAVAILABLE', `the database is busy (locked by another process): ${err.message}`, { retryable: true, cause: e });
  if (code === 'SQLITE_FULL') throw new PaperboyError('STORE_FAILED', `the disk holding the database is full: ${err.message}`, { cause: e });
  if (code === 'ECONNREFUSED' || code === '57P01' || code === '08006' || code === '08001') throw new PaperboyError('STORE_UNAVAILABLE', `lost the database connection: ${err.message}`, { retryable: true, cause: e });
  throw new PaperboyError('STORE_FAILED', `database error: ${err.message ?? String(e)}`, { cause: e });
}

class Ops implements StoreOps {
  constructor(
    protected readonly db: Db,
    readonly engine: 'sqlite' | 'postgres',
  ) {}

  async listEditions(): Promise<EditionSummary[]> {
    const rows = await this.db
      .selectFrom('edition')
      .leftJoin('entry', 'entry.edition_id', 'edition.id')
      .selectAll('edition')
      .select((eb) => eb.fn.count<number>('entry.id').as('entry_count'))
      .groupBy(['edition.id', 'edition.start_date', 'edition.end_date', 'edition.title', 'edition.source', 'edition.source_ref', 'edition.status', 'edition.created_at', 'edition.updated_at'])
      .orderBy('edition.start_date', 'desc')
      .execute()
      .catch(storeError);
    return rows.map((r) => ({ ...toEdition(r), entryCount: Number(r.entry_count) }));
  }

  async getEditionByStart(startDate: string): Promise<Edition | null> {
    const r = await this.db.selectFrom('edition').selectAll().where('start_date', '=', startDate).executeTakeFirst().catch(storeError);
    return r ? toEdition(r) : null;
  }

  async findEditionsCovering(date: string): Promise<Edition[]> {
    const rows = await this.db
      .selectFrom('edition')
      .selectAll()
      .where('start_date', '<=', date)
      .where('end_date', '>=', date)
      .orderBy('start_date', 'desc')
      .execute()
      .catch(storeError);
    return rows.map(toEdition);
  }

  async getEditionBundle(editionId: number): Promise<EditionBundle> {
    const e = await this.db.selectFrom('edition').selectAll().where('id', '=', editionId).executeTakeFirst().catch(storeError);
    if (!e) throw new PaperboyError('NOT_FOUND', `no edition with id ${editionId}`);
    const entries = await this.getEntries([editionId]);
    const papers = await this.getPapers([...new Set(entries.map((x) => x.paperKey))]);
    const owners: OwnerRef[] = [
      { kind: 'edition', id: String(editionId) },
      ...entries.map((x) => ({ kind: 'entry' as const, id: String(x.id) })),
      ...[...papers.keys()].map((k) => ({ kind: 'paper' as const, id: k })),
    ];
    const texts = await this.getTexts(owners);
    return { edition: toEdition(e), entries, papers, texts };
  }

  async getEntries(editionIds: number[]): Promise<Entry[]> {
    if (!editionIds.length) return [];
    const out: Entry[] = [];
    for (const ids of chunks(editionIds)) {
      const rows = await this.db.selectFrom('entry').selectAll().where('edition_id', 'in', ids).orderBy('edition_id').orderBy('position').execute().catch(storeError);
      const links = rows.length
        ? await this.db
            .selectFrom('entry_link')
            .innerJoin('entry', 'entry.id', 'entry_link.entry_id')
            .selectAll('entry_link')
            .where('entry.edition_id', 'in', ids)
            .orderBy('entry_link.entry_id')
            .orderBy('entry_link.ord')
            .execute()
            .catch(storeError)
        : [];
      const byEntry = new Map<number, Link[]>();
      for (const l of links) {
        const id = Number(l.entry_id);
        let list = byEntry.get(id);
        if (!list) byEntry.set(id, (list = []));
        list.push({ kind: l.kind as LinkKind, label: l.label, url: l.url });
      }
      for (const r of rows) {
        const id = Number(r.id);
        out.push({ id, editionId: Number(r.edition_id), position: r.position, paperKey: r.paper_key, label: r.label, links: byEntry.get(id) ?? [] });
      }
    }
    return out;
  }

  async getPapers(keys: string[]): Promise<Map<string, Paper>> {
    const out = new Map<string, Paper>();
    for (const ks of chunks(keys)) {
      if (!ks.length) continue;
      const rows = await this.db.selectFrom('paper').selectAll().where('key', 'in', ks).execute().catch(storeError);
      for (const r of rows) out.set(r.key, toPaper(r));
    }
    return out;
  }

  async getTexts(owners: OwnerRef[], fields?: TextField[]): Promise<Text[]> {
    const out: Text[] = [];
    const byKind = new Map<OwnerKind, string[]>();
    for (const o of owners) {
      let l = byKind.get(o.kind);
      if (!l) byKind.set(o.kind, (l = []));
      l.push(o.id);
    }
    for (const [kind, ids] of byKind) {
      for (const part of chunks([...new Set(ids)])) {
        let q = this.db.selectFrom('text').selectAll().where('owner_kind', '=', kind).where('owner_id', 'in', part);
        if (fields?.length) q = q.where('field', 'in', fields);
        const rows = await q.execute().catch(storeError);
        for (const r of rows) out.push(toText(r));
      }
    }
    return out;
  }

  async papersWithArxivId(editionId: number | null): Promise<Paper[]> {
    let q = this.db.selectFrom('paper').selectAll('paper').where('paper.arxiv_id', 'is not', null);
    if (editionId !== null) {
      q = q.where('paper.key', 'in', (eb) => eb.selectFrom('entry').select('entry.paper_key').where('entry.edition_id', '=', editionId));
    }
    const rows = await q.orderBy('paper.key').execute().catch(storeError);
    return rows.map(toPaper);
  }

  async createEdition(e: NewEdition): Promise<Edition> {
    const t = nowIso();
    const r = await this.db
      .insertInto('edition')
      .values({ start_date: e.startDate, end_date: e.endDate, title: e.title, source: e.source, source_ref: e.sourceRef, status: e.status, created_at: t, updated_at: t })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(storeError);
    return toEdition(r);
  }

  async createEditions(es: NewEdition[]): Promise<Edition[]> {
    const t = nowIso();
    const out: Edition[] = [];
    for (const part of chunks(es, 200)) {
      if (!part.length) continue;
      const rows = await this.db
        .insertInto('edition')
        .values(part.map((e) => ({ start_date: e.startDate, end_date: e.endDate, title: e.title, source: e.source, source_ref: e.sourceRef, status: e.status, created_at: t, updated_at: t })))
        .returningAll()
        .execute()
        .catch(storeError);
      out.push(...rows.map(toEdition));
    }
    return out;
  }

  async updateEdition(id: number, patch: Partial<Pick<Edition, 'endDate' | 'title' | 'sourceRef' | 'status'>>): Promise<void> {
    const set: Partial<Record<keyof EditionTable, unknown>> = { updated_at: nowIso() };
    if (patch.endDate !== undefined) set.end_date = patch.endDate;
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.sourceRef !== undefined) set.source_ref = patch.sourceRef;
    if (patch.status !== undefined) set.status = patch.status;
    await this.db.updateTable('edition').set(set as never).where('id', '=', id).execute().catch(storeError);
  }

  async ensurePapers(ps: PaperInput[]): Promise<void> {
    const t = nowIso();
    for (const part of chunks(ps, 200)) {
      if (!part.length) continue;
      await this.db
        .insertInto('paper')
        .values(part.map((p) => ({ key: p.key, arxiv_id: p.arxivId, url: p.url, authors: '[]', categories: '[]', created_at: t, updated_at: t })))
        .onConflict((oc) => oc.column('key').doNothing())
        .execute()
        .catch(storeError);
    }
  }

  async setPaperMetadata(key: string, meta: PaperMetadata, enrichedAt: string): Promise<void> {
    await this.db
      .updateTable('paper')
      .set({
        authors: JSON.stringify(meta.authors),
        categories: JSON.stringify(meta.categories),
        published_at: meta.publishedAt,
        source_updated_at: meta.updatedAt,
        enriched_at: enrichedAt,
        enrich_error: null,
        updated_at: nowIso(),
      })
      .where('key', '=', key)
      .execute()
      .catch(storeError);
  }

  async setPaperEnrichError(key: string, message: string | null): Promise<void> {
    await this.db.updateTable('paper').set({ enrich_error: message, updated_at: nowIso() }).where('key', '=', key).execute().catch(storeError);
  }

  async createEntries(es: NewEntry[]): Promise<Entry[]> {
    const t = nowIso();
    const out: Entry[] = [];
    for (const part of chunks(es, 200)) {
      if (!part.length) continue;
      const rows = await this.db
        .insertInto('entry')
        .values(part.map((e) => ({ edition_id: e.editionId, position: e.position, paper_key: e.paperKey, label: e.label, created_at: t, updated_at: t })))
        .returning(['id', 'edition_id', 'position'])
        .execute()
        .catch(storeError);
      // RETURNING order is not promised; match rows back by (edition, position), which is unique
      const ids = new Map(rows.map((r) => [`${r.edition_id}:${r.position}`, Number(r.id)]));
      const created = part.map((e) => ({ ...e, id: ids.get(`${e.editionId}:${e.position}`)! }));
      await this.writeLinks(created.flatMap((e) => e.links.map((l, i) => ({ entry_id: e.id, ord: i, kind: l.kind, label: l.label, url: l.url }))));
      out.push(...created);
    }
    return out;
  }

  async updateEntry(id: number, patch: { paperKey?: string; label?: string; links?: Link[] }): Promise<void> {
    const set: { updated_at: string; paper_key?: string; label?: string } = { updated_at: nowIso() };
    if (patch.paperKey !== undefined) set.paper_key = patch.paperKey;
    if (patch.label !== undefined) set.label = patch.label;
    await this.db.updateTable('entry').set(set).where('id', '=', id).execute().catch(storeError);
    if (patch.links) {
      await this.db.deleteFrom('entry_link').where('entry_id', '=', id).execute().catch(storeError);
      await this.writeLinks(patch.links.map((l, i) => ({ entry_id: id, ord: i, kind: l.kind, label: l.label, url: l.url })));
    }
  }

  private async writeLinks(rows: Array<Selectable<EntryLinkTable>>): Promise<void> {
    for (const part of chunks(rows, 500)) {
      if (part.length) await this.db.insertInto('entry_link').values(part).execute().catch(storeError);
    }
  }

  async putTexts(ts: TextInput[]): Promise<void> {
    const now = nowIso();
    // one statement per chunk; a (owner, field, lang) twice in one chunk would conflict with itself
    const last = new Map(ts.map((t) => [`${t.ownerKind}\u0000${t.ownerId}\u0000${t.field}\u0000${t.lang}`, t]));
    for (const part of chunks([...last.values()], 200)) {
      if (!part.length) continue;
      const written = await this.db
        .insertInto('text')
        .values(
          part.map((t) => ({
            owner_kind: t.ownerKind,
            owner_id: t.ownerId,
            field: t.field,
            lang: t.lang,
            body: t.body,
            origin: t.origin,
            model: t.model,
            prompt_version: t.promptVersion,
            status: t.status,
            created_at: now,
            updated_at: now,
            provider: t.draft?.provider ?? null,
            tokens_in: t.draft?.tokensIn ?? null,
            tokens_out: t.draft?.tokensOut ?? null,
            cost_usd: t.draft?.costUsd ?? null,
            source_hash: t.draft?.sourceHash ?? null,
            glossary_version: t.draft?.glossaryVersion ?? null,
            call_id: t.draft?.callId ?? null,
            edited_by: t.editedBy ?? null,
            approved_by: t.approvedBy ?? null,
            approved_at: t.approvedAt ?? null,
            corrected_at: t.correctedAt ?? null,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['owner_kind', 'owner_id', 'field', 'lang']).doUpdateSet((eb) => ({
            body: eb.ref('excluded.body'),
            origin: eb.ref('excluded.origin'),
            model: eb.ref('excluded.model'),
            prompt_version: eb.ref('excluded.prompt_version'),
            status: eb.ref('excluded.status'),
            updated_at: eb.ref('excluded.updated_at'),
            provider: eb.ref('excluded.provider'),
            tokens_in: eb.ref('excluded.tokens_in'),
            tokens_out: eb.ref('excluded.tokens_out'),
            cost_usd: eb.ref('excluded.cost_usd'),
            source_hash: eb.ref('excluded.source_hash'),
            glossary_version: eb.ref('excluded.glossary_version'),
            call_id: eb.ref('excluded.call_id'),
            edited_by: eb.ref('excluded.edited_by'),
            approved_by: eb.ref('excluded.approved_by'),
            approved_at: eb.ref('excluded.approved_at'),
            corrected_at: eb.ref('excluded.corrected_at'),
            revision: sql<number>`text.revision + 1`,
          })),
        )
        .returning(['id', 'body'])
        .execute()
        .catch(storeError);
      await this.indexSearch(written);
    }
  }

  /** Keeps SQLite's search index (src/store/grams.ts) in step with the bodies just written. */
  private async indexSearch(rows: Array<{ id: number; body: string }>): Promise<void> {
    if (this.engine !== 'sqlite' || !rows.length) return;
    await sql`delete from text_search where rowid in (${sql.join(rows.map((r) => Number(r.id)))})`.execute(this.db).catch(storeError);
    await sql`insert into text_search (rowid, body, grams) values ${sql.join(rows.map((r) => sql`(${Number(r.id)}, ${r.body}, ${hangulGrams(r.body)})`))}`.execute(this.db).catch(storeError);
  }


  async listGlossary(lang: string): Promise<GlossaryTerm[]> {
    const rows = await this.db.selectFrom('glossary_term').selectAll().where('lang', '=', lang).orderBy('en_key').execute().catch(storeError);
    return rows.map((r) => ({ lang: r.lang, en: r.en, target: r.target, rule: r.rule as GlossaryTerm['rule'], note: r.note, source: r.source }));
  }

  async putGlossaryTerms(terms: GlossaryTerm[]): Promise<{ inserted: number; updated: number; unchanged: number }> {
    const counts = { inserted: 0, updated: 0, unchanged: 0 };
    const byLang = new Map<string, GlossaryTerm[]>();
    for (const t of terms) byLang.set(t.lang, [...(byLang.get(t.lang) ?? []), t]);
    const now = nowIso();
    for (const [lang, list] of byLang) {
      const existing = new Map((await this.listGlossary(lang)).map((t) => [t.en.toLowerCase(), t]));
      // the last occurrence of a term in the input wins
      const incoming = new Map(list.map((t) => [t.en.toLowerCase(), t]));
      for (const [key, t] of incoming) {
        const old = existing.get(key);
        if (old && old.en === t.en && old.target === t.target && old.rule === t.rule && old.note === t.note && old.source === t.source) {
          counts.unchanged++;
          continue;
        }
        if (old) counts.updated++;
        else counts.inserted++;
        await this.db
          .insertInto('glossary_term')
          .values({ lang, en: t.en, en_key: key, target: t.target, rule: t.rule, note: t.note, source: t.source, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(['lang', 'en_key']).doUpdateSet({ en: t.en, target: t.target, rule: t.rule, note: t.note, source: t.source, updated_at: now }))
          .execute()
          .catch(storeError);
      }
    }
    return counts;
  }

  async recordLlmCall(c: LlmCallRecord): Promise<number> {
    const r = await this.db
      .insertInto('llm_call')
      .values({
        edition_id: c.editionId,
        entry_id: c.entryId,
        lang: c.lang,
        fields: JSON.stringify(c.fields),
        cache_key: c.cacheKey,
        provider: c.provider,
        model: c.model,
        prompt_version: c.promptVersion,
        glossary_version: c.glossaryVersion,
        tokens_in: c.tokensIn,
        tokens_out: c.tokensOut,
        tokens_estimated: c.tokensEstimated ? 1 : 0,
        cost_usd: c.costUsd,
        status: c.status,
        reason: c.reason,
        result: c.result === null ? null : JSON.stringify(c.result),
        started_at: c.startedAt,
        duration_ms: c.durationMs,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch(storeError);
    return Number(r.id);
  }

  async replaceFindings(t: TextRef, textHash: string, findings: Array<Finding & { fingerprint: string }>, checkedAt: string): Promise<void> {
    const old = await this.db
      .selectFrom('finding')
      .selectAll()
      .where('owner_kind', '=', t.ownerKind)
      .where('owner_id', '=', t.ownerId)
      .where('field', '=', t.field)
      .where('lang', '=', t.lang)
      .execute()
      .catch(storeError);
    const dismissed = new Map(old.filter((f) => f.dismissed_at).map((f) => [f.fingerprint, f]));
    await this.db.deleteFrom('finding').where('owner_kind', '=', t.ownerKind).where('owner_id', '=', t.ownerId).where('field', '=', t.field).where('lang', '=', t.lang).execute().catch(storeError);
    if (findings.length) {
      await this.db
        .insertInto('finding')
        .values(
          findings.map((f) => {
            const d = dismissed.get(f.fingerprint);
            return {
              owner_kind: t.ownerKind,
              owner_id: t.ownerId,
              field: t.field,
              lang: t.lang,
              text_hash: textHash,
              rule: f.rule,
              severity: f.severity,
              message: f.message,
              source_start: f.sourceSpan?.[0] ?? null,
              source_end: f.sourceSpan?.[1] ?? null,
              draft_start: f.draftSpan?.[0] ?? null,
              draft_end: f.draftSpan?.[1] ?? null,
              fingerprint: f.fingerprint,
              dismissed_by: d?.dismissed_by ?? null,
              dismissed_why: d?.dismissed_why ?? null,
              dismissed_at: d?.dismissed_at ?? null,
              created_at: checkedAt,
            };
          }),
        )
        .execute()
        .catch(storeError);
    }
    await this.db
      .insertInto('text_check')
      .values({ owner_kind: t.ownerKind, owner_id: t.ownerId, field: t.field, lang: t.lang, text_hash: textHash, checked_at: checkedAt })
      .onConflict((oc) => oc.columns(['owner_kind', 'owner_id', 'field', 'lang']).doUpdateSet({ text_hash: textHash, checked_at: checkedAt }))
      .execute()
      .catch(storeError);
  }

  async getFindings(texts: TextRef[]): Promise<StoredFinding[]> {
    const want = new Set(texts.map(textKey));
    const out: StoredFinding[] = [];
    for (const ids of chunks([...new Set(texts.map((t) => t.ownerId))])) {
      if (!ids.length) continue;
      const rows = await this.db.selectFrom('finding').selectAll().where('owner_id', 'in', ids).orderBy('id').execute().catch(storeError);
      for (const r of rows) {
        const f = toFinding(r);
        if (want.has(textKey(f))) out.push(f);
      }
    }
    return out;
  }

  async getTextChecks(texts: TextRef[]): Promise<Map<string, string>> {
    const want = new Set(texts.map(textKey));
    const out = new Map<string, string>();
    for (const ids of chunks([...new Set(texts.map((t) => t.ownerId))])) {
      if (!ids.length) continue;
      const rows = await this.db.selectFrom('text_check').selectAll().where('owner_id', 'in', ids).execute().catch(storeError);
      for (const r of rows) {
        const key = textKey({ ownerKind: r.owner_kind as OwnerKind, ownerId: r.owner_id, field: r.field as TextField, lang: r.lang });
        if (want.has(key)) out.set(key, r.text_hash);
      }
    }
    return out;
  }

  async dismissFinding(id: number, by: string, why: string, at: string): Promise<StoredFinding | null> {
    await this.db.updateTable('finding').set({ dismissed_by: by, dismissed_why: why, dismissed_at: at }).where('id', '=', id).execute().catch(storeError);
    const r = await this.db.selectFrom('finding').selectAll().where('id', '=', id).executeTakeFirst().catch(storeError);
    return r ? toFinding(r) : null;
  }

  async searchPublished(terms: string[], opts: { channel: string; limit: number; candidates?: number }): Promise<PublishedHit[]> {
    const clean = [...new Set(terms.map((t) => t.trim()).filter(Boolean))].slice(0, 8);
    if (!clean.length) return [];
    const like = (t: string) => `%${t.replace(/[!%_]/g, (c) => `!${c}`)}%`;
    const candidates = Math.max(opts.limit, opts.candidates ?? 2000);
    const pg = this.engine === 'postgres';
    const ownerInt = pg ? sql`case when t.owner_id ~ '^[0-9]+$' then t.owner_id::integer end` : sql`cast(t.owner_id as integer)`;
    const shownIn = sql`(p.lang = t.lang or t.lang = 'en') and p.channel = ${opts.channel}`;
    // shown on a published edition: an entry's intro, a paper's texts through any of its entries, an edition's overview
    // a CASE, not an OR: SQLite would otherwise drive the scan from the owner_kind index and sort
    const published = sql`(case t.owner_kind
      when 'entry' then exists (select 1 from entry e join publication p on p.edition_id = e.edition_id where e.id = ${ownerInt} and ${shownIn})
      when 'paper' then exists (select 1 from entry e join publication p on p.edition_id = e.edition_id where e.paper_key = t.owner_id and ${shownIn})
      when 'edition' then exists (select 1 from publication p where p.edition_id = ${ownerInt} and ${shownIn})
      else ${pg ? sql`false` : sql`0`} end)`;
    let from = sql`text t`;
    // ordering by the driving index's own rowid lets it stream newest first and stop early
    let newest = sql`t.id desc`;
    const where: ReturnType<typeof sql>[] = [published];
    if (pg) {
      for (const term of clean) where.push(sql`t.body ilike ${like(term)} escape '!'`);
    } else {
      // one MATCH over the body's trigrams and the Hangul tokens: FTS5 intersects the terms and
      // yields newest first, so a common term stops after `candidates`; other short terms (AI) scan
      const long = clean.filter((t) => [...t].length >= 3);
      const hangul = clean.filter((t) => [...t].length < 3 && HANGUL_ONLY.test(t));
      const indexed = [...long.map(bodyQuery), ...hangul.map(gramQuery)];
      if (indexed.length) {
        from = sql`text_search join text t on t.id = text_search.rowid`;
        newest = sql`text_search.rowid desc`;
        where.push(sql`text_search match ${indexed.join(' AND ')}`);
      }
      for (const term of clean) if (!long.includes(term) && !hangul.includes(term)) where.push(sql`t.body like ${like(term)} escape '!'`);
    }
    // titles first, then intros, key messages, abstracts and overviews; newer before older
    const rows = (
      await sql<Selectable<TextTable>>`select * from (select t.* from ${from} where ${sql.join(where, sql` and `)} order by ${newest} limit ${candidates}) as hit
        order by case field when 'title' then 0 when 'intro' then 1 when 'key_messages' then 2 when 'abstract' then 3 else 4 end, id desc limit ${opts.limit}`
        .execute(this.db)
        .catch(storeError)
    ).rows;
    if (!rows.length) return [];
    // where each hit is shown: its entry's (or paper's newest) published edition and position
    const entryIds = rows.filter((r) => r.owner_kind === 'entry').map((r) => Number(r.owner_id));
    const paperKeys = rows.filter((r) => r.owner_kind === 'paper').map((r) => r.owner_id);
    const shown =
      entryIds.length || paperKeys.length
        ? await this.db
            .selectFrom('entry as e')
            .innerJoin('edition as ed', 'ed.id', 'e.edition_id')
            .innerJoin('publication as p', 'p.edition_id', 'e.edition_id')
            .select(['e.id', 'e.paper_key', 'e.position', 'e.edition_id', 'ed.start_date', 'p.lang'])
            .where('p.channel', '=', opts.channel)
            .where((eb) => eb.or([...(entryIds.length ? [eb('e.id', 'in', entryIds)] : []), ...(paperKeys.length ? [eb('e.paper_key', 'in', paperKeys)] : [])]))
            .orderBy('ed.start_date', 'desc')
            .execute()
            .catch(storeError)
        : [];
    const placed: Array<{ text: Text & { id: number }; editionId: number; position: number | null }> = [];
    for (const r of rows) {
      const text = { ...toText(r), id: Number(r.id) };
      const langOk = (l: string) => l === r.lang || r.lang === 'en';
      if (r.owner_kind === 'edition') {
        placed.push({ text, editionId: Number(r.owner_id), position: null });
        continue;
      }
      const at = shown.find((x) => langOk(x.lang) && (r.owner_kind === 'entry' ? Number(x.id) === Number(r.owner_id) : x.paper_key === r.owner_id));
      if (at) placed.push({ text, editionId: Number(at.edition_id), position: Number(at.position) });
    }
    const ids = [...new Set(placed.map((h) => h.editionId))];
    const editions = new Map((ids.length ? await this.db.selectFrom('edition').selectAll().where('id', 'in', ids).execute().catch(storeError) : []).map((e) => [Number(e.id), toEdition(e)]));
    return placed.flatMap((h) => {
      const e = editions.get(h.editionId);
      return e ? [{ ...h, edition: { startDate: e.startDate, endDate: e.endDate } }] : [];
    });
  }

  async recordPublication(p: Publication): Promise<boolean> {
    const r = await this.db
      .insertInto('publication')
      .values({ edition_id: p.editionId, lang: p.lang, channel: p.channel, allow_drafts: p.allowDrafts ? 1 : 0, published_at: p.publishedAt })
      .onConflict((oc) => oc.columns(['edition_id', 'lang', 'channel']).doNothing())
      .executeTakeFirst()
      .catch(storeError);
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async getPublications(q: { editionId?: number; channel?: string }): Promise<Publication[]> {
    let s = this.db.selectFrom('publication').selectAll();
    if (q.editionId !== undefined) s = s.where('edition_id', '=', q.editionId);
    if (q.channel !== undefined) s = s.where('channel', '=', q.channel);
    const rows = await s.orderBy('published_at').execute().catch(storeError);
    return rows.map((r) => ({ editionId: Number(r.edition_id), lang: r.lang, channel: r.channel, allowDrafts: Number(r.allow_drafts) === 1, publishedAt: r.published_at }));
  }

  async findCachedCall(cacheKey: string): Promise<LlmCallRow | null> {
    const r = await this.db.selectFrom('llm_call').selectAll().where('cache_key', '=', cacheKey).where('status', '=', 'ok').orderBy('id', 'desc').limit(1).executeTakeFirst().catch(storeError);
    return r ? toCall(r) : null;
  }

  async llmCalls(editionId: number, lang: string | null): Promise<LlmCallRow[]> {
    let q = this.db.selectFrom('llm_call').selectAll().where('edition_id', '=', editionId);
    if (lang) q = q.where('lang', '=', lang);
    const rows = await q.orderBy('id').execute().catch(storeError);
    return rows.map(toCall);
  }

  private whereText<T extends { where: any }>(q: T, ref: TextRef): T {
    return (q as any).where('owner_kind', '=', ref.ownerKind).where('owner_id', '=', ref.ownerId).where('field', '=', ref.field).where('lang', '=', ref.lang);
  }

  async getText(ref: TextRef): Promise<Text | null> {
    const r = await this.whereText(this.db.selectFrom('text').selectAll(), ref).executeTakeFirst().catch(storeError);
    return r ? toText(r) : null;
  }

  async saveText(ref: TextRef, change: { body: string; expectedRevision: number; by: string; at: string; reason: 'edit' | 'correction' }): Promise<SaveTextResult> {
    const old = await this.getText(ref);
    if (!old || old.revision !== change.expectedRevision) return { saved: false, current: old };
    // the revision in the WHERE makes the check and the write one step, even between processes
    const r = await this.whereText(
      this.db.updateTable('text').set({
        body: change.body,
        origin: 'human',
        status: 'draft',
        edited_by: change.by,
        approved_by: null,
        approved_at: null,
        updated_at: change.at,
        revision: change.expectedRevision + 1,
        ...(change.reason === 'correction' ? { corrected_at: change.at } : {}),
      }),
      ref,
    )
      .where('revision', '=', change.expectedRevision)
      .executeTakeFirst()
      .catch(storeError);
    if (Number(r.numUpdatedRows) === 0) return { saved: false, current: await this.getText(ref) };
    const row = await this.whereText(this.db.selectFrom('text').select(['id', 'body']), ref).executeTakeFirst().catch(storeError);
    if (row) await this.indexSearch([row]);
    await this.db
      .insertInto('text_history')
      .values({
        owner_kind: ref.ownerKind,
        owner_id: ref.ownerId,
        field: ref.field,
        lang: ref.lang,
        revision: old.revision ?? 1,
        body: old.body,
        origin: old.origin,
        model: old.model,
        prompt_version: old.promptVersion,
        status: old.status,
        replaced_at: change.at,
        replaced_by: change.by,
        reason: change.reason,
      })
      .execute()
      .catch(storeError);
    return { saved: true, text: (await this.getText(ref))! };
  }

  async approveTexts(refs: Array<TextRef & { revision?: number }>, by: string, at: string): Promise<number> {
    let n = 0;
    for (const ref of refs) {
      let q = this.whereText(this.db.updateTable('text').set({ status: 'approved', approved_by: by, approved_at: at, updated_at: at, revision: sql<number>`revision + 1` }), ref).where('status', '<>', 'approved');
      if (ref.revision !== undefined) q = q.where('revision', '=', ref.revision);
      const r = await q.executeTakeFirst().catch(storeError);
      n += Number(r.numUpdatedRows);
    }
    return n;
  }

  async getTextHistory(ref: TextRef): Promise<TextVersion[]> {
    const rows = await this.whereText(this.db.selectFrom('text_history').selectAll(), ref).orderBy('id', 'desc').execute().catch(storeError);
    return rows.map((r) => ({
      ...refOf(r),
      revision: Number(r.revision),
      body: r.body,
      origin: r.origin as Origin,
      model: r.model,
      promptVersion: r.prompt_version,
      status: r.status as TextStatus,
      replacedAt: r.replaced_at,
      replacedBy: r.replaced_by,
      reason: r.reason as TextVersion['reason'],
    }));
  }

  async addCorrection(c: NewCorrection): Promise<Correction> {
    const r = await this.db
      .insertInto('correction')
      .values({
        owner_kind: c.ownerKind,
        owner_id: c.ownerId,
        field: c.field,
        lang: c.lang,
        edition_id: c.editionId,
        text_revision: c.textRevision,
        sentence: c.sentence,
        original: c.original,
        proposed: c.proposed,
        note: c.note,
        reader: c.reader,
        status: 'pending',
        created_at: c.createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(storeError);
    return toCorrection(r);
  }

  async getCorrections(q: { editionId?: number; status?: CorrectionStatus; id?: number }): Promise<Correction[]> {
    let s = this.db.selectFrom('correction').selectAll();
    if (q.editionId !== undefined) s = s.where('edition_id', '=', q.editionId);
    if (q.status !== undefined) s = s.where('status', '=', q.status);
    if (q.id !== undefined) s = s.where('id', '=', q.id);
    return (await s.orderBy('id').execute().catch(storeError)).map(toCorrection);
  }

  async decideCorrection(id: number, status: 'accepted' | 'rejected', by: string, at: string): Promise<Correction | null> {
    const r = await this.db.updateTable('correction').set({ status, decided_by: by, decided_at: at }).where('id', '=', id).where('status', '=', 'pending').returningAll().executeTakeFirst().catch(storeError);
    return r ? toCorrection(r) : null;
  }

  async addLike(entryId: number, reader: string, at: string): Promise<boolean> {
    const r = await this.db
      .insertInto('entry_like')
      .values({ entry_id: entryId, reader, created_at: at })
      .onConflict((oc) => oc.columns(['entry_id', 'reader']).doNothing())
      .executeTakeFirst()
      .catch(storeError);
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async likeCounts(entryIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const ids of chunks(entryIds)) {
      if (!ids.length) continue;
      const rows = await this.db
        .selectFrom('entry_like')
        .select(['entry_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('entry_id', 'in', ids)
        .groupBy('entry_id')
        .execute()
        .catch(storeError);
      for (const r of rows) out.set(Number(r.entry_id), Number(r.n));
    }
    return out;
  }

  async createEditor(email: string, passwordHash: string, at: string): Promise<Editor | null> {
    const r = await this.db
      .insertInto('editor')
      .values({ email, password_hash: passwordHash, disabled_at: null, created_at: at, updated_at: at })
      .onConflict((oc) => oc.column('email').doNothing())
      .returningAll()
      .executeTakeFirst()
      .catch(storeError);
    return r ? toEditor(r) : null;
  }

  async getEditor(q: { email: string } | { id: number }): Promise<Editor | null> {
    const s = this.db.selectFrom('editor').selectAll();
    const r = await ('email' in q ? s.where('email', '=', q.email) : s.where('id', '=', q.id)).executeTakeFirst().catch(storeError);
    return r ? toEditor(r) : null;
  }

  async listEditors(): Promise<Editor[]> {
    return (await this.db.selectFrom('editor').selectAll().orderBy('email').execute().catch(storeError)).map(toEditor);
  }

  async updateEditor(id: number, patch: { passwordHash?: string; disabledAt?: string | null }, at: string): Promise<void> {
    await this.db
      .updateTable('editor')
      .set({
        updated_at: at,
        ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
        ...(patch.disabledAt !== undefined ? { disabled_at: patch.disabledAt } : {}),
      })
      .where('id', '=', id)
      .execute()
      .catch(storeError);
    if (patch.passwordHash !== undefined || patch.disabledAt) await this.db.deleteFrom('editor_session').where('editor_id', '=', id).execute().catch(storeError);
  }

  async createSession(x: EditorSession): Promise<void> {
    await this.db
      .insertInto('editor_session')
      .values({ token_hash: x.tokenHash, editor_id: x.editorId, csrf: x.csrf, created_at: x.createdAt, last_seen_at: x.lastSeenAt, expires_at: x.expiresAt })
      .execute()
      .catch(storeError);
  }

  async getSession(tokenHash: string): Promise<EditorSession | null> {
    const r = await this.db.selectFrom('editor_session').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst().catch(storeError);
    return r ? { tokenHash: r.token_hash, editorId: Number(r.editor_id), csrf: r.csrf, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at } : null;
  }

  async touchSession(tokenHash: string, lastSeenAt: string): Promise<void> {
    await this.db.updateTable('editor_session').set({ last_seen_at: lastSeenAt }).where('token_hash', '=', tokenHash).execute().catch(storeError);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('editor_session').where('token_hash', '=', tokenHash).execute().catch(storeError);
  }

  async siteVersion(): Promise<number> {
    const r = await this.db.selectFrom('site_state').select('version').where('id', '=', 1).executeTakeFirst().catch(storeError);
    return Number(r?.version ?? 0);
  }

  // e-mail: src/store/mail-store.ts
  findSubscriber(q: Parameters<StoreOps['findSubscriber']>[0]) {
    return mail.findSubscriber(this.db, q);
  }
  insertSubscriber(s: NewSubscriber) {
    return mail.insertSubscriber(this.db, s);
  }
  updateSubscriber(id: number, patch: SubscriberPatch, at: string) {
    return mail.updateSubscriber(this.db, id, patch, at);
  }
  importSubscribers(rows: NewSubscriber[]) {
    return mail.importSubscribers(this.db, rows);
  }
  deleteSubscriber(id: number) {
    return mail.deleteSubscriber(this.db, id);
  }
  subscriberCounts() {
    return mail.subscriberCounts(this.db);
  }
  enqueueDeliveries(a: Audience, at: string) {
    return mail.enqueueDeliveries(this.db, a, at);
  }
  enqueueConfirmation(subscriberId: number, n: number, at: string) {
    return mail.enqueueConfirmation(this.db, subscriberId, n, at);
  }
  claimDeliveries(workerId: string, now: string, limit: number) {
    return mail.claimDeliveries(this.db, this.engine, workerId, now, limit);
  }
  finishDelivery(id: number, workerId: string, outcome: DeliveryOutcome) {
    return mail.finishDelivery(this.db, id, workerId, outcome);
  }
  inFlightDeliveries() {
    return mail.inFlightDeliveries(this.db);
  }
  releaseDeliveries(held: Array<{ id: number; claimedBy: string }>) {
    return mail.releaseDeliveries(this.db, held);
  }
  cancelDeliveries(subscriberId: number, at: string) {
    return mail.cancelDeliveries(this.db, subscriberId, at);
  }
  deliveryCounts(q: { ref?: string; editionId?: number }) {
    return mail.deliveryCounts(this.db, q);
  }
  deliveriesOf(subscriberId: number) {
    return mail.deliveriesOf(this.db, subscriberId);
  }
  nextDeliveryDue() {
    return mail.nextDeliveryDue(this.db);
  }
  entryIdsCreatedBetween(editionIds: number[], from: string, to: string) {
    return mail.entryIdsCreatedBetween(this.db, editionIds, from, to);
  }
  recordMailEvent(e: { id: string; address: string; type: string; receivedAt: string }) {
    return mail.recordMailEvent(this.db, e);
  }

  // topics: src/store/topic-store.ts
  getPaperTopics(keys: string[]) {
    return topics.getPaperTopics(this.db, keys);
  }
  putPaperTopics(rows: PaperTopics[]) {
    return topics.putPaperTopics(this.db, rows);
  }
  listEntryTopics(range: { from?: string; to?: string }) {
    return topics.listEntryTopics(this.db, range);
  }

  // Discourse topics and job runs: src/store/channel-store.ts
  getDiscoursePost(editionId: number, lang: string) {
    return channels.getDiscoursePost(this.db, editionId, lang);
  }
  listDiscoursePosts() {
    return channels.listDiscoursePosts(this.db);
  }
  putDiscoursePost(p: DiscoursePost) {
    return channels.putDiscoursePost(this.db, p);
  }
  setDiscourseError(editionId: number, lang: string, error: string | null) {
    return channels.setDiscourseError(this.db, editionId, lang, error);
  }
  claimJobSlot(job: string, slot: string, holder: string, at: string) {
    return channels.claimJobSlot(this.db, job, slot, holder, at);
  }
  reclaimJobRun(id: number, holder: string, at: string, staleBefore: string) {
    return channels.reclaimJobRun(this.db, id, holder, at, staleBefore);
  }
  dueJobRuns(at: string, staleBefore: string) {
    return channels.dueJobRuns(this.db, at, staleBefore);
  }
  heartbeatJobRun(id: number, holder: string, at: string) {
    return channels.heartbeatJobRun(this.db, id, holder, at);
  }
  finishJobRun(id: number, holder: string, end: Parameters<StoreOps['finishJobRun']>[2]) {
    return channels.finishJobRun(this.db, id, holder, end);
  }
  putCandidates(rows: CandidateRow[]) {
    return candidates.putCandidates(this.db, rows);
  }
  listCandidates(range: { from?: string; to?: string; paperKeys?: string[] }) {
    return candidates.listCandidates(this.db, range);
  }
  putRankModel(m: Omit<StoredRankModel, 'id'>) {
    return candidates.putRankModel(this.db, m);
  }
  getRankModel() {
    return candidates.getRankModel(this.db);
  }
  deleteEntry(entryId: number) {
    return candidates.deleteEntry(this.db, entryId);
  }
  setEntryOrder(editionId: number, entryIds: number[]) {
    return candidates.setEntryOrder(this.db, editionId, entryIds);
  }
  listJobRuns(q: { job?: string; limit?: number }) {
    return channels.listJobRuns(this.db, q);
  }
}

function toFinding(r: Selectable<FindingTable>): StoredFinding {
  return {
    id: Number(r.id),
    ...refOf(r),
    textHash: r.text_hash,
    rule: r.rule,
    severity: r.severity as StoredFinding['severity'],
    message: r.message,
    sourceSpan: r.source_start === null || r.source_end === null ? null : [Number(r.source_start), Number(r.source_end)],
    draftSpan: r.draft_start === null || r.draft_end === null ? null : [Number(r.draft_start), Number(r.draft_end)],
    fingerprint: r.fingerprint,
    dismissed: r.dismissed_at ? { by: r.dismissed_by ?? '', why: r.dismissed_why ?? '', at: r.dismissed_at } : null,
    createdAt: r.created_at,
  };
}

export class KyselyStore extends Ops implements Store {
  constructor(
    private readonly kdb: Kysely<Database>,
    engine: 'sqlite' | 'postgres',
  ) {
    super(kdb, engine);
  }

  async transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    try {
      return await this.kdb.transaction().execute((trx) => fn(new Ops(trx, this.engine)));
    } catch (e) {
      storeError(e);
    }
  }

  async close(): Promise<void> {
    await this.kdb.destroy();
  }
}
