// `paperboy topics list|tag` and `paperboy trends`: the taxonomy, tagging papers, and the facts of a
// week (or the topics of a range of weeks).
import type { EditionFacts } from '../domain/facts.js';
import { usage } from '../errors.js';
import { draftOverview } from '../pipeline/draft-overview.js';
import { loadEditionFacts, loadTrends, tagEditions } from '../pipeline/topics.js';
import { editionForWeek } from './editions.js';
import { PARTIAL_EXIT } from './import.js';
import { optionalLlm, parseWeek, printJson, type Deps, type Outcome } from './deps.js';

export async function topicsListCommand(deps: Deps, opts: { json?: boolean }): Promise<Outcome> {
  const topics = deps.topics();
  if (opts.json) printJson(deps.io, topics);
  else {
    deps.io.out(`${topics.length} topics (${deps.config.topicsFile ? `from ${deps.config.topicsFile}` : 'the default taxonomy; `topics list --json` prints it as a file to edit'}):`);
    for (const t of topics) {
      const names = Object.entries(t.names ?? {}).map(([l, n]) => `${l}: ${n}`);
      deps.io.out(`  ${t.slug.padEnd(14)} ${t.name}${names.length ? ` (${names.join(', ')})` : ''} · ${t.phrases.length} phrases${t.categories.length ? ` · ${t.categories.join(', ')}` : ''}`);
    }
  }
  return { exitCode: 0 };
}

