// Parser for the DAIR.AI "ML Papers of the Week" list (README.md of dair-ai/ML-Papers-of-the-Week).
// Pure: text in, editions and problems out. The caller reads the file (see ../decode.ts) and decides
// what to do with the problems; nothing here touches the file system, the store or the network.
//
// Structure comes from markdown-it's tokens (headings, table rows, inline children with source lines);
// regular expressions only look at the text of one heading or one cell.
import MarkdownIt from 'markdown-it';
import type { Link } from '../../domain/types.js';
import { makeLink } from '../../domain/links.js';
import { arxivIdFromUrl, paperIdentity, type PaperIdentity } from '../../domain/paper-key.js';

export interface UpstreamEntry {
  /** 1-based source line of the table row */
  line: number;
  position: number;
  /** the title as the list gives it */
  label: string;
  /** the editorial intro; `<br>` bullets become lines */
  intro: string;
  /** the links of the row's last cell, in order */
  links: Link[];
  paper: PaperIdentity;
}

export interface UpstreamEdition {
  /** 1-based source line of the heading */
  line: number;
  /** the heading's date range as written, e.g. `June 23 - June 29` */
  heading: string;
  /** GitHub's anchor for the heading: `https://github.com/dair-ai/ML-Papers-of-the-Week#<anchor>` */
  anchor: string;
  startDate: string;
  endDate: string;
  /** the heading text after `## ` */
  title: string;
  entries: UpstreamEntry[];
}

export interface RowProblem {
  line: number;
  field: 'heading' | 'position' | 'title' | 'intro' | 'links' | 'table';
  message: string;
  /** the title of the edition the line belongs to, if any */
  edition: string | null;
}

export interface UpstreamParse {
  editions: UpstreamEdition[];
  problems: RowProblem[];
}

export interface UpstreamParseOptions {
  /** named in problem messages, e.g. the file path or URL */
  sourceUrl?: string;
}

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

const md = new MarkdownIt({ html: true });

const EDITION_HEADING = /^Top ML Papers of the Week\b/i;
/** `Top ML Papers of the Week (June 23 - June 29) - 2025`; the year after the parenthesis is optional. */
const HEADING_PARTS = /^Top ML Papers of the Week\s*\(([^()]*)\)\s*(?:[-–—,]\s*)?(\d{4})?\s*$/i;
/** `June 23 - June 29`, `Jan 1-8`, `Mar 20-Mar 26`, `May 29-June 4`, `Feb 13 - 19`, optionally `, 2025`. */
const RANGE =
  /^([A-Za-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*[-–—]\s*(?:([A-Za-z]+)\.?\s*)?(\d{1,2})(?:st|nd|rd|th)?(?:\s*,?\s*(\d{4}))?$/;
const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10,
  nov: 11, november: 11, dec: 12, december: 12,
};
const DAY_MS = 86_400_000;
/** the list's weeks run 6 to 8 days; anything beyond two weeks is a typo we should not guess around */
const MAX_SPAN_DAYS = 13;

const POSITION = /^(\d{1,3})\s*[).]\s*/;
/** between a plain (not bold) title and its intro: two or more spaces, a `<br>`, or a spaced dash */
const PLAIN_SEPARATOR = /\s{2,}|\n|\s[-–—]+\s/;
/** what may sit between a bold title and its intro (a stray `*` when the bold was mistyped) */
const BOLD_SEPARATOR = /^[\s*_]*(?:[-–—:]+\s*)?/;
/** plain titles run up to 78 characters in the real list; a longer one means the separator was missed */
const MAX_PLAIN_TITLE = 120;
/** how 2025 intros open, for rows whose title and intro are separated by a single space */
const INTRO_OPENER =
  /\s(?=(?:Introduces|Proposes|Presents|Investigates|Explores|Discusses|Shows|Provides|Claims|Researchers|This (?:paper|work|study|survey|review)|The authors|We|It (?:proposes|introduces|presents))\b)/;
const BR = /^<br\s*\/?>$/i;
const ROW_LIKE = /^\s*(?:\||\d{1,3}\)\s)/;

interface HeadingDates {
  sm: number;
  sd: number;
  em: number;
  ed: number;
  year: number | null;
}

