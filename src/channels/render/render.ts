// Renders one EditionView in the reference layout (shared/seed/000_*.txt) as Discourse Markdown,
// plain CommonMark, a standalone HTML5 document or JSON. Pure: no I/O; every piece of untrusted
// text reaches HTML through sanitize.ts, and reaches Markdown cleaned and with raw HTML and
// block structure (headings, rules) neutralised.
//
// The layout is decided once (buildLayout) and then written out per format, so the formats can
// only differ in syntax, never in what they show.
import type { EditionView, EntryView, PaperView, ShownText } from '../../domain/edition-view.js';
import { editionTitle, fill, getBundle, primaryLanguage, type Bundle } from '../../i18n/bundle.js';
import { cleanText, escapeHtml, renderBlock, renderInline, renderLink, renderPlain, safeUrl } from './sanitize.js';
import { CITATION_MARKER } from '../../domain/overview.js';

export const RENDER_FORMATS = ['discourse', 'markdown', 'html', 'json'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];
export const isRenderFormat = (s: string): s is RenderFormat => (RENDER_FORMATS as readonly string[]).includes(s);

// ---------------------------------------------------------------------------------------------
// Layout: what is shown, in which order, independent of syntax

export interface Block {
  body: string;
  lang: string;
  /** provenance of the shown text; null for an English original the view carries as a bare string */
  prov: ShownText | null;
  /** for an English original: its own provenance (arXiv, the curated list), when the view has it */
  original?: ShownText | null;
}

/** One field (intro, abstract, …) of one entry, as shown. */
export interface Field {
  /** the target-language text, when there is a real one */
  target: Block | null;
  /** the English text: the original next to the target, the stand-in for a missing translation, or the only text in an English view */
  english: Block | null;
  /** the English text stands in for a missing translation: show it once, after the fallback marker */
  fallback: boolean;
}

export interface EntryLayout {
  position: number;
  entryId: number | null;
  paperKey: string;
  /** the heading: `<target> / <English>`, or one name */
  titleTarget: Block | null;
  titleEn: string;
  intro: Field | null;
  abstract: Field | null;
  keyMessages: Field | null;
  paperUrl: string | null;
  codeUrls: string[];
  moreUrls: string[];
}

export interface Layout {
  bundle: Bundle;
  /** the view's language tag, safe for a `lang` attribute */
  lang: string;
  englishOnly: boolean;
  title: string;
  overview: Field | null;
  entries: EntryLayout[];
  sourceUrl: string | null;
  /** footer sentences: the disclaimer(s), then the invitation to report mistakes */
  footer: string[];
}

const LANG_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;
function langTag(lang: string): string {
  const l = lang.trim();
  return LANG_TAG.test(l) ? l : 'und';
}

const isEnglish = (lang: string) => primaryLanguage(lang) === 'en';

/** Cleaned and trimmed, or null when nothing visible is left. */
function present(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const t = cleanText(text).trim();
  return t === '' ? null : t;
}

const sameText = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();

function resolveField(englishOnly: boolean, shown: ShownText | null, en: string | null, original: ShownText | null = null): Field | null {
  const enBody = present(en);
  if (englishOnly) {
    const own = shown && isEnglish(shown.lang) ? present(shown.body) : null;
    const body = enBody ?? own;
    if (body === null) return null;
    return { target: null, english: { body, lang: 'en', prov: own !== null && shown ? shown : null, original }, fallback: false };
  }
  const targetBody = shown && !shown.fallback ? present(shown.body) : null;
  if (shown && targetBody !== null) {
    const target: Block = { body: targetBody, lang: langTag(shown.lang), prov: shown };
    // a "translation" identical to its original (a name, a formula) is shown once
    const english = enBody !== null && !sameText(enBody, targetBody) ? { body: enBody, lang: 'en', prov: null, original } : null;
    return { target, english, fallback: false };
  }
  // no usable target text: the English one stands in, marked
  const standIn = shown?.fallback ? present(shown.body) : null;
  const body = enBody ?? standIn;
  if (body === null) return null;
  const prov = shown?.fallback ? shown : null;
  return { target: null, english: { body, lang: shown?.fallback ? langTag(shown.lang) : 'en', prov, original }, fallback: true };
}

