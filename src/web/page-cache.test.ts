import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { pageCache } from './page-cache.js';

/** A tiny site whose pages say how many renders happened so far, over a version we control. */
function site(opts: { maxEntries?: number; maxBytes?: number } = {}) {
  let version = 1;
  let renders = 0;
  const gates: Array<() => void> = [];
  const app = new Hono();
  app.use('*', pageCache({ version: async () => version, ...opts }));
  app.get('/page', (c) => c.html(`<p>render ${++renders} ${c.req.query('x') ?? ''}</p>`));
  app.get('/big/:n', (c) => c.text(`${++renders}`.padEnd(Number(c.req.param('n')), '.')));
  app.get('/slow', async (c) => {
    const n = ++renders;
    // the body is made from what the "store" held when the render began
    const seen = version;
    await new Promise<void>((r) => gates.push(r));
    return c.text(`render ${n} of version ${seen}`);
  });
  app.get('/cookie', (c) => {
    c.header('set-cookie', 'reader=abc; Path=/; HttpOnly');
    return c.text(`render ${++renders}`);
  });
  app.get('/same', (c) => {
    ++renders;
    return c.text('same');
  });
  app.get('/no-store', (c) => c.text(`render ${++renders}`, 200, { 'cache-control': 'no-store' }));
  app.get('/private', (c) => c.text(`render ${++renders}`, 200, { 'cache-control': 'private, max-age=60' }));
  app.get('/vary', (c) => c.text(`render ${++renders}`, 200, { vary: 'Cookie' }));
  app.get('/desk/queue', (c) => c.text(`render ${++renders}`));
  app.get('/fail', (c) => c.text(`render ${++renders}`, 500));
  app.post('/page', (c) => c.text(`render ${++renders}`));
  app.get('/moved', (c) => {
    ++renders;
    return c.redirect('/page', 301);
  });
  app.notFound((c) => c.text(`not found ${++renders}`, 404));
  return {
    app,
    get: async (path: string, headers: Record<string, string> = {}) => {
      const res = await app.request(path, { headers });
      return { status: res.status, body: await res.text(), headers: res.headers };
    },
    renders: () => renders,
    bump: () => void version++,
    /** lets the oldest /slow render finish */
    release: () => gates.shift()?.(),
  };
}

