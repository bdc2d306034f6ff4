// The store contract for e-mail: subscribers, the delivery outbox and provider events, the same
// suite on SQLite and on PostgreSQL. Each case gets a fresh store, so the outbox holds only its rows.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ENGINES, type TestStore } from './support/stores.js';
import { openStore } from '../src/store/open.js';
import { PaperboyError } from '../src/errors.js';
import type { ClaimedDelivery, NewSubscriber, Store, StoredSubscriber } from '../src/ports.js';

const AT = '2024-05-06T08:00:00.000Z';
const LATER = '2024-05-06T09:00:00.000Z';
const FUTURE = '2030-01-01T00:00:00.000Z';

let n = 0;
function newSub(over: Partial<NewSubscriber> = {}): NewSubscriber {
  n++;
  return { email: `s${n}@example.org`, lang: 'ko', show: 'both', frequency: 'weekly', status: 'confirmed', source: 'form', token: `tok-${n}-${randomBytes(8).toString('hex')}`, at: AT, ...over };
}

/** A second store on the same database: its own connection(s), as a second worker process would have. */
function openSecond(t: TestStore): Promise<Store> {
  const url = t.env.PAPERBOY_DATABASE_URL;
  const pgSchema = url ? /search_path=([\w]+)/.exec(new URL(url).searchParams.get('options') ?? '')?.[1] : undefined;
  return openStore({ dataDir: t.dataDir, databaseUrl: url, ...(pgSchema ? { pgSchema } : {}) });
}

