// Opens the store: SQLite by default (WAL, busy timeout, BEGIN IMMEDIATE), PostgreSQL for postgres:// URLs.
// This module and store.ts are the only code that talks to a database.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import pg from 'pg';
import { PaperboyError } from '../errors.js';
import type { Store } from '../ports.js';
import { migrationProvider, type Engine } from './migrations.js';
import type { Database } from './schema.js';
import { KyselyStore } from './store.js';

export interface OpenOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (tests run each suite in a fresh one) */
  pgSchema?: string;
  busyTimeoutMs?: number;
}

/** Write transactions take the write lock at BEGIN, so two writers never deadlock on a lock upgrade. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** better-sqlite3 prepares a statement per call under Kysely; caching them halves the cost of small queries. */
function withStatementCache(db: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size > 500) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
    close() {
      db.close();
    },
  };
}

export function sqlitePath(opts: OpenOptions): string {
  if (opts.databaseUrl?.startsWith('sqlite:')) return resolve(opts.databaseUrl.slice('sqlite:'.length));
  return resolve(join(opts.dataDir, 'paperboy.db'));
}

export async function openStore(opts: OpenOptions): Promise<Store> {
  const isPg = !!opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl);
  const engine: Engine = isPg ? 'postgres' : 'sqlite';
  let db: Kysely<Database>;
  if (isPg) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 4,
      connectionTimeoutMillis: 5000,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    pool.on('error', () => {
      /* idle client errors surface on the next query */
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      if (opts.pgSchema) await db.executeQuery(CompiledQuery.raw(`create schema if not exists "${opts.pgSchema.replace(/"/g, '')}"`));
      else await db.executeQuery(CompiledQuery.raw('select 1'));
    } catch (e) {
      await db.destroy().catch(() => {});
      throw new PaperboyError('STORE_UNAVAILABLE', `cannot connect to PostgreSQL at ${describePgUrl(opts.databaseUrl!)}: ${(e as Error).message || (e as NodeJS.ErrnoException).code}`, { retryable: true, cause: e });
    }
  } else {
    const file = sqlitePath(opts);
    let raw: SqliteDatabase.Database;
    try {
      mkdirSync(resolve(file, '..'), { recursive: true });
      raw = new SqliteDatabase(file);
      raw.pragma('journal_mode = WAL');
      raw.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      raw.pragma('synchronous = NORMAL');
      raw.pragma('foreign_keys = ON');
    } catch (e) {
      throw new PaperboyError('STORE_UNAVAILABLE', `cannot open the SQLite database ${file}: ${(e as Error).message}`, { cause: e });
    }
    db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw) as never }) });
  }
  await migrate(db, engine, isPg ? opts.pgSchema : undefined);
  return new KyselyStore(db, engine);
}

async function migrate(db: Kysely<Database>, engine: Engine, pgSchema: string | undefined): Promise<void> {
  // Kysely looks for its tables in every schema of the database: name ours (the one given, or the
  // URL's search_path when it is not the default), or another schema's paperboy tables pass for ours
  let schema = pgSchema;
  if (engine === 'postgres' && !schema) {
    const r = await db.executeQuery<{ s: string | null }>(CompiledQuery.raw('select current_schema() as s')).catch(() => null);
    const current = r?.rows[0]?.s;
    if (current && current !== 'public') schema = current;
  }
  const migrator = new Migrator({ db, provider: migrationProvider(engine), migrationTableName: 'paperboy_migration', migrationLockTableName: 'paperboy_migration_lock', ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy().catch(() => {});
    const failed = results?.find((r) => r.status === 'Error');
    throw new PaperboyError('STORE_FAILED', `database migration${failed ? ` ${failed.migrationName}` : ''} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}

/** host, port and database of a PostgreSQL URL, never its password */
export function describePgUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
