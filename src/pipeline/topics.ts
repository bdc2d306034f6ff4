// Topics and facts: tag the papers of editions (rules always, an LLM's refinement when asked), then
// compute an edition's facts against the four before it, or the archive's topics week by week.
// Reads and writes through the Store port; the rules and the facts are pure (src/domain).
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { z } from 'zod';
import { editionFacts, topicCounts, type EditionFacts, type FactEntry, type PastEdition } from '../domain/facts.js';
import { tagPaper, type Topic, type TopicTag } from '../domain/topics.js';
import type { Entry, Paper, Text } from '../domain/types.js';
import { describeError } from '../errors.js';
import { loadPromptTemplates } from '../llm/prompts/index.js';
import type { EditionBundle, EntryTopicsRow, Llm, PaperTopics, Progress, Store } from '../ports.js';
import { textIndex } from './entry-fields.js';

export const TOPICS_PROMPT_VERSION = 'topics-v1';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** A short fingerprint of a taxonomy: editing it means the papers are tagged again. */
export const taxonomyVersion = (topics: readonly Topic[]) => hash(JSON.stringify(topics.map((t) => [t.slug, t.phrases, t.categories])));

/** What a paper's tags are computed from. */
export interface TagInput {
  paperKey: string;
  title: string;
  intro: string | null;
  abstract: string | null;
  categories: string[];
}

/** The topics a paper carries: the LLM's when it refined them, else the rules'. */
export const effectiveTopics = (t: Pick<PaperTopics, 'rules' | 'llm'>): TopicTag[] => t.llm ?? t.rules;

/** Pure: each paper of the entries with the English texts its tags are computed from (intros of all its entries). */
export function tagInputs(entries: readonly Entry[], papers: Map<string, Paper>, texts: Text[]): TagInput[] {
  const get = textIndex(texts);
  const byPaper = new Map<string, TagInput>();
  for (const e of [...entries].sort((a, b) => a.editionId - b.editionId || a.position - b.position)) {
    const intro = get('entry', String(e.id), 'intro', 'en')?.body ?? null;
    const seen = byPaper.get(e.paperKey);
    if (seen) {
      if (intro && !seen.intro?.includes(intro)) seen.intro = seen.intro ? `${seen.intro}\n${intro}` : intro;
      continue;
    }
    byPaper.set(e.paperKey, {
      paperKey: e.paperKey,
      title: get('paper', e.paperKey, 'title', 'en')?.body ?? e.label,
      intro,
      abstract: get('paper', e.paperKey, 'abstract', 'en')?.body ?? null,
      categories: papers.get(e.paperKey)?.categories ?? [],
    });
  }
  return [...byPaper.values()];
}

const inputHash = (i: TagInput, version: string) => hash(JSON.stringify([version, i.title, i.intro, i.abstract, i.categories]));

export interface TagOptions {
  topics: readonly Topic[];
  now: () => Date;
  /** refine the rules' tags with this model; the rules' answer stays beside it */
  llm?: Llm | null;
  concurrency?: number;
  /** tag again even when nothing changed (with an LLM: ask again) */
  force?: boolean;
  signal?: AbortSignal;
  progress?: Progress;
  /** false: compute what is missing but store nothing (the web's pages read, they never write) */
  write?: boolean;
}

export interface TagResult {
  papers: number;
  /** rows written (new, changed or forced) */
  tagged: number;
  unchanged: number;
  /** papers an LLM refined in this run */
  refined: number;
  /** LLM refinements that failed; those papers keep the rules' tags */
  failed: Array<{ paperKey: string; reason: string }>;
  /** papers no topic fits */
  untagged: number;
}

const llmAnswer = z.object({ topics: z.array(z.string()).max(8) });

