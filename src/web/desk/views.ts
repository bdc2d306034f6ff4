// The editor desk's pages: pure functions from what the routes read to HTML. Every stored or typed
// string (texts, sources, findings, readers' corrections, e-mail addresses) goes through
// renderPlain or escapeHtml; markup here is only what these functions write themselves.
import { needsApproval } from '../../domain/edition-status.js';
import { escapeHtml, renderPlain, safeUrl } from '../../channels/render/sanitize.js';
import type { Signals } from '../../domain/rank.js';
import type { Edition, Entry, Text } from '../../domain/types.js';
import type { RankedCandidate, WeekRanking } from '../../pipeline/candidates.js';
import type { EditionReview, ReviewText } from '../../pipeline/review.js';
import type { Correction, Publication, StoredFinding, TextRef, TextVersion } from '../../ports.js';
import { markSpans, type Highlight } from './marks.js';

export const DESK_STYLE = [
  'body.desk{max-width:80rem}',
  '.desk nav.site form{display:inline}',
  '.desk .flash{border:1px solid #8886;border-left:4px solid #0b57d0;padding:.5rem 1rem;margin:1rem 0}',
  '.desk .flash.bad{border-left-color:#b3261e}',
  '.desk section.desk-text{border-top:1px solid #8886;margin-top:1.5rem;padding-top:.5rem}',
  '.desk .pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}',
  '@media (max-width:50rem){.desk .pair{grid-template-columns:1fr}}',
  '.desk .side h4{margin:.25rem 0;font-size:.8rem;opacity:.75}',
  '.desk .body{white-space:pre-wrap;border:1px solid #8884;padding:.5rem;border-radius:4px}',
  '.desk mark.finding.error{background:#f9b4ae;color:inherit;text-decoration:underline wavy #b3261e}',
  '.desk mark.finding.warning{background:#fde68a;color:inherit}',
  '.desk .badge{font-size:.75rem;border:1px solid #8886;border-radius:3px;padding:0 .3rem;margin-right:.25rem}',
  '.desk .badge.error{border-color:#b3261e}',
  '.desk li.finding.dismissed{opacity:.6}',
  '.desk textarea{width:100%;min-height:10rem;font:inherit}',
  '.desk form.inline{display:inline}',
  '.desk table{border-collapse:collapse}',
  '.desk td,.desk th{border-bottom:1px solid #8884;padding:.25rem .5rem;text-align:left;vertical-align:top}',
  '.desk .correction{border-left:3px solid #8886;padding-left:.75rem;margin:.75rem 0}',
  '.desk table.candidates td,.desk table.entries td{font-size:.9rem}',
  // the page's overflow-wrap:anywhere would cut headings, dates and counts mid-word in narrow columns
  '.desk table.candidates th,.desk table.candidates td{overflow-wrap:normal}',
  '.desk table.candidates th,.desk table.candidates td.num,.desk table.candidates td.day{white-space:nowrap}',
  '.desk table.candidates td.paper{overflow-wrap:anywhere}',
  '.desk .why{font-size:.8rem;opacity:.8;margin:.25rem 0 0}',
  '.desk ul.signals{list-style:none;margin:0;padding:0;font-size:.8rem;white-space:nowrap}',
  '.desk ul.signals meter{width:4rem;height:.6rem;vertical-align:middle}',
  '.desk .num{font-variant-numeric:tabular-nums}',
  '.desk .neg{color:#b3261e}',
  '.desk input.pos{width:4.5rem}',
  '.desk .key{font-size:.75rem;opacity:.75}',
].join('\n');

