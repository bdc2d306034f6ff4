// The editor desk end to end on both engines: editors made with the CLI, login and sessions, the
// review page (findings marked on both sides), edits over a revision, conflicts, CSRF, dismissals,
// approvals, publishing, readers' corrections, logout and disabling. Routes go through the app's
// request function, without a socket; the clock is the test's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, spawnCli, UPSTREAM_MD } from './support/cli.js';
import { createWebApp } from '../src/web/app.js';
import { suggestCorrection } from '../src/pipeline/review.js';
import type { TextRef } from '../src/ports.js';
import type { Hono } from 'hono';

const ED = 'ed@example.org';
const ED_PW = 'correct horse battery staple';
const SECOND = 'second@example.org';
const SECOND_PW = 'another long passphrase';
const WEEK = '/desk/editions/2024-04-01';
const REVIEW = `${WEEK}?lang=ko`;
const SAME_ORIGIN = { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' };

const cookieOf = (res: Response) => /__Host-pb_desk=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null;
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const section = (html: string, id: string) => {
  const start = html.indexOf(`<section class="desk-text" id="${id}">`);
  assert.ok(start >= 0, `section ${id}`);
  return html.slice(start, html.indexOf('</section>', start));
};

for (const engine of ENGINES) {
  describe(`the editor desk on ${engine.name}`, () => {
    let t: TestStore;
    let app: Hono;
    let clock = new Date('2024-04-08T09:00:00Z');
    const tick = (ms: number) => (clock = new Date(clock.getTime() + ms));
    let editionId = 0;
    let abstractRef: TextRef;
    let fixed = '';

    const get = (path: string, cookie?: string | null) => app.request(path, { headers: cookie ? { cookie: `__Host-pb_desk=${cookie}` } : {} });
    const post = (path: string, cookie: string | null, fields: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers, ...(cookie ? { cookie: `__Host-pb_desk=${cookie}` } : {}) },
        body: new URLSearchParams(fields).toString(),
      });
    const login = (email: string, password: string, opts: { ip?: string; cookie?: string } = {}) =>
      app.request('/desk/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN, 'x-forwarded-for': opts.ip ?? '192.0.2.1', ...(opts.cookie ? { cookie: `__Host-pb_desk=${opts.cookie}` } : {}) },
        body: new URLSearchParams({ email, password }).toString(),
      });
    const session = async (email: string, password: string, ip?: string) => {
      // an editor logs in now and then, not five times a minute (the login limit)
      tick(15_000);
      const res = await login(email, password, { ip });
      assert.equal(res.status, 303, `login ${email}`);
      return cookieOf(res)!;
    };
    /** the review page and its CSRF token for this session */
    const review = async (cookie: string, query = '') => {
      const res = await get(`${REVIEW}${query}`, cookie);
      assert.equal(res.status, 200);
      const html = await res.text();
      return { html, csrf: csrfOf(html) };
    };
    const abstract = async () => (await t.store.getText(abstractRef))!;
    const textFields = (ref: TextRef, revision: number) => ({ lang: ref.lang, kind: ref.ownerKind, owner: ref.ownerId, field: ref.field, revision: String(revision) });

    before(async () => {
      t = await engine.open();
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
      assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], t.env)).code, 0);
      assert.equal((await cli(['check', '--week', '2024-04-01', '--lang', 'ko'], t.env)).code, 0);
      editionId = (await t.store.getEditionByStart('2024-04-01'))!.id;
      abstractRef = { ownerKind: 'paper', ownerId: 'arxiv:2404.02060', field: 'abstract', lang: 'ko' };
      app = createWebApp({ store: t.store, baseUrl: 'https://digest.example.org', defaultLang: 'ko', now: () => clock, trustProxy: true });
    });
    after(async () => {
      await t?.cleanup();
    });

    it('adds, lists, disables and re-passwords editors from the CLI, with clear errors for bad input', async () => {
      const add = await cli(['editor', 'add', ' Ed@Example.org ', '--password-stdin'], t.env, `${ED_PW}\n`);
      assert.equal(add.code, 0, add.err);
      assert.match(add.out, /ed@example\.org can log in at \/desk\/login/);
      assert.equal((await cli(['editor', 'add', SECOND, '--password-stdin'], t.env, SECOND_PW)).code, 0);
      const stored = (await t.store.getEditor({ email: ED }))!;
      assert.match(stored.passwordHash, /^scrypt\$32768\$8\$3\$[\w-]+\$[\w-]+$/);
      assert.doesNotMatch(stored.passwordHash, /correct horse/);

      const bad = async (args: string[], stdin: string, code: number, message: RegExp) => {
        const r = await cli(['editor', ...args], t.env, stdin);
        assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
        assert.match(r.err, message);
        assert.doesNotMatch(r.err, /\n\s+at /);
      };
      await bad(['add', 'not-an-email', '--password-stdin'], ED_PW, 65, /error\[INPUT_INVALID\]: "not-an-email" is not an e-mail address/);
      await bad(['add', 'new@example.org', '--password-stdin'], 'short pw', 65, /password is too short: 8 characters \(at least 12\)/);
      await bad(['add', 'new@example.org', '--password-stdin'], '', 65, /password is too short: 0 characters/);
      await bad(['add', 'ED@example.org', '--password-stdin'], ED_PW, 65, /an editor ed@example\.org already exists/);
      await bad(['add', 'new@example.org'], ED_PW, 2, /error\[USAGE\]: a password is needed; give it on standard input with --password-stdin/);
      await bad(['add', 'new@example.org', '--password', ED_PW], '', 2, /unknown option/);
      await bad(['disable', 'nobody@example.org'], '', 3, /error\[NOT_FOUND\]: no editor nobody@example\.org/);
      await bad(['password', 'nobody@example.org', '--password-stdin'], ED_PW, 3, /no editor nobody@example\.org/);
      await bad(['password', ED, '--password-stdin'], 'tiny', 65, /too short/);
      assert.equal(await t.store.getEditor({ email: 'new@example.org' }), null);

      const list = await cli(['editor', 'list', '--json'], t.env);
      const rows = JSON.parse(list.out) as Array<Record<string, unknown>>;
      assert.deepEqual(rows.map((r) => [r.email, r.disabledAt]), [[ED, null], [SECOND, null]]);
      assert.ok(rows.every((r) => !('passwordHash' in r)));
      assert.doesNotMatch(list.out, /scrypt/);
      assert.match((await cli(['editor', 'list'], t.env)).out, /ed@example\.org\s+active/);
    });

    it('sends anonymous visitors to the login page (GET) or refuses them (POST), for every desk route', async () => {
      const home = await get('/desk');
      assert.equal(home.status, 303);
      assert.equal(home.headers.get('location'), '/desk/login?next=%2Fdesk');
      assert.equal((await get(REVIEW)).headers.get('location'), `/desk/login?next=${encodeURIComponent(REVIEW)}`);
      // an unknown edition looks the same as a known one to someone not logged in
      assert.equal((await get('/desk/editions/2019-01-07')).status, 303);
      for (const path of [`${WEEK}/publish`, `${WEEK}/texts/save`, `${WEEK}/texts/approve-clean`, '/desk/logout']) {
        const r = await post(path, null, { lang: 'ko' });
        assert.equal(r.status, 401, path);
        assert.doesNotMatch(await r.text(), /ed@example|scrypt|\bat \//);
      }
      const form = await get('/desk/login');
      assert.equal(form.status, 200);
      assert.equal(form.headers.get('cache-control'), 'no-store');
      assert.equal(form.headers.get('referrer-policy'), 'no-referrer');
      assert.match(form.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.match(await form.text(), /<form method="post" action="\/desk\/login">/);
    });

    it('answers a wrong password and an unknown address alike, and throttles guessing without locking the owner out', async () => {
      const wrong = await login(ED, 'wrong password!!', { ip: '198.51.100.7' });
      const unknown = await login('nobody@example.org', 'wrong password!!', { ip: '198.51.100.8' });
      const malformed = await login('not an address', 'x', { ip: '198.51.100.9' });
      for (const r of [wrong, unknown, malformed]) {
        assert.equal(r.status, 401);
        assert.equal(r.headers.get('set-cookie'), null);
      }
      const body = await wrong.text();
      assert.match(body, /Wrong e-mail address or password/);
      assert.equal(await unknown.text(), body);
      assert.equal(await malformed.text(), body);
      assert.deepEqual([...wrong.headers], [...unknown.headers]);
      // and about as long: an unknown address costs a password hash too (a missing one would be ~100× faster)
      const time = async (email: string, i: number) => {
        const t0 = performance.now();
        await login(email, 'wrong password!!', { ip: `198.51.100.${20 + i}` });
        return performance.now() - t0;
      };
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const known: number[] = [];
      const unknownTimes: number[] = [];
      for (let i = 0; i < 3; i++) {
        known.push(await time(ED, i));
        unknownTimes.push(await time(`nobody${i}@example.org`, i + 10));
      }
      assert.ok(median(unknownTimes) > median(known) / 3, `unknown ${median(unknownTimes)} ms vs known ${median(known)} ms`);

      // the same account from one address: 5 tries at once, then 429 with Retry-After, even with the right password
      const ip = '203.0.113.5';
      for (let i = 0; i < 5; i++) assert.equal((await login(ED, `guess number ${i}!`, { ip })).status, 401);
      const limited = await login(ED, ED_PW, { ip });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal(limited.headers.get('set-cookie'), null);
      // no lockout a stranger could cause: the owner elsewhere gets in, and here after a wait
      assert.equal((await login(ED, ED_PW, { ip: '203.0.113.6' })).status, 303);
      tick(60_000);
      assert.equal((await login(ED, ED_PW, { ip })).status, 303);
    });

    it('sets a __Host- cookie (Secure, HttpOnly, SameSite=Strict) holding a token the store keeps only as a hash, and rotates it on login', async () => {
      const res = await login(ED, ED_PW);
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/desk');
      assert.match(res.headers.get('set-cookie') ?? '', /^__Host-pb_desk=[\w-]{43}; Path=\/; Max-Age=43200; Secure; HttpOnly; SameSite=Strict$/);
      const token = cookieOf(res)!;
      assert.equal(await t.store.getSession(token), null);
      assert.ok(await t.store.getSession(createHash('sha256').update(token).digest('hex')));
      assert.equal((await get('/desk', token)).status, 200);

      // logging in again with the old cookie ends the old session (fixation)
      const again = await login(ED, ED_PW, { cookie: token });
      const fresh = cookieOf(again)!;
      assert.notEqual(fresh, token);
      assert.equal((await get('/desk', token)).status, 303);
      assert.equal((await get('/desk', fresh)).status, 200);
      // a next= link stays on the desk
      const next = await app.request('/desk/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: ED, password: ED_PW, next: REVIEW }).toString() });
      assert.equal(next.headers.get('location'), REVIEW);
      const away = await app.request('/desk/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: ED, password: ED_PW, next: '//evil.example/desk' }).toString() });
      assert.equal(away.headers.get('location'), '/desk');
      // a login form posted from another site is refused
      const cross = await app.request('/desk/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: new URLSearchParams({ email: ED, password: ED_PW }).toString() });
      assert.equal(cross.status, 403);
      assert.equal(cross.headers.get('set-cookie'), null);
    });

    it('lists the editions, latest first, with each language\'s state', async () => {
      const cookie = await session(ED, ED_PW);
      const res = await get('/desk', cookie);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const html = await res.text();
      const dates = [...html.matchAll(/<tr><td><a href="[^"]+">(\d{4}-\d{2}-\d{2})/g)].map((m) => m[1]!);
      assert.equal(dates.length, 10);
      assert.deepEqual(dates, [...dates].sort().reverse());
      assert.match(html, /<tr><td><a href="\/desk\/editions\/2025-06-23\?lang=ko">2025-06-23 – 2025-06-29<\/a><\/td><td>10 entries<br>imported<\/td><td><ul><li>no target-language texts yet<\/li><\/ul>/);
      // ten a page, latest first: the reference week is on the page its rank puts it
      const rank = (await t.store.listEditions()).map((e) => e.startDate).sort().reverse().indexOf('2024-04-01');
      const page = await (await get(`/desk?page=${Math.floor(rank / 10) + 1}`, cookie)).text();
      assert.match(page, new RegExp(`page ${Math.floor(rank / 10) + 1} of \\d+`));
      assert.match(page, /<a href="\/desk\/editions\/2024-04-01\?lang=ko">ko<\/a>: 30 texts, 0 approved, <span class="badge error">5 open errors<\/span>, 0 pending corrections, not published/);
      assert.ok(!page.includes(`>${dates[0]} – `));
      assert.equal((await get('/desk?page=9999', cookie)).status, 200);
    });

    it('shows each text beside its English source, with the 50K → 50만 error marked on both sides', async () => {
      const cookie = await session(ED, ED_PW);
      const { html } = await review(cookie);
      assert.doesNotMatch(html, /<script/i);
      assert.match(html, /30 texts, 0 approved, 5 open errors, 2 open warnings, 0 pending reader corrections/);
      // reading order: the overview first, then each entry's title, intro, abstract
      const order = [...html.matchAll(/<section class="desk-text" id="([^"]+)"/g)].map((m) => m[1]!);
      assert.equal(order.length, 30);
      assert.ok(order.indexOf('entry-4-title') < order.indexOf('entry-4-abstract'));
      assert.ok(order.indexOf('entry-3-abstract') < order.indexOf('entry-4-title'));
      const s = section(html, 'entry-4-abstract');
      const [finding] = await t.store.getFindings([abstractRef]);
      assert.equal(finding!.rule, 'numbers');
      assert.match(s, /<div class="side source" lang="en"><h4>English source<\/h4><div class="body">Large Language Models/);
      assert.match(s, /<div class="side target" lang="ko">/);
      assert.match(s, new RegExp(`from 2K to <mark class="finding error" id="f${finding!.id}-source" title="[^"]*">50K</mark> tokens`));
      assert.match(s, new RegExp(`2K에서 <mark class="finding error" id="f${finding!.id}-target" title="[^"]*">50만</mark> 토큰`));
      assert.match(s, new RegExp(`<li class="finding error" id="f${finding!.id}">.*numbers.*&quot;50K&quot; \\(50,000\\) in the source became &quot;50만&quot;.*<a href="#f${finding!.id}-target">in the text</a>, <a href="#f${finding!.id}-source">in the source</a>`));
      assert.match(s, /<form method="post" action="\/desk\/editions\/2024-04-01\/findings\/\d+\/dismiss"/);
      assert.match(s, /origin imported · status draft · revision 1 · model GPT/);
      // a warning is marked too, only on the side it has a place in
      assert.match(section(html, 'entry-3-title'), /<mark class="finding warning" id="f\d+-target"/);
      assert.match(html, /No LLM calls were made for this edition/);
      assert.match(html, /<section id="publish"><h3>What blocks publishing<\/h3>/);
      // an unexpected failure: a plain 500 page, the details only in the log
      const logged: unknown[] = [];
      const broken = new Proxy(t.store, { get: (s, k) => (k === 'getEditionBundle' ? () => Promise.reject(new Error('boom in /srv/secret.db')) : Reflect.get(s, k, s)) });
      const failing = await createWebApp({ store: broken, baseUrl: 'https://digest.example.org', defaultLang: 'ko', now: () => clock, logError: (e) => logged.push(e) }).request(REVIEW, { headers: { cookie: `__Host-pb_desk=${cookie}` } });
      assert.equal(failing.status, 500);
      const failure = await failing.text();
      assert.match(failure, /Something went wrong/);
      assert.doesNotMatch(failure, /boom|secret|\bat \S+:\d+/);
      assert.match(String(logged[0]), /boom/);
      assert.equal((await get('/desk/editions/2019-01-07?lang=ko', cookie)).status, 404);
      // English is the source of an upstream week: nothing to review in it
      const english = await get('/desk/editions/2024-04-01?lang=en', cookie);
      assert.equal(english.status, 200);
      assert.doesNotMatch(await english.text(), /name="revision"/);
      assert.equal((await get('/desk/editions/nonsense', cookie)).status, 404);
    });

    it('saves an edit over the revision the editor saw, checks it again, and the fixed error is gone', async () => {
      const cookie = await session(ED, ED_PW);
      const { csrf } = await review(cookie);
      const before = await abstract();
      fixed = before.body.replace('50만', '5만');
      const res = await post(`${WEEK}/texts/save`, cookie, { csrf, ...textFields(abstractRef, 1), body: fixed });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `${REVIEW}&done=saved#entry-4-abstract`);
      const now = await abstract();
      assert.equal(now.body, fixed);
      assert.equal(now.revision, 2);
      assert.equal(now.origin, 'human');
      assert.equal(now.editedBy, ED);
      const { html } = await review(cookie, '&done=saved');
      assert.match(html, /<p class="flash" role="status">Saved and checked again/);
      const s = section(html, 'entry-4-abstract');
      assert.doesNotMatch(s, /finding error/);
      assert.match(s, /origin human · status draft · revision 2 · edited by ed@example\.org/);
      assert.match(s, /<details><summary>Earlier wordings \(1\)<\/summary>.*revision 1 · imported \(GPT\) · replaced by ed@example\.org/s);
      assert.match(s, /2K에서 50만 토큰/); // the old wording, in the history
      assert.match(html, /4 open errors/);
      // a flash code the desk does not know shows nothing
      assert.doesNotMatch((await review(cookie, '&done=%3Cb%3Ehi')).html, /class="flash/);
    });

    it('refuses a save over a stale revision with a 409 showing both wordings, and overwrites nothing', async () => {
      const cookie = await session(SECOND, SECOND_PW);
      const { csrf } = await review(cookie);
      const theirs = fixed.replace('세심하게', '신중하게 <b>골라</b>');
      const res = await post(`${WEEK}/texts/save`, cookie, { csrf, ...textFields(abstractRef, 1), body: theirs });
      assert.equal(res.status, 409);
      const html = await res.text();
      assert.match(html, /changed while you were editing/);
      assert.match(html, /<h2>Current \(revision 2\)<\/h2><div class="body" lang="ko">[^<]*2K에서 5만 토큰/);
      assert.match(html, /<h2>Yours \(not saved\)<\/h2><div class="body" lang="ko">[^<]*신중하게 &lt;b&gt;골라&lt;\/b&gt;/);
      assert.match(html, /edited by ed@example\.org/);
      assert.match(html, /<input type="hidden" name="revision" value="2"><p><label for="yours">/);
      assert.match(html, /Save mine over revision 2/);
      assert.equal((await abstract()).body, fixed);
      assert.equal((await abstract()).revision, 2);
      // they choose to save theirs over revision 2: saved, the first editor's wording kept in the history
      const over = await post(`${WEEK}/texts/save`, cookie, { csrf: csrfOf(html), ...textFields(abstractRef, 2), body: theirs });
      assert.equal(over.status, 303);
      assert.equal((await abstract()).body, theirs);
      assert.equal((await abstract()).editedBy, SECOND);
      assert.equal((await t.store.getTextHistory(abstractRef))[0]!.body, fixed);
      // an empty text is refused with a message, not saved
      const empty = await post(`${WEEK}/texts/save`, cookie, { csrf, ...textFields(abstractRef, 3), body: '   ' });
      assert.equal(empty.status, 400);
      assert.match(await empty.text(), /Nothing was changed: the text is empty/);
      assert.equal((await abstract()).revision, 3);
    });

    it('refuses POSTs without the session\'s CSRF token or from another site (403, nothing changed), and GET changes nothing', async () => {
      const cookie = await session(ED, ED_PW);
      const { csrf } = await review(cookie);
      const revision = (await abstract()).revision!;
      const save = (fields: Record<string, string>, headers?: Record<string, string>) => post(`${WEEK}/texts/save`, cookie, { ...textFields(abstractRef, revision), body: 'CSRF가 바꾼 문장.', ...fields }, headers);
      const cases: Array<[string, Response | Promise<Response>]> = [
        ['no token', save({})],
        ['wrong token', save({ csrf: `${csrf.slice(0, -1)}x` })],
        ["another session's token", (async () => save({ csrf: (await review(await session(SECOND, SECOND_PW))).csrf }))()],
        ['cross-site Origin', save({ csrf }, { origin: 'https://evil.example' })],
        ['Origin null from another site', save({ csrf }, { origin: 'null', 'sec-fetch-site': 'cross-site' })],
        ['Sec-Fetch-Site cross-site', save({ csrf }, { 'sec-fetch-site': 'cross-site' })],
        ['Sec-Fetch-Site same-site', save({ csrf }, { 'sec-fetch-site': 'same-site', origin: 'https://sub.localhost' })],
      ];
      for (const [name, p] of cases) {
        const r = await p;
        assert.equal(r.status, 403, name);
        assert.match(await r.text(), /Nothing was changed/);
      }
      // a form larger than any edit is refused before it is read
      const huge = await save({ csrf, body: '가'.repeat(300_000) });
      assert.equal(huge.status, 413);
      // fetch() with text/plain carries no form the desk reads
      const plain = await app.request(`${WEEK}/publish`, { method: 'POST', headers: { 'content-type': 'text/plain', cookie: `__Host-pb_desk=${cookie}` }, body: `csrf=${csrf}&lang=ko&allowDrafts=1` });
      assert.equal(plain.status, 403);
      assert.equal((await abstract()).revision, revision);
      assert.equal((await t.store.getPublications({ editionId })).length, 0);
      // GET on the state-changing routes finds nothing to do
      for (const path of [`${WEEK}/publish?lang=ko&allowDrafts=1`, `${WEEK}/texts/approve-clean?lang=ko`, '/desk/logout']) assert.equal((await get(path, cookie)).status, 404, path);
      assert.equal((await t.store.getPublications({ editionId })).length, 0);
      assert.equal((await get('/desk', cookie)).status, 200);
      // what Chromium sends from a desk page (no-referrer makes its Origin "null"), with the token
      const chromium = await save({ csrf, body: `${fixed} ` }, { origin: 'null', 'sec-fetch-site': 'same-origin' });
      assert.equal(chromium.status, 303);
      assert.equal((await abstract()).revision, revision + 1);
      // without Origin and Sec-Fetch-Site (not a browser), the token alone is enough
      const ok = await post(`${WEEK}/texts/save`, cookie, { csrf, ...textFields(abstractRef, revision + 1), body: fixed }, {});
      assert.equal(ok.status, 303);
      assert.equal((await abstract()).body, fixed);
    });

    it('refuses to publish with open errors and lists them, then dismisses with a reason, approves what is clean and publishes', async () => {
      const cookie = await session(ED, ED_PW);
      let { html, csrf } = await review(cookie);
      const refused = await post(`${WEEK}/publish`, cookie, { csrf, lang: 'ko' });
      assert.equal(refused.status, 303);
      assert.equal(refused.headers.get('location'), `${REVIEW}&done=refused#publish`);
      assert.equal((await t.store.getPublications({ editionId })).length, 0);
      ({ html } = await review(cookie, '&done=refused'));
      assert.match(html, /class="flash bad" role="status">Not published: see what blocks publishing below/);
      const blockers = html.slice(html.indexOf('<section id="publish">'), html.indexOf('</section>', html.indexOf('<section id="publish">')));
      assert.match(blockers, /open <strong>names<\/strong> error in <a href="#f\d+">2\. intro<\/a>: &quot;SWE-bench&quot;/);
      assert.match(blockers, /text\(s\) not approved by an editor/);

      const open = (await t.store.getFindings((await import('../src/pipeline/check.js')).checkTargets(await t.store.getEditionBundle(editionId), 'ko').map((x) => x.ref))).filter((f) => f.severity === 'error' && !f.dismissed);
      assert.equal(open.length, 4);
      // a reason is required
      const noWhy = await post(`${WEEK}/findings/${open[0]!.id}/dismiss`, cookie, { csrf, lang: 'ko', why: '  ' });
      assert.equal(noWhy.status, 400);
      assert.match(await noWhy.text(), /why: a reason is required/);
      // a finding of another language or edition cannot be reached through this one
      assert.equal((await post(`/desk/editions/2024-04-08/findings/${open[0]!.id}/dismiss`, cookie, { csrf, lang: 'ko', why: 'x' })).status, 404);
      for (const f of open) {
        const r = await post(`${WEEK}/findings/${f.id}/dismiss`, cookie, { csrf, lang: 'ko', why: 'checked against the paper' });
        assert.equal(r.status, 303);
        assert.equal(r.headers.get('location'), `${REVIEW}&done=dismissed#f${f.id}`);
      }
      const dismissed = (await t.store.getFindings([{ ...abstractRef, ownerId: open[0]!.ownerId, ownerKind: open[0]!.ownerKind, field: open[0]!.field }])).find((f) => f.id === open[0]!.id)!;
      assert.deepEqual([dismissed.dismissed?.by, dismissed.dismissed?.why], [ED, 'checked against the paper']);
      ({ html } = await review(cookie));
      assert.match(html, new RegExp(`<li class="finding dismissed" id="f${open[0]!.id}">.*dismissed by ed@example\\.org at .*: checked against the paper`));

      // approve one text at the revision seen, then every clean one
      const title = { ownerKind: 'paper' as const, ownerId: 'arxiv:2404.02060', field: 'title' as const, lang: 'ko' };
      const stale = await post(`${WEEK}/texts/approve`, cookie, { csrf, ...textFields(title, 7) });
      assert.match(stale.headers.get('location') ?? '', /done=not-approved&why=changed#entry-4-title$/);
      assert.equal((await t.store.getText(title))!.status, 'draft');
      const one = await post(`${WEEK}/texts/approve`, cookie, { csrf, ...textFields(title, 1) });
      assert.match(one.headers.get('location') ?? '', /done=approved#entry-4-title$/);
      assert.deepEqual([(await t.store.getText(title))!.status, (await t.store.getText(title))!.approvedBy], ['approved', ED]);
      const all = await post(`${WEEK}/texts/approve-clean`, cookie, { csrf, lang: 'ko' });
      assert.match(all.headers.get('location') ?? '', /done=approved-clean&n=29&m=0$/);
      ({ html } = await review(cookie, '&done=approved-clean&n=29&m=0'));
      assert.match(html, /29 text\(s\) approved\./);
      assert.match(html, /30 texts, 30 approved, 0 open errors/);
      assert.match(html, /Nothing blocks publishing/);

      const published = await post(`${WEEK}/publish`, cookie, { csrf, lang: 'ko' });
      assert.equal(published.headers.get('location'), `${REVIEW}&done=published#publish`);
      assert.deepEqual((await t.store.getPublications({ editionId })).map((p) => [p.lang, p.channel, p.allowDrafts]), [['ko', 'web', false]]);
      assert.match((await review(cookie)).html, /Published on the web at 2024-04-08/);
      const again = await post(`${WEEK}/publish`, cookie, { csrf, lang: 'ko' });
      assert.match(again.headers.get('location') ?? '', /done=already-published/);
      const pub = await (await app.request('/editions/2024-04-01?lang=ko')).text();
      assert.match(pub, /2K에서 5만 토큰/);

      // e-mail from the same button: the form offers it once the web is done, and queues one delivery per weekly subscriber
      let form = (await review(cookie)).html;
      assert.match(form, /name="email" value="1"> by e-mail to the subscribers/);
      assert.doesNotMatch(form, /name="web" value="1"/);
      await t.store.importSubscribers(['a@example.org', 'b@example.org'].map((email) => ({ email, lang: 'ko', show: 'both' as const, frequency: 'weekly' as const, status: 'confirmed' as const, source: 'import' as const, token: `token-${email}-0123456789abcdef`, at: clock.toISOString() })));
      const none = await post(`${WEEK}/publish`, cookie, { csrf, lang: 'ko', choose: '1' });
      assert.match(none.headers.get('location') ?? '', /done=no-channel/);
      const mailed = await post(`${WEEK}/publish`, cookie, { csrf, lang: 'ko', choose: '1', email: '1' });
      assert.match(mailed.headers.get('location') ?? '', /done=published/);
      assert.equal((await t.store.deliveryCounts({ editionId })).pending, 2);
      form = (await review(cookie)).html;
      assert.match(form, /Published by e-mail at 2024-04-08[^<]*: 2 pending/);
      assert.doesNotMatch(form, /by e-mail to the subscribers/);
    });

    it("accepts a reader's correction into the public text (history kept), rejects another, and shows HTML in them inert", async () => {
      const cookie = await session(ED, ED_PW);
      const title = { ownerKind: 'paper' as const, ownerId: 'arxiv:2404.02060', field: 'title' as const, lang: 'ko' };
      const before = (await t.store.getText(title))!;
      const good = await suggestCorrection(t.store, { editionId, ref: title, revision: before.revision!, sentence: 0, proposed: '긴 문맥 내 학습(LongICLBench)으로 본 LLM의 한계', note: '제목이 더 자연스럽게', reader: 'reader-a' }, () => clock);
      const hostile = await suggestCorrection(
        t.store,
        { editionId, ref: abstractRef, revision: (await abstract()).revision!, sentence: 0, proposed: '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>', note: '<a href="javascript:alert(1)">click</a>', reader: 'reader-b' },
        () => clock,
      );
      let { html, csrf } = await review(cookie);
      assert.match(html, /2 pending reader corrections/);
      const c = html.slice(html.indexOf(`<div class="correction" id="c${hostile.id}">`), html.indexOf('</div>', html.indexOf(`<div class="correction" id="c${hostile.id}">`)));
      assert.match(c, /Proposed: <q lang="ko">&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&lt;script&gt;/);
      assert.match(c, /Note: &lt;a href=&quot;javascript:alert\(1\)&quot;&gt;click&lt;\/a&gt;/);
      assert.doesNotMatch(html, /<script|<img|href="javascript:/i);
      assert.match(section(html, 'entry-4-title'), new RegExp(`Sentence now: <q lang="ko">${before.body.replace(/[()]/g, '\\$&')}</q>`));

      const accept = await post(`${WEEK}/corrections/${good.id}`, cookie, { csrf, lang: 'ko', decision: 'accept' });
      assert.equal(accept.headers.get('location'), `${REVIEW}&done=accepted#entry-4-title`);
      const after = (await t.store.getText(title))!;
      assert.equal(after.body, '긴 문맥 내 학습(LongICLBench)으로 본 LLM의 한계');
      assert.ok(after.correctedAt);
      assert.equal((await t.store.getTextHistory(title))[0]!.body, before.body);
      assert.match(await (await app.request('/editions/2024-04-01?lang=ko')).text(), /긴 문맥 내 학습\(LongICLBench\)으로 본 LLM의 한계/);
      // a decided correction cannot be decided again
      assert.equal((await post(`${WEEK}/corrections/${good.id}`, cookie, { csrf, lang: 'ko', decision: 'reject' })).status, 404);

      const reject = await post(`${WEEK}/corrections/${hostile.id}`, cookie, { csrf, lang: 'ko', decision: 'reject' });
      assert.match(reject.headers.get('location') ?? '', /done=rejected#entry-4-abstract$/);
      assert.equal((await t.store.getCorrections({ id: hostile.id }))[0]!.status, 'rejected');
      assert.equal((await abstract()).body, fixed);

      // the sentence changed before the decision: nothing is applied and the editor is told
      const later = await suggestCorrection(t.store, { editionId, ref: abstractRef, revision: (await abstract()).revision!, sentence: 0, proposed: '첫 문장을 다르게 씁니다.', note: null, reader: 'reader-c' }, () => clock);
      ({ csrf } = await review(cookie));
      const edited = fixed.replace('대규모 언어 모델(LLM)은', '대규모 언어 모델(LLM)들은');
      assert.equal((await post(`${WEEK}/texts/save`, cookie, { csrf, ...textFields(abstractRef, (await abstract()).revision!), body: edited })).status, 303);
      const stale = await post(`${WEEK}/corrections/${later.id}`, cookie, { csrf, lang: 'ko', decision: 'accept' });
      assert.match(stale.headers.get('location') ?? '', /done=stale#entry-4-abstract$/);
      assert.equal((await abstract()).body, edited);
      assert.match((await review(cookie, '&done=stale')).html, /has changed since; nothing was applied\. Edit the text by hand/);
    });

    it('logs out: the old cookie then gets the login page (GET) or 401 (POST)', async () => {
      const cookie = await session(ED, ED_PW);
      const { csrf } = await review(cookie);
      const out = await post('/desk/logout', cookie, { csrf });
      assert.equal(out.status, 303);
      assert.equal(out.headers.get('location'), '/desk/login?bye=1');
      assert.match(out.headers.get('set-cookie') ?? '', /^__Host-pb_desk=; Path=\/; Max-Age=0; Secure; HttpOnly; SameSite=Strict$/);
      assert.equal((await get('/desk', cookie)).status, 303);
      const replay = await post(`${WEEK}/texts/approve-clean`, cookie, { csrf, lang: 'ko' });
      assert.equal(replay.status, 401);
      assert.match(await (await get('/desk/login?bye=1')).text(), /You are logged out/);
    });

    it("ends a disabled editor's live sessions and keeps them out, with the usual answer", async () => {
      const cookie = await session(SECOND, SECOND_PW);
      assert.equal((await get('/desk', cookie)).status, 200);
      assert.equal((await cli(['editor', 'disable', SECOND], t.env)).code, 0);
      assert.equal((await get('/desk', cookie)).status, 303);
      const r = await login(SECOND, SECOND_PW, { ip: '192.0.2.77' });
      assert.equal(r.status, 401);
      assert.match(await r.text(), /Wrong e-mail address or password/);
      assert.match((await cli(['editor', 'list'], t.env)).out, /second@example\.org\s+disabled \d{4}-/);
      // a new password also ends sessions
      const mine = await session(ED, ED_PW);
      // a real process reading a pipe, as an operator would run it
      const changed = await spawnCli(['editor', 'password', ED, '--password-stdin'], t.env, 'a brand new passphrase\n');
      assert.equal(changed.code, 0, changed.err);
      assert.match(changed.out, /ed@example\.org has a new password; their sessions have ended/);
      assert.equal((await get('/desk', mine)).status, 303);
      assert.equal((await login(ED, 'a brand new passphrase', { ip: '192.0.2.78' })).status, 303);
    });

    it('ends sessions after 2 hours idle and 12 hours in all', async () => {
      const pw = 'a brand new passphrase';
      const idle = await session(ED, pw, '192.0.2.90');
      tick(2 * 60 * 60 * 1000 - 60_000);
      assert.equal((await get('/desk', idle)).status, 200);
      tick(2 * 60 * 60 * 1000);
      assert.equal((await get('/desk', idle)).status, 303);
      const busy = await session(ED, pw, '192.0.2.91');
      for (let h = 0; h < 11; h++) {
        tick(60 * 60 * 1000);
        assert.equal((await get('/desk', busy)).status, 200, `hour ${h + 1}`);
      }
      tick(60 * 60 * 1000);
      const expired = await get('/desk', busy);
      assert.equal(expired.status, 303);
      assert.match(expired.headers.get('set-cookie') ?? '', /Max-Age=0/);
    });
  });
}
