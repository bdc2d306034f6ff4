import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fitTfidf,
  predict,
  rankCandidates,
  tfidf,
  tokenize,
  trainLogistic,
  trainRankModel,
  type RankInput,
} from './rank.js';

describe('tokenize', () => {
  it('lower-cases, keeps words of two letters or more and drops stop words', () => {
    assert.deepEqual(tokenize('The LLM-based Agents of 2024: a RAG x Study in Ko한글'), ['llm', 'agents', 'rag', 'ko한글']);
    assert.deepEqual(tokenize('GPT4o and o1'), ['gpt']);
    assert.deepEqual(tokenize(''), []);
  });
});

describe('tfidf', () => {
  it('gives rarer terms a higher idf and L2-normalised vectors', () => {
    const corpus = [['llm', 'agents'], ['llm', 'diffusion'], ['llm', 'agents'], ['llm']];
    const m = fitTfidf(corpus);
    const idf = (t: string) => m.idf.get(t)!;
    assert.ok(idf('diffusion') > idf('agents'));
    assert.ok(idf('agents') > idf('llm'));
    assert.ok(idf('llm') > 0, 'smoothed: a term in every document still counts');
    const v = tfidf(m, ['llm', 'diffusion', 'diffusion', 'unseen']);
    assert.equal(v.has('unseen'), false);
    const norm = Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-12);
    assert.equal(tfidf(m, ['unseen']).size, 0);
  });
});

describe('logistic regression', () => {
  const toy = [
    ['language model reasoning agents', 1],
    ['agents plan with language model tools', 1],
    ['reasoning in large language model chains', 1],
    ['retrieval augmented language model agents', 1],
    ['image diffusion generation video', 0],
    ['video diffusion for image editing', 0],
    ['3d gaussian splatting image rendering', 0],
    ['text to video diffusion generation', 0],
  ] as const;

  it('separates a toy two-class corpus, the same way every time', () => {
    const tokens = toy.map(([t]) => tokenize(t));
    const m = fitTfidf(tokens);
    const examples = tokens.map((t, i) => ({ vector: tfidf(m, t), label: toy[i]![1] }));
    const model = trainLogistic(examples);
    for (const e of examples) assert.equal(predict(model, e.vector) > 0.5, e.label === 1);
    assert.ok(predict(model, tfidf(m, tokenize('language agents reasoning'))) > 0.7);
    assert.ok(predict(model, tfidf(m, tokenize('diffusion video image'))) < 0.3);
    assert.deepEqual(trainLogistic(examples), model);
  });
});

describe('rankCandidates', () => {
  const model = trainRankModel([
    { text: 'reasoning agents with language models', label: 1 },
    { text: 'long context language models', label: 1 },
    { text: 'image diffusion video', label: 0 },
    { text: 'gaussian splatting rendering', label: 0 },
  ]);
  const c = (arxivId: string, day: string, title: string, upvotes: number | null): RankInput => ({
    arxivId,
    url: `https://arxiv.org/abs/${arxivId}`,
    day,
    title,
    abstract: null,
    upvotes,
  });
  const pool = [
    c('2404.00003', '2024-04-01', 'Video diffusion at scale', 50),
    c('2404.00002', '2024-04-01', 'Reasoning agents', 10),
    c('2404.00001', '2024-04-01', 'Reasoning agents', 10),
    c('2404.00004', '2024-04-02', 'Gaussian splatting', 5),
    c('2404.00005', '2024-04-02', 'Long context language models', null),
  ];

  it('is deterministic, breaks ties by arXiv id and explains the score', () => {
    const a = rankCandidates(pool, { model });
    const b = rankCandidates([...pool].reverse(), { model });
    assert.deepEqual(a.map((r) => r.arxivId), b.map((r) => r.arxivId));
    assert.deepEqual(a.map((r) => r.rank), [1, 2, 3, 4, 5]);
    const i1 = a.findIndex((r) => r.arxivId === '2404.00001');
    const i2 = a.findIndex((r) => r.arxivId === '2404.00002');
    assert.equal(i2, i1 + 1, 'equal scores: lower arXiv id first');
    for (const r of a) {
      assert.ok(Math.abs(r.contributions.similarity + r.contributions.popularity - r.score) < 1e-12);
      assert.ok(r.popularity >= 0 && r.popularity <= 1);
    }
    // popularity is relative to the day's most upvoted paper
    assert.equal(a.find((r) => r.arxivId === '2404.00003')!.popularity, 1);
    assert.equal(a.find((r) => r.arxivId === '2404.00004')!.popularity, 1);
    assert.equal(a.find((r) => r.arxivId === '2404.00005')!.popularity, 0);
    assert.ok(a.find((r) => r.arxivId === '2404.00001')!.similarity > a.find((r) => r.arxivId === '2404.00003')!.similarity);
  });

  it('uses the given weights and per-day maxima', () => {
    const onlyPop = rankCandidates(pool, { model, weights: { similarity: 0, popularity: 1 }, upvotesPerDay: new Map([['2024-04-01', 100], ['2024-04-02', 5]]) });
    assert.deepEqual(onlyPop.map((r) => r.arxivId), ['2404.00004', '2404.00003', '2404.00001', '2404.00002', '2404.00005']);
    assert.ok(Math.abs(onlyPop[1]!.popularity - Math.log1p(50) / Math.log1p(100)) < 1e-12);
  });
});
