// Rule `glossary`: a term of the glossary that occurs in the source is rendered in the draft as the glossary
// says. Pure: no node:*, no I/O. Without `input.glossary` the rule has nothing to say.
//
//  * translate / transliterate: the target term is in the draft (spacing aside: `미세 조정` = `미세조정`; a
//    verb target `생성하다` is looked for as its stem `생성`; alternatives the glossary notes as `also: …`
//    count too);
//  * keep: the English term is in the draft (case aside, plural allowed);
//  * bilingual: the target is in the draft and its first use is written `target(English)`.
// Terms tied to a context (a table-of-contents label, a qualified sense; see contextBound) are not checked.
// All findings are warnings: the sentence may have been rephrased so that the term is not needed. Terms
// whose English is the same (several sources) are one requirement: any of their renderings satisfies it.
// A summary (relation `summary`, a derived intro) is held to a term only where it uses the term: its
// English or one of its renderings is in the draft.
import { compileGlossary, type GlossaryMatcher } from '../glossary-match.js';
import type { GlossaryTerm } from '../glossary.js';
import type { Finding, Rule, Span } from './types.js';

const primary = (lang: string): string => lang.toLowerCase().split(/[-_]/)[0] ?? '';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quote = (s: string): string => JSON.stringify(s);

const matchers = new WeakMap<readonly GlossaryTerm[], GlossaryMatcher>();
function matcherFor(terms: readonly GlossaryTerm[]): GlossaryMatcher {
  let m = matchers.get(terms);
  if (!m) {
    m = compileGlossary(terms);
    matchers.set(terms, m);
  }
  return m;
}

/** Whitespace-insensitive pattern for a target-language term: `미세 조정` finds `미세조정` and `미세  조정`. */
function targetPattern(target: string): RegExp {
  const chars = [...target.replace(/\s+/g, '')].map(escape);
  return new RegExp(chars.join('\\s*'), 'u');
}

/** The English term as a pattern body: its words with whitespace between, punctuation with optional spaces, a plural ending. */
function englishBody(en: string): string {
  const tokens = en.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu) ?? [];
  let body = '';
  tokens.forEach((t, i) => {
    const word = /[\p{L}\p{M}\p{N}]/u.test(t);
    const prevWord = i > 0 && /[\p{L}\p{M}\p{N}]/u.test(tokens[i - 1]!);
    if (i > 0) body += word && prevWord ? '\\s+' : '\\s*';
    body += escape(t);
  });
  // a term written in the plural also matches its singular (`neural networks` → `neural network`)
  const last = tokens.at(-1) ?? '';
  if (/^[\p{L}]{4,}s$/u.test(last) && !/(ss|us|is)$/i.test(last)) body = body.slice(0, -1) + 's?';
  return `${body}(?:e?s)?`;
}

/** A pattern for an English term as the matcher reads it: whole words, case aside, a plural `s`/`es` after the last word; a Korean particle may follow. */
export function englishPattern(en: string): RegExp {
  // bounded by Latin letters and digits only, so a Korean particle may follow: `Tensor를`
  return new RegExp(`(?<![\\p{Script=Latin}\\p{N}])${englishBody(en)}(?![\\p{Script=Latin}\\p{N}])`, 'iu');
}

function spanOf(re: RegExp, text: string): Span | null {
  const m = re.exec(text);
  return m ? [m.index, m.index + m[0].length] : null;
}

/** The renderings a translate/transliterate term accepts: its target (a verb as its stem) and the `also:` alternatives of its note. */
function renderings(term: GlossaryTerm): string[] {
  const out = [term.target];
  const also = /(?:^|;\s*)also:\s*([^;]+)/i.exec(term.note ?? '');
  if (also) out.push(...also[1]!.split(',').map((s) => s.trim()).filter(Boolean));
  return out.map((t) => (t.endsWith('하다') && t.length > 2 ? t.slice(0, -2) : t.endsWith('다') && t.length > 2 ? t.slice(0, -1) : t));
}

