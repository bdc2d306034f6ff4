// The search index on SQLite is one FTS5 trigram table with two columns: the body, and the body's
// Hangul as syllable tokens. FTS5's trigram index finds nothing for one- or two-character terms,
// and most Korean words are two syllables (모델, 탈옥); written as `^모델$` a pair is four
// characters, so the same trigram index finds it exactly, and FTS5 intersects it with the body's
// terms in one query (`LLM 탈옥`).

const HANGUL_RUN = /[\uAC00-\uD7A3]+/g;
export const HANGUL_ONLY = /^[\uAC00-\uD7A3]{1,2}$/;

/** Every syllable and every pair of neighbouring syllables of the body's Hangul, as `^…$` tokens. */
export function hangulGrams(body: string): string {
  const out = new Set<string>();
  for (const [run] of body.matchAll(HANGUL_RUN)) {
    const cs = [...run];
    for (let i = 0; i < cs.length; i++) {
      out.add(`^${cs[i]}$`);
      if (i + 1 < cs.length) out.add(`^${cs[i]}${cs[i + 1]}$`);
    }
  }
  return [...out].join(' ');
}

/** The FTS5 query for a Hangul term of one or two syllables, on the grams column. */
export function gramQuery(term: string): string {
  return `grams : "^${term}$"`;
}

/** The FTS5 query for a term of three or more characters, on the body column. */
export function bodyQuery(term: string): string {
  return `body : "${term.replace(/"/g, '""')}"`;
}
