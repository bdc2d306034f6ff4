// E-mails as subject, preheader, plain-text part and HTML part: the weekly mail of an edition,
// the daily mail of one day's papers, and the double opt-in confirmation. Pure: no I/O. The mailer
// (the caller) owns sending, the headers (List-Unsubscribe, Message-ID) and the subscribers'
// tokens, which reach this file only inside the URLs of MailLinks.
//
// What an edition shows is decided once by render.ts's buildLayout, as for every other channel;
// this file only picks the languages (MailShow) and writes that layout for mail clients: nested
// tables, every style inline (Gmail and Outlook drop <style> blocks and external sheets), no
// script, form, SVG or image. Untrusted text reaches HTML only through sanitize.ts.
import type { EditionView } from '../../domain/edition-view.js';
import { invalidInput } from '../../errors.js';
import { fill, formatDateRange, getBundle, primaryLanguage, type Bundle } from '../../i18n/bundle.js';
import { buildLayout, citationLinksHtml, type Block, type EntryLayout, type Field, type Layout } from '../render/render.js';
import { cleanText, escapeHtml, LINK_REL, renderBlock, renderInline, renderPlain, safeUrl } from '../render/sanitize.js';

/** target language only; English only; target with the English originals (the reference layout) */
export type MailShow = 'target' | 'en' | 'both';

export interface MailLinks {
  /** HTTPS one-click unsubscribe page for this subscriber */
  unsubscribeUrl: string;
  /** preferences page for this subscriber (language, frequency) */
  preferencesUrl: string;
  /** the edition (or the day) on the web archive */
  webUrl: string;
}

export interface RenderedMail {
  subject: string;
  preheader: string;
  text: string;
  html: string;
  lang: string;
}

/** Longest subject and preheader, in code points (inboxes show far less; a cap keeps headers sane). */
export const SUBJECT_MAX = 200;
export const PREHEADER_MAX = 120;
/** Plain-text column width; a Hangul syllable counts as two columns. */
const TEXT_WIDTH = 72;
/** How many entry titles the preheader names before the cap. */
const PREHEADER_TITLES = 4;

// ---------------------------------------------------------------------------------------------
// The public functions

/**
 * The weekly mail of one edition. `view` is assembled for the subscriber's language ('en' for
 * show='en'). draftsMarked: the edition was published with texts no editor approved yet: say so
 * near the top.
 */
export function editionMail(view: EditionView, opts: { show: MailShow; links: MailLinks; draftsMarked: boolean; chart?: MailChart | null }): RenderedMail {
  const l = mailLayout(view, opts.show);
  return writeMail({
    layout: l,
    title: l.title,
    overview: l.overview,
    sourceUrl: l.sourceUrl,
    draftsMarked: opts.draftsMarked,
    links: checkLinks(opts.links),
    chart: opts.chart ? { ...opts.chart, src: requireUrl(opts.chart.src, 'chart') } : null,
  });
}

/** The week's chart as a PNG on the web archive (mail clients drop SVG), shown under the overview. */
export interface MailChart {
  src: string;
  alt: string;
  /** display width in px; the PNG is drawn at twice that for sharp screens */
  width: number;
}

/** The daily mail: the entries of `view` (already filtered by the caller to the day's papers), titled with the day. */
export function dailyMail(
  view: EditionView,
  opts: { day: string /* YYYY-MM-DD */; show: MailShow; links: MailLinks; draftsMarked: boolean },
): RenderedMail {
  const l = mailLayout(view, opts.show);
  // formatDateRange throws INPUT_INVALID for a day that is not YYYY-MM-DD
  const date = formatDateRange(l.bundle, opts.day, opts.day).start;
  return writeMail({
    layout: l,
    title: fill(l.bundle.mail.dailyTitle, { date }),
    // the overview and the upstream list speak of the whole week, not of this day's papers
    overview: null,
    sourceUrl: null,
    draftsMarked: opts.draftsMarked,
    links: checkLinks(opts.links),
  });
}

/**
 * The double opt-in mail: one link to confirm, which expires. It carries nothing the subscriber
 * typed (no name, no address): a signup form must not become a way to mail strangers one's words.
 */
