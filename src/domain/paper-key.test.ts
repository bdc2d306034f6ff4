import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseUrl, paperIdentity, parseArxivId } from './paper-key.js';

describe('paperIdentity: one key per paper whatever the URL form', () => {
  const same = [
    'https://arxiv.org/abs/2404.02258',
    'http://arxiv.org/abs/2404.02258',
    'https://arxiv.org/abs/2404.02258v2',
    'https://arxiv.org/abs/2404.02258/',
    'https://arxiv.org/abs/2404.02258?utm_source=x',
    'https://arxiv.org/pdf/2404.02258',
    'https://arxiv.org/pdf/2404.02258v1.pdf',
    'https://arxiv.org/html/2404.02258v1',
    'https://www.arxiv.org/abs/2404.02258#section',
    'https://export.arxiv.org/abs/2404.02258',
    'HTTPS://ARXIV.ORG/abs/2404.02258',
    '2404.02258v3',
    'arXiv:2404.02258',
  ];
  for (const url of same) it(url, () => assert.deepEqual(paperIdentity(url), { key: 'arxiv:2404.02258', arxivId: '2404.02258', url: 'https://arxiv.org/abs/2404.02258' }));

  it('old-style ids keep their archive and lose the version', () => {
    assert.equal(paperIdentity('https://arxiv.org/abs/quant-ph/0201082v1').key, 'arxiv:quant-ph/0201082');
    assert.equal(parseArxivId('astro-ph/0601001'), 'astro-ph/0601001');
  });

  it('a five-digit new-style id', () => assert.equal(paperIdentity('https://arxiv.org/abs/2310.10631').arxivId, '2310.10631'));

  it('non-arXiv papers are keyed by their normalised URL', () => {
    const a = paperIdentity('http://www.anthropic.com/research/many-shot-jailbreaking/?utm_campaign=x#top');
    const b = paperIdentity('https://anthropic.com/research/many-shot-jailbreaking');
    assert.equal(a.key, 'url:https://anthropic.com/research/many-shot-jailbreaking');
    assert.equal(a.key, b.key);
    assert.equal(a.arxivId, null);
  });

  it('keeps meaningful query parameters, drops tracking ones, sorts the rest', () => {
    assert.equal(normaliseUrl('https://x.com/a/status/1?s=20&t=abc'), 'https://x.com/a/status/1');
    assert.equal(normaliseUrl('https://example.org/p?id=3&utm_medium=m&a=1'), 'https://example.org/p?a=1&id=3');
  });

  it('not an arXiv id', () => {
    assert.equal(parseArxivId('abc'), null);
    assert.equal(parseArxivId('2404.225'), null);
    assert.equal(paperIdentity('https://arxiv.org/list/cs.CL/recent').arxivId, null);
  });
});