/** Asks the model which of the taxonomy's topics fit; unknown slugs are dropped, so the answer stays inside the taxonomy. */
async function refine(llm: Llm, input: TagInput, rules: TopicTag[], topics: readonly Topic[], signal?: AbortSignal): Promise<TopicTag[]> {
  const t = loadPromptTemplates(TOPICS_PROMPT_VERSION);
  const fill = (s: string, vars: Record<string, string>) => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? '');
  const vars = {
    taxonomy: topics.map((x) => `- ${x.slug}: ${x.name}`).join('\n'),
    title: input.title,
    intro: input.intro ?? '(none)',
    abstract: input.abstract ?? '(none)',
    categories: input.categories.join(', ') || '(none)',
    rules: rules.map((r) => r.slug).join(', ') || '(none)',
  };
  const r = await llm.generate({ system: fill(t.system, vars), prompt: fill(t.user, vars), schema: llmAnswer, schemaName: 'topics', maxOutputTokens: 200, signal });
  const known = new Set(topics.map((x) => x.slug));
  const slugs = [...new Set(r.object.topics.map((s) => s.trim().toLowerCase()))].filter((s) => known.has(s));
  const order = new Map(topics.map((x, i) => [x.slug, i]));
  return slugs
    .sort((a, b) => order.get(a)! - order.get(b)!)
    .map((slug) => ({ slug, source: 'llm' as const, evidence: [`model:${r.model}`, ...(rules.find((x) => x.slug === slug)?.evidence ?? [])].slice(0, 5) }));
}

/**
 * Tags the papers of the given editions. A paper whose texts, categories and taxonomy are unchanged
 * keeps its row (and its LLM refinement); a changed one is tagged by the rules again, and refined
 * again only when an LLM is given.
 */
export async function tagEditions(store: Store, editionIds: number[], opts: TagOptions): Promise<TagResult & { rows: PaperTopics[] }> {
  const all = await store.getEntries(editionIds);
  const stored = await store.getPaperTopics([...new Set(all.map((e) => e.paperKey))]);
  // a page view (write: false) takes stored tags as they are and computes only the missing ones
  const entries = opts.write === false ? all.filter((e) => !stored.has(e.paperKey)) : all;
  const keys = [...new Set(entries.map((e) => e.paperKey))];
  const [papers, texts] = keys.length
    ? await Promise.all([
        store.getPapers(keys),
        store.getTexts([...keys.map((id) => ({ kind: 'paper' as const, id })), ...entries.map((e) => ({ kind: 'entry' as const, id: String(e.id) }))], ['title', 'intro', 'abstract']),
      ])
    : [new Map<string, Paper>(), [] as Text[]];
  const version = taxonomyVersion(opts.topics);
  const inputs = tagInputs(entries, papers, texts.filter((t) => t.lang === 'en'));
  const result: TagResult = { papers: inputs.length, tagged: 0, unchanged: 0, refined: 0, failed: [], untagged: 0 };
  const rows: PaperTopics[] = [];
  const at = opts.now().toISOString();
  const limit = pLimit(opts.concurrency ?? 4);
  let done = 0;
  await Promise.all(
    inputs.map((input) =>
      limit(async () => {
        const h = inputHash(input, version);
        const before = stored.get(input.paperKey);
        const same = before?.inputHash === h;
        const wantLlm = Boolean(opts.llm) && (opts.force || !same || !before?.llm);
        if (same && !opts.force && !wantLlm) {
          result.unchanged++;
          if (!effectiveTopics(before!).length) result.untagged++;
          return;
        }
        const rules = tagPaper(input, opts.topics);
        let llm: TopicTag[] | null = same ? (before?.llm ?? null) : null;
        let llmModel = same ? (before?.llmModel ?? null) : null;
        if (opts.llm && wantLlm) {
          opts.signal?.throwIfAborted();
          try {
            llm = await refine(opts.llm, input, rules, opts.topics, opts.signal);
            llmModel = opts.llm.model;
            result.refined++;
          } catch (e) {
            if (opts.signal?.aborted) throw e;
            result.failed.push({ paperKey: input.paperKey, reason: describeError(e, false) });
          }
          done++;
          if (done % 10 === 0) opts.progress?.(`refined ${done} of ${inputs.length} papers`);
        }
        rows.push({ paperKey: input.paperKey, rules, llm, llmModel, inputHash: h, taggedAt: at });
        if (!(llm ?? rules).length) result.untagged++;
      }),
    ),
  );
  if (opts.write !== false) await store.putPaperTopics(rows);
  result.tagged = rows.length;
  return { ...result, rows };
}

