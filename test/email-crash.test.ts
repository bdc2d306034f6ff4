// RELIABILITY.md case 10: `kill -9` during a 10,000-subscriber send (SQLite; 2,000 on PostgreSQL by
// default), many times over, plus one kill at each instrumented point (PAPERBOY_FAILPOINT),
// restarting until `paperboy send` exits 0 with nothing pending. The SMTP sink's JSONL file is the source of truth. Policy under test (deliver.ts):
// at least once, with the same Message-ID, and a duplicate only for a delivery whose 250 arrived
// while the DB still said 'sending' at the kill. The harness accounts for every duplicate: the copies
// the sink recorded in a round for deliveries still 'sending' when that round was killed.
// Case 12 too: two `send` processes at once on PostgreSQL.
//
// The seed is printed; PAPERBOY_TEST_SEED=<seed> replays the kill moments. PAPERBOY_TEST_MAIL_N,
// PAPERBOY_TEST_KILLS (SQLite), PAPERBOY_TEST_PG_MAIL_N, PAPERBOY_TEST_PG_KILLS and PAPERBOY_TEST_TWO_N
// change the sizes (the defaults keep the file near 3 minutes on 2 cores).
import { after, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ENGINES, openPostgres, type EngineCase, type TestStore } from './support/stores.js';
import { cli } from './support/cli.js';
import { startSmtpSink, type SinkMessage, type SmtpSink } from './support/smtp-sink.js';
import { importSubscribers, MAIL_FROM, prepareEdition, random, spawnPaperboy, spawnWarm, WEEK, type SubscriberLine, type Warm } from './support/email-edition.js';
import { unsubscribe } from '../src/pipeline/subscribe.js';
import { recoverDeliveries } from '../src/pipeline/deliver.js';
import { messageIdFor } from '../src/domain/subscriber.js';
import { sqlitePath } from '../src/store/open.js';

const SEED = Number(process.env.PAPERBOY_TEST_SEED ?? Date.now() % 100000);
/** subscribers and random kills per engine: PostgreSQL sends more slowly here (~150/s against ~225/s), so it gets a smaller run */
const SIZE = {
  sqlite: { n: Number(process.env.PAPERBOY_TEST_MAIL_N ?? 10_000), kills: Number(process.env.PAPERBOY_TEST_KILLS ?? 30) },
  postgres: { n: Number(process.env.PAPERBOY_TEST_PG_MAIL_N ?? 2_000), kills: Number(process.env.PAPERBOY_TEST_PG_KILLS ?? 6) },
};
/** subscribers who leave after publishing, before the first send: never mailed */
const LEFT = 20;
const FAILPOINTS = ['after-claim', 'after-accept', 'after-mark', 'rate-wait'] as const;
type Failpoint = (typeof FAILPOINTS)[number];

interface Round {
  kind: 'random' | Failpoint;
  /** Date.now() when the run was told to go: the sink's `at` of a copy tells which round sent it */
  start: number;
  concurrency: number;
  killed: boolean;
  /** Message-IDs of the deliveries 'sending' right after the kill */
  inflight: Set<string>;
  /** how the kill was timed, for the log */
  note: string;
  /** ms from the spawn to the first mail of this run at the sink (null: none) */
  firstMailMs: number | null;
}

interface Published {
  t: TestStore;
  readers: string[];
  /** delivery id → Message-ID, as the worker writes it */
  messageId: (deliveryId: number) => string;
}

async function publishToMany(engine: EngineCase, n: number): Promise<Published> {
  const t = await engine.open();
  await prepareEdition(t.env);
  const readers = Array.from({ length: n }, (_, i) => `reader-${String(i).padStart(5, '0')}@example.org`);
  const rows: SubscriberLine[] = [...readers.map((e): SubscriberLine => [e, 'ko', 'weekly', true]), ...Array.from({ length: LEFT }, (_, i): SubscriberLine => [`left-${i}@example.org`, 'ko', 'weekly', true])];
  await importSubscribers(t.env, t.dataDir, rows);
  const p = await cli(['publish', ...WEEK, '--to', 'email', '--allow-drafts'], t.env);
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, new RegExp(`${n + LEFT} deliveries queued`));
  for (let i = 0; i < LEFT; i++) {
    const s = await t.store.findSubscriber({ email: `left-${i}@example.org` });
    assert.equal((await unsubscribe({ store: t.store, now: () => new Date() }, s!.token))?.cancelled, 1);
  }
  const edition = (await t.store.getEditionByStart('2024-04-01'))!;
  const from = /<([^>]+)>/.exec(MAIL_FROM)![1]!;
  return { t, readers, messageId: (id) => messageIdFor(id, `edition:${edition.id}:ko`, from) };
}

