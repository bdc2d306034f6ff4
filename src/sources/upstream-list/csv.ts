// Parser for the list's 2023 CSV export (research/ml-potw-10232023.csv: Title, Description, PaperURL,
// TweetURL, Abstract). Pure: text in, rows and problems out; the caller reads the file (../decode.ts).
import { parse } from 'csv-parse/sync';
import type { CsvError, InfoRecord } from 'csv-parse/sync';
import { paperIdentity, type PaperIdentity } from '../../domain/paper-key.js';

export interface CsvRow {
  /** 1-based source line where the record starts (a quoted field may span lines) */
  line: number;
  title: string;
  intro: string;
  paper: PaperIdentity;
  tweetUrl: string | null;
  abstract: string | null;
}

export interface CsvProblem {
  line: number;
  field: 'header' | 'title' | 'links' | 'table';
  message: string;
}

export interface UpstreamCsvParse {
  rows: CsvRow[];
  problems: CsvProblem[];
}

export const CSV_COLUMNS = ['Title', 'Description', 'PaperURL', 'TweetURL', 'Abstract'] as const;
type Column = (typeof CSV_COLUMNS)[number];

interface Parsed {
  record: string[];
  raw: string;
  info: InfoRecord;
}

export function parseUpstreamCsv(text: string): UpstreamCsvParse {
  const problems: CsvProblem[] = [];
  let records: Parsed[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined, raw: string | undefined) => {
        const end = typeof err?.lines === 'number' ? err.lines : 1;
        const line = startLine(end, raw ?? '');
        problems.push({ line, field: 'table', message: `not a valid CSV record: ${err?.message ?? 'unknown error'}` });
        return undefined;
      },
    }) as unknown as Parsed[];
  } catch (e) {
    const lines = (e as { lines?: unknown }).lines;
    const message = e instanceof Error ? e.message : String(e);
    return {
      rows: [],
      problems: [{ line: typeof lines === 'number' ? lines : 1, field: 'table', message: `not valid CSV: ${message}` }],
    };
  }

  const header = records[0];
  if (!header) return { rows: [], problems: [{ line: 1, field: 'header', message: 'the file is empty; expected a header row' }] };
  const index = new Map<string, number>();
  header.record.forEach((name, i) => {
    if (!index.has(name.trim())) index.set(name.trim(), i);
  });
  const missing = CSV_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    return {
      rows: [],
      problems: [
        {
          line: startLine(header.info.lines, header.raw),
          field: 'header',
          message: `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${CSV_COLUMNS.join(', ')})`,
        },
      ],
    };
  }

  const rows: CsvRow[] = [];
  for (const rec of records.slice(1)) {
    const line = startLine(rec.info.lines, rec.raw);
    const get = (c: Column): string => (rec.record[index.get(c)!] ?? '').trim();
    if (rec.record.length !== header.record.length) {
      problems.push({
        line,
        field: 'table',
        message: `the record has ${rec.record.length} fields, the header ${header.record.length}; it is skipped`,
      });
      continue;
    }
    const title = get('Title').replace(/\s+/g, ' ');
    if (!title) {
      problems.push({ line, field: 'title', message: 'the Title is empty; the record is skipped' });
      continue;
    }
    const paperUrl = get('PaperURL');
    if (!paperUrl) {
      problems.push({ line, field: 'links', message: `no PaperURL for "${title}"; the record is skipped` });
      continue;
    }
    if (!/^https?:\/\/\S+$/i.test(paperUrl)) {
      problems.push({ line, field: 'links', message: `the PaperURL of "${title}" is not a URL: "${paperUrl.slice(0, 80)}"` });
      continue;
    }
    const tweet = get('TweetURL');
    const abstract = get('Abstract');
    rows.push({
      line,
      title,
      intro: get('Description').replace(/\s+/g, ' '),
      paper: paperIdentity(paperUrl),
      tweetUrl: tweet === '' ? null : tweet,
      abstract: abstract === '' ? null : abstract,
    });
  }
  problems.sort((a, b) => a.line - b.line);
  return { rows, problems };
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
