// Append-only migrations: add new ones at the end, never edit one that has shipped.
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { hangulGrams } from './grams.js';

export type Engine = 'sqlite' | 'postgres';

function idColumn(engine: Engine) {
  return engine === 'postgres' ? ('serial' as const) : ('integer' as const);
}

function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_core': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('paper')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('arxiv_id', 'text')
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('authors', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('published_at', 'text')
          .addColumn('source_updated_at', 'text')
          .addColumn('enriched_at', 'text')
          .addColumn('enrich_error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('paper_arxiv_id').on('paper').column('arxiv_id').execute();

        await db.schema
          .createTable('edition')
          .addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('start_date', 'text', (c) => c.notNull().unique())
          .addColumn('end_date', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('source_ref', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('entry')
          .addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('edition_id', 'integer', (c) => c.notNull().references('edition.id').onDelete('cascade'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('paper_key', 'text', (c) => c.notNull().references('paper.key'))
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('entry_edition_position', ['edition_id', 'position'])
          .execute();
        await db.schema.createIndex('entry_paper').on('entry').column('paper_key').execute();

        await db.schema
          .createTable('entry_link')
          .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id').onDelete('cascade'))
          .addColumn('ord', 'integer', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('entry_link_pk', ['entry_id', 'ord'])
          .execute();

        await db.schema
          .createTable('text')
          .addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('owner_kind', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('model', 'text')
          .addColumn('prompt_version', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('text_owner_field_lang', ['owner_kind', 'owner_id', 'field', 'lang'])
          .execute();
      },
    },
    '0002_llm_drafts': {
      async up(db: Kysely<any>) {
        // provenance of drafted texts: who drafted them, from which source, at what cost
        for (const [name, type] of [
          ['provider', 'text'],
          ['tokens_in', 'integer'],
          ['tokens_out', 'integer'],
          ['cost_usd', 'real'],
          ['source_hash', 'text'],
          ['glossary_version', 'text'],
          ['call_id', 'integer'],
        ] as const) {
          await db.schema.alterTable('text').addColumn(name, type).execute();
        }

        await db.schema
          .createTable('glossary_term')
          .addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('en', 'text', (c) => c.notNull())
          .addColumn('en_key', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('rule', 'text', (c) => c.notNull())
          .addColumn('note', 'text')
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('glossary_term_lang_en', ['lang', 'en_key'])
          .execute();

        // one row per LLM exchange (retries and the repair included), whether it produced a draft or not
        await db.schema
          .createTable('llm_call')
          .addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('edition_id', 'integer', (c) => c.notNull().references('edition.id').onDelete('cascade'))
          .addColumn('entry_id', 'integer')
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('fields', 'text', (c) => c.notNull())
          .addColumn('cache_key', 'text', (c) => c.notNull())
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('prompt_version', 'text', (c) => c.notNull())
          .addColumn('glossary_version', 'text', (c) => c.notNull())
          .addColumn('tokens_in', 'integer', (c) => c.notNull())
          .addColumn('tokens_out', 'integer', (c) => c.notNull())
          .addColumn('tokens_estimated', 'integer', (c) => c.notNull())
          .addColumn('cost_usd', 'real', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('result', 'text')
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('duration_ms', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('llm_call_cache_key').on('llm_call').column('cache_key').execute();
        await db.schema.createIndex('llm_call_edition').on('llm_call').columns(['edition_id', 'lang']).execute();
      },
    },
    '0003_findings': {
      async up(db: Kysely<any>) {
        // what the checker found in one text; a finding belongs to the text, wherever it is shown
        await db.schema
          .createTable('finding')
          .addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('owner_kind', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('text_hash', 'text', (c) => c.notNull())
          .addColumn('rule', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('source_start', 'integer')
          .addColumn('source_end', 'integer')
          .addColumn('draft_start', 'integer')
          .addColumn('draft_end', 'integer')
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('dismissed_by', 'text')
          .addColumn('dismissed_why', 'text')
          .addColumn('dismissed_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('finding_text').on('finding').columns(['owner_kind', 'owner_id', 'field', 'lang']).execute();
        // the text hash each text was last checked at, so a changed text is known to be unchecked
        await db.schema
          .createTable('text_check')
          .addColumn('owner_kind', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('text_hash', 'text', (c) => c.notNull())
          .addColumn('checked_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('text_check_pk', ['owner_kind', 'owner_id', 'field', 'lang'])
          .execute();
      },
    },
    '0004_publications': {
      async up(db: Kysely<any>) {
        // what was published where and when; one row per edition, language and channel
        await db.schema
          .createTable('publication')
          .addColumn('edition_id', 'integer', (c) => c.notNull().references('edition.id').onDelete('cascade'))
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('allow_drafts', 'integer', (c) => c.notNull())
          .addColumn('published_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('publication_pk', ['edition_id', 'lang', 'channel'])
          .execute();
      },
    },
    '0005_search': {
      async up(db: Kysely<any>) {
        if (engine === 'sqlite') {
          // a trigram index over every text, kept in step with the text table by triggers
          await sql`create virtual table text_fts using fts5(body, tokenize = 'trigram', content = 'text', content_rowid = 'id')`.execute(db);
          await sql`create trigger text_fts_insert after insert on text begin insert into text_fts(rowid, body) values (new.id, new.body); end`.execute(db);
          await sql`create trigger text_fts_delete after delete on text begin insert into text_fts(text_fts, rowid, body) values ('delete', old.id, old.body); end`.execute(db);
          await sql`create trigger text_fts_update after update of body on text begin insert into text_fts(text_fts, rowid, body) values ('delete', old.id, old.body); insert into text_fts(rowid, body) values (new.id, new.body); end`.execute(db);
          await sql`insert into text_fts(text_fts) values ('rebuild')`.execute(db);
        } else {
          // pg_trgm serves ILIKE '%term%' from an index; it lives in public so every schema shares it
          await sql`create extension if not exists pg_trgm schema public`.execute(db);
          await sql`create index text_body_trgm on text using gin (body public.gin_trgm_ops)`.execute(db);
        }
      },
    },
    '0006_desk': {
      async up(db: Kysely<any>) {
        // every change to a text bumps its revision: the desk saves only over the revision it showed
        await db.schema.alterTable('text').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1)).execute();
        await db.schema.alterTable('text').addColumn('edited_by', 'text').execute();
        await db.schema.alterTable('text').addColumn('approved_by', 'text').execute();
        await db.schema.alterTable('text').addColumn('approved_at', 'text').execute();
        await db.schema.alterTable('text').addColumn('corrected_at', 'text').execute();
        // the wording a text had before each edit or accepted correction
        await db.schema
          .createTable('text_history')
          .addColumn('id', idColumn(engine), (c) => c.primaryKey())
          .addColumn('owner_kind', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('model', 'text')
          .addColumn('prompt_version', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('replaced_at', 'text', (c) => c.notNull())
          .addColumn('replaced_by', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('text_history_text').on('text_history').columns(['owner_kind', 'owner_id', 'field', 'lang']).execute();
        // readers' suggested wordings for one sentence of a target-language text
        await db.schema
          .createTable('correction')
          .addColumn('id', idColumn(engine), (c) => c.primaryKey())
          .addColumn('owner_kind', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('edition_id', 'integer', (c) => c.notNull().references('edition.id').onDelete('cascade'))
          .addColumn('text_revision', 'integer', (c) => c.notNull())
          .addColumn('sentence', 'integer', (c) => c.notNull())
          .addColumn('original', 'text', (c) => c.notNull())
          .addColumn('proposed', 'text', (c) => c.notNull())
          .addColumn('note', 'text')
          .addColumn('reader', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('decided_by', 'text')
          .addColumn('decided_at', 'text')
          .execute();
        await db.schema.createIndex('correction_edition').on('correction').columns(['edition_id', 'status']).execute();
        // one like per reader (a random cookie id, hashed) per entry
        await db.schema
          .createTable('entry_like')
          .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id').onDelete('cascade'))
          .addColumn('reader', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('entry_like_pk', ['entry_id', 'reader'])
          .execute();
        await db.schema
          .createTable('editor')
          .addColumn('id', idColumn(engine), (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('disabled_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        // only a hash of the session token is stored: a copy of the database cannot log in
        await db.schema
          .createTable('editor_session')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('editor_id', 'integer', (c) => c.notNull().references('editor.id').onDelete('cascade'))
          .addColumn('csrf', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        // a counter every write to what the public site shows bumps, whoever writes (the web app,
        // a CLI in another process); the page cache compares it to know when to render again
        await db.schema.createTable('site_state').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('version', 'integer', (c) => c.notNull()).execute();
        await sql`insert into site_state (id, version) values (1, 1)`.execute(db);
        const watched = ['edition', 'entry', 'entry_link', 'paper', 'text', 'publication', 'entry_like'];
        if (engine === 'sqlite') {
          for (const t of watched)
            for (const op of ['insert', 'update', 'delete'])
              await sql.raw(`create trigger ${t}_${op}_bumps_site after ${op} on ${t} begin update site_state set version = version + 1 where id = 1; end`).execute(db);
        } else {
          await sql`create function bump_site_state() returns trigger language plpgsql as $$ begin update site_state set version = version + 1 where id = 1; return null; end $$`.execute(db);
          for (const t of watched)
            await sql.raw(`create trigger ${t}_bumps_site after insert or update or delete on ${t} for each statement execute function bump_site_state()`).execute(db);
        }
      },
    },
    '0007_search_short': {
      async up(db: Kysely<any>) {
        if (engine !== 'sqlite') return;
        // Hangul syllable pairs (src/store/grams.ts), kept by the store's writes; no content copy
        await sql`create virtual table text_short using fts5(grams, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
        const rows = await sql<{ id: number; body: string }>`select id, body from text`.execute(db);
        for (let i = 0; i < rows.rows.length; i += 500) {
          // (0008 replaces this table; what it holds here does not matter any more)
          const part = rows.rows.slice(i, i + 500).map((r) => ({ rowid: Number(r.id), grams: hangulGrams(r.body) })).filter((r) => r.grams);
          if (part.length) await db.insertInto('text_short').values(part).execute();
        }
      },
    },
    '0008_search_one_table': {
      async up(db: Kysely<any>) {
        if (engine !== 'sqlite') return;
        // the body and its Hangul tokens in one trigram table, so FTS5 intersects them itself;
        // kept by the store's writes (src/store/grams.ts), no copy of the text
        for (const t of ['text_fts_insert', 'text_fts_delete', 'text_fts_update']) await sql.raw(`drop trigger if exists ${t}`).execute(db);
        await sql`drop table if exists text_fts`.execute(db);
        await sql`drop table if exists text_short`.execute(db);
        await sql`create virtual table text_search using fts5(body, grams, content = '', contentless_delete = 1, tokenize = 'trigram')`.execute(db);
        const rows = await sql<{ id: number; body: string }>`select id, body from text`.execute(db);
        for (let i = 0; i < rows.rows.length; i += 500) {
          const part = rows.rows.slice(i, i + 500).map((r) => ({ rowid: Number(r.id), body: r.body, grams: hangulGrams(r.body) }));
          if (part.length) await db.insertInto('text_search').values(part).execute();
        }
      },
    },
    '0009_mail': {
      async up(db: Kysely<any>) {
        const id = (t: ReturnType<typeof db.schema.createTable>) => t.addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()));
        await id(db.schema.createTable('subscriber'))
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('show', 'text', (c) => c.notNull())
          .addColumn('frequency', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          // random, never derived from a key: links in old mails keep working whatever is rotated
          .addColumn('token', 'text', (c) => c.notNull().unique())
          .addColumn('confirm_token', 'text', (c) => c.unique())
          .addColumn('confirm_expires_at', 'text')
          .addColumn('confirm_sent_at', 'text')
          .addColumn('confirm_day', 'text')
          .addColumn('confirm_day_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('soft_bounces', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('confirmed_at', 'text')
          .addColumn('left_at', 'text')
          .execute();
        await db.schema.createIndex('subscriber_audience').on('subscriber').columns(['status', 'frequency', 'lang']).execute();
        await id(db.schema.createTable('delivery'))
          .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscriber.id').onDelete('cascade'))
          // what the delivery is of: edition:<id>:<lang>, day:<date>:<lang> or confirm:<n>; one per subscriber
          .addColumn('ref', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('edition_id', 'integer', (c) => c.references('edition.id').onDelete('cascade'))
          .addColumn('day', 'text')
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text', (c) => c.notNull())
          .addColumn('claimed_by', 'text')
          .addColumn('claimed_at', 'text')
          .addColumn('accepted_at', 'text')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('delivery_once', ['subscriber_id', 'ref'])
          .execute();
        await db.schema.createIndex('delivery_due').on('delivery').columns(['status', 'next_attempt_at', 'id']).execute();
        await db.schema.createIndex('delivery_ref').on('delivery').columns(['ref', 'status']).execute();
        // provider webhook events already applied (a retried webhook changes nothing)
        await db.schema
          .createTable('mail_event')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0010_topics': {
      async up(db: Kysely<any>) {
        // the topics of a paper: the rules' answer always, an LLM's refinement beside it when asked for
        await db.schema
          .createTable('paper_topic')
          .addColumn('paper_key', 'text', (c) => c.primaryKey().references('paper.key').onDelete('cascade'))
          .addColumn('rules', 'text', (c) => c.notNull())
          .addColumn('llm', 'text')
          .addColumn('llm_model', 'text')
          // what the tags were computed from (texts, categories, taxonomy): a change means tag again
          .addColumn('input_hash', 'text', (c) => c.notNull())
          .addColumn('tagged_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0011_channels_and_jobs': {
      async up(db: Kysely<any>) {
        // the Discourse topic of an edition in a language: ids to edit it, and what it says now
        await db.schema
          .createTable('discourse_post')
          .addColumn('edition_id', 'integer', (c) => c.notNull().references('edition.id').onDelete('cascade'))
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text', (c) => c.notNull().unique())
          .addColumn('topic_id', 'integer', (c) => c.notNull())
          // the first post and the ordered replies a long edition is split into
          .addColumn('post_ids', 'text', (c) => c.notNull())
          .addColumn('body_hash', 'text', (c) => c.notNull())
          .addColumn('synced_at', 'text', (c) => c.notNull())
          .addColumn('last_error', 'text')
          .addPrimaryKeyConstraint('discourse_post_pk', ['edition_id', 'lang'])
          .execute();
        // one row per scheduled run of a job: the unique slot is the lock two schedulers share
        const id = (t: ReturnType<typeof db.schema.createTable>) => t.addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()));
        await id(db.schema.createTable('job_run'))
          .addColumn('job', 'text', (c) => c.notNull())
          .addColumn('slot', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('holder', 'text', (c) => c.notNull())
          .addColumn('attempt', 'integer', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('heartbeat_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .addColumn('next_retry_at', 'text')
          .addColumn('result', 'text')
          .addColumn('error', 'text')
          .addUniqueConstraint('job_run_once', ['job', 'slot'])
          .execute();
        await db.schema.createIndex('job_run_due').on('job_run').columns(['status', 'next_retry_at']).execute();
      },
    },
    '0012_candidates': {
      async up(db: Kysely<any>) {
        // a paper proposed for a week by a source, with the popularity the source gave; one row per
        // (paper, source): a later listing updates the counts and keeps the first day
        await db.schema
          .createTable('candidate')
          .addColumn('paper_key', 'text', (c) => c.notNull().references('paper.key').onDelete('cascade'))
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('upvotes', 'integer')
          .addColumn('comments', 'integer')
          .addColumn('github_repo', 'text')
          .addColumn('github_stars', 'integer')
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('authors', 'text', (c) => c.notNull())
          .addColumn('published_at', 'text')
          .addColumn('seen_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('candidate_pk', ['paper_key', 'source'])
          .execute();
        await db.schema.createIndex('candidate_day').on('candidate').column('day').execute();
        // the ranking model learned from the editions' picks; the newest row is the one in use
        const id = (t: ReturnType<typeof db.schema.createTable>) => t.addColumn('id', idColumn(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()));
        await id(db.schema.createTable('rank_model'))
          .addColumn('trained_at', 'text', (c) => c.notNull())
          .addColumn('editions', 'integer', (c) => c.notNull())
          .addColumn('positives', 'integer', (c) => c.notNull())
          .addColumn('negatives', 'integer', (c) => c.notNull())
          .addColumn('model', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}

export function migrationProvider(engine: Engine): MigrationProvider {
  return { getMigrations: async () => migrations(engine) };
}
