// Rule `omission`: a draft much shorter than its source has likely dropped text, a much longer one added
// some, and a draft sentence still in English was not translated. Pure: no node:*, no I/O.
//
// Length is counted in code points with runs of whitespace as one space, and compared as draft ÷ source.
// Calibration (English → Korean; the reference post's intros, abstracts and key messages, and the nine
// hf-daily-paper summaries — machine drafts, a few with real mistakes): 0.436–0.658 for prose, median about
// 0.50; titles, short as they are, spread from 0.27 to 1.0, so the ratio is only judged for a source of at
// least MIN_RATIO_SOURCE code points. Findings:
//  * ratio < 0.25: likely omission — an error when the source has ≥ 3 sentences and the draft fewer than half
//    as many, else a warning;
//  * ratio > 1.6: likely addition — a warning;
//  * part of a sentence left out: when source and draft have the same number of sentences (≥ 3), they are
//    compared one to one (source sentences of ≥ 60 code points); the shortest pair below SENTENCE_MIN
//    (0.25) is a warning. On the real pairs with equal counts (12 pairs of ≥ 3 sentences, 99 sentence pairs)
//    the ratios run 0.37–1.03 but for one, 0.22: the last sentence of the Eurus abstract, whose clause
//    "which, together with ULTRAINTERACT, leads to a strong reward model" the draft dropped (the whole
//    abstract is 0.47 of its source, unremarkable);
//  * the draft ends mid-sentence where the source ends a sentence — a warning;
//  * a draft sentence with ≥ 6 English words and no letter of the target script (Hangul for ko) — a warning.
// Languages without a calibration (all but ko) get no length checks; the untranslated-sentence check needs
// the language's script (ko, ja, zh). A summary (relation `summary`, a derived intro) is short by design: it
// gets no length or sentence-by-sentence checks, only the last two.
import { findLinks } from '../draft-check.js';
import type { Finding, Rule, Span } from './types.js';

export interface LengthBounds {
  /** below this draft ÷ source ratio the draft has likely left text out */
  min: number;
  /** above it the draft has likely added text */
  max: number;
}

/** Length ratios (draft ÷ source, code points) by target language; only languages measured are listed. */
export const LENGTH_BOUNDS: Readonly<Record<string, LengthBounds>> = {
  ko: { min: 0.25, max: 1.6 },
};
/** Shorter sources (titles) vary too much to judge by length. */
export const MIN_RATIO_SOURCE = 150;
/** A sentence pair, when the sentence counts agree, below this ratio: part of the sentence was left out. */
export const SENTENCE_MIN = 0.25;
/** Only source sentences this long (code points) are compared one to one. */
export const MIN_SENTENCE_SOURCE = 60;
/** A sentence with this many English words and no target-script letter is untranslated. */
export const MIN_ENGLISH_WORDS = 6;

const TARGET_SCRIPT: Readonly<Record<string, RegExp>> = {
  ko: /\p{Script=Hangul}/u,
  ja: /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u,
  zh: /\p{Script=Han}/u,
};

// ---- sentences --------------------------------------------------------------------------------------------

export interface Sentence {
  text: string;
  span: Span;
}

/** Words before a full stop that does not end a sentence (lower case, without the stop). */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'al', 'fig', 'figs', 'eq', 'eqs', 'vs', 'cf', 'etc', 'dr', 'mr', 'ms', 'mrs', 'no', 'nos', 'approx', 'sec', 'secs',
  'tab', 'ref', 'refs', 'resp', 'prof', 'inc', 'ltd', 'co', 'jr', 'sr', 'st', 'vol', 'pp', 'ch', 'appx', 'ca', 'viz',
]);

/** A list item or blank line starts a new sentence even without a full stop. */
const BREAK = /\n[ \t]*(?:\n|(?=(?:\d+|[a-zA-Z])[.)][ \t]|[-*•][ \t]))/g;

const letters = (s: string): number => s.match(/\p{L}/gu)?.length ?? 0;

