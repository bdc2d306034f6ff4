// RELIABILITY.md case 24, audience correctness: fast-check generates subscribers (every status,
// weekly or daily, a few languages, every show) and a sequence of events: editions published by
// e-mail in a language (as publishEdition does: the publication and the queueing in one
// transaction, once), daily mails queued (as queueDaily does, any number of times), and
// subscribers joining or changing status, frequency or language in between. After each queueing
// the count the store reports, and at the end every delivery row, must equal what a plain filter
// over the generated list says; no row may go to a subscriber who was not a confirmed subscriber of
// that frequency and language when it was queued, and none twice for one edition or day.
// (The project has no topics, so the case's topic sets have nothing to select here.)
//
// Runs: FC_RUNS_SQLITE (default 1000) on SQLite, FC_RUNS_PG (default 100) on PostgreSQL; FC_SEED
// replays a failure. One store per engine; each run deletes its subscribers (and so their
// deliveries) and uses editions and days of its own.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ENGINES, type TestStore } from './support/stores.js';
import type { Frequency, Show, SubscriberStatus } from '../src/domain/subscriber.js';
import { FREQUENCIES, SHOWS, SUBSCRIBER_STATUSES } from '../src/domain/subscriber.js';
import type { DeliveryRow, Store } from '../src/ports.js';
import type { Edition } from '../src/domain/types.js';

// weighted by repetition, so most audiences are not empty
const LANGS = ['ko', 'ko', 'ko', 'ja', 'ja', 'en', 'de'] as const;
/** audiences may ask for a language nobody reads */
const AUDIENCE_LANGS = ['ko', 'ko', 'ko', 'ja', 'ja', 'en', 'de', 'fr'] as const;
/** confirmed half the time, so audiences are large enough to tell a wrong filter from a right one */
const STATUSES: SubscriberStatus[] = ['confirmed', 'confirmed', 'confirmed', 'confirmed', 'confirmed', 'pending', 'pending', 'unsubscribed', 'bounced', 'complained'];
const EDITIONS = 3;
const DAYS = 3;
const RUNS: Record<string, number> = { sqlite: Number(process.env.FC_RUNS_SQLITE ?? 1000), postgres: Number(process.env.FC_RUNS_PG ?? 100) };
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

interface GenSub {
  status: SubscriberStatus;
  frequency: Frequency;
  lang: string;
  show: Show;
}

type Event =
  | { kind: 'publish'; edition: number; lang: string }
  | { kind: 'daily'; day: number; lang: string }
  | { kind: 'join'; sub: GenSub }
  | { kind: 'change'; who: number; status?: SubscriberStatus; frequency?: Frequency; lang?: string };

const genSub: fc.Arbitrary<GenSub> = fc.record({
  status: fc.constantFrom(...STATUSES),
  frequency: fc.constantFrom(...FREQUENCIES),
  lang: fc.constantFrom(...LANGS),
  show: fc.constantFrom(...SHOWS),
});

const genEvent: fc.Arbitrary<Event> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('publish' as const), edition: fc.nat(EDITIONS - 1), lang: fc.constantFrom(...AUDIENCE_LANGS) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('daily' as const), day: fc.nat(DAYS - 1), lang: fc.constantFrom(...AUDIENCE_LANGS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('join' as const), sub: genSub }) },
  {
    weight: 3,
    arbitrary: fc.record(
      { kind: fc.constant('change' as const), who: fc.nat(), status: fc.constantFrom(...STATUSES, ...SUBSCRIBER_STATUSES), frequency: fc.constantFrom(...FREQUENCIES), lang: fc.constantFrom(...LANGS) },
      { requiredKeys: ['kind', 'who'] },
    ),
  },
);

const genCase = fc.record({ subs: fc.array(genSub, { maxLength: 40, size: 'medium' }), events: fc.array(genEvent, { minLength: 1, maxLength: 30, size: 'medium' }) });

