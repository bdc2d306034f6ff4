// E-mail end to end, by the CLI against a real SMTP sink (test/support/smtp-sink.ts), on SQLite and
// PostgreSQL: who gets the weekly and the daily mail and what each message carries; 4xx retried,
// 5xx bounced without retry, login failure and refused connections stopping the run with nothing
// lost; the uncertain outcome (250 recorded, connection dropped) re-sent with the same Message-ID;
// .eml files without SMTP; configuration errors; SIGTERM to the worker mid-send and during a
// rate-limit sleep (RELIABILITY.md cases 11, 13, 14).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, spawnCli } from './support/cli.js';
import { parseMail, startSmtpSink, type SinkMessage, type SmtpSink } from './support/smtp-sink.js';
import { importSubscribers, MAIL_FROM, prepareEdition, spawnPaperboy, WEEK } from './support/email-edition.js';
import { unsubscribe } from '../src/pipeline/subscribe.js';
import { emlFileName } from '../src/channels/email/mime.js';

const HANGUL = /[\uAC00-\uD7A3]/;
const MESSAGE_ID = /^<[^<>@\s]+@example\.org>$/;

type Export = { subscriber: { status: string }; deliveries: Array<{ ref: string; kind: string; status: string; attempts: number; acceptedAt: string | null; lastError: string | null }> };

async function exported(env: Record<string, string>, email: string): Promise<Export> {
  const r = await cli(['subscribers', 'export', email], env);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Export;
}

const recipients = (ms: SinkMessage[]) => ms.map((m) => m.to.join(',')).sort();

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** every Message-ID at most once, and each one always to the same recipient */
function assertNoDuplicates(ms: SinkMessage[]): void {
  const seen = new Map<string, string>();
  for (const m of ms) {
    assert.ok(m.messageId && MESSAGE_ID.test(m.messageId), `Message-ID ${m.messageId}`);
    assert.equal(seen.has(m.messageId), false, `${m.messageId} to ${m.to.join(',')} was sent twice`);
    seen.set(m.messageId, m.to.join(','));
  }
  assert.equal(new Set(ms.map((m) => m.to.join(','))).size, ms.length, 'one message per recipient');
}

