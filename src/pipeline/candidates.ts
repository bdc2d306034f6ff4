// Candidates: papers proposed for a week by the candidate sources, stored as papers (the same
// identity rules as entries), ranked by signals that explain themselves, and turned into an edition
// or added to one by an editor.
import { paperIdentity } from '../domain/paper-key.js';
import { dayMaxima, topicShares, parseRankModel, rankCandidates, serializeRankModel, trainRankModel, type RankModel, type Ranked, type Signals } from '../domain/rank.js';
import { decideText, textKey } from '../domain/text-policy.js';
import { tagPaper, type Topic } from '../domain/topics.js';
import type { Edition, Entry, Link, Origin, TextInput } from '../domain/types.js';
import { PaperboyError } from '../errors.js';
import type { CandidateRow, PaperInput, Progress, Store, StoredRankModel } from '../ports.js';
import type { CandidateRecord } from '../sources/candidates.js';
import { textIndex } from './entry-fields.js';

export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** A week is the seven days from its first. */
export const weekRange = (week: string) => ({ from: week, to: addDays(week, 6) });

// ---------------------------------------------------------------------------------------------
// Import

/** hf and arXiv listings copy arXiv's title and abstract; the pools are hand-made lists. */
const ORIGIN_OF: Record<CandidateRecord['source'], Origin> = { hf: 'arxiv', arxiv: 'arxiv', 'daily-md': 'upstream', monologg: 'upstream' };

export interface CandidatePlan {
  papers: PaperInput[];
  rows: CandidateRow[];
  texts: TextInput[];
}

/** Pure: one row per (paper, source), the highest counts and the first day; the English texts to write. */
export function planCandidateImport(records: readonly CandidateRecord[], stored: ReadonlyMap<string, import('../domain/types.js').Text>, seenAt: string): CandidatePlan {
  const papers = new Map<string, PaperInput>();
  const rows = new Map<string, CandidateRow>();
  const texts = new Map<string, TextInput>();
  const most = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  for (const r of records) {
    const id = paperIdentity(r.arxivId ? `https://arxiv.org/abs/${r.arxivId}` : r.url);
    papers.set(id.key, { key: id.key, arxivId: id.arxivId, url: id.url });
    const k = `${id.key}\u0000${r.source}`;
    const had = rows.get(k);
    rows.set(k, {
      paperKey: id.key,
      source: r.source,
      day: had && had.day < r.day ? had.day : r.day,
      upvotes: most(had?.upvotes ?? null, r.upvotes),
      comments: most(had?.comments ?? null, r.comments),
      githubRepo: r.githubRepo ?? had?.githubRepo ?? null,
      githubStars: most(had?.githubStars ?? null, r.githubStars),
      tags: [...new Set([...(had?.tags ?? []), ...r.tags])],
      authors: r.authors.length ? r.authors : (had?.authors ?? []),
      publishedAt: r.publishedAt ?? had?.publishedAt ?? null,
      seenAt,
    });
    const fields: Array<['title' | 'abstract', string | null]> = [
      ['title', r.title],
      ['abstract', r.abstract],
    ];
    for (const [field, body] of fields) {
      if (!body?.trim()) continue;
      const t: TextInput = { ownerKind: 'paper', ownerId: id.key, field, lang: 'en', body, origin: ORIGIN_OF[r.source], model: null, promptVersion: null, status: 'approved' };
      const key = textKey(t);
      const pending = texts.get(key);
      const d = decideText(pending ? { ...pending, createdAt: '', updatedAt: '', draft: null, revision: 1, editedBy: null, approvedBy: null, approvedAt: null, correctedAt: null } : stored.get(key), t);
      if (d === 'insert' || d === 'replace') texts.set(key, t);
    }
  }
  return { papers: [...papers.values()], rows: [...rows.values()], texts: [...texts.values()] };
}

export interface CandidateImportResult {
  records: number;
  papers: number;
  candidates: { inserted: number; updated: number };
  textsWritten: number;
  days: { from: string; to: string } | null;
}