export function confirmationMail(opts: { lang: string; confirmUrl: string; expiresHours: number }): RenderedMail {
  const b = getBundle(opts.lang);
  const m = b.mail;
  const url = requireUrl(opts.confirmUrl, 'confirmUrl');
  if (!Number.isSafeInteger(opts.expiresHours) || opts.expiresHours <= 0) {
    throw invalidInput(`confirmation mail: expiresHours must be a positive whole number, got ${String(opts.expiresHours)}`);
  }
  const hours = String(opts.expiresHours);
  const subject = oneLine(m.confirmSubject, SUBJECT_MAX);
  const preheader = oneLine(fill(m.confirmPreheader, { hours }), PREHEADER_MAX);
  const expires = fill(m.confirmExpires, { hours });

  const text = [wrap(subject), wrap(m.confirmIntro), `${m.confirmButton}:\n${url}`, wrap(expires), wrap(m.confirmIgnore)].join('\n\n') + '\n';

  const html = htmlDocument(b.lang, subject, preheader, [
    row(
      [
        `<h1 style="${S.h1}">${renderPlain(m.confirmSubject)}</h1>`,
        `<p style="${S.p}">${renderPlain(m.confirmIntro)}</p>`,
        `<p style="${S.buttonRow}"><a href="${escapeHtml(url)}" rel="${LINK_REL}" style="${S.button}">${renderPlain(m.confirmButton)}</a></p>`,
        `<p style="${S.small}">${renderPlain(m.confirmCopy)}<br>${htmlLink(url, url)}</p>`,
        `<p style="${S.p}"><strong>${renderPlain(expires)}</strong></p>`,
        `<p style="${S.p}">${renderPlain(m.confirmIgnore)}</p>`,
      ].join('\n'),
    ),
  ]);
  return { subject, preheader, text, html, lang: b.lang };
}

// ---------------------------------------------------------------------------------------------
// Layout for mail: buildLayout, then the languages the subscriber chose

function mailLayout(view: EditionView, show: MailShow): Layout {
  // an English mail built from a target-language view would carry that view's footer (the models
  // that drafted the target texts): the caller must assemble the view for 'en'
  if (show === 'en' && primaryLanguage(view.lang) !== 'en') {
    throw invalidInput(`mail with show='en' needs a view assembled for 'en', got '${view.lang}'`);
  }
  const l = buildLayout(view);
  return show === 'target' ? targetOnly(l) : l;
}

/**
 * Drops the English originals shown next to real translations. A stand-in for a missing
 * translation stays (it has no target block, and the layout marks it). Headings keep both names:
 * the English title is the paper's name, the one readers search for.
 */
function targetOnly(l: Layout): Layout {
  const only = (f: Field | null): Field | null => (f?.target ? { ...f, english: null } : f);
  return {
    ...l,
    overview: only(l.overview),
    entries: l.entries.map((e) => ({ ...e, intro: only(e.intro), abstract: only(e.abstract), keyMessages: only(e.keyMessages) })),
  };
}

interface Links {
  web: string;
  preferences: string;
  unsubscribe: string;
}

function checkLinks(links: MailLinks): Links {
  return {
    web: requireUrl(links.webUrl, 'webUrl'),
    preferences: requireUrl(links.preferencesUrl, 'preferencesUrl'),
    unsubscribe: requireUrl(links.unsubscribeUrl, 'unsubscribeUrl'),
  };
}

/**
 * A link this mail cannot do without (unsubscribe above all): refuse to render rather than send
 * a mail whose link is missing. The message names the link but not the URL, which carries a token.
 */
function requireUrl(url: string, what: string): string {
  const safe = safeUrl(url);
  if (safe === null) throw invalidInput(`mail link ${what} is not an absolute http(s) URL`);
  return safe;
}

// ---------------------------------------------------------------------------------------------
// Subject and preheader: one line each, capped

/** Cleaned, every run of whitespace (CR, LF, tabs, separators) one space, capped with an ellipsis. */
function oneLine(text: string, max = Number.POSITIVE_INFINITY): string {
  const line = cleanText(text).replace(/\s+/g, ' ').trim();
  const chars = Array.from(line); // code points, so a cap never splits a surrogate pair
  if (chars.length <= max) return line;
  return chars.slice(0, max - 1).join('').trimEnd() + '…';
}

/** The first entries' titles (the target-language title when there is one), else the title. */
function preheaderOf(entries: EntryLayout[], fallback: string): string {
  const titles = entries
    .slice(0, PREHEADER_TITLES)
    .map((e) => oneLine(e.titleTarget?.body ?? e.titleEn, PREHEADER_MAX))
    .filter((t) => t !== '');
  return oneLine(titles.length > 0 ? titles.join(' · ') : fallback, PREHEADER_MAX);
}

