// The topic charts: this week's papers per topic next to the four-week average (web page and
// e-mail), and a topic × week heatmap over the whole archive (the site's trends page).
//
// I/O: none of its own. Specs and alt texts are pure functions of the facts; the SVG is rendered
// headless by Vega (renderer 'none', text widths estimated, no canvas or DOM); the PNG is
// rasterised by resvg with the NanumGothic TTFs shipped in `@kfonts/nanum-gothic`. The only file
// access is that font: its paths are resolved once per process and resvg's native side reads
// the TTFs for each PNG (the machine has no Korean system font, and system fonts are never
// loaded, so a PNG looks the same on every host).
//
// Every word drawn comes from the caller (labels from its i18n bundle, topic names from the
// taxonomy); this module never hard-codes UI words. Same input → byte-identical SVG: Vega's
// clip and gradient id counters are reset before each render and no ids are random.
//
// Measured (Node 20, 2 busy cores, week chart of 12 topics): importing vega + vega-lite ~0.65 s
// once; SVG ~140 ms cold, 45–70 ms warm, 15.6 KB; PNG at scale 2 100–165 ms, 47 KB (scale 1:
// ~65 ms, 20 KB), most of it resvg loading the two 4.6 MB TTFs. Trends of 200 weeks × 15
// topics: 65–135 ms, 170 KB SVG.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { EditionFacts, TopicFact } from '../../domain/facts.js';
import { topicName, type Topic } from '../../domain/topics.js';

/** Words of the week chart, from the caller's i18n bundle. */
export interface WeekChartLabels {
  title: string;
  /** legend entry of this week's bar */
  thisWeek: string;
  /** legend entry of the average bar, and the word before the average in the alt text */
  average: string;
  /** the count axis' title */
  papers: string;
}

/** Words of the trends heatmap, from the caller's i18n bundle. */
export interface TrendsChartLabels {
  title: string;
  /** the week axis' title */
  week: string;
  /** the topic axis' title */
  topic: string;
  /** the colour legend's title */
  papers: string;
}

/** One edition in the archive as the trends chart sees it. */
export interface TrendsWeek {
  /** Monday, YYYY-MM-DD */
  startDate: string;
  papers: number;
  /** papers per topic slug */
  counts: Record<string, number>;
}

export interface TrendsChartOptions {
  /** about the total width of the SVG in px (default 720); cells are whole pixels, 3–24 px wide, so the result may differ */
  width?: number;
}

/** Font stack written into every spec; the first family is the one renderPng bundles. */
export const CHART_FONT = "NanumGothic, 'Noto Sans KR', sans-serif";

/** Total width of the week chart in px (axis labels, legend and padding included). */
export const WEEK_CHART_WIDTH = 560;

const BAR_STEP = 30; // px per topic band (two bars of ~12 px and a gap)
const CELL_HEIGHT = 18; // px per topic row of the heatmap
const COLOR_THIS_WEEK = '#2f6db5';
const COLOR_AVERAGE = '#b4c3d6';
const TEXT_COLOR = '#333333';

const config = {
  font: CHART_FONT,
  // Vega's default ARIA labels are English sentences ("X-axis titled …"); the chart's accessible
  // name is the caller's alt text instead, set on the root <svg role="img"> by renderSvg (whose
  // children are then presentational, so Vega's own "Title text '…'" label is not read either).
  aria: false,
  background: '#ffffff',
  view: { stroke: null },
  title: { fontSize: 15, anchor: 'start', color: TEXT_COLOR, offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: TEXT_COLOR, titleColor: TEXT_COLOR, titleFontWeight: 'normal' },
  legend: { labelFontSize: 12, titleFontSize: 12, labelColor: TEXT_COLOR, titleColor: TEXT_COLOR, titleFontWeight: 'normal' },
} as const;

/** The topic's shown name: the taxonomy's name in `lang`, else the English name the facts carry. */
function shownName(slug: string, fallback: string, topics: readonly Topic[], lang: string): string {
  const t = topics.find((x) => x.slug === slug);
  return t ? topicName(t, lang) : fallback;
}

