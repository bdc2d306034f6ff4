// Parser for the monthly JSON files of monologg/nlp-arxiv-daily (2024-03.json, 2024-04.json, …).
// Pure: JSON text in, candidate records and problems out; the caller reads the file and names it in
// `where`.
//
// The top-level keys are topic sections (NLP, LLM, LLM Agent, RAG, Reasoning, …); each maps an arXiv
// id (no version) to one Markdown line about the paper. Two line formats occur, depending on the
// section:
//
//   table row  |**2024-04-02**|**Title**|Zhuo Chen et.al.|[2404.02068v1](http://arxiv.org/abs/2404.02068v1)|**[link](https://github.com/…)**|
//              (the last cell is `null` when there is no code)
//   list item  - 2024-04-02, **Title**, Zhuo Chen et.al., Paper: [http://arxiv.org/abs/2404.02068v1](http://arxiv.org/abs/2404.02068v1), Code: **[https://github.com/…](https://github.com/…)**
//              (`, Code: …` is absent when there is no code)
//
// One record per arXiv id. A paper listed in several sections gets every section as a tag; the rows
// can disagree, because sections were fetched at different times and arXiv versions: the record takes
// the earliest date as its day, the title and first author of the row with the highest arXiv version
// (the first such row on a tie), and the first code link of the rows in that same order. A row that
// cannot be read is a problem naming its section and id, and only that row is left out; the paper
// still gets a record from its other rows.
import { normaliseUrl, parseArxivId } from '../../domain/paper-key.js';
import { candidateRecord, describeValue, isIsoDay, oneLine, quote, readJson, type CandidateParse, type CandidateProblem, type CandidateRecord } from '../candidates.js';

export interface MonologgOptions {
  /** names the file in problems, e.g. `2024-04.json` */
  where: string;
}

/** The parts of one line, still as Markdown. */
interface RawRow {
  date: string;
  title: string;
  author: string;
  paper: string;
  /** null when the row says there is no code */
  code: string | null;
}

interface Row {
  order: number;
  section: string;
  day: string;
  title: string;
  author: string | null;
  version: number;
  code: string | null;
}

const BOLD = /^\*\*(.*)\*\*$/;
const LIST_ITEM = /^-\s+(.*?),\s+\*\*(.*)\*\*,\s+(.*?),\s+Paper:\s+(.*?)(?:,\s+Code:\s+(.*))?$/;
const LINK = /^\[([^\]]*)\]\(\s*([^\s)]+)\s*\)$/;
const ET_AL = /\s*\bet\.?\s*al\.?\s*$/i;

export function parseMonologgMonth(jsonText: string, opts: MonologgOptions): CandidateParse {
  const { where } = opts;
  const read = readJson(jsonText, where);
  if ('failed' in read) return read.failed;
  const doc = read.doc;
  if (!isPlainObject(doc)) {
    return {
      records: [],
      problems: [{ where, field: '(file)', message: `expected an object of topic sections, got ${describeValue(doc)}` }],
    };
  }

  const problems: CandidateProblem[] = [];
  const rows = new Map<string, Row[]>();
  let order = 0;
  for (const [sectionName, entries] of Object.entries(doc)) {
    const section = sectionName.trim();
    if (!isPlainObject(entries)) {
      problems.push({
        where: `${where}#${section}`,
        field: 'section',
        message: `section ${quote(section)} should map arXiv ids to rows, got ${describeValue(entries)}; skipped`,
      });
      continue;
    }
    for (const [key, value] of Object.entries(entries)) {
      const problem = (field: string, message: string) =>
        problems.push({ where: `${where}#${section}/${key}`, field, message: `${section} ${key}: ${message}` });
      const id = parseArxivId(key);
      if (id === null) {
        problem('id', `the key ${quote(key)} is not an arXiv id; the row is skipped`);
        continue;
      }
      if (typeof value !== 'string') {
        problem('row', `expected a Markdown row, got ${describeValue(value)}; skipped`);
        continue;
      }
      const raw = splitRow(value.trim());
      if (typeof raw === 'string') {
        problem('row', `${raw}: ${quote(value)}; skipped`);
        continue;
      }
      const row = readRow(raw, id, problem);
      if (row === null) continue;
      const list = rows.get(id) ?? [];
      list.push({ ...row, order: order++, section });
      rows.set(id, list);
    }
  }

  const records: CandidateRecord[] = [];
  for (const [id, list] of rows) {
    const byVersion = [...list].sort((a, b) => b.version - a.version || a.order - b.order);
    const best = byVersion[0]!;
    const day = list.reduce((d, r) => (r.day < d ? r.day : d), best.day);
    const tags: string[] = [];
    for (const r of list) if (!tags.includes(r.section)) tags.push(r.section);
    records.push(
      candidateRecord({
        source: 'monologg',
        day,
        arxivId: id,
        url: `https://arxiv.org/abs/${id}`,
        title: best.title,
        authors: best.author === null ? [] : [best.author],
        githubRepo: byVersion.find((r) => r.code !== null)?.code ?? null,
        tags,
      }),
    );
  }
  return { records, problems };
}

