// The public web archive: thin routes (parse → read → render) over published editions, and feeds.
// Every untrusted string reaches HTML through src/channels/render (the one sanitising renderer).
import { Feed } from 'feed';
import { Hono, type Context } from 'hono';
import { renderEditionArticle } from '../channels/render/render.js';
import { escapeHtml, renderPlain } from '../channels/render/sanitize.js';
import type { EditionView } from '../domain/edition-view.js';
import { editionTitle, getBundle } from '../i18n/bundle.js';
import { assembleEditionView } from '../pipeline/assemble.js';
import { publishedEditions } from '../pipeline/reader.js';
import { MAX_QUERY_CHARS, queryTerms, searchArchive } from '../pipeline/search.js';
import { FEED_KINDS, page, SECURITY_HEADERS, SITE_STYLE } from './layout.js';
import { readerActions } from './public/actions.js';
import { ISO, LANG, type PublicContext } from './public/common.js';
import { mountCorrections } from './public/corrections.js';
import { mountLikes } from './public/likes.js';
import { mountPapers } from './public/papers.js';
import { pageCache } from './page-cache.js';
import { snippet } from './snippet.js';
import { mountDesk } from './desk/routes.js';
import { mountEmail } from './public/email.js';
import { randomBytes } from 'node:crypto';
import type { Forum, Store } from '../ports.js';
import type { DiscourseSettings } from '../pipeline/discourse.js';
import { DEFAULT_TOPICS, type Topic } from '../domain/topics.js';
import { chartFigure, mountTrends, siteFacts } from './public/trends.js';

export interface WebDeps {
  store: Store;
  /** absolute links in feeds, e.g. https://digest.example.org */
  baseUrl: string;
  /** the target language shown when a page does not ask for one */
  defaultLang: string;
  /** where unexpected errors are reported (never to the visitor) */
  logError?: (e: unknown) => void;
  /** the clock for likes, corrections, sessions (tests move it) */
  now?: () => Date;
  /** whole public pages kept in memory until the store's site version moves (default on) */
  pageCache?: boolean;
  /** believe X-Forwarded-For for the client's address (only behind a proxy you run) */
  trustProxy?: boolean;
  /** shared secret of the bounce and complaint webhook (POST /email/events); off when unset */
  mailWebhookSecret?: string | undefined;
  /** the subscribe form's answer never comes sooner than this (default 150 ms) */
  subscribeMinAnswerMs?: number;
  /** abuse and webhook events, one line each */
  log?: (line: string) => void;
  /** the topic taxonomy of the charts (default: the built-in one) */
  topics?: readonly Topic[];
  /** the Discourse forum, when one is configured: the desk's publish form offers it */
  forum?: () => { forum: Forum; settings: DiscourseSettings };
}

