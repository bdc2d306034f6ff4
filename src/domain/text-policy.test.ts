import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideText } from './text-policy.js';
import type { Text, TextInput } from './types.js';

const base: TextInput = { ownerKind: 'paper', ownerId: 'arxiv:1', field: 'abstract', lang: 'en', body: 'A', origin: 'upstream', model: null, promptVersion: null, status: 'approved' };
const stored = (p: Partial<Text>): Text => ({ ...base, createdAt: 't', updatedAt: 't', ...p });

describe('decideText', () => {
  const cases: Array<[string, Text | undefined, Partial<TextInput>, string]> = [
    ['nothing stored', undefined, {}, 'insert'],
    ['same body and provenance', stored({}), {}, 'unchanged'],
    ['upstream row changed', stored({}), { body: 'B' }, 'replace'],
    ['arXiv abstract over the upstream CSV one', stored({}), { origin: 'arxiv', body: 'B' }, 'replace'],
    ['arXiv abstract over an imported one', stored({ origin: 'imported' }), { origin: 'arxiv', body: 'B' }, 'replace'],
    ['upstream never replaces arXiv', stored({ origin: 'arxiv' }), { origin: 'upstream', body: 'B' }, 'keep'],
    ['an import does not replace arXiv', stored({ origin: 'arxiv' }), { origin: 'imported', body: 'B' }, 'keep'],
    ['nothing replaces an editor', stored({ origin: 'human' }), { origin: 'arxiv', body: 'B' }, 'keep'],
    ['an import does not replace an editor', stored({ origin: 'human', lang: 'ko' }), { origin: 'imported', lang: 'ko', body: 'B' }, 'keep'],
    ['an editor replaces anything', stored({ origin: 'llm', status: 'approved' }), { origin: 'human', body: 'B' }, 'replace'],
    ['an approved draft is kept from a new draft', stored({ origin: 'llm', status: 'approved', lang: 'ko' }), { origin: 'llm', status: 'draft', lang: 'ko', body: 'B' }, 'keep'],
    ['an approved import is kept from a re-import', stored({ origin: 'imported', status: 'approved', lang: 'ko' }), { origin: 'imported', status: 'draft', lang: 'ko', body: 'B' }, 'keep'],
    ['a re-import refreshes its own draft', stored({ origin: 'imported', status: 'draft', lang: 'ko' }), { origin: 'imported', status: 'draft', lang: 'ko', body: 'B' }, 'replace'],
    ['an import beats an LLM draft', stored({ origin: 'llm', status: 'draft', lang: 'ko' }), { origin: 'imported', status: 'draft', lang: 'ko', body: 'B' }, 'replace'],
  ];
  for (const [name, existing, incoming, want] of cases) {
    it(name, () => assert.equal(decideText(existing, { ...base, ...incoming }), want));
  }
});
