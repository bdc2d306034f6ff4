// The arXiv API's Atom feed → plain records. Pure: no I/O; the HTTP client (client.ts) owns the
// network and hands the body here.
//
// Two generations of the feed are read: the current one (2026 recordings) and the 2016 one whose
// title and summary are hard-wrapped. An entry whose id is `…/api/errors#…` is arXiv's way of
// reporting a bad request (HTTP 400); it becomes an ArxivFeedError, not a record.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { parseArxivId } from '../../domain/paper-key.js';
import { PaperboyError } from '../../errors.js';

export interface ArxivRecord {
  /** the arXiv id without version, e.g. `2104.12255` or `astro-ph/0601001` */
  arxivId: string;
  version: number | null;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  primaryCategory: string | null;
  publishedAt: string | null;
  updatedAt: string | null;
  absUrl: string;
  pdfUrl: string | null;
  comment: string | null;
  doi: string | null;
}

export interface ArxivFeedError {
  /** the arXiv id the error is about when the message names one (`incorrect id format for abc` → `abc`) */
  id: string | null;
  message: string;
}

export interface ArxivFeed {
  entries: ArxivRecord[];
  errors: ArxivFeedError[];
  /** `opensearch:totalResults`, null when absent */
  totalResults: number | null;
}

const ARRAY_PATHS = new Set(['feed.entry', 'feed.entry.author', 'feed.entry.category', 'feed.entry.link']);

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // keep every value a string: a title may be "0", an id "0704.0001"
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // numeric character references (&#233;) are only decoded with this on
  htmlEntities: true,
  processEntities: { enabled: true, maxTotalExpansions: 1_000_000, maxExpandedLength: 50_000_000 },
  isArray: (_name, jpath) => typeof jpath === 'string' && ARRAY_PATHS.has(jpath),
});

// ---- the raw shape fast-xml-parser gives for an entry -------------------------------------------

/** An element's text: a string, or `{ '#text': string, '@_…': … }` when it has attributes. */
const TextNode = z.union([z.string(), z.looseObject({ '#text': z.string().optional() })]).transform((v) =>
  typeof v === 'string' ? v : (v['#text'] ?? ''),
);
const Attrs = z.looseObject({
  '@_term': z.string().optional(),
  '@_href': z.string().optional(),
  '@_rel': z.string().optional(),
  '@_type': z.string().optional(),
  '@_title': z.string().optional(),
});

const RawEntry = z.looseObject({
  id: TextNode,
  title: TextNode.optional(),
  summary: TextNode.optional(),
  published: TextNode.optional(),
  updated: TextNode.optional(),
  author: z.array(z.union([z.looseObject({ name: TextNode }), z.string()])).optional(),
  category: z.array(Attrs).optional(),
  link: z.array(Attrs).optional(),
  primary_category: Attrs.optional(),
  comment: TextNode.optional(),
  doi: TextNode.optional(),
});
type RawEntry = z.infer<typeof RawEntry>;

// ---- helpers ------------------------------------------------------------------------------------

/** Collapse every whitespace run (hard wraps, indentation) to one space and trim. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function orNull(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = collapseWhitespace(s);
  return t === '' ? null : t;
}

const ABS_ID = /\/abs\/(.+?)\/?$/;
const ERROR_ID = /\/api\/errors(?:#|$)/;

/** `http://arxiv.org/abs/quant-ph/0201082v1` → { arxivId: 'quant-ph/0201082', version: 1 } */
function splitEntryId(idUrl: string): { arxivId: string; version: number | null } | null {
  const m = ABS_ID.exec(idUrl.trim());
  if (!m) return null;
  const versioned = m[1]!;
  const arxivId = parseArxivId(versioned);
  if (!arxivId) return null;
  const v = /v(\d+)$/i.exec(versioned);
  return { arxivId, version: v ? Number(v[1]) : null };
}

/** arXiv names the offending id at the end of its message: "incorrect id format for abc". */
function idNamedBy(message: string): string | null {
  const m = /\bfor\s+(\S+)\s*$/i.exec(message);
  return m ? m[1]! : null;
}

function describeZodIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(entry)'}: ${i.message}`)
    .join('; ');
}

