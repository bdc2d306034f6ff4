// `paperboy draft`, `costs` and `glossary`: args → pipeline → report and exit code.
import { basename } from 'node:path';
import { PaperboyError, usage } from '../errors.js';
import { GlossaryRule, type GlossaryTerm } from '../domain/glossary.js';
import { summariseCosts } from '../pipeline/costs.js';
import { DRAFT_FIELDS, draftEdition, type DraftField } from '../pipeline/draft.js';
import { decodeText } from '../sources/decode.js';
import { parseGlossary } from '../sources/glossary/parse.js';
import { printJson, type Deps, type Outcome } from './deps.js';
import { editionForWeek } from './editions.js';
import { PARTIAL_EXIT } from './import.js';

const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/;

function parseFields(value: string | undefined): DraftField[] {
  if (!value) return [...DRAFT_FIELDS];
  const fields = value.split(',').map((f) => f.trim()).filter(Boolean);
  const bad = fields.filter((f) => !(DRAFT_FIELDS as readonly string[]).includes(f));
  if (bad.length || !fields.length) throw usage(`--fields ${value}: expected a comma-separated list of ${DRAFT_FIELDS.join(', ')}`);
  return [...new Set(fields)] as DraftField[];
}

function checkLang(lang: string, opts: { english?: boolean } = {}): string {
  if (!LANG.test(lang)) throw usage(`--lang ${lang}: expected a language code such as ko`);
  if (lang === 'en' && !opts.english) throw usage('--lang en: English is the source language; give the language to draft into, such as ko');
  return lang;
}

const num = (n: number) => n.toLocaleString('en-US');
const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

export async function draftCommand(deps: Deps, opts: { week?: string; lang?: string; fields?: string; force?: boolean; json?: boolean }): Promise<Outcome> {
  // in English only the intros an entry lacks are drafted (from the abstract); the rest is the source
  const lang = checkLang(opts.lang ?? deps.config.lang, { english: true });
  const fields = parseFields(opts.fields);
  if (lang === 'en' && !fields.includes('intro')) throw usage(`--lang en drafts only the intros of entries without an English one (from the abstract): --fields ${opts.fields} has no intro`);
  const llm = deps.llm(); // says how to configure one when none is
  const store = await deps.store();
  const edition = await editionForWeek(store, opts.week ?? 'latest');
  const tty = deps.io.isTTY?.() ?? false;
  let lastLine = 0;
  const r = await draftEdition(store, llm, edition.id, {
    lang,
    fields,
    force: !!opts.force,
    concurrency: deps.config.llmConcurrency,
    contextTokens: deps.config.llmContextTokens,
    maxTokensPerEdition: deps.config.llmMaxTokensPerEdition,
    prices: { input: deps.config.llmPriceInput, output: deps.config.llmPriceOutput },
    now: deps.now,
    signal: deps.interrupt,
    progress: ({ done, total, failed, cached }) => {
      const line = `draft: ${done}/${total} calls done${cached ? `, ${cached} fields from the cache` : ''}${failed ? `, ${failed} failed` : ''}`;
      if (tty) deps.io.status?.(line);
      else if (done === total || Date.now() - lastLine > 2000) {
        lastLine = Date.now();
        deps.io.err(line);
      }
    },
  });
  if (tty) deps.io.status?.('');
  if (opts.json) printJson(deps.io, r);
  else {
    const io = deps.io;
    io.out(`draft: ${r.edition.startDate}..${r.edition.endDate} → ${lang} with ${r.provider}/${r.model} (${r.promptVersion})`);
    io.out(`  fields  ${r.drafted} drafted, ${r.fromCache} from the cache, ${r.upToDate} up to date, ${r.kept} approved or written by editors (untouched)${r.imported ? `, ${r.imported} imported (--force redrafts them)` : ''}${r.noSource ? `, ${r.noSource} without an English source` : ''}`);
    io.out(`  calls   ${r.calls} to the LLM, ${num(r.tokensIn)} tokens in, ${num(r.tokensOut)} out, estimated ${usd(r.costUsd)}`);
    if (r.budget.limit !== null) io.out(`  budget  ${num(r.budget.spent)} of ${num(r.budget.limit)} tokens spent on this edition${r.budget.stopped ? ' — stopped before exceeding it' : ''}`);
  }
  for (const f of r.failures) deps.io.err(`draft: entry ${f.position} ${f.fields.join(',')}: ${f.status}: ${f.reason}`);
  if (r.interrupted) {
    deps.io.err('draft: interrupted; finished entries are stored, run the same command again to do the rest');
    return { exitCode: 130 };
  }
  if (r.budget.stopped) {
    deps.io.err(`draft: stopped at the token budget (PAPERBOY_LLM_MAX_TOKENS_PER_EDITION=${r.budget.limit}); ${r.failures.filter((f) => f.status === 'skipped').length} call(s) not made`);
    return { exitCode: new PaperboyError('BUDGET_EXCEEDED', '').exitCode };
  }
  return { exitCode: r.failures.length ? PARTIAL_EXIT : 0 };
}

