// The e-mail list on the site: the subscribe form (double opt-in), the confirm, preferences and
// one-click unsubscribe pages behind each subscriber's token, and the provider webhook for bounces
// and complaints. Rules live in src/pipeline/subscribe.ts; these routes parse, call and render.
//
// What a mail scanner or a stranger can learn or do is the point of most choices here:
// - the subscribe answer is the same page, after the same minimum time, whatever the address was;
// - a GET never changes anything (scanners follow links): confirming and leaving are POSTs;
// - the one-click POST (RFC 8058) needs no login, no same-site check and answers 200, never a redirect;
// - tokens sit in the path, where proxies and CDNs do not strip them as they do query strings.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { escapeHtml, renderPlain } from '../../channels/render/sanitize.js';
import { FREQUENCIES, normaliseAddress, SHOWS, type Preferences } from '../../domain/subscriber.js';
import { fill, getBundle, RAW_BUNDLES, type Bundle } from '../../i18n/bundle.js';
import { applyMailEvent, confirmSubscription, MAIL_EVENT_TYPES, requestSubscription, unsubscribe, updatePreferences, type MailEventType } from '../../pipeline/subscribe.js';
import { page } from '../layout.js';
import { rateLimit } from '../rate-limit.js';
import { crossSite, forbidden, langOf, LANG, limited, tooLarge, type PublicContext } from './common.js';

export interface EmailContext extends PublicContext {
  /** a new unguessable token */
  newToken: () => string;
  /** shared secret of the bounce webhook; the endpoint answers 404 without one */
  webhookSecret?: string | undefined;
  /** abuse and webhook events, one line each */
  log?: (line: string) => void;
  /** the subscribe answer never comes sooner than this, so its timing tells nothing (default 150 ms) */
  minAnswerMs?: number;
}

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;
const noStore = (c: Context) => c.header('cache-control', 'no-store');

