// The scheduler against a real store with a fake clock: sleep() moves virtual time on and resolves
// on the next macrotask, so two schedulers interleave and a week and a half passes in a second.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openPostgres, openSqlite, type TestStore } from '../../test/support/stores.js';
import { openStore } from '../store/open.js';
import { PaperboyError } from '../errors.js';
import type { JobRun, Store } from '../ports.js';
import { parseCron, retryDelay, runNow, runScheduler, type ScheduledJob, type SchedulerClock, type SchedulerOptions } from './scheduler.js';

const SEOUL = 'Asia/Seoul';
const MONDAYS_9 = '0 9 * * 1';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = new Date('2024-03-31T12:00:00.000Z'); // Sunday 21:00 in Seoul
const UNTIL = new Date('2024-04-09T00:00:00.000Z'); // Tuesday 09:00 in Seoul
const SLOTS = ['2024-04-01T00:00:00.000Z', '2024-04-08T00:00:00.000Z']; // Mondays 09:00 KST

interface FakeClock extends SchedulerClock {
  /** moves time on without yielding (a job that takes a while) */
  advance(ms: number): void;
  sleeps: number;
}

function fakeClock(start: Date): FakeClock {
  let t = start.getTime();
  const c: FakeClock = {
    sleeps: 0,
    now: () => new Date(t),
    sleep(ms) {
      assert.ok(ms > 0, `sleeps a positive time (${ms})`);
      t += ms;
      c.sleeps++;
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
    advance(ms) {
      t += ms;
    },
  };
  return c;
}

/** A second store on the same database, as a second scheduler process would have. */
function openSecond(t: TestStore): Promise<Store> {
  const url = t.env.PAPERBOY_DATABASE_URL;
  const pgSchema = url ? /search_path=([\w]+)/.exec(new URL(url).searchParams.get('options') ?? '')?.[1] : undefined;
  return openStore({ dataDir: t.dataDir, databaseUrl: url, ...(pgSchema ? { pgSchema } : {}) });
}

/** A weekly job that records when (virtual time) it was called. */
function weekJob(clock: () => SchedulerClock, calls: string[], over: Partial<ScheduledJob> = {}): ScheduledJob {
  return {
    name: 'week',
    cron: MONDAYS_9,
    run: async () => {
      const at = clock().now().toISOString();
      calls.push(at);
      await new Promise((r) => setImmediate(r)); // a job that yields, so another scheduler can look meanwhile
      return `week of ${at.slice(0, 10)}: 12 drafted`;
    },
    ...over,
  };
}

function options(store: Store, clock: FakeClock, logs: string[], over: Partial<SchedulerOptions>): SchedulerOptions {
  return { store, clock, holder: 'live:1', timezone: SEOUL, jobs: [], retryMs: 10 * MIN, log: (l) => logs.push(l), until: UNTIL, ...over };
}

/**
 * Two schedulers with their own clocks, started at the same time, sharing the database. Their
 * virtual clocks drift apart while one waits on the database (the other keeps sleeping, which moves
 * its time on), and a run's heartbeat beats in real time: with a 15-minute lease the one ahead
 * would rightly take over the other's run as stale. The lease is therefore longer than the test.
 */
async function twoSchedulers(stores: [Store, Store], tickMs?: number) {
  const clocks = [fakeClock(START), fakeClock(START)] as const;
  const calls: string[][] = [[], []];
  const logs: string[][] = [[], []];
  const finished = await Promise.all(
    ([0, 1] as const).map((i) =>
      runScheduler(options(stores[i], clocks[i], logs[i]!, { holder: `host${i}:${100 + i}`, jobs: [weekJob(() => clocks[i], calls[i]!)], tickMs, leaseMs: 30 * DAY })),
    ),
  );
  const all = calls.flat().sort();
  assert.deepEqual(all, SLOTS, `each slot's job ran exactly once in total (${calls.map((c) => c.length).join(' + ')})`);
  const others = logs.flat().filter((l) => l.includes('another scheduler has it'));
  assert.deepEqual(others.map((l) => l.split(' ')[1]!.replace(/:$/, '')).sort(), SLOTS, `the losing scheduler said so for each slot:\n${logs.flat().join('\n')}`);
  assert.equal(finished.flat().length, 2);
  const runs = await stores[0].listJobRuns({ job: 'week' });
  assert.deepEqual(runs.map((r) => [r.slot, r.status, r.attempt]).sort(), SLOTS.map((s) => [s, 'done', 1]));
  for (const r of runs) assert.equal(r.holder, `host${calls[0]!.includes(r.slot) ? 0 : 1}:${calls[0]!.includes(r.slot) ? 100 : 101}`, 'held by the one that ran it');
}

describe('scheduler (fake clock, SQLite store)', () => {
  let t: TestStore;
  let store: Store;
  beforeEach(async () => {
    t = await openSqlite();
    store = t.store;
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  it('runs a Mondays-09:00-Seoul job exactly at its two slots in nine days, and records each run done with its result', async () => {
    const clock = fakeClock(START);
    const calls: string[] = [];
    const logs: string[] = [];
    const finished = await runScheduler(options(store, clock, logs, { jobs: [weekJob(() => clock, calls)] })); // default tick: 60 s
    assert.deepEqual(calls, SLOTS);
    assert.ok(clock.now() >= UNTIL && clock.now().getTime() < UNTIL.getTime() + MIN, `stopped at until (${clock.now().toISOString()})`);
    const runs = await store.listJobRuns({ job: 'week' });
    assert.deepEqual(
      runs.map((r) => [r.slot, r.status, r.holder, r.attempt, r.startedAt, r.finishedAt, r.result, r.error, r.nextRetryAt]),
      [...SLOTS].reverse().map((s) => [s, 'done', 'live:1', 1, s, s, `week of ${s.slice(0, 10)}: 12 drafted`, null, null]),
    );
    assert.deepEqual(finished.map((r) => [r.slot, r.status, r.result]), SLOTS.map((s) => [s, 'done', `week of ${s.slice(0, 10)}: 12 drafted`]));
    assert.ok(logs.some((l) => l === `week ${SLOTS[0]}: started (attempt 1)`), logs.join('\n'));
  });

  it('two schedulers sharing the store run each slot once in total; the other one says "another scheduler has it"', async () => {
    await twoSchedulers([store, store], HOUR);
  });

  it('two schedulers on two connections to the same SQLite file do the same', async () => {
    const other = await openSecond(t);
    try {
      await twoSchedulers([store, other], HOUR);
    } finally {
      await other.close();
    }
  });

  for (const retry of [true, false]) {
    it(`a job that throws the first time: the run fails, the editors are told once, ${retry ? 'and it is tried again when the clock passes the retry time' : 'and with retry:false it is not tried again'}`, async () => {
      const start = new Date('2024-03-31T23:50:00.000Z');
      const clock = fakeClock(start);
      const logs: string[] = [];
      const calls: string[] = [];
      const retryMs = 10 * MIN;
      const told: Array<{ run: JobRun; error: unknown; next: string | null; row: JobRun }> = [];
      const job: ScheduledJob = {
        name: 'week',
        cron: MONDAYS_9,
        ...(retry ? {} : { retry: false }),
        run: async () => {
          calls.push(clock.now().toISOString());
          if (calls.length === 1) {
            clock.advance(2 * MIN); // it worked a while before failing
            throw new PaperboyError('UPSTREAM_ERROR', 'the upstream list answered 502');
          }
          return 'imported on the second try';
        },
      };
      const finished = await runScheduler(
        options(store, clock, logs, {
          jobs: [job],
          retryMs,
          tickMs: MIN,
          until: new Date('2024-04-01T01:00:00.000Z'),
          onFailure: async (run, error, next) => {
            const row = (await store.listJobRuns({ job: 'week' }))[0]!;
            told.push({ run, error, next, row });
          },
        }),
      );
      const failedAt = '2024-04-01T00:02:00.000Z';
      const next = new Date(Date.parse(failedAt) + retryDelay(retryMs, 1)).toISOString();
      assert.equal(next, '2024-04-01T00:12:00.000Z');
      assert.equal(told.length, 1, 'told once');
      const f = told[0]!;
      assert.equal(f.run.slot, SLOTS[0]);
      assert.equal(f.run.attempt, 1);
      assert.ok(f.error instanceof PaperboyError && f.error.message === 'the upstream list answered 502');
      assert.equal(f.next, retry ? next : null);
      // what the store said when the editors were told
      assert.deepEqual(
        [f.row.status, f.row.finishedAt, f.row.nextRetryAt, f.row.attempt, f.row.result],
        ['failed', failedAt, retry ? next : null, 1, null],
      );
      assert.match(f.row.error ?? '', /UPSTREAM_ERROR.*502/);

      const runs = await store.listJobRuns({ job: 'week' });
      assert.equal(runs.length, 1, 'a retry is the same run, not a new slot');
      const r = runs[0]!;
      if (retry) {
        assert.equal(calls.length, 2);
        assert.ok(calls[1]! >= next && Date.parse(calls[1]!) < Date.parse(next) + MIN, `retried once the clock passed ${next}: ${calls[1]}`);
        assert.deepEqual([r.status, r.attempt, r.startedAt, r.finishedAt, r.result, r.error, r.nextRetryAt], ['done', 2, calls[1], calls[1], 'imported on the second try', null, null]);
        assert.deepEqual(finished.map((x) => [x.status, x.attempt]), [['failed', 1], ['done', 2]]);
        assert.ok(logs.some((l) => l.includes(`tried again at ${next}`)), logs.join('\n'));
      } else {
        assert.deepEqual(calls, [SLOTS[0]]);
        assert.deepEqual([r.status, r.attempt, r.nextRetryAt], ['failed', 1, null]);
        assert.deepEqual(finished.map((x) => [x.status, x.attempt]), [['failed', 1]]);
      }
    });
  }

  it('retryDelay doubles per attempt and stops at a day; parseCron refuses a bad expression naming the setting', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map((a) => retryDelay(MIN, a)), [MIN, MIN, 2 * MIN, 4 * MIN, 8 * MIN]);
    assert.equal(retryDelay(10 * HOUR, 2), 20 * HOUR);
    assert.equal(retryDelay(10 * HOUR, 3), DAY);
    assert.equal(retryDelay(MIN, 40), DAY);
    assert.equal(retryDelay(2 * DAY, 1), DAY);

    assert.throws(
      () => parseCron('61 * * * *', SEOUL),
      (e: unknown) => e instanceof PaperboyError && e.code === 'CONFIG_INVALID' && e.message.includes('PAPERBOY_SCHEDULE') && e.message.includes('"61 * * * *"'),
    );
    assert.throws(() => parseCron('every monday', SEOUL, 'PAPERBOY_PUBLISH_SCHEDULE'), (e: unknown) => e instanceof PaperboyError && e.code === 'CONFIG_INVALID' && e.message.startsWith('PAPERBOY_PUBLISH_SCHEDULE'));
    assert.equal(parseCron(MONDAYS_9, SEOUL).nextRun(START)?.toISOString(), SLOTS[0]);
  });

  it('a run left "running" by a dead scheduler is taken over once its heartbeat is older than the lease, and completed', async () => {
    const start = new Date('2024-04-02T10:00:00.000Z');
    const deadSlot = SLOTS[0]!;
    const dead = await store.claimJobSlot('week', deadSlot, 'dead:1', new Date(start.getTime() - MIN).toISOString());
    assert.ok(dead);
    const clock = fakeClock(start);
    const calls: string[] = [];
    const logs: string[] = [];
    const finished = await runScheduler(options(store, clock, logs, { jobs: [weekJob(() => clock, calls)], tickMs: MIN, leaseMs: 5 * MIN, until: new Date(start.getTime() + 30 * MIN) }));
    // its last beat was at start - 1 min: stale once now - 5 min is past it, at the first tick after start + 4 min
    const takenAt = new Date(start.getTime() + 5 * MIN).toISOString();
    assert.deepEqual(calls, [takenAt], 'run once, not before the lease ran out');
    const runs = await store.listJobRuns({ job: 'week' });
    assert.equal(runs.length, 1);
    assert.deepEqual(
      [runs[0]!.id, runs[0]!.slot, runs[0]!.status, runs[0]!.holder, runs[0]!.attempt, runs[0]!.startedAt, runs[0]!.result],
      [dead.id, deadSlot, 'done', 'live:1', 2, takenAt, `week of ${takenAt.slice(0, 10)}: 12 drafted`],
    );
    assert.deepEqual(finished.map((r) => [r.id, r.status]), [[dead.id, 'done']]);
    assert.ok(logs.includes(`week ${deadSlot}: started (attempt 2)`), logs.join('\n'));
    // the dead scheduler, were it to wake, cannot overwrite the result
    assert.equal(await store.finishJobRun(dead.id, 'dead:1', { status: 'failed', at: takenAt, error: 'zombie' }), false);
  });

  it('a fresh run of another scheduler is not taken over', async () => {
    const start = new Date('2024-04-02T10:00:00.000Z');
    const clock = fakeClock(start);
    const other = (await store.claimJobSlot('week', SLOTS[0]!, 'busy:2', start.toISOString()))!;
    const calls: string[] = [];
    // its holder beats every virtual minute, as a live scheduler does (here from the tick, which runs once a loop)
    let beats = 0;
    const tick = async () => void (beats += Number(await store.heartbeatJobRun(other.id, 'busy:2', clock.now().toISOString())));
    await runScheduler(options(store, clock, [], { jobs: [weekJob(() => clock, calls)], tick, tickMs: MIN, leaseMs: 5 * MIN, until: new Date(start.getTime() + 30 * MIN) }));
    assert.equal(beats, 30);
    assert.deepEqual(calls, []);
    const r = (await store.listJobRuns({ job: 'week' }))[0]!;
    assert.deepEqual([r.holder, r.status, r.attempt], ['busy:2', 'running', 1]);
  });

  it('runNow takes a now: slot and returns the run done; a failure is recorded with its error and rethrown', async () => {
    const clock = fakeClock(new Date('2024-04-03T05:06:07.000Z'));
    const at = clock.now().toISOString();
    const told: Array<{ run: JobRun; next: string | null }> = [];
    const base = { store, clock, holder: 'cli:7', retryMs: 10 * MIN, log: () => undefined, onFailure: async (run: JobRun, _e: unknown, next: string | null) => void told.push({ run, next }) };
    const ok = await runNow({ ...base, job: { name: 'week', cron: MONDAYS_9, run: async () => 'done by hand' } });
    assert.deepEqual([ok.job, ok.slot, ok.status, ok.holder, ok.attempt, ok.result], ['week', `now:${at}`, 'done', 'cli:7', 1, 'done by hand']);
    const row = (await store.listJobRuns({ job: 'week' }))[0]!;
    assert.deepEqual([row.id, row.slot, row.status, row.result, row.finishedAt], [ok.id, `now:${at}`, 'done', 'done by hand', at]);
    // the same instant again: the slot is taken
    await assert.rejects(runNow({ ...base, job: { name: 'week', cron: null, run: async () => 'again' } }), (e: unknown) => e instanceof PaperboyError && e.code === 'USAGE');

    clock.advance(MIN);
    const boom = new PaperboyError('FETCH_FAILED', 'arXiv did not answer');
    await assert.rejects(runNow({ ...base, job: { name: 'publish', cron: null, run: async () => Promise.reject(boom) } }), (e: unknown) => e === boom);
    const failed = (await store.listJobRuns({ job: 'publish' }))[0]!;
    assert.deepEqual([failed.slot, failed.status, failed.holder, failed.result], [`now:${clock.now().toISOString()}`, 'failed', 'cli:7', null]);
    assert.match(failed.error ?? '', /FETCH_FAILED.*arXiv did not answer/);
    assert.equal(told.length, 1, 'the editors are told once');
    assert.equal(told[0]!.run.id, failed.id);
    assert.equal(told[0]!.next, failed.nextRetryAt, 'the editors are told the retry time the store holds');
  });

  it('calls the tick on every loop; a failing tick is logged, not fatal', async () => {
    const start = new Date('2024-03-31T23:50:00.000Z');
    const clock = fakeClock(start);
    const logs: string[] = [];
    const calls: string[] = [];
    let ticks = 0;
    const tick = async () => {
      ticks++;
      if (ticks % 2) throw new PaperboyError('UPSTREAM_ERROR', `forum down (${ticks})`);
    };
    await runScheduler(options(store, clock, logs, { jobs: [weekJob(() => clock, calls)], tick, tickMs: MIN, until: new Date(start.getTime() + 20 * MIN) }));
    assert.deepEqual(calls, [SLOTS[0]], 'the job still ran');
    assert.equal(ticks, 20, 'one tick per minute over 20 minutes');
    assert.equal(ticks, clock.sleeps, 'one tick per loop');
    const tickLogs = logs.filter((l) => l.startsWith('tick: '));
    assert.equal(tickLogs.length, 10);
    assert.equal(tickLogs[0], 'tick: error[UPSTREAM_ERROR]: forum down (1)');
  });
});

const pgEngine = ENGINES.find((e) => e.name === 'postgres');
describe('scheduler (fake clock, PostgreSQL store)', { skip: pgEngine ? false : 'no PostgreSQL engine' }, () => {
  it('two schedulers, each on its own connection pool, run each slot once in total', async () => {
    const t = await openPostgres();
    const other = await openSecond(t);
    try {
      await twoSchedulers([t.store, other], HOUR);
    } finally {
      await other.close();
      await t.cleanup();
    }
  });
});
