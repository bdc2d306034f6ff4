// The sink side of the XSS suite (test/xss.test.ts): what a rendered document is, how many are
// put to the jsdom oracle and to Chromium, and the recorder that lets the browser see exactly the
// bytes the app answered without rendering them again. A new sink (the editors' desk, behind a
// login) or a new source (reader corrections) only adds `Render`s.
import { XMLParser } from 'fast-xml-parser';
import { Hono } from 'hono';
import type { Browser, BrowserContext } from 'playwright-core';
import type { XssPayload } from '../fixtures/xss-payloads.js';
import { executionsIn, executionsInHtml, hookedPage, installPwnedHook, screenshot, type ExecutionReport, type HookCounts } from './browser.js';
import type { OracleWorker } from './xss-oracle.js';

export interface Render {
  /** the sink's name, e.g. `web edition ?lang=ko`, `feed RSS`, `desk edition` */
  sink: string;
  /** where it came from, for messages: a path, a feed item, an edition */
  label: string;
  html: string;
  /** the origin the HTML is shown at (decides what is "external") */
  origin: string;
  /** the payloads this render shows (or tried to show) */
  payloads: readonly XssPayload[];
  /** where a browser opens it; jsdom only when absent */
  url?: string;
  /** false for markup a third party post-processes (a Discourse post body: Discourse adds its own rel) */
  requireRel?: boolean;
  /** check that `literal` payloads appear in the page text unchanged */
  checkLiterals?: boolean;
  /** false for a page with no links of its own to other sites (the desk): any is injected */
  externalLinks?: boolean;
  /** the path prefixes the page's own forms post to (any other form was injected) */
  formActions?: readonly string[];
}

export interface Violation {
  sink: string;
  label: string;
  found: string[];
  payloads: readonly XssPayload[];
}

/** Oracle 1 on one render, on the oracle worker; null when it is clean. */
export async function checkRender(oracle: OracleWorker, r: Render): Promise<Violation | null> {
  const literals = r.checkLiterals ? r.payloads.filter((p) => p.literal).map((p) => p.payload) : [];
  const found = await oracle.check({ html: r.html, origin: r.origin, opts: { requireRel: r.requireRel ?? true, externalLinks: r.externalLinks, formActions: r.formActions }, literals });
  return found.length ? { sink: r.sink, label: r.label, found, payloads: r.payloads } : null;
}

/**
 * Oracle 1 over many renders: dangerous nodes, and `literal` payloads that did not reach the text
 * unchanged. The promise settles when the worker has seen them all.
 */
export async function checkRenders(oracle: OracleWorker, renders: readonly Render[]): Promise<Violation[]> {
  const vs = await Promise.all(renders.map((r) => checkRender(oracle, r)));
  return vs.filter((v): v is Violation => v !== null);
}

