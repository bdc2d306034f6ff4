// Parsers for the l-yohai/daily_papers_ko archive of Hugging Face daily papers: one Markdown file per
// day (paper_logs/YYYY/MM/DD.md) and the archive's index papers_list.csv. Pure: text in, candidate
// records and problems out; the caller reads the files (see ../decode.ts) and names them in `where`.
//
// A day file looks like this (each paper one block, Korean bullets after the authors):
//
//   ## Daily Papers (2024-04-01)
//
//   ### [Jamba: A Hybrid Transformer-Mamba Language Model](https://arxiv.org/abs/2403.19887)
//
//   ![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2403.19887.png)
//
//   Vote: 47
//
//   Authors: Nir Ratner, Barak Lenz, …
//
//   - Jamba는 새로운 대규모 기반 언어 모델로서, …
//
// The bullets are a machine-made Korean summary, not the paper's abstract, so `abstract` is null.
// The format is regular enough to read line by line; each regular expression looks at one line.
import { parse } from 'csv-parse/sync';
import type { CsvError, InfoRecord } from 'csv-parse/sync';
import {
  candidatePaper,
  isIsoDay,
  oneLine,
  quote,
  candidateRecord,
  type CandidateParse,
  type CandidateProblem,
  type CandidateRecord,
} from '../candidates.js';

export interface DailyMdOptions {
  /** names the file in problems, e.g. `2024-04-01.md` */
  where: string;
}