/** Stores the candidates in one transaction: their papers, English titles and abstracts (never an editor's), and counts. */
export async function importCandidates(store: Store, records: readonly CandidateRecord[], opts: { now: () => Date }): Promise<CandidateImportResult> {
  const days = records.map((r) => r.day).sort();
  const result: CandidateImportResult = { records: records.length, papers: 0, candidates: { inserted: 0, updated: 0 }, textsWritten: 0, days: days.length ? { from: days[0]!, to: days[days.length - 1]! } : null };
  if (!records.length) return result;
  const keys = [...new Set(records.map((r) => paperIdentity(r.arxivId ? `https://arxiv.org/abs/${r.arxivId}` : r.url).key))];
  const stored = new Map((await store.getTexts(keys.map((id) => ({ kind: 'paper' as const, id })), ['title', 'abstract'])).filter((t) => t.lang === 'en').map((t) => [textKey(t), t]));
  const plan = planCandidateImport(records, stored, opts.now().toISOString());
  await store.transaction(async (tx) => {
    await tx.ensurePapers(plan.papers);
    await tx.putTexts(plan.texts);
    result.candidates = await tx.putCandidates(plan.rows);
  });
  result.papers = plan.papers.length;
  result.textsWritten = plan.texts.length;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Training

export interface TrainingSet {
  docs: Array<{ text: string; label: 0 | 1 }>;
  editions: number;
  positives: number;
  negatives: number;
}

/**
 * Positives: every entry of the stored editions (English title and intro, else abstract).
 * Negatives: every stored candidate no edition picked (title and abstract).
 */
export async function loadTrainingSet(store: Store, opts: { exceptEditionId?: number } = {}): Promise<TrainingSet> {
  const editions = (await store.listEditions()).filter((e) => e.id !== opts.exceptEditionId && e.entryCount > 0);
  const entries = await store.getEntries(editions.map((e) => e.id));
  const picked = new Set(entries.map((e) => e.paperKey));
  const candidates = (await store.listCandidates({})).filter((c) => !picked.has(c.paperKey));
  const paperKeys = [...new Set([...picked, ...candidates.map((c) => c.paperKey)])];
  const texts = await store.getTexts([...paperKeys.map((id) => ({ kind: 'paper' as const, id })), ...entries.map((e) => ({ kind: 'entry' as const, id: String(e.id) }))], ['title', 'intro', 'abstract']);
  const get = textIndex(texts.filter((t) => t.lang === 'en'));
  const body = (kind: 'paper' | 'entry', id: string, f: 'title' | 'intro' | 'abstract') => get(kind, id, f, 'en')?.body ?? '';
  const docs: TrainingSet['docs'] = [];
  for (const e of entries) docs.push({ text: `${body('paper', e.paperKey, 'title') || e.label}\n${body('entry', String(e.id), 'intro') || body('paper', e.paperKey, 'abstract')}`, label: 1 });
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.paperKey)) continue;
    seen.add(c.paperKey);
    const title = body('paper', c.paperKey, 'title');
    if (title) docs.push({ text: `${title}\n${body('paper', c.paperKey, 'abstract')}`, label: 0 });
  }
  return { docs, editions: editions.length, positives: entries.length, negatives: docs.length - entries.length };
}

export interface TrainResult {
  id: number;
  trainedAt: string;
  editions: number;
  positives: number;
  negatives: number;
  terms: number;
}

/** Learns what the editors pick from the stored editions and candidates, and stores the model. */
export async function trainCandidateModel(store: Store, opts: { now: () => Date; progress?: Progress }): Promise<TrainResult> {
  const set = await loadTrainingSet(store);
  if (!set.positives) throw new PaperboyError('INPUT_INVALID', 'no edition has entries yet: import the upstream list or build an edition before training (paperboy import upstream)');
  if (!set.negatives) throw new PaperboyError('INPUT_INVALID', 'no candidates that the editors did not pick: import or fetch candidates first (paperboy candidates import|fetch)');
  opts.progress?.(`candidates train: ${set.positives} picked and ${set.negatives} passed-over papers from ${set.editions} editions`);
  const model = trainRankModel(set.docs);
  const trainedAt = opts.now().toISOString();
  const id = await store.putRankModel({ trainedAt, editions: set.editions, positives: set.positives, negatives: set.negatives, model: serializeRankModel(model) });
  return { id, trainedAt, editions: set.editions, positives: set.positives, negatives: set.negatives, terms: model.classifier.weights.size };
}

// ---------------------------------------------------------------------------------------------
// Ranking

export interface RankedCandidate {
  paperKey: string;
  arxivId: string | null;
  url: string;
  title: string;
  abstract: string | null;
  /** the sources that listed it */
  sources: string[];
  day: string;
  upvotes: number | null;
  comments: number | null;
  githubRepo: string | null;
  githubStars: number | null;
  publishedAt: string | null;
  topics: string[];
  rank: number;
  score: number;
  signals: Signals;
  contributions: Signals;
  /** its position in the week's edition, when it is in it */
  inEdition: number | null;
}

