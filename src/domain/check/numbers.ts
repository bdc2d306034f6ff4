// The numbers rule: every quantity of the English source is in the draft with the same value, and
// every quantity of the draft comes from the source. Pure: no node:*, no I/O.
//
// Values are compared, not notations: `2.2B` = `22억` = 2,200,000,000, `$0.1 million` = `10만 달러`,
// `20K` = `2만`, `50%` = `50퍼센트`, `~256` = `256개`. Scales convert exactly (`50K` = `5만`, never
// `50만`); the tolerance only absorbs binary noise (1e-9 relative). Kinds and approximation marks are
// not compared (`2x` = `2`, `13` = `13개`, `~256` = `256`), and neither are currencies; only a
// percent, an amount of money and a multiplier never stand for each other (`10-50x` ≠ `10-50%`).
// Ranges are compared end by end, so `10-50x` = `10~50배` = `10배에서 50배` (see quantities.ts).
// Set semantics: a value matches if the other side has it anywhere, whatever the count; an unmatched
// value is reported once, at its first occurrence.
// A source value missing from the draft and a draft value missing from the source are reported as
// ONE finding when they pair up (same kind, about the same place in the text, or the same digits at
// another scale or of another kind): the draft changed the number. Spelled-out zero and one (`one of`, `zero`, `하나의`, `한 번`, `single`, `단일`)
// and `both` are articles and idioms as often as numbers: they match a number on the other side
// (`both` = `2개`) but never make a finding; a number word that only the draft has
// (`두` for "both", `세` misread) makes one only when it pairs with a source number it replaced.
// Digits always do.
// A summary (relation `summary`, a derived intro) states only some of the source's values: a source value
// missing from it is no finding, and every value of the draft must still be the source's.
import type { CheckInput, Finding, Rule, Span } from './types.js';
import { extractQuantities, type QuantityKind } from './quantities.js';

export const NUMBERS_RULE = 'numbers';
/** Relative tolerance between two values that are the same number. */
export const RELATIVE_TOLERANCE = 1e-9;
/** Two unmatched values of different kinds and digits pair up when this close (share of the text's length). */
export const PAIR_DISTANCE = 0.25;

