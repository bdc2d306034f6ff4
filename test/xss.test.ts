// Stored XSS through every public sink and the editors' desk (docs RELIABILITY.md §28). The payload
// corpus (test/fixtures/xss-payloads.ts) goes into a SQLite store through every public source (the
// Store API as the pipeline writes it, and the real upstream importer), is published, and every
// sink that shows it is checked by two oracles:
//  1. jsdom reparse (test/support/xss-oracle.ts, on a worker thread): no script / iframe / object /
//     embed, no on* attributes, no script or non-image data: URLs, no external images, only
//     http/https/mailto links, rel="noopener noreferrer nofollow" on every external link, forms
//     only to the site's own paths, and template syntax shown literally;
//  2. Chromium (test/support/browser.ts) with the __pwned hook: no hook call and no dialog. Every
//     page and standalone render is written into a page of its origin with CSP bypassed (the markup
//     alone must be inert); the Korean edition pages and the home page are also opened as served,
//     with the site's CSP, whose violation reports are counted.
// The app renders each page once: the browser gets the recorded bytes and headers again
// (recordingApp), and both oracles work while the app renders the rest.
//
// The editors' desk (behind a login) and readers' corrections (test/support/xss-desk.ts) use a
// second store and site, served from a worker thread while the public site renders here, so the
// public sinks above keep their editions: readers suggest corrections over HTTP (and get refused
// forms back, re-shown with their input), the editor reviews, edits, meets a conflict, decides and
// dismisses, and the public edition and paper pages show the outcome. Desk pages are checked with
// a stricter oracle (no links to other sites, forms only to /desk/), written with CSP bypassed in a
// context of their own, and half of the review pages are also opened as served in a browser
// context logged in with the editor's session. Every HTML answer fetched has its security headers
// checked (CSP with frame-ancestors and base-uri 'none', nosniff, no referrer; desk pages no-store).
//
// More sinks and sources plug in as further `Render`s (test/support/xss-sinks.ts): `checkRender`
// needs their HTML, `browserPass` a URL (navigate) or just the HTML (write), and a login via `setup`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { Browser } from 'playwright-core';
import { renderEdition } from '../src/channels/render/render.js';
import { assembleEditionView } from '../src/pipeline/assemble.js';
import { MAX_QUERY_CHARS } from '../src/pipeline/search.js';
import { createWebApp } from '../src/web/app.js';
import { XSS_PAYLOADS, type XssPayload } from './fixtures/xss-payloads.js';
import { launchBrowser, serveApp, type Served } from './support/browser.js';
import { openSqlite, type TestStore } from './support/stores.js';
import { DESK_FORMS, DESK_SINKS, PUBLIC_FORMS, startDeskSite, type DeskSite, type DeskStats } from './support/xss-desk.js';
import { startOracleWorker, type OracleWorker } from './support/xss-oracle.js';
import { importable, seedThroughImporter, seedThroughStore, type SeededEdition } from './support/xss-seed.js';
import { browserPass, checkRender, describeBad, describeViolations, feedItems, recordingApp, RenderQueue, securityHeaderProblems, type Render, type Violation } from './support/xss-sinks.js';
import { SESSION_COOKIE } from '../src/web/desk/routes.js';

const BASE_URL = 'https://digest.example.org';
const PER_EDITION = 10;
/** payloads per desk edition (one review page each: the page is big) */
const PER_DESK_EDITION = 30;
/** every Nth payload's paper page is shown after the corrections */
const PAPER_PAGE_EVERY = 16;

/** The sinks of this suite; a render belongs to exactly one. */
const SINKS = [
  'web edition ?lang=ko',
  'web edition ?lang=en',
  'web edition &show=target',
  'web home',
  'web search',
  'feed RSS',
  'feed Atom',
  'feed JSON',
  'renderEdition html',
  'renderEdition discourse → markdown-it',
  ...DESK_SINKS,
] as const;

