// The desk's candidates page in a real browser (Debian's chromium through playwright-core, see
// test/support/browser.ts), on the SQLite store: an editor logs in, opens an edition's candidates,
// clicks "Add" on one and sees it in the entries, then moves it up. Throughout: no page errors, no
// console errors, no CSP violations, no request off the site, and the __pwned hook never fires
// (one candidate's title is a script).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Hono } from 'hono';
import type { Browser, Locator, Page } from 'playwright-core';
import { openSqlite, type TestStore } from './support/stores.js';
import { installPwnedHook, launchBrowser, pwnedCount, serveApp, type PwnedProbe, type Served } from './support/browser.js';
import { createWebApp } from '../src/web/app.js';
import { hashPassword } from '../src/web/desk/auth.js';
import { importCandidates } from '../src/pipeline/candidates.js';
import { candidateRecord, type CandidateRecord } from '../src/sources/candidates.js';

const ED = 'ed@example.org';
const ED_PW = 'correct horse battery staple';
const WEEK = '2024-04-01';

const record = (id: string, title: string, upvotes: number): CandidateRecord =>
  candidateRecord({ source: 'hf', day: '2024-04-02', arxivId: id, url: `https://arxiv.org/abs/${id}`, title, abstract: `${title}: an abstract.`, upvotes });

describe("the desk's candidates page in chromium (sqlite)", { timeout: 90_000 }, () => {
  let t: TestStore;
  let app: Hono;
  let served: Served;
  let browser: Browser;
  let page: Page;
  let probe: PwnedProbe;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const serverErrors: string[] = [];
  const url = (path: string) => `${served.url}${path}`;
  const clickAndWait = async (target: Locator, urlPart?: RegExp) => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load', ...(urlPart ? { url: urlPart } : {}) }), target.click()]);
  };
  const entryTitles = async () => page.locator('table.entries tbody tr td:nth-child(2) a').allTextContents();

  before(async () => {
    t = await openSqlite();
    await importCandidates(t.store, [record('2404.00001', 'Alpha agents', 100), record('2404.00002', 'Beta retrieval', 80), record('2404.00003', 'Gamma long context', 60), record('2404.00004', '<script>__pwned()</script> "Hostile"', 40)], {
      now: () => new Date('2024-04-08T09:00:00Z'),
    });
    const ed = await t.store.createEdition({ startDate: WEEK, endDate: '2024-04-07', title: 'Top ML Papers of the Week (April 1 - April 7)', source: 'test', sourceRef: null, status: 'imported' });
    await t.store.createEntries([
      { editionId: ed.id, position: 1, paperKey: 'arxiv:2404.00001', label: 'Alpha agents', links: [{ kind: 'paper', label: 'Paper', url: 'https://arxiv.org/abs/2404.00001' }] },
      { editionId: ed.id, position: 2, paperKey: 'arxiv:2404.00002', label: 'Beta retrieval', links: [{ kind: 'paper', label: 'Paper', url: 'https://arxiv.org/abs/2404.00002' }] },
    ]);
    await t.store.createEditor(ED, await hashPassword(ED_PW), new Date().toISOString());
    served = await serveApp({ fetch: (...args: Parameters<Hono['fetch']>) => app.fetch(...args) });
    app = createWebApp({ store: t.store, baseUrl: served.url, defaultLang: 'ko', logError: (e) => serverErrors.push(String(e)) });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    probe = await installPwnedHook(page, [served.url]);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 404\b.*|favicon/.test(m.text())) consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await served?.close();
    await t?.cleanup();
  });

  it('adds a candidate with "Add", sees it in the entries, and moves it up', async () => {
    await page.goto(url(`/desk/editions/${WEEK}/candidates`));
    await page.getByLabel('E-mail address').fill(ED);
    await page.getByLabel('Password').fill(ED_PW);
    await clickAndWait(page.getByRole('button', { name: 'Log in' }), /\/candidates$/);
    await page.getByRole('heading', { name: 'Candidates for the week' }).waitFor();
    assert.deepEqual(await entryTitles(), ['Alpha agents', 'Beta retrieval']);
    // the hostile title is text
    assert.equal(await page.locator('table.candidates a', { hasText: '<script>__pwned()</script> "Hostile"' }).count(), 1);

    const row = page.locator('table.candidates tr', { hasText: 'Gamma long context' });
    assert.equal(await row.getByLabel('Add at position').inputValue(), '3');
    await clickAndWait(row.getByRole('button', { name: 'Add' }), /done=added/);
    assert.equal(await page.locator('p.flash').textContent(), 'Added “Gamma long context” at position 3; the entries after it moved down.');
    assert.deepEqual(await entryTitles(), ['Alpha agents', 'Beta retrieval', 'Gamma long context']);
    assert.equal((await page.locator('table.candidates tr', { hasText: 'Gamma long context' }).locator('td.place').textContent())?.trim(), 'in edition at #3');

    const entry = page.locator('table.entries tr', { hasText: 'Gamma long context' });
    await clickAndWait(entry.getByRole('button', { name: 'Move up' }), /done=moved/);
    assert.deepEqual(await entryTitles(), ['Alpha agents', 'Gamma long context', 'Beta retrieval']);

    // the hostile one at position 1, through the number field
    const hostile = page.locator('table.candidates tr', { hasText: 'Hostile' });
    await hostile.getByLabel('Add at position').fill('1');
    await clickAndWait(hostile.getByRole('button', { name: 'Add' }), /done=added/);
    assert.deepEqual(await entryTitles(), ['<script>__pwned()</script> "Hostile"', 'Alpha agents', 'Gamma long context', 'Beta retrieval']);

    // on a phone the tables scroll inside their boxes, the page does not scroll sideways
    await page.setViewportSize({ width: 390, height: 900 });
    await page.reload();
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scroll at 390 px');
    // headings and counts are never cut mid-word
    const heading = page.locator('table.candidates th', { hasText: 'counts' });
    assert.equal(await heading.evaluate((th) => Math.round(th.getBoundingClientRect().height) < 2 * parseFloat(getComputedStyle(th).lineHeight)), true);

    assert.equal(await pwnedCount(page), 0);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(probe.external, []);
    assert.equal(probe.dialogs, 0);
    assert.equal(probe.cspViolations, 0, probe.console.join('\n'));
    assert.deepEqual(serverErrors, []);
  });
});
