// Publishing refuses unresolved errors, unchecked and unapproved texts; the web archive then serves
// the published week with feeds. Routes go through the app's request function, without a socket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { createWebApp } from '../src/web/app.js';

const HANGUL = /[\uAC00-\uD7A3]/;

for (const engine of ENGINES) {
  describe(`publish and the web archive on ${engine.name}`, () => {
    let t: TestStore;
    const week = ['--week', '2024-04-01', '--lang', 'ko'];
    before(async () => {
      t = await engine.open();
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
      assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], t.env)).code, 0);
    });
    after(async () => {
      await t?.cleanup();
    });

    it('refuses an edition whose texts were never checked', async () => {
      const r = await cli(['publish', ...week], t.env);
      assert.equal(r.code, 65);
      assert.match(r.err, /publish: refused 2024-04-01\.\.2024-04-07 \(ko\)/);
      assert.match(r.err, /changed since its last check/);
    });

    it('refuses open checker errors and lists them, then unapproved texts unless --allow-drafts', async () => {
      await cli(['check', ...week], t.env);
      let r = await cli(['publish', ...week, '--to', 'web,feeds', '--allow-drafts'], t.env);
      assert.equal(r.code, 65);
      assert.match(r.err, /#\d+ entry 4 abstract: open numbers error: .*50K.*50만/);
      const j = JSON.parse((await cli(['check', ...week, '--json'], t.env)).out);
      for (const c of j.checked) for (const f of c.findings) if (f.severity === 'error' && !f.dismissed) await cli(['findings', 'dismiss', String(f.id), '--by', 'editor@example.org', '--why', 'known'], t.env);
      r = await cli(['publish', ...week], t.env);
      assert.equal(r.code, 65);
      assert.match(r.err, /text\(s\) not approved by an editor/);
      r = await cli(['publish', ...week, '--to', 'web,feeds', '--allow-drafts'], t.env);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /on web: published at/);
      const again = await cli(['publish', ...week, '--to', 'web,feeds', '--allow-drafts'], t.env);
      assert.match(again.out, /already published, nothing changed/);
      assert.equal((await t.store.getEditionByStart('2024-04-01'))?.status, 'published');
    });

    it('serves the published week in Korean and English, with security headers and feed links', async () => {
      const app = createWebApp({ store: t.store, baseUrl: 'https://digest.example.org', defaultLang: 'ko' });
      const home = await app.request('/');
      assert.equal(home.status, 200);
      const homeHtml = await home.text();
      assert.match(homeHtml, /href="\/editions\/2024-04-01\?lang=ko"/);
      assert.equal(home.headers.get('x-content-type-options'), 'nosniff');
      assert.match(home.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(home.headers.get('referrer-policy'), 'no-referrer');
      assert.match(home.headers.get('content-security-policy') ?? '', /object-src 'none'.*base-uri 'none'/);
      assert.match(home.headers.get('strict-transport-security') ?? '', /max-age=\d+/, 'served over https: HSTS');
      const plain = createWebApp({ store: t.store, baseUrl: 'http://127.0.0.1:3000', defaultLang: 'ko' });
      assert.equal((await plain.request('/')).headers.get('strict-transport-security'), null, 'no HSTS over plain http');

      const ko = await app.request('/editions/2024-04-01?lang=ko');
      const html = await ko.text();
      assert.equal(ko.status, 200);
      assert.match(html, /<html lang="ko">/);
      assert.match(html, /다발성 탈옥/);
      assert.match(html, /Many-shot Jailbreaking/);
      assert.match(html, /lang="en"/);
      assert.match(html, /<link rel="alternate" type="application\/rss\+xml" href="\/feeds\/ko\/rss\.xml"/);
      assert.doesNotMatch(html, /<script/i);

      const en = await (await app.request('/editions/2024-04-01?lang=en')).text();
      const article = en.slice(en.indexOf('<article'), en.indexOf('</article>'));
      assert.doesNotMatch(article, HANGUL);

      const inside = await app.request('/editions/2024-04-05?lang=ko');
      assert.equal(inside.status, 301);
      assert.equal(inside.headers.get('location'), '/editions/2024-04-01?lang=ko');
    });

    it('answers unknown and unpublished editions alike, without details', async () => {
      const app = createWebApp({ store: t.store, baseUrl: 'https://digest.example.org', defaultLang: 'ko' });
      const unpublished = await app.request('/editions/2024-04-08');
      const unknown = await app.request('/editions/2019-01-01');
      assert.equal(unpublished.status, 404);
      assert.equal(unknown.status, 404);
      assert.equal(await unpublished.text(), await unknown.text());
      assert.equal((await app.request('/editions/not-a-date')).status, 404);
      assert.equal((await app.request('/feeds/ko/evil.xml')).status, 404);
    });

    it('publishes feeds per language: RSS 2.0, Atom 1.0 and JSON Feed, one item per edition', async () => {
      const app = createWebApp({ store: t.store, baseUrl: 'https://digest.example.org', defaultLang: 'ko' });
      const rss = await app.request('/feeds/ko/rss.xml');
      assert.match(rss.headers.get('content-type') ?? '', /application\/rss\+xml/);
      const rssText = await rss.text();
      assert.equal(XMLValidator.validate(rssText), true);
      assert.equal(rssText.split('<item>').length - 1, 1);
      assert.match(rssText, /https:\/\/digest\.example\.org\/editions\/2024-04-01\?lang=ko/);
      const atom = await (await app.request('/feeds/ko/atom.xml')).text();
      assert.equal(XMLValidator.validate(atom), true);
      assert.match(atom, /<entry>/);
      const json = await (await app.request('/feeds/ko/feed.json')).json() as { items: Array<{ title: string; content_html: string }> };
      assert.equal(json.items.length, 1);
      assert.match(json.items[0]!.title, /2024\/04\/01/);
      assert.match(json.items[0]!.content_html, /다발성 탈옥/);
    });

    it('searches the published archive in Korean (two syllables too), English and mixed queries', async () => {
      const app = createWebApp({ store: t.store, baseUrl: 'https://digest.example.org', defaultLang: 'ko' });
      const search = async (q: string) => (await app.request(`/search?q=${encodeURIComponent(q)}`)).text();
      const jailbreak = await search('탈옥');
      assert.match(jailbreak, /<mark>탈옥<\/mark>/);
      assert.match(jailbreak, /href="\/editions\/2024-04-01\?lang=ko#entry-1"/);
      assert.match(await search('모델'), /<mark>모델<\/mark>/);
      assert.match(await search('대규모 언어'), /<mark>대규모<\/mark>/);
      const mixed = await search('LLM 탈옥');
      assert.match(mixed, /<mark>LLM<\/mark>/);
      assert.match(mixed, /<mark>탈옥<\/mark>/);
      assert.match(await search('jailbreaking'), /<mark>jailbreaking<\/mark>/i);
      // an edition that was not published is not searched: DeepSeek-R1 appears only in 2025
      assert.match(await search('DeepSeek-R1'), /Nothing found/);
      assert.match(await search('<script>alert(1)</script>'), /&lt;script&gt;/);
      assert.doesNotMatch(await search('<script>alert(1)</script>'), /<script>alert/);
      assert.match(await search(''), /<h1>Search<\/h1>/);
    });

    it('keeps hostile text inert on the page', async () => {
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      const [entry] = (await t.store.getEntries([ed.id])).filter((e) => e.position === 1);
      await t.store.putTexts([{ ownerKind: 'entry', ownerId: String(entry!.id), field: 'intro', lang: 'ko', body: '<script>window.__pwned=1</script><img src=x onerror=alert(1)> [x](javascript:alert(1)) 소개', origin: 'human', model: null, promptVersion: null, status: 'approved' }]);
      const app = createWebApp({ store: t.store, baseUrl: 'https://digest.example.org', defaultLang: 'ko' });
      const html = await (await app.request('/editions/2024-04-01?lang=ko')).text();
      assert.doesNotMatch(html, /<script/i);
      // the only image is the week's chart, which paperboy draws itself
      const images = html.match(/<img\b[^>]*>/gi) ?? [];
      assert.deepEqual(images.map((i) => /^<img src="\/editions\/2024-04-01\/chart\.svg\?lang=ko" alt="[^"<>]*" width="560">$/.test(i)), images.map(() => true), images.join('\n'));
      assert.doesNotMatch(html, /<[a-z][^>]*\sonerror\s*=/i, "no element carries an event handler");
      assert.doesNotMatch(html, /href="javascript:/i);
      assert.match(html, /&lt;script&gt;/);
    });
  });
}
