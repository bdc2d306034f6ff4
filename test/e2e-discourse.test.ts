// Publishing to the Discourse forum end to end, against a local server that speaks the endpoints
// paperboy uses with the recorded payloads: one topic per edition and language, publishing twice
// changes nothing, a create whose answer was lost is found again, a correction reaches the post
// after the quiet spell, faults (429, 500, a refused key) and long editions.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { startDiscourseServer, type DiscourseServer } from './support/discourse-server.js';
import { publishEdition } from '../src/pipeline/publish.js';
import { syncDiscourse, type DiscourseSettings } from '../src/pipeline/discourse.js';
import { createDiscourseClient } from '../src/channels/discourse/client.js';
import { decideCorrection, suggestCorrection } from '../src/pipeline/review.js';

const WEEK = '2024-04-01';

for (const engine of ENGINES) {
  describe(`publishing to Discourse on ${engine.name}`, () => {
    let t: TestStore;
    let forum: DiscourseServer;
    let editionId: number;
    let clock = new Date('2024-04-08T00:00:00Z');
    const now = () => clock;
    const settings = (over: Partial<DiscourseSettings> = {}): DiscourseSettings => ({ category: 'test2', tags: ['papers'], maxChars: 32000, split: 'split', siteUrl: 'https://digest.example.org', debounceMs: 600_000, ...over });
    const client = (over: { apiKey?: string } = {}) => createDiscourseClient({ baseUrl: forum.url, apiKey: over.apiKey ?? forum.apiKey, apiUsername: forum.apiUsername, backoffBaseMs: 1, maxBackoffMs: 5, maxRequestsPerMinute: 10_000, sleep: async () => undefined });
    const env = () => ({ ...t.env, PAPERBOY_DISCOURSE_URL: forum.url, PAPERBOY_DISCOURSE_API_KEY: forum.apiKey, PAPERBOY_DISCOURSE_API_USERNAME: forum.apiUsername, PAPERBOY_DISCOURSE_CATEGORY: 'test2', PAPERBOY_DISCOURSE_TAGS: 'papers,weekly', PAPERBOY_BASE_URL: 'https://digest.example.org' });

    before(async () => {
      forum = await startDiscourseServer();
    });
    after(async () => {
      await forum?.close();
    });
    beforeEach(async () => {
      forum.clear();
      t = await engine.open();
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
      assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], t.env)).code, 0);
      const j = JSON.parse((await cli(['check', '--week', WEEK, '--lang', 'ko', '--json'], t.env)).out);
      for (const c of j.checked) for (const f of c.findings) if (f.severity === 'error' && !f.dismissed) await cli(['findings', 'dismiss', String(f.id), '--by', 'ed@example.org', '--why', 'test'], t.env);
      editionId = (await t.store.getEditionByStart(WEEK))!.id;
    });
    afterEach(async () => {
      await t?.cleanup();
    });

    it('posts one topic with the rendering, stores its ids, and publishing twice changes nothing', async () => {
      const r = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'all', '--allow-drafts'], env());
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /on discourse: published at .*; topic created \(topic \d+, 1 post\)/);
      assert.match(r.out, /on feeds: published/);
      assert.equal(forum.topics.size, 1);
      const topic = [...forum.topics.values()][0]!;
      assert.equal(topic.externalId, `paperboy-${WEEK}-ko`);
      assert.deepEqual(topic.tags, ['papers', 'weekly']);
      assert.equal(topic.categoryId, 2);
      assert.match(topic.title, /2024\/04\/01/);
      const raw = forum.posts.get(topic.postIds[0]!)!.raw;
      assert.match(raw, /^> ※ /, 'published with drafts, and says so');
      assert.match(raw, /SWE-agent|SWE-Agent/);
      const stored = (await t.store.getDiscoursePost(editionId, 'ko'))!;
      assert.deepEqual([stored.topicId, stored.postIds], [topic.id, topic.postIds]);

      const before = forum.requests.length;
      const again = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'all', '--allow-drafts'], env());
      assert.equal(again.code, 0, again.err);
      assert.match(again.out, /on discourse: already published; the topic already says this/);
      assert.equal(forum.requests.length, before, 'not one request to the forum');
      assert.equal(forum.topics.size, 1);
      const pubs = await t.store.getPublications({ editionId });
      assert.deepEqual(pubs.map((p) => p.channel).sort(), ['discourse', 'email', 'feeds', 'web']);
    });

    it('finds the topic again when the answer to its creation was lost: still one topic', async () => {
      forum.enqueue({ dropAfterCommit: true, method: 'POST', path: '/posts.json' });
      const r = await publishEdition(t.store, editionId, { lang: 'ko', channels: ['discourse'], allowDrafts: true, now, forum: () => ({ forum: client(), settings: settings() }) });
      assert.deepEqual(r.failed, []);
      assert.equal(forum.topics.size, 1, 'one topic');
      const d = r.published.find((p) => p.channel === 'discourse')!.discourse!;
      assert.ok(d.action === 'found' || d.action === 'created', d.action);
      assert.equal((await t.store.getDiscoursePost(editionId, 'ko'))!.topicId, [...forum.topics.values()][0]!.id);
    });

    it('honours 429 and retries 500; a refused key is explained, not retried, and the other channels are published', async () => {
      forum.enqueue({ status: 429, retryAfter: '2' }, { status: 500 });
      const ok = await publishEdition(t.store, editionId, { lang: 'ko', channels: ['discourse'], allowDrafts: true, now, forum: () => ({ forum: client(), settings: settings() }) });
      assert.deepEqual(ok.failed, []);
      assert.equal(forum.topics.size, 1);
      assert.ok(forum.requests.some((q) => q.status === 429) && forum.requests.some((q) => q.status === 500));

      // a second edition with a wrong key
      const other = (await t.store.getEditionByStart('2024-03-25'))!;
      await cli(['check', '--week', '2024-03-25', '--lang', 'ko'], t.env);
      const badEnv = { ...env(), PAPERBOY_DISCOURSE_API_KEY: 'not-the-key' };
      forum.clear();
      const bad = await cli(['publish', '--week', '2024-03-25', '--lang', 'ko', '--to', 'web,discourse', '--allow-drafts'], badEnv);
      if (bad.err.includes('no ko texts')) return; // the week has no Korean texts in the seed: nothing to post
      assert.equal(bad.code, 69, bad.err);
      assert.match(bad.err, /discourse failed: .*PAPERBOY_DISCOURSE_API_KEY/);
      assert.doesNotMatch(bad.err, /not-the-key/);
      assert.match(bad.out, /on web: published/);
      assert.equal(forum.requests.filter((q) => q.status === 403).length, 1, 'a refused key is not retried');
      assert.equal(other.id > 0, true);
    });

    it('a correction accepted later reaches the post once the texts have been still for the debounce', async () => {
      await publishEdition(t.store, editionId, { lang: 'ko', channels: ['web', 'discourse'], allowDrafts: true, now, forum: () => ({ forum: client(), settings: settings() }) });
      const topic = [...forum.topics.values()][0]!;
      const first = { ...forum.posts.get(topic.postIds[0]!)! };
      // a reader corrects a sentence of entry 1's intro; an editor accepts it
      const entry = (await t.store.getEntries([editionId])).find((e) => e.position === 1)!;
      const intro = (await t.store.getEditionBundle(editionId)).texts.find((x) => x.ownerKind === 'entry' && x.ownerId === String(entry.id) && x.field === 'intro' && x.lang === 'ko')!;
      const c = await suggestCorrection(t.store, { editionId, ref: { ownerKind: 'entry', ownerId: String(entry.id), field: 'intro', lang: 'ko' }, revision: intro.revision ?? 1, sentence: 0, proposed: '교정된 첫 문장입니다.', note: null, reader: 'reader-1' }, now);
      const decided = await decideCorrection(t.store, c.id, 'accept', 'ed@example.org', () => new Date());
      assert.equal(decided.decided, 'accepted');

      clock = new Date(); // the correction was just saved: within the quiet spell
      const early = await syncDiscourse(t.store, client(), { settings: settings(), now });
      assert.equal(early.waiting.length, 1);
      assert.equal(forum.posts.get(first.id)!.version, first.version, 'not edited yet');

      clock = new Date(Date.now() + 601_000);
      const later = await syncDiscourse(t.store, client(), { settings: settings(), now });
      assert.deepEqual(later.updated.map((u) => u.topicId), [topic.id]);
      const edited = forum.posts.get(first.id)!;
      assert.ok(edited.version > first.version);
      assert.match(edited.raw, /교정된 첫 문장입니다\./);
      assert.equal(forum.topics.size, 1, 'edited, not posted again');
      const quiet = await syncDiscourse(t.store, client(), { settings: settings(), now });
      assert.deepEqual([quiet.updated.length, quiet.unchanged], [0, 1]);
    });

    it('splits an edition longer than the forum allows into a first post and ordered replies', async () => {
      forum.maxPostLength = 6000;
      const r = await publishEdition(t.store, editionId, { lang: 'ko', channels: ['discourse'], allowDrafts: true, now, forum: () => ({ forum: client(), settings: settings({ maxChars: 6000 }) }) });
      assert.deepEqual(r.failed, []);
      const topic = [...forum.topics.values()][0]!;
      assert.ok(topic.postIds.length > 2, `${topic.postIds.length} posts`);
      const parts = topic.postIds.map((id) => forum.posts.get(id)!.raw);
      for (const p of parts) assert.ok([...p].length <= 6000);
      // every entry heading appears once, in order, across the parts
      const whole = (await import('../src/pipeline/discourse.js')).topicParts((await import('../src/pipeline/assemble.js')).assembleEditionView(await t.store.getEditionBundle(editionId), 'ko'), { allowDrafts: true, settings: settings() }).parts;
      assert.equal(whole.length, 1);
      assert.deepEqual(parts.join('\n').match(/^## .+$/gm), whole[0]!.match(/^## .+$/gm), 'every heading once, in order');
      assert.deepEqual((await t.store.getDiscoursePost(editionId, 'ko'))!.postIds, topic.postIds);

    });

    it('refuses to post an edition that is too long when told to refuse, naming the length and the limit', async () => {
      const r = await publishEdition(t.store, editionId, { lang: 'ko', channels: ['discourse'], allowDrafts: true, now, forum: () => ({ forum: client(), settings: settings({ maxChars: 6000, split: 'refuse' }) }) });
      assert.equal(r.failed.length, 1);
      assert.match(r.failed[0]!.reason, /6000/);
      assert.equal(forum.topics.size, 0);
    });

    it('says which settings are missing before publishing anything', async () => {
      const r = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'web,discourse', '--allow-drafts'], { ...t.env, PAPERBOY_DISCOURSE_URL: forum.url });
      assert.equal(r.code, 78);
      assert.match(r.err, /PAPERBOY_DISCOURSE_API_KEY, PAPERBOY_DISCOURSE_API_USERNAME, PAPERBOY_DISCOURSE_CATEGORY/);
      assert.deepEqual(await t.store.getPublications({ editionId }), [], 'nothing was published');
      const feedsAlone = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'feeds', '--allow-drafts'], t.env);
      assert.equal(feedsAlone.code, 2);
      assert.match(feedsAlone.err, /--to web,feeds/);
      // without a forum, `all` is every channel that is configured
      const all = await cli(['publish', '--week', WEEK, '--lang', 'ko', '--to', 'all', '--allow-drafts'], t.env);
      assert.equal(all.code, 0, all.err);
      assert.deepEqual((await t.store.getPublications({ editionId })).map((p) => p.channel).sort(), ['email', 'feeds', 'web']);
    });
  });
}
