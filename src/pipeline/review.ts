// The editor's review of an edition in one language, and the changes an editor or a reader makes:
// edits (re-checked on save, refused over a newer revision), approvals, reader corrections.
import { checkText, fingerprint } from '../domain/check/engine.js';
import { replaceSentence, splitSentences } from '../domain/sentences.js';
import { textKey } from '../domain/text-policy.js';
import { cleanText } from '../domain/unicode.js';
import type { Text } from '../domain/types.js';
import { invalidInput, notFound } from '../errors.js';
import type { Correction, EditionBundle, Store, StoredFinding, TextRef } from '../ports.js';
import { checkTargets, hashText, overviewContext, publishBlockers, type CheckTarget, type PublishBlockers } from './check.js';
import { overviewFindings } from '../domain/overview.js';
import { DEFAULT_TOPICS, type Topic } from '../domain/topics.js';
import { loadEditionFacts } from './topics.js';
import { summariseCosts, type CostReport } from './costs.js';

/** Longest wording an editor may save, and a reader may suggest for one sentence. */
export const MAX_EDIT_CHARS = 20_000;
export const MAX_SUGGESTION_CHARS = 2_000;
export const MAX_NOTE_CHARS = 1_000;

export interface ReviewText {
  ref: TextRef;
  position: number | null;
  /** the English source the text was checked against ('' when there is none) */
  source: string;
  text: Text;
  /** checked at its current wording */
  checked: boolean;
  findings: StoredFinding[];
  /** readers' corrections waiting for a decision */
  corrections: Correction[];
}

export interface EditionReview {
  bundle: EditionBundle;
  lang: string;
  texts: ReviewText[];
  blockers: PublishBlockers;
  costs: CostReport;
  counts: { texts: number; approved: number; errors: number; warnings: number; pendingCorrections: number };
}

export async function reviewEdition(store: Store, editionId: number, lang: string): Promise<EditionReview> {
  const bundle = await store.getEditionBundle(editionId);
  const targets = checkTargets(bundle, lang);
  const refs = targets.map((t) => t.ref);
  const [findings, checks, corrections, blockers, calls] = await Promise.all([
    store.getFindings(refs),
    store.getTextChecks(refs),
    store.getCorrections({ editionId, status: 'pending' }),
    publishBlockers(store, editionId, lang),
    store.llmCalls(editionId, lang),
  ]);
  const group = <T extends TextRef>(xs: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of xs) m.set(textKey(x), [...(m.get(textKey(x)) ?? []), x]);
    return m;
  };
  const byFinding = group(findings);
  const byCorrection = group(corrections.filter((c) => c.lang === lang));
  const texts = targets.map((t) => ({
    ref: t.ref,
    position: t.position,
    source: t.source,
    text: t.text,
    checked: checks.get(textKey(t.ref)) === hashText(t.text.body),
    findings: byFinding.get(textKey(t.ref)) ?? [],
    corrections: byCorrection.get(textKey(t.ref)) ?? [],
  }));
  const open = findings.filter((f) => !f.dismissed);
  return {
    bundle,
    lang,
    texts,
    blockers,
    costs: summariseCosts(calls),
    counts: {
      texts: texts.length,
      approved: texts.filter((t) => t.text.status === 'approved' || t.text.origin === 'human').length,
      errors: open.filter((f) => f.severity === 'error').length,
      warnings: open.filter((f) => f.severity === 'warning').length,
      pendingCorrections: texts.reduce((n, t) => n + t.corrections.length, 0),
    },
  };
}

async function targetOf(store: Store, editionId: number, ref: TextRef): Promise<CheckTarget> {
  const target = checkTargets(await store.getEditionBundle(editionId), ref.lang).find((t) => textKey(t.ref) === textKey(ref));
  if (!target) throw notFound(`no ${ref.field} text in ${ref.lang} for ${ref.ownerKind} ${ref.ownerId} in this edition`);
  return target;
}

/** Checks one text against its English source and stores the findings; returns them. */
export async function recheckText(store: Store, target: Pick<CheckTarget, 'ref' | 'source'> & Partial<Pick<CheckTarget, 'relation'>>, body: string, now: () => Date, editionId?: number, topics: readonly Topic[] = DEFAULT_TOPICS): Promise<StoredFinding[]> {
  const glossary = await store.listGlossary(target.ref.lang);
  // a derived intro is held to its abstract as a summary, as checkEdition does
  const found = checkText({ lang: target.ref.lang, source: target.source, draft: body, field: target.ref.field, glossary, relation: target.relation ?? 'translation' });
  // an editor's overview is held to the facts like a drafted one
  if (editionId !== undefined && target.ref.ownerKind === 'edition' && target.ref.field === 'overview') {
    found.push(...overviewFindings(body, overviewContext(await loadEditionFacts(store, editionId, { topics, now }), topics, target.ref.lang)));
  }
  await store.replaceFindings(target.ref, hashText(body), found.map((f) => ({ ...f, fingerprint: fingerprint(f) })), now().toISOString());
  return store.getFindings([target.ref]);
}

export type EditResult = { saved: true; text: Text; findings: StoredFinding[] } | { saved: false; current: Text; yours: string };

function cleanWording(body: string, limit: number, what: string): string {
  if (body.length > limit) throw invalidInput(`${what} is too long: ${body.length} characters (limit ${limit})`);
  const clean = cleanText(body).trim();
  if (!clean) throw invalidInput(`${what} is empty`);
  return clean;
}

