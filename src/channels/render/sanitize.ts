// The ONE sanitising renderer: every write of untrusted text (paper texts, titles, model names,
// URLs) into HTML goes through this file. Markdown is only a formatter (markdown-it, raw HTML
// off); the sanitiser is DOMPurify running on a real DOM (jsdom, created once, lazily) with a
// small allow-list. Invisible characters are stripped before anything is rendered.
// Owns no I/O beyond building that in-memory DOM.
import createDOMPurify, { type Config, type DOMPurify, type WindowLike } from 'dompurify';
import { JSDOM } from 'jsdom';
import MarkdownIt, { type MarkdownIt as Md } from 'markdown-it';
import { cleanText, MAX_TEXT_CHARS, stripInvisible } from '../../domain/unicode.js';

/** Longest text accepted by the renderers, in UTF-16 code units (256 Ki). */
export const MAX_RENDER_CHARS = MAX_TEXT_CHARS;

export const LINK_REL = 'noopener noreferrer nofollow';
const LINK_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

export const ALLOWED_TAGS: readonly string[] = ['p', 'br', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre', 'a', 'blockquote', 'h1', 'h2', 'h3', 'h4'];
const ALLOWED_ATTR = ['href', 'title', 'start'];

// ---------------------------------------------------------------------------------------------
// Text cleaning: stripInvisible and cleanText live in the domain (src/domain/unicode.ts) so the
// pipeline can clean text before an LLM call without importing a channel; re-exported here.

export { cleanText, stripInvisible };

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes for HTML text and (double- or single-quoted) attribute values. Does not clean; see renderPlain. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** Untrusted plain text (a model name, a label) as HTML text: cleaned and escaped, no markup. */
export function renderPlain(text: string): string {
  return escapeHtml(cleanText(text));
}

/**
 * The URL as given (trimmed, cleaned) when it is an absolute http(s) URL without whitespace or
 * markup characters, else null. `mailto:` too when `allowMailto`. Used for every link a channel
 * builds itself (paper, code, more-reading and source links), in every format.
 */
export function safeUrl(url: string, opts: { allowMailto?: boolean } = {}): string | null {
  const u = cleanText(url).trim();
  if (u === '' || /[\s<>"'`\\]/.test(u)) return null;
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    return null;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.hostname === '' ? null : u;
  if (parsed.protocol === 'mailto:' && opts.allowMailto) return u;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Markdown (formatting only; never trusted to sanitise)

function makeMarkdown(headings: boolean): Md {
  const md = new MarkdownIt('default', { html: false, linkify: true, typographer: false, breaks: false });
  // Links only where the text wrote an explicit scheme (or www.); no guessing "model.safetensors" is a site.
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  // No images (a tracking pixel is still an image) and no markup the allow-list would flatten.
  md.disable(['image', 'table', 'strikethrough', 'hr']);
  if (!headings) md.disable(['heading', 'lheading']);
  return md;
}

let mdWithHeadings: Md | null = null;
let mdNoHeadings: Md | null = null;
function markdown(headings: boolean): Md {
  if (headings) return (mdWithHeadings ??= makeMarkdown(true));
  return (mdNoHeadings ??= makeMarkdown(false));
}

// ---------------------------------------------------------------------------------------------
// DOMPurify on jsdom (happy-dom is not a sound host for DOMPurify)

const PURIFY_CONFIG: Config = {
  ALLOWED_TAGS: [...ALLOWED_TAGS],
  ALLOWED_ATTR,
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOW_SELF_CLOSE_IN_ATTR: false,
  SAFE_FOR_XML: true,
  WHOLE_DOCUMENT: false,
  RETURN_DOM: false,
  RETURN_DOM_FRAGMENT: false,
  RETURN_TRUSTED_TYPE: false,
};

let purifier: DOMPurify | null = null;

function getPurifier(): DOMPurify {
  if (purifier) return purifier;
  const { window } = new JSDOM('<!doctype html><html><body></body></html>');
  const p = createDOMPurify(window as unknown as WindowLike);
  if (!p.isSupported) throw new Error('DOMPurify is not supported on this jsdom window');
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName !== 'A') return;
    const el = node as Element;
    const href = el.getAttribute('href');
    if (href !== null) {
      let ok = false;
      try {
        const u = new URL(href);
        ok = LINK_PROTOCOLS.has(u.protocol) && (u.protocol === 'mailto:' || u.hostname !== '');
      } catch {
        ok = false;
      }
      if (!ok) el.removeAttribute('href');
    }
    el.setAttribute('rel', LINK_REL);
  });
  purifier = p;
  return p;
}

/** Sanitises an HTML fragment with the allow-list. Exposed for the renderers in this folder. */
export function purify(html: string): string {
  return getPurifier().sanitize(html, PURIFY_CONFIG);
}

// ---------------------------------------------------------------------------------------------
// The renderers

/** One line of untrusted Markdown (a title, a label) as inline HTML: no paragraphs, no blocks. */
export function renderInline(text: string): string {
  const clean = cleanText(text).replace(/\s*\n\s*/g, ' ').trim();
  if (clean === '') return '';
  return purify(markdown(false).renderInline(clean)).trim();
}

/**
 * Untrusted Markdown (an intro, an abstract, key messages, an overview) as block HTML.
 * `headings: false` renders `# x` as text, for texts embedded under a page's own headings.
 */
export function renderBlock(markdownText: string, opts: { headings?: boolean } = {}): string {
  const clean = cleanText(markdownText).trim();
  if (clean === '') return '';
  return purify(markdown(opts.headings ?? true).render(clean)).trim();
}

/** A link the channel builds itself: `<a href rel>label</a>` for a safe URL, else the label as text. */
export function renderLink(url: string, label?: string): string {
  const safe = safeUrl(url, { allowMailto: true });
  const text = renderPlain(label ?? url);
  if (safe === null) return text;
  return purify(`<a href="${escapeHtml(safe)}">${text}</a>`);
}
