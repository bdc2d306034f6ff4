// Stored XSS through every public sink (docs RELIABILITY.md §28). The payload corpus
// (test/fixtures/xss-payloads.ts) goes into a SQLite store through every public source (the Store
// API as the pipeline writes it, and the real upstream importer), is published, and every sink that
// shows it is checked by two oracles:
//  1. jsdom reparse (test/support/xss-oracle.ts, on a worker thread): no script / iframe / object /
//     embed, no on* attributes, no script or non-image data: URLs, no external images, only
//     http/https/mailto links, rel="noopener noreferrer nofollow" on every external link, and
//     template syntax shown literally;
//  2. Chromium (test/support/browser.ts) with the __pwned hook: no hook call and no dialog. Every
//     page and standalone render is written into a page of its origin with CSP bypassed (the markup
//     alone must be inert); the Korean edition pages and the home page are also opened as served,
//     with the site's CSP, whose violation reports are counted.
// The app renders each page once: the browser gets the recorded bytes and headers again
// (recordingApp), and both oracles work while the app renders the rest.
//
// More sinks (the editors' desk at /desk/editions/DATE, behind a login) and more sources (reader
// corrections) plug in as further `Render`s (test/support/xss-sinks.ts): `checkRender` needs their
// HTML, `browserPass` a URL (navigate) or just the HTML (write), and a login via `setup`.
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
import { startOracleWorker, type OracleWorker } from './support/xss-oracle.js';
import { importable, seedThroughImporter, seedThroughStore, type SeededEdition } from './support/xss-seed.js';
import { browserPass, checkRender, describeBad, describeViolations, feedItems, recordingApp, RenderQueue, type Render, type Violation } from './support/xss-sinks.js';

const BASE_URL = 'https://digest.example.org';
const PER_EDITION = 10;

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
] as const;

