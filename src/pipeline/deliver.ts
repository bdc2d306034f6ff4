// The outbox worker: claims due deliveries, writes each mail from the stored edition, sends it
// through the Mailer port and records the outcome. At least once, with a bounded duplicate window:
// a delivery is marked 'sending' before its mail goes out and 'accepted' right after the server's
// 250, so after a crash only deliveries that were in flight are sent again (with the same
// Message-ID), and none is ever skipped. The store and the mailer are the only I/O.
import { confirmationMail, dailyMail, editionMail, type MailLinks, type RenderedMail } from '../channels/email/message.js';
import type { EditionView } from '../domain/edition-view.js';
import { dayBounds, localDay, messageIdFor, previousDay, retryDelayMs, type Show } from '../domain/subscriber.js';
import type { ClaimedDelivery, DeliveryOutcome, MailFailure, Mailer, OutgoingMail, Store } from '../ports.js';
import { assembleEditionView } from './assemble.js';
import { CONFIRM_TTL_HOURS } from './subscribe.js';
import { getBundle } from '../i18n/bundle.js';

export interface MailSettings {
  /** `Name <address>` or a bare address */
  from: string;
  /** the web archive, for the links in every mail */
  baseUrl: string;
  /** the List-Id, e.g. paperboy.digest.example.org */
  listId: string;
  /** where the mailto form of List-Unsubscribe points */
  unsubscribeMailto: string;
  /** the time zone of the days daily mails cover */
  timezone: string;
}

/** Where the worker can be stopped on purpose by the crash tests (src/cli/send.ts wires them). */
export type Failpoint = 'after-claim' | 'after-accept' | 'after-mark' | 'rate-wait';

export interface DeliveryDeps {
  store: Store;
  mailer: Mailer;
  now: () => Date;
  settings: MailSettings;
  /** this worker, as stored in the deliveries it holds (host:pid:nonce) */
  workerId: string;
  /** true when the worker holding a delivery is known to be gone (a dead process on this host) */
  holderGone(claimedBy: string): boolean;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random?: () => number;
  failpoint?(point: Failpoint): void;
  progress?(p: DeliverySummary): void;
  /** what an operator must know while it lasts, e.g. the mail server refusing us */
  notice?(line: string): void;
}

export interface DeliveryOptions {
  /** mails in flight at once (one SMTP connection each) */
  concurrency: number;
  /** mails per second at most (0: no limit) */
  ratePerSecond: number;
  retryBaseMs: number;
  maxAttempts: number;
  /** deliveries another host holds longer than this are taken back */
  leaseMs: number;
  /** drain: send what is due (and retries due within waitMs), then stop; forever: until the signal */
  mode: 'drain' | 'forever';
  waitMs?: number;
  /** forever: how often to look for new deliveries when the outbox is empty */
  pollMs?: number;
  /** forever: queue the daily mail of each day that ended */
  daily?: boolean;
  signal?: AbortSignal;
}

export interface DeliverySummary {
  accepted: number;
  retried: number;
  bounced: number;
  failed: number;
  cancelled: number;
  /** deliveries a dead worker held, put back in the queue at start */
  recovered: number;
  /** the reason sending stopped: the server refused us (login, connection) */
  unavailable: string | null;
  /** pending deliveries left for later, and when the first is due */
  deferred: number;
  nextDue: string | null;
}

const TOKEN_SLOT = 'PBSUBSCRIBERTOKEN';

function isMailFailure(e: unknown): e is MailFailure {
  return e instanceof Error && typeof (e as MailFailure).kind === 'string' && ['temporary', 'permanent', 'unavailable'].includes((e as MailFailure).kind);
}

/** Takes back deliveries whose worker is gone; returns how many. */
export async function recoverDeliveries(deps: Pick<DeliveryDeps, 'store' | 'now' | 'holderGone' | 'workerId'>, leaseMs: number): Promise<number> {
  const now = deps.now().getTime();
  const orphans = (await deps.store.inFlightDeliveries()).filter((d) => d.claimedBy !== deps.workerId && (deps.holderGone(d.claimedBy) || now - Date.parse(d.claimedAt) > leaseMs));
  return orphans.length ? deps.store.releaseDeliveries(orphans) : 0;
}

