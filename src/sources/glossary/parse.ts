// Parsers for glossary files: English term → target-language term, with a rule for how to write it.
// Pure: text in, terms and problems out. The caller reads the file and decides what to do with the problems;
// nothing here touches the file system or the store.
//
// Formats:
//  * Markdown tables whose header names an English column and a target column (the PyTorch Korea
//    TRANSLATION_GUIDE.md: `|영문|한글|작성자|추가 설명|`; also `English|Korean`, `en|ko`, `term|translation`…).
//    Every such table in the file is read; other tables are skipped.
//  * Markdown lists of `english: target, alternative, …` items (keunwoochoi/machine_learning_eng2kor
//    dictionary.md, which has no table: `#### A` letter headings over bullet items). Only read when the
//    file has no glossary table, so prose lists with colons in a guide are not mistaken for terms.
//  * JSON in the kr-terms-poc format: `[{ term, meanings: [{ korean, definition, examples, synonyms }], notes? }]`.
//
// Structure comes from markdown-it's tokens (tables, list items, inline children, `.map` line numbers);
// regular expressions only look at the text of one cell or one item.
//
// Rule mapping (GlossaryRule), from the note column ("추가 설명"/note/description) and the cells themselves,
// first match wins:
//   keep          note says not to translate (`번역안함`, `번역하지 않음`, `do not translate`, …),
//                 or the target equals the English (case and spacing aside: `autograd` → `Autograd`, `MelScale`)
//   bilingual     note asks for the `한글(English)` form (`한글(영어)`, `한글(English)`, `병기`, `함께 작성/표기`,
//                 `bilingual`), or the target is written that way itself (`직렬화(Serialize)` for `Serialize`).
//                 The guide's general rule ("번역된 문장만으로 의미를 전달하기 어려울 때에는 `한글(영어)`와 같이
//                 작성") is a judgement call per sentence, so it is NOT applied to every term: only data says so.
//   transliterate note says `음차 표기` / `음차` / `음역` / `transliterat…`
//   translate     everything else (including notes such as `ToC의 분류명입니다.`)
//
// Cells: Markdown is unescaped (the text of markdown-it's inline tokens), whitespace collapsed and trimmed.
// English cell: aliases `a, b` / `a; b` / `a / b` become one term each (same target and rule); an alias that is
// only the plural of another (`Tensor / Tensors`) is dropped, since the matcher accepts plurals anyway; a
// parenthetical (`Production (environment, use)`) is removed from the term and the cell as written goes in the note.
// Target cell: alternatives `a, b` or `a/b` → the first usable one is `target`, the rest go in the note
// (`also: …`); struck-through alternatives (`~~…~~`) are never the target (`avoid: …`); placeholders (`...`) and
// purely parenthetical remarks (`(꼬리표..)`) are never the target; a leading qualifier (`(맥락에 따라) 커널`)
// is removed from the target and kept in the note; a trailing remark (`시계열 역전파(?)`) and a final
// full stop likewise.
// The author column (작성자) is ignored. The note keeps the original note text first.
// A term whose English repeats an earlier one (case aside) is a problem; the first is kept.
//
// JSON: one term per item; target = first meaning's `korean`; note = `other meanings: …` (the other meanings'
// `korean`), `synonyms: …` (all meanings' synonyms, minus repeats), then the item's own `notes` text;
// rule `keep` when `korean` equals the term, else `translate` (the format has no note column to say more).
import MarkdownIt from 'markdown-it';
import { z } from 'zod';
import { GlossaryTerm, type GlossaryRule } from '../../domain/glossary.js';
import { PaperboyError } from '../../errors.js';

export interface GlossaryProblem {
  /** 1-based source line; 0 when the problem concerns the file as a whole */
  line: number;
  message: string;
}

export interface GlossaryParse {
  terms: GlossaryTerm[];
  problems: GlossaryProblem[];
}

export interface GlossaryParseOptions {
  /** the target language, e.g. `ko` */
  lang: string;
  /** where the terms come from (a file name); stored on every term and named in messages */
  source: string;
}

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

