// Import of a translated edition (a post in the reference format): match its papers to the stored
// edition's entries by links, then by English title, and attach its texts with origin `imported`.
import { normaliseUrl } from '../domain/paper-key.js';
import { decideText, textKey } from '../domain/text-policy.js';
import type { Edition, Entry, Text, TextField, TextInput } from '../domain/types.js';
import { notFound } from '../errors.js';
import type { EditionBundle, Store } from '../ports.js';
import type { EditionPost, PostEntry } from '../sources/edition-post/parse.js';

export interface Match {
  postIndex: number;
  entry: Entry;
  by: 'link' | 'title';
}

export interface ImportEditionResult {
  edition: { startDate: string; endDate: string; title: string };
  lang: string;
  matched: Array<{ position: number; title: string; by: 'link' | 'title' }>;
  unmatchedPost: Array<{ line: number; title: string }>;
  entriesWithoutText: Array<{ position: number; label: string }>;
  textsWritten: number;
  textsUnchanged: number;
  textsKept: number;
  problems: Array<{ line: number; message: string }>;
}

const words = (s: string) =>
  new Set(
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .split(' ')
      .filter((w) => w.length > 1),
  );

/** Share of the shorter title's words found in the longer one (upstream labels are often shortened titles). */
export function titleSimilarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (!wa.size || !wb.size) return 0;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / Math.min(wa.size, wb.size);
}

function urlsOf(p: PostEntry): string[] {
  return [...p.paperUrls, ...p.codeUrls, ...p.moreUrls].map(normaliseUrl);
}

/** Pure: pairs post entries with stored entries. Links first, then the best title match above a threshold. */
export function matchEntries(post: PostEntry[], entries: Entry[], englishTitle: (e: Entry) => string[]): Match[] {
  const matches: Match[] = [];
  const used = new Set<number>();
  const pending: number[] = [];
  post.forEach((p, i) => {
    const urls = new Set(urlsOf(p));
    const hit = entries.find((e) => !used.has(e.id) && e.links.some((l) => urls.has(normaliseUrl(l.url))));
    if (hit) {
      used.add(hit.id);
      matches.push({ postIndex: i, entry: hit, by: 'link' });
    } else pending.push(i);
  });
  const scored: Array<{ i: number; e: Entry; s: number }> = [];
  for (const i of pending) {
    for (const e of entries) {
      if (used.has(e.id)) continue;
      const s = Math.max(...englishTitle(e).map((t) => titleSimilarity(post[i]!.titleEn, t)));
      if (s >= 0.6) scored.push({ i, e, s });
    }
  }
  scored.sort((a, b) => b.s - a.s);
  const donePost = new Set<number>();
  for (const { i, e } of scored) {
    if (donePost.has(i) || used.has(e.id)) continue;
    donePost.add(i);
    used.add(e.id);
    matches.push({ postIndex: i, entry: e, by: 'title' });
  }
  return matches.sort((a, b) => a.postIndex - b.postIndex);
}

/** Pure: the texts a matched post entry brings. English ones only fill gaps; target ones may refresh earlier imports. */
export function planPostTexts(post: EditionPost, matches: Match[], bundle: EditionBundle, opts: { model: string | null }): { writes: TextInput[]; unchanged: number; kept: number } {
  const stored = new Map<string, Text>(bundle.texts.map((t) => [textKey(t), t]));
  const writes: TextInput[] = [];
  let unchanged = 0;
  let kept = 0;
  const add = (ownerKind: 'paper' | 'entry' | 'edition', ownerId: string, field: TextField, lang: string, body: string | null) => {
    if (!body) return;
    const t: TextInput = { ownerKind, ownerId, field, lang, body, origin: 'imported', model: lang === 'en' ? null : opts.model, promptVersion: null, status: 'draft' };
    const existing = stored.get(textKey(t));
    const d = decideText(existing, t);
    // The English source comes from the list and arXiv; a post only fills what is missing.
    if (lang === 'en' && existing && existing.origin !== 'imported') {
      kept += existing.body === body ? 0 : 1;
      unchanged += existing.body === body ? 1 : 0;
      return;
    }
    if (d === 'insert' || d === 'replace') {
      writes.push(t);
      stored.set(textKey(t), { ...t, createdAt: '', updatedAt: '' });
    } else if (d === 'unchanged') unchanged++;
    else kept++;
  };
  if (post.overview) add('edition', String(bundle.edition.id), 'overview', post.lang, post.overview);
  for (const m of matches) {
    const p = post.entries[m.postIndex]!;
    const paperKey = m.entry.paperKey;
    const entryId = String(m.entry.id);
    // a heading with one name (JetMoE) means the name is kept as it is in the target language
    add('paper', paperKey, 'title', post.lang, p.titleTarget ?? (p.titleEn || null));
    add('paper', paperKey, 'title', 'en', p.titleEn);
    add('entry', entryId, 'intro', post.lang, p.introTarget);
    add('entry', entryId, 'intro', 'en', p.introEn);
    add('paper', paperKey, 'abstract', post.lang, p.abstractTarget);
    add('paper', paperKey, 'abstract', 'en', p.abstractEn);
    add('paper', paperKey, 'key_messages', post.lang, p.keyMessagesTarget);
    add('paper', paperKey, 'key_messages', 'en', p.keyMessagesEn);
  }
  return { writes, unchanged, kept };
}

export async function resolveEdition(store: Store, date: string): Promise<Edition> {
  const exact = await store.getEditionByStart(date);
  if (exact) return exact;
  const [covering] = await store.findEditionsCovering(date);
  if (!covering) throw notFound(`no edition covers ${date}; run \`paperboy editions\` to see the stored ones, or import the upstream list first`);
  return covering;
}

export async function importEdition(store: Store, post: EditionPost, opts: { model: string | null }): Promise<ImportEditionResult> {
  const edition = await resolveEdition(store, post.startDate);
  const bundle = await store.getEditionBundle(edition.id);
  const titlesEn = (e: Entry) => [e.label, ...bundle.texts.filter((t) => t.ownerKind === 'paper' && t.ownerId === e.paperKey && t.field === 'title' && t.lang === 'en').map((t) => t.body)];
  const matches = matchEntries(post.entries, bundle.entries, titlesEn);
  const { writes, unchanged, kept } = planPostTexts(post, matches, bundle, opts);
  await store.transaction(async (tx) => {
    for (const w of writes) await tx.putTexts([w]);
  });
  const matchedIdx = new Set(matches.map((m) => m.postIndex));
  const matchedEntries = new Set(matches.map((m) => m.entry.id));
  return {
    edition: { startDate: edition.startDate, endDate: edition.endDate, title: edition.title },
    lang: post.lang,
    matched: matches.map((m) => ({ position: m.entry.position, title: post.entries[m.postIndex]!.titleEn, by: m.by })),
    unmatchedPost: post.entries.flatMap((p, i) => (matchedIdx.has(i) ? [] : [{ line: p.line, title: p.titleEn }])),
    entriesWithoutText: bundle.entries.filter((e) => !matchedEntries.has(e.id)).map((e) => ({ position: e.position, label: e.label })),
    textsWritten: writes.length,
    textsUnchanged: unchanged,
    textsKept: kept,
    problems: post.problems,
  };
}
