// The editor desk at /desk: thin routes (parse the form → call the pipeline → redirect or render).
// Sessions and CSRF are checked here, before any route runs; the rules (what may be approved or
// published, how an edit is saved, where an entry goes) live in src/pipeline/review.ts, publish.ts
// and candidates.ts.
// Every POST answers with a 303 back to the page (post/redirect/get), so a reload never re-sends it.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { DEFAULT_TOPICS } from '../../domain/topics.js';
import { OwnerKind, TextField, type Edition } from '../../domain/types.js';
import { PaperboyError } from '../../errors.js';
import { addEntry, editionFromCandidates, explainCandidate, moveEntry, rankWeek, removeEntry, weekRange } from '../../pipeline/candidates.js';
import { checkTargets } from '../../pipeline/check.js';
import { CHANNELS, publishEdition, type Channel } from '../../pipeline/publish.js';
import { approveTexts, decideCorrection, editText, MAX_EDIT_CHARS, reviewEdition } from '../../pipeline/review.js';
import type { Editor, EditorSession, TextRef } from '../../ports.js';
import type { WebDeps } from '../app.js';
import { clientIp } from '../client.js';
import { rateLimit } from '../rate-limit.js';
import { dummyHash, hashToken, newSession, normaliseEmail, sameSecret, sessionState, SESSION_ABSOLUTE_MS, SESSION_TOUCH_MS, verifyPassword } from './auth.js';
import { candidatesPage, conflictPage, DESK_STYLE, editionsPage, loginPage, messagePage, reviewPage, textAnchor, type DeskViewer, type EditionRow } from './views.js';

/** `__Host-`: only this host, path /, Secure; the browser refuses it from anywhere else. */
export const SESSION_COOKIE = '__Host-pb_desk';
/** Wrong passwords: 5 at once, then 5 a minute, per account and address; 20 (then 20 a minute) per address. No lockout. */
export const LOGIN_LIMITS = { account: { burst: 5, perMinute: 5 }, address: { burst: 20, perMinute: 20 } };
const MAX_FORM_BYTES = 512 * 1024;
const EDITIONS_PER_PAGE = 10;
const ISO = /^\d{4}-\d{2}-\d{2}$/;
const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/;

type DeskEnv = { Variables: { editor: Editor; session: EditorSession; form: Record<string, string> } };

const cookie = (value: string, maxAgeSeconds: number) => `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; Secure; HttpOnly; SameSite=Strict`;

/** Only a path on the desk, so a login link can never send anyone elsewhere. */
function safeNext(raw: string | undefined | null): string | null {
  if (!raw || raw.length > 500 || !/^\/desk(?:[/?][\w\-./?=&%]*)?$/.test(raw) || raw.includes('//') || raw.includes('/..')) return null;
  return raw;
}

// English is the source, but an intro drafted from the abstract (an edition built from candidates)
// is an English draft to review: in `en` the review holds only those (checkTargets)
const Lang = z.string().regex(LANG);
/** English drafts are only the intros written from abstracts: their language shows when there are some. */
const draftLangs = (texts: Array<{ lang: string; origin: string; ownerKind: string; field: string }>) =>
  texts.filter((t) => t.lang !== 'en' || (t.origin === 'llm' && t.ownerKind === 'entry' && t.field === 'intro')).map((t) => t.lang);
const TextForm = z.object({ lang: Lang, kind: OwnerKind, owner: z.string().min(1).max(500), field: TextField, revision: z.coerce.number().int().min(1) });
const SaveForm = TextForm.extend({ body: z.string().max(MAX_EDIT_CHARS * 2) });
const LangForm = z.object({ lang: Lang });
const DismissForm = z.object({ lang: Lang, why: z.string().trim().min(1, 'a reason is required').max(500) });
const DecideForm = z.object({ lang: Lang, decision: z.enum(['accept', 'reject']) });
const PublishForm = z.object({
  lang: Lang,
  allowDrafts: z.literal('1').optional(),
  web: z.literal('1').optional(),
  feeds: z.literal('1').optional(),
  email: z.literal('1').optional(),
  discourse: z.literal('1').optional(),
  choose: z.literal('1').optional(),
});
const Day = z
  .string()
  .regex(ISO, 'a day as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar day');
