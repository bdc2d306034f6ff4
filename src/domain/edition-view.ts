// What a channel needs to show one edition in one target language, computed purely from stored rows.
import type { IsoDate, Link, Origin, TextStatus } from './types.js';

export interface ShownText {
  body: string;
  lang: string;
  origin: Origin;
  model: string | null;
  promptVersion: string | null;
  status: TextStatus;
  /** true when the target-language text was missing and the English one is shown instead */
  fallback: boolean;
}

export interface EntryView {
  position: number;
  paperKey: string;
  arxivId: string | null;
  /** English heading: the paper's title (arXiv or imported) or else the upstream label */
  titleEn: string;
  /** target-language heading, null when the target is English */
  title: ShownText | null;
  introEn: string | null;
  intro: ShownText | null;
  abstractEn: string | null;
  abstract: ShownText | null;
  keyMessagesEn: string | null;
  keyMessages: ShownText | null;
  /** the paper link (arXiv abs page when there is one) */
  paperUrl: string | null;
  codeUrls: string[];
  /** tweets, blogs, projects, models, datasets, demos: the "more reading" links */
  moreUrls: string[];
  links: Link[];
}

export interface EditionView {
  startDate: IsoDate;
  endDate: IsoDate;
  /** target language of this view ('en' renders English only) */
  lang: string;
  titleEn: string;
  overview: ShownText | null;
  entries: EntryView[];
  /** link to the upstream edition, when known */
  sourceUrl: string | null;
  /** distinct models that drafted shown texts; empty when people wrote them */
  models: string[];
  /** how many shown target-language texts fell back to English */
  fallbacks: number;
}