const md = new MarkdownIt({ html: true });

// ---- header recognition -------------------------------------------------------------------------------

const ENGLISH_HEADERS = new Set(['영문', '영어', '원문', '원어', 'english', 'en', 'eng', 'term', 'source']);
const TARGET_HEADERS = new Set(['한글', '한국어', '국문', '번역', '번역어', '역어', 'korean', 'ko', 'kor', 'target', 'translation']);
const NOTE_HEADERS = new Set(['추가설명', '설명', '비고', '메모', '참고', 'note', 'notes', 'description', 'comment', 'comments', 'remark', 'remarks']);

/** `추가 설명` → `추가설명`; `English term` → words `english`, `term` */
function headerKeys(text: string): string[] {
  const t = text.toLowerCase().replace(/\(.*?\)/g, ' ').trim();
  const words = t.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return [words.join(''), ...words];
}

interface Columns {
  en: number;
  target: number;
  note: number | null;
}

function findColumns(headers: string[], lang: string): { en: number | null; target: number | null; note: number | null } {
  const targets = new Set([...TARGET_HEADERS, lang.toLowerCase()]);
  const keys = headers.map(headerKeys);
  const matchAll = (set: Set<string>, taken: Array<number | null>): number | null => {
    // exact header first (`영문`, `English`), then any word of it (`English term`)
    for (const exact of [true, false]) {
      for (let i = 0; i < keys.length; i++) {
        if (taken.includes(i)) continue;
        const k = keys[i]!;
        if (exact ? set.has(k[0] ?? '') : k.slice(1).some((w) => set.has(w))) return i;
      }
    }
    return null;
  };
  const target = matchAll(targets, []);
  const en = matchAll(ENGLISH_HEADERS, [target]);
  const note = matchAll(NOTE_HEADERS, [target, en]);
  return { en, target, note };
}

// ---- inline text ----------------------------------------------------------------------------------------

/** marks struck-through text (`~~…~~`) inside a rendered cell, so alternatives can be told apart */
const STRIKE_OPEN = '\u0001';
const STRIKE_CLOSE = '\u0002';

