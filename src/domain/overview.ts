// The overview of an edition: three to five bullets about the week, each citing the entries that
// support it. Pure: no node:*, no I/O. The facts (src/domain/facts.ts) are computed first; a bullet
// may only say what they say. src/pipeline/overview.ts asks an LLM for the bullets (or writes them
// from templates) and the caller stores the body.
//
// Stored format (renderers rely on it): one Markdown bullet per line, each ending with the
// positions of the entries it cites in square brackets:
//
//   - 이번 주 12편 중 4편이 에이전트를 다룹니다. [2, 5, 7, 9]
//
// Parsing also accepts a marker elsewhere in the line, a line without `- `, and `*`/`•` bullets;
// formatting always writes the canonical form (cites sorted, each once, marker at the end).
import { fill, type Bundle } from '../i18n/bundle.js';
import type { Finding, Span } from './check/types.js';
import { extractQuantities } from './check/quantities.js';
import { factNumbers, type EditionFacts, type TopicFact } from './facts.js';
import { topicName, type Topic } from './topics.js';

// ---------------------------------------------------------------------------------------------
// The stored format

/** A citation marker: `[2, 5, 7]`. Not global; see citationMarkers for all of a line's markers. */
export const CITATION_MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/;

export interface CitationMarker {
  /** [start, end) of the marker in the text it was found in, brackets included */
  span: Span;
  /** the positions as written */
  positions: number[];
}

/** Every citation marker of a text, in order: what a renderer turns into links. */
export function citationMarkers(text: string): CitationMarker[] {
  const re = new RegExp(CITATION_MARKER.source, 'g');
  return [...text.matchAll(re)].map((m) => ({
    span: [m.index, m.index + m[0].length] as Span,
    positions: m[1]!.split(',').map((s) => Number(s.trim())),
  }));
}

export interface OverviewBullet {
  /** the sentence(s), one line, without the citation marker */
  text: string;
  /** entry positions the bullet cites */
  cites: number[];
  /** the topic slug the bullet is about, when its writer said so (the LLM's answer); checked like a named topic */
  topic?: string | null;
}

export interface ParsedBullet extends OverviewBullet {
  /** 1-based line of the body */
  line: number;
  /** [start, end) of the whole line in the body, without its line break */
  span: Span;
}

const BULLET_MARK = /^\s*(?:[-*•]\s+)?/;
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Text and cites of one line: every marker is taken out of the text and its positions cited, each once, in order. */
function splitLine(raw: string): { text: string; cites: number[] } {
  const markers = citationMarkers(raw);
  const cites: number[] = [];
  for (const m of markers) for (const p of m.positions) if (!cites.includes(p)) cites.push(p);
  let text = '';
  let at = 0;
  for (const m of markers) {
    text += `${raw.slice(at, m.span[0])} `;
    at = m.span[1];
  }
  text += raw.slice(at);
  text = oneLine(text.replace(BULLET_MARK, '')).replace(/\s+([.,;:!?。])/g, '$1');
  return { text, cites };
}

/** The bullets of a stored overview: every non-blank line is one bullet. */
export function parseOverview(body: string): ParsedBullet[] {
  const out: ParsedBullet[] = [];
  let offset = 0;
  body.split('\n').forEach((rawLine, i) => {
    const line = rawLine.replace(/\r$/, '');
    const start = offset;
    offset += rawLine.length + 1;
    if (!line.trim()) return;
    out.push({ ...splitLine(line), line: i + 1, span: [start, start + line.length] });
  });
  return out;
}

/** The canonical cites: each once, ascending. */
export const canonicalCites = (cites: readonly number[]): number[] => [...new Set(cites)].sort((a, b) => a - b);

/**
 * The stored body: `- text [cites]` per bullet. Text is put on one line; a marker inside it is
 * moved into the cites; cites are sorted and each written once; a bullet without cites has no marker.
 * parseOverview(formatOverview(b)) gives back b for bullets already in that form.
 */