/** What the routes know about the logged-in editor, for the page frame. */
export interface DeskViewer {
  email: string;
  csrf: string;
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
const when = (iso: string | null | undefined) => (iso ? renderPlain(`${iso.slice(0, 16).replace('T', ' ')} UTC`) : '—');
const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

/** A small POST form with the session's CSRF token. */
export function postForm(action: string, viewer: DeskViewer, fields: Record<string, string>, button: string, opts: { inline?: boolean; extra?: string } = {}): string {
  return `<form method="post" action="${escapeHtml(action)}"${opts.inline ? ' class="inline"' : ''}>${hidden('csrf', viewer.csrf)}${Object.entries(fields)
    .map(([k, v]) => hidden(k, v))
    .join('')}${opts.extra ?? ''}<button type="submit">${renderPlain(button)}</button></form>`;
}

export function deskPage(opts: { title: string; body: string; viewer?: DeskViewer; lang?: string }): string {
  const who = opts.viewer
    ? `<span>${renderPlain(opts.viewer.email)}</span>${postForm('/desk/logout', opts.viewer, {}, 'Log out', { inline: true })}`
    : '';
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(opts.lang ?? 'en')}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${renderPlain(opts.title)} · paperboy desk</title>`,
    '<link rel="stylesheet" href="/static/site.css">',
    '<link rel="stylesheet" href="/desk/desk.css">',
    '</head>',
    '<body class="desk">',
    `<nav class="site" aria-label="desk"><a href="/desk">paperboy desk</a><a href="/">public site</a>${who}</nav>`,
    '<main>',
    opts.body,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

/** A page that only says something (401, 403, 404, 429, errors): no data, no details. */
export function messagePage(title: string, message: string, back: { href: string; label: string } = { href: '/desk', label: 'Back to the desk' }, viewer?: DeskViewer): string {
  return deskPage({ title, viewer, body: `<h1>${renderPlain(title)}</h1>\n<p>${renderPlain(message)}</p>\n<p><a href="${escapeHtml(back.href)}">${renderPlain(back.label)}</a></p>` });
}

/** The same page for every failed login, whatever the reason, so it tells nobody which addresses exist. */
export function loginPage(opts: { failed?: boolean; next?: string | null; notice?: string | null }): string {
  const message = opts.failed ? '<p class="flash bad" role="alert">Wrong e-mail address or password.</p>' : opts.notice ? `<p class="flash" role="status">${renderPlain(opts.notice)}</p>` : '';
  return deskPage({
    title: 'Log in',
    body: [
      '<h1>Editor login</h1>',
      message,
      '<form method="post" action="/desk/login">',
      opts.next ? hidden('next', opts.next) : '',
      '<p><label for="email">E-mail address</label><br><input id="email" name="email" type="email" autocomplete="username" required maxlength="254"></p>',
      '<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"></p>',
      '<p><button type="submit">Log in</button></p>',
      '</form>',
    ].join('\n'),
  });
}

export interface EditionRow {
  edition: Edition & { entryCount: number };
  langs: Array<{ lang: string; texts: number; approved: number; errors: number; unchecked: number; pendingCorrections: number; publishedAt: string | null }>;
}

export function editionsPage(viewer: DeskViewer, rows: EditionRow[], paging: { page: number; pages: number }, defaultLang: string): string {
  const body = rows.map(({ edition: e, langs }) => {
    const cells = langs.length
      ? langs
          .map(
            (l) =>
              `<li><a href="/desk/editions/${escapeHtml(e.startDate)}?lang=${escapeHtml(l.lang)}">${renderPlain(l.lang)}</a>: ${l.texts} texts, ${l.approved} approved, ` +
              `<span${l.errors ? ' class="badge error"' : ''}>${l.errors} open errors</span>${l.unchecked ? `, ${l.unchecked} unchecked` : ''}, ${l.pendingCorrections} pending corrections, ` +
              `${l.publishedAt ? `published ${when(l.publishedAt)}` : 'not published'}</li>`,
          )
          .join('')
      : '<li>no target-language texts yet</li>';
    const open = `/desk/editions/${e.startDate}?lang=${encodeURIComponent(langs[0]?.lang ?? defaultLang)}`;
    return `<tr><td><a href="${escapeHtml(open)}">${renderPlain(e.startDate)} – ${renderPlain(e.endDate)}</a></td><td>${e.entryCount} entries<br>${renderPlain(e.status)}</td><td><ul>${cells}</ul></td></tr>`;
  });
  const nav = [
    paging.page > 1 ? `<a href="/desk?page=${paging.page - 1}">newer</a>` : '',
    `page ${paging.page} of ${Math.max(1, paging.pages)}`,
    paging.page < paging.pages ? `<a href="/desk?page=${paging.page + 1}">older</a>` : '',
  ].filter(Boolean);
  return deskPage({
    title: 'Editions',
    viewer,
    body: `<h1>Editions</h1>\n${proposeWeekForm()}\n${rows.length ? `<table><thead><tr><th>week</th><th>edition</th><th>languages</th></tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>` : '<p>No editions are stored yet; run <code>paperboy import upstream</code>.</p>'}\n<p>${nav.join(' · ')}</p>`,
  });
}

/** A GET form: the ranked candidates of a week that has no edition yet (or its edition's, when it has one). */
function proposeWeekForm(): string {
  return '<form method="get" action="/desk/candidates" class="propose"><label>Propose a week from candidates, starting <input type="date" name="week" required></label> <button type="submit">Show candidates</button></form>';
}

/** The element id of a text on the review page: overview, or entry-4-abstract. */
export function textAnchor(t: { position: number | null; ref: Pick<TextRef, 'field'> }): string {
  return t.position === null ? t.ref.field : `entry-${t.position}-${t.ref.field}`;
}

const where = (position: number | null, field: string) => (position === null ? field : `${position}. ${field}`);

const MODEL_ORIGINS: ReadonlySet<string> = new Set(['llm', 'imported']);

function provenance(t: Text): string {
  const parts = [
    `origin ${renderPlain(t.origin)}`,
    `status ${renderPlain(t.status)}`,
    `revision ${t.revision ?? 1}`,
    // an edited text keeps its draft's model in the row; it is shown only while the model's words stand
    t.model && MODEL_ORIGINS.has(t.origin) ? `model ${renderPlain(t.model)}` : '',
    t.promptVersion && MODEL_ORIGINS.has(t.origin) ? `prompt ${renderPlain(t.promptVersion)}` : '',
    t.draft && MODEL_ORIGINS.has(t.origin) ? `drafted via ${renderPlain(t.draft.provider)} (${t.draft.tokensIn}+${t.draft.tokensOut} tokens, ${usd(t.draft.costUsd)})` : '',
    t.editedBy ? `edited by ${renderPlain(t.editedBy)}` : '',
    t.approvedBy ? `approved by ${renderPlain(t.approvedBy)} at ${when(t.approvedAt)}` : '',
    t.correctedAt ? `reader correction accepted at ${when(t.correctedAt)}` : '',
    `updated ${when(t.updatedAt)}`,
  ];
  return `<p class="provenance">${parts.filter(Boolean).join(' · ')}</p>`;
}

const textFields = (lang: string, t: ReviewText) => ({ lang, kind: t.ref.ownerKind, owner: t.ref.ownerId, field: t.ref.field });

function findingItem(f: StoredFinding, anchors: { source: Map<string, string>; target: Map<string, string> }, dismissAction: string, lang: string, viewer: DeskViewer): string {
  const links = [
    anchors.target.get(`f${f.id}-target`) ? `<a href="#${escapeHtml(anchors.target.get(`f${f.id}-target`)!)}">in the text</a>` : '',
    anchors.source.get(`f${f.id}-source`) ? `<a href="#${escapeHtml(anchors.source.get(`f${f.id}-source`)!)}">in the source</a>` : '',
  ].filter(Boolean);
  const head = `<span class="badge ${escapeHtml(f.severity)}">${renderPlain(f.severity)}</span> <strong>${renderPlain(f.rule)}</strong> #${f.id}: ${renderPlain(f.message)}${links.length ? ` (${links.join(', ')})` : ''}`;
  if (f.dismissed) return `<li class="finding dismissed" id="f${f.id}">${head} — dismissed by ${renderPlain(f.dismissed.by)} at ${when(f.dismissed.at)}: ${renderPlain(f.dismissed.why)}</li>`;
  const reason = ` <label>reason <input name="why" required maxlength="500" size="30"></label> `;
  return `<li class="finding ${escapeHtml(f.severity)}" id="f${f.id}">${head}${postForm(dismissAction.replace(':id', String(f.id)), viewer, { lang }, 'Dismiss', { inline: true, extra: reason })}</li>`;
}

