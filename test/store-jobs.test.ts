// The store contract for the scheduler's job runs (the (job, slot) lock, retries, takeovers) and for
// the Discourse topics of editions, the same suite on SQLite and on PostgreSQL. Each case gets a
// fresh store; "another process" is a second store opened on the same database.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestStore } from './support/stores.js';
import { openStore } from '../src/store/open.js';
import { PaperboyError } from '../src/errors.js';
import type { DiscoursePost, JobRun, Store } from '../src/ports.js';

const SLOT = '2024-04-01T00:00:00.000Z';
const SLOT2 = '2024-04-08T00:00:00.000Z';
const T0 = '2024-04-01T00:00:05.000Z';
const T1 = '2024-04-01T00:10:00.000Z';
const T2 = '2024-04-01T01:00:00.000Z';
const LEASE_MS = 15 * 60_000;
const staleBefore = (at: string) => new Date(Date.parse(at) - LEASE_MS).toISOString();

/** A second store on the same database: its own connection(s), as a second scheduler process would have. */
function openSecond(t: TestStore): Promise<Store> {
  const url = t.env.PAPERBOY_DATABASE_URL;
  const pgSchema = url ? /search_path=([\w]+)/.exec(new URL(url).searchParams.get('options') ?? '')?.[1] : undefined;
  return openStore({ dataDir: t.dataDir, databaseUrl: url, ...(pgSchema ? { pgSchema } : {}) });
}