const Position = z.coerce.number().int('a whole number').min(1, 'at least 1').max(100_000);
const AddForm = z.object({ paperKey: z.string().min(1).max(2000), position: Position, all: z.literal('1').optional() });
const MoveForm = z.object({ position: Position });
const NewEditionForm = z.object({ week: Day, top: z.coerce.number().int('a whole number').min(1, 'at least 1').max(50, 'at most 50').default(10) });
/** the candidate table shows this many rows unless ?all=1 */
export const CANDIDATES_SHOWN = 100;
const LoginForm = z.object({ email: z.string().max(1000).default(''), password: z.string().max(4096).default(''), next: z.string().optional() });

/** Messages the review page shows after a redirect: codes only, so a link cannot put words on the desk. */
const FLASH: Record<string, (n: number, m: number, why: string) => { text: string; bad: boolean }> = {
  saved: () => ({ text: 'Saved and checked again; the findings below are for the new wording.', bad: false }),
  approved: () => ({ text: 'Approved.', bad: false }),
  'not-approved': (_n, _m, why) => ({ text: `Not approved: ${Object.hasOwn(SKIP_WHY, why) ? SKIP_WHY[why] : 'it changed'}.`, bad: true }),
  'approved-clean': (n, m) => ({ text: `${n} text(s) approved.${m ? ` ${m} left as they were: open errors, unchecked, or changed since the page was loaded.` : ''}`, bad: false }),
  dismissed: () => ({ text: 'Finding dismissed; who and why are recorded.', bad: false }),
  accepted: () => ({ text: "Reader's correction accepted; the text was checked again and its old wording kept in the history.", bad: false }),
  rejected: () => ({ text: "Reader's correction rejected.", bad: false }),
  stale: () => ({ text: 'The sentence this correction was for has changed since; nothing was applied. Edit the text by hand.', bad: true }),
  published: () => ({ text: 'Published.', bad: false }),
  'already-published': () => ({ text: 'Already published there; nothing changed.', bad: false }),
  'no-channel': () => ({ text: 'Not published: choose at least one channel.', bad: true }),
  'forum-failed': () => ({ text: 'Published, but the forum failed: see the server log; publishing again later posts nothing twice.', bad: true }),
  refused: () => ({ text: 'Not published: see what blocks publishing below.', bad: true }),
};
/** Messages the candidates page shows after a redirect: codes, a position and a paper named by its key (its title is read from the store). */
const CANDIDATE_FLASH: Record<string, (x: { n: number; title: string; published: string[] }) => { text: string; bad: boolean }> = {
  created: (x) => ({ text: `Edition created from the top ${x.n} candidate(s); add, move or remove entries below, then draft and review it.`, bad: false }),
  exists: () => ({ text: 'An edition already covers that week: here are its candidates; add them to it instead.', bad: true }),
  added: (x) => ({ text: `Added ${x.title} at position ${x.n}; the entries after it moved down.`, bad: false }),
  moved: (x) => ({ text: `Moved ${x.title} to position ${x.n}.`, bad: false }),
  removed: (x) => ({ text: `Removed ${x.title} (was entry ${x.n}) with its intro and findings; the entries after it moved up.`, bad: false }),
  duplicate: (x) => ({ text: `Nothing was changed: ${x.title} is already entry ${x.n || '?'} of this edition.`, bad: true }),
  locked: (x) => ({ text: `Nothing was changed: this edition is published${x.published.length ? ` (${x.published.join(', ')})` : ''}, so its entries can no longer be added, moved or removed.`, bad: true }),
  gone: () => ({ text: 'Nothing was changed: that entry is no longer in this edition (someone removed it); the list below is current.', bad: true }),
};
const SKIP_WHY: Record<string, string> = { changed: 'it changed since you saw it', unchecked: 'it is not checked at its current wording', errors: 'it has open checker errors' };
const SKIP_CODE: Record<string, string> = { 'changed since you saw it': 'changed', 'not checked at its current wording': 'unchecked', 'has open checker errors': 'errors' };

