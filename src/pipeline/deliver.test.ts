import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqlite, type TestStore } from '../../test/support/stores.js';
import type { Mailer, OutgoingMail } from '../ports.js';
import { runDeliveries, type DeliveryOptions } from './deliver.js';

const SETTINGS = { from: 'Digest <digest@example.org>', baseUrl: 'https://digest.example.org', listId: 'paperboy.digest.example.org', unsubscribeMailto: 'digest@example.org', timezone: 'UTC' };
const OPTS: DeliveryOptions = { concurrency: 4, ratePerSecond: 0, retryBaseMs: 10, maxAttempts: 3, leaseMs: 60_000, mode: 'drain' };

/** A mailer that takes `delayMs` per mail and remembers when each send began and how many overlapped. */
function recordingMailer(delayMs: number) {
  const starts: number[] = [];
  const sent: OutgoingMail[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const mailer: Mailer = {
    kind: 'smtp',
    async send(mail) {
      starts.push(performance.now());
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(delayMs);
      inFlight--;
      sent.push(mail);
      return { response: '250 ok' };
    },
    async close() {},
  };
  return { mailer, starts, sent, maxInFlight: () => maxInFlight };
}

describe('the outbox worker', () => {
  let t: TestStore;
  before(async () => {
    t = await openSqlite();
  });
  after(async () => {
    await t.cleanup();
  });

  /** n pending subscribers, each with a confirmation mail queued */
  async function queueConfirmations(prefix: string, n: number): Promise<void> {
    const at = new Date().toISOString();
    for (let i = 0; i < n; i++) {
      const s = await t.store.insertSubscriber({ email: `${prefix}${i}@example.org`, lang: 'ko', show: 'both', frequency: 'weekly', status: 'pending', source: 'form', token: `${prefix}-token-${i}-0123456789abcdef`, at });
      assert.ok(s);
      await t.store.updateSubscriber(s.id, { confirmToken: `${prefix}-confirm-${i}-0123456789abcdef`, confirmExpiresAt: new Date(Date.now() + 3_600_000).toISOString() }, at);
      await t.store.enqueueConfirmation(s.id, 1, at);
    }
  }

  const deps = (mailer: Mailer) => ({ store: t.store, mailer, now: () => new Date(), settings: SETTINGS, workerId: `test:${process.pid}:w`, holderGone: () => false, sleep: (ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }) });

  it('keeps to the configured rate: no second of the send holds more mails than the rate allows', async () => {
    await queueConfirmations('rate', 40);
    const m = recordingMailer(2);
    const r = await runDeliveries(deps(m.mailer), { ...OPTS, ratePerSecond: 15 });
    assert.equal(r.accepted, 40);
    // sliding 1 s windows over the moments sends began; timers may fire a fraction of a ms early, hence +1
    let most = 0;
    for (const s of m.starts) most = Math.max(most, m.starts.filter((x) => x >= s && x < s + 1000).length);
    assert.ok(most <= 16, `at most 15 (+1) mails in any second, saw ${most}`);
    assert.ok(most >= 10, `the rate is used, not starved: ${most} in the busiest second`);
  });

  it('has at most `concurrency` mails in flight, and every confirmation goes to its own subscriber with its own link', async () => {
    await queueConfirmations('conc', 30);
    const m = recordingMailer(15);
    const r = await runDeliveries(deps(m.mailer), { ...OPTS, concurrency: 3 });
    assert.equal(r.accepted, 30);
    assert.ok(m.maxInFlight() <= 3 && m.maxInFlight() >= 2, `in flight at once: ${m.maxInFlight()}`);
    for (const mail of m.sent) {
      const i = /^conc(\d+)@/.exec(mail.to)![1];
      assert.ok(mail.text.includes(`/email/confirm/conc-confirm-${i}-0123456789abcdef`), mail.to);
      assert.equal(mail.headers['List-Unsubscribe'], undefined, 'a confirmation is not a list mail');
    }
    assert.equal(new Set(m.sent.map((x) => x.messageId)).size, 30);
  });

  it('stops at a server that refuses us, charging nothing to the deliveries, and sends them all once it is back', async () => {
    await queueConfirmations('down', 5);
    const refusing: Mailer = {
      kind: 'smtp',
      async send() {
        throw Object.assign(new Error('SMTP 535 5.7.8 authentication failed (smtp.example:587)'), { kind: 'unavailable', smtpCode: 535 });
      },
      async close() {},
    };
    const r = await runDeliveries(deps(refusing), OPTS);
    assert.match(r.unavailable ?? '', /535/);
    assert.equal(r.accepted + r.bounced + r.failed, 0);
    const counts = await t.store.deliveryCounts({});
    assert.equal(counts.sending, 0, 'nothing left in flight');
    assert.equal(counts.pending, 5);
    const m = recordingMailer(1);
    const again = await runDeliveries(deps(m.mailer), OPTS);
    assert.equal(again.accepted, 5);
    assert.equal(again.unavailable, null);
  });
});
