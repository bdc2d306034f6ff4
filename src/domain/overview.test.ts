import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBundle } from '../i18n/bundle.js';
import { editionFacts, factNumbers, type EditionFacts, type FactEntry, type PastEdition } from './facts.js';
import {
  CITATION_MARKER,
  citationMarkers,
  formatOverview,
  overviewFindings,
  overviewMinBullets,
  overviewProblems,
  parseOverview,
  templateOverview,
  type OverviewBullet,
  type OverviewContext,
} from './overview.js';
import { DEFAULT_TOPICS, type TopicTag } from './topics.js';

// A hand-built week of 10 entries against four earlier editions.
//   1 llm agents   2 agents   3 llm reasoning   4 vision   5 agents code
//   6 llm   7 agents llm   8 retrieval   9 (none)   10 llm efficiency
const ENTRY_TOPICS = new Map<number, string[]>([
  [1, ['llm', 'agents']],
  [2, ['agents']],
  [3, ['llm', 'reasoning']],
  [4, ['vision']],
  [5, ['agents', 'code']],
  [6, ['llm']],
  [7, ['agents', 'llm']],
  [8, ['retrieval']],
  [9, []],
  [10, ['llm', 'efficiency']],
]);
const TITLES = new Map<number, string>([
  [1, 'Agents on GPT-4 for Web Tasks'],
  [2, 'A Survey of Tool-Using Agents'],
  [3, 'Llama 2 Reasons Step by Step'],
  [4, 'Segment Anything in 3D Scenes'],
  [5, 'SWE-agent: Fixing 17 Bugs a Day'],
  [6, 'GPT-4 as a Judge'],
  [7, 'Multi-Agent Debate with GPT-4'],
  [8, 'Dense Retrieval at Scale'],
  [9, 'A Theory of Everything Else'],
  [10, 'Quantizing Llama 2 to 4 Bits'],
]);

const HAND: EditionFacts = {
  startDate: '2024-04-01',
  endDate: '2024-04-07',
  papers: 10,
  topics: [
    { slug: 'llm', name: 'LLMs', count: 5, positions: [1, 3, 6, 7, 10], previous: [4, 5, 6, 5], average: 5, change: 0 },
    { slug: 'agents', name: 'agents', count: 4, positions: [1, 2, 5, 7], previous: [1, 2, 1, 2], average: 1.5, change: 2.5 },
    { slug: 'reasoning', name: 'reasoning', count: 1, positions: [3], previous: [2, 2, 1, 1], average: 1.5, change: -0.5 },
    { slug: 'vision', name: 'vision', count: 1, positions: [4], previous: [3, 3, 2, 4], average: 3, change: -2 },
    { slug: 'code', name: 'code', count: 1, positions: [5], previous: [0, 1, 0, 1], average: 0.5, change: 0.5 },
    { slug: 'retrieval', name: 'retrieval/RAG', count: 1, positions: [8], previous: [1, 0, 1, 0], average: 0.5, change: 0.5 },
    { slug: 'efficiency', name: 'efficiency/compression', count: 1, positions: [10], previous: [1, 1, 1, 1], average: 1, change: 0 },
    { slug: 'safety', name: 'safety/security', count: 0, positions: [], previous: [2, 1, 0, 1], average: 1, change: -1 },
  ],
  previous: [
    { startDate: '2024-03-04', papers: 11 },
    { startDate: '2024-03-11', papers: 10 },
    { startDate: '2024-03-18', papers: 9 },
    { startDate: '2024-03-25', papers: 10 },
  ],
  names: [
    { name: 'GPT-4', positions: [1, 6, 7] },
    { name: 'Llama 2', positions: [3, 10] },
  ],
  withCode: { count: 4, percent: 40, positions: [1, 2, 5, 7] },
  withArxivAbstract: { count: 8, percent: 80, positions: [1, 2, 3, 4, 5, 6, 7, 8] },
  untagged: [9],
};

const ctx = (lang: string, facts: EditionFacts = HAND, entryTopics: Map<number, string[]> = ENTRY_TOPICS, titles: Map<number, string> = TITLES): OverviewContext => ({
  facts,
  entryTopics,
  topics: DEFAULT_TOPICS,
  lang,
  titles,
});

