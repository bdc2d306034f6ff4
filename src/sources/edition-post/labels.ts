// The fixed strings a translated edition post is built from, per target language. Data only:
// supporting another language is a new entry in EDITION_POST_LABELS, not new parser code.
// Owns no I/O.

export interface EditionPostLabels {
  /** Words after the date range in the post's title line, e.g. `[2024/04/01 ~ 04/07] <titleSuffix> (…)`. */
  titleSuffix: string;
  /** Section labels, each a list of accepted spellings (compared ignoring spaces, case and a trailing colon). */
  intro: readonly string[];
  abstract: readonly string[];
  keyMessages: readonly string[];
  paperLink: readonly string[];
  codeLink: readonly string[];
  moreLink: readonly string[];
  /** The footer label; source links follow it, then boilerplate. */
  source: readonly string[];
  /**
   * Matches a character of the target language's script, to tell a target paragraph from the
   * English one. `null` for languages written in Latin script: the order decides (target first).
   * No `g` flag: it is used with `.test()`.
   */
  script: RegExp | null;
}

export const EDITION_POST_LABELS: Readonly<Record<string, EditionPostLabels>> = {
  ko: {
    titleSuffix: '이번 주의 주요 ML 논문',
    intro: ['논문 소개'],
    abstract: ['논문 초록(Abstract)', '논문 초록'],
    keyMessages: ['주요 내용(Key Messages)', '주요 내용'],
    paperLink: ['논문 링크'],
    codeLink: ['GitHub 링크'],
    moreLink: ['더 읽어보기'],
    source: ['원문'],
    script: /\p{Script=Hangul}/u,
  },
};

/** The labels for a language code (`ko`, `ko-KR` falls back to `ko`), or null when there are none. */
export function editionPostLabels(lang: string): EditionPostLabels | null {
  const code = lang.trim().toLowerCase();
  return EDITION_POST_LABELS[code] ?? EDITION_POST_LABELS[code.split(/[-_]/)[0] ?? ''] ?? null;
}

/** The language codes that have labels. */
export function editionPostLanguages(): string[] {
  return Object.keys(EDITION_POST_LABELS);
}