/** The payloads of a render that hold an attribute value the oracle quoted: the likely culprits. */
export function suspects(v: Violation): XssPayload[] {
  const values = [...new Set(v.found.flatMap((f) => [...f.matchAll(/="([^"]*)"/g)].map((m) => m[1]!.replace(/\.\.\.$/, ''))))].filter((x) => x.length >= 4);
  return v.payloads.filter((p) => values.some((x) => p.payload.includes(x)));
}

export function describeViolations(vs: readonly Violation[], max = 15): string {
  const shown = vs.slice(0, max).map((v) => {
    const culprits = suspects(v);
    const ids = culprits.length
      ? `likely ${culprits.map((p) => `${p.id} ${JSON.stringify(p.payload)}`).join(', ')}`
      : `one of ${v.payloads.slice(0, 12).map((p) => p.id).join(', ')}${v.payloads.length > 12 ? `, … (${v.payloads.length})` : ''}`;
    return `${v.sink} ${v.label} (${ids}):\n    ${[...new Set(v.found)].slice(0, 8).join('\n    ')}`;
  });
  return shown.join('\n') + (vs.length > max ? `\n… and ${vs.length - max} more` : '');
}

export type Checked = ExecutionReport & { render: Render; ms: number };

export interface BrowserPassOptions {
  /** origins the pages may load from (anything else is counted as external) */
  origins: string[];
  /** a name for screenshots */
  name: string;
  /**
   * `navigate`: open each render's URL as served (its headers, CSP included); `write`: write each
   * render's HTML into a page of its origin (no headers: the markup alone; much faster).
   */
  mode: 'navigate' | 'write';
  bypassCSP?: boolean;
  /** screenshots in test-artifacts/ of the first pages that ran something (default 5; 0 for none) */
  screenshots?: number;
  /** e.g. log in: add the session cookie to the context */
  setup?: (context: BrowserContext) => Promise<void>;
}

const isBad = (r: ExecutionReport) => r.executions > 0 || r.navigatedAway || r.status !== 200 || r.error !== undefined;

/**
 * Renders handed over one by one while a consumer (browserPass) works through them, so the
 * browser runs while the app is still rendering.
 */
export class RenderQueue implements AsyncIterable<Render> {
  private items: Render[] = [];
  private waiting: ((r: IteratorResult<Render>) => void) | null = null;
  private closed = false;

  push(r: Render): void {
    if (this.closed) throw new Error('the queue is closed');
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: r, done: false });
    } else this.items.push(r);
  }

  close(): void {
    this.closed = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }

  [Symbol.asyncIterator](): AsyncIterator<Render> {
    return {
      next: () => {
        const r = this.items.shift();
        if (r) return Promise.resolve({ value: r, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}

/** Oracle 2 over many renders (those with a `url`), one hooked page reused for all. */
export async function browserPass(browser: Browser, renders: Iterable<Render> | AsyncIterable<Render>, opts: BrowserPassOptions): Promise<{ reports: Checked[]; bad: Checked[] }> {
  const { context, page: first } = await hookedPage(browser, opts.origins, { bypassCSP: opts.bypassCSP });
  let page = first;
  await opts.setup?.(context);
  const reports: Checked[] = [];
  let baseline: HookCounts | undefined;
  let shots = 0;
  /** a page a payload navigated or broke is replaced by a fresh one */
  const freshPage = async () => {
    await page.close().catch(() => {});
    page = await context.newPage();
    await installPwnedHook(page, opts.origins);
    baseline = undefined;
  };
  try {
    for await (const r of renders) {
      if (!r.url) continue;
      const t0 = Date.now();
      let rep: ExecutionReport;
      try {
        if (opts.mode === 'navigate') {
          rep = await executionsIn(page, r.url);
        } else {
          const blank = new URL('/__xss/blank', r.url).href;
          if (page.url() !== blank) {
            await page.goto(blank).catch(async () => {
              await freshPage();
              await page.goto(blank);
            });
            baseline = undefined;
          }
          const written = await executionsInHtml(page, r.html, { baseline });
          baseline = written.counts;
          rep = { ...written, url: r.url };
        }
      } catch (e) {
        // usually a navigation the previous or this document started; either way a finding
        rep = { url: r.url, executions: 0, hookCalls: 0, dialogs: 0, cspViolations: 0, blockedScripts: 0, navigatedAway: true, status: null, external: [], error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
      }
      reports.push({ ...rep, render: r, ms: Date.now() - t0 });
      if (isBad(rep)) {
        if (shots++ < (opts.screenshots ?? 5)) await screenshot(page, `xss-${opts.name}-${r.sink}-${r.label}`).catch(() => '');
        if (rep.error || rep.navigatedAway) await freshPage();
      }
    }
  } finally {
    await context.close();
  }
  return { reports, bad: reports.filter(isBad) };
}

export function describeBad(bad: readonly Checked[], max = 15): string {
  return bad
    .slice(0, max)
    .map((b) => `${b.render.sink} ${b.render.label} (${b.url}): executions ${b.executions} (hook ${b.hookCalls}, dialogs ${b.dialogs}), status ${b.status}${b.navigatedAway ? ', navigated away (this document or the one before)' : ''}${b.error ? `, error: ${b.error}` : ''}; payloads ${b.render.payloads.map((p) => p.id).slice(0, 12).join(', ')}`)
    .join('\n');
}

interface Recorded {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/**
 * The app behind a recorder: the first GET of a path with a given Cookie header (the collect step,
 * over HTTP) renders it and keeps the exact status, headers and bytes; later GETs of it with the
 * same cookies (the browser, logged in to the desk with the same session) get those again instead
 * of a second render; a GET with other cookies (none: a visitor who is not logged in) is rendered
 * afresh. Also serves `/__xss/blank` (an empty page to write documents into) and
 * `/__xss/render/N` (standalone documents, e.g. renderEdition output or the answer to a POST,
 * with no headers).
 */
export function recordingApp(app: Pick<Hono, 'fetch'>, standalone: string[]): Hono {
  const recorded = new Map<string, Recorded>();
  const wrapper = new Hono();
  wrapper.get('/__xss/blank', (c) => c.html('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>'));
  wrapper.get('/__xss/render/:n', (c) => {
    const html = standalone[Number(c.req.param('n'))];
    return html === undefined ? c.text('no such render', 404) : c.html(html);
  });
  wrapper.all('*', async (c) => {
    const url = new URL(c.req.url);
    const key = `${url.pathname}${url.search}\u0000${c.req.header('cookie') ?? ''}`;
    const hit = c.req.method === 'GET' ? recorded.get(key) : undefined;
    if (hit) return new Response(hit.body.slice(), { status: hit.status, headers: hit.headers });
    const res = await app.fetch(c.req.raw);
    if (c.req.method !== 'GET') return res;
    const body = new Uint8Array(await res.arrayBuffer());
    const rec: Recorded = { status: res.status, headers: [...res.headers.entries()], body };
    recorded.set(key, rec);
    return new Response(body.slice(), { status: rec.status, headers: rec.headers });
  });
  return wrapper;
}

/** Each item of an RSS 2.0, Atom 1.0 or JSON Feed document: its link and the HTML a reader would show. */
export function feedItems(kind: 'rss' | 'atom' | 'json', body: string): Array<{ link: string; html: string[] }> {
  if (kind === 'json') {
    const j = JSON.parse(body) as { items: Array<{ url?: string; id?: string; title?: string; content_html?: string; summary?: string }> };
    return j.items.map((i) => ({ link: i.url ?? i.id ?? '', html: [i.content_html ?? '', i.summary ?? '', i.title ?? ''] }));
  }
  type Node = Record<string, unknown>;
  const xml = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false, trimValues: false }).parse(body) as Node;
  const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);
  const list = (v: unknown): Node[] => (v === undefined || v === null ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);
  const at = (n: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Node)[k] : undefined), n);
  if (kind === 'rss') {
    return list(at(xml, 'rss', 'channel', 'item')).map((i) => ({ link: String(i.link ?? ''), html: [i['content:encoded'], i.description, i.title].flatMap(strings) }));
  }
  return list(at(xml, 'feed', 'entry')).map((e) => ({ link: String(list(e.link)[0]?.['@_href'] ?? e.id ?? ''), html: [e.content, e.summary, e.title].flatMap(strings) }));
}

/**
 * What is wrong with the security headers of one HTML answer (empty when nothing): a CSP with
 * `frame-ancestors 'none'` and `base-uri 'none'` that lets no inline or foreign script run,
 * `x-content-type-options: nosniff`, `referrer-policy: no-referrer`; desk pages also
 * `cache-control: no-store` (they carry a CSRF token and unpublished texts).
 */
export function securityHeaderProblems(headers: Headers, opts: { desk: boolean }): string[] {
  const out: string[] = [];
  const csp = headers.get('content-security-policy');
  if (!csp) out.push('no content-security-policy header');
  else {
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name!.toLowerCase(), values] as const),
    );
    const has = (name: string, value: string) => directives.get(name)?.includes(value) ?? false;
    if (!has('frame-ancestors', "'none'")) out.push(`CSP without frame-ancestors 'none': ${csp}`);
    if (!has('base-uri', "'none'")) out.push(`CSP without base-uri 'none': ${csp}`);
    const script = directives.get('script-src-elem') ?? directives.get('script-src') ?? directives.get('default-src');
    if (!script) out.push(`CSP does not restrict scripts (no script-src, no default-src): ${csp}`);
    else if (script.some((v) => /^'unsafe-(inline|eval|hashes)'$|^\*$|^https?:$|^data:$/i.test(v))) out.push(`CSP lets inline or foreign scripts run: ${csp}`);
  }
  if (headers.get('x-content-type-options')?.toLowerCase() !== 'nosniff') out.push(`x-content-type-options is ${JSON.stringify(headers.get('x-content-type-options'))}, not nosniff`);
  if (headers.get('referrer-policy')?.toLowerCase() !== 'no-referrer') out.push(`referrer-policy is ${JSON.stringify(headers.get('referrer-policy'))}, not no-referrer`);
  if (opts.desk && !/(^|,)\s*no-store\s*(,|$)/i.test(headers.get('cache-control') ?? '')) out.push(`a desk page with cache-control ${JSON.stringify(headers.get('cache-control'))}, not no-store`);
  return out;
}
