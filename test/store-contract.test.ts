// The store contract: the same suite, unchanged, on SQLite and on PostgreSQL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestStore } from './support/stores.js';
import { makeLink } from '../src/domain/links.js';
import { PaperboyError } from '../src/errors.js';

for (const engine of ENGINES) {
  describe(`store contract on ${engine.name}`, () => {
    let t: TestStore;
    before(async () => {
      t = await engine.open();
    });
    after(async () => {
      await t?.cleanup();
    });

    it('reports its engine', () => {
      assert.equal(t.store.engine, engine.name);
    });

    it('creates an edition and finds it by start date and by any date inside it', async () => {
      const e = await t.store.createEdition({ startDate: '2024-04-01', endDate: '2024-04-07', title: 'Top ML Papers of the Week (April 1 - April 7) - 2024', source: 'upstream', sourceRef: 'a', status: 'imported' });
      assert.ok(e.id > 0);
      assert.equal((await t.store.getEditionByStart('2024-04-01'))?.id, e.id);
      assert.deepEqual((await t.store.findEditionsCovering('2024-04-05')).map((x) => x.id), [e.id]);
      assert.deepEqual(await t.store.findEditionsCovering('2024-04-08'), []);
    });

    it('refuses a second edition with the same start date and leaves the first intact', async () => {
      await assert.rejects(
        t.store.createEdition({ startDate: '2024-04-01', endDate: '2024-04-08', title: 'dup', source: 'upstream', sourceRef: null, status: 'imported' }),
        (e: unknown) => e instanceof PaperboyError && e.code === 'STORE_FAILED',
      );
      assert.equal((await t.store.getEditionByStart('2024-04-01'))?.endDate, '2024-04-07');
    });

    it('returns overlapping editions latest start first', async () => {
      await t.store.createEdition({ startDate: '2024-04-07', endDate: '2024-04-14', title: 'overlap', source: 'upstream', sourceRef: null, status: 'imported' });
      assert.deepEqual((await t.store.findEditionsCovering('2024-04-07')).map((x) => x.startDate), ['2024-04-07', '2024-04-01']);
    });

    it('keeps a paper once, whatever inserts it again', async () => {
      await t.store.ensurePapers([{ key: 'arxiv:2404.02258', arxivId: '2404.02258', url: 'https://arxiv.org/abs/2404.02258' }]);
      await t.store.ensurePapers([{ key: 'arxiv:2404.02258', arxivId: '2404.02258', url: 'https://other' }]);
      const m = await t.store.getPapers(['arxiv:2404.02258', 'arxiv:missing']);
      assert.equal(m.size, 1);
      assert.equal(m.get('arxiv:2404.02258')?.url, 'https://arxiv.org/abs/2404.02258');
    });

    it('stores entries with ordered links and updates them', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      const links = [makeLink('Paper', 'https://arxiv.org/abs/2404.02258'), makeLink('Tweet', 'https://x.com/a/status/1'), makeLink('Paper', 'https://github.com/x/y')];
      const [entry] = await t.store.createEntries([{ editionId: ed.id, position: 3, paperKey: 'arxiv:2404.02258', label: 'Mixture-of-Depths', links }]);
      let [got] = await t.store.getEntries([ed.id]);
      assert.equal(got!.id, entry!.id);
      assert.deepEqual(got!.links.map((l) => l.kind), ['paper', 'tweet', 'code']);
      await t.store.updateEntry(entry!.id, { label: 'MoD', links: links.slice(0, 1) });
      [got] = await t.store.getEntries([ed.id]);
      assert.equal(got!.label, 'MoD');
      assert.equal(got!.links.length, 1);
    });

    it('refuses an entry for a paper it does not have', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      await assert.rejects(t.store.createEntries([{ editionId: ed.id, position: 9, paperKey: 'url:https://nowhere', label: 'x', links: [] }]), PaperboyError);
    });

    it('upserts a text per owner, field and language, with provenance', async () => {
      const base = { ownerKind: 'paper' as const, ownerId: 'arxiv:2404.02258', field: 'title' as const, model: null, promptVersion: null };
      await t.store.putTexts([{ ...base, lang: 'en', body: 'Mixture-of-Depths', origin: 'upstream', status: 'approved' }]);
      await t.store.putTexts([{ ...base, lang: 'ko', body: '깊이 혼합', origin: 'llm', model: 'm1', promptVersion: 'v1', status: 'draft' }]);
      await t.store.putTexts([{ ...base, lang: 'en', body: 'Mixture-of-Depths: Dynamically allocating compute', origin: 'arxiv', status: 'approved' }]);
      const texts = await t.store.getTexts([{ kind: 'paper', id: 'arxiv:2404.02258' }]);
      assert.equal(texts.length, 2);
      const en = texts.find((x) => x.lang === 'en')!;
      assert.equal(en.body, 'Mixture-of-Depths: Dynamically allocating compute');
      assert.equal(en.origin, 'arxiv');
      const ko = texts.find((x) => x.lang === 'ko')!;
      assert.deepEqual([ko.origin, ko.model, ko.promptVersion, ko.status], ['llm', 'm1', 'v1', 'draft']);
      assert.deepEqual(await t.store.getTexts([{ kind: 'paper', id: 'arxiv:2404.02258' }], ['abstract']), []);
    });

    it('records paper metadata from enrichment and errors', async () => {
      await t.store.setPaperMetadata('arxiv:2404.02258', { authors: ['David Raposo', 'Adam Santoro'], categories: ['cs.LG', 'cs.CL'], publishedAt: '2024-04-02T17:16:20Z', updatedAt: null }, '2026-01-01T00:00:00Z');
      let p = (await t.store.getPapers(['arxiv:2404.02258'])).get('arxiv:2404.02258')!;
      assert.deepEqual(p.authors, ['David Raposo', 'Adam Santoro']);
      assert.equal(p.enrichedAt, '2026-01-01T00:00:00Z');
      await t.store.setPaperEnrichError('arxiv:2404.02258', 'not found');
      p = (await t.store.getPapers(['arxiv:2404.02258'])).get('arxiv:2404.02258')!;
      assert.deepEqual(p.categories, ['cs.LG', 'cs.CL']);
      const withIds = await t.store.papersWithArxivId(null);
      assert.ok(withIds.some((x) => x.key === 'arxiv:2404.02258'));
    });

    it('bundles an edition with its entries, papers and texts', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      const b = await t.store.getEditionBundle(ed.id);
      assert.equal(b.entries.length, 1);
      assert.ok(b.papers.has('arxiv:2404.02258'));
      assert.equal(b.texts.filter((x) => x.ownerKind === 'paper').length, 2);
      assert.deepEqual((await t.store.papersWithArxivId(ed.id)).map((p) => p.key), ['arxiv:2404.02258']);
      await assert.rejects(t.store.getEditionBundle(999999), (e: unknown) => e instanceof PaperboyError && e.code === 'NOT_FOUND');
    });

    it('lists editions newest first with entry counts', async () => {
      const list = await t.store.listEditions();
      assert.deepEqual(list.map((e) => [e.startDate, e.entryCount]), [['2024-04-07', 0], ['2024-04-01', 1]]);
    });

    it('rolls back every write of a failed transaction', async () => {
      await assert.rejects(
        t.store.transaction(async (tx) => {
          await tx.createEdition({ startDate: '2030-01-01', endDate: '2030-01-07', title: 'x', source: 'upstream', sourceRef: null, status: 'imported' });
          await tx.ensurePapers([{ key: 'url:https://rollback', arxivId: null, url: 'https://rollback' }]);
          throw new Error('boom');
        }),
      );
      assert.equal(await t.store.getEditionByStart('2030-01-01'), null);
      assert.equal((await t.store.getPapers(['url:https://rollback'])).size, 0);
    });

    it('commits a transaction and sees its writes', async () => {
      const id = await t.store.transaction(async (tx) => {
        const e = await tx.createEdition({ startDate: '2030-02-01', endDate: '2030-02-07', title: 'y', source: 'upstream', sourceRef: null, status: 'imported' });
        await tx.updateEdition(e.id, { status: 'review', title: 'y2' });
        return e.id;
      });
      const e = await t.store.getEditionByStart('2030-02-01');
      assert.equal(e?.id, id);
      assert.equal(e?.status, 'review');
      assert.equal(e?.title, 'y2');
    });

    it('keeps glossary terms per language, one per English term whatever its case', async () => {
      const base = { rule: 'translate' as const, note: null, source: 'guide.md' };
      let r = await t.store.putGlossaryTerms([
        { ...base, lang: 'ko', en: 'attention', target: '어텐션', rule: 'transliterate' },
        { ...base, lang: 'ko', en: 'bias', target: '편향' },
        { ...base, lang: 'ja', en: 'bias', target: 'バイアス' },
      ]);
      assert.deepEqual(r, { inserted: 3, updated: 0, unchanged: 0 });
      r = await t.store.putGlossaryTerms([{ ...base, lang: 'ko', en: 'Bias', target: '편향(bias)', source: 'editor' }, { ...base, lang: 'ko', en: 'attention', target: '어텐션', rule: 'transliterate' }]);
      assert.deepEqual(r, { inserted: 0, updated: 1, unchanged: 1 });
      const ko = await t.store.listGlossary('ko');
      assert.deepEqual(ko.map((x) => [x.en, x.target, x.source]), [['attention', '어텐션', 'guide.md'], ['Bias', '편향(bias)', 'editor']]);
      assert.equal((await t.store.listGlossary('ja')).length, 1);
    });

    it('records LLM calls, finds the newest good one by cache key, lists an edition\'s calls', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      const call = { editionId: ed.id, entryId: 1, lang: 'ko', fields: ['title', 'intro'], cacheKey: 'k1', provider: 'openai-compatible', model: 'm', promptVersion: 'draft-v1', glossaryVersion: 'g1', tokensIn: 120, tokensOut: 80, tokensEstimated: false, costUsd: 0.0012, status: 'ok' as const, reason: null, result: { title: '제목', intro: '소개' }, startedAt: '2026-01-01T00:00:00Z', durationMs: 900 };
      const a = await t.store.recordLlmCall(call);
      await t.store.recordLlmCall({ ...call, status: 'failed', reason: 'HTTP 500', result: null, tokensOut: 0 });
      const cached = await t.store.findCachedCall('k1');
      assert.equal(cached?.id, a);
      assert.deepEqual(cached?.result, { title: '제목', intro: '소개' });
      assert.equal(await t.store.findCachedCall('nope'), null);
      const calls = await t.store.llmCalls(ed.id, 'ko');
      assert.deepEqual(calls.map((c) => [c.status, c.tokensIn, c.tokensOut]), [['ok', 120, 80], ['failed', 120, 0]]);
      assert.equal(calls[0]!.costUsd, 0.0012);
      assert.deepEqual(await t.store.llmCalls(ed.id, 'ja'), []);
    });

    it('keeps a draft\'s provenance with its text', async () => {
      await t.store.putTexts([{ ownerKind: 'entry', ownerId: '1', field: 'intro', lang: 'ko', body: '소개', origin: 'llm', model: 'm', promptVersion: 'draft-v1', status: 'draft', draft: { provider: 'openai-compatible', tokensIn: 60, tokensOut: 40, costUsd: 0.0006, sourceHash: 'abc', glossaryVersion: 'g1', callId: 1 } }]);
      const [x] = await t.store.getTexts([{ kind: 'entry', id: '1' }], ['intro']);
      assert.deepEqual(x!.draft, { provider: 'openai-compatible', tokensIn: 60, tokensOut: 40, costUsd: 0.0006, sourceHash: 'abc', glossaryVersion: 'g1', callId: 1 });
      // a person's edit clears the machine provenance
      await t.store.putTexts([{ ownerKind: 'entry', ownerId: '1', field: 'intro', lang: 'ko', body: '고친 소개', origin: 'human', model: null, promptVersion: null, status: 'approved' }]);
      const [y] = await t.store.getTexts([{ kind: 'entry', id: '1' }], ['intro']);
      assert.equal(y!.draft, null);
    });

    it('replaces a text\'s findings, keeps dismissals by fingerprint, and remembers what was checked', async () => {
      const ref = { ownerKind: 'paper' as const, ownerId: 'arxiv:2404.02060', field: 'abstract' as const, lang: 'ko' };
      const f = (fp: string, msg: string) => ({ rule: 'numbers', severity: 'error' as const, message: msg, sourceSpan: [10, 13] as [number, number], draftSpan: [4, 7] as [number, number], fingerprint: fp });
      await t.store.replaceFindings(ref, 'h1', [f('a', '"50K" became "50만"'), f('b', 'other')], '2026-01-01T00:00:00Z');
      let found = await t.store.getFindings([ref]);
      assert.deepEqual(found.map((x) => [x.fingerprint, x.sourceSpan, x.draftSpan, x.dismissed]), [['a', [10, 13], [4, 7], null], ['b', [10, 13], [4, 7], null]]);
      const dismissed = await t.store.dismissFinding(found[0]!.id, 'editor@example.org', 'the source is wrong', '2026-01-02T00:00:00Z');
      assert.deepEqual(dismissed?.dismissed, { by: 'editor@example.org', why: 'the source is wrong', at: '2026-01-02T00:00:00Z' });
      await t.store.replaceFindings(ref, 'h2', [f('a', '"50K" became "50만"')], '2026-01-03T00:00:00Z');
      found = await t.store.getFindings([ref]);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.dismissed?.by, 'editor@example.org');
      assert.deepEqual([...(await t.store.getTextChecks([ref])).values()], ['h2']);
      assert.deepEqual(await t.store.getFindings([{ ...ref, lang: 'ja' }]), []);
      assert.equal(await t.store.dismissFinding(999999, 'x', 'y', 'z'), null);
    });

    it('searches texts by every term, Korean terms of one or two syllables included', async () => {
      const put = (id: string, body: string, lang = 'ko') => t.store.putTexts([{ ownerKind: 'paper', ownerId: `search:${id}`, field: 'abstract', lang, body, origin: 'imported', model: null, promptVersion: null, status: 'draft' }]);
      await put('a', '대규모 언어 모델의 탈옥 기법을 제안합니다.');
      await put('b', '언어 모델을 100% 압축합니다.');
      await put('c', 'Many-shot Jailbreaking of LLMs', 'en');
      const ed = await t.store.createEdition({ startDate: '2031-01-06', endDate: '2031-01-12', title: 'search', source: 'upstream', sourceRef: null, status: 'published' });
      await t.store.ensurePapers(['a', 'b', 'c'].map((x) => ({ key: `search:${x}`, arxivId: null, url: `https://search/${x}` })));
      await t.store.createEntries(['a', 'b', 'c'].map((x, i) => ({ editionId: ed.id, position: i + 1, paperKey: `search:${x}`, label: x, links: [] })));
      await t.store.recordPublication({ editionId: ed.id, lang: 'ko', channel: 'web', allowDrafts: false, publishedAt: '2031-01-13T00:00:00Z' });
      const ids = async (...terms: string[]) => (await t.store.searchPublished(terms, { channel: 'web', limit: 10 })).map((x) => x.text.ownerId).filter((x) => x.startsWith('search:')).sort();
      assert.deepEqual(await ids('탈옥'), ['search:a']);
      assert.deepEqual(await ids('모델'), ['search:a', 'search:b']);
      assert.deepEqual(await ids('언어', '압축'), ['search:b']);
      assert.deepEqual(await ids('대규모'), ['search:a']);
      assert.deepEqual(await ids('jailbreaking'), ['search:c']);
      assert.deepEqual(await ids('LLM', '탈옥'), []);
      assert.deepEqual(await ids('%'), ['search:b'], 'a % is a character, not a wildcard');
      assert.deepEqual(await ids('_'), []);
      // an edited text is found by its new words only
      await put('a', '새로운 방법');
      assert.deepEqual(await ids('탈옥'), []);
      assert.deepEqual(await ids('방법'), ['search:a']);
    });

    it('searches only what published editions show, titles first, with the edition and position of each hit', async () => {
      const shown = await t.store.createEdition({ startDate: '2030-01-07', endDate: '2030-01-13', title: 'shown', source: 'upstream', sourceRef: null, status: 'published' });
      const hidden = await t.store.createEdition({ startDate: '2030-01-14', endDate: '2030-01-20', title: 'hidden', source: 'upstream', sourceRef: null, status: 'imported' });
      await t.store.ensurePapers([{ key: 'url:https://p/1', arxivId: null, url: 'https://p/1' }, { key: 'url:https://p/2', arxivId: null, url: 'https://p/2' }]);
      const [e1, e2] = await t.store.createEntries([
        { editionId: shown.id, position: 4, paperKey: 'url:https://p/1', label: 'one', links: [] },
        { editionId: hidden.id, position: 1, paperKey: 'url:https://p/2', label: 'two', links: [] },
      ]);
      const txt = (ownerKind: 'paper' | 'entry' | 'edition', ownerId: string, field: 'title' | 'intro' | 'abstract' | 'overview', lang: string, body: string) => ({ ownerKind, ownerId, field, lang, body, origin: 'imported' as const, model: null, promptVersion: null, status: 'approved' as const });
      await t.store.putTexts([
        txt('paper', 'url:https://p/1', 'abstract', 'ko', '검색용 언어 모델의 뇌 구조를 봅니다.'),
        txt('paper', 'url:https://p/1', 'title', 'ko', '검색용 언어 모델'),
        txt('paper', 'url:https://p/1', 'title', 'en', 'Searchable language models'),
        txt('paper', 'url:https://p/1', 'title', 'ja', '検索用 モデル'),
        txt('entry', String(e1!.id), 'intro', 'ko', '검색용 소개: 모델을 탈옥합니다.'),
        txt('paper', 'url:https://p/2', 'title', 'ko', '검색용 숨은 모델'),
        txt('entry', String(e2!.id), 'intro', 'ko', '검색용 숨은 소개'),
        txt('edition', String(shown.id), 'overview', 'ko', '검색용 이번 주 개요'),
      ]);
      await t.store.recordPublication({ editionId: shown.id, lang: 'ko', channel: 'web', allowDrafts: false, publishedAt: '2030-01-14T00:00:00Z' });
      // (other tests' published texts may match too: only this test's editions count here)
      const find = async (...terms: string[]) => (await t.store.searchPublished(terms, { channel: 'web', limit: 20 })).filter((h) => h.edition.startDate >= '2030-01-07' && h.edition.startDate <= '2030-01-14').map((h) => [h.text.field, h.text.lang, h.edition.startDate, h.position]);
      // titles before intros before abstracts; the hidden edition and the unpublished language never show
      assert.deepEqual(await find('검색용'), [['title', 'ko', '2030-01-07', 4], ['intro', 'ko', '2030-01-07', 4], ['abstract', 'ko', '2030-01-07', 4], ['overview', 'ko', '2030-01-07', null]]);
      assert.deepEqual(await find('모델'), [['title', 'ko', '2030-01-07', 4], ['intro', 'ko', '2030-01-07', 4], ['abstract', 'ko', '2030-01-07', 4]]);
      assert.deepEqual(await find('뇌'), [['abstract', 'ko', '2030-01-07', 4]]);
      assert.deepEqual(await find('탈옥', '검색용'), [['intro', 'ko', '2030-01-07', 4]]);
      assert.deepEqual(await find('searchable'), [['title', 'en', '2030-01-07', 4]], 'English originals show beside every published language');
      assert.deepEqual(await find('숨은'), []);
      assert.deepEqual(await find('検索用'), []);
      assert.deepEqual(await t.store.searchPublished(['검색용'], { channel: 'email', limit: 5 }), []);
      // an edit is found by its new words only
      const ref = { ownerKind: 'entry' as const, ownerId: String(e1!.id), field: 'intro' as const, lang: 'ko' };
      const rev = (await t.store.getText(ref))!.revision!;
      await t.store.saveText(ref, { body: '검색용 소개: 번역을 고쳤습니다.', expectedRevision: rev, by: 'a', at: 'now', reason: 'edit' });
      assert.deepEqual(await find('탈옥'), []);
      assert.deepEqual(await find('번역'), [['intro', 'ko', '2030-01-07', 4]]);
    });

    it('stores Korean and NFC text byte for byte', async () => {
      const body = '대규모 언어 모델(LLM)은 32K 토큰을 초과하는 긴 시퀀스를 처리합니다. 22억 개';
      await t.store.putTexts([{ ownerKind: 'edition', ownerId: '1', field: 'overview', lang: 'ko', body, origin: 'imported', model: null, promptVersion: null, status: 'draft' }]);
      const [x] = await t.store.getTexts([{ kind: 'edition', id: '1' }]);
      assert.equal(x!.body, body);
    });

    it('saves an edit only over the revision the editor saw, keeps the old wording, and reports a conflict with the current text', async () => {
      const ref = { ownerKind: 'entry' as const, ownerId: 'desk:1', field: 'intro' as const, lang: 'ko' };
      await t.store.putTexts([{ ...ref, body: '초안', origin: 'llm', model: 'm', promptVersion: 'draft-v1', status: 'draft' }]);
      const first = (await t.store.getText(ref))!;
      assert.equal(first.revision, 1);
      const a = await t.store.saveText(ref, { body: '편집자 A의 문장', expectedRevision: 1, by: 'a@example.org', at: '2026-01-01T00:00:00Z', reason: 'edit' });
      assert.ok(a.saved);
      assert.equal(a.text.revision, 2);
      assert.equal(a.text.origin, 'human');
      assert.equal(a.text.editedBy, 'a@example.org');
      // the second editor saw revision 1 too: refused, with what is there now
      const b = await t.store.saveText(ref, { body: '편집자 B의 문장', expectedRevision: 1, by: 'b@example.org', at: '2026-01-01T00:00:01Z', reason: 'edit' });
      assert.equal(b.saved, false);
      assert.equal(!b.saved && b.current?.body, '편집자 A의 문장');
      assert.equal((await t.store.getText(ref))!.body, '편집자 A의 문장');
      const history = await t.store.getTextHistory(ref);
      assert.deepEqual(history.map((h) => [h.revision, h.body, h.origin, h.replacedBy, h.reason]), [[1, '초안', 'llm', 'a@example.org', 'edit']]);
      // an accepted correction marks the text
      const c = await t.store.saveText(ref, { body: '고친 문장', expectedRevision: 2, by: 'a@example.org', at: '2026-01-02T00:00:00Z', reason: 'correction' });
      assert.ok(c.saved && c.text.correctedAt === '2026-01-02T00:00:00Z');
      assert.equal((await t.store.getTextHistory(ref))[0]!.reason, 'correction');
      assert.equal((await t.store.saveText({ ...ref, lang: 'ja' }, { body: 'x', expectedRevision: 1, by: 'a', at: 'now', reason: 'edit' })).saved, false);
    });

    it('approves texts still at the revision shown, once', async () => {
      const ref = { ownerKind: 'entry' as const, ownerId: 'desk:2', field: 'title' as const, lang: 'ko' };
      await t.store.putTexts([{ ...ref, body: '제목', origin: 'llm', model: 'm', promptVersion: 'draft-v1', status: 'draft' }]);
      assert.equal(await t.store.approveTexts([{ ...ref, revision: 7 }], 'a@example.org', '2026-01-01T00:00:00Z'), 0);
      assert.equal(await t.store.approveTexts([{ ...ref, revision: 1 }], 'a@example.org', '2026-01-01T00:00:00Z'), 1);
      const x = (await t.store.getText(ref))!;
      assert.deepEqual([x.status, x.approvedBy, x.approvedAt, x.revision], ['approved', 'a@example.org', '2026-01-01T00:00:00Z', 2]);
      assert.equal(await t.store.approveTexts([ref], 'b@example.org', '2026-01-02T00:00:00Z'), 0, 'already approved');
      // a redraft replaces the approval
      await t.store.putTexts([{ ...ref, body: '새 제목', origin: 'llm', model: 'm', promptVersion: 'draft-v1', status: 'draft' }]);
      const y = (await t.store.getText(ref))!;
      assert.deepEqual([y.status, y.approvedBy, y.revision], ['draft', null, 3]);
    });

    it('keeps reader corrections pending until an editor decides them once', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      const c = await t.store.addCorrection({ ownerKind: 'entry', ownerId: 'desk:1', field: 'intro', lang: 'ko', editionId: ed.id, textRevision: 3, sentence: 0, original: '고친 문장', proposed: '<b>더</b> 나은 문장', note: null, reader: 'r1', createdAt: '2026-01-03T00:00:00Z' });
      assert.equal(c.status, 'pending');
      assert.equal(c.proposed, '<b>더</b> 나은 문장', 'stored as given; rendering makes it inert');
      assert.deepEqual((await t.store.getCorrections({ editionId: ed.id, status: 'pending' })).map((x) => x.id), [c.id]);
      const d = await t.store.decideCorrection(c.id, 'rejected', 'a@example.org', '2026-01-04T00:00:00Z');
      assert.deepEqual([d?.status, d?.decidedBy], ['rejected', 'a@example.org']);
      assert.equal(await t.store.decideCorrection(c.id, 'accepted', 'b@example.org', '2026-01-05T00:00:00Z'), null);
      assert.deepEqual(await t.store.getCorrections({ editionId: ed.id, status: 'pending' }), []);
    });

    it('counts one like per reader per entry, 100 concurrent likes included', async () => {
      const [entry] = await t.store.getEntries([(await t.store.getEditionByStart('2024-04-01'))!.id]);
      assert.equal(await t.store.addLike(entry!.id, 'reader-a', 'now'), true);
      assert.equal(await t.store.addLike(entry!.id, 'reader-a', 'now'), false);
      await Promise.all(Array.from({ length: 99 }, (_, i) => t.store.addLike(entry!.id, `reader-${i}`, 'now')));
      assert.equal((await t.store.likeCounts([entry!.id, 999999])).get(entry!.id), 100);
    });

    it('keeps editors and their sessions; a new password or disabling ends the sessions', async () => {
      const e = (await t.store.createEditor('ed@example.org', 'scrypt$x', '2026-01-01T00:00:00Z'))!;
      assert.equal(await t.store.createEditor('ed@example.org', 'scrypt$y', 'now'), null);
      assert.equal((await t.store.getEditor({ email: 'ed@example.org' }))?.id, e.id);
      const s = { tokenHash: 'h1', editorId: e.id, csrf: 'c', createdAt: 'a', lastSeenAt: 'a', expiresAt: 'z' };
      await t.store.createSession(s);
      await t.store.touchSession('h1', 'b');
      assert.equal((await t.store.getSession('h1'))?.lastSeenAt, 'b');
      await t.store.updateEditor(e.id, { disabledAt: '2026-01-02T00:00:00Z' }, 'now');
      assert.equal(await t.store.getSession('h1'), null);
      assert.equal((await t.store.getEditor({ id: e.id }))?.disabledAt, '2026-01-02T00:00:00Z');
      await t.store.createSession({ ...s, tokenHash: 'h2' });
      await t.store.deleteSession('h2');
      assert.equal(await t.store.getSession('h2'), null);
    });

    it('bumps the site version on every write the public site shows, and not on reads', async () => {
      const v0 = await t.store.siteVersion();
      await t.store.listEditions();
      assert.equal(await t.store.siteVersion(), v0);
      await t.store.putTexts([{ ownerKind: 'edition', ownerId: '1', field: 'overview', lang: 'en', body: 'x', origin: 'imported', model: null, promptVersion: null, status: 'draft' }]);
      const v1 = await t.store.siteVersion();
      assert.ok(v1 > v0);
      const [entry] = await t.store.getEntries([(await t.store.getEditionByStart('2024-04-01'))!.id]);
      await t.store.addLike(entry!.id, 'reader-new', 'now');
      assert.ok((await t.store.siteVersion()) > v1);
    });
  });
}
