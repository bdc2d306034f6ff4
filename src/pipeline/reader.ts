// What a reader of the web archive may see and act on: published editions, their entries (likes),
// their target-language texts (corrections) and the papers in them. Reads and writes only through
// the Store port. Anything not in a published edition is answered as if it did not exist (null),
// so the routes give one 404 for the unknown and the unpublished alike.
import { textKey } from '../domain/text-policy.js';
import type { Edition, Entry, Paper, Text } from '../domain/types.js';
import type { EditionBundle, Publication, Store, TextRef } from '../ports.js';
import { checkTargets } from './check.js';

export interface PublishedEdition {
  edition: Edition;
  /** the target languages it is published in on the web */
  langs: string[];
  /** when it was published there (its first publication the store lists) */
  at: string;
}

/** Editions published on a channel (the web archive by default), with their languages, newest first. */
export async function publishedEditions(store: Store, channel: 'web' | 'feeds' = 'web'): Promise<PublishedEdition[]> {
  const pubs = await store.getPublications({ channel });
  const byEdition = new Map<number, Publication[]>();
  for (const p of pubs) byEdition.set(p.editionId, [...(byEdition.get(p.editionId) ?? []), p]);
  const editions = (await store.listEditions()).filter((e) => byEdition.has(e.id));
  return editions.map((edition) => {
    const ps = byEdition.get(edition.id)!;
    return { edition, langs: ps.map((p) => p.lang), at: ps[0]!.publishedAt };
  });
}

/** English is shown beside every published language, so any published edition can be read in it. */
export function readableIn(p: PublishedEdition, lang: string): boolean {
  return lang === 'en' || p.langs.includes(lang);
}

/** An entry of a published edition, or null. */
export async function publishedEntry(store: Store, entryId: number): Promise<{ entry: Entry; published: PublishedEdition } | null> {
  const list = await publishedEditions(store);
  const entry = (await store.getEntries(list.map((p) => p.edition.id))).find((e) => e.id === entryId);
  const published = entry && list.find((p) => p.edition.id === entry.editionId);
  return entry && published ? { entry, published } : null;
}

/** A reader's like, counted once per reader (the store's unique key); null when the entry is not published. */
export async function likeEntry(store: Store, entryId: number, reader: string, at: Date): Promise<{ entry: Entry; published: PublishedEdition; counted: boolean } | null> {
  const found = await publishedEntry(store, entryId);
  if (!found) return null;
  const counted = await store.addLike(entryId, reader, at.toISOString());
  return { ...found, counted };
}

/**
 * A target-language text of an edition published in that language, as readers may correct it;
 * null for English texts, unknown texts and editions, and editions not published in the language.
 */
export async function correctableText(store: Store, startDate: string, ref: TextRef): Promise<{ published: PublishedEdition; text: Text; position: number | null } | null> {
  if (ref.lang === 'en') return null;
  const published = (await publishedEditions(store)).find((p) => p.edition.startDate === startDate);
  if (!published || !published.langs.includes(ref.lang)) return null;
  const target = checkTargets(await store.getEditionBundle(published.edition.id), ref.lang).find((t) => textKey(t.ref) === textKey(ref));
  return target ? { published, text: target.text, position: target.position } : null;
}

/** A paper with every published edition it appeared in (newest first), or null when there is none. */
export async function paperAppearances(store: Store, key: string): Promise<{ paper: Paper; appearances: Array<{ published: PublishedEdition; bundle: EditionBundle; entry: Entry }> } | null> {
  const paper = (await store.getPapers([key])).get(key);
  if (!paper) return null;
  const list = await publishedEditions(store);
  const entries = (await store.getEntries(list.map((p) => p.edition.id))).filter((e) => e.paperKey === key);
  const appearances: Array<{ published: PublishedEdition; bundle: EditionBundle; entry: Entry }> = [];
  for (const published of list) {
    // a paper listed twice in one week is one appearance: its first place
    const entry = entries.find((e) => e.editionId === published.edition.id);
    if (entry) appearances.push({ published, bundle: await store.getEditionBundle(published.edition.id), entry });
  }
  return appearances.length > 0 ? { paper, appearances } : null;
}
