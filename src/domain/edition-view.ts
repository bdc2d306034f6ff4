// What a channel needs to show one edition in one target language, computed purely from stored rows.
import type { IsoDate, Link, Origin, OwnerKind, TextField, TextStatus } from './types.js';

/** The stored text a shown text is, at the revision shown (a reader's correction names it). */
export interface ShownRef {
  ownerKind: OwnerKind;
  ownerId: string;
  field: TextField;
  revision: number;
}

export interface ShownText {
  body: string;
  lang: string;
  origin: Origin;
  model: string | null;
  promptVersion: string | null;
  status: TextStatus;
  /** true when the target-language text was missing and the English one is shown instead */
  fallback: boolean;
  /** absent when no stored text stands behind it (the upstream label standing in for a title) */
  ref?: ShownRef;
  /** an editor changed the wording by hand (who is not shown to readers) */
  edited?: boolean;
  /** when a reader's correction was last accepted into it */
  correctedAt?: string | null;
}

export interface EntryView {
  position: number;
  /** the stored entry (likes are per entry); absent in views not built from the store */
  entryId?: number;
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
  /** the English texts' own provenance (arXiv, the curated list, an import), for the web's badges */
  originals?: { title: ShownText | null; intro: ShownText | null; abstract: ShownText | null; keyMessages: ShownText | null };
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

/** One paper as the web archive's paper page shows it: its metadata and each published appearance. */
export interface PaperView {
  key: string;
  /** the page's target language ('en' shows English only) */
  lang: string;
  arxivId: string | null;
  url: string;
  authors: string[];
  categories: string[];
  publishedAt: string | null;
  /** the paper in each published edition it appeared in, newest edition first */
  appearances: Array<{ startDate: IsoDate; endDate: IsoDate; entry: EntryView }>;
}
