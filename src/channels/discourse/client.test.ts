import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startDiscourseServer, type DiscourseServer } from '../../../test/support/discourse-server.js';
import { PaperboyError } from '../../errors.js';
import { createDiscourseClient, parseRetryAfter, type DiscourseClient, type DiscourseClientOptions } from './client.js';

const FIXTURES = new URL('../../../../shared/data/discourse/discourse_api_fixtures/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

const KEY = 'k3y-0123456789abcdef-secret';
const WRONG_KEY = 'wr0ng-fedcba9876543210-secret';
const USER = 'paperboy';
const TITLE = '[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)';
const RAW = '- 이번 주에 선정된 논문들을 살펴보면 대부분 LLM과 관련된 주제입니다.\n\n---\n\n## 다발성 탈옥 / Many-shot Jailbreaking\n';
const EXTERNAL = 'paperboy-2024-04-01-ko';

/** Every error message any client produced in this file: none may show a key. */
const messages: string[] = [];

async function rejection(p: Promise<unknown>): Promise<PaperboyError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PaperboyError, `a PaperboyError, got ${String(err)}`);
    messages.push(err.message);
    return err;
  }
  assert.fail('expected the call to fail');
}

let forum: DiscourseServer;
let waits: number[];

function client(over: Partial<DiscourseClientOptions> = {}): DiscourseClient {
  return createDiscourseClient({
    baseUrl: forum.url,
    apiKey: KEY,
    apiUsername: USER,
    timeoutMs: 2000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0,
    ...over,
  });
}

const create = (c: DiscourseClient, over: Partial<{ title: string; raw: string; category: number; externalId: string }> = {}) =>
  c.createTopic({ title: TITLE, raw: RAW, category: 2, tags: ['ml-papers', 'ko'], externalId: EXTERNAL, ...over });

before(async () => {
  forum = await startDiscourseServer({ apiKey: KEY, apiUsername: USER });
});
after(async () => {
  await forum.close();
  for (const m of messages) {
    assert.ok(!m.includes(KEY) && !m.includes(WRONG_KEY), `an error message shows an API key: ${m}`);
  }
});
beforeEach(() => {
  forum.clear();
  forum.apiKey = KEY;
  forum.maxPostLength = 32000;
  waits = [];
});

