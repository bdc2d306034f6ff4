// `paperboy check` (an edition or standalone pairs) and `paperboy findings dismiss`.
import { basename } from 'node:path';
import { z } from 'zod';
import { checkText } from '../domain/check/engine.js';
import type { Finding } from '../domain/check/types.js';
import type { GlossaryTerm } from '../domain/glossary.js';
import { PaperboyError, usage } from '../errors.js';
import { checkEdition } from '../pipeline/check.js';
import { decodeText } from '../sources/decode.js';
import { printJson, type Deps, type Outcome } from './deps.js';
import { editionForWeek } from './editions.js';
import { PARTIAL_EXIT } from './import.js';

const PairLine = z.object({ id: z.union([z.string(), z.number()]), lang: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/), source: z.string(), draft: z.string() }).strict();

/** JSON Lines output: spans as [start, end]; a finding with no place in the source gets [0, 0]. */
const toJsonFinding = (f: Finding) => ({ rule: f.rule, severity: f.severity, message: f.message, source_span: f.sourceSpan ?? [0, 0], draft_span: f.draftSpan });

function failOn(value: string | undefined): 'error' | 'warning' | null {
  if (value === undefined) return null;
  if (value !== 'error' && value !== 'warning') throw usage(`--fail-on ${value}: expected error or warning`);
  return value;
}

export async function checkCommand(deps: Deps, opts: { week?: string; lang?: string; json?: boolean; failOn?: string; pairs?: string }): Promise<Outcome> {
  const threshold = failOn(opts.failOn);
  if (opts.pairs) return checkPairs(deps, opts.pairs, { json: !!opts.json, threshold });
  const lang = opts.lang ?? deps.config.lang;
  // in English only the intros drafted from abstracts have a source to be checked against
  const store = await deps.store();
  const edition = await editionForWeek(store, opts.week ?? 'latest');
  const r = await checkEdition(store, edition.id, lang, deps.now, { topics: deps.topics() });
  if (opts.json) printJson(deps.io, r);
  else {
    const io = deps.io;
    io.out(`check: ${r.edition.startDate}..${r.edition.endDate} (${lang}): ${r.texts} texts checked — ${r.errors} error(s), ${r.warnings} warning(s) open${r.dismissed ? `, ${r.dismissed} dismissed` : ''}`);
    for (const t of r.checked) {
      for (const f of t.findings) {
        const where = t.position === null ? 'overview' : `entry ${t.position} ${t.field}`;
        io.out(`  #${f.id} ${where.padEnd(20)} ${f.severity.padEnd(7)} ${f.rule.padEnd(9)} ${f.message}${f.dismissed ? `  (dismissed by ${f.dismissed.by}: ${f.dismissed.why})` : ''}`);
      }
    }
    if (r.errors) io.out(`  ${r.errors} open error(s) block publishing: fix the text, or dismiss with \`paperboy findings dismiss <id> --by <you> --why <reason>\``);
  }
  const failing = threshold === 'warning' ? r.errors + r.warnings : threshold === 'error' ? r.errors : 0;
  return { exitCode: failing ? PARTIAL_EXIT : 0 };
}

async function checkPairs(deps: Deps, file: string, opts: { json: boolean; threshold: 'error' | 'warning' | null }): Promise<Outcome> {
  const { bytes, where } = await deps.fetcher.read(file);
  const lines = decodeText(bytes, where).split('\n');
  // glossaries come from the store when there is one; pairs can be checked without
  const glossaries = new Map<string, GlossaryTerm[]>();
  const glossaryFor = async (lang: string) => {
    if (!glossaries.has(lang)) glossaries.set(lang, await deps.store().then((s) => s.listGlossary(lang)).catch(() => []));
    return glossaries.get(lang)!;
  };
  let bad = 0;
  let failing = 0;
  let pairs = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    let parsed: z.infer<typeof PairLine>;
    try {
      const r = PairLine.safeParse(JSON.parse(raw));
      if (!r.success) throw new Error(r.error.issues.map((x) => `${x.path.join('.') || 'line'}: ${x.message}`).join('; '));
      parsed = r.data;
    } catch (e) {
      bad++;
      deps.io.err(`${basename(where)}:${i + 1}: ${(e as Error).message} — line skipped (expected {"id","lang","source","draft"})`);
      continue;
    }
    pairs++;
    const findings = checkText({ lang: parsed.lang, source: parsed.source, draft: parsed.draft, glossary: await glossaryFor(parsed.lang) });
    failing += findings.filter((f) => f.severity === 'error' || opts.threshold === 'warning').length;
    if (opts.json) deps.io.out(JSON.stringify({ id: parsed.id, findings: findings.map(toJsonFinding) }));
    else {
      deps.io.out(`${parsed.id}: ${findings.length ? `${findings.length} finding(s)` : 'no findings'}`);
      for (const f of findings) deps.io.out(`  ${f.severity.padEnd(7)} ${f.rule.padEnd(9)} ${f.message}`);
    }
  }
  if (!pairs && bad) throw new PaperboyError('INPUT_INVALID', `${basename(where)}: no valid pair in the file`);
  return { exitCode: bad || (opts.threshold && failing) ? PARTIAL_EXIT : 0 };
}

export async function dismissCommand(deps: Deps, id: string, opts: { by: string; why: string; json?: boolean }): Promise<Outcome> {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw usage(`finding id ${id}: expected a number as shown by \`paperboy check\` (#12)`);
  if (!opts.by.trim() || !opts.why.trim()) throw usage('say who dismisses the finding (--by) and why (--why)');
  const store = await deps.store();
  const f = await store.transaction((tx) => tx.dismissFinding(n, opts.by.trim(), opts.why.trim(), deps.now().toISOString()));
  if (!f) throw new PaperboyError('NOT_FOUND', `no finding #${n}; run \`paperboy check\` to see the current ones`);
  if (opts.json) printJson(deps.io, f);
  else deps.io.out(`dismissed #${f.id} (${f.severity}, ${f.rule}): ${f.message} — by ${f.dismissed!.by}: ${f.dismissed!.why}`);
  return { exitCode: 0 };
}
