// The rule tagger against monologg/nlp-arxiv-daily's keyword tags (eval/topics.ts) on the real
// lists: the shared papers are found, and the broad topics agree as a reader would expect.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topicAgreement } from '../eval/topics.js';

describe('topic tags against an independent labelling', () => {
  it('finds the papers both lists hold and agrees on LLMs and long context', () => {
    const a = topicAgreement();
    assert.ok(a.papers >= 40, `papers in both: ${a.papers}`);
    const topic = (slug: string) => a.perTopic.find((t) => t.slug === slug)!;
    assert.ok((topic('llm').recall ?? 0) >= 0.9, 'their LLM papers are ours too');
    assert.ok((topic('llm').precision ?? 0) >= 0.8);
    assert.equal(topic('long-context').recall, 1);
    assert.ok(a.meanJaccard >= 0.5, `mean Jaccard ${a.meanJaccard}`);
  });
});
