// Publishing an edition to the Discourse forum as one topic per language, and keeping that topic in
// step with the texts. Reads and writes the store through its port and the forum through `Forum`.
// Idempotent: the topic's external_id is looked up before anything is created, so a create whose
// answer was lost is found again instead of made twice; publishing again edits the posts.
import { createHash } from 'node:crypto';
import { splitPost, type SplitMode } from '../channels/discourse/split.js';
import { discourseTopic } from '../channels/render/render.js';
import { PaperboyError } from '../errors.js';
import { getBundle } from '../i18n/bundle.js';
import type { DiscoursePost, Forum, Store } from '../ports.js';
import { assembleEditionView } from './assemble.js';

export interface DiscourseSettings {
  /** the category's id, slug or name */
  category: string;
  tags: string[];
  /** the forum's max_post_length */
  maxChars: number;
  /** a longer edition: split into a first post and ordered replies, or refuse */
  split: SplitMode;
  /** the web archive, for the overview's citation links */
  siteUrl: string;
  /** a correction is sent once the edition's texts have been still this long */
  debounceMs: number;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** The topic's external_id: one per edition and language, within Discourse's 50 letters, digits, _ and -. */
export const externalIdOf = (startDate: string, lang: string) => `paperboy-${startDate}-${lang.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 50);

/** Pure: the title and the parts (first post, then replies) of an edition's topic. */
export function topicParts(view: ReturnType<typeof assembleEditionView>, opts: { allowDrafts: boolean; settings: DiscourseSettings }): { title: string; parts: string[] } {
  const page = `${opts.settings.siteUrl.replace(/\/$/, '')}/editions/${view.startDate}?lang=${encodeURIComponent(view.lang)}`;
  const { title, raw } = discourseTopic(view, { entryUrl: (n) => `${page}#entry-${n}` });
  // an edition published with unreviewed drafts says so on every channel
  const body = opts.allowDrafts ? `> ※ ${getBundle(view.lang).mail.draftsNote}\n\n${raw}` : raw;
  return { title, parts: splitPost(body, opts.settings.maxChars, opts.settings.split).parts };
}

export interface DiscourseOutcome {
  action: 'created' | 'found' | 'updated' | 'unchanged';
  topicId: number;
  postIds: number[];
  parts: number;
}

/** Creates the topic or brings it up to date; stores its ids before any further call can fail. */
export async function publishToDiscourse(store: Store, forum: Forum, editionId: number, lang: string, opts: { allowDrafts: boolean; settings: DiscourseSettings; now: () => Date }): Promise<DiscourseOutcome> {
  const bundle = await store.getEditionBundle(editionId);
  const view = assembleEditionView(bundle, lang);
  const { title, parts } = topicParts(view, { allowDrafts: opts.allowDrafts, settings: opts.settings });
  const bodyHash = hash(parts.join('\u0000'));
  const externalId = externalIdOf(bundle.edition.startDate, lang);
  const at = () => opts.now().toISOString();
  let row = await store.getDiscoursePost(editionId, lang);
  let action: DiscourseOutcome['action'] = 'updated';
  try {
    if (!row) {
      let found = await forum.topicByExternalId(externalId);
      if (!found) {
        const category = await forum.resolveCategory(opts.settings.category);
        try {
          const made = await forum.createTopic({ title, raw: parts[0]!, category, tags: opts.settings.tags, externalId });
          found = { topicId: made.topicId, firstPostId: made.postId, postIds: [made.postId], title };
          action = 'created';
        } catch (e) {
          // the create may have been applied although its answer was lost: look before failing
          found = e instanceof PaperboyError && e.retryable ? await forum.topicByExternalId(externalId) : null;
          if (!found) throw e;
          action = 'found';
        }
      } else action = 'found';
      row = { editionId, lang, externalId, topicId: found.topicId, postIds: [found.firstPostId], bodyHash: action === 'created' ? hash(parts[0]!) : '', syncedAt: at(), lastError: null };
      await store.putDiscoursePost(row);
    }
    if (row.bodyHash === bodyHash) return { action: action === 'created' ? 'created' : 'unchanged', topicId: row.topicId, postIds: row.postIds, parts: parts.length };
    const postIds = [...row.postIds];
    for (const [i, part] of parts.entries()) {
      if (i === 0 && action === 'created') continue;
      if (i < postIds.length) await forum.updatePost(postIds[i]!, part, 'paperboy: the edition changed');
      else {
        postIds.push((await forum.reply(row.topicId, part)).postId);
        // every reply made is stored at once, so a failure later never makes it twice
        await store.putDiscoursePost({ ...row, postIds: [...postIds], syncedAt: at() });
      }
    }
    // parts no longer needed (the edition got shorter) are emptied, never deleted, to keep the order
    for (const id of postIds.slice(parts.length)) await forum.updatePost(id, getBundle(lang).discourseUnused, 'paperboy: the edition got shorter');
    await store.putDiscoursePost({ ...row, postIds, bodyHash, syncedAt: at(), lastError: null });
    return { action: action === 'created' || action === 'found' ? action : 'updated', topicId: row.topicId, postIds, parts: parts.length };
  } catch (e) {
    if (row) await store.setDiscourseError(editionId, lang, e instanceof Error ? e.message : String(e));
    throw e;
  }
}

export interface SyncResult {
  updated: Array<{ editionId: number; lang: string; topicId: number }>;
  /** changed, but changed too recently: sent on a later sync */
  waiting: Array<{ editionId: number; lang: string; quietFor: number }>;
  failed: Array<{ editionId: number; lang: string; reason: string }>;
  unchanged: number;
}

/**
 * Brings every published topic in step with its texts (accepted corrections, edits). A topic whose
 * texts changed within the debounce waits, so a burst of corrections makes one edit.
 */
export async function syncDiscourse(store: Store, forum: Forum, opts: { settings: DiscourseSettings; now: () => Date }): Promise<SyncResult> {
  const result: SyncResult = { updated: [], waiting: [], failed: [], unchanged: 0 };
  const published = await store.getPublications({ channel: 'discourse' });
  const rows = new Map((await store.listDiscoursePosts()).map((r: DiscoursePost) => [`${r.editionId}\u0000${r.lang}`, r]));
  for (const pub of published) {
    const row = rows.get(`${pub.editionId}\u0000${pub.lang}`);
    if (!row) continue;
    const bundle = await store.getEditionBundle(pub.editionId);
    const lastChange = Math.max(...bundle.texts.filter((t) => t.lang === pub.lang || t.lang === 'en').map((t) => Date.parse(t.updatedAt ?? t.createdAt ?? '') || 0), 0);
    // nothing written since the last sync (and it went through): no need to render it again
    if (lastChange <= Date.parse(row.syncedAt) && row.lastError === null) {
      result.unchanged++;
      continue;
    }
    const { parts } = topicParts(assembleEditionView(bundle, pub.lang), { allowDrafts: pub.allowDrafts, settings: opts.settings });
    if (hash(parts.join('\u0000')) === row.bodyHash) {
      result.unchanged++;
      continue;
    }
    const quietFor = opts.now().getTime() - lastChange;
    if (quietFor < opts.settings.debounceMs) {
      result.waiting.push({ editionId: pub.editionId, lang: pub.lang, quietFor });
      continue;
    }
    try {
      const r = await publishToDiscourse(store, forum, pub.editionId, pub.lang, { allowDrafts: pub.allowDrafts, settings: opts.settings, now: opts.now });
      result.updated.push({ editionId: pub.editionId, lang: pub.lang, topicId: r.topicId });
    } catch (e) {
      result.failed.push({ editionId: pub.editionId, lang: pub.lang, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}
