// Who may replace a stored text. Editors' words are never overwritten by a machine or an import.
import type { Origin, Text, TextInput } from './types.js';

/** Higher ranks are more authoritative for the same (owner, field, lang). */
const RANK: Record<Origin, number> = { upstream: 1, template: 1, arxiv: 2, llm: 2, imported: 3, human: 9 };

export type TextDecision = 'insert' | 'replace' | 'unchanged' | 'keep';

/**
 * Decides whether `incoming` should be written over `existing`:
 * - nothing stored: insert;
 * - same body and provenance: unchanged (so a re-run writes nothing);
 * - a person wrote the stored one, or approved a draft or imported one: keep;
 * - the same origin refreshes its own text (upstream row changed, arXiv updated, re-import);
 * - arXiv's English replaces what the upstream list or an imported post supplied;
 * - otherwise only a more authoritative origin replaces.
 */
export function decideText(existing: Text | undefined, incoming: TextInput): TextDecision {
  if (!existing) return 'insert';
  if (existing.body === incoming.body && existing.origin === incoming.origin && existing.model === incoming.model && existing.promptVersion === incoming.promptVersion && existing.status === incoming.status) return 'unchanged';
  if (incoming.origin === 'human') return 'replace';
  if (existing.origin === 'human') return 'keep';
  // arXiv is the authority for a paper's English title and abstract.
  if (incoming.origin === 'arxiv' && (existing.origin === 'upstream' || existing.origin === 'imported')) return 'replace';
  // An editor approved this draft or imported text: only an editor changes it now.
  if (existing.status === 'approved' && (existing.origin === 'llm' || existing.origin === 'imported')) return 'keep';
  if (existing.origin === incoming.origin) return 'replace';
  if (existing.origin === 'arxiv') return 'keep';
  return RANK[incoming.origin] > RANK[existing.origin] ? 'replace' : 'keep';
}

export function textKey(t: Pick<Text, 'ownerKind' | 'ownerId' | 'field' | 'lang'>): string {
  return `${t.ownerKind}\u0000${t.ownerId}\u0000${t.field}\u0000${t.lang}`;
}
