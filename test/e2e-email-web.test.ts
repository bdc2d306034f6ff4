// The e-mail list as a visitor, a mail scanner, a mail provider and an attacker meet it, on both
// engines (RELIABILITY.md section 0 item 4, cases 5, 6, 20, 22, 26, 33, 34): double opt-in with
// single-use, expiring, POST-only confirmation; one answer for every address state; per-address
// caps on confirmation mails and per-IP limits; bad and hostile form input; the RFC 8058 one-click
// unsubscribe (200, no redirect, no same-site check, GET never unsubscribes); preferences that the
// next mail follows; the bounce/complaint webhook; unsubscribing while a send runs. Routes go through
// the app's request function, without a socket; the clock is the test's; mails go to a recorder.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { createWebApp, type WebDeps } from '../src/web/app.js';
import { runDeliveries, queueDaily, type DeliveryDeps, type DeliveryOptions, type MailSettings } from '../src/pipeline/deliver.js';
import { publishEdition } from '../src/pipeline/publish.js';
import { CONFIRM_TTL_HOURS, SOFT_BOUNCE_LIMIT } from '../src/pipeline/subscribe.js';
import { localDay } from '../src/domain/subscriber.js';
import type { DeliveryRow, Mailer, OutgoingMail, Store, StoredSubscriber } from '../src/ports.js';
import type { Hono } from 'hono';

const BASE = 'https://digest.example.org';
const SECRET = 'whsec_0123456789abcdefghijklmnop';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** what a browser sends with a form posted from the site itself */
const SAME_SITE = { origin: BASE, 'sec-fetch-site': 'same-origin' };
const CROSS_SITE = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
const ONE_CLICK = 'List-Unsubscribe=One-Click';
const SETTINGS: MailSettings = { from: 'Paper digest <digest@digest.example.org>', baseUrl: BASE, listId: 'paperboy.digest.example.org', unsubscribeMailto: 'unsubscribe@digest.example.org', timezone: 'Asia/Seoul' };
const HANGUL = /[\uAC00-\uD7A3]/;
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Sent {
  mail: OutgoingMail;
  /** performance.now() when the mailer was handed the mail, and when the server "accepted" it */
  start: number;
  end: number;
}

/** A Mailer that keeps every mail it accepts; `delayMs` makes each one take that long. */
function recorder(delayMs = 0): { mailer: Mailer; sent: Sent[]; to: (email: string) => Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    to: (email) => sent.filter((s) => s.mail.to === email),
    mailer: {
      kind: 'eml',
      async send(mail) {
        const start = performance.now();
        if (delayMs) await sleep(delayMs);
        sent.push({ mail, start, end: performance.now() });
        return { response: '250 2.0.0 queued' };
      },
      async close() {},
    },
  };
}

/** A response's status, headers and body: what "byte-identical" compares. */
async function snapshot(res: Response): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return { status: res.status, headers: Object.fromEntries([...res.headers].filter(([k]) => k !== 'date')), body: await res.text() };
}

const unsubscribePath = (token: string) => `/email/unsubscribe/${token}`;
const preferencesPath = (token: string) => `/email/preferences/${token}`;
const confirmPath = (token: string) => `/email/confirm/${token}`;

