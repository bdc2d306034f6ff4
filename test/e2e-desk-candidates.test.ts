// The desk's candidates pages end to end on both engines: a week's ranked candidates with their
// signals and reasons, the edition's entries added, moved and removed from them (positions
// renumbered), the refusals (a paper already in, a published edition, a form without its CSRF
// token), a new edition made from a week's top candidates, and a hostile title shown as text.
// Routes go through the app's request function, without a socket; the clock is the test's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Hono } from 'hono';
import { ENGINES, type TestStore } from './support/stores.js';
import { createWebApp } from '../src/web/app.js';
import { hashPassword } from '../src/web/desk/auth.js';
import { importCandidates } from '../src/pipeline/candidates.js';
import { candidateRecord, type CandidateRecord } from '../src/sources/candidates.js';

const ED = 'ed@example.org';
const ED_PW = 'correct horse battery staple';
const WEEK = '2024-04-01';
const NEXT = '2024-04-08';
const BIG = '2024-04-15';
const PAGE = `/desk/editions/${WEEK}/candidates`;
const SAME_ORIGIN = { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' };
const HOSTILE = '<script>__pwned()</script> "Quoted" & <img src=x onerror=__pwned()>';

const record = (id: string, day: string, title: string, upvotes: number, extra: Partial<CandidateRecord> = {}): CandidateRecord =>
  candidateRecord({ source: 'hf', day, arxivId: id, url: `https://arxiv.org/abs/${id}`, title, abstract: `${title}: an abstract about language models and agents.`, authors: ['A. Author'], upvotes, comments: Math.floor(upvotes / 10), ...extra });

/** week 1: six papers on one day, best first by upvotes; the last has a hostile title */
const WEEK_RECORDS = [
  record('2404.00001', '2024-04-02', 'Alpha agents for planning', 100, { githubRepo: 'https://github.com/example/alpha', githubStars: 40 }),
  record('2404.00002', '2024-04-02', 'Beta retrieval at scale', 80),
  record('2404.00003', '2024-04-02', 'Gamma long context', 60),
  record('2404.00004', '2024-04-02', 'Delta speech tokens', 40),
  record('2404.00005', '2024-04-02', 'Epsilon vision transformers', 20),
  record('2404.00006', '2024-04-02', HOSTILE, 5),
];
const NEXT_RECORDS = [record('2404.10001', '2024-04-09', 'Zeta code models', 30), record('2404.10002', '2024-04-09', 'Eta safety evals', 20), record('2404.10003', '2024-04-09', 'Theta robots', 10)];
const BIG_RECORDS = Array.from({ length: 105 }, (_, i) => record(`2404.2${String(i).padStart(4, '0')}`, '2024-04-16', `Paper number ${i}`, 200 - i));
const key = (id: string) => `arxiv:${id}`;
const [P1, P2, P3, P4, P5, P6] = WEEK_RECORDS.map((r) => key(r.arxivId!)) as [string, string, string, string, string, string];

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const between = (html: string, start: string, end: string) => {
  const i = html.indexOf(start);
  assert.ok(i >= 0, `missing ${start}`);
  return html.slice(i, html.indexOf(end, i));
};
const rowsOf = (html: string, table: string) => between(html, `<table class="${table}">`, '</table>').match(/<tr id="[^"]+"[^>]*>/g) ?? [];

for (const engine of ENGINES) {
  describe(`the desk's candidates pages on ${engine.name}`, () => {
    let t: TestStore;
    let app: Hono;
    const clock = new Date('2024-04-08T09:00:00Z');
    let cookie = '';
    let csrf = '';
    let editionId = 0;

    const get = (path: string) => app.request(path, { headers: { cookie: `__Host-pb_desk=${cookie}` } });
    const post = (path: string, fields: Record<string, string>, opts: { csrf?: string | null; headers?: Record<string, string> } = {}) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers ?? SAME_ORIGIN), cookie: `__Host-pb_desk=${cookie}` },
        body: new URLSearchParams({ ...fields, ...(opts.csrf === null ? {} : { csrf: opts.csrf ?? csrf }) }).toString(),
      });
    const html = async (path: string, status = 200) => {
      const res = await get(path);
      assert.equal(res.status, status, path);
      return res.text();
    };
    /** the entries of an edition as paper keys, by position (positions checked to be 1..n) */
    const order = async (start = WEEK) => {
      const ed = (await t.store.getEditionByStart(start))!;
      const entries = (await t.store.getEntries([ed.id])).sort((a, b) => a.position - b.position);
      assert.deepEqual(
        entries.map((e) => e.position),
        entries.map((_, i) => i + 1),
      );
      return entries.map((e) => e.paperKey);
    };
    const entryId = async (paperKey: string) => (await t.store.getEntries([editionId])).find((e) => e.paperKey === paperKey)!.id;
    /** follows a 303 back to the candidates page and returns its flash text */
    const flashAfter = async (res: Response, done: string) => {
      assert.equal(res.status, 303, await res.clone().text());
      const location = res.headers.get('location')!;
      assert.match(location, new RegExp(`^/desk/editions/\\d{4}-\\d{2}-\\d{2}/candidates\\?done=${done}\\b.*#entries$`));
      const page = await html(location.replace(/#.*$/, ''));
      return /<p class="flash[^"]*" role="status">([^<]*)<\/p>/.exec(page)?.[1] ?? '';
    };

    before(async () => {
      t = await engine.open();
      const now = () => clock;
      await importCandidates(t.store, [...WEEK_RECORDS, ...NEXT_RECORDS, ...BIG_RECORDS], { now });
      const ed = await t.store.createEdition({ startDate: WEEK, endDate: '2024-04-07', title: 'Top ML Papers of the Week (April 1 - April 7)', source: 'test', sourceRef: null, status: 'imported' });
      editionId = ed.id;
      await t.store.createEntries([
        { editionId, position: 1, paperKey: P1, label: 'Alpha agents for planning', links: [{ kind: 'paper', label: 'Paper', url: 'https://arxiv.org/abs/2404.00001' }] },
        { editionId, position: 2, paperKey: P2, label: 'Beta retrieval at scale', links: [{ kind: 'paper', label: 'Paper', url: 'https://arxiv.org/abs/2404.00002' }] },
      ]);
      await t.store.createEditor(ED, await hashPassword(ED_PW), clock.toISOString());
      app = createWebApp({ store: t.store, baseUrl: 'https://digest.example.org', defaultLang: 'ko', now, pageCache: false });
      const login = await app.request('/desk/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN }, body: new URLSearchParams({ email: ED, password: ED_PW }).toString() });
      assert.equal(login.status, 303);
      cookie = /__Host-pb_desk=([^;]*)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
      csrf = csrfOf(await html(PAGE));
      assert.ok(csrf);
    });
    after(async () => {
      await t?.cleanup();
    });

    it("shows the edition's entries and the week's ranked candidates with each signal's contribution and the reason", async () => {
      const page = await html(PAGE);
      assert.match(page, /<h1>Candidates for the week<\/h1>/);
      assert.equal(rowsOf(page, 'entries').length, 2);
      assert.match(between(page, '<table class="entries">', '</table>'), /<tr id="entry-1"[^>]*><td class="num">1<\/td><td><a href="https:\/\/arxiv\.org\/abs\/2404\.00001" rel="external noopener noreferrer" target="_blank">Alpha agents for planning<\/a>/);
      const candidates = between(page, '<table class="candidates">', '</table>');
      assert.equal(rowsOf(page, 'candidates').length, 6);
      // ranked by popularity (no model yet): upvotes decide, the hostile one last
      const ranked = [...candidates.matchAll(/<span class="key">([^<]+)<\/span>/g)].map((m) => m[1]);
      assert.deepEqual(ranked, [P1, P2, P3, P4, P5, P6]);
      const first = between(page, '<tr id="candidate-1">', '</tr>');
      assert.match(first, /<td>hf<\/td><td class="day">2024-04-02<\/td>/);
      assert.match(first, /100 upvotes<br>10 comments<br>40 stars/);
      assert.doesNotMatch(candidates, /— (upvotes|comments|stars)|\bnull\b|undefined/, 'a count a source did not give is left out');
      assert.match(first, /like past picks <span class="num">\+0\.00<\/span>/);
      assert.match(first, /popularity <span class="num">\+3\.00<\/span> <meter min="0" max="1" value="1\.000"/);
      assert.match(first, /recency <span class="num">\+0\.50<\/span>/);
      assert.match(first, /topic fit <span class="num">\+0\.00<\/span>/);
      assert.match(first, /<td class="num score">3\.50<\/td>/);
      assert.match(first, /<p class="why">like past picks \+0\.00 · popular \+3\.00 \(100 upvotes, 10 comments, 40 stars\) · topics \+0\.00 \([^)]*\) · recent \+0\.50<\/p>/);
      assert.match(first, /<td class="place">in edition at #1<\/td>/);
      assert.match(between(page, '<tr id="candidate-2">', '</tr>'), /in edition at #2/);
      // the others can be added, by default at the end
      const third = between(page, '<tr id="candidate-3">', '</tr>');
      assert.match(third, /<form method="post" action="\/desk\/editions\/2024-04-01\/entries" class="inline"><input type="hidden" name="csrf" value="[^"]+"><input type="hidden" name="paperKey" value="arxiv:2404\.00003">/);
      assert.match(third, /<label>Add at position <input class="pos" type="number" name="position" min="1" max="3" value="3" required><\/label> <button type="submit">Add<\/button>/);
      // no model yet: the note says why similarity is 0
      assert.match(page, /<p class="provenance note">no ranking model yet: run `paperboy candidates train`/);
      // no inline styles or scripts (the hostile title's "onerror=" is text, not in a tag)
      assert.doesNotMatch(page, /<[^>]*\sstyle=|<script|<[^>]*\son\w+=/i);
      // the review page links here
      assert.match(await html(`/desk/editions/${WEEK}?lang=ko`), /<a href="\/desk\/editions\/2024-04-01\/candidates">candidates for the week<\/a>/);
    });

    it('adds a candidate at position 2, shifting the later entries down', async () => {
      const flash = await flashAfter(await post(`/desk/editions/${WEEK}/entries`, { paperKey: P3, position: '2' }), 'added');
      assert.equal(flash, 'Added “Gamma long context” at position 2; the entries after it moved down.');
      assert.deepEqual(await order(), [P1, P3, P2]);
      const page = await html(PAGE);
      assert.match(between(page, '<tr id="candidate-3">', '</tr>'), /in edition at #2/);
      assert.match(between(page, '<tr id="candidate-2">', '</tr>'), /in edition at #3/);
      // the entry took the candidate's title and paper link; past the end means last
      const added = (await t.store.getEntries([editionId])).find((e) => e.paperKey === P3)!;
      assert.equal(added.label, 'Gamma long context');
      assert.deepEqual(added.links, [{ kind: 'paper', label: 'Paper', url: 'https://arxiv.org/abs/2404.00003' }]);
      await flashAfter(await post(`/desk/editions/${WEEK}/entries`, { paperKey: P4, position: '99' }), 'added');
      assert.deepEqual(await order(), [P1, P3, P2, P4]);
    });

    it('moves entries up, down and to a position, and removes one, renumbering the rest', async () => {
      const page = await html(PAGE);
      const entries = between(page, '<table class="entries">', '</table>');
      // the first has no "move up", the last no "move down"
      assert.doesNotMatch(between(entries, '<tr id="entry-1"', '</tr>'), />Move up</);
      assert.match(between(entries, '<tr id="entry-1"', '</tr>'), />Move down</);
      assert.doesNotMatch(between(entries, '<tr id="entry-4"', '</tr>'), />Move down</);
      assert.match(between(entries, '<tr id="entry-4"', '</tr>'), /<label>to position <input class="pos" type="number" name="position" min="1" max="4" value="4" required><\/label> <button type="submit">Move<\/button>/);

      const p4 = await entryId(P4);
      assert.equal(await flashAfter(await post(`/desk/editions/${WEEK}/entries/${p4}/move`, { position: '1' }), 'moved'), 'Moved “Delta speech tokens” to position 1.');
      assert.deepEqual(await order(), [P4, P1, P3, P2]);
      await flashAfter(await post(`/desk/editions/${WEEK}/entries/${await entryId(P2)}/move`, { position: '3' }), 'moved'); // "move up" from 4
      assert.deepEqual(await order(), [P4, P1, P2, P3]);
      await flashAfter(await post(`/desk/editions/${WEEK}/entries/${p4}/move`, { position: '2' }), 'moved'); // "move down" from 1
      assert.deepEqual(await order(), [P1, P4, P2, P3]);
      // a position past the end means last
      assert.equal(await flashAfter(await post(`/desk/editions/${WEEK}/entries/${p4}/move`, { position: '40' }), 'moved'), 'Moved “Delta speech tokens” to position 4.');
      assert.deepEqual(await order(), [P1, P2, P3, P4]);

      const removed = await flashAfter(await post(`/desk/editions/${WEEK}/entries/${await entryId(P2)}/remove`, {}), 'removed');
      assert.equal(removed, 'Removed “Beta retrieval at scale” (was entry 2) with its intro and findings; the entries after it moved up.');
      assert.deepEqual(await order(), [P1, P3, P4]);
      const after = await html(PAGE);
      assert.equal(rowsOf(after, 'entries').length, 3);
      assert.match(between(after, '<tr id="candidate-2">', '</tr>'), /Add at position <input class="pos" type="number" name="position" min="1" max="4" value="4"/);

      // an entry that is gone (removed in another tab) is said so; nothing changes
      assert.match(await flashAfter(await post(`/desk/editions/${WEEK}/entries/${p4 + 1000}/move`, { position: '1' }), 'gone'), /no longer in this edition/);
      assert.deepEqual(await order(), [P1, P3, P4]);
    });

    it('says clearly when the paper is already in the edition, and refuses bad forms without a stack trace', async () => {
      const flash = await flashAfter(await post(`/desk/editions/${WEEK}/entries`, { paperKey: P3, position: '1' }), 'duplicate');
      assert.equal(flash, 'Nothing was changed: “Gamma long context” is already entry 2 of this edition.');
      assert.deepEqual(await order(), [P1, P3, P4]);

      for (const [path, fields, status, message] of [
        [`/desk/editions/${WEEK}/entries`, { paperKey: P5, position: 'first' }, 400, /Nothing was changed: position: /],
        [`/desk/editions/${WEEK}/entries`, { paperKey: P5, position: '0' }, 400, /position: at least 1/],
        [`/desk/editions/${WEEK}/entries`, { position: '1' }, 400, /paperKey: /],
        [`/desk/editions/${WEEK}/entries/${await entryId(P3)}/move`, { position: '' }, 400, /position: /],
        [`/desk/editions/${WEEK}/entries`, { paperKey: 'arxiv:9999.99999', position: '1' }, 404, /no such edition/],
        ['/desk/editions/2019-01-07/entries', { paperKey: P5, position: '1' }, 404, /no such edition/],
        ['/desk/editions/2019-01-07/entries/1/remove', {}, 404, /no such edition/],
        [`/desk/editions/${WEEK}/entries/abc/remove`, {}, 404, /no such edition/],
      ] as const) {
        const res = await post(path, fields);
        const body = await res.text();
        assert.equal(res.status, status, `${path} ${JSON.stringify(fields)}: ${body}`);
        assert.match(body, message);
        assert.doesNotMatch(body, /\n\s+at |PaperboyError|ZodError/);
      }
      assert.deepEqual(await order(), [P1, P3, P4]);
      assert.equal((await get('/desk/editions/2019-01-07/candidates')).status, 404);
    });

    it('refuses a change without the CSRF token, with a wrong one, or from another site', async () => {
      const p1 = await entryId(P1);
      for (const [csrfValue, headers] of [
        [null, SAME_ORIGIN],
        ['not-the-token', SAME_ORIGIN],
        [undefined, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
      ] as const) {
        for (const [path, fields] of [
          [`/desk/editions/${WEEK}/entries`, { paperKey: P5, position: '1' }],
          [`/desk/editions/${WEEK}/entries/${p1}/move`, { position: '3' }],
          [`/desk/editions/${WEEK}/entries/${p1}/remove`, {}],
          ['/desk/candidates/new', { week: NEXT, top: '2' }],
        ] as const) {
          const res = await post(path, fields, { csrf: csrfValue, headers });
          assert.equal(res.status, 403, path);
          assert.match(await res.text(), /Nothing was changed/);
        }
      }
      assert.deepEqual(await order(), [P1, P3, P4]);
      assert.equal(await t.store.getEditionByStart(NEXT), null);
    });

    it('shows a hostile title as text, in the list, the entries and the flash', async () => {
      const page = await html(PAGE);
      const row = between(page, '<tr id="candidate-6">', '</tr>');
      assert.match(row, /&lt;script&gt;__pwned\(\)&lt;\/script&gt; &quot;Quoted&quot; &amp; &lt;img src=x onerror=__pwned\(\)&gt;<\/a>/);
      assert.doesNotMatch(page, /<script|<img/i);
      const flash = await flashAfter(await post(`/desk/editions/${WEEK}/entries`, { paperKey: P6, position: '1' }), 'added');
      assert.equal(flash, 'Added “&lt;script&gt;__pwned()&lt;/script&gt; &quot;Quoted&quot; &amp; &lt;img src=x onerror=__pwned()&gt;” at position 1; the entries after it moved down.');
      const after = await html(PAGE);
      assert.match(between(after, '<tr id="entry-1"', '</tr>'), /&lt;script&gt;__pwned\(\)&lt;\/script&gt; &quot;Quoted&quot;/);
      assert.doesNotMatch(after, /<script|<img|onerror=__pwned\(\)>/i);
      await flashAfter(await post(`/desk/editions/${WEEK}/entries/${await entryId(P6)}/remove`, {}), 'removed');
      assert.deepEqual(await order(), [P1, P3, P4]);
    });

    it('lists a week without an edition read-only and makes the edition from its top candidates', async () => {
      // the editions list offers the week form
      assert.match(await html('/desk'), /<form method="get" action="\/desk\/candidates" class="propose"><label>Propose a week from candidates, starting <input type="date" name="week" required><\/label>/);
      const page = await html(`/desk/candidates?week=${NEXT}`);
      assert.match(page, /2024-04-08 – 2024-04-14 · no edition yet/);
      assert.equal(rowsOf(page, 'candidates').length, 3);
      assert.doesNotMatch(page, /class="entries"|>Add<|>Move|>Remove</);
      assert.match(page, /<p class="why">like past picks/);
      assert.match(page, /<form method="post" action="\/desk\/candidates\/new"><input type="hidden" name="csrf" value="[^"]+"><input type="hidden" name="week" value="2024-04-08"><label>Create the edition from the top <input class="pos" type="number" name="top" min="1" max="50" value="3" required> candidates<\/label> <button type="submit">Create the edition<\/button><\/form>/);

      // a day inside an edition's week goes to that edition's page; a bad week is refused
      const covered = await get('/desk/candidates?week=2024-04-03');
      assert.equal(covered.status, 303);
      assert.equal(covered.headers.get('location'), PAGE);
      for (const bad of ['', 'week=2024-02-30', 'week=next', 'week=2024-4-1']) {
        const res = await get(`/desk/candidates?${bad}`);
        assert.equal(res.status, 400, bad);
        assert.match(await res.text(), /Give the first day of the week/);
      }
      assert.equal((await post('/desk/candidates/new', { week: NEXT, top: '0' })).status, 400);
      assert.equal((await post('/desk/candidates/new', { week: '2024-13-01', top: '2' })).status, 400);

      const flash = await flashAfter(await post('/desk/candidates/new', { week: NEXT, top: '2' }), 'created');
      assert.match(flash, /^Edition created from the top 2 candidate\(s\)/);
      const ed = (await t.store.getEditionByStart(NEXT))!;
      assert.equal(ed.endDate, '2024-04-14');
      assert.deepEqual(await order(NEXT), [key('2404.10001'), key('2404.10002')]);
      const now = await html(`/desk/editions/${NEXT}/candidates`);
      assert.equal(rowsOf(now, 'entries').length, 2);
      assert.match(between(now, '<tr id="candidate-3">', '</tr>'), />Add</);
      // again: the week has its edition now
      assert.match(await flashAfter(await post('/desk/candidates/new', { week: NEXT, top: '2' }), 'exists'), /already covers that week/);
      assert.equal((await get(`/desk/candidates?week=${NEXT}`)).headers.get('location'), `/desk/editions/${NEXT}/candidates`);
      // a week without candidates: the pipeline's reason, no stack trace
      const empty = await post('/desk/candidates/new', { week: '2023-01-02', top: '5' });
      assert.equal(empty.status, 400);
      const text = await empty.text();
      assert.match(text, /no candidates listed from 2023-01-02 to 2023-01-08/);
      assert.doesNotMatch(text, /\n\s+at /);
    });

    it('shows 100 candidates with a "show all" link, and all of them with ?all=1', async () => {
      const capped = await html(`/desk/candidates?week=${BIG}`);
      assert.equal(rowsOf(capped, 'candidates').length, 100);
      assert.match(capped, /Showing the first 100 of 105 candidates\. <a href="\/desk\/candidates\?week=2024-04-15&amp;all=1">Show all 105<\/a>/);
      const all = await html(`/desk/candidates?week=${BIG}&all=1`);
      assert.equal(rowsOf(all, 'candidates').length, 105);
      assert.doesNotMatch(all, /Show all/);
    });

    it('refuses every change to a published edition, and says so', async () => {
      await t.store.recordPublication({ editionId, lang: 'ko', channel: 'web', allowDrafts: false, publishedAt: clock.toISOString() });
      const p1 = await entryId(P1);
      for (const [path, fields] of [
        [`/desk/editions/${WEEK}/entries`, { paperKey: P5, position: '1' }],
        [`/desk/editions/${WEEK}/entries/${p1}/move`, { position: '3' }],
        [`/desk/editions/${WEEK}/entries/${p1}/remove`, {}],
      ] as const) {
        const flash = await flashAfter(await post(path, fields), 'locked');
        assert.equal(flash, 'Nothing was changed: this edition is published (web), so its entries can no longer be added, moved or removed.');
      }
      assert.deepEqual(await order(), [P1, P3, P4]);
      const page = await html(PAGE);
      assert.match(page, /Published \(web\): its entries can no longer be added, moved or removed\./);
      assert.doesNotMatch(page, />Add<|>Move|>Remove</);
      assert.match(between(page, '<tr id="candidate-1">', '</tr>'), /in edition at #1/);
    });
  });
}
