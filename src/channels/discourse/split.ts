// Fits an edition's Discourse post under the forum's length limit (max_post_length). Pure: no I/O.
//
// A post that fits is returned as is. Otherwise, in 'split' mode, it is cut into a first post and
// replies: at the edition's entry boundaries first (lines that are exactly `---`, which the
// Discourse rendering puts before each entry and before the footer), packing as many whole entries
// as fit into each part; an entry that does not fit a part of its own starts a fresh part and is
// cut at paragraph breaks (a heading stays with the paragraph it heads), then at line breaks, then
// between characters (never inside a UTF-16 surrogate pair). A `---` line where a part ends is
// dropped (the post boundary takes its place); inside a part it stays.
// In 'refuse' mode an over-long post is an INPUT_INVALID error naming its length and the limit.
//
// Lengths are counted as Discourse counts them: in characters (Unicode code points), not UTF-16
// units. Every part after the first starts with the caller's continuation line (e.g. "(2/3)") and a
// blank line, and that line is counted in the limit too.
import { PaperboyError } from '../../errors.js';

export type SplitMode = 'split' | 'refuse';

export interface SplitOptions {
  /**
   * The first line of part i (1-based, i ≥ 2) of n; default `(i/n)`. Its length counts toward the
   * limit; it is followed by a blank line.
   */
  continuation?: (i: number, n: number) => string;
}

export interface SplitResult {
  /** the first post, then the replies, in order; each at most maxChars characters */
  parts: string[];
}

/** Length in characters as Discourse counts them (code points; a surrogate pair is one). */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** The UTF-16 index after the first `count` code points of s (or s.length). */
function indexAfter(s: string, count: number): number {
  let i = 0;
  for (let k = 0; k < count && i < s.length; k++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    i += pair ? 2 : 1;
  }
  return i;
}

const ENTRY_JOIN = '\n\n---\n\n';
const PARAGRAPH_JOIN = '\n\n';
const LINE_JOIN = '\n';
const CONTINUATION_GAP = '\n\n';

const defaultContinuation = (i: number, n: number) => `(${i}/${n})`;

/** The text between lines that are exactly `---`, blank lines around each boundary removed. */
function entryBlocks(raw: string): string[] {
  const blocks: string[][] = [[]];
  for (const line of raw.split('\n')) {
    if (line === '---' || line === '---\r') blocks.push([]);
    else blocks[blocks.length - 1]!.push(line);
  }
  return blocks.map((lines) => lines.join('\n').replace(/^(?:[ \t]*\r?\n)+/, '').replace(/(?:\r?\n[ \t]*)+$/, '').replace(/^[ \t]*$/, '')).filter((b) => b !== '');
}

const HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;

/** The paragraphs of an entry, each heading kept with the paragraph it heads (a heading never ends a part). */
function headedGroups(text: string): string[] {
  const groups: string[] = [];
  let pending: string[] = [];
  for (const p of text.split(PARAGRAPH_JOIN)) {
    pending.push(p);
    if (!HEADING.test(p)) {
      groups.push(pending.join(PARAGRAPH_JOIN));
      pending = [];
    }
  }
  if (pending.length > 0) groups.push(pending.join(PARAGRAPH_JOIN));
  return groups;
}