/** Pure: the facts' view of an edition's entries, given each paper's topics. */
export function factEntries(bundle: EditionBundle, topicsOf: (paperKey: string) => TopicTag[]): FactEntry[] {
  const get = textIndex(bundle.texts);
  return [...bundle.entries]
    .sort((a, b) => a.position - b.position)
    .map((e) => {
      const abstract = get('paper', e.paperKey, 'abstract', 'en');
      return {
        position: e.position,
        titleEn: get('paper', e.paperKey, 'title', 'en')?.body ?? e.label,
        introEn: get('entry', String(e.id), 'intro', 'en')?.body ?? null,
        abstractEn: abstract?.body ?? null,
        hasCode: e.links.some((l) => l.kind === 'code'),
        hasArxivAbstract: Boolean(abstract && abstract.origin === 'arxiv' && bundle.papers.get(e.paperKey)?.arxivId),
        topics: topicsOf(e.paperKey),
      };
    });
}

/** Pure: the archive's entries grouped into editions with per-topic counts, oldest first. */
export function groupWeeks(rows: Awaited<ReturnType<Store['listEntryTopics']>>): Array<PastEdition & { editionId: number; endDate: string; untagged: number }> {
  const byEdition = new Map<number, { editionId: number; startDate: string; endDate: string; tags: TopicTag[][]; untagged: number }>();
  for (const r of rows) {
    const slot = byEdition.get(r.editionId) ?? { editionId: r.editionId, startDate: r.startDate, endDate: r.endDate, tags: [], untagged: 0 };
    slot.tags.push(r.topics ?? []);
    if (!r.topics?.length) slot.untagged++;
    byEdition.set(r.editionId, slot);
  }
  return [...byEdition.values()]
    .sort((a, b) => a.startDate.localeCompare(b.startDate))
    .map((w) => ({ editionId: w.editionId, startDate: w.startDate, endDate: w.endDate, papers: w.tags.length, counts: topicCounts(w.tags), untagged: w.untagged }));
}

/** Entries' topics with the ones just computed (and perhaps not stored) in place of the stored ones. */
const withFresh = (rows: EntryTopicsRow[], fresh: Map<string, PaperTopics>): EntryTopicsRow[] =>
  fresh.size ? rows.map((r) => (fresh.has(r.paperKey) ? { ...r, topics: effectiveTopics(fresh.get(r.paperKey)!) } : r)) : rows;

export interface LoadedFacts {
  facts: EditionFacts;
  entries: FactEntry[];
  bundle: EditionBundle;
  tagging: TagResult;
}

/** The facts of an edition against the four editions before it; tags (by the rules) whatever is not tagged yet. */
export async function loadEditionFacts(store: Store, editionId: number, opts: TagOptions): Promise<LoadedFacts> {
  const bundle = await store.getEditionBundle(editionId);
  const earlier = (await store.listEditions()).filter((e) => e.startDate < bundle.edition.startDate).slice(0, 4);
  const tagging = await tagEditions(store, [editionId, ...earlier.map((e) => e.id)], { ...opts, llm: null });
  const fresh = new Map(tagging.rows.map((r) => [r.paperKey, r]));
  const stored = await store.getPaperTopics(bundle.entries.map((e) => e.paperKey));
  const topicsOf = (key: string) => {
    const t = fresh.get(key) ?? stored.get(key);
    return t ? effectiveTopics(t) : [];
  };
  const entries = factEntries(bundle, topicsOf);
  const past = earlier.length ? groupWeeks(withFresh(await store.listEntryTopics({ from: earlier[earlier.length - 1]!.startDate, to: earlier[0]!.startDate }), fresh)) : [];
  return { facts: editionFacts(bundle.edition, entries, past, opts.topics), entries, bundle, tagging };
}

/** The archive's editions starting in [from, to], week by week, after tagging what is not tagged yet. */
export async function loadTrends(store: Store, range: { from?: string; to?: string }, opts: TagOptions) {
  const ids = (await store.listEditions()).filter((e) => (!range.from || e.startDate >= range.from) && (!range.to || e.startDate <= range.to)).map((e) => e.id);
  const tagging = ids.length ? await tagEditions(store, ids, { ...opts, llm: null }) : null;
  return { weeks: groupWeeks(withFresh(await store.listEntryTopics(range), new Map((tagging?.rows ?? []).map((r) => [r.paperKey, r])))), tagging };
}
