// The pure status of an edition per language: every stage, every next-step hint, and the counts
// (fields present against expected, origins, approvals, findings on current wordings only).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EditionStatusInput, editionStatus, STAGES, type LangStatus, type StatusLangRows, type StatusText } from './edition-status.js';

const EDITION = { startDate: '2024-04-01', endDate: '2024-04-07', title: 'Top ML Papers of the Week (April 1 - April 7) - 2024', entries: 2 };
const WEEK = '--week 2024-04-01 --lang ko';

const text = (over: Partial<StatusText> = {}): StatusText => ({ field: 'title', origin: 'llm', status: 'draft', checked: true, findings: [], ...over });

/** two entries, every field drafted (title, intro, abstract each), an overview; all checked and clean, all drafts */
function rows(over: Partial<StatusLangRows> = {}): StatusLangRows {
  const fields = ['title', 'intro', 'abstract'] as const;
  return {
    lang: 'ko',
    slots: [0, 1].flatMap(() => fields.map((field) => ({ field, filled: true, hasSource: true }))),
    texts: [...[0, 1].flatMap(() => fields.map((field) => text({ field }))), text({ field: 'overview', origin: 'template' })],
    publications: [],
    deliveries: {},
    ...over,
  };
}

const status = (over: Partial<StatusLangRows> = {}): LangStatus => {
  const input = { edition: EDITION, langs: [rows(over)] };
  assert.ok(EditionStatusInput.safeParse(input).success, 'the rows match the input schema');
  const [l] = editionStatus(input).langs;
  return l!;
};

const approvedAll = (r = rows()): StatusText[] => r.texts.map((t) => ({ ...t, status: 'approved' }));
const PUBLISHED = [
  { channel: 'web', publishedAt: '2024-04-08T09:00:00.000Z', allowDrafts: false },
  { channel: 'email', publishedAt: '2024-04-08T09:00:00.000Z', allowDrafts: false },
];

