// What readers see and do on the public archive (RELIABILITY.md item 8): provenance badges on every
// text block, the paper page, likes (once per reader, exactly N for N readers, rate-limited) and
// suggested corrections (stored pending, inert when shown back, size-capped, honeypot, one 404 for
// the unknown and the unpublished). Routes go through the app's request function, without a socket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, type TestStore } from './support/stores.js';
import { cli, SEED_POST, UPSTREAM_MD } from './support/cli.js';
import { createWebApp } from '../src/web/app.js';
import { decideCorrection } from '../src/pipeline/review.js';
import { splitSentences } from '../src/domain/sentences.js';
import type { Entry } from '../src/domain/types.js';

const BASE = 'https://digest.example.org';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const unescape = (s: string) => s.replace(/&amp;/g, '&');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

for (const engine of ENGINES) {
  describe(`reader actions on the web archive on ${engine.name}`, () => {
    let t: TestStore;
    let entries: Entry[];
    let unpublishedEntry: Entry;
    let now = new Date('2024-04-10T09:00:00Z');
    const clock = () => now;
    const app = (over: { trustProxy?: boolean } = {}) => createWebApp({ store: t.store, baseUrl: BASE, defaultLang: 'ko', now: clock, ...over });
    const post = (a: ReturnType<typeof app>, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      a.request(path, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { ...FORM, ...headers } });

    before(async () => {
      t = await engine.open();
      const week = ['--week', '2024-04-01', '--lang', 'ko'];
      assert.equal((await cli(['import', 'upstream', UPSTREAM_MD], t.env)).code, 0);
      assert.equal((await cli(['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'], t.env)).code, 0);
      await cli(['check', ...week], t.env);
      const j = JSON.parse((await cli(['check', ...week, '--json'], t.env)).out);
      for (const c of j.checked) for (const f of c.findings) if (f.severity === 'error' && !f.dismissed) await cli(['findings', 'dismiss', String(f.id), '--by', 'editor@example.org', '--why', 'known'], t.env);
      const r = await cli(['publish', ...week, '--to', 'web,feeds', '--allow-drafts'], t.env);
      assert.equal(r.code, 0, r.err);
      const ed = (await t.store.getEditionByStart('2024-04-01'))!;
      entries = await t.store.getEntries([ed.id]);
      const next = (await t.store.getEditionByStart('2024-04-08'))!;
      const keys = new Set(entries.map((e) => e.paperKey));
      unpublishedEntry = (await t.store.getEntries([next.id])).find((e) => !keys.has(e.paperKey))!;
      assert.ok(unpublishedEntry, 'the next week has a paper of its own');
    });
    after(async () => {
      await t?.cleanup();
    });

    const entryAt = (position: number) => entries.find((e) => e.position === position)!;

    it('marks every text block with its provenance: imported with its model, AI drafts, approved, the English sources', async () => {
      const e2 = entryAt(2);
      await t.store.putTexts([
        { ownerKind: 'entry', ownerId: String(e2.id), field: 'intro', lang: 'ko', body: 'SWE-agent는 GitHub 이슈를 자동으로 해결하는 에이전트입니다.', origin: 'llm', model: 'qwen2.5:14b', promptVersion: 'draft-v1', status: 'draft' },
      ]);
      const e3 = entryAt(3);
      assert.equal(await t.store.approveTexts([{ ownerKind: 'entry', ownerId: String(e3.id), field: 'intro', lang: 'ko' }], 'editor@example.org', now.toISOString()), 1);
      const html = await (await app().request('/editions/2024-04-01?lang=ko')).text();
      const section = (p: number) => html.slice(html.indexOf(`id="entry-${p}"`), html.indexOf('</section>', html.indexOf(`id="entry-${p}"`)));
      // imported texts with the model named on import, not yet approved
      assert.match(section(1), /<span class="badge origin-imported">가져온 글<\/span> · <span class="badge model">모델 GPT<\/span> · <span class="badge status-draft">검토 전<\/span>/);
      // an LLM draft names its model and prompt version
      assert.match(section(2), /<span class="badge origin-llm">AI 모델 초안<\/span> · <span class="badge model">모델 qwen2\.5:14b<\/span> · <span class="badge prompt">프롬프트 draft-v1<\/span> · <span class="badge status-draft">검토 전<\/span>/);
      assert.match(section(3), /<span class="badge status-approved">편집자 승인<\/span>/);
      // the English original says where it came from (the curated list), and claims no approval
      assert.match(section(1), /영어 원문 · <span class="badge origin-upstream">큐레이션 목록 원문<\/span><\/p>/);
      // every text block has a provenance line, and each target-language one a correction link
      const blocks = html.split('class="text ').length - 1;
      assert.equal(html.split('<p class="provenance"').length - 1 >= blocks, true);
      assert.ok(html.split('class="suggest"').length - 1 >= 10);
      assert.doesNotMatch(html, /<script/i);
      // the standalone export and the feeds keep the plain provenance line
      const feed = await (await app().request('/feeds/ko/feed.json')).text();
      assert.doesNotMatch(feed, /badge|action=\\?"\/likes/);
    });

    it('shows the paper page with its texts, metadata, links and the published editions it appeared in', async () => {
      const e1 = entryAt(1);
      assert.match(e1.paperKey, /^url:/);
      const ed = await (await app().request('/editions/2024-04-01?lang=ko')).text();
      const path = `/papers/url/${b64(e1.paperKey.slice(4))}`;
      assert.ok(ed.includes(`href="${path}?lang=ko"`), 'the entry links its paper page');
      const res = await app().request(`${path}?lang=ko`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /<html lang="ko">/);
      assert.match(html, /다발성 탈옥/);
      assert.match(html, /Many-shot Jailbreaking/);
      assert.match(html, /href="\/editions\/2024-04-01\?lang=ko">\[2024\/04\/01 ~ 04\/07\]/);
      assert.match(html, /대규모 언어 모델에 대한 간단한 긴 컨텍스트 공격/);
      assert.match(html, /We investigate a family of simple long-context attacks/);
      assert.match(html, /https:\/\/x\.com\/AnthropicAI/);
      assert.match(html, /<form class="like" method="post" action="\/likes">/);
      assert.match(html, /<span class="badge origin-imported">/);
      const en = await (await app().request(`${path}?lang=en`)).text();
      assert.match(en, /<html lang="en">/);
      assert.doesNotMatch(en.slice(en.indexOf('<article'), en.indexOf('</article>')), /[\uAC00-\uD7A3]/);
      // an arXiv paper has its id in the address
      const arxiv = entries.find((e) => e.paperKey.startsWith('arxiv:'));
      if (arxiv) assert.equal((await app().request(`/papers/arxiv/${arxiv.paperKey.slice(6)}`)).status, 200);
    });

    it('answers an unknown paper and a paper of an unpublished edition alike', async () => {
      const unknown = await app().request('/papers/arxiv/9999.99999');
      const unpublished = await app().request(unpublishedEntry.paperKey.startsWith('arxiv:') ? `/papers/arxiv/${unpublishedEntry.paperKey.slice(6)}` : `/papers/url/${b64(unpublishedEntry.paperKey.slice(4))}`);
      const edition = await app().request('/editions/2019-01-01');
      assert.equal(unknown.status, 404);
      assert.equal(unpublished.status, 404);
      const body = await unknown.text();
      assert.equal(await unpublished.text(), body);
      assert.equal(await edition.text(), body);
      assert.equal((await app().request('/papers/url/not*base64')).status, 404);
    });

    it('counts a like once per reader, sets the reader cookie once, and thanks on the redirected page', async () => {
      const a = app();
      const e1 = entryAt(1);
      const first = await post(a, '/likes', { entry: String(e1.id), lang: 'ko', from: 'edition' });
      assert.equal(first.status, 303);
      assert.equal(first.headers.get('location'), `/editions/2024-04-01?lang=ko&liked=${e1.id}#entry-1`);
      const cookie = first.headers.get('set-cookie') ?? '';
      assert.match(cookie, /^pb_reader=[0-9a-f]{32}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      const again = await post(a, '/likes', { entry: String(e1.id), lang: 'ko', from: 'edition' }, { cookie: cookie.split(';')[0]! });
      assert.equal(again.status, 303);
      assert.equal(again.headers.get('set-cookie'), null);
      assert.equal((await t.store.likeCounts([e1.id])).get(e1.id), 1);
      const page = await (await a.request(again.headers.get('location')!)).text();
      assert.match(page, new RegExp(`<span class="likes" id="likes-${e1.id}">좋아요 1</span>`));
      assert.match(page, /<p class="thanks" role="status">좋아요를 눌러주셔서 감사합니다!<\/p>/);
      // the page without ?liked= is the same for everyone: no thank-you, no trace of the reader
      const plain = await (await a.request('/editions/2024-04-01?lang=ko')).text();
      assert.doesNotMatch(plain, /class="thanks"/);
      // from the paper page, back to the paper page
      const fromPaper = await post(a, '/likes', { entry: String(e1.id), lang: 'ko', from: 'paper' }, { cookie: cookie.split(';')[0]! });
      assert.equal(fromPaper.headers.get('location'), `/papers/url/${b64(e1.paperKey.slice(4))}?lang=ko&liked=${e1.id}#edition-2024-04-01`);
    });

    it('counts 100 concurrent likes from 100 readers exactly', async () => {
      const a = app({ trustProxy: true });
      const e5 = entryAt(5);
      const before = (await t.store.likeCounts([e5.id])).get(e5.id) ?? 0;
      const res = await Promise.all(
        Array.from({ length: 100 }, (_, i) => post(a, '/likes', { entry: String(e5.id) }, { 'x-forwarded-for': `10.0.${i >> 8}.${i & 255}` })),
      );
      assert.deepEqual([...new Set(res.map((r) => r.status))], [303]);
      assert.equal(new Set(res.map((r) => r.headers.get('set-cookie'))).size, 100);
      assert.equal((await t.store.likeCounts([e5.id])).get(e5.id), before + 100);
    });

    it('limits likes per address (429 with Retry-After), refuses other sites, and 404s an unpublished entry', async () => {
      const a = app();
      const e6 = entryAt(6);
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) statuses.push((await post(a, '/likes', { entry: String(e6.id) })).status);
      assert.deepEqual(statuses, [...Array(20).fill(303), 429]);
      const limited = await post(a, '/likes', { entry: String(e6.id) });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      const b = app();
      const unpublished = await post(b, '/likes', { entry: String(unpublishedEntry.id) });
      const unknown = await post(b, '/likes', { entry: '999999999' });
      const garbage = await post(b, '/likes', { entry: '1 or 1=1' });
      assert.equal(unpublished.status, 404);
      assert.equal(unknown.status, 404);
      assert.equal(garbage.status, 404);
      const body = await unknown.text();
      assert.equal(await unpublished.text(), body);
      assert.equal(await garbage.text(), body);
      assert.equal((await t.store.likeCounts([unpublishedEntry.id])).get(unpublishedEntry.id), undefined);
      assert.equal((await post(b, '/likes', { entry: String(e6.id) }, { origin: 'https://evil.example' })).status, 403);
      assert.equal((await post(b, '/likes', { entry: String(e6.id) }, { origin: BASE })).status, 303);
      // a page sent with no-referrer makes the browser post its own forms with Origin: null
      assert.equal((await post(b, '/likes', { entry: String(e6.id) }, { origin: 'null', 'sec-fetch-site': 'same-origin' })).status, 303);
      assert.equal((await post(b, '/likes', { entry: String(e6.id) }, { origin: 'null' })).status, 403);
      assert.equal((await post(b, '/likes', { entry: String(e6.id) }, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status, 403);
    });

    it('takes a suggested correction from the form, stores it pending, and shows a thank-you page', async () => {
      const a = app();
      const e1 = entryAt(1);
      const ed = await (await a.request('/editions/2024-04-01?lang=ko')).text();
      const href = unescape(/<a href="(\/corrections\/new\?[^"]*owner=paper%3Aurl%3A[^"]*field=abstract[^"]*)"/.exec(ed)![1]!);
      const form = await a.request(href);
      assert.equal(form.status, 200);
      const html = await form.text();
      const text = (await t.store.getText({ ownerKind: 'paper', ownerId: e1.paperKey, field: 'abstract', lang: 'ko' }))!;
      const sentences = splitSentences(text.body, 'ko');
      assert.equal(html.split('type="radio" name="sentence"').length - 1, sentences.length);
      for (const [name, label] of [['proposed', '바꿀 문구'], ['note', '편집자에게 남길 말'], ['website', '이 칸은 비워두세요']]) assert.match(html, new RegExp(`<label for="${name}">${label}`));
      assert.match(html, /<input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value="">/);
      assert.match(html, new RegExp(`name="revision" value="${text.revision}"`));
      const fields = { edition: '2024-04-01', owner: `paper:${e1.paperKey}`, field: 'abstract', lang: 'ko', revision: String(text.revision), sentence: '0', proposed: '대규모 언어 모델을 겨냥한 간단한 긴 컨텍스트 공격을 조사합니다.', note: '<b>어색한</b> 표현' };
      const res = await post(a, '/corrections', fields);
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/corrections/thanks?edition=2024-04-01&lang=ko');
      assert.match(res.headers.get('set-cookie') ?? '', /^pb_reader=/);
      const thanks = await a.request(res.headers.get('location')!);
      assert.match(await thanks.text(), /편집자가 제안을 검토하겠습니다/);
      const [c] = await t.store.getCorrections({ status: 'pending' });
      assert.equal(c?.original, sentences[0]!.text);
      assert.equal(c?.proposed, fields.proposed);
      assert.equal(c?.note, '<b>어색한</b> 표현', 'stored raw; every view escapes it');
      assert.match(c?.reader ?? '', /^[0-9a-f]{64}$/);
    });

    it('shows an accepted correction everywhere, with the corrected mark and the earlier wording', async () => {
      const e1 = entryAt(1);
      const [c] = await t.store.getCorrections({ status: 'pending' });
      now = new Date('2024-04-12T10:00:00Z');
      const r = await decideCorrection(t.store, c!.id, 'accept', 'editor@example.org', clock);
      assert.equal(r.decided, 'accepted');
      const a = app();
      const ed = await (await a.request('/editions/2024-04-01?lang=ko')).text();
      assert.match(ed, /대규모 언어 모델을 겨냥한 간단한 긴 컨텍스트 공격을 조사합니다\./);
      assert.match(ed, /<span class="badge corrected">2024-04-12 독자 제안으로 정정됨<\/span>/);
      assert.match(ed, /<span class="badge edited">편집자가 수정함<\/span>/);
      const paper = await (await a.request(`/papers/url/${b64(e1.paperKey.slice(4))}?lang=ko`)).text();
      assert.match(paper, /<span class="badge corrected">2024-04-12 독자 제안으로 정정됨<\/span>/);
      assert.match(paper, /<details class="history"><summary>이전 문구<\/summary><ol><li><span class="when">2024-04-12 · 정정<\/span><div lang="ko">대규모 언어 모델에 대한 간단한 긴 컨텍스트 공격/);
      assert.match(await (await a.request(`/search?q=${encodeURIComponent('겨냥한')}`)).text(), /<mark>겨냥한<\/mark>/);
      assert.match(await (await a.request('/feeds/ko/rss.xml')).text(), /겨냥한/);
      // the English view does not offer corrections of the English sources
      const en = await (await a.request('/editions/2024-04-01?lang=en')).text();
      assert.doesNotMatch(en, /class="suggest"/);
    });

    it('re-shows the form with a clear message and the input inert; caps the body; honeypot; identical 404s', async () => {
      const a = app();
      const e2 = entryAt(2);
      const text = (await t.store.getText({ ownerKind: 'entry', ownerId: String(e2.id), field: 'intro', lang: 'ko' }))!;
      const base = { edition: '2024-04-01', owner: `entry:${e2.id}`, field: 'intro', lang: 'ko', revision: String(text.revision), sentence: '0' };
      const pending = async () => (await t.store.getCorrections({ status: 'pending' })).length;
      const count = await pending();

      const empty = await post(a, '/corrections', { ...base, proposed: '   ', note: '' });
      assert.equal(empty.status, 400);
      assert.match(await empty.text(), /<p class="error" role="alert">바꿀 문구를 적어주세요\.<\/p>/);

      const payload = '</textarea><script>alert(1)</script><img src=x onerror=alert(1)>';
      const hostile = await post(a, '/corrections', { ...base, sentence: '', proposed: payload, note: '"><svg onload=alert(1)>' });
      assert.equal(hostile.status, 400);
      const shown = await hostile.text();
      assert.match(shown, /고칠 문장을 골라주세요/);
      assert.ok(shown.includes('&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</textarea>'), 'the input comes back escaped');
      assert.ok(shown.includes('&quot;&gt;&lt;svg onload=alert(1)&gt;</textarea>'));
      assert.doesNotMatch(shown, /<script|<img|<svg/i);

      const long = await post(a, '/corrections', { ...base, proposed: '가'.repeat(2001) });
      assert.equal(long.status, 400);
      assert.match(await long.text(), /최대 2000자/);

      const huge = await post(a, '/corrections', { ...base, proposed: 'a'.repeat(1024 * 1024) });
      assert.equal(huge.status, 413);
      assert.match(await huge.text(), /제안 하나에 담을 수 있는 양보다 깁니다/);

      const bot = await post(a, '/corrections', { ...base, proposed: '스팸', website: 'https://spam.example' });
      assert.equal(bot.status, 303);
      assert.equal(bot.headers.get('location'), '/corrections/thanks?edition=2024-04-01&lang=ko');
      assert.equal(await pending(), count, 'the honeypot stored nothing');

      // unknown text, unpublished edition (with a real Korean text), English text: one 404
      await t.store.putTexts([{ ownerKind: 'entry', ownerId: String(unpublishedEntry.id), field: 'intro', lang: 'ko', body: '아직 공개되지 않은 소개입니다.', origin: 'human', model: null, promptVersion: null, status: 'approved' }]);
      const b = app();
      const answers = await Promise.all([
        post(b, '/corrections', { ...base, owner: 'entry:999999999', proposed: '새 문구' }),
        post(b, '/corrections', { ...base, edition: '2024-04-08', owner: `entry:${unpublishedEntry.id}`, revision: '1', proposed: '새 문구' }),
        post(b, '/corrections', { ...base, lang: 'en', proposed: 'new wording' }),
        post(b, '/corrections', { ...base, owner: 'nonsense', proposed: '새 문구' }),
        b.request(`/corrections/new?edition=2024-04-08&owner=entry%3A${unpublishedEntry.id}&field=intro&lang=ko`),
        b.request('/corrections/new?edition=2024-04-01&owner=entry%3A999999999&field=intro&lang=ko'),
      ]);
      const notFound = await (await b.request('/editions/2019-01-01')).text();
      for (const r of answers) {
        assert.equal(r.status, 404);
        assert.equal(await r.text(), notFound);
      }
      assert.equal(await pending(), count);
    });

    it('limits suggestions per address (429 with Retry-After)', async () => {
      const a = app();
      const base = { edition: '2024-04-01', owner: 'entry:1', field: 'intro', lang: 'ko', revision: '1', website: 'x' };
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await post(a, '/corrections', base)).status);
      assert.deepEqual(statuses, [303, 303, 303, 303, 303, 429]);
      const r = await post(a, '/corrections', base);
      assert.ok(Number(r.headers.get('retry-after')) >= 60);
      // an hour later there is room again
      now = new Date(now.getTime() + 3600_000);
      assert.equal((await post(a, '/corrections', base)).status, 303);
    });
  });
}
