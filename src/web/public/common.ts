// What the public routes share: their context, addresses of papers and editions, the reader's
// cookie, the same-origin test for reader forms, and the small answers (404, 413, 429, 403).
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { renderPlain } from '../../channels/render/sanitize.js';
import { getBundle } from '../../i18n/bundle.js';
import type { Store } from '../../ports.js';
import { clientIp } from '../client.js';
import { page } from '../layout.js';
import type { RateLimit } from '../rate-limit.js';

export const ISO = /^\d{4}-\d{2}-\d{2}$/;
export const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/;

export interface PublicContext {
  store: Store;
  baseUrl: string;
  defaultLang: string;
  now: () => Date;
  trustProxy: boolean;
  /** the one answer for anything unknown or unpublished */
  notFound: (c: Context) => Response;
}

/** The paper page's path: `/papers/arxiv/2404.02258`, or `/papers/url/<base64url of the URL>`. */
export function paperPath(key: string): string {
  if (key.startsWith('arxiv:')) return `/papers/arxiv/${key.slice('arxiv:'.length).split('/').map(encodeURIComponent).join('/')}`;
  // base64url: a URL inside a path would lose its slashes and %2F to proxies that normalise paths
  return `/papers/url/${Buffer.from(key.replace(/^url:/, ''), 'utf8').toString('base64url')}`;
}

export function editionPath(startDate: string, lang: string, extra = ''): string {
  return `/editions/${startDate}?lang=${encodeURIComponent(lang)}${extra}`;
}

// ---------------------------------------------------------------------------------------------
// The reader: a random cookie id, stored only as its hash (likes and corrections name no person)

const READER_COOKIE = 'pb_reader';
const READER_ID = /^[0-9a-f]{32}$/;
/** 400 days, the longest browsers keep a cookie */
const READER_MAX_AGE = 400 * 24 * 3600;

/**
 * The reader's hashed id. A reader without a (well-formed) cookie gets a new id; `remember()` puts
 * it in this answer's cookie, called only once something was stored under it.
 */
export function readerOf(c: Context, baseUrl: string): { reader: string; remember: () => void } {
  const old = getCookie(c, READER_COOKIE);
  const id = old !== undefined && READER_ID.test(old) ? old : randomBytes(16).toString('hex');
  return {
    reader: createHash('sha256').update(id).digest('hex'),
    remember: () => {
      if (id !== old) setCookie(c, READER_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'Lax', secure: baseUrl.startsWith('https:'), maxAge: READER_MAX_AGE });
    },
  };
}

/**
 * True for a form posted from another site. Browsers send Origin (and Sec-Fetch-Site) on every
 * POST, so a page elsewhere cannot make its visitors like or suggest; clients that send neither
 * are not browsers acting for someone else, and pass.
 */
export function crossSite(c: Context, baseUrl: string): boolean {
  if (c.req.header('sec-fetch-site') === 'cross-site') return true;
  const origin = c.req.header('origin');
  // our pages send no referrer, so browsers post "Origin: null" to this very site; Sec-Fetch-Site vouches for it
  if (origin === undefined || (origin === 'null' && c.req.header('sec-fetch-site') === 'same-origin')) return false;
  const allowed = [new URL(c.req.url).origin];
  try {
    allowed.push(new URL(baseUrl).origin);
  } catch {
    // a bad base URL allows only the request's own origin
  }
  return !allowed.includes(origin);
}

/** Takes a token for this client; when it has none left, the 429 answer (with Retry-After) to send. */
export function limited(c: Context, limit: RateLimit, name: string, ctx: PublicContext): Response | null {
  const key = `${name}:${clientIp(c, ctx.trustProxy)}`;
  if (limit.take(key)) return null;
  const b = getBundle(langOf(c.req.query('lang'), ctx.defaultLang));
  c.header('retry-after', String(Math.max(1, limit.retryAfter(key))));
  c.header('cache-control', 'no-store');
  return c.html(page({ lang: b.lang, title: '429', body: `<h1>429</h1><p>${renderPlain(b.tooMany)}</p>`, feedsLang: ctx.defaultLang }), 429);
}

export function tooLarge(c: Context, ctx: PublicContext): Response {
  const b = getBundle(ctx.defaultLang);
  return c.html(page({ lang: b.lang, title: '413', body: `<h1>413</h1><p>${renderPlain(b.tooLarge)}</p>`, feedsLang: ctx.defaultLang }), 413);
}

export function forbidden(c: Context, ctx: PublicContext): Response {
  return c.html(page({ lang: 'en', title: 'Forbidden', body: '<h1>Forbidden</h1><p>This form can only be sent from this site.</p>', feedsLang: ctx.defaultLang }), 403);
}

/** A language tag from a query or form, or the fallback. */
export function langOf(asked: string | undefined, fallback: string): string {
  return asked !== undefined && LANG.test(asked) ? asked : fallback;
}

/** A form's text fields; a file or a repeated field counts as absent. */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
}
