// The interfaces the pipeline needs, defined by the consumer. src/main.ts wires the concrete ones.
import type { Edition, EditionStatus, Entry, IsoDate, Link, OwnerKind, Paper, Text, TextField, TextInput } from './domain/types.js';
import type { GlossaryTerm } from './domain/glossary.js';
import type { Finding } from './domain/check/types.js';

export interface EditionSummary extends Edition {
  entryCount: number;
}

export interface EditionBundle {
  edition: Edition;
  entries: Entry[];
  papers: Map<string, Paper>;
  texts: Text[];
}

export interface NewEdition {
  startDate: IsoDate;
  endDate: IsoDate;
  title: string;
  source: string;
  sourceRef: string | null;
  status: EditionStatus;
}

export interface PaperInput {
  key: string;
  arxivId: string | null;
  url: string;
}

export interface PaperMetadata {
  authors: string[];
  categories: string[];
  publishedAt: string | null;
  updatedAt: string | null;
}

export interface NewEntry {
  editionId: number;
  position: number;
  paperKey: string;
  label: string;
  links: Link[];
}

export interface Publication {
  editionId: number;
  lang: string;
  channel: string;
  allowDrafts: boolean;
  publishedAt: string;
}

/** one text: (owner, field, language) */
export interface TextRef {
  ownerKind: OwnerKind;
  ownerId: string;
  field: TextField;
  lang: string;
}

export interface StoredFinding extends Finding, TextRef {
  id: number;
  textHash: string;
  fingerprint: string;
  dismissed: { by: string; why: string; at: string } | null;
  createdAt: string;
}

export interface OwnerRef {
  kind: OwnerKind;
  id: string;
}

/** Reads and writes of the store. Inside `transaction`, the same interface writes atomically. */
export interface StoreOps {
  listEditions(): Promise<EditionSummary[]>;
  getEditionByStart(startDate: IsoDate): Promise<Edition | null>;
  /** editions whose range holds the date, latest start first */
  findEditionsCovering(date: IsoDate): Promise<Edition[]>;
  getEditionBundle(editionId: number): Promise<EditionBundle>;
  /** all entries (with links) of the given editions */
  getEntries(editionIds: number[]): Promise<Entry[]>;
  getPapers(keys: string[]): Promise<Map<string, Paper>>;
  getTexts(owners: OwnerRef[], fields?: TextField[]): Promise<Text[]>;
  /** papers with an arXiv id, of one edition or of all */
  papersWithArxivId(editionId: number | null): Promise<Paper[]>;

  createEdition(e: NewEdition): Promise<Edition>;
  /** inserts editions in one statement per chunk; returns them with their ids */
  createEditions(es: NewEdition[]): Promise<Edition[]>;
  updateEdition(id: number, patch: Partial<Pick<Edition, 'endDate' | 'title' | 'sourceRef' | 'status'>>): Promise<void>;
  /** inserts the papers whose keys are new; never changes an existing one */
  ensurePapers(ps: PaperInput[]): Promise<void>;
  setPaperMetadata(key: string, meta: PaperMetadata, enrichedAt: string): Promise<void>;
  setPaperEnrichError(key: string, message: string | null): Promise<void>;
  /** inserts entries with their links in a few statements; returns them with their ids */
  createEntries(es: NewEntry[]): Promise<Entry[]>;
  updateEntry(id: number, patch: { paperKey?: string; label?: string; links?: Link[] }): Promise<void>;
  /** inserts or replaces the text for each (owner, field, lang) */
  putTexts(ts: TextInput[]): Promise<void>;

  listGlossary(lang: string): Promise<GlossaryTerm[]>;
  /** inserts or replaces terms by (lang, English term, case-insensitive); returns how many were new */
  putGlossaryTerms(terms: GlossaryTerm[]): Promise<{ inserted: number; updated: number; unchanged: number }>;
  recordLlmCall(call: LlmCallRecord): Promise<number>;
  /** replaces the findings of one text; dismissals carry over to findings with the same fingerprint */
  replaceFindings(text: TextRef, textHash: string, findings: Array<Finding & { fingerprint: string }>, checkedAt: string): Promise<void>;
  getFindings(texts: TextRef[]): Promise<StoredFinding[]>;
  /** the text hash each text was last checked at */
  getTextChecks(texts: TextRef[]): Promise<Map<string, string>>;
  dismissFinding(id: number, by: string, why: string, at: string): Promise<StoredFinding | null>;
  /**
   * Texts holding every term (case-insensitive substring), best first. Works for Korean terms of one
   * or two syllables too. At most `limit` texts.
   */
  searchTexts(terms: string[], limit: number): Promise<Array<Text & { id: number }>>;
  /** records a publication; false when the edition was already published there */
  recordPublication(p: Publication): Promise<boolean>;
  /** publications of one edition, or of every edition on a channel */
  getPublications(q: { editionId?: number; channel?: string }): Promise<Publication[]>;
  /** the newest successful call with this cache key */
  findCachedCall(cacheKey: string): Promise<LlmCallRow | null>;
  llmCalls(editionId: number, lang: string | null): Promise<LlmCallRow[]>;
}

export interface Store extends StoreOps {
  readonly engine: 'sqlite' | 'postgres';
  /** runs fn in one write transaction (BEGIN IMMEDIATE on SQLite) */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** Gets bytes from a file path or an http(s) URL. */
export interface Fetcher {
  read(fileOrUrl: string): Promise<{ bytes: Uint8Array; where: string }>;
}

/** Where a long-running step reports how far it got (stderr on the CLI). */
export interface Progress {
  (message: string): void;
}

export interface LlmCallRecord {
  editionId: number;
  entryId: number | null;
  lang: string;
  fields: string[];
  cacheKey: string;
  provider: string;
  model: string;
  promptVersion: string;
  glossaryVersion: string;
  tokensIn: number;
  tokensOut: number;
  tokensEstimated: boolean;
  costUsd: number;
  /** ok: a draft was stored; rejected: the answer failed our checks; failed: no usable answer */
  status: 'ok' | 'rejected' | 'failed';
  reason: string | null;
  /** the validated answer (JSON), kept as the cache */
  result: Record<string, string> | null;
  startedAt: string;
  durationMs: number;
}

export interface LlmCallRow extends LlmCallRecord {
  id: number;
}

/** Token counts of one LLM exchange; `estimated` when the provider gave none and a tokenizer counted. */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  estimated: boolean;
}

export interface LlmRequest<T> {
  system: string;
  prompt: string;
  /** the answer must match this schema; the client validates it and asks once more to repair */
  schema: import('zod').ZodType<T>;
  schemaName: string;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface LlmResult<T> {
  object: T;
  /** all attempts together, the repair included */
  usage: LlmUsage;
  provider: string;
  model: string;
  /** HTTP attempts, retries included */
  attempts: number;
  durationMs: number;
}

/** A chat model behind some provider; src/llm builds the concrete one from the configuration. */
export interface Llm {
  readonly provider: string;
  readonly model: string;
  generate<T>(req: LlmRequest<T>): Promise<LlmResult<T>>;
}