function correctionBlock(c: Correction, action: string, lang: string, viewer: DeskViewer): string {
  return [
    `<div class="correction" id="c${c.id}">`,
    `<p><strong>Reader's correction #${c.id}</strong> (sentence ${c.sentence + 1} of revision ${c.textRevision}, ${when(c.createdAt)})</p>`,
    `<p>Sentence now: <q lang="${escapeHtml(c.lang)}">${renderPlain(c.original)}</q></p>`,
    `<p>Proposed: <q lang="${escapeHtml(c.lang)}">${renderPlain(c.proposed)}</q></p>`,
    c.note ? `<p>Note: ${renderPlain(c.note)}</p>` : '',
    postForm(action, viewer, { lang, decision: 'accept' }, 'Accept', { inline: true }),
    ' ',
    postForm(action, viewer, { lang, decision: 'reject' }, 'Reject', { inline: true }),
    '</div>',
  ].join('\n');
}

function historyBlock(history: TextVersion[]): string {
  if (!history.length) return '';
  const items = history.map(
    (h) => `<li><p class="provenance">revision ${h.revision} · ${renderPlain(h.origin)}${h.model ? ` (${renderPlain(h.model)})` : ''} · replaced by ${renderPlain(h.replacedBy)} at ${when(h.replacedAt)} (${renderPlain(h.reason)})</p><div class="body">${renderPlain(h.body)}</div></li>`,
  );
  return `<details><summary>Earlier wordings (${history.length})</summary><ol>${items.join('\n')}</ol></details>`;
}

