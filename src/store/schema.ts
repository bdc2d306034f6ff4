// Table types for Kysely. Dates and times are ISO strings on both engines; lists are JSON text.
import type { Generated } from 'kysely';

export interface PaperTable {
  key: string;
  arxiv_id: string | null;
  url: string;
  authors: string;
  categories: string;
  published_at: string | null;
  source_updated_at: string | null;
  enriched_at: string | null;
  enrich_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface EditionTable {
  id: Generated<number>;
  start_date: string;
  end_date: string;
  title: string;
  source: string;
  source_ref: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface EntryTable {
  id: Generated<number>;
  edition_id: number;
  position: number;
  paper_key: string;
  label: string;
  created_at: string;
  updated_at: string;
}

export interface EntryLinkTable {
  entry_id: number;
  ord: number;
  kind: string;
  label: string;
  url: string;
}

export interface TextTable {
  id: Generated<number>;
  owner_kind: string;
  owner_id: string;
  field: string;
  lang: string;
  body: string;
  origin: string;
  model: string | null;
  prompt_version: string | null;
  status: string;
  created_at: string;
  updated_at: string;
  provider: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_usd: number | null;
  source_hash: string | null;
  glossary_version: string | null;
  call_id: number | null;
  revision: Generated<number>;
  edited_by: string | null;
  approved_by: string | null;
  approved_at: string | null;
  corrected_at: string | null;
}

export interface TextHistoryTable {
  id: Generated<number>;
  owner_kind: string;
  owner_id: string;
  field: string;
  lang: string;
  revision: number;
  body: string;
  origin: string;
  model: string | null;
  prompt_version: string | null;
  status: string;
  replaced_at: string;
  replaced_by: string;
  reason: string;
}

export interface CorrectionTable {
  id: Generated<number>;
  owner_kind: string;
  owner_id: string;
  field: string;
  lang: string;
  edition_id: number;
  text_revision: number;
  sentence: number;
  original: string;
  proposed: string;
  note: string | null;
  reader: string;
  status: string;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

export interface EntryLikeTable {
  entry_id: number;
  reader: string;
  created_at: string;
}

export interface EditorTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface EditorSessionTable {
  token_hash: string;
  editor_id: number;
  csrf: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface SubscriberTable {
  id: Generated<number>;
  email: string;
  lang: string;
  show: string;
  frequency: string;
  status: string;
  token: string;
  confirm_token: string | null;
  confirm_expires_at: string | null;
  confirm_sent_at: string | null;
  confirm_day: string | null;
  confirm_day_count: Generated<number>;
  soft_bounces: Generated<number>;
  source: string;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  left_at: string | null;
}

export interface DeliveryTable {
  id: Generated<number>;
  subscriber_id: number;
  ref: string;
  kind: string;
  edition_id: number | null;
  day: string | null;
  lang: string;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_at: string | null;
  accepted_at: string | null;
  last_error: string | null;
  created_at: string;
}

export interface MailEventTable {
  id: string;
  address: string;
  type: string;
  received_at: string;
}

export interface SiteStateTable {
  id: number;
  version: number;
}

export interface GlossaryTermTable {
  id: Generated<number>;
  lang: string;
  en: string;
  en_key: string;
  target: string;
  rule: string;
  note: string | null;
  source: string;
  created_at: string;
  updated_at: string;
}

export interface LlmCallTable {
  id: Generated<number>;
  edition_id: number;
  entry_id: number | null;
  lang: string;
  fields: string;
  cache_key: string;
  provider: string;
  model: string;
  prompt_version: string;
  glossary_version: string;
  tokens_in: number;
  tokens_out: number;
  tokens_estimated: number;
  cost_usd: number;
  status: string;
  reason: string | null;
  result: string | null;
  started_at: string;
  duration_ms: number;
}

export interface FindingTable {
  id: Generated<number>;
  owner_kind: string;
  owner_id: string;
  field: string;
  lang: string;
  text_hash: string;
  rule: string;
  severity: string;
  message: string;
  source_start: number | null;
  source_end: number | null;
  draft_start: number | null;
  draft_end: number | null;
  fingerprint: string;
  dismissed_by: string | null;
  dismissed_why: string | null;
  dismissed_at: string | null;
  created_at: string;
}

export interface TextCheckTable {
  owner_kind: string;
  owner_id: string;
  field: string;
  lang: string;
  text_hash: string;
  checked_at: string;
}

export interface PublicationTable {
  edition_id: number;
  lang: string;
  channel: string;
  allow_drafts: number;
  published_at: string;
}

export interface PaperTopicTable {
  paper_key: string;
  rules: string;
  llm: string | null;
  llm_model: string | null;
  input_hash: string;
  tagged_at: string;
}

export interface DiscoursePostTable {
  edition_id: number;
  lang: string;
  external_id: string;
  topic_id: number;
  post_ids: string;
  body_hash: string;
  synced_at: string;
  last_error: string | null;
}

export interface JobRunTable {
  id: Generated<number>;
  job: string;
  slot: string;
  status: string;
  holder: string;
  attempt: number;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  next_retry_at: string | null;
  result: string | null;
  error: string | null;
}

export interface CandidateTable {
  paper_key: string;
  source: string;
  day: string;
  upvotes: number | null;
  comments: number | null;
  github_repo: string | null;
  github_stars: number | null;
  tags: string;
  authors: string;
  published_at: string | null;
  seen_at: string;
}

export interface RankModelTable {
  id: Generated<number>;
  trained_at: string;
  editions: number;
  positives: number;
  negatives: number;
  model: string;
}

export interface Database {
  paper: PaperTable;
  edition: EditionTable;
  entry: EntryTable;
  entry_link: EntryLinkTable;
  text: TextTable;
  glossary_term: GlossaryTermTable;
  llm_call: LlmCallTable;
  finding: FindingTable;
  text_check: TextCheckTable;
  publication: PublicationTable;
  text_history: TextHistoryTable;
  correction: CorrectionTable;
  entry_like: EntryLikeTable;
  editor: EditorTable;
  editor_session: EditorSessionTable;
  site_state: SiteStateTable;
  subscriber: SubscriberTable;
  delivery: DeliveryTable;
  mail_event: MailEventTable;
  paper_topic: PaperTopicTable;
  discourse_post: DiscoursePostTable;
  job_run: JobRunTable;
  candidate: CandidateTable;
  rank_model: RankModelTable;
}
