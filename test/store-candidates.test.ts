// The store contract for candidates, ranking models and editing an edition's entries, the same suite
// on SQLite and on PostgreSQL; and the candidate pipeline (import, train, rank, edition from the
// ranking, add/move/remove) on a small hand-made week.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestStore } from './support/stores.js';
import type { CandidateRow, Store } from '../src/ports.js';
import { candidateRecord, type CandidateRecord } from '../src/sources/candidates.js';
import { DEFAULT_TOPICS } from '../src/domain/topics.js';
import { PaperboyError } from '../src/errors.js';
import { addEntry, editionFromCandidates, importCandidates, moveEntry, rankWeek, removeEntry, trainCandidateModel } from '../src/pipeline/candidates.js';

const row = (paperKey: string, over: Partial<CandidateRow> = {}): CandidateRow => ({
  paperKey,
  source: 'hf',
  day: '2024-04-02',
  upvotes: 5,
  comments: null,
  githubRepo: null,
  githubStars: null,
  tags: [],
  authors: ['A. Author'],
  publishedAt: null,
  seenAt: '2024-04-02T10:00:00.000Z',
  ...over,
});

const rec = (arxivId: string, title: string, over: Partial<CandidateRecord> = {}): CandidateRecord =>
  candidateRecord({ source: 'hf', day: '2024-04-02', arxivId, url: `https://arxiv.org/abs/${arxivId}`, title, abstract: `${title}. We study this problem and report results.`, authors: ['A. Author'], upvotes: 10, comments: 1, publishedAt: '2024-04-01T17:00:00.000Z', ...over });

const now = () => new Date('2024-04-08T09:00:00Z');

async function papers(store: Store, keys: string[]) {
  await store.ensurePapers(keys.map((key) => ({ key, arxivId: key.replace('arxiv:', ''), url: `https://arxiv.org/abs/${key.replace('arxiv:', '')}` })));
}

const positions = async (store: Store, editionId: number) => (await store.getEntries([editionId])).sort((a, b) => a.position - b.position).map((e) => [e.position, e.paperKey] as const);

