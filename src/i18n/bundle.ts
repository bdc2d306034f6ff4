// UI strings per language. Pure: the bundles are JSON modules bundled with the code and validated
// once at load with a zod schema, so a language file with a missing, empty or unknown key fails
// at start-up (and in bundle.test.ts), never half-way through a render. Paper texts are data, not here.
import { z } from 'zod';
import { ORIGINS, TextStatus } from '../domain/types.js';
import { invalidInput } from '../errors.js';
import en from './en.json' with { type: 'json' };
import ko from './ko.json' with { type: 'json' };

const text = z.string().trim().min(1);

/** A template must name each of its placeholders, e.g. `{start}` and `{end}`. */
const template = (...names: string[]) =>
  text.refine((s) => names.every((n) => s.includes(`{${n}}`)), {
    message: `must contain ${names.map((n) => `{${n}}`).join(' and ')}`,
  });

export const BundleSchema = z.strictObject({
  /** BCP 47 primary language subtag of this bundle, equal to the file name */
  lang: z.string().regex(/^[a-z]{2,3}$/),
  /** the language's own name for itself */
  name: text,
  /** `{start}` and `{end}` are the formatted dates */
  editionTitle: template('start', 'end'),
  /** date patterns: `{y}` four-digit year, `{m}` two-digit month, `{d}` two-digit day */
  dateStart: template('y', 'm', 'd'),
  /** the end date when it falls in the start date's year */
  dateEnd: template('m', 'd'),
  /** the end date when the year changes within the week */
  dateEndWithYear: template('y', 'm', 'd'),
  overview: text,
  intro: text,
  abstract: text,
  keyMessages: text,
  paperLink: text,
  codeLink: text,
  moreReading: text,
  source: text,
  /** shown before an English text that stands in for a missing translation */
  fallbackMarker: text,
  /** labels an English original shown next to its translation */
  englishOriginal: text,
  /** footer when models drafted shown texts; `{models}` is their list */
  footerModels: template('models'),
  /** footer when people wrote every shown text */
  footerHuman: text,
  /** footer when shown texts were imported or machine-made by a model nobody recorded */
  footerUnknownModel: text,
  footerUntranslated: text,
  /** the invitation to report mistakes, after the footer line */
  reportMistakes: text,
  /** `edited` and `corrected` (`{date}` is YYYY-MM-DD) are the web archive's extra badges */
  provenance: z.strictObject({ model: text, prompt: text, edited: text, corrected: template('date') }),
  origin: z.strictObject(Object.fromEntries(ORIGINS.map((o) => [o, text])) as Record<(typeof ORIGINS)[number], typeof text>),
  status: z.strictObject(Object.fromEntries(TextStatus.options.map((s) => [s, text])) as Record<TextStatus, typeof text>),
  /** the web archive's paper page */
  paper: z.strictObject({ page: text, authors: text, categories: text, published: text, appearedIn: text, history: text, historyEdit: text, historyCorrection: text }),
  /** the like button under each entry; `{count}` is the number of likes */
  like: z.strictObject({ button: text, count: template('count'), thanks: text }),
  /** a reader's suggested correction: the link, the form, its errors (`{limit}` in characters) */
  correction: z.strictObject({
    link: text,
    title: text,
    intro: text,
    sentence: text,
    proposed: text,
    note: text,
    honeypot: text,
    submit: text,
    thanks: text,
    back: text,
    errorEmpty: text,
    errorTooLong: template('limit'),
    errorNoteTooLong: template('limit'),
    errorSentence: text,
    errorSame: text,
    errorOther: text,
  }),
  /**
   * The overview's sentences when it is written from the week's facts without an LLM
   * (src/domain/overview.ts, templateOverview). `{topic}` is the topic's name in this language,
   * `{count}`/`{papers}`/`{percent}` are paper counts and whole per cents, `{weeks}` the number of
   * earlier editions compared and `{average}` their mean. `one`/`other`: for an edition of one paper
   * and of more. No citation marker here: the positions are appended as ` [2, 5]`.
   */
  overviewBullets: z.strictObject({
    edition: z.strictObject({ one: text, other: template('papers') }),
    topTopic: z.strictObject({ one: template('topic'), other: template('topic', 'count', 'papers', 'percent') }),
    nextTopic: template('topic', 'count', 'percent'),
    rise: template('topic', 'count', 'weeks', 'average'),
    fall: template('topic', 'count', 'weeks', 'average'),
    name: template('name', 'count'),
    code: z.strictObject({ one: text, other: template('count', 'papers', 'percent') }),
    arxiv: z.strictObject({ one: text, other: template('count', 'papers', 'percent') }),
  }),
  /**
   * The charts (src/channels/chart, src/web/public/trends.ts): the week's topics against the
   * four-week average, and the trends page over the archive (`trendsIntro`: how many editions and
   * papers from which week to which)
   */
  chart: z.strictObject({
    weekTitle: text,
    thisWeek: text,
    average: text,
    papers: text,
    trendsTitle: text,
    trendsLink: text,
    trendsIntro: template('editions', 'papers', 'from', 'to'),
    week: text,
    topic: text,
    total: text,
    empty: text,
  }),
  /** a Discourse reply no longer needed after the edition got shorter (edited, never deleted, to keep the order) */
  discourseUnused: text,
  /** answers to a rate-limited reader (429) and an oversized form (413) */
  tooMany: text,
  tooLarge: text,
  /**
   * E-mails (src/channels/email): the weekly and daily mails' note and footer (`dailyTitle`'s
   * `{date}` is formatted with dateStart), and the double opt-in mail (`{hours}` until the link expires)
   */
  mail: z.strictObject({
    draftsNote: text,
    dailyTitle: template('date'),
    webVersion: text,
    preferences: text,
    unsubscribe: text,
    why: text,
    reportMistakes: text,
    confirmSubject: text,
    confirmPreheader: template('hours'),
    confirmIntro: text,
    confirmButton: text,
    confirmCopy: text,
    confirmExpires: template('hours'),
    confirmIgnore: text,
  }),
  /** the subscribe, confirm, preferences and unsubscribe pages (src/web/public/email.ts) */
  subscribe: z.strictObject({
    title: text,
    intro: text,
    email: text,
    show: text,
    showBoth: template('target'),
    showTarget: template('target'),
    showEn: text,
    frequency: text,
    weekly: text,
    daily: text,
    submit: text,
    sent: text,
    badFields: template('fields'),
    confirmTitle: text,
    confirmButton: text,
    confirmed: text,
    confirmGone: text,
    unsubscribeTitle: text,
    unsubscribeAsk: text,
    unsubscribeButton: text,
    unsubscribed: text,
    preferencesTitle: text,
    save: text,
    saved: text,
    invalidLink: text,
  }),
});
export type Bundle = z.infer<typeof BundleSchema>;