describe('editionStatus: stages before publishing', () => {
  it('imported: no texts in the language yet; the hint drafts them', () => {
    const l = status({ slots: rows().slots.map((s) => ({ ...s, filled: false })), texts: [] });
    assert.equal(l.stage, 'imported');
    assert.equal(l.next, `draft the ko texts: paperboy draft ${WEEK}`);
    assert.deepEqual(l.texts, {
      present: 0,
      expected: 7,
      missing: 6,
      noSource: 0,
      byField: [
        { field: 'title', present: 0, expected: 2 },
        { field: 'intro', present: 0, expected: 2 },
        { field: 'abstract', present: 0, expected: 2 },
        { field: 'overview', present: 0, expected: 1 },
      ],
    });
  });

  it('drafting: fields with an English source but no text; those without a source do not hold it back', () => {
    const r = rows();
    const l = status({ slots: r.slots.map((s, i) => (i === 2 ? { ...s, filled: false } : s)), texts: r.texts.filter((_, i) => i !== 2) });
    assert.equal(l.stage, 'drafting');
    assert.equal(l.next, `draft the 1 missing ko text: paperboy draft ${WEEK}`);
    assert.equal(l.texts.missing, 1);
    const noSource = status({ slots: r.slots.map((s, i) => (i === 2 ? { field: s.field, filled: false, hasSource: false } : s)), texts: r.texts.filter((_, i) => i !== 2) });
    assert.equal(noSource.stage, 'review', 'a field with no English source cannot be drafted');
    assert.equal(noSource.texts.missing, 0);
    assert.equal(noSource.texts.noSource, 1);
    assert.deepEqual(noSource.texts.byField.find((f) => f.field === 'abstract'), { field: 'abstract', present: 1, expected: 2 });
  });

  it('checking: texts changed since their check (or never checked); stale findings do not count', () => {
    const r = rows();
    r.texts[0] = text({ checked: false, findings: [{ severity: 'error', dismissed: false }] });
    r.texts[1] = text({ field: 'intro', checked: false });
    const l = status(r);
    assert.equal(l.stage, 'checking');
    assert.equal(l.next, `check the 2 unchecked ko texts: paperboy check ${WEEK}`);
    assert.equal(l.unchecked, 2);
    assert.deepEqual(l.findings, { errors: 0, warnings: 0, dismissed: 0 });
    r.texts[1] = text({ field: 'intro' });
    assert.equal(status(r).next, `check the 1 unchecked ko text: paperboy check ${WEEK}`);
  });

  it('review: open errors block publishing, and the hint says how to list, fix or dismiss them', () => {
    const r = rows();
    r.texts[0] = text({ findings: [{ severity: 'error', dismissed: false }, { severity: 'warning', dismissed: false }, { severity: 'error', dismissed: true }] });
    r.texts[3] = text({ findings: [{ severity: 'error', dismissed: false }] });
    const l = status(r);
    assert.equal(l.stage, 'review');
    assert.equal(l.next, `2 errors block publishing: paperboy check ${WEEK} lists them; fix them on the desk (/desk) or dismiss them (paperboy findings dismiss ID --by WHO --why WHY)`);
    assert.deepEqual(l.findings, { errors: 2, warnings: 1, dismissed: 1 });
    r.texts[3] = text();
    assert.match(status(r).next, /^1 error blocks publishing: /);
  });

  it('review: no errors, but drafts no editor approved; an editor\'s own text needs no approval', () => {
    const r = rows();
    const l = status(r);
    assert.equal(l.stage, 'review');
    assert.equal(l.toApprove, 7);
    assert.equal(l.next, `approve 7 texts on the desk (/desk) or publish with --allow-drafts: paperboy publish ${WEEK} --to web,email --allow-drafts`);
    const texts = approvedAll(r);
    texts[0] = text({ origin: 'human', status: 'draft' });
    texts[1] = text({ field: 'intro', status: 'draft' });
    const one = status({ texts });
    assert.equal(one.toApprove, 1);
    assert.deepEqual(one.statuses, { draft: 2, approved: 5 });
    assert.match(one.next, /^approve 1 text on the desk/);
  });

  it('ready: checked, clean and approved; the hint publishes, and names the overview when there is none', () => {
    const l = status({ texts: approvedAll() });
    assert.equal(l.stage, 'ready');
    assert.equal(l.next, `publish: paperboy publish ${WEEK} --to web,email`);
    const noOverview = status({ texts: approvedAll().filter((t) => t.field !== 'overview') });
    assert.equal(noOverview.stage, 'ready');
    assert.equal(noOverview.next, `publish: paperboy publish ${WEEK} --to web,email (no ko overview yet: paperboy overview ${WEEK})`);
    assert.deepEqual(noOverview.texts.byField.at(-1), { field: 'overview', present: 0, expected: 1 });
  });
});