/** The text of inline children: Markdown unescaped, links and emphasis reduced to their text, `<br>` a space. */
function inlineText(children: Token[]): string {
  let out = '';
  for (const c of children) {
    switch (c.type) {
      case 'text':
      case 'text_special':
      case 'code_inline':
        out += c.content;
        break;
      case 'softbreak':
      case 'hardbreak':
      case 'html_inline':
        out += ' ';
        break;
      case 's_open':
        out += STRIKE_OPEN;
        break;
      case 's_close':
        out += STRIKE_CLOSE;
        break;
      case 'image':
        out += c.children ? inlineText(c.children) : c.content;
        break;
      default:
        break; // em/strong/link open and close: their text is in the sibling text tokens
    }
  }
  return out;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
/** the text as a reader sees it: strike marks removed, the struck text kept */
const plain = (s: string): string => squash(s.replaceAll(STRIKE_OPEN, '').replaceAll(STRIKE_CLOSE, ''));

/** Splits at separators outside parentheses and outside struck-through text. */
function splitTop(s: string, isSep: (s: string, i: number) => number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let struck = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '(' || ch === '（') depth++;
    else if ((ch === ')' || ch === '）') && depth > 0) depth--;
    else if (ch === STRIKE_OPEN) struck++;
    else if (ch === STRIKE_CLOSE && struck > 0) struck--;
    else if (depth === 0 && struck === 0) {
      const n = isSep(s, i);
      if (n > 0) {
        parts.push(s.slice(start, i));
        start = i + n;
        i += n - 1;
      }
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** English aliases: `,` `;` and a spaced ` / ` (an unspaced slash may belong to the term, as in `I/O`) */
const englishSep = (s: string, i: number): number => {
  const ch = s[i]!;
  if (ch === ',' || ch === ';') return 1;
  if (ch === '/' && /\s/.test(s[i - 1] ?? '') && /\s/.test(s[i + 1] ?? '')) return 1;
  return 0;
};
/** target alternatives: `,` `;` `/` and `、` */
const targetSep = (s: string, i: number): number => (',;/、'.includes(s[i]!) ? 1 : 0);

const PLACEHOLDER = /^[.…?\-–—_~]*$/;
const norm = (s: string): string => s.toLowerCase().replace(/[\s\-_]+/g, '');

interface Alias {
  en: string;
  /** the cell as written, when the term was cut out of it */
  asWritten: string | null;
}

function englishAliases(cell: string): Alias[] {
  const whole = plain(cell);
  const out: Alias[] = [];
  for (const raw of splitTop(plain(cell), englishSep)) {
    const written = squash(raw);
    const en = squash(written.replace(/\s*[(（][^()（）]*[)）]\s*/g, ' '));
    if (en) out.push({ en, asWritten: en !== written ? whole : null });
  }
  // `Tensor / Tensors`: drop an alias that is only the plural of another one
  const keys = new Set(out.map((a) => a.en.toLowerCase()));
  return out.filter((a) => {
    const k = a.en.toLowerCase();
    return !(k.endsWith('es') && keys.has(k.slice(0, -2))) && !(k.endsWith('s') && keys.has(k.slice(0, -1)));
  });
}

interface Target {
  target: string;
  /** the trailing `(…)` of a `한글(English)` target, when it names the English term */
  bilingual: boolean;
  noteParts: string[];
}

/**
 * Picks the target among the alternatives of a target cell. Returns null when no alternative is usable
 * (an empty cell, only `...`, only struck-through or parenthetical remarks).
 */
function pickTarget(cell: string, en: string): Target | null {
  interface Alt {
    written: string;
    value: string;
    struck: boolean;
    qualified: boolean;
    trailing: string | null;
  }
  const alts: Alt[] = [];
  for (const raw of splitTop(cell, targetSep)) {
    const struck = raw.includes(STRIKE_OPEN);
    const written = plain(raw);
    if (!written) continue;
    let value = written;
    let qualified = false;
    let trailing: string | null = null;
    const lead = /^[(（]([^()（）]*)[)）]\s*(.*)$/.exec(value);
    if (lead) {
      value = lead[2]!.trim();
      qualified = true;
    }
    const trail = /^(.*?)\s*[(（]([^()（）]*)[)）]$/.exec(value);
    if (trail && trail[1]!.trim()) {
      value = trail[1]!.trim();
      trailing = trail[2]!.trim();
    }
    value = value.replace(/\s*[.。]+$/, ''); // `배열.`
    alts.push({ written, value, struck, qualified, trailing });
  }
  const usable = (a: Alt): boolean => !a.struck && a.value !== '' && !PLACEHOLDER.test(a.value);
  const chosen = alts.find((a) => usable(a) && !a.qualified) ?? alts.find(usable);
  if (!chosen) return null;
  const bilingual = chosen.trailing !== null && norm(chosen.trailing) === norm(en);
  const also = alts.filter((a) => a !== chosen && !a.struck && !PLACEHOLDER.test(a.value) && a.value !== '');
  const avoid = alts.filter((a) => a.struck);
  const noteParts: string[] = [];
  if (chosen.written !== chosen.value && !bilingual) noteParts.push(`as written: ${chosen.written}`);
  if (also.length) noteParts.push(`also: ${also.map((a) => a.written).join(', ')}`);
  if (avoid.length) noteParts.push(`avoid: ${avoid.map((a) => a.written).join(', ')}`);
  return { target: chosen.value, bilingual, noteParts };
}

const KEEP_NOTE = /번역\s*(안\s*함|안\s*합|하지\s*않|않|금지|불필요)|원문\s*(유지|그대로)|do\s*n[o']t\s+translate|not\s+translated|untranslated|keep\s+(as\s+is|english|the\s+english)/i;
const BILINGUAL_NOTE = /한글\s*[(（]\s*(영어|영문|english)\s*[)）]|병기|함께\s*(작성|표기|적)|bilingual/i;
const TRANSLITERATE_NOTE = /음차|음역|translit/i;

/** See the rule mapping at the top of this file. */
export function ruleFor(en: string, target: string, note: string, targetIsBilingual = false): GlossaryRule {
  if (KEEP_NOTE.test(note) || norm(target) === norm(en)) return 'keep';
  if (targetIsBilingual || BILINGUAL_NOTE.test(note)) return 'bilingual';
  if (TRANSLITERATE_NOTE.test(note)) return 'transliterate';
  return 'translate';
}

// ---- collecting terms -------------------------------------------------------------------------------------

class Collector {
  readonly terms: GlossaryTerm[] = [];
  readonly problems: GlossaryProblem[] = [];
  private readonly seen = new Map<string, number>();
  constructor(private readonly opts: GlossaryParseOptions) {}

  problem(line: number, message: string): void {
    this.problems.push({ line, message });
  }

  add(line: number, fields: { en: string; target: string; rule: GlossaryRule; note: string | null }): void {
    const key = fields.en.toLowerCase();
    const first = this.seen.get(key);
    if (first !== undefined) {
      this.problem(line, `duplicate term "${fields.en}" (first ${first > 0 ? `on line ${first}` : 'earlier'}); kept the first`);
      return;
    }
    const parsed = GlossaryTerm.safeParse({ lang: this.opts.lang, source: this.opts.source, ...fields });
    if (!parsed.success) {
      this.problem(line, `term "${fields.en}": ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return;
    }
    this.seen.set(key, line);
    this.terms.push(parsed.data);
  }

  /** one row or item: English cell, target cell, original note (may be empty) */
  addEntry(line: number, enCell: string, targetCell: string, noteText: string, what: string): void {
    const enPlain = plain(enCell);
    const targetPlain = plain(targetCell);
    if (!enPlain && !targetPlain) {
      this.problem(line, `empty ${what}; skipped`);
      return;
    }
    if (!enPlain) {
      this.problem(line, `${what} without an English term (target "${targetPlain}"); skipped`);
      return;
    }
    const aliases = englishAliases(enCell);
    if (aliases.length === 0) {
      this.problem(line, `${what} without an English term; skipped`);
      return;
    }
    const picked = pickTarget(targetCell, aliases[0]!.en);
    if (!picked) {
      this.problem(line, `no ${this.opts.lang} term for "${enPlain}"${targetPlain ? ` (only "${targetPlain}")` : ''}; skipped`);
      return;
    }
    for (const alias of aliases) {
      const rule = ruleFor(alias.en, picked.target, noteText, picked.bilingual);
      const parts = [noteText, ...picked.noteParts];
      if (alias.asWritten) parts.push(`English as written: ${alias.asWritten}`);
      const note = parts.filter(Boolean).join('; ');
      this.add(line, { en: alias.en, target: picked.target, rule, note: note || null });
    }
  }

  result(): GlossaryParse {
    return { terms: this.terms, problems: this.problems };
  }
}

function checkOptions(opts: GlossaryParseOptions): void {
  if (!opts.lang || opts.lang.trim().length < 2) throw new PaperboyError('USAGE', `glossary: a target language code is required (got "${opts.lang}")`);
  if (!opts.source || !opts.source.trim()) throw new PaperboyError('USAGE', 'glossary: a source name is required');
}

// ---- Markdown -----------------------------------------------------------------------------------------------

interface Row {
  line: number;
  cells: string[];
}

interface Table {
  line: number;
  header: string[];
  rows: Row[];
}

/** Every table of the document, cells as inline text (strike marks kept). */
function tablesOf(tokens: Token[]): Table[] {
  const tables: Table[] = [];
  let table: Table | null = null;
  let row: Row | null = null;
  let inHead = false;
  for (const t of tokens) {
    switch (t.type) {
      case 'table_open':
        table = { line: (t.map?.[0] ?? 0) + 1, header: [], rows: [] };
        break;
      case 'table_close':
        if (table) tables.push(table);
        table = null;
        break;
      case 'thead_open':
        inHead = true;
        break;
      case 'thead_close':
        inHead = false;
        break;
      case 'tr_open':
        row = { line: (t.map?.[0] ?? -1) + 1, cells: [] };
        break;
      case 'tr_close':
        if (table && row) {
          if (inHead) table.header = row.cells.map(plain);
          else table.rows.push(row);
        }
        row = null;
        break;
      case 'inline':
        if (row) row.cells.push(inlineText(t.children ?? []));
        break;
      default:
        break;
    }
  }
  return tables;
}

interface ListItem {
  line: number;
  text: string;
}

/** The first paragraph of every list item (at any depth), as inline text. */
function listItemsOf(tokens: Token[]): ListItem[] {
  const items: ListItem[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.type !== 'list_item_open') continue;
    const p = tokens[i + 1];
    const inline = tokens[i + 2];
    if (p?.type !== 'paragraph_open' || inline?.type !== 'inline') continue;
    items.push({ line: (inline.map?.[0] ?? p.map?.[0] ?? 0) + 1, text: inlineText(inline.children ?? []) });
  }
  return items;
}

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

/** Reads glossary tables (or, failing those, a `english: target` list) from a Markdown file. */
export function parseGlossaryMarkdown(text: string, opts: GlossaryParseOptions): GlossaryParse {
  checkOptions(opts);
  const out = new Collector(opts);
  const tokens = md.parse(text.replace(/^\uFEFF/, ''), {});

  let glossaryTables = 0;
  for (const table of tablesOf(tokens)) {
    const cols = findColumns(table.header, opts.lang);
    if (cols.en === null && cols.target === null) continue; // some other table
    if (cols.en === null || cols.target === null) {
      const missing = cols.en === null ? 'English' : opts.lang;
      out.problem(table.line, `table with header "${table.header.join(' | ')}" has no ${missing} column; skipped`);
      continue;
    }
    glossaryTables++;
    const c: Columns = { en: cols.en, target: cols.target, note: cols.note };
    for (const row of table.rows) {
      const note = c.note === null ? '' : plain(row.cells[c.note] ?? '');
      out.addEntry(row.line, row.cells[c.en] ?? '', row.cells[c.target] ?? '', note, 'row');
    }
  }

  if (glossaryTables === 0) {
    // the keunwoochoi dictionary: `* backpropagation, backprop: 역전파, 역방향전파, backprop,`
    let listed = 0;
    for (const item of listItemsOf(tokens)) {
      const colon = item.text.search(/[:：]/);
      if (colon <= 0) continue;
      const enCell = item.text.slice(0, colon);
      const targetCell = item.text.slice(colon + 1);
      const enPlain = plain(enCell);
      // prose or a URL (`https://…`), not a term
      if (!/[A-Za-z]/.test(enPlain) || HANGUL.test(enPlain) || targetCell.startsWith('//') || enPlain.split(' ').length > 6) continue;
      listed++;
      out.addEntry(item.line, enCell, targetCell, '', 'item');
    }
    if (listed === 0) {
      out.problem(0, `${opts.source}: no glossary table (a header with an English and a ${opts.lang} column) and no "english: ${opts.lang}" list found`);
    }
  }
  return out.result();
}

// ---- JSON (kr-terms-poc) ----------------------------------------------------------------------------------

const JsonMeaning = z.object({
  korean: z.string().trim().min(1),
  definition: z.string().optional(),
  examples: z.array(z.unknown()).optional(),
  synonyms: z.array(z.string()).optional(),
});

const JsonTerm = z.object({
  term: z.string().trim().min(1),
  meanings: z.array(JsonMeaning).min(1),
  notes: z.string().optional(),
});

/** 1-based line of each top-level array element (or of the object, for a single object), from a raw scan. */
function topLevelLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      if (depth === 1 && expectValue) lines.push(line);
      expectValue = false;
      inString = true;
    } else if (ch === '[' || ch === '{') {
      if (depth === 0) {
        if (ch === '{') lines.push(line);
        expectValue = ch === '[';
      } else if (depth === 1 && expectValue) {
        lines.push(line);
        expectValue = false;
      }
      depth++;
    } else if (ch === ']' || ch === '}') {
      depth--;
    } else if (ch === ',' && depth === 1) {
      expectValue = true;
    } else if (depth === 1 && expectValue && !/\s/.test(ch)) {
      lines.push(line); // a number, true, false or null as an element
      expectValue = false;
    }
  }
  return lines;
}

/** Reads the kr-terms-poc JSON format. Invalid JSON throws INPUT_INVALID; a bad item is a problem. */
export function parseGlossaryJson(text: string, opts: GlossaryParseOptions): GlossaryParse {
  checkOptions(opts);
  const body = text.replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    throw new PaperboyError('INPUT_INVALID', `${opts.source}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  let items: unknown[];
  if (Array.isArray(data)) items = data;
  else if (data && typeof data === 'object' && Array.isArray((data as { terms?: unknown }).terms)) items = (data as { terms: unknown[] }).terms;
  else if (data && typeof data === 'object' && 'term' in data) items = [data];
  else throw new PaperboyError('INPUT_INVALID', `${opts.source}: expected a JSON array of terms ({ term, meanings: [{ korean, … }] })`);

  const out = new Collector(opts);
  let lines: number[] | null = null;
  const lineOf = (i: number): number => {
    if (!Array.isArray(data)) return 0; // `{ terms: [...] }`: not worth a scan
    lines ??= topLevelLines(body);
    return lines[i] ?? 0;
  };

  items.forEach((item, i) => {
    const parsed = JsonTerm.safeParse(item);
    if (!parsed.success) {
      const term = item && typeof item === 'object' && typeof (item as { term?: unknown }).term === 'string' ? (item as { term: string }).term : null;
      const issues = parsed.error.issues.map((x) => `${x.path.length ? x.path.join('.') : '(item)'}: ${x.message}`).join('; ');
      out.problem(lineOf(i), `item ${i}${term !== null ? ` ("${term}")` : ' (no term)'}: ${issues}; skipped`);
      return;
    }
    const { term, meanings, notes } = parsed.data;
    const en = squash(term);
    const target = squash(meanings[0]!.korean);
    const seen = new Set([target]);
    const others: string[] = [];
    for (const m of meanings.slice(1)) {
      const k = squash(m.korean);
      if (!seen.has(k)) others.push(k);
      seen.add(k);
    }
    const synonyms: string[] = [];
    for (const m of meanings) {
      for (const s of m.synonyms ?? []) {
        const k = squash(s);
        if (k && !seen.has(k)) synonyms.push(k);
        seen.add(k);
      }
    }
    const parts: string[] = [];
    if (others.length) parts.push(`other meanings: ${others.join(', ')}`);
    if (synonyms.length) parts.push(`synonyms: ${synonyms.join(', ')}`);
    if (notes?.trim()) parts.push(squash(notes));
    const rule: GlossaryRule = norm(target) === norm(en) ? 'keep' : 'translate';
    out.add(lineOf(i), { en, target, rule, note: parts.length ? parts.join('; ') : null });
  });
  return out.result();
}

// ---- either ----------------------------------------------------------------------------------------------

/** Parses a glossary file: JSON when `format` says so or the text starts with `[` or `{`, Markdown otherwise. */
export function parseGlossary(text: string, opts: GlossaryParseOptions & { format?: 'markdown' | 'json' }): GlossaryParse {
  const format = opts.format ?? (/^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'markdown');
  const base = { lang: opts.lang, source: opts.source };
  return format === 'json' ? parseGlossaryJson(text, base) : parseGlossaryMarkdown(text, base);
}
