// Which glossary terms occur in an English source text, and a stable version string for a glossary.
// Pure and synchronous; no I/O, no node: modules.
//
// Matching rules:
//  * case-insensitive, whole words: the source and every term are cut into tokens — runs of letters and
//    digits, and single punctuation characters; whitespace only separates. `bias` does not match `biased`,
//    `mini-batch` matches `Mini-batch` but not `mini batch` or `minibatch`, `deep learning` matches across
//    a line break but not across a comma.
//  * inflection: only the plural of the term's last word — `s` (`CNNs`, `tensors`, `sizes`) and `es` after
//    s/x/z/ch/sh (`biases`, `losses`, `mini-batches`). No `ed`/`ing`: `biased` is a different word from
//    `bias`, `trained` from `training`. A term written in the plural (`neural networks`, as the keunwoochoi
//    dictionary does) also matches its singular (not for `-ss`/`-us`/`-is` words such as `loss`, `bias`).
//  * leftmost-longest: at each position the longest term wins and its words are consumed, so
//    `Batch Normalization` wins over `normalization` there (a later lone `normalization` still counts).
//  * each term is reported at most once, in the order of its first occurrence. Terms whose English is the
//    same (several sources, or several languages) are reported together, in the order they were compiled.
import type { GlossaryTerm } from './glossary.js';

export interface GlossaryMatcher {
  /** the number of terms compiled */
  readonly size: number;
  /** the terms that occur in `source`, each once, in order of first occurrence */
  find(source: string): GlossaryTerm[];
}

interface Node {
  children: Map<string, Node>;
  /** terms whose English ends here exactly */
  exact: GlossaryTerm[];
  /** terms written in the plural whose singular ends here */
  singular: GlossaryTerm[];
}

const newNode = (): Node => ({ children: new Map(), exact: [], singular: [] });

const TOKEN = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

function tokens(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(TOKEN) ?? [];
}

/** the singular forms a plural word may have (`biases` → `biase`, `bias`); empty when it is not plural-like */
function singulars(word: string): string[] {
  if (word.length < 3 || !word.endsWith('s') || word.endsWith('ss')) return [];
  const out = [word.slice(0, -1)];
  if (word.endsWith('es') && /(s|x|z|ch|sh)$/.test(word.slice(0, -2)) && word.length > 3) out.push(word.slice(0, -2));
  return out;
}

/** A term's own plural form: the singular forms it should also match (`networks` → `network`), none for `bias`. */
function termSingulars(word: string): string[] {
  if (word.length < 4 || /(ss|us|is)$/.test(word) || !/[a-z]/.test(word)) return [];
  return singulars(word);
}

function insert(root: Node, words: string[], term: GlossaryTerm, kind: 'exact' | 'singular'): void {
  let node = root;
  for (const w of words) {
    let next = node.children.get(w);
    if (!next) {
      next = newNode();
      node.children.set(w, next);
    }
    node = next;
  }
  const list = node[kind];
  if (!list.includes(term)) list.push(term);
}

/** Compiles the terms once into a word trie; `find` is then linear in the source (times the longest term). */
export function compileGlossary(terms: readonly GlossaryTerm[]): GlossaryMatcher {
  const root = newNode();
  let size = 0;
  for (const term of terms) {
    const words = tokens(term.en);
    if (words.length === 0) continue;
    size++;
    insert(root, words, term, 'exact');
    const last = words[words.length - 1]!;
    for (const s of termSingulars(last)) insert(root, [...words.slice(0, -1), s], term, 'singular');
  }

  const termsAt = (node: Node | undefined): GlossaryTerm[] | null => {
    if (!node) return null;
    if (node.exact.length) return node.exact;
    if (node.singular.length) return node.singular;
    return null;
  };

  return {
    size,
    find(source: string): GlossaryTerm[] {
      const words = tokens(source);
      const found: GlossaryTerm[] = [];
      const seen = new Set<GlossaryTerm>();
      let i = 0;
      while (i < words.length) {
        let node: Node | undefined = root;
        let bestEnd = -1;
        let best: GlossaryTerm[] | null = null;
        for (let j = i; j < words.length && node; j++) {
          const w = words[j]!;
          // the word as it is ends a term, or the word is the plural of a term's last word
          let hit = termsAt(node.children.get(w));
          if (!hit) {
            for (const s of singulars(w)) {
              hit = termsAt(node.children.get(s));
              if (hit) break;
            }
          }
          if (hit) {
            bestEnd = j;
            best = hit;
          }
          node = node.children.get(w);
        }
        if (best) {
          for (const t of best) {
            if (!seen.has(t)) {
              seen.add(t);
              found.push(t);
            }
          }
          i = bestEnd + 1;
        } else {
          i++;
        }
      }
      return found;
    },
  };
}

/** The terms that occur in `source` (see the rules above). Compile once with compileGlossary for many sources. */
export function termsInSource(terms: readonly GlossaryTerm[], source: string): GlossaryTerm[] {
  return compileGlossary(terms).find(source);
}

// ---- version ----------------------------------------------------------------------------------------------

/** FNV-1a 64 in four 16-bit limbs (no BigInt in the hot loop); the result as 16 hex digits. */
function fnv1a64(bytes: Uint8Array): string {
  // offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i]!;
    const t0 = h0 * 0x1b3;
    let t1 = h1 * 0x1b3;
    let t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    t1 += t0 >>> 16;
    h0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    h1 = t1 & 0xffff;
    h3 = (t3 + (t2 >>> 16)) & 0xffff;
    h2 = t2 & 0xffff;
  }
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}

/**
 * A short stable hash of a glossary (16 hex digits, FNV-1a 64 over UTF-8), for cache keys. It covers each
 * term's lang, English, target, rule and note, one line per term, lines sorted — so it changes when any of
 * those change (or a term is added or removed) and not when the order changes. `source` is left out: where
 * a term came from does not change a translation.
 */
export function glossaryVersion(terms: readonly GlossaryTerm[]): string {
  const lines = terms.map((t) => [t.lang, t.en, t.target, t.rule, t.note ?? ''].join('\u001f'));
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return fnv1a64(new TextEncoder().encode(lines.join('\n')));
}