interface Row {
  line: number;
  cells: Token[];
}

interface Section {
  line: number;
  title: string;
  anchor: string;
  heading: string;
  dates: HeadingDates | null;
  start: number | null;
  end: number | null;
  rows: Row[];
  /** problems already reported for the section's tables (wrong column count, rows outside a table) */
  reported: number;
}

export function parseUpstreamList(text: string, opts: UpstreamParseOptions = {}): UpstreamParse {
  const tokens = md.parse(text, {});
  const problems: RowProblem[] = [];
  const sections: Section[] = [];
  const slugCounts = new Map<string, number>();
  let lineStarts: number[] | null = null;
  const sourceLine = (line0: number): string => {
    lineStarts ??= computeLineStarts(text);
    const from = lineStarts[line0] ?? text.length;
    const to = lineStarts[line0 + 1];
    return text.slice(from, to === undefined ? text.length : to - 1);
  };

  // Pass 1: split the token stream into edition sections; collect their table rows.
  let current: Section | null = null;
  let inBody = false;
  let skipTable = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.type) {
      case 'heading_open': {
        const inline = tokens[i + 1];
        const plain = inline?.children ? inlineText(inline.children).text.trim() : '';
        const anchor = githubAnchor(plain, slugCounts);
        const title = (inline?.content ?? '').trim();
        if (EDITION_HEADING.test(plain)) {
          current = {
            line: lineOf(t),
            title,
            anchor,
            heading: '',
            dates: null,
            start: null,
            end: null,
            rows: [],
            reported: 0,
          };
          sections.push(current);
        } else {
          current = null;
        }
        break;
      }
      case 'table_open': {
        if (!current) break;
        const cols = countHeaderCells(tokens, i);
        skipTable = cols !== 2;
        if (skipTable) {
          current.reported++;
          problems.push({
            line: lineOf(t),
            field: 'table',
            message: `the table has ${cols} columns, expected 2 (paper, links); its rows are skipped`,
            edition: current.title,
          });
        }
        break;
      }
      case 'tbody_open':
        inBody = true;
        break;
      case 'tbody_close':
        inBody = false;
        break;
      case 'tr_open': {
        if (!current || !inBody || skipTable) break;
        const cells: Token[] = [];
        let j = i + 1;
        for (; j < tokens.length && tokens[j]!.type !== 'tr_close'; j++) {
          const c = tokens[j]!;
          if (c.type === 'inline') cells.push(c);
        }
        current.rows.push({ line: lineOf(t), cells });
        i = j;
        break;
      }
      case 'paragraph_open': {
        if (!current) break;
        const inline = tokens[i + 1];
        if (inline && ROW_LIKE.test(inline.content)) {
          current.reported++;
          problems.push({
            line: lineOf(t),
            field: 'table',
            message: 'looks like a row of the papers table but is not inside a table (is the table header missing?)',
            edition: current.title,
          });
        }
        break;
      }
    }
  }

  if (sections.length === 0) {
    const where = opts.sourceUrl ? `${opts.sourceUrl}: ` : '';
    return {
      editions: [],
      problems: [
        {
          line: 1,
          field: 'heading',
          message: `${where}does not look like the upstream list: no "Top ML Papers of the Week" heading found`,
          edition: null,
        },
      ],
    };
  }

  // Pass 2: dates. The list is newest first, so a heading without a year takes the year that puts it
  // just before its newer neighbour (or, at the very top, just after its older neighbour).
  for (const s of sections) {
    const parsed = parseHeading(s.title);
    if (typeof parsed === 'string') {
      problems.push({ line: s.line, field: 'heading', message: parsed, edition: s.title });
    } else {
      s.heading = parsed.heading;
      s.dates = parsed.dates;
    }
  }
  let newerStart: number | null = null;
  for (const s of sections) {
    if (!s.dates) continue;
    let range: [number, number] | string | null = null;
    if (s.dates.year !== null) range = dateRange(s.dates, s.dates.year);
    else if (newerStart !== null) {
      const y = new Date(newerStart).getUTCFullYear();
      range = dateRange(s.dates, y);
      if (typeof range !== 'string' && range[1] > newerStart) range = dateRange(s.dates, y - 1);
    }
    if (range === null) continue; // resolved from the older side below
    if (typeof range === 'string') {
      problems.push({ line: s.line, field: 'heading', message: range, edition: s.title });
      s.dates = null;
      continue;
    }
    [s.start, s.end] = range;
    newerStart = s.start;
  }
  let olderEnd: number | null = null;
  for (let k = sections.length - 1; k >= 0; k--) {
    const s = sections[k]!;
    if (!s.dates) continue;
    if (s.start === null) {
      let range: [number, number] | string | null = null;
      if (olderEnd !== null) {
        const y = new Date(olderEnd).getUTCFullYear();
        range = dateRange(s.dates, y);
        if (typeof range !== 'string' && range[0] < olderEnd) range = dateRange(s.dates, y + 1);
      } else {
        range = 'the heading has no year and no neighbouring edition has one to infer it from';
      }
      if (typeof range === 'string') {
        problems.push({ line: s.line, field: 'heading', message: range, edition: s.title });
        s.dates = null;
        continue;
      }
      [s.start, s.end] = range;
    }
    olderEnd = s.end;
  }

  // Pass 3: rows of the editions whose dates are known.
  const editions: UpstreamEdition[] = [];
  for (const s of sections) {
    if (!s.dates || s.start === null || s.end === null) continue;
    if (s.rows.length === 0) {
      if (s.reported === 0) {
        problems.push({
          line: s.line,
          field: 'table',
          message: 'the edition has no rows of papers; it is skipped',
          edition: s.title,
        });
      }
      continue;
    }
    const entries: UpstreamEntry[] = [];
    const seen = new Map<number, number>();
    for (const row of s.rows) {
      const r = parseRow(row, s.title, sourceLine);
      if ('field' in r) {
        problems.push(r);
        continue;
      }
      const earlier = seen.get(r.position);
      if (earlier !== undefined) {
        problems.push({
          line: r.line,
          field: 'position',
          message: `position ${r.position} is already used on line ${earlier}; this row is skipped`,
          edition: s.title,
        });
        continue;
      }
      seen.set(r.position, r.line);
      entries.push(r);
    }
    if (entries.length === 0) continue; // every row already has its problem
    editions.push({
      line: s.line,
      heading: s.heading,
      anchor: s.anchor,
      startDate: isoDate(s.start),
      endDate: isoDate(s.end),
      title: s.title,
      entries,
    });
  }

  problems.sort((a, b) => a.line - b.line);
  return { editions, problems };
}