// ---------------------------------------------------------------------------------------------
// The edition and daily mails

interface MailContent {
  layout: Layout;
  title: string;
  overview: Field | null;
  sourceUrl: string | null;
  draftsMarked: boolean;
  links: Links;
  chart?: MailChart | null;
}

function writeMail(c: MailContent): RenderedMail {
  const subject = oneLine(c.title, SUBJECT_MAX);
  const preheader = preheaderOf(c.layout.entries, subject);
  return {
    subject,
    preheader,
    text: mailText(c, subject),
    html: mailHtml(c, subject, preheader),
    lang: c.layout.lang,
  };
}

/** The layout's disclaimers, without its invitation to report mistakes "in a comment": a mail has none. */
function disclaimers(l: Layout): string[] {
  return l.footer.filter((line) => line !== l.bundle.reportMistakes);
}

/** The heading of an entry as one line: `<position>. <target> / <English>`. */
function headingText(e: EntryLayout): string {
  const name = e.titleTarget ? `${e.titleTarget.body} / ${e.titleEn}` : e.titleEn;
  return `${e.position}. ${oneLine(name)}`;
}

const fieldsOf = (b: Bundle, e: EntryLayout): Array<[string, Field | null]> => [
  [b.intro, e.intro],
  [b.abstract, e.abstract],
  [b.keyMessages, e.keyMessages],
];

const linksOf = (b: Bundle, e: EntryLayout): Array<[string, string[]]> => [
  [b.paperLink, e.paperUrl ? [e.paperUrl] : []],
  [b.codeLink, e.codeUrls],
  [b.moreReading, e.moreUrls],
];

// ---------------------------------------------------------------------------------------------
// Plain text

const RULE = '-'.repeat(40);

function mailText(c: MailContent, subject: string): string {
  const l = c.layout;
  const b = l.bundle;
  // blocks, separated by one blank line; labels are the bundle's own one-line strings
  const out: string[] = [wrap(subject)];
  if (c.draftsMarked) out.push(wrap(`※ ${b.mail.draftsNote}`));
  if (c.overview) out.push(`[${b.overview}]\n${textField(c.overview, b)}`);
  for (const e of l.entries) {
    out.push(RULE, wrap(headingText(e)));
    for (const [label, f] of fieldsOf(b, e)) {
      const body = f ? textField(f, b) : '';
      if (body) out.push(`[${label}]\n${body}`);
    }
    // bare URLs, one a line: every client makes them clickable and none wraps them
    for (const [label, urls] of linksOf(b, e)) if (urls.length > 0) out.push(`[${label}]\n${urls.join('\n')}`);
  }
  out.push(RULE);
  if (c.sourceUrl) out.push(`[${b.source}]\n${c.sourceUrl}`);
  for (const line of [...disclaimers(l), b.mail.reportMistakes]) out.push(wrap(line));
  out.push(
    [`${b.mail.webVersion}:`, c.links.web, `${b.mail.preferences}:`, c.links.preferences, `${b.mail.unsubscribe}:`, c.links.unsubscribe].join('\n'),
    wrap(b.mail.why),
  );
  return out.join('\n\n') + '\n';
}

/** Target text, then the English original indented under its label (or the fallback marker, then the stand-in). */
function textField(f: Field, b: Bundle): string {
  const parts: string[] = [];
  if (f.target) {
    parts.push(wrap(textBody(f.target)));
    if (f.english) parts.push(`    ${b.englishOriginal}:\n${wrap(textBody(f.english), '    ')}`);
  } else if (f.english) {
    if (f.fallback) parts.push(wrap(b.fallbackMarker));
    parts.push(wrap(textBody(f.english)));
  }
  return parts.join('\n\n');
}

/** A text as plain text: its Markdown reads fine as is. */
function textBody(block: Block): string {
  return block.body.replace(/\n{3,}/g, '\n\n');
}

// Hangul, CJK and full-width forms take two columns in a monospace font
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

function columns(s: string): number {
  let n = 0;
  for (const ch of s) n += WIDE.test(ch) ? 2 : 1;
  return n;
}

/**
 * Wraps each line at spaces, keeping its indent and hanging list items under their text; never
 * breaks a word or URL. Trailing spaces go, which also keeps a text's "-- " line from reading as
 * a signature delimiter (clients hide everything after one).
 */
