import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOPICS, tagPaper, taxonomyProblems, type Topic } from './topics.js';

const slugs = (p: Parameters<typeof tagPaper>[0], topics?: readonly Topic[]) => tagPaper(p, topics).map((t) => t.slug);

describe('tagging a paper by the rules', () => {
  it('tags the reference week\'s papers with what a reader would expect', () => {
    // titles and intros as the 2024-04-01 edition of the upstream list gives them
    assert.deepEqual(slugs({ title: 'Many-shot Jailbreaking', intro: 'proposes a jailbreaking technique called many-shot jailbreaking to evade the safety guardrails of LLMs; this jailbreaking technique exploits the longer context window supported by many modern LLMs' }), ['llm', 'long-context', 'safety']);
    assert.deepEqual(slugs({ title: 'SWE-Agent', intro: 'a new open-source agentic system that can automatically solve GitHub issues with similar accuracy as Devin on the SWE-bench', categories: ['cs.SE'] }), ['agents', 'code']);
    assert.deepEqual(slugs({ title: 'Mixture-of-Depths', intro: 'demonstrates that transformer models can learn to efficiently and dynamically allocate FLOPs to specific positions in a sequence' }), ['efficiency']);
    assert.deepEqual(slugs({ title: 'Visualization-of-Thought Elicits Spatial Reasoning in Large Language Models', categories: ['cs.CL'] }), ['llm', 'reasoning']);
  });

  it('uses arXiv categories on their own, and says which rule fired', () => {
    const tags = tagPaper({ title: 'A study', categories: ['cs.RO', 'cs.CV'] });
    assert.deepEqual(tags, [
      { slug: 'vision', source: 'rules', evidence: ['category:cs.CV'] },
      { slug: 'robotics', source: 'rules', evidence: ['category:cs.RO'] },
    ]);
    assert.deepEqual(tagPaper({ title: 'Jailbreaking LLMs', intro: 'a jailbreak attack' }).find((t) => t.slug === 'safety')?.evidence, ['phrase:jailbreaking', 'phrase:jailbreak', 'phrase:attack']);
  });

  it('matches whole words only: "rag" is not in "leverage", "agent" not in "reagent"', () => {
    assert.deepEqual(slugs({ title: 'We leverage fragments of reagents' }), []);
    assert.deepEqual(slugs({ title: 'RAG with agents' }), ['agents', 'retrieval']);
  });

  it('knows nothing of papers without a matching phrase or category', () => {
    assert.deepEqual(slugs({ title: '' }), []);
    assert.deepEqual(slugs({ title: '대규모 언어 모델' }), [], 'the rules read the English texts');
  });

  it('takes an edited taxonomy, and refuses one that cannot work, naming the topic', () => {
    const mine: Topic[] = [{ slug: 'graphs', name: 'graphs', phrases: ['graph neural network*', 'gnn*'], categories: [] }];
    assert.deepEqual(slugs({ title: 'Scaling GNNs' }, mine), ['graphs']);
    assert.deepEqual(taxonomyProblems(DEFAULT_TOPICS), []);
    assert.deepEqual(taxonomyProblems([...mine, { slug: 'graphs', name: '', phrases: [], categories: [] }, { slug: 'Bad Slug', name: 'x', phrases: ['UPPER'], categories: [] }]), [
      'topic 2 (graphs): the slug is used twice',
      'topic 2 (graphs): the name is empty',
      'topic 2 (graphs): no phrase and no category, so no paper can carry it',
      'topic 3 (Bad Slug): the slug must be lower-case letters, digits and dashes',
      'topic 3 (Bad Slug): phrase "UPPER" must be lower-case, trimmed and not empty',
    ]);
  });
});
