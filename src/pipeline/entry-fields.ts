// Where each field of an entry lives and what its English source is; drafting and checking share it.
import { textKey } from '../domain/text-policy.js';
import type { Entry, OwnerKind, Text, TextField } from '../domain/types.js';

export const ENTRY_FIELDS = ['title', 'intro', 'abstract', 'key_messages'] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];

export interface FieldSource {
  ownerKind: OwnerKind;
  ownerId: string;
  /** the English text, or null when there is none (the upstream label stands in for a title) */
  source: string | null;
  /**
   * null: the field's texts are translations of its own English text (`source`), and the English text
   * is the source, never a draft. 'abstract': the field has no English text of its own, so every
   * language's text, English included, is written by the LLM from the paper's English abstract
   * (`source` is that abstract): a derived intro.
   */
  derivedFrom: 'abstract' | null;
}

/** A lookup of texts by (owner, field, language), built once per bundle. */
export function textIndex(texts: Text[]) {
  const map = new Map(texts.map((t) => [textKey(t), t]));
  return (ownerKind: OwnerKind, ownerId: string, field: TextField, lang: string) => map.get(textKey({ ownerKind, ownerId, field, lang }));
}

/**
 * An English text paperboy's draft step wrote (an LLM draft, or one an editor edited since, which
 * keeps its draft provenance): it was made from a source and is never a source itself.
 */
export function draftedByLlm(t: Text): boolean {
  return t.origin === 'llm' || !!t.draft;
}

/**
 * Titles, abstracts and key messages belong to the paper; intros to the entry. An entry's intro is
 * translated from its English intro (the curated list's, an imported post's or an editor's); an
 * entry without one, whose paper has an English abstract, gets its intro derived from the abstract.
 */
export function fieldSource(get: ReturnType<typeof textIndex>, e: Entry, field: EntryField): FieldSource {
  if (field === 'intro') {
    const own = { ownerKind: 'entry' as const, ownerId: String(e.id) };
    const en = get('entry', own.ownerId, 'intro', 'en');
    if (en && !draftedByLlm(en) && en.body.trim()) return { ...own, source: en.body, derivedFrom: null };
    const abstract = get('paper', e.paperKey, 'abstract', 'en')?.body ?? null;
    if (abstract?.trim()) return { ...own, source: abstract, derivedFrom: 'abstract' };
    return { ...own, source: en && !draftedByLlm(en) ? en.body : null, derivedFrom: null };
  }
  const en = get('paper', e.paperKey, field, 'en')?.body ?? null;
  return { ownerKind: 'paper', ownerId: e.paperKey, source: field === 'title' ? (en ?? e.label) : en, derivedFrom: null };
}

/** Whether the field's text in `lang` is a source rather than something drafted and checked: English, unless derived. */
export function isSourceText(s: Pick<FieldSource, 'derivedFrom'>, lang: string): boolean {
  return lang === 'en' && s.derivedFrom === null;
}