function integrity(t: TestStore): string {
  const db = new Database(sqlitePath({ dataDir: t.dataDir }), { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : null);
const sinkSize = (sink: SmtpSink) => statSync(sink.file).size;
/** the sink's time of the first message written after byte `from` of its file */
function firstAt(sink: SmtpSink, from: number): number {
  const fd = openSync(sink.file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, from);
    return (JSON.parse(buf.subarray(0, n).toString('utf8').split('\n')[0]!) as SinkMessage).at;
  } finally {
    closeSync(fd);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Copies per Message-ID; asserts each Message-ID always went to one and the same reader. */
function copiesOf(msgs: SinkMessage[]): Map<string, SinkMessage[]> {
  const by = new Map<string, SinkMessage[]>();
  for (const m of msgs) {
    assert.ok(m.messageId, 'every message has a Message-ID');
    assert.equal(m.to.length, 1);
    const list = by.get(m.messageId) ?? [];
    if (list.length) assert.equal(list[0]!.to[0], m.to[0], `${m.messageId} went to two readers`);
    list.push(m);
    by.set(m.messageId, list);
  }
  return by;
}

async function crashRun(tc: TestContext, engine: EngineCase, N: number, kills: number, rnd: () => number): Promise<void> {
  const started = Date.now();
  const { t, readers, messageId } = await publishToMany(engine, N);
  const sink = await startSmtpSink({});
  try {
    const env = { ...t.env, PAPERBOY_SMTP_URL: sink.url, PAPERBOY_MAIL_FROM: MAIL_FROM, PAPERBOY_MAIL_RATE: '0', PAPERBOY_MAIL_CONCURRENCY: '4', PAPERBOY_MAIL_TIMEOUT_MS: '20000' };
    // the failpoint kills at random places in the first half of the random ones (the queue is still long)
    const plan: Round['kind'][] = Array.from({ length: kills }, () => 'random' as const);
    for (const fp of FAILPOINTS) plan.splice(Math.floor(rnd() * (Math.ceil(plan.length / 2) + 1)), 0, fp);
    const rounds: Round[] = [];
    let last: Awaited<ReturnType<typeof runRound>> | undefined;

    type Kind = Round['kind'] | 'final';
    interface Prepared {
      kind: Kind;
      concurrency: number;
      note: string;
      warm: Warm;
    }
    // each run is loaded while the one before it sends (test/support/warm-paperboy.ts)
    const prepare = (kind: Kind): Prepared => {
      const fp = kind !== 'random' && kind !== 'final';
      // failpoint runs have one lane, so "0 duplicates after a claim or a mark" is exact: no other mail is in flight
      const concurrency = fp ? 1 : 4;
      const roundEnv: Record<string, string> = { ...env, PAPERBOY_MAIL_CONCURRENCY: String(concurrency) };
      let note = '';
      if (fp) {
        roundEnv.PAPERBOY_FAILPOINT = `${kind}:${1 + Math.floor(rnd() * 60)}`;
        if (kind === 'rate-wait') roundEnv.PAPERBOY_MAIL_RATE = '200';
        note = roundEnv.PAPERBOY_FAILPOINT;
      }
      return { kind, concurrency, note, warm: spawnWarm(['send'], roundEnv) };
    };
    let next: Prepared | null = null;

    const runRound = async (kind: Kind, following: Kind): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string; round: Round }> => {
      const p: Prepared = next?.kind === kind ? next : prepare(kind);
      if (p !== next) next?.warm.discard();
      await p.warm.ready;
      const round: Round = { kind: kind === 'final' ? 'random' : kind, start: Date.now(), concurrency: p.concurrency, killed: false, inflight: new Set(), note: p.note, firstMailMs: null };
      const size0 = sinkSize(sink);
      const run = p.warm.go();
      next = prepare(following);
      let exited = false;
      void run.done.then(() => (exited = true));
      if (kind === 'random') {
        if (rnd() < 0.2) {
          // anywhere from the start: opening the store, taking back the last run's rows, claiming
          const ms = Math.floor(rnd() * 1500);
          round.note = `at ${ms} ms`;
          await Promise.race([sleep(ms), run.done]);
        } else {
          // while mails go out: a random moment after the first one of this run reached the sink
          const ms = Math.floor(rnd() * 600);
          round.note = `${ms} ms into sending`;
          while (!exited && sinkSize(sink) === size0) await sleep(5);
          await Promise.race([sleep(ms), run.done]);
        }
        run.child.kill('SIGKILL');
      }
      const r = await run.done;
      if (sinkSize(sink) > size0) round.firstMailMs = firstAt(sink, size0) - round.start;
      if (r.signal === 'SIGKILL') {
        round.killed = true;
        round.inflight = new Set((await t.store.inFlightDeliveries()).map((d) => messageId(d.id)));
        if (engine.name === 'sqlite') assert.equal(integrity(t), 'ok', `integrity_check after kill ${rounds.length + 1}`);
      }
      rounds.push(round);
      return { ...r, round };
    };

    try {
      for (const [i, kind] of plan.entries()) {
        const r = await runRound(kind, plan[i + 1] ?? 'final');
        if (!r.round.killed) {
          // a kill that came too late: the run finished on its own, the queue is empty
          assert.equal(r.code, 0, `round ${rounds.length} (${kind}) exited ${r.code}: ${r.err}`);
          assert.ok(plan.slice(rounds.length).every((k) => k === 'random'), `the queue ran out before every failpoint was hit; raise PAPERBOY_TEST_MAIL_N (${N})`);
          break;
        }
        if (kind !== 'random') assert.equal(r.signal, 'SIGKILL', `${kind} killed the process (${r.err})`);
      }
      // restart until a run ends by itself with nothing pending
      for (let i = 0; i < 5; i++) {
        last = await runRound('final', 'final');
        if (!last.round.killed) break;
      }
    } finally {
      (next as Prepared | null)?.warm.discard();
    }
    assert.equal(last!.code, 0, last!.err);
    assert.match(last!.out, /^send: \d+ accepted \(by SMTP\), 0 bounced, 0 failed, 0 cancelled/m);
    const counts = await t.store.deliveryCounts({});
    assert.deepEqual(counts, { pending: 0, sending: 0, accepted: N, bounced: 0, failed: 0, cancelled: LEFT });

    // ---- the sink is the source of truth
    const msgs = sink.messages();
    const by = copiesOf(msgs);
    const to = new Set(msgs.map((m) => m.to[0]!));
    const missing = readers.filter((r) => !to.has(r));
    assert.equal(missing.length, 0, `missing: ${missing.slice(0, 5).join(', ')}…`);
    assert.equal([...to].filter((r) => r.startsWith('left-')).length, 0, 'nobody who left was mailed');
    assert.equal(to.size, N);
    // N Message-IDs for N readers, each Message-ID always to one reader: every copy of a reader's mail carries the same Message-ID
    assert.equal(by.size, N, 'one Message-ID per reader');

    // which round sent each copy: the last round that started before the sink recorded it
    const roundOf = (at: number) => {
      let k = 0;
      while (k + 1 < rounds.length && rounds[k + 1]!.start <= at) k++;
      return k;
    };
    const sentIn = rounds.map(() => new Set<string>());
    for (const m of msgs) sentIn[roundOf(m.at)]!.add(m.messageId!);
    // duplicates window of a kill: sent in that round, still 'sending' when it was killed
    const window = rounds.map((r, k) => (r.killed ? [...r.inflight].filter((id) => sentIn[k]!.has(id)) : []));
    const extra = msgs.length - by.size;
    const accounted = window.reduce((n, w) => n + w.length, 0);
    const duplicated = [...by].filter(([, c]) => c.length > 1).map(([id]) => id);
    const everInflight = new Set(rounds.flatMap((r) => [...r.inflight]));

    rounds.forEach((r, k) => {
      if (!r.killed) return;
      assert.ok(window[k]!.length <= r.concurrency, `kill ${k + 1} (${r.kind}, ${r.note}): ${window[k]!.length} mails in the 250→commit window > concurrency ${r.concurrency}`);
      if (r.kind === 'after-claim' || r.kind === 'after-mark' || r.kind === 'rate-wait') assert.equal(window[k]!.length, 0, `kill at ${r.note}: no mail was in the 250→commit window`);
      if (r.kind === 'after-accept') assert.equal(window[k]!.length, 1, `kill at ${r.note}: exactly the accepted, unmarked mail is uncertain`);
    });
    for (const id of duplicated) assert.ok(everInflight.has(id), `${id} was duplicated but never in flight at a kill`);
    assert.equal(extra, accounted, `${extra} extra copies at the sink; the kill windows account for ${accounted}`);
    for (const fp of FAILPOINTS) assert.ok(rounds.some((r) => r.kind === fp && r.killed), `a kill at ${fp}`);
    if (engine.name === 'sqlite') assert.equal(integrity(t), 'ok');

    const killed = rounds.filter((r) => r.killed);
    const figures = {
      engine: engine.name,
      seed: SEED,
      subscribers: N,
      kills: killed.length,
      randomKills: killed.filter((r) => r.kind === 'random').length,
      failpointKills: killed.filter((r) => r.kind !== 'random').map((r) => `${r.note}→${window[rounds.indexOf(r)]!.length}dup`).join(' '),
      restarts: rounds.length - 1,
      sinkMessages: msgs.length,
      duplicates: extra,
      duplicateBound: killed.reduce((n, r) => n + Math.min(r.concurrency, r.inflight.size), 0),
      sumInflight: killed.reduce((n, r) => n + r.inflight.size, 0),
      maxInflight: Math.max(0, ...killed.map((r) => r.inflight.size)),
      maxWindow: Math.max(0, ...window.map((w) => w.length)),
      medianStartMs: median(rounds.map((r) => r.firstMailMs).filter((x): x is number => x !== null)),
      missing: missing.length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    assert.ok(figures.duplicates <= figures.sumInflight);
    tc.diagnostic(`crash figures ${JSON.stringify(figures)}`);
    console.log(`# email-crash ${JSON.stringify(figures)}`);
  } finally {
    await sink.stop();
    await t.cleanup();
  }
}

describe(`kill -9 during a send (seed ${SEED}; replay with PAPERBOY_TEST_SEED=${SEED})`, () => {
  for (const engine of ENGINES) {
    const { n, kills } = SIZE[engine.name];
    it(`${engine.name}: ${n} subscribers, ${kills} random kills and one at each failpoint: 0 missing, every duplicate inside a kill's 250→commit window`, { timeout: 600_000 }, async (tc) => {
      await crashRun(tc, engine, n, kills, random(SEED + (engine.name === 'sqlite' ? 0 : 1)));
    });
  }
});

describe('two send processes at once on PostgreSQL', () => {
  let t: TestStore | undefined;
  let sink: SmtpSink | undefined;
  after(async () => {
    await sink?.stop();
    await t?.cleanup();
  });

  it('share the outbox: 0 duplicates, 0 missing, both did part of it', { timeout: 300_000 }, async (tc) => {
    const n = Number(process.env.PAPERBOY_TEST_TWO_N ?? 2_000);
    const p = await publishToMany({ name: 'postgres', open: openPostgres }, n);
    t = p.t;
    sink = await startSmtpSink({});
    const env = { ...t.env, PAPERBOY_SMTP_URL: sink.url, PAPERBOY_MAIL_FROM: MAIL_FROM, PAPERBOY_MAIL_RATE: '0', PAPERBOY_MAIL_CONCURRENCY: '4' };
    const started = Date.now();
    const runs = await Promise.all([spawnPaperboy(['send', '--json'], env).done, spawnPaperboy(['send', '--json'], env).done]);
    const accepted = runs.map((r) => {
      assert.equal(r.code, 0, r.err);
      return (JSON.parse(r.out) as { accepted: number }).accepted;
    });
    assert.equal(accepted[0]! + accepted[1]!, n);
    assert.ok(accepted[0]! > 0 && accepted[1]! > 0, `both workers sent: ${accepted.join(' + ')}`);
    const msgs = sink.messages();
    const by = copiesOf(msgs);
    assert.equal(msgs.length, n, `${msgs.length - by.size} duplicates`);
    assert.equal(by.size, n);
    assert.deepEqual([...new Set(msgs.map((m) => m.to[0]!))].sort(), p.readers);
    assert.deepEqual(await t.store.deliveryCounts({}), { pending: 0, sending: 0, accepted: n, bounced: 0, failed: 0, cancelled: LEFT });
    const line = { engine: 'postgres', workers: 2, subscribers: n, split: accepted, duplicates: msgs.length - by.size, missing: n - by.size, seconds: Math.round((Date.now() - started) / 100) / 10 };
    tc.diagnostic(`two workers ${JSON.stringify(line)}`);
    console.log(`# email-two-workers ${JSON.stringify(line)}`);
  });
});

// Two workers take back a dead worker's deliveries at the same moment (both start after a crash, or
// both run their periodic recovery): recoverDeliveries lists the orphans, then releases them by id.
// The release must not take a delivery from a live worker that claimed it in between, or a third
// worker claims it too and the mail goes out twice outside any kill window.
for (const engine of ENGINES) {
  describe(`taking back a dead worker's deliveries on ${engine.name}`, () => {
    let t: TestStore | undefined;
    after(async () => {
      await t?.cleanup();
    });

    it(
      "a late release never takes a delivery from the live worker that claimed it since",
      async () => {
        t = await engine.open();
        const store = t.store;
        const at = new Date().toISOString();
        await store.transaction((tx) => tx.importSubscribers([{ email: 'x@example.org', lang: 'ko', show: 'target', frequency: 'daily', status: 'confirmed', source: 'import', token: 'token-x', at }]));
        assert.equal(await store.transaction((tx) => tx.enqueueDeliveries({ kind: 'daily', day: '2024-04-01', lang: 'ko' }, at)), 1);
        const dead = 'otherhost:1:dead';
        const [d] = await store.transaction((tx) => tx.claimDeliveries(dead, at, 10));
        assert.ok(d);
        const holderGone = (c: string) => c === dead;
        const now = () => new Date();

        // worker A lists the orphan, then is slow to release it
        let listed!: () => void;
        let resume!: () => void;
        const hasListed = new Promise<void>((r) => (listed = r));
        const paused = new Promise<void>((r) => (resume = r));
        const slow = new Proxy(store, {
          get(target, prop, receiver) {
            if (prop === 'releaseDeliveries') {
              return async (held: Array<{ id: number; claimedBy: string }>) => {
                listed();
                await paused;
                return target.releaseDeliveries(held);
              };
            }
            const v = Reflect.get(target, prop, receiver) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
        const a = recoverDeliveries({ store: slow, now, holderGone, workerId: 'host:2:A' }, 900_000);
        await hasListed;
        // worker B takes it back, claims it and is sending it
        assert.equal(await recoverDeliveries({ store, now, holderGone, workerId: 'host:3:B' }, 900_000), 1);
        assert.equal((await store.transaction((tx) => tx.claimDeliveries('host:3:B', new Date().toISOString(), 10))).length, 1);
        resume();
        await a;
        assert.deepEqual((await store.inFlightDeliveries()).map((x) => x.claimedBy), ['host:3:B'], 'B still holds the delivery it is sending');
        assert.equal((await store.transaction((tx) => tx.claimDeliveries('host:4:C', new Date().toISOString(), 10))).length, 0, 'a third worker would send it a second time');
        assert.equal(await store.finishDelivery(d.id, 'host:3:B', { status: 'accepted', at: new Date().toISOString() }), true, "B's 250 is recorded");
      },
    );
  });
}
