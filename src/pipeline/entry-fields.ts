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
}

/** A lookup of texts by (owner, field, language), built once per bundle. */
export function textIndex(texts: Text[]) {
  const map = new Map(texts.map((t) => [textKey(t), t]));
  return (ownerKind: OwnerKind, ownerId: string, field: TextField, lang: string) => map.get(textKey({ ownerKind, ownerId, field, lang }));
}

/** Titles, abstracts and key messages belong to the paper; intros to the entry. */
export function fieldSource(get: ReturnType<typeof textIndex>, e: Entry, field: EntryField): FieldSource {
  if (field === 'intro') return { ownerKind: 'entry', ownerId: String(e.id), source: get('entry', String(e.id), 'intro', 'en')?.body ?? null };
  const en = get('paper', e.paperKey, field, 'en')?.body ?? null;
  return { ownerKind: 'paper', ownerId: e.paperKey, source: field === 'title' ? (en ?? e.label) : en };
}
