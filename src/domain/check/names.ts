// Rule `names`: model, dataset, benchmark, organisation and method names of the source stay as they are in
// the draft. Pure: no node:*, no I/O.
//
// What counts as a name (a token of ASCII letters and digits joined by `-` `.` `+` `@` `'`, outside links):
//  * an internal capital after a lower-case letter: LoReFT, TheoremQA, JetMoE, GitHub, QLoRA;
//  * a run of two or more capitals: MMLU, SWE-bench, FLOPs, GPT-3.5, EURUS;
//  * letters and digits in one part: A100, LLaMA2-7B, Qwen2.5, v1.0 (but not a number with a unit: 7B, 20K,
//    10x, 2D — the numbers rule owns those);
//  * a capitalised word joined to a number: Mistral-7B, Llama-3; a capital letter joined to a capitalised
//    word: G-Pass@k.
// Ordinary capitalised words (The, Transformer, Devin, Google) and title-case compounds (Mixture-of-Depths)
// are not names here: precise rather than complete. A lower-case modifier glued to a name is not part of it
// (`GPT-assisted` → GPT, `API-based` → API, `non-LLM` → LLM), and well-known generic acronyms (LLM, AI,
// NLP, GPU, US …, see GENERIC_NAMES) may be translated, so they are not required. Checked on the 1,300
// abstracts of the dair-ai list: 756 names, nearly all real (ChatGPT, RLHF, CoT, Med-PaLM, GSM8K …).
//
// A name is found in the draft when it appears case-sensitively with token boundaries — a Korean particle
// may follow (`LoReFT는`, `MMLU에서`) — or as its plural/singular (`PEFTs` ↔ `PEFT`), or as the target of a
// glossary term whose English is the name. Findings:
//  * error: a name of the source is not in the draft. When a Hangul word of the draft reads like the name
//    spelt out in Hangul (`SWE-벤치` for SWE-bench, `MDI-벤치마크` for MDI-Benchmark), the message says so
//    and points at it.
//  * error: the name is in the draft, but elsewhere it is also spelt out in Hangul (`울트라인터랙트` next to
//    ULTRAINTERACT): one finding per such word.
//  * warning: a name in the draft that the source does not have (`MoD` added to a title).
// A summary (relation `summary`, a derived intro) names only some of the source's names: a name it leaves
// out is no finding; one it spells in Hangul, or adds, is.
import { findLinks } from '../draft-check.js';
import type { GlossaryTerm } from '../glossary.js';
import type { Finding, Rule, Span } from './types.js';

/** Acronyms so common that a translation may spell them out (대규모 언어 모델 for LLMs); compared without a plural `s`. */
export const GENERIC_NAMES: ReadonlySet<string> = new Set([
  'AI', 'ML', 'DL', 'NLP', 'CV', 'RL', 'LLM', 'LM', 'MLLM', 'LMM', 'VLM', 'GPU', 'CPU', 'TPU', 'API', 'SOTA', 'SoTA', 'QA', 'FAQ',
  'GB', 'MB', 'KB', 'TB', 'GHz', 'MHz', 'USD', 'US', 'USA', 'UK', 'EU',
]);

/** Words that with a number make a reference or a rank, not a name: Fig.1, Table-2, Top-1, 9-January-2023. */
const NUMBERED_WORDS = new Set([
  'fig', 'figure', 'table', 'tab', 'eq', 'equation', 'sec', 'section', 'appendix', 'chapter', 'step', 'stage', 'phase', 'level',
  'top', 'version', 'part', 'type', 'round', 'day', 'week', 'month', 'year', 'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
]);