for (const engine of ENGINES) {
  describe(`e-mail end to end on ${engine.name}`, () => {
    let sink: SmtpSink;
    const stores: TestStore[] = [];
    /** a fresh database with the publishable edition and these subscribers */
    const fresh = async (rows: Parameters<typeof importSubscribers>[2]) => {
      const t = await engine.open();
      stores.push(t);
      await prepareEdition(t.env);
      if (rows.length) await importSubscribers(t.env, t.dataDir, rows);
      return t;
    };
    const smtp = (t: TestStore, extra: Record<string, string> = {}) => ({ ...t.env, PAPERBOY_SMTP_URL: sink.url, PAPERBOY_MAIL_FROM: MAIL_FROM, PAPERBOY_MAIL_RATE: '0', ...extra });
    before(async () => {
      sink = await startSmtpSink({ keepRaw: true });
    });
    after(async () => {
      await sink?.stop();
      for (const t of stores) await t.cleanup();
    });

    describe('weekly and daily mail by the CLI', () => {
      let t: TestStore;
      let env: Record<string, string>;
      let base = 0;
      const weekly = ['w-ko@example.org', 'w-both@example.org', 'w-en@example.org'];
      before(async () => {
        await sink.script({});
        base = sink.messages().length;
        t = await fresh([
          ['w-ko@example.org', 'ko', 'weekly', true],
          ['w-both@example.org', 'both', 'weekly', true],
          ['w-en@example.org', 'en', 'weekly', true],
          ['w-ja@example.org', 'ja', 'weekly', true],
          ['d-ko@example.org', 'ko', 'daily', true],
          ['d-en@example.org', 'en', 'daily', true],
          ['p-ko@example.org', 'ko', 'weekly', false],
          ['p-daily@example.org', 'ko', 'daily', false],
          ['u-ko@example.org', 'ko', 'weekly', true],
          ['u-daily@example.org', 'ko', 'daily', true],
        ]);
        env = smtp(t);
        // two readers leave before anything is published (the one-click unsubscribe)
        for (const email of ['u-ko@example.org', 'u-daily@example.org']) {
          const s = await t.store.findSubscriber({ email });
          assert.ok(await unsubscribe({ store: t.store, now: () => new Date() }, s!.token));
        }
      });

      it('publish --to email queues the confirmed weekly readers of the language; send mails each of them once', async () => {
        const p = await cli(['publish', ...WEEK, '--to', 'email', '--allow-drafts'], env);
        assert.equal(p.code, 0, p.err);
        assert.match(p.out, /on email: published at .*; 3 deliveries queued/);
        const r = await cli(['send'], env);
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^send: 3 accepted \(by SMTP\), 0 bounced, 0 failed, 0 cancelled$/m);
        const got = sink.messages().slice(base);
        assert.deepEqual(recipients(got), [...weekly].sort());
        assertNoDuplicates(got);
        for (const email of ['w-ja@example.org', 'd-ko@example.org', 'd-en@example.org', 'p-ko@example.org', 'p-daily@example.org', 'u-ko@example.org', 'u-daily@example.org']) {
          assert.deepEqual((await exported(t.env, email)).deliveries, [], `${email} has no delivery`);
        }
        for (const email of weekly) {
          const [d] = (await exported(t.env, email)).deliveries;
          assert.equal(d?.status, 'accepted');
          assert.equal(d?.kind, 'edition');
          assert.ok(d?.acceptedAt);
        }
      });

      it("each message is the reader's own: To, Message-ID, List-Unsubscribe token, language, multipart/alternative", async () => {
        const got = sink.messages().slice(base, base + 3);
        const tokens = new Map<string, string>();
        for (const email of ['w-ko@example.org', 'w-both@example.org', 'w-en@example.org', 'w-ja@example.org', 'd-ko@example.org', 'd-en@example.org', 'p-ko@example.org', 'u-ko@example.org']) {
          tokens.set(email, (await t.store.findSubscriber({ email }))!.token);
        }
        const seenTokens = new Set<string>();
        for (const m of got) {
          const to = m.to[0]!;
          const mail = parseMail(m.raw!);
          assert.deepEqual(mail.get('to'), [to]);
          assert.deepEqual(mail.get('message-id'), [m.messageId]);
          assert.match(mail.get('from')[0]!, /digest@example\.org/);
          const lu = mail.get('list-unsubscribe')[0] ?? '';
          const token = /\/email\/unsubscribe\/([A-Za-z0-9_-]+)>/.exec(lu)?.[1];
          assert.ok(token, `List-Unsubscribe of ${to}: ${lu}`);
          assert.equal(token, tokens.get(to), `the unsubscribe link in ${to}'s mail is ${to}'s`);
          assert.match(lu, new RegExp(`<mailto:digest@example\\.org\\?subject=unsubscribe%20${token}>`));
          assert.deepEqual(mail.get('list-unsubscribe-post'), ['List-Unsubscribe=One-Click']);
          assert.equal(mail.get('list-id').length, 1);
          seenTokens.add(token);
          // nobody else's token anywhere in the message
          for (const [other, tok] of tokens) if (other !== to) assert.equal(m.raw!.includes(tok), false, `${other}'s token in ${to}'s mail`);
          assert.match(mail.get('content-type')[0]!, /^multipart\/alternative;/);
          assert.deepEqual(mail.parts.map((x) => x.contentType.split(';')[0]), ['text/plain', 'text/html']);
          for (const part of mail.parts) assert.ok(part.body.includes(`/email/unsubscribe/${token}`), `${to}: ${part.contentType} links to the unsubscribe page`);
          if (to === 'w-en@example.org') {
            assert.doesNotMatch(mail.subject, HANGUL);
            assert.match(mail.subject, /Top ML Papers of the Week/);
            assert.doesNotMatch(mail.parts[0]!.body, HANGUL);
          } else {
            assert.match(mail.subject, HANGUL, `${to}: Korean subject`);
            assert.match(mail.parts[0]!.body, /다발성 탈옥/);
          }
          if (to === 'w-both@example.org') assert.match(mail.parts[0]!.body, /Many-shot Jailbreaking/);
        }
        assert.equal(seenTokens.size, 3, 'one token per reader');
      });

      it('publishing again changes nothing and queues nothing; send again sends nothing', async () => {
        const p = await cli(['publish', ...WEEK, '--to', 'email', '--allow-drafts'], env);
        assert.equal(p.code, 0, p.err);
        assert.match(p.out, /on email: already published, nothing changed/);
        assert.doesNotMatch(p.out, /queued/);
        const r = await cli(['send'], env);
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^send: 0 accepted/m);
        assert.equal(sink.messages().length, base + 3);
        assert.deepEqual(await t.store.deliveryCounts({}), { pending: 0, sending: 0, accepted: 3, bounced: 0, failed: 0, cancelled: 0 });
      });

      it('send --day mails the daily readers of the day the papers were published, once; a day without papers mails nobody', async () => {
        const [pub] = await t.store.getPublications({ channel: 'email' });
        const day = pub!.publishedAt.slice(0, 10); // PAPERBOY_TIMEZONE is UTC
        let r = await cli(['send', '--day', day], env);
        assert.equal(r.code, 0, r.err);
        assert.match(r.err, new RegExp(`send: daily mail of ${day} \\(ko\\): 2 deliveries queued`));
        assert.match(r.out, /^send: 2 accepted/m);
        const daily = sink.messages().slice(base + 3);
        assert.deepEqual(recipients(daily), ['d-en@example.org', 'd-ko@example.org']);
        assertNoDuplicates(daily);
        const byTo = new Map(daily.map((m) => [m.to[0]!, parseMail(m.raw!)]));
        assert.match(byTo.get('d-ko@example.org')!.subject, /오늘의 ML 논문/);
        assert.match(byTo.get('d-en@example.org')!.subject, /ML papers of the day/);
        assert.equal((await exported(t.env, 'd-ko@example.org')).deliveries[0]?.kind, 'daily');

        r = await cli(['send', '--day', day], env);
        assert.equal(r.code, 0, r.err);
        assert.match(r.err, /0 deliveries queued/);
        assert.match(r.out, /^send: 0 accepted/m);
        r = await cli(['send', '--day', '2020-01-06'], env);
        assert.equal(r.code, 0, r.err);
        assert.match(r.err, /send: no papers became readable on 2020-01-06; no daily mail/);
        assert.equal(sink.messages().length, base + 5);
        for (const email of ['p-daily@example.org', 'u-daily@example.org', 'w-ko@example.org']) {
          assert.equal((await exported(t.env, email)).deliveries.filter((d) => d.kind === 'daily').length, 0, email);
        }
      });
    });

    describe('a flaky server: 451 retried, 550 bounced without retry, a dropped 250 re-sent with the same Message-ID', () => {
      let t: TestStore;
      let got: SinkMessage[];
      let run: { code: number; out: string; err: string };
      let rcptRejected = 0;
      before(async () => {
        t = await fresh([
          ['ok-1@example.org', 'ko', 'weekly', true],
          ['ok-2@example.org', 'ko', 'weekly', true],
          ['slow@example.org', 'ko', 'weekly', true],
          ['gone@example.org', 'ko', 'weekly', true],
          ['unsure@example.org', 'ko', 'weekly', true],
          ['never@example.org', 'ko', 'weekly', true],
        ]);
        await sink.script({
          rules: [
            { match: 'slow@example.org', action: { reply: 451 }, times: 2 },
            { match: 'gone@example.org', on: 'rcpt', action: { reply: 550 } },
            { match: 'unsure@example.org', action: 'drop-after-accept', times: 1 },
            { match: 'never@example.org', action: { reply: 451 } },
          ],
        });
        const base = sink.messages().length;
        const env = smtp(t, { PAPERBOY_MAIL_RETRY_MS: '50', PAPERBOY_MAIL_MAX_ATTEMPTS: '3' });
        assert.equal((await cli(['publish', ...WEEK, '--to', 'email', '--allow-drafts'], env)).code, 0);
        run = await cli(['send', '--wait', '5'], env);
        got = sink.messages().slice(base);
        rcptRejected = (await sink.stats()).rcptRejected;
        await sink.script({});
      });

      it('finishes within --wait: 4 accepted, 1 bounced, 1 failed, nothing left to retry', async () => {
        assert.equal(run.code, 0, run.err);
        assert.match(run.out, /^send: 4 accepted \(by SMTP\), 1 bounced, 1 failed, 0 cancelled$/m);
        assert.deepEqual(await t.store.deliveryCounts({}), { pending: 0, sending: 0, accepted: 4, bounced: 1, failed: 1, cancelled: 0 });
      });

      it('a 451 every time is given up after PAPERBOY_MAIL_MAX_ATTEMPTS tries: failed, with the reason', async () => {
        assert.equal(got.filter((m) => m.to.includes('never@example.org')).length, 0);
        const [d] = (await exported(t.env, 'never@example.org')).deliveries;
        assert.equal(d?.status, 'failed');
        assert.equal(d?.attempts, 3);
        assert.match(d?.lastError ?? '', /451 4\.3\.0 .*never@example\.org.*gave up after 3 tries/);
      });

      it('a 451 is tried again after the backoff and delivered; the delivery shows its attempts', async () => {
        assert.equal(got.filter((m) => m.to[0] === 'slow@example.org').length, 1);
        const [d] = (await exported(t.env, 'slow@example.org')).deliveries;
        assert.equal(d?.status, 'accepted');
        assert.equal(d?.attempts, 2, 'two failed tries before the one that worked');
        assert.equal(d?.lastError, null);
      });

      it('a 550 bounces that delivery at once: never retried, nothing reached the sink', async () => {
        assert.equal(got.filter((m) => m.to.includes('gone@example.org')).length, 0);
        assert.equal(rcptRejected, 1, 'RCPT TO gone@ was tried exactly once');
        const [d] = (await exported(t.env, 'gone@example.org')).deliveries;
        assert.equal(d?.status, 'bounced');
        assert.equal(d?.attempts, 1);
        assert.match(d?.lastError ?? '', /550 5\.1\.1 .*gone@example\.org/);
      });

      it('an uncertain outcome is sent again with the same Message-ID (at least once): exactly 2 copies', async () => {
        const copies = got.filter((m) => m.to[0] === 'unsure@example.org');
        assert.equal(copies.length, 2);
        assert.equal(copies[0]!.messageId, copies[1]!.messageId);
        assert.equal(copies[0]!.droppedAfterAccept, true);
        assert.equal(copies[1]!.droppedAfterAccept, undefined);
        const [d] = (await exported(t.env, 'unsure@example.org')).deliveries;
        assert.equal(d?.status, 'accepted');
        assert.equal(d?.attempts, 1);
        // everyone else exactly once
        assertNoDuplicates(got.filter((m) => m.to[0] !== 'unsure@example.org'));
        assert.deepEqual(recipients(got.filter((m) => !m.droppedAfterAccept)), ['ok-1@example.org', 'ok-2@example.org', 'slow@example.org', 'unsure@example.org']);
      });
    });

    describe('the server refuses us (535, connection refused): send stops with 75, nothing lost', () => {
      let t: TestStore;
      let authSink: SmtpSink;
      const readers = Array.from({ length: 6 }, (_, i) => `reader-${i}@example.org`);
      before(async () => {
        t = await fresh(readers.map((e) => [e, 'ko', 'weekly', true]));
        authSink = await startSmtpSink({ auth: { user: 'paperboy', pass: 's3cret-pass' }, script: { authFail: true } });
        assert.equal((await cli(['publish', ...WEEK, '--to', 'email', '--allow-drafts'], t.env)).code, 0);
      });
      after(async () => {
        await authSink?.stop();
      });
      const url = () => `smtp://paperboy:s3cret-pass@127.0.0.1:${authSink.port}`;
      const untouched = async () => assert.deepEqual(await t.store.deliveryCounts({}), { pending: 6, sending: 0, accepted: 0, bounced: 0, failed: 0, cancelled: 0 });

      it('a login failure (535) stops the run: exit 75, one line naming it, no password, no delivery marked', async () => {
        const r = await cli(['send'], { ...t.env, PAPERBOY_SMTP_URL: url(), PAPERBOY_MAIL_FROM: MAIL_FROM });
        assert.equal(r.code, 75, r.err);
        const lines = r.err.trim().split('\n');
        assert.equal(lines.length, 1, r.err);
        assert.match(lines[0]!, /^send: stopped: the mail server cannot be used: SMTP login to 127\.0\.0\.1:\d+ failed: .*535.*; 6 deliveries wait/);
        assert.doesNotMatch(r.err + r.out, /s3cret-pass/);
        assert.equal(authSink.messages().length, 0);
        await untouched();
        for (const e of readers) {
          const [d] = (await exported(t.env, e)).deliveries;
          assert.equal(d?.status, 'pending');
          assert.equal(d?.attempts, 0, 'a refusal of the server is not a try of the delivery');
        }
      });

      it('a refused connection stops the run the same way', async () => {
        const r = await cli(['send'], { ...t.env, PAPERBOY_SMTP_URL: 'smtp://127.0.0.1:9', PAPERBOY_MAIL_FROM: MAIL_FROM });
        assert.equal(r.code, 75, r.err);
        assert.equal(r.err.trim().split('\n').length, 1, r.err);
        assert.match(r.err, /^send: stopped: the mail server cannot be used: SMTP server 127\.0\.0\.1:9 refused the connection/);
        await untouched();
      });

      it('once the server takes us again, send delivers everything: 0 lost', async () => {
        await authSink.script({});
        const r = await cli(['send'], { ...t.env, PAPERBOY_SMTP_URL: url(), PAPERBOY_MAIL_FROM: MAIL_FROM, PAPERBOY_MAIL_RATE: '0' });
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^send: 6 accepted/m);
        assert.deepEqual(recipients(authSink.messages()), [...readers].sort());
        assertNoDuplicates(authSink.messages());
        assert.deepEqual(await t.store.deliveryCounts({}), { pending: 0, sending: 0, accepted: 6, bounced: 0, failed: 0, cancelled: 0 });
      });
    });

    it('without SMTP, each delivery is one .eml file in <data>/mail, named by its Message-ID', async () => {
      const readers = ['eml-1@example.org', 'eml-2@example.org', 'eml-3@example.org'];
      const t = await fresh([...readers.map((e): [string, string, string, boolean] => [e, 'ko', 'weekly', true]), ['eml-en@example.org', 'en', 'weekly', true]]);
      assert.equal((await cli(['publish', ...WEEK, '--to', 'email', '--allow-drafts'], t.env)).code, 0);
      const r = await cli(['send'], t.env);
      assert.equal(r.code, 0, r.err);
      const dir = join(t.dataDir, 'mail');
      assert.match(r.out, new RegExp(`^send: 4 accepted \\(as \\.eml files in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`, 'm'));
      const files = readdirSync(dir).sort();
      assert.equal(files.length, 4, files.join(', '));
      const to: string[] = [];
      for (const f of files) {
        const mail = parseMail(readFileSync(join(dir, f), 'utf8'));
        const id = mail.get('message-id')[0]!;
        // no PAPERBOY_MAIL_FROM: the sender (and the Message-ID's domain) falls back to paperboy@localhost
        assert.match(id, /^<[^<>@\s]+@localhost>$/);
        assert.equal(f, emlFileName(id));
        assert.equal(f, `${id.slice(1, -1)}.eml`);
        assert.match(mail.get('content-type')[0]!, /^multipart\/alternative;/);
        to.push(mail.get('to')[0]!);
      }
      assert.deepEqual(to.sort(), [...readers, 'eml-en@example.org'].sort());
      // sending again writes nothing new
      assert.match((await cli(['send'], t.env)).out, /^send: 0 accepted/m);
      assert.equal(readdirSync(dir).length, 4);
    });

    describe('SIGTERM stops the worker cleanly: mid-send and during a rate-limit sleep', () => {
      let t: TestStore;
      let base = 0;
      const readers = Array.from({ length: 24 }, (_, i) => `term-${String(i).padStart(2, '0')}@example.org`);
      before(async () => {
        t = await fresh(readers.map((e) => [e, 'ko', 'weekly', true]));
        assert.equal((await cli(['publish', ...WEEK, '--to', 'email', '--allow-drafts'], t.env)).code, 0);
        base = sink.messages().length;
      });
      after(async () => {
        await sink.script({});
      });

      const stop = async (env: Record<string, string>, sentBefore: number) => {
        const w = spawnPaperboy(['worker'], env);
        await until('the worker to send', () => sink.messages().length - base >= sentBefore, 60_000);
        const at = Date.now();
        const sentAtTerm = sink.messages().length;
        w.child.kill('SIGTERM');
        const r = await w.done;
        // ms after the SIGTERM at which the sink recorded each mail that came after it
        const afterTerm = sink.messages().slice(sentAtTerm).map((m) => m.at - at);
        return { ...r, ms: Date.now() - at, afterTerm };
      };

      it('mid-send: the worker finishes the mails in flight, exits 0 within seconds, leaves nothing in flight', async () => {
        await sink.script({ latencyMs: 400 });
        const r = await stop(smtp(t, { PAPERBOY_MAIL_CONCURRENCY: '2' }), 3);
        assert.equal(r.signal, null, r.err);
        assert.ok(r.ms < 5_000, `stopped in ${r.ms} ms`);
        assert.equal(r.code, 0, `exit code ${r.code}: ${r.err}`);
        const counts = await t.store.deliveryCounts({});
        assert.equal(counts.sending, 0);
        // the mails in flight at the SIGTERM were finished and recorded: the store agrees with the sink
        assert.equal(counts.accepted, sink.messages().length - base);
        assert.ok(counts.pending > 0, 'stopped before the end');
        // the mails in flight (2 lanes, and one each may start while the signal is on its way) end
        // within one 400 ms answer; a worker that kept claiming would still be sending at 800 ms
        assert.ok(r.afterTerm.length <= 4 && r.afterTerm.every((ms) => ms < 700), `mails at the sink after the SIGTERM, at +ms: ${r.afterTerm.join(', ')}`);
      });

      it('during a rate-limit sleep: stops at once, exit 0, nothing in flight', async () => {
        await sink.script({});
        const already = sink.messages().length - base;
        // one mail every 5 s: after the first, the worker sleeps in the rate limiter
        const r = await stop(smtp(t, { PAPERBOY_MAIL_RATE: '0.2', PAPERBOY_MAIL_CONCURRENCY: '1' }), already + 1);
        assert.equal(r.signal, null, r.err);
        assert.ok(r.ms < 3_000, `stopped in ${r.ms} ms (the next slot was 5 s away)`);
        assert.equal(r.code, 0, `exit code ${r.code}: ${r.err}`);
        const counts = await t.store.deliveryCounts({});
        assert.equal(counts.sending, 0);
        assert.equal(counts.accepted, sink.messages().length - base);
      });

      it('the next run sends the rest: 0 missing, 0 duplicates', async () => {
        const r = await cli(['send'], smtp(t));
        assert.equal(r.code, 0, r.err);
        const got = sink.messages().slice(base);
        assertNoDuplicates(got);
        assert.deepEqual(recipients(got), readers);
        assert.deepEqual(await t.store.deliveryCounts({}), { pending: 0, sending: 0, accepted: 24, bounced: 0, failed: 0, cancelled: 0 });
      });
    });
  });
}

