// The facts of an edition: what the week's papers are about and how that compares with the weeks
// before. Pure. The overview may only say what these say, and the chart draws them.
import { DEFAULT_TOPICS, type Topic, type TopicTag } from './topics.js';

/** One entry as the facts see it: its place, English texts, links and topics. */
export interface FactEntry {
  position: number;
  titleEn: string;
  introEn: string | null;
  abstractEn: string | null;
  hasCode: boolean;
  /** the English abstract came from arXiv (the paper has an arXiv id and an abstract) */
  hasArxivAbstract: boolean;
  topics: TopicTag[];
}

/** An earlier edition, reduced to what week-over-week change needs. */
export interface PastEdition {
  startDate: string;
  papers: number;
  /** papers per topic slug */
  counts: Record<string, number>;
}

export interface TopicFact {
  slug: string;
  /** English name from the taxonomy */
  name: string;
  count: number;
  /** entries carrying the topic, in reading order */
  positions: number[];
  /** papers with the topic in each earlier edition, oldest first (as many as there were, up to four) */
  previous: number[];
  /** mean of `previous`, one decimal; null without earlier editions */
  average: number | null;
  /** count − average, one decimal; null without earlier editions */
  change: number | null;
}

export interface NameFact {
  /** as first written, e.g. GPT-4, Llama 2, MMLU */
  name: string;
  positions: number[];
}

export interface Share {
  count: number;
  /** whole per cent of the edition's papers */
  percent: number;
  positions: number[];
}

export interface EditionFacts {
  startDate: string;
  endDate: string;
  papers: number;
  /** every topic that has papers this week or in the weeks compared, in taxonomy order */
  topics: TopicFact[];
  /** the editions compared against, oldest first */
  previous: Array<{ startDate: string; papers: number }>;
  /** names in two or more papers, most papers first */
  names: NameFact[];
  withCode: Share;
  withArxivAbstract: Share;
  /** entries no topic fits */
  untagged: number[];
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
const percentOf = (n: number, of: number) => (of ? Math.round((n / of) * 100) : 0);

/** Per-topic paper counts of a list of entries' tags. */
export function topicCounts(tags: ReadonlyArray<readonly TopicTag[]>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const ts of tags) for (const slug of new Set(ts.map((t) => t.slug))) counts[slug] = (counts[slug] ?? 0) + 1;
  return counts;
}

// Capitalised words that begin sentences or are generic in ML writing, never a name on their own.
const NOT_NAMES = new Set(
  'a an the we our this these that those it its in on of for to and or but with by from as at is are be via using based new large small first two three however while when where which what how why can also such both each all any more most than then there their they here into over under after before through across between without within about recent existing current finally further moreover additionally specifically unlike compared despite experiments results extensive code data paper work model models method methods approach framework system dataset datasets benchmark benchmarks task tasks language vision learning training inference llm llms ai ml nlp rl sota api apis gpu gpus cpu url sft github arxiv huggingface'.split(' '),
);

/** Name-like tokens of a text: words with an inner capital or digit (GPT-4, LLaMA, MoE), capitalised words after the first of a sentence. */
export function nameCandidates(text: string, titleCase = false): string[] {
  const out: string[] = [];
  const re = /(?<![\p{L}\p{N}])([A-Z][\p{L}\p{N}]*(?:[-.][\p{L}\p{N}]+)*)(?![\p{L}\p{N}])/gu;
  for (const m of text.matchAll(re)) {
    const word = m[1]!.replace(/[.-]+$/, '');
    if (NOT_NAMES.has(word.toLowerCase())) continue;
    const marked = /[A-Z]/.test(word.slice(1)) || /\d/.test(word);
    if (marked) {
      out.push(word);
      continue;
    }
    if (titleCase) continue; // in titles every word is capitalised
    const before = text.slice(0, m.index).trimEnd();
    const startsSentence = before === '' || /[.!?:;\n]$/.test(before) || /["'(\[]$/.test(before);
    if (!startsSentence && word.length > 2) out.push(word);
  }
  return out;
}

/** Names written in two or more entries (case-insensitive), most entries first, then by name. */
export function recurringNames(entries: readonly FactEntry[], minEntries = 2): NameFact[] {
  const byKey = new Map<string, { name: string; positions: Set<number> }>();
  for (const e of entries) {
    const found = [...nameCandidates(e.titleEn, true), ...nameCandidates([e.introEn ?? '', e.abstractEn ?? ''].join('\n'))];
    for (const name of found) {
      const key = name.toLowerCase();
      const slot = byKey.get(key) ?? { name, positions: new Set<number>() };
      slot.positions.add(e.position);
      byKey.set(key, slot);
    }
  }
  return [...byKey.values()]
    .filter((n) => n.positions.size >= minEntries)
    .map((n) => ({ name: n.name, positions: [...n.positions].sort((a, b) => a - b) }))
    .sort((a, b) => b.positions.length - a.positions.length || a.name.localeCompare(b.name));
}

/** The facts of one edition against up to four earlier ones (pass them oldest first). */
export function editionFacts(
  edition: { startDate: string; endDate: string },
  entries: readonly FactEntry[],
  past: readonly PastEdition[],
  topics: readonly Topic[] = DEFAULT_TOPICS,
): EditionFacts {
  const sorted = [...entries].sort((a, b) => a.position - b.position);
  const compared = past.slice(-4);
  const facts: TopicFact[] = [];
  for (const t of topics) {
    const positions = sorted.filter((e) => e.topics.some((x) => x.slug === t.slug)).map((e) => e.position);
    const previous = compared.map((p) => p.counts[t.slug] ?? 0);
    if (!positions.length && !previous.some((n) => n > 0)) continue;
    const average = previous.length ? round1(previous.reduce((a, b) => a + b, 0) / previous.length) : null;
    facts.push({ slug: t.slug, name: t.name, count: positions.length, positions, previous, average, change: average === null ? null : round1(positions.length - average) });
  }
  const share = (pick: (e: FactEntry) => boolean): Share => {
    const positions = sorted.filter(pick).map((e) => e.position);
    return { count: positions.length, percent: percentOf(positions.length, sorted.length), positions };
  };
  return {
    startDate: edition.startDate,
    endDate: edition.endDate,
    papers: sorted.length,
    topics: facts,
    previous: compared.map((p) => ({ startDate: p.startDate, papers: p.papers })),
    names: recurringNames(sorted),
    withCode: share((e) => e.hasCode),
    withArxivAbstract: share((e) => e.hasArxivAbstract),
    untagged: sorted.filter((e) => !e.topics.length).map((e) => e.position),
  };
}

/** Every number the facts state, as the overview may quote them (counts, per cents, averages, changes, positions). */
export function factNumbers(f: EditionFacts): Set<number> {
  const out = new Set<number>([f.papers, f.previous.length, f.withCode.count, f.withCode.percent, f.withArxivAbstract.count, f.withArxivAbstract.percent, f.untagged.length]);
  for (const t of f.topics) {
    out.add(t.count);
    out.add(percentOf(t.count, f.papers));
    for (const p of t.previous) out.add(p);
    if (t.average !== null) out.add(t.average);
    if (t.change !== null) {
      out.add(Math.abs(t.change));
      if (t.average) out.add(Math.abs(Math.round((t.change / t.average) * 100)));
    }
  }
  for (const n of f.names) out.add(n.positions.length);
  for (const p of f.previous) out.add(p.papers);
  return out;
}
