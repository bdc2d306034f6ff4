// Topics end to end on both engines: tagging papers through the store (rules, an LLM's refinement
// through the local protocol server, what is kept when nothing changed), an edition's facts against
// the editions before it, and the archive week by week.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestStore } from './support/stores.js';
import { startLlmServer, type LlmServer } from './support/llm-server.js';
import { createLlm } from '../src/llm/client.js';
import { DEFAULT_TOPICS, type Topic } from '../src/domain/topics.js';
import { loadEditionFacts, loadTrends, tagEditions } from '../src/pipeline/topics.js';
import type { Store } from '../src/ports.js';
import type { LinkKind } from '../src/domain/types.js';

const now = () => new Date('2024-04-08T00:00:00Z');
const AT = now().toISOString();

interface Paper {
  key: string;
  title: string;
  intro?: string;
  abstract?: string;
  categories?: string[];
  code?: boolean;
}

/** One edition of the given papers, with English titles (arXiv), intros (the list) and abstracts. */
async function seedEdition(store: Store, startDate: string, papers: Paper[]): Promise<number> {
  const end = new Date(Date.parse(`${startDate}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
  const ed = await store.createEdition({ startDate, endDate: end, title: `week of ${startDate}`, source: 'upstream', sourceRef: null, status: 'imported' });
  await store.ensurePapers(papers.map((p) => ({ key: p.key, arxivId: /^\d{4}\.\d{4,5}$/.test(p.key) ? p.key : null, url: `https://arxiv.org/abs/${p.key}` })));
  for (const p of papers) if (p.categories) await store.setPaperMetadata(p.key, { authors: ['A. Author'], categories: p.categories, publishedAt: null, updatedAt: null }, AT);
  const entries = await store.createEntries(
    papers.map((p, i) => ({
      editionId: ed.id,
      position: i + 1,
      paperKey: p.key,
      label: p.title,
      links: [{ kind: 'paper' as LinkKind, label: 'Paper', url: `https://arxiv.org/abs/${p.key}` }, ...(p.code ? [{ kind: 'code' as LinkKind, label: 'Code', url: `https://github.com/x/${p.key}` }] : [])],
    })),
  );
  const base = { lang: 'en', model: null, promptVersion: null, status: 'approved' as const };
  await store.putTexts(
    papers.flatMap((p, i) => [
      { ...base, ownerKind: 'paper' as const, ownerId: p.key, field: 'title' as const, body: p.title, origin: 'arxiv' as const },
      ...(p.abstract ? [{ ...base, ownerKind: 'paper' as const, ownerId: p.key, field: 'abstract' as const, body: p.abstract, origin: 'arxiv' as const }] : []),
      ...(p.intro ? [{ ...base, ownerKind: 'entry' as const, ownerId: String(entries[i]!.id), field: 'intro' as const, body: p.intro, origin: 'upstream' as const }] : []),
    ]),
  );
  return ed.id;
}

const AGENT = (key: string): Paper => ({ key, title: `A web agent for task ${key}`, intro: 'An LLM agent that browses.', categories: ['cs.CL'] });
const VISION = (key: string): Paper => ({ key, title: `Segmentation of images ${key}`, categories: ['cs.CV'] });

for (const engine of ENGINES) {
  describe(`topics and facts on ${engine.name}`, () => {
    let t: TestStore;
    let store: Store;
    let llmServer: LlmServer;
    before(async () => {
      llmServer = await startLlmServer();
    });
    after(async () => {
      await llmServer.close();
    });
    beforeEach(async () => {
      t = await engine.open();
      store = t.store;
    });
    afterEach(async () => {
      await t?.cleanup();
    });

    it("tags by the rules, keeps a paper's row while nothing changed, and tags again when its text or the taxonomy changes", async () => {
      const id = await seedEdition(store, '2024-04-01', [AGENT('2404.00001'), VISION('2404.00002'), { key: '2404.00003', title: 'On the cardinality of sets' }]);
      const first = await tagEditions(store, [id], { topics: DEFAULT_TOPICS, now });
      assert.deepEqual([first.papers, first.tagged, first.unchanged, first.untagged], [3, 3, 0, 1]);
      const rows = await store.getPaperTopics(['2404.00001', '2404.00002', '2404.00003']);
      assert.deepEqual(rows.get('2404.00001')!.rules.map((r) => r.slug), ['llm', 'agents']);
      assert.ok(rows.get('2404.00001')!.rules.find((r) => r.slug === 'agents')!.evidence.includes('phrase:agent'));
      assert.deepEqual(rows.get('2404.00002')!.rules.map((r) => r.slug), ['vision']);
      assert.ok(rows.get('2404.00002')!.rules[0]!.evidence.includes('category:cs.CV'), 'the arXiv category is evidence');
      assert.deepEqual(rows.get('2404.00003')!.rules, []);
      assert.equal(rows.get('2404.00001')!.llm, null);

      const again = await tagEditions(store, [id], { topics: DEFAULT_TOPICS, now });
      assert.deepEqual([again.tagged, again.unchanged], [0, 3], 'a second run writes nothing');

      await store.putTexts([{ ownerKind: 'paper', ownerId: '2404.00003', field: 'title', lang: 'en', body: 'Robot manipulation from sets', origin: 'arxiv', model: null, promptVersion: null, status: 'approved' }]);
      const changed = await tagEditions(store, [id], { topics: DEFAULT_TOPICS, now });
      assert.deepEqual([changed.tagged, changed.unchanged], [1, 2]);
      assert.deepEqual((await store.getPaperTopics(['2404.00003'])).get('2404.00003')!.rules.map((r) => r.slug), ['robotics']);

      const edited: Topic[] = [...DEFAULT_TOPICS.filter((x) => x.slug !== 'robotics'), { slug: 'sets', name: 'set theory', phrases: ['sets'], categories: [] }];
      const retagged = await tagEditions(store, [id], { topics: edited, now });
      assert.equal(retagged.tagged, 3, 'an edited taxonomy tags every paper again');
      assert.deepEqual((await store.getPaperTopics(['2404.00003'])).get('2404.00003')!.rules.map((r) => r.slug), ['sets']);
    });

    it("an LLM refines the tags inside the taxonomy, the rules' answer stays beside it, and a failed call leaves the rules' tags", async () => {
      const id = await seedEdition(store, '2024-04-01', [AGENT('2404.00011'), VISION('2404.00012')]);
      const llm = createLlm({ provider: 'openai-compatible', baseUrl: llmServer.url, model: 'tagger-1', maxRetries: 0 });
      llmServer.respond((req) => {
        const user = JSON.stringify(req.body);
        if (user.includes('2404.00011')) return { content: JSON.stringify({ topics: ['agents', 'not-a-topic', 'REASONING'] }) };
        return { status: 400, body: '{"error":{"message":"model overloaded by test"}}' };
      });
      const r = await tagEditions(store, [id], { topics: DEFAULT_TOPICS, now, llm });
      llmServer.respond(() => undefined);
      assert.equal(r.refined, 1);
      assert.equal(r.failed.length, 1);
      assert.equal(r.failed[0]!.paperKey, '2404.00012');
      const rows = await store.getPaperTopics(['2404.00011', '2404.00012']);
      const refined = rows.get('2404.00011')!;
      assert.deepEqual(refined.llm!.map((x) => x.slug), ['agents', 'reasoning'], 'unknown slugs are dropped, case is folded, taxonomy order');
      assert.equal(refined.llm![0]!.source, 'llm');
      assert.ok(refined.llm![0]!.evidence.includes('model:tagger-1'));
      assert.deepEqual(refined.rules.map((x) => x.slug), ['llm', 'agents'], "the rules' answer is kept as the fallback");
      assert.equal(refined.llmModel, 'tagger-1');
      assert.equal(rows.get('2404.00012')!.llm, null, 'a failed refinement leaves the rules');

      // the edition's facts use the refinement where there is one
      const { facts } = await loadEditionFacts(store, id, { topics: DEFAULT_TOPICS, now });
      assert.deepEqual(
        facts.topics.map((x) => [x.slug, x.positions]),
        [
          ['agents', [1]],
          ['reasoning', [1]],
          ['vision', [2]],
        ],
      );
      // without --llm a second run keeps the refinement of an unchanged paper
      const plain = await tagEditions(store, [id], { topics: DEFAULT_TOPICS, now });
      assert.equal(plain.unchanged, 2);
      assert.deepEqual((await store.getPaperTopics(['2404.00011'])).get('2404.00011')!.llm!.map((x) => x.slug), ['agents', 'reasoning']);
    });

    it("computes an edition's facts against the four editions before it, and the archive week by week", async () => {
      const weeks = ['2024-03-04', '2024-03-11', '2024-03-18', '2024-03-25', '2024-04-01'];
      const ids: number[] = [];
      // agents: 1, 2, 3, 2 papers in the four weeks before; 4 in the week itself
      const agentsPerWeek = [1, 2, 3, 2, 4];
      for (const [w, date] of weeks.entries()) {
        const papers = [...Array.from({ length: agentsPerWeek[w]! }, (_, i) => AGENT(`24${w}.1000${i}`)), VISION(`24${w}.2000${w}`)];
        ids.push(await seedEdition(store, date, papers));
      }
      // the week itself: code on two papers, an abstract on one
      const last = ids[ids.length - 1]!;
      const { facts, entries } = await loadEditionFacts(store, last, { topics: DEFAULT_TOPICS, now });
      assert.equal(facts.papers, 5);
      assert.deepEqual(facts.previous.map((p) => p.startDate), weeks.slice(0, 4));
      const agents = facts.topics.find((x) => x.slug === 'agents')!;
      assert.deepEqual(agents.previous, [1, 2, 3, 2]);
      assert.equal(agents.count, 4);
      assert.equal(agents.average, 2);
      assert.equal(agents.change, 2);
      assert.deepEqual(agents.positions, [1, 2, 3, 4]);
      const vision = facts.topics.find((x) => x.slug === 'vision')!;
      assert.deepEqual([vision.count, vision.average, vision.change], [1, 1, 0]);
      assert.equal(entries.length, 5);
      // recurring names: none of these titles share a name, but the intros say LLM (a generic word, not a name)
      assert.ok(!facts.names.some((n) => n.name === 'LLM'));

      const { weeks: series } = await loadTrends(store, { from: '2024-03-11', to: '2024-03-25' }, { topics: DEFAULT_TOPICS, now });
      assert.deepEqual(
        series.map((w) => [w.startDate, w.papers, w.counts.agents, w.counts.vision]),
        [
          ['2024-03-11', 3, 2, 1],
          ['2024-03-18', 4, 3, 1],
          ['2024-03-25', 3, 2, 1],
        ],
      );
      const all = await store.listEntryTopics({});
      assert.equal(all.length, 1 + 1 + 2 + 1 + 3 + 1 + 2 + 1 + 4 + 1);
      assert.ok(all.every((r) => r.topics !== null), 'every entry is tagged after the facts were loaded');
    });

    it('an untagged entry reads as null topics, and the first edition has no comparison', async () => {
      const id = await seedEdition(store, '2024-04-01', [AGENT('2404.00031')]);
      const rows = await store.listEntryTopics({});
      assert.deepEqual(rows.map((r) => [r.editionId, r.position, r.topics]), [[id, 1, null]]);
      const { facts } = await loadEditionFacts(store, id, { topics: DEFAULT_TOPICS, now });
      assert.deepEqual(facts.previous, []);
      assert.equal(facts.topics[0]!.average, null);
      assert.equal(facts.topics[0]!.change, null);
    });
  });
}
