import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { JSDOM } from 'jsdom';
import type { EditionFacts, TopicFact } from '../../domain/facts.js';
import { DEFAULT_TOPICS } from '../../domain/topics.js';
import {
  CHART_FONT,
  WEEK_CHART_WIDTH,
  pngOptions,
  renderPng,
  renderSvg,
  svgSize,
  trendsChartAlt,
  trendsChartSpec,
  trendsChartSvg,
  weekChartAlt,
  weekChartPng,
  weekChartSpec,
  weekChartSvg,
  type TrendsWeek,
} from './chart.js';

const KO = { title: '이번 주 주제', thisWeek: '이번 주', average: '4주 평균', papers: '논문 수' };
const EN = { title: 'Topics this week', thisWeek: 'this week', average: '4-week average', papers: 'papers' };
const TRENDS_KO = { title: '주제 흐름', week: '주', topic: '주제', papers: '논문 수' };

function fact(slug: string, name: string, count: number, previous: number[]): TopicFact {
  const average = previous.length ? Math.round((previous.reduce((a, b) => a + b, 0) / previous.length) * 10) / 10 : null;
  return { slug, name, count, positions: Array.from({ length: count }, (_, i) => i + 1), previous, average, change: average === null ? null : count - average };
}

const share = { count: 0, percent: 0, positions: [] };
const FACTS: EditionFacts = {
  startDate: '2024-03-04',
  endDate: '2024-03-10',
  papers: 10,
  topics: [
    fact('llm', 'LLMs', 7, [5, 6, 4, 8]), // average 5.8
    fact('agents', 'agents', 3, [1, 2, 2, 1]), // 1.5
    fact('reasoning', 'reasoning', 4, [3, 3, 2, 2]), // 2.5
    fact('vision', 'vision', 0, [1, 2, 0, 1]), // 1 (no paper this week, still a topic of the weeks compared)
    fact('quantum', 'quantum ML', 1, []), // not in the taxonomy, no earlier editions: no average bar
  ],
  previous: [],
  names: [],
  withCode: share,
  withArxivAbstract: share,
  untagged: [],
};
const EMPTY: EditionFacts = { ...FACTS, papers: 0, topics: [] };

const svgDoc = (svg: string) => new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document;
const texts = (doc: Document, selector: string) => [...doc.querySelectorAll(`${selector} text`)].map((t) => t.textContent);
const bars = (doc: Document) => [...doc.querySelectorAll('g.mark-rect.role-mark > path')];

