// The jsdom oracle of the XSS suite (docs RELIABILITY.md §28): reparse rendered HTML the way a
// browser would and list everything that could run script, load a third party or mislead a reader.
// Pure apart from jsdom; reusable by any sink (web archive, feeds, e-mail, the editors' desk).
import { Worker } from 'node:worker_threads';
import { JSDOM } from 'jsdom';

export interface OracleOptions {
  /**
   * Every external (http/https, other origin) `<a href>` must carry rel noopener, noreferrer and
   * nofollow. Default true; false for markup a third party post-processes (a Discourse post body).
   */
  requireRel?: boolean;
  /** the page's CSP nonce: a `<script>` carrying it is the page's own and allowed */
  nonce?: string;
  /**
   * false for a page with no links of its own to other sites (the editors' desk): any `<a href>`
   * to another origin is then injected (a dangling `<a href="https://evil/?` would carry the rest of
   * the page, CSRF token included, to whoever follows it). Default true: allowed, with `requireRel`.
   */
  externalLinks?: boolean;
  /**
   * Same-origin path prefixes the page's own forms post to (e.g. `['/desk/']`): a `<form>` whose
   * action is anywhere else was injected. Whatever this says, a form posting to another origin and
   * a `formaction` attribute are always flagged (the site's own markup has neither).
   */
  formActions?: readonly string[];
}

/** Elements that run script, embed another document, or parse differently with scripting on (mXSS). */
const FORBIDDEN_ELEMENTS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal', 'base',
  'noscript', 'noembed', 'noframes', 'xmp', 'plaintext', 'listing', 'template', 'svg', 'math',
  'isindex', 'keygen', 'param',
]);

/** Attributes that hold a URL something may navigate to, fetch or submit to. */
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data', 'background', 'ping', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'longdesc', 'manifest', 'icon'];
const SCRIPT_SCHEMES = new Set(['javascript:', 'vbscript:', 'livescript:', 'mocha:']);
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const REQUIRED_REL = ['noopener', 'noreferrer', 'nofollow'];

function describe(el: Element): string {
  const attrs = [...el.attributes].map((a) => `${a.name}="${a.value.length > 60 ? a.value.slice(0, 57) + '...' : a.value}"`).join(' ');
  return `<${el.tagName.toLowerCase()}${attrs ? ' ' + attrs : ''}>`;
}

/** The URL a browser would resolve, or null when it would not parse (then it is inert). */
function resolve(value: string, base: string): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}

/**
 * Dangerous nodes of one rendered document or fragment, each described in one line; empty when
 * the HTML is inert. `origin` is where the page is served (for "external"), e.g. http://127.0.0.1:4000.
 *
 * Flags: script (unless it carries `opts.nonce`), iframe/object/embed and other embedding or
 * parser-differential elements, svg/math, any `on*` attribute, `srcdoc`, script-scheme or
 * non-image `data:` URLs in any URL attribute, `<img>`/`<image>`/srcset from another origin,
 * `<link>` to another origin, `<meta http-equiv=refresh>`, `<a href>` with a scheme other than
 * http/https/mailto, external `<a href>` without rel noopener noreferrer nofollow, and
 * `target` without noopener, a `<form>` posting to another origin (or, with `opts.formActions`,
 * outside those paths), a `formaction` attribute, and with `opts.externalLinks: false` any link to
 * another origin.
 */
export function dangerousNodes(html: string, origin: string, opts: OracleOptions = {}): string[] {
  return dangerousNodesIn(parse(html), origin, opts);
}