function textSection(t: ReviewText, history: TextVersion[], ctx: { lang: string; base: string; viewer: DeskViewer }): string {
  const open = t.findings.filter((f) => !f.dismissed);
  const highlight = (side: 'source' | 'target'): Highlight[] =>
    open.flatMap((f) => {
      const span = side === 'source' ? f.sourceSpan : f.draftSpan;
      return span ? [{ span, severity: f.severity, anchor: `f${f.id}-${side}`, title: `${f.rule}: ${f.message}` }] : [];
    });
  // spans point into the wording that was checked; a changed text is shown unmarked until re-checked
  const target = t.checked ? markSpans(t.text.body, highlight('target')) : { html: renderPlain(t.text.body), anchors: new Map<string, string>() };
  const source = markSpans(t.source, t.checked ? highlight('source') : []);
  const errors = open.filter((f) => f.severity === 'error').length;
  const badges = [
    `<span class="badge">${renderPlain(t.text.status === 'approved' ? 'approved' : t.text.origin === 'human' ? 'edited' : 'draft')}</span>`,
    errors ? `<span class="badge error">${errors} open error${errors > 1 ? 's' : ''}</span>` : '',
    t.checked ? '' : '<span class="badge error">not checked at this wording</span>',
    t.corrections.length ? `<span class="badge">${t.corrections.length} reader correction(s)</span>` : '',
  ].filter(Boolean);
  const anchor = textAnchor(t);
  const fields = textFields(ctx.lang, t);
  const revision = String(t.text.revision ?? 1);
  const approve = t.text.status === 'approved' ? '' : postForm(`${ctx.base}/texts/approve`, ctx.viewer, { ...fields, revision }, 'Approve this text');
  const edit = postForm(`${ctx.base}/texts/save`, ctx.viewer, { ...fields, revision }, 'Save and check', {
    extra: `<p><label for="${escapeHtml(`${anchor}-body`)}">Wording (revision ${revision})</label><br><textarea id="${escapeHtml(`${anchor}-body`)}" name="body" lang="${escapeHtml(ctx.lang)}" required>\n${escapeHtml(t.text.body)}</textarea></p>`,
  });
  return [
    `<section class="desk-text" id="${escapeHtml(anchor)}">`,
    `<h3>${renderPlain(where(t.position, t.ref.field))} ${badges.join(' ')}</h3>`,
    provenance(t.text),
    '<div class="pair">',
    `<div class="side source" lang="en"><h4>English source</h4><div class="body">${t.source ? source.html : '<em>(no English source)</em>'}</div></div>`,
    `<div class="side target" lang="${escapeHtml(ctx.lang)}"><h4>${renderPlain(ctx.lang)}</h4><div class="body">${target.html}</div></div>`,
    '</div>',
    t.findings.length ? `<ul class="findings">${t.findings.map((f) => findingItem(f, { source: source.anchors, target: target.anchors }, `${ctx.base}/findings/:id/dismiss`, ctx.lang, ctx.viewer)).join('\n')}</ul>` : '',
    t.corrections.map((c) => correctionBlock(c, `${ctx.base}/corrections/${c.id}`, ctx.lang, ctx.viewer)).join('\n'),
    approve,
    `<details><summary>Edit</summary>${edit}</details>`,
    historyBlock(history),
    '</section>',
  ].join('\n');
}

export interface ReviewPageData {
  viewer: DeskViewer;
  review: EditionReview;
  histories: TextVersion[][];
  /** the edition's publications in this language */
  publications: Publication[];
  /** whether a Discourse forum is configured (the publish form offers it) */
  forum?: boolean;
  /** its e-mail deliveries in this language, by status */
  deliveries?: Record<string, number>;
  /** the target languages that have texts in this edition */
  langs: string[];
  flash: { text: string; bad: boolean } | null;
}

