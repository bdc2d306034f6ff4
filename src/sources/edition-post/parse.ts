// Parser for a translated edition as published in the reference format (the forum post in
// shared/seed/000_*.txt, copied out of Discourse as plain text). Pure: text in, structure out.
// Reading the file and storing the result are the caller's job; nothing here touches I/O.
//
// Shape of a post, top to bottom:
//   [YYYY/MM/DD ~ MM/DD] <title suffix> (…)          title line (may repeat)
//   <decoration line of :shortcodes:>                 skipped
//     • overview bullet …                             overview
//   <target title> / <English title>                  heading (or a single name, e.g. JetMoE)
//   <intro label>  target paragraph, English paragraph
//   <abstract label> / <key messages label>  the same, key messages as numbered lists
//   <paper / code / more link labels>  bare URLs (may be missing: the copy loses oneboxes)
//   <source label>  source URLs, then boilerplate (ignored)

import { PaperboyError, usage } from '../../errors.js';
import { editionPostLabels, editionPostLanguages, type EditionPostLabels } from './labels.js';

export interface PostEntry {
  /** 1-based line of the entry's heading */
  line: number;
  /** null when the heading shows one name, e.g. `JetMoE` */
  titleTarget: string | null;
  titleEn: string;
  introTarget: string | null;
  introEn: string | null;
  abstractTarget: string | null;
  abstractEn: string | null;
  /** the numbered list as written, one item (or sub-item) per line */
  keyMessagesTarget: string | null;
  keyMessagesEn: string | null;
  paperUrls: string[];
  codeUrls: string[];
  moreUrls: string[];
}

export interface PostProblem {
  /** 1-based line */
  line: number;
  message: string;
}

export interface EditionPost {
  lang: string;
  title: string;
  /** YYYY-MM-DD */
  startDate: string;
  endDate: string;
  /** bullets joined by \n, each starting with "- " */
  overview: string | null;
  entries: PostEntry[];
  sourceUrls: string[];
  problems: PostProblem[];
}

type ProseKind = 'intro' | 'abstract' | 'keyMessages';
type LinkKind = 'paper' | 'code' | 'more';
type SectionKind = ProseKind | LinkKind;

const PROSE_KINDS: ReadonlySet<SectionKind> = new Set<SectionKind>(['intro', 'abstract', 'keyMessages']);
const isProse = (k: SectionKind): k is ProseKind => PROSE_KINDS.has(k);

/** `[2024/04/01 ~ 04/07] …`, `[2024/12/30 ~ 2025/01/05] …`, `[2024/04/01 ~ 07] …` */
const TITLE_RE =
  /^\[\s*(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*~\s*(?:(?:(\d{4})\s*[/.-]\s*)?(\d{1,2})\s*[/.-]\s*)?(\d{1,2})\s*\]\s*(.*)$/;
const NO_TITLE_MESSAGE = 'not an edition post in the reference format: no title line like "[YYYY/MM/DD ~ MM/DD] ..."';

const BULLET_RE = /^\s*[•◦▪‣∙·*-]\s+/;
const SHORTCODE_RE = /:[a-z0-9_+-]+:/gi;
const URL_TOKEN_RE = /^<?(https?:\/\/[^\s<>]+)>?$/i;
const NUMBERED_RE = /^(\s*)\d+[.)]\s/;
const FIRST_ITEM_RE = /^(\s*)1[.)]\s/;
const LIST_ITEM_RE = /^\s*(?:\d+|[a-zA-Z])[.)]\s/;

type Line =
  | { kind: 'blank' }
  | { kind: 'text'; text: string }
  | { kind: 'section'; section: SectionKind; label: string; urls: string[] }
  | { kind: 'source'; label: string; urls: string[] };

interface SectionDraft {
  kind: SectionKind;
  label: string;
  line: number;
  lines: string[];
}

interface EntryDraft {
  entry: PostEntry;
  heading: string;
  sections: number;
}