/**
 * Terms the glossary ties to a context a matcher cannot see, so a miss proves nothing: labels of a table of
 * contents (`Generative` → `생성 모델`, noted `ToC의 분류명입니다.`) and terms whose English was qualified in
 * the glossary (`Production (environment, use)`, kept as `English as written: …` in the note) when the
 * qualifier follows the whole term.
 */
export function contextBound(term: GlossaryTerm): boolean {
  const note = term.note ?? '';
  if (/\bToC\b|분류명|목차/i.test(note)) return true;
  const written = /English as written:\s*([^;]+)/i.exec(note)?.[1]?.trim() ?? '';
  return written.toLowerCase().startsWith(`${term.en.toLowerCase()} (`);
}

type Check = { ok: true } | { ok: false; message: string; draftSpan: Span | null };

function check(term: GlossaryTerm, shown: string, draft: string): Check {
  switch (term.rule) {
    case 'translate':
    case 'transliterate': {
      if (renderings(term).some((r) => targetPattern(r).test(draft))) return { ok: true };
      return { ok: false, message: `${quote(shown)} should be rendered ${quote(term.target)} (glossary); the draft does not have it`, draftSpan: null };
    }
    case 'keep': {
      if (englishPattern(term.en).test(draft) || (term.target !== term.en && englishPattern(term.target).test(draft))) return { ok: true };
      return { ok: false, message: `${quote(shown)} should stay in English as ${quote(term.target)} (glossary); the draft does not have it`, draftSpan: null };
    }
    case 'bilingual': {
      const want = `${term.target}(${term.en})`;
      const target = targetPattern(term.target);
      const first = spanOf(target, draft);
      if (!first) return { ok: false, message: `${quote(shown)} should be rendered ${quote(want)} on first use (glossary); the draft does not have ${quote(term.target)}`, draftSpan: null };
      const after = draft.slice(first[1]);
      const paren = new RegExp(`^\\s*[(\\uFF08]\\s*${englishBody(term.en)}\\s*[)\\uFF09]`, 'iu');
      if (paren.test(after)) return { ok: true };
      return { ok: false, message: `${quote(draft.slice(first[0], first[1]))} should be written ${quote(want)} on first use (glossary)`, draftSpan: first };
    }
  }
}

/** Whether a draft uses a term at all: its English, its target or an accepted rendering. */
function mentions(term: GlossaryTerm, draft: string): boolean {
  return englishPattern(term.en).test(draft) || [term.target, ...renderings(term)].some((r) => targetPattern(r).test(draft));
}

export const glossaryRule: Rule = (input) => {
  if (!input.glossary || input.glossary.length === 0) return [];
  const lang = primary(input.lang);
  const found = matcherFor(input.glossary)
    .find(input.source)
    .filter((t) => primary(t.lang) === lang && !contextBound(t));

  // one requirement per English term
  const groups = new Map<string, GlossaryTerm[]>();
  for (const t of found) {
    const key = t.en.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }

  const findings: Finding[] = [];
  for (const group of groups.values()) {
    if (input.relation === 'summary' && !group.some((t) => mentions(t, input.draft))) continue;
    const sourceSpan = spanOf(englishPattern(group[0]!.en), input.source);
    const shown = sourceSpan ? input.source.slice(sourceSpan[0], sourceSpan[1]) : group[0]!.en;
    const results = group.map((t) => check(t, shown, input.draft));
    if (results.some((r) => r.ok)) continue;
    const first = results[0] as Extract<Check, { ok: false }>;
    const message =
      group.length > 1 ? `${first.message} (also accepted: ${group.slice(1).map((t) => quote(t.target)).join(', ')})` : first.message;
    findings.push({ rule: 'glossary', severity: 'warning', message, sourceSpan, draftSpan: first.draftSpan });
  }
  return findings;
};
