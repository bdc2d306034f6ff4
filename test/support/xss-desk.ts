// The editors' desk and readers' corrections in the XSS suite (test/xss.test.ts). The corpus goes
// into a store of its own (so the public sinks of the main store keep their editions) in editions
// of 20–40 payloads, published in Korean, checked with glossary terms whose Korean side is a
// fragment of markup (so findings mark spans that start and end inside the payloads), and an
// editor is made with the CLI. Then, over HTTP through the app, as people would:
//  - readers suggest corrections (POST /corrections; the payload as the wording and as the note),
//    and send forms the app refuses, which re-show the form with their input (400; four payloads
//    each, two in the wording and two in the note);
//  - the editor opens the desk's review pages (pending corrections, findings with marks,
//    provenance with payload model names), edits texts to payloads (the re-rendered review page;
//    the text is then the editor's), saves over a stale revision (the 409 page shows both wordings,
//    two payloads each),
//    accepts and rejects the corrections, and dismisses findings with payloads as the reasons;
//  - the public edition and paper pages then show the accepted wordings and the earlier ones.
// Every answer is a `Render` for both oracles; every HTML answer's security headers are checked.
// All of it runs in a worker thread (startDeskSite, xss-desk-worker.ts), with its own store and
// server, so the desk's renders overlap with the public site's on the main thread.
import { Worker } from 'node:worker_threads';
import type { Hono } from 'hono';
import { splitSentences } from '../../src/domain/sentences.js';
import type { GlossaryTerm } from '../../src/domain/glossary.js';
import { cleanText } from '../../src/domain/unicode.js';
import { checkEdition, checkTargets, type CheckTarget } from '../../src/pipeline/check.js';
import { MAX_NOTE_CHARS, MAX_SUGGESTION_CHARS, reviewEdition } from '../../src/pipeline/review.js';
import type { Store } from '../../src/ports.js';
import { SESSION_COOKIE } from '../../src/web/desk/routes.js';
import type { XssPayload } from '../fixtures/xss-payloads.js';
import { cli } from './cli.js';
import { seedThroughStore, type SeededEdition } from './xss-seed.js';
import { securityHeaderProblems, type Render, type Violation } from './xss-sinks.js';

export const DESK_EDITOR = { email: 'xss-editor@example.org', password: 'a passphrase long enough for the desk' };

/** The sinks this file feeds; a render belongs to exactly one. */
export const DESK_SINKS = [
  'reader correction form 400',
  'desk editions list',
  'desk review ?lang=ko',
  'desk review after edits',
  'desk conflict 409',
  'web edition after corrections',
  'web paper page',
] as const;
export type DeskSink = (typeof DESK_SINKS)[number];

/** Where the desk's own forms post; any other form on a desk page was injected. */
export const DESK_FORMS = ['/desk/'] as const;
/** Where the public pages' own forms post (search, likes, corrections). */
export const PUBLIC_FORMS = ['/search', '/likes', '/corrections'] as const;

/**
 * Glossary terms (a source of their own: a glossary file or an editor) whose Korean side is a piece
 * of markup. `bilingual` terms found in a draft but not followed by `(English)` give a finding whose
 * draft span is that piece, so the review page cuts the payloads there (`<mark>` around `<script`);
 * the source span cuts the English payload at the English word. The `translate` term puts a whole
 * payload into finding messages (shown in the list and in the marks' title attributes).
 */
export const XSS_GLOSSARY: GlossaryTerm[] = [
  ...([
    ['script', '<script'],
    ['onerror', 'onerror='],
    ['javascript', 'javascript:'],
    ['svg', '<svg'],
    ['href', 'href="'],
    ['test', '{{'],
  ] as const).map(([en, target]): GlossaryTerm => ({ lang: 'ko', en, target, rule: 'bilingual', note: null, source: 'xss' })),
  { lang: 'ko', en: 'link', target: '<img src=x onerror=window.__pwned()>', rule: 'translate', note: null, source: 'xss' },
  { lang: 'ko', en: 'src', target: '"><script>window.__pwned()</script>', rule: 'keep', note: null, source: 'xss' },
];

export interface DeskPayload {
  payload: XssPayload;
  edition: SeededEdition;
  /** its entry's Korean title (readers correct its first sentence) */
  title: CheckTarget;
  /** its entry's Korean intro, abstract or key messages (the editor edits it) */
  block: CheckTarget;
}