export function createWebApp(deps: WebDeps): Hono {
  const app = new Hono();
  const { store } = deps;

  const https = deps.baseUrl.startsWith('https:');
  // outermost, so a hit skips everything below; stored answers already carry the headers below
  if (deps.pageCache !== false) app.use('*', pageCache({ version: () => store.siteVersion() }));
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    // HSTS only where the site is served over https; on http it would be ignored or lock a dev out
    if (https) c.res.headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });

  const published = () => publishedEditions(store);
  const topics = deps.topics ?? DEFAULT_TOPICS;

  const notFound = (c: Context) => c.html(page({ lang: 'en', title: 'Not found', body: '<h1>Not found</h1><p><a href="/">All editions</a></p>', feedsLang: deps.defaultLang }), 404);

  /** An edition's article with provenance badges, like buttons and correction links. */
  async function readerArticle(view: EditionView, liked: string | undefined, editionId: number) {
    const ids = view.entries.flatMap((e) => (e.entryId === undefined ? [] : [e.entryId]));
    const likes = await store.likeCounts(ids);
    const likedId = Number(liked);
    const chart = await chartFigure(await siteFacts(store, editionId, topics, ctx.now), topics, view.lang, view.startDate);
    return renderEditionArticle(view, {
      ...readerActions({ lang: view.lang, likes, liked: Number.isSafeInteger(likedId) && ids.includes(likedId) ? likedId : null, from: 'edition', editionOf: () => view.startDate, paperLink: true }),
      afterOverview: chart,
    });
  }

  const ctx: PublicContext = { store, baseUrl: deps.baseUrl, defaultLang: deps.defaultLang, now: deps.now ?? (() => new Date()), trustProxy: deps.trustProxy ?? false, notFound };

  app.get('/static/site.css', (c) => c.body(SITE_STYLE, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

  app.get('/', async (c) => {
    const list = await published();
    const lang = deps.defaultLang;
    const bundle = getBundle(lang);
    const items = list.map(({ edition, langs }) => {
      const l = langs.includes(lang) ? lang : langs[0]!;
      return `<li><a href="/editions/${edition.startDate}?lang=${escapeHtml(l)}">${renderPlain(editionTitle(getBundle(l), edition.startDate, edition.endDate))}</a></li>`;
    });
    let latest = '';
    if (list[0]) {
      const l = list[0].langs.includes(lang) ? lang : list[0].langs[0]!;
      latest = (await readerArticle(assembleEditionView(await store.getEditionBundle(list[0].edition.id), l, { forReaders: true }), undefined, list[0].edition.id)).html;
    }
    const body = list.length ? `${latest}\n<h2>${renderPlain(bundle.name)} · ${list.length}</h2>\n<ul class="editions">\n${items.join('\n')}\n</ul>` : '<h1>paperboy</h1><p>No edition has been published yet.</p>';
    return c.html(page({ lang, title: 'paperboy', body, feedsLang: lang }));
  });

  app.get('/editions/:date', async (c) => {
    const date = c.req.param('date');
    if (!ISO.test(date)) return notFound(c);
    const [edition] = await store.findEditionsCovering(date);
    const list = edition ? (await published()).find((p) => p.edition.id === edition.id) : undefined;
    // unknown and unpublished editions get the same answer
    if (!edition || !list) return notFound(c);
    const url = new URL(c.req.url);
    if (edition.startDate !== date) return c.redirect(`/editions/${edition.startDate}${url.search}`, 301);
    const asked = c.req.query('lang');
    const lang = asked && LANG.test(asked) && (asked === 'en' || list.langs.includes(asked)) ? asked : list.langs.includes(deps.defaultLang) ? deps.defaultLang : list.langs[0]!;
    const show = c.req.query('show') === 'target' ? 'target' : 'both';
    const view = assembleEditionView(await store.getEditionBundle(edition.id), lang, { forReaders: true });
    const article = await readerArticle(view, c.req.query('liked'), edition.id);
    const toggle = [...new Set([...list.langs, 'en'])]
      .map((l) => `<a href="/editions/${edition.startDate}?lang=${escapeHtml(l)}"${l === lang && show === 'both' ? ' aria-current="page"' : ''}>${renderPlain(getBundle(l).name)}</a>`)
      .concat(lang === 'en' ? [] : [`<a href="/editions/${edition.startDate}?lang=${escapeHtml(lang)}&amp;show=target"${show === 'target' ? ' aria-current="page"' : ''}>${renderPlain(getBundle(lang).name)} only</a>`]);
    const body = `<nav class="lang" aria-label="language">${toggle.join(' · ')}</nav>\n${article.html}`;
    return c.html(page({ lang: article.lang, title: article.title, body, feedsLang: lang === 'en' ? deps.defaultLang : lang, bodyClass: show === 'target' ? 'show-target' : undefined }));
  });

  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, MAX_QUERY_CHARS);
    const terms = queryTerms(q);
    const hits = terms.length ? await searchArchive(store, q) : [];
    const items = hits.map((h) => {
      const anchor = h.position === null ? '' : `#entry-${h.position}`;
      const where = `${h.edition.startDate} · ${h.position === null ? 'overview' : `${h.position}. ${h.field}`} · ${h.lang}`;
      return `<li><a href="/editions/${h.edition.startDate}?lang=${escapeHtml(h.lang)}${anchor}">${renderPlain(where)}</a><p lang="${escapeHtml(h.lang)}">${snippet(h.body, terms)}</p></li>`;
    });
    const body = terms.length
      ? `<h1>${renderPlain(`"${q}"`)}: ${hits.length}</h1>\n${hits.length ? `<ol class="hits">\n${items.join('\n')}\n</ol>` : '<p>Nothing found.</p>'}`
      : '<h1>Search</h1><p>Search titles, intros and abstracts in every language.</p>';
    return c.html(page({ lang: deps.defaultLang, title: q ? `Search: ${q}` : 'Search', body, feedsLang: deps.defaultLang, query: q }));
  });

  app.get('/feeds/:lang/:file', async (c) => {
    const lang = c.req.param('lang');
    const file = c.req.param('file') as keyof typeof FEED_KINDS;
    if (!LANG.test(lang) || !(file in FEED_KINDS)) return notFound(c);
    const base = deps.baseUrl.replace(/\/$/, '');
    const bundle = getBundle(lang);
    const feed = new Feed({
      title: `paperboy (${bundle.name})`,
      description: editionTitle(bundle, '2000-01-01', '2000-01-07').replace(/\[.*?\]\s*/, ''),
      id: `${base}/feeds/${lang}/`,
      link: `${base}/`,
      language: lang,
      copyright: '',
      feedLinks: { rss: `${base}/feeds/${lang}/rss.xml`, atom: `${base}/feeds/${lang}/atom.xml`, json: `${base}/feeds/${lang}/feed.json` },
      updated: new Date(0),
    });
    let newest = 0;
    // an edition is in the feeds once it is published on the feeds channel (its page is on the web)
    for (const p of (await publishedEditions(store, 'feeds')).filter((x) => lang === 'en' || x.langs.includes(lang)).slice(0, 50)) {
      const view = assembleEditionView(await store.getEditionBundle(p.edition.id), lang);
      const link = `${base}/editions/${p.edition.startDate}?lang=${lang}`;
      const article = renderEditionArticle(view, { entryUrl: (n) => `${link}#entry-${n}` });
      const date = new Date(p.at);
      newest = Math.max(newest, date.getTime());
      feed.addItem({ title: article.title, id: link, link, date, content: article.html });
    }
    feed.options.updated = new Date(newest);
    const body = file === 'rss.xml' ? feed.rss2() : file === 'atom.xml' ? feed.atom1() : feed.json1();
    return c.body(body, 200, { 'content-type': `${FEED_KINDS[file]}; charset=utf-8` });
  });

  mountTrends(app, { ...ctx, topics });
  mountPapers(app, ctx);
  mountLikes(app, ctx);
  mountCorrections(app, ctx);
  mountEmail(app, { ...ctx, newToken: () => randomBytes(32).toString('base64url'), webhookSecret: deps.mailWebhookSecret, log: deps.log, minAnswerMs: deps.subscribeMinAnswerMs });
  mountDesk(app, deps);
  app.notFound(notFound);
  app.onError((e, c) => {
    deps.logError?.(e);
    return c.html(page({ lang: 'en', title: 'Error', body: '<h1>Something went wrong</h1><p>The error was logged; please try again later.</p>', feedsLang: deps.defaultLang }), 500);
  });
  return app;
}