export interface WeekRanking {
  week: { from: string; to: string };
  /** the edition whose dates hold the week's first day, if any */
  edition: Edition | null;
  model: Omit<StoredRankModel, 'model'> | null;
  /** why there is no similarity signal, when there is none */
  note: string | null;
  candidates: RankedCandidate[];
}

/** Per topic, the share of past entries (editions before `before`) carrying it. */
async function pastTopicShares(store: Store, topics: readonly Topic[], before: string): Promise<Map<string, number>> {
  const editions = (await store.listEditions()).filter((e) => e.startDate < before);
  const entries = await store.getEntries(editions.map((e) => e.id));
  if (!entries.length) return new Map();
  const papers = await store.getPapers([...new Set(entries.map((e) => e.paperKey))]);
  const texts = await store.getTexts([...new Set(entries.map((e) => e.paperKey))].map((id) => ({ kind: 'paper' as const, id })), ['title', 'abstract']);
  const intros = await store.getTexts(entries.map((e) => ({ kind: 'entry' as const, id: String(e.id) })), ['intro']);
  const get = textIndex([...texts, ...intros].filter((t) => t.lang === 'en'));
  return topicShares(
    entries.map((e) =>
      tagPaper(
        { title: get('paper', e.paperKey, 'title', 'en')?.body ?? e.label, intro: get('entry', String(e.id), 'intro', 'en')?.body, abstract: get('paper', e.paperKey, 'abstract', 'en')?.body, categories: papers.get(e.paperKey)?.categories },
        topics,
      ).map((x) => x.slug),
    ),
  );
}

/** The stored model, or null with the reason. */
export async function loadRankModel(store: Store): Promise<{ model: RankModel; meta: Omit<StoredRankModel, 'model'> } | { model: null; note: string }> {
  const stored = await store.getRankModel();
  if (!stored) return { model: null, note: 'no ranking model yet: run `paperboy candidates train` to learn from the editions (similarity counts 0 until then)' };
  try {
    const { model: json, ...meta } = stored;
    return { model: parseRankModel(json), meta };
  } catch (e) {
    return { model: null, note: `the stored ranking model cannot be read (${(e as Error).message}); run \`paperboy candidates train\` again` };
  }
}

/** The edition of a week: the one whose dates hold its first day, else one starting inside it. */
async function weekEdition(store: Store, range: { from: string; to: string }): Promise<Edition | null> {
  return (await store.findEditionsCovering(range.from))[0] ?? (await store.listEditions()).find((e) => e.startDate >= range.from && e.startDate <= range.to) ?? null;
}

/** Every candidate listed in the week, best first, with its signals and their contributions. */
export async function rankWeek(store: Store, week: string, opts: { topics: readonly Topic[] }): Promise<WeekRanking> {
  const range = weekRange(week);
  const rows = await store.listCandidates(range);
  const loaded = await loadRankModel(store);
  const edition = await weekEdition(store, range);
  const positions = new Map<string, number>();
  if (edition) for (const e of await store.getEntries([edition.id])) if (!positions.has(e.paperKey)) positions.set(e.paperKey, e.position);

  // one candidate per paper: the sources that listed it, their highest counts, the first day
  const byPaper = new Map<string, CandidateRow & { sources: string[] }>();
  for (const r of rows) {
    const had = byPaper.get(r.paperKey);
    if (!had) byPaper.set(r.paperKey, { ...r, sources: [r.source] });
    else {
      const most = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
      byPaper.set(r.paperKey, {
        ...had,
        sources: [...had.sources, r.source],
        day: had.day < r.day ? had.day : r.day,
        upvotes: most(had.upvotes, r.upvotes),
        comments: most(had.comments, r.comments),
        githubStars: most(had.githubStars, r.githubStars),
        githubRepo: had.githubRepo ?? r.githubRepo,
        publishedAt: had.publishedAt ?? r.publishedAt,
        tags: [...new Set([...had.tags, ...r.tags])],
      });
    }
  }
  const keys = [...byPaper.keys()];
  const papers = await store.getPapers(keys);
  const get = textIndex((await store.getTexts(keys.map((id) => ({ kind: 'paper' as const, id })), ['title', 'abstract'])).filter((t) => t.lang === 'en'));
  const inputs = [...byPaper.values()].map((c) => {
    const p = papers.get(c.paperKey);
    const title = get('paper', c.paperKey, 'title', 'en')?.body ?? p?.url ?? c.paperKey;
    const abstract = get('paper', c.paperKey, 'abstract', 'en')?.body ?? null;
    const categories = [...(p?.categories ?? []), ...c.tags];
    return {
      ...c,
      arxivId: p?.arxivId ?? null,
      url: p?.url ?? c.paperKey,
      title,
      abstract,
      topics: [...new Set(tagPaper({ title, abstract, categories }, opts.topics).map((t) => t.slug))],
    };
  });
  const ranked: Array<Ranked<(typeof inputs)[number]>> = rankCandidates(inputs, {
    model: loaded.model,
    dayMaxima: dayMaxima(inputs),
    weekEnd: range.to,
    topicShare: await pastTopicShares(store, opts.topics, range.from),
  });
  return {
    week: range,
    edition,
    model: loaded.model ? loaded.meta : null,
    note: loaded.model ? null : loaded.note,
    candidates: ranked.map((r) => ({
      paperKey: r.paperKey,
      arxivId: r.arxivId,
      url: r.url,
      title: r.title,
      abstract: r.abstract,
      sources: r.sources,
      day: r.day,
      upvotes: r.upvotes,
      comments: r.comments,
      githubRepo: r.githubRepo,
      githubStars: r.githubStars,
      publishedAt: r.publishedAt,
      topics: r.topics,
      rank: r.rank,
      score: r.score,
      signals: { similarity: r.similarity, popularity: r.popularity, recency: r.recency, topicFit: r.topicFit },
      contributions: r.contributions,
      inEdition: positions.get(r.paperKey) ?? null,
    })),
  };
}

