// Checking an edition: run the checker on every target-language text (drafts, imported and edited
// alike) against its English source, and store the findings per text. A derived intro (entry-fields.ts)
// is checked against the paper's abstract as a summary of it, in every language, English included.
import { createHash } from 'node:crypto';
import { checkText, fingerprint } from '../domain/check/engine.js';
import type { Finding } from '../domain/check/types.js';
import { textKey } from '../domain/text-policy.js';
import type { OwnerKind, SourceRelation, Text, TextField } from '../domain/types.js';
import type { EditionBundle, Store, StoredFinding, TextRef } from '../ports.js';
import { ENTRY_FIELDS, fieldSource, isSourceText, textIndex } from './entry-fields.js';
import { overviewFindings, type OverviewContext } from '../domain/overview.js';
import { DEFAULT_TOPICS, type Topic } from '../domain/topics.js';
import { loadEditionFacts, type LoadedFacts } from './topics.js';

/** What the checker needs to judge an overview: the facts and each entry's topics and title. */
export function overviewContext(loaded: Pick<LoadedFacts, 'facts' | 'entries'>, topics: readonly Topic[], lang: string): OverviewContext {
  return {
    facts: loaded.facts,
    entryTopics: new Map(loaded.entries.map((e) => [e.position, e.topics.map((t) => t.slug)])),
    titles: new Map(loaded.entries.map((e) => [e.position, e.titleEn])),
    topics,
    lang,
  };
}

/**
 * An overview is held to the facts when paperboy or an editor wrote it (an LLM, the templates, a
 * person): every bullet cites entries carrying its topic and states only the facts' numbers. An
 * imported post's overview was written by its community and has no citations to check.
 */
const GROUNDED_ORIGINS: ReadonlySet<Text['origin']> = new Set(['llm', 'template', 'human']);

export const hashText = (body: string) => createHash('sha256').update(body).digest('hex').slice(0, 32);

export interface CheckTarget {
  ref: TextRef;
  text: Text;
  source: string;
  /** how the text relates to `source`: a translation, or a summary (a derived intro, whose source is the abstract) */
  relation: SourceRelation;
  /** the entry position for messages; null for the edition's own texts */
  position: number | null;
}

/**
 * Pure: the edition's target-language texts with their English sources, in reading order. In English,
 * only the texts drafted from another text (derived intros) and the overview: the rest are the sources.
 */
export function checkTargets(bundle: EditionBundle, lang: string): CheckTarget[] {
  const get = textIndex(bundle.texts);
  const out: CheckTarget[] = [];
  const seen = new Set<string>();
  const add = (ownerKind: OwnerKind, ownerId: string, field: TextField, source: string | null, relation: SourceRelation, position: number | null) => {
    const t = get(ownerKind, ownerId, field, lang);
    const key = textKey({ ownerKind, ownerId, field, lang });
    if (!t || seen.has(key)) return;
    seen.add(key);
    out.push({ ref: { ownerKind, ownerId, field, lang }, text: t, source: source ?? '', relation, position });
  };
  add('edition', String(bundle.edition.id), 'overview', null, 'translation', null);
  for (const e of [...bundle.entries].sort((a, b) => a.position - b.position)) {
    for (const field of ENTRY_FIELDS) {
      const s = fieldSource(get, e, field);
      if (isSourceText(s, lang)) continue;
      add(s.ownerKind, s.ownerId, field, s.source, s.derivedFrom ? 'summary' : 'translation', e.position);
    }
  }
  return out;
}

export interface CheckedText {
  position: number | null;
  field: TextField;
  ownerKind: OwnerKind;
  ownerId: string;
  origin: Text['origin'];
  status: Text['status'];
  findings: StoredFinding[];
}

export interface CheckEditionResult {
  edition: { startDate: string; endDate: string };
  lang: string;
  texts: number;
  errors: number;
  warnings: number;
  dismissed: number;
  checked: CheckedText[];
}

export async function checkEdition(store: Store, editionId: number, lang: string, now: () => Date, opts: { topics?: readonly Topic[] } = {}): Promise<CheckEditionResult> {
  const bundle = await store.getEditionBundle(editionId);
  const glossary = await store.listGlossary(lang);
  const targets = checkTargets(bundle, lang);
  const at = now().toISOString();
  const overview = targets.find((t) => t.ref.ownerKind === 'edition' && t.ref.field === 'overview');
  let grounded: OverviewContext | null = null;
  if (overview && (GROUNDED_ORIGINS.has(overview.text.origin) || overview.text.editedBy)) {
    const topics = opts.topics ?? DEFAULT_TOPICS;
    grounded = overviewContext(await loadEditionFacts(store, editionId, { topics, now }), topics, lang);
  }
  const results = targets.map((t) => {
    const findings = checkText({ lang, source: t.source, draft: t.text.body, field: t.ref.field, glossary, relation: t.relation });
    if (t === overview && grounded) findings.push(...overviewFindings(t.text.body, grounded));
    return { t, findings };
  });
  await store.transaction(async (tx) => {
    for (const { t, findings } of results) await tx.replaceFindings(t.ref, hashText(t.text.body), findings.map((f: Finding) => ({ ...f, fingerprint: fingerprint(f) })), at);
  });
  const stored = await store.getFindings(targets.map((t) => t.ref));
  const byText = new Map<string, StoredFinding[]>();
  for (const f of stored) {
    const k = textKey(f);
    byText.set(k, [...(byText.get(k) ?? []), f]);
  }
  const checked = targets.map((t) => ({ position: t.position, field: t.ref.field, ownerKind: t.ref.ownerKind, ownerId: t.ref.ownerId, origin: t.text.origin, status: t.text.status, findings: byText.get(textKey(t.ref)) ?? [] }));
  const open = stored.filter((f) => !f.dismissed);
  return {
    edition: { startDate: bundle.edition.startDate, endDate: bundle.edition.endDate },
    lang,
    texts: targets.length,
    errors: open.filter((f) => f.severity === 'error').length,
    warnings: open.filter((f) => f.severity === 'warning').length,
    dismissed: stored.length - open.length,
    checked,
  };
}

export interface PublishBlockers {
  /** errors no editor has fixed or dismissed */
  errors: Array<StoredFinding & { position: number | null }>;
  /** texts changed since they were last checked (or never checked) */
  unchecked: Array<TextRef & { position: number | null }>;
}

/** What keeps an edition from being published in a language; every publish path must call this. */
export async function publishBlockers(store: Store, editionId: number, lang: string): Promise<PublishBlockers> {
  const bundle = await store.getEditionBundle(editionId);
  const targets = checkTargets(bundle, lang);
  const checks = await store.getTextChecks(targets.map((t) => t.ref));
  const isCurrent = new Map(targets.map((t) => [textKey(t.ref), checks.get(textKey(t.ref)) === hashText(t.text.body)]));
  const unchecked = targets.filter((t) => !isCurrent.get(textKey(t.ref))).map((t) => ({ ...t.ref, position: t.position }));
  const positions = new Map(targets.map((t) => [textKey(t.ref), t.position]));
  const current = new Set([...isCurrent].filter(([, ok]) => ok).map(([k]) => k));
  const errors = (await store.getFindings(targets.map((t) => t.ref)))
    .filter((f) => f.severity === 'error' && !f.dismissed && current.has(textKey(f)))
    .map((f) => ({ ...f, position: positions.get(textKey(f)) ?? null }));
  return { errors, unchecked };
}
