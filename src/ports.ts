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

/** The wording a text had before an edit or an accepted correction replaced it. */
export interface TextVersion extends TextRef {
  revision: number;
  body: string;
  origin: Text['origin'];
  model: string | null;
  promptVersion: string | null;
  status: Text['status'];
  replacedAt: string;
  replacedBy: string;
  reason: 'edit' | 'correction';
}

export type SaveTextResult = { saved: true; text: Text } | { saved: false; current: Text | null };

export type CorrectionStatus = 'pending' | 'accepted' | 'rejected';

export interface NewCorrection extends TextRef {
  editionId: number;
  /** the text's revision the reader saw */
  textRevision: number;
  /** index of the sentence in that revision (src/domain/sentences.ts) */
  sentence: number;
  original: string;
  proposed: string;
  note: string | null;
  /** a hash of the reader's cookie id, never the id or the IP itself */
  reader: string;
  createdAt: string;
}

export interface Correction extends NewCorrection {
  id: number;
  status: CorrectionStatus;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface Editor {
  id: number;
  email: string;
  passwordHash: string;
  disabledAt: string | null;
  createdAt: string;
}

export interface EditorSession {
  tokenHash: string;
  editorId: number;
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** A text found by search, with the published edition and entry position it is shown at. */
export interface PublishedHit {
  text: Text & { id: number };
  editionId: number;
  edition: { startDate: IsoDate; endDate: IsoDate };
  /** null for an edition's own text (its overview) */
  position: number | null;
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
   * Texts shown on editions published on `channel` that hold every term (case-insensitive
   * substring; Korean terms of one or two syllables too): titles first, then intros, key messages,
   * abstracts, overviews, newer first, among the newest `candidates` (default 2,000) matches.
   */
  searchPublished(terms: string[], opts: { channel: string; limit: number; candidates?: number }): Promise<PublishedHit[]>;
  /** records a publication; false when the edition was already published there */
  recordPublication(p: Publication): Promise<boolean>;
  /** publications of one edition, or of every edition on a channel */
  getPublications(q: { editionId?: number; channel?: string }): Promise<Publication[]>;
  /** the newest successful call with this cache key */
  findCachedCall(cacheKey: string): Promise<LlmCallRow | null>;
  llmCalls(editionId: number, lang: string | null): Promise<LlmCallRow[]>;

  /** one text with its revision, or null */
  getText(ref: TextRef): Promise<Text | null>;
  /**
   * Replaces a text's body by hand (an edit, or an accepted correction) only if it is still at
   * `expectedRevision`; the old wording goes to the history. Otherwise returns the current text.
   */
  saveText(ref: TextRef, change: { body: string; expectedRevision: number; by: string; at: string; reason: 'edit' | 'correction' }): Promise<SaveTextResult>;
  /** approves each text still at the given revision (any revision when omitted); returns how many */
  approveTexts(refs: Array<TextRef & { revision?: number }>, by: string, at: string): Promise<number>;
  /** earlier wordings of one text, newest first */
  getTextHistory(ref: TextRef): Promise<TextVersion[]>;

  addCorrection(c: NewCorrection): Promise<Correction>;
  getCorrections(q: { editionId?: number; status?: CorrectionStatus; id?: number }): Promise<Correction[]>;
  /** decides a pending correction; null when it is unknown or already decided */
  decideCorrection(id: number, status: 'accepted' | 'rejected', by: string, at: string): Promise<Correction | null>;

  /** false when this reader already liked the entry */
  addLike(entryId: number, reader: string, at: string): Promise<boolean>;
  likeCounts(entryIds: number[]): Promise<Map<number, number>>;

  /** null when the address is taken */
  createEditor(email: string, passwordHash: string, at: string): Promise<Editor | null>;
  getEditor(q: { email: string } | { id: number }): Promise<Editor | null>;
  listEditors(): Promise<Editor[]>;
  /** sets the password or disables the editor; disabling or a new password ends their sessions */
  updateEditor(id: number, patch: { passwordHash?: string; disabledAt?: string | null }, at: string): Promise<void>;
  createSession(s: EditorSession): Promise<void>;
  getSession(tokenHash: string): Promise<EditorSession | null>;
  touchSession(tokenHash: string, lastSeenAt: string): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;

  /** bumped by every write to what the public site shows, from any process */
  siteVersion(): Promise<number>;
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
