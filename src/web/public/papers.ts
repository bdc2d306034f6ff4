// The paper page (/papers/arxiv/<id>, /papers/url/<base64url>): a paper's texts in the target
// language and English with their provenance, its metadata, links and likes, and every published
// edition it appeared in. A paper in no published edition gets the one 404, like an unknown one.
import type { Context, Hono } from 'hono';
import { renderPaperArticle } from '../../channels/render/render.js';
import { escapeHtml, renderPlain } from '../../channels/render/sanitize.js';
import type { ShownText } from '../../domain/edition-view.js';
import { getBundle } from '../../i18n/bundle.js';
import { assemblePaperView } from '../../pipeline/assemble.js';
import { paperAppearances } from '../../pipeline/reader.js';
import type { TextVersion } from '../../ports.js';
import { page } from '../layout.js';
import { historyKey, readerActions } from './actions.js';
import { LANG, paperPath, type PublicContext } from './common.js';

const BASE64URL = /^[A-Za-z0-9_-]{1,4000}$/;

export function mountPapers(app: Hono, ctx: PublicContext): void {
  app.get('/papers/arxiv/:id{.+}', (c) => paperPage(c, ctx, `arxiv:${c.req.param('id')}`));
  app.get('/papers/url/:encoded', (c) => {
    const encoded = c.req.param('encoded');
    if (!BASE64URL.test(encoded)) return ctx.notFound(c);
    return paperPage(c, ctx, `url:${Buffer.from(encoded, 'base64url').toString('utf8')}`);
  });
}

async function paperPage(c: Context, ctx: PublicContext, key: string): Promise<Response> {
  const found = await paperAppearances(ctx.store, key);
  if (!found) return ctx.notFound(c);
  const published = found.appearances.map((a) => a.published);
  const langs = [...new Set(published.flatMap((p) => p.langs))];
  const asked = c.req.query('lang');
  const lang = asked && LANG.test(asked) && (asked === 'en' || langs.includes(asked)) ? asked : langs.includes(ctx.defaultLang) ? ctx.defaultLang : (langs[0] ?? 'en');
  const view = assemblePaperView(found.paper, found.appearances.map((a) => ({ bundle: a.bundle, entryId: a.entry.id })), lang);
  const entryIds = found.appearances.map((a) => a.entry.id);
  const likes = await ctx.store.likeCounts(entryIds);

  // the texts shown in the target language that editors or readers changed: their earlier wordings
  const shown: ShownText[] = [];
  const newest = view.appearances[0]?.entry;
  for (const t of [newest?.title, newest?.abstract, newest?.keyMessages, ...view.appearances.map((a) => a.entry.intro)]) if (t?.ref && !t.fallback && t.lang !== 'en') shown.push(t);
  const history = new Map<string, TextVersion[]>();
  for (const t of shown.filter((x) => x.edited || x.correctedAt)) {
    const ref = { ownerKind: t.ref!.ownerKind, ownerId: t.ref!.ownerId, field: t.ref!.field, lang: t.lang };
    history.set(historyKey(ref), await ctx.store.getTextHistory(ref));
  }

  // a text is corrected in an edition published in its language: its own (intros) or the newest (paper texts)
  const editionOf = (t: ShownText): string | null => {
    const inLang = found.appearances.filter((a) => a.published.langs.includes(t.lang));
    const a = t.ref?.ownerKind === 'entry' ? inLang.find((x) => String(x.entry.id) === t.ref!.ownerId) : inLang[0];
    return a ? a.published.edition.startDate : null;
  };
  const liked = Number(c.req.query('liked'));
  const article = renderPaperArticle(view, {
    ...readerActions({ lang, likes, liked: Number.isSafeInteger(liked) && entryIds.includes(liked) ? liked : null, from: 'paper', editionOf, paperLink: false, history }),
    editionUrl: (d) => `/editions/${d}?lang=${encodeURIComponent(lang)}`,
  });
  const toggle = [...new Set([...langs, 'en'])].map(
    (l) => `<a href="${escapeHtml(`${paperPath(key)}?lang=${encodeURIComponent(l)}`)}"${l === lang ? ' aria-current="page"' : ''}>${renderPlain(getBundle(l).name)}</a>`,
  );
  const body = `<nav class="lang" aria-label="language">${toggle.join(' · ')}</nav>\n${article.html}`;
  return c.html(page({ lang: article.lang, title: article.title, body, feedsLang: lang === 'en' ? ctx.defaultLang : lang }));
}
