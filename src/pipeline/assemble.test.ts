import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assembleEditionView } from './assemble.js';
import { makeLink } from '../domain/links.js';
import type { Text } from '../domain/types.js';
import type { EditionBundle } from '../ports.js';

const text = (p: Partial<Text> & Pick<Text, 'ownerKind' | 'ownerId' | 'field' | 'lang' | 'body'>): Text => ({
  origin: 'upstream',
  model: null,
  promptVersion: null,
  status: 'approved',
  createdAt: 't',
  updatedAt: 't',
  ...p,
});

function bundle(): EditionBundle {
  return {
    edition: { id: 7, startDate: '2024-04-01', endDate: '2024-04-07', title: 'Top ML Papers of the Week (April 1 - April 7) - 2024', source: 'upstream', sourceRef: 'https://github.com/dair-ai/ML-Papers-of-the-Week#x', status: 'imported' },
    entries: [
      { id: 2, editionId: 7, position: 2, paperKey: 'url:https://github.com/princeton-nlp/SWE-agent', label: 'SWE-Agent', links: [makeLink('Paper', 'https://github.com/princeton-nlp/SWE-agent'), makeLink('Tweet', 'https://x.com/jyangballin/status/1775114444370051582')] },
      { id: 3, editionId: 7, position: 3, paperKey: 'arxiv:2404.02258', label: 'Mixture-of-Depths', links: [makeLink('Paper', 'https://arxiv.org/abs/2404.02258'), makeLink('Tweet', 'https://x.com/TheSeaMouse/status/1775782800362242157')] },
    ],
    papers: new Map([
      ['arxiv:2404.02258', { key: 'arxiv:2404.02258', arxivId: '2404.02258', url: 'https://arxiv.org/abs/2404.02258', authors: [], categories: [], publishedAt: null, updatedAt: null, enrichedAt: null }],
      ['url:https://github.com/princeton-nlp/SWE-agent', { key: 'url:https://github.com/princeton-nlp/SWE-agent', arxivId: null, url: 'https://github.com/princeton-nlp/SWE-agent', authors: [], categories: [], publishedAt: null, updatedAt: null, enrichedAt: null }],
    ]),
    texts: [
      text({ ownerKind: 'paper', ownerId: 'arxiv:2404.02258', field: 'title', lang: 'en', body: 'Mixture-of-Depths: Dynamically allocating compute in transformer-based language models', origin: 'arxiv' }),
      text({ ownerKind: 'paper', ownerId: 'arxiv:2404.02258', field: 'title', lang: 'ko', body: 'MoD(Mixture-of-Depths)', origin: 'llm', model: 'qwen2.5-72b', promptVersion: 'v1', status: 'draft' }),
      text({ ownerKind: 'paper', ownerId: 'arxiv:2404.02258', field: 'abstract', lang: 'en', body: 'Transformer-based language models spread FLOPs uniformly.', origin: 'arxiv' }),
      text({ ownerKind: 'entry', ownerId: '3', field: 'intro', lang: 'en', body: 'demonstrates that transformer models can learn to allocate FLOPs' }),
      text({ ownerKind: 'entry', ownerId: '3', field: 'intro', lang: 'ko', body: '트랜스포머 모델이 FLOP을 할당하는 방법을 학습', origin: 'human' }),
      text({ ownerKind: 'entry', ownerId: '2', field: 'intro', lang: 'en', body: 'a new open-source agentic system' }),
    ],
  };
}

describe('assembleEditionView', () => {
  const v = assembleEditionView(bundle(), 'ko');

  it('orders entries by position and takes the English heading from the paper, else the upstream label', () => {
    assert.deepEqual(v.entries.map((e) => e.position), [2, 3]);
    assert.equal(v.entries[0]!.titleEn, 'SWE-Agent');
    assert.match(v.entries[1]!.titleEn, /^Mixture-of-Depths: Dynamically/);
  });

  it('shows target texts with their provenance', () => {
    const mod = v.entries[1]!;
    assert.deepEqual([mod.title!.body, mod.title!.origin, mod.title!.model, mod.title!.status, mod.title!.fallback], ['MoD(Mixture-of-Depths)', 'llm', 'qwen2.5-72b', 'draft', false]);
    assert.equal(mod.intro!.origin, 'human');
  });

  it('falls back to the English text with the English provenance, and counts it', () => {
    const mod = v.entries[1]!;
    assert.deepEqual([mod.abstract!.body, mod.abstract!.lang, mod.abstract!.origin, mod.abstract!.fallback], ['Transformer-based language models spread FLOPs uniformly.', 'en', 'arxiv', true]);
    const swe = v.entries[0]!;
    assert.equal(swe.title!.fallback, true);
    assert.equal(swe.intro!.fallback, true);
    assert.equal(swe.abstract, null, 'no abstract in any language: no block');
    assert.equal(v.fallbacks, 3);
  });

  it('groups links: paper, code, more reading', () => {
    const [swe, mod] = v.entries;
    assert.equal(swe!.paperUrl, null);
    assert.deepEqual(swe!.codeUrls, ['https://github.com/princeton-nlp/SWE-agent']);
    assert.deepEqual(swe!.moreUrls, ['https://x.com/jyangballin/status/1775114444370051582']);
    assert.equal(mod!.paperUrl, 'https://arxiv.org/abs/2404.02258');
  });

  it('names the models that drafted shown texts, and links the upstream edition', () => {
    assert.deepEqual(v.models, ['qwen2.5-72b']);
    assert.equal(v.sourceUrl, 'https://github.com/dair-ai/ML-Papers-of-the-Week#x');
  });

  it('an English view carries no target-language texts', () => {
    const en = assembleEditionView(bundle(), 'en');
    assert.ok(en.entries.every((e) => e.title === null && e.intro === null && e.abstract === null));
    assert.deepEqual(en.models, []);
    assert.equal(en.fallbacks, 0);
  });
});