export async function runDeliveries(deps: DeliveryDeps, opts: DeliveryOptions): Promise<DeliverySummary> {
  const { store } = deps;
  const summary: DeliverySummary = { accepted: 0, retried: 0, bounced: 0, failed: 0, cancelled: 0, recovered: 0, unavailable: null, deferred: 0, nextDue: null };
  const signal = opts.signal;
  const batch = Math.max(opts.concurrency * 4, 8);
  const composer = mailComposer(store, deps.settings);
  const pacer = ratePacer(opts.ratePerSecond, deps, signal);
  let circuitWait = 5_000;
  let lastRecover = 0;
  let lastDailyDay: string | null = null;

  for (;;) {
    if (signal?.aborted) break;
    if (Date.now() - lastRecover > 30_000) {
      summary.recovered += await recoverDeliveries(deps, opts.leaseMs);
      lastRecover = Date.now();
    }
    if (opts.mode === 'forever' && opts.daily) lastDailyDay = await queueEndedDay(store, deps.now(), deps.settings.timezone, lastDailyDay);

    const queue: ClaimedDelivery[] = [];
    let stop = false;
    let unavailable: string | null = null;
    let claiming: Promise<number> | null = null;
    const next = async (): Promise<ClaimedDelivery | null> => {
      for (;;) {
        if (stop || signal?.aborted) return null;
        const d = queue.shift();
        if (d) return d;
        // one write transaction (BEGIN IMMEDIATE on SQLite): the claim and its read of the subscribers agree
        if (!claiming) claiming = store.transaction((tx) => tx.claimDeliveries(deps.workerId, deps.now().toISOString(), batch)).then((rows) => (queue.push(...rows), rows.length));
        const mine = claiming;
        const n = await mine;
        // only the lane that sees its own claim finished clears it, never a newer one
        if (claiming === mine) claiming = null;
        if (n === 0 && queue.length === 0) return null;
      }
    };
    const finish = async (d: ClaimedDelivery, o: DeliveryOutcome) => {
      await store.finishDelivery(d.id, deps.workerId, o);
      if (o.status === 'accepted') summary.accepted++;
      else if (o.status === 'pending') summary.retried++;
      else summary[o.status]++;
      deps.progress?.(summary);
    };
    const lane = async () => {
      for (let d = await next(); d; d = await next()) {
        const r = await deliverOne(d);
        if (r === 'unavailable') return;
      }
    };
    const deliverOne = async (d: ClaimedDelivery): Promise<'done' | 'unavailable' | 'released'> => {
      deps.failpoint?.('after-claim');
      const refusal = ineligible(d);
      if (refusal) {
        await finish(d, { status: 'cancelled', attempts: d.attempts, error: refusal });
        return 'done';
      }
      let mail: OutgoingMail | null;
      try {
        mail = await composer(d);
      } catch (e) {
        mail = null;
        await failTemporarily(d, `could not write the mail: ${(e as Error).message}`);
        return 'done';
      }
      if (!mail) {
        await finish(d, { status: 'failed', attempts: d.attempts, error: d.kind === 'daily' ? `no papers to send for ${d.day}` : 'the edition is not published by e-mail in this language' });
        return 'done';
      }
      if (!(await pacer())) {
        await store.releaseDeliveries([{ id: d.id, claimedBy: deps.workerId }]);
        return 'released';
      }
      try {
        await deps.mailer.send(mail);
      } catch (e) {
        const kind = isMailFailure(e) ? e.kind : 'temporary';
        const message = (e as Error).message || String(e);
        if (kind === 'permanent') await finish(d, { status: 'bounced', attempts: d.attempts + 1, error: message });
        else if (kind === 'unavailable') {
          // not this delivery's fault: back in the queue as it was, and stop claiming
          stop = true;
          unavailable = message;
          await store.finishDelivery(d.id, deps.workerId, { status: 'pending', attempts: d.attempts, nextAttemptAt: deps.now().toISOString(), error: message });
          return 'unavailable';
        } else await failTemporarily(d, message);
        return 'done';
      }
      deps.failpoint?.('after-accept');
      await finish(d, { status: 'accepted', at: deps.now().toISOString() });
      deps.failpoint?.('after-mark');
      return 'done';
    };
    const failTemporarily = async (d: ClaimedDelivery, error: string) => {
      const attempts = d.attempts + 1;
      if (attempts >= opts.maxAttempts) await finish(d, { status: 'failed', attempts, error: `${error} (gave up after ${attempts} tries)` });
      else await finish(d, { status: 'pending', attempts, error, nextAttemptAt: new Date(deps.now().getTime() + retryDelayMs(attempts, opts.retryBaseMs, deps.random)).toISOString() });
    };

    await Promise.all(Array.from({ length: opts.concurrency }, lane));
    // claimed but not started (stopped, or the server became unavailable): back as they were
    if (queue.length) await store.releaseDeliveries(queue.splice(0).map((d) => ({ id: d.id, claimedBy: deps.workerId })));

    if (signal?.aborted) break;
    if (unavailable) {
      summary.unavailable = unavailable;
      if (opts.mode === 'drain') break;
      deps.notice?.(`the mail server cannot be used: ${unavailable}; nothing is charged to the deliveries, trying again in ${Math.round(circuitWait / 1000)} s`);
      await deps.sleep(circuitWait, signal).catch(() => {});
      circuitWait = Math.min(circuitWait * 2, 300_000);
      continue;
    }
    summary.unavailable = null;
    circuitWait = 5_000;
    const due = await store.nextDeliveryDue();
    const wait = due === null ? Infinity : Date.parse(due) - deps.now().getTime();
    if (opts.mode === 'drain') {
      if (due === null || wait > (opts.waitMs ?? 0)) break;
      await deps.sleep(Math.max(wait, 10), signal).catch(() => {});
    } else {
      await deps.sleep(Math.max(10, Math.min(wait, opts.pollMs ?? 5_000)), signal).catch(() => {});
    }
  }
  const counts = await store.deliveryCounts({});
  summary.deferred = counts.pending;
  summary.nextDue = await store.nextDeliveryDue();
  return summary;
}

