// Import of the upstream list: parse (pure), plan against what is stored (pure), apply in transactions of
// EDITIONS_PER_TRANSACTION editions.
import type { Edition, Entry, Link, Text, TextInput } from '../domain/types.js';
import { decideText, textKey } from '../domain/text-policy.js';
import type { NewEdition, PaperInput, Progress, Store } from '../ports.js';
import type { RowProblem, UpstreamEdition } from '../sources/upstream-list/parse.js';

export const UPSTREAM_SOURCE = 'upstream';

export interface Snapshot {
  editions: Map<string, Edition>;
  entries: Map<number, Entry[]>;
  /** English intro texts of stored entries, by textKey */
  texts: Map<string, Text>;
  papers: Set<string>;
}

export interface EntryPlan {
  position: number;
  create?: { paperKey: string; label: string; links: Link[] };
  update?: { id: number; patch: { paperKey?: string; label?: string; links?: Link[] } };
  /** the English intro; ownerId is filled in at apply time for new entries */
  intro: TextInput | null;
  entryId: number | null;
}

export interface EditionPlan {
  startDate: string;
  create?: NewEdition;
  update?: { id: number; patch: Partial<Pick<Edition, 'endDate' | 'title' | 'sourceRef'>> };
  editionId: number | null;
  papers: PaperInput[];
  entries: EntryPlan[];
  /** entries stored for this edition that the list no longer has (kept, reported) */
  dropped: number[];
}

export interface ImportCounts {
  editions: { created: number; updated: number; unchanged: number };
  entries: { created: number; updated: number; unchanged: number };
  texts: { written: number; kept: number };
}

const sameLinks = (a: Link[], b: Link[]) => a.length === b.length && a.every((l, i) => l.url === b[i]!.url && l.label === b[i]!.label && l.kind === b[i]!.kind);

export function planUpstreamImport(parsed: UpstreamEdition[], snap: Snapshot, opts: { sourcePage: string }): { plans: EditionPlan[]; counts: ImportCounts; dropped: Array<{ startDate: string; positions: number[] }> } {
  const counts: ImportCounts = { editions: { created: 0, updated: 0, unchanged: 0 }, entries: { created: 0, updated: 0, unchanged: 0 }, texts: { written: 0, kept: 0 } };
  const plans: EditionPlan[] = [];
  const dropped: Array<{ startDate: string; positions: number[] }> = [];
  const newPapers = new Set<string>();
  for (const ed of parsed) {
    const sourceRef = `${opts.sourcePage}#${ed.anchor}`;
    const stored = snap.editions.get(ed.startDate);
    const plan: EditionPlan = { startDate: ed.startDate, editionId: stored?.id ?? null, papers: [], entries: [], dropped: [] };
    if (!stored) {
      plan.create = { startDate: ed.startDate, endDate: ed.endDate, title: ed.title, source: UPSTREAM_SOURCE, sourceRef, status: 'imported' };
      counts.editions.created++;
    } else {
      const patch: NonNullable<EditionPlan['update']>['patch'] = {};
      if (stored.endDate !== ed.endDate) patch.endDate = ed.endDate;
      if (stored.title !== ed.title) patch.title = ed.title;
      if (stored.sourceRef !== sourceRef) patch.sourceRef = sourceRef;
      if (Object.keys(patch).length) {
        plan.update = { id: stored.id, patch };
        counts.editions.updated++;
      } else counts.editions.unchanged++;
    }
    const storedEntries = new Map((stored ? (snap.entries.get(stored.id) ?? []) : []).map((e) => [e.position, e]));
    for (const row of ed.entries) {
      if (!snap.papers.has(row.paper.key) && !newPapers.has(row.paper.key)) {
        newPapers.add(row.paper.key);
        plan.papers.push({ key: row.paper.key, arxivId: row.paper.arxivId, url: row.paper.url });
      }
      const old = storedEntries.get(row.position);
      storedEntries.delete(row.position);
      const ep: EntryPlan = { position: row.position, intro: null, entryId: old?.id ?? null };
      if (!old) {
        ep.create = { paperKey: row.paper.key, label: row.label, links: row.links };
        counts.entries.created++;
      } else {
        const patch: NonNullable<EntryPlan['update']>['patch'] = {};
        if (old.paperKey !== row.paper.key) patch.paperKey = row.paper.key;
        if (old.label !== row.label) patch.label = row.label;
        if (!sameLinks(old.links, row.links)) patch.links = row.links;
        if (Object.keys(patch).length) {
          ep.update = { id: old.id, patch };
          counts.entries.updated++;
        } else counts.entries.unchanged++;
      }
      if (row.intro) {
        const incoming: TextInput = { ownerKind: 'entry', ownerId: old ? String(old.id) : '', field: 'intro', lang: 'en', body: row.intro, origin: 'upstream', model: null, promptVersion: null, status: 'approved' };
        const decision = old ? decideText(snap.texts.get(textKey(incoming)), incoming) : 'insert';
        if (decision === 'insert' || decision === 'replace') {
          ep.intro = incoming;
          counts.texts.written++;
        } else if (decision === 'keep') counts.texts.kept++;
      }
      if (ep.create || ep.update || ep.intro) plan.entries.push(ep);
    }
    plan.dropped = [...storedEntries.values()].map((e) => e.position);
    if (plan.dropped.length) dropped.push({ startDate: ed.startDate, positions: plan.dropped });
    if (plan.create || plan.update || plan.papers.length || plan.entries.length) plans.push(plan);
  }
  return { plans, counts, dropped };
}