export function mountDesk(app: Hono, deps: WebDeps): void {
  const desk = new Hono<DeskEnv>();
  const { store } = deps;
  const now = () => deps.now?.() ?? new Date();
  const perAccount = rateLimit({ ...LOGIN_LIMITS.account, now: () => now().getTime() });
  const perAddress = rateLimit({ ...LOGIN_LIMITS.address, now: () => now().getTime() });
  // computed once, ahead of the first login for an unknown address, so that one is not slower
  dummyHash().catch(() => {});

  const viewer = (c: Context<DeskEnv>): DeskViewer => ({ email: c.var.editor.email, csrf: c.var.session.csrf });
  const page = (c: Context<DeskEnv>, status: 400 | 401 | 403 | 404 | 413 | 429 | 500, title: string, message: string, signedIn = true) =>
    c.html(messagePage(title, message, undefined, signedIn && c.var.editor ? viewer(c) : undefined), status);

  /** true when the browser says the request came from another site (Sec-Fetch-Site or Origin) */
  const crossSite = (c: Context<DeskEnv>) => {
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin') return true;
    const origin = c.req.header('origin');
    // desk pages send no referrer, and then browsers post "Origin: null" even to the same origin;
    // such a request (like one with neither header) gets through only with the session's token
    if (origin === undefined || origin === 'null') return false;
    const own = new Set([new URL(c.req.url).origin, new URL(deps.baseUrl).origin]);
    return !own.has(origin);
  };

  const refuse = (c: Context<DeskEnv>, why: string) => {
    deps.logError?.(new Error(`desk: refused ${c.req.method} ${c.req.path} from ${clientIp(c, !!deps.trustProxy)}: ${why}`));
    return page(c, 403, 'Refused', 'This form came from another site, or the page it came from is too old. Nothing was changed. Go back, reload the page and try again.', false);
  };

  desk.use('*', async (c, next) => {
    await next();
    // desk pages carry a CSRF token and unpublished texts: never stored, never referred
    c.res.headers.set('cache-control', 'no-store');
    c.res.headers.set('referrer-policy', 'no-referrer');
  });
  desk.use('*', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    return bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (cc) => cc.html(messagePage('Too large', 'The form was too large; nothing was changed.'), 413) })(c, next);
  });

  desk.get('/desk.css', (c) => c.body(DESK_STYLE, 200, { 'content-type': 'text/css; charset=utf-8' }));

  desk.get('/login', (c) => c.html(loginPage({ next: safeNext(c.req.query('next')), notice: c.req.query('bye') === '1' ? 'You are logged out.' : null })));

  desk.post('/login', async (c) => {
    if (crossSite(c)) return refuse(c, 'cross-site login');
    const form = LoginForm.safeParse(await formOf(c));
    const { email: rawEmail, password, next } = form.success ? form.data : { email: '', password: '', next: undefined };
    const ip = clientIp(c, !!deps.trustProxy);
    const account = `${rawEmail.trim().toLowerCase().slice(0, 254)}\u0000${ip}`;
    // both buckets take a token on every attempt, so a burst of parallel guesses is limited too
    const okAddress = perAddress.take(ip);
    const okAccount = perAccount.take(account);
    if (!okAddress || !okAccount) {
      const wait = Math.max(perAddress.retryAfter(ip), perAccount.retryAfter(account), 1);
      c.header('retry-after', String(wait));
      return c.html(messagePage('Too many attempts', `Too many login attempts. Try again in ${wait} seconds.`, { href: '/desk/login', label: 'Log in' }), 429);
    }
    let editor: Editor | null = null;
    try {
      editor = await store.getEditor({ email: normaliseEmail(rawEmail) });
    } catch (e) {
      if (!(e instanceof PaperboyError)) throw e;
    }
    // an unknown address is checked against a dummy hash: same work, same answer as a wrong password
    const good = await verifyPassword(password, editor?.passwordHash ?? (await dummyHash()));
    if (!editor || !good || editor.disabledAt) {
      deps.logError?.(new Error(`desk: failed login from ${ip}`));
      return c.html(loginPage({ failed: true, next: safeNext(next) }), 401);
    }
    // a new session on every login: a token planted before login (fixation) is worth nothing
    const old = getCookie(c, SESSION_COOKIE);
    if (old) await store.deleteSession(hashToken(old));
    const { token, session } = newSession(editor.id, now());
    await store.createSession(session);
    c.header('set-cookie', cookie(token, SESSION_ABSOLUTE_MS / 1000));
    return c.redirect(safeNext(next) ?? '/desk', 303);
  });

  // everything below needs a live session; POSTs also a same-site origin and the session's CSRF token
  desk.use('*', async (c, next) => {
    if (c.req.path === '/desk/login' || c.req.path === '/desk/desk.css') return next();
    const token = getCookie(c, SESSION_COOKIE);
    let session = token ? await store.getSession(hashToken(token)) : null;
    if (session && sessionState(session, now()) !== 'live') {
      await store.deleteSession(session.tokenHash);
      session = null;
    }
    const editor = session ? await store.getEditor({ id: session.editorId }) : null;
    if (session && (!editor || editor.disabledAt)) await store.deleteSession(session.tokenHash);
    if (!session || !editor || editor.disabledAt) {
      if (token) c.header('set-cookie', cookie('', 0));
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const url = new URL(c.req.url);
        return c.redirect(`/desk/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      }
      return page(c, 401, 'Logged out', 'Your session has ended, so nothing was changed. Log in again.', false);
    }
    if (now().getTime() - Date.parse(session.lastSeenAt) >= SESSION_TOUCH_MS) await store.touchSession(session.tokenHash, now().toISOString());
    c.set('session', session);
    c.set('editor', editor);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (crossSite(c)) return refuse(c, 'cross-site request');
      const form = await formOf(c);
      if (!sameSecret(form.csrf ?? '', session.csrf)) return refuse(c, 'missing or wrong CSRF token');
      c.set('form', form);
    }
    return next();
  });

  desk.post('/logout', async (c) => {
    await store.deleteSession(c.var.session.tokenHash);
    c.header('set-cookie', cookie('', 0));
    return c.redirect('/desk/login?bye=1', 303);
  });

  desk.get('/', async (c) => {
    const all = await store.listEditions();
    const pages = Math.ceil(all.length / EDITIONS_PER_PAGE);
    const asked = Number(c.req.query('page') ?? '1');
    const pageNo = Number.isInteger(asked) && asked >= 1 && asked <= Math.max(1, pages) ? asked : 1;
    const shown = [...all].sort((a, b) => b.startDate.localeCompare(a.startDate)).slice((pageNo - 1) * EDITIONS_PER_PAGE, pageNo * EDITIONS_PER_PAGE);
    const rows: EditionRow[] = await Promise.all(
      shown.map(async (edition) => {
        const [bundle, pubs] = await Promise.all([store.getEditionBundle(edition.id), store.getPublications({ editionId: edition.id })]);
        const langs = [...new Set(draftLangs(bundle.texts))].sort();
        return {
          edition,
          langs: await Promise.all(
            langs.map(async (lang) => {
              const r = await reviewEdition(store, edition.id, lang);
              const pub = pubs.find((p) => p.lang === lang && p.channel === 'web');
              return { lang, texts: r.counts.texts, approved: r.counts.approved, errors: r.counts.errors, unchecked: r.blockers.unchecked.length, pendingCorrections: r.counts.pendingCorrections, publishedAt: pub?.publishedAt ?? null };
            }),
          ),
        };
      }),
    );
    return c.html(editionsPage(viewer(c), rows, { page: pageNo, pages }, deps.defaultLang));
  });

  /** the edition a route names by its start date, or null (then the route answers 404) */
  const editionOf = async (c: Context<DeskEnv>) => {
    const date = c.req.param('date') ?? '';
    return ISO.test(date) ? store.getEditionByStart(date) : null;
  };
  const notFound = (c: Context<DeskEnv>) => page(c, 404, 'Not found', 'There is no such edition, text, finding or correction.');
  const badForm = (c: Context<DeskEnv>, e: z.ZodError) => page(c, 400, 'Incomplete form', `Nothing was changed: ${e.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')}.`);
  const back = (c: Context<DeskEnv>, startDate: string, lang: string, done: Record<string, string | number>, anchor = '') =>
    c.redirect(`/desk/editions/${startDate}?${new URLSearchParams({ lang, ...Object.fromEntries(Object.entries(done).map(([k, v]) => [k, String(v)])) })}${anchor ? `#${anchor}` : ''}`, 303);

  desk.get('/editions/:date', async (c) => {
    const edition = await editionOf(c);
    const asked = c.req.query('lang') ?? deps.defaultLang;
    if (!edition || !Lang.safeParse(asked).success) return notFound(c);
    const review = await reviewEdition(store, edition.id, asked);
    const [histories, publications] = await Promise.all([Promise.all(review.texts.map((t) => store.getTextHistory(t.ref))), store.getPublications({ editionId: edition.id })]);
    const langs = [...new Set([asked, ...draftLangs(review.bundle.texts)])].sort();
    const code = c.req.query('done') ?? '';
    const num = (k: string) => (/^\d{1,6}$/.test(c.req.query(k) ?? '') ? Number(c.req.query(k)) : 0);
    const flash = Object.hasOwn(FLASH, code) ? FLASH[code]!(num('n'), num('m'), c.req.query('why') ?? '') : null;
    const deliveries = await store.deliveryCounts({ ref: `edition:${edition.id}:${asked}` });
    return c.html(reviewPage({ viewer: viewer(c), review, histories, publications: publications.filter((p) => p.lang === asked), deliveries, langs, flash, forum: Boolean(deps.forum) }));
  });

  const refOf = (f: z.infer<typeof TextForm>): TextRef => ({ ownerKind: f.kind, ownerId: f.owner, field: f.field, lang: f.lang });
  const positionOf = async (editionId: number, ref: TextRef) => checkTargets(await store.getEditionBundle(editionId), ref.lang).find((t) => t.ref.ownerKind === ref.ownerKind && t.ref.ownerId === ref.ownerId && t.ref.field === ref.field);

  desk.post('/editions/:date/texts/save', async (c) => {
    const edition = await editionOf(c);
    if (!edition) return notFound(c);
    const f = SaveForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    const ref = refOf(f.data);
    const r = await editText(store, edition.id, ref, { body: f.data.body, expectedRevision: f.data.revision, by: c.var.editor.email }, now);
    const position = (await positionOf(edition.id, ref))?.position ?? null;
    // someone saved first: show both wordings and let this editor choose; nothing is overwritten
    if (!r.saved) return c.html(conflictPage({ viewer: viewer(c), edition, ref, position, current: r.current, yours: r.yours }), 409);
    return back(c, edition.startDate, ref.lang, { done: 'saved' }, textAnchor({ position, ref }));
  });

  desk.post('/editions/:date/texts/approve', async (c) => {
    const edition = await editionOf(c);
    if (!edition) return notFound(c);
    const f = TextForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    const ref = refOf(f.data);
    const r = await approveTexts(store, edition.id, ref.lang, [{ ...ref, revision: f.data.revision }], c.var.editor.email, now);
    const skipped = r.skipped[0];
    const anchor = textAnchor({ position: skipped?.position ?? (await positionOf(edition.id, ref))?.position ?? null, ref });
    return back(c, edition.startDate, ref.lang, skipped ? { done: 'not-approved', why: SKIP_CODE[skipped.why] ?? 'changed' } : { done: 'approved' }, anchor);
  });

  desk.post('/editions/:date/texts/approve-clean', async (c) => {
    const edition = await editionOf(c);
    if (!edition) return notFound(c);
    const f = LangForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    const r = await approveTexts(store, edition.id, f.data.lang, 'all-clean', c.var.editor.email, now);
    return back(c, edition.startDate, f.data.lang, { done: 'approved-clean', n: r.approved, m: r.skipped.length });
  });

  desk.post('/editions/:date/findings/:id/dismiss', async (c) => {
    const edition = await editionOf(c);
    const id = Number(c.req.param('id'));
    if (!edition || !Number.isSafeInteger(id)) return notFound(c);
    const f = DismissForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    // only a finding of this edition's texts in this language, whatever id the form carries
    const text = (await reviewEdition(store, edition.id, f.data.lang)).texts.find((t) => t.findings.some((x) => x.id === id));
    if (!text) return notFound(c);
    await store.dismissFinding(id, c.var.editor.email, f.data.why, now().toISOString());
    return back(c, edition.startDate, f.data.lang, { done: 'dismissed' }, `f${id}`);
  });

  desk.post('/editions/:date/corrections/:id', async (c) => {
    const edition = await editionOf(c);
    const id = Number(c.req.param('id'));
    if (!edition || !Number.isSafeInteger(id)) return notFound(c);
    const f = DecideForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    const [correction] = await store.getCorrections({ id });
    if (!correction || correction.editionId !== edition.id || correction.lang !== f.data.lang || correction.status !== 'pending') return notFound(c);
    const r = await decideCorrection(store, id, f.data.decision, c.var.editor.email, now);
    const position = (await positionOf(edition.id, correction))?.position ?? null;
    return back(c, edition.startDate, f.data.lang, { done: r.decided }, textAnchor({ position, ref: correction }));
  });

  desk.post('/editions/:date/publish', async (c) => {
    const edition = await editionOf(c);
    if (!edition) return notFound(c);
    const f = PublishForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    // a form without the channel choice (a script, an old page) means the web
    const channels: Channel[] = f.data.choose ? CHANNELS.filter((ch) => f.data[ch] === '1') : ['web'];
    if (!channels.length) return back(c, edition.startDate, f.data.lang, { done: 'no-channel' }, 'publish');
    if (channels.includes('discourse') && !deps.forum) return page(c, 400, 'Not published', 'The Discourse forum is not configured (PAPERBOY_DISCOURSE_URL and the settings next to it).');
    const r = await publishEdition(store, edition.id, { lang: f.data.lang, channels: [...channels], allowDrafts: f.data.allowDrafts === '1', now, forum: deps.forum });
    for (const x of r.failed) deps.logError?.(new Error(`desk: publishing ${edition.startDate} (${f.data.lang}) on ${x.channel} failed: ${x.reason}`));
    const done = r.refused ? 'refused' : r.failed.length ? 'forum-failed' : r.published.every((p) => p.already) ? 'already-published' : 'published';
    return back(c, edition.startDate, f.data.lang, { done }, 'publish');
  });

  // ------------------------------------------------------------------------------------------
  // Candidates: the week's ranked papers, and the edition's entries put together from them

  const topics = deps.topics ?? DEFAULT_TOPICS;
  const candidatesOf = (date: string, done: Record<string, string | number> = {}, anchor = 'entries') =>
    `/desk/editions/${date}/candidates${Object.keys(done).length ? `?${new URLSearchParams(Object.fromEntries(Object.entries(done).map(([k, v]) => [k, String(v)])))}` : ''}#${anchor}`;

  /** The candidates page of a week, with its edition's entries when it has one. */
  const showCandidates = async (c: Context<DeskEnv>, week: string, edition: Edition | null) => {
    const ranking = await rankWeek(store, week, { topics });
    const entries = edition ? (await store.getEntries([edition.id])).sort((a, b) => a.position - b.position) : [];
    const publishedOn = edition ? [...new Set((await store.getPublications({ editionId: edition.id })).map((p) => p.channel))].sort() : [];
    const code = c.req.query('done') ?? '';
    let flash: { text: string; bad: boolean } | null = null;
    if (Object.hasOwn(CANDIDATE_FLASH, code)) {
      const n = /^\d{1,6}$/.test(c.req.query('n') ?? '') ? Number(c.req.query('n')) : 0;
      const key = c.req.query('paper') ?? '';
      // the title comes from the store, never from the link: a made-up key just reads "the paper"
      let title = ranking.candidates.find((x) => x.paperKey === key)?.title ?? entries.find((e) => e.paperKey === key)?.label;
      if (title === undefined && key && key.length <= 2000) title = (await store.getTexts([{ kind: 'paper', id: key }], ['title'])).find((t) => t.lang === 'en')?.body;
      const inEdition = entries.find((e) => e.paperKey === key)?.position;
      flash = CANDIDATE_FLASH[code]!({ n: code === 'duplicate' ? (inEdition ?? 0) : n, title: title ? `“${title}”` : 'the paper', published: publishedOn });
    }
    return c.html(
      candidatesPage({
        viewer: viewer(c),
        ranking,
        candidates: ranking.candidates.map((x) => ({ ...x, why: explainCandidate(x) })),
        edition,
        entries,
        publishedOn,
        all: c.req.query('all') === '1',
        cap: CANDIDATES_SHOWN,
        flash,
      }),
    );
  };

  /** The edition that covers a week or starts inside it (then no new edition may be made for it). */
  const editionForWeek = async (week: string) => {
    const { from, to } = weekRange(week);
    return (await store.findEditionsCovering(from))[0] ?? (await store.listEditions()).find((e) => e.startDate >= from && e.startDate <= to) ?? null;
  };

  /**
   * Runs a change of the edition's entries. The pipeline decides; a refusal it explains is shown
   * as a flash on the candidates page: published (locked), or the entry is gone. Anything else
   * goes to the desk's error handler (a 400 page with the pipeline's message, or 404).
   */
  const changeEntries = async (
    c: Context<DeskEnv>,
    edition: Edition,
    change: () => Promise<Record<string, string | number>>,
    opts: { refused?: () => Promise<Record<string, string | number> | null>; entry?: boolean } = {},
  ) => {
    try {
      return c.redirect(candidatesOf(edition.startDate, await change()), 303);
    } catch (e) {
      if (!(e instanceof PaperboyError)) throw e;
      if (e.code === 'INPUT_INVALID' && (await store.getPublications({ editionId: edition.id })).length) return c.redirect(candidatesOf(edition.startDate, { done: 'locked' }), 303);
      if (e.code === 'NOT_FOUND' && opts.entry && (await store.getEditionByStart(edition.startDate))) return c.redirect(candidatesOf(edition.startDate, { done: 'gone' }), 303);
      const done = e.code === 'INPUT_INVALID' && opts.refused ? await opts.refused() : null;
      if (done) return c.redirect(candidatesOf(edition.startDate, done), 303);
      throw e;
    }
  };

  desk.get('/editions/:date/candidates', async (c) => {
    const edition = await editionOf(c);
    if (!edition) return notFound(c);
    return showCandidates(c, edition.startDate, edition);
  });

  desk.get('/candidates', async (c) => {
    const week = Day.safeParse(c.req.query('week') ?? '');
    if (!week.success) return page(c, 400, 'Pick a week', 'Give the first day of the week as a date (YYYY-MM-DD), e.g. with the form on the editions list.');
    const covering = await editionForWeek(week.data);
    if (covering) return c.redirect(`/desk/editions/${covering.startDate}/candidates`, 303);
    return showCandidates(c, week.data, null);
  });

  desk.post('/candidates/new', async (c) => {
    const f = NewEditionForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    try {
      const r = await editionFromCandidates(store, { week: f.data.week, top: f.data.top, topics });
      return c.redirect(candidatesOf(r.edition.startDate, { done: 'created', n: r.entries.length }), 303);
    } catch (e) {
      const covering = e instanceof PaperboyError && e.code === 'INPUT_INVALID' ? await editionForWeek(f.data.week) : null;
      if (covering) return c.redirect(candidatesOf(covering.startDate, { done: 'exists' }), 303);
      throw e;
    }
  });

  desk.post('/editions/:date/entries', async (c) => {
    const edition = await editionOf(c);
    if (!edition) return notFound(c);
    const f = AddForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    const { paperKey, position } = f.data;
    const all: Record<string, string> = f.data.all ? { all: '1' } : {};
    return changeEntries(
      c,
      edition,
      async () => ({ done: 'added', n: (await addEntry(store, { edition: edition.startDate, paperKey, position })).position, paper: paperKey, ...all }),
      { refused: async () => ((await store.getEntries([edition.id])).some((e) => e.paperKey === paperKey) ? { done: 'duplicate', paper: paperKey, ...all } : null) },
    );
  });

  desk.post('/editions/:date/entries/:id/move', async (c) => {
    const edition = await editionOf(c);
    const id = Number(c.req.param('id'));
    if (!edition || !Number.isSafeInteger(id)) return notFound(c);
    const f = MoveForm.safeParse(c.var.form);
    if (!f.success) return badForm(c, f.error);
    return changeEntries(c, edition, async () => {
      await moveEntry(store, { edition: edition.startDate, entryId: id, position: f.data.position });
      const moved = (await store.getEntries([edition.id])).find((e) => e.id === id);
      return { done: 'moved', n: moved?.position ?? f.data.position, paper: moved?.paperKey ?? '' };
    }, { entry: true });
  });

  desk.post('/editions/:date/entries/:id/remove', async (c) => {
    const edition = await editionOf(c);
    const id = Number(c.req.param('id'));
    if (!edition || !Number.isSafeInteger(id)) return notFound(c);
    return changeEntries(c, edition, async () => {
      const gone = (await store.getEntries([edition.id])).find((e) => e.id === id);
      await removeEntry(store, { edition: edition.startDate, entryId: id });
      return { done: 'removed', n: gone?.position ?? 0, paper: gone?.paperKey ?? '' };
    }, { entry: true });
  });

  desk.onError((e, c) => {
    // the pipeline's own refusals (an empty text, an unknown text) are the editor's to read; the rest is logged
    if (e instanceof PaperboyError && e.code === 'INPUT_INVALID') return page(c, 400, 'Not saved', `Nothing was changed: ${e.message}.`);
    if (e instanceof PaperboyError && e.code === 'NOT_FOUND') return notFound(c);
    deps.logError?.(e);
    return page(c, 500, 'Something went wrong', 'The error was logged; nothing more is shown here. Please try again.');
  });

  app.route('/desk', desk);
}

/** The submitted form fields as strings (files are ignored); {} for anything that is not a form. */
async function formOf(c: Context<DeskEnv>): Promise<Record<string, string>> {
  if (c.var.form) return c.var.form;
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return {};
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}
