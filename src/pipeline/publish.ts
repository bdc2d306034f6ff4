// Publishing an edition in a language on a channel: refused while the checker has open errors, texts
// changed since their check, or (unless allowed) texts no editor approved. Idempotent per channel.
// Publishing by e-mail queues one delivery per weekly subscriber of the language (src/pipeline/deliver.ts sends them).
import { PaperboyError, usage } from '../errors.js';
import type { Forum, Store, TextRef } from '../ports.js';
import { checkTargets, publishBlockers } from './check.js';
import { needsApproval } from '../domain/edition-status.js';
import { publishToDiscourse, type DiscourseOutcome, type DiscourseSettings } from './discourse.js';

// web: the archive's pages; feeds: its RSS, Atom and JSON feeds; email: the subscribers;
// discourse: one forum topic per edition and language
export const CHANNELS = ['web', 'feeds', 'email', 'discourse'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface PublishRefusal {
  errors: Array<{ id: number; position: number | null; field: string; rule: string; message: string }>;
  unchecked: Array<TextRef & { position: number | null }>;
  drafts: Array<{ position: number | null; field: string }>;
  noTexts: boolean;
}

export interface PublishResult {
  edition: { startDate: string; endDate: string };
  lang: string;
  /** queued: e-mail deliveries created by this publication (one per weekly subscriber of the language) */
  published: Array<{ channel: Channel; publishedAt: string; already: boolean; queued?: number; discourse?: DiscourseOutcome }>;
  /** channels that failed (the others are published): the forum unreachable, a refused key, … */
  failed: Array<{ channel: Channel; reason: string; retryable: boolean }>;
  refused: PublishRefusal | null;
  allowDrafts: boolean;
}

export async function publishEdition(
  store: Store,
  editionId: number,
  opts: { lang: string; channels: Channel[]; allowDrafts: boolean; now: () => Date; forum?: () => { forum: Forum; settings: DiscourseSettings } },
): Promise<PublishResult> {
  const bundle = await store.getEditionBundle(editionId);
  const targets = checkTargets(bundle, opts.lang);
  const blockers = await publishBlockers(store, editionId, opts.lang);
  const drafts = targets.filter((t) => needsApproval(t.text)).map((t) => ({ position: t.position, field: t.ref.field }));
  const refusal: PublishRefusal = {
    errors: blockers.errors.map((f) => ({ id: f.id, position: f.position, field: f.field, rule: f.rule, message: f.message })),
    unchecked: blockers.unchecked,
    drafts: opts.allowDrafts ? [] : drafts,
    // English is the source: an edition with entries has its English texts whatever needs checking
    noTexts: targets.length === 0 && !(opts.lang === 'en' && bundle.entries.length > 0),
  };
  const base = { edition: { startDate: bundle.edition.startDate, endDate: bundle.edition.endDate }, lang: opts.lang, allowDrafts: opts.allowDrafts };
  if (refusal.errors.length || refusal.unchecked.length || refusal.drafts.length || refusal.noTexts) return { ...base, published: [], failed: [], refused: refusal };
  const channels = [...new Set(opts.channels)];
  if (channels.includes('feeds') && !channels.includes('web')) {
    const onWeb = (await store.getPublications({ editionId, channel: 'web' })).some((p) => p.lang === opts.lang);
    if (!onWeb) throw usage('feeds link to the edition on the web archive: publish it on the web too (--to web,feeds)');
  }
  // the forum is configured before anything is published, so a missing setting changes nothing
  const forum = channels.includes('discourse') ? opts.forum?.() : undefined;
  if (channels.includes('discourse') && !forum) throw usage('the Discourse forum is not configured');
  const at = opts.now().toISOString();
  const markDrafts = opts.allowDrafts && drafts.length > 0;
  const published = await store.transaction(async (tx) => {
    const out: PublishResult['published'] = [];
    for (const channel of channels.filter((c) => c !== 'discourse')) {
      const fresh = await tx.recordPublication({ editionId, lang: opts.lang, channel, allowDrafts: markDrafts, publishedAt: at });
      // the audience is frozen here, in the same transaction: a retry never re-selects it
      const queued = channel === 'email' && fresh ? await tx.enqueueDeliveries({ kind: 'edition', editionId, lang: opts.lang }, at) : undefined;
      out.push({ channel, publishedAt: at, already: !fresh, ...(queued === undefined ? {} : { queued }) });
    }
    if (out.length) await tx.updateEdition(editionId, { status: 'published' });
    return out;
  });
  const failed: PublishResult['failed'] = [];
  if (forum) {
    // outside the transaction: the forum is another system; the topic's ids are stored as they come
    try {
      const d = await publishToDiscourse(store, forum.forum, editionId, opts.lang, { allowDrafts: markDrafts, settings: forum.settings, now: opts.now });
      const fresh = await store.transaction(async (tx) => {
        const f = await tx.recordPublication({ editionId, lang: opts.lang, channel: 'discourse', allowDrafts: markDrafts, publishedAt: at });
        await tx.updateEdition(editionId, { status: 'published' });
        return f;
      });
      published.push({ channel: 'discourse', publishedAt: at, already: !fresh, discourse: d });
    } catch (e) {
      failed.push({ channel: 'discourse', reason: e instanceof Error ? e.message : String(e), retryable: e instanceof PaperboyError && e.retryable });
    }
  }
  return { ...base, published, failed, refused: null };
}