export async function loadSnapshot(store: Store): Promise<Snapshot> {
  const editions = await store.listEditions();
  const entries = await store.getEntries(editions.map((e) => e.id));
  const byEdition = new Map<number, Entry[]>();
  for (const e of entries) {
    let l = byEdition.get(e.editionId);
    if (!l) byEdition.set(e.editionId, (l = []));
    l.push(e);
  }
  const texts = await store.getTexts(entries.map((e) => ({ kind: 'entry' as const, id: String(e.id) })), ['intro']);
  return {
    editions: new Map(editions.map((e) => [e.startDate, e])),
    entries: byEdition,
    texts: new Map(texts.filter((t) => t.lang === 'en').map((t) => [textKey(t), t])),
    papers: new Set(entries.map((e) => e.paperKey)),
  };
}

/** Editions per write transaction: few commits, yet a short hold on the write lock. */
const EDITIONS_PER_TRANSACTION = 25;

/** Applies plans in one transaction with a handful of multi-row statements for all of them. */
export async function applyEditionPlans(store: Store, plans: EditionPlan[]): Promise<void> {
  await store.transaction(async (tx) => {
    const created = await tx.createEditions(plans.flatMap((p) => (p.create ? [p.create] : [])));
    const editionIdAt = new Map(created.map((e) => [e.startDate, e.id]));
    for (const p of plans) if (p.update) await tx.updateEdition(p.update.id, p.update.patch);
    await tx.ensurePapers(plans.flatMap((p) => p.papers));
    const editionOf = (p: EditionPlan) => p.editionId ?? editionIdAt.get(p.startDate)!;
    const entries = await tx.createEntries(plans.flatMap((p) => p.entries.flatMap((ep) => (ep.create ? [{ editionId: editionOf(p), position: ep.position, ...ep.create }] : []))));
    const entryIdAt = new Map(entries.map((e) => [`${e.editionId}:${e.position}`, e.id]));
    for (const p of plans) for (const ep of p.entries) if (ep.update) await tx.updateEntry(ep.update.id, ep.update.patch);
    await tx.putTexts(
      plans.flatMap((p) => p.entries.flatMap((ep) => (ep.intro ? [{ ...ep.intro, ownerId: String(ep.entryId ?? entryIdAt.get(`${editionOf(p)}:${ep.position}`)) }] : []))),
    );
  });
}

export interface ImportUpstreamResult extends ImportCounts {
  source: string;
  editionsParsed: number;
  entriesParsed: number;
  /** editions whose stored entries are no longer in the list, with their positions */
  dropped: Array<{ startDate: string; positions: number[] }>;
  problems: RowProblem[];
  changed: boolean;
}

export async function importUpstream(
  store: Store,
  parsed: { editions: UpstreamEdition[]; problems: RowProblem[] },
  opts: { source: string; sourcePage: string; progress?: Progress },
): Promise<ImportUpstreamResult> {
  // Papers already stored outside any entry (CSV, candidates) must not be inserted twice.
  const snap = await loadSnapshot(store);
  const keys = [...new Set(parsed.editions.flatMap((e) => e.entries.map((r) => r.paper.key)))].filter((k) => !snap.papers.has(k));
  for (const k of (await store.getPapers(keys)).keys()) snap.papers.add(k);
  const { plans, counts, dropped } = planUpstreamImport(parsed.editions, snap, { sourcePage: opts.sourcePage });
  for (let i = 0; i < plans.length; i += EDITIONS_PER_TRANSACTION) {
    await applyEditionPlans(store, plans.slice(i, i + EDITIONS_PER_TRANSACTION));
    opts.progress?.(`import: wrote ${Math.min(i + EDITIONS_PER_TRANSACTION, plans.length)}/${plans.length} editions`);
  }
  return {
    source: opts.source,
    editionsParsed: parsed.editions.length,
    entriesParsed: parsed.editions.reduce((n, e) => n + e.entries.length, 0),
    ...counts,
    dropped,
    problems: parsed.problems,
    changed: plans.length > 0,
  };
}