/** The raw bundle files, by language. Add a language: add its JSON file and one line here. */
export const RAW_BUNDLES: Readonly<Record<string, unknown>> = { en, ko };

export const DEFAULT_LANGUAGE = 'en';

/** Validates one raw bundle; the error names the language and every bad key. */
export function parseBundle(lang: string, raw: unknown): Bundle {
  const res = BundleSchema.safeParse(raw);
  if (!res.success) {
    const issues = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw invalidInput(`i18n bundle '${lang}' is invalid: ${issues}`);
  }
  if (res.data.lang !== lang) throw invalidInput(`i18n bundle '${lang}' declares lang '${res.data.lang}'`);
  return res.data;
}

const BUNDLES: ReadonlyMap<string, Bundle> = new Map(
  Object.entries(RAW_BUNDLES).map(([lang, raw]) => [lang, Object.freeze(parseBundle(lang, raw))]),
);

/** The languages that have a UI bundle, sorted. */
export function listLanguages(): string[] {
  return [...BUNDLES.keys()].sort();
}

/** `ko-KR` → `ko`; lower case. */
export function primaryLanguage(lang: string): string {
  return (lang.trim().toLowerCase().split(/[-_]/)[0] ?? '').trim();
}

/** The bundle for a language tag (`ko`, `ko-KR`); English for a language without one. */
export function getBundle(lang: string): Bundle {
  return BUNDLES.get(primaryLanguage(lang)) ?? (BUNDLES.get(DEFAULT_LANGUAGE) as Bundle);
}

/** Replaces `{name}` placeholders; unknown placeholders stay as they are. */
export function fill(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]+)\}/gi, (whole, name: string) => (Object.hasOwn(vars, name) ? (vars[name] as string) : whole));
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dateParts(iso: string): { y: string; m: string; d: string } {
  const m = ISO_DATE.exec(iso);
  if (!m) throw invalidInput(`not an ISO date (YYYY-MM-DD): '${iso}'`);
  return { y: m[1] as string, m: m[2] as string, d: m[3] as string };
}

/** `2024-04-01`, `2024-04-07` → ko `{ start: '2024/04/01', end: '04/07' }`; the end shows its year only when it differs. */
export function formatDateRange(bundle: Bundle, startDate: string, endDate: string): { start: string; end: string } {
  const s = dateParts(startDate);
  const e = dateParts(endDate);
  return {
    start: fill(bundle.dateStart, s),
    end: fill(e.y === s.y ? bundle.dateEnd : bundle.dateEndWithYear, e),
  };
}

/** `[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)` */
export function editionTitle(bundle: Bundle, startDate: string, endDate: string): string {
  return fill(bundle.editionTitle, formatDateRange(bundle, startDate, endDate));
}
