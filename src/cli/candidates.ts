// `paperboy candidates fetch|import|rank|train` and `paperboy edition new --from-candidates`.
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PaperboyError, usage } from '../errors.js';
import { editionFromCandidates, explainCandidate, importCandidates, rankWeek, trainCandidateModel, type CandidateImportResult } from '../pipeline/candidates.js';
import type { CandidateParse, CandidateProblem, CandidateRecord } from '../sources/candidates.js';
import { decodeText } from '../sources/decode.js';
import { parseHfDailyPapers } from '../sources/hf-daily/parse.js';
import { parseDailyPapersMarkdown, parsePapersListCsv } from '../sources/pools/daily-md.js';
import { parseMonologgMonth } from '../sources/pools/monologg.js';
import { parseWeek, printJson, type Deps, type Outcome } from './deps.js';
import { PARTIAL_EXIT } from './import.js';

export const CANDIDATE_SOURCES = ['hf', 'arxiv'] as const;
type LiveSource = (typeof CANDIDATE_SOURCES)[number];

const DAY_NAME = /^(\d{4}-\d{2}-\d{2})\.(md|json)$/;

/** Which parser reads a candidate file, by its name and (for JSON) its shape; null when none does. */
export function parseCandidateFile(name: string, text: string): CandidateParse | null {
  const day = DAY_NAME.exec(name);
  if (name.endsWith('.csv')) return parsePapersListCsv(text, { where: name });
  if (day && day[2] === 'md') return parseDailyPapersMarkdown(text, { where: name });
  if (name.endsWith('.json')) {
    // an array is a day of Hugging Face daily papers; an object is a monologg month
    if (/^\s*\[/.test(text)) {
      if (!day) return { records: [], problems: [{ where: name, field: '(file)', message: 'a Hugging Face daily papers answer needs its day in the file name (YYYY-MM-DD.json)' }] };
      return parseHfDailyPapers(text, { day: day[1]!, where: name });
    }
    return parseMonologgMonth(text, { where: name });
  }
  return null;
}

function reportProblems(deps: Deps, problems: readonly CandidateProblem[], noun = 'record'): void {
  for (const p of problems.slice(0, 50)) deps.io.err(`${p.where}: ${p.field}: ${p.message}${/skipped/.test(p.message) ? '' : ` — ${noun} skipped`}`);
  if (problems.length > 50) deps.io.err(`… and ${problems.length - 50} more problems`);
}

function printImport(deps: Deps, label: string, r: CandidateImportResult): void {
  deps.io.out(`${label}: ${r.records} candidates${r.days ? ` listed ${r.days.from}..${r.days.to}` : ''} → ${r.papers} papers; ${r.candidates.inserted} new, ${r.candidates.updated} updated; ${r.textsWritten} English titles/abstracts written`);
}

export async function candidatesImportCommand(deps: Deps, target: string, opts: { json?: boolean }): Promise<Outcome> {
  const info = await stat(target).catch(() => null);
  if (!info) throw new PaperboyError('INPUT_NOT_FOUND', `${target}: no such file or directory`);
  const files = info.isDirectory() ? (await readdir(target)).sort().map((f) => join(target, f)) : [target];
  const records: CandidateRecord[] = [];
  const problems: CandidateProblem[] = [];
  const perFile: Array<{ file: string; records: number; problems: number }> = [];
  let skipped = 0;
  for (const [i, f] of files.entries()) {
    const name = basename(f);
    if (info.isDirectory() && !(await stat(f)).isFile()) continue;
    const { bytes } = await deps.fetcher.read(f);
    const parsed = parseCandidateFile(name, decodeText(bytes, name));
    if (!parsed) {
      if (!info.isDirectory()) throw new PaperboyError('INPUT_INVALID', `${name}: not a candidate file (expected YYYY-MM-DD.md, YYYY-MM-DD.json from the Hugging Face API, a monthly JSON listing, or papers_list.csv)`);
      skipped++;
      continue;
    }
    records.push(...parsed.records);
    problems.push(...parsed.problems);
    perFile.push({ file: name, records: parsed.records.length, problems: parsed.problems.length });
    if (files.length > 5 && (i + 1) % 10 === 0) deps.io.err(`candidates import: read ${i + 1} of ${files.length} files`);
  }
  if (!records.length && !problems.length) throw new PaperboyError('INPUT_INVALID', `${target}: no candidate files in it${skipped ? ` (${skipped} other files skipped)` : ''}`);
  const store = await deps.store();
  const r = await importCandidates(store, records, { now: () => deps.now() });
  if (opts.json) printJson(deps.io, { ...r, files: perFile, skipped, problems });
  else {
    for (const f of perFile) deps.io.out(`  ${f.file}: ${f.records} candidates${f.problems ? `, ${f.problems} problems` : ''}`);
    printImport(deps, 'candidates import', r);
    if (skipped) deps.io.out(`  ${skipped} file(s) in the folder are not candidate files and were skipped`);
  }
  reportProblems(deps, problems);
  return { exitCode: problems.length ? PARTIAL_EXIT : 0 };
}

function checkDay(flag: string, v: string | undefined): string {
  if (!v) throw usage(`${flag} is required (YYYY-MM-DD)`);
  const d = parseWeek(v);
  if (d === 'latest') throw usage(`${flag} takes a date (YYYY-MM-DD)`);
  return d;
}

export async function candidatesFetchCommand(deps: Deps, opts: { from?: string; to?: string; source?: string; json?: boolean }): Promise<Outcome> {
  const from = checkDay('--from', opts.from);
  const to = opts.to ? checkDay('--to', opts.to) : from;
  if (to < from) throw usage(`--to ${to} is before --from ${from}`);
  const sources = (opts.source ?? CANDIDATE_SOURCES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = sources.filter((s) => !(CANDIDATE_SOURCES as readonly string[]).includes(s));
  if (unknown.length || !sources.length) throw usage(`--source ${opts.source}: expected a comma-separated list of ${CANDIDATE_SOURCES.join(', ')}`);
  const live = deps.candidateSources();
  const store = await deps.store();
  const results: Record<string, CandidateImportResult & { problems: CandidateProblem[] }> = {};
  let failed = 0;
  for (const source of sources as LiveSource[]) {
    let parsed: CandidateParse;
    try {
      parsed =
        source === 'hf'
          ? await live.hf.fetchRange(from, to, (done, total) => deps.io.err(`candidates fetch hf: ${done}/${total} days`))
          : await live.arxiv.list({ categories: deps.config.candidateCategories, from, to }, (done, total) => deps.io.err(`candidates fetch arxiv: ${done}/${total} papers`));
    } catch (e) {
      // one source failing keeps what the other brought
      if (!(e instanceof PaperboyError) || sources.length === 1) throw e;
      deps.io.err(`candidates fetch ${source}: ${e.message}`);
      failed++;
      continue;
    }
    const r = await importCandidates(store, parsed.records, { now: () => deps.now() });
    results[source] = { ...r, problems: parsed.problems };
    if (!opts.json) printImport(deps, `candidates fetch ${source}`, r);
    reportProblems(deps, parsed.problems);
  }
  if (opts.json) printJson(deps.io, { from, to, sources: results });
  const problems = Object.values(results).some((r) => r.problems.length);
  return { exitCode: failed ? 69 : problems ? PARTIAL_EXIT : 0 };
}

export async function candidatesTrainCommand(deps: Deps, opts: { json?: boolean }): Promise<Outcome> {
  const store = await deps.store();
  const r = await trainCandidateModel(store, { now: () => deps.now(), progress: (m) => deps.io.err(m) });
  if (opts.json) printJson(deps.io, r);
  else deps.io.out(`candidates train: model ${r.id} learned from ${r.positives} picked papers (${r.editions} editions) and ${r.negatives} passed over; ${r.terms} terms weighted`);
  return { exitCode: 0 };
}

const fmt = (x: number) => (x >= 0 ? ' ' : '') + x.toFixed(2);

export async function candidatesRankCommand(deps: Deps, opts: { week?: string; top?: string; json?: boolean }): Promise<Outcome> {
  const week = checkDay('--week', opts.week);
  const top = opts.top === undefined ? 20 : Number(opts.top);
  if (!Number.isInteger(top) || top < 1) throw usage(`--top ${opts.top}: expected a whole number of 1 or more`);
  const store = await deps.store();
  const r = await rankWeek(store, week, { topics: deps.topics() });
  if (r.note) deps.io.err(`candidates rank: ${r.note}`);
  if (opts.json) {
    printJson(deps.io, { ...r, candidates: r.candidates.slice(0, top), total: r.candidates.length });
    return { exitCode: 0 };
  }
  if (!r.candidates.length) {
    deps.io.out(`no candidates listed from ${r.week.from} to ${r.week.to}: run paperboy candidates fetch --from ${r.week.from} --to ${r.week.to}, or candidates import a file`);
    return { exitCode: 0 };
  }
  const model = r.model ? `model ${r.model.id} (trained ${r.model.trainedAt.slice(0, 10)} on ${r.model.positives} picks)` : 'no model';
  deps.io.out(`candidates ${r.week.from}..${r.week.to}: ${r.candidates.length} papers, ${model}${r.edition ? `; edition ${r.edition.startDate} holds ${r.candidates.filter((c) => c.inEdition !== null).length} of them` : ''}`);
  deps.io.out('rank  score   simil.  popul.  topic   recent  in  paper');
  for (const c of r.candidates.slice(0, top)) {
    const k = c.contributions;
    deps.io.out(`${String(c.rank).padStart(4)}  ${fmt(c.score)}  ${fmt(k.similarity)}  ${fmt(k.popularity)}  ${fmt(k.topicFit)}  ${fmt(k.recency)}  ${c.inEdition === null ? '  ' : String(c.inEdition).padStart(2)}  ${c.arxivId ?? c.url}  ${c.title.slice(0, 70)}`);
    deps.io.out(`${' '.repeat(6)}${explainCandidate(c)}`);
  }
  if (r.candidates.length > top) deps.io.out(`… ${r.candidates.length - top} more (--top ${r.candidates.length})`);
  return { exitCode: 0 };
}

export async function editionNewCommand(deps: Deps, opts: { week?: string; fromCandidates?: boolean; top?: string; json?: boolean }): Promise<Outcome> {
  const week = checkDay('--week', opts.week);
  if (!opts.fromCandidates) throw usage('edition new builds an edition from the ranked candidates: give --from-candidates (an upstream week comes from `paperboy import upstream`)');
  const top = opts.top === undefined ? 10 : Number(opts.top);
  const store = await deps.store();
  const r = await editionFromCandidates(store, { week, top, topics: deps.topics() });
  if (r.note) deps.io.err(`edition new: ${r.note}`);
  if (opts.json) printJson(deps.io, r);
  else {
    deps.io.out(`edition new: ${r.edition.startDate}..${r.edition.endDate} "${r.edition.title}" with ${r.entries.length} entries from the ranking`);
    for (const e of r.entries) deps.io.out(`  ${String(e.position).padStart(2)}. ${e.title.slice(0, 80)}\n      ${e.why}`);
    deps.io.out(`next: paperboy enrich --week ${r.edition.startDate} && paperboy draft --week ${r.edition.startDate} --lang en --fields intro && paperboy draft --week ${r.edition.startDate} --lang ko; reorder or swap papers in the desk (/desk/editions/${r.edition.startDate}/candidates)`);
  }
  return { exitCode: 0 };
}