/** What keeps the edition from being published, as a list (the same reasons publishEdition gives). */
function blockersBlock(review: EditionReview): string {
  const drafts = review.texts.filter((t) => needsApproval(t.text));
  const items = [
    ...review.blockers.errors.map((f) => `<li>open <strong>${renderPlain(f.rule)}</strong> error in <a href="#f${f.id}">${renderPlain(where(f.position, f.field))}</a>: ${renderPlain(f.message)}</li>`),
    ...review.blockers.unchecked.map((u) => `<li><a href="#${escapeHtml(textAnchor({ position: u.position, ref: u }))}">${renderPlain(where(u.position, u.field))}</a> changed since its last check</li>`),
  ];
  const draftLine = drafts.length
    ? `<p>${drafts.length} text(s) not approved by an editor (${drafts
        .slice(0, 8)
        .map((t) => `<a href="#${escapeHtml(textAnchor(t))}">${renderPlain(where(t.position, t.ref.field))}</a>`)
        .join(', ')}${drafts.length > 8 ? ', …' : ''}); approve them or publish with "allow drafts".</p>`
    : '';
  if (!items.length && !drafts.length && review.texts.length) return '<p>Nothing blocks publishing.</p>';
  return `<h3>What blocks publishing</h3>${review.texts.length ? '' : `<p>There are no ${renderPlain(review.lang)} texts in this edition.</p>`}${items.length ? `<ul class="blockers">${items.join('\n')}</ul>` : ''}${draftLine}`;
}

function costsBlock(review: EditionReview): string {
  const c = review.costs;
  if (!c.total.calls) return '<p class="provenance">No LLM calls were made for this edition in this language.</p>';
  const models = Object.entries(c.byModel).map(([m, l]) => `${renderPlain(m)}: ${l.calls} calls, ${l.tokensIn}+${l.tokensOut} tokens, ${usd(l.costUsd)}`);
  return `<p class="provenance">Drafting cost: ${c.total.calls} LLM calls (${c.total.ok} ok, ${c.total.rejected} rejected, ${c.total.failed} failed), ${c.total.tokensIn} tokens in, ${c.total.tokensOut} out${c.total.estimatedTokens ? ` (${c.total.estimatedTokens} estimated)` : ''}, ${usd(c.total.costUsd)}. ${models.join('; ')}</p>`;
}

export function reviewPage(d: ReviewPageData): string {
  const { review, viewer } = d;
  const e = review.bundle.edition;
  const base = `/desk/editions/${e.startDate}`;
  const lang = review.lang;
  const entries = new Map(review.bundle.entries.map((x) => [x.position, x]));
  const sections: string[] = [];
  let lastPosition: number | null | undefined;
  review.texts.forEach((t, i) => {
    if (t.position !== lastPosition && t.position !== null) {
      const entry = entries.get(t.position);
      sections.push(`<h2 id="entry-${t.position}">${t.position}. ${renderPlain(entry?.label ?? '')}</h2>`);
    }
    lastPosition = t.position;
    sections.push(textSection(t, d.histories[i] ?? [], { lang, base, viewer }));
  });
  const published = d.publications.find((p) => p.channel === 'web');
  const mailed = d.publications.find((p) => p.channel === 'email');
  const fed = d.publications.find((p) => p.channel === 'feeds');
  const posted = d.publications.find((p) => p.channel === 'discourse');
  const langNav = d.langs.map((l) => `<a href="${base}?lang=${escapeHtml(l)}"${l === lang ? ' aria-current="page"' : ''}>${renderPlain(l)}</a>`).join(' · ');
  const k = review.counts;
  const counts = d.deliveries ? Object.entries(d.deliveries).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ') : '';
  const publish = [
    published ? `<p>Published on the web at ${when(published.publishedAt)}${published.allowDrafts ? ' (with drafts)' : ''}. <a href="/editions/${escapeHtml(e.startDate)}?lang=${escapeHtml(lang)}">public page</a></p>` : '',
    mailed ? `<p>Published by e-mail at ${when(mailed.publishedAt)}${mailed.allowDrafts ? ' (with drafts)' : ''}: ${renderPlain(counts || 'no subscribers')} (the worker sends queued mail).</p>` : '',
    fed ? `<p>In the feeds since ${when(fed.publishedAt)}.</p>` : '',
    posted ? `<p>Posted on the forum at ${when(posted.publishedAt)}${posted.allowDrafts ? ' (with drafts)' : ''}; corrections reach the post by themselves.</p>` : '',
    published && mailed && fed && (posted || !d.forum)
      ? ''
      : postForm(`${base}/publish`, viewer, { lang, choose: '1' }, 'Publish', {
          extra: [
            published ? '' : '<label><input type="checkbox" name="web" value="1" checked> on the web</label> ',
            fed ? '' : '<label><input type="checkbox" name="feeds" value="1" checked> in the feeds</label> ',
            mailed ? '' : '<label><input type="checkbox" name="email" value="1"> by e-mail to the subscribers</label> ',
            posted || !d.forum ? '' : '<label><input type="checkbox" name="discourse" value="1"> on the forum</label> ',
            '<label><input type="checkbox" name="allowDrafts" value="1"> allow drafts (texts no editor approved)</label> ',
          ].join(''),
        }),
  ].join('\n');
  return deskPage({
    title: `${e.startDate} (${lang})`,
    viewer,
    body: [
      `<h1>${renderPlain(e.title)}</h1>`,
      `<p>${renderPlain(e.startDate)} – ${renderPlain(e.endDate)} · status ${renderPlain(e.status)} · language: ${langNav} · <a href="${base}/candidates">candidates for the week</a></p>`,
      d.flash ? `<p class="flash${d.flash.bad ? ' bad' : ''}" role="status">${renderPlain(d.flash.text)}</p>` : '',
      `<p>${k.texts} texts, ${k.approved} approved, ${k.errors} open errors, ${k.warnings} open warnings, ${k.pendingCorrections} pending reader corrections.</p>`,
      costsBlock(review),
      postForm(`${base}/texts/approve-clean`, viewer, { lang }, 'Approve all texts without errors'),
      `<section id="publish">${blockersBlock(review)}${publish}</section>`,
      ...sections,
    ].join('\n'),
  });
}