function entryLayout(englishOnly: boolean, e: EntryView): EntryLayout {
  const titleEn = present(e.titleEn) ?? present(e.title?.body) ?? e.paperKey;
  let titleTarget: Block | null = null;
  if (!englishOnly && e.title && !e.title.fallback) {
    const t = present(e.title.body);
    if (t !== null && !sameText(t, titleEn)) titleTarget = { body: t, lang: langTag(e.title.lang), prov: e.title };
  }
  const urls = (list: readonly string[]) => dedupe(list.map((u) => safeUrl(u)).filter((u): u is string => u !== null));
  const o = e.originals;
  return {
    position: e.position,
    entryId: e.entryId ?? null,
    paperKey: e.paperKey,
    titleTarget,
    titleEn,
    intro: resolveField(englishOnly, e.intro, e.introEn, o?.intro ?? null),
    abstract: resolveField(englishOnly, e.abstract, e.abstractEn, o?.abstract ?? null),
    keyMessages: resolveField(englishOnly, e.keyMessages, e.keyMessagesEn, o?.keyMessages ?? null),
    paperUrl: e.paperUrl === null ? null : safeUrl(e.paperUrl),
    codeUrls: urls(e.codeUrls),
    moreUrls: urls(e.moreUrls),
  };
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

function shownTexts(layout: Omit<Layout, 'footer'>): ShownText[] {
  const out: ShownText[] = [];
  const add = (f: Field | null) => {
    if (f?.target?.prov) out.push(f.target.prov);
    if (f?.english?.prov) out.push(f.english.prov);
  };
  add(layout.overview);
  for (const e of layout.entries) {
    if (e.titleTarget?.prov) out.push(e.titleTarget.prov);
    add(e.intro);
    add(e.abstract);
    add(e.keyMessages);
  }
  return out;
}

function footerLines(bundle: Bundle, models: string[], shown: ShownText[], englishOnly: boolean): string[] {
  const lines: string[] = [];
  if (models.length > 0) lines.push(fill(bundle.footerModels, { models: models.join(', ') }));
  const unknownModel = shown.some((t) => (t.origin === 'llm' || t.origin === 'imported') && present(t.model) === null);
  if (unknownModel) lines.push(bundle.footerUnknownModel);
  // only texts really in the page's language say who wrote it; English shown as a fallback says nothing
  const own = shown.filter((t) => !t.fallback && (englishOnly || !isEnglish(t.lang)));
  if (lines.length === 0 && (englishOnly || own.some((t) => t.origin === 'human'))) lines.push(bundle.footerHuman);
  if (!englishOnly && own.length === 0) lines.push(bundle.footerUntranslated);
  lines.push(bundle.reportMistakes);
  return lines;
}

export function buildLayout(view: EditionView): Layout {
  const englishOnly = isEnglish(view.lang);
  const bundle = getBundle(englishOnly ? 'en' : view.lang);
  let overview: Field | null = null;
  if (view.overview && (!englishOnly || isEnglish(view.overview.lang))) {
    overview = resolveField(englishOnly, view.overview, null);
  }
  const entries = [...view.entries].sort((a, b) => a.position - b.position).map((e) => entryLayout(englishOnly, e));
  const partial = {
    bundle,
    lang: langTag(view.lang),
    englishOnly,
    title: editionTitle(bundle, view.startDate, view.endDate),
    overview,
    entries,
    sourceUrl: view.sourceUrl === null ? null : safeUrl(view.sourceUrl),
  };
  const models = dedupe(view.models.map((m) => present(m)).filter((m): m is string => m !== null));
  return { ...partial, footer: footerLines(bundle, models, shownTexts(partial), englishOnly) };
}

// ---------------------------------------------------------------------------------------------
// Markdown (Discourse and CommonMark)

/** One line: no newlines, no raw HTML. */
function mdInline(text: string): string {
  return neutraliseLinks(neutraliseHtml(cleanText(text).replace(/\s+/g, ' ').trim()));
}

const SAFE_SCHEME = /^(https?|mailto)$/i;

/**
 * Markdown a forum would turn into an image (a tracking pixel), a link to a scheme other than
 * http, https or mailto, or a link definition: shown as text. Backslash escapes render as the
 * character itself, so readers see the words unchanged.
 */
function neutraliseLinks(text: string): string {
  return text
    .replace(/!\[/g, '!\\[')
    .replace(/\]\((\s*(?:<|&lt;)?)([A-Za-z][A-Za-z0-9+.-]*):/g, (m, pre: string, scheme: string) => (SAFE_SCHEME.test(scheme) ? m : `]\\(${pre}${scheme}:`))
    .replace(/\b([A-Za-z][A-Za-z0-9+.-]*):(?=\/\/)/g, (m, scheme: string) => (SAFE_SCHEME.test(scheme) ? m : `${scheme}\\:`))
    .replace(/^( {0,3})\[(?=[^\]\n]*\]:)/gm, '$1\\[');
}

/** `<tag`, `</tag`, `<!--`, `<?` would be raw HTML to Discourse and most Markdown renderers: show them as text. */
function neutraliseHtml(text: string): string {
  return text.replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}

/**
 * A text as a Markdown block inside the layout: raw HTML shown as text, and lines that would
 * open a heading or draw a rule (and so break the edition's structure) escaped.
 */
function mdBlock(text: string): string {
  return neutraliseLinks(neutraliseHtml(cleanText(text).trim()))
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .map((line) => (/^ {0,3}(#{1,6}(\s|$)|=+\s*$|-+\s*$|([-*_])(\s*\3){2,}\s*$)/.test(line) ? line.replace(/^( {0,3})/, '$1\\') : line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

function bullet(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? `* ${line}` : line === '' ? '' : `  ${line}`))
    .join('\n');
}

function quote(text: string, indent = ''): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? `${indent}>` : `${indent}> ${line}`))
    .join('\n');
}

