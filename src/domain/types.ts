// Pure domain types. Imports nothing from node:*, the store, the LLM or the web.
import { z } from 'zod';

export const LINK_KINDS = ['paper', 'code', 'tweet', 'project', 'blog', 'model', 'dataset', 'demo', 'other'] as const;
export const LinkKind = z.enum(LINK_KINDS);
export type LinkKind = z.infer<typeof LinkKind>;

export const TEXT_FIELDS = ['title', 'intro', 'abstract', 'key_messages', 'overview'] as const;
export const TextField = z.enum(TEXT_FIELDS);
export type TextField = z.infer<typeof TextField>;

/** Where a text came from. `arxiv` is the arXiv API (enrichment); `upstream` the curated list or its CSV. */
export const ORIGINS = ['upstream', 'arxiv', 'imported', 'human', 'llm', 'template'] as const;
export const Origin = z.enum(ORIGINS);
export type Origin = z.infer<typeof Origin>;

export const TextStatus = z.enum(['draft', 'approved']);
export type TextStatus = z.infer<typeof TextStatus>;

/**
 * How a text relates to the English source it is drafted from and checked against: `translation` says
 * the same as the source in another language; `summary` is written from the source and says less (a
 * derived intro, written from the paper's abstract), so what it leaves out is no fault, what it adds is.
 */
export const SourceRelation = z.enum(['translation', 'summary']);
export type SourceRelation = z.infer<typeof SourceRelation>;

export const OwnerKind = z.enum(['paper', 'entry', 'edition']);
export type OwnerKind = z.infer<typeof OwnerKind>;

export const EditionStatus = z.enum(['imported', 'drafting', 'review', 'approved', 'published']);
export type EditionStatus = z.infer<typeof EditionStatus>;

/** ISO calendar date, YYYY-MM-DD. */
export type IsoDate = string;

export interface Link {
  kind: LinkKind;
  label: string;
  url: string;
}

export interface Paper {
  /** `arxiv:<id>` or `url:<normalised url>` */
  key: string;
  arxivId: string | null;
  url: string;
  authors: string[];
  categories: string[];
  publishedAt: string | null;
  updatedAt: string | null;
  enrichedAt: string | null;
}

export interface Edition {
  id: number;
  startDate: IsoDate;
  endDate: IsoDate;
  title: string;
  source: string;
  sourceRef: string | null;
  status: EditionStatus;
}

export interface Entry {
  id: number;
  editionId: number;
  position: number;
  paperKey: string;
  /** The title as the upstream list gave it. */
  label: string;
  links: Link[];
}

export interface Text {
  ownerKind: OwnerKind;
  /** paper key, entry id or edition id, as text */
  ownerId: string;
  field: TextField;
  lang: string;
  body: string;
  origin: Origin;
  model: string | null;
  promptVersion: string | null;
  status: TextStatus;
  createdAt: string;
  updatedAt: string;
  /** for LLM drafts: who drafted it, from which source, at what cost */
  draft?: DraftProvenance | null;
  /** bumped by every change; an editor saves only over the revision they saw */
  revision?: number;
  /** the editor who last edited it by hand, who approved it and when */
  editedBy?: string | null;
  approvedBy?: string | null;
  approvedAt?: string | null;
  /** when a reader's correction was last accepted into it */
  correctedAt?: string | null;
}

export interface DraftProvenance {
  provider: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /** hash of the source text the draft was made from; a changed source makes the draft stale */
  sourceHash: string;
  glossaryVersion: string;
  callId: number | null;
}

/** A text as a pipeline wants it stored; the store stamps the times. */
export type TextInput = Omit<Text, 'createdAt' | 'updatedAt'>;