function parseRow(row: Row, edition: string, sourceLine: (line0: number) => string): UpstreamEntry | RowProblem {
  const problem = (field: RowProblem['field'], message: string): RowProblem => ({ line: row.line, field, message, edition });
  const extra = countRowCells(sourceLine(row.line - 1));
  if (extra > row.cells.length) {
    return problem('table', `the row has ${extra} cells but the table has ${row.cells.length}; unescaped "|" in the text?`);
  }
  const first = row.cells[0];
  const last = row.cells[row.cells.length - 1];
  if (!first || !last || row.cells.length < 2) return problem('table', 'not a row of the papers table');
  const children = first.children ?? [];
  // Links at the very end of the first cell, after the intro's last sentence, belong to the links cell
  // (the `|` between the cells is missing); links inside the intro's sentences stay part of the intro.
  const cut = trailingLinksStart(children);
  const { text, emphasis } = inlineText(cut === children.length ? children : children.slice(0, cut));
  const pos = POSITION.exec(text);
  if (!pos) return problem('position', `no position number ("1) ") at the start of the row: ${preview(text)}`);
  const position = Number(pos[1]);
  const afterNum = pos[0].length;

  let title: string;
  let rest: string;
  if (emphasis && emphasis[0] >= afterNum && text.slice(afterNum, emphasis[0]).trim() === '') {
    // 2023–2024: `1) **Title** - intro`
    title = text.slice(emphasis[0], emphasis[1]).replace(/[\s*_]*[:\-–—]?[\s*_]*$/, '');
    rest = text.slice(emphasis[1]).replace(BOLD_SEPARATOR, '');
  } else {
    // 2025: `1) Title  Intro`; late 2024: `1) Title - intro`
    const body = text.slice(afterNum);
    const sep = PLAIN_SEPARATOR.exec(body);
    title = sep ? body.slice(0, sep.index) : body;
    rest = sep ? body.slice(sep.index + sep[0].length) : '';
    if (title.length > MAX_PLAIN_TITLE) {
      // a single space between title and intro: split before the intro's usual opening words
      const opener = INTRO_OPENER.exec(body);
      if (!opener || opener.index > MAX_PLAIN_TITLE) {
        return problem('title', `cannot tell where the title ends and the intro begins: ${preview(body)}`);
      }
      title = body.slice(0, opener.index);
      rest = body.slice(opener.index);
    }
  }
  title = title.replace(/\s+/g, ' ').trim();
  if (!title) return problem('title', `no title after the position number: ${preview(text)}`);
  const intro = cleanIntro(rest);

  const links = cellLinks(children.slice(cut));
  for (const l of cellLinks(last.children ?? [])) links.push(l);
  if (links.length === 0) {
    return problem('links', `no links in the last cell of the row for "${title}"`);
  }
  return { line: row.line, position, label: title, intro, links, paper: pickPaper(links) };
}

