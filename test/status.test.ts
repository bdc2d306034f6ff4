// `paperboy status` end to end on SQLite and PostgreSQL: the reference week from import to delivery,
// stage by stage, through loadStatus and through the command's text and JSON (the command is called
// with the deps main() builds, as the CLI would once it is registered).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { loadConfig } from '../src/config/load.js';
import { makeDeps } from '../src/main.js';
import { statusCommand } from '../src/cli/status.js';
import { loadStatus } from '../src/pipeline/status.js';
import { publishBlockers } from '../src/pipeline/check.js';
import type { EditionStatusRow, LangStatus } from '../src/domain/edition-status.js';
import { PaperboyError } from '../src/errors.js';

const WEEK = '2024-04-01';
/** enough editions to reach the reference week under the newer ones of the upstream list */
const ALL = 200;

async function runStatus(t: TestStore, opts: { limit?: string; lang?: string; json?: boolean }): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const deps = makeDeps(loadConfig({ env: { ...t.env } }), { out: (s) => out.push(s), err: (s) => err.push(s) });
  try {
    const { exitCode } = await statusCommand(deps, opts);
    return { code: exitCode, out: out.join('\n'), err: err.join('\n') };
  } finally {
    await deps.close();
  }
}

/** the reference week's block of the text report */
const block = (out: string) => out.split('\n\n').find((b) => b.startsWith(`${WEEK}..`)) ?? '';

