// The site's page frame, style and headers, shared by the public archive and the editor desk.
import { EDITION_STYLE_LINES } from '../channels/render/render.js';
import { escapeHtml, renderPlain } from '../channels/render/sanitize.js';
import { MAX_QUERY_CHARS } from '../pipeline/search.js';

export const FEED_KINDS = { 'rss.xml': 'application/rss+xml', 'atom.xml': 'application/atom+xml', 'feed.json': 'application/feed+json' } as const;

export const SITE_STYLE = [
  ...EDITION_STYLE_LINES,
  'nav.site{display:flex;flex-wrap:wrap;gap:.75rem;align-items:baseline;border-bottom:1px solid #8886;padding-bottom:.5rem;margin-bottom:1rem}',
  'nav.site a{color:inherit}',
  'nav.lang a[aria-current=page]{font-weight:bold;text-decoration:none}',
  'body.show-target .text.original{display:none}',
  'ul.editions{padding-left:1.25rem}',
  'form.search{display:inline-flex;gap:.25rem;align-items:baseline}',
  'mark{background:#fde68a;color:inherit}',
  'ol.hits li{margin-bottom:1rem}',
  // reader actions (src/web/public): badges, like buttons, corrections, the paper page
  ':lang(ko){word-break:keep-all;line-height:1.7}',
  '.provenance .badge.corrected{font-weight:600}',
  '.suggest{font-size:.8rem;margin:0 0 .75rem}',
  '.reader-actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1rem}',
  'form.like{display:inline-flex;gap:.5rem;align-items:center}',
  'button{font:inherit;min-height:2.25rem;padding:.25rem .75rem;cursor:pointer}',
  'button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible{outline:2px solid currentColor;outline-offset:2px}',
  'textarea{width:100%;box-sizing:border-box;font:inherit}',
  'ol.sentences{list-style:none;padding:0}',
  'ol.sentences li{margin:.5rem 0}',
  '.error{color:#b3261e;font-weight:600}',
  '.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}',
  'dl.paper-meta{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}',
  'dl.paper-meta dd{margin:0}',
  'fieldset{border:1px solid #8886;margin:1rem 0}',
  'input[type=email]{font:inherit;width:100%;max-width:24rem;box-sizing:border-box}',
  '@media (max-width:30rem){dl.paper-meta{grid-template-columns:1fr}}',
  // charts (src/web/public/trends.ts): never wider than the screen; the trends table scrolls inside its box
  'figure.chart{margin:1rem 0}',
  'figure.chart img{display:block;max-width:100%;height:auto;background:#fff}',
  'figure.chart figcaption{font-size:.85rem}',
  '.table-scroll{overflow-x:auto}',
  'table.trends{border-collapse:collapse}',
  'table.trends th,table.trends td{padding:.2rem .5rem;text-align:right;border-bottom:1px solid #8884}',
  'table.trends th[scope=row]{text-align:left}',
  'a{color:#0b57d0}',
  '@media (prefers-color-scheme:dark){a{color:#8ab4f8}}',
].join('\n');

/** Headers on every answer: no scripts, no framing, no referrer leaks. */
export const SECURITY_HEADERS: Record<string, string> = {
  // no script-src at all: the site works without JavaScript, so no script can run, ours or injected
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function page(opts: { lang: string; title: string; body: string; feedsLang: string; bodyClass?: string; query?: string }): string {
  const feeds = Object.entries(FEED_KINDS)
    .map(([file, type]) => `<link rel="alternate" type="${type}" href="/feeds/${escapeHtml(opts.feedsLang)}/${file}" title="${renderPlain(`${opts.feedsLang} ${file}`)}">`)
    .join('\n');
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(opts.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${renderPlain(opts.title)}</title>`,
    '<link rel="stylesheet" href="/static/site.css">',
    feeds,
    '</head>',
    `<body${opts.bodyClass ? ` class="${escapeHtml(opts.bodyClass)}"` : ''}>`,
    `<nav class="site" aria-label="site"><a href="/">paperboy</a><form class="search" action="/search" method="get" role="search"><label for="q">Search</label> <input id="q" name="q" type="search" maxlength="${MAX_QUERY_CHARS}" value="${escapeHtml(opts.query ?? '')}"> <button type="submit">Search</button></form>`,
    `<a href="/trends?lang=${escapeHtml(opts.feedsLang)}">Trends</a><span class="feeds"><a href="/subscribe?lang=${escapeHtml(opts.feedsLang)}">E-mail</a> · <a href="/feeds/${escapeHtml(opts.feedsLang)}/rss.xml">RSS</a> · <a href="/feeds/${escapeHtml(opts.feedsLang)}/atom.xml">Atom</a> · <a href="/feeds/${escapeHtml(opts.feedsLang)}/feed.json">JSON Feed</a></span></nav>`,
    '<main>',
    opts.body,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

