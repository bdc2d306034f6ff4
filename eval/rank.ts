// npm run eval:rank — does the ranker (src/domain/rank.ts) put the upstream list's picks near the top
// of a week's candidate pool, and does it do better than the upvotes alone?
//
// Weeks: those where both the upstream list and a pool exist — 2024-03-25, 2024-04-01, 2024-04-08
// (pool: l-yohai/daily_papers_ko day files inside the week's Monday..Sunday) and 2024-12-16 (pool:
// the HF daily papers files of 2024-12-16..20). The edition of a week is the one that starts inside it.
// For each week a model is trained without it: positives = the list's papers (title + intro) of every
// other edition; negatives = the candidates of every other pool day and the titles of l-yohai's
// papers_list.csv outside the week, minus anything the list ever picked. Picks are the edition's
// arXiv-linked papers found in the pool; recall@k = picks in the top k / picks in the pool.
import { readFileSync, readdirSync } from 'node:fs';
import { arxivIdFromUrl } from '../src/domain/paper-key.js';
import { compareTie, rankCandidates, topicShares, trainRankModel, type RankModel } from '../src/domain/rank.js';
import { DEFAULT_TOPICS, tagPaper } from '../src/domain/topics.js';
import type { CandidateRecord } from '../src/sources/candidates.js';
import { parseHfDailyPapers } from '../src/sources/hf-daily/parse.js';
import { parseDailyPapersMarkdown, parsePapersListCsv } from '../src/sources/pools/daily-md.js';
import { parseUpstreamList, type UpstreamEntry } from '../src/sources/upstream-list/parse.js';

const SHARED = new URL('../../shared/', import.meta.url);
const LYOHAI = new URL('data/pools/l-yohai_daily_papers_ko/', SHARED);
const HF = new URL('data/hf/jeongiin_hf-daily-paper-korean-autoflow/paper_metadata_download_as_api_json/', SHARED);

export const WEEKS = ['2024-03-25', '2024-04-01', '2024-04-08', '2024-12-16'] as const;
export const KS = [10, 20] as const;
const SHUFFLES = 100;

export interface Recalls {
  at10: number;
  at20: number;
}

export interface WeekResult {
  week: string;
  /** the upstream edition's heading date range */
  edition: string;
  poolSize: number;
  /** the edition's entries with an arXiv id */
  picksWithArxiv: number;
  picksInPool: number;
  model: Recalls;
  upvotes: Recalls;
  random: Recalls;
  /** the expected recall of a random order: min(k, pool) / pool */
  randomExpected: Recalls;
  training: { positives: number; negatives: number };
}

export interface RankEvaluation {
  weeks: WeekResult[];
  mean: { model: Recalls; upvotes: Recalls; random: Recalls };
  /** mean model recall@10 − mean upvotes recall@10 (negative: the model does worse) */
  modelMinusUpvotesAt10: number;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const inWeek = (day: string, monday: string) => day >= monday && day <= addDays(monday, 6);
const normTitle = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** The entry's arXiv id: the paper's, else the first arXiv link of the row (as eval/topics.ts reads it). */
export function entryArxivId(e: UpstreamEntry): string | null {
  if (e.paper.arxivId) return e.paper.arxivId;
  for (const l of e.links) {
    const id = arxivIdFromUrl(l.url);
    if (id) return id;
  }
  return null;
}

function loadPools(): CandidateRecord[] {
  const out: CandidateRecord[] = [];
  for (const f of readdirSync(LYOHAI).filter((f) => /^\d{4}-\d{2}-\d{2}\.md$/.test(f)).sort())
    out.push(...parseDailyPapersMarkdown(readFileSync(new URL(f, LYOHAI), 'utf8'), { where: f }).records);
  for (const f of readdirSync(HF).filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f)).sort())
    out.push(...parseHfDailyPapers(readFileSync(new URL(f, HF), 'utf8'), { day: f.slice(0, 10), where: f }).records);
  return out;
}