/** 409: someone saved the text first. Both wordings are shown; nothing was overwritten. */
export function conflictPage(d: { viewer: DeskViewer; edition: Edition; ref: TextRef; position: number | null; current: Text; yours: string }): string {
  const base = `/desk/editions/${d.edition.startDate}`;
  const anchor = textAnchor({ position: d.position, ref: d.ref });
  const revision = String(d.current.revision ?? 1);
  const form = postForm(`${base}/texts/save`, d.viewer, { lang: d.ref.lang, kind: d.ref.ownerKind, owner: d.ref.ownerId, field: d.ref.field, revision }, `Save mine over revision ${revision}`, {
    extra: `<p><label for="yours">Your wording</label><br><textarea id="yours" name="body" lang="${escapeHtml(d.ref.lang)}" required>\n${escapeHtml(d.yours)}</textarea></p>`,
  });
  return deskPage({
    title: 'Changed while you were editing',
    viewer: d.viewer,
    body: [
      `<h1>${renderPlain(where(d.position, d.ref.field))} changed while you were editing</h1>`,
      `<p>Someone saved this text first (revision ${revision}${d.current.editedBy ? `, edited by ${renderPlain(d.current.editedBy)}` : ''}, ${when(d.current.updatedAt)}). Nothing was overwritten: compare the two wordings, then save yours over theirs or go back.</p>`,
      '<div class="pair">',
      `<div class="side current"><h2>Current (revision ${revision})</h2><div class="body" lang="${escapeHtml(d.ref.lang)}">${renderPlain(d.current.body)}</div></div>`,
      `<div class="side yours"><h2>Yours (not saved)</h2><div class="body" lang="${escapeHtml(d.ref.lang)}">${renderPlain(d.yours)}</div></div>`,
      '</div>',
      form,
      `<p><a href="${escapeHtml(`${base}?lang=${encodeURIComponent(d.ref.lang)}#${anchor}`)}">Keep the current wording and go back</a></p>`,
    ].join('\n'),
  });
}

// ---------------------------------------------------------------------------------------------
// Candidates

/** A ranked candidate with its reason in words (explainCandidate), as the routes give it. */
export type ExplainedCandidate = RankedCandidate & { why: string };

export interface CandidatesPageData {
  viewer: DeskViewer;
  ranking: Omit<WeekRanking, 'candidates'>;
  candidates: ExplainedCandidate[];
  /** the edition being put together; null: the week has none yet (the list is read-only) */
  edition: Edition | null;
  /** its entries, by position */
  entries: Entry[];
  /** the channels it is published on: then its entries can no longer change */
  publishedOn: string[];
  /** whether every candidate is shown (?all=1) or the first `cap` */
  all: boolean;
  cap: number;
  flash: { text: string; bad: boolean } | null;
}

