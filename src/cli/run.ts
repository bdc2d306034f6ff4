// `paperboy run`: the scheduler (src/pipeline/scheduler.ts) with the weekly routine
// (src/pipeline/week.ts), auto-publishing when allowed, and the forum kept in step on every tick.
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { describeError, PaperboyError } from '../errors.js';
import { CHANNELS, type Channel } from '../pipeline/publish.js';
import { syncDiscourse } from '../pipeline/discourse.js';
import { parseCron, runNow, runScheduler, type ScheduledJob, type SchedulerClock } from '../pipeline/scheduler.js';
import { autoPublish, deskLink, notifyEditors, prepareWeek, type WeekDeps } from '../pipeline/week.js';
import { optionalLlm, printJson, type Deps, type Outcome } from './deps.js';

/** The real clock: sleeps end early when the signal aborts. */
export const systemClock: SchedulerClock = {
  now: () => new Date(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).then(() => undefined),
};

/** PAPERBOY_AUTO_PUBLISH as channels; `all` is every channel that is configured (the forum only with its URL). */
export function autoPublishChannels(value: string, forumConfigured: boolean): Channel[] {
  const list = value.split(',').map((c) => c.trim()).filter(Boolean);
  if (list.includes('all')) return CHANNELS.filter((c) => c !== 'discourse' || forumConfigured);
  const unknown = list.filter((c) => !(CHANNELS as readonly string[]).includes(c));
  if (unknown.length) throw new PaperboyError('CONFIG_INVALID', `PAPERBOY_AUTO_PUBLISH: unknown channel(s) ${unknown.join(', ')}; the channels are ${CHANNELS.join(', ')} (or all)`);
  return list as Channel[];
}

export async function runCommand(deps: Deps, opts: { now?: boolean; tickMs?: number; clock?: SchedulerClock; until?: Date }, holderSuffix = ''): Promise<Outcome> {
  const c = deps.config;
  const clock = opts.clock ?? systemClock;
  const auto = autoPublishChannels(c.autoPublish, Boolean(c.discourseUrl));
  parseCron(c.schedule, c.timezone);
  if (auto.length) parseCron(c.publishSchedule, c.timezone, 'PAPERBOY_PUBLISH_SCHEDULE');
  const forum = c.discourseUrl ? deps.forum() : null; // a half-configured forum is refused here, at start
  if (auto.includes('discourse') && !forum) throw new PaperboyError('CONFIG_INVALID', 'PAPERBOY_AUTO_PUBLISH names discourse, but the forum is not configured (PAPERBOY_DISCOURSE_URL and the settings next to it)');
  const llm = optionalLlm(deps, 'run: no LLM is configured: weeks are imported and checked, the texts are for the editors to write');
  const store = await deps.store();
  const log = (line: string) => deps.io.err(`run: ${line}`);
  const week: WeekDeps = {
    store,
    fetcher: deps.fetcher,
    arxiv: deps.arxiv(() => undefined),
    llm,
    mailer: () => deps.mailer(),
    forum: forum ? () => forum : undefined,
    topics: deps.topics(),
    candidates: c.weekSource === 'upstream' ? undefined : { ...deps.candidateSources(), categories: c.candidateCategories },
    settings: {
      lang: c.lang,
      upstreamUrl: c.upstreamUrl,
      upstreamPage: c.upstreamPage,
      baseUrl: c.baseUrl,
      mailFrom: deps.mailSettings().from,
      autoPublish: auto,
      weekSource: c.weekSource,
      candidateTop: c.candidateTop,
      draft: { concurrency: c.llmConcurrency, contextTokens: c.llmContextTokens, maxTokensPerEdition: c.llmMaxTokensPerEdition, prices: { input: c.llmPriceInput, output: c.llmPriceOutput } },
    },
    now: () => clock.now(),
    signal: deps.interrupt,
    log,
  };
  const jobs: ScheduledJob[] = [
    {
      name: 'week',
      cron: c.schedule,
      run: async () => {
        const r = await prepareWeek(week);
        return `${r.edition.startDate} (${r.lang}): ${r.drafted} drafted, ${r.errors} error(s); ${r.published.length ? `published on ${r.published.join(', ')}` : r.blockers.length ? `waits for the editors: ${r.blockers.join(', ')}` : 'ready to publish'}`;
      },
    },
  ];
  if (auto.length) {
    jobs.push({
      name: 'publish',
      cron: c.publishSchedule,
      retry: false,
      run: async () => {
        const published = await autoPublish(week);
        return published.length ? `published on ${published.join(', ')}` : 'nothing to publish';
      },
    });
  }
  const onFailure = async (run: { job: string; slot: string }, e: unknown, next: string | null) => {
    const edition = (await store.listEditions())[0];
    const text = [`The scheduled ${run.job} run for ${run.slot} failed:`, '', describeError(e, false), '', next ? `It is tried again at ${next}.` : 'It is tried again at its next slot.', ...(edition ? ['', `Desk: ${deskLink(c.baseUrl, edition.startDate, c.lang)}`] : [])].join('\n');
    await notifyEditors(week, `[paperboy] the ${run.job} run failed: ${describeError(e, false).slice(0, 120)}`, text, `failed.${run.job}.${run.slot.replace(/[^0-9A-Za-z]/g, '')}`);
  };
  const holder = `${hostname()}:${process.pid}${holderSuffix}`;
  if (opts.now) {
    const run = await runNow({ store, clock, holder, retryMs: c.runRetryMs, log, onFailure, job: jobs[0]! });
    printJson(deps.io, { job: run.job, status: run.status, result: run.result });
    return { exitCode: 0 };
  }
  log(`scheduling the week at "${c.schedule}" (${c.timezone})${auto.length ? `, publishing by itself on ${auto.join(', ')} at "${c.publishSchedule}"` : ''}${forum ? ', keeping forum posts in step' : ''}; Ctrl-C stops`);
  const tick = forum
    ? async () => {
        const r = await syncDiscourse(store, forum.forum, { settings: forum.settings, now: () => clock.now() });
        for (const u of r.updated) log(`forum: topic ${u.topicId} updated (edition ${u.editionId}, ${u.lang})`);
        for (const f of r.failed) log(`forum: edition ${f.editionId} (${f.lang}): ${f.reason}`);
      }
    : undefined;
  await runScheduler({ store, clock, holder, timezone: c.timezone, jobs, tick, tickMs: opts.tickMs, retryMs: c.runRetryMs, leaseMs: c.runLeaseMs, onFailure, log, signal: deps.interrupt, until: opts.until });
  log('stopped');
  return { exitCode: 0 };
}
