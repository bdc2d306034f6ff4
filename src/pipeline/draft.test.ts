// The draft plan (pure): which texts need a call, with which task, source and prompt version; the
// derived intro (an entry without an English intro gets one written from its paper's abstract).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Entry, Text, TextInput } from '../domain/types.js';
import type { EditionBundle } from '../ports.js';
import { fitToContext, planDraft, promptVersionFor, type DraftField, type ModelIdentity } from './draft.js';
import { fieldSource, textIndex } from './entry-fields.js';
import { checkTargets } from './check.js';

const WHO: ModelIdentity = { provider: 'openai-compatible', model: 'm', promptVersion: 'draft-v1' };
const FIELDS: DraftField[] = ['title', 'intro', 'abstract'];
const ABSTRACT = 'We present JetMoE-8B, a mixture-of-experts model trained for less than $0.1 million on 1.25T tokens. It outperforms Llama2-7B.';
const INTRO_EN = 'JetMoE-8B is a cheap mixture-of-experts model.';
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

const T0 = '2024-04-01T00:00:00.000Z';
function text(t: Partial<TextInput> & Pick<TextInput, 'ownerKind' | 'ownerId' | 'field' | 'lang' | 'body'>): Text {
  return { origin: 'arxiv', model: null, promptVersion: null, status: 'approved', createdAt: T0, updatedAt: T0, ...t };
}

/** One edition: entry 1 (paper A) has only an English title and abstract; entry 2 (paper B) has an upstream intro too. */
function bundle(extra: Text[] = []): EditionBundle {
  const entries: Entry[] = [
    { id: 1, editionId: 1, position: 1, paperKey: 'arxiv:A', label: 'JetMoE', links: [] },
    { id: 2, editionId: 1, position: 2, paperKey: 'arxiv:B', label: 'Other', links: [] },
  ];
  const texts = [
    text({ ownerKind: 'paper', ownerId: 'arxiv:A', field: 'title', lang: 'en', body: 'JetMoE: Reaching Llama2 Performance with 0.1M Dollars' }),
    text({ ownerKind: 'paper', ownerId: 'arxiv:A', field: 'abstract', lang: 'en', body: ABSTRACT }),
    text({ ownerKind: 'paper', ownerId: 'arxiv:B', field: 'title', lang: 'en', body: 'Other paper' }),
    text({ ownerKind: 'paper', ownerId: 'arxiv:B', field: 'abstract', lang: 'en', body: 'Another abstract of a paper.' }),
    text({ ownerKind: 'entry', ownerId: '2', field: 'intro', lang: 'en', body: INTRO_EN, origin: 'upstream' }),
  ];
  // later texts replace earlier ones of the same (owner, field, lang)
  const byKey = new Map([...texts, ...extra].map((t) => [`${t.ownerKind}/${t.ownerId}/${t.field}/${t.lang}`, t]));
  return {
    edition: { id: 1, startDate: '2024-04-01', endDate: '2024-04-07', title: 'w', source: 'candidates', sourceRef: null, status: 'imported' },
    entries,
    papers: new Map(),
    texts: [...byKey.values()],
  };
}

/** A draft the step stored earlier, for `lang`'s intro of entry 1. */
function introDraft(lang: string, over: Partial<Text> = {}): Text {
  return text({
    ownerKind: 'entry',
    ownerId: '1',
    field: 'intro',
    lang,
    body: lang === 'en' ? 'JetMoE-8B is a mixture-of-experts model trained for under $0.1 million.' : 'JetMoE-8B는 10만 달러 미만으로 학습한 전문가 혼합 모델입니다.',
    origin: 'llm',
    model: 'm',
    promptVersion: 'intro-v1',
    status: 'draft',
    draft: { provider: 'openai-compatible', tokensIn: 1, tokensOut: 1, costUsd: 0, sourceHash: hash(ABSTRACT), glossaryVersion: planDraft(bundle(), { lang, fields: ['intro'], force: false, who: WHO, glossary: [] }).jobs[0]!.glossaryVersion, callId: 1 },
    ...over,
  });
}

const plan = (b: EditionBundle, lang: string, fields = FIELDS) => planDraft(b, { lang, fields, force: false, who: WHO, glossary: [] });
/** The plan for entry 1 only (the one without an English intro). */
const planOne = (b: EditionBundle, lang: string, fields = FIELDS) => plan({ ...b, entries: b.entries.filter((e) => e.id === 1) }, lang, fields);
const summary = (p: ReturnType<typeof plan>) => p.jobs.map((j) => ({ position: j.entry.position, task: j.task, promptVersion: j.promptVersion, fields: j.items.map((i) => i.field) }));