/** Why a claimed delivery must not be sent any more, or null. */
function ineligible(d: ClaimedDelivery): string | null {
  if (d.kind === 'confirm') return d.subscriber.status === 'pending' && d.subscriber.confirmToken ? null : `the subscriber is ${d.subscriber.status}; no confirmation needed`;
  return d.subscriber.status === 'confirmed' ? null : `the subscriber is ${d.subscriber.status}`;
}

/** Waits for the next send slot; false when stopped while waiting. Real time, whatever the clock. */
function ratePacer(perSecond: number, deps: Pick<DeliveryDeps, 'sleep' | 'failpoint'>, signal: AbortSignal | undefined): () => Promise<boolean> {
  let nextSlot = 0;
  return async () => {
    if (signal?.aborted) return false;
    if (!perSecond) return true;
    const t = performance.now();
    const slot = Math.max(t, nextSlot);
    nextSlot = slot + 1000 / perSecond;
    if (slot > t) {
      deps.failpoint?.('rate-wait');
      try {
        await deps.sleep(slot - t, signal);
      } catch {
        return false;
      }
    }
    return !signal?.aborted;
  };
}

// ---------------------------------------------------------------------------------------------
// Writing the mails

/**
 * Mails are written once per (what, show) and copied per subscriber with their own token in the
 * links, so a 100,000-subscriber send renders the edition three times, not 100,000.
 */
function mailComposer(store: Store, s: MailSettings): (d: ClaimedDelivery) => Promise<OutgoingMail | null> {
  const base = s.baseUrl.replace(/\/$/, '');
  const cache = new Map<string, Promise<RenderedMail | null>>();
  const slotLinks = (webUrl: string): MailLinks => ({ unsubscribeUrl: `${base}/email/unsubscribe/${TOKEN_SLOT}`, preferencesUrl: `${base}/email/preferences/${TOKEN_SLOT}`, webUrl });
  const fromAddress = /<([^>]+)>/.exec(s.from)?.[1] ?? s.from.trim();

  const render = (d: ClaimedDelivery, show: Show): Promise<RenderedMail | null> => {
    const key = `${d.ref}|${show}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = (async () => {
        if (d.kind === 'edition' && d.editionId !== null) {
          const pubs = await store.getPublications({ editionId: d.editionId, channel: 'email' });
          const pub = pubs.find((p) => p.lang === d.lang);
          if (!pub) return null;
          const bundle = await store.getEditionBundle(d.editionId);
          const view = assembleEditionView(bundle, show === 'en' ? 'en' : d.lang, { forReaders: true });
          const lang = show === 'en' ? 'en' : d.lang;
          const chart = { src: `${base}/editions/${bundle.edition.startDate}/chart.png?lang=${encodeURIComponent(lang)}`, alt: getBundle(lang).chart.weekTitle, width: 560 /* the chart's own width (WEEK_CHART_WIDTH); not imported, so the worker never loads vega */ };
          return editionMail(view, { show, draftsMarked: pub.allowDrafts, links: slotLinks(`${base}/editions/${bundle.edition.startDate}?lang=${lang}`), chart });
        }
        if (d.kind === 'daily' && d.day !== null) {
          const day = await dailyView(store, d.day, show === 'en' ? 'en' : d.lang, d.lang, s.timezone);
          if (!day) return null;
          return dailyMail(day.view, { day: d.day, show, draftsMarked: day.draftsMarked, links: slotLinks(`${base}/editions/${day.view.startDate}?lang=${show === 'en' ? 'en' : d.lang}`) });
        }
        return null;
      })();
      cache.set(key, hit);
      // a failed render is not kept: the next delivery tries again
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };

  return async (d): Promise<OutgoingMail | null> => {
    const messageId = messageIdFor(d.id, d.ref, fromAddress);
    if (d.kind === 'confirm') {
      const m = confirmationMail({ lang: d.subscriber.lang, confirmUrl: `${base}/email/confirm/${d.subscriber.confirmToken}`, expiresHours: CONFIRM_TTL_HOURS });
      return { from: s.from, to: d.subscriber.email, subject: m.subject, text: m.text, html: m.html, messageId, headers: {} };
    }
    const m = await render(d, d.subscriber.show);
    if (!m) return null;
    const token = d.subscriber.token;
    return {
      from: s.from,
      to: d.subscriber.email,
      subject: m.subject,
      text: m.text.replaceAll(TOKEN_SLOT, token),
      html: m.html.replaceAll(TOKEN_SLOT, token),
      messageId,
      headers: {
        // RFC 8058: one-click by POST to the https link; the mailto for clients without it
        'List-Unsubscribe': `<${base}/email/unsubscribe/${token}>, <mailto:${s.unsubscribeMailto}?subject=unsubscribe%20${token}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': `<${s.listId}>`,
      },
    };
  };
}

