// Quantities in a text: the numbers a translation must keep. Pure: no node:*, no I/O.
//
// What counts as a quantity, and what does not (a name, a date, a list marker):
//   - Digits with grouping and decimals (`1,300`, `12.29`, `1e24`), English scale suffixes with an
//     optional space (`20K`, `2.2B`, `12T`, `1 M`), scale words (`0.1 million`), byte units
//     (`4TB` = 4·10^12), Korean units (`22억`, `3억 5천만`, `0.1백만`).
//   - Kinds: percent (`12.29%`, `50 percent`, `50퍼센트`), money (`$ 0.1 million`, `10만 달러`),
//     multiplier (`2x`, `10×`, `5 times`, `twice`, `2배`); everything else is a number. Counters
//     after a Korean number (`256개`, `8명`, `2가지`) do not change it.
//   - Ranges (`10-50x`, `10배~50배`, `28 to 174`, `2K to 50K`, `28~174개`) are ONE quantity: `value`
//     is the low end, `high` the high end, `ends` the two ends as written. A scale written only on
//     the high end of a tight range applies to both (`2-5K` = 2,000–5,000, `2~5만`). The numbers
//     rule compares ranges end by end, so a range on one side matches the same two numbers
//     written separately on the other (`from 2K to 50K` = `2K에서 50K`).
//   - Approximation (`~256`, `about`, `nearly`, `up to`, `약`, `최대`, `이상`, `100+`) only sets
//     `approx`; the value is the number written.
//   - English number words zero…ninety-nine, `a/two hundred`, `three million`, `twice`,
//     `threefold`; Korean native counting words (`두 개`, `세 가지`, `여덟 가지`, `다섯`) and
//     Sino-Korean words when clearly numeric (`이천이십육년`, `백만 명`, `삼백 개`); the weak words
//     `both` (2), `single`, `once`, `단일` (1), which the numbers rule matches but never reports.
//     Vague plurals (`hundreds of`, `수백`, `수십억`, `몇`) are no number.
//   - Compounds count: `3-layer`, `360-degree`, `8-bit`, `top-5` (= `상위 5개`).
//   - Years are plain numbers on both sides (`in 2023` = `2023년`): a standalone 4-digit number is
//     as often a size (`2048 tokens`) as a year, and translations keep years as written.
//
// Never quantities:
//   - numbers inside names and tokens: a digit glued to a letter, `_`, `@`, `^`, `.`, or to a
//     hyphen after a letter or digit (`GPT-4`, `GPT-3.5`, `LLaMA2-7B`, `Mistral-7B`, `미스트랄-7B`,
//     `A100`, `2D`, `v1.0`, `pass@1`, `α1`, `O(1)`, `224x224`);
//   - ordinals (`1st`, `first`, `첫 번째`, `두 번째`, `둘째`, `2위`, `제1`), `2차원`…`4차원` (= 2D…4D);
//   - dates (`2024-04-01`, `04/07`, `April 1`, `4월 1일`), times (`10:30`), fractions (`3/4`);
//   - list markers (`1.`, `2)`, `a.` at line start; `(1)`, `2)` inline), citations (`[12]`);
//   - URLs, e-mail addresses, arXiv ids, DOIs, LaTeX math (`$O(n^2)$`, `\(…\)`, `\cite{…}`).
//
// Spans are [start, end) in UTF-16 code units of the input; `raw` is the input's text there.
// Text is expected in NFC (cleanText does that), as NFD Hangul has no syllables to read.
import type { Span } from './types.js';
import { NATIVE_ONES, NATIVE_TENS, parseKoreanNumber, tidy } from './korean-numbers.js';

export type QuantityKind = 'number' | 'percent' | 'money' | 'multiplier';

/** One end of a range as written. */
export interface QuantityEnd {
  value: number;
  span: Span;
  raw: string;
}

export interface Quantity {
  /** the number, or the low end of a range */
  value: number;
  /** for ranges: the high end */
  high?: number;
  kind: QuantityKind;
  approx: boolean;
  span: Span;
  raw: string;
  /** ISO 4217 code, for money: USD, KRW, EUR, GBP, JPY, CNY */
  currency?: string;
  /** for ranges: the two ends as written (`10` and `50x` in `10-50x`) */
  ends?: [QuantityEnd, QuantityEnd];
}

// ---------------------------------------------------------------------------------------------
// Character classes

/** What masked text is replaced with: a character that glues to digits like a letter does. */
const MASK = '\uE000';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isLatin = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
/** Letters of alphabets (not Hangul or Han), digits and the mask: a digit touching one is part of a name (`α1`, `A100`). */
const isWordish = (c: string | undefined) =>
  c !== undefined && /[0-9_\uE000\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u.test(c);
/** Hyphens, dashes and the minus sign. */
const HYPHENS = '-\u2010\u2011\u2012\u2013\u2014\u2212';
const isHyphen = (c: string | undefined) => c !== undefined && HYPHENS.includes(c);
const isHangul = (c: string | undefined) => c !== undefined && /[\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]/.test(c);
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);