/** One packing pass, with the continuation lines of a split into `guess` parts. */
function pack(raw: string, maxChars: number, guess: number, continuation: (i: number, n: number) => string): string[] {
  const budget = (i: number): number => {
    if (i === 1) return maxChars;
    const room = maxChars - charLength(continuation(i, guess)) - CONTINUATION_GAP.length;
    if (room < 1) {
      throw new PaperboyError('INPUT_INVALID', `the continuation line of part ${i} of ${guess} leaves no room under the limit of ${maxChars} characters`);
    }
    return room;
  };
  const closed: string[] = [];
  let cur: string | null = null;
  let curLen = 0;
  const index = () => closed.length + 1;
  const close = () => {
    // a part never starts with blank lines nor ends with whitespace; a part of only whitespace is dropped
    const body = cur === null ? '' : cur.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
    if (body !== '') closed.push(body);
    cur = null;
    curLen = 0;
  };
  const append = (text: string, len: number, joiner: string) => {
    if (cur === null) {
      cur = text;
      curLen = len;
    } else {
      cur += joiner + text;
      curLen += joiner.length + len;
    }
  };

  /**
   * Places one unit: into the open part, else whole into a fresh part, else cut finer. Levels: 0 an
   * entry, 1 a heading with what it heads, 2 a paragraph, 3 a line. An entry that has to be cut
   * starts a fresh part, so every reply begins with an entry heading or the rest of a cut entry.
   */
  const place = (text: string, joiner: string, level: 0 | 1 | 2 | 3): void => {
    const len = charLength(text);
    if (cur === null ? len <= budget(index()) : curLen + joiner.length + len <= budget(index())) {
      append(text, len, joiner);
      return;
    }
    if (cur !== null && len <= budget(index() + 1)) {
      close();
      append(text, len, joiner);
      return;
    }
    if (level === 0) {
      close();
      headedGroups(text).forEach((g, k) => place(g, k === 0 ? joiner : PARAGRAPH_JOIN, 1));
    } else if (level === 1) {
      text.split(PARAGRAPH_JOIN).forEach((p, k) => place(p, k === 0 ? joiner : PARAGRAPH_JOIN, 2));
    } else if (level === 2) {
      text.split(LINE_JOIN).forEach((l, k) => place(l, k === 0 ? joiner : LINE_JOIN, 3));
    } else {
      // a line longer than a part: fill what is left of the open part, then whole parts
      let rest = text;
      let j = joiner;
      while (rest !== '') {
        const room = cur === null ? budget(index()) : budget(index()) - curLen - j.length;
        if (room < 1) {
          close();
          continue;
        }
        const cut = indexAfter(rest, room);
        const piece = rest.slice(0, cut);
        append(piece, charLength(piece), j);
        rest = rest.slice(cut);
        j = '';
        if (rest !== '') close();
      }
    }
  };

  entryBlocks(raw).forEach((b, k) => place(b, k === 0 ? '' : ENTRY_JOIN, 0));
  close();
  return closed;
}

/**
 * The post as one or more parts of at most `maxChars` characters each (see the top of this file).
 * Throws INPUT_INVALID in 'refuse' mode when the post is too long, and for a limit below 1.
 */
export function splitPost(raw: string, maxChars: number, mode: SplitMode, opts: SplitOptions = {}): SplitResult {
  if (!Number.isSafeInteger(maxChars) || maxChars < 1) {
    throw new PaperboyError('INPUT_INVALID', `the post length limit must be a positive whole number of characters, got ${maxChars}`);
  }
  const length = charLength(raw);
  if (length <= maxChars) return { parts: [raw] };
  if (mode === 'refuse') {
    throw new PaperboyError(
      'INPUT_INVALID',
      `the post is ${length} characters long, over the forum's limit of ${maxChars} characters (Discourse max_post_length); shorten it, raise the limit on the forum, or let paperboy split it into replies`,
    );
  }
  const continuation = opts.continuation ?? defaultContinuation;
  // The continuation line may depend on the number of parts ("(2/9)" vs "(2/10)"): pack, and pack
  // again with the count found until the count is the one the lines were written for.
  const tried = new Set<number>();
  let guess = 2;
  for (let round = 0; round < 50; round++) {
    tried.add(guess);
    const bodies = pack(raw, maxChars, guess, continuation);
    const n = bodies.length;
    if (n <= guess) {
      // packed with the lines of `guess` parts; the lines of the real count are checked again
      const parts = bodies.map((b, k) => (k === 0 ? b : `${continuation(k + 1, n)}${CONTINUATION_GAP}${b}`));
      if (parts.every((p) => charLength(p) <= maxChars)) return { parts };
    }
    let next = Math.max(n, guess + (n <= guess ? 1 : 0));
    while (tried.has(next)) next++;
    guess = next;
  }
  throw new PaperboyError('INPUT_INVALID', `could not split a post of ${length} characters into parts of at most ${maxChars} characters`);
}