describe('stored XSS through every public sink', () => {
  let t: TestStore;
  let editions: SeededEdition[] = [];
  let site: Served;
  let browser: Browser;
  let oracle: OracleWorker;
  let importer: { code: number; err: string; rows: number };
  let verdicts: Promise<Violation[]> | null = null;
  /** the browser passes, fed while the renders are collected */
  let bare: ReturnType<typeof browserPass> | null = null;
  let served: ReturnType<typeof browserPass> | null = null;
  const all: Render[] = [];
  const standalone: string[] = [];
  const timings: Record<string, number> = {};
  const started = Date.now();
  const counts = { executions: 0, dangerous: 0, cspViolations: 0, blockedScripts: 0, external: 0, pages: 0, served: 0 };

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
      t = await openSqlite();
      editions = await seedThroughStore(t.store, XSS_PAYLOADS, { firstMonday: '2024-01-01', perEdition: PER_EDITION });
      // the real importer: one edition of rows a table cell can hold, spread over the corpus
      const rows = XSS_PAYLOADS.filter(importable).filter((_, i) => i % 12 === 0);
      const imported = await seedThroughImporter(t.store, t.env, rows, { monday: '2025-06-02', range: 'June 2 - June 8', year: 2025, publishedAt: '2025-06-09T00:00:00.000Z' });
      editions.push(imported.edition);
      importer = { code: imported.code, err: imported.err, rows: rows.length };
      const app = createWebApp({ store: t.store, baseUrl: BASE_URL, defaultLang: 'ko', logError: (e) => console.error(e) });
      site = await serveApp(recordingApp(app, standalone));
      oracle = await starting;
      timings.setup = Date.now() - t0;
    } catch (e) {
      setupError = e;
    }
  });

  after(async () => {
    await browser?.close();
    await site?.close();
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
      return body;
    };
    const md = new MarkdownIt({ html: true, linkify: true });
    // each render goes to both oracles as it comes: jsdom on the oracle worker, and Chromium with
    // CSP bypassed (every page and standalone render written into a page of its origin: the
    // markup alone must be inert), which runs while the app renders the rest
    const checks: Array<Promise<Violation | null>> = [];
    const queue = new RenderQueue();
    bare = browserPass(browser, queue, { origins: [site.url], name: 'nocsp', mode: 'write', bypassCSP: true });
    // and as served (a navigation, the site's CSP): the Korean edition pages and the home page, CSP reports counted
    const asServed = new RenderQueue();
    served = browserPass(browser, asServed, { origins: [site.url], name: 'served', mode: 'navigate' });
    // both awaited, and so reported, by the Chromium test
    bare.catch(() => {});
    served.catch(() => {});
    const add = (r: Render) => {
      all.push(r);
      checks.push(checkRender(oracle, r));
      if (r.url) queue.push(r);
      if (r.sink === 'web edition ?lang=ko' || r.sink === 'web home') asServed.push(r);
    };
    try {
      const byDate = new Map(editions.map((e) => [e.startDate, e]));
      const render = (html: string) => `${site.url}/__xss/render/${standalone.push(html) - 1}`;

      for (const e of editions) {
        for (const [sink, query] of [['web edition ?lang=ko', 'lang=ko'], ['web edition ?lang=en', 'lang=en'], ['web edition &show=target', 'lang=ko&show=target']] as const) {
          const path = `/editions/${e.startDate}?${query}`;
          add({ sink, label: path, html: await get(sink, path, e.payloads), origin: site.url, payloads: e.payloads, url: site.url + path, checkLiterals: sink !== 'web edition &show=target' });
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
      add({ sink: 'web home', label: '/', html: await get('web home', '/', home), origin: site.url, payloads: home, url: site.url + '/' });

      // search: each payload as the query (reflected, and its texts as snippets), plus broad queries
      for (const p of XSS_PAYLOADS) {
        const path = `/search?q=${encodeURIComponent(p.payload.slice(0, MAX_QUERY_CHARS))}`;
        add({ sink: 'web search', label: `q=${p.id}`, html: await get('web search', path, [p]), origin: site.url, payloads: [p], url: site.url + path });
      }
      for (const q of ['pwned', 'script', 'onerror', 'javascript', 'svg', 'alert', '<img', 'href', '{{', 'data:text/html']) {
        const path = `/search?q=${encodeURIComponent(q)}`;
        add({ sink: 'web search', label: `q=${q}`, html: await get('web search', path, []), origin: site.url, payloads: [], url: site.url + path });
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
    } finally {
      // the browser passes end when their queues do, whatever happened here
      queue.close();
      asServed.close();
      verdicts = Promise.all(checks).then((vs) => [...problems, ...vs.filter((v): v is Violation => v !== null)]);
      verdicts.catch(() => {}); // awaited, and so reported, by the jsdom test
    }
    timings.render = Date.now() - t0;
    assert.deepEqual(new Set(all.map((r) => r.sink)), new Set(SINKS), 'every sink has renders');
  });

  it('Chromium: no payload executes on any page (as served, and with CSP bypassed)', async () => {
    ready();
    assert.ok(bare && served, 'the renders are collected first');
    const t0 = Date.now();
    const [nocsp, asServed] = await Promise.all([bare, served]);
    timings.chromiumRest = Date.now() - t0;
    const reports = [...asServed.reports, ...nocsp.reports];
    counts.pages = reports.length;
    counts.served = asServed.reports.length;
    counts.executions = reports.reduce((n, r) => n + r.executions, 0);
    counts.cspViolations = asServed.reports.reduce((n, r) => n + r.cspViolations, 0);
    counts.blockedScripts = asServed.reports.reduce((n, r) => n + r.blockedScripts, 0);
    counts.external = reports.reduce((n, r) => n + r.external.length, 0);
    const bad = [...asServed.bad, ...nocsp.bad];
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
    const detail = `(${all.length} documents from ${editions.length} editions; Chromium: ${counts.pages} page loads, ${counts.served} of them as served with CSP: CSP violation messages ${counts.cspViolations}, scripts the CSP refused ${counts.blockedScripts}; requests to other hosts ${counts.external}; ms: ${Object.entries(timings).map(([k, v]) => `${k} ${v}`).join(', ')}, total ${Date.now() - started})`;
    t.diagnostic(line);
    t.diagnostic(detail);
    console.log(line);
    console.log(detail);
    assert.equal(payloads.size, XSS_PAYLOADS.length, 'every payload reached a sink');
    assert.equal(sinks.size, SINKS.length, 'every sink was checked');
  });
});
