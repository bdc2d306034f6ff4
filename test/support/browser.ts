// A real browser for tests: Debian's chromium driven by playwright-core (never a downloaded one;
// never `npx playwright install`), a Hono app on a loopback port, and the `window.__pwned` hook
// that counts script executions of injected payloads.
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './cli.js';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Screenshots and other files a failing browser test leaves behind (gitignored). */
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts');

export function chromiumPath(): string {
  return process.env.PAPERBOY_CHROMIUM || '/usr/bin/chromium';
}

/** Host names resolve to nothing but loopback: a page under test reaches no third party. */
export const OFFLINE_ARG = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';

/**
 * Headless chromium with a fresh profile (playwright makes a new user-data dir), offline unless
 * `offline: false`. Throws (so the test fails, never skips) when the executable is missing: CI
 * installs Debian's chromium.
 */
export async function launchBrowser(opts: { offline?: boolean } = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`chromium not found at ${executablePath}: install it (apt-get install chromium) or set PAPERBOY_CHROMIUM to its path. Browser tests never download a browser.`);
  }
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, ...(opts.offline === false ? [] : [OFFLINE_ARG])] });
}

export interface Served {
  /** e.g. http://127.0.0.1:41234, without a trailing slash */
  url: string;
  close(): Promise<void>;
}

/** Serves the app on 127.0.0.1, on a free port. */
export function serveApp(app: Pick<Hono, 'fetch'>): Promise<Served> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// The __pwned hook

/**
 * Runs in every document and frame before any of its own scripts. `__pwned()`, `alert`, `confirm`,
 * `prompt` and `print` count as executions; a script the CSP refused is counted apart, as an
 * attempt (in documents that were navigated to: document.open drops that listener). The count lives in a closure and is read through a non-writable, non-configurable
 * function, so markup cannot clobber or reset it (`<a id=__pwnedCalls>` shadows nothing).
 * `window.__pwnedCalls` is kept for humans. Plain JavaScript in a string: a function would be
 * serialised after tsx/esbuild rewrote it, with helpers the page does not have.
 */
export const PWNED_INIT = `(() => {
  let calls = 0;
  let blocked = 0;
  const hit = () => {
    calls++;
    try { window.__pwnedCalls = calls; } catch (e) { /* a clobbered name; the closure still counts */ }
    try { if (window.top && window.top !== window) window.top.__pwnedFromFrame(); } catch (e) { /* cross-origin frame */ }
  };
  const define = (name, value) => Object.defineProperty(window, name, { value, writable: false, configurable: false });
  define('__pwned', hit);
  define('__pwnedFromFrame', () => { calls++; });
  define('__pwnedCount', () => calls);
  define('__pwnedBlocked', () => blocked);
  for (const name of ['alert', 'confirm', 'prompt', 'print']) define(name, hit);
  document.addEventListener('securitypolicyviolation', (e) => {
    if (/^script-src/.test(e.effectiveDirective || e.violatedDirective || '')) blocked++;
  }, true);
})();`;

export interface PwnedProbe {
  /** dialogs the page opened since the probe was installed (alert & co. are hooked, so this counts what slips past) */
  dialogs: number;
  /** CSP violation messages logged by the page */
  cspViolations: number;
  /** console messages of the page, newest last (for a failure message) */
  console: string[];
  /** requests to anything but the pages' own origin(s) (they fail when the browser is offline) */
  external: string[];
}

const probes = new WeakMap<Page, PwnedProbe>();

/**
 * Installs the hook on a page (every later navigation and frame) and counts dialogs, CSP messages
 * and requests that leave `allowedOrigins` (`external`; launchBrowser's offline mode makes them fail).
 */
export async function installPwnedHook(page: Page, allowedOrigins: string[] = []): Promise<PwnedProbe> {
  const probe: PwnedProbe = { dialogs: 0, cspViolations: 0, console: [], external: [] };
  probes.set(page, probe);
  await page.addInitScript({ content: PWNED_INIT });
  page.on('dialog', (d) => {
    probe.dialogs++;
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy/i.test(text)) probe.cspViolations++;
    probe.console.push(text);
    if (probe.console.length > 50) probe.console.shift();
  });
  const allowed = new Set(allowedOrigins.map((o) => new URL(o).origin));
  page.on('request', (r) => {
    const url = r.url();
    if (url.startsWith('data:') || url.startsWith('about:') || url.startsWith('blob:')) return;
    let origin = '';
    try {
      origin = new URL(url).origin;
    } catch {
      // not a URL anything fetches
    }
    if (!allowed.has(origin)) probe.external.push(url);
  });
  return probe;
}

export function probeOf(page: Page): PwnedProbe {
  const p = probes.get(page);
  if (!p) throw new Error('installPwnedHook was not called on this page');
  return p;
}

/** Executions counted by the hook in the page's current document; -1 when the hook is missing. */
export async function pwnedCount(page: Page): Promise<number> {
  return (await hookCounts(page)).calls;
}

export interface HookCounts {
  /** hook calls (and alert, confirm, prompt, print) */
  calls: number;
  /** scripts the CSP refused */
  blocked: number;
}