/** Seeds the corpus for the desk (see the top of this file) and adds the editor; no HTTP yet. */
export async function seedDesk(store: Store, env: Record<string, string>, payloads: readonly XssPayload[], opts: { firstMonday: string; perEdition: number }): Promise<{ editions: SeededEdition[]; items: DeskPayload[] }> {
  await store.putGlossaryTerms(XSS_GLOSSARY);
  // every Korean title ends in a word of Korean, so its first sentence is seldom the bare payload
  // (a reader's wording must differ from the sentence) and the payload itself can be the wording
  const editions = await seedThroughStore(store, payloads, { ...opts, koTitle: (p) => `${p} (제목)` });
  const items: DeskPayload[] = [];
  for (const e of editions) {
    await checkEdition(store, e.editionId, 'ko', () => new Date());
    const targets = checkTargets(await store.getEditionBundle(e.editionId), 'ko');
    e.payloads.forEach((payload, i) => {
      const title = targets.find((t) => t.position === i + 1 && t.ref.field === 'title');
      const block = targets.find((t) => t.position === i + 1 && t.ref.field !== 'title');
      if (!title || !block) throw new Error(`entry ${i + 1} of ${e.startDate} has no Korean title or block text`);
      items.push({ payload, edition: e, title, block });
    });
  }
  const added = await cli(['editor', 'add', DESK_EDITOR.email, '--password-stdin'], env, `${DESK_EDITOR.password}\n`);
  if (added.code !== 0) throw new Error(`editor add exited ${added.code}: ${added.err}`);
  return { editions, items };
}

export interface DeskSession {
  /** the session cookie's value */
  token: string;
  /** the Cookie header a logged-in browser sends */
  cookie: string;
  csrf: string;
}

/** Browsers post our forms with "Origin: null" (our pages send no referrer) and Sec-Fetch-Site: same-origin. */
export const SAME_ORIGIN_POST = { origin: 'null', 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };

