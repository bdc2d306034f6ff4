// The weekly routine the scheduler runs: import the newest upstream edition, enrich it, draft it,
// check it, draft its overview, and tell the editors it is ready for review (or, when allowed and
// nothing blocks it, publish it). Each step is one of the pipeline's own, safe to re-run: a retry
// after a failure does only the work that is missing.
import { needsApproval } from '../domain/edition-status.js';
import type { Topic } from '../domain/topics.js';
import { describeError, PaperboyError } from '../errors.js';
import { getBundle } from '../i18n/bundle.js';
import type { Fetcher, Forum, Llm, Mailer, OutgoingMail, Store } from '../ports.js';
import { parseUpstreamList } from '../sources/upstream-list/parse.js';
import { decodeText } from '../sources/decode.js';
import { checkEdition, checkTargets, publishBlockers } from './check.js';
import type { DiscourseSettings } from './discourse.js';
import { draftEdition } from './draft.js';
import { draftOverview } from './draft-overview.js';
import { enrich, type ArxivSource } from './enrich.js';
import { importUpstream } from './import-upstream.js';
import { publishEdition, type Channel } from './publish.js';
import { addDays, editionFromCandidates, importCandidates, trainCandidateModel, weekRange } from './candidates.js';
import type { CandidateParse } from '../sources/candidates.js';
import type { Edition } from '../domain/types.js';

/** The live candidate sources the routine fetches a week from when it builds the edition itself. */
export interface WeekCandidateSources {
  hf: { fetchRange(from: string, to: string): Promise<CandidateParse> } | null;
  arxiv: { list(q: { categories: string[]; from: string; to: string }): Promise<CandidateParse> } | null;
  categories: string[];
}

export interface WeekSettings {
  lang: string;
  upstreamUrl: string;
  upstreamPage: string;
  /** the site, for the desk link in the editors' mail */
  baseUrl: string;
  mailFrom: string;
  /** channels published by themselves when nothing blocks the week; empty: editors publish */
  autoPublish: Channel[];
  /** upstream: the list; auto: the list, else the ranked candidates; candidates: always the candidates */
  weekSource?: 'upstream' | 'auto' | 'candidates';
  /** entries of an edition built from candidates */
  candidateTop?: number;
  draft: { concurrency: number; contextTokens: number; maxTokensPerEdition: number | undefined; prices: { input: number; output: number } };
}