function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : indent + line))
    .join('\n');
}

/**
 * Target first, then the English original (the reference layout). As a bullet, the English
 * original is a blockquote inside the same list item; otherwise it follows as a blockquote.
 */
function mdField(f: Field, b: Bundle, asBullet: boolean): string {
  const parts: string[] = [];
  if (f.target) {
    const target = mdBlock(f.target.body);
    parts.push(asBullet ? bullet(target) : target);
    if (f.english) parts.push(asBullet ? quote(mdBlock(f.english.body), '  ') : quote(mdBlock(f.english.body)));
  } else if (f.english) {
    if (f.fallback) parts.push(`_${mdInline(b.fallbackMarker)}_`);
    const en = mdBlock(f.english.body);
    parts.push(asBullet ? bullet(en) : en);
  }
  return parts.join('\n\n');
}

/** Overview paragraphs as bullets, unless the text already is a list. */
const CITATIONS = new RegExp(CITATION_MARKER.source, 'g');

/**
 * The overview's citation markers (`[2, 5]`) as links to the entries they cite, in sanitised HTML:
 * only text between tags changes, never inside a link; a position `href` refuses stays plain.
 */
export function citationLinksHtml(html: string, href: (position: number) => string | null): string {
  let inLink = 0;
  return html
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith('<')) {
        if (/^<a[\s>]/i.test(part)) inLink++;
        else if (/^<\/a>/i.test(part)) inLink = Math.max(0, inLink - 1);
        return part;
      }
      if (inLink) return part;
      return part.replace(CITATIONS, (_m, list: string) => {
        const links = list.split(',').map((x) => {
          const n = Number(x.trim());
          const url = href(n);
          return url === null ? String(n) : `<a class="cite" href="${escapeHtml(url)}">${n}</a>`;
        });
        return `[${links.join(', ')}]`;
      });
    })
    .join('');
}

/** The same in Markdown: `\[[2](url), [5](url)\]`. */
function citationLinksMd(md: string, href: (position: number) => string | null): string {
  return md.replace(CITATIONS, (_m, list: string) => {
    const links = list.split(',').map((x) => {
      const n = Number(x.trim());
      const url = href(n);
      return url === null ? String(n) : `[${n}](${url})`;
    });
    return `\\[${links.join(', ')}\\]`;
  });
}

