// Checking end to end: the reference week's imported texts, dismissals, the publish gate, and
// standalone pairs as JSON Lines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { publishBlockers } from '../src/pipeline/check.js';

for (const engine of ENGINES) {
  describe(`check on ${engine.name}`, () => {
    let t: TestStore;
    before(async () => {
      t = await engine.open();
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
      assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko'], t.env)).code, 0);
    });
    after(async () => {
      await t?.cleanup();
    });

    it('finds the reference post\'s real mistakes and stores them with spans', async () => {
      const r = await cli(['check', '--week', '2024-04-01', '--lang', 'ko', '--json'], t.env);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.texts, 30);
      const all = j.checked.flatMap((c: { position: number; field: string; findings: Array<{ rule: string; severity: string; message: string; sourceSpan: number[] | null; draftSpan: number[] | null }> }) => c.findings.map((f) => ({ ...f, position: c.position, field: c.field })));
      // LongICLBench: "2K to 50K tokens" became "2K에서 50만 토큰"
      const fifty = all.find((f: { rule: string; message: string }) => f.rule === 'numbers' && /50K/.test(f.message) && /50만/.test(f.message));
      assert.ok(fifty, 'the 50K → 50만 mistake is reported');
      assert.equal(fifty.severity, 'error');
      assert.equal(fifty.position, 4);
      assert.ok(fifty.sourceSpan && fifty.draftSpan);
      // SWE-Agent: "SWE-bench" became "SWE-벤치"
      assert.ok(all.some((f: { rule: string; message: string; position: number }) => f.rule === 'names' && f.position === 2 && /SWE-bench/.test(f.message)));
      assert.ok(j.errors >= 2);
      const text = await cli(['check', '--week', '2024-04-01', '--lang', 'ko', '--fail-on', 'error'], t.env);
      assert.equal(text.code, 65);
      assert.match(text.out, /#\d+ entry 4 abstract\s+error\s+numbers\s+.*50K.*50만/);
      assert.match(text.out, /block publishing/);
    });

    it('blocks publishing while errors are open; a dismissal records who and why and survives a re-check', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      let gate = await publishBlockers(t.store, ed.id, 'ko');
      assert.ok(gate.errors.length >= 2);
      assert.deepEqual(gate.unchecked, []);
      const j = JSON.parse((await cli(['check', '--week', '2024-04-01', '--lang', 'ko', '--json'], t.env)).out);
      const errors = j.checked.flatMap((c: { findings: Array<{ id: number; severity: string; dismissed: unknown }> }) => c.findings).filter((f: { severity: string; dismissed: unknown }) => f.severity === 'error' && !f.dismissed);
      for (const f of errors) {
        const d = await cli(['findings', 'dismiss', String(f.id), '--by', 'editor@example.org', '--why', 'checked by hand'], t.env);
        assert.equal(d.code, 0, d.err);
      }
      gate = await publishBlockers(t.store, ed.id, 'ko');
      assert.deepEqual(gate.errors, []);
      const again = JSON.parse((await cli(['check', '--week', '2024-04-01', '--lang', 'ko', '--json'], t.env)).out);
      assert.equal(again.errors, 0);
      assert.equal(again.dismissed, errors.length + (j.dismissed as number));
      assert.equal((await cli(['check', '--week', '2024-04-01', '--lang', 'ko', '--fail-on', 'error'], t.env)).code, 0);
    });

    it('a changed text is unchecked until checked again, and its new mistakes block', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      const [entry] = (await t.store.getEntries([ed.id])).filter((e) => e.position === 1);
      await t.store.putTexts([{ ownerKind: 'entry', ownerId: String(entry!.id), field: 'intro', lang: 'ko', body: 'LLM의 안전장치를 회피하는 기법으로, 최종 질문 앞에 매우 많은 수의 가짜 대화(~2560개)를 포함합니다.', origin: 'human', model: null, promptVersion: null, status: 'approved' }]);
      let gate = await publishBlockers(t.store, ed.id, 'ko');
      assert.deepEqual(gate.unchecked.map((u) => [u.position, u.field]), [[1, 'intro']]);
      await cli(['check', '--week', '2024-04-01', '--lang', 'ko'], t.env);
      gate = await publishBlockers(t.store, ed.id, 'ko');
      assert.deepEqual(gate.unchecked, []);
      assert.ok(gate.errors.some((f) => f.position === 1 && f.rule === 'numbers' && /2560/.test(f.message)));
    });

    it('dismissing needs an existing finding, a who and a why', async () => {
      assert.equal((await cli(['findings', 'dismiss', '999999', '--by', 'a', '--why', 'b'], t.env)).code, 3);
      assert.equal((await cli(['findings', 'dismiss', 'abc', '--by', 'a', '--why', 'b'], t.env)).code, 2);
      assert.equal((await cli(['findings', 'dismiss', '1', '--by', 'a'], t.env)).code, 2);
    });
  });
}

describe('check --pairs', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-pairs-'));
  });

  it('prints one JSON line per pair with spans in UTF-16 code units; a bad line is named and skipped', async () => {
    const source = 'We evaluate 13 long-context LLMs with inputs from 2K to 50K tokens 🙂 on https://example.org/bench.';
    const draft = '13개의 긴 컨텍스트 LLM을 2K에서 50만 토큰 🙂 입력으로 평가합니다: https://example.org/bench';
    const file = join(dir, 'pairs.jsonl');
    writeFileSync(file, [JSON.stringify({ id: 'a', lang: 'ko', source, draft }), '{not json', JSON.stringify({ id: 2, lang: 'ko', source: 'A 2x speed-up.', draft: '2배 빨라집니다.' }), JSON.stringify({ id: 'c', lang: 'ko', source: 'x' })].join('\n'));
    const t = await (await import('./support/stores.js')).openSqlite();
    try {
      const r = await cli(['check', '--pairs', file, '--json'], t.env);
      assert.equal(r.code, 65, 'a bad line makes the run partial');
      const out = r.out.split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(out.map((o) => o.id), ['a', 2]);
      const f = out[0].findings.find((x: { rule: string }) => x.rule === 'numbers');
      assert.ok(f, JSON.stringify(out[0]));
      assert.equal(source.slice(f.source_span[0], f.source_span[1]).includes('50K'), true);
      assert.equal(draft.slice(f.draft_span[0], f.draft_span[1]).includes('50만'), true);
      assert.deepEqual(out[1].findings, []);
      assert.match(r.err, /pairs\.jsonl:2: .*line skipped/);
      assert.match(r.err, /pairs\.jsonl:4: draft/);
    } finally {
      await t.cleanup();
    }
  });
});
