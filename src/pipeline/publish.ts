// Publishing an edition in a language on a channel: refused while the checker has open errors, texts
// changed since their check, or (unless allowed) texts no editor approved. Idempotent per channel.
// Publishing by e-mail queues one delivery per weekly subscriber of the language (src/pipeline/deliver.ts sends them).
import type { Store, TextRef } from '../ports.js';
import { checkTargets, publishBlockers } from './check.js';

export const CHANNELS = ['web', 'email'] as const;
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
  published: Array<{ channel: Channel; publishedAt: string; already: boolean; queued?: number }>;
  refused: PublishRefusal | null;
  allowDrafts: boolean;
}

export async function publishEdition(store: Store, editionId: number, opts: { lang: string; channels: Channel[]; allowDrafts: boolean; now: () => Date }): Promise<PublishResult> {
  const bundle = await store.getEditionBundle(editionId);
  const targets = checkTargets(bundle, opts.lang);
  const blockers = await publishBlockers(store, editionId, opts.lang);
  const drafts = targets.filter((t) => t.text.status !== 'approved' && t.text.origin !== 'human').map((t) => ({ position: t.position, field: t.ref.field }));
  const refusal: PublishRefusal = {
    errors: blockers.errors.map((f) => ({ id: f.id, position: f.position, field: f.field, rule: f.rule, message: f.message })),
    unchecked: blockers.unchecked,
    drafts: opts.allowDrafts ? [] : drafts,
    noTexts: targets.length === 0,
  };
  const base = { edition: { startDate: bundle.edition.startDate, endDate: bundle.edition.endDate }, lang: opts.lang, allowDrafts: opts.allowDrafts };
  if (refusal.errors.length || refusal.unchecked.length || refusal.drafts.length || refusal.noTexts) return { ...base, published: [], refused: refusal };
  const at = opts.now().toISOString();
  const published = await store.transaction(async (tx) => {
    const out: PublishResult['published'] = [];
    for (const channel of opts.channels) {
      const fresh = await tx.recordPublication({ editionId, lang: opts.lang, channel, allowDrafts: opts.allowDrafts && drafts.length > 0, publishedAt: at });
      // the audience is frozen here, in the same transaction: a retry never re-selects it
      const queued = channel === 'email' && fresh ? await tx.enqueueDeliveries({ kind: 'edition', editionId, lang: opts.lang }, at) : undefined;
      out.push({ channel, publishedAt: at, already: !fresh, ...(queued === undefined ? {} : { queued }) });
    }
    await tx.updateEdition(editionId, { status: 'published' });
    return out;
  });
  return { ...base, published, refused: null };
}
