import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bodyQuery, gramQuery, hangulGrams } from './grams.js';

describe('hangul grams', () => {
  it('writes every syllable and neighbouring pair of Hangul as a delimited token, nothing for other scripts', () => {
    assert.equal(hangulGrams('언어 모델의 LLM 뇌'), '^언$ ^언어$ ^어$ ^모$ ^모델$ ^델$ ^델의$ ^의$ ^뇌$');
    assert.equal(hangulGrams('Only English 123'), '');
  });
  it('queries the grams column for short Hangul and the body for the rest, quotes escaped', () => {
    assert.equal(gramQuery('모델'), 'grams : "^모델$"');
    assert.equal(gramQuery('뇌'), 'grams : "^뇌$"');
    assert.equal(bodyQuery('say "hi"'), 'body : "say ""hi"""');
  });
});