/** An editor's edit: saved only over the revision they saw, then checked again at once. */
export async function editText(store: Store, editionId: number, ref: TextRef, change: { body: string; expectedRevision: number; by: string }, now: () => Date): Promise<EditResult> {
  const body = cleanWording(change.body, MAX_EDIT_CHARS, 'the text');
  const target = await targetOf(store, editionId, ref);
  const r = await store.saveText(ref, { body, expectedRevision: change.expectedRevision, by: change.by, at: now().toISOString(), reason: 'edit' });
  if (!r.saved) return { saved: false, current: r.current ?? target.text, yours: body };
  return { saved: true, text: r.text, findings: await recheckText(store, target, body, now, editionId) };
}

export interface ApproveResult {
  approved: number;
  /** texts left as they were, and why */
  skipped: Array<{ ref: TextRef; position: number | null; why: string }>;
}

/**
 * Approves the given texts (each at the revision the editor saw), or every text of the edition
 * that is checked at its wording and has no open error.
 */
export async function approveTexts(store: Store, editionId: number, lang: string, which: 'all-clean' | Array<TextRef & { revision: number }>, by: string, now: () => Date): Promise<ApproveResult> {
  const review = await reviewEdition(store, editionId, lang);
  const byKey = new Map(review.texts.map((t) => [textKey(t.ref), t]));
  const wanted = which === 'all-clean' ? review.texts.map((t) => ({ ...t.ref, revision: t.text.revision ?? 1 })) : which;
  const skipped: ApproveResult['skipped'] = [];
  const ok: Array<TextRef & { revision: number }> = [];
  for (const w of wanted) {
    const t = byKey.get(textKey(w));
    if (!t) throw notFound(`no ${w.field} text in ${w.lang} for ${w.ownerKind} ${w.ownerId} in this edition`);
    const why =
      t.text.status === 'approved' ? null
      : (t.text.revision ?? 1) !== w.revision ? 'changed since you saw it'
      : !t.checked ? 'not checked at its current wording'
      : t.findings.some((f) => f.severity === 'error' && !f.dismissed) ? 'has open checker errors'
      : '';
    if (why === null) continue;
    if (why) skipped.push({ ref: t.ref, position: t.position, why });
    else ok.push({ ...t.ref, revision: w.revision });
  }
  const approved = await store.approveTexts(ok, by, now().toISOString());
  return { approved, skipped };
}

export interface Suggestion {
  editionId: number;
  ref: TextRef;
  /** the revision and sentence the reader saw */
  revision: number;
  sentence: number;
  proposed: string;
  note: string | null;
  reader: string;
}

/** A reader's suggested wording for one sentence of a target-language text of a published edition. */
export async function suggestCorrection(store: Store, s: Suggestion, now: () => Date): Promise<Correction> {
  const proposed = cleanWording(s.proposed, MAX_SUGGESTION_CHARS, 'the suggested wording');
  const note = s.note === null || !s.note.trim() ? null : cleanWording(s.note, MAX_NOTE_CHARS, 'the note');
  const target = await targetOf(store, s.editionId, s.ref);
  const revision = target.text.revision ?? 1;
  // the reader may have read an older revision; the sentence is then looked up in what they saw
  const seen = revision === s.revision ? target.text.body : (await store.getTextHistory(s.ref)).find((h) => h.revision === s.revision)?.body;
  if (seen === undefined) throw notFound('that version of the text is not known');
  const sentence = splitSentences(seen, s.ref.lang)[s.sentence];
  if (!sentence) throw invalidInput(`the text has no sentence ${s.sentence + 1}`);
  if (sentence.text === proposed) throw invalidInput('the suggested wording is the same as the sentence');
  return store.addCorrection({ ...s.ref, editionId: s.editionId, textRevision: s.revision, sentence: s.sentence, original: sentence.text, proposed, note, reader: s.reader, createdAt: now().toISOString() });
}

export type DecideResult =
  | { decided: 'rejected'; correction: Correction }
  | { decided: 'accepted'; correction: Correction; text: Text; findings: StoredFinding[] }
  /** the sentence is no longer in the text: the editor must edit by hand */
  | { decided: 'stale'; correction: Correction };

/** Accepts (applies the wording, keeps the old one in the history, re-checks) or rejects a correction. */
export async function decideCorrection(store: Store, id: number, decision: 'accept' | 'reject', by: string, now: () => Date): Promise<DecideResult> {
  const [c] = await store.getCorrections({ id });
  if (!c || c.status !== 'pending') throw notFound(`no pending correction #${id}`);
  const at = now().toISOString();
  if (decision === 'reject') {
    const done = await store.decideCorrection(id, 'rejected', by, at);
    if (!done) throw notFound(`no pending correction #${id}`);
    return { decided: 'rejected', correction: done };
  }
  const target = await targetOf(store, c.editionId, c);
  const body = replaceSentence(target.text.body, c.lang, { index: c.sentence, original: c.original }, c.proposed);
  if (body === null) return { decided: 'stale', correction: c };
  const saved = await store.transaction(async (tx) => {
    const r = await tx.saveText(c, { body, expectedRevision: target.text.revision ?? 1, by, at, reason: 'correction' });
    if (!r.saved) return null;
    const done = await tx.decideCorrection(id, 'accepted', by, at);
    return done ? { text: r.text, correction: done } : null;
  });
  // someone changed the text in between: nothing was written; the editor sees it again
  if (!saved) return { decided: 'stale', correction: c };
  return { decided: 'accepted', ...saved, findings: await recheckText(store, target, body, now, c.editionId) };
}