/** dangerousNodes of a parsed document. */
function dangerousNodesIn(doc: Document, origin: string, opts: OracleOptions): string[] {
  const requireRel = opts.requireRel ?? true;
  const base = new URL(origin);
  const found: string[] = [];
  const flag = (el: Element, why: string) => found.push(`${why}: ${describe(el)}`);

  for (const el of elements(doc)) {
    const tag = el.localName.toLowerCase();
    // every attribute read once, by lower-cased qualified name (the first of a name, as getAttribute
    // answers): a page of thousands of elements asked for ~20 names each through jsdom's wrappers
    // took most of the oracle's time
    const attrs = new Map<string, string>();
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (!attrs.has(name)) attrs.set(name, attr.value);
      if (name.startsWith('on')) flag(el, `event handler ${name}`);
      if (name === 'srcdoc') flag(el, 'srcdoc');
      if (name === 'style' && /url\s*\(|expression\s*\(|behavior\s*:|-moz-binding/i.test(attr.value)) flag(el, 'style that loads or runs something');
    }
    const get = (name: string) => attrs.get(name) ?? null;

    if (tag === 'script') {
      if (!(opts.nonce && get('nonce') === opts.nonce)) flag(el, 'script element');
    } else if (FORBIDDEN_ELEMENTS.has(tag)) {
      flag(el, `${tag} element`);
    }
    if (tag === 'meta' && /refresh/i.test(get('http-equiv') ?? '')) flag(el, 'meta refresh');
    if (attrs.size === 0) continue;

    for (const name of URL_ATTRIBUTES) {
      const value = get(name);
      if (value === null) continue;
      const url = resolve(value, base.href);
      if (!url) continue;
      if (SCRIPT_SCHEMES.has(url.protocol)) flag(el, `${url.protocol} URL in ${name}`);
      else if (url.protocol === 'data:') {
        const image = (tag === 'img' || tag === 'image') && name === 'src' && /^data:image\/(png|gif|jpe?g|webp|avif)[;,]/i.test(url.href);
        if (!image) flag(el, `non-image data: URL in ${name}`);
      }
    }

    if (tag === 'img' || tag === 'image' || tag === 'input' || tag === 'video' || tag === 'audio' || tag === 'source' || tag === 'track') {
      const src = get('src') ?? get('href') ?? get('xlink:href');
      const url = src === null ? null : resolve(src, base.href);
      if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== base.origin) flag(el, 'external image or media');
      if (attrs.has('srcset')) {
        for (const part of (get('srcset') ?? '').split(',')) {
          const u = resolve(part.trim().split(/\s+/)[0] ?? '', base.href);
          if (u && u.origin !== base.origin) flag(el, 'external srcset');
        }
      }
    }
    if (tag === 'form') {
      // no action: the form posts to the page's own address, which is the page's own business
      const action = get('action');
      const url = action === null ? null : resolve(action, base.href);
      if (url && url.origin !== base.origin) flag(el, 'form posting to another origin');
      else if (url && opts.formActions && !opts.formActions.some((p) => url.pathname.startsWith(p))) flag(el, `form posting outside ${opts.formActions.join(' ')}`);
    }
    if (attrs.has('formaction')) flag(el, 'formaction attribute');
    if (tag === 'link') {
      const url = resolve(get('href') ?? '', base.href);
      if (url && url.origin !== base.origin) flag(el, 'link element to another origin');
    }

    if ((tag === 'a' || tag === 'area') && attrs.has('href')) {
      const url = resolve(get('href') ?? '', base.href);
      if (url && !LINK_SCHEMES.has(url.protocol)) {
        if (!SCRIPT_SCHEMES.has(url.protocol) && url.protocol !== 'data:') flag(el, `link scheme ${url.protocol} (only http, https, mailto)`);
      } else if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== base.origin) {
        const rel = new Set((get('rel') ?? '').toLowerCase().split(/\s+/));
        const missing = REQUIRED_REL.filter((r) => !rel.has(r));
        if (requireRel && missing.length) flag(el, `external link without rel ${missing.join(' ')}`);
        if (opts.externalLinks === false) flag(el, 'link to another origin on a page that has none of its own');
      }
      const rel = (get('rel') ?? '').toLowerCase();
      if (attrs.has('target') && !/\bnoopener\b/.test(rel)) flag(el, 'target without noopener');
      if (/\bopener\b/.test(rel)) flag(el, 'rel=opener');
    }
  }
  return found;
}

/**
 * Every element of the document in tree order, walked by hand. Not querySelectorAll (jsdom's
 * selector engine leaves a listener on the shared window per document, and those pile up), and not
 * an HTMLCollection either: jsdom's collection proxy looks up named items (ids, names) on every
 * index read, quadratic on a page with thousands of ids (the desk's review page took 12 s).
 */
function* elements(doc: Document): Generator<Element> {
  let el: Element | null = doc.documentElement;
  while (el) {
    yield el;
    if (el.firstElementChild) {
      el = el.firstElementChild;
      continue;
    }
    while (el && !el.nextElementSibling) el = el.parentElement;
    el = el?.nextElementSibling ?? null;
  }
}

/** Text content with whitespace collapsed, for "renders literally" checks. */
export function visibleText(html: string): string {
  return textOf(parse(html));
}

const textOf = (doc: Document) => (doc.body?.textContent ?? '').replace(/\s+/g, ' ');

/** One oracle request on one parse: dangerous nodes, then the `literals` missing from the text. */
export function inspect(req: OracleRequest): string[] {
  const doc = parse(req.html);
  const found = dangerousNodesIn(doc, req.origin, req.opts ?? {});
  if (req.literals?.length) {
    const text = textOf(doc);
    for (const l of req.literals) if (!text.includes(l.replace(/\s+/g, ' '))) found.push(`not rendered literally: ${JSON.stringify(l)}`);
  }
  return found;
}

let shared: JSDOM | null = null;

/**
 * A fresh document parsed by jsdom's HTML parser (parse5, as `new JSDOM(html)` would, scripting
 * off: so `<noscript>` and friends are flagged as elements rather than trusted as text). One jsdom
 * window is kept for speed; nothing in the parsed documents runs.
 */
function parse(html: string): Document {
  shared ??= new JSDOM('<!doctype html><html><head></head><body></body></html>');
  return new shared.window.DOMParser().parseFromString(html, 'text/html');
}

// ---------------------------------------------------------------------------------------------
// The same oracle on another thread

export interface OracleRequest {
  html: string;
  origin: string;
  opts?: OracleOptions;
  /** texts that must appear literally in the document's text */
  literals?: string[];
}

export interface OracleWorker {
  /** dangerous nodes (and literal texts not found) of one document */
  check(req: OracleRequest): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts xss-oracle-worker.ts in a worker thread (through tsx, as the tests run), so a suite can
 * hand documents over as it renders them and collect the verdicts at the end.
 */
export async function startOracleWorker(): Promise<OracleWorker> {
  const entry = new URL('./xss-oracle-worker.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
  const pending = new Map<number, { resolve: (found: string[]) => void; reject: (e: unknown) => void }>();
  let next = 0;
  let failure: unknown = null;
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { ready?: true; id?: number; found?: string[] }) => {
      if (m.ready) return resolve();
      const p = pending.get(m.id!);
      pending.delete(m.id!);
      p?.resolve(m.found!);
    });
    worker.on('error', (e) => {
      failure = e;
      reject(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  });
  await ready;
  return {
    check(req) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...req, id });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