for (const engine of ENGINES) {
  describe(`candidate store contract on ${engine.name}`, () => {
    let t: TestStore;
    let store: Store;
    beforeEach(async () => {
      t = await engine.open();
      store = t.store;
    });
    afterEach(async () => t?.cleanup());

    it('keeps one row per paper and source: newer counts win, the first day stays, missing counts do not erase', async () => {
      await papers(store, ['arxiv:2404.00001', 'arxiv:2404.00002']);
      assert.deepEqual(await store.putCandidates([row('arxiv:2404.00001', { upvotes: 3, githubRepo: 'https://github.com/a/b' }), row('arxiv:2404.00002')]), { inserted: 2, updated: 0 });
      const r = await store.putCandidates([
        row('arxiv:2404.00001', { day: '2024-04-03', upvotes: 12, comments: 4, githubRepo: null }),
        row('arxiv:2404.00001', { source: 'arxiv', day: '2024-04-01', upvotes: null }),
      ]);
      assert.deepEqual(r, { inserted: 1, updated: 1 });
      const all = await store.listCandidates({});
      assert.equal(all.length, 3);
      const hf = all.find((c) => c.paperKey === 'arxiv:2404.00001' && c.source === 'hf')!;
      assert.equal(hf.day, '2024-04-02', 'the first day listed stays');
      assert.equal(hf.upvotes, 12);
      assert.equal(hf.comments, 4);
      assert.equal(hf.githubRepo, 'https://github.com/a/b', 'an answer without the repo does not erase it');
      assert.deepEqual(hf.authors, ['A. Author']);
      // by day, inclusive
      assert.deepEqual((await store.listCandidates({ from: '2024-04-02', to: '2024-04-02' })).map((c) => `${c.paperKey}/${c.source}`), ['arxiv:2404.00001/hf', 'arxiv:2404.00002/hf']);
      assert.deepEqual((await store.listCandidates({ to: '2024-04-01' })).map((c) => c.source), ['arxiv']);
      // of some papers only
      assert.deepEqual((await store.listCandidates({ paperKeys: ['arxiv:2404.00002'] })).map((c) => c.paperKey), ['arxiv:2404.00002']);
      assert.deepEqual(await store.listCandidates({ paperKeys: [] }), []);
      const many = Array.from({ length: 1200 }, (_, i) => `arxiv:9999.${String(i).padStart(5, '0')}`);
      assert.deepEqual((await store.listCandidates({ paperKeys: [...many, 'arxiv:2404.00001'] })).map((c) => `${c.day}/${c.source}`), ['2024-04-01/arxiv', '2024-04-02/hf'], 'in chunks, still in order');
    });

    it('stores ranking models, newest first, keeping the previous one', async () => {
      assert.equal(await store.getRankModel(), null);
      const ids = [];
      for (let i = 1; i <= 3; i++) ids.push(await store.putRankModel({ trainedAt: `2024-04-0${i}T00:00:00.000Z`, editions: i, positives: 10 * i, negatives: 100, model: `{"v":1,"n":${i}}` }));
      const m = await store.getRankModel();
      assert.equal(m?.id, ids[2]);
      assert.equal(m?.editions, 3);
      assert.equal(m?.model, '{"v":1,"n":3}');
    });

    it('removes an entry with its texts and findings, and renumbers only with a complete order', async () => {
      await papers(store, ['arxiv:2404.00001', 'arxiv:2404.00002', 'arxiv:2404.00003']);
      const ed = await store.createEdition({ startDate: '2024-04-01', endDate: '2024-04-07', title: 'w', source: 'candidates', sourceRef: null, status: 'imported' });
      const es = await store.createEntries(['arxiv:2404.00001', 'arxiv:2404.00002', 'arxiv:2404.00003'].map((paperKey, i) => ({ editionId: ed.id, position: i + 1, paperKey, label: paperKey, links: [{ kind: 'paper' as const, label: 'Paper', url: 'https://arxiv.org/abs/x' }] })));
      const intro = { ownerKind: 'entry' as const, ownerId: String(es[1]!.id), field: 'intro' as const, lang: 'ko' };
      await store.putTexts([{ ...intro, body: '소개', origin: 'llm', model: 'm', promptVersion: 'intro-v1', status: 'draft' }]);
      await store.replaceFindings(intro, 'h', [{ rule: 'numbers', severity: 'error', message: 'x', sourceSpan: null, draftSpan: null, fingerprint: 'f' }], '2024-04-01T00:00:00.000Z');
      assert.equal((await store.getFindings([intro])).length, 1);

      await assert.rejects(store.setEntryOrder(ed.id, [es[0]!.id, es[1]!.id]), (e: unknown) => e instanceof PaperboyError && /each of the edition's 3 entries once/.test(e.message));
      await assert.rejects(store.setEntryOrder(ed.id, [es[0]!.id, es[0]!.id, es[1]!.id]), PaperboyError);
      assert.deepEqual((await positions(store, ed.id)).map((p) => p[1]), ['arxiv:2404.00001', 'arxiv:2404.00002', 'arxiv:2404.00003'], 'a refused order changes nothing');

      await store.transaction((tx) => tx.setEntryOrder(ed.id, [es[2]!.id, es[0]!.id, es[1]!.id]));
      assert.deepEqual(await positions(store, ed.id), [
        [1, 'arxiv:2404.00003'],
        [2, 'arxiv:2404.00001'],
        [3, 'arxiv:2404.00002'],
      ]);
      assert.equal(await store.deleteEntry(es[1]!.id), true);
      assert.equal(await store.deleteEntry(es[1]!.id), false);
      assert.equal(await store.getText(intro), null, "the entry's intro went with it");
      assert.equal((await store.getFindings([intro])).length, 0);
      assert.equal((await store.getEntries([ed.id])).length, 2);
    });
  });

  describe(`candidates pipeline on ${engine.name}`, () => {
    let t: TestStore;
    let store: Store;
    beforeEach(async () => {
      t = await engine.open();
      store = t.store;
    });
    afterEach(async () => t?.cleanup());

    it('imports candidates as papers, trains on past picks, ranks with explained scores and builds and edits an edition', async () => {
      // a past edition: the editors picked agent papers
      await papers(store, ['arxiv:2403.00001', 'arxiv:2403.00002']);
      const past = await store.createEdition({ startDate: '2024-03-25', endDate: '2024-03-31', title: 'past', source: 'upstream', sourceRef: null, status: 'published' });
      await store.createEntries([
        { editionId: past.id, position: 1, paperKey: 'arxiv:2403.00001', label: 'LLM agents that use tools', links: [] },
        { editionId: past.id, position: 2, paperKey: 'arxiv:2403.00002', label: 'Language model agents for web tasks', links: [] },
      ]);
      const r = await importCandidates(
        store,
        [
          rec('2403.00009', 'Protein structure from cryo-EM maps', { day: '2024-03-26', upvotes: 1 }),
          rec('2403.00008', 'Gaussian splatting for scenes', { day: '2024-03-27', upvotes: 2 }),
          rec('2404.00011', 'Tool-using LLM agents for software tasks', { upvotes: 5, githubRepo: 'https://github.com/x/agents', githubStars: 40 }),
          rec('2404.00012', 'Protein design with diffusion', { upvotes: 5 }),
          rec('2404.00013', 'Old but listed: a survey of agents', { upvotes: 5, publishedAt: '2023-01-01T00:00:00.000Z' }),
          rec('2404.00011', 'Tool-using LLM agents for software tasks', { source: 'arxiv', day: '2024-04-01', upvotes: null, comments: null }),
        ],
        { now },
      );
      assert.deepEqual(r.candidates, { inserted: 6, updated: 0 });
      assert.equal(r.papers, 5);
      const title = await store.getText({ ownerKind: 'paper', ownerId: 'arxiv:2404.00011', field: 'title', lang: 'en' });
      assert.equal(title?.body, 'Tool-using LLM agents for software tasks');
      assert.equal(title?.origin, 'arxiv');

      const before = await rankWeek(store, '2024-04-01', { topics: DEFAULT_TOPICS });
      assert.equal(before.model, null);
      assert.match(before.note ?? '', /candidates train/);
      assert.ok(before.candidates.every((c) => c.signals.similarity === 0));

      const trained = await trainCandidateModel(store, { now });
      assert.equal(trained.positives, 2);
      assert.equal(trained.negatives, 5);
      const ranking = await rankWeek(store, '2024-04-01', { topics: DEFAULT_TOPICS });
      assert.equal(ranking.model?.id, trained.id);
      assert.deepEqual(ranking.candidates.map((c) => c.arxivId).sort(), ['2404.00011', '2404.00012', '2404.00013']);
      const top = ranking.candidates[0]!;
      assert.equal(top.arxivId, '2404.00011', 'the agents paper is most like the past picks');
      assert.deepEqual(top.sources.sort(), ['arxiv', 'hf']);
      assert.equal(top.day, '2024-04-01', 'the first listing day of any source');
      for (const c of ranking.candidates) {
        const k = c.contributions;
        assert.ok(Math.abs(k.similarity + k.popularity + k.topicFit + k.recency - c.score) < 1e-9, 'the contributions add up to the score');
      }
      const old = ranking.candidates.find((c) => c.arxivId === '2404.00013')!;
      assert.ok(old.signals.recency < 0.01, `a paper from 2023 is not recent (${old.signals.recency})`);
      assert.ok(top.signals.topicFit > 0, 'its topics are the digest topics');

      const made = await editionFromCandidates(store, { week: '2024-04-01', top: 2, topics: DEFAULT_TOPICS });
      assert.equal(made.edition.source, 'candidates');
      assert.equal(made.edition.endDate, '2024-04-07');
      assert.equal(made.edition.title, 'Top ML Papers of the Week (April 1 - April 7)');
      assert.deepEqual(made.entries.map((e) => e.paperKey), ranking.candidates.slice(0, 2).map((c) => c.paperKey));
      const bundle = await store.getEditionBundle(made.edition.id);
      assert.deepEqual(bundle.entries.find((e) => e.position === 1)!.links.map((l) => l.kind), ['paper', 'code']);
      await assert.rejects(editionFromCandidates(store, { week: '2024-04-01', top: 2, topics: DEFAULT_TOPICS }), /already covers 2024-04-01/);
      await assert.rejects(editionFromCandidates(store, { week: '2024-04-03', top: 2, topics: DEFAULT_TOPICS }), /already covers 2024-04-03/);
      await assert.rejects(editionFromCandidates(store, { week: '2024-05-06', top: 2, topics: DEFAULT_TOPICS }), /no candidates listed from 2024-05-06 to 2024-05-12/);
      // a week holding the start of an edition is that edition's week
      assert.equal((await rankWeek(store, '2024-03-20', { topics: DEFAULT_TOPICS })).edition?.startDate, '2024-03-25');
      await assert.rejects(editionFromCandidates(store, { week: '2024-03-20', top: 2, topics: DEFAULT_TOPICS }), /the edition of 2024-03-25\.\.2024-03-31 starts inside the week of 2024-03-20/);

      // the third candidate joins at position 1; then moves to the end; then the first is removed
      const third = ranking.candidates[2]!;
      await addEntry(store, { edition: '2024-04-01', paperKey: third.paperKey, position: 1 });
      assert.deepEqual((await positions(store, made.edition.id)).map((p) => p[1]), [third.paperKey, ...made.entries.map((e) => e.paperKey)]);
      await assert.rejects(addEntry(store, { edition: '2024-04-01', paperKey: third.paperKey, position: 2 }), /already entry 1 of 2024-04-01/);
      const [first] = (await store.getEntries([made.edition.id])).filter((e) => e.paperKey === third.paperKey);
      await moveEntry(store, { edition: '2024-04-01', entryId: first!.id, position: 99 });
      assert.deepEqual((await positions(store, made.edition.id)).map((p) => p[1]), [...made.entries.map((e) => e.paperKey), third.paperKey]);
      const lead = (await store.getEntries([made.edition.id])).find((e) => e.position === 1)!;
      await removeEntry(store, { edition: '2024-04-01', entryId: lead.id });
      assert.deepEqual(await positions(store, made.edition.id), [
        [1, made.entries[1]!.paperKey],
        [2, third.paperKey],
      ]);
      assert.equal((await rankWeek(store, '2024-04-01', { topics: DEFAULT_TOPICS })).candidates.find((c) => c.paperKey === third.paperKey)?.inEdition, 2);

      // once published, the entries are fixed
      await store.recordPublication({ editionId: made.edition.id, lang: 'ko', channel: 'web', publishedAt: '2024-04-08T00:00:00.000Z', allowDrafts: false });
      await assert.rejects(removeEntry(store, { edition: '2024-04-01', entryId: lead.id + 1 }), /is published \(web\)/);
      await assert.rejects(addEntry(store, { edition: '2024-04-01', paperKey: 'arxiv:2404.00013', position: 1 }), /is published/);
    });

    it('refuses to train without editions or without passed-over candidates, saying what to do', async () => {
      await assert.rejects(trainCandidateModel(store, { now }), /no edition has entries yet/);
      await papers(store, ['arxiv:2403.00001']);
      const ed = await store.createEdition({ startDate: '2024-03-25', endDate: '2024-03-31', title: 'past', source: 'upstream', sourceRef: null, status: 'imported' });
      await store.createEntries([{ editionId: ed.id, position: 1, paperKey: 'arxiv:2403.00001', label: 'Agents', links: [] }]);
      await assert.rejects(trainCandidateModel(store, { now }), /candidates import\|fetch/);
      assert.equal(await store.getRankModel(), null);
    });
  });
}