export function formatOverview(bullets: ReadonlyArray<Pick<OverviewBullet, 'text' | 'cites'>>): string {
  return bullets
    .map((b) => {
      const inner = splitLine(b.text);
      const cites = canonicalCites([...b.cites, ...inner.cites]);
      return `- ${inner.text}${cites.length ? ` [${cites.join(', ')}]` : ''}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Problems

export const OVERVIEW_RULES = [
  'overview-cites-nothing',
  'overview-cites-missing-entry',
  'overview-topic-mismatch',
  'overview-number-not-in-facts',
  'overview-bullet-count',
] as const;
export type OverviewRule = (typeof OVERVIEW_RULES)[number];

export interface OverviewProblem {
  rule: OverviewRule;
  /** 1-based bullet; null for the overview as a whole (the bullet count) */
  bullet: number | null;
  /** one English sentence naming the bullet and what is wrong */
  message: string;
  /** the positions at fault (missing entries, entries without the topic) */
  positions?: number[];
  /** the topic slug at fault */
  topic?: string;
  /** the number at fault */
  value?: number;
}

export interface OverviewContext {
  facts: EditionFacts;
  /** every entry of the edition: position → its topic slugs ([] for an untagged entry) */
  entryTopics: ReadonlyMap<number, readonly string[]>;
  /** the taxonomy the facts were computed with */
  topics: readonly Topic[];
  /** language of the bullets (`ko`, `en`, `ko-KR`) */
  lang: string;
  /** position → English title; numbers inside a cited entry's title are not checked */
  titles?: ReadonlyMap<number, string>;
}

export const MAX_BULLETS = 5;
export const MIN_BULLETS = 3;

const primary = (lang: string) => lang.trim().toLowerCase().split(/[-_]/)[0] ?? '';
const percentOf = (n: number, of: number) => (of ? Math.round((n / of) * 100) : 0);

/** Topics with papers this week, most papers first, taxonomy order among equals. */
function rankedTopics(facts: EditionFacts): TopicFact[] {
  return facts.topics.filter((t) => t.count > 0).sort((a, b) => b.count - a.count);
}

/** The topic whose count moved most against the earlier editions (only topics with papers this week, which can be cited). */
function biggestChange(facts: EditionFacts): TopicFact | null {
  if (!facts.previous.length) return null;
  let best: TopicFact | null = null;
  for (const t of facts.topics) {
    if (t.count === 0 || t.change === null || t.average === null || t.change === 0) continue;
    if (!best || Math.abs(t.change) > Math.abs(best.change!)) best = t;
  }
  return best;
}

/**
 * The fewest bullets an overview of these facts needs: three, unless the facts hold fewer things
 * to say. The things are: the edition's size, its largest topic, a second topic with two or more
 * papers, a rise or fall against earlier editions, a recurring name, the papers with code and those
 * with an arXiv abstract (what templateOverview can write). An edition of one untagged paper
 * without code or abstract needs one bullet; an edition without papers needs none.
 */
export function overviewMinBullets(facts: EditionFacts): number {
  if (facts.papers === 0) return 0;
  const ranked = rankedTopics(facts);
  const supported =
    1 +
    (ranked.length > 0 ? 1 : 0) +
    (facts.papers > 1 && (ranked[1]?.count ?? 0) >= 2 ? 1 : 0) +
    (biggestChange(facts) ? 1 : 0) +
    (facts.names.length > 0 ? 1 : 0) +
    (facts.withCode.count > 0 ? 1 : 0) +
    (facts.withArxivAbstract.count > 0 ? 1 : 0);
  return Math.min(MIN_BULLETS, supported);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HANGUL_END = /\p{Script=Hangul}$/u;

/**
 * How a topic is found in a bullet: its name in the bullet's language, its English name and its
 * slug, each whole and each part of a `/` name (`retrieval/RAG` → `retrieval`, `RAG`), ignoring case.
 * A name starts at a word boundary; a Latin name also ends at one (a plural `s` allowed, a Korean
 * particle after it is fine: `LLM을`); a Hangul name may be followed by anything (`에이전트를`).
 */
function topicMatcher(t: Topic, lang: string): RegExp | null {
  const names = new Set<string>();
  for (const n of [topicName(t, lang), t.name, t.slug, t.slug.replace(/-/g, ' ')]) {
    const parts = [n, ...(n.includes('/') ? n.split('/') : [])];
    for (const p of parts) if (p.trim().length >= 2) names.add(p.trim().toLowerCase());
  }
  if (!names.size) return null;
  const alts = [...names]
    .sort((a, b) => b.length - a.length)
    .map((n) => {
      if (HANGUL_END.test(n)) return escapeRe(n);
      const stem = n.endsWith('s') && n.length > 3 ? n.slice(0, -1) : n;
      return `${escapeRe(stem)}(?:s|es)?(?![A-Za-z0-9])`;
    });
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join('|')})`, 'iu');
}

/** The slug of a topic given by slug or by one of its names; null when the taxonomy has no such topic. */
function topicSlug(value: string, topics: readonly Topic[], lang: string): string | null {
  const v = value.trim().toLowerCase();
  const t = topics.find((x) => x.slug === v || x.name.toLowerCase() === v || topicName(x, lang).toLowerCase() === v);
  return t?.slug ?? null;
}

/** Replaces each case-insensitive occurrence of the phrases by spaces (same length, so spans hold). */
function mask(text: string, phrases: Iterable<string>): string {
  let out = text;
  for (const p of phrases) {
    if (p.trim().length < 2) continue;
    out = out.replace(new RegExp(escapeRe(p.trim()), 'giu'), (m) => ' '.repeat(m.length));
  }
  return out;
}

const WEAK_WORD = /^(?:both|single|once|단일)$/i;
const sameNumber = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

const listPositions = (ps: readonly number[]) => (ps.length === 1 ? `${ps[0]}` : `${ps.slice(0, -1).join(', ')} and ${ps[ps.length - 1]}`);

interface Prepared {
  ctx: OverviewContext;
  lang: string;
  numbers: number[];
  matchers: Array<{ topic: Topic; re: RegExp }>;
  names: string[];
}

function prepare(ctx: OverviewContext): Prepared {
  const lang = primary(ctx.lang);
  const matchers: Prepared['matchers'] = [];
  for (const topic of ctx.topics) {
    const re = topicMatcher(topic, lang);
    if (re) matchers.push({ topic, re });
  }
  return { ctx, lang, numbers: [...factNumbers(ctx.facts)], matchers, names: ctx.facts.names.map((n) => n.name) };
}

/** The problems of one bullet (n is 1-based), in the order: cites, entries, topics, numbers. */
function bulletProblems(b: OverviewBullet, n: number, p: Prepared): OverviewProblem[] {
  const out: OverviewProblem[] = [];
  const where = `bullet ${n}`;
  const cites = canonicalCites(b.cites);
  if (!cites.length) out.push({ rule: 'overview-cites-nothing', bullet: n, message: `${where} cites no entry` });
  const missing = cites.filter((c) => !p.ctx.entryTopics.has(c));
  if (missing.length) {
    out.push({
      rule: 'overview-cites-missing-entry',
      bullet: n,
      message: `${where} cites ${missing.length === 1 ? 'position' : 'positions'} ${listPositions(missing)}, which ${missing.length === 1 ? 'is' : 'are'} not an entry of this edition`,
      positions: missing,
    });
  }
  const present = cites.filter((c) => p.ctx.entryTopics.has(c));

  const named = new Map<string, Topic>();
  for (const { topic, re } of p.matchers) if (re.test(b.text)) named.set(topic.slug, topic);
  const declared = b.topic ? topicSlug(b.topic, p.ctx.topics, p.lang) : null;
  if (declared && !named.has(declared)) named.set(declared, p.ctx.topics.find((t) => t.slug === declared)!);
  for (const [slug, topic] of named) {
    const without = present.filter((c) => !(p.ctx.entryTopics.get(c) ?? []).includes(slug));
    if (!without.length) continue;
    out.push({
      rule: 'overview-topic-mismatch',
      bullet: n,
      message: `${where} names the topic "${topicName(topic, p.lang)}" (${slug}) but cites ${listPositions(without)}, which ${without.length === 1 ? 'does' : 'do'} not carry it`,
      positions: without,
      topic: slug,
    });
  }

  const titles = present.map((c) => p.ctx.titles?.get(c)).filter((t): t is string => !!t);
  const masked = mask(b.text, [...titles, ...p.names].sort((a, b2) => b2.length - a.length));
  const seen: number[] = [];
  for (const q of extractQuantities(masked, p.lang)) {
    for (const end of q.ends ?? [{ value: q.value, span: q.span, raw: q.raw }]) {
      const spelled = !/\d/.test(end.raw);
      if (spelled && (Math.abs(end.value) <= 1 || WEAK_WORD.test(end.raw.trim()))) continue;
      if (p.numbers.some((x) => sameNumber(x, end.value))) continue;
      if (seen.some((x) => sameNumber(x, end.value))) continue;
      seen.push(end.value);
      const raw = b.text.slice(end.span[0], end.span[1]).replace(/\s+/g, ' ');
      out.push({
        rule: 'overview-number-not-in-facts',
        bullet: n,
        message: `${where} states ${end.value}${raw && raw !== String(end.value) ? ` ("${raw}")` : ''}, which is not a number of the week's facts`,
        value: end.value,
      });
    }
  }
  return out;
}

/** Whole-overview problems: too few or too many bullets for these facts. */
function countProblems(count: number, facts: EditionFacts): OverviewProblem[] {
  const min = overviewMinBullets(facts);
  if (count >= min && count <= MAX_BULLETS) return [];
  const need = min === MAX_BULLETS ? `${min}` : `${min} to ${MAX_BULLETS}`;
  const why = min < MIN_BULLETS ? ` (the week's facts support only ${min})` : '';
  return [{ rule: 'overview-bullet-count', bullet: null, message: `the overview has ${count} ${count === 1 ? 'bullet' : 'bullets'}; it needs ${need}${why}` }];
}

/**
 * Everything that makes an overview ungrounded, bullet by bullet: a bullet that cites nothing,
 * cites a position that is not an entry, names a topic (or declares one) that a cited entry does
 * not carry, or states a number that is not one of factNumbers(facts) (numbers inside the facts'
 * recurring names and the cited entries' titles, e.g. `GPT-4`, `Llama 2`, are not checked; spelled
 * ones and `both`/`single` are articles as often as numbers and are not checked either). And too
 * few or too many bullets: at most 5, at least overviewMinBullets(facts) (3 unless the facts are thinner).
 */
export function overviewProblems(bullets: readonly OverviewBullet[], ctx: OverviewContext): OverviewProblem[] {
  const p = prepare(ctx);
  return [...countProblems(bullets.length, ctx.facts), ...bullets.flatMap((b, i) => bulletProblems(b, i + 1, p))];
}

/** The problems of a stored body as checker findings: errors, spanning the bullet's line in the draft (the whole body for the count). */
export function overviewFindings(body: string, ctx: OverviewContext): Finding[] {
  const bullets = parseOverview(body);
  return overviewProblems(bullets, ctx).map((pr) => ({
    rule: pr.rule,
    severity: 'error' as const,
    message: pr.message,
    sourceSpan: null,
    draftSpan: pr.bullet === null ? ([0, body.length] as Span) : bullets[pr.bullet - 1]!.span,
  }));
}

// ---------------------------------------------------------------------------------------------
// The template overview (no LLM)

/** The bundle's overview sentences (src/i18n, `overviewBullets`). */
export type OverviewStrings = Bundle['overviewBullets'];

/** Every entry position the facts know of (each entry has topics or is untagged). */
function allPositions(f: EditionFacts): number[] {
  const all = [...f.untagged, ...f.withCode.positions, ...f.withArxivAbstract.positions, ...f.topics.flatMap((t) => t.positions), ...f.names.flatMap((n) => n.positions)];
  return canonicalCites(all);
}

const show = (n: number) => String(n);

/**
 * The overview written from the facts with the bundle's sentences, in this order: the largest
 * topic (count, share, its positions), the next topic when it has two or more papers, the biggest
 * rise or fall against the earlier editions (when there are some), the most recurring name, the
 * papers with code, and the papers with an arXiv abstract when there is room (at most 5). When
 * that makes fewer than overviewMinBullets(facts), a first bullet gives the edition's size citing
 * every entry. Each bullet is checked with overviewProblems and left out if it has a problem (a
 * recurring name that is also a topic's name, say: the next name is tried). No papers, no bullets.
 */
export function templateOverview(facts: EditionFacts, ctx: Omit<OverviewContext, 'facts'>, strings: OverviewStrings): OverviewBullet[] {
  if (facts.papers === 0) return [];
  const full: OverviewContext = { ...ctx, facts };
  const p = prepare(full);
  const one = facts.papers === 1;
  const pick = (s: { one: string; other: string }) => (one ? s.one : s.other);
  const nameOf = (t: TopicFact) => {
    const topic = ctx.topics.find((x) => x.slug === t.slug);
    return topic ? topicName(topic, p.lang) : t.name;
  };
  const ok = (b: OverviewBullet) => bulletProblems(b, 1, p).length === 0;
  const out: OverviewBullet[] = [];
  const add = (b: OverviewBullet) => {
    if (out.length < MAX_BULLETS && ok(b)) out.push(b);
  };
  const papers = show(facts.papers);

  const ranked = rankedTopics(facts);
  const top = ranked[0];
  if (top) add({ text: fill(pick(strings.topTopic), { topic: nameOf(top), count: show(top.count), papers, percent: show(percentOf(top.count, facts.papers)) }), cites: top.positions, topic: top.slug });
  const next = ranked[1];
  if (next && !one && next.count >= 2) add({ text: fill(strings.nextTopic, { topic: nameOf(next), count: show(next.count), percent: show(percentOf(next.count, facts.papers)) }), cites: next.positions, topic: next.slug });
  const moved = biggestChange(facts);
  if (moved) {
    add({
      text: fill(moved.change! > 0 ? strings.rise : strings.fall, { topic: nameOf(moved), count: show(moved.count), weeks: show(facts.previous.length), average: show(moved.average!) }),
      cites: moved.positions,
      topic: moved.slug,
    });
  }
  for (const n of facts.names) {
    const before = out.length;
    add({ text: fill(strings.name, { name: n.name, count: show(n.positions.length) }), cites: n.positions, topic: null });
    if (out.length > before) break;
  }
  const code = facts.withCode;
  if (code.count) add({ text: fill(pick(strings.code), { count: show(code.count), papers, percent: show(code.percent) }), cites: code.positions, topic: null });
  const arxiv = facts.withArxivAbstract;
  if (arxiv.count) add({ text: fill(pick(strings.arxiv), { count: show(arxiv.count), papers, percent: show(arxiv.percent) }), cites: arxiv.positions, topic: null });

  if (out.length < overviewMinBullets(facts)) {
    const edition: OverviewBullet = { text: fill(pick(strings.edition), { papers }), cites: allPositions(facts), topic: null };
    if (ok(edition)) out.unshift(edition);
  }
  return out.slice(0, MAX_BULLETS).map((b) => ({ ...b, cites: canonicalCites(b.cites) }));
}
