// Korean number words and mixed forms to numbers: `3억 5천만`, `1억2345만`, `0.1백만`, `이천이십육`,
// `다섯`, `열두`. Pure: no node:*, no I/O.
//
// Sino-Korean: digits 영/일/이/삼/사/오/육/칠/팔/구, small units 십/백/천 (10, 100, 1000) that
// multiply the digit before them, big units 만/억/조/경 (10^4, 10^8, 10^12, 10^16) that multiply the
// whole group before them. Arabic numbers (with grouping commas and decimals) can stand in for a
// digit or a whole group: `22억`, `5천만`, `1억2345만`, `0.1백만`. Native Korean counting words
// (하나/한, 둘/두, 셋/세, … 열, 스물/스무 … 아흔, and compounds such as 열두, 스물다섯) are read too.

const SINO_DIGIT: Readonly<Record<string, number>> = {
  영: 0,
  일: 1,
  이: 2,
  삼: 3,
  사: 4,
  오: 5,
  육: 6,
  칠: 7,
  팔: 8,
  구: 9,
};
const SMALL_UNIT: Readonly<Record<string, number>> = { 십: 10, 백: 100, 천: 1000 };
const BIG_UNIT: Readonly<Record<string, number>> = { 만: 1e4, 억: 1e8, 조: 1e12, 경: 1e16 };

/** Native Korean ones, in noun and adnominal forms (`셋`/`세`/`석`/`서`). */
export const NATIVE_ONES: Readonly<Record<string, number>> = {
  하나: 1,
  한: 1,
  둘: 2,
  두: 2,
  셋: 3,
  세: 3,
  석: 3,
  서: 3,
  넷: 4,
  네: 4,
  넉: 4,
  너: 4,
  다섯: 5,
  여섯: 6,
  일곱: 7,
  여덟: 8,
  아홉: 9,
};
/** Native Korean tens; 스무 is the adnominal form of 스물. */
export const NATIVE_TENS: Readonly<Record<string, number>> = {
  열: 10,
  스물: 20,
  스무: 20,
  서른: 30,
  마흔: 40,
  쉰: 50,
  예순: 60,
  일흔: 70,
  여든: 80,
  아흔: 90,
};

const alternation = (words: Iterable<string>) => [...words].sort((a, b) => b.length - a.length).join('|');
const NATIVE_RE = new RegExp(`^(${alternation(Object.keys(NATIVE_TENS))})?(${alternation(Object.keys(NATIVE_ONES))})?$`);

/** Rounds away binary noise such as 0.1 × 10^6 = 100000.00000000001. */
export const tidy = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(15)) : v);

const ARABIC = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|^\.\d+/;

/**
 * The value of a Korean number word or mixed form, or null when `s` is not one. Spaces are
 * ignored (`3억 5천만`); commas are read as digit grouping (`1,300만`). `수백` (hundreds of) and other
 * vague forms are null: only exact numbers have a value.
 */
export function parseKoreanNumber(s: string): number | null {
  const text = s.replace(/\s+/g, '');
  if (text === '') return null;

  const native = NATIVE_RE.exec(text);
  if (native && (native[1] || native[2])) {
    // 스무 stands alone (스무 개); 스물 takes ones (스물다섯)
    if (native[1] === '스무' && native[2]) return null;
    if (native[1] === '스물' && !native[2]) return 20;
    return (native[1] ? NATIVE_TENS[native[1]]! : 0) + (native[2] ? NATIVE_ONES[native[2]]! : 0);
  }

  let total = 0;
  let group = 0; // the group before the next big unit
  let groupUsed = false;
  let coef: number | null = null; // a digit or Arabic number waiting for a unit
  let lastSmall = Infinity;
  let lastBig = Infinity;
  let any = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const arabic = ch === '.' || (ch >= '0' && ch <= '9') ? ARABIC.exec(text.slice(i)) : null;
    if (arabic) {
      if (coef !== null) return null;
      coef = Number(arabic[0].replace(/,/g, ''));
      if (!Number.isFinite(coef)) return null;
      i += arabic[0].length;
      any = true;
      continue;
    }
    if (ch in SINO_DIGIT) {
      if (coef !== null) return null;
      coef = SINO_DIGIT[ch]!;
      i++;
      any = true;
      continue;
    }
    if (ch in SMALL_UNIT) {
      const unit = SMALL_UNIT[ch]!;
      if (unit >= lastSmall) return null;
      group += (coef ?? 1) * unit;
      groupUsed = true;
      coef = null;
      lastSmall = unit;
      i++;
      any = true;
      continue;
    }
    if (ch in BIG_UNIT) {
      const unit = BIG_UNIT[ch]!;
      if (unit >= lastBig) return null;
      if (coef !== null && lastSmall !== Infinity && coef >= lastSmall) return null; // 천2345만
      const value = groupUsed || coef !== null ? group + (coef ?? 0) : 1;
      total += value * unit;
      group = 0;
      groupUsed = false;
      coef = null;
      lastSmall = Infinity;
      lastBig = unit;
      i++;
      any = true;
      continue;
    }
    return null;
  }
  if (!any) return null;
  if (coef !== null && lastSmall !== Infinity && coef >= lastSmall) return null; // 천2345
  return tidy(total + group + (coef ?? 0));
}