async function edition(store: Store, startDate = '2024-04-01') {
  const end = new Date(Date.parse(`${startDate}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
  return store.createEdition({ startDate, endDate: end, title: `week of ${startDate}`, source: 'upstream', sourceRef: null, status: 'imported' });
}

async function insert(store: Store, over: Partial<NewSubscriber> & { final?: 'unsubscribed' | 'bounced' | 'complained' } = {}) {
  const { final, ...rest } = over;
  const s = await store.insertSubscriber(newSub(rest));
  assert.ok(s, 'inserted');
  if (final) await store.updateSubscriber(s.id, { status: final, leftAt: AT }, AT);
  return s;
}

const ids = (ds: Array<{ id: number }>) => ds.map((d) => d.id).sort((a, b) => a - b);

for (const engine of ENGINES) {
  describe(`mail store contract on ${engine.name}`, () => {
    let t: TestStore;
    let store: Store;
    beforeEach(async () => {
      t = await engine.open();
      store = t.store;
    });
    afterEach(async () => {
      await t?.cleanup();
    });

    it('inserts a subscriber and finds it by address, token, confirmation token and id', async () => {
      const s = (await store.insertSubscriber(newSub({ email: 'ana@example.org', lang: 'ja', show: 'target', frequency: 'daily', status: 'pending', source: 'import' })))!;
      assert.ok(s.id > 0);
      assert.deepEqual(
        [s.email, s.lang, s.show, s.frequency, s.status, s.source, s.createdAt, s.updatedAt, s.confirmedAt, s.leftAt, s.confirmToken, s.confirmDayCount, s.softBounces],
        ['ana@example.org', 'ja', 'target', 'daily', 'pending', 'import', AT, AT, null, null, null, 0, 0],
      );
      const c = (await store.insertSubscriber(newSub({ status: 'confirmed' })))!;
      assert.equal(c.confirmedAt, AT, 'a subscriber inserted confirmed is confirmed at its insertion');
      await store.updateSubscriber(s.id, { confirmToken: 'ct-ana' }, LATER);
      for (const q of [{ email: 'ana@example.org' }, { token: s.token }, { confirmToken: 'ct-ana' }, { id: s.id }]) {
        const f = await store.findSubscriber(q);
        assert.equal(f?.id, s.id, JSON.stringify(q));
        assert.equal(f?.confirmToken, 'ct-ana');
      }
      for (const q of [{ email: 'nobody@example.org' }, { token: 'nope' }, { confirmToken: 'nope' }, { id: 987654 }]) assert.equal(await store.findSubscriber(q), null, JSON.stringify(q));
      assert.notEqual((await store.findSubscriber({ id: c.id }))?.token, s.token);
    });

    it('refuses a second subscriber with the same address (null) and leaves the first as it was', async () => {
      const s = await insert(store, { email: 'dup@example.org', lang: 'ko' });
      assert.equal(await store.insertSubscriber(newSub({ email: 'dup@example.org', lang: 'ja', status: 'pending' })), null);
      const f = (await store.findSubscriber({ email: 'dup@example.org' }))!;
      assert.deepEqual([f.id, f.lang, f.status, f.token], [s.id, 'ko', 'confirmed', s.token]);
      // a token is unique too; that is a real conflict, not "already there"
      await assert.rejects(store.insertSubscriber(newSub({ token: s.token })), (e: unknown) => e instanceof PaperboyError && e.code === 'STORE_FAILED');
      assert.equal((await store.subscriberCounts()).confirmed, 1);
    });

    it('patches only the fields given, clears those set to null, stamps updatedAt', async () => {
      const s = await insert(store, { status: 'pending', lang: 'ko', show: 'both', frequency: 'weekly' });
      await store.updateSubscriber(s.id, { confirmToken: 'ct1', confirmExpiresAt: FUTURE, confirmSentAt: AT, confirmDay: '2024-05-06', confirmDayCount: 2, softBounces: 3 }, LATER);
      let f = (await store.findSubscriber({ id: s.id }))!;
      assert.deepEqual(
        [f.confirmToken, f.confirmExpiresAt, f.confirmSentAt, f.confirmDay, f.confirmDayCount, f.softBounces, f.updatedAt, f.lang, f.status],
        ['ct1', FUTURE, AT, '2024-05-06', 2, 3, LATER, 'ko', 'pending'],
      );
      await store.updateSubscriber(s.id, { lang: 'ja', show: 'en', frequency: 'daily', status: 'confirmed', confirmedAt: LATER, confirmToken: null, confirmExpiresAt: null }, FUTURE);
      f = (await store.findSubscriber({ id: s.id }))!;
      assert.deepEqual(
        [f.lang, f.show, f.frequency, f.status, f.confirmedAt, f.confirmToken, f.confirmExpiresAt, f.confirmSentAt, f.confirmDayCount, f.softBounces, f.updatedAt, f.token, f.email, f.createdAt],
        ['ja', 'en', 'daily', 'confirmed', LATER, null, null, AT, 2, 3, FUTURE, s.token, s.email, AT],
      );
      assert.equal(await store.findSubscriber({ confirmToken: 'ct1' }), null);
      await store.updateSubscriber(s.id, { status: 'unsubscribed', leftAt: FUTURE }, FUTURE);
      f = (await store.findSubscriber({ id: s.id }))!;
      assert.deepEqual([f.status, f.leftAt], ['unsubscribed', FUTURE]);
    });

    it('imports new addresses only, counting new and existing, and never changes an existing subscriber', async () => {
      const left = await insert(store, { email: 'left@example.org', lang: 'ko', final: 'unsubscribed' });
      const bounced = await insert(store, { email: 'bounced@example.org', final: 'bounced' });
      const pending = await insert(store, { email: 'pending@example.org', status: 'pending', lang: 'ja', frequency: 'daily' });
      // more than one chunk of 200, with the known addresses in the middle of it
      const rows: NewSubscriber[] = [];
      for (let i = 0; i < 450; i++) rows.push(newSub({ email: `imp${i}@example.org`, source: 'import', status: i % 3 ? 'confirmed' : 'pending', at: LATER }));
      rows.splice(210, 0, newSub({ email: 'left@example.org', status: 'confirmed', lang: 'en', source: 'import', at: LATER }));
      rows.splice(5, 0, newSub({ email: 'bounced@example.org', status: 'confirmed', source: 'import', at: LATER }));
      rows.push(newSub({ email: 'pending@example.org', status: 'confirmed', lang: 'ko', frequency: 'weekly', source: 'import', at: LATER }));
      assert.deepEqual(await store.importSubscribers(rows), { inserted: 450, existing: 3 });
      const l = (await store.findSubscriber({ email: 'left@example.org' }))!;
      assert.deepEqual([l.id, l.status, l.lang, l.token, l.source, l.updatedAt], [left.id, 'unsubscribed', 'ko', left.token, 'form', AT], 'an address that left is not brought back');
      assert.equal((await store.findSubscriber({ email: 'bounced@example.org' }))?.status, 'bounced');
      const p = (await store.findSubscriber({ email: 'pending@example.org' }))!;
      assert.deepEqual([p.id, p.status, p.lang, p.frequency], [pending.id, 'pending', 'ja', 'daily']);
      const i7 = (await store.findSubscriber({ email: 'imp7@example.org' }))!;
      assert.deepEqual([i7.status, i7.source, i7.confirmedAt, i7.createdAt], ['confirmed', 'import', LATER, LATER]);
      assert.equal((await store.findSubscriber({ email: 'imp9@example.org' }))?.status, 'pending');
      assert.ok(bounced.id > 0);
      // the same file again: nothing new
      assert.deepEqual(await store.importSubscribers(rows), { inserted: 0, existing: 453 });
      assert.deepEqual(await store.importSubscribers([]), { inserted: 0, existing: 0 });
      const counts = await store.subscriberCounts();
      assert.deepEqual(counts, { pending: 1 + 150, confirmed: 300, unsubscribed: 1, bounced: 1, complained: 0 });
    });

    it('queues an edition for exactly the confirmed weekly subscribers of its language, once', async () => {
      const ed = await edition(store);
      const yes = [await insert(store, { lang: 'ko', show: 'both' }), await insert(store, { lang: 'ko', show: 'en' }), await insert(store, { lang: 'ko', show: 'target' })];
      const no = [
        await insert(store, { lang: 'ko', status: 'pending' }),
        await insert(store, { lang: 'ko', final: 'unsubscribed' }),
        await insert(store, { lang: 'ko', final: 'bounced' }),
        await insert(store, { lang: 'ko', final: 'complained' }),
        await insert(store, { lang: 'ko', frequency: 'daily' }),
        await insert(store, { lang: 'ja' }),
        await insert(store, { lang: 'en' }),
      ];
      assert.equal(await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT), 3);
      assert.equal(await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, LATER), 0, 'a second call queues nothing');
      for (const s of yes) {
        const ds = await store.deliveriesOf(s.id);
        assert.equal(ds.length, 1);
        const d = ds[0]!;
        assert.deepEqual(
          [d.subscriberId, d.ref, d.kind, d.editionId, d.day, d.lang, d.status, d.attempts, d.nextAttemptAt, d.createdAt, d.claimedBy, d.acceptedAt, d.lastError],
          [s.id, `edition:${ed.id}:ko`, 'edition', ed.id, null, 'ko', 'pending', 0, AT, AT, null, null, null],
        );
      }
      for (const s of no) assert.deepEqual(await store.deliveriesOf(s.id), [], `${s.email} ${s.status} ${s.frequency} ${s.lang}`);
      // a subscriber confirmed since is added by a later call; the others are not queued twice
      await store.updateSubscriber(no[0]!.id, { status: 'confirmed' }, LATER);
      assert.equal(await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, LATER), 1);
      assert.deepEqual(await store.deliveryCounts({ ref: `edition:${ed.id}:ko` }), { pending: 4, sending: 0, accepted: 0, bounced: 0, failed: 0, cancelled: 0 });
      // another language of the same edition is another delivery
      assert.equal(await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ja' }, AT), 1);
      assert.equal(await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'xx' }, AT), 0, 'nobody reads xx');
    });

    it('queues a day for exactly the confirmed daily subscribers of its language, once per day', async () => {
      const daily = await insert(store, { lang: 'ko', frequency: 'daily' });
      await insert(store, { lang: 'ko', frequency: 'daily', status: 'pending' });
      await insert(store, { lang: 'ko', frequency: 'weekly' });
      await insert(store, { lang: 'ja', frequency: 'daily' });
      await insert(store, { lang: 'ko', frequency: 'daily', final: 'unsubscribed' });
      assert.equal(await store.enqueueDeliveries({ kind: 'daily', day: '2024-05-05', lang: 'ko' }, AT), 1);
      assert.equal(await store.enqueueDeliveries({ kind: 'daily', day: '2024-05-05', lang: 'ko' }, AT), 0);
      assert.equal(await store.enqueueDeliveries({ kind: 'daily', day: '2024-05-06', lang: 'ko' }, LATER), 1);
      const ds = await store.deliveriesOf(daily.id);
      assert.deepEqual(
        ds.map((d) => [d.ref, d.kind, d.editionId, d.day, d.lang, d.status, d.nextAttemptAt]),
        [
          ['day:2024-05-05:ko', 'daily', null, '2024-05-05', 'ko', 'pending', AT],
          ['day:2024-05-06:ko', 'daily', null, '2024-05-06', 'ko', 'pending', LATER],
        ],
      );
    });

    it('queues nothing when the transaction that queued fails afterwards (all or none)', async () => {
      const ed = await edition(store);
      for (let i = 0; i < 250; i++) await store.insertSubscriber(newSub({ lang: 'ko' }));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.recordPublication({ editionId: ed.id, lang: 'ko', channel: 'email', allowDrafts: false, publishedAt: AT });
          assert.equal(await tx.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT), 250);
          throw new Error('boom after the queueing');
        }),
        /boom/,
      );
      assert.deepEqual(await store.deliveryCounts({}), { pending: 0, sending: 0, accepted: 0, bounced: 0, failed: 0, cancelled: 0 });
      assert.deepEqual(await store.getPublications({ editionId: ed.id }), []);
      assert.equal(await store.nextDeliveryDue(), null);
      // and the same in a transaction that commits
      const queued = await store.transaction((tx) => tx.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT));
      assert.equal(queued, 250);
      assert.equal((await store.deliveryCounts({ editionId: ed.id })).pending, 250);
    });

    it('queues a confirmation mail per (subscriber, n) in the subscriber language', async () => {
      const s = await insert(store, { lang: 'ja', status: 'pending' });
      await store.enqueueConfirmation(s.id, 1000, AT);
      await store.enqueueConfirmation(s.id, 1000, LATER);
      await store.enqueueConfirmation(s.id, 2000, LATER);
      await store.enqueueConfirmation(987654, 1, AT); // unknown subscriber: nothing
      const ds = await store.deliveriesOf(s.id);
      assert.deepEqual(
        ds.map((d) => [d.ref, d.kind, d.lang, d.editionId, d.day, d.status, d.nextAttemptAt]),
        [
          ['confirm:1000', 'confirm', 'ja', null, null, 'pending', AT],
          ['confirm:2000', 'confirm', 'ja', null, null, 'pending', LATER],
        ],
      );
      assert.equal((await store.deliveryCounts({})).pending, 2);
    });

    it('claims due deliveries in id order up to the limit, marks them sending and returns them with their subscriber', async () => {
      const ed = await edition(store);
      const subs: StoredSubscriber[] = [];
      for (let i = 0; i < 5; i++) subs.push(await insert(store, { lang: 'ko', show: i % 2 ? 'en' : 'both' }));
      await store.updateSubscriber(subs[0]!.id, { confirmToken: 'ct0' }, AT);
      assert.equal(await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT), 5);
      const late = await insert(store, { lang: 'ko', status: 'pending' });
      await store.enqueueConfirmation(late.id, 1, FUTURE);
      assert.deepEqual(await store.claimDeliveries('w1', '2024-05-06T07:59:59.999Z', 10), [], 'nothing is due before its time');
      const first = await store.claimDeliveries('w1', LATER, 3);
      assert.equal(first.length, 3);
      assert.deepEqual(first.map((d) => d.id), [...first.map((d) => d.id)].sort((a, b) => a - b));
      for (const d of first) {
        const s = subs.find((x) => x.id === d.subscriberId)!;
        assert.equal(d.status, 'sending');
        assert.equal(d.claimedBy, 'w1');
        assert.equal(d.ref, `edition:${ed.id}:ko`);
        assert.deepEqual(d.subscriber, { email: s.email, token: s.token, show: s.show, lang: 'ko', frequency: 'weekly', status: 'confirmed', confirmToken: s.id === subs[0]!.id ? 'ct0' : null });
      }
      assert.deepEqual(await store.inFlightDeliveries().then((x) => x.map((d) => [d.id, d.claimedBy, d.claimedAt]).sort()), first.map((d) => [d.id, 'w1', LATER]).sort());
      const second = await store.claimDeliveries('w2', LATER, 10);
      assert.equal(second.length, 2, 'the rest, not the ones w1 holds, nor the confirmation due in 2030');
      assert.deepEqual(new Set([...ids(first), ...ids(second)]).size, 5);
      assert.deepEqual(await store.claimDeliveries('w3', LATER, 10), []);
      const future = await store.claimDeliveries('w3', FUTURE, 10);
      assert.deepEqual(future.map((d) => [d.kind, d.subscriberId, d.subscriber.status]), [['confirm', late.id, 'pending']]);
      assert.deepEqual(await store.deliveryCounts({}), { pending: 0, sending: 6, accepted: 0, bounced: 0, failed: 0, cancelled: 0 });
    });

    it('never gives the same delivery to two workers claiming at once (two connections)', async () => {
      const ed = await edition(store);
      const N = 300;
      await store.importSubscribers(Array.from({ length: N }, () => newSub({ lang: 'ko' })));
      assert.equal(await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT), N);
      const other = await openSecond(t);
      try {
        const got: ClaimedDelivery[][] = [[], [], [], []];
        const worker = async (s: Store, w: number) => {
          for (;;) {
            const batch = await s.claimDeliveries(`w${w}`, LATER, 7);
            if (!batch.length) return;
            got[w]!.push(...batch);
          }
        };
        await Promise.all([worker(store, 0), worker(other, 1), worker(store, 2), worker(other, 3)]);
        const all = got.flat();
        assert.equal(all.length, N, `claimed ${got.map((g) => g.length).join(' + ')}`);
        assert.equal(new Set(all.map((d) => d.id)).size, N, 'no delivery claimed twice');
        if (engine.name === 'postgres') assert.ok(got[1]!.length > 0 && got[0]!.length > 0, `both connections claimed: ${got.map((g) => g.length).join(', ')}`);
        // each is held by the worker that got it
        const held = new Map((await store.inFlightDeliveries()).map((d) => [d.id, d.claimedBy]));
        for (const [w, ds] of got.entries()) for (const d of ds) assert.equal(held.get(d.id), `w${w}`);
      } finally {
        await other.close();
      }
    });

    it('records an outcome only for the worker holding the delivery', async () => {
      const ed = await edition(store);
      for (let i = 0; i < 4; i++) await insert(store, { lang: 'ko' });
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT);
      const [a, b, c, d] = await store.claimDeliveries('w1', LATER, 10);
      assert.ok(a && b && c && d);
      assert.equal(await store.finishDelivery(a.id, 'w2', { status: 'accepted', at: LATER }), false, 'another worker');
      assert.equal(await store.finishDelivery(a.id, 'w1', { status: 'accepted', at: LATER }), true);
      assert.equal(await store.finishDelivery(a.id, 'w1', { status: 'accepted', at: FUTURE }), false, 'no longer in flight');
      assert.equal(await store.finishDelivery(b.id, 'w1', { status: 'pending', attempts: 1, nextAttemptAt: FUTURE, error: 'SMTP 451' }), true);
      assert.equal(await store.finishDelivery(c.id, 'w1', { status: 'bounced', attempts: 1, error: 'SMTP 550' }), true);
      assert.equal(await store.finishDelivery(d.id, 'w1', { status: 'failed', attempts: 8, error: 'gave up' }), true);
      const row = async (id: number) => (await store.deliveriesOf([a, b, c, d].find((x) => x.id === id)!.subscriberId))[0]!;
      const ra = await row(a.id);
      assert.deepEqual([ra.status, ra.acceptedAt, ra.lastError, ra.claimedBy], ['accepted', LATER, null, 'w1']);
      const rb = await row(b.id);
      assert.deepEqual([rb.status, rb.attempts, rb.nextAttemptAt, rb.lastError, rb.claimedBy, rb.acceptedAt], ['pending', 1, FUTURE, 'SMTP 451', null, null]);
      const rc = await row(c.id);
      assert.deepEqual([rc.status, rc.attempts, rc.lastError], ['bounced', 1, 'SMTP 550']);
      const rd = await row(d.id);
      assert.deepEqual([rd.status, rd.attempts, rd.lastError], ['failed', 8, 'gave up']);
      assert.deepEqual(await store.deliveryCounts({ editionId: ed.id }), { pending: 1, sending: 0, accepted: 1, bounced: 1, failed: 1, cancelled: 0 });
      // the retry is due in 2030, and is then claimed with its attempts
      assert.deepEqual(await store.claimDeliveries('w2', LATER, 10), []);
      assert.equal(await store.nextDeliveryDue(), FUTURE);
      const [again] = await store.claimDeliveries('w2', FUTURE, 10);
      assert.deepEqual([again?.id, again?.attempts, again?.lastError], [b.id, 1, 'SMTP 451']);
      assert.equal(await store.finishDelivery(b.id, 'w1', { status: 'accepted', at: FUTURE }), false, 'w1 gave it up');
    });

    it('puts in-flight deliveries back as they were and ignores the others', async () => {
      const ed = await edition(store);
      for (let i = 0; i < 3; i++) await insert(store, { lang: 'ko' });
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT);
      const [a, b, c] = await store.claimDeliveries('w1', LATER, 10);
      assert.ok(a && b && c);
      await store.finishDelivery(c.id, 'w1', { status: 'accepted', at: LATER });
      assert.equal(await store.releaseDeliveries([{ id: a.id, claimedBy: 'w2' }]), 0, 'only by the holder that holds it');
      assert.equal(await store.releaseDeliveries([a.id, b.id, c.id, 987654].map((id) => ({ id, claimedBy: 'w1' }))), 2, 'the accepted one and an unknown id are left alone');
      assert.equal(await store.releaseDeliveries([]), 0);
      assert.deepEqual(await store.inFlightDeliveries(), []);
      assert.equal(await store.finishDelivery(a.id, 'w1', { status: 'accepted', at: LATER }), false, 'released: w1 no longer holds it');
      const again = await store.claimDeliveries('w2', LATER, 10);
      assert.deepEqual(ids(again), ids([a, b]));
      assert.ok(again.every((d) => d.attempts === 0 && d.nextAttemptAt === AT), 'as they were');
      // many ids at once (more than one statement's worth)
      const many = Array.from({ length: 2500 }, (_, i) => 1_000_000 + i).concat(ids(again)).map((id) => ({ id, claimedBy: 'w2' }));
      assert.equal(await store.releaseDeliveries(many), 2);
    });

    it('cancels only the pending deliveries of a subscriber', async () => {
      const ed = await edition(store);
      const ed2 = await edition(store, '2024-04-08');
      const ed3 = await edition(store, '2024-04-15');
      const s = await insert(store, { lang: 'ko', frequency: 'weekly' });
      const other = await insert(store, { lang: 'ko' });
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT);
      const claimed = await store.claimDeliveries('w1', LATER, 10);
      const mine = claimed.find((d) => d.subscriberId === s.id)!;
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed2.id, lang: 'ko' }, FUTURE);
      const [accepted] = (await store.claimDeliveries('w1', FUTURE, 10)).filter((d) => d.subscriberId === s.id);
      await store.finishDelivery(accepted!.id, 'w1', { status: 'accepted', at: FUTURE });
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed3.id, lang: 'ko' }, FUTURE);
      await store.enqueueConfirmation(s.id, 1, FUTURE);
      assert.equal(await store.cancelDeliveries(s.id, LATER), 2, 'the third edition and the confirmation');
      const by = new Map((await store.deliveriesOf(s.id)).map((d) => [d.ref, d]));
      assert.equal(by.get(`edition:${ed.id}:ko`)?.status, 'sending', 'in flight: left to the worker');
      assert.equal(by.get(`edition:${ed2.id}:ko`)?.status, 'accepted');
      assert.equal(by.get(`edition:${ed3.id}:ko`)?.status, 'cancelled');
      assert.match(by.get(`edition:${ed3.id}:ko`)?.lastError ?? '', /left at 2024-05-06T09:00/);
      assert.equal(by.get('confirm:1')?.status, 'cancelled');
      assert.equal(await store.finishDelivery(mine.id, 'w1', { status: 'accepted', at: LATER }), true);
      assert.ok((await store.deliveriesOf(other.id)).every((d) => d.status !== 'cancelled'), "another subscriber's are untouched");
      assert.equal(await store.cancelDeliveries(s.id, LATER), 0);
    });

    it('counts deliveries by status, over all or one reference or edition', async () => {
      const ed = await edition(store);
      const ed2 = await edition(store, '2024-04-08');
      for (let i = 0; i < 3; i++) await insert(store, { lang: 'ko' });
      await insert(store, { lang: 'ja' });
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT);
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ja' }, AT);
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed2.id, lang: 'ko' }, FUTURE);
      const [one] = await store.claimDeliveries('w', LATER, 1);
      await store.finishDelivery(one!.id, 'w', { status: 'accepted', at: LATER });
      await store.claimDeliveries('w', LATER, 1);
      const zero = { pending: 0, sending: 0, accepted: 0, bounced: 0, failed: 0, cancelled: 0 };
      assert.deepEqual(await store.deliveryCounts({}), { ...zero, pending: 5, sending: 1, accepted: 1 });
      assert.deepEqual(await store.deliveryCounts({ editionId: ed.id }), { ...zero, pending: 2, sending: 1, accepted: 1 });
      assert.deepEqual(await store.deliveryCounts({ ref: `edition:${ed.id}:ja` }), { ...zero, pending: 1 });
      assert.deepEqual(await store.deliveryCounts({ ref: `edition:${ed2.id}:ko` }), { ...zero, pending: 3 });
      assert.deepEqual(await store.deliveryCounts({ ref: 'nothing' }), zero);
    });

    it('says when the earliest pending delivery is due, and null when none is', async () => {
      assert.equal(await store.nextDeliveryDue(), null);
      const a = await insert(store, { status: 'pending' });
      await store.enqueueConfirmation(a.id, 2, FUTURE);
      assert.equal(await store.nextDeliveryDue(), FUTURE);
      await store.enqueueConfirmation(a.id, 1, LATER);
      assert.equal(await store.nextDeliveryDue(), LATER);
      const [d] = await store.claimDeliveries('w', LATER, 1);
      assert.equal(d?.ref, 'confirm:1');
      assert.equal(await store.nextDeliveryDue(), FUTURE, 'an in-flight delivery is not pending');
      await store.cancelDeliveries(a.id, LATER);
      assert.equal(await store.nextDeliveryDue(), null);
    });

    it('deletes a subscriber with their deliveries', async () => {
      const ed = await edition(store);
      const s = await insert(store, { lang: 'ko' });
      const keep = await insert(store, { lang: 'ko' });
      await store.enqueueDeliveries({ kind: 'edition', editionId: ed.id, lang: 'ko' }, AT);
      await store.enqueueConfirmation(s.id, 1, AT);
      await store.claimDeliveries('w', LATER, 1);
      assert.equal((await store.deliveriesOf(s.id)).length, 2);
      assert.equal(await store.deleteSubscriber(s.id), true);
      assert.equal(await store.findSubscriber({ id: s.id }), null);
      assert.equal(await store.findSubscriber({ email: s.email }), null);
      assert.deepEqual(await store.deliveriesOf(s.id), []);
      assert.equal((await store.deliveriesOf(keep.id)).length, 1);
      assert.equal(Object.values(await store.deliveryCounts({})).reduce((x, y) => x + y, 0), 1);
      assert.equal(await store.deleteSubscriber(s.id), false);
      // the address can subscribe again, as a new subscriber
      assert.ok(await store.insertSubscriber(newSub({ email: s.email })));
    });

    it('records a provider event once', async () => {
      const e = { id: 'evt-1', address: 'a@example.org', type: 'hard', receivedAt: AT };
      assert.equal(await store.recordMailEvent(e), true);
      assert.equal(await store.recordMailEvent({ ...e, type: 'soft', receivedAt: LATER }), false);
      assert.equal(await store.recordMailEvent({ ...e, id: 'evt-2' }), true);
      assert.equal(await store.transaction((tx) => tx.recordMailEvent(e)), false);
    });

    it('lists the entries of some editions created in [from, to)', async () => {
      const ed = await edition(store);
      const ed2 = await edition(store, '2024-04-08');
      const ed3 = await edition(store, '2024-04-15');
      await store.ensurePapers([1, 2, 3, 4].map((i) => ({ key: `url:https://p${i}`, arxivId: null, url: `https://p${i}` })));
      const before = new Date(Date.now() - 1).toISOString();
      const es = await store.createEntries([
        { editionId: ed.id, position: 1, paperKey: 'url:https://p1', label: 'one', links: [] },
        { editionId: ed.id, position: 2, paperKey: 'url:https://p2', label: 'two', links: [] },
        { editionId: ed2.id, position: 1, paperKey: 'url:https://p3', label: 'three', links: [] },
        { editionId: ed3.id, position: 1, paperKey: 'url:https://p4', label: 'four', links: [] },
      ]);
      const after = new Date(Date.now() + 1000).toISOString();
      const got = await store.entryIdsCreatedBetween([ed.id, ed2.id], before, after);
      assert.deepEqual([...got].sort((a, b) => a - b), es.slice(0, 3).map((e) => e.id).sort((a, b) => a - b));
      assert.deepEqual(await store.entryIdsCreatedBetween([ed.id, ed2.id], after, FUTURE), []);
      assert.deepEqual(await store.entryIdsCreatedBetween([ed.id], '2000-01-01T00:00:00.000Z', before), []);
      assert.deepEqual(await store.entryIdsCreatedBetween([], before, after), []);
    });
  });
}