/** One record per paper: the highest upvotes, the earliest day. */
function dedupe(records: readonly CandidateRecord[]): CandidateRecord[] {
  const by = new Map<string, CandidateRecord>();
  for (const r of records) {
    const key = r.arxivId ?? r.url;
    const had = by.get(key);
    if (!had) by.set(key, r);
    else
      by.set(key, {
        ...had,
        day: had.day < r.day ? had.day : r.day,
        upvotes: Math.max(had.upvotes ?? -1, r.upvotes ?? -1) < 0 ? null : Math.max(had.upvotes ?? 0, r.upvotes ?? 0),
        abstract: had.abstract ?? r.abstract,
      });
  }
  return [...by.values()];
}

function recallAt(order: ReadonlyArray<{ arxivId: string | null }>, picks: ReadonlySet<string>, k: number): number {
  if (picks.size === 0) return 0;
  return order.slice(0, k).filter((c) => c.arxivId !== null && picks.has(c.arxivId)).length / picks.size;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

export function rankEvaluation(): RankEvaluation {
  const list = parseUpstreamList(readFileSync(new URL('data/upstream/dair-ai/README.md', SHARED), 'utf8'));
  const pools = loadPools();
  const csv = parsePapersListCsv(readFileSync(new URL('papers_list.csv', LYOHAI), 'utf8')).records;
  // anything the list ever picked is never a negative
  const everPickedIds = new Set<string>();
  const everPickedTitles = new Set<string>();
  for (const e of list.editions.flatMap((ed) => ed.entries)) {
    const id = entryArxivId(e);
    if (id) everPickedIds.add(id);
    everPickedTitles.add(normTitle(e.label));
  }
  const isPick = (c: CandidateRecord) => (c.arxivId !== null && everPickedIds.has(c.arxivId)) || everPickedTitles.has(normTitle(c.title));

  const weeks: WeekResult[] = [];
  for (const week of WEEKS) {
    const edition = list.editions.find((ed) => inWeek(ed.startDate, week));
    if (!edition) throw new Error(`eval/rank: no edition of the upstream list starts in the week of ${week}`);
    const pool = dedupe(pools.filter((c) => inWeek(c.day, week)));
    const poolIds = new Set(pool.map((c) => c.arxivId).filter((x): x is string => x !== null));
    const pickIds = new Set(edition.entries.map(entryArxivId).filter((x): x is string => x !== null));
    const picksInPool = new Set([...pickIds].filter((id) => poolIds.has(id)));

    // training data, never from the scored week
    const positives = list.editions
      .filter((ed) => ed !== edition)
      .flatMap((ed) => ed.entries)
      .map((e) => ({ text: `${e.label}\n${e.intro}`, label: 1 as const }));
    const seen = new Set<string>();
    const negatives: Array<{ text: string; label: 0 }> = [];
    for (const c of [...pools, ...csv]) {
      if (inWeek(c.day, week) || (c.arxivId !== null && poolIds.has(c.arxivId)) || isPick(c)) continue;
      const key = c.arxivId ?? normTitle(c.title);
      if (seen.has(key)) continue;
      seen.add(key);
      negatives.push({ text: `${c.title}\n${c.abstract ?? ''}`, label: 0 });
    }
    const model: RankModel = trainRankModel([...positives, ...negatives]);
    // topic fit against the editions before the week, as `paperboy candidates rank` computes it
    const earlier = list.editions.filter((ed) => ed.startDate < week).flatMap((ed) => ed.entries);
    const topicShare = topicShares(earlier.map((e) => tagPaper({ title: e.label, intro: e.intro }, DEFAULT_TOPICS).map((x) => x.slug)));
    const withTopics = pool.map((c) => ({ ...c, topics: tagPaper({ title: c.title, abstract: c.abstract }, DEFAULT_TOPICS).map((x) => x.slug) }));

    const ranked = rankCandidates(withTopics, { model, weekEnd: addDays(week, 6), topicShare });
    const byUpvotes = [...pool].sort((a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || compareTie(a, b));
    const canonical = [...pool].sort(compareTie);
    const rnd: Recalls = { at10: 0, at20: 0 };
    for (let s = 0; s < SHUFFLES; s++) {
      const order = shuffled(canonical, mulberry32(1000 + s));
      rnd.at10 += recallAt(order, picksInPool, 10) / SHUFFLES;
      rnd.at20 += recallAt(order, picksInPool, 20) / SHUFFLES;
    }
    const recalls = (order: ReadonlyArray<{ arxivId: string | null }>): Recalls => ({
      at10: recallAt(order, picksInPool, 10),
      at20: recallAt(order, picksInPool, 20),
    });
    weeks.push({
      week,
      edition: `${edition.startDate}..${edition.endDate}`,
      poolSize: pool.length,
      picksWithArxiv: pickIds.size,
      picksInPool: picksInPool.size,
      model: recalls(ranked),
      upvotes: recalls(byUpvotes),
      random: rnd,
      randomExpected: { at10: Math.min(10, pool.length) / pool.length, at20: Math.min(20, pool.length) / pool.length },
      training: { positives: positives.length, negatives: negatives.length },
    });
  }
  const meanRecalls = (pick: (w: WeekResult) => Recalls): Recalls => ({
    at10: meanOf(weeks.map((w) => pick(w).at10)),
    at20: meanOf(weeks.map((w) => pick(w).at20)),
  });
  const mean = { model: meanRecalls((w) => w.model), upvotes: meanRecalls((w) => w.upvotes), random: meanRecalls((w) => w.random) };
  return { weeks, mean, modelMinusUpvotesAt10: mean.model.at10 - mean.upvotes.at10 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  const r = rankEvaluation();
  const f = (x: number) => x.toFixed(2);
  console.log('eval/rank: the upstream list\'s arXiv-linked picks in each week\'s candidate pool; model = similarity + popularity + topic fit + recency (the default weights of `paperboy candidates rank`)');
  console.log('  week        edition                 pool picks(arXiv) in-pool | model @10 @20 | upvotes @10 @20 | random @10 @20 | train +/-');
  for (const w of r.weeks)
    console.log(
      `  ${w.week}  ${w.edition.padEnd(22)} ${String(w.poolSize).padStart(5)} ${String(w.picksWithArxiv).padStart(12)} ${String(w.picksInPool).padStart(7)} |` +
        `       ${f(w.model.at10)} ${f(w.model.at20)} |        ${f(w.upvotes.at10)} ${f(w.upvotes.at20)} |       ${f(w.random.at10)} ${f(w.random.at20)} | ${w.training.positives}/${w.training.negatives}`,
    );
  const m = r.mean;
  console.log(
    `  mean over ${r.weeks.length} weeks${' '.repeat(53)}|       ${f(m.model.at10)} ${f(m.model.at20)} |        ${f(m.upvotes.at10)} ${f(m.upvotes.at20)} |       ${f(m.random.at10)} ${f(m.random.at20)} |`,
  );
  const d = r.modelMinusUpvotesAt10;
  console.log(
    `  recall@10: the model ${d > 0 ? 'beats' : d < 0 ? 'does worse than' : 'ties'} the upvote baseline by ${(d * 100).toFixed(1)} points (${f(m.model.at10)} vs ${f(m.upvotes.at10)}); ` +
      `only ${r.weeks.reduce((s, w) => s + w.picksInPool, 0)} picks in all: one pick moves a week's recall by ${(100 / Math.max(...r.weeks.map((w) => w.picksInPool))).toFixed(0)}–${(100 / Math.max(1, Math.min(...r.weeks.map((w) => w.picksInPool)))).toFixed(0)} points`,
  );
  console.log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
