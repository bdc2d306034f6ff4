// The checker on a summary (a derived intro, written from the abstract): what it leaves out is no
// finding; what it adds or changes gets the same finding as in a translation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GlossaryTerm } from '../glossary.js';
import { checkText } from './engine.js';

const ABSTRACT =
  'We present JetMoE-8B, a mixture-of-experts model trained for less than $0.1 million on 1.25T tokens using 96 H100 GPUs for 2 weeks. ' +
  'It outperforms Llama2-7B on MMLU while using 2.2B active parameters. Code is at https://github.com/myshell-ai/JetMoE.';
const GLOSSARY: GlossaryTerm[] = [{ lang: 'ko', en: 'mixture-of-experts', target: '전문가 혼합', rule: 'translate', note: null, source: 'test' }];

const check = (lang: string, draft: string, relation?: 'translation' | 'summary') => checkText({ lang, source: ABSTRACT, draft, field: 'intro', glossary: GLOSSARY, ...(relation ? { relation } : {}) });
const rules = (fs: ReturnType<typeof check>) => fs.map((f) => `${f.rule}:${f.severity}`);

describe('checkText: a summary of its source', () => {
  it('a faithful intro in English or Korean has no findings, though it leaves most of the abstract out', () => {
    const en = 'JetMoE-8B is a cheap mixture-of-experts model that outperforms Llama2-7B. It cost less than $0.1 million to train.';
    const ko = 'JetMoE-8B는 10만 달러 미만의 비용으로 학습한 전문가 혼합 모델로, Llama2-7B를 능가합니다.';
    assert.deepEqual(check('en', en, 'summary'), []);
    assert.deepEqual(check('ko', ko, 'summary'), []);
    // as a translation the same text misses numbers, names, the link and most of the length
    const asTranslation = rules(check('ko', ko));
    for (const r of ['numbers:error', 'names:error', 'links:error', 'omission:error']) assert.ok(asTranslation.includes(r), r);
  });

  it('a number absent from the abstract is an error, with its place in the draft', () => {
    const draft = 'JetMoE-8B reaches 17 points on MMLU.';
    const found = check('en', draft, 'summary');
    assert.deepEqual(rules(found), ['numbers:error']);
    assert.equal(found[0]!.message, 'the draft has "17" (17), which is not in the source');
    assert.deepEqual(found[0]!.draftSpan, [18, 20]);
  });

  it('a changed number is reported as the draft\'s number, not as a pair', () => {
    const found = check('ko', 'JetMoE-8B는 50만 달러 미만으로 학습했습니다.', 'summary');
    assert.deepEqual(found.map((f) => [f.rule, f.message]), [['numbers', 'the draft has "50만 달러" ($500,000), which is not in the source']]);
  });

  it('names and links the draft adds, names spelt in Hangul and glossary terms it uses are held to the source', () => {
    assert.deepEqual(rules(check('en', 'JetMoE-8B beats GPT-4o.', 'summary')), ['names:warning']);
    assert.deepEqual(rules(check('en', 'JetMoE-8B, see https://evil.example/x.', 'summary')), ['links:error']);
    assert.deepEqual(rules(check('ko', '제트모이-8B는 저렴한 모델입니다.', 'summary')).filter((r) => r.startsWith('names')), ['names:error']);
    assert.deepEqual(rules(check('ko', 'JetMoE-8B는 mixture-of-experts 모델입니다.', 'summary')), ['glossary:warning']);
    assert.deepEqual(check('ko', 'JetMoE-8B는 저렴한 모델입니다.', 'summary'), [], 'a term it does not use is no finding');
  });

  it('a Korean sentence left in English is still reported', () => {
    assert.deepEqual(rules(check('ko', 'JetMoE-8B는 저렴합니다. It outperforms Llama2-7B on MMLU with very few active parameters.', 'summary')), ['omission:warning']);
  });
});
