// The editor desk and the public archive in a real browser (Debian's chromium through
// playwright-core, see test/support/browser.ts), on the SQLite store: one browser, one served app,
// and the steps an editor and a reader take one after another — log in, fix a marked error, approve,
// dismiss, publish, search, switch languages, like (by keyboard), suggest a correction and accept
// it, log out — each asserting what the person would see. Throughout: no page errors, no console
// errors but expected 4xx loads, no request off the site, and the __pwned hook never fires.
// Screenshots of the public edition page (desktop and phone) go to test-artifacts/.
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Browser, BrowserContext, Cookie, Locator, Page } from 'playwright-core';
import { openSqlite, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { ARTIFACTS_DIR, installPwnedHook, launchBrowser, pwnedCount, serveApp, type PwnedProbe, type Served } from './support/browser.js';
import { createWebApp } from '../src/web/app.js';

const ED = 'ed@example.org';
const ED_PW = 'correct horse battery staple';
const WEEK = '2024-04-01';
const DESK_REVIEW = `/desk/editions/${WEEK}?lang=ko`;
const EDITION = `/editions/${WEEK}?lang=ko`;
const SESSION_COOKIE = '__Host-pb_desk';
const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7A3]/;
/** the wording a reader proposes for a sentence of entry 1's intro */
const PROPOSED = '브라우저에서 독자가 제안한 새 문장입니다.';
/** the clock starts on the Monday after the week and runs at real speed */
const START = Date.parse('2024-04-08T09:00:00Z');

/** Console messages that are not failures: 4xx answers the test expects (the 401 of a failed login, the favicon's 404). */
const EXPECTED_CONSOLE = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

interface Watched {
  page: Page;
  probe: PwnedProbe;
  pageErrors: string[];
  consoleErrors: string[];
  /** console errors that were expected (4xx loads), reported as a diagnostic */
  tolerated: string[];
}