describe('Discourse client against the local forum', () => {
  it('creates a topic, finds it by external id, edits it, replies, and reads it back', async () => {
    const c = client();
    assert.equal(await c.resolveCategory('test2'), 2);
    assert.equal(await c.resolveCategory('TEST3'), 3);
    assert.equal(await c.resolveCategory(1), 1);

    assert.equal(await c.topicByExternalId(EXTERNAL), null, 'nothing published yet');
    const { topicId, postId } = await create(c);
    const stored = forum.topics.get(topicId);
    assert.ok(stored);
    assert.deepEqual([stored.title, stored.categoryId, stored.tags, stored.externalId], [TITLE, 2, ['ml-papers', 'ko'], EXTERNAL]);
    assert.equal(forum.posts.get(postId)?.raw, RAW);

    assert.deepEqual(await c.topicByExternalId(EXTERNAL), { topicId, firstPostId: postId, postIds: [postId], title: TITLE });

    const corrected = RAW.replace('대부분', '거의 모든 논문이');
    await c.updatePost(postId, corrected, 'reader correction #12');
    assert.deepEqual(
      [forum.posts.get(postId)?.raw, forum.posts.get(postId)?.version, forum.posts.get(postId)?.editReason],
      [corrected, 2, 'reader correction #12'],
    );

    const { postId: replyId } = await c.reply(topicId, '(2/2)\n\n## SWE-Agent\n\nhttps://github.com/princeton-nlp/SWE-agent');
    assert.notEqual(replyId, postId);
    assert.deepEqual(await c.topic(topicId), { topicId, firstPostId: postId, postIds: [postId, replyId], title: TITLE });
    assert.equal(await c.topic(987654), null, 'an unknown topic is null');

    // what went over the wire
    const createReq = forum.requests.find((r) => r.method === 'POST' && r.body?.title);
    assert.deepEqual(createReq?.body, { title: TITLE, raw: RAW, category: 2, tags: ['ml-papers', 'ko'], external_id: EXTERNAL });
    const put = forum.requests.find((r) => r.method === 'PUT');
    assert.deepEqual([put?.path, put?.body], [`/posts/${postId}.json`, { post: { raw: corrected, edit_reason: 'reader correction #12' } }]);
    assert.ok(forum.requests.some((r) => r.path === `/t/external_id/${EXTERNAL}.json` && r.status === 301), 'the redirect was followed');
    for (const r of forum.requests) {
      assert.equal(r.headers['api-key'], KEY);
      assert.equal(r.headers['api-username'], USER);
      assert.equal(r.headers['accept'], 'application/json');
      assert.equal(r.headers['content-type'], 'application/json');
    }
    assert.deepEqual(waits, [], 'no waiting without faults');
  });

  it('honours Retry-After on 429, in seconds and as an HTTP date, capped at 5 minutes', async () => {
    forum.enqueue({ status: 429, retryAfter: '2' });
    assert.equal(await client().resolveCategory('test1'), 1);
    assert.deepEqual(waits, [2000]);
    assert.equal(forum.requests.length, 2);

    waits = [];
    const t0 = Date.parse('2026-01-05T10:00:00Z');
    forum.enqueue({ status: 429, retryAfter: new Date(t0 + 7000).toUTCString() });
    assert.equal(await client({ now: () => t0 }).resolveCategory('test1'), 1);
    assert.deepEqual(waits, [7000]);

    waits = [];
    forum.enqueue({ status: 429, retryAfter: '3600' }, { status: 429 });
    assert.equal(await client({ backoffBaseMs: 1000 }).resolveCategory('test1'), 1);
    assert.deepEqual(waits, [300_000, 2000], 'capped at 5 min; without Retry-After the backoff of the second retry');

    assert.equal(parseRetryAfter('1.5', 0), 1500);
    assert.equal(parseRetryAfter('soon', 0), null);
  });

  it('retries 500 twice then succeeds, with exponential backoff', async () => {
    const c = client({ backoffBaseMs: 100 });
    const { topicId } = await create(c);
    forum.requests.length = 0;
    forum.enqueue({ status: 500 }, { status: 500 });
    assert.equal((await c.topic(topicId))?.topicId, topicId);
    assert.equal(forum.requests.length, 3);
    assert.deepEqual(waits, [100, 200]);

    // a create that failed with 500 (nothing applied) is tried again: one topic
    forum.clear();
    waits = [];
    forum.enqueue({ status: 500, method: 'POST' }, { status: 502, method: 'POST' });
    const created = await create(c);
    assert.equal(forum.topics.size, 1);
    assert.ok(forum.topics.has(created.topicId));
  });

  it('gives up after maxRetries with a retryable FETCH_FAILED', async () => {
    forum.enqueue({ status: 502 }, { status: 502 }, { status: 502 });
    const err = await rejection(client({ maxRetries: 2 }).resolveCategory('test1'));
    assert.equal(err.code, 'FETCH_FAILED');
    assert.equal(err.retryable, true);
    assert.match(err.message, /3 attempts.*HTTP 502/);
    assert.equal(forum.requests.length, 3);
  });

  it('explains a refused API key, and does not retry it', async () => {
    forum.apiKey = 'the-forum-has-another-key';
    const err = await rejection(client({ apiKey: WRONG_KEY }).resolveCategory('test1'));
    assert.equal(err.code, 'UPSTREAM_ERROR');
    assert.equal(err.retryable, false);
    assert.match(err.message, /HTTP 403/);
    assert.ok(err.message.includes('the forum refused the API key or user (PAPERBOY_DISCOURSE_API_KEY / PAPERBOY_DISCOURSE_API_USERNAME)'));
    assert.match(err.message, /API username or key is invalid/, "Discourse's own words");
    assert.equal(forum.requests.length, 1);
  });

  it('explains an unknown category, listing the known ones', async () => {
    const c = client();
    const err = await rejection(c.resolveCategory('weekly-papers'));
    assert.equal(err.retryable, false);
    assert.match(err.message, /no category "weekly-papers"/);
    assert.match(err.message, /known categories: test1, test2, test3/);

    const byId = await rejection(create(c, { category: 99 }));
    assert.equal(byId.code, 'UPSTREAM_ERROR');
    assert.match(byId.message, /no category 99/);
    assert.equal(forum.topics.size, 0);
    assert.equal(forum.requests.filter((r) => r.method === 'POST').length, 1, 'not retried');
  });

  it("surfaces Discourse's 422 message (too long, duplicate external id) without retrying", async () => {
    const c = client();
    const long = 'ㄱ'.repeat(32001);
    const err = await rejection(create(c, { raw: long }));
    assert.equal(err.code, 'UPSTREAM_ERROR');
    assert.equal(err.retryable, false);
    assert.ok(err.message.includes('Body is limited to 32000 characters; you entered 32001.'), err.message);
    assert.equal(forum.requests.length, 1);

    await create(c);
    const again = await rejection(create(c, { title: `${TITLE} (2)` }));
    assert.match(again.message, /External ID has already been taken/);
    assert.equal(forum.topics.size, 1);

    const { id } = [...forum.topics.values()][0]!;
    const reply = await rejection(c.reply(id, 'short'));
    assert.match(reply.message, /Body is too short/);
  });

  it('a create whose answer is lost fails (retryable), and the lookup by external id then finds the topic', async () => {
    const c = client();
    forum.enqueue({ dropAfterCommit: true, method: 'POST', path: '/posts.json' });
    const err = await rejection(create(c));
    assert.equal(err.code, 'FETCH_FAILED');
    assert.equal(err.retryable, true);
    assert.match(err.message, /external id/);
    assert.equal(forum.topics.size, 1, 'the forum did create it');

    const found = await c.topicByExternalId(EXTERNAL);
    const topic = [...forum.topics.values()][0]!;
    assert.deepEqual(found, { topicId: topic.id, firstPostId: topic.postIds[0], postIds: topic.postIds, title: TITLE });
  });

  it('publishing made idempotent by the caller: look up, create, and look up again after a retryable failure', async () => {
    // what the publish step will do, with the client as it is
    async function publish(c: DiscourseClient): Promise<{ topicId: number; postId: number; created: boolean }> {
      const existing = await c.topicByExternalId(EXTERNAL);
      if (existing) return { topicId: existing.topicId, postId: existing.firstPostId, created: false };
      try {
        return { ...(await create(c)), created: true };
      } catch (err) {
        if (!(err instanceof PaperboyError) || !err.retryable) throw err;
        messages.push(err.message);
        const after = await c.topicByExternalId(EXTERNAL);
        if (after) return { topicId: after.topicId, postId: after.firstPostId, created: false };
        throw err;
      }
    }
    for (const maxRetries of [0, 4]) {
      forum.clear();
      const c = client({ maxRetries });
      forum.enqueue({ dropAfterCommit: true, method: 'POST', path: '/posts.json' });
      const first = await publish(c);
      const second = await publish(c); // a re-run of the command
      assert.equal(forum.topics.size, 1, `exactly one topic (maxRetries ${maxRetries})`);
      assert.deepEqual(second, { ...first, created: false });
      assert.equal(forum.topics.get(first.topicId)?.postIds[0], first.postId);
    }
  });

  it('retries a reset connection and a timeout, except for a reply that may have been posted', async () => {
    const c = client({ timeoutMs: 200 });
    forum.enqueue({ reset: true, method: 'POST' });
    const { topicId } = await create(c);
    assert.equal(forum.topics.size, 1, 'a reset before anything was applied: tried again, one topic');

    forum.enqueue({ hang: true, method: 'GET' });
    assert.equal((await c.topic(topicId))?.topicId, topicId);

    forum.enqueue({ dropAfterCommit: true, method: 'POST' });
    const lost = await rejection(c.reply(topicId, 'the second part of the edition, as a reply'));
    assert.equal(lost.code, 'FETCH_FAILED');
    assert.equal(lost.retryable, true);
    assert.match(lost.message, /may or may not have posted the reply/);
    assert.equal(forum.topics.get(topicId)?.postIds.length, 2, 'posted once, not repeated');

    forum.enqueue({ status: 502, method: 'POST' });
    await rejection(c.reply(topicId, 'the third part of the edition, as a reply'));
    assert.equal(forum.requests.filter((r) => r.method === 'POST').length, 4, 'a reply is never sent twice');

    forum.enqueue({ status: 429, retryAfter: '1', method: 'POST' }, { status: 503, method: 'POST' });
    const ok = await c.reply(topicId, 'the third part of the edition, as a reply');
    assert.ok(forum.posts.has(ok.postId), '429 and 503 apply nothing, so a reply is tried again');

    forum.enqueue({ reset: true, method: 'PUT' }, { hang: true, method: 'PUT' });
    await c.updatePost(ok.postId, 'the third part, corrected by the editor');
    assert.equal(forum.posts.get(ok.postId)?.version, 2, 'an edit is repeatable');
  });

  it('reads the recorded Discourse answers (topic.json, create_topic_with_tags.json, categories.json)', async () => {
    const c = client();
    forum.enqueue({ status: 200, body: fixture('topic.json') });
    assert.deepEqual(await c.topic(57), {
      topicId: 57,
      firstPostId: 83,
      postIds: [83, 84, 86, 226],
      title: 'THIS SITE IS A SANDBOX -- it is reset every day',
    });
    forum.enqueue({ status: 200, body: fixture('topic.json'), path: /^\/t\/external_id\// });
    assert.equal((await c.topicByExternalId('sandbox'))?.topicId, 57, 'a topic answered without a redirect');
    forum.enqueue({ status: 200, body: fixture('topic_posts.json') });
    const posts = await rejection(c.topic(57));
    assert.match(posts.message, /not what Discourse sends \(title/);
    forum.enqueue({ status: 200, body: fixture('create_topic_with_tags.json') });
    assert.deepEqual(await create(c), { topicId: 21, postId: 29 });
    forum.enqueue({ status: 200, body: fixture('categories.json') });
    assert.equal(await c.resolveCategory('Test3'), 3);
  });

  it('rejects answers that are not what Discourse sends, and a post queued for approval', async () => {
    const c = client();
    forum.enqueue({ status: 200, body: '<html>Maintenance</html>' });
    assert.match((await rejection(c.resolveCategory('test1'))).message, /not JSON \(text\/html/);
    forum.enqueue({ status: 200, body: { success: true, action: 'enqueued', pending_count: 1 }, method: 'POST' });
    const queued = await rejection(create(c));
    assert.match(queued.message, /queued the topic for approval/);
    assert.equal(queued.retryable, false);
    const missing = await rejection(c.updatePost(424242, 'a text for a post that is not there'));
    assert.equal(missing.code, 'NOT_FOUND');
    assert.match(missing.message, /post 424242 was not found/);
    await rejection(c.topicByExternalId('not an id!'));
    assert.equal(forum.requests.length, 3, 'bad input is refused before any request');
  });

  it('never shows the API key, even when the forum echoes it', async () => {
    forum.enqueue({ status: 422, body: { errors: [`invalid key ${KEY}`] } });
    const err = await rejection(client().resolveCategory('test1'));
    assert.match(err.message, /invalid key \[redacted\]/);
    forum.apiKey = 'another';
    const refused = await rejection(client({ apiKey: WRONG_KEY }).topic(1));
    assert.ok(!refused.message.includes(WRONG_KEY));
  });

  it('keeps to the request budget per minute', async () => {
    let clock = Date.parse('2026-01-05T10:00:00Z');
    const starts: number[] = [];
    const c = client({
      maxRequestsPerMinute: 3,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      fetch: (input, init) => {
        starts.push(clock);
        return fetch(input, init);
      },
    });
    for (let i = 0; i < 7; i++) await c.resolveCategory('test1');
    assert.equal(starts.length, 7);
    for (const s of starts) assert.ok(starts.filter((t) => t > s - 60_000 && t <= s).length <= 3, 'at most 3 starts in any 60 s');
    assert.ok(starts[6]! - starts[0]! >= 120_000);
  });
});