export function mountEmail(app: Hono, ctx: EmailContext): void {
  const perIp = rateLimit({ burst: 10, perMinute: 20, now: () => ctx.now().getTime() });
  const tokenPages = rateLimit({ burst: 30, perMinute: 60, now: () => ctx.now().getTime() });
  const log = ctx.log ?? (() => {});
  const body = bodyLimit({ maxSize: 8 * 1024, onError: (c) => tooLarge(c, ctx) });

  const frame = (c: Context, b: Bundle, title: string, html: string, status: 200 | 400 | 404 | 410 = 200) => {
    noStore(c);
    return c.html(page({ lang: b.lang, title, body: `<h1>${renderPlain(title)}</h1>\n${html}`, feedsLang: ctx.defaultLang }), status);
  };
  const invalidLink = (c: Context, b: Bundle) => frame(c, b, b.subscribe.title, `<p>${renderPlain(b.subscribe.invalidLink)}</p>`, 404);

  app.get('/subscribe', (c) => {
    const lang = langOf(c.req.query('lang'), ctx.defaultLang);
    const b = getBundle(lang);
    return frame(c, b, b.subscribe.title, `<p>${renderPlain(b.subscribe.intro)}</p>\n${subscribeForm(b, lang)}`);
  });

  app.post(
    '/subscribe',
    async (c, next) => (crossSite(c, ctx.baseUrl) ? forbidden(c, ctx) : (limited(c, perIp, 'subscribe', ctx) ?? next())),
    body,
    async (c) => {
      const started = Date.now();
      const form = await c.req.parseBody({ all: true });
      const lang = langOf(single(form.lang) ?? undefined, ctx.defaultLang);
      const b = getBundle(lang);
      const parsed = parseSubscribeForm(form, ctx.defaultLang);
      if (!parsed.ok) return frame(c, b, b.subscribe.title, `<p class="error" role="alert">${renderPlain(fill(b.subscribe.badFields, { fields: parsed.bad.join(', ') }))}</p>\n${subscribeForm(b, lang)}`, 400);
      // a filled honeypot is a bot: it gets the same answer and nothing happens
      if (!parsed.bot) {
        const outcome = await requestSubscription({ store: ctx.store, now: ctx.now, newToken: ctx.newToken }, parsed.email, parsed.prefs);
        if (outcome !== 'confirmation-queued') log(`subscribe: ${outcome} (${createHash('sha256').update(parsed.email).digest('hex').slice(0, 12)})`);
      } else log('subscribe: honeypot filled, ignored');
      const wait = (ctx.minAnswerMs ?? 150) - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return frame(c, b, b.subscribe.title, `<p role="status">${renderPlain(b.subscribe.sent)}</p>`);
    },
  );

  // the confirm link shows a button; only the POST confirms (a scanner's GET must not)
  app.get('/email/confirm/:token', async (c) => {
    const b = getBundle(ctx.defaultLang);
    const token = c.req.param('token');
    if (!TOKEN.test(token)) return invalidLink(c, b);
    const s = await ctx.store.findSubscriber({ confirmToken: token });
    const sb = getBundle(s?.lang ?? ctx.defaultLang);
    if (!s) return frame(c, sb, sb.subscribe.confirmTitle, `<p>${renderPlain(sb.subscribe.confirmGone)}</p><p><a href="/subscribe">${renderPlain(sb.subscribe.title)}</a></p>`, 404);
    return frame(c, sb, sb.subscribe.confirmTitle, `<form method="post" action="/email/confirm/${escapeHtml(token)}"><button type="submit">${renderPlain(sb.subscribe.confirmButton)}</button></form>`);
  });

  app.post(
    '/email/confirm/:token',
    async (c, next) => (crossSite(c, ctx.baseUrl) ? forbidden(c, ctx) : (limited(c, tokenPages, 'email-token', ctx) ?? next())),
    body,
    async (c) => {
      const token = c.req.param('token');
      const b = getBundle(ctx.defaultLang);
      if (!TOKEN.test(token)) return invalidLink(c, b);
      const s = await ctx.store.findSubscriber({ confirmToken: token });
      const r = await confirmSubscription({ store: ctx.store, now: ctx.now }, token);
      const sb = getBundle(s?.lang ?? ctx.defaultLang);
      if (r !== 'confirmed') return frame(c, sb, sb.subscribe.confirmTitle, `<p>${renderPlain(sb.subscribe.confirmGone)}</p><p><a href="/subscribe">${renderPlain(sb.subscribe.title)}</a></p>`, r === 'expired' ? 410 : 404);
      return frame(c, sb, sb.subscribe.confirmTitle, `<p role="status">${renderPlain(sb.subscribe.confirmed)}</p><p><a href="/email/preferences/${escapeHtml(s!.token)}">${renderPlain(sb.subscribe.preferencesTitle)}</a></p>`);
    },
  );

  app.get('/email/unsubscribe/:token', async (c) => {
    const token = c.req.param('token');
    const s = TOKEN.test(token) ? await ctx.store.findSubscriber({ token }) : null;
    const b = getBundle(s?.lang ?? ctx.defaultLang);
    if (!s) return invalidLink(c, b);
    if (s.status !== 'confirmed' && s.status !== 'pending') return frame(c, b, b.subscribe.unsubscribeTitle, `<p role="status">${renderPlain(b.subscribe.unsubscribed)}</p>`);
    return frame(
      c,
      b,
      b.subscribe.unsubscribeTitle,
      `<p>${renderPlain(b.subscribe.unsubscribeAsk)}</p><form method="post" action="/email/unsubscribe/${escapeHtml(token)}"><button type="submit">${renderPlain(b.subscribe.unsubscribeButton)}</button></form>`,
    );
  });

  // RFC 8058 one-click: mail providers POST `List-Unsubscribe=One-Click` from their own servers
  app.post('/email/unsubscribe/:token', body, async (c) => {
    const token = c.req.param('token');
    const r = TOKEN.test(token) ? await unsubscribe({ store: ctx.store, now: ctx.now }, token) : null;
    const b = getBundle(r?.subscriber.lang ?? ctx.defaultLang);
    if (!r) return invalidLink(c, b);
    return frame(c, b, b.subscribe.unsubscribeTitle, `<p role="status">${renderPlain(b.subscribe.unsubscribed)}</p>`);
  });

  app.get('/email/preferences/:token', async (c) => {
    const token = c.req.param('token');
    const s = TOKEN.test(token) ? await ctx.store.findSubscriber({ token }) : null;
    const b = getBundle(s?.lang ?? ctx.defaultLang);
    if (!s) return invalidLink(c, b);
    return frame(c, b, b.subscribe.preferencesTitle, preferencesForm(b, s.lang, token, s));
  });

  app.post(
    '/email/preferences/:token',
    async (c, next) => (crossSite(c, ctx.baseUrl) ? forbidden(c, ctx) : (limited(c, tokenPages, 'email-token', ctx) ?? next())),
    body,
    async (c) => {
      const token = c.req.param('token');
      const s = TOKEN.test(token) ? await ctx.store.findSubscriber({ token }) : null;
      const b = getBundle(s?.lang ?? ctx.defaultLang);
      if (!s) return invalidLink(c, b);
      const form = await c.req.parseBody({ all: true });
      const parsed = parsePreferences(form, s.lang);
      if (!parsed.ok) return frame(c, b, b.subscribe.preferencesTitle, `<p class="error" role="alert">${renderPlain(fill(b.subscribe.badFields, { fields: parsed.bad.join(', ') }))}</p>\n${preferencesForm(b, s.lang, token, s)}`, 400);
      const saved = await updatePreferences({ store: ctx.store, now: ctx.now }, token, parsed.prefs);
      return frame(c, b, b.subscribe.preferencesTitle, `<p role="status">${renderPlain(b.subscribe.saved)}</p>\n${preferencesForm(b, s.lang, token, saved ?? s)}`);
    },
  );

  // provider webhook: {id?, address, type: hard|soft|complaint}, or a list of them
  app.post('/email/events', bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) }), async (c) => {
    noStore(c);
    if (!ctx.webhookSecret) return c.json({ error: 'the webhook is off (PAPERBOY_MAIL_WEBHOOK_SECRET is not set)' }, 404);
    if (!sameSecret(c.req.header('authorization') ?? '', `Bearer ${ctx.webhookSecret}`)) {
      log('email events: refused a request with a wrong or missing secret');
      return c.json({ error: 'unauthorized' }, 401);
    }
    const raw = await c.req.text();
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return c.json({ error: 'the body is not JSON' }, 400);
    }
    const list = Array.isArray(json) ? json : [json];
    if (list.length > 1000) return c.json({ error: 'at most 1000 events per request' }, 400);
    const problems: string[] = [];
    const events: Array<{ id: string; address: string; type: MailEventType }> = [];
    list.forEach((e, i) => {
      const where = Array.isArray(json) ? `[${i}]` : 'event';
      if (e === null || typeof e !== 'object' || Array.isArray(e)) return void problems.push(`${where}: not an object`);
      const o = e as Record<string, unknown>;
      const address = typeof o.address === 'string' ? normaliseAddress(o.address) : null;
      if (!address?.ok) problems.push(`${where}.address: ${address ? address.reason : 'missing'}`);
      if (!(MAIL_EVENT_TYPES as readonly unknown[]).includes(o.type)) problems.push(`${where}.type: expected ${MAIL_EVENT_TYPES.join(', ')}`);
      if (o.id !== undefined && (typeof o.id !== 'string' || o.id.length === 0 || o.id.length > 200)) problems.push(`${where}.id: expected a string of 1 to 200 characters`);
      if (address?.ok && (MAIL_EVENT_TYPES as readonly unknown[]).includes(o.type)) {
        // without the provider's event id, the event itself is its id: a retried delivery of it changes nothing
        const id = typeof o.id === 'string' ? o.id : `sha256:${createHash('sha256').update(JSON.stringify([address.email, o.type, o.timestamp ?? null])).digest('hex')}`;
        events.push({ id, address: address.email, type: o.type as MailEventType });
      }
    });
    if (problems.length) return c.json({ error: 'bad events', problems }, 400);
    const counts = { applied: 0, duplicate: 0, 'unknown-address': 0 };
    for (const e of events) counts[await applyMailEvent({ store: ctx.store, now: ctx.now }, e)]++;
    log(`email events: ${counts.applied} applied, ${counts.duplicate} already seen, ${counts['unknown-address']} for unknown addresses`);
    return c.json(counts, 200);
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