export async function topicsTagCommand(deps: Deps, opts: { week?: string; all?: boolean; llm?: boolean; force?: boolean; json?: boolean }): Promise<Outcome> {
  if (opts.all && opts.week) throw usage('give either --week DATE or --all, not both');
  if (!opts.all && !opts.week) throw usage('say which papers to tag: --week DATE (a date inside the edition, or "latest") or --all');
  const topics = deps.topics();
  const llm = opts.llm ? deps.llm() : null;
  const store = await deps.store();
  const ids = opts.week ? [(await editionForWeek(store, opts.week)).id] : (await store.listEditions()).map((e) => e.id);
  const { rows: _rows, ...r } = await tagEditions(store, ids, { topics, llm, force: !!opts.force, now: deps.now, concurrency: deps.config.llmConcurrency, signal: deps.interrupt, progress: (m) => deps.io.err(`topics: ${m}`) });
  if (opts.json) printJson(deps.io, r);
  else {
    deps.io.out(
      `topics: ${r.papers} paper(s) in ${ids.length} edition(s); ${r.tagged} tagged, ${r.unchanged} unchanged${r.unchanged && !opts.force ? ' (--force tags them again)' : ''}${llm ? `, ${r.refined} refined by ${llm.model}` : ''}; ${r.untagged} fit no topic`,
    );
  }
  for (const f of r.failed) deps.io.err(`topics: ${f.paperKey}: the LLM failed (${f.reason}); the rules' tags stand`);
  return { exitCode: r.failed.length ? PARTIAL_EXIT : 0 };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The facts as an editor reads them in a terminal. */
export function factsTable(f: EditionFacts): string[] {
  const lines = [`${f.startDate}..${f.endDate} · ${f.papers} papers · compared with ${f.previous.length ? `${f.previous.length} edition(s) before (${f.previous.map((p) => p.startDate).join(', ')})` : 'no earlier edition'}`];
  if (!f.topics.length) lines.push('no paper carries a topic of the taxonomy');
  else {
    lines.push(`${'topic'.padEnd(24)}${'papers'.padStart(7)}${'4-wk avg'.padStart(10)}${'change'.padStart(8)}  entries`);
    for (const t of f.topics) lines.push(`${t.name.padEnd(24)}${String(t.count).padStart(7)}${(t.average === null ? '–' : t.average.toFixed(1)).padStart(10)}${(t.change === null ? '–' : signed(t.change)).padStart(8)}  ${t.positions.join(', ') || '–'}`);
  }
  lines.push(`with code: ${f.withCode.count} of ${f.papers} (${f.withCode.percent}%) · with an arXiv abstract: ${f.withArxivAbstract.count} of ${f.papers} (${f.withArxivAbstract.percent}%)`);
  if (f.names.length) lines.push(`names in several papers: ${f.names.slice(0, 10).map((n) => `${n.name} (${n.positions.join(', ')})`).join('; ')}`);
  if (f.untagged.length) lines.push(`no topic: entries ${f.untagged.join(', ')}`);
  return lines;
}

export async function trendsCommand(deps: Deps, opts: { week?: string; from?: string; to?: string; json?: boolean }): Promise<Outcome> {
  const ranged = opts.from !== undefined || opts.to !== undefined;
  if (ranged && opts.week) throw usage('give either --week DATE or --from/--to, not both');
  const topics = deps.topics();
  const store = await deps.store();
  if (!ranged) {
    const edition = await editionForWeek(store, opts.week ?? 'latest');
    const { facts } = await loadEditionFacts(store, edition.id, { topics, now: deps.now });
    if (opts.json) printJson(deps.io, facts);
    else for (const l of factsTable(facts)) deps.io.out(l);
    return { exitCode: 0 };
  }
  const from = opts.from === undefined ? undefined : parseWeek(opts.from);
  const to = opts.to === undefined ? undefined : parseWeek(opts.to);
  if (from === 'latest' || to === 'latest') throw usage('--from and --to take dates (YYYY-MM-DD)');
  if (from && to && from > to) throw usage(`--from ${from} is after --to ${to}`);
  const { weeks } = await loadTrends(store, { from, to }, { topics, now: deps.now });
  const totals: Record<string, number> = {};
  for (const w of weeks) for (const [slug, n] of Object.entries(w.counts)) totals[slug] = (totals[slug] ?? 0) + n;
  if (opts.json) {
    printJson(deps.io, { from: from ?? null, to: to ?? null, topics: topics.map((t) => ({ slug: t.slug, name: t.name })), weeks, totals });
    return { exitCode: 0 };
  }
  if (!weeks.length) {
    deps.io.out(`trends: no edition starts ${from ? `on or after ${from}` : ''}${from && to ? ' and ' : ''}${to ? `on or before ${to}` : ''}`);
    return { exitCode: 0 };
  }
  const shown = topics.filter((t) => totals[t.slug]);
  const head = (s: string) => s.slice(0, 6).padStart(7);
  deps.io.out(`${'week'.padEnd(11)}${'papers'.padStart(7)}${shown.map((t) => head(t.slug)).join('')}`);
  for (const w of weeks) deps.io.out(`${w.startDate.padEnd(11)}${String(w.papers).padStart(7)}${shown.map((t) => String(w.counts[t.slug] ?? 0).padStart(7)).join('')}`);
  const papers = weeks.reduce((a, w) => a + w.papers, 0);
  deps.io.out(`${'total'.padEnd(11)}${String(papers).padStart(7)}${shown.map((t) => String(totals[t.slug]).padStart(7)).join('')}`);
  deps.io.out(`${weeks.length} edition(s); ${shown.map((t) => `${t.slug} = ${t.name}`).join(', ')}`);
  return { exitCode: 0 };
}

export async function overviewCommand(deps: Deps, opts: { week?: string; lang?: string; template?: boolean; force?: boolean; json?: boolean }): Promise<Outcome> {
  const lang = opts.lang ?? deps.config.lang;
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/.test(lang)) throw usage(`--lang ${lang}: expected a language code such as ko or en`);
  const topics = deps.topics();
  const llm = opts.template ? null : optionalLlm(deps, 'overview: no LLM is configured, so the templates write it from the facts (PAPERBOY_LLM_URL and PAPERBOY_LLM_MODEL configure one)');
  const store = await deps.store();
  const edition = await editionForWeek(store, opts.week ?? 'latest');
  const r = await draftOverview(store, edition.id, { lang, topics, llm, force: !!opts.force, now: deps.now, signal: deps.interrupt, prices: { input: deps.config.llmPriceInput, output: deps.config.llmPriceOutput } });
  if (opts.json) {
    printJson(deps.io, r);
  } else {
    const where = `${r.edition.startDate}..${r.edition.endDate} (${lang})`;
    if (r.outcome === 'kept') deps.io.out(`overview: ${where}: an editor wrote or approved the overview; it stands (edit it on the desk)`);
    else if (r.outcome === 'imported') deps.io.out(`overview: ${where}: the imported overview stands; --force replaces it with one drafted from the facts`);
    else if (r.outcome === 'upToDate') deps.io.out(`overview: ${where}: the draft is up to date with the facts; --force drafts it again`);
    else {
      deps.io.out(`overview: ${where}: drafted by ${r.origin === 'llm' ? `${r.model} (${r.calls} call${r.calls === 1 ? '' : 's'})` : 'the templates from the facts'}`);
      deps.io.out(r.body);
    }
    for (const p of r.rejected) deps.io.err(`overview: answer ${p.attempt} refused: ${p.message}`);
    if (r.origin === 'template' && r.rejected.length) deps.io.err('overview: the LLM answered twice with problems, so the templates wrote it');
    for (const f of r.check?.findings ?? []) if (!f.dismissed) deps.io.err(`overview: ${f.severity}: ${f.rule}: ${f.message}`);
  }
  const errors = (r.check?.findings ?? []).filter((f) => f.severity === 'error' && !f.dismissed).length;
  return { exitCode: errors ? PARTIAL_EXIT : 0 };
}