function mdOverview(f: Field, b: Bundle, href: ((position: number) => string | null) | null): string {
  const block = f.target ?? f.english;
  if (!block) return '';
  const body = href ? citationLinksMd(mdBlock(block.body), href) : mdBlock(block.body);
  const listed = /^ {0,3}([-*+]|\d{1,9}[.)])\s/m.test(body);
  const shown = listed ? body : body.split(/\n{2,}/).map((p) => bullet(p)).join('\n\n');
  return f.fallback ? `_${mdInline(b.fallbackMarker)}_\n\n${shown}` : shown;
}

function renderMarkdown(l: Layout, flavour: 'discourse' | 'commonmark', opts: MarkdownOptions = {}): string {
  const b = l.bundle;
  const positions = new Set(l.entries.map((e) => e.position));
  const entryUrl = opts.entryUrl;
  const href = entryUrl ? (p: number) => (positions.has(p) ? entryUrl(p) : null) : null;
  // Discourse oneboxes a bare link alone on its line; CommonMark needs an autolink.
  const link = (url: string) => (flavour === 'discourse' ? url : `<${url}>`);
  const out: string[] = [flavour === 'discourse' ? mdInline(l.title) : `# ${mdInline(l.title)}`];
  const overview = l.overview ? mdOverview(l.overview, b, href) : '';
  if (overview) out.push(overview);

  l.entries.forEach((e) => {
    out.push('---');
    const heading = e.titleTarget ? `${mdInline(e.titleTarget.body)} / ${mdInline(e.titleEn)}` : mdInline(e.titleEn);
    out.push(`## ${heading}`);
    const section = (label: string, f: Field | null, asBullet: boolean) => {
      if (!f) return;
      const body = mdField(f, b, asBullet);
      if (body) out.push(`### ${mdInline(label)}`, body);
    };
    section(b.intro, e.intro, true);
    section(b.abstract, e.abstract, true);
    section(b.keyMessages, e.keyMessages, false);
    if (e.paperUrl) out.push(`### ${mdInline(b.paperLink)}`, link(e.paperUrl));
    if (e.codeUrls.length > 0) out.push(`### ${mdInline(b.codeLink)}`, ...e.codeUrls.map(link));
    if (e.moreUrls.length > 0) out.push(`### ${mdInline(b.moreReading)}`, ...e.moreUrls.map(link));
  });

  out.push('---');
  if (l.sourceUrl) out.push(`## ${mdInline(b.source)}`, link(l.sourceUrl));
  out.push(l.footer.map(mdInline).join(' '));
  return out.join('\n\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// HTML

export const EDITION_STYLE_LINES = [
  ':root{color-scheme:light dark}',
  'body{margin:0 auto;max-width:46rem;padding:1.5rem 1rem 4rem;font-family:system-ui,-apple-system,"Apple SD Gothic Neo","Noto Sans KR","Malgun Gothic",sans-serif;font-size:1rem;line-height:1.7;word-break:keep-all;overflow-wrap:anywhere}',
  'h1{font-size:1.5rem;line-height:1.4}',
  'h2{font-size:1.25rem;line-height:1.4;margin:0 0 .5rem}',
  'h3{font-size:1rem;margin:1.25rem 0 .25rem}',
  'section.entry,footer{border-top:1px solid #8886;margin-top:2rem;padding-top:1rem}',
  'blockquote{margin:.5rem 0;padding:0 1rem;border-left:3px solid #8886}',
  '.provenance,.fallback{font-size:.8rem;opacity:.75;margin:.25rem 0 .75rem}',
  'pre{overflow-x:auto}',
];
const STYLE = EDITION_STYLE_LINES.join('\n');

/**
 * What the web archive adds to the standalone article. The HTML the callbacks return is built by
 * the caller from its own values with sanitize.ts (links, forms); no text of a paper goes in it.
 */
export interface ArticleOptions {
  /** badges for editors' edits, accepted corrections and the English originals' sources */
  fullProvenance?: boolean;
  /** after each block with provenance (its caller picks which), e.g. a "suggest a correction" link */
  afterText?: (t: ShownText) => string;
  /** at the end of each entry, e.g. a like button and the paper page link */
  afterEntry?: (e: { entryId: number | null; paperKey: string; position: number }) => string;
  /** where the overview's citations point: `#entry-N` on the page itself (default), absolute in feeds */
  entryUrl?: (position: number) => string;
  /** trusted markup the caller built (the week's chart), shown right after the overview */
  afterOverview?: string;
}

/** Options of the Markdown renderings: with entryUrl the overview's citations become links to the entries on the web. */
export interface MarkdownOptions {
  entryUrl?: (position: number) => string;
}

const ORIGINS_WITH_MODEL = new Set(['llm', 'imported']);
const SOURCE_ORIGINS = new Set(['upstream', 'arxiv']);

/** The badges of one text: where it came from, with which model, and what editors and readers did to it. */
function fullProvenance(b: Bundle, t: ShownText): string[] {
  const badge = (cls: string, text: string) => `<span class="badge ${cls}">${text}</span>`;
  const parts = [badge(`origin-${t.origin}`, renderPlain(b.origin[t.origin]))];
  if (ORIGINS_WITH_MODEL.has(t.origin)) {
    const model = present(t.model);
    if (model !== null) parts.push(badge('model', `${renderPlain(b.provenance.model)} ${renderPlain(model)}`));
    const prompt = present(t.promptVersion);
    if (prompt !== null) parts.push(badge('prompt', `${renderPlain(b.provenance.prompt)} ${renderPlain(prompt)}`));
  }
  // the curated list and arXiv are the sources themselves: "approved" would claim an editor read them
  if (!SOURCE_ORIGINS.has(t.origin)) parts.push(badge(`status-${t.status}`, renderPlain(b.status[t.status])));
  if (t.edited) parts.push(badge('edited', renderPlain(b.provenance.edited)));
  const corrected = t.correctedAt ? /^\d{4}-\d{2}-\d{2}/.exec(t.correctedAt)?.[0] : undefined;
  if (corrected) parts.push(badge('corrected', renderPlain(fill(b.provenance.corrected, { date: corrected }))));
  return parts;
}

function provenanceLine(l: Layout, prov: ShownText | null, opts: ArticleOptions = {}, original: ShownText | null = null): string {
  const b = l.bundle;
  const parts: string[] = [];
  if (opts.fullProvenance) {
    if (prov === null) parts.push(renderPlain(b.englishOriginal), ...(original ? fullProvenance(b, original) : []));
    else parts.push(...fullProvenance(b, prov));
  } else if (prov === null) {
    parts.push(renderPlain(b.englishOriginal));
  } else {
    parts.push(renderPlain(b.origin[prov.origin]));
    const model = present(prov.model);
    if (model !== null) parts.push(`${renderPlain(b.provenance.model)} ${renderPlain(model)}`);
    const prompt = present(prov.promptVersion);
    if (prompt !== null) parts.push(`${renderPlain(b.provenance.prompt)} ${renderPlain(prompt)}`);
    parts.push(renderPlain(b.status[prov.status]));
  }
  const line = `<p class="provenance" lang="${escapeHtml(l.lang)}">${parts.join(' · ')}</p>`;
  const after = prov && opts.afterText ? opts.afterText(prov) : '';
  return after ? `${line}\n${after}` : line;
}

function htmlBlock(l: Layout, block: Block, kind: 'target' | 'original', opts: ArticleOptions = {}): string {
  const tag = kind === 'original' ? 'blockquote' : 'div';
  const body = renderBlock(block.body, { headings: false });
  return `<${tag} class="text ${kind}" lang="${escapeHtml(block.lang)}">\n${body}\n${provenanceLine(l, block.prov, opts, block.original ?? null)}\n</${tag}>`;
}

function htmlField(l: Layout, f: Field, opts: ArticleOptions = {}): string {
  const parts: string[] = [];
  if (f.target) {
    parts.push(htmlBlock(l, f.target, 'target', opts));
    if (f.english) parts.push(htmlBlock(l, f.english, 'original', opts));
  } else if (f.english) {
    if (f.fallback) parts.push(`<p class="fallback">${renderPlain(l.bundle.fallbackMarker)}</p>`);
    parts.push(htmlBlock(l, f.english, 'target', opts));
  }
  return parts.join('\n');
}

function renderHtml(l: Layout): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(l.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="paperboy">',
    `<title>${renderPlain(l.title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    renderArticle(l),
    '</main>',
    '</body>',
    '</html>',
  ].join('\n') + '\n';
}

/** `<target> / <English>`, each in its language, as inline HTML. */
function htmlTitle(e: EntryLayout): string {
  const en = `<span lang="en">${renderInline(e.titleEn)}</span>`;
  return e.titleTarget ? `<span lang="${escapeHtml(e.titleTarget.lang)}">${renderInline(e.titleTarget.body)}</span> / ${en}` : en;
}

/** The edition as one sanitised <article>, for the standalone document and the web archive alike. */
function renderArticle(l: Layout, opts: ArticleOptions = {}): string {
  const b = l.bundle;
  const out: string[] = [
    '<article class="edition">',
    `<header><h1>${renderPlain(l.title)}</h1></header>`,
  ];
  if (l.overview) {
    const positions = new Set(l.entries.map((e) => e.position));
    const cited = citationLinksHtml(htmlField(l, l.overview, opts), (p) => (positions.has(p) ? (opts.entryUrl ?? ((n) => `#entry-${n}`))(p) : null));
    out.push(`<section class="overview" aria-label="${renderPlain(b.overview)}">`, cited, '</section>');
  }
  if (opts.afterOverview) out.push(opts.afterOverview);
  for (const e of l.entries) {
    const id = Number.isSafeInteger(e.position) ? ` id="entry-${e.position}"` : '';
    out.push(`<section class="entry"${id}>`);
    out.push(`<h2>${htmlTitle(e)}</h2>`);
    if (e.titleTarget) out.push(provenanceLine(l, e.titleTarget.prov, opts));
    const section = (label: string, f: Field | null) => {
      if (!f || (!f.target && !f.english)) return;
      out.push(`<h3>${renderPlain(label)}</h3>`, htmlField(l, f, opts));
    };
    section(b.intro, e.intro);
    section(b.abstract, e.abstract);
    section(b.keyMessages, e.keyMessages);
    const links = (label: string, urls: string[]) => {
      if (urls.length === 0) return;
      out.push(`<h3>${renderPlain(label)}</h3>`, ...urls.map((u) => `<p>${renderLink(u)}</p>`));
    };
    links(b.paperLink, e.paperUrl ? [e.paperUrl] : []);
    links(b.codeLink, e.codeUrls);
    links(b.moreReading, e.moreUrls);
    if (opts.afterEntry) out.push(opts.afterEntry({ entryId: e.entryId, paperKey: e.paperKey, position: e.position }));
    out.push('</section>');
  }
  out.push('<footer>');
  if (l.sourceUrl) out.push(`<h2>${renderPlain(b.source)}</h2>`, `<p>${renderLink(l.sourceUrl)}</p>`);
  out.push(`<p>${l.footer.map(renderPlain).join(' ')}</p>`, '</footer>');
  out.push('</article>');
  return out.join('\n');
}

/** The edition's <article> alone (sanitised), its title, and its language tag, for pages that wrap it. */
export function renderEditionArticle(view: EditionView, opts: ArticleOptions = {}): { html: string; title: string; lang: string } {
  const l = buildLayout(view);
  return { html: renderArticle(l, opts), title: l.title, lang: l.lang };
}

/**
 * The paper page's <article>: the paper as its newest published edition shows it (title, abstract,
 * key messages), its metadata and links, then each edition it appeared in with that entry's intro.
 * `editionUrl` gives the (caller-built) address of an edition page.
 */
export function renderPaperArticle(view: PaperView, opts: ArticleOptions & { editionUrl: (startDate: string) => string }): { html: string; title: string; lang: string } {
  const englishOnly = isEnglish(view.lang);
  const b = getBundle(englishOnly ? 'en' : view.lang);
  const l: Layout = { bundle: b, lang: langTag(view.lang), englishOnly, title: '', overview: null, entries: [], sourceUrl: null, footer: [] };
  const shown = view.appearances.map((a) => ({ ...a, layout: entryLayout(englishOnly, a.entry) }));
  const newest = shown[0]?.layout;
  const title = newest ? [newest.titleTarget?.body, newest.titleEn].filter((t): t is string => Boolean(t)).join(' / ') : view.key;
  const out: string[] = ['<article class="paper">', `<header><h1>${newest ? htmlTitle(newest) : renderPlain(view.key)}</h1>`];
  if (newest?.titleTarget) out.push(provenanceLine(l, newest.titleTarget.prov, opts));
  const meta: string[] = [];
  const item = (label: string, value: string) => meta.push(`<dt>${renderPlain(label)}</dt><dd>${value}</dd>`);
  if (view.authors.length > 0) item(b.paper.authors, `<span lang="en">${renderPlain(view.authors.join(', '))}</span>`);
  if (view.categories.length > 0) item(b.paper.categories, renderPlain(view.categories.join(', ')));
  const published = view.publishedAt ? /^\d{4}-\d{2}-\d{2}/.exec(view.publishedAt)?.[0] : undefined;
  if (published) item(b.paper.published, renderPlain(published));
  if (meta.length > 0) out.push(`<dl class="paper-meta">${meta.join('')}</dl>`);
  out.push('</header>');
  if (newest) {
    const section = (label: string, f: Field | null) => {
      if (!f || (!f.target && !f.english)) return;
      out.push(`<h2>${renderPlain(label)}</h2>`, htmlField(l, f, opts));
    };
    section(b.abstract, newest.abstract);
    section(b.keyMessages, newest.keyMessages);
  }
  const links = (label: string, urls: string[]) => {
    const list = dedupe(urls);
    if (list.length > 0) out.push(`<h2>${renderPlain(label)}</h2>`, ...list.map((u) => `<p>${renderLink(u)}</p>`));
  };
  // the entries' own paper links as the editions gave them; the paper's normalised URL only without one
  const paperUrls = shown.flatMap((a) => (a.layout.paperUrl ? [a.layout.paperUrl] : []));
  const own = safeUrl(view.url);
  links(b.paperLink, paperUrls.length > 0 ? paperUrls : own ? [own] : []);
  links(b.codeLink, shown.flatMap((a) => a.layout.codeUrls));
  links(b.moreReading, shown.flatMap((a) => a.layout.moreUrls));
  out.push(`<h2>${renderPlain(b.paper.appearedIn)}</h2>`);
  for (const a of shown) {
    out.push(`<section class="entry appearance" id="edition-${escapeHtml(a.startDate)}">`);
    out.push(`<h3><a href="${escapeHtml(opts.editionUrl(a.startDate))}">${renderPlain(editionTitle(b, a.startDate, a.endDate))}</a></h3>`);
    if (a.layout.intro && (a.layout.intro.target || a.layout.intro.english)) out.push(htmlField(l, a.layout.intro, opts));
    if (opts.afterEntry) out.push(opts.afterEntry({ entryId: a.layout.entryId, paperKey: a.layout.paperKey, position: a.layout.position }));
    out.push('</section>');
  }
  out.push('</article>');
  return { html: out.join('\n'), title, lang: l.lang };
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Keys sorted at every level; strings cleaned (NFC, invisible characters stripped). */
function stable(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .filter((k) => obj[k] !== undefined)
        .map((k) => [k, stable(obj[k])]),
    );
  }
  return value;
}

/** Pretty JSON with stable key order; `<`, `>`, `&`, U+2028/2029 escaped so it can sit inside a `<script>`. */
function renderJson(view: EditionView): string {
  const json = JSON.stringify(stable(view), null, 2).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return json + '\n';
}

// ---------------------------------------------------------------------------------------------

export function renderEdition(view: EditionView, format: RenderFormat, opts: MarkdownOptions = {}): string {
  switch (format) {
    case 'discourse':
      return renderMarkdown(buildLayout(view), 'discourse', opts);
    case 'markdown':
      return renderMarkdown(buildLayout(view), 'commonmark', opts);
    case 'html':
      return renderHtml(buildLayout(view));
    case 'json':
      return renderJson(view);
    default: {
      const never: never = format;
      throw new Error(`unknown render format: ${String(never)}`);
    }
  }
}

/** The Discourse topic: its title, and the post body (the discourse rendering without its title line). */
export function discourseTopic(view: EditionView, opts: MarkdownOptions = {}): { title: string; raw: string } {
  const l = buildLayout(view);
  const full = renderMarkdown(l, 'discourse', opts);
  const firstBreak = full.indexOf('\n\n');
  return { title: mdInline(l.title), raw: full.slice(firstBreak + 2) };
}