/** Two topics may share a shown name after localisation; the chart's band scale needs them distinct. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n} (${k})`;
  });
}

// Vega lays out text with an estimate of its width (no canvas here): 0.8 em per character, too
// wide for Latin and too narrow for Hangul, so Korean axis labels ran into the axis title. This
// estimate follows NanumGothic's advances (measured with resvg: Hangul ≈ 0.94 em, capitals and
// digits ≈ 0.6 em, lower case ≈ 0.5 em), a little generous so labels never touch. Vega documents
// replacing `textMetrics.width` for exactly this (vl-convert does the same); it is process-wide,
// and this module is the only user of Vega.
const WIDE = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;
function emWidth(ch: string): number {
  if (WIDE.test(ch)) return 0.96;
  if (/[A-Z0-9]/.test(ch)) return 0.64;
  if (/[a-z]/.test(ch)) return 0.54;
  if (/[\s.,:;'"!|/()[\]-]/.test(ch)) return 0.38;
  return 0.64;
}
/** The width in px Vega lays a text out with (NanumGothic-like advances, see above). */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += emWidth(ch);
  return Math.ceil(em * fontSize * (bold ? 1.05 : 1));
}
interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
const chartTextWidth = (item: TextItem, text?: unknown): number => {
  const t = text === undefined ? item.text : text;
  return estimateTextWidth(Array.isArray(t) ? t.join(' ') : String(t ?? ''), item.fontSize ?? 11, item.fontWeight === 'bold' || Number(item.fontWeight) >= 600);
};

/** A number as the chart and alt text write it: whole numbers bare, else one decimal. */
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

// ---------------------------------------------------------------------------------------------
// The week chart

/**
 * A horizontal grouped bar chart: per topic of `facts.topics` (taxonomy order), this week's count
 * and, when there are earlier editions, the four-week average, each bar labelled with its value.
 * Without topics the chart has its title, legend and an empty axis (height of one band); callers
 * may prefer to show no chart then (`facts.topics.length === 0`).
 */
export function weekChartSpec(facts: EditionFacts, topics: readonly Topic[], lang: string, labels: WeekChartLabels): TopLevelSpec {
  const names = uniqueNames(facts.topics.map((t) => shownName(t.slug, t.name, topics, lang)));
  const rows: Array<{ topic: string; series: string; value: number; text: string }> = [];
  facts.topics.forEach((t, i) => {
    const topic = names[i]!;
    rows.push({ topic, series: labels.thisWeek, value: t.count, text: num(t.count) });
    if (t.average !== null) rows.push({ topic, series: labels.average, value: t.average, text: num(t.average) });
  });
  const seriesDomain = [labels.thisWeek, labels.average];
  const max = Math.max(1, ...rows.map((r) => r.value));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: labels.title,
    width: WEEK_CHART_WIDTH,
    height: Math.max(1, names.length) * BAR_STEP,
    // The plot shrinks so that the whole SVG (labels, legend, padding) is exactly WEEK_CHART_WIDTH.
    autosize: { type: 'fit-x', contains: 'padding' },
    padding: 8,
    description: [labels.title, weekChartAlt(facts, topics, lang, labels)].filter(Boolean).join('\n'),
    data: { values: rows },
    encoding: {
      y: { field: 'topic', type: 'nominal', sort: names, title: null, axis: { labelLimit: 160, ticks: false, domain: false, labelPadding: 6 } },
      yOffset: { field: 'series', type: 'nominal', sort: seriesDomain, scale: { domain: seriesDomain, paddingInner: 0.1 } },
      x: {
        field: 'value',
        type: 'quantitative',
        title: labels.papers,
        // headroom for the value labels at the bar ends
        scale: { domain: [0, Math.ceil(max * 1.12)], nice: false },
        axis: { tickMinStep: 1, format: 'd', labelFlush: true, grid: true, gridColor: '#e6e6e6', domain: false, tickCount: Math.min(8, Math.ceil(max * 1.12)) },
      },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: seriesDomain, range: [COLOR_THIS_WEEK, COLOR_AVERAGE] },
        legend: { title: null, orient: 'top', direction: 'horizontal', symbolType: 'square' },
      },
    },
    layer: [
      { mark: { type: 'bar', height: { band: 1 } } },
      { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 11, color: TEXT_COLOR }, encoding: { text: { field: 'text', type: 'nominal' }, color: { value: TEXT_COLOR } } },
    ],
    config,
  } satisfies TopLevelSpec;
}

