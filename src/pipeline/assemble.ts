// Builds the EditionView a channel renders: pure, from one edition's stored rows.
import type { EditionView, EntryView, PaperView, ShownText } from '../domain/edition-view.js';
import type { OwnerKind, Paper, Text, TextField } from '../domain/types.js';
import { textKey } from '../domain/text-policy.js';
import type { EditionBundle } from '../ports.js';

const MORE_KINDS = new Set(['tweet', 'blog', 'project', 'model', 'dataset', 'demo', 'other']);

export interface AssembleOptions {
  /**
   * Also what the web archive's badges and reader actions need: each text's stored ref and
   * revision, editors' edits, accepted corrections, the English originals' provenance, entry ids.
   * Off for the exports (`render`), whose output stays as it was.
   */
  forReaders?: boolean;
}

/** A stored text as shown. */
function shownOf(t: Text, lang: string, fallback: boolean, opts: AssembleOptions): ShownText {
  const shown: ShownText = { body: t.body, lang, origin: t.origin, model: t.model, promptVersion: t.promptVersion, status: t.status, fallback };
  if (!opts.forReaders) return shown;
  return { ...shown, ref: { ownerKind: t.ownerKind, ownerId: t.ownerId, field: t.field, revision: t.revision ?? 1 }, edited: Boolean(t.editedBy), correctedAt: t.correctedAt ?? null };
}

/** An English text as its own block, or null; a bare label has no stored provenance beyond the list. */
function englishOf(t: Text | string | null, opts: AssembleOptions): ShownText | null {
  if (t === null) return null;
  if (typeof t === 'string') return { body: t, lang: 'en', origin: 'upstream', model: null, promptVersion: null, status: 'approved', fallback: false };
  return shownOf(t, 'en', false, opts);
}

export function assembleEditionView(bundle: EditionBundle, lang: string, opts: AssembleOptions = {}): EditionView {
  const texts = new Map<string, Text>(bundle.texts.map((t) => [textKey(t), t]));
  const get = (ownerKind: OwnerKind, ownerId: string, field: TextField, l: string) => texts.get(textKey({ ownerKind, ownerId, field, lang: l }));
  const english = lang === 'en';
  let fallbacks = 0;
  const models = new Set<string>();

  /** The target-language text, or the English one (with its own provenance) marked as a fallback. */
  const shown = (ownerKind: OwnerKind, ownerId: string, field: TextField, en: Text | string | null): ShownText | null => {
    if (english) return null;
    const t = get(ownerKind, ownerId, field, lang);
    if (t) {
      if (t.model && (t.origin === 'llm' || t.origin === 'imported')) models.add(t.model);
      return shownOf(t, lang, false, opts);
    }
    if (en === null) return null;
    fallbacks++;
    if (typeof en === 'string') return { body: en, lang: 'en', origin: 'upstream', model: null, promptVersion: null, status: 'approved', fallback: true };
    return shownOf(en, 'en', true, opts);
  };

  const entries: EntryView[] = [...bundle.entries]
    .sort((a, b) => a.position - b.position)
    .map((e) => {
      const paper = bundle.papers.get(e.paperKey);
      const id = String(e.id);
      // the upstream label stands in for a title nobody has given in English yet
      const titleText = get('paper', e.paperKey, 'title', 'en') ?? e.label;
      const titleEn = typeof titleText === 'string' ? titleText : titleText.body;
      const introText = get('entry', id, 'intro', 'en') ?? null;
      const abstractText = get('paper', e.paperKey, 'abstract', 'en') ?? null;
      const keyText = get('paper', e.paperKey, 'key_messages', 'en') ?? null;
      const introEn = introText?.body ?? null;
      const abstractEn = abstractText?.body ?? null;
      const keyMessagesEn = keyText?.body ?? null;
      const paperLink = e.links.find((l) => l.kind === 'paper');
      return {
        position: e.position,
        ...(opts.forReaders ? { entryId: e.id } : {}),
        paperKey: e.paperKey,
        arxivId: paper?.arxivId ?? null,
        titleEn,
        title: shown('paper', e.paperKey, 'title', titleText),
        introEn,
        intro: shown('entry', id, 'intro', introText),
        abstractEn,
        abstract: shown('paper', e.paperKey, 'abstract', abstractText),
        keyMessagesEn,
        keyMessages: keyMessagesEn || get('paper', e.paperKey, 'key_messages', lang) ? shown('paper', e.paperKey, 'key_messages', keyText) : null,
        paperUrl: paperLink?.url ?? (paper?.arxivId ? `https://arxiv.org/abs/${paper.arxivId}` : null),
        codeUrls: e.links.filter((l) => l.kind === 'code').map((l) => l.url),
        moreUrls: e.links.filter((l) => MORE_KINDS.has(l.kind)).map((l) => l.url),
        links: e.links,
        ...(opts.forReaders ? { originals: { title: englishOf(titleText, opts), intro: englishOf(introText, opts), abstract: englishOf(abstractText, opts), keyMessages: englishOf(keyText, opts) } } : {}),
      };
    });

  const ed = bundle.edition;
  const overviewText = get('edition', String(ed.id), 'overview', lang);
  if (overviewText?.model && (overviewText.origin === 'llm' || overviewText.origin === 'imported')) models.add(overviewText.model);
  return {
    startDate: ed.startDate,
    endDate: ed.endDate,
    lang,
    titleEn: ed.title,
    overview: overviewText ? shownOf(overviewText, lang, false, opts) : null,
    entries,
    sourceUrl: ed.sourceRef,
    models: [...models].sort(),
    fallbacks,
  };
}

/**
 * The paper page: the paper's metadata and its entry in each given edition, as that edition shows
 * it in `lang`. The caller passes only published editions, newest first.
 */
export function assemblePaperView(paper: Paper, appearances: Array<{ bundle: EditionBundle; entryId: number }>, lang: string): PaperView {
  return {
    key: paper.key,
    lang,
    arxivId: paper.arxivId,
    url: paper.url,
    authors: paper.authors,
    categories: paper.categories,
    publishedAt: paper.publishedAt,
    appearances: appearances.flatMap(({ bundle, entryId }) => {
      const entry = assembleEditionView(bundle, lang, { forReaders: true }).entries.find((e) => e.entryId === entryId);
      return entry ? [{ startDate: bundle.edition.startDate, endDate: bundle.edition.endDate, entry }] : [];
    }),
  };
}