// ---------------------------------------------------------------------------------------------
// Masking: regions where numbers never count

const MONTHS =
  'Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?';

/** [pattern, capture group to mask (0 = whole match), a cheap test that the pattern can match at all] */
const MASKS: ReadonlyArray<readonly [RegExp, number, RegExp]> = [
  // LaTeX: display and inline math, references
  [/\$\$[\s\S]{0,2000}?\$\$/g, 0, /\$\$/],
  [/\\\([\s\S]{0,2000}?\\\)/g, 0, /\\\(/],
  [/\\\[[\s\S]{0,2000}?\\\]/g, 0, /\\\[/],
  [/\\(?:cite[tp]?|ref|eqref|label|url|href)\{[^}]*\}/g, 0, /\\/],
  // URLs, bare domains with a path, e-mail addresses, DOIs, arXiv ids
  [/\b(?:https?:\/\/|www\.)[^\s<>"'`)\]}]+/gi, 0, /https?:|www\./i],
  [
    /\b[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.(?:com|org|net|io|ai|dev|edu|gov|co|kr|jp|cn|me|app|so|xyz|html)(?:\/[^\s<>"'`)\]}]*)?/gi,
    0,
    /\.(?:com|org|net|io|ai|dev|edu|gov|co|kr|jp|cn|me|app|so|xyz|html)\b/i,
  ],
  [/[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g, 0, /@/],
  [/\b10\.\d{4,9}\/\S+/g, 0, /\b10\.\d{4,9}\//],
  [/\b(?:arXiv:\s*)?\d{4}\.\d{4,5}(?:v\d+)?\b/gi, 0, /\d{4}\.\d{4}/],
  // dates, times, fractions
  [/\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b/g, 0, /\d{4}[-/.]\d/],
  [/\b\d{1,2}:\d{2}(?::\d{2})?\b/g, 0, /\d:\d/],
  [/(?<![\d.,])\d{1,4}\/\d{1,4}(?![\d.])/g, 0, /\d\/\d/],
  [new RegExp(`\\b(?:${MONTHS})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`, 'g'), 1, /[A-Z][a-z]+\.?\s+\d/],
  [new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${MONTHS})\\b`, 'g'), 1, /\d(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z]/],
  [/(?<![\d.,])(?:1[0-2]|0?[1-9])\s?월(?:\s?(?:[12]\d|3[01]|0?[1-9])\s?일)?/g, 0, /월/],
  // list markers at line start, inline enumerators, citations
  [/^[ \t]*(?:[-*•◦▪‣∙·][ \t]*)?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,5})[.)](?=[ \t])/gm, 0, /[.)][ \t]/],
  [/(?<=^|[\s,;:(\[（])\(\d{1,2}\)/gm, 0, /\(\d{1,2}\)/],
  [/(?<=^|[\s,;:])\d{1,2}\)(?=\s)/gm, 0, /\d\)\s/],
  [/\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]/g, 0, /\[\d/],
];
/** Inline `$…$` is math only when it looks like math, so `$5 and $10` stays money. */
const INLINE_MATH = /\$(?=\S)([^$\n]{1,300}?)(?<=\S)\$/g;
const MATHY = /[\\^_{}=]/;

/** The text with every region where numbers never count replaced by MASK, code unit for code unit. */
function maskText(text: string): string {
  const cuts: Array<[number, number]> = [];
  for (const [re, group, can] of MASKS) {
    if (!can.test(text)) continue;
    for (const match of text.matchAll(re)) {
      if (group === 0) cuts.push([match.index, match.index + match[0].length]);
      else {
        const g = match[group];
        if (g === undefined) continue;
        const at = match.index + match[0].indexOf(g);
        cuts.push([at, at + g.length]);
      }
    }
  }
  if (text.includes('$')) {
    for (const match of text.matchAll(INLINE_MATH)) {
      if (MATHY.test(match[1]!)) cuts.push([match.index, match.index + match[0].length]);
    }
  }
  if (cuts.length === 0) return text;
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let pos = 0;
  for (const [from, to] of cuts) {
    if (to <= pos) continue;
    const a = Math.max(from, pos);
    out += text.slice(pos, a) + MASK.repeat(to - a);
    pos = to;
  }
  return out + text.slice(pos);
}

// ---------------------------------------------------------------------------------------------
// Korean words around numbers

/** Korean counters and unit nouns that may follow a number (startsWith). */
const KO_COUNTERS = [
  '개',
  '가지',
  '명',
  '번',
  '회',
  '배',
  '년',
  '달',
  '해',
  '주',
  '일',
  '시간',
  '분',
  '초',
  '장',
  '권',
  '건',
  '종',
  '단계',
  '차례',
  '쌍',
  '층',
  '줄',
  '점',
  '쪽',
  '페이지',
  '마리',
  '대',
  '곳',
  '편',
  '살',
  '세',
  '토큰',
  '퍼센트',
  '달러',
  '원',
  '유로',
  '엔',
  '위안',
  '라운드',
  '레이어',
  '계층',
  '블록',
  '샘플',
  '문항',
  '문제',
  '과제',
  '작업',
  '모델',
  '언어',
];
/** Particles that may follow a Korean number or unit directly. */
const KO_PARTICLES = [
  '의',
  '은',
  '는',
  '이',
  '가',
  '을',
  '를',
  '에',
  '으로',
  '로',
  '와',
  '과',
  '도',
  '만',
  '씩',
  '뿐',
  '나',
  '보다',
  '부터',
  '까지',
  '이다',
  '입니다',
  '이며',
  '인',
  '이라',
  '라',
];
const startsWithAny = (s: string, list: readonly string[]) => list.some((w) => s.startsWith(w));
/** The Hangul word starting at `i` (up to the next non-Hangul character). */
function hangulWordAt(s: string, i: number): string {
  let j = i;
  while (j < s.length && isHangul(s[j])) j++;
  return s.slice(i, j);
}
/** True when what follows a Korean unit or counter at `i` does not continue it into another word (`3조각`, `10만큼`). */
function koreanBoundary(s: string, i: number): boolean {
  if (!isHangul(s[i])) return true;
  const word = hangulWordAt(s, i);
  return startsWithAny(word, KO_PARTICLES) || startsWithAny(word, KO_COUNTERS);
}

// ---------------------------------------------------------------------------------------------
// One number as written: core, scale, kind

interface End {
  start: number;
  end: number;
  value: number;
  kind: QuantityKind;
  currency?: string;
  /** value / written number: 1 when no scale, 1000 for `20K`, 10^4 for `5만` */
  scale: number;
}

const CORE = /(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const EN_SUFFIX = /(?:([kKMBT])|(bn)|(b))(?![A-Za-z0-9_\uE000])/y;
const EN_SUFFIX_SPACED = / ([KMBT])(?![A-Za-z0-9_\uE000\-\u2010\u2011])/y;
const SUFFIX_SCALE: Readonly<Record<string, number>> = { k: 1e3, K: 1e3, M: 1e6, B: 1e9, b: 1e9, bn: 1e9, T: 1e12 };
const BYTE_UNIT = /\s?([kKMGTP])(i?)(?:B|FLOPs?|FLOPS|Hz)(?![A-Za-z0-9_\uE000])/y;
const SI_POWER: Readonly<Record<string, number>> = { k: 1, K: 1, M: 2, G: 3, T: 4, P: 5 };
const SCALE_WORD = /\s+(thousand|million|billion|trillion)(?![A-Za-z0-9_\uE000])/iy;
const WORD_SCALE: Readonly<Record<string, number>> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };
const KO_SI = /\s?(킬로|메가|기가|테라|페타)(?=바이트|플롭|헤르츠|비트)/y;
const KO_SI_POWER: Readonly<Record<string, number>> = { 킬로: 1, 메가: 2, 기가: 3, 테라: 4, 페타: 5 };
const KO_UNIT = /[십백천]?[만억조경]|[십백천]/y;
const KO_CONT = /\s?(?:\d+(?:\.\d+)?)(?=[십백천만억조경])/y;

const PERCENT = /\s?[%％](p(?![A-Za-z])|포인트)?/y;
const PERCENT_EN = /\s*(?:percent(?:age points?)?|per cent|pp)(?![A-Za-z])/iy;
const PERCENT_KO = /\s?(?:퍼센트(?:포인트)?|프로)/y;
const MULT = /[x×X](?![A-Za-z0-9_\uE000])/y;
const MULT_EN = /(?:\s+times|-?fold)(?![A-Za-z])/iy;
const MULT_KO = /\s?배/y;
const MONEY_EN = /\s+(?:US\s+dollars?|dollars?|USD|euros?|EUR|GBP|yen|JPY|KRW|yuan|CNY|RMB)(?![A-Za-z])/iy;
const MONEY_KO = /\s?(달러|원|유로|엔|위안|파운드)/y;
const MONEY_PREFIX = /(US\$|\$|€|£|¥|₩|USD|EUR|GBP|KRW|JPY)\s?$/;
const CURRENCY: Readonly<Record<string, string>> = {
  'US$': 'USD',
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₩': 'KRW',
  달러: 'USD',
  원: 'KRW',
  유로: 'EUR',
  엔: 'JPY',
  위안: 'CNY',
  파운드: 'GBP',
  dollar: 'USD',
  dollars: 'USD',
  usd: 'USD',
  euro: 'EUR',
  euros: 'EUR',
  eur: 'EUR',
  pound: 'GBP',
  pounds: 'GBP',
  gbp: 'GBP',
  yen: 'JPY',
  jpy: 'JPY',
  won: 'KRW',
  krw: 'KRW',
  yuan: 'CNY',
  cny: 'CNY',
  rmb: 'CNY',
};
/** Units that follow a number without changing it: `100ms`, `2 GHz` is scaled by BYTE_UNIT first. */
const PLAIN_UNIT = /(?:ms|s|sec|secs|min|mins|h|hr|hrs|fps|px|dB|bits?|bpc|bpd|bpp|mm|cm|km|kg|°C?)(?![A-Za-z0-9_\uE000])/y;
const PLAIN_UNIT_SPACED = / (?:ms|sec|secs|min|mins|hrs?|fps|px|dB|bits?|bpc|bpd|bpp|mm|cm|km|kg)(?![A-Za-z0-9_\uE000])/y;
const ORDINAL_EN = /(?:st|nd|rd|th)(?![A-Za-z])/y;
const ORDINAL_KO = /\s?(?:번째|째)|위(?!안)|등(?=[^\s\uAC00-\uD7A3]|$|[은는이을를의])|세대|차(?!례|원)/y;

const sticky = (re: RegExp, s: string, at: number): RegExpExecArray | null => {
  re.lastIndex = at;
  return re.exec(s);
};

type ReadResult = End | 'blocked';

/**
 * Reads the number written at `start` (a digit) in masked text `m`: the core, its scale and its
 * kind. 'blocked' when it is part of a name, an ordinal or another token.
 */
function readEnd(m: string, start: number, lang: string): ReadResult {
  const core = sticky(CORE, m, start);
  if (!core) return 'blocked';
  let p = start + core[0].length;
  let written = Number(core[0].replace(/,/g, ''));
  if (m[p] === '.' && isDigit(m[p + 1])) return 'blocked'; // 1.0.2
  if (written === 10 && m[p] === '^') {
    const exp = /\^\{?(-?\d{1,3})\}?/y;
    const e = sticky(exp, m, p);
    if (e) {
      written = 10 ** Number(e[1]);
      p += e[0].length;
    }
  }
  if (!Number.isFinite(written)) return 'blocked';
  const ko = lang === 'ko';
  let scale = 1;
  let scaled = false;
  let kind: QuantityKind = 'number';
  let currency: string | undefined;

  // scale: Korean units, English suffixes and words, byte units
  if (ko && written !== 0 && sticky(KO_UNIT, m, p)) {
    let q = p;
    let str = core[0];
    for (let groups = 0; groups < 5; groups++) {
      const u = sticky(KO_UNIT, m, q);
      if (!u) break;
      str += u[0];
      q += u[0].length;
      if (!/[만억조경]$/.test(u[0])) break;
      const cont = sticky(KO_CONT, m, q);
      if (!cont) break;
      // continue only into another group with a unit: 3억 5천만, 1억2345만
      str += cont[0];
      q += cont[0].length;
    }
    // back off to the longest prefix that parses and ends at a word boundary
    while (q > p) {
      const v = parseKoreanNumber(str);
      if (v !== null && koreanBoundary(m, q) && /[십백천만억조경]$/.test(str)) {
        scale = v / written;
        scaled = true;
        p = q;
        break;
      }
      q--;
      str = str.slice(0, -1);
    }
  }
  if (!scaled) {
    const byte = sticky(BYTE_UNIT, m, p);
    const suffix = byte ? null : (sticky(EN_SUFFIX, m, p) ?? sticky(EN_SUFFIX_SPACED, m, p));
    const word = byte || suffix ? null : sticky(SCALE_WORD, m, p);
    const si = byte || suffix || word || !ko ? null : sticky(KO_SI, m, p);
    scaled = Boolean(byte || suffix || word || si);
    if (byte) {
      scale = (byte[2] ? 1024 : 1000) ** SI_POWER[byte[1]!]!;
      p += byte[0].length;
    } else if (suffix) {
      scale = SUFFIX_SCALE[suffix[1] ?? suffix[2] ?? suffix[3] ?? '']!;
      p += suffix[0].length;
    } else if (word) {
      scale = WORD_SCALE[word[1]!.toLowerCase()]!;
      p += word[0].length;
    } else if (si) {
      scale = 1000 ** KO_SI_POWER[si[1]!]!;
      p += si[0].length;
    }
  }

  // kind
  const pct = sticky(PERCENT, m, p) ?? (lang === 'en' ? sticky(PERCENT_EN, m, p) : ko ? sticky(PERCENT_KO, m, p) : null);
  if (pct) {
    kind = 'percent';
    p += pct[0].length;
  } else {
    const mult = sticky(MULT, m, p) ?? (lang === 'en' ? sticky(MULT_EN, m, p) : null);
    const multKo = !mult && ko ? sticky(MULT_KO, m, p) : null;
    if (mult) {
      kind = 'multiplier';
      p += mult[0].length;
    } else if (multKo && koreanBoundary(m, p + multKo[0].length)) {
      kind = 'multiplier';
      p += multKo[0].length;
    } else {
      const money = lang === 'en' ? sticky(MONEY_EN, m, p) : null;
      const moneyKo = !money && ko ? sticky(MONEY_KO, m, p) : null;
      if (money) {
        kind = 'money';
        currency = CURRENCY[money[0].trim().toLowerCase().replace(/^us\s+/, '')] ?? 'USD';
        p += money[0].length;
      } else if (moneyKo && koreanBoundary(m, p + moneyKo[0].length)) {
        kind = 'money';
        currency = CURRENCY[moneyKo[1]!];
        p += moneyKo[0].length;
      }
    }
  }

  // what follows: ordinals, units, names
  if (kind === 'number' && !scaled) {
    if (sticky(ORDINAL_EN, m, p)) return 'blocked';
    if (ko && sticky(ORDINAL_KO, m, p)) return 'blocked';
    if (ko && written <= 4 && m.startsWith('차원', p)) return 'blocked'; // 3차원 = 3D
    const unit = sticky(PLAIN_UNIT, m, p) ?? sticky(PLAIN_UNIT_SPACED, m, p);
    if (unit) p += unit[0].length;
  }
  const next = m[p];
  if (isWordish(next)) return 'blocked';
  if (isHyphen(next) && isLatin(m[p + 1])) {
    // 3-layer, 360-degree, 8-bit, 2-fold; not 3-D, not 3-dimensional (= 3D)
    if (!/[a-z]/.test(m[p + 1]!)) return 'blocked';
    if (written <= 4 && /^-dimension/i.test(m.slice(p, p + 11))) return 'blocked';
  }
  if ((next === '.' || next === ':' || next === '/' || next === '×' || next === '^') && isWordish(m[p + 1])) return 'blocked';

  return { start, end: p, value: tidy(written * scale), kind, currency, scale };
}

/** A minus sign before the digit at `i`: `-5%`, `(−0.3)`. */
function isMinus(m: string, i: number): boolean {
  return (m[i - 1] === '-' || m[i - 1] === '\u2212') && (i < 2 || /[\s([{,;:=<>≈~]/.test(m[i - 2]!));
}

/** Can a number start at `s`? Not when glued to a name (GPT-4, A100, O(1), top-1, v1.0). */
function leftFree(m: string, i: number): boolean {
  const prev = m[i - 1];
  if (prev === undefined) return true;
  if (isWordish(prev) || /[.@#^\\_:/'’×]/.test(prev)) return false;
  // a hyphen glued to anything but a space or an opening bracket joins a name: GPT-4, 미스트랄-7B
  // (en and em dashes are punctuation: `gains—50%`)
  // top-5 is a count (`상위 5개`), not a name
  if (/[-\u2010\u2011\u2212]/.test(prev) && !isMinus(m, i) && !/(?<![A-Za-z])top$/i.test(m.slice(Math.max(0, i - 5), i - 1))) {
    return false;
  }
  if ((prev === '(' || prev === '[' || prev === '{') && isWordish(m[i - 2])) return false;
  if (prev === '제' || (prev === ' ' && m[i - 2] === '제' && !isHangul(m[i - 3]))) return false; // 제1
  return true;
}

// ---------------------------------------------------------------------------------------------
// Approximation markers

const APPROX_BEFORE_EN =
  /(?:\b(?:about|around|approximately|approx\.?|roughly|nearly|almost|over|under|up to|more than|less than|fewer than|at least|at most|some|circa|ca\.)\s+|[~≈∼])(?:\$\s?)?$/i;
const APPROX_BEFORE_KO = /(?:약|대략|거의|최대|최소|무려|최고|~|≈|∼|〜|～)\s*$/;
const APPROX_AFTER_EN = /^(?:\+|\s+or\s+(?:more|so|less|fewer))/;
const APPROX_AFTER_KO = /^(?:\+|여(?=\s|개|명|가지|년|배)|\s?(?:[가-힣]{1,3}\s?)?(?:이상|이하|미만|초과|가량|정도|남짓|내외|쯤|여\s?개))/;

function isApprox(m: string, start: number, end: number, lang: string): boolean {
  const before = m.slice(Math.max(0, start - 24), start);
  const after = m.slice(end, end + 12);
  if (lang === 'ko') return APPROX_BEFORE_KO.test(before) || APPROX_AFTER_KO.test(after);
  return APPROX_BEFORE_EN.test(before) || APPROX_AFTER_EN.test(after);
}

// ---------------------------------------------------------------------------------------------
// Digit-led quantities

const RANGE_SEP = /\s*(?:-|–|—|~|∼|〜|～)\s*/y;
const RANGE_TO = /\s+to\s+/y;
const SYMBOL_PREFIX = /[~∼≈〜～]$/;

function scanDigits(text: string, m: string, lang: string, out: Quantity[]): void {
  let i = 0;
  while (i < m.length) {
    const c = m[i]!;
    if (!isDigit(c)) {
      i++;
      continue;
    }
    if (!leftFree(m, i)) {
      i = skipToken(m, i);
      continue;
    }
    const first = readEnd(m, i, lang);
    if (first === 'blocked') {
      i = skipToken(m, i);
      continue;
    }
    const s1 = prefixStart(m, first);
    let q: Quantity | null = null;

    // a range?
    const sep = sticky(RANGE_SEP, m, first.end) ?? (lang === 'en' ? sticky(RANGE_TO, m, first.end) : null);
    if (sep) {
      let at = first.end + sep[0].length;
      const cur = /^(?:US\$|\$|€|£|¥|₩)\s?/.exec(m.slice(at, at + 4));
      if (cur) at += cur[0].length;
      if (isDigit(m[at])) {
        const second = readEnd(m, at, lang);
        if (second !== 'blocked') {
          const symbolSep = !/to/.test(sep[0]);
          let low = first.value;
          if (symbolSep && first.scale === 1 && second.scale > 1 && low * second.scale <= second.value) {
            low = tidy(low * second.scale);
          }
          const kind = first.kind !== 'number' ? first.kind : second.kind;
          const currency = first.currency ?? second.currency;
          const e1: QuantityEnd = { value: low, span: [s1, first.end], raw: text.slice(s1, first.end) };
          const s2 = cur ? at - cur[0].length : at;
          const e2: QuantityEnd = { value: second.value, span: [s2, second.end], raw: text.slice(s2, second.end) };
          q = {
            value: low,
            high: second.value,
            kind,
            approx: isApprox(m, first.start, second.end, lang),
            span: [s1, second.end],
            raw: text.slice(s1, second.end),
            ...(currency ? { currency } : {}),
            ends: [e1, e2],
          };
        }
      }
    }
    if (!q) {
      const currency = first.currency ?? moneyPrefix(m, i);
      q = {
        value: first.value,
        kind: currency ? 'money' : first.kind,
        approx: isApprox(m, first.start, first.end, lang),
        span: [s1, first.end],
        raw: text.slice(s1, first.end),
        ...(currency ? { currency } : {}),
      };
    } else if (!q.currency) {
      const currency = moneyPrefix(m, i);
      if (currency) {
        q.currency = currency;
        q.kind = 'money';
      }
    }
    if (isMinus(m, i) && q.span[0] === i) {
      // a minus sign: leftFree let it through, so nothing word-like is before it
      q.value = -q.value;
      q.span = [i - 1, q.span[1]];
      q.raw = text.slice(i - 1, q.span[1]);
      if (q.ends) q.ends[0] = { value: q.value, span: [i - 1, q.ends[0].span[1]], raw: text.slice(i - 1, q.ends[0].span[1]) };
    }
    out.push(q);
    i = q.span[1];
  }
}

/** Where the written quantity starts: a currency sign or an approximation symbol just before it (`~$5`, `$ 0.1 million`). */
function prefixStart(m: string, e: End): number {
  let s = e.start;
  const cur = /(?:US\$|[$€£¥₩])\s?$/.exec(m.slice(Math.max(0, s - 4), s));
  if (cur) s -= cur[0].length;
  if (SYMBOL_PREFIX.test(m.slice(Math.max(0, s - 1), s))) s -= 1;
  return s;
}

function moneyPrefix(m: string, start: number): string | undefined {
  const before = m.slice(Math.max(0, start - 5), start);
  const cur = MONEY_PREFIX.exec(before);
  if (!cur) return undefined;
  // USD/EUR written as a word must stand alone: `USD 5`, not `XUSD 5`
  if (/^[A-Z]/.test(cur[1]!) && cur[1] !== 'US$' && isLatin(m[start - cur[0].length - 1])) return undefined;
  return CURRENCY[cur[1]!] ?? CURRENCY[cur[1]!.toLowerCase()];
}

/** Past the token a blocked digit belongs to: `LLaMA2-7B`, `v1.0.2`, `224x224`. */
function skipToken(m: string, i: number): number {
  let j = i;
  while (j < m.length && (isWordish(m[j]) || /[._@/+:^×'\-\u2010-\u2014\u2212]/.test(m[j]!))) j++;
  return Math.max(j, i + 1);
}

// ---------------------------------------------------------------------------------------------
// English number words

const EN_ONES: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const EN_TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const ONES_ALT = Object.keys(EN_ONES).sort((a, b) => b.length - a.length).join('|');
const TENS_ALT = Object.keys(EN_TENS).join('|');
const UNITS_ALT = 'one|two|three|four|five|six|seven|eight|nine';
const SMALL = `(?:(?:${TENS_ALT})(?:[- ](?:${UNITS_ALT}))?|${ONES_ALT})`;
// `two`, `twenty-five`, `a hundred`, `two hundred and five`, `three million`
const EN_WORD_NUMBER = new RegExp(
  `(?<![A-Za-z0-9\\-\\uE000])(${SMALL}|a)(?:\\s+(hundred)(?:\\s+(?:and\\s+)?(${SMALL}))?)?(?:\\s+(thousand|million|billion|trillion))?(?![A-Za-z0-9\\uE000])`,
  'gi',
);
const EN_TWICE = /(?<![A-Za-z0-9\-\uE000])(twice|(two|three|four|five|six|seven|eight|nine|ten|hundred)fold)(?![A-Za-z0-9\uE000])/gi;
/**
 * Words that are a number only sometimes: they match the same number on the other side (`both` =
 * `2개`, `a single GPU` = `1개의 GPU`) but the numbers rule never reports them (see WEAK in numbers.ts).
 */
const EN_WEAK = /(?<![A-Za-z0-9\-\uE000])(both|single|once)(?![A-Za-z0-9\-\uE000])/gi;
const EN_WEAK_VALUE: Readonly<Record<string, number>> = { both: 2, single: 1, once: 1 };
const KO_WEAK = /(?<![\uAC00-\uD7A3\uE000A-Za-z0-9])단일(?!화)/g;

function smallValue(s: string): number {
  const parts = s.toLowerCase().split(/[- ]/);
  return parts.reduce((sum, w) => sum + (EN_TENS[w] ?? EN_ONES[w] ?? 0), 0);
}

function scanEnglishWords(text: string, m: string, out: Quantity[]): void {
  for (const match of m.matchAll(EN_WORD_NUMBER)) {
    const [whole, head, hundred, rest, big] = match;
    const isA = head!.toLowerCase() === 'a';
    if (isA && !hundred && !big) continue;
    let value = isA ? 1 : smallValue(head!);
    if (hundred) value = value * 100 + (rest ? smallValue(rest) : 0);
    if (big) value *= WORD_SCALE[big.toLowerCase()]!;
    const start = match.index;
    const end = match.index + whole.length;
    const after = m.slice(end, end + 16);
    // zero-shot, zero-sum; three-dimensional (= 3D)
    if (/^-[A-Za-z]/.test(after) && (value === 0 || (value <= 4 && /^-dimension/i.test(after)))) continue;
    let kind: QuantityKind = 'number';
    let span: Span = [start, end];
    const times = /^\s+times(?![A-Za-z])|^-fold(?![A-Za-z])/i.exec(after);
    const pct = /^\s+(?:percent|per cent)(?![A-Za-z])/i.exec(after);
    const money = /^\s+(?:dollars?|euros?)(?![A-Za-z])/i.exec(after);
    let currency: string | undefined;
    if (times) {
      kind = 'multiplier';
      span = [start, end + times[0].length];
    } else if (pct) {
      kind = 'percent';
      span = [start, end + pct[0].length];
    } else if (money) {
      kind = 'money';
      currency = CURRENCY[money[0].trim().toLowerCase()];
      span = [start, end + money[0].length];
    }
    out.push({
      value,
      kind,
      approx: isApprox(m, start, span[1], 'en'),
      span,
      raw: text.slice(span[0], span[1]),
      ...(currency ? { currency } : {}),
    });
  }
  for (const match of m.matchAll(EN_TWICE)) {
    const w = match[1]!.toLowerCase();
    const value = w === 'twice' ? 2 : w.startsWith('hundred') ? 100 : smallValue(match[2]!);
    const span: Span = [match.index, match.index + match[0].length];
    const approx = isApprox(m, span[0], span[1], 'en');
    out.push({ value, kind: 'multiplier', approx, span, raw: text.slice(span[0], span[1]) });
  }
  for (const match of m.matchAll(EN_WEAK)) {
    const span: Span = [match.index, match.index + match[0].length];
    out.push({ value: EN_WEAK_VALUE[match[1]!.toLowerCase()]!, kind: 'number', approx: false, span, raw: text.slice(span[0], span[1]) });
  }
}

// ---------------------------------------------------------------------------------------------
// Korean number words

const alt = (words: Iterable<string>) => [...new Set(words)].sort((a, b) => b.length - a.length).join('|');
const KO_NATIVE = new RegExp(
  `(?<![\\uAC00-\\uD7A3\\uE000A-Za-z0-9])(?:(${alt(Object.keys(NATIVE_TENS))})(${alt(Object.keys(NATIVE_ONES))})?|(${alt(Object.keys(NATIVE_ONES))}))`,
  'g',
);
/**
 * Forms that are other words too and need a counter after a space: 세 (world, age), 네 (yes, your),
 * 열 (column, heat), 서 (standing), 셋 (set: 데이터 셋), 넷 (net).
 */
const NEEDS_COUNTER = new Set(['열', '석', '넉', '서', '너', '스무', '세', '네', '셋', '넷']);
/** Noun forms, which can take a particle directly: 하나의, 셋은, 다섯이. */
const NOUN_FORMS = new Set(['하나', '둘', '셋', '넷', '다섯', '여섯', '일곱', '여덟', '아홉', '열', '스물', '서른', '마흔', '쉰', '예순', '일흔', '여든', '아흔']);
const ORDINAL_WORD = /^(?:번째|째)/;
/** Counters written glued to an adnominal form (두개, 세가지, 두배); others make other words (세대 = generation). */
const GLUED_COUNTERS = ['개', '가지', '배', '명', '번'];

function scanKoreanNative(text: string, m: string, out: Quantity[]): void {
  for (const match of m.matchAll(KO_NATIVE)) {
    const word = match[0];
    const start = match.index;
    const end = start + word.length;
    const value = parseKoreanNumber(word);
    if (value === null) continue;
    const form = match[2] ?? match[3] ?? match[1]!; // the last word decides how it attaches
    const noun = NOUN_FORMS.has(form);
    let kind: QuantityKind = 'number';
    const attached = hangulWordAt(m, end);
    if (attached) {
      // glued: 하나의, 둘째 (ordinal), 두개, 세계 (world), 두세 (two or three)
      if (ORDINAL_WORD.test(attached)) continue;
      const okNoun = noun && !NEEDS_COUNTER.has(form) && startsWithAny(attached, KO_PARTICLES);
      const okCounter = !noun && startsWithAny(attached, GLUED_COUNTERS);
      if (!okNoun && !okCounter) continue;
      if (attached.startsWith('배')) kind = 'multiplier';
    } else if (m[end] === ' ' && isHangul(m[end + 1])) {
      const next = hangulWordAt(m, end + 1);
      if (ORDINAL_WORD.test(next)) continue;
      if (form === '둘' && /^(?:다|모두)/.test(next)) continue; // 둘 다 = both
      if (NEEDS_COUNTER.has(form) && !startsWithAny(next, KO_COUNTERS)) continue;
      if (next.startsWith('배')) kind = 'multiplier';
    } else if (!noun || NEEDS_COUNTER.has(form)) {
      continue; // 네. (yes), 열 (column)
    }
    // vague: 한두, 두세, 서너, 너덧, 대여섯 are caught above (glued); 몇 is no number word
    out.push({
      value,
      kind,
      approx: isApprox(m, start, end, 'ko'),
      span: [start, end],
      raw: text.slice(start, end),
    });
  }
}

function scanKoreanWeak(text: string, m: string, out: Quantity[]): void {
  for (const match of m.matchAll(KO_WEAK)) {
    const span: Span = [match.index, match.index + match[0].length];
    out.push({ value: 1, kind: 'number', approx: false, span, raw: text.slice(span[0], span[1]) });
  }
}

const KO_SINO = /(?<![\uAC00-\uD7A3\uE000A-Za-z0-9])[영일이삼사오육칠팔구십백천만억조]+/g;

function scanKoreanSino(text: string, m: string, out: Quantity[]): void {
  for (const match of m.matchAll(KO_SINO)) {
    let word = match[0];
    const start = match.index;
    // longest prefix that is a number with a small unit (일이 = work, 구조 = structure, 만 = only)
    for (; word.length > 0; word = word.slice(0, -1)) {
      if (!/[십백천]/.test(word)) continue;
      const end = start + word.length;
      const value = parseKoreanNumber(word);
      if (value === null) continue;
      const glued = hangulWordAt(m, end);
      const spaced = !glued && m[end] === ' ' ? hangulWordAt(m, end + 1) : '';
      // one syllable takes its counter after a space (십 분, 천 개): glued it is another word (십분 = fully, 백분율)
      const counter = (word.length > 1 && startsWithAny(glued, KO_COUNTERS)) || startsWithAny(spaced, KO_COUNTERS);
      if (!counter && !(word.length >= 3 && !glued)) continue;
      if (/^(?:번째|째)/.test(glued || spaced)) break;
      const mult = (glued || spaced).startsWith('배');
      out.push({
        value,
        kind: mult ? 'multiplier' : 'number',
        approx: isApprox(m, start, end, 'ko'),
        span: [start, end],
        raw: text.slice(start, end),
      });
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The quantities written in `text`, in reading order. `lang` is `en` for English sources and the
 * draft's language otherwise; `ko` adds Korean units and words, other languages get digits only.
 */
export function extractQuantities(text: string, lang: 'en' | 'ko' | string): Quantity[] {
  lang = lang.toLowerCase().split(/[-_]/)[0] ?? lang; // ko-KR reads as ko
  const m = maskText(text);
  const found: Quantity[] = [];
  scanDigits(text, m, lang, found);
  const words: Quantity[] = [];
  if (lang === 'en') scanEnglishWords(text, m, words);
  if (lang === 'ko') {
    scanKoreanNative(text, m, words);
    scanKoreanSino(text, m, words);
    scanKoreanWeak(text, m, words);
  }
  // digits first; a word never overlaps a digit-led quantity (both lists are in reading order)
  words.sort((a, b) => a.span[0] - b.span[0]);
  const all = [...found];
  let j = 0;
  let lastWordEnd = -1;
  for (const w of words) {
    while (j < found.length && found[j]!.span[1] <= w.span[0]) j++;
    const hitsDigits = j < found.length && found[j]!.span[0] < w.span[1];
    if (hitsDigits || w.span[0] < lastWordEnd) continue;
    all.push(w);
    lastWordEnd = w.span[1];
  }
  return all.sort((a, b) => a.span[0] - b.span[0]);
}
