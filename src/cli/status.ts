// `paperboy status`: where every recent edition stands in each language, and what to do next.
import type { EditionStatusRow, FieldCount, LangStatus } from '../domain/edition-status.js';
import { usage } from '../errors.js';
import { loadStatus } from '../pipeline/status.js';
import { printJson, type Deps, type Outcome } from './deps.js';

export const STATUS_DEFAULT_LIMIT = 8;
export const STATUS_MAX_LIMIT = 200;
const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/;

function parseLimit(value: string | undefined): number {
  if (value === undefined) return STATUS_DEFAULT_LIMIT;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > STATUS_MAX_LIMIT) throw usage(`--limit ${value}: expected a whole number of editions from 1 to ${STATUS_MAX_LIMIT}`);
  return n;
}

function parseLangs(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const langs = [...new Set(value.split(',').map((l) => l.trim()).filter(Boolean))];
  const bad = langs.filter((l) => !LANG.test(l));
  if (!langs.length || bad.length) throw usage(`--lang ${value}: expected a language code such as ko (or several, comma-separated)`);
  return langs;
}

const FIELD_NAMES: Record<string, string> = { key_messages: 'key messages' };
const fieldCount = (f: FieldCount) => `${FIELD_NAMES[f.field] ?? f.field} ${f.present}${f.expected === null ? '' : `/${f.expected}`}`;

const DELIVERY_WORDS: Record<string, string> = { pending: 'queued' };

/** One line of counts for a language (after its code and stage). */
export function describeLang(l: LangStatus): string {
  const parts: string[] = [];
  parts.push(`${l.texts.present} texts (${l.texts.byField.map(fieldCount).join(', ')})`);
  const origins = Object.entries(l.origins).sort(([a], [b]) => a.localeCompare(b)).map(([o, c]) => `${c} ${o}`);
  if (l.texts.present) parts.push(`${origins.join(', ')}; ${l.statuses.approved} approved, ${l.statuses.draft} drafts`);
  if (l.texts.present) {
    const f = l.findings;
    parts.push(`${f.errors} errors, ${f.warnings} warnings${f.dismissed ? `, ${f.dismissed} dismissed` : ''}, ${l.unchecked} unchecked`);
  }
  if (l.publications.length) {
    // drafts are marked per channel only when the channels differ in it
    const allDrafts = l.publications.every((p) => p.allowDrafts);
    const channels = l.publications.map((p) => `${p.channel}${p.allowDrafts && !allDrafts ? ' (with drafts)' : ''}`).join(', ');
    const days = [...new Set(l.publications.map((p) => p.publishedAt.slice(0, 10)))].join(', ');
    parts.push(`published on ${channels} (${days}${allDrafts ? ', drafts marked' : ''})`);
    const d = Object.entries(l.deliveries).filter(([, c]) => c > 0);
    if (d.length) parts.push(`deliveries: ${d.map(([s, c]) => `${c} ${DELIVERY_WORDS[s] ?? s}`).join(', ')}`);
  }
  return parts.join(' · ');
}

/** The human report: one block per edition, a line per language, then its next step. */
export function formatStatus(rows: EditionStatusRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (out.length) out.push('');
    out.push(`${r.startDate}..${r.endDate}  ${r.entries} entries  ${r.title}`);
    if (!r.langs.length) out.push('  no target-language texts yet');
    const width = Math.max(0, ...r.langs.map((l) => l.lang.length));
    for (const l of r.langs) {
      out.push(`  ${l.lang.padEnd(width)}  ${l.stage.padEnd(10)}  ${describeLang(l)}`);
      out.push(`  ${' '.repeat(width)}  next: ${l.next}`);
    }
  }
  return out;
}

export async function statusCommand(deps: Deps, opts: { limit?: string; lang?: string; json?: boolean }): Promise<Outcome> {
  const limit = parseLimit(opts.limit);
  const langs = parseLangs(opts.lang);
  const store = await deps.store();
  const rows = await loadStatus(store, { limit, ...(langs ? { langs } : { defaultLang: deps.config.lang }) });
  if (opts.json) printJson(deps.io, rows);
  else if (!rows.length) deps.io.out('no editions yet; import the upstream list first (`paperboy import upstream`)');
  else for (const line of formatStatus(rows)) deps.io.out(line);
  return { exitCode: 0 };
}