/** The five parts of a table row or a list item, or why the line is neither. */
function splitRow(line: string): RawRow | string {
  if (line.startsWith('|')) {
    const cells = splitCells(line);
    // a `|` inside the title makes more cells: the title takes everything between the date and the author
    if (cells.length < 5) return `a table row with ${cells.length} cells, expected 5 (date, title, author, paper, code)`;
    const n = cells.length;
    const code = cells[n - 1]!.trim();
    return {
      date: unbold(cells[0]!),
      title: unbold(cells.slice(1, n - 3).join('|')),
      author: cells[n - 3]!.trim(),
      paper: cells[n - 2]!.trim(),
      code: code === 'null' || code === '' ? null : code,
    };
  }
  if (line.startsWith('-')) {
    const m = LIST_ITEM.exec(line);
    if (!m) return 'a list item that is not "- date, **title**, author, Paper: [..](..)[, Code: ..]"';
    return { date: m[1]!, title: m[2]!, author: m[3]!, paper: m[4]!, code: m[5] ?? null };
  }
  return 'neither a table row ("|**date**|…") nor a list item ("- date, …")';
}

/** Cells of a Markdown table row; an escaped `\|` does not split. Cells are not trimmed. */
function splitCells(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/);
}

function readRow(
  raw: RawRow,
  id: string,
  problem: (field: string, message: string) => void,
): Omit<Row, 'order' | 'section'> | null {
  const day = raw.date.trim();
  if (!isIsoDay(day)) {
    problem('date', `the date ${quote(raw.date)} is not a YYYY-MM-DD day; the row is skipped`);
    return null;
  }
  const title = oneLine(raw.title.replace(/\\\|/g, '|'));
  if (!title) {
    problem('title', 'the row has no title; skipped');
    return null;
  }
  const link = LINK.exec(raw.paper);
  if (!link) {
    problem('paper', `no [id](arXiv URL) link in the paper cell ${quote(raw.paper)}; the row is skipped`);
    return null;
  }
  const versioned = /\/abs\/([^/?#]+)/.exec(link[2]!)?.[1] ?? link[1]!;
  const linkId = parseArxivId(versioned);
  if (linkId === null) {
    problem('paper', `the paper link ${quote(link[2]!)} has no arXiv id; the row is skipped`);
    return null;
  }
  if (linkId !== id) {
    problem('paper', `the paper link is for ${linkId}, not ${id}; the row is skipped`);
    return null;
  }
  const version = Number(/v(\d+)$/i.exec(versioned)?.[1] ?? 0);
  const author = oneLine(raw.author.replace(ET_AL, ''));
  if (!author) problem('author', 'the row names no author; authors left empty');
  let code: string | null = null;
  if (raw.code !== null) {
    const c = LINK.exec(unbold(raw.code));
    if (c && /^https?:\/\/\S+$/i.test(c[2]!)) code = normaliseUrl(c[2]!);
    else problem('code', `the code cell ${quote(raw.code)} is not a link; left empty`);
  }
  return { day, title, author: author || null, version, code };
}

/** `**text**` → `text`; anything else as it is. */
function unbold(s: string): string {
  return BOLD.exec(s.trim())?.[1]?.trim() ?? s.trim();
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