describe('the desk and the public archive in chromium (sqlite)', { timeout: 120_000 }, () => {
  let t: TestStore;
  let app: Hono;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const t0 = Date.now();
  const watched: Watched[] = [];
  let broken = '';
  let savedSession: Cookie | undefined;
  let entry1Id = 0;
  /** what the app logged (logError): only the failed login is expected */
  const serverErrors: string[] = [];

  const url = (path: string) => `${served.url}${path}`;

  /** A page with the __pwned hook, whose page errors and console errors are collected. */
  async function watchedPage(ctx: BrowserContext): Promise<Page> {
    const p = await ctx.newPage();
    const probe = await installPwnedHook(p, [served.url]);
    const w: Watched = { page: p, probe, pageErrors: [], consoleErrors: [], tolerated: [] };
    p.on('pageerror', (e) => w.pageErrors.push(`${p.url()}: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error') (EXPECTED_CONSOLE.test(m.text()) ? w.tolerated : w.consoleErrors).push(`${p.url()}: ${m.text()}`);
    });
    watched.push(w);
    return p;
  }

  /** The hook has not fired in the current document, and no dialog opened. */
  async function assertNotPwned(p: Page) {
    assert.equal(await pwnedCount(p), 0, `__pwned fired on ${p.url()}`);
    assert.equal(watched.find((w) => w.page === p)!.probe.dialogs, 0, `a dialog opened on ${p.url()}`);
  }

  /** Runs a step; once one fails, the later ones are skipped (they build on it) and a screenshot is left. */
  function step(name: string, fn: (tc: TestContext) => Promise<void>) {
    it(name, async (tc) => {
      if (broken) return tc.skip(`an earlier step failed: ${broken}`);
      const started = performance.now();
      try {
        await fn(tc);
        await assertNotPwned(page);
      } catch (e) {
        broken = name;
        mkdirSync(ARTIFACTS_DIR, { recursive: true });
        await page?.screenshot({ path: join(ARTIFACTS_DIR, `browser-failure-${name.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 60)}.png`), fullPage: true }).catch(() => {});
        throw e;
      } finally {
        tc.diagnostic(`${Math.round(performance.now() - started)} ms`);
      }
    });
  }

  /** Clicks and waits for the navigation it causes (a form POST and its 303, or a link). */
  async function clickAndWait(p: Page, target: Locator, urlPart?: RegExp) {
    await Promise.all([p.waitForNavigation({ waitUntil: 'load', ...(urlPart ? { url: urlPart } : {}) }), target.click()]);
  }

  const openErrors = async () => Number(/(\d+) open errors/.exec((await page.locator('main > p', { hasText: 'open errors' }).first().textContent()) ?? '')?.[1] ?? NaN);
  const flash = () => page.locator('p.flash');

  before(async () => {
    t = await openSqlite();
    assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
    assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], t.env)).code, 0);
    assert.equal((await cli(['check', '--week', WEEK, '--lang', 'ko'], t.env)).code, 0);
    const added = await cli(['editor', 'add', ED, '--password-stdin'], t.env, `${ED_PW}\n`);
    assert.equal(added.code, 0, added.err);
    const edition = (await t.store.getEditionByStart(WEEK))!;
    entry1Id = (await t.store.getEntries([edition.id])).find((e) => e.position === 1)!.id;
    // the app needs the address it is served at (cookies, Origin checks), known once it listens
    served = await serveApp({ fetch: (...args: Parameters<Hono['fetch']>) => app.fetch(...args) });
    app = createWebApp({ store: t.store, baseUrl: served.url, defaultLang: 'ko', now: () => new Date(START + (Date.now() - t0)), logError: (e) => serverErrors.push(String(e)) });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await watchedPage(context);
  });

  after(async () => {
    await browser?.close();
    await served?.close();
    await t?.cleanup();
  });

  step('1. logs in through the form and gets a __Host- session cookie (HttpOnly, Secure)', async () => {
    const first = await page.goto(url('/desk'));
    assert.equal(first?.status(), 200);
    assert.equal(page.url(), url('/desk/login?next=%2Fdesk'));
    await page.getByRole('heading', { name: 'Editor login' }).waitFor();
    // every input of the login form has an accessible label
    const email = page.getByLabel('E-mail address');
    const password = page.getByLabel('Password');
    assert.equal(await email.count(), 1);
    assert.equal(await password.count(), 1);
    assert.deepEqual(await unlabelledControls(page, 'form[action="/desk/login"]'), []);
    // a wrong password: the form again, with the one message for every failed login
    await email.fill(ED);
    await password.fill('not the password at all');
    await clickAndWait(page, page.getByRole('button', { name: 'Log in' }));
    assert.equal(await page.getByRole('alert').textContent(), 'Wrong e-mail address or password.');
    assert.equal((await context.cookies(served.url)).find((c) => c.name === SESSION_COOKIE), undefined);
    await page.getByLabel('E-mail address').fill(ED);
    await page.getByLabel('Password').fill(ED_PW);
    await clickAndWait(page, page.getByRole('button', { name: 'Log in' }), /\/desk$/);
    assert.equal(page.url(), url('/desk'));
    await page.getByRole('heading', { name: 'Editions' }).waitFor();
    assert.match((await page.locator('nav.site').textContent()) ?? '', /ed@example\.org/);
    const cookies = await context.cookies(served.url);
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    assert.ok(session, `cookies: ${cookies.map((c) => c.name).join(', ')}`);
    assert.match(session.value, /^[\w-]{43}$/);
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.path, '/');
    assert.equal(session.domain, '127.0.0.1');
    // HttpOnly: the page's scripts cannot read it
    assert.doesNotMatch(await page.evaluate(() => document.cookie), /pb_desk/);
    savedSession = session;
  });

  step('2. edits the abstract whose 50K became 50만 in place; after saving its error is gone', async () => {
    await page.goto(url(DESK_REVIEW));
    const section = page.locator('section#entry-4-abstract');
    assert.equal(await openErrors(), 5);
    const marksOnPage = await page.locator('mark.finding.error').count();
    // marked on both sides: 50K in the English source, 50만 in the Korean text
    const marks = section.locator('mark.finding.error');
    assert.equal(await marks.count(), 2);
    assert.equal(await section.locator('.side.source mark.finding.error').textContent(), '50K');
    assert.equal(await section.locator('.side.target mark.finding.error').textContent(), '50만');
    assert.ok(await marks.first().isVisible());
    assert.equal(await section.locator('li.finding.error').count(), 1);
    assert.match((await section.locator('li.finding.error').textContent()) ?? '', /numbers.*"50K".*"50만"/s);
    // the textarea sits in a closed <details>: open it, change the wording, save
    const textarea = section.getByLabel(/^Wording \(revision 1\)/);
    assert.equal(await textarea.isVisible(), false);
    await section.locator('summary', { hasText: 'Edit' }).click();
    assert.equal(await textarea.isVisible(), true);
    const before = await textarea.inputValue();
    assert.match(before, /2K에서 50만 토큰/);
    await textarea.fill(before.replace('50만', '5만'));
    await clickAndWait(page, section.getByRole('button', { name: 'Save and check' }), /done=saved/);
    assert.equal(page.url(), url(`${DESK_REVIEW}&done=saved#entry-4-abstract`));
    assert.match((await flash().textContent()) ?? '', /Saved and checked again/);
    const saved = page.locator('section#entry-4-abstract');
    assert.equal(await saved.locator('mark.finding.error').count(), 0);
    assert.equal(await saved.locator('li.finding.error').count(), 0);
    assert.match((await saved.locator('.side.target .body').textContent()) ?? '', /2K에서 5만 토큰/);
    assert.match((await saved.locator('p.provenance').first().textContent()) ?? '', /origin human · status draft · revision 2 · edited by ed@example\.org/);
    assert.equal(await openErrors(), 4);
    assert.equal(await page.locator('mark.finding.error').count(), marksOnPage - 2);
  });

  step('3. approves the clean texts, dismisses the remaining errors with a reason, publishes; the public page is up', async () => {
    // not yet published: the public page is the one 404
    const unpublished = await page.request.get(url(EDITION));
    assert.equal(unpublished.status(), 404);
    await clickAndWait(page, page.getByRole('button', { name: 'Approve all texts without errors' }), /done=approved-clean/);
    assert.match((await flash().textContent()) ?? '', /^\d+ text\(s\) approved\. \d+ left as they were/);
    // the publish gate refuses while errors are open: dismiss each with a reason
    let dismissed = 0;
    for (let open = await page.locator('li.finding.error').count(); open > 0; open = await page.locator('li.finding.error').count()) {
      assert.ok(dismissed < 10, 'dismissing does not end');
      const finding = page.locator('li.finding.error').first();
      const id = await finding.getAttribute('id');
      await finding.getByLabel('reason').fill('checked against the paper in the browser');
      await clickAndWait(page, finding.getByRole('button', { name: 'Dismiss' }), /done=dismissed/);
      assert.match((await flash().textContent()) ?? '', /Finding dismissed/);
      assert.match((await page.locator(`li#${id}`).textContent()) ?? '', /dismissed by ed@example\.org at .*: checked against the paper in the browser/);
      dismissed++;
    }
    assert.equal(dismissed, 4);
    assert.equal(await openErrors(), 0);
    await clickAndWait(page, page.getByRole('button', { name: 'Approve all texts without errors' }), /done=approved-clean/);
    assert.match((await page.locator('main').textContent()) ?? '', /30 texts, 30 approved, 0 open errors/);
    assert.equal(await page.locator('#publish').getByText('Nothing blocks publishing.').count(), 1);
    // the web is ticked, e-mail is not: publish on the web only
    assert.equal(await page.getByLabel('on the web').isChecked(), true);
    assert.equal(await page.getByLabel('by e-mail to the subscribers').isChecked(), false);
    await clickAndWait(page, page.getByRole('button', { name: 'Publish', exact: true }), /done=published/);
    assert.equal(await flash().textContent(), 'Published.');
    assert.equal(await flash().getAttribute('role'), 'status');
    assert.match((await page.locator('#publish').textContent()) ?? '', /Published on the web at 2024-04-08/);
    // the desk links the public page, which answers now
    const link = page.locator('#publish').getByRole('link', { name: 'public page' });
    assert.equal(await link.getAttribute('href'), EDITION);
    const res = await page.goto(url(EDITION));
    assert.equal(res?.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
    assert.match((await page.locator('article.edition').textContent()) ?? '', /2K에서 5만 토큰/);
  });

  step('4. searches for a two-syllable Korean word through the search form; hits are listed with <mark>', async () => {
    await page.goto(url('/'));
    const box = page.getByRole('searchbox', { name: 'Search' });
    assert.equal(await box.count(), 1);
    await box.fill('탈옥');
    await Promise.all([page.waitForNavigation({ url: /\/search\?q=/ }), box.press('Enter')]);
    assert.equal(new URL(page.url()).searchParams.get('q'), '탈옥');
    assert.match((await page.getByRole('heading', { level: 1 }).textContent()) ?? '', /^"탈옥": [1-9]\d*$/);
    const hits = page.locator('ol.hits > li');
    const n = await hits.count();
    assert.ok(n >= 1);
    for (let i = 0; i < n; i++) {
      const marks = await hits.nth(i).locator('mark').allTextContents();
      assert.ok(marks.length >= 1, `hit ${i} has a <mark>`);
      assert.ok(marks.every((m) => m === '탈옥'), `marks: ${marks.join(', ')}`);
    }
    // the search box keeps the query, and a hit leads to its edition
    assert.equal(await box.inputValue(), '탈옥');
    assert.match((await hits.first().getByRole('link').getAttribute('href')) ?? '', new RegExp(`^/editions/${WEEK}\\?lang=(ko|en)(#entry-\\d+)?$`));
  });

  step('5. switches the edition page to English, to Korean only, and back to both', async () => {
    await page.goto(url(EDITION));
    const nav = page.getByRole('navigation', { name: 'language' });
    assert.equal(await nav.getByRole('link', { name: '한국어', exact: true }).getAttribute('aria-current'), 'page');
    await clickAndWait(page, nav.getByRole('link', { name: 'English', exact: true }), /lang=en/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    const article = (await page.locator('article').textContent()) ?? '';
    assert.ok(article.length > 1000);
    assert.doesNotMatch(article, HANGUL);
    assert.equal(await page.getByRole('link', { name: 'English', exact: true }).getAttribute('aria-current'), 'page');
    // the English view offers no corrections of the sources
    assert.equal(await page.locator('p.suggest').count(), 0);

    await clickAndWait(page, page.getByRole('navigation', { name: 'language' }).getByRole('link', { name: '한국어', exact: true }), /lang=ko$/);
    await clickAndWait(page, page.getByRole('link', { name: '한국어 only' }), /show=target/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
    const original = page.locator('#entry-1 .text.original').first();
    const target = page.locator('#entry-1 .text.target').first();
    assert.equal(await original.count(), 1);
    assert.equal(await original.evaluate((e) => getComputedStyle(e).display), 'none');
    assert.equal(await original.isVisible(), false);
    assert.equal(await target.isVisible(), true);
    assert.equal(await page.locator('.text.original').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height > 0).length), 0);
    assert.equal(await page.getByRole('link', { name: '한국어 only' }).getAttribute('aria-current'), 'page');

    await clickAndWait(page, page.getByRole('navigation', { name: 'language' }).getByRole('link', { name: '한국어', exact: true }), /lang=ko$/);
    assert.equal(await original.isVisible(), true);
    assert.equal(await original.getAttribute('lang'), 'en');
    assert.notEqual(await original.evaluate((e) => getComputedStyle(e).display), 'none');
  });

  step('6. likes an entry with the keyboard (Tab to the button, Enter): +1, and a second like changes nothing', async (tc) => {
    await page.goto(url(EDITION));
    const count = page.locator(`#likes-${entry1Id}`);
    assert.equal(await count.textContent(), '좋아요 0');
    const button = page.locator('#entry-1 form.like button');
    assert.equal(await button.getAttribute('aria-describedby'), `likes-${entry1Id}`);
    // keyboard only, from the top of the page
    await page.locator('body').focus();
    let presses = 0;
    while (!(await button.evaluate((b) => b === document.activeElement))) {
      assert.ok(++presses < 400, 'Tab never reached the like button');
      await page.keyboard.press('Tab');
    }
    await Promise.all([page.waitForNavigation({ url: /liked=/ }), page.keyboard.press('Enter')]);
    assert.equal(page.url(), url(`${EDITION}&liked=${entry1Id}#entry-1`));
    assert.equal(await count.textContent(), '좋아요 1');
    assert.equal(await page.locator('#entry-1 p.thanks').textContent(), '좋아요를 눌러주셔서 감사합니다!');
    const reader = (await context.cookies(served.url)).find((c) => c.name === 'pb_reader');
    assert.ok(reader, 'the reader cookie is set');
    assert.equal(reader.httpOnly, true);
    // the same reader again: counted once
    await clickAndWait(page, button);
    assert.equal(page.url(), url(`${EDITION}&liked=${entry1Id}#entry-1`));
    assert.equal(await count.textContent(), '좋아요 1');
    // and the plain page says the same to everyone
    await page.goto(url(EDITION));
    assert.equal(await count.textContent(), '좋아요 1');
    assert.equal(await page.locator('p.thanks').count(), 0);
    tc.diagnostic(`${presses} Tab presses to the like button`);
  });

  step("7. suggests a correction of entry 1's intro; the editor accepts it; the public page shows it, marked corrected", async () => {
    await page.goto(url(EDITION));
    const suggest = page.locator('#entry-1 p.suggest a[href*="field=intro"]');
    assert.equal(await suggest.count(), 1);
    assert.equal(await suggest.textContent(), '수정 제안하기');
    await clickAndWait(page, suggest, /\/corrections\/new\?/);
    await page.getByRole('heading', { name: '수정 제안하기' }).waitFor();
    // every input has an accessible label: the sentences, the wording, the note (and the honeypot)
    assert.deepEqual(await unlabelledControls(page, 'form.correction'), []);
    const sentences = await page.locator('ol.sentences label').allTextContents();
    assert.ok(sentences.length >= 1);
    const radio = page.getByLabel(sentences[0]!, { exact: true });
    assert.equal(await radio.getAttribute('type'), 'radio');
    await radio.check();
    const proposed = page.getByLabel('바꿀 문구');
    const note = page.getByLabel('편집자에게 남길 말 (선택)');
    assert.equal(await proposed.evaluate((e) => e.tagName), 'TEXTAREA');
    assert.equal(await note.evaluate((e) => e.tagName), 'TEXTAREA');
    // the honeypot is out of sight and out of the tab order
    const honeypot = page.locator('#website');
    assert.equal(await honeypot.getAttribute('tabindex'), '-1');
    assert.equal(await honeypot.evaluate((e) => e.getBoundingClientRect().right <= 0), true);
    await proposed.fill(PROPOSED);
    await note.fill('브라우저 테스트의 제안');
    await clickAndWait(page, page.getByRole('button', { name: '제안 보내기' }), /\/corrections\/thanks/);
    assert.equal(page.url(), url(`/corrections/thanks?edition=${WEEK}&lang=ko`));
    assert.equal(await page.getByRole('status').textContent(), '감사합니다! 편집자가 제안을 검토하겠습니다.');

    // the editor sees it on the desk and accepts it
    await page.goto(url(DESK_REVIEW));
    assert.match((await page.locator('main').textContent()) ?? '', /1 pending reader corrections/);
    const block = page.locator('section#entry-1-intro div.correction');
    assert.equal(await block.count(), 1);
    assert.equal(await block.locator('q').nth(0).textContent(), sentences[0]);
    assert.equal(await block.locator('q').nth(1).textContent(), PROPOSED);
    await clickAndWait(page, block.getByRole('button', { name: 'Accept' }), /done=accepted/);
    assert.match((await flash().textContent()) ?? '', /Reader's correction accepted/);
    assert.match((await page.locator('section#entry-1-intro .side.target .body').textContent()) ?? '', new RegExp(PROPOSED.replace(/\./g, '\\.')));

    // the public page: the new wording, in a block marked corrected
    await page.goto(url(EDITION));
    const intro = page.locator('#entry-1 .text.target', { hasText: PROPOSED });
    assert.equal(await intro.count(), 1);
    assert.ok(await intro.isVisible());
    assert.equal(await intro.locator('.badge.corrected').textContent(), '2024-04-08 독자 제안으로 정정됨');
    assert.doesNotMatch((await intro.textContent()) ?? '', new RegExp(sentences[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  step('8. logs out; the desk then shows the login page, even with the old cookie put back', async () => {
    await page.goto(url('/desk'));
    assert.ok(savedSession);
    await clickAndWait(page, page.getByRole('button', { name: 'Log out' }), /\/desk\/login\?bye=1/);
    assert.equal(await page.getByRole('status').textContent(), 'You are logged out.');
    assert.equal((await context.cookies(served.url)).find((c) => c.name === SESSION_COOKIE), undefined);
    await page.goto(url('/desk'));
    assert.equal(page.url(), url('/desk/login?next=%2Fdesk'));
    await page.getByRole('heading', { name: 'Editor login' }).waitFor();
    // the old token, put back by hand, opens nothing (and the server clears it)
    await context.addCookies([savedSession]);
    assert.equal((await context.cookies(served.url)).find((c) => c.name === SESSION_COOKIE)?.value, savedSession.value);
    await page.goto(url(DESK_REVIEW));
    assert.equal(page.url(), url(`/desk/login?next=${encodeURIComponent(DESK_REVIEW)}`));
    await page.getByRole('heading', { name: 'Editor login' }).waitFor();
    assert.equal(await page.getByText('ed@example.org').count(), 0);
    assert.equal((await context.cookies(served.url)).find((c) => c.name === SESSION_COOKIE), undefined);
  });

  step('9. screenshots the edition page at desktop and phone widths; no horizontal scrolling on the phone', async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const desktopPath = join(ARTIFACTS_DIR, 'edition-desktop.png');
    const phonePath = join(ARTIFACTS_DIR, 'edition-phone.png');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url(EDITION));
    await page.screenshot({ path: desktopPath, fullPage: true });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    try {
      const p = await watchedPage(phone);
      const res = await p.goto(url(EDITION));
      assert.equal(res?.status(), 200);
      const { scrollWidth, innerWidth } = await p.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      assert.equal(innerWidth, 390);
      const wide = await p.evaluate(() =>
        [...document.querySelectorAll('main *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent ?? '').slice(0, 60)}`),
      );
      assert.ok(scrollWidth <= innerWidth + 1, `the page scrolls sideways on a phone: scrollWidth ${scrollWidth} > ${innerWidth}; too wide: ${wide.join(' | ')}`);
      await p.screenshot({ path: phonePath, fullPage: true });
      await assertNotPwned(p);
    } finally {
      await phone.close();
    }
    for (const path of [desktopPath, phonePath]) {
      assert.ok(existsSync(path), path);
      assert.ok(statSync(path).size > 10_000, `${path} is ${statSync(path).size} bytes`);
    }
  });

  step("9b. draws the week's chart under CSP and shows the trends page on a phone without sideways scrolling", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url(EDITION));
    const chart = page.locator('figure.chart img');
    await chart.waitFor();
    // an <img> of our own SVG: drawn (naturalWidth) even though the page allows no inline styles
    assert.ok((await chart.evaluate((img) => ((img as HTMLImageElement).complete ? (img as HTMLImageElement).naturalWidth : 0))) > 0, 'the chart image is drawn');
    assert.ok(((await chart.getAttribute('alt')) ?? '').length > 10, 'the chart has a text alternative');
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    try {
      const p = await watchedPage(phone);
      const res = await p.goto(url('/trends?lang=ko'));
      assert.equal(res?.status(), 200);
      assert.ok(((await p.locator('h1').textContent()) ?? '').length > 0);
      const { scrollWidth, innerWidth } = await p.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      assert.ok(scrollWidth <= innerWidth + 1, `the trends page scrolls sideways on a phone: ${scrollWidth} > ${innerWidth}`);
      assert.ok((await p.locator('figure.chart img').evaluate((img) => (img as HTMLImageElement).naturalWidth)) > 0, 'the heatmap is drawn');
    } finally {
      await phone.close();
    }
  });

  it('10. saw no page errors, no console errors but expected 4xx loads, no request off the site, no dialog', (tc) => {
    assert.ok(watched.length >= 1);
    for (const w of watched) {
      assert.deepEqual(w.pageErrors, []);
      assert.deepEqual(w.consoleErrors, []);
      assert.deepEqual(w.probe.external, []);
      assert.equal(w.probe.dialogs, 0);
      assert.equal(w.probe.cspViolations, 0, w.probe.console.join('\n'));
    }
    assert.deepEqual(serverErrors.filter((e) => !/^Error: desk: failed login from 127\.0\.0\.1$/.test(e)), []);
    assert.equal(serverErrors.length, 1);
    tc.diagnostic(`expected 4xx loads: ${watched.flatMap((w) => w.tolerated).join(' | ') || 'none'}`);
    tc.diagnostic(`setup and steps: ${Date.now() - t0} ms`);
  });

  /** Visible form controls with no accessible label (no <label>, aria-label or aria-labelledby). */
  async function unlabelledControls(p: Page, form: string): Promise<string[]> {
    return p.locator(`${form} input:not([type=hidden]), ${form} textarea, ${form} select`).evaluateAll((els) =>
      els
        .filter((e) => {
          const c = e as HTMLInputElement;
          return !(c.labels?.length && [...c.labels].some((l) => (l.textContent ?? '').trim())) && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby');
        })
        .map((e) => e.outerHTML.slice(0, 120)),
    );
  }
});
