// The checker: every rule on one (source, draft) pair. Pure; the pipeline and `check --pairs` share it.
import { glossaryRule } from './glossary.js';
import { hygieneRule } from './hygiene.js';
import { linksRule } from './links.js';
import { namesRule } from './names.js';
import { numbersRule } from './numbers.js';
import { omissionRule } from './omission.js';
import type { CheckInput, Finding, Rule } from './types.js';

export const RULES: ReadonlyArray<readonly [string, Rule]> = [
  ['numbers', numbersRule],
  ['names', namesRule],
  ['links', linksRule],
  ['glossary', glossaryRule],
  ['omission', omissionRule],
  ['hygiene', hygieneRule],
];

const start = (f: Finding) => f.draftSpan?.[0] ?? f.sourceSpan?.[0] ?? 0;

/** All findings for one draft, in reading order. A text with no English source (an overview) gets only hygiene. */
export function checkText(input: CheckInput): Finding[] {
  const rules = input.source.trim() ? RULES : RULES.filter(([id]) => id === 'hygiene');
  return rules.flatMap(([, rule]) => rule(input)).sort((a, b) => start(a) - start(b) || a.rule.localeCompare(b.rule));
}

/** Identifies "the same finding" across re-checks, so a dismissal survives edits elsewhere in the text. */
export function fingerprint(f: Pick<Finding, 'rule' | 'message'>): string {
  // FNV-1a 32 twice over different seeds: short, stable, no node:crypto in the domain
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  const s = `${f.rule}\u0000${f.message}`;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