/** Hook calls and CSP-blocked script attempts in the page's current document; -1 when the hook is missing. */
export async function hookCounts(page: Page): Promise<HookCounts> {
  return page.evaluate(() => {
    const w = window as unknown as { __pwnedCount?: () => number; __pwnedBlocked?: () => number };
    return typeof w.__pwnedCount === 'function' && typeof w.__pwnedBlocked === 'function' ? { calls: w.__pwnedCount(), blocked: w.__pwnedBlocked() } : { calls: -1, blocked: -1 };
  });
}

export interface ExecutionReport {
  url: string;
  /** hook calls + dialogs */
  executions: number;
  hookCalls: number;
  dialogs: number;
  /** CSP violation messages in the console */
  cspViolations: number;
  /** scripts or handlers the CSP refused to run (attempted executions) */
  blockedScripts: number;
  /** the page ended somewhere else (a refresh, a script navigation) */
  navigatedAway: boolean;
  status: number | null;
  external: string[];
  /** the check itself failed (a navigation interrupted it, the page crashed) */
  error?: string;
}

/**
 * Loads `url` in `page` (which has the hook), waits until load plus a frame and a task (autofocus,
 * SVG timelines, late handlers), and reports the executions, dialogs and CSP messages it caused.
 * The page is reused by the next call.
 */
export async function executionsIn(page: Page, url: string, opts: { settleMs?: number } = {}): Promise<ExecutionReport> {
  const probe = probeOf(page);
  const before = { dialogs: probe.dialogs, csp: probe.cspViolations, external: probe.external.length };
  const response = await page.goto(url, { waitUntil: 'load' });
  let hookCalls = 0;
  let blockedScripts = 0;
  try {
    await page.evaluate(
      (ms) => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, ms))),
      opts.settleMs ?? 0,
    );
    ({ calls: hookCalls, blocked: blockedScripts } = await hookCounts(page));
  } catch {
    // the document went away under us (a refresh or script navigation): reported below
  }
  const navigatedAway = page.url() !== new URL(url).href;
  if (hookCalls < 0 && !navigatedAway) throw new Error(`the __pwned hook is missing in ${page.url()}`);
  hookCalls = Math.max(0, hookCalls);
  const dialogs = probe.dialogs - before.dialogs;
  return {
    url,
    executions: hookCalls + dialogs,
    hookCalls,
    dialogs,
    cspViolations: probe.cspViolations - before.csp,
    blockedScripts,
    navigatedAway,
    status: response?.status() ?? null,
    external: probe.external.slice(before.external),
  };
}

/**
 * Writes `html` into the page's current document (document.open/write, as `page.setContent`
 * does) and reports what it ran: the quick way to run many documents through one page without a
 * navigation each. The window, and so the hook, survives the rewrite; the count is the difference.
 * No response headers apply (no CSP): the markup alone is on trial. Open a page of the right origin
 * first (`page.goto`) so relative URLs resolve where the document would be served.
 */
export async function executionsInHtml(page: Page, html: string, opts: { settleMs?: number; baseline?: HookCounts } = {}): Promise<ExecutionReport & { counts: HookCounts }> {
  const probe = probeOf(page);
  const url = page.url();
  const before = { dialogs: probe.dialogs, csp: probe.cspViolations, external: probe.external.length, ...(opts.baseline ?? (await hookCounts(page))) };
  if (before.calls < 0) throw new Error(`the __pwned hook is missing in ${url}`);
  let after: HookCounts = { calls: -1, blocked: -1 };
  try {
    await page.setContent(html, { waitUntil: 'load' });
    after = await page.evaluate(
      (ms) =>
        new Promise<HookCounts>((r) =>
          requestAnimationFrame(() =>
            setTimeout(() => {
              const w = window as unknown as { __pwnedCount: () => number; __pwnedBlocked: () => number };
              r({ calls: w.__pwnedCount(), blocked: w.__pwnedBlocked() });
            }, ms),
          ),
        ),
      opts.settleMs ?? 0,
    );
  } catch {
    // the document went away under us (a refresh or script navigation): reported below
  }
  const navigatedAway = page.url() !== url;
  // a navigation starts a fresh document with a fresh count: whatever ran before it is lost, so say so
  const hookCalls = navigatedAway || after.calls < 0 ? Math.max(0, after.calls) : after.calls - before.calls;
  const dialogs = probe.dialogs - before.dialogs;
  return {
    url,
    executions: hookCalls + dialogs,
    hookCalls,
    dialogs,
    cspViolations: probe.cspViolations - before.csp,
    blockedScripts: navigatedAway || after.blocked < 0 ? 0 : after.blocked - before.blocked,
    navigatedAway: navigatedAway || after.calls < 0,
    status: 200,
    external: probe.external.slice(before.external),
    counts: after,
  };
}

/** A fresh context (own cookies and storage) with one hooked page. */
export async function hookedPage(browser: Browser, allowedOrigins: string[], opts: { bypassCSP?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; probe: PwnedProbe }> {
  const context = await browser.newContext({ bypassCSP: opts.bypassCSP ?? false, javaScriptEnabled: true });
  const page = await context.newPage();
  const probe = await installPwnedHook(page, allowedOrigins);
  return { context, page, probe };
}

/** Saves a full-page screenshot under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