type FormBody = Record<string, string | File | Array<string | File>>;

/** A field given once as text, else null (absent) or undefined (repeated or a file: refused). */
function single(v: FormBody[string] | undefined): string | null | undefined {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : undefined;
}

const orDefault = (v: string | null | undefined, fallback: string) => (v === null ? fallback : v);

function parsePreferences(form: FormBody, lang: string): { ok: true; prefs: Preferences } | { ok: false; bad: string[] } {
  const bad: string[] = [];
  // absent: the default; repeated (undefined): refused below
  const show = orDefault(single(form.show), 'both');
  const frequency = orDefault(single(form.frequency), 'weekly');
  if (!(SHOWS as readonly string[]).includes(show ?? '')) bad.push('show');
  if (!(FREQUENCIES as readonly string[]).includes(frequency ?? '')) bad.push('frequency');
  if (bad.length) return { ok: false, bad };
  return { ok: true, prefs: { lang, show: show as Preferences['show'], frequency: frequency as Preferences['frequency'] } };
}

/** Only the listed fields count; anything else (status, role, …) is ignored, never stored. */
function parseSubscribeForm(form: FormBody, defaultLang: string): { ok: true; email: string; prefs: Preferences; bot: boolean } | { ok: false; bad: string[] } {
  const bad: string[] = [];
  const email = single(form.email);
  const address = typeof email === 'string' ? normaliseAddress(email) : null;
  if (!address?.ok) bad.push('email');
  const lang = orDefault(single(form.lang), defaultLang);
  // only languages the site has words for: a made-up one would be a subscriber nothing is ever sent to
  if (lang === undefined || !LANG.test(lang) || !(lang === defaultLang || lang in RAW_BUNDLES)) bad.push('lang');
  const prefs = parsePreferences(form, lang ?? defaultLang);
  if (!prefs.ok) bad.push(...prefs.bad);
  const website = single(form.website);
  if (bad.length || !address?.ok || !prefs.ok) return { ok: false, bad };
  return { ok: true, email: address.email, prefs: prefs.prefs, bot: website === undefined || (website ?? '') !== '' };
}

