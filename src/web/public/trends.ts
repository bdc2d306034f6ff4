// The charts of the public site: an edition's topics against the four weeks before (SVG for the
// page, PNG for e-mail), and the trends page over the whole published archive. Reads only: papers
// the rules have not tagged yet are tagged in memory, never stored from a page view.
import type { Context, Hono } from 'hono';
import { escapeHtml, renderPlain } from '../../channels/render/sanitize.js';
import type { EditionFacts } from '../../domain/facts.js';
import { topicName, type Topic } from '../../domain/topics.js';
import { fill, getBundle, type Bundle } from '../../i18n/bundle.js';
import { publishedEditions } from '../../pipeline/reader.js';
import { loadEditionFacts, loadTrends } from '../../pipeline/topics.js';
import type { Store } from '../../ports.js';
import { page } from '../layout.js';
import { editionPath, ISO, LANG, type PublicContext } from './common.js';

// vega and resvg load on the first chart, not with every command that imports the web app
const charts = () => import('../../channels/chart/chart.js');

const weekLabels = (b: Bundle) => ({ title: b.chart.weekTitle, thisWeek: b.chart.thisWeek, average: b.chart.average, papers: b.chart.papers });
const trendLabels = (b: Bundle) => ({ title: b.chart.trendsTitle, week: b.chart.week, topic: b.chart.topic, papers: b.chart.papers });

/** The facts of an edition as the site shows them (nothing stored). */
export async function siteFacts(store: Store, editionId: number, topics: readonly Topic[], now: () => Date): Promise<EditionFacts> {
  return (await loadEditionFacts(store, editionId, { topics, now, write: false })).facts;
}

/** The chart of an edition in its page: an <img> of the SVG with the text alternative, or '' when no paper has a topic. */
export async function chartFigure(facts: EditionFacts, topics: readonly Topic[], lang: string, startDate: string): Promise<string> {
  if (!facts.topics.length) return '';
  const b = getBundle(lang);
  const { weekChartAlt } = await charts();
  const alt = weekChartAlt(facts, topics, lang, weekLabels(b));
  const src = `/editions/${startDate}/chart.svg?lang=${encodeURIComponent(lang)}`;
  return [
    '<figure class="chart">',
    `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}" width="560">`,
    `<figcaption>${renderPlain(b.chart.weekTitle)} · <a href="/trends?lang=${escapeHtml(lang)}">${renderPlain(b.chart.trendsLink)}</a></figcaption>`,
    '</figure>',
  ].join('\n');
}

export function mountTrends(app: Hono, ctx: PublicContext & { topics: readonly Topic[] }): void {
  const { store, topics } = ctx;

  /** A published edition starting on `date`, or null (unknown and unpublished look the same). */
  async function publishedAt(date: string) {
    if (!ISO.test(date)) return null;
    return (await publishedEditions(store)).find((p) => p.edition.startDate === date) ?? null;
  }
  const langOf = (c: Context) => {
    const l = c.req.query('lang');
    return l && LANG.test(l) ? l : ctx.defaultLang;
  };

  app.get('/editions/:date/chart.svg', async (c) => {
    const p = await publishedAt(c.req.param('date'));
    if (!p) return ctx.notFound(c);
    const lang = langOf(c);
    const { weekChartSvg } = await charts();
    const svg = await weekChartSvg(await siteFacts(store, p.edition.id, topics, ctx.now), topics, lang, weekLabels(getBundle(lang)));
    return c.body(svg, 200, { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'public, max-age=300' });
  });

  // e-mail clients drop SVG: the same chart as a PNG, drawn with the bundled Hangul font
  app.get('/editions/:date/chart.png', async (c) => {
    const p = await publishedAt(c.req.param('date'));
    if (!p) return ctx.notFound(c);
    const lang = langOf(c);
    const { weekChartSvg, renderPng } = await charts();
    const svg = await weekChartSvg(await siteFacts(store, p.edition.id, topics, ctx.now), topics, lang, weekLabels(getBundle(lang)));
    const png = await renderPng(svg);
    return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=300' });
  });

  async function archive() {
    const published = await publishedEditions(store);
    const ids = new Set(published.map((p) => p.edition.id));
    const { weeks } = await loadTrends(store, {}, { topics, now: ctx.now, write: false });
    return weeks.filter((w) => ids.has(w.editionId));
  }

  app.get('/trends.svg', async (c) => {
    const lang = langOf(c);
    const weeks = await archive();
    const { trendsChartSvg } = await charts();
    const svg = await trendsChartSvg(weeks, topics, lang, trendLabels(getBundle(lang)));
    return c.body(svg, 200, { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'public, max-age=300' });
  });

  app.get('/trends', async (c) => {
    const lang = langOf(c);
    const b = getBundle(lang);
    const weeks = await archive();
    const title = b.chart.trendsTitle;
    if (!weeks.length) return c.html(page({ lang, title, body: `<h1>${renderPlain(title)}</h1><p>${renderPlain(b.chart.empty)}</p>`, feedsLang: lang }));
    const { trendsChartAlt } = await charts();
    const alt = trendsChartAlt(weeks, topics, lang, trendLabels(b));
    const recent = weeks.slice(-4);
    const head = `<tr><th scope="col">${renderPlain(b.chart.topic)}</th><th scope="col">${renderPlain(b.chart.total)}</th>${recent.map((w) => `<th scope="col"><a href="${escapeHtml(editionPath(w.startDate, lang))}">${renderPlain(w.startDate)}</a></th>`).join('')}</tr>`;
    const rows = topics
      .map((t) => ({ t, total: weeks.reduce((a, w) => a + (w.counts[t.slug] ?? 0), 0) }))
      .filter((r) => r.total > 0)
      .map(({ t, total }) => `<tr><th scope="row">${renderPlain(topicName(t, lang))}</th><td>${total}</td>${recent.map((w) => `<td>${w.counts[t.slug] ?? 0}</td>`).join('')}</tr>`);
    const papers = weeks.reduce((a, w) => a + w.papers, 0);
    const body = [
      `<h1>${renderPlain(title)}</h1>`,
      `<p>${renderPlain(fill(b.chart.trendsIntro, { editions: String(weeks.length), papers: String(papers), from: weeks[0]!.startDate, to: weeks[weeks.length - 1]!.startDate }))}</p>`,
      `<figure class="chart"><img src="/trends.svg?lang=${escapeHtml(lang)}" alt="${escapeHtml(alt)}"></figure>`,
      `<div class="table-scroll">\n<table class="trends">\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>\n</div>`,
    ].join('\n');
    return c.html(page({ lang, title, body, feedsLang: lang }));
  });
}
