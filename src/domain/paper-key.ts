// Paper identity: one key per work, whatever URL form it arrives in.

/** New-style (2007+) and old-style (archive/YYMMNNN) arXiv ids, version stripped. */
const NEW_ID = /^(\d{4}\.\d{4,5})(v\d+)?$/i;
const OLD_ID = /^([a-z-]+(?:\.[a-z-]+)?\/\d{7})(v\d+)?$/i;
const ARXIV_HOSTS = new Set(['arxiv.org', 'www.arxiv.org', 'export.arxiv.org', 'browse.arxiv.org']);
const TRACKING_PARAMS = /^(utm_.*|s|t|ref|ref_src|fbclid|gclid|source)$/i;

/** The arXiv id without version for a bare id, or null. */
export function parseArxivId(raw: string): string | null {
  const s = raw.trim().replace(/^arxiv:/i, '').replace(/\.pdf$/i, '');
  const n = NEW_ID.exec(s);
  if (n) return n[1]!;
  const o = OLD_ID.exec(s);
  if (o) return o[1]!.toLowerCase();
  return null;
}

/** The arXiv id (no version) an arxiv.org URL points at, or null. */
export function arxivIdFromUrl(url: string | URL): string | null {
  let u: URL;
  if (typeof url === 'string') {
    try {
      u = new URL(url.trim());
    } catch {
      return null;
    }
  } else u = url;
  if (!ARXIV_HOSTS.has(u.hostname.toLowerCase())) return null;
  const m = /^\/(?:abs|pdf|html|format)\/(.+?)\/?$/i.exec(u.pathname);
  if (!m) return null;
  return parseArxivId(decodeURIComponent(m[1]!));
}

/** https, lower-case host, no `www.`, no fragment, no tracking parameters, no trailing slash. */
export function normaliseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return url.trim();
  }
  if (u.protocol === 'http:') u.protocol = 'https:';
  u.hostname = u.hostname.toLowerCase().replace(/^www\./, '');
  u.hash = '';
  for (const k of [...u.searchParams.keys()]) if (TRACKING_PARAMS.test(k)) u.searchParams.delete(k);
  u.searchParams.sort();
  let s = u.toString();
  if (u.search === '' && s.endsWith('/') && u.pathname !== '/') s = s.slice(0, -1);
  if (u.pathname === '/' && u.search === '') s = s.replace(/\/$/, '');
  return s;
}

export interface PaperIdentity {
  key: string;
  arxivId: string | null;
  /** canonical URL to show: the abs page for arXiv, else the normalised URL */
  url: string;
}

export function paperIdentity(urlOrId: string): PaperIdentity {
  const bare = parseArxivId(urlOrId);
  // cheap test first: only arxiv.org URLs are parsed for an id
  const arxivId = bare ?? (/arxiv\.org/i.test(urlOrId) ? arxivIdFromUrl(urlOrId) : null);
  if (arxivId) return { key: `arxiv:${arxivId}`, arxivId, url: `https://arxiv.org/abs/${arxivId}` };
  const url = normaliseUrl(urlOrId);
  return { key: `url:${url}`, arxivId: null, url };
}
