// Sentences of a text, as readers point at them when they suggest a correction. ICU's sentence
// rules (Intl.Segmenter) know Korean endings, decimals and most abbreviations.

export interface Sentence {
  /** position in the text, counting from 0 */
  index: number;
  /** offsets into the text: [start, end) */
  start: number;
  end: number;
  /** the sentence without its trailing white space */
  text: string;
}

export function splitSentences(body: string, lang = 'en'): Sentence[] {
  const seg = new Intl.Segmenter(lang, { granularity: 'sentence' });
  const out: Sentence[] = [];
  for (const s of seg.segment(body)) {
    const text = s.segment.trimEnd();
    if (!text.trim()) continue;
    const lead = text.length - text.trimStart().length;
    out.push({ index: out.length, start: s.index + lead, end: s.index + text.length, text: text.trimStart() });
  }
  return out;
}

/**
 * The body with one sentence replaced. `original` is the sentence the reader saw; when the text
 * changed since, the sentence is found by its wording if it still occurs exactly once.
 * Returns null when it can no longer be placed.
 */
export function replaceSentence(body: string, lang: string, at: { index: number; original: string }, wording: string): string | null {
  const sentences = splitSentences(body, lang);
  const same = sentences[at.index];
  let target = same && same.text === at.original ? same : null;
  if (!target) {
    const matches = sentences.filter((s) => s.text === at.original);
    if (matches.length !== 1) return null;
    target = matches[0]!;
  }
  return body.slice(0, target.start) + wording.trim() + body.slice(target.end);
}
