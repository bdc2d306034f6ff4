// `paperboy import upstream|csv|edition`: args → pipeline → report and exit code.
import { basename } from 'node:path';
import { PaperboyError } from '../errors.js';
import { importCsv } from '../pipeline/import-csv.js';
import { importEdition } from '../pipeline/import-edition.js';
import { importUpstream } from '../pipeline/import-upstream.js';
import { decodeText } from '../sources/decode.js';
import { parseEditionPost } from '../sources/edition-post/parse.js';
import { parseUpstreamCsv } from '../sources/upstream-list/csv.js';
import { parseUpstreamList } from '../sources/upstream-list/parse.js';
import { printJson, type Deps, type Outcome } from './deps.js';

/** Exit code when valid records were imported but some were rejected. */
export const PARTIAL_EXIT = 65;

const where = (src: string) => (/^https?:/.test(src) ? src : basename(src));

export async function importUpstreamCommand(deps: Deps, src: string | undefined, opts: { json?: boolean }): Promise<Outcome> {
  const source = src ?? deps.config.upstreamUrl;
  const { bytes, where: w } = await deps.fetcher.read(source);
  const parsed = parseUpstreamList(decodeText(bytes, w), { sourceUrl: w });
  if (!parsed.editions.length) {
    const first = parsed.problems[0];
    throw new PaperboyError('INPUT_INVALID', `${where(w)}${first ? `:${first.line}` : ''}: ${first?.message ?? 'no editions found'}`);
  }
  const store = await deps.store();
  const r = await importUpstream(store, parsed, { source: w, sourcePage: deps.config.upstreamPage, progress: (m) => deps.io.err(m) });
  if (opts.json) printJson(deps.io, r);
  else {
    const io = deps.io;
    if (!r.changed) io.out(`import upstream: nothing changed — ${r.editionsParsed} editions and ${r.entriesParsed} entries from ${where(w)} are already stored`);
    else {
      io.out(`import upstream: ${where(w)}`);
      io.out(`  editions  ${r.editionsParsed} parsed: ${r.editions.created} new, ${r.editions.updated} updated, ${r.editions.unchanged} unchanged`);
      io.out(`  entries   ${r.entriesParsed} parsed: ${r.entries.created} new, ${r.entries.updated} updated, ${r.entries.unchanged} unchanged`);
      io.out(`  intros    ${r.texts.written} written${r.texts.kept ? `, ${r.texts.kept} kept because an editor changed them` : ''}`);
    }
    for (const d of r.dropped) io.out(`  note: edition ${d.startDate} has stored entries no longer in the list (positions ${d.positions.join(', ')}); they are kept`);
  }
  for (const p of parsed.problems) deps.io.err(`${where(w)}:${p.line}: ${p.field}: ${p.message}${p.edition ? ` (in "${p.edition}")` : ''} — row skipped`);
  if (parsed.problems.length) deps.io.err(`import upstream: ${parsed.problems.length} row(s) could not be imported; the other ${r.entriesParsed} were`);
  return { exitCode: parsed.problems.length ? PARTIAL_EXIT : 0 };
}

export async function importCsvCommand(deps: Deps, file: string, opts: { json?: boolean }): Promise<Outcome> {
  const { bytes, where: w } = await deps.fetcher.read(file);
  const parsed = parseUpstreamCsv(decodeText(bytes, w));
  if (!parsed.rows.length) {
    const first = parsed.problems[0];
    throw new PaperboyError('INPUT_INVALID', `${where(w)}${first ? `:${first.line}` : ''}: ${first?.message ?? 'no rows found'}`);
  }
  const store = await deps.store();
  const r = await importCsv(store, parsed, w);
  if (opts.json) printJson(deps.io, r);
  else {
    deps.io.out(`import csv: ${where(w)}: ${r.rows} rows, ${r.papersCreated} new papers, ${r.abstractsWritten} abstracts written, ${r.abstractsUnchanged} unchanged${r.abstractsKept ? `, ${r.abstractsKept} kept (better source stored)` : ''}; ${r.inEditions} rows belong to stored editions`);
  }
  for (const p of parsed.problems) deps.io.err(`${where(w)}:${p.line}: ${p.field}: ${p.message} — row skipped`);
  return { exitCode: parsed.problems.length ? PARTIAL_EXIT : 0 };
}

export async function importEditionCommand(deps: Deps, file: string, opts: { lang: string; model?: string; json?: boolean }): Promise<Outcome> {
  const { bytes, where: w } = await deps.fetcher.read(file);
  const post = parseEditionPost(decodeText(bytes, w), opts.lang);
  const store = await deps.store();
  const r = await importEdition(store, post, { model: opts.model ?? null });
  if (opts.json) printJson(deps.io, r);
  else {
    const io = deps.io;
    io.out(`import edition: ${where(w)} → ${r.edition.startDate}..${r.edition.endDate} (${opts.lang})`);
    io.out(`  matched ${r.matched.length} of ${r.matched.length + r.unmatchedPost.length} papers (${r.matched.filter((m) => m.by === 'link').length} by link, ${r.matched.filter((m) => m.by === 'title').length} by title)`);
    io.out(`  texts   ${r.textsWritten} written, ${r.textsUnchanged} unchanged${r.textsKept ? `, ${r.textsKept} not taken (an editor's text, or the English of the list or arXiv, is kept)` : ''}`);
    for (const e of r.entriesWithoutText) io.out(`  entry ${e.position} (${e.label}) has no text in this post`);
  }
  for (const u of r.unmatchedPost) deps.io.err(`${where(w)}:${u.line}: "${u.title}" matches no entry of the edition (by links or English title) — not imported`);
  for (const p of r.problems) deps.io.err(`${where(w)}:${p.line}: ${p.message}`);
  return { exitCode: r.unmatchedPost.length || r.problems.length ? PARTIAL_EXIT : 0 };
}
