// SQLite specifics: write transactions take the lock at BEGIN (IMMEDIATE), and a busy database is a
// clear, retryable error instead of a hang or a half-written state.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../src/store/open.js';
import { PaperboyError } from '../src/errors.js';
import { openSqlite, type TestStore } from './support/stores.js';
import type { Store } from '../src/ports.js';

describe('SQLite store', () => {
  let t: TestStore;
  let other: Store;
  before(async () => {
    t = await openSqlite();
    other = await openStore({ dataDir: t.dataDir, busyTimeoutMs: 100 });
  });
  after(async () => {
    await other?.close();
    await t?.cleanup();
  });

  it('runs in WAL mode', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(`${t.dataDir}/paperboy.db`, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('a transaction holds the write lock from its first statement, even a read', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inside = new Promise<void>((r) => (started = r));
    const first = t.store.transaction(async (tx) => {
      await tx.listEditions(); // a read: a deferred BEGIN would not have locked yet
      started();
      await held;
      await tx.createEdition({ startDate: '2024-01-01', endDate: '2024-01-07', title: 'first', source: 'upstream', sourceRef: null, status: 'imported' });
    });
    await inside;
    await assert.rejects(
      other.transaction((tx) => tx.createEdition({ startDate: '2024-02-01', endDate: '2024-02-07', title: 'second', source: 'upstream', sourceRef: null, status: 'imported' }).then(() => undefined)),
      (e: unknown) => e instanceof PaperboyError && e.code === 'STORE_UNAVAILABLE' && e.retryable && /busy/.test(e.message),
    );
    release();
    await first;
    assert.equal((await t.store.getEditionByStart('2024-01-01'))?.title, 'first');
    assert.equal(await t.store.getEditionByStart('2024-02-01'), null);
    // once the lock is free the same write goes through
    await other.transaction((tx) => tx.createEdition({ startDate: '2024-02-01', endDate: '2024-02-07', title: 'second', source: 'upstream', sourceRef: null, status: 'imported' }).then(() => undefined));
    assert.equal((await t.store.getEditionByStart('2024-02-01'))?.title, 'second');
  });

  it('an unwritable data folder is one clear error', async () => {
    // a data folder under a regular file cannot be created, even by root
    const file = join(t.dataDir, 'not-a-folder');
    writeFileSync(file, 'x');
    await assert.rejects(openStore({ dataDir: join(file, 'data') }), (e: unknown) => e instanceof PaperboyError && e.code === 'STORE_UNAVAILABLE' && /cannot open the SQLite database/.test(e.message));
  });
});