function wrap(text: string, indent = ''): string {
  return text
    .split('\n')
    .map((line) => wrapLine(line.replace(/\t/g, '    ').trimEnd(), indent))
    .join('\n');
}

function wrapLine(line: string, indent: string): string {
  if (line.trim() === '') return '';
  const lead = /^ *(?:(?:[-*+•]|\d{1,9}[.)]) +)?/.exec(line)?.[0] ?? '';
  const first = indent + lead;
  const hang = indent + ' '.repeat(columns(lead));
  const out: string[] = [];
  let cur = first;
  let width = columns(first);
  let empty = true;
  for (const word of line.slice(lead.length).split(/ +/).filter((w) => w !== '')) {
    const w = columns(word);
    if (!empty && width + 1 + w > TEXT_WIDTH) {
      out.push(cur);
      cur = hang + word;
      width = columns(hang) + w;
    } else {
      cur += empty ? word : ` ${word}`;
      width += empty ? w : 1 + w;
    }
    empty = false;
  }
  out.push(cur);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// HTML

const FONT = `font-family:-apple-system,BlinkMacSystemFont,'Segoe UI','Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR',sans-serif`;

/** Inline styles (mail clients honour style attributes, not style sheets). */
const S = {
  body: 'margin:0;padding:0;background-color:#f3f4f6;',
  outer: 'width:100%;background-color:#f3f4f6;',
  outerCell: 'padding:24px 12px;',
  card: 'width:100%;max-width:600px;background-color:#ffffff;border:1px solid #e5e7eb;border-radius:8px;',
  chart: 'margin:16px 0 0 0;',
  // the sanitised fragments inside carry no style: they inherit font, size, line-height and
  // word-break from this cell; keep-all keeps Korean words whole, overflow-wrap breaks long URLs
  cell: `padding:20px 24px;${FONT};font-size:16px;line-height:1.7;color:#1f2328;word-break:keep-all;overflow-wrap:anywhere;word-wrap:break-word;text-align:left;`,
  rule: 'border-top:1px solid #e5e7eb;',
  preheader: 'display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:#ffffff;',
  h1: 'margin:0 0 12px;font-size:22px;line-height:1.4;font-weight:700;',
  h2: 'margin:0 0 8px;font-size:19px;line-height:1.45;font-weight:700;',
  h3: 'margin:16px 0 4px;font-size:15px;line-height:1.5;font-weight:700;color:#374151;',
  p: 'margin:0 0 12px;',
  note: 'margin:0 0 12px;padding:10px 12px;background-color:#fff8c5;border:1px solid #eac54f;border-radius:6px;font-size:14px;',
  label: 'margin:8px 0 0;font-size:13px;color:#6b7280;',
  original: 'margin:4px 0 8px;padding:0 0 0 12px;border-left:3px solid #d0d7de;color:#4b5563;',
  fallback: 'margin:0;font-size:13px;color:#6b7280;',
  link: 'color:#0969da;text-decoration:underline;',
  linkRow: 'margin:0 0 4px;',
  small: 'margin:0 0 12px;font-size:13px;line-height:1.6;color:#6b7280;',
  buttonRow: 'margin:20px 0;',
  button: 'display:inline-block;padding:12px 22px;background-color:#0969da;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:700;',
};

/**
 * Pads the preheader so inbox previews stop after it instead of running on into the body. Fixed
 * characters of ours (combining grapheme joiner, zero-width non-joiner, no-break space).
 */
const PREHEADER_PAD = '&#847;&zwnj;&nbsp;'.repeat(40);

/** A link this file built from a URL that passed safeUrl; the label is escaped. */
function htmlLink(url: string, label: string): string {
  return `<a href="${escapeHtml(url)}" rel="${LINK_REL}" style="${S.link}">${renderPlain(label)}</a>`;
}

/** One row of the 600px card. */
function row(inner: string, ruled = false): string {
  return `<tr><td style="${S.cell}${ruled ? S.rule : ''}">\n${inner}\n</td></tr>`;
}

/** The whole document: a full-width table centring a 600px-max card, the hidden preheader first. */
function htmlDocument(lang: string, title: string, preheader: string, rows: string[]): string {
  const table = 'role="presentation" cellpadding="0" cellspacing="0" border="0"';
  return (
    [
      '<!doctype html>',
      `<html lang="${escapeHtml(lang)}">`,
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      '<meta name="x-apple-disable-message-reformatting">',
      `<title>${renderPlain(title)}</title>`,
      '</head>',
      `<body style="${S.body}">`,
      `<span style="${S.preheader}">${renderPlain(preheader)}${PREHEADER_PAD}</span>`,
      `<table ${table} width="100%" style="${S.outer}">`,
      `<tr><td align="center" style="${S.outerCell}">`,
      `<table ${table} width="600" style="${S.card}">`,
      ...rows,
      '</table>',
      '</td></tr>',
      '</table>',
      '</body>',
      '</html>',
    ].join('\n') + '\n'
  );
}

