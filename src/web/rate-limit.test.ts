import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimit } from './rate-limit.js';

describe('rate limit', () => {
  it('allows a burst, refuses the next, and refills at the steady rate', () => {
    let t = 0;
    const rl = rateLimit({ burst: 3, perMinute: 6, now: () => t });
    assert.deepEqual([rl.take('ip'), rl.take('ip'), rl.take('ip'), rl.take('ip')], [true, true, true, false]);
    assert.equal(rl.retryAfter('ip'), 10);
    assert.equal(rl.take('other'), true, 'keys count apart');
    t += 10_000;
    assert.equal(rl.take('ip'), true);
    assert.equal(rl.take('ip'), false);
  });
  it('stays bounded under a flood of new keys and keeps the recent ones', () => {
    let t = 0;
    const rl = rateLimit({ burst: 1, perMinute: 1, now: () => t, maxKeys: 100 });
    assert.equal(rl.take('busy'), true);
    for (let i = 0; i < 99; i++) rl.take(`k${i}`);
    t += 1;
    assert.equal(rl.take('busy'), false, 'the busy key is still remembered');
  });
});