describe('editionStatus: after publishing', () => {
  const published = (over: Partial<StatusLangRows> = {}) => status({ texts: approvedAll(), publications: PUBLISHED, ...over });

  it('published on the web only: the hint offers e-mail', () => {
    const l = published({ publications: [PUBLISHED[0]!] });
    assert.equal(l.stage, 'published');
    assert.equal(l.next, `published on web; to e-mail it: paperboy publish ${WEEK} --to email`);
  });

  it('published by e-mail to nobody: done, and says so', () => {
    const l = published();
    assert.equal(l.stage, 'published');
    assert.equal(l.next, 'done: no ko subscriber was due this edition by e-mail');
  });

  it('delivering: queued deliveries wait for `paperboy send`; deliveries in flight are named apart', () => {
    const l = published({ deliveries: { pending: 3, accepted: 2 } });
    assert.equal(l.stage, 'delivering');
    assert.equal(l.next, '3 deliveries are waiting: paperboy send');
    assert.deepEqual(l.deliveries, { pending: 3, sending: 0, accepted: 2, bounced: 0, failed: 0, cancelled: 0 });
    assert.equal(published({ deliveries: { pending: 1 } }).next, '1 delivery is waiting: paperboy send');
    const flying = published({ deliveries: { sending: 2 } });
    assert.equal(flying.stage, 'delivering');
    assert.equal(flying.next, '2 deliveries in flight; if no worker is running, paperboy send takes them up');
  });

  it('delivered: every delivery finished; failures are pointed at, else done', () => {
    const ok = published({ deliveries: { accepted: 4, cancelled: 1 } });
    assert.equal(ok.stage, 'delivered');
    assert.equal(ok.next, 'done: 4 deliveries accepted');
    assert.equal(published({ deliveries: { accepted: 1 } }).next, 'done: 1 delivery accepted');
    const lost = published({ deliveries: { accepted: 4, bounced: 1, failed: 1 } });
    assert.equal(lost.stage, 'delivered');
    assert.equal(lost.next, '2 deliveries failed or bounced (not retried): paperboy subscribers export EMAIL says why');
  });

  it('what changed after publishing comes first once nothing waits to be sent: errors, then unchecked texts, then drafts', () => {
    const texts = approvedAll();
    texts[0] = text({ status: 'approved', findings: [{ severity: 'error', dismissed: false }] });
    texts[1] = text({ field: 'intro', status: 'approved', checked: false });
    texts[2] = text({ field: 'abstract', status: 'draft' });
    const deliveries = { accepted: 1 };
    const e = published({ texts, deliveries });
    assert.equal(e.stage, 'delivered');
    assert.equal(e.next, `1 error in the published ko texts: paperboy check ${WEEK} lists them; fix them on the desk (/desk) or dismiss them (paperboy findings dismiss ID --by WHO --why WHY)`);
    texts[0] = text({ status: 'approved' });
    assert.equal(published({ texts, deliveries }).next, `1 text changed since its last check: paperboy check ${WEEK}`);
    texts[1] = text({ field: 'intro', status: 'approved' });
    const drafts = published({ texts, deliveries, publications: PUBLISHED.map((p) => ({ ...p, allowDrafts: true })) });
    assert.equal(drafts.next, '1 text went out as drafts: approve it on the desk (/desk)');
    assert.equal(published({ texts, deliveries: { pending: 1 } }).next, '1 delivery is waiting: paperboy send', 'waiting mail comes first');
  });

  it('treats channels as open strings and lists publications oldest first', () => {
    const l = published({ publications: [{ channel: 'discourse', publishedAt: '2024-04-09T00:00:00.000Z', allowDrafts: false }, PUBLISHED[0]!] });
    assert.deepEqual(l.publications.map((p) => p.channel), ['web', 'discourse']);
    assert.equal(l.next, `published on web, discourse; to e-mail it: paperboy publish ${WEEK} --to email`);
  });
});

describe('editionStatus: counts and shape', () => {
  it('counts origins, optional fields and every language in the order given', () => {
    const ko = rows({ texts: [...rows().texts, text({ field: 'key_messages', origin: 'imported' })] });
    const ja = rows({ lang: 'ja', texts: [], slots: rows().slots.map((s) => ({ ...s, filled: false })) });
    const r = editionStatus({ edition: EDITION, langs: [ko, ja] });
    assert.deepEqual({ ...r, langs: undefined }, { ...EDITION, langs: undefined });
    assert.deepEqual(r.langs.map((l) => [l.lang, l.stage]), [['ko', 'review'], ['ja', 'imported']]);
    const k = r.langs[0]!;
    assert.deepEqual(k.origins, { llm: 6, template: 1, imported: 1 });
    assert.equal(k.texts.present, 8);
    assert.deepEqual(k.texts.byField.find((f) => f.field === 'key_messages'), { field: 'key_messages', present: 1, expected: null });
    assert.equal(r.langs[1]!.next, 'draft the ja texts: paperboy draft --week 2024-04-01 --lang ja');
  });

  it('an edition with no languages has no rows; the stages are listed in pipeline order', () => {
    assert.deepEqual(editionStatus({ edition: EDITION, langs: [] }).langs, []);
    assert.deepEqual([...STAGES], ['imported', 'drafting', 'checking', 'review', 'ready', 'published', 'delivering', 'delivered']);
  });
});