const SIGNAL_NAMES: Record<keyof Signals, string> = { similarity: 'like past picks', popularity: 'popularity', recency: 'recency', topicFit: 'topic fit' };
const signed = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(2)}`;
const count = (n: number | null) => (n === null ? '—' : String(n));

/** A link out to a paper (http(s) only), else its address as text. */
function paperLink(url: string, label: string): string {
  const safe = safeUrl(url);
  return safe ? `<a href="${escapeHtml(safe)}" rel="external noopener noreferrer" target="_blank">${renderPlain(label)}</a>` : renderPlain(label);
}

function signalsCell(c: ExplainedCandidate): string {
  const items = (Object.keys(SIGNAL_NAMES) as Array<keyof Signals>).map((k) => {
    const v = c.contributions[k];
    // similarity is a logit; the others lie in [0, 1] and get a bar
    const bar = k === 'similarity' ? '' : ` <meter min="0" max="1" value="${Math.min(1, Math.max(0, c.signals[k])).toFixed(3)}" title="${escapeHtml(`${SIGNAL_NAMES[k]} ${c.signals[k].toFixed(2)}`)}">${c.signals[k].toFixed(2)}</meter>`;
    return `<li class="signal ${k}">${SIGNAL_NAMES[k]} <span class="num${v < 0 ? ' neg' : ''}">${signed(v)}</span>${bar}</li>`;
  });
  return `<ul class="signals">${items.join('')}</ul>`;
}

function entriesBlock(d: CandidatesPageData, base: string, editable: boolean): string {
  const n = d.entries.length;
  if (!n) return '<p>This edition has no entries yet: add candidates below.</p>';
  const rows = d.entries.map((e) => {
    const link = e.links.find((l) => l.kind === 'paper')?.url;
    const title = link ? paperLink(link, e.label) : renderPlain(e.label);
    const action = `${base}/entries/${e.id}`;
    const forms = editable
      ? [
          e.position > 1 ? postForm(`${action}/move`, d.viewer, { position: String(e.position - 1) }, 'Move up', { inline: true }) : '',
          e.position < n ? postForm(`${action}/move`, d.viewer, { position: String(e.position + 1) }, 'Move down', { inline: true }) : '',
          postForm(`${action}/move`, d.viewer, {}, 'Move', {
            inline: true,
            extra: `<label>to position <input class="pos" type="number" name="position" min="1" max="${n}" value="${e.position}" required></label> `,
          }),
          postForm(`${action}/remove`, d.viewer, {}, 'Remove', { inline: true }),
        ]
          .filter(Boolean)
          .join(' ')
      : '';
    return `<tr id="entry-${e.position}" data-entry="${e.id}"><td class="num">${e.position}</td><td>${title}<br><span class="key">${renderPlain(e.paperKey)}</span></td>${editable ? `<td>${forms}</td>` : ''}</tr>`;
  });
  return `<div class="table-scroll"><table class="entries"><thead><tr><th>#</th><th>entry</th>${editable ? '<th>change</th>' : ''}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

function candidateRow(c: ExplainedCandidate, d: CandidatesPageData, base: string | null, editable: boolean, at: ReadonlyMap<string, number>): string {
  const position = at.get(c.paperKey);
  // only the counts the sources gave: a missing count is not a zero
  const counts = ([[c.upvotes, 'upvote'], [c.comments, 'comment'], [c.githubStars, 'star']] as const).filter(([n]) => n !== null).map(([n, what]) => `${count(n)} ${what}${n === 1 ? '' : 's'}`).join('<br>') || '—';
  const place =
    position !== undefined
      ? `in edition at #${position}`
      : !base
        ? '—'
        : editable
          ? postForm(`${base}/entries`, d.viewer, { paperKey: c.paperKey, ...(d.all ? { all: '1' } : {}) }, 'Add', {
              inline: true,
              extra: `<label>Add at position <input class="pos" type="number" name="position" min="1" max="${d.entries.length + 1}" value="${d.entries.length + 1}" required></label> `,
            })
          : 'not in the edition';
  return [
    `<tr id="candidate-${c.rank}">`,
    `<td class="num">${c.rank}</td>`,
    `<td class="paper">${paperLink(c.url, c.title)}<br><span class="key">${renderPlain(c.paperKey)}</span><p class="why">${renderPlain(c.why)}</p></td>`,
    `<td>${c.sources.map((s) => renderPlain(s)).join(', ')}</td>`,
    `<td class="day">${renderPlain(c.day)}</td>`,
    `<td class="num">${counts}</td>`,
    `<td>${c.topics.map((t) => renderPlain(t)).join(', ') || '—'}</td>`,
    `<td class="num score">${c.score.toFixed(2)}</td>`,
    `<td>${signalsCell(c)}</td>`,
    `<td class="place">${place}</td>`,
    '</tr>',
  ].join('');
}