/** Lower-case words glued after a name that describe it rather than belong to it: `GPT-assisted`, `LLM-based`. */
const MODIFIERS = new Set([
  'based', 'like', 'style', 'level', 'scale', 'sized', 'size', 'aware', 'free', 'only', 'specific', 'driven', 'centric',
  'friendly', 'oriented', 'compatible', 'wise', 'ready', 'native', 'powered', 'guided', 'generated', 'related', 'class',
]);
/** Lower-case prefixes glued before a name: `non-LLM`, `multi-GPU`. */
const PREFIXES = new Set(['non', 'multi', 'pre', 'post', 'cross', 'sub', 'semi', 'anti', 'self', 'co', 'inter', 'intra', 'over', 'under', 'hyper', 'ultra', 'mini']);

const TOKEN = /[A-Za-z0-9]+(?:[-.+@'\u2019][A-Za-z0-9]+)*/g;
const CONNECTOR = /[-.+@'\u2019]/;
/** a number with a unit or a size: 7B, 2.2B, 20K, 10x, 2D, 1st, 64x64 */
const QUANTITY = /^\d+(?:\.\d+)?(?:[A-Za-z]{1,2}|x\d+)$/;

const isModifier = (w: string): boolean => /^[a-z]+$/.test(w) && (MODIFIERS.has(w) || (w.length > 4 && w.endsWith('ed')));

/** The name a token stands for (modifiers and possessive dropped), with its offset in the token; null when it is no name. */
export function nameOf(token: string): { name: string; offset: number } | null {
  let t = token.replace(/['\u2019]s$/, '');
  let offset = 0;
  let parts = t.split('-');
  while (parts.length > 1 && isModifier(parts[parts.length - 1]!)) parts = parts.slice(0, -1);
  while (parts.length > 1 && PREFIXES.has(parts[0]!)) {
    offset += parts[0]!.length + 1;
    parts = parts.slice(1);
  }
  t = parts.join('-');
  if (!isNameToken(t)) return null;
  if (GENERIC_NAMES.has(t) || (/[A-Z]s$/.test(t) && GENERIC_NAMES.has(t.slice(0, -1)))) return null;
  return { name: t, offset };
}

function isNameToken(t: string): boolean {
  if (/[a-z][A-Z]/.test(t)) return true;
  if (/[A-Z]{2,}/.test(t)) return true;
  const parts = t.split(/[-.+@'\u2019]/);
  if (parts.some((p) => /[A-Za-z]\d|\d[A-Za-z]/.test(p) && !QUANTITY.test(p))) return true;
  // Mistral-7B, Llama-3, Llama-3-405B-Instruct; not Text-to-3D (a lower-case word, a dimension)
  if (
    parts.length > 1 &&
    parts.some((p) => /^[A-Z][a-z]/.test(p)) &&
    parts.some((p) => /^\d/.test(p) && !/^\d+D$/.test(p)) &&
    !parts.some((p) => /^[a-z]+$/.test(p) || NUMBERED_WORDS.has(p.toLowerCase()))
  ) {
    return true;
  }
  if (/^[A-Z]-[A-Z][a-z]/.test(t)) return true;
  return false;
}

export interface NameOccurrence {
  name: string;
  span: Span;
}

/** Whether [s, e) overlaps one of `spans` (sorted, not overlapping each other, as findLinks gives them). */
function inside(spans: readonly Span[], s: number, e: number): boolean {
  // the last span that starts before e
  let lo = 0;
  let hi = spans.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]![0] < e) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at >= 0 && spans[at]![1] > s;
}

/** The names of a text, in order, with their places; tokens inside links are left out. */
export function findNames(text: string): NameOccurrence[] {
  const links: Span[] = findLinks(text).map((l) => [l.start, l.end]);
  const out: NameOccurrence[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index;
    if (inside(links, start, start + m[0].length)) continue;
    const n = nameOf(m[0]);
    if (n) out.push({ name: n.name, span: [start + n.offset, start + n.offset + n.name.length] });
  }
  return out;
}

/** A name without its plural `s` (`PEFTs` → `PEFT`, `GPT-4s` → `GPT-4`): the plural and the singular are one name. */
const singular = (name: string): string => (/[A-Z0-9]s$/.test(name) ? name.slice(0, -1) : name);

/**
 * The names a text can be said to contain, looked up in constant time (a draft is searched for every name of
 * its source). strict: each token outside links, without a possessive `'s`, a trailing modifier
 * (`-assisted`) and a leading prefix (`non-`), in the singular — `LoReFT는` has LoReFT, `GPT-assisted` has
 * GPT, `PEFTs` has PEFT, `SWE-bench` has no SWE, `GPT-3.5-Turbo` no GPT-3.5. loose: every run of a token's
 * parts, case aside — `SWE-bench` has swe, bench and swe-bench.
 */
export interface NameIndex {
  strict: Map<string, Span[]>;
  loose: Set<string>;
}

const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

export function indexNames(text: string, skip: readonly Span[] = findLinks(text).map((l) => [l.start, l.end])): NameIndex {
  const strict = new Map<string, Span[]>();
  const loose = new Set<string>();
  for (const m of text.matchAll(TOKEN)) {
    const token = m[0];
    const start = m.index;
    if (inside(skip, start, start + token.length)) continue;
    // strict: the core of the token, with or without what may be glued to it
    let core = token.replace(/['\u2019]s$/, '');
    let offset = 0;
    const cores: Array<[string, number]> = [[token, 0], [core, 0]];
    const parts = core.split('-');
    if (parts.length > 1 && isModifier(parts[parts.length - 1]!)) {
      core = parts.slice(0, -1).join('-');
      cores.push([core, 0]);
    }
    const first = core.split('-')[0]!;
    if (core.includes('-') && PREFIXES.has(first)) {
      offset = first.length + 1;
      cores.push([core.slice(offset), offset]);
    }
    for (const [c, at] of cores) {
      const key = singular(c);
      const list = strict.get(key) ?? [];
      // the token itself and its core may be the same: one place, once (places only grow, so the last is enough)
      if (list.at(-1)?.[0] !== start + at) list.push([start + at, start + at + c.length]);
      strict.set(key, list);
    }
    // loose: every run of parts
    const pieces = token.split(/(?=[-.+@'\u2019])|(?<=[-.+@'\u2019])/);
    const bounds: number[] = [];
    let pos = 0;
    for (const piece of pieces) {
      if (!CONNECTOR.test(piece)) bounds.push(pos, pos + piece.length);
      pos += piece.length;
    }
    const lower = asciiLower(token);
    for (let a = 0; a < bounds.length; a += 2) {
      for (let b = a + 1; b < bounds.length && b - a < 16; b += 2) loose.add(lower.slice(bounds[a], bounds[b]));
    }
  }
  return { strict, loose };
}

/** Where the text has the name (see NameIndex, strict), in order. */
export function nameSpans(text: string, name: string, index: NameIndex = indexNames(text)): Span[] {
  return [...(index.strict.get(singular(name)) ?? [])].sort((a, b) => a[0] - b[0]);
}

/** Whether the text has the name as a part of a token, case aside (see NameIndex, loose). */
function hasLoosely(index: NameIndex, name: string): boolean {
  const lower = asciiLower(name);
  return index.loose.has(lower) || index.loose.has(asciiLower(singular(name))) || (/[A-Z0-9]$/.test(name) && index.loose.has(`${lower}s`));
}

// ---- names spelt out in Hangul ----------------------------------------------------------------------------
// A consonant skeleton, the same for a Latin word and its usual Hangul transliteration: b/p/f/v → P, t/d → T,
// k/c/g/q → K, s → S, j/z/ch/soft g → J, l/r → L (an r before a consonant is silent, as in 벤치마크), m, n, h;
// vowels, w and y are dropped; a repeated L, M or N collapses. ULTRAINTERACT and 울트라인터랙트 are both LTLNTLKT.

const VOWEL = /[aeiouy]/;

function latinSkeleton(run: string): string {
  const s = run.toLowerCase().replace(/([a-z])\1+/g, '$1');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const n = s[i + 1] ?? '';
    if (/\d/.test(c)) out += c;
    else if (c === 'c') {
      if (n === 'h') (out += 'J'), i++;
      else if (n === 'k') (out += 'K'), i++;
      else out += /[eiy]/.test(n) ? 'S' : 'K';
    } else if (c === 's') {
      if (n === 'h') i++;
      out += 'S';
    } else if (c === 't') {
      if (n === 'h') (out += 'T'), i++;
      else out += /^i[aou]/.test(s.slice(i + 1)) ? 'S' : 'T';
    } else if (c === 'p') {
      if (n === 'h') i++;
      out += 'P';
    } else if (c === 'g') {
      if (n === 'h') i++;
      else if (s[i - 1] === 'n' && !VOWEL.test(n) && n !== 'l' && n !== 'r') continue;
      else out += /[eiy]/.test(n) ? 'J' : 'K';
    } else if (c === 'r') {
      if (VOWEL.test(n)) out += 'L';
    } else if (c === 'h') {
      if (i === 0 || (VOWEL.test(s[i - 1] ?? '') && VOWEL.test(n))) out += 'H';
    } else if (c === 'x') out += 'KS';
    else if ('bfv'.includes(c)) out += 'P';
    else if (c === 'd') out += 'T';
    else if ('kq'.includes(c)) out += 'K';
    else if ('jz'.includes(c)) out += 'J';
    else if ('lmn'.includes(c)) out += c.toUpperCase();
  }
  return out;
}

const INITIAL = ['K', 'K', 'N', 'T', 'T', 'L', 'M', 'P', 'P', 'S', 'S', '', 'J', 'J', 'J', 'K', 'T', 'P', 'H'];
const FINAL = ['', 'K', 'K', 'KS', 'N', 'NJ', 'N', 'T', 'L', 'LK', 'LM', 'LP', 'LS', 'LT', 'LP', 'L', 'M', 'P', 'PS', 'T', 'T', 'N', 'T', 'T', 'K', 'T', 'P', ''];

function hangulSkeleton(run: string): string {
  let out = '';
  for (const ch of run) {
    const code = ch.charCodeAt(0) - 0xac00;
    if (code < 0 || code > 11171) continue;
    out += INITIAL[Math.floor(code / 588)]! + FINAL[code % 28]!;
  }
  return out;
}

/** The consonant skeleton of a word in Latin letters, Hangul or both (`SWE-벤치` and `SWE-bench` → SPNJ). */
export function skeleton(word: string): string {
  let out = '';
  for (const m of word.matchAll(/[A-Za-z0-9]+|[\uAC00-\uD7A3]+/g)) out += /[A-Za-z0-9]/.test(m[0]) ? latinSkeleton(m[0]) : hangulSkeleton(m[0]);
  // Hangul writes one l, m or n twice across a syllable boundary (갤럭시, 젬마); other repeats are two sounds
  return out.replace(/([LMN])\1+/g, '$1');
}

/** Particles (and the copula) that follow a noun in Korean, longest first. */
const PARTICLES = [
  '에서는', '에서도', '에게서', '으로는', '으로서', '으로써', '이라는', '이라고', '에서', '에게', '까지', '부터', '보다', '처럼', '만큼',
  '라는', '라고', '이며', '이고', '으로', '과의', '와의', '에는', '에도', '이다', '이나', '로서', '로써', '의', '은', '는', '이', '가',
  '을', '를', '에', '로', '와', '과', '도', '만', '나', '랑',
].sort((a, b) => b.length - a.length);

const HANGUL_WORD = /[\uAC00-\uD7A3A-Za-z0-9]+(?:[-.][\uAC00-\uD7A3A-Za-z0-9]+)*/g;
const syllables = (s: string): number => s.match(/[\uAC00-\uD7A3]/g)?.length ?? 0;
/**
 * How long a skeleton must be before a match means something. Measured on the l-yohai Korean summaries
 * (257 KB) against the 802 names of the dair-ai abstracts and the reference pairs: with 3 classes, 215
 * distinct Korean words collide with some name (최신 ~ JSON, 결정 ~ GLIGEN), nearly all by chance; with 4, 30;
 * with 5, 7 — one by chance (만들며 ~ MentalLlaMa), the others real (미스트랄-7B, 울트라인터랙트, 프롬프팅).
 * A pure-Hangul word therefore needs 5 (울트라인터랙트 has 8; 깃허브 for GitHub, 4, is let go). A word that
 * mixes Hangul with Latin letters or digits of the name itself (SWE-벤치, 미스트랄-7B) is evidence enough
 * with 3.
 */
export const MIN_SKELETON_HANGUL = 5;
export const MIN_SKELETON_MIXED = 3;

export interface Spelling {
  text: string;
  span: Span;
}

interface Candidate {
  /** the word, or the word without a particle */
  text: string;
  span: Span;
  /** which word of the draft it comes from */
  word: number;
  /** its place among the word's candidates: the word itself first, then without the longest particle … */
  rank: number;
}

/** Every Hangul-bearing word of the draft (and the word without a trailing particle), by skeleton: built once per draft. */
function spellingIndex(draft: string, skip: readonly Span[]): Map<string, Candidate[]> {
  const index = new Map<string, Candidate[]>();
  let word = 0;
  for (const m of draft.matchAll(HANGUL_WORD)) {
    const w = m[0];
    if (syllables(w) === 0 || inside(skip, m.index, m.index + w.length)) continue;
    const texts = [w, ...PARTICLES.filter((p) => w.endsWith(p)).map((p) => w.slice(0, -p.length))];
    texts.forEach((text, rank) => {
      if (text === '') return;
      const key = skeleton(text);
      const list = index.get(key) ?? [];
      list.push({ text, span: [m.index, m.index + text.length], word, rank });
      index.set(key, list);
    });
    word++;
  }
  return index;
}

function spellingsIn(index: Map<string, Candidate[]>, draft: string, name: string, allowed: readonly string[]): Spelling[] {
  const target = skeleton(name);
  const classes = target.replace(/\d/g, '').length;
  if (classes < MIN_SKELETON_MIXED || (name.match(/[A-Za-z]/g)?.length ?? 0) < 4) return [];
  const lowerName = name.toLowerCase();
  const fits = (c: string): boolean => {
    if (c.toLowerCase().includes(lowerName)) return false;
    const hangul = c.match(/[\uAC00-\uD7A3]+/g)?.join('') ?? '';
    if (skeleton(hangul).length < 2) return false;
    const ascii = c.match(/[A-Za-z0-9]+/g) ?? [];
    // mixed: its Latin letters and digits are the name's own
    if (ascii.length > 0) return ascii.every((a) => name.includes(a));
    return classes >= MIN_SKELETON_HANGUL && syllables(c) >= 2;
  };
  // the first fitting candidate of each word
  const best = new Map<number, Candidate>();
  for (const c of index.get(target) ?? []) {
    if (!fits(c.text)) continue;
    const had = best.get(c.word);
    if (!had || c.rank < had.rank) best.set(c.word, c);
  }
  const out: Spelling[] = [];
  for (const c of [...best.values()].sort((a, b) => a.span[0] - b.span[0])) {
    if (allowed.some((a) => a.includes(c.text) || c.text.includes(a))) continue;
    // written together with the name, `울트라인터랙트(ULTRAINTERACT)`: the name is there, the Hangul only helps
    const after = draft.slice(c.span[1], c.span[1] + name.length + 3);
    const before = draft.slice(Math.max(0, c.span[0] - name.length - 3), c.span[0]);
    if (/^\s*[(\uFF08]/.test(after) && after.includes(name)) continue;
    if (/[(\uFF08]\s*$/.test(before) && before.includes(name)) continue;
    out.push({ text: c.text, span: c.span });
  }
  return out;
}

/** Hangul words of the draft that read like `name` spelt out (a particle after them left out). */
export function hangulSpellings(draft: string, name: string, allowed: readonly string[] = [], skip: readonly Span[] = []): Spelling[] {
  return spellingsIn(spellingIndex(draft, skip), draft, name, allowed);
}

// ---- the rule ---------------------------------------------------------------------------------------------

const primary = (lang: string): string => lang.toLowerCase().split(/[-_]/)[0] ?? '';
const squashAll = (s: string): string => s.replace(/\s+/g, '');

/** Glossary renderings that stand for a name: the targets of terms whose English is the name (case aside). */
function glossaryForms(glossary: readonly GlossaryTerm[] | undefined, lang: string, name: string): string[] {
  if (!glossary) return [];
  const lower = name.toLowerCase();
  return glossary.filter((t) => primary(t.lang) === lang && t.en.toLowerCase() === lower).map((t) => t.target);
}

const quote = (s: string): string => JSON.stringify(s);

/** At most this many names the draft adds are reported one by one; the rest are counted in one more. */
export const MAX_ADDED_FINDINGS = 20;

export const namesRule: Rule = (input) => {
  const lang = primary(input.lang);
  const { source, draft } = input;
  const findings: Finding[] = [];
  const draftLinks: Span[] = findLinks(draft).map((l) => [l.start, l.end]);
  const draftFlat = squashAll(draft);
  const index = spellingIndex(draft, draftLinks);
  const draftNames = indexNames(draft, draftLinks);

  // every name of the source, once, at its first place
  const seen = new Map<string, Span>();
  for (const n of findNames(source)) {
    const key = singular(n.name);
    if (!seen.has(key)) seen.set(key, n.span);
  }

  for (const span of seen.values()) {
    const name = source.slice(span[0], span[1]);
    const allowed = glossaryForms(input.glossary, lang, name);
    const spellings = spellingsIn(index, draft, name, allowed);
    const present = draftNames.strict.has(singular(name)) || allowed.some((a) => draftFlat.includes(squashAll(a)));
    if (!present) {
      const first = spellings[0];
      if (first) {
        const times = spellings.length > 1 ? ` (${spellings.length} times)` : '';
        findings.push({
          rule: 'names',
          severity: 'error',
          message: `${quote(name)} from the source is written ${quote(first.text)} in the draft${times}; names stay as in the source`,
          sourceSpan: span,
          draftSpan: first.span,
        });
      } else if (input.relation !== 'summary') {
        findings.push({ rule: 'names', severity: 'error', message: `${quote(name)} from the source is not in the draft`, sourceSpan: span, draftSpan: null });
      }
    } else {
      for (const s of spellings) {
        findings.push({
          rule: 'names',
          severity: 'error',
          message: `${quote(s.text)} in the draft spells ${quote(name)} in Hangul; names stay as in the source`,
          sourceSpan: span,
          draftSpan: s.span,
        });
      }
    }
  }

  // names the draft has and the source does not (case aside, a part of a longer source token counts)
  const sourceNames = indexNames(source);
  const checked = new Set<string>();
  const added: NameOccurrence[] = [];
  for (const n of findNames(draft)) {
    if (checked.has(n.name)) continue;
    checked.add(n.name);
    if (!hasLoosely(sourceNames, n.name)) added.push(n);
  }
  for (const n of added.slice(0, MAX_ADDED_FINDINGS)) {
    findings.push({ rule: 'names', severity: 'warning', message: `${quote(n.name)} in the draft is not in the source`, sourceSpan: null, draftSpan: n.span });
  }
  if (added.length > MAX_ADDED_FINDINGS) {
    const rest = added.slice(MAX_ADDED_FINDINGS);
    findings.push({
      rule: 'names',
      severity: 'warning',
      message: `${rest.length} more names in the draft are not in the source`,
      sourceSpan: null,
      draftSpan: [rest[0]!.span[0], rest[rest.length - 1]!.span[1]],
    });
  }
  return findings;
};
