// A whole week unattended, end to end, with a fake clock: `paperboy run` (two schedulers sharing the
// store) prepares the newest upstream week at Monday 09:00 Seoul through the local LLM protocol
// server, tells the editor over a real SMTP server that it is ready for review, tries again after
// the upstream list was down, and once the editor has cleared it publishes on every channel (the web,
// the feeds, e-mail and the local Discourse server) at the next publish slot.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite, type TestStore } from './support/stores.js';
import { cli, UPSTREAM_MD } from './support/cli.js';
import { startLlmServer, type LlmServer } from './support/llm-server.js';
import { parseMail, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { startDiscourseServer, type DiscourseServer } from './support/discourse-server.js';
import { loadConfig } from '../src/config/load.js';
import { makeDeps } from '../src/main.js';
import { runCommand } from '../src/cli/run.js';
import type { SchedulerClock } from '../src/pipeline/scheduler.js';
import { approveTexts, reviewEdition } from '../src/pipeline/review.js';

/** Virtual time shared by the schedulers: a sleep moves it on (a little real time passes, so both take turns). */
function fakeClock(start: Date): SchedulerClock & { at: number } {
  const c = {
    at: start.getTime(),
    now: () => new Date(c.at),
    sleep: async (ms: number) => {
      c.at += ms;
      await new Promise((r) => setImmediate(r));
    },
  };
  return c;
}

describe('a week run by the scheduler, unattended (sqlite)', () => {
  let t: TestStore;
  let llm: LlmServer;
  let sink: SmtpSink;
  let forum: DiscourseServer;
  let upstream: Server;
  let upstreamUrl: string;
  /** answers 503 to this many requests first */
  let upstreamDownFor = 1;
  let env: Record<string, string>;
  const errLines: string[] = [];

  before(async () => {
    t = await openSqlite();
    [llm, sink, forum] = await Promise.all([startLlmServer(), startSmtpSink({ keepRaw: true }), startDiscourseServer()]);
    const list = readFileSync(UPSTREAM_MD);
    upstream = createServer((req, res) => {
      if (upstreamDownFor > 0) {
        upstreamDownFor--;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' }).end(list);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/README.md`;
    env = {
      ...t.env,
      PAPERBOY_UPSTREAM_URL: upstreamUrl,
      PAPERBOY_ARXIV_URL: 'http://127.0.0.1:9/api/query',
      PAPERBOY_ARXIV_RETRIES: '0',
      PAPERBOY_HTTP_TIMEOUT_MS: '5000',
      PAPERBOY_LLM_URL: llm.url,
      PAPERBOY_LLM_MODEL: 'weekly-model',
      PAPERBOY_LLM_RETRIES: '0',
      PAPERBOY_SMTP_URL: sink.url,
      PAPERBOY_MAIL_FROM: 'Digest <digest@example.org>',
      PAPERBOY_BASE_URL: 'https://digest.example.org',
      PAPERBOY_TIMEZONE: 'Asia/Seoul',
      PAPERBOY_SCHEDULE: '0 9 * * 1',
      PAPERBOY_PUBLISH_SCHEDULE: '0 * * * *',
      PAPERBOY_AUTO_PUBLISH: 'all',
      PAPERBOY_RUN_RETRY_MS: '600000',
      // virtual time runs far ahead of the real heartbeats here; a takeover is tested in scheduler.test.ts
      PAPERBOY_RUN_LEASE_MS: String(30 * 86_400_000),
      PAPERBOY_DISCOURSE_URL: forum.url,
      PAPERBOY_DISCOURSE_API_KEY: forum.apiKey,
      PAPERBOY_DISCOURSE_API_USERNAME: forum.apiUsername,
      PAPERBOY_DISCOURSE_CATEGORY: 'test1',
      PAPERBOY_DISCOURSE_DEBOUNCE_MS: '0',
    };
    assert.equal((await cli(['editor', 'add', 'editor@example.org', '--password-stdin'], env, 'a long enough password\n')).code, 0);
    const csv = join(t.dataDir, 'subscribers.csv');
    writeFileSync(csv, 'email,language,frequency,confirmed\nreader@example.org,ko,weekly,true\n');
    assert.equal((await cli(['subscribers', 'import', csv], env)).code, 0);
  });
  after(async () => {
    await new Promise<void>((r) => upstream?.close(() => r()));
    await Promise.all([llm?.close(), sink?.stop(), forum?.close()]);
    await t?.cleanup();
  });

  /** Runs `paperboy run` as two schedulers on the same store until the clock passes `until`. */
  async function schedulers(clock: SchedulerClock, until: Date) {
    const run = async (suffix: string) => {
      const deps = makeDeps(loadConfig({ env }), { out: () => undefined, err: (s) => errLines.push(`${suffix} ${s}`) }, undefined, env);
      try {
        return await runCommand(deps, { clock, until, tickMs: 5 * 60_000 }, suffix);
      } finally {
        await deps.close();
      }
    };
    const codes = await Promise.all([run('#a'), run('#b')]);
    assert.deepEqual(codes.map((c) => c.exitCode), [0, 0]);
  }

  const editorMails = () =>
    sink
      .messages()
      .filter((m) => m.to.includes('editor@example.org'))
      .map((m) => parseMail(m.raw!));

  it('Monday 09:00 Seoul: the upstream list is down, the editor is told, and the run is tried again ten minutes later', async () => {
    const clock = fakeClock(new Date('2025-06-29T12:00:00Z')); // Sunday 21:00 in Seoul
    await schedulers(clock, new Date('2025-06-30T00:30:00Z'));
    const runs = await t.store.listJobRuns({ job: 'week' });
    assert.equal(runs.length, 1, `one run of the slot for two schedulers: ${JSON.stringify(runs)}`);
    const week = runs[0]!;
    assert.equal(week.slot, '2025-06-30T00:00:00.000Z');
    assert.equal(week.status, 'done', week.error ?? '');
    assert.equal(week.attempt, 2, 'the first attempt failed, the retry succeeded');
    assert.ok(errLines.some((l) => /another scheduler has it/.test(l)));

    const mails = editorMails();
    const failed = mails.find((m) => /the week run failed/.test(m.subject));
    assert.ok(failed, mails.map((m) => m.subject).join(' | '));
    assert.match(failed.parts[0]!.body, /503/);
    // the second schedule moves the shared virtual clock while the first fetches, so the failure time varies
    const retryAt = /tried again at (\S+)\./.exec(failed.parts[0]!.body)?.[1];
    assert.ok(retryAt && Date.parse(retryAt) >= Date.parse('2025-06-30T00:10:00Z'), `retry at ${retryAt}`);
    assert.ok(Date.parse(week.startedAt) >= Date.parse(retryAt), 'the retry started when it was due');
    const ready = mails.find((m) => /is ready for review/.test(m.subject));
    assert.ok(ready, mails.map((m) => m.subject).join(' | '));
    const newest = (await t.store.listEditions())[0]!;
    assert.match(ready.subject, new RegExp(`${newest.startDate} \\(ko\\) is ready for review`));
    assert.ok(ready.parts[0]!.body.includes(`https://digest.example.org/desk/editions/${newest.startDate}?lang=ko`), 'links to the desk');
    assert.equal(mails.filter((m) => /is ready for review/.test(m.subject)).length, 1, 'told once');

    // drafted through the LLM server, checked, with an overview
    const bundle = await t.store.getEditionBundle(newest.id);
    const ko = bundle.texts.filter((x) => x.lang === 'ko');
    assert.ok(ko.filter((x) => x.origin === 'llm' && x.model === 'weekly-model').length >= newest.entryCount, `${ko.length} ko texts`);
    assert.ok(ko.some((x) => x.field === 'overview'));
    assert.ok(llm.requests.length > 0);
    // blocked (drafts to approve): nothing published yet, though the publish slot came
    assert.deepEqual(await t.store.getPublications({ editionId: newest.id }), []);
  });

  it('after the editor clears the week, the next publish slot puts it on the web, the feeds, e-mail and the forum, once', async () => {
    const newest = (await t.store.listEditions())[0]!;
    // the editor on the desk: dismisses what the checker says about the placeholder drafts, approves everything
    const review = await reviewEdition(t.store, newest.id, 'ko');
    for (const x of review.texts) for (const f of x.findings) if (f.severity === 'error' && !f.dismissed) await cli(['findings', 'dismiss', String(f.id), '--by', 'editor@example.org', '--why', 'read it'], env);
    const approved = await approveTexts(t.store, newest.id, 'ko', 'all-clean', 'editor@example.org', () => new Date());
    assert.ok(approved.approved > 0);

    const clock = fakeClock(new Date('2025-06-30T00:30:00Z'));
    await schedulers(clock, new Date('2025-06-30T02:30:00Z'));
    const channels = (await t.store.getPublications({ editionId: newest.id })).map((p) => p.channel).sort();
    assert.deepEqual(channels, ['discourse', 'email', 'feeds', 'web']);
    assert.equal(forum.topics.size, 1, 'one forum topic');
    assert.equal([...forum.topics.values()][0]!.externalId, `paperboy-${newest.startDate}-ko`);
    const deliveries = await t.store.deliveryCounts({ editionId: newest.id });
    assert.equal(deliveries.pending, 1, 'the subscriber is queued');
    const published = editorMails().filter((m) => /published on/.test(m.subject));
    assert.equal(published.length, 1, published.map((m) => m.subject).join(' | '));
    assert.match(published[0]!.subject, /published on web, feeds, email, discourse/);
    const publishRuns = await t.store.listJobRuns({ job: 'publish' });
    assert.equal(new Set(publishRuns.map((r) => r.slot)).size, publishRuns.length, 'each publish slot ran once');

    // status tells where it stands
    const status = await cli(['status', '--limit', '1', '--lang', 'ko'], env);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /published on discourse, email, feeds, web/);
  });
});
