// `paperboy run`: a long-running scheduler. At each slot of a job's cron expression it takes the
// slot in the store (a unique row, so two schedulers never run the same slot), runs the job, and
// records how it ended; a failed run is tried again after a growing wait, and a run whose scheduler
// died is taken over once its heartbeat is older than the lease. Time comes from the Clock given,
// so tests drive a whole week with a fake one.
import { Cron } from 'croner';
import { describeError, PaperboyError } from '../errors.js';
import type { JobRun, Store } from '../ports.js';

export interface SchedulerClock {
  now(): Date;
  /** waits (or, in tests, moves time on); rejects or returns early when the signal aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface ScheduledJob {
  name: string;
  /** cron expression in the scheduler's time zone; null: the job only runs by `every` */
  cron: string | null;
  /** what the job does; its result (one line) is stored with the run */
  run(): Promise<string>;
  /** false: a failed run is not tried again (the job's next slot comes soon enough) */
  retry?: boolean;
}

export interface SchedulerOptions {
  store: Store;
  clock: SchedulerClock;
  /** this scheduler's name in the store (host:pid) */
  holder: string;
  timezone: string;
  jobs: ScheduledJob[];
  /** work done on every tick, not locked (e.g. keeping forum posts in step): must be idempotent */
  tick?: () => Promise<void>;
  /** how often the scheduler wakes for retries, takeovers and the tick (default 60 s) */
  tickMs?: number;
  /** first wait after a failure, doubled per attempt up to a day */
  retryMs: number;
  /** a run whose heartbeat is older than this is taken over (default 15 min) */
  leaseMs?: number;
  /** told when a run fails (the editors' mail), with when it is tried again */
  onFailure?: (run: JobRun, error: unknown, nextRetryAt: string | null) => Promise<void>;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** stop once the clock passes this (tests) */
  until?: Date;
}

const DAY = 86_400_000;

/** Pure: the wait before attempt n+1 after n failed attempts. */
export const retryDelay = (retryMs: number, attempt: number) => Math.min(retryMs * 2 ** Math.max(0, attempt - 1), DAY);

/** A cron expression as croner reads it, or a CONFIG_INVALID error naming it. */
export function parseCron(expr: string, timezone: string, what = 'PAPERBOY_SCHEDULE'): Cron {
  try {
    return new Cron(expr, { timezone, paused: true });
  } catch (e) {
    throw new PaperboyError('CONFIG_INVALID', `${what} "${expr}": not a cron expression croner can read (${e instanceof Error ? e.message : String(e)}); e.g. "0 9 * * 1" for Mondays 09:00`);
  }
}

/** Runs until the signal aborts (or `until`); returns the runs this scheduler finished. */
export async function runScheduler(o: SchedulerOptions): Promise<JobRun[]> {
  const tickMs = o.tickMs ?? 60_000;
  const leaseMs = o.leaseMs ?? 15 * 60_000;
  const crons = new Map(o.jobs.filter((j) => j.cron).map((j) => [j.name, parseCron(j.cron!, o.timezone)]));
  const byName = new Map(o.jobs.map((j) => [j.name, j]));
  const finished: JobRun[] = [];
  // slots are looked for from the moment the scheduler starts: a slot missed while it was down is
  // not run late (the next slot, or `paperboy run --now`, does the work)
  let cursor = o.clock.now();

  const execute = async (run: JobRun) => {
    const job = byName.get(run.job);
    if (!job) return;
    o.log(`${run.job} ${run.slot}: started (attempt ${run.attempt})`);
    // beat while the job runs, so no other scheduler takes it over; real time, the lease is real time too
    const beat = setInterval(() => void o.store.heartbeatJobRun(run.id, o.holder, o.clock.now().toISOString()).catch(() => undefined), Math.max(1000, leaseMs / 3));
    beat.unref?.();
    try {
      const result = await job.run();
      const ok = await o.store.finishJobRun(run.id, o.holder, { status: 'done', at: o.clock.now().toISOString(), result });
      o.log(`${run.job} ${run.slot}: done: ${result}${ok ? '' : ' (another scheduler had taken it over)'}`);
      finished.push({ ...run, status: 'done', result });
    } catch (e) {
      if (o.signal?.aborted) throw e;
      const next = job.retry === false ? null : new Date(o.clock.now().getTime() + retryDelay(o.retryMs, run.attempt)).toISOString();
      const reason = describeError(e, false);
      await o.store.finishJobRun(run.id, o.holder, { status: 'failed', at: o.clock.now().toISOString(), error: reason, nextRetryAt: next });
      o.log(`${run.job} ${run.slot}: failed: ${reason}${next ? `; tried again at ${next}` : ''}`);
      finished.push({ ...run, status: 'failed', error: reason, nextRetryAt: next });
      await o.onFailure?.(run, e, next).catch((err) => o.log(`could not tell the editors: ${describeError(err, false)}`));
    } finally {
      clearInterval(beat);
    }
  };

  while (!o.signal?.aborted) {
    const now = o.clock.now();
    if (o.until && now >= o.until) break;
    // retries that are due, and runs a dead scheduler left behind
    for (const due of await o.store.dueJobRuns(now.toISOString(), new Date(now.getTime() - leaseMs).toISOString())) {
      const run = await o.store.reclaimJobRun(due.id, o.holder, o.clock.now().toISOString(), new Date(o.clock.now().getTime() - leaseMs).toISOString());
      if (run) await execute(run);
    }
    // every slot that came since the last look
    for (const [name, cron] of crons) {
      let slot = cron.nextRun(cursor);
      while (slot && slot <= now) {
        const run = await o.store.claimJobSlot(name, slot.toISOString(), o.holder, o.clock.now().toISOString());
        if (run) await execute(run);
        else o.log(`${name} ${slot.toISOString()}: another scheduler has it`);
        slot = cron.nextRun(slot);
      }
    }
    cursor = now;
    if (o.tick) await o.tick().catch((e) => o.log(`tick: ${describeError(e, false)}`));
    // sleep to the next slot or the next tick, whichever is first
    const after = o.clock.now();
    const nextSlot = Math.min(...[...crons.values()].map((c) => c.nextRun(cursor)?.getTime() ?? Infinity));
    const wait = Math.max(0, Math.min(tickMs, nextSlot - after.getTime()));
    await o.clock.sleep(wait || 1, o.signal).catch(() => undefined);
  }
  return finished;
}

/** Runs one job now, outside its schedule, under the same lock (`paperboy run --now`). */
export async function runNow(o: Pick<SchedulerOptions, 'store' | 'clock' | 'holder' | 'retryMs' | 'log' | 'onFailure'> & { job: ScheduledJob }): Promise<JobRun> {
  const at = o.clock.now().toISOString();
  const run = await o.store.claimJobSlot(o.job.name, `now:${at}`, o.holder, at);
  if (!run) throw new PaperboyError('USAGE', `${o.job.name}: another scheduler started it at the same moment`);
  try {
    const result = await o.job.run();
    await o.store.finishJobRun(run.id, o.holder, { status: 'done', at: o.clock.now().toISOString(), result });
    return { ...run, status: 'done', result };
  } catch (e) {
    await o.store.finishJobRun(run.id, o.holder, { status: 'failed', at: o.clock.now().toISOString(), error: describeError(e, false), nextRetryAt: null });
    // a run by hand is not tried again (nextRetryAt null above), so the editors are not told a retry time
    await o.onFailure?.(run, e, null).catch(() => undefined);
    throw e;
  }
}