export function parseEditionPost(text: string, lang: string): EditionPost {
  const labels = editionPostLabels(lang);
  if (!labels) {
    throw usage(`no edition-post labels for language "${lang}" (known: ${editionPostLanguages().join(', ')})`);
  }
  const raw = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const classify = lineClassifier(labels);
  const lines = raw.map(classify);

  const titleIdx = raw.findIndex((l) => TITLE_RE.test(l.trim()));
  if (titleIdx < 0) throw new PaperboyError('INPUT_INVALID', NO_TITLE_MESSAGE);
  const title = raw[titleIdx]!.trim();
  const { startDate, endDate } = titleDates(title, titleIdx + 1);

  const problems: PostProblem[] = [];
  const problem = (line: number, message: string) => problems.push({ line, message });
  if (!title.includes(labels.titleSuffix)) {
    problem(titleIdx + 1, `title does not contain "${labels.titleSuffix}" (is the language "${lang}" right?)`);
  }

  const entries: PostEntry[] = [];
  const sourceUrls: string[] = [];
  const overviewLines: { line: number; text: string; gapBefore: boolean }[] = [];
  let entry: EntryDraft | null = null;
  let section: SectionDraft | null = null;
  let footerAt = -1;
  let orphan = false; // after a section label that has no entry: its text is skipped

  const closeSection = () => {
    if (section && entry) applySection(entry.entry, section, labels, problem);
    section = null;
  };
  const closeEntry = () => {
    closeSection();
    if (!entry) return;
    if (entry.sections === 0) problem(entry.entry.line, `entry "${entry.heading}" has no sections`);
    entries.push(entry.entry);
    entry = null;
  };
  const openEntry = (i: number, heading: string) => {
    closeEntry();
    orphan = false;
    const { target, en } = splitHeading(heading, labels.script);
    if (en === '') problem(i + 1, `heading "${heading}" has no English title`);
    entry = {
      heading,
      sections: 0,
      entry: {
        line: i + 1,
        titleTarget: target,
        titleEn: en,
        introTarget: null,
        introEn: null,
        abstractTarget: null,
        abstractEn: null,
        keyMessagesTarget: null,
        keyMessagesEn: null,
        paperUrls: [],
        codeUrls: [],
        moreUrls: [],
      },
    };
  };

  /** The section label that is the next non-blank line after i, if it is one. */
  const nextSection = (i: number): SectionKind | null => {
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.kind === 'blank') continue;
      return l.kind === 'section' ? l.section : null;
    }
    return null;
  };
  const blanksBefore = (i: number): number => {
    let n = 0;
    for (let j = i - 1; j >= 0 && lines[j]!.kind === 'blank'; j--) n++;
    return n;
  };

  for (let i = titleIdx + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.kind === 'blank') {
      if (section !== null) (section as SectionDraft).lines.push(''); // paragraph breaks
      continue;
    }

    if (l.kind === 'source') {
      closeEntry();
      footerAt = i;
      sourceUrls.push(...l.urls);
      // Source links follow the label; the first other text starts the boilerplate.
      for (let j = i + 1; j < lines.length; j++) {
        const f = lines[j]!;
        if (f.kind === 'blank') continue;
        const urls = f.kind === 'text' ? urlsOf(f.text) : null;
        if (!urls) break;
        sourceUrls.push(...urls);
      }
      break;
    }

    if (l.kind === 'section') {
      closeSection();
      if (!entry) {
        problem(i + 1, `"${l.label}" appears before any paper heading; its text is ignored`);
        orphan = true;
        continue;
      }
      const current: EntryDraft = entry;
      current.sections++;
      section = { kind: l.section, label: l.label, line: i + 1, lines: [] };
      if (!isProse(l.section)) addUrls(current.entry, l.section, l.urls);
      continue;
    }

    const line = l.text;
    const next = nextSection(i);
    const inProse = section !== null && isProse((section as SectionDraft).kind);
    const urls = urlsOf(line);
    // A heading is a line followed by the intro label; a line followed by another section label
    // also is, unless it closes a paragraph of the section being read or is a link.
    if (next === 'intro' || (next !== null && !inProse && urls === null && !BULLET_RE.test(line))) {
      openEntry(i, line.trim());
      continue;
    }

    if (section !== null) {
      const s: SectionDraft = section;
      if (isProse(s.kind)) {
        s.lines.push(line);
        continue;
      }
      if (urls) {
        if (entry) addUrls((entry as EntryDraft).entry, s.kind, urls);
        continue;
      }
    }

    if (entry === null && section === null) {
      if (orphan) continue; // reported at its label
      // Preamble: repeated title lines, decoration, overview.
      if (TITLE_RE.test(line.trim())) {
        if (line.trim() !== title) problem(i + 1, `second title line differs from the first: "${line.trim()}"`);
        continue;
      }
      if (isDecoration(line)) continue;
      overviewLines.push({ line: i + 1, text: line, gapBefore: blanksBefore(i) > 0 });
      continue;
    }

    // After links (or a heading without sections) a line set apart like a heading (two blank lines
    // in the forum copy) starts an entry, even with no sections after it (a truncated post).
    if (blanksBefore(i) >= 2) {
      openEntry(i, line.trim());
      continue;
    }
    const where = section ? `after "${(section as SectionDraft).label}"` : 'after the heading';
    problem(i + 1, `unexpected text ${where}, ignored: "${clip(line.trim())}"`);
  }
  closeEntry();

  if (footerAt < 0) {
    problem(raw.length, `no "${labels.source[0] ?? ''}" footer: the post may be truncated`);
  }
  if (entries.length === 0) {
    problem(titleIdx + 1, `no entries: no heading followed by "${labels.intro[0] ?? ''}"`);
  }

  return {
    lang,
    title,
    startDate,
    endDate,
    overview: overviewOf(overviewLines),
    entries,
    sourceUrls: dedupe(sourceUrls),
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// Lines

function normLabel(s: string): string {
  return s.replace(/\s+/g, '').replace(/[:：]$/, '').toLowerCase();
}

function lineClassifier(labels: EditionPostLabels): (raw: string) => Line {
  const exact = new Map<string, { kind: SectionKind | 'source'; label: string }>();
  const withUrls: { kind: LinkKind | 'source'; label: string }[] = [];
  const add = (kind: SectionKind | 'source', list: readonly string[]) => {
    for (const label of list) {
      exact.set(normLabel(label), { kind, label });
      if (!isProseKind(kind)) withUrls.push({ kind, label });
    }
  };
  add('intro', labels.intro);
  add('abstract', labels.abstract);
  add('keyMessages', labels.keyMessages);
  add('paper', labels.paperLink);
  add('code', labels.codeLink);
  add('more', labels.moreLink);
  add('source', labels.source);
  // Longest first, so a label that is a prefix of another does not win.
  withUrls.sort((a, b) => b.label.length - a.label.length);

  const make = (kind: SectionKind | 'source', label: string, urls: string[]): Line =>
    kind === 'source' ? { kind: 'source', label, urls } : { kind: 'section', section: kind, label, urls };

  return (raw) => {
    const text = raw.replace(/\s+$/, '');
    const t = text.trim();
    if (t === '') return { kind: 'blank' };
    const hit = exact.get(normLabel(t));
    if (hit) return make(hit.kind, hit.label, []);
    // `논문 링크: https://…` on one line
    for (const { kind, label } of withUrls) {
      if (!t.toLowerCase().startsWith(label.toLowerCase())) continue;
      const urls = urlsOf(t.slice(label.length).replace(/^\s*[:：]?\s*/, ''));
      if (urls && urls.length > 0) return make(kind, label, urls);
    }
    return { kind: 'text', text };
  };
}

function isProseKind(k: SectionKind | 'source'): k is ProseKind {
  return k === 'intro' || k === 'abstract' || k === 'keyMessages';
}

/** The URLs when the line is nothing but bare URLs, else null. */
function urlsOf(line: string): string[] | null {
  const tokens = line.trim().split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) return null;
  const out: string[] = [];
  for (const t of tokens) {
    const m = URL_TOKEN_RE.exec(t);
    if (!m) return null;
    out.push(m[1]!);
  }
  return out;
}