function pngWidthHeight(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
  return [view.getUint32(16), view.getUint32(20)];
}
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** RGBA pixels of a PNG, decoded by drawing it as an image with resvg (no PNG decoder needed). */
function pngPixels(png: Uint8Array): Buffer {
  const [w, h] = pngWidthHeight(png);
  const wrapper = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${h}"><image width="${w}" height="${h}" xlink:href="data:image/png;base64,${Buffer.from(png).toString('base64')}"/></svg>`;
  return new Resvg(wrapper, { font: { loadSystemFonts: false } }).render().pixels;
}
/** Opaque pixels darker than mid-grey. */
function darkPixels(rgba: Buffer): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i + 3]! > 128 && rgba[i]! + rgba[i + 1]! + rgba[i + 2]! < 384) n++;
  return n;
}
const textSvg = (text: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" fill="#fff"/><text x="4" y="30" font-family="${CHART_FONT.replace(/'/g, '&apos;')}" font-size="24" fill="#000">${text}</text></svg>`;

describe('week chart', () => {
  it('is standalone SVG with xmlns, the localised topic names, the counts and one bar per topic and series', async () => {
    const svg = await weekChartSvg(FACTS, DEFAULT_TOPICS, 'ko', KO);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const doc = svgDoc(svg); // throws on malformed XML
    assert.equal(doc.documentElement.namespaceURI, 'http://www.w3.org/2000/svg');
    assert.equal(doc.documentElement.getAttribute('width'), String(WEEK_CHART_WIDTH));
    assert.deepEqual(texts(doc, '.role-axis-label'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', 'LLM', '에이전트', '추론', '비전', 'quantum ML']);
    assert.deepEqual(texts(doc, '.role-title-text'), ['이번 주 주제']);
    assert.deepEqual(texts(doc, '.role-legend-label'), ['이번 주', '4주 평균']);
    assert.deepEqual(texts(doc, '.role-axis-title'), ['논문 수']);
    // each bar labelled with its value: this week's count, then the average
    assert.deepEqual(texts(doc, '.layer_1_marks'), ['7', '5.8', '3', '1.5', '4', '2.5', '0', '1', '1']);
    // 5 topics this week + 4 averages (quantum has no earlier editions)
    const fills = bars(doc).map((b) => b.getAttribute('fill'));
    assert.equal(fills.length, 9);
    assert.equal(new Set(fills).size, 2);
    assert.equal(fills.filter((f) => f === fills[0]).length, 5);
    // the accessible name is the title and the alt text
    assert.equal(doc.documentElement.getAttribute('role'), 'img');
    assert.equal(doc.documentElement.getAttribute('aria-label'), `이번 주 주제\n${weekChartAlt(FACTS, DEFAULT_TOPICS, 'ko', KO)}`);
    assert.doesNotMatch(svg, /X-axis titled|<script/);
  });

  it('uses English names for lang en and the facts name for a slug the taxonomy lacks', async () => {
    const doc = svgDoc(await weekChartSvg(FACTS, DEFAULT_TOPICS, 'en', EN));
    assert.deepEqual(texts(doc, '.role-axis-label').slice(-5), ['LLMs', 'agents', 'reasoning', 'vision', 'quantum ML']);
    assert.deepEqual(texts(doc, '.role-legend-label'), ['this week', '4-week average']);
  });

  it('puts the font stack, fixed width, legend and integer ticks in the spec', () => {
    const spec = weekChartSpec(FACTS, DEFAULT_TOPICS, 'ko', KO) as unknown as {
      width: number;
      height: number;
      config: { font: string };
      encoding: { x: { axis: { format: string; tickMinStep: number } }; color: { legend: object | null } };
    };
    assert.equal(spec.config.font, "NanumGothic, 'Noto Sans KR', sans-serif");
    assert.equal(spec.width, WEEK_CHART_WIDTH);
    assert.equal(spec.encoding.x.axis.format, 'd');
    assert.equal(spec.encoding.x.axis.tickMinStep, 1);
    assert.ok(spec.encoding.color.legend);
    const two = weekChartSpec({ ...FACTS, topics: FACTS.topics.slice(0, 2) }, DEFAULT_TOPICS, 'ko', KO) as unknown as { height: number };
    assert.ok(two.height < spec.height, 'height grows with the number of topics');
  });

  it('gives the same bytes for the same input, whatever was rendered in between', async () => {
    const a = await weekChartSvg(FACTS, DEFAULT_TOPICS, 'ko', KO);
    await trendsChartSvg(SERIES, DEFAULT_TOPICS, 'ko', TRENDS_KO); // moves Vega's clip/gradient counters
    const b = await weekChartSvg(FACTS, DEFAULT_TOPICS, 'ko', KO);
    assert.equal(a, b);
  });

  it('without topics is still a valid chart: title and legend, no bars, empty alt text', async () => {
    const svg = await weekChartSvg(EMPTY, DEFAULT_TOPICS, 'ko', KO);
    const doc = svgDoc(svg);
    assert.equal(bars(doc).length, 0);
    assert.deepEqual(texts(doc, '.role-title-text'), ['이번 주 주제']);
    assert.equal(weekChartAlt(EMPTY, DEFAULT_TOPICS, 'ko', KO), '');
    assert.equal(doc.documentElement.getAttribute('aria-label'), '이번 주 주제');
    const png = await renderPng(svg, { scale: 1 });
    assert.equal(pngWidthHeight(png)[0], WEEK_CHART_WIDTH);
  });

  it('escapes markup in labels and topic names', async () => {
    const labels = { ...EN, title: 'A & B <c> "d"' };
    const facts = { ...FACTS, topics: [fact('x', 'R&D <tags>', 2, [1])] };
    const svg = await weekChartSvg(facts, [], 'en', labels);
    const doc = svgDoc(svg);
    assert.deepEqual(texts(doc, '.role-title-text'), ['A & B <c> "d"']);
    assert.ok(texts(doc, '.role-axis-label').includes('R&D <tags>'));
    assert.equal(doc.documentElement.getAttribute('aria-label'), 'A & B <c> "d"\nR&D <tags>: 2 (4-week average 1)');
  });

  it('alt text: one line per topic with its count and, when known, the average', () => {
    assert.equal(
      weekChartAlt(FACTS, DEFAULT_TOPICS, 'ko', KO),
      ['LLM: 7 (4주 평균 5.8)', '에이전트: 3 (4주 평균 1.5)', '추론: 4 (4주 평균 2.5)', '비전: 0 (4주 평균 1)', 'quantum ML: 1'].join('\n'),
    );
    assert.equal(weekChartAlt(FACTS, DEFAULT_TOPICS, 'en', EN).split('\n')[1], 'agents: 3 (4-week average 1.5)');
  });
});

describe('PNG', () => {
  it('is a PNG of scale × the SVG width (default 2) and draws the chart', async () => {
    const svg = await weekChartSvg(FACTS, DEFAULT_TOPICS, 'ko', KO);
    const { width, height } = svgSize(svg);
    assert.deepEqual([width, height].map(Number.isFinite), [true, true]);
    const png = await renderPng(svg);
    assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
    assert.deepEqual(pngWidthHeight(png), [width * 2, height * 2]);
    const one = await weekChartPng(FACTS, DEFAULT_TOPICS, 'ko', KO, { scale: 1 });
    assert.deepEqual(pngWidthHeight(one), [width, height]);
    assert.ok(darkPixels(pngPixels(one)) > 500, 'text and bars are drawn');
  });

  it('draws Hangul with the bundled NanumGothic, and nothing without it', async () => {
    const agents = pngPixels(await renderPng(textSvg('에이전트'), { scale: 1 }));
    const reasoning = pngPixels(await renderPng(textSvg('추론하기'), { scale: 1 }));
    assert.ok(darkPixels(agents) > 250, `Hangul drawn (${darkPixels(agents)} dark pixels)`);
    assert.ok(darkPixels(reasoning) > 250); // tofu boxes from a Latin-only font give ~160
    // tofu boxes would be the same for any two strings of four syllables
    assert.notDeepEqual(agents, reasoning);
    // the same options renderPng uses, decoded without a PNG round trip
    assert.ok(darkPixels(new Resvg(textSvg('에이전트'), pngOptions(1)).render().pixels) > 100);
    // the machine has no Korean font: without the bundled one the text is not drawn at all
    const bare = new Resvg(textSvg('에이전트'), { font: { loadSystemFonts: false } }).render().pixels;
    assert.equal(darkPixels(bare), 0);
  });
});

// 30 weeks; llm every week, agents in some, vision never (left out), one slug outside the taxonomy
const SERIES: TrendsWeek[] = Array.from({ length: 30 }, (_, i) => ({
  startDate: new Date(Date.UTC(2024, 0, 1) + i * 7 * 86_400_000).toISOString().slice(0, 10),
  papers: 10,
  counts: { llm: 2 + (i % 4), agents: i % 3 === 0 ? 0 : i % 5, vision: 0, ...(i === 7 ? { 'quantum-ml': 2 } : {}) },
}));

describe('trends heatmap', () => {
  it('is standalone SVG with one cell per week and topic and the Korean topic names in taxonomy order', async () => {
    const svg = await trendsChartSvg(SERIES, DEFAULT_TOPICS, 'ko', TRENDS_KO);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const doc = svgDoc(svg);
    const cells = bars(doc);
    assert.equal(cells.length, 30 * 3); // llm, agents, quantum-ml
    const labels = texts(doc, '.role-axis-label');
    assert.deepEqual(labels.slice(-3), ['LLM', '에이전트', 'quantum-ml']);
    assert.ok(!labels.includes('비전'), 'a topic without papers is left out');
    assert.ok(labels.includes('2024-01-01'), 'the first week is labelled');
    assert.deepEqual(texts(doc, '.role-axis-title'), ['주', '주제']);
    assert.deepEqual(texts(doc, '.role-title-text'), ['주제 흐름']);
    assert.ok(new Set(cells.map((c) => c.getAttribute('fill'))).size > 3, 'colour follows the count');
    assert.equal(await trendsChartSvg(SERIES, DEFAULT_TOPICS, 'ko', TRENDS_KO), svg);
    // the legend's gradient is referenced by an id unique to this chart (two charts can share a page)
    const gradient = doc.querySelector('linearGradient')!.getAttribute('id')!;
    assert.match(gradient, /^pb[0-9a-f]{8}-gradient_0$/);
    assert.ok(svg.includes(`url(#${gradient})`));
    const other = await trendsChartSvg(SERIES.slice(0, 10), DEFAULT_TOPICS, 'ko', TRENDS_KO);
    assert.ok(!other.includes(`id="${gradient}"`));
  });

  it('alt text: the weeks covered, then per topic its total and busiest week', () => {
    const alt = trendsChartAlt(SERIES, DEFAULT_TOPICS, 'ko', TRENDS_KO).split('\n');
    assert.equal(alt[0], '주제 흐름: 2024-01-01 – 2024-07-22');
    const llmTotal = SERIES.reduce((n, w) => n + w.counts.llm!, 0);
    assert.equal(alt[1], `LLM: ${llmTotal} (2024-01-22: 5)`);
    assert.match(alt[2]!, /^에이전트: \d+ \(2024-01-29: 4\)$/);
    assert.equal(alt[3], 'quantum-ml: 2 (2024-02-19: 2)');
    assert.equal(alt.length, 4);
    assert.equal(trendsChartAlt([], DEFAULT_TOPICS, 'ko', TRENDS_KO), '');
  });

  it('keeps whole-pixel cells for a long archive', async () => {
    const long = Array.from({ length: 200 }, (_, i) => ({ ...SERIES[i % 30]!, startDate: new Date(Date.UTC(2021, 0, 4) + i * 7 * 86_400_000).toISOString().slice(0, 10) }));
    const spec = trendsChartSpec(long, DEFAULT_TOPICS, 'ko', TRENDS_KO) as unknown as { width: { step: number } };
    assert.equal(spec.width.step, 3);
    const svg = await renderSvg(trendsChartSpec(long, DEFAULT_TOPICS, 'ko', TRENDS_KO));
    assert.equal(bars(svgDoc(svg)).length, 200 * 3);
  });
});