for (const engine of ENGINES) {
  describe(`the e-mail list on the web on ${engine.name}`, () => {
    let t: TestStore;
    let now = new Date('2024-05-06T09:00:00Z');
    const clock = () => now;
    const tick = (ms: number) => (now = new Date(now.getTime() + ms));
    /** moves the clock to `hh:mm` UTC of the next day */
    const nextUtcDay = (hh = 9, mm = 0) => (now = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, hh, mm)));
    let seedEditionId = 0;
    /** editions of the upstream list: each test that "publishes" takes one (their ko mails are the English originals) */
    let spareEditions: number[] = [];
    let ipCounter = 0;
    /** a client address no other request of this run used */
    const freshIp = () => {
      const n = ++ipCounter;
      return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    };
    let worker = 0;
    const logs: string[] = [];

    const makeApp = (over: Partial<WebDeps> = {}): Hono =>
      createWebApp({ store: t.store, baseUrl: BASE, defaultLang: 'ko', now: clock, trustProxy: true, subscribeMinAnswerMs: 0, mailWebhookSecret: SECRET, log: (l) => logs.push(l), ...over });

    const subscribe = (app: Hono, fields: Record<string, string> | string, headers: Record<string, string> = {}) =>
      app.request('/subscribe', {
        method: 'POST',
        headers: { ...FORM, ...SAME_SITE, 'x-forwarded-for': freshIp(), ...headers },
        body: typeof fields === 'string' ? fields : new URLSearchParams({ website: '', ...fields }).toString(),
      });
    const postForm = (app: Hono, path: string, body: string, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', headers: { ...FORM, ...SAME_SITE, 'x-forwarded-for': freshIp(), ...headers }, body });
    /** the one-click POST as a mail provider sends it: no Origin, no cookie, no Sec-Fetch-* */
    const oneClick = (app: Hono, token: string, headers: Record<string, string> = {}) => app.request(unsubscribePath(token), { method: 'POST', headers: { ...FORM, ...headers }, body: ONE_CLICK });
    const webhook = (app: Hono, body: unknown, auth: string | null = `Bearer ${SECRET}`) =>
      app.request('/email/events', { method: 'POST', headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    const sub = async (email: string) => t.store.findSubscriber({ email });
    const mustSub = async (email: string): Promise<StoredSubscriber> => {
      const s = await sub(email);
      assert.ok(s, `subscriber ${email}`);
      return s;
    };
    const deliveries = async (email: string, kind?: DeliveryRow['kind']): Promise<DeliveryRow[]> => {
      const s = await sub(email);
      return s ? (await t.store.deliveriesOf(s.id)).filter((d) => kind === undefined || d.kind === kind) : [];
    };
    const subscriberTotal = async () => Object.values(await t.store.subscriberCounts()).reduce((a, b) => a + b, 0);

    /** sends every due delivery through `mailer` */
    const drain = (mailer: Mailer, over: Partial<DeliveryDeps> = {}, opts: Partial<DeliveryOptions> = {}) =>
      runDeliveries(
        { store: t.store, mailer, now: clock, settings: SETTINGS, workerId: `test-host:${process.pid}:${engine.name}-${++worker}`, holderGone: () => false, sleep: (ms, signal) => sleep(ms, undefined, { signal }), ...over },
        { concurrency: 2, ratePerSecond: 0, retryBaseMs: 10 * MIN, maxAttempts: 3, leaseMs: 10 * MIN, mode: 'drain', ...opts },
      );

    /** what publishing an edition by e-mail does (src/pipeline/publish.ts): the publication and its frozen audience in one transaction */
    const publishByEmail = async (): Promise<{ editionId: number; ref: string; queued: number }> => {
      const editionId = spareEditions.shift()!;
      const at = clock().toISOString();
      const queued = await t.store.transaction(async (tx) => {
        assert.equal(await tx.recordPublication({ editionId, lang: 'ko', channel: 'email', allowDrafts: true, publishedAt: at }), true);
        return tx.enqueueDeliveries({ kind: 'edition', editionId, lang: 'ko' }, at);
      });
      return { editionId, ref: `edition:${editionId}:ko`, queued };
    };

    /** subscribes through the form and confirms through the link's POST, as a reader would */
    const confirmedSubscriber = async (app: Hono, email: string, fields: Record<string, string> = {}): Promise<StoredSubscriber> => {
      assert.equal((await subscribe(app, { email, ...fields })).status, 200);
      const s = await mustSub(email);
      assert.equal(s.status, 'pending');
      assert.ok(s.confirmToken);
      const res = await postForm(app, confirmPath(s.confirmToken), '');
      assert.equal(res.status, 200, `confirming ${email}`);
      const c = await mustSub(email);
      assert.equal(c.status, 'confirmed');
      return c;
    };

    before(async () => {
      t = await engine.open();
      for (const args of [['import', 'upstream', UPSTREAM_MD], ['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], ['check', '--week', '2024-04-01', '--lang', 'ko']]) {
        const r = await cli(args, t.env);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      }
      const j = JSON.parse((await cli(['check', '--week', '2024-04-01', '--lang', 'ko', '--json'], t.env)).out) as { checked: Array<{ findings: Array<{ id: number; severity: string; dismissed: unknown }> }> };
      for (const c of j.checked) for (const f of c.findings) if (f.severity === 'error' && !f.dismissed) assert.equal((await cli(['findings', 'dismiss', String(f.id), '--by', 'editor@example.org', '--why', 'known'], t.env)).code, 0);
      seedEditionId = (await t.store.getEditionByStart('2024-04-01'))!.id;
      spareEditions = (await t.store.listEditions()).map((e) => e.id).filter((id) => id !== seedEditionId);
      assert.ok(spareEditions.length >= 10);
    });
    after(async () => {
      await t?.cleanup();
    });

    // -----------------------------------------------------------------------------------------
    // Double opt-in

    it('subscribing queues one confirmation mail with the link; a GET of the link changes nothing, the POST confirms, once', async () => {
      const app = makeApp();
      const email = 'Reader.One+digest@Example.ORG';
      const res = await subscribe(app, { email, show: 'both', frequency: 'weekly' });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /role="status"/);
      const s = await mustSub('reader.one+digest@example.org');
      assert.equal(s.status, 'pending');
      assert.equal(s.source, 'form');
      assert.deepEqual([s.lang, s.show, s.frequency], ['ko', 'both', 'weekly']);
      assert.deepEqual((await deliveries(s.email)).map((d) => [d.kind, d.status]), [['confirm', 'pending']]);

      // the outbox sends it: to that address, with the confirm link, and no list headers
      const rec = recorder();
      const summary = await drain(rec.mailer);
      assert.ok(summary.accepted >= 1);
      const mails = rec.to(s.email);
      assert.equal(mails.length, 1);
      const link = `${BASE}/email/confirm/${s.confirmToken}`;
      assert.ok(mails[0]!.mail.text.includes(link), 'the text part has the confirm link');
      assert.ok(mails[0]!.mail.html.includes(link), 'the HTML part has the confirm link');
      assert.deepEqual(mails[0]!.mail.headers, {}, 'a confirmation mail carries no List-* headers');
      assert.doesNotMatch(mails[0]!.mail.text + mails[0]!.mail.html, /\{\{|%recipient|PBSUBSCRIBERTOKEN/);
      assert.equal((await deliveries(s.email))[0]!.status, 'accepted');
      const path = new URL(link).pathname;

      // a mail scanner follows the link (GET, HEAD): a button, nothing confirmed
      for (const method of ['GET', 'HEAD', 'GET']) {
        const scan = await app.request(path, { method });
        assert.equal(scan.status, 200);
        if (method === 'GET') assert.match(await scan.text(), new RegExp(`<form method="post" action="${path}"><button type="submit">`));
      }
      assert.equal((await mustSub(s.email)).status, 'pending');

      // another site cannot confirm for the reader
      assert.equal((await postForm(app, path, '', CROSS_SITE)).status, 403);
      assert.equal((await mustSub(s.email)).status, 'pending');

      // the reader presses the button
      const ok = await postForm(app, path, '');
      assert.equal(ok.status, 200);
      const page = await ok.text();
      const confirmed = await mustSub(s.email);
      assert.equal(confirmed.status, 'confirmed');
      assert.equal(confirmed.confirmToken, null);
      assert.ok(confirmed.confirmedAt);
      assert.ok(page.includes(`href="${preferencesPath(confirmed.token)}"`), 'the answer links the preferences page');

      // single use: the same link again is gone, and changes nothing
      const again = await postForm(app, path, '');
      assert.ok([404, 410].includes(again.status), String(again.status));
      assert.equal((await app.request(path)).status, 404);
      assert.equal((await mustSub(s.email)).status, 'confirmed');
      // the address in any case is the same subscriber
      assert.equal((await subscribe(app, { email: 'READER.ONE+DIGEST@EXAMPLE.ORG' })).status, 200);
      assert.equal((await mustSub(s.email)).id, s.id);
    });

    it(`a confirmation link older than ${CONFIRM_TTL_HOURS} h answers 410 and the address stays pending`, async () => {
      const app = makeApp();
      await subscribe(app, { email: 'late@example.org' });
      const s = await mustSub('late@example.org');
      tick(CONFIRM_TTL_HOURS * HOUR - MIN);
      // one minute before the end it would still work: the GET shows the button
      assert.equal((await app.request(confirmPath(s.confirmToken!))).status, 200);
      tick(2 * MIN);
      const res = await postForm(app, confirmPath(s.confirmToken!), '');
      assert.equal(res.status, 410);
      assert.match(await res.text(), /href="\/subscribe"/);
      assert.equal((await mustSub(s.email)).status, 'pending');
      // subscribing again sends a new, working link
      assert.equal((await subscribe(app, { email: 'late@example.org' })).status, 200);
      const renewed = await mustSub('late@example.org');
      assert.notEqual(renewed.confirmToken, s.confirmToken);
      assert.equal((await postForm(app, confirmPath(s.confirmToken!), '')).status, 404);
      assert.equal((await postForm(app, confirmPath(renewed.confirmToken!), '')).status, 200);
      assert.equal((await mustSub('late@example.org')).status, 'confirmed');
    });

    // -----------------------------------------------------------------------------------------
    // Enumeration (case 22, 33)

    it('answers the subscribe form byte for byte alike for a new, pending, confirmed, suppressed and throttled address', async () => {
      const app = makeApp();
      await confirmedSubscriber(app, 'enum-confirmed@example.org');
      await confirmedSubscriber(app, 'enum-bounced@example.org');
      assert.deepEqual(await (await webhook(app, { id: 'enum-hard-1', address: 'enum-bounced@example.org', type: 'hard' })).json(), { applied: 1, duplicate: 0, 'unknown-address': 0 });
      await subscribe(app, { email: 'enum-pending@example.org' });
      tick(11 * MIN);
      await subscribe(app, { email: 'enum-throttled@example.org' });
      logs.length = 0;
      const cases = ['enum-new@example.org', 'enum-pending@example.org', 'enum-confirmed@example.org', 'enum-bounced@example.org', 'enum-throttled@example.org'];
      const answers = [];
      for (const email of cases) answers.push(await snapshot(await subscribe(app, { email })));
      // the cases were what they claim: queued, queued again, already subscribed, suppressed, throttled
      assert.equal(logs.filter((l) => /subscribe: already-subscribed/.test(l)).length, 1, logs.join('\n'));
      assert.equal(logs.filter((l) => /subscribe: suppressed/.test(l)).length, 1, logs.join('\n'));
      assert.equal(logs.filter((l) => /subscribe: throttled/.test(l)).length, 1, logs.join('\n'));
      assert.ok(logs.every((l) => !l.includes('@')), 'the log names no address');
      assert.equal((await deliveries('enum-new@example.org', 'confirm')).length, 1);
      assert.equal((await deliveries('enum-pending@example.org', 'confirm')).length, 2);
      assert.equal((await deliveries('enum-throttled@example.org', 'confirm')).length, 1);
      assert.equal((await mustSub('enum-bounced@example.org')).status, 'bounced');
      for (let i = 1; i < answers.length; i++) assert.deepEqual(answers[i], answers[0], `${cases[i]} answered differently from ${cases[0]}`);
      assert.equal(answers[0]!.status, 200);
      assert.ok(!answers[0]!.body.includes('enum-'), 'the answer does not echo the address');
    });

    it('never answers the subscribe form sooner than the floor (150 ms by default), whatever the address', async () => {
      const app = makeApp({ subscribeMinAnswerMs: undefined });
      const fast = makeApp();
      await confirmedSubscriber(fast, 'floor-confirmed@example.org');
      await confirmedSubscriber(fast, 'floor-bounced@example.org');
      await webhook(fast, { id: 'floor-hard-1', address: 'floor-bounced@example.org', type: 'hard' });
      await subscribe(fast, { email: 'floor-pending@example.org' });
      tick(11 * MIN);
      await subscribe(fast, { email: 'floor-throttled@example.org' });
      const times: Record<string, number> = {};
      const bodies = new Set<string>();
      for (const email of ['floor-new@example.org', 'floor-pending@example.org', 'floor-confirmed@example.org', 'floor-bounced@example.org', 'floor-throttled@example.org']) {
        const started = Date.now();
        const res = await subscribe(app, { email });
        bodies.add(await res.text());
        times[email] = Date.now() - started;
      }
      // a honeypot hit waits the same
      const started = Date.now();
      bodies.add(await (await subscribe(app, { email: 'floor-bot@example.org', website: 'http://spam.example' })).text());
      times.bot = Date.now() - started;
      for (const [k, ms] of Object.entries(times)) assert.ok(ms >= 149, `${k} answered after ${ms} ms`);
      assert.equal(bodies.size, 1);
    });

    // -----------------------------------------------------------------------------------------
    // Caps (case 22)

    it('sends at most one confirmation per 10 minutes and three a day to an address, whoever asks from wherever', async () => {
      nextUtcDay(9, 0);
      const app = makeApp();
      const victim = 'victim@example.org';
      const statuses = new Set<number>();
      for (let i = 0; i < 20; i++) {
        statuses.add((await subscribe(app, { email: victim }, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
        tick(2_000);
      }
      assert.deepEqual([...statuses], [200]);
      assert.equal((await deliveries(victim, 'confirm')).length, 1, '20 POSTs in 40 s: one confirmation');
      tick(11 * MIN);
      for (let i = 0; i < 5; i++) await subscribe(app, { email: victim });
      assert.equal((await deliveries(victim, 'confirm')).length, 2, 'after the cooldown: a second');
      tick(11 * MIN);
      await subscribe(app, { email: victim });
      assert.equal((await deliveries(victim, 'confirm')).length, 3, 'a third');
      tick(11 * MIN);
      for (let i = 0; i < 5; i++) {
        await subscribe(app, { email: victim });
        tick(11 * MIN);
      }
      assert.equal((await deliveries(victim, 'confirm')).length, 3, 'no fourth on the same day');
      nextUtcDay(0, 30);
      await subscribe(app, { email: victim });
      assert.equal((await deliveries(victim, 'confirm')).length, 4, 'the next day: allowed again');

      // what the victim's inbox sees: four mails, each with a link that works (the same one while it is valid)
      const rec = recorder();
      await drain(rec.mailer);
      const mails = rec.to(victim);
      assert.equal(mails.length, 4);
      const links = new Set(mails.map((m) => /https:\/\/\S+\/email\/confirm\/[A-Za-z0-9_-]+/.exec(m.mail.text)?.[0]));
      assert.equal(links.size, 1);
      const s = await mustSub(victim);
      assert.equal([...links][0], `${BASE}/email/confirm/${s.confirmToken}`);
    });

    it('limits POSTs per IP: 429 with Retry-After, nothing stored, and the same answer whatever the address', async () => {
      const app = makeApp({ trustProxy: false });
      const before = await subscriberTotal();
      const statuses: number[] = [];
      const limitedAnswers = new Set<string>();
      let retryAfter = 0;
      for (let i = 0; i < 15; i++) {
        const res = await subscribe(app, { email: `flood-${i}@example.org` }, { 'x-forwarded-for': '192.0.2.99' });
        statuses.push(res.status);
        if (res.status === 429) {
          retryAfter = Number(res.headers.get('retry-after'));
          assert.equal(res.headers.get('cache-control'), 'no-store');
          limitedAnswers.add(await res.text());
        }
      }
      assert.deepEqual(statuses, [...Array(10).fill(200), ...Array(5).fill(429)]);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal(limitedAnswers.size, 1);
      assert.equal(await subscriberTotal(), before + 10);
      for (let i = 10; i < 15; i++) assert.equal(await sub(`flood-${i}@example.org`), null);
      // behind a proxy we trust, each client has its own bucket
      const proxied = makeApp({ trustProxy: true });
      for (let i = 0; i < 12; i++) assert.equal((await subscribe(proxied, { email: `flood-${i}@example.org` }, { 'x-forwarded-for': `192.0.2.${i}` })).status, 200);
      const sameIp = [];
      for (let i = 0; i < 12; i++) sameIp.push((await subscribe(proxied, { email: `flood-ip-${i}@example.org` }, { 'x-forwarded-for': '192.0.2.200' })).status);
      assert.equal(sameIp.filter((s) => s === 429).length, 2);
      // after Retry-After, the client may post again
      tick(retryAfter * 1000);
      assert.equal((await subscribe(app, { email: 'flood-late@example.org' }, { 'x-forwarded-for': '192.0.2.99' })).status, 200);
    });

    // -----------------------------------------------------------------------------------------
    // Bad input (cases 5, 6)

    it('refuses bad input with 400 naming the field, and stores nothing', async () => {
      const app = makeApp();
      const before = await subscriberTotal();
      const alert = async (res: Response) => {
        assert.equal(res.status, 400);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        const html = await res.text();
        assert.match(html, /<form method="post" action="\/subscribe"/, 'the form is shown again');
        return /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
      };
      const fields = (msg: string) => msg.replace(/^[^:]*:\s*/, '').split(', ').sort();
      // header injection
      assert.deepEqual(fields(await alert(await subscribe(app, { email: 'a@b.com\r\nBcc: x@y.z' }))), ['email']);
      assert.deepEqual(fields(await alert(await subscribe(app, 'email=a%40b.com%0ABcc%3A%20x%40y.z&website='))), ['email']);
      assert.equal(await sub('a@b.com'), null);
      // not addresses
      for (const email of ['', 'not-an-address', '"quoted"@example.org', '사용자@한국.kr', 'trailing@example.org.', `${'a'.repeat(250)}@example.org`]) {
        assert.deepEqual(fields(await alert(await subscribe(app, { email }))), ['email'], email);
      }
      assert.deepEqual(fields(await alert(await subscribe(app, 'website='))), ['email']);
      // choices outside the lists
      assert.deepEqual(fields(await alert(await subscribe(app, { email: 'bad-freq@example.org', frequency: 'hourly' }))), ['frequency']);
      assert.deepEqual(fields(await alert(await subscribe(app, { email: 'bad-show@example.org', show: 'x' }))), ['show']);
      assert.deepEqual(fields(await alert(await subscribe(app, { email: 'bad-lang@example.org', lang: 'xx' }))), ['lang']);
      assert.deepEqual(fields(await alert(await subscribe(app, { email: 'bad', show: 'x', frequency: 'hourly' }))), ['email', 'frequency', 'show']);
      // a field given twice, or ten thousand times
      assert.deepEqual(fields(await alert(await subscribe(app, 'email=one%40example.org&email=two%40example.org'))), ['email']);
      assert.deepEqual(fields(await alert(await subscribe(app, `${'email=rep%40example.org&'.repeat(300)}website=`))), ['email']);
      // JSON is not the form
      const json = await app.request('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json', ...SAME_SITE, 'x-forwarded-for': freshIp() }, body: JSON.stringify({ email: 'json@example.org' }) });
      assert.equal(json.status, 400);
      for (const e of ['one@example.org', 'two@example.org', 'bad-freq@example.org', 'bad-show@example.org', 'bad-lang@example.org', 'rep@example.org', 'json@example.org']) assert.equal(await sub(e), null, e);
      assert.equal(await subscriberTotal(), before);
      // the IDN domain is stored punycoded; the same address with other case is the same subscriber
      assert.equal((await subscribe(app, { email: 'User@한국.kr' })).status, 200);
      assert.equal((await subscribe(app, { email: 'USER@XN--3E0B707E.KR' })).status, 200);
      assert.equal((await mustSub('user@xn--3e0b707e.kr')).status, 'pending');
      assert.equal(await subscriberTotal(), before + 1);
    });

    // a repeated choice is refused like a repeated address, never read as the default
    it('refuses a repeated show, frequency or lang with 400 naming it, on the form and on the preferences page', async () => {
      const app = makeApp();
      const cases: Array<[string, string]> = [
        ['email=rep-show%40example.org&website=&show=en&show=both', 'show'],
        [`email=rep-freq%40example.org&website=&${'frequency=daily&'.repeat(400)}`, 'frequency'],
        ['email=rep-lang%40example.org&website=&lang=ko&lang=en', 'lang'],
      ];
      for (const [body, field] of cases) {
        const res = await subscribe(app, body);
        assert.equal(res.status, 400, `${field} given twice`);
        assert.ok((await res.text()).includes(field));
      }
      for (const e of ['rep-show@example.org', 'rep-freq@example.org', 'rep-lang@example.org']) assert.equal(await sub(e), null, e);
      const s = await confirmedSubscriber(app, 'rep-prefs@example.org');
      for (const body of ['show=en&show=target&frequency=weekly', 'show=en&frequency=daily&frequency=weekly']) {
        assert.equal((await postForm(app, preferencesPath(s.token), body)).status, 400, body);
      }
      const after = await mustSub(s.email);
      assert.deepEqual([after.show, after.frequency], ['both', 'weekly']);
    });

    it('ignores fields nobody asked for: status=confirmed and role=editor leave a pending subscriber and no editor', async () => {
      const app = makeApp();
      const editors = (await t.store.listEditors()).length;
      const res = await subscribe(app, {
        email: 'mass@example.org',
        status: 'confirmed',
        role: 'editor',
        confirmed: 'true',
        token: 'attacker-chosen-token-0123456789',
        confirmToken: 'attacker-chosen-confirm-0123456789',
        source: 'import',
        softBounces: '-100',
        id: '1',
      });
      assert.equal(res.status, 200);
      const s = await mustSub('mass@example.org');
      assert.equal(s.status, 'pending');
      assert.equal(s.source, 'form');
      assert.equal(s.softBounces, 0);
      assert.notEqual(s.token, 'attacker-chosen-token-0123456789');
      assert.notEqual(s.confirmToken, 'attacker-chosen-confirm-0123456789');
      assert.equal((await app.request(unsubscribePath('attacker-chosen-token-0123456789'))).status, 404);
      assert.equal((await postForm(app, confirmPath('attacker-chosen-confirm-0123456789'), '')).status, 404);
      assert.equal((await t.store.listEditors()).length, editors);
      assert.equal((await mustSub('mass@example.org')).status, 'pending');
    });

    it('leaves Object.prototype alone whatever keys the form or the webhook body has', async () => {
      const app = makeApp();
      const hostile = '__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__.polluted=1&__proto__=polluted&constructor.prototype.polluted=1';
      assert.equal((await subscribe(app, `email=proto%40example.org&website=&${hostile}`)).status, 200);
      const mp = new FormData();
      mp.append('email', 'proto-multipart@example.org');
      mp.append('website', '');
      for (const k of ['__proto__[polluted]', 'constructor[prototype][polluted]', '__proto__', '__proto__.polluted']) mp.append(k, '1');
      const multipart = await app.request('/subscribe', { method: 'POST', headers: { ...SAME_SITE, 'x-forwarded-for': freshIp() }, body: mp });
      assert.equal(multipart.status, 200);
      const json = await app.request('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json', ...SAME_SITE, 'x-forwarded-for': freshIp() }, body: '{"email":"proto-json@example.org","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}' });
      assert.equal(json.status, 400);
      const s = await confirmedSubscriber(app, 'proto-prefs@example.org');
      assert.equal((await postForm(app, preferencesPath(s.token), `show=en&frequency=weekly&${hostile}`)).status, 200);
      await webhook(app, '{"id":"proto-1","address":"nobody@example.org","type":"soft","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}');
      await webhook(app, '[{"id":"proto-2","address":"nobody@example.org","type":"soft","__proto__":{"polluted":1}}]');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
      assert.equal((Object as unknown as Record<string, unknown>).polluted, undefined);
      assert.equal((await mustSub('proto@example.org')).status, 'pending');
      assert.equal((await mustSub('proto-multipart@example.org')).status, 'pending');
      assert.equal((await mustSub('proto-prefs@example.org')).show, 'en');
    });

    it('answers 413 to a body over 8 KiB and 403 to a cross-site POST, storing nothing; a filled honeypot gets the usual answer and nothing happens', async () => {
      const app = makeApp();
      const before = await subscriberTotal();
      const big = await subscribe(app, { email: 'big@example.org', filler: 'x'.repeat(9 * 1024) });
      assert.equal(big.status, 413);
      assert.equal(await sub('big@example.org'), null);
      const cross = await subscribe(app, { email: 'cross@example.org' }, CROSS_SITE);
      assert.equal(cross.status, 403);
      assert.equal((await subscribe(app, { email: 'cross@example.org' }, { origin: 'https://evil.example', 'sec-fetch-site': '' })).status, 403);
      assert.equal((await subscribe(app, { email: 'cross@example.org' }, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status, 403);
      assert.equal(await sub('cross@example.org'), null);
      // the honeypot: same status and bytes as a real subscription, nothing stored, nothing queued
      const real = await snapshot(await subscribe(app, { email: 'honest@example.org' }));
      const bot = await snapshot(await subscribe(app, { email: 'bot@example.org', website: 'http://spam.example' }));
      const bot2 = await snapshot(await subscribe(app, 'email=bot2%40example.org&website=&website=x'));
      assert.deepEqual(bot, real);
      assert.deepEqual(bot2, real);
      assert.equal(await sub('bot@example.org'), null);
      assert.equal(await sub('bot2@example.org'), null);
      assert.equal(await subscriberTotal(), before + 1);
      // a browser on this site whose page sent no referrer (Origin: null) may post
      assert.equal((await subscribe(app, { email: 'null-origin@example.org' }, { origin: 'null', 'sec-fetch-site': 'same-origin' })).status, 200);
      assert.ok(await sub('null-origin@example.org'));
    });

    // -----------------------------------------------------------------------------------------
    // Unsubscribe (section 0 item 4, case 34)

    it('the unsubscribe link: a GET (a scanner prefetch) shows a button and never unsubscribes', async () => {
      const app = makeApp();
      const s = await confirmedSubscriber(app, 'scanned@example.org');
      const pub = await publishByEmail();
      assert.ok(pub.queued >= 1);
      for (const method of ['GET', 'HEAD', 'GET', 'OPTIONS']) await app.request(unsubscribePath(s.token), { method });
      const page = await app.request(`${unsubscribePath(s.token)}?utm_source=mail&utm_medium=email`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, new RegExp(`<form method="post" action="${unsubscribePath(s.token)}"><button type="submit">`));
      assert.equal((await mustSub(s.email)).status, 'confirmed');
      assert.deepEqual((await deliveries(s.email, 'edition')).map((d) => d.status), ['pending']);
    });

    it('one-click unsubscribe (RFC 8058): 200 without a redirect, no Origin or cookie needed, pending mail cancelled, idempotent, and the next publication skips them', async () => {
      const app = makeApp();
      const s = await confirmedSubscriber(app, 'leaver@example.org');
      const stays = await confirmedSubscriber(app, 'stays@example.org');
      const pub = await publishByEmail();
      assert.deepEqual((await deliveries(s.email, 'edition')).map((d) => [d.ref, d.status]), [[pub.ref, 'pending']]);
      const res = await oneClick(app, s.token);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('location'), null);
      assert.equal(res.headers.get('set-cookie'), null);
      assert.match(await res.text(), /role="status"/);
      const left = await mustSub(s.email);
      assert.equal(left.status, 'unsubscribed');
      assert.ok(left.leftAt);
      assert.deepEqual((await deliveries(s.email, 'edition')).map((d) => d.status), ['cancelled']);
      assert.deepEqual((await deliveries(stays.email, 'edition')).map((d) => d.status), ['pending']);
      // again: still 200, still unsubscribed
      for (let i = 0; i < 3; i++) assert.equal((await oneClick(app, s.token)).status, 200);
      assert.equal((await mustSub(s.email)).status, 'unsubscribed');
      // the GET page now says so, with no button
      const after = await (await app.request(unsubscribePath(s.token))).text();
      assert.doesNotMatch(after, /<form method="post"/);
      // the send that follows leaves them out; the next publication does not queue them at all
      const rec = recorder();
      await drain(rec.mailer);
      assert.equal(rec.to(s.email).length, 0);
      assert.equal(rec.to(stays.email).length, 1);
      const next = await publishByEmail();
      assert.deepEqual((await deliveries(s.email, 'edition')).map((d) => d.ref), [pub.ref]);
      assert.deepEqual((await deliveries(stays.email, 'edition')).map((d) => d.ref), [pub.ref, next.ref]);
    });

    it('one-click also works as multipart, with an empty body, with a query string added, and from a provider\'s cross-site POST', async () => {
      const app = makeApp();
      const a = await confirmedSubscriber(app, 'multipart@example.org');
      const b = await confirmedSubscriber(app, 'crosssite@example.org');
      const c = await confirmedSubscriber(app, 'querystring@example.org');
      const d = await confirmedSubscriber(app, 'emptybody@example.org');
      const fd = new FormData();
      fd.append('List-Unsubscribe', 'One-Click');
      const ra = await app.request(unsubscribePath(a.token), { method: 'POST', body: fd });
      const rb = await oneClick(app, b.token, { ...CROSS_SITE, cookie: 'pb_reader=0123456789abcdef0123456789abcdef' });
      const rc = await app.request(`${unsubscribePath(c.token)}?utm_source=mail`, { method: 'POST', headers: FORM, body: ONE_CLICK });
      const rd = await app.request(unsubscribePath(d.token), { method: 'POST' });
      for (const r of [ra, rb, rc, rd]) {
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('location'), null);
      }
      for (const s of [a, b, c, d]) assert.equal((await mustSub(s.email)).status, 'unsubscribed', s.email);
    });

    it('a forged, unknown or wrong-purpose token gets 404 and changes nothing', async () => {
      const app = makeApp();
      const s = await confirmedSubscriber(app, 'target@example.org');
      await subscribe(app, { email: 'pending-target@example.org' });
      const pending = await mustSub('pending-target@example.org');
      const flip = (tok: string) => tok.slice(0, -1) + (tok.endsWith('A') ? 'B' : 'A');
      const notFound = await snapshot(await oneClick(app, randomBytes(32).toString('base64url')));
      assert.equal(notFound.status, 404);
      for (const token of [flip(s.token), s.token.slice(0, -1), s.token.toUpperCase() === s.token ? s.token.toLowerCase() : s.token.toUpperCase(), pending.confirmToken!, 'x', '..%2F..%2Fetc', `${s.token}%00`, 'A'.repeat(200)]) {
        const res = await oneClick(app, token);
        assert.equal(res.status, 404, token);
        assert.equal((await app.request(unsubscribePath(token))).status, 404, token);
        assert.equal((await app.request(preferencesPath(token))).status, 404, token);
        assert.equal((await postForm(app, preferencesPath(token), 'show=en&frequency=daily')).status, 404, token);
      }
      // the unsubscribe token does not confirm
      assert.equal((await postForm(app, confirmPath(pending.token), '')).status, 404);
      // every unknown token gets the same page
      assert.deepEqual(await snapshot(await oneClick(app, flip(s.token))), notFound);
      const after = await mustSub(s.email);
      assert.equal(after.status, 'confirmed');
      assert.deepEqual([after.show, after.frequency], ['both', 'weekly']);
      assert.equal((await mustSub(pending.email)).status, 'pending');
    });

    it('coming back through the form after unsubscribing goes through double opt-in again', async () => {
      const app = makeApp();
      const s = await confirmedSubscriber(app, 'returner@example.org');
      assert.equal((await oneClick(app, s.token)).status, 200);
      // outside the confirmation cooldown of their first sign-up
      tick(11 * MIN);
      assert.equal((await subscribe(app, { email: s.email, show: 'en' })).status, 200);
      const back = await mustSub(s.email);
      assert.equal(back.status, 'pending');
      assert.equal(back.show, 'en');
      assert.ok(back.confirmToken);
      assert.equal((await deliveries(s.email, 'confirm')).filter((d) => d.status === 'pending').length, 1);
      // pending: a publication now does not reach them
      const first = await publishByEmail();
      assert.equal((await deliveries(s.email, 'edition')).length, 0);
      const rec = recorder();
      await drain(rec.mailer);
      const mails = rec.to(s.email);
      assert.equal(mails.length, 1);
      assert.ok(mails[0]!.mail.text.includes(`${BASE}/email/confirm/${back.confirmToken}`));
      assert.equal((await postForm(app, confirmPath(back.confirmToken!), '')).status, 200);
      assert.equal((await mustSub(s.email)).status, 'confirmed');
      const second = await publishByEmail();
      assert.deepEqual((await deliveries(s.email, 'edition')).map((d) => d.ref), [second.ref]);
      assert.notEqual(first.ref, second.ref);
    });

    // -----------------------------------------------------------------------------------------
    // Preferences

    it('preferences: the page shows the current choices, a POST changes them, bad values get 400, and the next mail follows', async () => {
      const app = makeApp();
      const p = await confirmedSubscriber(app, 'prefs@example.org');
      const control = await confirmedSubscriber(app, 'control@example.org');
      const daily = await confirmedSubscriber(app, 'daily@example.org');
      const checked = (html: string, name: string) => [...html.matchAll(new RegExp(`name="${name}" value="([a-z]+)" checked`, 'g'))].map((m) => m[1]);

      const page = await app.request(preferencesPath(p.token));
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.deepEqual(checked(html, 'show'), ['both']);
      assert.deepEqual(checked(html, 'frequency'), ['weekly']);
      assert.ok(html.includes(`href="${unsubscribePath(p.token)}"`));
      assert.match(html, new RegExp(`<form method="post" action="${preferencesPath(p.token)}">`));

      const saved = await postForm(app, preferencesPath(p.token), 'show=en&frequency=weekly');
      assert.equal(saved.status, 200);
      const savedHtml = await saved.text();
      assert.match(savedHtml, /role="status"/);
      assert.deepEqual(checked(savedHtml, 'show'), ['en']);
      assert.deepEqual(checked(await (await app.request(preferencesPath(p.token))).text(), 'show'), ['en']);

      // bad values: 400 naming them, nothing changed
      for (const [body, bad] of [
        ['show=en&frequency=hourly', 'frequency'],
        ['show=x&frequency=weekly', 'show'],
        ['show=&frequency=', 'show, frequency'],
      ] as const) {
        const res = await postForm(app, preferencesPath(p.token), body);
        assert.equal(res.status, 400, body);
        assert.ok((await res.text()).includes(bad), `${body}: names ${bad}`);
      }
      // other fields are ignored; another site cannot change them
      assert.equal((await postForm(app, preferencesPath(p.token), 'show=en&frequency=weekly&status=unsubscribed&lang=en&email=evil%40example.org&token=x')).status, 200);
      assert.equal((await postForm(app, preferencesPath(p.token), 'show=target&frequency=daily', CROSS_SITE)).status, 403);
      const unchanged = await mustSub(p.email);
      assert.deepEqual([unchanged.status, unchanged.lang, unchanged.show, unchanged.frequency, unchanged.token], ['confirmed', 'ko', 'en', 'weekly', p.token]);
      assert.equal(await sub('evil@example.org'), null);
      assert.equal((await postForm(app, preferencesPath(daily.token), 'show=both&frequency=daily')).status, 200);

      // the next edition (the real seed edition, published by e-mail): English only for prefs@,
      // both languages for control@, nothing weekly for daily@, who gets the day's mail instead
      const published = await publishEdition(t.store, seedEditionId, { lang: 'ko', channels: ['email'], allowDrafts: true, now: clock });
      assert.equal(published.refused, null);
      assert.ok((published.published[0]!.queued ?? 0) >= 2);
      assert.equal((await deliveries(daily.email, 'edition')).length, 0);
      const day = localDay(now, SETTINGS.timezone);
      await queueDaily(t.store, day, SETTINGS.timezone, now);
      assert.deepEqual((await deliveries(daily.email, 'daily')).map((d) => d.ref), [`day:${day}:ko`]);
      assert.equal((await deliveries(control.email, 'daily')).length, 0);

      const rec = recorder();
      await drain(rec.mailer);
      const [mine] = rec.to(p.email);
      const [theirs] = rec.to(control.email);
      const [day1] = rec.to(daily.email);
      assert.ok(mine && theirs && day1, 'each got their mail');
      assert.equal(rec.to(p.email).length + rec.to(control.email).length + rec.to(daily.email).length, 3);
      assert.doesNotMatch(mine.mail.text, HANGUL, 'English only');
      assert.match(mine.mail.text, /Many-shot Jailbreaking/);
      assert.match(theirs.mail.text, HANGUL);
      assert.match(theirs.mail.text, /Many-shot Jailbreaking/);
      assert.notEqual(day1.mail.subject, theirs.mail.subject);

      // every link in the mail is the recipient's own and works (section 0 item 4: no unresolved markers)
      const m = mine.mail;
      const listUnsub = m.headers['List-Unsubscribe'] ?? '';
      assert.equal(listUnsub, `<${BASE}${unsubscribePath(p.token)}>, <mailto:${SETTINGS.unsubscribeMailto}?subject=unsubscribe%20${p.token}>`);
      assert.equal(m.headers['List-Unsubscribe-Post'], ONE_CLICK);
      assert.equal(m.headers['List-Id'], `<${SETTINGS.listId}>`);
      for (const part of [m.text, m.html]) {
        assert.ok(part.includes(`${BASE}${unsubscribePath(p.token)}`), 'a visible unsubscribe link');
        assert.ok(part.includes(`${BASE}${preferencesPath(p.token)}`), 'a preferences link');
        assert.doesNotMatch(part, /\{\{|%recipient|PBSUBSCRIBERTOKEN/);
        assert.ok(!part.includes(control.token) && !part.includes(daily.token), 'no other subscriber\'s token');
      }
      // the mail provider's one-click on that very header
      const url = new URL(/<(https:[^>]+)>/.exec(listUnsub)![1]!);
      const res = await app.request(url.pathname + url.search, { method: 'POST', headers: FORM, body: ONE_CLICK });
      assert.equal(res.status, 200);
      assert.equal((await mustSub(p.email)).status, 'unsubscribed');
    });

    // -----------------------------------------------------------------------------------------
    // Webhook (case 20)

    it('the bounce webhook: 404 without a secret configured; 401 and no change with a wrong or missing secret', async () => {
      const s = await confirmedSubscriber(makeApp(), 'hook-auth@example.org');
      const off = makeApp({ mailWebhookSecret: undefined });
      assert.equal((await webhook(off, { id: 'off-1', address: s.email, type: 'hard' })).status, 404);
      const app = makeApp();
      for (const auth of [null, '', 'Bearer', 'Bearer ', `Bearer ${SECRET}x`, `Bearer ${SECRET.slice(0, -1)}`, `bearer${SECRET}`, `Basic ${Buffer.from(`x:${SECRET}`).toString('base64')}`, SECRET]) {
        const res = await webhook(app, { id: `forged-${auth}`, address: s.email, type: 'hard' }, auth);
        assert.equal(res.status, 401, String(auth));
        assert.equal(res.headers.get('cache-control'), 'no-store');
      }
      assert.equal((await mustSub(s.email)).status, 'confirmed');
      // the forged ids were not recorded: the real event with one of them still applies
      assert.deepEqual(await (await webhook(app, { id: `forged-${SECRET}`, address: s.email, type: 'soft' })).json(), { applied: 1, duplicate: 0, 'unknown-address': 0 });
      assert.equal((await mustSub(s.email)).softBounces, 1);
    });

    it('a hard bounce suppresses the address and cancels its queued mail before the next send; a complaint too; the form cannot bring them back', async () => {
      const app = makeApp();
      const hard = await confirmedSubscriber(app, 'hard@example.org');
      const complaint = await confirmedSubscriber(app, 'complaint@example.org');
      const pub = await publishByEmail();
      assert.equal((await deliveries(hard.email, 'edition')).length, 1);
      const r1 = await webhook(app, { id: 'evt-hard-1', address: 'HARD@Example.org', type: 'hard' });
      assert.equal(r1.status, 200);
      assert.equal(r1.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await r1.json(), { applied: 1, duplicate: 0, 'unknown-address': 0 });
      assert.equal((await mustSub(hard.email)).status, 'bounced');
      assert.deepEqual((await deliveries(hard.email, 'edition')).map((d) => d.status), ['cancelled']);
      assert.deepEqual(await (await webhook(app, [{ id: 'evt-complaint-1', address: complaint.email, type: 'complaint' }])).json(), { applied: 1, duplicate: 0, 'unknown-address': 0 });
      assert.equal((await mustSub(complaint.email)).status, 'complained');
      const rec = recorder();
      await drain(rec.mailer);
      assert.equal(rec.to(hard.email).length + rec.to(complaint.email).length, 0);
      // the next publication and the form leave them alone
      await publishByEmail();
      assert.deepEqual((await deliveries(hard.email, 'edition')).map((d) => d.ref), [pub.ref]);
      tick(11 * MIN);
      assert.equal((await subscribe(app, { email: hard.email })).status, 200);
      assert.equal((await subscribe(app, { email: complaint.email })).status, 200);
      assert.equal((await mustSub(hard.email)).status, 'bounced');
      assert.equal((await mustSub(complaint.email)).status, 'complained');
      assert.equal((await deliveries(hard.email, 'confirm')).filter((d) => d.status === 'pending').length, 0);
      // an event for an address we do not know is counted, not an error
      assert.deepEqual(await (await webhook(app, { id: 'evt-unknown-1', address: 'stranger@example.org', type: 'hard' })).json(), { applied: 0, duplicate: 0, 'unknown-address': 1 });
    });

    it(`soft bounces suppress only at the ${SOFT_BOUNCE_LIMIT}th; a repeated event id (or a repeated event without one) counts once`, async () => {
      const app = makeApp();
      const s = await confirmedSubscriber(app, 'soft@example.org');
      for (let i = 1; i < SOFT_BOUNCE_LIMIT; i++) {
        assert.deepEqual(await (await webhook(app, { id: `soft-${i}`, address: s.email, type: 'soft' })).json(), { applied: 1, duplicate: 0, 'unknown-address': 0 });
        // the provider retries the same delivery of the event
        assert.deepEqual(await (await webhook(app, { id: `soft-${i}`, address: s.email, type: 'soft' })).json(), { applied: 0, duplicate: 1, 'unknown-address': 0 });
      }
      let after = await mustSub(s.email);
      assert.equal(after.status, 'confirmed');
      assert.equal(after.softBounces, SOFT_BOUNCE_LIMIT - 1);
      // a batch with the same event twice: once
      assert.deepEqual(await (await webhook(app, [{ id: 'soft-last', address: s.email, type: 'soft' }, { id: 'soft-last', address: s.email, type: 'soft' }])).json(), { applied: 1, duplicate: 1, 'unknown-address': 0 });
      after = await mustSub(s.email);
      assert.equal(after.status, 'bounced');
      assert.equal(after.softBounces, SOFT_BOUNCE_LIMIT);
      // without an id, the event itself is its id
      const t2 = await confirmedSubscriber(app, 'soft-noid@example.org');
      const ev = { address: t2.email, type: 'soft', timestamp: '2024-05-06T10:00:00Z' };
      assert.deepEqual(await (await webhook(app, ev)).json(), { applied: 1, duplicate: 0, 'unknown-address': 0 });
      assert.deepEqual(await (await webhook(app, ev)).json(), { applied: 0, duplicate: 1, 'unknown-address': 0 });
      assert.deepEqual(await (await webhook(app, { ...ev, timestamp: '2024-05-06T11:00:00Z' })).json(), { applied: 1, duplicate: 0, 'unknown-address': 0 });
      assert.equal((await mustSub(t2.email)).softBounces, 2);
    });

    it('the webhook refuses malformed JSON and bad events with 400 listing the problems, and applies nothing of a bad batch', async () => {
      const app = makeApp();
      const s = await confirmedSubscriber(app, 'hook-bad@example.org');
      const malformed = await webhook(app, '{"id": "x", "address": ');
      assert.equal(malformed.status, 400);
      assert.match(((await malformed.json()) as { error: string }).error, /JSON/);
      const bad = await webhook(app, { id: 'bad-1', address: s.email, type: 'vacation' });
      assert.equal(bad.status, 400);
      const body = (await bad.json()) as { error: string; problems: string[] };
      assert.deepEqual(body.problems, ['event.type: expected hard, soft, complaint']);
      const batch = await webhook(app, [
        { id: 'ok-1', address: s.email, type: 'hard' },
        { id: 'bad-2', address: 'a@b.com\r\nBcc: x@y.z', type: 'hard' },
        { id: 3, address: s.email, type: 'soft' },
        'not an object',
        { address: s.email },
      ]);
      assert.equal(batch.status, 400);
      const problems = ((await batch.json()) as { problems: string[] }).problems;
      assert.ok(problems.some((p) => p.startsWith('[1].address:')), problems.join('; '));
      assert.ok(problems.some((p) => p.startsWith('[2].id:')), problems.join('; '));
      assert.ok(problems.some((p) => p.startsWith('[3]: not an object')), problems.join('; '));
      assert.ok(problems.some((p) => p.startsWith('[4].type:')), problems.join('; '));
      assert.ok(!problems.some((p) => p.startsWith('[0]')), problems.join('; '));
      const after = await mustSub(s.email);
      assert.equal(after.status, 'confirmed');
      assert.equal(after.softBounces, 0);
      // the good event of the refused batch was not recorded either: sent alone, it applies
      assert.deepEqual(await (await webhook(app, { id: 'ok-1', address: s.email, type: 'soft' })).json(), { applied: 1, duplicate: 0, 'unknown-address': 0 });
      const tooMany = await webhook(app, Array.from({ length: 1001 }, (_, i) => ({ id: `many-${i}`, address: s.email, type: 'soft' })));
      assert.equal(tooMany.status, 400);
      assert.equal((await mustSub(s.email)).softBounces, 1);
    });

    // -----------------------------------------------------------------------------------------
    // Unsubscribing while a send runs (case 26, small)

    it('unsubscribing during a send: every POST is 200, and nobody gets mail after their unsubscribe committed unless it was already in flight', async (tc) => {
      const app = makeApp();
      // 200 confirmed weekly subscribers (imported: the form's confirmations are tested above)
      const at = clock().toISOString();
      const emails = Array.from({ length: 200 }, (_, i) => `storm-${String(i).padStart(3, '0')}@example.org`);
      const { inserted } = await t.store.transaction((tx) => tx.importSubscribers(emails.map((email) => ({ email, lang: 'ko', show: 'both', frequency: 'weekly', status: 'confirmed', source: 'import', token: randomBytes(32).toString('base64url'), at }))));
      assert.equal(inserted, 200);
      // nothing else waits in the outbox
      await drain(recorder().mailer);
      const pub = await publishByEmail();
      assert.ok(pub.queued >= 200);
      const storm: Array<{ email: string; token: string; delivery: number }> = [];
      for (const email of emails) {
        const s = await mustSub(email);
        const [d] = (await t.store.deliveriesOf(s.id)).filter((x) => x.ref === pub.ref);
        storm.push({ email, token: s.token, delivery: d!.id });
      }
      storm.sort((a, b) => a.delivery - b.delivery);

      // watch the worker's claims and finishes (the store is shared with the web app)
      const claimStarted = new Map<number, number>();
      const finishedAt = new Map<number, number>();
      const watch = <T extends object>(ops: T): T =>
        new Proxy(ops, {
          get(target, prop) {
            const v = Reflect.get(target, prop, target) as unknown;
            if (typeof v !== 'function') return v;
            const f = (v as (...a: unknown[]) => Promise<unknown>).bind(target);
            if (prop === 'claimDeliveries') {
              return async (...args: unknown[]) => {
                const started = performance.now();
                const rows = (await f(...args)) as Array<{ id: number }>;
                for (const r of rows) claimStarted.set(r.id, started);
                return rows;
              };
            }
            if (prop === 'finishDelivery' || prop === 'releaseDeliveries') {
              return async (...args: unknown[]) => {
                const r = await f(...args);
                for (const id of [args[0]].flat() as number[]) finishedAt.set(id, performance.now());
                return r;
              };
            }
            // a claim may run inside a transaction: watch the transaction's operations too
            if (prop === 'transaction') return (fn: (tx: object) => Promise<unknown>) => f((tx: object) => fn(watch(tx)));
            return f;
          },
        });
      const watched = watch(t.store);

      const rec = recorder(5);
      let done = false;
      const sending = drain(rec.mailer, { store: watched }, { concurrency: 4 }).finally(() => (done = true));
      // whatever fails below, the send ends before the store is closed
      const clicks: Array<{ email: string; delivery: number; status: number; location: string | null; start: number; commit: number; midSend: boolean }> = [];
      let victims: typeof storm = [];
      try {
        while (rec.sent.length < 30 && !done) await sleep(1);
        assert.equal(done, false, 'the send is still running');

        // 10 recipients leave while it runs: one whose mail the worker holds right now (in flight),
        // the others further down the queue
        const held = storm.filter((s) => claimStarted.has(s.delivery) && !finishedAt.has(s.delivery));
        assert.ok(held.length > 0, `the worker holds some deliveries (claimed ${claimStarted.size}, finished ${finishedAt.size})`);
        victims = [held[held.length - 1]!, ...[60, 75, 90, 105, 120, 135, 150, 170, 195].map((i) => storm[i]!)];
        assert.equal(new Set(victims).size, 10);
        for (const v of victims) {
          const start = performance.now();
          const res = await oneClick(app, v.token);
          const commit = performance.now();
          clicks.push({ email: v.email, delivery: v.delivery, status: res.status, location: res.headers.get('location'), start, commit, midSend: !done });
          await res.arrayBuffer();
          await sleep(2);
        }
      } finally {
        await sending.catch(() => {});
      }
      const summary = await sending;

      assert.deepEqual(clicks.map((c) => c.status), Array(10).fill(200));
      assert.deepEqual(clicks.map((c) => c.location), Array(10).fill(null));
      assert.ok(clicks.filter((c) => c.midSend).length >= 5, `most unsubscribes came while sending (${clicks.filter((c) => c.midSend).length})`);
      let sentAfterCommit = 0;
      let inFlightAtCommit = 0;
      for (const c of clicks) {
        assert.equal((await mustSub(c.email)).status, 'unsubscribed');
        const mails = rec.to(c.email);
        assert.ok(mails.length <= 1, `${c.email}: ${mails.length} mails`);
        const claimed = claimStarted.get(c.delivery);
        // a delivery claimed after the unsubscribe committed would mean it was not cancelled
        assert.ok(claimed === undefined || claimed < c.commit, `${c.email} was claimed after unsubscribing`);
        const inFlight = claimed !== undefined && claimed < c.commit && (finishedAt.get(c.delivery) ?? Infinity) >= c.start;
        if (inFlight) inFlightAtCommit++;
        sentAfterCommit += mails.filter((m) => m.start > c.commit).length;
        const [row] = (await deliveries(c.email, 'edition')).filter((d) => d.id === c.delivery);
        assert.equal(row!.status, mails.length ? 'accepted' : 'cancelled', c.email);
      }
      assert.ok(sentAfterCommit <= inFlightAtCommit, `sent after the unsubscribe committed: ${sentAfterCommit}, in flight then: ${inFlightAtCommit}`);
      const cancelled = clicks.filter((c) => rec.to(c.email).length === 0).length;
      assert.ok(cancelled >= 1, 'at least one unsubscribe came before its mail was claimed');
      // everyone else got exactly one
      const others = storm.filter((s) => !victims.includes(s));
      for (const s of others) assert.equal(rec.to(s.email).length, 1, s.email);
      assert.equal(rec.sent.filter((m) => m.mail.to.startsWith('storm-')).length, others.length + (victims.length - cancelled));
      assert.equal(summary.accepted, rec.sent.length);
      assert.equal(summary.cancelled, 0, 'cancelled rows were never claimed');
      assert.equal((await t.store.inFlightDeliveries()).length, 0);
      const diagnostic = `${engine.name}: ${victims.length} unsubscribes during a ${storm.length}-mail send: ${cancelled} cancelled in time, ${victims.length - cancelled} already claimed; sent after commit ${sentAfterCommit} ≤ in flight ${inFlightAtCommit}; max unsubscribe ${Math.max(...clicks.map((c) => c.commit - c.start)).toFixed(1)} ms`;
      tc.diagnostic(diagnostic);
    });

    // -----------------------------------------------------------------------------------------
    // Headers and navigation

    it('every e-mail page is no-store with the security headers, and every page links the subscribe page', async () => {
      const app = makeApp();
      const s = await confirmedSubscriber(app, 'headers@example.org');
      await subscribe(app, { email: 'headers-pending@example.org' });
      const pending = await mustSub('headers-pending@example.org');
      const pages: Array<[string, () => Response | Promise<Response>]> = [
        ['GET /subscribe', () => app.request('/subscribe')],
        ['GET /subscribe?lang=en', () => app.request('/subscribe?lang=en')],
        ['POST /subscribe', () => subscribe(app, { email: 'headers-new@example.org' })],
        ['POST /subscribe 400', () => subscribe(app, { email: 'nope' })],
        ['GET confirm', () => app.request(confirmPath(pending.confirmToken!))],
        ['GET confirm unknown', () => app.request(confirmPath(randomBytes(32).toString('base64url')))],
        ['POST confirm unknown', () => postForm(app, confirmPath(randomBytes(32).toString('base64url')), '')],
        ['GET unsubscribe', () => app.request(unsubscribePath(s.token))],
        ['GET unsubscribe unknown', () => app.request(unsubscribePath('x'))],
        ['GET preferences', () => app.request(preferencesPath(s.token))],
        ['POST preferences 400', () => postForm(app, preferencesPath(s.token), 'show=x')],
        ['POST preferences', () => postForm(app, preferencesPath(s.token), 'show=both&frequency=weekly')],
        ['POST confirm', () => postForm(app, confirmPath(pending.confirmToken!), '')],
      ];
      for (const [name, p] of pages) {
        const res = await p();
        assert.equal(res.headers.get('cache-control'), 'no-store', name);
        assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/, name);
        assert.match(res.headers.get('content-security-policy') ?? '', /form-action 'self'/, name);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', name);
        assert.equal(res.headers.get('referrer-policy'), 'no-referrer', name);
        assert.equal(res.headers.get('x-frame-options'), 'DENY', name);
        assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/, name);
        assert.match(res.headers.get('content-type') ?? '', /text\/html/, name);
        assert.match(await res.text(), /<nav class="site"[^]*href="\/subscribe\?lang=ko">/, name);
      }
      // the subscribe page in English is in English, and posts its language
      const en = await (await app.request('/subscribe?lang=en')).text();
      assert.match(en, /<html lang="en">/);
      assert.match(en, /<input type="hidden" name="lang" value="en">/);
      assert.match(en, /name="website"[^>]*tabindex="-1"/);
      // the one-click answer, the webhook, the 403, 413 and 429 answers carry the security headers too
      const others: Array<[string, Response]> = [
        ['POST unsubscribe', await oneClick(app, s.token)],
        ['webhook', await webhook(app, { id: 'hdr-1', address: s.email, type: 'soft' })],
        ['403', await subscribe(app, { email: 'x@example.org' }, CROSS_SITE)],
        ['413', await subscribe(app, { email: 'x@example.org', filler: 'y'.repeat(10_000) })],
      ];
      for (const [name, res] of others) {
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', name);
        assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/, name);
      }
      assert.equal(others[0]![1].headers.get('cache-control'), 'no-store');
      assert.equal(others[1]![1].headers.get('cache-control'), 'no-store');
      // every page of the site links the subscribe page from its navigation
      for (const path of ['/', '/search', '/search?q=agent', '/editions/2019-01-01', '/papers/arxiv/9999.99999', '/no/such/page']) {
        const html = await (await app.request(path)).text();
        assert.match(html, /<nav class="site"[^]*<a href="\/subscribe\?lang=ko">/, path);
      }
      // and the page it links is the form
      const form = await (await app.request('/subscribe?lang=ko')).text();
      assert.match(form, /<form method="post" action="\/subscribe" class="subscribe">/);
      assert.match(form, /<input id="email" name="email" type="email" required maxlength="254"/);
    });
  });
}