describe('e-mail configuration errors (exit 78, one line)', () => {
  it('PAPERBOY_SMTP_URL that is not smtp(s)://', async () => {
    const r = await spawnCli(['send'], { PAPERBOY_DATA_DIR: '/nonexistent/paperboy', PAPERBOY_SMTP_URL: 'http://x', PAPERBOY_MAIL_FROM: MAIL_FROM });
    assert.equal(r.code, 78, r.err);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /PAPERBOY_SMTP_URL/);
    assert.doesNotMatch(r.err, /\bat .*\.ts:\d+/, 'no stack trace');
  });

  it(
    'send --day with a date that is not one names --day (not --week) and does not suggest "latest"',
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'paperboy-cfg-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      for (const day of ['2024-13-01', 'tomorrow']) {
        const r = await cli(['send', '--day', day], { PAPERBOY_DATA_DIR: dir });
        assert.equal(r.code, 2, r.err);
        assert.match(r.err, /--day/);
        assert.doesNotMatch(r.err, /--week|latest/);
      }
    },
  );

  it('PAPERBOY_SMTP_URL without PAPERBOY_MAIL_FROM', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-cfg-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await spawnCli(['send'], { PAPERBOY_DATA_DIR: dir, PAPERBOY_SMTP_URL: 'smtp://127.0.0.1:9' });
    assert.equal(r.code, 78, r.err);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /PAPERBOY_MAIL_FROM/);
    assert.equal(existsSync(join(dir, 'mail')), false);
  });
});