const GOOD_KO: OverviewBullet[] = [
  { text: '이번 주 10편 중 4편(40%)이 에이전트를 다룹니다.', cites: [1, 2, 5, 7] },
  { text: 'LLM 관련 논문은 5편으로 가장 많습니다.', cites: [1, 3, 6, 7, 10] },
  { text: 'GPT-4를 활용한 연구가 3편입니다.', cites: [1, 6, 7] },
  { text: '에이전트 논문은 최근 4주 평균 1.5편에서 2.5편 늘었습니다.', cites: [1, 2, 5, 7] },
];

const rules = (bullets: OverviewBullet[], lang = 'ko', c = ctx(lang)) => overviewProblems(bullets, c).map((p) => `${p.rule}@${p.bullet}`);

describe('overview: stored format', () => {
  it('formats one bullet per line with the cites at the end, and parses it back', () => {
    const body = formatOverview(GOOD_KO);
    assert.equal(body.split('\n')[0], '- 이번 주 10편 중 4편(40%)이 에이전트를 다룹니다. [1, 2, 5, 7]');
    const parsed = parseOverview(body);
    assert.deepEqual(
      parsed.map(({ text, cites }) => ({ text, cites })),
      GOOD_KO,
    );
    assert.deepEqual(parsed.map((b) => b.line), [1, 2, 3, 4]);
    assert.equal(formatOverview(parsed), body);
    for (const b of parsed) assert.match(body.slice(b.span[0], b.span[1]), /^- .* \[[\d, ]+\]$/);
  });

  it('formats canonically: cites sorted, each once; a marker inside the text joins the cites; no marker without cites', () => {
    assert.equal(formatOverview([{ text: 'Agents [7] are back\n in force.', cites: [5, 2, 5] }, { text: 'Nothing cited.', cites: [] }]), '- Agents are back in force. [2, 5, 7]\n- Nothing cited.');
  });

  it('parses markers anywhere in a line, blank lines, other bullet marks and CRLF', () => {
    const body = '- Agents [2] lead the week [5, 7].\r\n\r\n• No cites here\n* Third [1,3]';
    const parsed = parseOverview(body);
    assert.deepEqual(
      parsed.map(({ text, cites, line }) => ({ text, cites, line })),
      [
        { text: 'Agents lead the week.', cites: [2, 5, 7], line: 1 },
        { text: 'No cites here', cites: [], line: 3 },
        { text: 'Third', cites: [1, 3], line: 4 },
      ],
    );
    assert.equal(body.slice(...parsed[2]!.span), '* Third [1,3]');
  });

  it('exports the marker regex and the markers with spans for renderers', () => {
    assert.ok(CITATION_MARKER.test('x [2, 5]'));
    assert.ok(!CITATION_MARKER.test('[2024/04/01 ~ 04/07]'));
    const line = '- 이번 주 12편 중 4편이 에이전트를 다룹니다. [2, 5, 7, 9]';
    const [m] = citationMarkers(line);
    assert.deepEqual(m!.positions, [2, 5, 7, 9]);
    assert.equal(line.slice(...m!.span), '[2, 5, 7, 9]');
    assert.deepEqual(citationMarkers('a [1] b [2,3]').map((x) => x.positions), [[1], [2, 3]]);
  });
});