export async function costsCommand(deps: Deps, opts: { week?: string; lang?: string; json?: boolean }): Promise<Outcome> {
  const store = await deps.store();
  const edition = await editionForWeek(store, opts.week ?? 'latest');
  const calls = await store.llmCalls(edition.id, opts.lang ?? null);
  const report = summariseCosts(calls);
  if (opts.json) {
    printJson(deps.io, { edition: { startDate: edition.startDate, endDate: edition.endDate }, lang: opts.lang ?? null, ...report });
    return { exitCode: 0 };
  }
  const io = deps.io;
  const t = report.total;
  io.out(`costs: ${edition.startDate}..${edition.endDate}${opts.lang ? ` (${opts.lang})` : ''}: ${t.calls} LLM calls (${t.ok} ok, ${t.rejected} rejected, ${t.failed} failed), ${num(t.tokensIn)} tokens in, ${num(t.tokensOut)} out, estimated ${usd(t.costUsd)}`);
  if (t.estimatedTokens) io.out(`  ${num(t.estimatedTokens)} of these tokens are estimated with a tokenizer (the server reported no usage)`);
  if (deps.config.llmPriceInput === 0 && deps.config.llmPriceOutput === 0 && t.calls) io.out('  prices are not configured (PAPERBOY_LLM_PRICE_INPUT, PAPERBOY_LLM_PRICE_OUTPUT), so costs show $0');
  const table = (title: string, rows: Record<string, { calls: number; tokensIn: number; tokensOut: number; costUsd: number }>) => {
    const keys = Object.keys(rows);
    if (!keys.length) return;
    io.out(`  ${title.padEnd(28)} ${'calls'.padStart(6)} ${'tokens in'.padStart(11)} ${'tokens out'.padStart(11)} ${'cost'.padStart(10)}`);
    for (const k of keys.sort()) {
      const l = rows[k]!;
      io.out(`  ${k.padEnd(28)} ${String(l.calls).padStart(6)} ${num(l.tokensIn).padStart(11)} ${num(l.tokensOut).padStart(11)} ${usd(l.costUsd).padStart(10)}`);
    }
  };
  table('field', report.byField);
  table('model', report.byModel);
  if (!opts.lang) table('language', report.byLang);
  return { exitCode: 0 };
}

export async function glossaryImportCommand(deps: Deps, file: string, opts: { lang: string; format?: string; json?: boolean }): Promise<Outcome> {
  const lang = checkLang(opts.lang);
  if (opts.format && opts.format !== 'markdown' && opts.format !== 'json') throw usage(`--format ${opts.format}: expected markdown or json`);
  const { bytes, where } = await deps.fetcher.read(file);
  const parsed = parseGlossary(decodeText(bytes, where), { lang, source: basename(where), format: opts.format as 'markdown' | 'json' | undefined });
  if (!parsed.terms.length) {
    const first = parsed.problems[0];
    throw new PaperboyError('INPUT_INVALID', `${basename(where)}${first ? `:${first.line}` : ''}: ${first?.message ?? 'no glossary terms found (expected a Markdown table of English and target terms, or the JSON term format)'}`);
  }
  const store = await deps.store();
  const counts = await store.transaction((tx) => tx.putGlossaryTerms(parsed.terms));
  if (opts.json) printJson(deps.io, { source: where, lang, terms: parsed.terms.length, ...counts, problems: parsed.problems });
  else deps.io.out(`glossary import: ${basename(where)} (${lang}): ${parsed.terms.length} terms — ${counts.inserted} new, ${counts.updated} changed, ${counts.unchanged} unchanged`);
  for (const p of parsed.problems) deps.io.err(`${basename(where)}:${p.line}: ${p.message} — skipped`);
  return { exitCode: parsed.problems.length ? PARTIAL_EXIT : 0 };
}

export async function glossaryListCommand(deps: Deps, opts: { lang?: string; json?: boolean }): Promise<Outcome> {
  const lang = checkLang(opts.lang ?? deps.config.lang);
  const store = await deps.store();
  const terms = await store.listGlossary(lang);
  if (opts.json) printJson(deps.io, terms);
  else if (!terms.length) deps.io.out(`no glossary terms for ${lang}; import some with \`paperboy glossary import <file> --lang ${lang}\``);
  else {
    for (const t of terms) deps.io.out(`${t.en.padEnd(32)} ${t.target.padEnd(20)} ${t.rule.padEnd(13)} ${t.source}${t.note ? `  (${t.note})` : ''}`);
    deps.io.out(`${terms.length} terms`);
  }
  return { exitCode: 0 };
}

export async function glossaryAddCommand(deps: Deps, en: string, target: string, opts: { lang?: string; rule?: string; note?: string }): Promise<Outcome> {
  const lang = checkLang(opts.lang ?? deps.config.lang);
  const rule = GlossaryRule.safeParse(opts.rule ?? 'translate');
  if (!rule.success) throw usage(`--rule ${opts.rule}: expected one of ${GlossaryRule.options.join(', ')}`);
  if (!en.trim() || !target.trim()) throw usage('glossary add needs a non-empty English term and target term');
  const term: GlossaryTerm = { lang, en: en.trim(), target: target.trim(), rule: rule.data, note: opts.note?.trim() || null, source: 'editor' };
  const store = await deps.store();
  const c = await store.transaction((tx) => tx.putGlossaryTerms([term]));
  deps.io.out(`glossary: ${term.en} → ${term.target} (${term.rule}, ${lang}) ${c.inserted ? 'added' : c.updated ? 'changed' : 'unchanged'}`);
  return { exitCode: 0 };
}