/** A forum decoration such as `PyTorchKR:fire::kr: :thinking::speech_balloon:`. */
function isDecoration(line: string): boolean {
  const stripped = line.replace(SHORTCODE_RE, ' ');
  if (stripped === line) return false;
  return stripped.trim().split(/\s+/).filter((t) => t !== '').length <= 1;
}

function clip(s: string, n = 80): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function dedupe(urls: string[]): string[] {
  return [...new Set(urls)];
}

function addUrls(entry: PostEntry, kind: LinkKind, urls: string[]): void {
  const list = kind === 'paper' ? entry.paperUrls : kind === 'code' ? entry.codeUrls : entry.moreUrls;
  for (const u of urls) if (!list.includes(u)) list.push(u);
}

// ---------------------------------------------------------------------------------------------
// Title and dates

function titleDates(title: string, line: number): { startDate: string; endDate: string } {
  const m = TITLE_RE.exec(title);
  if (!m) throw new PaperboyError('INPUT_INVALID', NO_TITLE_MESSAGE);
  const sy = Number(m[1]);
  const sm = Number(m[2]);
  const sd = Number(m[3]);
  const ed = Number(m[6]);
  let ey: number;
  let em: number;
  if (m[4] !== undefined) {
    ey = Number(m[4]);
    em = Number(m[5]);
  } else if (m[5] !== undefined) {
    em = Number(m[5]);
    ey = em < sm || (em === sm && ed < sd) ? sy + 1 : sy;
  } else {
    ey = sy;
    em = sm;
    if (ed < sd) {
      em++;
      if (em > 12) {
        em = 1;
        ey++;
      }
    }
  }
  const bad = (what: string) =>
    new PaperboyError('INPUT_INVALID', `line ${line}: ${what} in title line "${title}"`);
  const start = isoDate(sy, sm, sd);
  if (!start) throw bad('invalid start date');
  const end = isoDate(ey, em, ed);
  if (!end) throw bad('invalid end date');
  if (end < start) throw bad('end date before start date');
  return { startDate: start, endDate: end };
}

