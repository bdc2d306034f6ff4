// Search over the published archive: the store finds texts holding every term; this keeps the ones
// shown on published editions.
import { cleanText } from '../domain/unicode.js';
import type { TextField } from '../domain/types.js';
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
  const found = await store.searchPublished(terms, { channel: 'web', limit: opts.limit ?? 50 });
  return found.map((h) => ({ edition: h.edition, position: h.position, field: h.text.field, lang: h.text.lang, body: h.text.body }));
}
