import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gramQuery, hangulGrams } from './grams.js';

describe('hangul grams', () => {
  it('indexes syllable pairs and each run\'s last syllable, nothing for other scripts', () => {
    assert.equal(hangulGrams('언어 모델의 LLM 뇌'), '언어 어 모델 델의 의 뇌');
    assert.equal(hangulGrams('Only English 123'), '');
  });
  it('asks for a pair as a token and a single syllable as a prefix', () => {
    assert.equal(gramQuery('모델'), '"모델"');
    assert.equal(gramQuery('뇌'), '"뇌"*');
  });
});
