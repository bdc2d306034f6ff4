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
}

export interface Database {
  paper: PaperTable;
  edition: EditionTable;
  entry: EntryTable;
  entry_link: EntryLinkTable;
  text: TextTable;
}