/** One line per topic, "name: count (average x)", the part in brackets only with earlier editions. Empty without topics. */
export function weekChartAlt(facts: EditionFacts, topics: readonly Topic[], lang: string, labels: WeekChartLabels): string {
  const names = facts.topics.map((t: TopicFact) => shownName(t.slug, t.name, topics, lang));
  return facts.topics
    .map((t, i) => `${names[i]}: ${num(t.count)}${t.average === null ? '' : ` (${labels.average} ${num(t.average)})`}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// The trends heatmap

/** Slugs with papers anywhere in the series: the taxonomy's in its order, then unknown ones by slug. */
function trendsTopics(series: readonly TrendsWeek[], topics: readonly Topic[], lang: string): Array<{ slug: string; name: string }> {
  const present = new Set<string>();
  for (const w of series) for (const [slug, n] of Object.entries(w.counts)) if (n > 0) present.add(slug);
  const known = topics.filter((t) => present.has(t.slug)).map((t) => ({ slug: t.slug, name: topicName(t, lang) }));
  const unknown = [...present].filter((s) => !topics.some((t) => t.slug === s)).sort().map((slug) => ({ slug, name: slug }));
  const all = [...known, ...unknown];
  const names = uniqueNames(all.map((t) => t.name));
  return all.map((t, i) => ({ slug: t.slug, name: names[i]! }));
}

/**
 * A heatmap over the archive: x = week (oldest left), y = topic (taxonomy order), colour = papers
 * with the topic that week. Every (week, topic) cell is drawn, zero included, so gaps read as
 * weeks without the topic. Topics with no paper in the whole series are left out.
 */
export function trendsChartSpec(
  series: readonly TrendsWeek[],
  topics: readonly Topic[],
  lang: string,
  labels: TrendsChartLabels,
  options: TrendsChartOptions = {},
): TopLevelSpec {
  const width = options.width ?? 720;
  const rowsOf = trendsTopics(series, topics, lang);
  const weeks = [...new Set(series.map((w) => w.startDate))].sort();
  const rows: Array<{ week: string; topic: string; papers: number }> = [];
  for (const w of series) for (const t of rowsOf) rows.push({ week: w.startDate, topic: t.name, papers: w.counts[t.slug] ?? 0 });
  // About one tick label per 90 px; always the first week.
  const every = Math.max(1, Math.ceil(weeks.length / Math.max(1, Math.floor((width - 200) / 90))));
  const tickWeeks = weeks.filter((_, i) => i % every === 0);
  const max = Math.max(1, ...rows.map((r) => r.papers));
  // Whole-pixel cells keep the SVG small (~50 bytes a cell) and crisp: step × weeks ≈ width.
  const step = Math.min(24, Math.max(3, Math.floor((width - 200) / Math.max(1, weeks.length))));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: labels.title,
    description: trendsChartAlt(series, topics, lang, labels) || labels.title,
    width: { step },
    height: Math.max(1, rowsOf.length) * CELL_HEIGHT,
    padding: 8,
    data: { values: rows },
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'week',
        type: 'ordinal',
        sort: weeks,
        title: labels.week,
        scale: { paddingInner: 0, paddingOuter: 0 },
        axis: { values: tickWeeks, labelAngle: 0, labelOverlap: true, ticks: true, domain: false },
      },
      y: { field: 'topic', type: 'nominal', sort: rowsOf.map((t) => t.name), title: labels.topic, axis: { ticks: false, domain: false, labelLimit: 160 } },
      color: {
        field: 'papers',
        type: 'quantitative',
        title: labels.papers,
        scale: { range: ['#f3f6fa', '#08306b'], interpolate: 'hcl', domain: [0, max], nice: false },
        legend: { orient: 'right', gradientLength: Math.max(60, Math.min(160, rowsOf.length * CELL_HEIGHT)), format: 'd', tickMinStep: 1 },
      },
    },
    config,
  } satisfies TopLevelSpec;
}

/**
 * A short text summary: the weeks covered, then per topic (as in the chart) its total papers and
 * its busiest week (the earliest on a tie), as "name: total (YYYY-MM-DD: n)". Empty without weeks.
 */
export function trendsChartAlt(series: readonly TrendsWeek[], topics: readonly Topic[], lang: string, labels: TrendsChartLabels): string {
  if (!series.length) return '';
  const weeks = series.map((w) => w.startDate).sort();
  const lines = [`${labels.title}: ${weeks[0]} – ${weeks[weeks.length - 1]}`];
  for (const t of trendsTopics(series, topics, lang)) {
    let total = 0;
    let best: TrendsWeek | undefined;
    for (const w of series) {
      const n = w.counts[t.slug] ?? 0;
      total += n;
      const bestN = best ? (best.counts[t.slug] ?? 0) : -1;
      if (n > bestN || (n === bestN && best && w.startDate < best.startDate)) best = w;
    }
    lines.push(`${t.name}: ${total} (${best!.startDate}: ${best!.counts[t.slug] ?? 0})`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Rendering

const xmlAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');

/**
 * A Vega-Lite spec as a standalone SVG document: one `<svg xmlns="http://www.w3.org/2000/svg" …>`
 * element, no XML prolog, no scripts, fixed `width`/`height` attributes and a viewBox. The spec's
 * `description` (the alt text) becomes the root's `role="img" aria-label`; the marks and guides
 * inside are aria-hidden. Its few ids (a legend gradient) carry a prefix hashed from the chart, so
 * several charts can be inlined in one page.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  let svg: string;
  try {
    metrics.width = chartTextWidth;
    // Vega numbers clip paths and gradients with process-wide counters; reset them so the same
    // spec gives the same bytes however many charts were rendered before.
    vega.resetSVGDefIds();
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  // The ids Vega writes (gradient_0, clip1) would clash between two charts inlined in one page;
  // prefix them with a hash of the chart, so they stay deterministic and differ between charts.
  const prefix = `pb${createHash('sha256').update(svg).digest('hex').slice(0, 8)}-`;
  svg = svg.replace(/(id="|url\(#)(gradient_\d+|clip\d+)\b/g, `$1${prefix}$2`);
  const label = spec.description ?? (typeof spec.title === 'string' ? spec.title : '');
  return label ? svg.replace(/^<svg /, `<svg role="img" aria-label="${xmlAttr(label)}" `) : svg;
}

let fontPaths: string[] | undefined;

/** The bundled NanumGothic regular and bold TTFs (OFL), resolved once. */
export function chartFontFiles(): string[] {
  if (!fontPaths) {
    const require = createRequire(import.meta.url);
    fontPaths = [require.resolve('@kfonts/nanum-gothic/src/NanumGothic.ttf'), require.resolve('@kfonts/nanum-gothic/src/NanumGothicBold.ttf')];
  }
  return fontPaths;
}

/** resvg options drawing text only with the bundled NanumGothic (never system fonts). */
export function pngOptions(scale = 2): ResvgRenderOptions {
  return {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { fontFiles: chartFontFiles(), loadSystemFonts: false, defaultFontFamily: 'NanumGothic', sansSerifFamily: 'NanumGothic' },
  };
}

/**
 * The SVG as a PNG, `scale` × its size (default 2, sharp on high-density screens; show it at the
 * SVG's own size, see `svgSize`). Rendered off the main thread by resvg.
 */
export async function renderPng(svg: string, options: { scale?: number } = {}): Promise<Uint8Array> {
  const image = await renderAsync(svg, pngOptions(options.scale ?? 2));
  return image.asPng();
}

/** The width and height attributes of a rendered chart, in px (for `<img width height>`). */
export function svgSize(svg: string): { width: number; height: number } {
  const open = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(open)?.[1] ?? NaN);
  return { width: attr('width'), height: attr('height') };
}

// ---------------------------------------------------------------------------------------------
// Conveniences

export const weekChartSvg = (facts: EditionFacts, topics: readonly Topic[], lang: string, labels: WeekChartLabels): Promise<string> =>
  renderSvg(weekChartSpec(facts, topics, lang, labels));

export async function weekChartPng(
  facts: EditionFacts,
  topics: readonly Topic[],
  lang: string,
  labels: WeekChartLabels,
  options: { scale?: number } = {},
): Promise<Uint8Array> {
  return renderPng(await weekChartSvg(facts, topics, lang, labels), options);
}

export const trendsChartSvg = (
  series: readonly TrendsWeek[],
  topics: readonly Topic[],
  lang: string,
  labels: TrendsChartLabels,
  options: TrendsChartOptions = {},
): Promise<string> => renderSvg(trendsChartSpec(series, topics, lang, labels, options));
