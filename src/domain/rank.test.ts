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
  parseRankModel,
  popularityOf,
  recencyOf,
  serializeRankModel,
  topicFitOf,
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
      assert.ok(Math.abs(r.contributions.similarity + r.contributions.popularity + r.contributions.recency + r.contributions.topicFit - r.score) < 1e-12);
      assert.ok(r.popularity >= 0 && r.popularity <= 1);
    }
    // popularity is relative to the day's most upvoted paper
    assert.equal(a.find((r) => r.arxivId === '2404.00003')!.popularity, 1);
    assert.equal(a.find((r) => r.arxivId === '2404.00004')!.popularity, 1);
    assert.equal(a.find((r) => r.arxivId === '2404.00005')!.popularity, 0);
    assert.ok(a.find((r) => r.arxivId === '2404.00001')!.similarity > a.find((r) => r.arxivId === '2404.00003')!.similarity);
  });

  it('uses the given weights and per-day maxima', () => {
    const max = (upvotes: number) => ({ upvotes, comments: 0, githubStars: 0 });
    const onlyPop = rankCandidates(pool, { model, weights: { similarity: 0, popularity: 1, recency: 0, topicFit: 0 }, dayMaxima: new Map([['2024-04-01', max(100)], ['2024-04-02', max(5)]]) });
    assert.deepEqual(onlyPop.map((r) => r.arxivId), ['2404.00004', '2404.00003', '2404.00001', '2404.00002', '2404.00005']);
    assert.ok(Math.abs(onlyPop[1]!.popularity - Math.log1p(50) / Math.log1p(100)) < 1e-12);
  });
});

describe('the other signals', () => {
  const base: RankInput = { arxivId: '2404.00001', url: 'https://arxiv.org/abs/2404.00001', day: '2024-04-02', title: 'Agents', abstract: null, upvotes: 10 };

  it('popularity mixes upvotes, comments and stars, leaving out what the day has no counts for', () => {
    assert.equal(popularityOf({ upvotes: 10, comments: null, githubStars: null }, { upvotes: 10, comments: 0, githubStars: 0 }), 1);
    const mixed = popularityOf({ upvotes: 10, comments: 0, githubStars: 100 }, { upvotes: 10, comments: 4, githubStars: 100 });
    assert.ok(Math.abs(mixed - 0.85) < 1e-12, `0.7 + 0.15 of 1.0 → ${mixed}`);
    assert.equal(popularityOf({ upvotes: 3, comments: null }, undefined), 0);
  });

  it("recency is 1 within a week of the week's end and decays for older papers", () => {
    assert.equal(recencyOf({ day: '2024-04-02', publishedAt: null }, '2024-04-07'), 1);
    assert.equal(recencyOf({ day: '2024-04-02', publishedAt: '2024-04-01T10:00:00.000Z' }, '2024-04-07'), 1);
    const old = recencyOf({ day: '2024-04-02', publishedAt: '2023-12-01T00:00:00Z' }, '2024-04-07');
    assert.ok(old > 0 && old < 0.05, `four months old → ${old}`);
    assert.equal(recencyOf({ day: '2024-04-02', publishedAt: 'soon' }, '2024-04-07'), 1, 'an unreadable date costs nothing');
  });

  it("topic fit is the largest share among the candidate's topics", () => {
    const share = new Map([['llm', 0.9], ['agents', 0.2]]);
    assert.equal(topicFitOf({ topics: ['agents', 'llm'] }, share), 0.9);
    assert.equal(topicFitOf({ topics: ['speech'] }, share), 0);
    assert.equal(topicFitOf({ topics: [] }, share), 0);
  });

  it("without a model every candidate's similarity is 0 and the others still rank", () => {
    const r = rankCandidates(
      [
        { ...base, arxivId: '2404.00002', upvotes: 1, topics: ['llm'] },
        { ...base, upvotes: 1, topics: ['speech'], publishedAt: '2023-01-01T00:00:00Z' },
      ],
      { model: null, weekEnd: '2024-04-07', topicShare: new Map([['llm', 0.9]]) },
    );
    assert.deepEqual(r.map((x) => x.arxivId), ['2404.00002', '2404.00001']);
    assert.ok(r.every((x) => x.similarity === 0 && x.contributions.similarity === 0));
    assert.ok(Math.abs(r[0]!.contributions.topicFit - 0.9) < 1e-12);
  });

  it('a model survives serialisation with the same scores', () => {
    const m = trainRankModel([
      { text: 'reasoning agents language models', label: 1 },
      { text: 'gaussian splatting rendering', label: 0 },
      { text: 'agents tool use', label: 1 },
      { text: 'protein folding', label: 0 },
    ]);
    const back = parseRankModel(serializeRankModel(m));
    const a = rankCandidates([base, { ...base, arxivId: '2404.00009', title: 'protein rendering' }], { model: m });
    const b = rankCandidates([base, { ...base, arxivId: '2404.00009', title: 'protein rendering' }], { model: back });
    assert.deepEqual(a.map((x) => x.arxivId), b.map((x) => x.arxivId));
    assert.ok(Math.abs(a[0]!.similarity - b[0]!.similarity) < 1e-4);
    assert.throws(() => parseRankModel('{"v":2}'), /version 2/);
    assert.throws(() => parseRankModel('{"v":1,"documents":1,"bias":0,"idf":[["a","x"]],"weights":[]}'), /idf is not a list/);
  });
});
