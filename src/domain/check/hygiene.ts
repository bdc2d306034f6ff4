// Rule `hygiene`: characters and markup in the draft that do not belong in a translation. Pure: no node:*,
// no I/O.
//  * error: invisible or direction-changing characters (zero-width, bidi embeddings/overrides/isolates and
//    marks, the tag block, a BOM inside the text, soft hyphen, Hangul fillers …) — exactly what
//    stripInvisible removes, so the renderer and this rule agree; one finding per run of them (a BOM at the
//    very start is a file artefact, not text, and is left alone);
//  * warning: unbalanced Markdown — `**`, `__` or backtick runs of odd count, `[`/`]` or `(`/`)` that do not
//    pair up — only for the kinds the source has balanced (a source with `1) … 2) …` may have odd brackets);
//    text inside links is not counted (`x.com/lifan__yuan`);
//  * error: HTML tags, active markup or script/data URIs in the draft that the source does not have.
import { findLinks, findMarkup } from '../draft-check.js';
import { stripInvisible } from '../unicode.js';
import type { Finding, Rule, Span } from './types.js';

/** At most this many invisible-character findings; the rest are counted in one more. */
export const MAX_INVISIBLE_FINDINGS = 20;

const NAMES: Readonly<Record<number, string>> = {
  0x00ad: 'soft hyphen',
  0x061c: 'Arabic letter mark',
  0x115f: 'Hangul choseong filler',
  0x1160: 'Hangul jungseong filler',
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2060: 'word joiner',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0x3164: 'Hangul filler',
  0xfeff: 'byte order mark',
};

function describe(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[cp] ?? (cp >= 0xe0000 && cp <= 0xe007f ? 'tag character' : cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? 'control character' : null);
  return name ? `${hex} (${name})` : hex;
}

const quote = (s: string): string => JSON.stringify(s);

/** Runs of characters stripInvisible removes, found by walking the text against its stripped copy. */
export function invisibleRuns(text: string): Array<{ span: Span; codePoints: number[] }> {
  const kept = stripInvisible(text);
  const runs: Array<{ span: Span; codePoints: number[] }> = [];
  let j = 0;
  let i = 0;
  for (const ch of text) {
    if (kept.startsWith(ch, j)) j += ch.length;
    else if (!(i === 0 && ch === '\uFEFF')) {
      const last = runs[runs.length - 1];
      if (last && last.span[1] === i) {
        last.span[1] = i + ch.length;
        last.codePoints.push(ch.codePointAt(0)!);
      } else runs.push({ span: [i, i + ch.length], codePoints: [ch.codePointAt(0)!] });
    }
    i += ch.length;
  }
  return runs;
}

/** The text with links blanked out (same length), so their characters are not read as Markdown. */
function withoutLinks(text: string): string {
  let out = '';
  let at = 0;
  for (const l of findLinks(text)) {
    out += text.slice(at, l.start) + ' '.repeat(l.end - l.start);
    at = l.end;
  }
  return out + text.slice(at);
}

/** Places of a delimiter (`**`, `__`, a run of backticks); the count is balanced when even. */
function delimiterPlaces(text: string, re: RegExp): Span[] {
  return [...text.matchAll(re)].map((m) => [m.index, m.index + m[0].length] as Span);
}

/** The first bracket without a partner, or null when they pair up. */
function unpaired(text: string, open: string, close: string): Span | null {
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === open) stack.push(i);
    else if (text[i] === close) {
      if (stack.length === 0) return [i, i + 1];
      stack.pop();
    }
  }
  return stack.length ? [stack[0]!, stack[0]! + 1] : null;
}

const context = (text: string, span: Span): string => {
  const before = text.slice(Math.max(0, span[0] - 15), span[0]).replace(/\s+/g, ' ');
  const after = text.slice(span[1], span[1] + 15).replace(/\s+/g, ' ');
  return `${before}${text.slice(span[0], span[1])}${after}`;
};

export const hygieneRule: Rule = (input) => {
  const { source, draft } = input;
  const findings: Finding[] = [];

  // invisible and direction-changing characters
  const runs = invisibleRuns(draft);
  for (const run of runs.slice(0, MAX_INVISIBLE_FINDINGS)) {
    const what = [...new Set(run.codePoints)].map(describe).join(', ');
    const before = stripInvisible(draft.slice(Math.max(0, run.span[0] - 20), run.span[0])).replace(/\s+/g, ' ');
    const after = stripInvisible(draft.slice(run.span[1], run.span[1] + 20)).replace(/\s+/g, ' ');
    const count = run.codePoints.length > 1 ? `${run.codePoints.length} invisible characters` : 'an invisible character';
    findings.push({
      rule: 'hygiene',
      severity: 'error',
      message: `the draft has ${count}, ${what}, between ${quote(before)} and ${quote(after)}`,
      sourceSpan: null,
      draftSpan: run.span,
    });
  }
  if (runs.length > MAX_INVISIBLE_FINDINGS) {
    const rest = runs.slice(MAX_INVISIBLE_FINDINGS);
    findings.push({
      rule: 'hygiene',
      severity: 'error',
      message: `the draft has ${rest.length} more runs of invisible characters`,
      sourceSpan: null,
      draftSpan: [rest[0]!.span[0], rest[rest.length - 1]!.span[1]],
    });
  }

  // unbalanced Markdown, for what the source has balanced
  const src = withoutLinks(stripInvisible(source));
  const dft = withoutLinks(draft);
  for (const [label, re] of [
    ['**', /\*\*/g],
    ['__', /__/g],
    ['`', /`+/g],
  ] as const) {
    if (delimiterPlaces(src, re).length % 2 !== 0) continue;
    const places = delimiterPlaces(dft, re);
    if (places.length % 2 === 0) continue;
    const last = places[places.length - 1]!;
    findings.push({
      rule: 'hygiene',
      severity: 'warning',
      message: `unbalanced Markdown: the draft has ${places.length} ${quote(label)}, the last in ${quote(context(draft, last))}`,
      sourceSpan: null,
      draftSpan: last,
    });
  }
  for (const [open, close] of [
    ['[', ']'],
    ['(', ')'],
  ] as const) {
    if (unpaired(src, open, close)) continue;
    const at = unpaired(dft, open, close);
    if (!at) continue;
    findings.push({
      rule: 'hygiene',
      severity: 'warning',
      message: `unbalanced Markdown: ${quote(dft[at[0]]!)} without a partner in ${quote(context(draft, at))}`,
      sourceSpan: null,
      draftSpan: at,
    });
  }

  // markup the source lacks
  const sourceMarkup = new Set(findMarkup(stripInvisible(source)).map((m) => m.key));
  const reported = new Set<string>();
  for (const m of findMarkup(draft)) {
    if (sourceMarkup.has(m.key) || reported.has(m.key)) continue;
    reported.add(m.key);
    findings.push({
      rule: 'hygiene',
      severity: 'error',
      message: `the draft has markup the source does not: ${quote(m.text.length > 80 ? `${m.text.slice(0, 77)}...` : m.text)}`,
      sourceSpan: null,
      draftSpan: [m.start, m.end],
    });
  }
  return findings;
};