describe('page cache', () => {
  it('renders a page once and answers the next requests from the cache, with the same headers', async () => {
    const s = site();
    const first = await s.get('/page');
    const second = await s.get('/page');
    assert.equal(first.body, '<p>render 1 </p>');
    assert.equal(second.body, first.body);
    assert.equal(s.renders(), 1);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('content-type'), first.headers.get('content-type'));
    assert.equal(second.headers.get('x-cache'), 'hit');
    assert.equal(first.headers.get('x-cache'), 'miss');
  });

  it('keys by path and query', async () => {
    const s = site();
    await s.get('/page?x=1');
    assert.equal((await s.get('/page?x=2')).body, '<p>render 2 2</p>');
    assert.equal((await s.get('/page?x=1')).body, '<p>render 1 1</p>');
    assert.equal(s.renders(), 2);
  });

  it('renders again after the site version changes', async () => {
    const s = site();
    await s.get('/page');
    s.bump();
    assert.equal((await s.get('/page')).body, '<p>render 2 </p>');
    assert.equal((await s.get('/page')).body, '<p>render 2 </p>');
  });

  it('never serves a render that began before a write and ended after it', async () => {
    const s = site();
    const inFlight = s.get('/slow');
    await new Promise((r) => setImmediate(r));
    s.bump(); // a write lands while the page is being rendered from the old data
    s.release();
    assert.equal((await inFlight).body, 'render 1 of version 1');
    const next = s.get('/slow');
    await new Promise((r) => setImmediate(r));
    s.release();
    assert.equal((await next).body, 'render 2 of version 2');
  });

  it('does not store a render from before a write that other requests have already seen', async () => {
    const s = site();
    const inFlight = s.get('/slow');
    await new Promise((r) => setImmediate(r));
    s.bump();
    await s.get('/page'); // the cache now works under the new version
    s.release();
    await inFlight;
    const next = s.get('/slow');
    await new Promise((r) => setImmediate(r));
    s.release();
    assert.equal((await next).body, 'render 3 of version 2');
  });

  it('does not answer from a version read that began before the request arrived', async () => {
    // a store whose version reads take a while (another process, PostgreSQL)
    let version = 1;
    let renders = 0;
    const reads: Array<() => void> = [];
    const app = new Hono();
    app.use(
      '*',
      pageCache({
        version: () => {
          const seen = version; // what the database held when the read began
          return new Promise((resolve) => reads.push(() => resolve(seen)));
        },
      }),
    );
    app.get('/page', (c) => c.text(`render ${++renders} of version ${version}`));
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      reads.shift()?.();
    };
    const first = app.request('/page');
    await settle();
    assert.equal(await (await first).text(), 'render 1 of version 1');
    const early = app.request('/page');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r)); // its read is under way, with version 1
    version = 2; // a write commits
    const late = app.request('/page'); // arrives after the write
    reads.shift()?.();
    await settle();
    assert.equal(await (await early).text(), 'render 1 of version 1');
    assert.equal(await (await late).text(), 'render 2 of version 2');
  });

  it('renders without the cache when the version cannot be read', async () => {
    let renders = 0;
    let fail = true;
    const app = new Hono();
    app.use('*', pageCache({ version: async () => (fail ? Promise.reject(new Error('database is locked')) : 1) }));
    app.get('/page', (c) => c.text(`render ${++renders}`));
    assert.equal(await (await app.request('/page')).text(), 'render 1');
    assert.equal(await (await app.request('/page')).text(), 'render 2');
    fail = false;
    assert.equal(await (await app.request('/page')).text(), 'render 3');
    assert.equal(await (await app.request('/page')).text(), 'render 3');
  });

  it('shares one render among concurrent requests for the same page', async () => {
    const s = site();
    const all = [s.get('/slow'), s.get('/slow'), s.get('/slow')];
    await new Promise((r) => setImmediate(r));
    s.release();
    const bodies = (await Promise.all(all)).map((r) => r.body);
    assert.deepEqual(bodies, ['render 1 of version 1', 'render 1 of version 1', 'render 1 of version 1']);
    assert.equal(s.renders(), 1);
  });

  it('does not cache answers that set a cookie, say no-store or private, vary by request headers, the desk, or failures', async () => {
    const s = site();
    for (const path of ['/cookie', '/no-store', '/private', '/vary', '/desk/queue', '/fail']) {
      const before = s.renders();
      await s.get(path);
      await s.get(path);
      assert.equal(s.renders(), before + 2, path);
    }
    assert.match((await s.get('/cookie')).headers.get('set-cookie') ?? '', /reader=abc/);
  });

  it('neither serves nor stores pages for an editor with a desk session cookie', async () => {
    const s = site();
    for (const cookie of ['__Host-pb_desk=token', 'theme=dark; pb_desk_session=token']) {
      await s.get('/page', { cookie });
      await s.get('/page', { cookie });
    }
    assert.equal(s.renders(), 4);
    assert.equal((await s.get('/page', { cookie: 'theme=dark' })).body, '<p>render 5 </p>', 'other cookies are public');
    assert.equal((await s.get('/page')).body, '<p>render 5 </p>');
  });

  it('renders every POST', async () => {
    const s = site();
    await s.get('/page');
    const post = await s.app.request('/page', { method: 'POST' });
    assert.equal(await post.text(), 'render 2');
    await s.app.request('/page', { method: 'POST' });
    assert.equal(s.renders(), 3);
  });

  it('answers HEAD from the cache without a body, and never stores what a HEAD rendered', async () => {
    const s = site();
    await s.get('/page');
    const head = await s.app.request('/page', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal(s.renders(), 1);
    await s.app.request('/page?x=head', { method: 'HEAD' });
    assert.equal((await s.get('/page?x=head')).body, '<p>render 3 head</p>');
  });

  it('in front of a whole app (a HEAD there comes back without a body) serves GETs their bodies', async () => {
    let renders = 0;
    const site = new Hono();
    site.get('/page', (c) => c.text(`render ${++renders}`));
    const front = new Hono();
    front.use('*', pageCache({ version: async () => 1 }));
    front.all('*', (c) => site.fetch(c.req.raw));
    assert.equal(await (await front.request('/page', { method: 'HEAD' })).text(), '');
    assert.equal(await (await front.request('/page')).text(), 'render 2');
    assert.equal(await (await front.request('/page')).text(), 'render 2');
    assert.equal((await front.request('/page', { method: 'HEAD' })).status, 200);
    assert.equal(renders, 2);
  });

  it('caches permanent redirects and not-found pages', async () => {
    const s = site();
    const first = await s.app.request('/moved');
    const second = await s.app.request('/moved');
    assert.equal(second.status, 301);
    assert.equal(second.headers.get('location'), first.headers.get('location'));
    assert.equal(s.renders(), 1);
    await s.get('/nowhere');
    const missing = await s.get('/nowhere');
    assert.equal(missing.status, 404);
    assert.equal(missing.body, 'not found 2');
    assert.equal(s.renders(), 2);
  });

  it('forgets the least recently used page when full, by count', async () => {
    const s = site({ maxEntries: 2 });
    await s.get('/page?x=a');
    await s.get('/page?x=b');
    await s.get('/page?x=a'); // a is now the most recent
    await s.get('/page?x=c'); // evicts b
    assert.equal(s.renders(), 3);
    await s.get('/page?x=a');
    await s.get('/page?x=c');
    assert.equal(s.renders(), 3);
    await s.get('/page?x=b');
    assert.equal(s.renders(), 4);
  });

  it('stays within its byte budget, and skips a page bigger than all of it', async () => {
    const s = site({ maxBytes: 5_000 });
    await s.get('/big/2000');
    await s.get('/big/2001');
    await s.get('/big/2002'); // three would not fit: the first goes
    await s.get('/big/2001');
    await s.get('/big/2002');
    assert.equal(s.renders(), 3);
    await s.get('/big/2000');
    assert.equal(s.renders(), 4);
    await s.get('/big/9000');
    await s.get('/big/9000');
    assert.equal(s.renders(), 6);
  });

  it('stays bounded under many distinct search URLs', async () => {
    const s = site({ maxEntries: 10 });
    for (let i = 0; i < 50; i++) await s.get(`/page?x=${i}`);
    assert.equal(s.renders(), 50);
    await s.get('/page?x=0');
    assert.equal(s.renders(), 51, 'the oldest were forgotten');
    await s.get('/page?x=49');
    assert.equal(s.renders(), 51, 'the newest are kept');
  });

  it('gives a weak ETag and answers If-None-Match with 304', async () => {
    const s = site();
    const first = await s.get('/page');
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^W\/".+"$/);
    const again = await s.app.request('/page', { headers: { 'if-none-match': etag! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal(again.headers.get('etag'), etag);
    const strong = await s.app.request('/page', { headers: { 'if-none-match': `"nope", ${etag!.slice(2)}` } });
    assert.equal(strong.status, 304, 'compared weakly, in a list');
    assert.equal((await s.app.request('/page', { headers: { 'if-none-match': '"other"' } })).status, 200);
    assert.equal(s.renders(), 1);
  });

  it('keeps the ETag when a new version renders the same bytes, so browsers still get 304', async () => {
    const s = site();
    const a = await s.get('/same');
    s.bump();
    const b = await s.app.request('/same', { headers: { 'if-none-match': a.headers.get('etag')! } });
    assert.equal(s.renders(), 2);
    assert.equal(b.status, 304);
  });
});
