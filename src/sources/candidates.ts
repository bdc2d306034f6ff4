// Candidate papers: papers proposed for a week's edition, with the popularity signals their source
// gives (HF upvotes and comments, l-yohai's votes, monologg's topic tags, GitHub stars).
//
// The shared record type of every candidate source and a few pure helpers. The parsers live with
// their source (hf-daily/parse.ts, pools/daily-md.ts, pools/monologg.ts); none of them touches the
// file system, the store or the network: the caller reads the file and names it in `where`.
import { paperIdentity } from '../domain/paper-key.js';

export type CandidateSource = 'hf' | 'daily-md' | 'monologg' | 'arxiv';

export interface CandidateRecord {
  source: CandidateSource;
  /** the day it was listed (YYYY-MM-DD) */
  day: string;
  /** normalised, no version */
  arxivId: string | null;
  /** arXiv abs URL when there is an id, else the normalised URL the source gave */
  url: string;
  title: string;
  abstract: string | null;
  authors: string[];
  upvotes: number | null;
  comments: number | null;
  /** the code repository link the source gave (a GitHub URL in nearly every case) */
  githubRepo: string | null;
  githubStars: number | null;
  /** keyword tags the source gave (monologg's topic sections) */
  tags: string[];
  /** when the paper itself was published, as the source gives it (HF: an ISO instant), else null */
  publishedAt: string | null;
}

export interface CandidateProblem {
  /** `file:line` (1-based) for text sources, `file#index` (0-based array index) or `file#section/id` for JSON */
  where: string;
  field: string;
  message: string;
}

export interface CandidateParse {
  records: CandidateRecord[];
  problems: CandidateProblem[];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written YYYY-MM-DD (2024-02-30 is not one). */
export function isIsoDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Hard wraps, indentation and runs of spaces → one space; trimmed. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** The paper a candidate is about: the arXiv id (no version) and abs URL when the id or URL is arXiv's. */
export function candidatePaper(urlOrId: string): { arxivId: string | null; url: string } {
  const p = paperIdentity(urlOrId);
  return { arxivId: p.arxivId, url: p.url };
}

/** A record with what a source gives; everything it does not give is null or empty. */
export function candidateRecord(given: Pick<CandidateRecord, 'source' | 'day' | 'arxivId' | 'url' | 'title'> & Partial<CandidateRecord>): CandidateRecord {
  return { abstract: null, authors: [], upvotes: null, comments: null, githubRepo: null, githubStars: null, tags: [], publishedAt: null, ...given };
}

/** A short quote of untrusted text for a problem message. */
export function quote(s: string, max = 60): string {
  const t = oneLine(s);
  return t.length > max ? `"${t.slice(0, max)}…"` : `"${t}"`;
}

/** What an unexpected JSON value is, for a problem message: `an array`, `the string "…"`, `number 42`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${quote(v, 40)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** A source file's JSON, or the one problem that says it is not JSON (no records, no throw). */
export function readJson(jsonText: string, where: string): { doc: unknown } | { failed: CandidateParse } {
  try {
    return { doc: JSON.parse(jsonText) as unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { failed: { records: [], problems: [{ where, field: '(file)', message: `not valid JSON: ${message}` }] } };
  }
}