describe('fieldSource: the intro', () => {
  const get = (b: EditionBundle) => textIndex(b.texts);
  const [a, b] = bundle().entries as [Entry, Entry];

  it('is the entry\'s English intro when it has one', () => {
    assert.deepEqual(fieldSource(get(bundle()), b, 'intro'), { ownerKind: 'entry', ownerId: '2', source: INTRO_EN, derivedFrom: null });
  });

  it('is derived from the paper\'s abstract when the entry has no English intro', () => {
    assert.deepEqual(fieldSource(get(bundle()), a, 'intro'), { ownerKind: 'entry', ownerId: '1', source: ABSTRACT, derivedFrom: 'abstract' });
  });

  it('an English intro the LLM drafted is not its own source; one an editor edited since is not either', () => {
    assert.equal(fieldSource(get(bundle([introDraft('en')])), a, 'intro').derivedFrom, 'abstract');
    const edited = introDraft('en', { origin: 'human', editedBy: 'ed@example.org' });
    assert.deepEqual(fieldSource(get(bundle([edited])), a, 'intro'), { ownerKind: 'entry', ownerId: '1', source: ABSTRACT, derivedFrom: 'abstract' });
  });

  it('an English intro an editor wrote from scratch is the source', () => {
    const own = text({ ownerKind: 'entry', ownerId: '1', field: 'intro', lang: 'en', body: 'Written by an editor.', origin: 'human' });
    assert.deepEqual(fieldSource(get(bundle([own])), a, 'intro'), { ownerKind: 'entry', ownerId: '1', source: 'Written by an editor.', derivedFrom: null });
  });

  it('has no source when there is neither an intro nor an abstract', () => {
    const b0 = bundle();
    b0.texts = b0.texts.filter((t) => !(t.ownerId === 'arxiv:A' && t.field === 'abstract'));
    assert.deepEqual(fieldSource(get(b0), a, 'intro'), { ownerKind: 'entry', ownerId: '1', source: null, derivedFrom: null });
  });
});