/**
 * The papers of one day: the entries that became readable that day in `targetLang`: all of an
 * edition first published that day (on the web or by e-mail), and entries added that day to an
 * edition published before. Null on a day without any.
 */
export async function dailyView(store: Store, day: string, viewLang: string, targetLang: string, timezone: string): Promise<{ view: EditionView; draftsMarked: boolean } | null> {
  const { from, to } = dayBounds(day, timezone);
  const first = new Map<number, { at: string; allowDrafts: boolean }>();
  for (const p of await store.getPublications({})) {
    if (p.lang !== targetLang || (p.channel !== 'web' && p.channel !== 'email')) continue;
    const seen = first.get(p.editionId);
    if (!seen || p.publishedAt < seen.at) first.set(p.editionId, { at: p.publishedAt, allowDrafts: p.allowDrafts || (seen?.allowDrafts ?? false) });
  }
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const whole = [...first].filter(([, p]) => p.at >= fromIso && p.at < toIso).map(([id]) => id);
  const earlier = [...first].filter(([, p]) => p.at < fromIso).map(([id]) => id);
  const added = new Set(await store.entryIdsCreatedBetween(earlier, fromIso, toIso));
  const views: EditionView[] = [];
  let draftsMarked = false;
  for (const id of [...whole, ...earlier]) {
    const bundle = await store.getEditionBundle(id);
    const keep = whole.includes(id) ? null : new Set(bundle.entries.filter((e) => added.has(e.id)).map((e) => e.id));
    if (keep && keep.size === 0) continue;
    const view = assembleEditionView(bundle, viewLang, { forReaders: true });
    const entries = keep ? view.entries.filter((e) => e.entryId !== undefined && keep.has(e.entryId)) : view.entries;
    if (!entries.length) continue;
    views.push({ ...view, entries });
    draftsMarked ||= first.get(id)!.allowDrafts;
  }
  if (!views.length) return null;
  views.sort((a, b) => a.startDate.localeCompare(b.startDate));
  const head = views[0]!;
  return {
    draftsMarked,
    view: {
      ...head,
      endDate: views[views.length - 1]!.endDate,
      overview: null,
      entries: views.flatMap((v) => v.entries),
      models: [...new Set(views.flatMap((v) => v.models))],
      fallbacks: views.reduce((n, v) => n + v.fallbacks, 0),
    },
  };
}

/** Queues the daily mail of `day` for every language it has papers in; returns how many deliveries are new. */
export async function queueDaily(store: Store, day: string, timezone: string, at: Date): Promise<Array<{ lang: string; queued: number }>> {
  const langs = [...new Set((await store.getPublications({})).filter((p) => p.channel === 'web' || p.channel === 'email').map((p) => p.lang))];
  const out: Array<{ lang: string; queued: number }> = [];
  for (const lang of langs) {
    if (!(await dailyView(store, day, lang, lang, timezone))) continue;
    out.push({ lang, queued: await store.transaction((tx) => tx.enqueueDeliveries({ kind: 'daily', day, lang }, at.toISOString())) });
  }
  return out;
}

/** Once per day that ended (in the digest's time zone), its daily mail is queued; idempotent. */
async function queueEndedDay(store: Store, now: Date, timezone: string, last: string | null): Promise<string> {
  const ended = previousDay(localDay(now, timezone));
  if (ended !== last) await queueDaily(store, ended, timezone, now);
  return ended;
}