/**
 * Index of the first of the links that end a cell after a finished sentence (`… infrastructure.  [Report](…)`),
 * or children.length when the cell does not end that way.
 */
function trailingLinksStart(children: Token[]): number {
  let cut = children.length;
  let i = children.length - 1;
  for (;;) {
    while (i >= 0 && children[i]!.type === 'text' && /^[\s,]*$/.test(children[i]!.content)) i--;
    if (i < 0 || children[i]!.type !== 'link_close') break;
    let j = i - 1;
    while (j >= 0 && children[j]!.type !== 'link_open') j--;
    if (j < 0) break;
    cut = j;
    i = j - 1;
  }
  if (cut === children.length) return cut;
  const before = children[cut - 1];
  if (!before || before.type !== 'text' || !/[.!?)"”]\s+,?\s*$/.test(before.content)) return children.length;
  return cut;
}

/** The paper of an entry: an arXiv link, else a paper link, else anything but a tweet, else the first link. */
function pickPaper(links: Link[]): PaperIdentity {
  const chosen =
    links.find((l) => arxivIdFromUrl(l.url) !== null) ??
    links.find((l) => l.kind === 'paper') ??
    links.find((l) => l.kind !== 'tweet') ??
    links[0]!;
  return paperIdentity(chosen.url);
}

function cellLinks(children: Token[]): Link[] {
  const links: Link[] = [];
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.type !== 'link_open') continue;
    const href = String(c.attrGet('href') ?? '');
    let j = i + 1;
    const inner: Token[] = [];
    for (; j < children.length && children[j]!.type !== 'link_close'; j++) inner.push(children[j]!);
    i = j;
    if (!href.trim()) continue;
    links.push(makeLink(cleanLabel(inlineText(inner).text), href));
  }
  return links;
}

/** `Tweet)` → `Tweet`: drop a bracket that has no partner. */
function cleanLabel(raw: string): string {
  let s = raw.replace(/\s+/g, ' ').trim();
  if (/[)\]]$/.test(s) && !/[([]/.test(s)) s = s.slice(0, -1).trim();
  if (/^[([]/.test(s) && !/[)\]]/.test(s)) s = s.slice(1).trim();
  return s;
}

function cleanIntro(raw: string): string {
  if (!raw.includes('\n')) return collapseSpaces(raw).trim();
  const lines: string[] = [];
  for (const l of raw.split('\n')) {
    const s = collapseSpaces(l).trim();
    if (s) lines.push(s);
  }
  return lines.join('\n');
}

/** Runs of spaces and tabs → one space (single spaces are left alone, which keeps this cheap). */
function collapseSpaces(s: string): string {
  return s.replace(/[ \t]{2,}|\t/g, ' ');
}

/**
 * The text of an inline token list as a reader sees it: escapes resolved, link labels kept (not their
 * URLs), `<br>` as a newline, other inline HTML kept verbatim (the list writes `<think>` as text),
 * emphasis markers dropped. `emphasis` is the range of the first bold (or italic) span.
 */
