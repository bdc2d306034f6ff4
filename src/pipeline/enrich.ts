// Enrichment from arXiv: fills title, abstract, authors, categories and dates of papers with an arXiv id.
// Never overwrites text an editor wrote (decideText keeps `human` texts).
import type { Paper, Text, TextInput } from '../domain/types.js';
import { decideText, textKey } from '../domain/text-policy.js';
import type { Progress, Store } from '../ports.js';
import type { ArxivLookup, ArxivRecord } from '../sources/arxiv/client.js';

export interface ArxivSource {
  fetchByIds(ids: string[]): Promise<ArxivLookup>;
}

/** ids per arXiv request, the most the API takes */
const BATCH = 100;

export interface EnrichResult {
  scope: string;
  candidates: number;
  /** papers skipped because they were enriched before (use --force to refresh) */
  skipped: number;
  enriched: number;
  textsWritten: number;
  textsKept: number;
  notFound: string[];
  errors: Array<{ arxivId: string | null; message: string }>;
}

/** Pure: the texts an arXiv record should write, given what is stored. */
export function planPaperTexts(paper: Paper, rec: ArxivRecord, stored: Map<string, Text>): { writes: TextInput[]; kept: number } {
  const writes: TextInput[] = [];
  let kept = 0;
  const fields: Array<['title' | 'abstract', string]> = [
    ['title', rec.title],
    ['abstract', rec.abstract],
  ];
  for (const [field, body] of fields) {
    if (!body) continue;
    const t: TextInput = { ownerKind: 'paper', ownerId: paper.key, field, lang: 'en', body, origin: 'arxiv', model: null, promptVersion: null, status: 'approved' };
    const d = decideText(stored.get(textKey(t)), t);
    if (d === 'insert' || d === 'replace') writes.push(t);
    else if (d === 'keep') kept++;
  }
  return { writes, kept };
}

export async function enrich(
  store: Store,
  arxiv: ArxivSource,
  opts: { editionId: number | null; scope: string; force?: boolean; now: () => Date; progress?: Progress },
): Promise<EnrichResult> {
  const papers = await store.papersWithArxivId(opts.editionId);
  const todo = opts.force ? papers : papers.filter((p) => !p.enrichedAt);
  const result: EnrichResult = { scope: opts.scope, candidates: papers.length, skipped: papers.length - todo.length, enriched: 0, textsWritten: 0, textsKept: 0, notFound: [], errors: [] };
  if (!todo.length) return result;
  opts.progress?.(`enrich: asking arXiv for ${todo.length} paper(s)`);
  const byId = new Map(todo.map((p) => [p.arxivId!, p]));
  const stored = new Map((await store.getTexts(todo.map((p) => ({ kind: 'paper' as const, id: p.key })), ['title', 'abstract'])).filter((t) => t.lang === 'en').map((t) => [textKey(t), t]));
  // One arXiv batch at a time, stored as it arrives: a failure later loses nothing fetched before it.
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += BATCH) {
    const lookup = await arxiv.fetchByIds(ids.slice(i, i + BATCH));
    const enrichedAt = opts.now().toISOString();
    await store.transaction(async (tx) => {
      for (const [id, rec] of lookup.records) {
        const paper = byId.get(id);
        if (!paper) continue;
        const { writes, kept } = planPaperTexts(paper, rec, stored);
        await tx.setPaperMetadata(paper.key, { authors: rec.authors, categories: rec.categories, publishedAt: rec.publishedAt, updatedAt: rec.updatedAt }, enrichedAt);
        await tx.putTexts(writes);
        result.enriched++;
        result.textsWritten += writes.length;
        result.textsKept += kept;
      }
      for (const id of lookup.missing) {
        const paper = byId.get(id);
        if (!paper) continue;
        result.notFound.push(id);
        await tx.setPaperEnrichError(paper.key, 'arXiv has no paper with this id');
      }
      for (const err of lookup.errors) {
        result.errors.push({ arxivId: err.id, message: err.message });
        const paper = err.id ? byId.get(err.id) : undefined;
        if (paper) await tx.setPaperEnrichError(paper.key, err.message);
      }
    });
    opts.progress?.(`enrich: ${Math.min(i + BATCH, ids.length)}/${ids.length} looked up, ${result.enriched} enriched`);
  }
  return result;
}
