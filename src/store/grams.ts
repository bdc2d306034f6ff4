// The short-term index on SQLite: FTS5's trigram index finds nothing for one- or two-character
// terms, and most Korean words are two syllables (모델, 탈옥). So each text's runs of Hangul are
// also indexed as overlapping syllable pairs, plus each run's last syllable alone: a two-syllable
// term is then one token ("모델"), and a one-syllable term a prefix ("뇌*").

const HANGUL_RUN = /[\uAC00-\uD7A3]+/g;
export const HANGUL_ONLY = /^[\uAC00-\uD7A3]{1,2}$/;

/** The tokens of one body, space-separated, or '' when it has no Hangul. */
export function hangulGrams(body: string): string {
  const out = new Set<string>();
  for (const [run] of body.matchAll(HANGUL_RUN)) {
    const cs = [...run];
    for (let i = 0; i + 1 < cs.length; i++) out.add(cs[i]! + cs[i + 1]!);
    out.add(cs[cs.length - 1]!);
  }
  return [...out].join(' ');
}

/** The FTS5 query for a Hangul term of one or two syllables. */
export function gramQuery(term: string): string {
  return [...term].length === 2 ? `"${term}"` : `"${term}"*`;
}