/** The week's ranked candidates; with an edition, its entries above them and the forms that change them. */
export function candidatesPage(d: CandidatesPageData): string {
  const { ranking, edition } = d;
  const base = edition ? `/desk/editions/${edition.startDate}` : null;
  const editable = Boolean(edition) && !d.publishedOn.length;
  const at = new Map(d.entries.map((e) => [e.paperKey, e.position]));
  const shown = d.all ? d.candidates : d.candidates.slice(0, d.cap);
  const self = base ? `${base}/candidates` : `/desk/candidates?week=${encodeURIComponent(ranking.week.from)}`;
  const more =
    d.candidates.length > shown.length
      ? `<p>Showing the first ${shown.length} of ${d.candidates.length} candidates. <a href="${escapeHtml(`${self}${self.includes('?') ? '&' : '?'}all=1`)}">Show all ${d.candidates.length}</a></p>`
      : '';
  const model = ranking.model
    ? `<p class="provenance">Ranked with model #${ranking.model.id}, trained ${when(ranking.model.trainedAt)} on ${ranking.model.editions} editions (${ranking.model.positives} picked, ${ranking.model.negatives} passed-over papers).</p>`
    : `<p class="provenance note">${renderPlain(ranking.note ?? 'no ranking model')}</p>`;
  const table = d.candidates.length
    ? `<div class="table-scroll"><table class="candidates"><thead><tr><th>rank</th><th>paper and why</th><th>sources</th><th>day</th><th>counts</th><th>topics</th><th>score</th><th>signals (contribution)</th><th>edition</th></tr></thead><tbody>\n${shown.map((c) => candidateRow(c, d, base, editable, at)).join('\n')}\n</tbody></table></div>`
    : `<p>No candidates are stored for ${renderPlain(ranking.week.from)} – ${renderPlain(ranking.week.to)}: run <code>paperboy candidates fetch --from ${renderPlain(ranking.week.from)} --to ${renderPlain(ranking.week.to)}</code> (or <code>candidates import</code>).</p>`;
  const create =
    !edition && d.candidates.length
      ? postForm('/desk/candidates/new', d.viewer, { week: ranking.week.from }, 'Create the edition', {
          extra: `<label>Create the edition from the top <input class="pos" type="number" name="top" min="1" max="50" value="${Math.min(10, d.candidates.length)}" required> candidates</label> `,
        })
      : '';
  const head = edition
    ? [
        `<p><a href="${escapeHtml(base!)}">${renderPlain(edition.title)}</a> · ${renderPlain(edition.startDate)} – ${renderPlain(edition.endDate)} · status ${renderPlain(edition.status)}</p>`,
        d.publishedOn.length ? `<p class="flash bad" role="note">Published (${d.publishedOn.map((ch) => renderPlain(ch)).join(', ')}): its entries can no longer be added, moved or removed.</p>` : '',
      ]
    : [`<p>${renderPlain(ranking.week.from)} – ${renderPlain(ranking.week.to)} · no edition yet</p>`];
  return deskPage({
    title: `Candidates ${ranking.week.from}`,
    viewer: d.viewer,
    body: [
      '<h1>Candidates for the week</h1>',
      ...head,
      d.flash ? `<p class="flash${d.flash.bad ? ' bad' : ''}" role="status">${renderPlain(d.flash.text)}</p>` : '',
      edition ? `<section id="entries"><h2>Entries (${d.entries.length})</h2>\n${entriesBlock(d, base!, editable)}</section>` : '',
      `<section id="candidates"><h2>Ranked candidates (${d.candidates.length})</h2>`,
      model,
      create,
      table,
      more,
      '</section>',
    ]
      .filter(Boolean)
      .join('\n'),
  });
}