describe('overview: problems', () => {
  it('a grounded overview has none (numbers in names, titles and markers are not checked)', () => {
    assert.deepEqual(overviewProblems(GOOD_KO, ctx('ko')), []);
    const en: OverviewBullet[] = [
      { text: 'Agents are the story of the week: 4 of the 10 papers (40%).', cites: [1, 2, 5, 7] },
      { text: 'Llama 2 is the base of two LLM papers, one quantized to 4 bits as in "Quantizing Llama 2 to 4 Bits".', cites: [3, 10] },
      { text: 'GPT-4 appears in 3 papers.', cites: [1, 6, 7] },
      { text: 'SWE-agent: Fixing 17 Bugs a Day shows an implementation.', cites: [5] },
    ];
    assert.deepEqual(overviewProblems(en, ctx('en')), []);
    // the same bullets parsed from a stored body: the markers' numbers are not statements
    assert.deepEqual(overviewProblems(parseOverview(formatOverview(en)), ctx('en')), []);
  });

  it('a bullet that cites nothing or a position that is not an entry', () => {
    const bad = [...GOOD_KO.slice(0, 2), { text: '이번 주에는 10편을 소개합니다.', cites: [] }, { text: 'GPT-4가 3편에 등장합니다.', cites: [1, 11, 14] }];
    const ps = overviewProblems(bad, ctx('ko'));
    assert.deepEqual(ps.map((p) => p.rule), ['overview-cites-nothing', 'overview-cites-missing-entry']);
    assert.equal(ps[0]!.message, 'bullet 3 cites no entry');
    assert.equal(ps[1]!.message, 'bullet 4 cites positions 11 and 14, which are not an entry of this edition');
    assert.deepEqual(ps[1]!.positions, [11, 14]);
  });

  it('a named topic that a cited entry does not carry: Korean name, English name, slug, part of a / name, declared topic', () => {
    const base = GOOD_KO.slice(0, 2);
    const one = (b: OverviewBullet, lang = 'ko') => overviewProblems([...base, b], ctx(lang)).filter((p) => p.bullet === 3);
    const ko = one({ text: '에이전트를 다룬 논문도 여럿입니다.', cites: [1, 3] });
    assert.equal(ko.length, 1);
    assert.equal(ko[0]!.rule, 'overview-topic-mismatch');
    assert.equal(ko[0]!.message, 'bullet 3 names the topic "에이전트" (agents) but cites 3, which does not carry it');
    assert.deepEqual(ko[0]!.positions, [3]);
    assert.equal(one({ text: 'Several papers study agentic agents.', cites: [3, 6] }, 'en')[0]!.message, 'bullet 3 names the topic "agents" (agents) but cites 3 and 6, which do not carry it');
    assert.equal(one({ text: 'LLMs dominate.', cites: [2] }, 'en')[0]!.topic, 'llm');
    assert.equal(one({ text: 'LLM을 다룬 논문', cites: [2] })[0]!.topic, 'llm', 'a Korean particle after a Latin name');
    assert.equal(one({ text: 'RAG is back.', cites: [1] }, 'en')[0]!.topic, 'retrieval');
    assert.equal(one({ text: '검색 증강 생성', cites: [1] })[0]!.topic, 'retrieval');
    assert.equal(one({ text: 'Long-context models.', cites: [1] }, 'en')[0]!.topic, 'long-context');
    assert.equal(one({ text: '새로운 흐름입니다.', cites: [3], topic: 'agents' })[0]!.topic, 'agents');
    assert.deepEqual(one({ text: '에이전트와 LLM을 함께 다룹니다.', cites: [1, 7] }), []);
    assert.deepEqual(one({ text: 'Two papers rethink leverage and dragons.', cites: [1, 7] }, 'en'), [], 'rag inside a word is no topic');
    assert.deepEqual(one({ text: '텔레비전 이야기', cites: [1] }), [], '비전 inside a word is no topic');
  });

  it('a number the facts do not state: digits, decimals, per cents, Korean numerals', () => {
    const base = GOOD_KO.slice(0, 2);
    const nums = (text: string, lang = 'ko', cites = [1, 2, 5, 7]) =>
      overviewProblems([...base, { text, cites }], ctx(lang))
        .filter((p) => p.rule === 'overview-number-not-in-facts')
        .map((p) => p.value);
    assert.deepEqual(nums('에이전트 논문이 17편입니다.'), [17]);
    assert.deepEqual(nums('에이전트 논문 비중이 45%입니다.'), [45]);
    assert.deepEqual(nums('에이전트 논문이 2.7편 늘었습니다.'), [2.7]);
    assert.deepEqual(nums('에이전트 논문이 열일곱 편입니다.'), [17]);
    assert.deepEqual(nums('에이전트 논문이 네 편, 평균의 두 배입니다.'), []);
    assert.deepEqual(nums('Agents: 4 of 10 (40%), 2.5 above a 1.5 average, up 167%.', 'en'), []);
    assert.deepEqual(nums('Agents took 7 of 10 slots in 2024.', 'en'), [7, 2024]);
    assert.deepEqual(nums('One paper and a single survey on agents.', 'en'), []);
    // a title's numbers count only when that entry is cited
    assert.deepEqual(nums('SWE-agent: Fixing 17 Bugs a Day stands out among agents.', 'en', [5]), []);
    assert.deepEqual(nums('SWE-agent: Fixing 17 Bugs a Day stands out among agents.', 'en', [2]), [17]);
    const [p] = overviewProblems([...base, { text: 'Agents took 7 of 10 slots.', cites: [2] }], ctx('en')).filter((x) => x.bullet === 3);
    assert.equal(p!.message, 'bullet 3 states 7, which is not a number of the week\'s facts');
    const [pc] = overviewProblems([...base, { text: 'Agents took 45% of slots.', cites: [2] }], ctx('en')).filter((x) => x.bullet === 3);
    assert.equal(pc!.message, 'bullet 3 states 45 ("45%"), which is not a number of the week\'s facts');
  });

  it('too few or too many bullets', () => {
    assert.deepEqual(rules(GOOD_KO.slice(0, 2)), ['overview-bullet-count@null']);
    assert.equal(overviewProblems(GOOD_KO.slice(0, 2), ctx('ko'))[0]!.message, 'the overview has 2 bullets; it needs 3 to 5');
    const six = [...GOOD_KO, GOOD_KO[0]!, GOOD_KO[1]!];
    assert.deepEqual(rules(six), ['overview-bullet-count@null']);
    assert.equal(overviewProblems(six, ctx('ko'))[0]!.message, 'the overview has 6 bullets; it needs 3 to 5');
    assert.deepEqual(rules(GOOD_KO.slice(0, 3)), []);
  });

  it('findings: errors spanning the bullet in the stored body, the whole body for the count', () => {
    const body = formatOverview([...GOOD_KO.slice(0, 2), { text: '에이전트 논문이 17편입니다.', cites: [3] }]);
    const fs = overviewFindings(body, ctx('ko'));
    assert.deepEqual(fs.map((f) => f.rule), ['overview-topic-mismatch', 'overview-number-not-in-facts']);
    for (const f of fs) {
      assert.equal(f.severity, 'error');
      assert.equal(f.sourceSpan, null);
      assert.equal(body.slice(...f.draftSpan!), '- 에이전트 논문이 17편입니다. [3]');
    }
    const short = formatOverview(GOOD_KO.slice(0, 1));
    const [count] = overviewFindings(short, ctx('ko'));
    assert.deepEqual(count!.draftSpan, [0, short.length]);
    assert.deepEqual(overviewFindings(formatOverview(GOOD_KO), ctx('ko')), []);
  });
});