const DAY_HEADING = /^##\s+Daily Papers\s*\((.*)\)\s*$/i;
const ANY_H2 = /^##(?!#)\s/;
const PAPER_HEADING = /^###(?!#)\s*(.*?)\s*$/;
/** `[Title](URL)`: the title runs to the last `](`, so brackets inside it are kept */
const LINKED_TITLE = /^\[(.*)\]\(\s*<?([^\s<>]+?)>?\s*\)$/;
const VOTE = /^Vote:\s*(.*?)\s*$/i;
const AUTHORS = /^Authors:\s*(.*?)\s*$/i;
const MD_ESCAPE = /\\([!-/:-@[-`{-~])/g;

interface Block {
  line: number;
  day: string;
  title: string;
  url: string;
  vote: string | null;
  voteLine: number;
  authors: string | null;
}

/** One day file of l-yohai/daily_papers_ko. */
export function parseDailyPapersMarkdown(text: string, opts: DailyMdOptions): CandidateParse {
  const { where } = opts;
  const problems: CandidateProblem[] = [];
  const problem = (line: number, field: string, message: string) =>
    problems.push({ where: `${where}:${line}`, field, message });
  const blocks: Block[] = [];
  let day: string | null = null;
  let sawHeading = false;
  let current: Block | null = null;
  let skipping = false; // inside a block already reported as unreadable

  const lines = text.split(/\r\n?|\n/);
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (ANY_H2.test(line)) {
      current = null;
      skipping = false;
      const h = DAY_HEADING.exec(line);
      if (!h) return; // another section: its ### blocks are not papers of a day
      sawHeading = true;
      const d = h[1]!.trim();
      if (isIsoDay(d)) day = d;
      else {
        day = null;
        problem(n, 'day', `the heading's date ${quote(d)} is not a YYYY-MM-DD day; the papers under it are skipped`);
      }
      return;
    }
    const ph = PAPER_HEADING.exec(line);
    if (ph) {
      current = null;
      skipping = true;
      if (day === null) {
        // no valid `## Daily Papers (…)` heading above: a bad heading was reported where it stands
        if (!sawHeading) problem(n, 'day', 'a paper before any "## Daily Papers (YYYY-MM-DD)" heading; skipped');
        return;
      }
      const body = ph[1]!;
      const link = LINKED_TITLE.exec(body);
      if (!link) {
        problem(n, 'link', `the paper heading has no [title](URL) link: ${quote(body)}; skipped`);
        return;
      }
      const title = oneLine(link[1]!.replace(MD_ESCAPE, '$1'));
      if (!title) {
        problem(n, 'title', `the paper heading's link has no title: ${quote(body)}; skipped`);
        return;
      }
      const url = link[2]!;
      if (!/^https?:\/\/\S+$/i.test(url)) {
        problem(n, 'link', `the link of ${quote(title)} is not an http(s) URL: ${quote(url)}; skipped`);
        return;
      }
      skipping = false;
      current = { line: n, day, title, url, vote: null, voteLine: n, authors: null };
      blocks.push(current);
      return;
    }
    if (skipping || current === null) return;
    const block: Block = current;
    const v = VOTE.exec(line);
    if (v && block.vote === null) {
      block.vote = v[1]!;
      block.voteLine = n;
      return;
    }
    const a = AUTHORS.exec(line);
    if (a && block.authors === null) block.authors = a[1]!;
  });

  if (!sawHeading && blocks.length === 0 && problems.length === 0) {
    problem(1, 'day', 'no "## Daily Papers (YYYY-MM-DD)" heading; this does not look like a daily papers file');
  }

  const records: CandidateRecord[] = [];
  const seen = new Map<string, number>();
  for (const b of blocks) {
    const paper = candidatePaper(b.url);
    const key = `${b.day} ${paper.url}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem(b.line, 'link', `${paper.arxivId ?? paper.url} is already listed for ${b.day} on line ${earlier}; skipped`);
      continue;
    }
    seen.set(key, b.line);
    let upvotes: number | null = null;
    if (b.vote === null) problem(b.line, 'vote', `no "Vote: N" line for ${quote(b.title)}; upvotes left empty`);
    else if (/^\d{1,9}$/.test(b.vote)) upvotes = Number(b.vote);
    else problem(b.voteLine, 'vote', `the vote ${quote(b.vote)} of ${quote(b.title)} is not a whole number; left empty`);
    let authors: string[] = [];
    if (b.authors === null) problem(b.line, 'authors', `no "Authors:" line for ${quote(b.title)}; authors left empty`);
    else authors = b.authors.split(',').map(oneLine).filter((s) => s !== '');
    records.push(candidateRecord({ source: 'daily-md', day: b.day, arxivId: paper.arxivId, url: paper.url, title: b.title, authors, upvotes }));
  }
  problems.sort((x, y) => lineOf(x) - lineOf(y));
  return { records, problems };
}

export interface PapersListOptions {
  /** names the file in problems; default `papers_list.csv` */
  where?: string;
}

const CSV_COLUMNS = ['date', 'title', 'url'] as const;

interface Parsed {
  record: string[];
  raw: string;
  info: InfoRecord;
}

/**
 * The archive's index, papers_list.csv (`date,title,url`; titles with commas or quotes are quoted).
 * It has no votes or authors: records carry the day, title and paper only.
 */
export function parsePapersListCsv(text: string, opts: PapersListOptions = {}): CandidateParse {
  const where = opts.where ?? 'papers_list.csv';
  const problems: CandidateProblem[] = [];
  const problem = (line: number, field: string, message: string) =>
    problems.push({ where: `${where}:${line}`, field, message });
  let parsed: Parsed[];
  try {
    parsed = parse(text, {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      // a `"` inside an unquoted title is a character of the title, not the start of a quoted field
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined, raw: string | undefined) => {
        const end = typeof err?.lines === 'number' ? err.lines : 1;
        problem(startLine(end, raw ?? ''), '(record)', `not a valid CSV record: ${err?.message ?? 'unknown error'}; skipped`);
        return undefined;
      },
    }) as unknown as Parsed[];
  } catch (e) {
    const lines = (e as { lines?: unknown }).lines;
    const message = e instanceof Error ? e.message : String(e);
    problem(typeof lines === 'number' ? lines : 1, '(file)', `not valid CSV: ${message}`);
    return { records: [], problems };
  }

  const header = parsed[0];
  if (!header) {
    problem(1, '(header)', `the file is empty; expected the header ${CSV_COLUMNS.join(',')}`);
    return { records: [], problems };
  }
  const index = new Map<string, number>();
  header.record.forEach((name, i) => {
    const k = name.trim().toLowerCase();
    if (!index.has(k)) index.set(k, i);
  });
  const missing = CSV_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    problem(
      startLine(header.info.lines, header.raw),
      '(header)',
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${CSV_COLUMNS.join(',')})`,
    );
    return { records: [], problems };
  }

  const records: CandidateRecord[] = [];
  const seen = new Map<string, number>();
  for (const rec of parsed.slice(1)) {
    const line = startLine(rec.info.lines, rec.raw);
    const get = (c: (typeof CSV_COLUMNS)[number]): string => (rec.record[index.get(c)!] ?? '').trim();
    if (rec.record.length !== header.record.length) {
      problem(line, '(record)', `the record has ${rec.record.length} fields, the header ${header.record.length}; skipped`);
      continue;
    }
    const day = get('date');
    if (!isIsoDay(day)) {
      problem(line, 'date', `${quote(day)} is not a YYYY-MM-DD day; skipped`);
      continue;
    }
    const title = oneLine(get('title'));
    if (!title) {
      problem(line, 'title', 'the title is empty; skipped');
      continue;
    }
    const url = get('url');
    if (!/^https?:\/\/\S+$/i.test(url)) {
      problem(line, 'url', `the url of ${quote(title)} is ${url ? `not an http(s) URL: ${quote(url)}` : 'empty'}; skipped`);
      continue;
    }
    const paper = candidatePaper(url);
    const key = `${day} ${paper.url}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem(line, 'url', `${paper.arxivId ?? paper.url} is already listed for ${day} on line ${earlier}; skipped`);
      continue;
    }
    seen.set(key, line);
    records.push(candidateRecord({
      source: 'daily-md',
      day,
      arxivId: paper.arxivId,
      url: paper.url,
      title,
    }));
  }
  problems.sort((x, y) => lineOf(x) - lineOf(y));
  return { records, problems };
}

function lineOf(p: CandidateProblem): number {
  const m = /:(\d+)$/.exec(p.where);
  return m ? Number(m[1]) : 0;
}

/**
 * csv-parse reports the line a record ends on; `raw` (with the empty lines skipped before it and the
 * record delimiter after it) tells how many lines the record spans.
 */
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^(?:\r?\n|\r)+/, '').replace(/(?:\r?\n|\r)$/, '');
  let breaks = 0;
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) breaks++;
  return Math.max(1, endLine - breaks);
}
