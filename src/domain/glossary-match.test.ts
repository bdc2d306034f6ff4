import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GlossaryTerm } from './glossary.js';
import { compileGlossary, glossaryVersion, termsInSource } from './glossary-match.js';

const term = (en: string, target = `[${en}]`, p: Partial<GlossaryTerm> = {}): GlossaryTerm => ({
  lang: 'ko',
  en,
  target,
  rule: 'translate',
  note: null,
  source: 'test',
  ...p,
});

// a slice of the real guide's table, plus a few terms to show the rules
const TERMS: GlossaryTerm[] = [
  term('attention', '어텐션', { rule: 'transliterate' }),
  term('bias', '편향'),
  term('Batch Normalization', '배치 정규화'),
  term('normalization', '정규화'),
  term('CUDA', 'CUDA', { rule: 'keep' }),
  term('mini-batch', '미니 배치', { rule: 'transliterate' }),
  term('loss', '손실'),
  term('learning rate', '학습률'),
  term('learning', '학습'),
  term('deep neural network', '심층 신경망'),
  term('neural networks', '신경망'),
  term('Fine-tuning', '미세 조정'),
  term('rank 0', '0-순위'),
  term('C++', 'C++', { rule: 'keep' }),
  term('CNN', 'CNN', { rule: 'keep' }),
  term('size', '크기'),
  term('training', '학습'),
];

describe('termsInSource', () => {
  const cases: Array<[name: string, source: string, want: string[]]> = [
    ['nothing', 'A paper about cats.', []],
    ['case-insensitive', 'ATTENTION is all you need; cuda kernels', ['attention', 'CUDA']],
    ['whole words only', 'A biased estimator; attentional; normalized; lossy', []],
    ['plural -s', 'The biases of CNNs and their sizes', ['bias', 'CNN', 'size']],
    ['plural -es after a sibilant', 'losses over mini-batches', ['loss', 'mini-batch']],
    ['no -ed or -ing', 'sized, biased, attentioned', []],
    ['longest match wins', 'Batch Normalization helps.', ['Batch Normalization']],
    ['shorter term elsewhere still counts', 'Batch normalization, unlike layer normalization, ...', ['Batch Normalization', 'normalization']],
    ['order of first occurrence, each once', 'loss, bias, loss, attention, bias', ['loss', 'bias', 'attention']],
    ['words consumed by a longer term', 'the learning rate schedule', ['learning rate']],
    ['a shorter term at another place', 'learning the learning rate', ['learning', 'learning rate']],
    ['hyphen must match', 'mini batch and minibatch, but Mini-Batch', ['mini-batch']],
    ['line breaks are spaces', 'a deep\nneural   network', ['deep neural network']],
    ['no match across punctuation', 'deep, neural network', ['neural networks']],
    ['a plural term matches its singular', 'a neural network', ['neural networks']],
    ['punctuation inside a term', 'written in C++ and C', ['C++']],
    ['digits', 'tensors of rank 0', ['rank 0']],
    ['capitalised hyphenated term', 'fine-tuning and FINE-TUNING', ['Fine-tuning']],
    ['possessive', "the attention's weights", ['attention']],
    ['not inside a longer word', 'pretraining, retraining, CNNish', []],
  ];
  for (const [name, source, want] of cases) {
    it(name, () => assert.deepEqual(termsInSource(TERMS, source).map((t) => t.en), want));
  }

  it('reports terms with the same English together, in the order given', () => {
    const a = term('bias', '편향', { source: 'guide' });
    const b = term('Bias', '바이어스', { source: 'dict' });
    assert.deepEqual(termsInSource([a, b], 'bias terms'), [a, b]);
  });

  it('ignores a term without words', () => {
    const m = compileGlossary([term('  '), term('bias')]);
    assert.equal(m.size, 1);
    assert.deepEqual(m.find('bias').map((t) => t.en), ['bias']);
  });

  it('is fast: 1,000 terms × 2,000-character sources', () => {
    const words = ['model', 'layer', 'token', 'graph', 'agent', 'vision', 'policy', 'reward', 'memory', 'kernel', 'sparse', 'dense'];
    const terms: GlossaryTerm[] = [];
    for (let i = 0; i < 1000; i++) terms.push(term(`${words[i % 12]} ${words[Math.floor(i / 12) % 12]}${i >= 144 ? ` x${i}` : ''}`));
    let t0 = performance.now();
    const m = compileGlossary(terms);
    const compileMs = performance.now() - t0;
    let source = '';
    for (let i = 0; source.length < 2000; i++) source += `${words[(i * 7) % 12]} ${words[(i * 5) % 12]}s, `;
    source = source.slice(0, 2000);
    t0 = performance.now();
    let found = 0;
    for (let i = 0; i < 200; i++) found += m.find(source).length;
    const perSource = (performance.now() - t0) / 200;
    assert.ok(found > 0);
    assert.ok(compileMs < 500, `compile took ${compileMs} ms`);
    assert.ok(perSource < 5, `find took ${perSource} ms per source`);
  });
});

describe('glossaryVersion', () => {
  const base = [term('bias', '편향'), term('attention', '어텐션', { rule: 'transliterate' }), term('CUDA', 'CUDA', { rule: 'keep', note: '번역안함' })];
  const v = glossaryVersion(base);

  it('is 16 hex digits and FNV-1a 64 (empty glossary = the offset basis)', () => {
    assert.match(v, /^[0-9a-f]{16}$/);
    assert.equal(glossaryVersion([]), 'cbf29ce484222325');
  });

  it('does not change with order or the source name', () => {
    assert.equal(glossaryVersion([...base].reverse()), v);
    assert.equal(glossaryVersion(base.map((t) => ({ ...t, source: 'elsewhere' }))), v);
  });

  const changes: Array<[string, GlossaryTerm[]]> = [
    ['a target', [term('bias', '바이어스'), base[1]!, base[2]!]],
    ['a rule', [term('bias', '편향', { rule: 'keep' }), base[1]!, base[2]!]],
    ['an English term', [term('Bias', '편향'), base[1]!, base[2]!]],
    ['a language', [term('bias', '편향', { lang: 'ja' }), base[1]!, base[2]!]],
    ['a note', [term('bias', '편향', { note: 'x' }), base[1]!, base[2]!]],
    ['a term added', [...base, term('loss', '손실')]],
    ['a term removed', base.slice(1)],
    ['fields shifted between terms', [term('bias', '편향 ', {}), base[1]!, base[2]!]],
  ];
  for (const [name, terms] of changes) it(`changes with ${name}`, () => assert.notEqual(glossaryVersion(terms), v));
});