// ---------------------------------------------------------------------------------------------

const EN = getBundle('en').overviewBullets;
const KO = getBundle('ko').overviewBullets;

function entry(position: number, topics: string[], over: Partial<FactEntry> = {}): FactEntry {
  const tags: TopicTag[] = topics.map((slug) => ({ slug, source: 'rules', evidence: [] }));
  return { position, titleEn: `Paper ${String.fromCharCode(64 + position)}`, introEn: null, abstractEn: null, hasCode: false, hasArxivAbstract: false, topics: tags, ...over };
}

const ctxOf = (facts: EditionFacts, entries: FactEntry[], lang: string): OverviewContext => ({
  facts,
  entryTopics: new Map(entries.map((e) => [e.position, e.topics.map((t) => t.slug)])),
  topics: DEFAULT_TOPICS,
  lang,
  titles: new Map(entries.map((e) => [e.position, e.titleEn])),
});

/** The template's bullets for the facts pass overviewProblems in both languages; returns them. */
function checkedTemplate(facts: EditionFacts, c: OverviewContext): Record<'en' | 'ko', OverviewBullet[]> {
  const out = { en: [] as OverviewBullet[], ko: [] as OverviewBullet[] };
  for (const [lang, strings] of [['en', EN], ['ko', KO]] as const) {
    const cx = { ...c, lang };
    const bullets = templateOverview(facts, cx, strings);
    assert.deepEqual(overviewProblems(bullets, cx), [], `${lang}: ${formatOverview(bullets)}`);
    assert.deepEqual(overviewFindings(formatOverview(bullets), cx), []);
    for (const b of bullets) assert.doesNotMatch(b.text, /\{[a-z]+\}/, 'every placeholder filled');
    out[lang] = bullets;
  }
  return out;
}