for (const engine of ENGINES) {
  describe(`status on ${engine.name}`, () => {
    let t: TestStore;
    const week = async (): Promise<{ row: EditionStatusRow; ko: LangStatus }> => {
      const row = (await loadStatus(t.store, { limit: ALL })).find((r) => r.startDate === WEEK);
      assert.ok(row, 'the reference week is listed');
      assert.deepEqual(row.langs.map((l) => l.lang), ['ko']);
      return { row, ko: row.langs[0]! };
    };

    before(async () => {
      t = await engine.open();
      let r = await cli(['import', 'upstream', UPSTREAM_MD], t.env);
      assert.equal(r.code, 0, r.err);
      r = await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], t.env);
      assert.equal(r.code, 0, r.err);
    });
    after(async () => {
      await t?.cleanup();
    });

    it('lists the newest editions first, as many as asked; an edition with no texts shows the default language as imported', async () => {
      const editions = await t.store.listEditions();
      const rows = await loadStatus(t.store, { limit: 3 });
      assert.deepEqual(rows.map((r) => r.startDate), editions.slice(0, 3).map((e) => e.startDate));
      assert.ok(rows[0]!.startDate > rows[1]!.startDate && rows[1]!.startDate > rows[2]!.startDate);
      assert.deepEqual(rows[0]!.langs, [], 'no target language yet, and none asked for');
      const withDefault = await loadStatus(t.store, { limit: 1, defaultLang: 'ko' });
      assert.deepEqual(withDefault[0]!.langs.map((l) => [l.lang, l.stage, l.next]), [['ko', 'imported', `draft the ko texts: paperboy draft --week ${rows[0]!.startDate} --lang ko`]]);
      assert.deepEqual((await loadStatus(t.store, { limit: 1, langs: ['ja', 'ko'] }))[0]!.langs.map((l) => l.lang), ['ja', 'ko']);
      const text = await runStatus(t, {});
      assert.equal(text.code, 0, text.err);
      assert.equal(text.out.split('\n\n').length, 8, 'eight editions by default');
      assert.match(text.out.split('\n')[1]!, /^ {2}ko {2}imported {4}0 texts \(title 0\/10, intro 0\/10, abstract 0\/10, overview 0\/1\)$/);
    });

    it('imported: the reference week has 10 entries and its ko texts as unchecked imported drafts', async () => {
      const { row, ko } = await week();
      assert.equal(row.entries, 10);
      assert.equal(row.endDate, '2024-04-07');
      assert.equal(ko.stage, 'checking');
      assert.equal(ko.next, `check the 30 unchecked ko texts: paperboy check --week ${WEEK} --lang ko`);
      assert.equal(ko.texts.present, 30);
      assert.equal(ko.texts.expected, 31);
      assert.deepEqual(ko.texts.byField.map((f) => [f.field, f.present, f.expected]), [['title', 10, 10], ['intro', 10, 10], ['abstract', 8, 10], ['key_messages', 1, null], ['overview', 1, 1]]);
      assert.equal(ko.texts.missing, 0, 'the two entries without an abstract have no English one to draft from');
      assert.equal(ko.texts.noSource, 2);
      assert.deepEqual(ko.origins, { imported: 30 });
      assert.deepEqual(ko.statuses, { draft: 30, approved: 0 });
      assert.equal(ko.unchecked, 30);
      assert.deepEqual(ko.findings, { errors: 0, warnings: 0, dismissed: 0 });
      assert.deepEqual(ko.publications, []);
    });

    it('review: after check the 5 errors appear, agreeing with the publish gate, and the hint names them', async () => {
      const c = await cli(['check', '--week', WEEK, '--lang', 'ko'], t.env);
      assert.equal(c.code, 0, c.err);
      const { ko } = await week();
      assert.equal(ko.stage, 'review');
      assert.equal(ko.findings.errors, 5);
      assert.equal(ko.unchecked, 0);
      assert.match(ko.next, /^5 errors block publishing: paperboy check --week 2024-04-01 --lang ko lists them; .*paperboy findings dismiss/);
      const gate = await publishBlockers(t.store, (await t.store.getEditionByStart(WEEK))!.id, 'ko');
      assert.equal(gate.errors.length, ko.findings.errors);
      assert.equal(gate.unchecked.length, ko.unchecked);
      const r = await runStatus(t, { limit: String(ALL), lang: 'ko' });
      assert.equal(r.code, 0, r.err);
      const lines = block(r.out).split('\n');
      assert.equal(lines[0], `${WEEK}..2024-04-07  10 entries  Top ML Papers of the Week (April 1 - April 7) - 2024`);
      assert.match(lines[1]!, /^ {2}ko {2}review {6}30 texts \(title 10\/10, intro 10\/10, abstract 8\/10, key messages 1, overview 1\/1\) · 30 imported; 0 approved, 30 drafts · 5 errors, \d+ warnings, 0 unchecked$/);
      assert.equal(lines[2], `      next: ${ko.next}`);
    });

    it('published, delivering, delivered: dismissals, publishing with drafts, the queued mail and its sending', async () => {
      const edition = (await t.store.getEditionByStart(WEEK))!;
      for (const f of (await publishBlockers(t.store, edition.id, 'ko')).errors) {
        const d = await cli(['findings', 'dismiss', String(f.id), '--by', 'x', '--why', 'y'], t.env);
        assert.equal(d.code, 0, d.err);
      }
      let { ko } = await week();
      assert.equal(ko.stage, 'review');
      assert.equal(ko.findings.errors, 0);
      assert.equal(ko.findings.dismissed, 5);
      assert.equal(ko.next, `approve 30 texts on the desk (/desk) or publish with --allow-drafts: paperboy publish --week ${WEEK} --lang ko --to web,email --allow-drafts`);

      const csv = join(t.dataDir, 'subscribers.csv');
      writeFileSync(csv, 'email,language,frequency,confirmed\na@example.org,ko,weekly,true\n');
      assert.equal((await cli(['subscribers', 'import', csv], t.env)).code, 0);

      let p = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'web', '--allow-drafts'], t.env);
      assert.equal(p.code, 0, p.err);
      ({ ko } = await week());
      assert.equal(ko.stage, 'published');
      assert.deepEqual(ko.publications.map((x) => [x.channel, x.allowDrafts]), [['web', true]]);
      assert.equal(ko.next, `30 texts went out as drafts: approve them on the desk (/desk)`);

      p = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'web,email', '--allow-drafts'], t.env);
      assert.equal(p.code, 0, p.err);
      ({ ko } = await week());
      assert.equal(ko.stage, 'delivering');
      assert.deepEqual(ko.publications.map((x) => x.channel).sort(), ['email', 'web']);
      assert.ok(ko.publications.every((x) => x.allowDrafts), 'drafts are marked');
      assert.deepEqual(ko.deliveries, { pending: 1, sending: 0, accepted: 0, bounced: 0, failed: 0, cancelled: 0 });
      assert.equal(ko.next, '1 delivery is waiting: paperboy send');
      let r = await runStatus(t, { limit: String(ALL), lang: 'ko' });
      let lines = block(r.out).split('\n');
      assert.match(lines[1]!, /^ {2}ko {2}delivering {2}30 texts .* · 0 errors, \d+ warnings, 5 dismissed, 0 unchecked · published on (web, email|email, web) \(\d{4}-\d{2}-\d{2}, drafts marked\) · deliveries: 1 queued$/);
      assert.equal(lines[2], '      next: 1 delivery is waiting: paperboy send');

      const s = await cli(['send'], t.env);
      assert.equal(s.code, 0, s.err);
      assert.equal(readdirSync(join(t.dataDir, 'mail')).filter((f) => f.endsWith('.eml')).length, 1);
      ({ ko } = await week());
      assert.equal(ko.stage, 'delivered');
      assert.equal(ko.deliveries.accepted, 1);
      assert.equal(ko.deliveries.pending, 0);
      r = await runStatus(t, { limit: String(ALL), lang: 'ko' });
      lines = block(r.out).split('\n');
      assert.match(lines[1]!, /^ {2}ko {2}delivered {3}.* · deliveries: 1 accepted$/);
      assert.equal(lines[2], '      next: 30 texts went out as drafts: approve them on the desk (/desk)');

      const json = await runStatus(t, { limit: String(ALL), json: true });
      const rows = JSON.parse(json.out) as EditionStatusRow[];
      const ref = rows.find((x) => x.startDate === WEEK)!;
      assert.deepEqual(ref.langs.map((l) => [l.lang, l.stage, l.deliveries.accepted]), [['ko', 'delivered', 1]]);
      assert.equal(rows.length, Math.min(ALL, (await t.store.listEditions()).length));
    });

    it('--lang filters the languages; --limit and --lang refuse bad values, naming them', async () => {
      const ja = await runStatus(t, { limit: String(ALL), lang: 'ja' });
      assert.match(block(ja.out), /\n {2}ja {2}imported {4}0 texts/);
      assert.doesNotMatch(ja.out, /\n {2}ko /);
      for (const limit of ['0', '201', 'abc', '2.5', '-1', '']) {
        await assert.rejects(runStatus(t, { limit }), (e: unknown) => e instanceof PaperboyError && e.code === 'USAGE' && e.message.startsWith(`--limit ${limit}:`));
      }
      await assert.rejects(runStatus(t, { lang: 'K O' }), (e: unknown) => e instanceof PaperboyError && e.code === 'USAGE' && e.message.startsWith('--lang K O:'));
      assert.equal((await runStatus(t, { limit: '1' })).out.split('\n\n').length, 1);
    });
  });
}
