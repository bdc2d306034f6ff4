// Search over the published archive: the store finds texts holding every term; this keeps the ones
// shown on published editions.
import { cleanText } from '../domain/unicode.js';
import type { Edition, Entry, TextField } from '../domain/types.js';
import type { Store } from '../ports.js';

export interface SearchHit {
  edition: { startDate: string; endDate: string };
  /** null for an edition's own text (its overview) */
  position: number | null;
  field: TextField;
  lang: string;
  /** the matching text; the page makes the snippet */
  body: string;
}

export const MAX_QUERY_CHARS = 200;

export function queryTerms(q: string): string[] {
  return [...new Set(cleanText(q.slice(0, MAX_QUERY_CHARS)).split(/\s+/).filter((t) => t.length > 0))].slice(0, 8);
}

export async function searchArchive(store: Store, q: string, opts: { limit?: number } = {}): Promise<SearchHit[]> {
  const terms = queryTerms(q);
  if (!terms.length) return [];
  const pubs = await store.getPublications({ channel: 'web' });
  const langsOf = new Map<number, Set<string>>();
  for (const p of pubs) langsOf.set(p.editionId, new Set([...(langsOf.get(p.editionId) ?? []), p.lang, 'en']));
  const editions = new Map<number, Edition>((await store.listEditions()).filter((e) => langsOf.has(e.id)).map((e) => [e.id, e]));
  const entries = await store.getEntries([...editions.keys()]);
  const byEntry = new Map<string, Entry>(entries.map((e) => [String(e.id), e]));
  // a paper shown in several editions is found in the newest of them
  const byPaper = new Map<string, Entry>();
  for (const e of entries) {
    const seen = byPaper.get(e.paperKey);
    if (!seen || editions.get(e.editionId)!.startDate > editions.get(seen.editionId)!.startDate) byPaper.set(e.paperKey, e);
  }
  const hits: SearchHit[] = [];
  for (const t of await store.searchTexts(terms, 500)) {
    const entry = t.ownerKind === 'entry' ? byEntry.get(t.ownerId) : t.ownerKind === 'paper' ? byPaper.get(t.ownerId) : undefined;
    const editionId = entry ? entry.editionId : t.ownerKind === 'edition' ? Number(t.ownerId) : null;
    const edition = editionId === null ? undefined : editions.get(editionId);
    if (!edition || !langsOf.get(edition.id)!.has(t.lang)) continue;
    hits.push({ edition: { startDate: edition.startDate, endDate: edition.endDate }, position: entry?.position ?? null, field: t.field, lang: t.lang, body: t.body });
    if (hits.length >= (opts.limit ?? 50)) break;
  }
  return hits;
}
