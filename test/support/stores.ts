// Opens a fresh store on each engine: SQLite in a temp folder, PostgreSQL in a new schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/ports.js';

export const PG_URL = process.env.PAPERBOY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  store: Store;
  /** env for a CLI run against the same database */
  env: Record<string, string>;
  dataDir: string;
  cleanup(): Promise<void>;
}

export interface EngineCase {
  name: 'sqlite' | 'postgres';
  open(): Promise<TestStore>;
}

let counter = 0;

export async function openSqlite(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-test-'));
  const store = await openStore({ dataDir });
  return {
    store,
    dataDir,
    env: { PAPERBOY_DATA_DIR: dataDir },
    async cleanup() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function openPostgres(): Promise<TestStore> {
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-test-'));
  const store = await openStore({ dataDir, databaseUrl: PG_URL, pgSchema: schema });
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    store,
    dataDir,
    env: { PAPERBOY_DATA_DIR: dataDir, PAPERBOY_DATABASE_URL: url.toString() },
    async cleanup() {
      await store.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const ENGINES: EngineCase[] = [
  { name: 'sqlite', open: openSqlite },
  { name: 'postgres', open: openPostgres },
];