async function edition(store: Store, startDate: string) {
  const end = new Date(Date.parse(`${startDate}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
  return store.createEdition({ startDate, endDate: end, title: `week of ${startDate}`, source: 'upstream', sourceRef: null, status: 'imported' });
}

async function runById(store: Store, id: number): Promise<JobRun> {
  const r = (await store.listJobRuns({ limit: 1000 })).find((x) => x.id === id);
  assert.ok(r, `run ${id} is listed`);
  return r;
}

for (const engine of ENGINES) {
  describe(`job and Discourse store contract on ${engine.name}`, () => {
    let t: TestStore;
    let store: Store;
    let other: Store | null;
    beforeEach(async () => {
      t = await engine.open();
      store = t.store;
      other = null;
    });
    afterEach(async () => {
      await other?.close();
      await t?.cleanup();
    });
    const second = async () => (other ??= await openSecond(t));

    it('claimJobSlot: the first holder gets the slot, a second process gets null, another slot is free', async () => {
      const a = await store.claimJobSlot('week', SLOT, 'a:1', T0);
      assert.ok(a);
      assert.ok(a.id > 0);
      assert.deepEqual(
        [a.job, a.slot, a.status, a.holder, a.attempt, a.startedAt, a.heartbeatAt, a.finishedAt, a.nextRetryAt, a.result, a.error],
        ['week', SLOT, 'running', 'a:1', 1, T0, T0, null, null, null, null],
      );
      const b = await second();
      assert.equal(await b.claimJobSlot('week', SLOT, 'b:2', T1), null, 'the slot is taken');
      assert.equal(await store.claimJobSlot('week', SLOT, 'a:1', T1), null, 'not even the same holder takes it twice');
      const again = await runById(b, a.id);
      assert.deepEqual([again.holder, again.attempt, again.startedAt, again.status], ['a:1', 1, T0, 'running'], 'the losing claims changed nothing');

      const other2 = await b.claimJobSlot('week', SLOT2, 'b:2', T1);
      assert.deepEqual([other2?.slot, other2?.holder, other2?.attempt], [SLOT2, 'b:2', 1], 'another slot of the same job is free');
      const otherJob = await b.claimJobSlot('publish', SLOT, 'b:2', T1);
      assert.deepEqual([otherJob?.job, otherJob?.holder], ['publish', 'b:2'], 'the same slot of another job is free');
      assert.equal((await store.listJobRuns({})).length, 3);
    });

    it('claimJobSlot under a race: 20 concurrent claims from two processes, exactly one wins', async () => {
      const b = await second();
      for (const slot of [SLOT, SLOT2]) {
        const claims = Array.from({ length: 20 }, (_, i) => (i % 2 ? b : store).claimJobSlot('week', slot, `h:${i}`, T0));
        const got = await Promise.all(claims);
        const winners = got.filter((r): r is JobRun => r !== null);
        assert.equal(winners.length, 1, `winners for ${slot}: ${winners.map((w) => w.holder).join(', ')}`);
        const rows = (await store.listJobRuns({ job: 'week' })).filter((r) => r.slot === slot);
        assert.equal(rows.length, 1);
        assert.deepEqual([rows[0]!.id, rows[0]!.holder, rows[0]!.attempt], [winners[0]!.id, winners[0]!.holder, 1]);
      }
    });

    it('finishJobRun and heartbeatJobRun: only the holder, only while running', async () => {
      const run = (await store.claimJobSlot('week', SLOT, 'a:1', T0))!;
      const b = await second();
      assert.equal(await b.heartbeatJobRun(run.id, 'b:2', T1), false, 'another holder cannot beat');
      assert.equal(await b.finishJobRun(run.id, 'b:2', { status: 'done', at: T1, result: 'stolen' }), false, 'another holder cannot finish');
      let r = await runById(store, run.id);
      assert.deepEqual([r.status, r.holder, r.heartbeatAt, r.finishedAt, r.result], ['running', 'a:1', T0, null, null], 'nothing changed');

      assert.equal(await store.heartbeatJobRun(run.id, 'a:1', T1), true);
      assert.equal((await runById(store, run.id)).heartbeatAt, T1);
      assert.equal(await store.finishJobRun(run.id, 'a:1', { status: 'done', at: T2, result: 'ok: 3 drafted' }), true);
      r = await runById(b, run.id);
      assert.deepEqual([r.status, r.holder, r.heartbeatAt, r.finishedAt, r.result, r.error, r.nextRetryAt], ['done', 'a:1', T1, T2, 'ok: 3 drafted', null, null]);

      // once it ended, not even its holder changes it
      assert.equal(await store.heartbeatJobRun(run.id, 'a:1', '2024-04-01T02:00:00.000Z'), false);
      assert.equal(await store.finishJobRun(run.id, 'a:1', { status: 'failed', at: '2024-04-01T02:00:00.000Z', error: 'late' }), false);
      r = await runById(store, run.id);
      assert.deepEqual([r.status, r.heartbeatAt, r.finishedAt, r.result, r.error], ['done', T1, T2, 'ok: 3 drafted', null]);

      // a failure is stored with its error and retry time
      const f = (await store.claimJobSlot('week', SLOT2, 'a:1', T0))!;
      assert.equal(await store.finishJobRun(f.id, 'a:1', { status: 'failed', at: T1, error: 'error: boom', nextRetryAt: T2 }), true);
      r = await runById(store, f.id);
      assert.deepEqual([r.status, r.finishedAt, r.error, r.nextRetryAt, r.result], ['failed', T1, 'error: boom', T2, null]);
    });

    it('dueJobRuns/reclaimJobRun: a failed run is due once its retry time passes and is taken once', async () => {
      const past = (await store.claimJobSlot('week', SLOT, 'a:1', T0))!;
      await store.finishJobRun(past.id, 'a:1', { status: 'failed', at: T0, error: 'error: boom', nextRetryAt: T1 });
      const future = (await store.claimJobSlot('week', SLOT2, 'a:1', T0))!;
      await store.finishJobRun(future.id, 'a:1', { status: 'failed', at: T0, error: 'error: later', nextRetryAt: '2030-01-01T00:00:00.000Z' });
      const never = (await store.claimJobSlot('publish', SLOT, 'a:1', T0))!;
      await store.finishJobRun(never.id, 'a:1', { status: 'failed', at: T0, error: 'error: no retry', nextRetryAt: null });
      const done = (await store.claimJobSlot('publish', SLOT2, 'a:1', T0))!;
      await store.finishJobRun(done.id, 'a:1', { status: 'done', at: T0, result: 'fine' });

      // before the retry time nothing is due, and nothing can be reclaimed
      assert.deepEqual(await store.dueJobRuns(T0, staleBefore(T0)), []);
      assert.equal(await store.reclaimJobRun(past.id, 'b:2', T0, staleBefore(T0)), null, 'not yet');
      // at the retry time exactly, and after, only the past one is due
      assert.deepEqual((await store.dueJobRuns(T1, staleBefore(T1))).map((r) => r.id), [past.id]);
      assert.deepEqual((await store.dueJobRuns(T2, staleBefore(T2))).map((r) => r.id), [past.id]);
      for (const id of [future.id, never.id, done.id]) assert.equal(await store.reclaimJobRun(id, 'b:2', T2, staleBefore(T2)), null, `run ${id} is not taken`);

      const b = await second();
      const got = await Promise.all([store.reclaimJobRun(past.id, 'a:1', T2, staleBefore(T2)), b.reclaimJobRun(past.id, 'b:2', T2, staleBefore(T2))]);
      const winners = got.filter((r): r is JobRun => r !== null);
      assert.equal(winners.length, 1, 'one of two concurrent reclaims wins');
      const w = winners[0]!;
      assert.deepEqual([w.id, w.status, w.attempt, w.startedAt, w.heartbeatAt, w.nextRetryAt, w.finishedAt, w.slot], [past.id, 'running', 2, T2, T2, null, null, SLOT]);
      assert.equal(await store.reclaimJobRun(past.id, 'c:3', T2, staleBefore(T2)), null, 'a third comes too late');
      assert.deepEqual(await store.dueJobRuns(T2, staleBefore(T2)), [], 'a reclaimed run is no longer due');
      // the winner finishes it; the loser cannot
      const loser = w.holder === 'a:1' ? b : store;
      const loserName = w.holder === 'a:1' ? 'b:2' : 'a:1';
      assert.equal(await loser.finishJobRun(past.id, loserName, { status: 'done', at: T2, result: 'x' }), false);
      assert.equal(await (w.holder === 'a:1' ? store : b).finishJobRun(past.id, w.holder, { status: 'done', at: T2, result: 'second time lucky' }), true);
      const r = await runById(store, past.id);
      assert.deepEqual([r.status, r.attempt, r.holder, r.result, r.error, r.nextRetryAt], ['done', 2, w.holder, 'second time lucky', null, null]);
      // the other failed runs are as they were
      const fut = await runById(store, future.id);
      assert.deepEqual([fut.status, fut.attempt, fut.nextRetryAt], ['failed', 1, '2030-01-01T00:00:00.000Z']);
      const nev = await runById(store, never.id);
      assert.deepEqual([nev.status, nev.attempt, nev.nextRetryAt], ['failed', 1, null]);
    });

    it('dueJobRuns/reclaimJobRun: a running run with an old heartbeat is taken over, a fresh one is not', async () => {
      const old = (await store.claimJobSlot('week', SLOT, 'dead:1', T0))!;
      const fresh = (await store.claimJobSlot('week', SLOT2, 'live:1', T0))!;
      const now = T2; // 1 h after T0, the lease is 15 min
      await store.heartbeatJobRun(fresh.id, 'live:1', '2024-04-01T00:50:00.000Z');
      assert.deepEqual((await store.dueJobRuns(now, staleBefore(now))).map((r) => r.id), [old.id]);
      // exactly at the lease's end it is not stale yet
      assert.deepEqual(await store.dueJobRuns('2024-04-01T00:15:05.000Z', staleBefore('2024-04-01T00:15:05.000Z')), []);

      const b = await second();
      assert.equal(await b.reclaimJobRun(fresh.id, 'b:2', now, staleBefore(now)), null, 'a run that beats is not taken over');
      const got = await Promise.all([b.reclaimJobRun(old.id, 'b:2', now, staleBefore(now)), store.reclaimJobRun(old.id, 'a:3', now, staleBefore(now))]);
      const winners = got.filter((r): r is JobRun => r !== null);
      assert.equal(winners.length, 1);
      const w = winners[0]!;
      assert.deepEqual([w.id, w.status, w.attempt, w.startedAt, w.heartbeatAt], [old.id, 'running', 2, now, now]);
      assert.ok(['b:2', 'a:3'].includes(w.holder));
      // the dead holder, if it comes back, can neither beat nor finish
      assert.equal(await store.heartbeatJobRun(old.id, 'dead:1', now), false);
      assert.equal(await store.finishJobRun(old.id, 'dead:1', { status: 'done', at: now, result: 'zombie' }), false);
      const r = await runById(store, old.id);
      assert.deepEqual([r.holder, r.status, r.result], [w.holder, 'running', null]);
      const f = await runById(store, fresh.id);
      assert.deepEqual([f.holder, f.status, f.attempt], ['live:1', 'running', 1]);
    });

    it('listJobRuns: newest first, filtered by job, limited', async () => {
      const made: JobRun[] = [];
      for (const [job, slot] of [['week', SLOT], ['publish', SLOT], ['week', SLOT2], ['publish', SLOT2], ['week', '2024-04-15T00:00:00.000Z']] as const) {
        made.push((await store.claimJobSlot(job, slot, 'a:1', T0))!);
      }
      const all = await store.listJobRuns({});
      assert.deepEqual(all.map((r) => r.id), made.map((r) => r.id).reverse());
      const weeks = await store.listJobRuns({ job: 'week' });
      assert.deepEqual(weeks.map((r) => r.slot), ['2024-04-15T00:00:00.000Z', SLOT2, SLOT]);
      assert.ok(weeks.every((r) => r.job === 'week'));
      assert.deepEqual((await store.listJobRuns({ job: 'publish', limit: 1 })).map((r) => r.slot), [SLOT2]);
      assert.deepEqual(await store.listJobRuns({ job: 'nothing' }), []);
    });

    it('Discourse posts: round trip keeps the order of post ids; an upsert replaces ids and hash but keeps external_id', async () => {
      const e1 = await edition(store, '2024-04-01');
      assert.equal(await store.getDiscoursePost(e1.id, 'ko'), null);
      const p: DiscoursePost = { editionId: e1.id, lang: 'ko', externalId: 'paperboy-2024-04-01-ko', topicId: 77, postIds: [300, 12, 4500, 13], bodyHash: 'h1', syncedAt: T0, lastError: null };
      await store.putDiscoursePost(p);
      assert.deepEqual(await store.getDiscoursePost(e1.id, 'ko'), p);
      assert.equal(await store.getDiscoursePost(e1.id, 'en'), null, 'per language');

      await store.putDiscoursePost({ ...p, externalId: 'something-else', topicId: 78, postIds: [9, 8], bodyHash: 'h2', syncedAt: T1, lastError: 'error: was stale' });
      assert.deepEqual(await store.getDiscoursePost(e1.id, 'ko'), { ...p, topicId: 78, postIds: [9, 8], bodyHash: 'h2', syncedAt: T1, lastError: 'error: was stale' });
      assert.equal((await store.listDiscoursePosts()).length, 1, 'an upsert, not a second row');

      // an empty list survives too
      await store.putDiscoursePost({ ...p, postIds: [] });
      assert.deepEqual((await store.getDiscoursePost(e1.id, 'ko'))?.postIds, []);
    });

    it('Discourse posts: an external_id is unique across editions (refused with an error, not merged)', async () => {
      const e1 = await edition(store, '2024-04-01');
      const e2 = await edition(store, '2024-04-08');
      const p: DiscoursePost = { editionId: e1.id, lang: 'ko', externalId: 'paperboy-x', topicId: 1, postIds: [1], bodyHash: 'h1', syncedAt: T0, lastError: null };
      await store.putDiscoursePost(p);
      await assert.rejects(
        store.putDiscoursePost({ ...p, editionId: e2.id, topicId: 2, postIds: [2], bodyHash: 'h2' }),
        (e: unknown) => e instanceof PaperboyError && e.code === 'STORE_FAILED',
      );
      // nor within an edition in another language
      await assert.rejects(store.putDiscoursePost({ ...p, lang: 'en', topicId: 3 }), (e: unknown) => e instanceof PaperboyError && e.code === 'STORE_FAILED');
      assert.equal(await store.getDiscoursePost(e2.id, 'ko'), null);
      assert.equal(await store.getDiscoursePost(e1.id, 'en'), null);
      assert.deepEqual(await store.getDiscoursePost(e1.id, 'ko'), p, 'the first is as it was');
      assert.deepEqual(await store.listDiscoursePosts(), [p]);
    });

    it('Discourse posts: setDiscourseError sets and clears the error; listDiscoursePosts lists them by edition', async () => {
      const e1 = await edition(store, '2024-04-01');
      const e2 = await edition(store, '2024-04-08');
      const a: DiscoursePost = { editionId: e2.id, lang: 'ko', externalId: 'pb-2', topicId: 20, postIds: [21, 22], bodyHash: 'h2', syncedAt: T1, lastError: null };
      const b: DiscoursePost = { editionId: e1.id, lang: 'ko', externalId: 'pb-1', topicId: 10, postIds: [11], bodyHash: 'h1', syncedAt: T0, lastError: null };
      const c: DiscoursePost = { editionId: e1.id, lang: 'en', externalId: 'pb-1-en', topicId: 12, postIds: [13], bodyHash: 'h3', syncedAt: T0, lastError: null };
      await store.putDiscoursePost(a);
      await store.putDiscoursePost(b);
      await store.putDiscoursePost(c);
      const listed = await store.listDiscoursePosts();
      assert.deepEqual(listed.map((x) => x.editionId), [e1.id, e1.id, e2.id], 'ordered by edition');
      assert.deepEqual([...listed].sort((x, y) => x.externalId.localeCompare(y.externalId)), [b, c, a]);

      await store.setDiscourseError(e2.id, 'ko', 'error[UPSTREAM_ERROR]: 422 title too short');
      const withErr = (await store.getDiscoursePost(e2.id, 'ko'))!;
      assert.deepEqual(withErr, { ...a, lastError: 'error[UPSTREAM_ERROR]: 422 title too short' }, 'only the error changes');
      assert.equal((await store.getDiscoursePost(e1.id, 'ko'))?.lastError, null, 'other posts untouched');
      await store.setDiscourseError(e2.id, 'ko', null);
      assert.deepEqual(await store.getDiscoursePost(e2.id, 'ko'), a);
      // on a post that does not exist it creates nothing
      await store.setDiscourseError(e2.id, 'ja', 'error: nope');
      assert.equal(await store.getDiscoursePost(e2.id, 'ja'), null);
      assert.equal((await store.listDiscoursePosts()).length, 3);
    });
  });
}
