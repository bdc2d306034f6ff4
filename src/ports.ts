// The interfaces the pipeline needs, defined by the consumer. src/main.ts wires the concrete ones.
import type { Edition, EditionStatus, Entry, IsoDate, Link, OwnerKind, Paper, Text, TextField, TextInput } from './domain/types.js';
import type { GlossaryTerm } from './domain/glossary.js';
import type { Finding } from './domain/check/types.js';
import type { DeliveryKind, DeliveryStatus, Preferences, Subscriber, SubscriberStatus } from './domain/subscriber.js';
import type { TopicTag } from './domain/topics.js';

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

  findSubscriber(q: { email: string } | { token: string } | { confirmToken: string } | { id: number }): Promise<StoredSubscriber | null>;
  /** null when the address is already there */
  insertSubscriber(s: NewSubscriber): Promise<StoredSubscriber | null>;
  updateSubscriber(id: number, patch: SubscriberPatch, at: string): Promise<void>;
  /** adds the addresses that are new; never changes an existing subscriber (nor brings back one who left) */
  importSubscribers(rows: NewSubscriber[]): Promise<{ inserted: number; existing: number }>;
  /** removes the subscriber and their deliveries; false when unknown */
  deleteSubscriber(id: number): Promise<boolean>;
  subscriberCounts(): Promise<Record<SubscriberStatus, number>>;

  /** one delivery per eligible subscriber (confirmed, this frequency and language), in one statement; returns how many are new */
  enqueueDeliveries(audience: Audience, at: string): Promise<number>;
  /** a confirmation mail for one subscriber */
  enqueueConfirmation(subscriberId: number, n: number, at: string): Promise<void>;
  /** marks up to `limit` due deliveries as in flight for this worker and returns them (SKIP LOCKED on PostgreSQL) */
  claimDeliveries(workerId: string, now: string, limit: number): Promise<ClaimedDelivery[]>;
  /** records what became of a claimed delivery; false when this worker no longer holds it */
  finishDelivery(id: number, workerId: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** deliveries in flight, with who holds them (to find those a dead worker left) */
  inFlightDeliveries(): Promise<Array<{ id: number; claimedBy: string; claimedAt: string }>>;
  /** puts in-flight deliveries back in the queue as they were, each only if the holder named still holds it; returns how many */
  releaseDeliveries(held: Array<{ id: number; claimedBy: string }>): Promise<number>;
  /** cancels the subscriber's deliveries not yet in flight; returns how many */
  cancelDeliveries(subscriberId: number, at: string): Promise<number>;
  deliveryCounts(q: { ref?: string; editionId?: number }): Promise<Record<DeliveryStatus, number>>;
  deliveriesOf(subscriberId: number): Promise<DeliveryRow[]>;
  /** when the earliest pending delivery is due, or null when none is pending */
  nextDeliveryDue(): Promise<string | null>;
  /** entries of these editions created in [from, to) */
  entryIdsCreatedBetween(editionIds: number[], from: string, to: string): Promise<number[]>;
  /** false when the event was already recorded */
  recordMailEvent(e: { id: string; address: string; type: string; receivedAt: string }): Promise<boolean>;

  getPaperTopics(keys: string[]): Promise<Map<string, PaperTopics>>;
  /** inserts or replaces each paper's row */
  putPaperTopics(rows: PaperTopics[]): Promise<void>;
  /** the entries of editions starting in [from, to] with their papers' topics, oldest first */
  listEntryTopics(range: { from?: IsoDate; to?: IsoDate }): Promise<EntryTopicsRow[]>;

  getDiscoursePost(editionId: number, lang: string): Promise<DiscoursePost | null>;
  listDiscoursePosts(): Promise<DiscoursePost[]>;
  putDiscoursePost(p: DiscoursePost): Promise<void>;
  setDiscourseError(editionId: number, lang: string, error: string | null): Promise<void>;

  /** a new run of the job's slot for this holder, or null when another scheduler took the slot */
  claimJobSlot(job: string, slot: string, holder: string, at: string): Promise<JobRun | null>;
  /** takes over a failed run due for retry or a stale running one; null when another scheduler won */
  reclaimJobRun(id: number, holder: string, at: string, staleBefore: string): Promise<JobRun | null>;
  dueJobRuns(at: string, staleBefore: string): Promise<JobRun[]>;
  heartbeatJobRun(id: number, holder: string, at: string): Promise<boolean>;
  finishJobRun(id: number, holder: string, end: { status: 'done' | 'failed'; at: string; result?: string | null; error?: string | null; nextRetryAt?: string | null }): Promise<boolean>;
  listJobRuns(q: { job?: string; limit?: number }): Promise<JobRun[]>;

  /** inserts new (paper, source) candidates; a known one takes the newer counts and keeps its first day */
  putCandidates(rows: CandidateRow[]): Promise<{ inserted: number; updated: number }>;
  /** candidates listed on a day in [from, to], every one when the range is open; only these papers' when named */
  listCandidates(range: { from?: IsoDate; to?: IsoDate; paperKeys?: string[] }): Promise<CandidateRow[]>;
  /** stores a newly trained model (the newest is the one in use); returns its id */
  putRankModel(m: Omit<StoredRankModel, 'id'>): Promise<number>;
  getRankModel(): Promise<StoredRankModel | null>;
  /** removes an entry with its texts and their findings; false when there is no such entry */
  deleteEntry(entryId: number): Promise<boolean>;
  /** numbers the edition's entries 1..n in this order, which must name each of them once */
  setEntryOrder(editionId: number, entryIds: number[]): Promise<void>;
}

