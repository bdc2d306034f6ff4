import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assembleEditionView } from './assemble.js';
import { bundle } from '../../test/fixtures/edition-bundle.js';

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