function isoDate(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Headings

/**
 * Splits `<target title> / <English title>` at the first ` / ` whose left side is in the target
 * script and whose right side is not (so a ` / ` inside either title survives); a heading with no
 * ` / ` is one name, used for both. Without a script to go by: at a ` / ` with the same text on
 * both sides, else at the last one.
 */
export function splitHeading(heading: string, script: RegExp | null): { target: string | null; en: string } {
  const h = heading.trim();
  const at: number[] = [];
  for (let i = h.indexOf(' / '); i >= 0; i = h.indexOf(' / ', i + 1)) at.push(i);
  const parts = (i: number) => ({ target: h.slice(0, i).trim(), en: h.slice(i + 3).trim() });
  if (at.length === 0) {
    // One name; a name written only in the target script has no English title.
    return script?.test(h) && !/[A-Za-z]/.test(h) ? { target: h, en: '' } : { target: null, en: h };
  }
  if (script) {
    const i = at.find((p) => script.test(h.slice(0, p)) && !script.test(h.slice(p + 3)));
    if (i !== undefined) return parts(i);
  }
  const same = at.find((p) => h.slice(0, p).trim() === h.slice(p + 3).trim());
  return parts(same ?? at[at.length - 1]!);
}

// ---------------------------------------------------------------------------------------------
// Sections

function applySection(
  entry: PostEntry,
  section: SectionDraft,
  labels: EditionPostLabels,
  problem: (line: number, message: string) => void,
): void {
  if (!isProse(section.kind)) return; // links were added as they were read; none is fine
  const blocks = splitBlocks(section.lines);
  if (blocks.length === 0) {
    problem(section.line, `"${section.label}" has no text`);
    return;
  }
  const list = section.kind === 'keyMessages';
  const render = list ? listText : proseText;
  const sep = list ? '\n' : '\n\n';
  const target: string[] = [];
  const en: string[] = [];
  blocks.forEach((b, n) => {
    const isTarget = labels.script ? b.some((l) => labels.script!.test(l)) : n === 0;
    (isTarget ? target : en).push(render(b));
  });
  const field = section.kind === 'intro' ? 'intro' : section.kind === 'abstract' ? 'abstract' : 'keyMessages';
  const tKey = `${field}Target` as const;
  const eKey = `${field}En` as const;
  if (entry[tKey] !== null || entry[eKey] !== null) problem(section.line, `"${section.label}" repeats; texts appended`);
  const merge = (old: string | null, parts: string[]) =>
    parts.length === 0 ? old : [old, parts.join(sep)].filter((x): x is string => x !== null).join(sep);
  entry[tKey] = merge(entry[tKey], target);
  entry[eKey] = merge(entry[eKey], en);
}

/**
 * Paragraphs: runs of lines between blank lines. A numbered list stays one block across blank
 * lines, and a new list (numbering back at `1.` at the same depth) starts a new block, since the
 * target list and the English list follow each other without a gap.
 */
function splitBlocks(lines: string[]): string[][] {
  const blocks: string[][] = [];
  let cur: string[] | null = null;
  let listIndent = -1; // indent of the current block's first numbered item, -1 if none
  let gap = false;
  for (const line of lines) {
    if (line.trim() === '') {
      gap = true;
      continue;
    }
    const first = FIRST_ITEM_RE.exec(line);
    const restart = cur !== null && listIndent >= 0 && first !== null && first[1]!.length <= listIndent;
    const continuesList = listIndent >= 0 && LIST_ITEM_RE.test(line) && !restart;
    if (cur === null || restart || (gap && !continuesList)) {
      cur = [];
      blocks.push(cur);
      listIndent = -1;
    }
    cur.push(line);
    const numbered = NUMBERED_RE.exec(line);
    if (numbered && listIndent < 0) listIndent = numbered[1]!.length;
    gap = false;
  }
  return blocks;
}

/** A paragraph without bullet markers or indentation; inner text as written. */
function proseText(block: string[]): string {
  return block
    .map((l) => l.replace(BULLET_RE, '').trim())
    .join('\n')
    .trim();
}

/** A list with its lines, the common indentation removed (sub-items keep theirs). */
function listText(block: string[]): string {
  const indent = Math.min(...block.map((l) => /^\s*/.exec(l)![0].length));
  return block
    .map((l) => l.slice(indent).trimEnd())
    .join('\n')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Overview

function overviewOf(lines: { line: number; text: string; gapBefore: boolean }[]): string | null {
  const bullets: string[] = [];
  for (const { text, gapBefore } of lines) {
    const isBullet = BULLET_RE.test(text);
    const body = text.replace(BULLET_RE, '').trim();
    if (bullets.length === 0 || isBullet || gapBefore) bullets.push(body);
    else bullets[bullets.length - 1] += ` ${body}`;
  }
  return bullets.length === 0 ? null : bullets.map((b) => `- ${b}`).join('\n');
}