function inlineText(children: Token[]): { text: string; emphasis: [number, number] | null } {
  let out = '';
  let depth = 0;
  let start = -1;
  let emphasis: [number, number] | null = null;
  for (const c of children) {
    switch (c.type) {
      case 'text':
      case 'text_special':
      case 'code_inline':
      case 'image':
        out += c.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'html_inline':
        out += BR.test(c.content) ? '\n' : c.content;
        break;
      case 'strong_open':
      case 'em_open':
        if (depth++ === 0 && start < 0) start = out.length;
        break;
      case 'strong_close':
      case 'em_close':
        if (--depth === 0 && emphasis === null && start >= 0) emphasis = [start, out.length];
        break;
    }
  }
  return { text: out, emphasis };
}

function parseHeading(title: string): { heading: string; dates: HeadingDates } | string {
  const parts = HEADING_PARTS.exec(title);
  if (!parts) return `cannot read the dates of the heading "${title}" (expected "Top ML Papers of the Week (June 23 - June 29) - 2025")`;
  const heading = parts[1]!.trim();
  const r = RANGE.exec(heading);
  if (!r) return `cannot read the date range "${heading}" (expected "Month D - Month D" or "Mon D-D")`;
  const sm = MONTHS[r[1]!.toLowerCase()];
  const em = r[3] === undefined ? sm : MONTHS[r[3].toLowerCase()];
  if (sm === undefined || em === undefined) return `unknown month name in "${heading}"`;
  const yearText = parts[2] ?? r[5];
  if (parts[2] !== undefined && r[5] !== undefined && parts[2] !== r[5]) return `two different years in "${title}"`;
  return {
    heading,
    dates: { sm, sd: Number(r[2]), em, ed: Number(r[4]), year: yearText === undefined ? null : Number(yearText) },
  };
}

/** UTC milliseconds of start and end when the week ends in `endYear`, or why that is impossible. */
function dateRange(d: HeadingDates, endYear: number): [number, number] | string {
  const startYear = d.sm > d.em ? endYear - 1 : endYear;
  if (d.sd < 1 || d.sd > daysIn(startYear, d.sm)) return `day ${d.sd} does not exist in month ${d.sm} of ${startYear}`;
  if (d.ed < 1 || d.ed > daysIn(endYear, d.em)) return `day ${d.ed} does not exist in month ${d.em} of ${endYear}`;
  const start = Date.UTC(startYear, d.sm - 1, d.sd);
  const end = Date.UTC(endYear, d.em - 1, d.ed);
  const span = (end - start) / DAY_MS;
  if (span < 0 || span > MAX_SPAN_DAYS) {
    return `the dates ${isoDate(start)} to ${isoDate(end)} do not make a week (${span} days)`;
  }
  return [start, end];
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** GitHub's heading anchor (github-slugger): lower-case, punctuation dropped, each space a `-`, `-1` for repeats. */
function githubAnchor(text: string, counts: Map<string, number>): string {
  const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
  const n = counts.get(base);
  counts.set(base, (n ?? 0) + 1);
  return n === undefined ? base : `${base}-${n}`;
}

function lineOf(t: Token): number {
  return (t.map?.[0] ?? 0) + 1;
}

function countHeaderCells(tokens: Token[], tableOpen: number): number {
  let n = 0;
  for (let j = tableOpen + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.type === 'th_open') n++;
    else if (t.type === 'tr_close') break;
  }
  return n;
}

/** Cells of a source table row, split as markdown-it splits them (an escaped `\|` does not split). */
function countRowCells(line: string): number {
  const s = line.trim();
  let n = 1;
  for (let i = s.indexOf('|'); i !== -1; i = s.indexOf('|', i + 1)) if (i === 0 || s.charCodeAt(i - 1) !== 0x5c) n++;
  if (s.startsWith('|')) n--;
  if (s.length > 1 && s.endsWith('|') && !s.endsWith('\\|')) n--;
  return n;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function preview(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `"${one.slice(0, 60)}…"` : `"${one}"`;
}
