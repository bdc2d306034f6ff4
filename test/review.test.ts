// The review pipeline on both engines: an edit is re-checked at once and never overwrites a newer
// revision; approval skips what changed or has open errors; a reader's correction lands in the
// sentence it was meant for and keeps the old wording.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { approveTexts, decideCorrection, editText, reviewEdition, suggestCorrection } from '../src/pipeline/review.js';
import { splitSentences } from '../src/domain/sentences.js';
import { PaperboyError } from '../src/errors.js';
import type { ReviewText } from '../src/pipeline/review.js';

const now = () => new Date('2026-11-27T10:00:00Z');

for (const engine of ENGINES) {
  describe(`review on ${engine.name}`, () => {
    let t: TestStore;
    let editionId: number;
    const abstract4 = (texts: ReviewText[]) => texts.find((x) => x.position === 4 && x.ref.field === 'abstract')!;
    before(async () => {
      t = await engine.open();
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
      assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], t.env)).code, 0);
      assert.equal((await cli(['check', '--week', '2024-04-01', '--lang', 'ko'], t.env)).code, 0);
      editionId = (await t.store.getEditionByStart('2024-04-01'))!.id;
    });
    after(async () => {
      await t?.cleanup();
    });

    it('shows every target text beside its English source, with the checker\'s findings', async () => {
      const r = await reviewEdition(t.store, editionId, 'ko');
      assert.ok(r.texts.length >= 30);
      const a = abstract4(r.texts);
      assert.ok(a.source.includes('50K'));
      assert.ok(a.checked);
      const f = a.findings.find((x) => x.rule === 'numbers' && x.severity === 'error')!;
      assert.ok(f.draftSpan && a.text.body.slice(...f.draftSpan).includes('50만'));
      assert.ok(f.sourceSpan && a.source.slice(...f.sourceSpan).includes('50K'));
      assert.ok(r.counts.errors >= 1);
    });

    it('re-checks an edit at once, and refuses a second edit made over the same revision', async () => {
      const a = abstract4((await reviewEdition(t.store, editionId, 'ko')).texts);
      const fixed = a.text.body.replace('50만', '5만');
      const first = await editText(t.store, editionId, a.ref, { body: fixed, expectedRevision: a.text.revision!, by: 'a@example.org' }, now);
      assert.ok(first.saved);
      assert.equal(first.findings.filter((f) => f.rule === 'numbers' && f.severity === 'error').length, 0);
      const second = await editText(t.store, editionId, a.ref, { body: fixed + ' 덧붙임.', expectedRevision: a.text.revision!, by: 'b@example.org' }, now);
      assert.equal(second.saved, false);
      assert.ok(!second.saved && second.current.body === fixed && second.yours.endsWith('덧붙임.'));
      assert.equal((await t.store.getText(a.ref))!.body, fixed);
      assert.equal((await reviewEdition(t.store, editionId, 'ko')).blockers.errors.filter((e) => e.position === 4 && e.field === 'abstract').length, 0);
    });

    it('refuses an empty or oversized edit and a text that is not in the edition', async () => {
      const a = abstract4((await reviewEdition(t.store, editionId, 'ko')).texts);
      await assert.rejects(editText(t.store, editionId, a.ref, { body: ' \u200b ', expectedRevision: 1, by: 'x' }, now), (e: PaperboyError) => e.code === 'INPUT_INVALID' && /empty/.test(e.message));
      await assert.rejects(editText(t.store, editionId, a.ref, { body: 'x'.repeat(20_001), expectedRevision: 1, by: 'x' }, now), (e: PaperboyError) => e.code === 'INPUT_INVALID' && /too long/.test(e.message));
      await assert.rejects(editText(t.store, editionId, { ...a.ref, ownerId: 'arxiv:0000.00000' }, { body: 'x', expectedRevision: 1, by: 'x' }, now), (e: PaperboyError) => e.code === 'NOT_FOUND');
    });

    it('approves the texts without open errors and says why it skipped the others', async () => {
      const r = await approveTexts(t.store, editionId, 'ko', 'all-clean', 'a@example.org', now);
      const after = await reviewEdition(t.store, editionId, 'ko');
      const withErrors = after.texts.filter((x) => x.findings.some((f) => f.severity === 'error' && !f.dismissed));
      assert.equal(r.skipped.length, withErrors.length);
      assert.ok(r.skipped.every((s) => s.why === 'has open checker errors'));
      assert.equal(r.approved + withErrors.length, after.texts.length);
      assert.ok(withErrors.length > 0, 'the reference week has errors left to fix');
      const approved = after.texts.find((x) => x.text.status === 'approved')!;
      assert.equal(approved.text.approvedBy, 'a@example.org');
      // a stale revision is skipped, not approved
      const open = withErrors[0]!;
      const stale = await approveTexts(t.store, editionId, 'ko', [{ ...open.ref, revision: open.text.revision! - 1 }], 'a@example.org', now);
      assert.deepEqual([stale.approved, stale.skipped[0]?.why], [0, 'changed since you saw it']);
    });

    it('turns an accepted reader correction into the sentence it names, keeping the old wording', async () => {
      const intro = (await reviewEdition(t.store, editionId, 'ko')).texts.find((x) => x.position === 1 && x.ref.field === 'intro')!;
      const sentences = splitSentences(intro.text.body, 'ko');
      const last = sentences.length - 1;
      const c = await suggestCorrection(t.store, { editionId, ref: intro.ref, revision: intro.text.revision!, sentence: last, proposed: '<b>더 나은</b> 문장입니다.', note: '어색해요', reader: 'r1' }, now);
      assert.equal(c.original, sentences[last]!.text);
      const d = await decideCorrection(t.store, c.id, 'accept', 'a@example.org', now);
      assert.equal(d.decided, 'accepted');
      const text = (await t.store.getText(intro.ref))!;
      assert.ok(text.body.endsWith('<b>더 나은</b> 문장입니다.'));
      assert.ok(text.body.startsWith(sentences[0]!.text));
      assert.equal(text.correctedAt, now().toISOString());
      assert.equal((await t.store.getTextHistory(intro.ref))[0]!.body, intro.text.body);
      await assert.rejects(decideCorrection(t.store, c.id, 'reject', 'a@example.org', now), (e: PaperboyError) => e.code === 'NOT_FOUND');
    });

    it('reports a correction whose sentence is gone as stale, and writes nothing', async () => {
      const intro = (await reviewEdition(t.store, editionId, 'ko')).texts.find((x) => x.position === 2 && x.ref.field === 'intro')!;
      const c = await suggestCorrection(t.store, { editionId, ref: intro.ref, revision: intro.text.revision!, sentence: 0, proposed: '새 문장.', note: null, reader: 'r2' }, now);
      await editText(t.store, editionId, intro.ref, { body: '완전히 다른 글입니다.', expectedRevision: intro.text.revision!, by: 'a@example.org' }, now);
      const d = await decideCorrection(t.store, c.id, 'accept', 'a@example.org', now);
      assert.equal(d.decided, 'stale');
      assert.equal((await t.store.getText(intro.ref))!.body, '완전히 다른 글입니다.');
      assert.equal((await t.store.getCorrections({ id: c.id }))[0]!.status, 'pending');
    });

    it('refuses bad suggestions with a reason', async () => {
      const intro = (await reviewEdition(t.store, editionId, 'ko')).texts.find((x) => x.position === 3 && x.ref.field === 'intro')!;
      const s = { editionId, ref: intro.ref, revision: intro.text.revision!, sentence: 0, proposed: '좋은 문장.', note: null, reader: 'r3' };
      await assert.rejects(suggestCorrection(t.store, { ...s, proposed: '   ' }, now), /empty/);
      await assert.rejects(suggestCorrection(t.store, { ...s, proposed: 'x'.repeat(2001) }, now), /too long/);
      await assert.rejects(suggestCorrection(t.store, { ...s, sentence: 99 }, now), /no sentence 100/);
      await assert.rejects(suggestCorrection(t.store, { ...s, revision: 42 }, now), (e: PaperboyError) => e.code === 'NOT_FOUND');
      await assert.rejects(suggestCorrection(t.store, { ...s, ref: { ...s.ref, lang: 'ja' } }, now), (e: PaperboyError) => e.code === 'NOT_FOUND');
    });
  });
}
