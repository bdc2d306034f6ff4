// Parser for Hugging Face's Daily Papers API answer (`/api/daily_papers?date=YYYY-MM-DD`).
// Pure: JSON text in, candidate records and problems out. The caller fetches or reads the answer and
// says which day it asked for (the answer itself does not say: its `publishedAt` is a UTC instant
// that often falls on the day before).
//
// The answer is an array of items `{ paper: { id, title, summary, authors: [{ name }], upvotes,
// publishedAt, githubRepo?, githubStars?, … }, title, summary?, numComments, … }`. The schema has
// grown over time (2025 adds ai_summary, ai_keywords, organization, projectPage, githubRepo,
// githubStars…), so every field is optional and unknown fields are let through. Each field is
// validated on its own: a field of the wrong type is a problem and is left empty, and only an item
// without an id or a title is dropped.
import { z } from 'zod';
import { normaliseUrl, parseArxivId } from '../../domain/paper-key.js';
import { describeValue, isIsoDay, oneLine, quote, readJson, type CandidateParse, type CandidateProblem, type CandidateRecord } from '../candidates.js';

export interface HfDailyOptions {
  /** the day the answer is for (the `date=` asked for), YYYY-MM-DD */
  day: string;
  /** names the answer in problems, e.g. the file name or URL */
  where: string;
}

const Item = z.looseObject({});
const Paper = z.looseObject({});
const Text = z.string();
const Count = z.number().int().nonnegative();
const Authors = z.array(z.unknown());
const Author = z.looseObject({ name: Text });
const Url = z.url({ protocol: /^https?$/ });

export function parseHfDailyPapers(jsonText: string, opts: HfDailyOptions): CandidateParse {
  if (!isIsoDay(opts.day)) throw new TypeError(`parseHfDailyPapers: day must be YYYY-MM-DD, got "${opts.day}"`);
  const { where } = opts;
  const read = readJson(jsonText, where);
  if ('failed' in read) return read.failed;
  const doc = read.doc;
  if (!Array.isArray(doc)) {
    return {
      records: [],
      problems: [{ where, field: '(file)', message: `expected a JSON array of daily papers, got ${describeValue(doc)}` }],
    };
  }

  const records: CandidateRecord[] = [];
  const problems: CandidateProblem[] = [];
  const seen = new Map<string, number>();
  doc.forEach((raw, index) => {
    const at = `${where}#${index}`;
    const problem = (field: string, message: string) => problems.push({ where: at, field, message });
    /** the field's value when it is present and valid; a problem when present and invalid */
    function read<T>(schema: z.ZodType<T>, value: unknown, field: string, expected: string): T | undefined {
      if (value === undefined || value === null) return undefined;
      const r = schema.safeParse(value);
      if (r.success) return r.data;
      problem(field, `expected ${expected}, got ${describeValue(value)}; left empty`);
      return undefined;
    }

    const item = Item.safeParse(raw);
    if (!item.success) {
      problem('(item)', `expected an object, got ${describeValue(raw)}; skipped`);
      return;
    }
    const paperRaw = item.data.paper;
    let paper: Record<string, unknown> = {};
    if (paperRaw !== undefined && paperRaw !== null) {
      const p = Paper.safeParse(paperRaw);
      if (p.success) paper = p.data;
      else problem('paper', `expected an object, got ${describeValue(paperRaw)}`);
    }

    const rawId = read(Text, paper.id, 'paper.id', 'a string');
    const id = rawId?.trim() ?? '';
    const title =
      oneLine(read(Text, paper.title, 'paper.title', 'a string') ?? '') ||
      oneLine(read(Text, item.data.title, 'title', 'a string') ?? '');
    if (id === '') {
      problem('paper.id', `no paper id${title ? ` for ${quote(title)}` : ''}; skipped`);
      return;
    }
    if (title === '') {
      problem('paper.title', `no title for paper ${id}; skipped`);
      return;
    }
    const arxivId = parseArxivId(id);
    const key = arxivId ?? id;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem('paper.id', `paper ${key} is already item #${earlier}; skipped`);
      return;
    }
    seen.set(key, index);

    const summary =
      oneLine(read(Text, paper.summary, 'paper.summary', 'a string') ?? '') ||
      oneLine(read(Text, item.data.summary, 'summary', 'a string') ?? '');
    const authors: string[] = [];
    const authorList = read(Authors, paper.authors, 'paper.authors', 'an array') ?? [];
    authorList.forEach((a, i) => {
      const name = read(Author, a, `paper.authors[${i}]`, 'an object with a name')?.name;
      if (name === undefined) return;
      const n = oneLine(name);
      if (n) authors.push(n);
    });
    const repo = read(Url, paper.githubRepo, 'paper.githubRepo', 'an http(s) URL');

    records.push({
      source: 'hf',
      day: opts.day,
      arxivId,
      url: arxivId ? `https://arxiv.org/abs/${arxivId}` : `https://huggingface.co/papers/${encodeURIComponent(id)}`,
      title,
      abstract: summary === '' ? null : summary,
      authors,
      upvotes: read(Count, paper.upvotes, 'paper.upvotes', 'a non-negative integer') ?? null,
      comments: read(Count, item.data.numComments, 'numComments', 'a non-negative integer') ?? null,
      githubRepo: repo === undefined ? null : normaliseUrl(repo),
      githubStars: read(Count, paper.githubStars, 'paper.githubStars', 'a non-negative integer') ?? null,
      tags: [],
      publishedAt: read(Text, paper.publishedAt, 'paper.publishedAt', 'a string')?.trim() || null,
    });
  });
  return { records, problems };
}
