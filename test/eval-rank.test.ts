// The ranker against the upstream list's picks (eval/rank.ts) on the real pools: the structure of the
// numbers, not which ranking wins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankEvaluation, WEEKS } from '../eval/rank.js';

describe('rank evaluation', () => {
  it('scores the four weeks with recalls in [0, 1] and a random baseline near k / pool', () => {
    const r = rankEvaluation();
    assert.deepEqual(r.weeks.map((w) => w.week), [...WEEKS]);
    assert.equal(r.weeks.length, 4);
    const inUnit = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;
    for (const w of r.weeks) {
      assert.ok(w.poolSize > 20, `${w.week}: pool ${w.poolSize}`);
      assert.ok(w.picksInPool > 0 && w.picksInPool <= w.picksWithArxiv, `${w.week}: picks in pool ${w.picksInPool}`);
      for (const rec of [w.model, w.upvotes, w.random]) {
        assert.ok(inUnit(rec.at10) && inUnit(rec.at20), JSON.stringify(rec));
        assert.ok(rec.at20 >= rec.at10 - 1e-12);
      }
      assert.ok(w.training.positives > 0 && w.training.negatives > 0);
    }
    // over the weeks, 100 shuffles each, the random baseline is close to its expectation k / pool
    const mean = (f: (w: (typeof r.weeks)[number]) => number) => r.weeks.reduce((s, w) => s + f(w), 0) / r.weeks.length;
    assert.ok(Math.abs(mean((w) => w.random.at10) - mean((w) => w.randomExpected.at10)) < 0.05);
    assert.ok(Math.abs(mean((w) => w.random.at20) - mean((w) => w.randomExpected.at20)) < 0.05);
    for (const k of ['at10', 'at20'] as const) {
      for (const m of ['model', 'upvotes', 'random'] as const) assert.ok(inUnit(r.mean[m][k]));
    }
    assert.ok(Math.abs(r.modelMinusUpvotesAt10 - (r.mean.model.at10 - r.mean.upvotes.at10)) < 1e-12);
  });
});