describe('overview: template (no LLM)', () => {
  it('the hand-built week: largest topics, biggest change, recurring name, code; arXiv only with room', () => {
    const { en, ko } = checkedTemplate(HAND, ctx('en'));
    assert.equal(
      formatOverview(en),
      [
        '- The most common topic this week is LLMs: 5 of the 10 papers (50%). [1, 3, 6, 7, 10]',
        '- Next comes agents, with 4 papers (40%). [1, 2, 5, 7]',
        '- Papers on agents rose to 4, up from a 4-week average of 1.5. [1, 2, 5, 7]',
        '- The name mentioned in the most papers is GPT-4, in 3 of them. [1, 6, 7]',
        '- An implementation is linked for 4 of the 10 papers (40%). [1, 2, 5, 7]',
      ].join('\n'),
    );
    assert.equal(
      formatOverview(ko),
      [
        '- 이번 주 가장 많이 다룬 주제는 LLM입니다(10편 중 5편, 50%). [1, 3, 6, 7, 10]',
        '- 그다음으로 많은 주제는 에이전트입니다(4편, 40%). [1, 2, 5, 7]',
        '- 에이전트 관련 논문은 4편으로, 최근 4주 평균(1.5편)보다 늘었습니다. [1, 2, 5, 7]',
        '- 여러 논문에 가장 자주 등장한 이름은 GPT-4입니다(3편). [1, 6, 7]',
        '- 구현 저장소 링크가 있는 논문은 10편 중 4편(40%)입니다. [1, 2, 5, 7]',
      ].join('\n'),
    );
  });

  it('a fall is told when it is the biggest change; arXiv abstracts fill the room left', () => {
    const facts: EditionFacts = {
      ...HAND,
      topics: HAND.topics.map((t) => (t.slug === 'agents' ? { ...t, count: 1, positions: [2], change: -0.5 } : t.slug === 'vision' ? { ...t, change: -2 } : t)),
      names: [],
    };
    const entryTopics = new Map(ENTRY_TOPICS);
    for (const p of [1, 5, 7]) entryTopics.set(p, entryTopics.get(p)!.filter((s) => s !== 'agents'));
    const { en } = checkedTemplate(facts, ctx('en', facts, entryTopics));
    assert.deepEqual(
      en.map((b) => b.text),
      [
        'The most common topic this week is LLMs: 5 of the 10 papers (50%).',
        'Papers on vision fell to 1, down from a 4-week average of 3.',
        'An implementation is linked for 4 of the 10 papers (40%).',
        'An arXiv abstract is available for 8 of the 10 papers (80%).',
      ],
    );
  });

  it('a recurring name that is also a topic name is left out for the next name', () => {
    const facts: EditionFacts = { ...HAND, names: [{ name: 'RAG', positions: [2, 6] }, ...HAND.names] };
    const { en } = checkedTemplate(facts, ctx('en', facts));
    assert.ok(en.some((b) => b.text.includes('GPT-4')));
    assert.ok(!en.some((b) => b.text.includes('RAG')));
  });

  it('a week without earlier editions: no change bullet', () => {
    const facts: EditionFacts = { ...HAND, previous: [], topics: HAND.topics.filter((t) => t.count > 0).map((t) => ({ ...t, previous: [], average: null, change: null })) };
    const { en } = checkedTemplate(facts, ctx('en', facts));
    assert.equal(en.length, 5);
    assert.ok(!en.some((b) => /average/.test(b.text)));
    assert.match(en[4]!.text, /arXiv/);
  });

  it('editionFacts() of a real-shaped week, with and without earlier editions', () => {
    const entries = [
      entry(1, ['llm', 'agents'], { titleEn: 'SWE-agent', introEn: 'An agent built on GPT-4 that fixes GitHub issues.', hasCode: true, hasArxivAbstract: true }),
      entry(2, ['llm', 'long-context'], { titleEn: 'Many-shot Jailbreaking', introEn: 'Long contexts let GPT-4 be steered with ~256 shots.', hasArxivAbstract: true }),
      entry(3, ['efficiency'], { titleEn: 'Mixture-of-Depths', introEn: 'Transformers that skip tokens with MoD.', hasCode: true, hasArxivAbstract: true }),
      entry(4, ['llm'], { titleEn: 'Advancing LLM Reasoning Generalists', introEn: 'Eurus models on Mistral-7B.', hasArxivAbstract: true }),
      entry(5, ['agents', 'llm'], { titleEn: 'AutoWebGLM', introEn: 'A web navigation agent.', hasCode: true }),
      entry(6, []),
      entry(7, ['llm', 'efficiency'], { titleEn: 'Training LLMs over Neurally Compressed Text', introEn: 'Compression of text for LLMs.', hasArxivAbstract: true }),
      entry(8, ['vision'], { titleEn: 'Visual Autoregressive Modeling', hasCode: true }),
      entry(9, ['agents'], { titleEn: 'AIOS', introEn: 'An LLM agent operating system.' }),
    ];
    const past: PastEdition[] = [
      { startDate: '2024-03-11', papers: 10, counts: { llm: 6, agents: 1, vision: 2 } },
      { startDate: '2024-03-18', papers: 9, counts: { llm: 5, efficiency: 2 } },
    ];
    for (const p of [past, []]) {
      const facts = editionFacts({ startDate: '2024-04-01', endDate: '2024-04-07' }, entries, p);
      const { en, ko } = checkedTemplate(facts, ctxOf(facts, entries, 'en'));
      assert.ok(en.length >= 3 && en.length <= 5);
      assert.equal(ko.length, en.length);
      assert.match(en[0]!.text, /LLMs: 5 of the 9 papers \(56%\)/);
      assert.ok(factNumbers(facts).has(56));
      if (p.length) assert.ok(en.some((b) => /2-week average/.test(b.text)), formatOverview(en));
    }
  });

  it('one entry: the one-paper sentences', () => {
    const entries = [entry(1, ['agents'], { hasCode: true, hasArxivAbstract: true })];
    const facts = editionFacts({ startDate: '2024-04-01', endDate: '2024-04-07' }, entries, []);
    const { en, ko } = checkedTemplate(facts, ctxOf(facts, entries, 'en'));
    assert.deepEqual(formatOverview(en).split('\n'), ['- This week\'s paper is about agents. [1]', '- The paper links to an implementation. [1]', '- The paper comes with an arXiv abstract. [1]']);
    assert.equal(ko[0]!.text, '이번 주 논문은 에이전트 분야를 다룹니다.');
  });

  it('one untagged entry without code or abstract: the facts support one bullet, and one is enough', () => {
    const entries = [entry(1, [])];
    const facts = editionFacts({ startDate: '2024-04-01', endDate: '2024-04-07' }, entries, []);
    assert.equal(overviewMinBullets(facts), 1);
    const { en, ko } = checkedTemplate(facts, ctxOf(facts, entries, 'en'));
    assert.equal(formatOverview(en), "- This week's edition has a single paper. [1]");
    assert.equal(formatOverview(ko), '- 이번 주에는 논문 한 편을 소개합니다. [1]');
    // an LLM answer of one bullet is accepted for these facts too, two entries' worth of bullets too
    assert.deepEqual(overviewProblems([{ text: 'A single paper this week.', cites: [1] }], ctxOf(facts, entries, 'en')), []);
    assert.equal(overviewProblems([], ctxOf(facts, entries, 'en'))[0]!.message, 'the overview has 0 bullets; it needs 1 to 5 (the week\'s facts support only 1)');
  });

  it('no topics at all: the edition size leads, then names, code, abstracts', () => {
    const entries = [1, 2, 3, 4, 5, 6, 7, 8].map((p) => entry(p, [], { hasCode: p % 2 === 0, hasArxivAbstract: p <= 3 }));
    const facts = editionFacts({ startDate: '2024-04-01', endDate: '2024-04-07' }, entries, [], []);
    assert.deepEqual(facts.topics, []);
    assert.equal(overviewMinBullets(facts), 3);
    const { en } = checkedTemplate(facts, { ...ctxOf(facts, entries, 'en'), topics: [] });
    assert.deepEqual(formatOverview(en).split('\n'), [
      "- This week's edition brings together 8 papers. [1, 2, 3, 4, 5, 6, 7, 8]",
      '- An implementation is linked for 4 of the 8 papers (50%). [2, 4, 6, 8]',
      '- An arXiv abstract is available for 3 of the 8 papers (38%). [1, 2, 3]',
    ]);
  });

  it('two untagged entries without code: two bullets are all the facts hold', () => {
    const entries = [entry(1, []), entry(2, [], { hasArxivAbstract: true })];
    const facts = editionFacts({ startDate: '2024-04-01', endDate: '2024-04-07' }, entries, []);
    assert.equal(overviewMinBullets(facts), 2);
    const { en } = checkedTemplate(facts, ctxOf(facts, entries, 'en'));
    assert.equal(en.length, 2);
  });

  it('no papers: no bullets, and none are needed', () => {
    const facts = editionFacts({ startDate: '2024-04-01', endDate: '2024-04-07' }, [], []);
    assert.equal(overviewMinBullets(facts), 0);
    assert.deepEqual(templateOverview(facts, ctxOf(facts, [], 'ko'), KO), []);
    assert.deepEqual(overviewProblems([], ctxOf(facts, [], 'ko')), []);
  });
});
