import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { editionFacts, factNumbers, nameCandidates, recurringNames, type FactEntry, type PastEdition } from './facts.js';
import type { TopicTag } from './topics.js';

const tag = (...slugs: string[]): TopicTag[] => slugs.map((slug) => ({ slug, source: 'rules', evidence: [] }));
const entry = (position: number, over: Partial<FactEntry> = {}): FactEntry => ({ position, titleEn: `Paper ${position}`, introEn: null, abstractEn: null, hasCode: false, hasArxivAbstract: false, topics: [], ...over });

describe('name candidates', () => {
  it('takes words with an inner capital or digit from titles, and mid-sentence capitalised words from prose', () => {
    assert.deepEqual(nameCandidates('Scaling Laws for GPT-4 and LLaMA Models', true), ['GPT-4', 'LLaMA']);
    assert.deepEqual(nameCandidates('We evaluate on MMLU. Results beat Mamba and the Transformer baseline.'), ['MMLU', 'Mamba', 'Transformer']);
  });
  it('skips sentence starts, generic acronyms and short words', () => {
    assert.deepEqual(nameCandidates('Results are strong. Recent LLMs and AI systems use GPUs. It is On.'), []);
  });
});

describe('recurring names', () => {
  it('keeps names written in two or more entries, case-insensitively, most entries first', () => {
    const names = recurringNames([
      entry(1, { titleEn: 'Fine-tuning Llama-2 for code', introEn: 'Evaluated on HumanEval and MMLU.' }),
      entry(2, { titleEn: 'A study of LLAMA-2 safety', introEn: 'Uses MMLU.' }),
      entry(3, { introEn: 'A model tested with HumanEval and MMLU.' }),
      entry(4, { introEn: 'Nothing named here.' }),
    ]);
    assert.deepEqual(names, [
      { name: 'MMLU', positions: [1, 2, 3] },
      { name: 'HumanEval', positions: [1, 3] },
      { name: 'Llama-2', positions: [1, 2] },
    ]);
  });
});

describe('edition facts', () => {
  const entries = [
    entry(1, { topics: tag('llm', 'agents'), hasCode: true, hasArxivAbstract: true }),
    entry(2, { topics: tag('agents') }),
    entry(3, { topics: tag('vision'), hasArxivAbstract: true }),
    entry(4),
  ];
  const past: PastEdition[] = [
    { startDate: '2024-03-04', papers: 10, counts: { agents: 1, vision: 3 } },
    { startDate: '2024-03-11', papers: 10, counts: { agents: 0, vision: 1, speech: 2 } },
  ];

  it('counts papers per topic in taxonomy order against the mean of the weeks before', () => {
    const f = editionFacts({ startDate: '2024-03-18', endDate: '2024-03-24' }, entries, past);
    assert.equal(f.papers, 4);
    assert.deepEqual(
      f.topics.map((t) => [t.slug, t.count, t.positions, t.previous, t.average, t.change]),
      [
        ['llm', 1, [1], [0, 0], 0, 1],
        ['agents', 2, [1, 2], [1, 0], 0.5, 1.5],
        ['vision', 1, [3], [3, 1], 2, -1],
        ['speech', 0, [], [0, 2], 1, -1],
      ],
    );
    assert.deepEqual(f.withCode, { count: 1, percent: 25, positions: [1] });
    assert.deepEqual(f.withArxivAbstract, { count: 2, percent: 50, positions: [1, 3] });
    assert.deepEqual(f.untagged, [4]);
    assert.deepEqual(f.previous, [{ startDate: '2024-03-04', papers: 10 }, { startDate: '2024-03-11', papers: 10 }]);
  });

  it('compares with at most the four latest editions given', () => {
    const many = ['02-05', '02-12', '02-19', '02-26', '03-04'].map((d, i) => ({ startDate: `2024-${d}`, papers: 5, counts: { agents: i } }));
    const f = editionFacts({ startDate: '2024-03-11', endDate: '2024-03-17' }, entries, many);
    assert.deepEqual(f.topics.find((t) => t.slug === 'agents')!.previous, [1, 2, 3, 4]);
    assert.equal(f.previous[0]!.startDate, '2024-02-12');
  });

  it('has no average or change without earlier editions, and an empty edition has no topics', () => {
    const f = editionFacts({ startDate: '2024-03-18', endDate: '2024-03-24' }, entries, []);
    assert.equal(f.topics[0]!.average, null);
    assert.equal(f.topics[0]!.change, null);
    const empty = editionFacts({ startDate: '2024-03-18', endDate: '2024-03-24' }, [], []);
    assert.deepEqual([empty.papers, empty.topics, empty.withCode.percent], [0, [], 0]);
  });

  it('lists every number the facts state, so an overview may quote them and nothing else', () => {
    const f = editionFacts({ startDate: '2024-03-18', endDate: '2024-03-24' }, entries, past);
    const n = factNumbers(f);
    for (const x of [4, 2, 0.5, 1.5, 25, 50, 10]) assert.ok(n.has(x), `${x} is a fact`);
    assert.ok(n.has(300), 'agents rose by 300% against its average of 0.5');
    assert.ok(!n.has(7), '7 is no fact of this edition');
  });
});