function toRecord(raw: RawEntry, idUrl: string): ArxivRecord | ArxivFeedError {
  const ids = splitEntryId(idUrl);
  if (!ids) return { id: null, message: `entry id "${idUrl}" is not an arXiv abstract URL` };
  const title = collapseWhitespace(raw.title ?? '');
  if (title === '') return { id: ids.arxivId, message: `entry ${ids.arxivId} has no title` };
  const links = raw.link ?? [];
  const alternate = links.find((l) => l['@_rel'] === 'alternate' && l['@_href']);
  const pdf = links.find((l) => (l['@_title'] === 'pdf' || l['@_type'] === 'application/pdf') && l['@_href']);
  const categories: string[] = [];
  for (const c of raw.category ?? []) {
    const term = c['@_term']?.trim();
    if (term && !categories.includes(term)) categories.push(term);
  }
  return {
    arxivId: ids.arxivId,
    version: ids.version,
    title,
    abstract: collapseWhitespace(raw.summary ?? ''),
    authors: (raw.author ?? [])
      .map((a) => collapseWhitespace(typeof a === 'string' ? a : a.name))
      .filter((a) => a !== ''),
    categories,
    primaryCategory: orNull(raw.primary_category?.['@_term']),
    publishedAt: orNull(raw.published),
    updatedAt: orNull(raw.updated),
    absUrl: alternate?.['@_href']?.trim() ?? idUrl.trim(),
    pdfUrl: pdf?.['@_href']?.trim() ?? null,
    comment: orNull(raw.comment),
    doi: orNull(raw.doi),
  };
}

function snippet(s: string): string {
  const t = collapseWhitespace(s);
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}

// ---- the parser ---------------------------------------------------------------------------------

/**
 * Parse one arXiv API response body. Entries that cannot be read become `errors` (naming the
 * entry) while their siblings are still returned. Throws PaperboyError('UPSTREAM_ERROR') when the
 * body is not XML or not an Atom feed.
 */
export function parseArxivFeed(xml: string): ArxivFeed {
  if (xml.trim() === '') throw new PaperboyError('UPSTREAM_ERROR', 'arXiv feed is empty: the body has no XML');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new PaperboyError(
      'UPSTREAM_ERROR',
      `arXiv feed is not well-formed XML (line ${line}, column ${col}: ${msg}); body starts "${snippet(xml)}"`,
    );
  }
  let doc: unknown;
  try {
    doc = xmlParser.parse(xml);
  } catch (err) {
    throw new PaperboyError('UPSTREAM_ERROR', `arXiv feed could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  const root = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
  if (!('feed' in root)) {
    const rootName = Object.keys(root).find((k) => k !== '?xml') ?? '(none)';
    throw new PaperboyError('UPSTREAM_ERROR', `arXiv response is not an Atom feed: root element is <${rootName}>, not <feed>`);
  }
  const feed = typeof root.feed === 'object' && root.feed !== null ? (root.feed as Record<string, unknown>) : {};

  const total = TextNode.safeParse(feed.totalResults);
  const totalResults = total.success && /^\s*\d+\s*$/.test(total.data) ? Number(total.data) : null;

  const entries: ArxivRecord[] = [];
  const errors: ArxivFeedError[] = [];
  const rawEntries = Array.isArray(feed.entry) ? (feed.entry as unknown[]) : [];
  rawEntries.forEach((item, index) => {
    const parsed = RawEntry.safeParse(item);
    if (!parsed.success) {
      errors.push({ id: null, message: `entry #${index + 1} is malformed: ${describeZodIssues(parsed.error)}` });
      return;
    }
    const raw = parsed.data;
    const idUrl = raw.id.trim();
    if (ERROR_ID.test(idUrl)) {
      const message = collapseWhitespace(raw.summary ?? '') || collapseWhitespace(raw.title ?? '') || idUrl;
      errors.push({ id: idNamedBy(message), message });
      return;
    }
    const rec = toRecord(raw, idUrl);
    if ('arxivId' in rec) entries.push(rec);
    else errors.push(rec);
  });
  return { entries, errors, totalResults };
}