describe("stored XSS through every public sink and the editors' desk", () => {
  let t: TestStore;
  let editions: SeededEdition[] = [];
  let site: Served;
  let browser: Browser;
  let oracle: OracleWorker;
  let importer: { code: number; err: string; rows: number };
  // the desk's own store and site, in a worker thread
  let deskStarting: Promise<DeskSite> | null = null;
  let desk: DeskSite;
  let deskStats: DeskStats | null = null;
  let verdicts: Promise<Violation[]> | null = null;
  /**
   * The browser passes, fed while the renders are collected, each in a context of its own: CSP
   * bypassed (written) for the public site's renders and for the desk site's, and as served
   * (navigated) for the public site's and, logged in, for the desk's review pages.
   */
  let passes: Record<'nocsp' | 'nocspDesk' | 'served' | 'desk', ReturnType<typeof browserPass>> | null = null;
  const all: Render[] = [];
  const standalone: string[] = [];
  const timings: Record<string, number> = {};
  const started = Date.now();
  const counts = { executions: 0, dangerous: 0, cspViolations: 0, blockedScripts: 0, external: 0, pages: 0, served: 0, headersChecked: 0 };

  /** set when the setup failed: every test then fails with it (a hook failure would only cancel them) */
  let setupError: unknown = null;
  let starting: Promise<OracleWorker> | null = null;
  const ready = () => {
    if (setupError) throw setupError;
  };

  before(async () => {
    try {
      const t0 = Date.now();
      browser = await launchBrowser(); // first: a missing chromium fails at once, with the reason
      starting = startOracleWorker();
      // the desk: its own store (editions of PER_DESK_EDITION payloads), an editor, a session, a
      // server, seeded while the main thread seeds the public store
      deskStarting = startDeskSite({ firstMonday: '2024-01-01', perEdition: PER_DESK_EDITION, paperPageEvery: PAPER_PAGE_EVERY, baseUrl: BASE_URL });
      t = await openSqlite();
      editions = await seedThroughStore(t.store, XSS_PAYLOADS, { firstMonday: '2024-01-01', perEdition: PER_EDITION });
      // the real importer: one edition of rows a table cell can hold, spread over the corpus
      const rows = XSS_PAYLOADS.filter(importable).filter((_, i) => i % 12 === 0);
      const imported = await seedThroughImporter(t.store, t.env, rows, { monday: '2025-06-02', range: 'June 2 - June 8', year: 2025, publishedAt: '2025-06-09T00:00:00.000Z' });
      editions.push(imported.edition);
      importer = { code: imported.code, err: imported.err, rows: rows.length };
      const app = createWebApp({ store: t.store, baseUrl: BASE_URL, defaultLang: 'ko', logError: (e) => console.error(e) });
      site = await serveApp(recordingApp(app, standalone));
      desk = await deskStarting;
      oracle = await starting;
      timings.setup = Date.now() - t0;
    } catch (e) {
      setupError = e;
    }
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await (await deskStarting?.catch(() => null))?.close();
    await (await starting?.catch(() => null))?.close();
    await t?.cleanup();
  });

  it('has at least 150 payloads and stores them through the Store API and the importer', async () => {
    ready();
    assert.ok(XSS_PAYLOADS.length >= 150, `only ${XSS_PAYLOADS.length} payloads`);
    assert.equal(new Set(XSS_PAYLOADS.map((p) => p.id)).size, XSS_PAYLOADS.length, 'payload ids are unique');
    assert.equal(editions.filter((e) => e.via === 'store').reduce((n, e) => n + e.payloads.length, 0), XSS_PAYLOADS.length);
    const imported = editions.find((e) => e.via === 'importer')!;
    // every row of the list is a valid row: the importer must keep them all, payloads and all
    assert.equal(importer.code, 0, `import upstream exited ${importer.code}: ${importer.err}`);
    assert.equal(imported.payloads.length, importer.rows, `the importer kept ${imported.payloads.length} of ${importer.rows} rows: ${importer.err}`);
    const pubs = await t.store.getPublications({ channel: 'web' });
    assert.equal(pubs.length, editions.length);
    // the desk's store: every payload in an edition of its own size, published, checked
    assert.equal(desk.items, XSS_PAYLOADS.length);
    assert.equal(desk.editions.length, Math.ceil(XSS_PAYLOADS.length / PER_DESK_EDITION));
    assert.equal(desk.published, desk.editions.length);
  });

  it('renders every sink (web pages over HTTP, feeds, renderEdition) and hands each to the jsdom oracle', async () => {
    ready();
    const t0 = Date.now();
    // a page that fails or a feed that does not parse is a finding too, reported with the oracle's
    const problems: Violation[] = [];
    const get = async (sink: string, path: string, payloads: readonly XssPayload[]) => {
      const res = await fetch(site.url + path);
      const body = await res.text();
      if (res.status !== 200) problems.push({ sink, label: path, found: [`answered ${res.status}: ${body.slice(0, 200)}`], payloads });
      if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
        counts.headersChecked++;
        const bad = securityHeaderProblems(res.headers, { desk: false });
        if (bad.length) problems.push({ sink, label: path, found: bad.map((b) => `header: ${b}`), payloads });
      }
      return body;
    };
    const md = new MarkdownIt({ html: true, linkify: true });
    // each render goes to both oracles as it comes: jsdom on the oracle worker, and Chromium with
    // CSP bypassed (every page and standalone render written into a page of its origin: the
    // markup alone must be inert), which runs while the app renders the rest
    const checks: Array<Promise<Violation | null>> = [];
    const origins = [site.url, desk.url];
    // the public site's and the desk site's renders in two contexts, so the desk's do not wait behind the public ones
    const queue = new RenderQueue();
    const deskBare = new RenderQueue();
    // and as served (a navigation, the site's CSP): the Korean edition pages and the home page, CSP reports counted
    const asServed = new RenderQueue();
    // the desk's review pages as served, in a context logged in with the editor's session. The
    // cookie is Secure and host-only (`__Host-`): given by domain and path, as playwright drops
    // Secure for an http: `url` (Chromium takes 127.0.0.1 as a secure origin and sends it; a page
    // that went to the login form instead would count as navigated away)
    const deskQueue = new RenderQueue();
    passes = {
      nocsp: browserPass(browser, queue, { origins, name: 'nocsp', mode: 'write', bypassCSP: true }),
      nocspDesk: browserPass(browser, deskBare, { origins, name: 'nocsp-desk', mode: 'write', bypassCSP: true }),
      served: browserPass(browser, asServed, { origins, name: 'served', mode: 'navigate' }),
      desk: browserPass(browser, deskQueue, {
        origins,
        name: 'desk',
        mode: 'navigate',
        setup: (context) => context.addCookies([{ name: SESSION_COOKIE, value: desk.session.token, domain: new URL(desk.url).hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]),
      }),
    };
    // all awaited, and so reported, by the Chromium test
    for (const pass of Object.values(passes)) pass.catch(() => {});
    const add = (r: Render, as?: 'desk') => {
      all.push(r);
      checks.push(checkRender(oracle, r));
      if (r.url) (new URL(r.url).origin === desk.url ? deskBare : queue).push(r);
      if (r.sink === 'web edition ?lang=ko' || r.sink === 'web home') asServed.push(r);
      if (as === 'desk') deskQueue.push(r);
    };
    // the readers' corrections and the editors' desk, on the desk's site in its worker, while the
    // public site renders here
    const deskRun = desk.run(add, (v) => problems.push(v)).then((stats) => {
      timings.renderDesk = Date.now() - t0;
      return stats;
    });
    try {
      const byDate = new Map(editions.map((e) => [e.startDate, e]));
      const render = (html: string) => `${site.url}/__xss/render/${standalone.push(html) - 1}`;

      for (const e of editions) {
        for (const [sink, query] of [['web edition ?lang=ko', 'lang=ko'], ['web edition ?lang=en', 'lang=en'], ['web edition &show=target', 'lang=ko&show=target']] as const) {
          const path = `/editions/${e.startDate}?${query}`;
          add({ sink, label: path, html: await get(sink, path, e.payloads), origin: site.url, payloads: e.payloads, url: site.url + path, checkLiterals: sink !== 'web edition &show=target', formActions: PUBLIC_FORMS });
        }
        const bundle = await t.store.getEditionBundle(e.editionId);
        for (const lang of ['ko', 'en']) {
          const view = assembleEditionView(bundle, lang);
          // the standalone document in Korean (its English article is the English web page's)
          if (lang === 'ko') {
            const html = renderEdition(view, 'html');
            add({ sink: 'renderEdition html', label: `${e.startDate} ${lang}`, html, origin: site.url, payloads: e.payloads, url: render(html), checkLiterals: true });
          }
          // a Discourse post body as a forum turns it into HTML (before its own sanitiser)
          const post = `<!doctype html><html><head><meta charset="utf-8"><title>post</title></head><body>\n${md.render(renderEdition(view, 'discourse'))}</body></html>`;
          add({ sink: 'renderEdition discourse → markdown-it', label: `${e.startDate} ${lang}`, html: post, origin: site.url, payloads: e.payloads, url: render(post), requireRel: false });
        }
      }

      // the home page shows the newest published edition
      const published = new Set((await t.store.getPublications({ channel: 'web' })).map((p) => p.editionId));
      const newest = (await t.store.listEditions()).find((e) => published.has(e.id))!;
      const home = byDate.get(newest.startDate)!.payloads;
      add({ sink: 'web home', label: '/', html: await get('web home', '/', home), origin: site.url, payloads: home, url: site.url + '/', formActions: PUBLIC_FORMS });

      // search: each payload as the query (reflected, and its texts as snippets), plus broad queries
      for (const p of XSS_PAYLOADS) {
        const path = `/search?q=${encodeURIComponent(p.payload.slice(0, MAX_QUERY_CHARS))}`;
        add({ sink: 'web search', label: `q=${p.id}`, html: await get('web search', path, [p]), origin: site.url, payloads: [p], url: site.url + path, formActions: PUBLIC_FORMS });
      }
      for (const q of ['pwned', 'script', 'onerror', 'javascript', 'svg', 'alert', '<img', 'href', '{{', 'data:text/html']) {
        const path = `/search?q=${encodeURIComponent(q)}`;
        add({ sink: 'web search', label: `q=${q}`, html: await get('web search', path, []), origin: site.url, payloads: [], url: site.url + path, formActions: PUBLIC_FORMS });
      }

      // feeds: every item's HTML (jsdom only: a feed reader shows it, not us); every format in Korean,
      // RSS in English (the formats differ only in how they wrap the same article)
      const feeds = [['ko', 'rss', 'rss.xml', 'feed RSS'], ['ko', 'atom', 'atom.xml', 'feed Atom'], ['ko', 'json', 'feed.json', 'feed JSON'], ['en', 'rss', 'rss.xml', 'feed RSS']] as const;
      const everything = editions.flatMap((e) => e.payloads);
      for (const [lang, kind, file, sink] of feeds) {
        const path = `/feeds/${lang}/${file}`;
        let items: ReturnType<typeof feedItems> = [];
        try {
          items = feedItems(kind, await get(sink, path, everything));
        } catch (e) {
          problems.push({ sink, label: path, found: [`does not parse: ${e instanceof Error ? e.message : String(e)}`], payloads: everything });
        }
        if (items.length !== Math.min(editions.length, 50)) problems.push({ sink, label: path, found: [`${items.length} items for ${editions.length} editions`], payloads: everything });
        for (const item of items) {
          const date = /\/editions\/(\d{4}-\d{2}-\d{2})/.exec(item.link)?.[1] ?? '';
          const e = byDate.get(date);
          if (!e) problems.push({ sink, label: path, found: [`an item links to an unknown edition: ${item.link}`], payloads: [] });
          add({ sink, label: `${lang}/${file} ${date}`, html: item.html.join('\n'), origin: BASE_URL, payloads: e?.payloads ?? [] });
        }
      }
      timings.renderPublic = Date.now() - t0;
      deskStats = await deskRun;
      counts.headersChecked += deskStats.headersChecked;
      for (const [k, v] of Object.entries(deskStats.ms)) timings[`desk ${k}`] = v;
    } finally {
      // the browser passes end when their queues do, whatever happened here (once the desk's
      // worker has sent its last render)
      await deskRun.catch(() => {});
      for (const q of [queue, deskBare, asServed, deskQueue]) q.close();
      verdicts = Promise.all(checks).then((vs) => [...problems, ...vs.filter((v): v is Violation => v !== null)]);
      verdicts.catch(() => {}); // awaited, and so reported, by the jsdom test
    }
    timings.render = Date.now() - t0;
    assert.deepEqual(new Set(all.map((r) => r.sink)), new Set(SINKS), 'every sink has renders');
    // the desk flow did what it says: every suggestion stored and shown, every edit saved, the
    // conflicts met, every correction decided, findings marked inside the payloads
    const s = deskStats!;
    const n = desk.items;
    assert.equal(s.corrections, n, 'every suggestion was taken');
    assert.equal(s.shownAgain, Math.ceil(n / 4), 'every refused form was shown again');
    assert.equal(s.pendingShown, n, 'the review pages show every pending correction');
    assert.equal(s.saved, n, 'every payload was saved in an edit');
    assert.equal(s.conflicts, Math.ceil((n - 2) / 4), 'every fourth text met a conflict');
    assert.equal(s.accepted, Math.ceil(n / 2), `every other correction accepted (${s.stale} stale)`);
    assert.equal(s.rejected, Math.ceil((n - 1) / 8), 'every eighth correction rejected');
    assert.ok(s.marks >= 100 * desk.editions.length, `only ${s.marks} finding marks on ${s.reviewPages} review pages`);
    assert.ok(s.dismissed >= 2 * desk.editions.length, `only ${s.dismissed} findings dismissed`);
  });

  it('Chromium: no payload executes on any page (as served, and with CSP bypassed)', async () => {
    ready();
    assert.ok(passes, 'the renders are collected first');
    const t0 = Date.now();
    const [nocsp, nocspDesk, asServed, deskAsServed] = await Promise.all([passes.nocsp, passes.nocspDesk, passes.served, passes.desk]);
    timings.chromiumRest = Date.now() - t0;
    const servedReports = [...asServed.reports, ...deskAsServed.reports];
    const reports = [...servedReports, ...nocsp.reports, ...nocspDesk.reports];
    counts.pages = reports.length;
    counts.served = servedReports.length;
    counts.executions = reports.reduce((n, r) => n + r.executions, 0);
    counts.cspViolations = servedReports.reduce((n, r) => n + r.cspViolations, 0);
    counts.blockedScripts = servedReports.reduce((n, r) => n + r.blockedScripts, 0);
    counts.external = reports.reduce((n, r) => n + r.external.length, 0);
    // a desk page that redirected to the login form counts as navigated away: the session reached the browser
    assert.equal(deskAsServed.reports.length, desk.editions.length, 'a review page of every desk edition was opened logged in');
    // XSS_PROFILE=1: where Chromium's time went, per pass and sink (for keeping the suite quick)
    if (process.env.XSS_PROFILE) {
      const by = new Map<string, { pages: number; ms: number }>();
      for (const [pass, rs] of Object.entries({ nocsp: nocsp.reports, nocspDesk: nocspDesk.reports, served: asServed.reports, desk: deskAsServed.reports })) {
        for (const r of rs) {
          const x = by.get(`${pass} ${r.render.sink}`) ?? { pages: 0, ms: 0 };
          x.pages++;
          x.ms += r.ms;
          by.set(`${pass} ${r.render.sink}`, x);
        }
      }
      for (const [k, v] of by) console.log(`  Chromium ${k}: ${v.pages} pages, ${v.ms} ms`);
    }
    const bad = [...asServed.bad, ...deskAsServed.bad, ...nocsp.bad, ...nocspDesk.bad];
    assert.equal(bad.length, 0, `Chromium saw executions or navigations on ${bad.length} page(s) (screenshots in test-artifacts/):\n${describeBad(bad)}`);
  });

  it('jsdom oracle: no dangerous node in any sink, template syntax shown literally, every page answers', async () => {
    ready();
    assert.ok(verdicts, 'the renders are collected first');
    const t0 = Date.now();
    const violations = await verdicts;
    timings.jsdomWait = Date.now() - t0;
    counts.dangerous = violations.reduce((n, v) => n + v.found.length, 0);
    assert.equal(violations.length, 0, `the jsdom oracle found dangerous nodes in ${violations.length} render(s):\n${describeViolations(violations)}`);
  });

  it('the harness catches a real injection (canary)', async () => {
    ready();
    const canary = '<!doctype html><html><body><img src=x onerror=__pwned()><script>alert(1)</script><a href="javascript:x">x</a><a href="https://evil.example/">e</a><p>{{7*7}}</p></body></html>';
    const found = await oracle.check({ html: canary, origin: site.url, literals: ['{{7*7}}', '49'] });
    for (const f of ['script element', 'event handler onerror', 'javascript: URL', 'external link without rel', 'not rendered literally: "49"']) {
      assert.ok(found.some((x) => x.startsWith(f)), `the oracle missed ${f}: ${found.join('; ')}`);
    }
    assert.ok(!found.some((x) => x.includes('{{7*7}}')), found.join('; '));
    // the desk's stricter reading: its own forms pass; a link to another site, a form posting
    // anywhere but /desk/ and a formaction are injected
    const deskCanary = '<!doctype html><html><body><form method="post" action="/desk/logout"><input type="hidden" name="csrf" value="t"><button type="submit">Log out</button></form><a href="https://evil.example/?" rel="noopener noreferrer nofollow">x</a><form method="post" action="/likes"></form><form action="https://evil.example/"></form><button formaction="/desk/logout">b</button></body></html>';
    const deskFound = await oracle.check({ html: deskCanary, origin: desk.url, opts: { externalLinks: false, formActions: DESK_FORMS } });
    for (const f of ['link to another origin on a page that has none of its own', 'form posting outside /desk/', 'form posting to another origin', 'formaction attribute']) {
      assert.ok(deskFound.some((x) => x.startsWith(f)), `the oracle missed ${f} on a desk page: ${deskFound.join('; ')}`);
    }
    assert.equal(deskFound.length, 4, deskFound.join('; '));
    // and the header check knows a weak answer when it sees one
    const weak = securityHeaderProblems(new Headers({ 'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'", 'referrer-policy': 'origin' }), { desk: true });
    for (const f of ["frame-ancestors 'none'", "base-uri 'none'", 'inline or foreign scripts', 'x-content-type-options', 'referrer-policy', 'no-store']) {
      assert.ok(weak.some((x) => x.includes(f)), `the header check missed ${f}: ${weak.join('; ')}`);
    }
    const r: Render = { sink: 'renderEdition html', label: 'canary', html: canary, origin: site.url, payloads: [], url: `${site.url}/__xss/render/${standalone.push(canary) - 1}` };
    const nav = await browserPass(browser, [r], { origins: [site.url], name: 'canary', mode: 'navigate', screenshots: 0 });
    assert.equal(nav.reports[0]!.hookCalls, 2, 'navigate: the hook counts __pwned() and alert()');
    const { reports } = await browserPass(browser, [r], { origins: [site.url], name: 'canary', mode: 'write', screenshots: 0 });
    assert.equal(reports[0]!.hookCalls, 2, 'write: the hook counts __pwned() and alert()');
  });

  it('prints the XSS figure', (t) => {
    ready();
    const payloads = new Set(all.flatMap((r) => r.payloads.map((p) => p.id)));
    const sinks = new Set(all.map((r) => r.sink));
    const q = all.reduce((n, r) => n + r.payloads.length, 0);
    const line = `XSS: ${payloads.size} payloads × ${sinks.size} sinks = ${q} renders: executions in Chromium ${counts.executions}; dangerous nodes (jsdom oracle) ${counts.dangerous}`;
    const s = deskStats;
    const deskLine = s
      ? `desk and corrections: ${s.corrections} suggestions taken${s.wordedApart ? ` (${s.wordedApart} worded with a word of Korean)` : ''} and ${s.shownAgain} refused forms re-shown, ${s.reviewPages} review pages with ${s.marks} finding marks and ${s.pendingShown} pending corrections, ${s.saved} payloads saved in edits, ${s.conflicts} conflicts, ${s.accepted} corrections accepted, ${s.rejected} rejected, ${s.stale} stale, ${s.dismissed} findings dismissed; ${s.requests} requests`
      : 'desk: not run';
    const detail = `(${all.length} documents from ${editions.length} editions and ${desk.editions.length} desk editions; ${deskLine}; security headers checked on ${counts.headersChecked} HTML answers; Chromium: ${counts.pages} page loads, ${counts.served} of them as served with CSP: CSP violation messages ${counts.cspViolations}, scripts the CSP refused ${counts.blockedScripts}; requests to other hosts ${counts.external}; ms: ${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(', ')}, total ${Date.now() - started})`;
    t.diagnostic(line);
    t.diagnostic(detail);
    console.log(line);
    console.log(detail);
    assert.equal(payloads.size, XSS_PAYLOADS.length, 'every payload reached a sink');
    assert.equal(sinks.size, SINKS.length, 'every sink was checked');
  });
});
