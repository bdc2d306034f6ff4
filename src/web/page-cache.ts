// A whole-response cache for the public site, in memory per `paperboy serve` process. It owns no
// I/O of its own: it asks `version()` (the store's site version, which every public write bumps
// from any process) before each answer, and a version it has not seen empties the whole cache.
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

export interface PageCacheOptions {
  /** the site version; read before every cached answer and before every render */
  version: () => Promise<number>;
  /** most pages kept (least recently used go first); default 500 */
  maxEntries?: number;
  /** most bytes of bodies and headers kept; default 64 MB */
  maxBytes?: number;
  /** whether a GET or HEAD may be answered from (and stored in) the cache; default `publicRequest` */
  shouldCache?: (c: Context) => boolean;
}

interface Entry {
  version: number;
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  bytes: number;
}

/** Statuses that are the same for every visitor of a public URL. */
const CACHEABLE_STATUS = new Set([200, 301, 404]);
/** Headers a 304 repeats from the 200 it stands for (RFC 9110, 15.4.5). */
const NOT_MODIFIED_HEADERS = new Set(['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary']);
const DESK_COOKIE = /(?:^|;)\s*(?:__Host-)?pb_desk/;

/** Default: not the desk, not an editor (desk session cookie), not an authenticated request. */
export function publicRequest(c: Context): boolean {
  const path = c.req.path;
  if (path === '/desk' || path.startsWith('/desk/')) return false;
  if (c.req.header('authorization') !== undefined) return false;
  const cookie = c.req.header('cookie');
  return cookie === undefined || !DESK_COOKIE.test(cookie);
}

export function pageCache(opts: PageCacheOptions): MiddlewareHandler {
  const maxEntries = opts.maxEntries ?? 500;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const shouldCache = opts.shouldCache ?? publicRequest;
  // Map order is recency order: a hit moves its key to the end, eviction takes from the front
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let cacheVersion: number | null = null;
  // renders under way per key: concurrent misses of one page wait for one render, not start many
  const rendering = new Map<string, { version: number; done: Promise<Entry | null> }>();

  const clear = () => {
    entries.clear();
    bytes = 0;
  };
  const remove = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    bytes -= e.bytes;
  };
  const store = (key: string, e: Entry) => {
    // a render that began under an older version may hold what a write has since changed
    if (e.version !== cacheVersion || e.bytes > maxBytes) return;
    remove(key);
    entries.set(key, e);
    bytes += e.bytes;
    for (const [k] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      remove(k);
    }
  };

  // One version read serves every request that arrived before it began: requests taken from the
  // sockets in one turn of the event loop wait for a read that starts after them (setImmediate),
  // never for one already under way, which may predate a write they must see.
  let nextRead: Promise<number> | null = null;
  const readVersion = () =>
    (nextRead ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      nextRead = null;
      return opts.version();
    }));

  return async (c, next) => {
    const method = c.req.method;
    if ((method !== 'GET' && method !== 'HEAD') || !shouldCache(c)) return next();
    // the version is read before anything is rendered, so a write during the render makes the
    // stored page older than the store, and the next request (seeing the new version) drops it
    let version: number;
    try {
      version = await readVersion();
    } catch {
      // without the version nothing cached can be trusted; the render meets the store's error itself
      return next();
    }
    if (version !== cacheVersion) {
      clear();
      cacheVersion = version;
    }
    const key = pathAndQuery(c.req.url);
    const hit = entries.get(key);
    if (hit) {
      entries.delete(key);
      entries.set(key, hit);
      return answer(c, hit, 'hit');
    }
    // a HEAD is answered from a GET's page but never stored: in front of an app that answers HEAD
    // itself, its body would be empty
    if (method === 'HEAD') return next();
    const pending = rendering.get(key);
    if (pending && pending.version === version) {
      const shared = await pending.done;
      if (shared) return answer(c, shared, 'hit');
      // that answer was not for everyone (a cookie, no-store): render this one on its own
      await next();
      return;
    }
    let finish!: (e: Entry | null) => void;
    const mine = { version, done: new Promise<Entry | null>((resolve) => (finish = resolve)) };
    rendering.set(key, mine);
    let entry: Entry | null = null;
    try {
      await next();
      entry = await capture(c, version);
    } finally {
      if (rendering.get(key) === mine) rendering.delete(key);
      finish(entry);
    }
    if (!entry) return;
    store(key, entry);
    // the body was read to be stored: the client gets the stored copy. Hono would merge the old
    // response's headers into a new one (and turn its body into a stream); unset it first
    c.res = undefined;
    c.res = answer(c, entry, 'miss');
  };
}

/** The response as a cache entry, or null when it must not be shared. */
async function capture(c: Context, version: number): Promise<Entry | null> {
  const res = c.res;
  if (!CACHEABLE_STATUS.has(res.status)) return null;
  if (res.headers.has('set-cookie')) return null;
  const cc = res.headers.get('cache-control')?.toLowerCase() ?? '';
  if (/\b(no-store|private)\b/.test(cc)) return null;
  // the key is the URL alone: an answer that varies by request headers is not for everyone
  if (res.headers.get('vary')?.split(',').some((h) => h.trim().toLowerCase() !== 'accept-encoding')) return null;
  const body = new Uint8Array(await res.arrayBuffer());
  const headers: Array<[string, string]> = [];
  let size = body.byteLength;
  let etag: string | null = null;
  for (const [k, v] of res.headers) {
    if (k === 'content-length' || k === 'x-cache') continue;
    if (k === 'etag') etag = v;
    headers.push([k, v]);
    size += k.length + v.length;
  }
  if (etag === null) {
    // weak: the same page may come compressed or not from a proxy in front
    etag = `W/"${body.byteLength.toString(36)}-${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
    headers.push(['etag', etag]);
  }
  return { version, status: res.status, headers, body, etag, bytes: size + 64 };
}

function answer(c: Context, e: Entry, how: 'hit' | 'miss'): Response {
  if (e.status === 200 && matches(c.req.header('if-none-match'), e.etag)) {
    const headers = e.headers.filter(([k]) => NOT_MODIFIED_HEADERS.has(k));
    headers.push(['x-cache', how]);
    return new Response(null, { status: 304, headers });
  }
  const headers = [...e.headers, ['x-cache', how] as [string, string]];
  return new Response(c.req.method === 'HEAD' ? null : e.body, { status: e.status, headers });
}

/** If-None-Match uses the weak comparison: W/"x" and "x" are the same tag. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const want = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === want);
}

/** "/editions/2024-04-01?lang=ko" from the full URL, without parsing it. */
function pathAndQuery(url: string): string {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  return start < 0 ? '/' : url.slice(start);
}