/** Logs the editor in through the app (POST /desk/login), and reads the session's CSRF token off /desk. */
export async function deskLogin(app: Pick<Hono, 'request'>): Promise<DeskSession> {
  const res = await app.request('/desk/login', { method: 'POST', headers: { ...SAME_ORIGIN_POST, 'x-forwarded-for': '192.0.2.1' }, body: new URLSearchParams({ email: DESK_EDITOR.email, password: DESK_EDITOR.password }).toString() });
  const token = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (res.status !== 303 || !token) throw new Error(`desk login answered ${res.status} without a session cookie: ${(await res.text()).slice(0, 300)}`);
  const cookie = `${SESSION_COOKIE}=${token}`;
  const home = await app.request('/desk', { headers: { cookie } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(await home.text())?.[1];
  if (home.status !== 200 || !csrf) throw new Error(`/desk answered ${home.status} without a CSRF token after login`);
  return { token, cookie, csrf };
}

export interface DeskFlow {
  store: Store;
  /** the served desk site (its own app and store), e.g. http://127.0.0.1:41235 */
  url: string;
  session: DeskSession;
  editions: SeededEdition[];
  items: DeskPayload[];
  /** serves a document (the answer to a POST) at a URL of the desk site, for the browser to write */
  standalone: (html: string) => string;
  /** hands a render to the oracles; `served: 'desk'`: also open it as served, logged in */
  add: (r: Render, served?: 'desk') => void;
  problem: (v: Violation) => void;
  /** every Nth payload's paper page is shown (1: all) */
  paperPageEvery: number;
}

export interface DeskStats {
  corrections: number;
  /** suggestions whose wording is the payload and a word of Korean (the bare payload was the sentence) */
  wordedApart: number;
  shownAgain: number;
  reviewPages: number;
  marks: number;
  pendingShown: number;
  /** payloads the editor saved as (part of) a text's wording */
  saved: number;
  conflicts: number;
  accepted: number;
  rejected: number;
  stale: number;
  dismissed: number;
  headersChecked: number;
  requests: number;
  /** ms per step */
  ms: Record<string, number>;
}

/**
 * Runs the readers' and the editor's side (see the top of this file) against the served desk site
 * and hands every page to `flow.add`. Unexpected statuses and bad headers go to `flow.problem`.
 */
export async function collectDeskRenders(flow: DeskFlow): Promise<DeskStats> {
  const { url, session, items } = flow;
  const stats: DeskStats = { corrections: 0, wordedApart: 0, shownAgain: 0, reviewPages: 0, marks: 0, pendingShown: 0, saved: 0, conflicts: 0, accepted: 0, rejected: 0, stale: 0, dismissed: 0, headersChecked: 0, requests: 0, ms: {} };
  let ip = 0;
  let lap = Date.now();
  const step = (name: string) => {
    stats.ms[name] = Date.now() - lap;
    lap = Date.now();
  };

  /** one request over HTTP; its status must be `expect`; an HTML answer's headers are checked */
  const request = async (sink: DeskSink, path: string, payloads: readonly XssPayload[], expect: number, init: { method?: 'GET' | 'POST'; fields?: Record<string, string>; reader?: boolean } = {}) => {
    const desk = path.startsWith('/desk');
    const headers: Record<string, string> = {};
    if (desk) headers.cookie = session.cookie;
    if (init.method === 'POST') Object.assign(headers, SAME_ORIGIN_POST);
    // readers come from many addresses (the suggestion limit is per address; the app trusts the proxy)
    if (init.reader) headers['x-forwarded-for'] = `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip++ & 255}`;
    const fields = init.method === 'POST' && desk ? { csrf: session.csrf, ...init.fields } : init.fields;
    const res = await fetch(url + path, { method: init.method ?? 'GET', headers, body: fields ? new URLSearchParams(fields).toString() : undefined, redirect: 'manual' });
    stats.requests++;
    const body = await res.text();
    const label = `${init.method ?? 'GET'} ${path}`;
    if (res.status !== expect) flow.problem({ sink, label, found: [`answered ${res.status}, not ${expect}: ${body.slice(0, 300)}`], payloads });
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
      stats.headersChecked++;
      const bad = securityHeaderProblems(res.headers, { desk });
      if (bad.length) flow.problem({ sink, label, found: bad.map((b) => `header: ${b}`), payloads });
    }
    return { res, body, label };
  };
  const deskRender = (sink: DeskSink, label: string, html: string, payloads: readonly XssPayload[], pageUrl: string): Render => ({
    sink, label, html, origin: url, payloads, url: pageUrl, checkLiterals: true, externalLinks: false, formActions: DESK_FORMS,
  });

  // 1. readers: a suggestion per payload for the first sentence of its entry's Korean title, the
  //    payload as the wording and as the note; then a form the app refuses, re-shown with the input
  for (const [g, it] of items.entries()) {
    const p = it.payload.payload;
    const sentence = splitSentences(it.title.text.body, 'ko')[0]!;
    // the same wording as the sentence is refused; the payload then comes with a word of Korean
    const proposed = sentence.text === cleanText(p).trim() ? `${p} (제안)` : p;
    if (proposed !== p) stats.wordedApart++;
    const base = { edition: it.edition.startDate, owner: `${it.title.ref.ownerKind}:${it.title.ref.ownerId}`, field: 'title', lang: 'ko', revision: String(it.title.text.revision ?? 1), sentence: '0', proposed, note: p, website: '' };
    const ok = await request('reader correction form 400', '/corrections', [it.payload], 303, { method: 'POST', fields: base, reader: true });
    if (ok.res.status === 303) stats.corrections++;
    // refused, for every fourth suggestion, with four payloads (two lines of wording, two of note):
    // no sentence picked, a sentence the text does not have, the wording or the note too long
    if (g % 4 === 0) {
      const k = (g / 4) % 4;
      const payloads = items.slice(g, g + 4).map((x) => x.payload);
      const lines = payloads.map((x) => x.payload);
      const wording = lines.slice(0, 2).join('\n');
      const note = lines.slice(2).join('\n') || p;
      const refused = [
        { ...base, proposed: wording, note, sentence: '' },
        { ...base, proposed: wording, note, sentence: '999' },
        { ...base, proposed: `${wording} ${'가'.repeat(MAX_SUGGESTION_CHARS)}`, note },
        { ...base, proposed: wording, note: `${note} ${'a'.repeat(MAX_NOTE_CHARS)}` },
      ][k]!;
      const shown = await request('reader correction form 400', '/corrections', payloads, 400, { method: 'POST', fields: refused, reader: true });
      stats.shownAgain++;
      flow.add({ sink: 'reader correction form 400', label: `${shown.label} (${['no sentence', 'no such sentence', 'wording too long', 'note too long'][k]}) ${payloads.map((x) => x.id).join(' / ')}`, html: shown.body, origin: url, payloads, url: flow.standalone(shown.body), checkLiterals: true, formActions: PUBLIC_FORMS });
    }
  }
  step('suggest');
  const pending = await flow.store.getCorrections({ status: 'pending' });
  if (pending.length !== items.length) flow.problem({ sink: 'reader correction form 400', label: 'POST /corrections', found: [`${pending.length} pending corrections stored for ${items.length} suggestions`], payloads: [] });

  // 2. the editor's review pages: pending corrections, findings marked inside the payloads,
  //    provenance (as served, logged in: every other edition's, the rest after the edits)
  for (const [k, e] of flow.editions.entries()) {
    const path = `/desk/editions/${e.startDate}?lang=ko`;
    const { body } = await request('desk review ?lang=ko', path, e.payloads, 200);
    stats.reviewPages++;
    stats.marks += (body.match(/<mark class="finding/g) ?? []).length;
    stats.pendingShown += (body.match(/<div class="correction" id="c\d+">/g) ?? []).length;
    flow.add(deskRender('desk review ?lang=ko', path, body, e.payloads, url + path), k % 2 === 0 ? 'desk' : undefined);
  }

  step('review');
  // 3. edits: every other entry's block text becomes two payloads, its own and the next one's, as
  //    two paragraphs (re-checked, now the editor's; the other texts keep their drafts' provenance);
  //    every fourth text is then saved again over the revision the editor saw, with the two
  //    payloads after those: the 409 page shows both wordings
  const after = new Map<number, string>();
  for (const [g, it] of items.entries()) {
    if (g % 2 !== 0) continue;
    const { ref } = it.block;
    const fields = { lang: 'ko', kind: ref.ownerKind, owner: ref.ownerId, field: ref.field, revision: String(it.block.text.revision ?? 1) };
    const path = `/desk/editions/${it.edition.startDate}/texts/save`;
    const mine = items.slice(g, g + 2).map((x) => x.payload);
    const saved = await request('desk review after edits', path, mine, 303, { method: 'POST', fields: { ...fields, body: mine.map((x) => x.payload).join('\n\n') } });
    const location = saved.res.headers.get('location') ?? '';
    if (saved.res.status === 303 && location.startsWith(`/desk/editions/${it.edition.startDate}?lang=ko&done=saved`)) {
      stats.saved += mine.length;
      after.set(it.edition.editionId, location.replace(/#.*$/, ''));
    }
    const theirs = items.slice(g + 2, g + 4).map((x) => x.payload);
    if (g % 4 === 0 && theirs.length) {
      const payloads = [...mine, ...theirs];
      const conflict = await request('desk conflict 409', path, payloads, 409, { method: 'POST', fields: { ...fields, body: theirs.map((x) => x.payload).join('\n\n') } });
      stats.conflicts++;
      flow.add(deskRender('desk conflict 409', `${conflict.label} ${payloads.map((x) => x.id).join(' / ')}`, conflict.body, payloads, flow.standalone(conflict.body)));
    }
  }

  step('edit');
  // 4. the corrections: every other one accepted (the payload replaces the title's first sentence;
  //    the old title goes into the history), an eighth rejected, the rest left pending (the review
  //    page after the edits shows them again)
  const byEdition = new Map(flow.editions.map((e) => [e.editionId, e]));
  const which = new Map(items.map((it, g) => [it.title.ref.ownerId, g]));
  for (const c of pending) {
    const g = which.get(c.ownerId) ?? 0;
    const e = byEdition.get(c.editionId)!;
    if (g % 4 === 3 || g % 8 === 5) continue;
    const decision = g % 2 === 0 ? 'accept' : 'reject';
    const r = await request('desk review after edits', `/desk/editions/${e.startDate}/corrections/${c.id}`, [items[g]!.payload], 303, { method: 'POST', fields: { lang: 'ko', decision } });
    const done = /[?&]done=(\w+)/.exec(r.res.headers.get('location') ?? '')?.[1];
    if (done === 'accepted') stats.accepted++;
    else if (done === 'rejected') stats.rejected++;
    else if (done === 'stale') stats.stale++;
  }

  step('decide');
  // 5. findings dismissed, the reasons the edition's payloads (as many as a reason holds, 500 characters)
  for (const e of flow.editions) {
    const reasons: XssPayload[][] = [[]];
    for (const p of e.payloads) {
      const last = reasons.at(-1)!;
      if ([...last, p].map((x) => x.payload).join('\n').length <= 500) last.push(p);
      else reasons.push([p]);
    }
    const review = await reviewEdition(flow.store, e.editionId, 'ko');
    const open = review.texts.flatMap((t) => t.findings.filter((f) => !f.dismissed));
    for (const [k, ps] of reasons.entries()) {
      const f = open[k];
      if (!f) break;
      const r = await request('desk review after edits', `/desk/editions/${e.startDate}/findings/${f.id}/dismiss`, ps, 303, { method: 'POST', fields: { lang: 'ko', why: ps.map((x) => x.payload).join('\n') } });
      if (r.res.status === 303) stats.dismissed++;
    }
  }
  step('dismiss');
  // 6. the review page as the editor's last save left it (texts now theirs, earlier wordings, reasons)
  for (const [k, e] of flow.editions.entries()) {
    const path = after.get(e.editionId) ?? `/desk/editions/${e.startDate}?lang=ko&done=saved`;
    const { body } = await request('desk review after edits', path, e.payloads, 200);
    stats.reviewPages++;
    stats.marks += (body.match(/<mark class="finding/g) ?? []).length;
    flow.add(deskRender('desk review after edits', path, body, e.payloads, url + path), k % 2 === 1 ? 'desk' : undefined);
  }
  for (const path of ['/desk', '/desk?page=2']) {
    const { body } = await request('desk editions list', path, [], 200);
    flow.add(deskRender('desk editions list', path, body, [], url + path));
  }
  // (the login form shows nothing stored: only its headers are checked)
  await request('desk editions list', '/desk/login', [], 200);

  step('reviewAgain');
  // 7. the public pages now show the accepted wordings (corrected, with the earlier ones)
  for (const e of flow.editions) {
    const path = `/editions/${e.startDate}?lang=ko`;
    const { body } = await request('web edition after corrections', path, e.payloads, 200);
    flow.add({ sink: 'web edition after corrections', label: path, html: body, origin: url, payloads: e.payloads, url: url + path, checkLiterals: true, formActions: PUBLIC_FORMS });
  }
  for (const [g, it] of items.entries()) {
    if (g % flow.paperPageEvery !== 0) continue;
    const path = `/papers/arxiv/${it.title.ref.ownerId.replace(/^arxiv:/, '')}?lang=ko`;
    const { body } = await request('web paper page', path, [it.payload], 200);
    flow.add({ sink: 'web paper page', label: path, html: body, origin: url, payloads: [it.payload], url: url + path, checkLiterals: true, formActions: PUBLIC_FORMS });
  }
  step('public');
  return stats;
}

// ---------------------------------------------------------------------------------------------
// The desk's site in a worker thread

export interface DeskSiteOptions {
  firstMonday: string;
  perEdition: number;
  paperPageEvery: number;
  /** the app's base URL (absolute links, allowed origins) */
  baseUrl: string;
}

export type DeskSiteMessage =
  | { type: 'ready'; url: string; session: DeskSession; editions: SeededEdition[]; items: number; published: number }
  | { type: 'render'; render: Render; as?: 'desk' }
  | { type: 'problem'; violation: Violation }
  | { type: 'done'; stats: DeskStats }
  | { type: 'closed' }
  | { type: 'error'; message: string };

export interface DeskSite {
  /** the served desk site, e.g. http://127.0.0.1:41235 */
  url: string;
  /** the editor's session (the worker logged in) */
  session: DeskSession;
  /** the desk's editions and their payloads */
  editions: SeededEdition[];
  /** payloads seeded */
  items: number;
  /** web publications in the desk's store */
  published: number;
  /** runs collectDeskRenders in the worker; its renders and problems come to `add` and `problem` as they are made */
  run(add: DeskFlow['add'], problem: DeskFlow['problem']): Promise<DeskStats>;
  close(): Promise<void>;
}

/**
 * Seeds the desk's store, serves its app and logs the editor in, in a worker thread (through tsx,
 * as the tests run); resolves when the site is up.
 */
export function startDeskSite(opts: DeskSiteOptions): Promise<DeskSite> {
  const entry = new URL('./xss-desk-worker.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: opts });
  let listener: ((m: DeskSiteMessage) => void) | null = null;
  let failed: ((e: Error) => void) | null = null;
  worker.on('message', (m: DeskSiteMessage) => listener?.(m));
  worker.on('error', (e) => failed?.(e));
  const expect = <T>(handle: (m: DeskSiteMessage, resolve: (v: T) => void) => void) =>
    new Promise<T>((resolve, reject) => {
      failed = reject;
      listener = (m) => (m.type === 'error' ? reject(new Error(`desk worker: ${m.message}`)) : handle(m, resolve));
    });
  return expect<DeskSite>((m, resolve) => {
    if (m.type !== 'ready') return;
    resolve({
      url: m.url,
      session: m.session,
      editions: m.editions,
      items: m.items,
      published: m.published,
      run(add, problem) {
        const done = expect<DeskStats>((x, finish) => {
          if (x.type === 'render') add(x.render, x.as);
          else if (x.type === 'problem') problem(x.violation);
          else if (x.type === 'done') finish(x.stats);
        });
        worker.postMessage({ type: 'run' });
        return done;
      },
      async close() {
        const closed = expect<void>((x, finish) => x.type === 'closed' && finish());
        worker.postMessage({ type: 'close' });
        await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]).catch(() => {});
        await worker.terminate();
      },
    });
  });
}