export function sameValue(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** `500000` → `500,000`; `12.29` → `12.29`; `1e24` → `1e+24`. */
export function formatValue(v: number): string {
  const s = String(Number(v.toPrecision(12)));
  if (/e/i.test(s)) return s;
  const [int = '', frac] = s.replace(/^-/, '').split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${v < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

interface Item {
  value: number;
  kind: QuantityKind;
  span: Span;
  raw: string;
  /** written without digits: `two`, `다섯` */
  spelled: boolean;
  /** where in the text, 0…1 */
  at: number;
  currency?: string;
}

/** The values of a text: each quantity, and each end of a range on its own. */
function items(text: string, lang: string): Item[] {
  const out: Item[] = [];
  const len = Math.max(1, text.length);
  for (const q of extractQuantities(text, lang)) {
    const parts = q.ends ?? [{ value: q.value, span: q.span, raw: q.raw }];
    for (const p of parts) {
      out.push({
        value: p.value,
        kind: q.kind,
        span: p.span,
        raw: p.raw,
        spelled: !/\d/.test(p.raw),
        at: p.span[0] / len,
        ...(q.currency ? { currency: q.currency } : {}),
      });
    }
  }
  return out;
}

/** Number words that are articles and idioms as often as numbers: they match, but are never reported. */
const WEAK = /^(?:both|single|once|단일)$/i;
const weak = (it: Item) => it.spelled && (Math.abs(it.value) <= 1 || WEAK.test(it.raw));

/** Sorted values, searched in O(log n): is `v` among them, within the tolerance? */
class ValueSet {
  private readonly values: number[] = [];
  constructor(values: Iterable<number> = []) {
    for (const v of values) this.values.push(v);
    this.values.sort((a, b) => a - b);
  }
  /** the first index whose value is not below v */
  private lowerBound(v: number): number {
    const xs = this.values;
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  has(v: number): boolean {
    const xs = this.values;
    const lo = this.lowerBound(v);
    return (lo < xs.length && sameValue(xs[lo]!, v)) || (lo > 0 && sameValue(xs[lo - 1]!, v));
  }
  add(v: number): void {
    this.values.splice(this.lowerBound(v), 0, v);
  }
}

const KINDS: readonly QuantityKind[] = ['number', 'percent', 'money', 'multiplier'];

/**
 * Kinds that can stand for each other: a plain number for any kind (`2x` = `2`, `13` = `13개`,
 * `12.29%` = `12.29`), but not a percent for a multiplier or an amount (`10-50x` ≠ `10-50%`).
 */
const compatible = (a: QuantityKind, b: QuantityKind) => a === b || a === 'number' || b === 'number';

/** The items whose value the other side lacks, one per value, first occurrence; weak words left out. */
function unmatched(mine: Item[], theirs: Item[]): Item[] {
  const other = new Map(KINDS.map((k) => [k, new ValueSet(theirs.filter((t) => t.kind === k).map((t) => t.value))]));
  const seen = new ValueSet();
  const out: Item[] = [];
  for (const it of mine) {
    if (weak(it)) continue;
    if (KINDS.some((k) => compatible(k, it.kind) && other.get(k)!.has(it.value))) continue;
    if (seen.has(it.value)) continue;
    seen.add(it.value);
    out.push(it);
  }
  return out;
}

/** Above this many (missing × extra) pairs, each missing value is only tried with the draft values nearest to it. */
const FULL_PAIRING_LIMIT = 4096;
const NEAREST = 8;

/** `50K` vs `50만`, `2.2B` vs `22억`…: the same digits at another scale, the typical slip. */
function sameDigits(a: number, b: number): boolean {
  if (a === 0 || b === 0) return false;
  const r = Math.log10(Math.abs(a / b));
  return Math.abs(r - Math.round(r)) < 1e-9;
}

const CURRENCY_SIGN: Readonly<Record<string, string>> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', KRW: '₩' };

/** The value as an editor reads it: `50,000`, `12.29%`, `50×`, `$100,000`. */
function showValue(it: Item): string {
  const v = formatValue(it.value);
  if (it.kind === 'percent') return `${v}%`;
  if (it.kind === 'multiplier') return `${v}×`;
  if (it.kind === 'money' && it.currency) return CURRENCY_SIGN[it.currency] ? `${CURRENCY_SIGN[it.currency]}${v}` : `${v} ${it.currency}`;
  return v;
}

const quote = (it: Item) => `"${it.raw.replace(/\s+/g, ' ')}" (${showValue(it)})`;

export const numbersRule: Rule = (input: CheckInput): Finding[] => {
  const src = items(input.source, 'en');
  const drf = items(input.draft, input.lang);
  const missing = input.relation === 'summary' ? [] : unmatched(src, drf);
  const extra = unmatched(drf, src);

  // pair a missing source value with an extra draft value: the draft changed it
  const candidates: Array<{ s: Item; d: Item; cost: number }> = [];
  const full = missing.length * extra.length <= FULL_PAIRING_LIMIT;
  const byPlace = full ? extra : [...extra].sort((a, b) => a.at - b.at);
  for (const s of missing) {
    let near = byPlace;
    if (!full) {
      let lo = 0;
      let hi = byPlace.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byPlace[mid]!.at < s.at) lo = mid + 1;
        else hi = mid;
      }
      near = byPlace.slice(Math.max(0, lo - NEAREST / 2), lo + NEAREST / 2);
    }
    for (const d of near) {
      const distance = Math.abs(s.at - d.at);
      const sameKind = s.kind === d.kind;
      const digits = sameDigits(s.value, d.value);
      if (!sameKind && !digits && distance > PAIR_DISTANCE) continue;
      const cost = distance + (sameKind ? 0 : PAIR_DISTANCE) - (digits ? 0.5 : 0);
      candidates.push({ s, d, cost });
    }
  }
  candidates.sort((a, b) => a.cost - b.cost || a.s.span[0] - b.s.span[0] || a.d.span[0] - b.d.span[0]);
  const pairedS = new Set<Item>();
  const pairedD = new Set<Item>();
  const findings: Finding[] = [];
  for (const { s, d } of candidates) {
    if (pairedS.has(s) || pairedD.has(d)) continue;
    pairedS.add(s);
    pairedD.add(d);
    findings.push({
      rule: NUMBERS_RULE,
      severity: 'error',
      message: `${quote(s)} in the source became ${quote(d)} in the draft`,
      sourceSpan: s.span,
      draftSpan: d.span,
    });
  }
  for (const s of missing) {
    if (pairedS.has(s)) continue;
    findings.push({
      rule: NUMBERS_RULE,
      severity: 'error',
      message: `the source's ${quote(s)} is not in the draft`,
      sourceSpan: s.span,
      draftSpan: null,
    });
  }
  for (const d of extra) {
    // a lone number word of the draft is too often something else (두 for both, 세 for world)
    if (pairedD.has(d) || d.spelled) continue;
    findings.push({
      rule: NUMBERS_RULE,
      severity: 'error',
      message: `the draft has ${quote(d)}, which is not in the source`,
      sourceSpan: null,
      draftSpan: d.span,
    });
  }
  // source order first, then what the draft added, in draft order
  const key = (f: Finding): [number, number] => (f.sourceSpan ? [0, f.sourceSpan[0]] : [1, f.draftSpan?.[0] ?? 0]);
  return findings.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
};
