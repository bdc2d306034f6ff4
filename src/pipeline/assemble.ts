// Builds the EditionView a channel renders: pure, from one edition's stored rows.
import type { EditionView, EntryView, ShownText } from '../domain/edition-view.js';
import type { OwnerKind, Text, TextField } from '../domain/types.js';
import { textKey } from '../domain/text-policy.js';
import type { EditionBundle } from '../ports.js';

const MORE_KINDS = new Set(['tweet', 'blog', 'project', 'model', 'dataset', 'demo', 'other']);

export function assembleEditionView(bundle: EditionBundle, lang: string): EditionView {
  const texts = new Map<string, Text>(bundle.texts.map((t) => [textKey(t), t]));
  const get = (ownerKind: OwnerKind, ownerId: string, field: TextField, l: string) => texts.get(textKey({ ownerKind, ownerId, field, lang: l }));
  const english = lang === 'en';
  let fallbacks = 0;
  const models = new Set<string>();

  /** The target-language text, or the English one marked as a fallback; null when neither exists. */
  /** The target-language text, or the English one (with its own provenance) marked as a fallback. */
  const shown = (ownerKind: OwnerKind, ownerId: string, field: TextField, en: Text | string | null): ShownText | null => {
    if (english) return null;
    const t = get(ownerKind, ownerId, field, lang);
    if (t) {
      if (t.model && (t.origin === 'llm' || t.origin === 'imported')) models.add(t.model);
      return { body: t.body, lang, origin: t.origin, model: t.model, promptVersion: t.promptVersion, status: t.status, fallback: false };
    }
    if (en === null) return null;
    fallbacks++;
    if (typeof en === 'string') return { body: en, lang: 'en', origin: 'upstream', model: null, promptVersion: null, status: 'approved', fallback: true };
    return { body: en.body, lang: 'en', origin: en.origin, model: en.model, promptVersion: en.promptVersion, status: en.status, fallback: true };
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
    overview: overviewText
      ? { body: overviewText.body, lang, origin: overviewText.origin, model: overviewText.model, promptVersion: overviewText.promptVersion, status: overviewText.status, fallback: false }
      : null,
    entries,
    sourceUrl: ed.sourceRef,
    models: [...models].sort(),
    fallbacks,
  };
}