function mailHtml(c: MailContent, subject: string, preheader: string): string {
  const l = c.layout;
  const b = l.bundle;
  const rows: string[] = [];

  const head = [`<h1 style="${S.h1}">${renderPlain(subject)}</h1>`];
  if (c.draftsMarked) head.push(`<p style="${S.note}">${renderPlain(b.mail.draftsNote)}</p>`);
  if (c.overview) {
    // citations link to the entries on the web archive, where they have anchors
    const positions = new Set(l.entries.map((e) => e.position));
    head.push(`<h3 style="${S.h3}">${renderPlain(b.overview)}</h3>`, citationLinksHtml(htmlField(c.overview, b), (n) => (positions.has(n) ? `${c.links.web}#entry-${n}` : null)));
  }
  if (c.chart) head.push(`<p style="${S.chart}"><img src="${escapeHtml(c.chart.src)}" alt="${escapeHtml(c.chart.alt)}" width="${c.chart.width}" style="display:block;width:100%;max-width:${c.chart.width}px;height:auto;border:0"></p>`);
  rows.push(row(head.join('\n')));

  for (const e of l.entries) {
    const out = [`<h2 style="${S.h2}">${htmlHeading(e)}</h2>`];
    for (const [label, f] of fieldsOf(b, e)) {
      if (f && (f.target || f.english)) out.push(`<h3 style="${S.h3}">${renderPlain(label)}</h3>`, htmlField(f, b));
    }
    for (const [label, urls] of linksOf(b, e)) {
      if (urls.length > 0) out.push(`<h3 style="${S.h3}">${renderPlain(label)}</h3>`, ...urls.map((u) => `<p style="${S.linkRow}">${htmlLink(u, u)}</p>`));
    }
    rows.push(row(out.join('\n'), true));
  }

  const foot: string[] = [];
  if (c.sourceUrl) foot.push(`<p style="${S.small}">${renderPlain(b.source)}: ${htmlLink(c.sourceUrl, c.sourceUrl)}</p>`);
  for (const line of [...disclaimers(l), b.mail.reportMistakes]) foot.push(`<p style="${S.small}">${renderPlain(line)}</p>`);
  foot.push(
    `<p style="${S.small}">${[htmlLink(c.links.web, b.mail.webVersion), htmlLink(c.links.preferences, b.mail.preferences), htmlLink(c.links.unsubscribe, b.mail.unsubscribe)].join(' · ')}</p>`,
    `<p style="${S.small}">${renderPlain(b.mail.why)}</p>`,
  );
  rows.push(row(foot.join('\n'), true));

  return htmlDocument(l.lang, subject, preheader, rows);
}

/** `<position>. <target> / <English>`, each name in its language. */
function htmlHeading(e: EntryLayout): string {
  const en = `<span lang="en">${renderInline(e.titleEn)}</span>`;
  const name = e.titleTarget ? `<span lang="${escapeHtml(e.titleTarget.lang)}">${renderInline(e.titleTarget.body)}</span> / ${en}` : en;
  return `${escapeHtml(String(e.position))}. ${name}`;
}

function htmlBlock(block: Block, style = ''): string {
  const attr = style ? ` style="${style}"` : '';
  return `<div lang="${escapeHtml(block.lang)}"${attr}>\n${renderBlock(block.body, { headings: false })}\n</div>`;
}

/** Target, then the English original under its label; or the fallback marker, then the stand-in. */
function htmlField(f: Field, b: Bundle): string {
  const parts: string[] = [];
  if (f.target) {
    parts.push(htmlBlock(f.target));
    if (f.english) parts.push(`<p style="${S.label}">${renderPlain(b.englishOriginal)}</p>`, htmlBlock(f.english, S.original));
  } else if (f.english) {
    if (f.fallback) parts.push(`<p style="${S.fallback}">${renderPlain(b.fallbackMarker)}</p>`);
    parts.push(htmlBlock(f.english));
  }
  return parts.join('\n');
}
