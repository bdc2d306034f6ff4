// Kill the draft process at random moments, then run it again: no duplicate drafts, nothing lost,
// finished work not redone. The seed is printed so a failure can be replayed (PAPERBOY_TEST_SEED).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { openSqlite, type TestStore } from './support/stores.js';
import { cli, ROOT, UPSTREAM_MD } from './support/cli.js';
import { startLlmServer, type LlmServer } from './support/llm-server.js';
import { random } from './support/random.js';

const SEED = Number(process.env.PAPERBOY_TEST_SEED ?? Date.now() % 100000);


describe(`draft killed at random moments (seed ${SEED})`, () => {
  let t: TestStore;
  let llm: LlmServer;
  let env: Record<string, string>;
  before(async () => {
    t = await openSqlite();
    llm = await startLlmServer();
    llm.translator = (field) => `이 논문은 새로운 방법을 제안하고 성능을 개선합니다 (${field}).`;
    llm.latencyMs = 120;
    env = { ...t.env, PAPERBOY_LLM_URL: llm.url, PAPERBOY_LLM_MODEL: 'm', PAPERBOY_LLM_CONCURRENCY: '2', PAPERBOY_ARXIV_URL: 'http://127.0.0.1:9/api/query', PAPERBOY_UPSTREAM_URL: 'http://127.0.0.1:9/README.md' };
    assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
  });
  after(async () => {
    await llm?.close();
    await t?.cleanup();
  });

  it('loses nothing and redoes nothing', async () => {
    const rnd = random(SEED);
    const weeks = ['2024-04-01', '2024-04-08', '2024-04-15'];
    let kills = 0;
    let partial = 0; // killed runs that had stored some of the week's drafts, not all
    for (const week of weeks) {
      // one or two kills per week, each at a random moment while calls are in flight
      const rounds = 1 + Math.floor(rnd() * 2);
      for (let i = 0; i < rounds; i++) {
        const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/main.ts`, 'draft', '--week', week, '--lang', 'ko'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } });
        // kill once a random number of calls has reached the server: some answered, some in flight
        const start = llm.requests.length;
        const after = 1 + Math.floor(rnd() * 8);
        const timer = setInterval(() => {
          if (llm.requests.length - start >= after) child.kill('SIGKILL');
        }, 5);
        const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
        clearInterval(timer);
        if (code === null) {
          kills++;
          const ed = (await t.store.getEditionByStart(week))!;
          const stored = (await t.store.llmCalls(ed.id, 'ko')).filter((c) => c.status === 'ok').length;
          if (stored > 0 && stored < 10) partial++;
        }
      }
      const last = await cli(['draft', '--week', week, '--lang', 'ko', '--json'], env);
      assert.equal(last.code, 0, last.err);
    }
    assert.ok(kills >= 1, 'at least one run was really killed');
    assert.ok(partial >= 1, 'at least one kill landed halfway through a week');

    const db = new Database(`${t.dataDir}/paperboy.db`, { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const rows = db.prepare("select c.fields, e.start_date from llm_call c join edition e on e.id = c.edition_id where c.status = 'ok'").all() as Array<{ fields: string; start_date: string }>;
    db.close();
    for (const week of weeks) {
      const ed = (await t.store.getEditionByStart(week))!;
      const b = await t.store.getEditionBundle(ed.id);
      const ko = b.texts.filter((x) => x.lang === 'ko' && x.origin === 'llm');
      const wanted = b.entries.length + b.texts.filter((x) => x.ownerKind === 'entry' && x.field === 'intro' && x.lang === 'en').length;
      // nothing lost: every title and every intro with a source has its draft
      assert.equal(ko.length, wanted, `${week}: ${ko.length} of ${wanted} drafts`);
      // nothing redone: the stored calls together drafted each field exactly once
      const drafted = rows.filter((r) => r.start_date === week).reduce((n, r) => n + (JSON.parse(r.fields) as string[]).length, 0);
      assert.equal(drafted, wanted, `${week}: ${drafted} fields drafted for ${wanted} texts`);
      // every stored draft points at the call that made it
      const callIds = new Set(ko.map((x) => x.draft?.callId));
      assert.ok(!callIds.has(null) && !callIds.has(undefined));
    }
    // a last run finds nothing to do
    const before = llm.requests.length;
    for (const week of weeks) assert.equal(JSON.parse((await cli(['draft', '--week', week, '--lang', 'ko', '--json'], env)).out).calls, 0);
    assert.equal(llm.requests.length, before);
  });

  it('Ctrl-C stops cleanly: exit 130, finished entries kept, the next run does the rest', async () => {
    const week = '2024-04-22';
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/main.ts`, 'draft', '--week', week, '--lang', 'ko'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const start = llm.requests.length;
    const timer = setInterval(() => {
      if (llm.requests.length - start >= 4) {
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 5);
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    clearInterval(timer);
    assert.equal(code, 130, err);
    assert.match(err, /interrupted; finished entries are stored/);
    const ed = (await t.store.getEditionByStart(week))!;
    const kept = (await t.store.llmCalls(ed.id, 'ko')).filter((c) => c.status === 'ok').length;
    assert.ok(kept >= 1 && kept < 10, `${kept} entries stored before the interrupt`);
    const rest = JSON.parse((await cli(['draft', '--week', week, '--lang', 'ko', '--json'], env)).out);
    assert.equal(rest.calls, 10 - kept);
  });
});
