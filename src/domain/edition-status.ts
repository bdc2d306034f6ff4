// Where an edition stands in each language, derived from plain rows (its texts with their checks and
// findings, its publications, its deliveries) by one pure function. No I/O: src/pipeline/status.ts
// reads the rows through the Store port and hands them here.
import { z } from 'zod';
import { DELIVERY_STATUSES, type DeliveryStatus } from './subscriber.js';
import { TEXT_FIELDS, TextField, TextStatus } from './types.js';

/** How far an edition got in one language, in pipeline order. */
export const STAGES = ['imported', 'drafting', 'checking', 'review', 'ready', 'published', 'delivering', 'delivered'] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

/** One of the edition's findings on a text, as stored. */
export const StatusFinding = z.object({
  severity: z.enum(['error', 'warning']),
  dismissed: z.boolean(),
});
export type StatusFinding = z.infer<typeof StatusFinding>;

/** One target-language text of the edition (each text once, as the checker sees them). */
export const StatusText = z.object({
  field: TextField,
  /** imported, llm, template, human, … (open: new origins need no change here) */
  origin: z.string(),
  status: TextStatus,
  /** checked at its current wording; an unchecked text's findings are about an older wording */
  checked: z.boolean(),
  findings: z.array(StatusFinding),
});
export type StatusText = z.infer<typeof StatusText>;

/** One field an entry should have in the language (title, intro, abstract per entry). */
export const StatusSlot = z.object({
  field: TextField,
  /** the language has a text for it */
  filled: z.boolean(),
  /** there is an English source to draft it from */
  hasSource: z.boolean(),
});
export type StatusSlot = z.infer<typeof StatusSlot>;

export const StatusPublication = z.object({
  /** web, email, feeds, discourse, … (open) */
  channel: z.string(),
  publishedAt: z.string(),
  allowDrafts: z.boolean(),
});
export type StatusPublication = z.infer<typeof StatusPublication>;

export const StatusLangRows = z.object({
  lang: z.string(),
  slots: z.array(StatusSlot),
  texts: z.array(StatusText),
  publications: z.array(StatusPublication),
  /** the edition's e-mail deliveries in this language by status; a missing status counts 0 */
  deliveries: z.partialRecord(z.enum(DELIVERY_STATUSES), z.number().int().nonnegative()),
});
export type StatusLangRows = z.infer<typeof StatusLangRows>;

export const EditionStatusInput = z.object({
  edition: z.object({
    startDate: z.string(),
    endDate: z.string(),
    title: z.string(),
    /** how many entries the edition has */
    entries: z.number().int().nonnegative(),
  }),
  langs: z.array(StatusLangRows),
});
export type EditionStatusInput = z.infer<typeof EditionStatusInput>;

/** Texts of one field: how many there are, and how many the edition should have (null: optional). */
export interface FieldCount {
  field: TextField;
  present: number;
  expected: number | null;
}

export interface LangStatus {
  lang: string;
  stage: Stage;
  /** one line: what the editor should do next, with the command when there is one */
  next: string;
  texts: {
    /** every target-language text of the edition (what check and publish look at) */
    present: number;
    /** title, intro and abstract per entry, plus the overview */
    expected: number;
    byField: FieldCount[];
    /** entry fields with an English source but no text yet: `paperboy draft` fills them */
    missing: number;
    /** entry fields with neither a text nor an English source to draft from */
    noSource: number;
  };
  /** texts by origin (imported, llm, template, human, …) */
  origins: Record<string, number>;
  statuses: Record<TextStatus, number>;
  /** texts publishing counts as drafts: not approved, and not written by an editor */
  toApprove: number;
  /** findings on texts checked at their current wording */
  findings: { errors: number; warnings: number; dismissed: number };
  /** texts changed since their last check, or never checked */
  unchecked: number;
  publications: StatusPublication[];
  deliveries: Record<DeliveryStatus, number>;
}

export interface EditionStatusRow {
  startDate: string;
  endDate: string;
  title: string;
  entries: number;
  langs: LangStatus[];
}

/** Publishing's rule (src/pipeline/publish.ts): an editor's own text needs no approval. */
export const needsApproval = (t: Pick<StatusText, 'origin' | 'status'>): boolean => t.status !== 'approved' && t.origin !== 'human';

const PLURALS: Record<string, string> = { delivery: 'deliveries', text: 'texts', error: 'errors' };
const n = (count: number, word: string) => `${count} ${count === 1 ? word : (PLURALS[word] ?? `${word}s`)}`;

/** The publish channels a hint names; `paperboy publish --to` takes more as they come. */
const HINT_CHANNELS = 'web,email';