function choices(b: Bundle, lang: string, current: { show: string; frequency: string }): string {
  const target = getBundle(lang).name;
  const radio = (name: string, value: string, label: string, checked: boolean) =>
    `<label><input type="radio" name="${name}" value="${value}"${checked ? ' checked' : ''}> ${renderPlain(label)}</label><br>`;
  return [
    `<fieldset><legend>${renderPlain(b.subscribe.show)}</legend>`,
    radio('show', 'both', fill(b.subscribe.showBoth, { target }), current.show === 'both'),
    lang === 'en' ? '' : radio('show', 'target', fill(b.subscribe.showTarget, { target }), current.show === 'target'),
    radio('show', 'en', b.subscribe.showEn, current.show === 'en'),
    '</fieldset>',
    `<fieldset><legend>${renderPlain(b.subscribe.frequency)}</legend>`,
    radio('frequency', 'weekly', b.subscribe.weekly, current.frequency === 'weekly'),
    radio('frequency', 'daily', b.subscribe.daily, current.frequency === 'daily'),
    '</fieldset>',
  ].join('\n');
}

function subscribeForm(b: Bundle, lang: string): string {
  return [
    '<form method="post" action="/subscribe" class="subscribe">',
    `<input type="hidden" name="lang" value="${escapeHtml(lang)}">`,
    `<p><label for="email">${renderPlain(b.subscribe.email)}</label><br><input id="email" name="email" type="email" required maxlength="254" autocomplete="email"></p>`,
    choices(b, lang, { show: 'both', frequency: 'weekly' }),
    // bots fill every field; people never see this one
    '<p class="hp" aria-hidden="true"><label for="website">Website</label><input id="website" name="website" tabindex="-1" autocomplete="off"></p>',
    `<p><button type="submit">${renderPlain(b.subscribe.submit)}</button></p>`,
    '</form>',
  ].join('\n');
}

function preferencesForm(b: Bundle, lang: string, token: string, current: { show: string; frequency: string }): string {
  return [
    `<form method="post" action="/email/preferences/${escapeHtml(token)}">`,
    choices(b, lang, current),
    `<p><button type="submit">${renderPlain(b.subscribe.save)}</button></p>`,
    '</form>',
    `<p><a href="/email/unsubscribe/${escapeHtml(token)}">${renderPlain(b.subscribe.unsubscribeTitle)}</a></p>`,
  ].join('\n');
}