function pieces(text: string, ends: number[]): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  for (const end of [...ends, text.length]) {
    const raw = text.slice(start, end);
    // leading whitespace and a list marker (`1.`, `a)`, `-`) are not part of the sentence
    const lead = raw.length - raw.replace(/^\s*(?:(?:\d+|[a-zA-Z])[.)][ \t]+|[-*•][ \t]+)?/, '').length;
    const t = raw.slice(lead).trimEnd();
    // `1.`, `a.` and other fragments without two letters are list markers, not sentences
    if (letters(t) >= 2) out.push({ text: t, span: [start + lead, start + lead + t.length] });
    start = end;
  }
  return out;
}

function breaks(text: string): number[] {
  return [...text.matchAll(BREAK)].map((m) => m.index + 1);
}

/** English sentences: `.` `?` `!` (and closing quotes or brackets) before whitespace and a capital, digit or quote; not after an abbreviation. */
export function splitEnglish(text: string): Sentence[] {
  const ends = breaks(text);
  for (const m of text.matchAll(/[.?!]+["'\u201D\u2019)\]]*(?=\s+["'\u201C\u2018(\[]?[A-Z0-9]|\s*$)/g)) {
    const at = m.index;
    if (text[at] === '.') {
      const word = /([A-Za-z][A-Za-z.]*)$/.exec(text.slice(Math.max(0, at - 12), at))?.[1] ?? '';
      if (ABBREVIATIONS.has(word.toLowerCase())) continue;
    }
    ends.push(at + m[0].length);
  }
  return pieces(text, [...new Set(ends)].sort((a, b) => a - b));
}

/** Korean (and other target-language) sentences: `다.` `요.` and `.` `?` `!` `。` before whitespace or the end; `다.` also before a letter. */
export function splitTarget(text: string): Sentence[] {
  const ends = breaks(text);
  for (const m of text.matchAll(/(?:[다요]\.(?=\p{L})|[.?!\u3002\uFF01\uFF1F]+["'\u201D\u2019)\]]*(?=\s|$))/gu)) {
    const at = m.index;
    const stop = at + (/[다요]/.test(m[0][0]!) && m[0][1] === '.' ? 1 : 0);
    if (text[stop] === '.') {
      const word = /([A-Za-z][A-Za-z.]*)$/.exec(text.slice(Math.max(0, stop - 12), stop))?.[1] ?? '';
      if (ABBREVIATIONS.has(word.toLowerCase())) continue;
    }
    ends.push(at + m[0].length);
  }
  return pieces(text, [...new Set(ends)].sort((a, b) => a - b));
}

/** Code points with runs of whitespace counted as one. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text.replace(/\s+/g, ' ').trim()) n++;
  return n;
}

// ---- the rule ---------------------------------------------------------------------------------------------

const primary = (lang: string): string => lang.toLowerCase().split(/[-_]/)[0] ?? '';
const clip = (s: string, n = 60): string => (s.length > n ? `…${s.slice(-n)}` : s);
const head = (s: string, n = 60): string => (s.length > n ? `${s.slice(0, n)}…` : s);
const quote = (s: string): string => JSON.stringify(s);
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const ENDS_SENTENCE = /[.?!\u3002\uFF01\uFF1F:;]["'\u201D\u2019)\]]*\s*$/u;

/**
 * Whether a draft ends a sentence: with sentence punctuation, with a link (`…확인할 수 있습니다: https://…`),
 * or, in Korean, with a final ending that closes a sentence without a full stop (`…제공합니다`, `…제안함`).
 */
function endsSentence(draft: string, lang: string): boolean {
  const text = draft.trimEnd();
  if (ENDS_SENTENCE.test(text)) return true;
  const last = findLinks(text).at(-1);
  if (last && /^[\s.,;:!?'"`)\]}>*_~\u3001\u3002\uFF0C\uFF0E]*$/u.test(text.slice(last.end))) return true;
  return lang === 'ko' && /[다요음함임됨][)\]"'\u201D\u2019]*$/u.test(text);
}

/** English words of a text outside links. */
function englishWords(text: string): number {
  let rest = '';
  let at = 0;
  for (const l of findLinks(text)) {
    rest += `${text.slice(at, l.start)} `;
    at = l.end;
  }
  rest += text.slice(at);
  return rest.match(/[A-Za-z][A-Za-z'\u2019-]*/g)?.length ?? 0;
}

export const omissionRule: Rule = (input) => {
  const lang = primary(input.lang);
  const findings: Finding[] = [];
  const source = input.source;
  const draft = input.draft;
  if (draft.trim() === '' || source.trim() === '') return findings;

  const srcSentences = splitEnglish(source);
  const draftSentences = splitTarget(draft);
  const bounds = input.relation === 'summary' ? undefined : LENGTH_BOUNDS[lang];

  if (bounds) {
    const srcLen = textLength(source);
    const draftLen = textLength(draft);
    const ratio = draftLen / srcLen;
    const counts = `${draftSentences.length} sentences and ${draftLen} characters against the source's ${srcSentences.length} and ${srcLen}`;
    if (srcLen >= MIN_RATIO_SOURCE && ratio < bounds.min) {
      const error = srcSentences.length >= 3 && draftSentences.length * 2 < srcSentences.length;
      const lastDraft = draftSentences.at(-1);
      // what is likely missing: the source from the sentence the draft would have reached next, to the end
      const cut = srcSentences[Math.min(srcSentences.length - 1, Math.max(draftSentences.length, 0))];
      findings.push({
        rule: 'omission',
        severity: error ? 'error' : 'warning',
        message: `the draft is ${Math.round(ratio * 100)}% as long as the source (${counts}); text was likely left out${lastDraft ? `, the draft ends with ${quote(clip(squash(lastDraft.text)))}` : ''}`,
        sourceSpan: error && cut ? [cut.span[0], source.trimEnd().length] : null,
        draftSpan: null,
      });
    } else if (srcLen >= MIN_RATIO_SOURCE && ratio > bounds.max) {
      findings.push({
        rule: 'omission',
        severity: 'warning',
        message: `the draft is ${Math.round(ratio * 100)}% as long as the source (${counts}); text was likely added`,
        sourceSpan: null,
        draftSpan: null,
      });
    } else if (srcSentences.length >= 3 && srcSentences.length === draftSentences.length) {
      // sentence by sentence: the shortest draft sentence against its source sentence
      let w: { i: number; ratio: number } | null = null;
      for (let i = 0; i < srcSentences.length; i++) {
        const srcChars = textLength(srcSentences[i]!.text);
        if (srcChars < MIN_SENTENCE_SOURCE) continue;
        const r = textLength(draftSentences[i]!.text) / srcChars;
        if (r < SENTENCE_MIN && (!w || r < w.ratio)) w = { i, ratio: r };
      }
      if (w) {
        const s = srcSentences[w.i]!;
        const d = draftSentences[w.i]!;
        const where = w.i === srcSentences.length - 1 ? 'last sentence' : `sentence ${w.i + 1}`;
        findings.push({
          rule: 'omission',
          severity: 'warning',
          message: `the ${where} of the draft, ${quote(squash(d.text))}, is ${Math.round(w.ratio * 100)}% as long as the source's ${quote(head(squash(s.text)))}; part of it was likely left out`,
          sourceSpan: s.span,
          draftSpan: d.span,
        });
      }
    }
  }

  // the draft stops mid-sentence where the source does not
  if (ENDS_SENTENCE.test(source) && !endsSentence(draft, lang) && srcSentences.length >= 2) {
    const d = draftSentences.at(-1);
    if (d) {
      findings.push({
        rule: 'omission',
        severity: 'warning',
        message: `the draft ends mid-sentence: ${quote(clip(squash(d.text)))}`,
        sourceSpan: null,
        draftSpan: d.span,
      });
    }
  }

  // sentences left in English
  const script = TARGET_SCRIPT[lang];
  if (script && lang !== 'en') {
    for (const d of draftSentences) {
      if (script.test(d.text) || englishWords(d.text) < MIN_ENGLISH_WORDS) continue;
      findings.push({
        rule: 'omission',
        severity: 'warning',
        message: `the draft sentence ${quote(head(squash(d.text), 80))} is still in English`,
        sourceSpan: null,
        draftSpan: d.span,
      });
    }
  }
  return findings;
};
