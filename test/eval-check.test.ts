// The checker's evaluation as a test: the mutation suite's recall per rule and the error rate on
// correct pairs must meet their targets (npm run eval:check prints the same figures).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, mutants, NOTATION_PAIRS } from '../eval/check.js';

describe('checker evaluation', () => {
  const e = evaluate();

  it('has hundreds of mutants over every rule', () => {
    const total = Object.values(e.recall).reduce((n, r) => n + r.mutants, 0);
    assert.ok(total >= 300, `${total} mutants`);
    assert.deepEqual(Object.keys(e.recall).sort(), ['links', 'names', 'numbers']);
    assert.ok(mutants(NOTATION_PAIRS).filter((m) => m.rule === 'numbers').length >= 60);
  });

  for (const rule of ['numbers', 'names', 'links']) {
    it(`catches at least 95% of the ${rule} mutants`, () => {
      const r = e.recall[rule]!;
      assert.ok(r.recall >= 0.95, `${rule}: ${r.caught}/${r.mutants}; missed ${JSON.stringify(r.missed.slice(0, 10))}`);
    });
  }

  it('reports an error on at most 3% of the correct pairs', () => {
    assert.ok(e.errorRate <= 0.03, `errors on ${e.correctWithError.join(', ')}`);
  });

  it('flags the reference post\'s real mistakes', () => {
    const by = new Map(e.realPairs.map((p) => [p.id, p.findings]));
    assert.ok(by.get('post:4:abstract')!.some((f) => f.rule === 'numbers' && /50K/.test(f.message) && /50만/.test(f.message)));
    assert.ok(by.get('post:2:intro')!.some((f) => f.rule === 'names' && /SWE-bench/.test(f.message)));
    assert.ok(by.get('post:9:abstract')!.some((f) => f.rule === 'names' && /ULTRAINTERACT/.test(f.message)));
  });
});