describe('planDraft: derived intros', () => {
  it('in a target language: the intro of an entry without an English intro is its own call, from the abstract, with the intro prompt', () => {
    const p = plan(bundle(), 'ko');
    assert.deepEqual(summary(p), [
      { position: 1, task: 'translate', promptVersion: 'draft-v1', fields: ['title', 'abstract'] },
      { position: 1, task: 'introduce', promptVersion: 'intro-v1', fields: ['intro'] },
      { position: 2, task: 'translate', promptVersion: 'draft-v1', fields: ['title', 'intro', 'abstract'] },
    ]);
    const intro = p.jobs[1]!.items[0]!;
    assert.deepEqual([intro.ownerKind, intro.ownerId, intro.source, intro.sourceHash, intro.task], ['entry', '1', ABSTRACT, hash(ABSTRACT), 'introduce']);
    assert.equal(p.counts.noSource, 0);
  });

  it('in English: only the derived intro is drafted; every other English text is a source', () => {
    const p = plan(bundle(), 'en');
    assert.deepEqual(summary(p), [{ position: 1, task: 'introduce', promptVersion: 'intro-v1', fields: ['intro'] }]);
    assert.equal(p.jobs[0]!.items[0]!.source, ABSTRACT);
    assert.deepEqual(p.counts, { upToDate: 0, kept: 0, imported: 0, noSource: 0 });
  });

  it('an entry with an English intro is planned as before: one translation call, the intro translated from it', () => {
    const p = plan(bundle(), 'ko');
    const job = p.jobs.find((j) => j.entry.id === 2)!;
    assert.equal(job.items.find((i) => i.field === 'intro')!.source, INTRO_EN);
    // the cache key of a translation is the one it always was: answers already paid for are still found
    const legacy = hash(JSON.stringify(['ko', WHO.provider, WHO.model, 'draft-v1', job.glossaryVersion, job.items.map((i) => [i.field, i.sourceHash])]));
    assert.equal(job.cacheKey, legacy);
  });

  it('the English intro the LLM drafted is not the source of the Korean one', () => {
    const p = plan(bundle([introDraft('en')]), 'ko', ['intro']);
    assert.equal(p.jobs[0]!.task, 'introduce');
    assert.equal(p.jobs[0]!.items[0]!.source, ABSTRACT);
  });

  it('the intro call has its own cache key component: not the key of a translation of the same source', () => {
    const p = plan(bundle(), 'ko');
    const intro = p.jobs.find((j) => j.task === 'introduce')!;
    const asTranslation = hash(JSON.stringify(['ko', WHO.provider, WHO.model, 'intro-v1', intro.glossaryVersion, [['intro', hash(ABSTRACT)]]]));
    assert.notEqual(intro.cacheKey, asTranslation);
    assert.notEqual(intro.cacheKey, plan(bundle(), 'en').jobs[0]!.cacheKey, 'per language');
    assert.equal(promptVersionFor('introduce', { ...WHO, introPromptVersion: 'intro-v9' }), 'intro-v9');
    const v9 = planDraft(bundle(), { lang: 'ko', fields: ['intro'], force: false, who: { ...WHO, introPromptVersion: 'intro-v9' }, glossary: [] });
    assert.notEqual(v9.jobs[0]!.cacheKey, intro.cacheKey, 'a new prompt version is a new key');
  });

  it('an up-to-date derived draft is left alone; a changed abstract makes it stale', () => {
    for (const lang of ['ko', 'en']) {
      const fresh = planOne(bundle([introDraft(lang)]), lang, ['intro']);
      assert.deepEqual([fresh.jobs.length, fresh.counts.upToDate], [0, 1], lang);
      const changed = bundle([introDraft(lang), text({ ownerKind: 'paper', ownerId: 'arxiv:A', field: 'abstract', lang: 'en', body: `${ABSTRACT} Revised.` })]);
      const again = planOne(changed, lang, ['intro']);
      assert.deepEqual(summary(again), [{ position: 1, task: 'introduce', promptVersion: 'intro-v1', fields: ['intro'] }], lang);
      assert.equal(again.jobs[0]!.items[0]!.sourceHash, hash(`${ABSTRACT} Revised.`));
    }
  });

  it('an approved intro and an editor\'s intro are kept, in English and in the target language', () => {
    for (const lang of ['ko', 'en']) {
      const approved = planOne(bundle([introDraft(lang, { status: 'approved', approvedBy: 'ed@example.org' })]), lang, ['intro']);
      assert.deepEqual([approved.jobs.length, approved.counts.kept], [0, 1], lang);
      const edited = planOne(bundle([introDraft(lang, { origin: 'human', editedBy: 'ed@example.org' })]), lang, ['intro']);
      assert.deepEqual([edited.jobs.length, edited.counts.kept], [0, 1], lang);
    }
    // --force redrafts neither
    const forced = planDraft(bundle([introDraft('ko', { status: 'approved' })]), { lang: 'ko', fields: ['intro'], force: true, who: WHO, glossary: [] });
    assert.deepEqual(forced.jobs.map((j) => j.entry.id), [2], 'only the other entry\'s intro');
  });

  it('a draft of the intro made by the translation prompt is redrafted with the intro prompt', () => {
    const p = plan(bundle([introDraft('ko', { promptVersion: 'draft-v1' })]), 'ko', ['intro']);
    assert.equal(p.jobs[0]?.task, 'introduce');
  });

  it('a derived intro that would not fit the context is reported, not split', () => {
    const job = plan(bundle(), 'ko').jobs.find((j) => j.task === 'introduce')!;
    assert.deepEqual(fitToContext(job, 'ko', WHO, 100_000).jobs, [job]);
    const tight = fitToContext(job, 'ko', WHO, 50);
    assert.deepEqual([tight.jobs.length, tight.tooLong.map((i) => i.field)], [0, ['intro']]);
  });
});

describe('checkTargets: derived intros', () => {
  const b = bundle([introDraft('en'), introDraft('ko'), text({ ownerKind: 'entry', ownerId: '2', field: 'intro', lang: 'ko', body: '번역', origin: 'llm', status: 'draft' })]);

  it('checks a derived intro against the abstract, as a summary', () => {
    const ko = checkTargets(b, 'ko');
    const derived = ko.find((t) => t.ref.ownerId === '1' && t.ref.field === 'intro')!;
    assert.deepEqual([derived.source, derived.relation], [ABSTRACT, 'summary']);
    const translated = ko.find((t) => t.ref.ownerId === '2' && t.ref.field === 'intro')!;
    assert.deepEqual([translated.source, translated.relation], [INTRO_EN, 'translation']);
  });

  it('in English, only the derived intro is a text to check; the sources are not', () => {
    const en = checkTargets(b, 'en');
    assert.deepEqual(en.map((t) => [t.ref.ownerId, t.ref.field, t.relation, t.source]), [['1', 'intro', 'summary', ABSTRACT]]);
  });
});
