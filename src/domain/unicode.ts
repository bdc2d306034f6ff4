// Text cleaning for untrusted text (paper titles, abstracts, names, LLM answers): the one place
// that decides which characters are invisible. Pure: used by the pipeline before an LLM call and by
// the renderers (src/channels/render/sanitize.ts re-exports it) before anything is rendered.
import { invalidInput } from '../errors.js';

/** Longest text accepted by cleanText, in UTF-16 code units (256 Ki). */
export const MAX_TEXT_CHARS = 256 * 1024;

/**
 * Characters that render as nothing (or reorder what is around them) and so can hide text from a
 * reader while a machine still sees it: zero-width and joiner characters, soft hyphen, invisible
 * operators, BOM, bidi embeddings/overrides/isolates and marks, Hangul fillers, the tag block,
 * supplementary variation selectors, and C0/C1 controls other than tab and newline.
 * U+200D (ZWJ) is kept only between two pictographs (emoji sequences); U+FE00–FE0F (variation
 * selectors) only as a single selector after a visible character.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}\u{1D173}-\u{1D17A}]/gu;
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}]?\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const STRAY_VS = /(?<=^|\s|[\uFE00-\uFE0F])[\uFE00-\uFE0F]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes invisible and direction-changing characters (see INVISIBLE); keeps visible text intact. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '').replace(STRAY_ZWJ, '').replace(STRAY_VS, '');
}

/**
 * What every consumer of untrusted text does first: lone surrogates become U+FFFD, line endings
 * become `\n`, the text is NFC-normalised (NFD Hangul renders byte-identically) and stripped of
 * invisible characters. Throws INPUT_INVALID above MAX_TEXT_CHARS.
 */
export function cleanText(text: string): string {
  if (text.length > MAX_TEXT_CHARS) {
    throw invalidInput(`text too large to render: ${text.length} characters (limit ${MAX_TEXT_CHARS})`);
  }
  return stripInvisible(text.replace(LONE_SURROGATE, '\uFFFD').replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n').normalize('NFC'));
}
