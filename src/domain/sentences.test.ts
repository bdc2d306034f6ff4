import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replaceSentence, splitSentences } from './sentences.js';

describe('sentences', () => {
  const ko = '대규모 언어 모델(LLM)은 32K 토큰을 처리합니다. 3.5배 빠릅니다!  마지막 문장';
  it('splits Korean text at sentence ends, not at decimals, with offsets into the text', () => {
    const s = splitSentences(ko, 'ko');
    assert.deepEqual(s.map((x) => x.text), ['대규모 언어 모델(LLM)은 32K 토큰을 처리합니다.', '3.5배 빠릅니다!', '마지막 문장']);
    for (const x of s) assert.equal(ko.slice(x.start, x.end), x.text);
  });
  it('has no sentences in white space', () => {
    assert.deepEqual(splitSentences('  \n '), []);
  });
  it('replaces the sentence the reader saw and keeps the rest byte for byte', () => {
    assert.equal(replaceSentence(ko, 'ko', { index: 1, original: '3.5배 빠릅니다!' }, ' 3.5배 더 빠릅니다! '), '대규모 언어 모델(LLM)은 32K 토큰을 처리합니다. 3.5배 더 빠릅니다!  마지막 문장');
  });
  it('finds a moved sentence by its wording, and gives up when it is gone or ambiguous', () => {
    const moved = '새 첫 문장입니다. ' + ko;
    assert.equal(replaceSentence(moved, 'ko', { index: 1, original: '3.5배 빠릅니다!' }, '고침.'), '새 첫 문장입니다. 대규모 언어 모델(LLM)은 32K 토큰을 처리합니다. 고침.  마지막 문장');
    assert.equal(replaceSentence('다른 글입니다.', 'ko', { index: 0, original: '3.5배 빠릅니다!' }, 'x'), null);
    assert.equal(replaceSentence('같다. 다르다. 같다.', 'ko', { index: 5, original: '같다.' }, 'x'), null);
  });
});
