// `paperboy status`: where every recent edition stands. Reads each edition's rows through the Store
// port (texts, text checks, findings, publications, delivery counts), writes nothing, and leaves the
// judgement to the pure editionStatus (src/domain/edition-status.ts).
import { editionStatus, type EditionStatusRow, type StatusLangRows } from '../domain/edition-status.js';
import { deliveryRef } from '../domain/subscriber.js';
import { textKey } from '../domain/text-policy.js';
import type { EditionBundle, EditionSummary, Publication, Store } from '../ports.js';
import { checkTargets, hashText } from './check.js';
import { DRAFT_FIELDS } from './draft.js';
import { fieldSource, textIndex } from './entry-fields.js';

export interface StatusOptions {
  /** how many editions, newest first */
  limit: number;
  /** only these languages, shown for every edition even where they have no texts yet */
  langs?: string[];
  /** without `langs`: the language shown for an edition that has none yet (the CLI gives PAPERBOY_LANG) */
  defaultLang?: string;
}

/**
 * The languages an edition is in: every target language it has texts in or was published in;
 * English only when it was published in English.
 */
export function editionLangs(bundle: EditionBundle, publications: Publication[]): string[] {
  const langs = new Set<string>();
  for (const t of bundle.texts) if (t.lang !== 'en') langs.add(t.lang);
  for (const p of publications) langs.add(p.lang);
  return [...langs].sort();
}

async function langRows(store: Store, bundle: EditionBundle, lang: string, publications: Publication[]): Promise<StatusLangRows> {
  const targets = checkTargets(bundle, lang);
  const refs = targets.map((t) => t.ref);
  const [checks, findings, deliveries] = await Promise.all([
    store.getTextChecks(refs),
    store.getFindings(refs),
    store.deliveryCounts({ ref: deliveryRef({ kind: 'edition', editionId: bundle.edition.id, lang }) }),
  ]);
  const byText = new Map<string, Array<{ severity: 'error' | 'warning'; dismissed: boolean }>>();
  for (const f of findings) byText.set(textKey(f), [...(byText.get(textKey(f)) ?? []), { severity: f.severity, dismissed: f.dismissed !== null }]);
  const get = textIndex(bundle.texts);
  const slots = bundle.entries.flatMap((e) =>
    DRAFT_FIELDS.map((field) => {
      const s = fieldSource(get, e, field);
      return { field, filled: get(s.ownerKind, s.ownerId, field, lang) !== undefined, hasSource: !!s.source?.trim() };
    }),
  );
  return {
    lang,
    slots,
    texts: targets.map((t) => ({
      field: t.ref.field,
      origin: t.text.origin,
      status: t.text.status,
      checked: checks.get(textKey(t.ref)) === hashText(t.text.body),
      findings: byText.get(textKey(t.ref)) ?? [],
    })),
    publications: publications.filter((p) => p.lang === lang).map((p) => ({ channel: p.channel, publishedAt: p.publishedAt, allowDrafts: p.allowDrafts })),
    deliveries,
  };
}

async function editionRow(store: Store, edition: EditionSummary, opts: StatusOptions): Promise<EditionStatusRow> {
  const [bundle, publications] = await Promise.all([store.getEditionBundle(edition.id), store.getPublications({ editionId: edition.id })]);
  let langs = opts.langs ?? editionLangs(bundle, publications);
  if (!opts.langs && !langs.length && opts.defaultLang && opts.defaultLang !== 'en') langs = [opts.defaultLang];
  const rows: StatusLangRows[] = [];
  for (const lang of langs) rows.push(await langRows(store, bundle, lang, publications));
  return editionStatus({ edition: { startDate: edition.startDate, endDate: edition.endDate, title: edition.title, entries: edition.entryCount }, langs: rows });
}

/** The newest `limit` editions, newest first, each with its status per language. */
export async function loadStatus(store: Store, opts: StatusOptions): Promise<EditionStatusRow[]> {
  const editions = (await store.listEditions()).slice(0, Math.max(0, opts.limit));
  const out: EditionStatusRow[] = [];
  for (const e of editions) out.push(await editionRow(store, e, opts));
  return out;
}