export interface WeekDeps {
  store: Store;
  fetcher: Fetcher;
  /** null: the week goes without arXiv's abstracts */
  arxiv: ArxivSource | null;
  /** null: no drafts (editors translate by hand), the overview from the templates */
  llm: Llm | null;
  mailer: () => Mailer;
  forum?: () => { forum: Forum; settings: DiscourseSettings };
  topics: readonly Topic[];
  /** needed when settings.weekSource is auto or candidates */
  candidates?: WeekCandidateSources;
  settings: WeekSettings;
  now: () => Date;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface WeekReport {
  edition: { id: number; startDate: string; endDate: string };
  lang: string;
  imported: { created: number; updated: number };
  enriched: number | null;
  drafted: number;
  draftFailures: number;
  errors: number;
  warnings: number;
  overview: string;
  /** why it cannot be published as it is (errors, unchecked, drafts), empty when it can */
  blockers: string[];
  /** channels published by this run (auto-publish) */
  published: Channel[];
  notes: string[];
}

/** The desk's page of an edition in a language. */
export const deskLink = (baseUrl: string, startDate: string, lang: string) => `${baseUrl.replace(/\/$/, '')}/desk/editions/${startDate}?lang=${encodeURIComponent(lang)}`;

/** Sends one mail to every active editor; a failure to one is logged and never stops the routine. */
export async function notifyEditors(d: Pick<WeekDeps, 'store' | 'mailer' | 'settings' | 'now' | 'log'>, subject: string, text: string, ref: string): Promise<number> {
  const editors = (await d.store.listEditors()).filter((e) => !e.disabledAt);
  if (!editors.length) {
    d.log(`no editor to notify (paperboy editor add): ${subject}`);
    return 0;
  }
  const mailer = d.mailer();
  let sent = 0;
  const host = /@([^>\s]+)/.exec(d.settings.mailFrom)?.[1] ?? 'localhost';
  try {
    for (const e of editors) {
      const mail: OutgoingMail = { from: d.settings.mailFrom, to: e.email, subject, text, html: `<pre style="white-space:pre-wrap;font-family:inherit">${text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)}</pre>`, messageId: `<paperboy.editors.${ref}.${e.id}@${host}>`, headers: {} };
      try {
        await mailer.send(mail);
        sent++;
      } catch (err) {
        d.log(`could not notify ${e.email}: ${describeError(err, false)}`);
      }
    }
  } finally {
    await mailer.close();
  }
  return sent;
}

/** Prepares the newest upstream edition for review; throws when a step fails (the scheduler retries). */
export async function prepareWeek(d: WeekDeps): Promise<WeekReport> {
  const { store, settings } = d;
  const lang = settings.lang;
  const notes: string[] = [];
  const source = settings.weekSource ?? 'upstream';
  let imported = { editions: { created: 0, updated: 0 } };
  let upstreamFailure: unknown = null;
  if (source !== 'candidates') {
    try {
      const { bytes, where } = await d.fetcher.read(settings.upstreamUrl);
      const parsed = parseUpstreamList(decodeText(bytes, where), { sourceUrl: where });
      if (!parsed.editions.length) throw new PaperboyError('INPUT_INVALID', `${where}: no editions in the upstream list`);
      imported = await importUpstream(store, parsed, { source: where, sourcePage: settings.upstreamPage });
      if (parsed.problems.length) notes.push(`${parsed.problems.length} row(s) of the upstream list could not be imported`);
    } catch (e) {
      if (source === 'upstream') throw e;
      upstreamFailure = e;
      notes.push(`the upstream list could not be read (${describeError(e, false)})`);
    }
  }
  // the week that just ended: Monday..Sunday before today
  const lastWeek = mondayOf(addDays(d.now().toISOString().slice(0, 10), -7));
  let edition: Edition | undefined = (await store.listEditions())[0];
  if (source !== 'upstream' && (!edition || edition.endDate < lastWeek)) {
    edition = await weekFromCandidates(d, lastWeek, notes, upstreamFailure);
  }
  if (!edition) throw new PaperboyError('INPUT_INVALID', 'no edition to prepare');
  d.log(`week ${edition.startDate}: ${edition.source === 'candidates' ? 'built from candidates' : `imported (${imported.editions.created} new editions)`}`);

  let enriched: number | null = null;
  if (d.arxiv) {
    try {
      const r = await enrich(store, d.arxiv, { editionId: edition.id, scope: `edition ${edition.startDate}`, now: d.now });
      enriched = r.enriched;
      if (r.errors.length) notes.push(`arXiv: ${r.errors.length} lookup(s) failed; those papers keep the list's texts`);
    } catch (e) {
      // arXiv down is no reason to hold the week: the list's texts stand, enrichment runs again next time
      notes.push(`arXiv could not be asked (${describeError(e, false)}); the papers keep the list's texts`);
    }
  }

  let drafted = 0;
  let draftFailures = 0;
  if (d.llm) {
    const r = await draftEdition(store, d.llm, edition.id, { lang, fields: ['title', 'intro', 'abstract'], force: false, now: d.now, signal: d.signal, ...settings.draft });
    drafted = r.drafted + r.fromCache;
    draftFailures = r.failures.length;
    if (r.failures.length) notes.push(`${r.failures.length} entr${r.failures.length === 1 ? 'y' : 'ies'} could not be drafted (${r.failures[0]!.reason})`);
    if (edition.source === 'candidates' && lang !== 'en') {
      // no list wrote the English intros: the English edition needs them drafted from the abstracts too
      const en = await draftEdition(store, d.llm, edition.id, { lang: 'en', fields: ['intro'], force: false, now: d.now, signal: d.signal, ...settings.draft });
      drafted += en.drafted + en.fromCache;
      if (en.failures.length) notes.push(`${en.failures.length} English intro(s) could not be drafted`);
    }
  } else notes.push('no LLM is configured: the texts are for the editors to write');

  const overview = await draftOverview(store, edition.id, { lang, topics: d.topics, llm: d.llm, now: d.now, signal: d.signal, prices: settings.draft.prices });
  const check = await checkEdition(store, edition.id, lang, d.now, { topics: d.topics });
  const b = await publishBlockers(store, edition.id, lang);
  const bundle = await store.getEditionBundle(edition.id);
  // the same texts the publish gate counts
  const drafts = checkTargets(bundle, lang).filter((t) => needsApproval(t.text)).length;
  const blockers = [
    ...(b.errors.length ? [`${b.errors.length} checker error(s)`] : []),
    ...(b.unchecked.length ? [`${b.unchecked.length} unchecked text(s)`] : []),
    ...(drafts ? [`${drafts} text(s) to approve`] : []),
  ];
  const report: WeekReport = {
    edition: { id: edition.id, startDate: edition.startDate, endDate: edition.endDate },
    lang,
    imported: { created: imported.editions.created, updated: imported.editions.updated },
    enriched,
    drafted,
    draftFailures,
    errors: check.errors,
    warnings: check.warnings,
    overview: overview.outcome === 'written' ? `drafted by ${overview.origin === 'llm' ? overview.model : 'the templates'}` : overview.outcome,
    blockers,
    published: [],
    notes,
  };
  if (!blockers.length && settings.autoPublish.length) {
    report.published = await autoPublish(d, edition.id);
    return report;
  }
  const bundleStrings = getBundle(lang);
  const subject = `[paperboy] ${edition.startDate} (${lang}) is ready for review${blockers.length ? `: ${blockers.join(', ')}` : ''}`;
  const text = [
    `${bundleStrings.name}: ${edition.title} (${edition.startDate}..${edition.endDate})`,
    '',
    `Review it on the desk: ${deskLink(settings.baseUrl, edition.startDate, lang)}`,
    '',
    `- ${bundle.entries.length} entries; ${drafted} text(s) drafted${draftFailures ? `, ${draftFailures} entr(ies) failed` : ''}`,
    `- checker: ${check.errors} error(s), ${check.warnings} warning(s)`,
    `- overview: ${report.overview}`,
    ...(blockers.length ? [`- before publishing: ${blockers.join(', ')}`] : ['- nothing blocks publishing']),
    ...notes.map((n) => `- note: ${n}`),
  ].join('\n');
  await notifyEditors(d, subject, text, `week.${edition.startDate}.${lang}`);
  return report;
}

const mondayOf = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

/**
 * Builds the week's edition from the live candidate sources: fetch the week, learn again from the
 * editions, take the top of the ranking. An edition that already covers the week (an earlier attempt)
 * is kept as it is.
 */
async function weekFromCandidates(d: WeekDeps, week: string, notes: string[], upstreamFailure: unknown): Promise<Edition> {
  const { store } = d;
  const covering = (await store.findEditionsCovering(week))[0];
  if (covering) return covering;
  const sources = d.candidates;
  if (!sources || (!sources.hf && !sources.arxiv)) throw new PaperboyError('CONFIG_INVALID', 'PAPERBOY_WEEK_SOURCE asks for candidates, but no candidate source is configured');
  const range = weekRange(week);
  let fetched = 0;
  const failures: string[] = [];
  for (const [name, fetch] of [
    ['Hugging Face', sources.hf ? () => sources.hf!.fetchRange(range.from, range.to) : null],
    ['arXiv', sources.arxiv ? () => sources.arxiv!.list({ categories: sources.categories, from: range.from, to: range.to }) : null],
  ] as const) {
    if (!fetch) continue;
    try {
      const parsed = await fetch();
      const r = await importCandidates(store, parsed.records, { now: d.now });
      fetched += r.records;
      if (parsed.problems.length) notes.push(`${name}: ${parsed.problems.length} candidate(s) could not be read`);
    } catch (e) {
      failures.push(`${name}: ${describeError(e, false)}`);
    }
  }
  if (failures.length) notes.push(`candidate sources failed (${failures.join('; ')})`);
  if (!fetched && failures.length) throw new PaperboyError('FETCH_FAILED', `no candidates for ${range.from}..${range.to}: ${failures.join('; ')}`, { retryable: true });
  try {
    await trainCandidateModel(store, { now: d.now });
  } catch (e) {
    // no editions or no passed-over papers yet: the ranking goes by popularity, topics and recency
    notes.push(`the ranking model was not trained again (${describeError(e, false)})`);
  }
  const made = await editionFromCandidates(store, { week, top: d.settings.candidateTop ?? 10, topics: d.topics });
  const why = d.settings.weekSource === 'candidates' ? 'PAPERBOY_WEEK_SOURCE=candidates' : upstreamFailure ? 'the upstream list could not be read' : 'the upstream list has no edition for this week';
  notes.push(`${why}: built from the top ${made.entries.length} of ${fetched} candidates; check the picks at ${d.settings.baseUrl.replace(/\/$/, '')}/desk/editions/${made.edition.startDate}/candidates`);
  return made.edition;
}

/**
 * Publishes the newest edition on the configured channels when nothing blocks it and it is not on
 * all of them yet; returns the channels published now.
 */
export async function autoPublish(d: WeekDeps, editionId?: number): Promise<Channel[]> {
  const { store, settings } = d;
  if (!settings.autoPublish.length) return [];
  const edition = editionId ?? (await store.listEditions())[0]?.id;
  if (edition === undefined) return [];
  const done = new Set((await store.getPublications({ editionId: edition })).filter((p) => p.lang === settings.lang).map((p) => p.channel));
  const missing = settings.autoPublish.filter((c) => !done.has(c));
  if (!missing.length) return [];
  // the web comes with the feeds (they link to it), whether or not it is missing
  const channels = missing.includes('feeds') && !done.has('web') && !missing.includes('web') ? (['web', ...missing] as Channel[]) : missing;
  const r = await publishEdition(store, edition, { lang: settings.lang, channels, allowDrafts: false, now: d.now, forum: d.forum });
  if (r.refused) return [];
  const published = r.published.filter((p) => !p.already).map((p) => p.channel);
  const bundle = await store.getEditionBundle(edition);
  const failed = r.failed.map((f) => `${f.channel}: ${f.reason}`);
  if (published.length || failed.length) {
    const subject = `[paperboy] ${bundle.edition.startDate} (${settings.lang}) ${published.length ? `published on ${published.join(', ')}` : 'could not be published'}${failed.length ? ` (${r.failed.map((f) => f.channel).join(', ')} failed)` : ''}`;
    const text = [`${bundle.edition.title} (${bundle.edition.startDate}..${bundle.edition.endDate})`, '', ...published.map((c) => `- published on ${c}`), ...failed.map((f) => `- failed: ${f}`), '', `Desk: ${deskLink(settings.baseUrl, bundle.edition.startDate, settings.lang)}`].join('\n');
    await notifyEditors(d, subject, text, `published.${bundle.edition.startDate}.${settings.lang}.${published.join('-') || 'failed'}`);
  }
  if (failed.length) throw new PaperboyError('UPSTREAM_ERROR', `published on ${published.join(', ') || 'nothing'}; failed: ${failed.join('; ')}`, { retryable: true });
  return published;
}