/** The strongest reasons a candidate was proposed, in words, for lists and the desk. */
export function explainCandidate(c: Pick<RankedCandidate, 'contributions' | 'upvotes' | 'comments' | 'githubStars' | 'topics'>): string {
  const parts: Array<[number, string]> = [
    [c.contributions.similarity, `like past picks ${signed(c.contributions.similarity)}`],
    [c.contributions.popularity, `popular ${signed(c.contributions.popularity)} (${[c.upvotes !== null ? `${c.upvotes} upvotes` : null, c.comments ? `${c.comments} comment${c.comments === 1 ? '' : 's'}` : null, c.githubStars ? `${c.githubStars} star${c.githubStars === 1 ? '' : 's'}` : null].filter(Boolean).join(', ') || 'no counts'})`],
    [c.contributions.topicFit, `topics ${signed(c.contributions.topicFit)}${c.topics.length ? ` (${c.topics.slice(0, 3).join(', ')})` : ''}`],
    [c.contributions.recency, `recent ${signed(c.contributions.recency)}`],
  ];
  return parts.map((p) => p[1]).join(' · ');
}
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

// ---------------------------------------------------------------------------------------------
// Editions from candidates

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const human = (d: string) => `${MONTHS[Number(d.slice(5, 7)) - 1]} ${Number(d.slice(8, 10))}`;
/** The upstream list's heading style: "Top ML Papers of the Week (April 1 - April 7)". */
export const candidateEditionTitle = (from: string, to: string) => `Top ML Papers of the Week (${human(from)} - ${human(to)})`;

export const CANDIDATE_SOURCE = 'candidates';

function linksOf(c: Pick<RankedCandidate, 'url' | 'githubRepo'>): Link[] {
  const links: Link[] = [{ kind: 'paper', label: 'Paper', url: c.url }];
  if (c.githubRepo) links.push({ kind: 'code', label: 'Code', url: c.githubRepo });
  return links;
}

/** Refuses changes to an edition already published somewhere: readers have seen its entries. */
async function assertEditable(store: Store, edition: Edition): Promise<void> {
  const pubs = await store.getPublications({ editionId: edition.id });
  if (pubs.length) throw new PaperboyError('INPUT_INVALID', `edition ${edition.startDate} is published (${[...new Set(pubs.map((p) => p.channel))].join(', ')}): its entries can no longer be added, moved or removed`);
}

export interface NewEditionResult {
  edition: Edition;
  entries: Array<{ position: number; paperKey: string; title: string; why: string }>;
  model: WeekRanking['model'];
  note: string | null;
}

