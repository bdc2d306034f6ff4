import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summariseCosts } from './costs.js';
import type { LlmCallRow } from '../ports.js';

const call = (p: Partial<LlmCallRow>): LlmCallRow => ({
  id: 1, editionId: 1, entryId: 1, lang: 'ko', fields: ['title', 'intro'], cacheKey: 'k', provider: 'openai-compatible', model: 'm', promptVersion: 'draft-v1', glossaryVersion: 'g',
  tokensIn: 100, tokensOut: 100, tokensEstimated: false, costUsd: 0.002, status: 'ok', reason: null, result: { title: 'ab', intro: 'abcdefgh' }, startedAt: 't', durationMs: 1, ...p,
});

describe('summariseCosts', () => {
  it('adds calls up and shares a call among its fields by answer length', () => {
    const r = summariseCosts([call({}), call({ fields: ['abstract'], result: { abstract: 'x' }, tokensIn: 300, tokensOut: 500, costUsd: 0.01 })]);
    assert.deepEqual([r.total.calls, r.total.tokensIn, r.total.tokensOut, r.total.ok], [2, 400, 600, 2]);
    assert.ok(Math.abs(r.total.costUsd - 0.012) < 1e-12);
    assert.deepEqual(r.byField.title, { calls: 1, tokensIn: 20, tokensOut: 20, costUsd: 0.0004 });
    assert.deepEqual([r.byField.intro!.tokensIn, r.byField.abstract!.tokensOut], [80, 500]);
    assert.equal(r.byModel['openai-compatible/m']!.calls, 2);
  });

  it('counts failed calls and shares them evenly, and reports estimated tokens', () => {
    const r = summariseCosts([call({ status: 'failed', result: null, tokensOut: 0, tokensEstimated: true })]);
    assert.equal(r.total.failed, 1);
    assert.equal(r.total.estimatedTokens, 100);
    assert.deepEqual([r.byField.title!.tokensIn, r.byField.intro!.tokensIn], [50, 50]);
  });

  it('an edition never drafted costs nothing', () => {
    assert.deepEqual(summariseCosts([]).total, { calls: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, ok: 0, rejected: 0, failed: 0, estimatedTokens: 0 });
  });
});