/** The model: a subscriber as the generated list says it is now. */
interface ModelSub {
  id: number;
  status: SubscriberStatus;
  frequency: Frequency;
  lang: string;
}

interface Expected {
  subscriberId: number;
  ref: string;
  kind: 'edition' | 'daily';
  editionId: number | null;
  day: string | null;
  lang: string;
  createdAt: string;
}

const eventAt = (i: number) => new Date(Date.UTC(2024, 4, 6, 8) + i * 60_000).toISOString();
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Inserts a subscriber as generated: the store inserts pending or confirmed, the other statuses are set after. */
async function insertSub(store: Store, g: GenSub, email: string, at: string): Promise<ModelSub> {
  const s = await store.insertSubscriber({ email, lang: g.lang, show: g.show, frequency: g.frequency, status: g.status === 'confirmed' ? 'confirmed' : 'pending', source: 'import', token: randomBytes(16).toString('base64url'), at });
  assert.ok(s, `inserted ${email}`);
  if (g.status !== 'confirmed' && g.status !== 'pending') await store.updateSubscriber(s.id, { status: g.status, leftAt: at }, at);
  return { id: s.id, status: g.status, frequency: g.frequency, lang: g.lang };
}

for (const engine of ENGINES) {
  describe(`audience of every weekly and daily mail on ${engine.name} (property)`, () => {
    let t: TestStore;
    before(async () => {
      t = await engine.open();
    });
    after(async () => {
      await t?.cleanup();
    });

    it('queues exactly the model audience, only confirmed subscribers of the frequency and language, at most once each', async (ctx) => {
      const store = t.store;
      let run = 0;
      let queued = 0;
      let events = 0;
      const started = performance.now();
      const property = fc.asyncProperty(genCase, async ({ subs, events: evs }) => {
        const r = run++;
        const model: ModelSub[] = [];
        try {
          const zero = await store.subscriberCounts();
          assert.equal(Object.values(zero).reduce((a, b) => a + b, 0), 0, 'the run starts with no subscribers');
          // editions and days of this run only: publications and refs never carry over
          const editions: Edition[] = [];
          for (let k = 0; k < EDITIONS; k++) {
            const start = addDays('2001-01-01', (r * EDITIONS + k) * 7);
            editions.push(await store.createEdition({ startDate: start, endDate: addDays(start, 6), title: `run ${r} edition ${k}`, source: 'upstream', sourceRef: null, status: 'imported' }));
          }
          const days = Array.from({ length: DAYS }, (_, k) => addDays('2101-01-01', r * DAYS + k));
          for (const [i, g] of subs.entries()) model.push(await insertSub(store, g, `r${r}-s${i}@example.org`, eventAt(0)));

          const expected = new Map<string, Expected>();
          const published = new Set<string>();
          /** each subscriber as it was when event i ran: the rows it queued are judged against this */
          const history: Array<Map<number, ModelSub>> = [];
          const audience = (frequency: Frequency, lang: string) => model.filter((s) => s.status === 'confirmed' && s.frequency === frequency && s.lang === lang);

          for (const [i, e] of evs.entries()) {
            const at = eventAt(i + 1);
            history[i + 1] = new Map(model.map((s) => [s.id, { ...s }]));
            if (e.kind === 'join') {
              model.push(await insertSub(store, e.sub, `r${r}-j${i}@example.org`, at));
            } else if (e.kind === 'change') {
              if (!model.length) continue;
              const s = model[e.who % model.length]!;
              const patch = { ...(e.status ? { status: e.status } : {}), ...(e.frequency ? { frequency: e.frequency } : {}), ...(e.lang ? { lang: e.lang } : {}) };
              await store.updateSubscriber(s.id, patch, at);
              Object.assign(s, patch);
            } else {
              const edition = e.kind === 'publish' ? editions[e.edition]! : null;
              const day = e.kind === 'daily' ? days[e.day]! : null;
              const ref = edition ? `edition:${edition.id}:${e.lang}` : `day:${day}:${e.lang}`;
              // the model: a publication queues once (its first time), a day's queueing any time it runs
              let modelNew = 0;
              const fresh = e.kind === 'daily' || !published.has(ref);
              if (e.kind === 'publish') published.add(ref);
              if (fresh) {
                for (const s of audience(e.kind === 'publish' ? 'weekly' : 'daily', e.lang)) {
                  const key = `${s.id}|${ref}`;
                  if (expected.has(key)) continue;
                  expected.set(key, { subscriberId: s.id, ref, kind: e.kind === 'publish' ? 'edition' : 'daily', editionId: edition?.id ?? null, day, lang: e.lang, createdAt: at });
                  modelNew++;
                }
              }
              // the store, as publishEdition and queueDaily call it
              const got =
                e.kind === 'publish'
                  ? await store.transaction(async (tx) => {
                      const isNew = await tx.recordPublication({ editionId: edition!.id, lang: e.lang, channel: 'email', allowDrafts: false, publishedAt: at });
                      return isNew ? await tx.enqueueDeliveries({ kind: 'edition', editionId: edition!.id, lang: e.lang }, at) : null;
                    })
                  : await store.transaction((tx) => tx.enqueueDeliveries({ kind: 'daily', day: day!, lang: e.lang }, at));
              assert.equal(got === null ? 0 : got, modelNew, `event ${i} ${JSON.stringify(e)}: queued`);
              assert.equal(got !== null, fresh, `event ${i}: publication recorded once`);
              queued += modelNew;
            }
          }
          events += evs.length;

          // every row, against the model and against the subscriber as it was when it was queued
          const rows: DeliveryRow[] = [];
          for (const s of model) rows.push(...(await store.deliveriesOf(s.id)));
          const seen = new Set<string>();
          for (const d of rows) {
            const key = `${d.subscriberId}|${d.ref}`;
            assert.ok(!seen.has(key), `two deliveries of ${d.ref} to subscriber ${d.subscriberId}`);
            seen.add(key);
            const i = Math.round((Date.parse(d.createdAt) - Date.parse(eventAt(0))) / 60_000);
            const then = history[i]?.get(d.subscriberId);
            assert.ok(then, `row ${d.id} was queued at ${d.createdAt}, by no event, or before its subscriber existed`);
            assert.equal(then.status, 'confirmed', `row ${d.id} (${d.ref}) went to a ${then.status} subscriber`);
            assert.equal(then.frequency, d.kind === 'edition' ? 'weekly' : 'daily', `row ${d.id} (${d.ref}) went to a ${then.frequency} subscriber`);
            assert.equal(then.lang, d.lang, `row ${d.id} (${d.ref}) went to a ${then.lang} reader`);
            assert.equal(d.status, 'pending');
          }
          const norm = (x: Expected) => [x.subscriberId, x.ref, x.kind, x.editionId, x.day, x.lang, x.createdAt].join(' ');
          assert.deepEqual(
            rows.map((d) => norm({ subscriberId: d.subscriberId, ref: d.ref, kind: d.kind as Expected['kind'], editionId: d.editionId, day: d.day, lang: d.lang, createdAt: d.createdAt })).sort(),
            [...expected.values()].map(norm).sort(),
          );
          // and the per-reference counts the send reports agree
          const byRef = new Map<string, number>();
          for (const x of expected.values()) byRef.set(x.ref, (byRef.get(x.ref) ?? 0) + 1);
          for (const [ref, count] of byRef) assert.equal((await store.deliveryCounts({ ref })).pending, count, ref);
        } finally {
          for (const s of model) await store.deleteSubscriber(s.id);
        }
      });
      await fc.assert(property, { numRuns: RUNS[engine.name]!, ...(SEED === undefined ? {} : { seed: SEED }) });
      const seconds = (performance.now() - started) / 1000;
      const line = `${engine.name}: ${RUNS[engine.name]} runs passed (${run} executions, ${events} events, ${queued} deliveries queued and checked) in ${seconds.toFixed(1)} s`;
      ctx.diagnostic(line);
    });
  });
}