/** Creates the week's edition from the ranking's top `top` candidates. */
export async function editionFromCandidates(store: Store, opts: { week: string; top: number; topics: readonly Topic[] }): Promise<NewEditionResult> {
  if (!Number.isInteger(opts.top) || opts.top < 1 || opts.top > 50) throw new PaperboyError('USAGE', `--top must be a whole number from 1 to 50 (got ${opts.top})`);
  const ranking = await rankWeek(store, opts.week, { topics: opts.topics });
  const had = ranking.edition;
  if (had) throw new PaperboyError('INPUT_INVALID', `the edition of ${had.startDate}..${had.endDate} ${had.startDate <= opts.week ? 'already covers' : 'starts inside the week of'} ${opts.week}: add candidates to it in the desk instead`);
  if (!ranking.candidates.length) throw new PaperboyError('INPUT_INVALID', `no candidates listed from ${ranking.week.from} to ${ranking.week.to}: run paperboy candidates fetch --from ${ranking.week.from} --to ${ranking.week.to} (or candidates import) first`);
  const picked = ranking.candidates.slice(0, opts.top);
  const edition = await store.transaction(async (tx) => {
    const ed = await tx.createEdition({ startDate: ranking.week.from, endDate: ranking.week.to, title: candidateEditionTitle(ranking.week.from, ranking.week.to), source: CANDIDATE_SOURCE, sourceRef: ranking.model ? `rank-model:${ranking.model.id}` : null, status: 'imported' });
    await tx.createEntries(picked.map((c, i) => ({ editionId: ed.id, position: i + 1, paperKey: c.paperKey, label: c.title, links: linksOf(c) })));
    return ed;
  });
  return { edition, entries: picked.map((c, i) => ({ position: i + 1, paperKey: c.paperKey, title: c.title, why: explainCandidate(c) })), model: ranking.model, note: ranking.note };
}

async function editionOf(store: Store, startDate: string): Promise<Edition> {
  const ed = await store.getEditionByStart(startDate);
  if (!ed) throw new PaperboyError('NOT_FOUND', `no edition starts on ${startDate}`);
  return ed;
}

/** Adds a stored paper (a candidate) to an edition at a position (1 = first; past the end = last). */
export async function addEntry(store: Store, opts: { edition: string; paperKey: string; position: number }): Promise<Entry> {
  const ed = await editionOf(store, opts.edition);
  await assertEditable(store, ed);
  const entries = (await store.getEntries([ed.id])).sort((a, b) => a.position - b.position);
  if (entries.some((e) => e.paperKey === opts.paperKey)) throw new PaperboyError('INPUT_INVALID', `that paper is already entry ${entries.find((e) => e.paperKey === opts.paperKey)!.position} of ${ed.startDate}`);
  const paper = (await store.getPapers([opts.paperKey])).get(opts.paperKey);
  if (!paper) throw new PaperboyError('NOT_FOUND', `no stored paper ${opts.paperKey}`);
  const title = (await store.getTexts([{ kind: 'paper', id: paper.key }], ['title'])).find((t) => t.lang === 'en')?.body ?? paper.url;
  const repo = (await store.listCandidates({ paperKeys: [paper.key] })).find((c) => c.githubRepo)?.githubRepo ?? null;
  const at = Math.min(Math.max(1, Math.trunc(opts.position) || 1), entries.length + 1);
  return store.transaction(async (tx) => {
    const [created] = await tx.createEntries([{ editionId: ed.id, position: entries.length + 1, paperKey: paper.key, label: title, links: linksOf({ url: paper.url, githubRepo: repo }) }]);
    const order = entries.map((e) => e.id);
    order.splice(at - 1, 0, created!.id);
    await tx.setEntryOrder(ed.id, order);
    return { ...created!, position: at };
  });
}

/** Moves an entry to a position (1 = first), shifting the others. */
export async function moveEntry(store: Store, opts: { edition: string; entryId: number; position: number }): Promise<void> {
  const ed = await editionOf(store, opts.edition);
  await assertEditable(store, ed);
  const order = (await store.getEntries([ed.id])).sort((a, b) => a.position - b.position).map((e) => e.id);
  const from = order.indexOf(opts.entryId);
  if (from < 0) throw new PaperboyError('NOT_FOUND', `edition ${ed.startDate} has no entry ${opts.entryId}`);
  order.splice(from, 1);
  order.splice(Math.min(Math.max(1, Math.trunc(opts.position) || 1), order.length + 1) - 1, 0, opts.entryId);
  await store.transaction((tx) => tx.setEntryOrder(ed.id, order));
}

/** Removes an entry (its intro and findings go with it) and closes the gap. */
export async function removeEntry(store: Store, opts: { edition: string; entryId: number }): Promise<void> {
  const ed = await editionOf(store, opts.edition);
  await assertEditable(store, ed);
  const order = (await store.getEntries([ed.id])).sort((a, b) => a.position - b.position).map((e) => e.id);
  if (!order.includes(opts.entryId)) throw new PaperboyError('NOT_FOUND', `edition ${ed.startDate} has no entry ${opts.entryId}`);
  await store.transaction(async (tx) => {
    await tx.deleteEntry(opts.entryId);
    await tx.setEntryOrder(
      ed.id,
      order.filter((id) => id !== opts.entryId),
    );
  });
}