/** A paper proposed by a candidate source, with the popularity that source gave it. */
export interface CandidateRow {
  paperKey: string;
  /** hf, arxiv, daily-md, monologg */
  source: string;
  /** the first day the source listed it */
  day: IsoDate;
  upvotes: number | null;
  comments: number | null;
  githubRepo: string | null;
  githubStars: number | null;
  /** the source's keyword tags (monologg) or arXiv categories */
  tags: string[];
  authors: string[];
  /** when the paper was published, when the source says */
  publishedAt: string | null;
  seenAt: string;
}

/** A ranking model learned from the editions' picks, serialised (domain/rank.ts reads it). */
export interface StoredRankModel {
  id: number;
  trainedAt: string;
  editions: number;
  positives: number;
  negatives: number;
  model: string;
}

/** A paper's topics as stored: the rules' answer always, an LLM's refinement when one was asked for. */
export interface PaperTopics {
  paperKey: string;
  rules: TopicTag[];
  /** null when no LLM refined them (the rules' answer holds) */
  llm: TopicTag[] | null;
  llmModel: string | null;
  /** hash of the texts, categories and taxonomy the tags came from */
  inputHash: string;
  taggedAt: string;
}

/** An entry of the archive with the topics its paper carries (the LLM's when present); null when not tagged yet. */
export interface EntryTopicsRow {
  editionId: number;
  startDate: IsoDate;
  endDate: IsoDate;
  position: number;
  paperKey: string;
  topics: TopicTag[] | null;
}

/** An edition's topic on the Discourse forum in one language: what to edit, and what it says now. */
export interface DiscoursePost {
  editionId: number;
  lang: string;
  /** the topic's external_id on the forum, unique per edition and language */
  externalId: string;
  topicId: number;
  /** the first post, then the ordered replies a long edition is split into */
  postIds: number[];
  /** hash of the raw Markdown last written (all parts) */
  bodyHash: string;
  syncedAt: string;
  /** why the last sync failed; null when it is in step */
  lastError: string | null;
}

/** A topic on the forum as the publisher needs it. */
export interface ForumTopic {
  topicId: number;
  firstPostId: number;
  postIds: number[];
  title: string;
}

/** The Discourse forum; src/channels/discourse/client.ts is the concrete one. */
export interface Forum {
  topicByExternalId(externalId: string): Promise<ForumTopic | null>;
  createTopic(input: { title: string; raw: string; category: number; tags?: string[]; externalId: string }): Promise<{ topicId: number; postId: number }>;
  reply(topicId: number, raw: string): Promise<{ postId: number }>;
  updatePost(postId: number, raw: string, editReason?: string): Promise<void>;
  resolveCategory(nameSlugOrId: string | number): Promise<number>;
}

/** One scheduled run of a job (e.g. the week's routine for a Monday 09:00). */
export interface JobRun {
  id: number;
  job: string;
  /** the scheduled time it runs for (ISO); unique per job, which is the lock */
  slot: string;
  status: 'running' | 'done' | 'failed';
  holder: string;
  attempt: number;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  /** when a failed run is tried again; null when it is not */
  nextRetryAt: string | null;
  result: string | null;
  error: string | null;
}

export interface StoredSubscriber extends Subscriber {
  confirmToken: string | null;
  confirmExpiresAt: string | null;
  confirmSentAt: string | null;
  confirmDay: string | null;
  confirmDayCount: number;
  softBounces: number;
  updatedAt: string;
}

export interface NewSubscriber extends Preferences {
  email: string;
  status: 'pending' | 'confirmed';
  source: 'form' | 'import';
  token: string;
  at: string;
}

export type SubscriberPatch = Partial<
  Preferences &
    Pick<StoredSubscriber, 'status' | 'confirmToken' | 'confirmExpiresAt' | 'confirmSentAt' | 'confirmDay' | 'confirmDayCount' | 'softBounces' | 'confirmedAt' | 'leftAt'>
>;

export type Audience = { kind: 'edition'; editionId: number; lang: string } | { kind: 'daily'; day: string; lang: string };

export interface DeliveryRow {
  id: number;
  subscriberId: number;
  ref: string;
  kind: DeliveryKind;
  editionId: number | null;
  day: string | null;
  lang: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  claimedBy: string | null;
  acceptedAt: string | null;
  lastError: string | null;
  createdAt: string;
}

/** A delivery in flight, with what is needed to write it. */
export interface ClaimedDelivery extends DeliveryRow {
  subscriber: Pick<StoredSubscriber, 'email' | 'token' | 'show' | 'lang' | 'frequency' | 'status' | 'confirmToken'>;
}

export type DeliveryOutcome =
  | { status: 'accepted'; at: string }
  /** a temporary failure: tried again at nextAttemptAt */
  | { status: 'pending'; attempts: number; nextAttemptAt: string; error: string }
  | { status: 'bounced' | 'failed' | 'cancelled'; attempts: number; error: string };

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

/** One e-mail ready to hand to an SMTP server (or to write as an .eml file). */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<…@…>`, stable per delivery: a re-send after a crash carries the same one */
  messageId: string;
  /** extra headers, e.g. List-Unsubscribe, List-Unsubscribe-Post, List-Id */
  headers: Record<string, string>;
}

/**
 * Why a mail was not accepted. temporary: a 4xx answer, a reset or a timeout (retry later);
 * permanent: a 5xx answer for this recipient (never retry); unavailable: the server cannot be
 * used at all (refused connection, failed login): stop sending until it is back.
 */
export type MailFailureKind = 'temporary' | 'permanent' | 'unavailable';

export interface MailFailure extends Error {
  kind: MailFailureKind;
  /** the SMTP reply code, when the server answered */
  smtpCode: number | null;
}

/** Sends mail; `send` resolves only after the server accepted it (250), else rejects with a MailFailure. */
export interface Mailer {
  readonly kind: 'smtp' | 'eml';
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): Promise<void>;
}