function langStatus(edition: EditionStatusInput['edition'], rows: StatusLangRows): LangStatus {
  const { lang } = rows;
  const week = `--week ${edition.startDate} --lang ${lang}`;

  const byField = TEXT_FIELDS.flatMap((field): FieldCount[] => {
    const slots = rows.slots.filter((s) => s.field === field);
    const texts = rows.texts.filter((t) => t.field === field).length;
    if (field === 'overview') return [{ field, present: texts, expected: 1 }];
    if (slots.length) return [{ field, present: slots.filter((s) => s.filled).length, expected: slots.length }];
    return texts ? [{ field, present: texts, expected: null }] : [];
  });
  const missing = rows.slots.filter((s) => !s.filled && s.hasSource).length;
  const noSource = rows.slots.filter((s) => !s.filled && !s.hasSource).length;

  const origins: Record<string, number> = {};
  for (const t of rows.texts) origins[t.origin] = (origins[t.origin] ?? 0) + 1;
  const statuses: Record<TextStatus, number> = { draft: 0, approved: 0 };
  for (const t of rows.texts) statuses[t.status]++;
  const toApprove = rows.texts.filter(needsApproval).length;

  const current = rows.texts.filter((t) => t.checked).flatMap((t) => t.findings);
  const findings = {
    errors: current.filter((f) => f.severity === 'error' && !f.dismissed).length,
    warnings: current.filter((f) => f.severity === 'warning' && !f.dismissed).length,
    dismissed: current.filter((f) => f.dismissed).length,
  };
  const unchecked = rows.texts.filter((t) => !t.checked).length;

  const deliveries = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, rows.deliveries[s] ?? 0])) as Record<DeliveryStatus, number>;
  const publications = [...rows.publications].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.channel.localeCompare(b.channel));
  const hasOverview = rows.texts.some((t) => t.field === 'overview');

  const fixErrors = `paperboy check ${week} lists them; fix them on the desk (/desk) or dismiss them (paperboy findings dismiss ID --by WHO --why WHY)`;
  let stage: Stage;
  let next: string;
  if (publications.length) {
    const waiting = deliveries.pending + deliveries.sending;
    const done = deliveries.accepted + deliveries.bounced + deliveries.failed + deliveries.cancelled;
    const lost = deliveries.bounced + deliveries.failed;
    stage = waiting ? 'delivering' : done ? 'delivered' : 'published';
    if (deliveries.pending) next = `${n(deliveries.pending, 'delivery')} ${deliveries.pending === 1 ? 'is' : 'are'} waiting: paperboy send`;
    else if (deliveries.sending) next = `${n(deliveries.sending, 'delivery')} in flight; if no worker is running, paperboy send takes ${deliveries.sending === 1 ? 'it' : 'them'} up`;
    else if (findings.errors) next = `${n(findings.errors, 'error')} in the published ${lang} texts: ${fixErrors}`;
    else if (unchecked) next = `${n(unchecked, 'text')} changed since ${unchecked === 1 ? 'its' : 'their'} last check: paperboy check ${week}`;
    else if (toApprove) next = `${n(toApprove, 'text')} went out as drafts: approve ${toApprove === 1 ? 'it' : 'them'} on the desk (/desk)`;
    else if (lost) next = `${n(lost, 'delivery')} failed or bounced (not retried): paperboy subscribers export EMAIL says why`;
    else if (deliveries.accepted) next = `done: ${n(deliveries.accepted, 'delivery')} accepted`;
    else if (!publications.some((p) => p.channel === 'email')) next = `published on ${publications.map((p) => p.channel).join(', ')}; to e-mail it: paperboy publish ${week} --to email`;
    else next = `done: no ${lang} subscriber was due this edition by e-mail`;
  } else if (!rows.texts.length) {
    stage = 'imported';
    next = `draft the ${lang} texts: paperboy draft ${week}`;
  } else if (missing) {
    stage = 'drafting';
    next = `draft the ${missing} missing ${lang} ${missing === 1 ? 'text' : 'texts'}: paperboy draft ${week}`;
  } else if (unchecked) {
    stage = 'checking';
    next = `check the ${unchecked} unchecked ${lang} ${unchecked === 1 ? 'text' : 'texts'}: paperboy check ${week}`;
  } else if (findings.errors) {
    stage = 'review';
    next = `${n(findings.errors, 'error')} block${findings.errors === 1 ? 's' : ''} publishing: ${fixErrors}`;
  } else if (toApprove) {
    stage = 'review';
    next = `approve ${n(toApprove, 'text')} on the desk (/desk) or publish with --allow-drafts: paperboy publish ${week} --to ${HINT_CHANNELS} --allow-drafts`;
  } else {
    stage = 'ready';
    next = `publish: paperboy publish ${week} --to ${HINT_CHANNELS}${hasOverview ? '' : ` (no ${lang} overview yet: paperboy overview ${week})`}`;
  }

  return {
    lang,
    stage,
    next,
    texts: { present: rows.texts.length, expected: rows.slots.length + 1, byField, missing, noSource },
    origins,
    statuses,
    toApprove,
    findings,
    unchecked,
    publications,
    deliveries,
  };
}

/** Pure: the edition's status in each language given, in the order given. */
export function editionStatus(input: EditionStatusInput): EditionStatusRow {
  const { edition } = input;
  return { startDate: edition.startDate, endDate: edition.endDate, title: edition.title, entries: edition.entries, langs: input.langs.map((l) => langStatus(edition, l)) };
}
