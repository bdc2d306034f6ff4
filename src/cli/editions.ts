// `paperboy editions`, `enrich`, `render` and `config`: the commands that read or refresh one edition.
import { writeFile } from 'node:fs/promises';
import { dumpConfig } from '../config/load.js';
import type { Edition } from '../domain/types.js';
import { notFound, PaperboyError, usage } from '../errors.js';
import { renderEdition } from '../channels/render/render.js';
import { assembleEditionView } from '../pipeline/assemble.js';
import { enrich } from '../pipeline/enrich.js';
import { resolveEdition } from '../pipeline/import-edition.js';
import type { Store } from '../ports.js';
import { parseWeek, printJson, type Deps, type Outcome } from './deps.js';
import { PARTIAL_EXIT } from './import.js';

export const FORMATS = ['discourse', 'markdown', 'html', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export async function editionForWeek(store: Store, week: string): Promise<Edition> {
  const w = parseWeek(week);
  if (w === 'latest') {
    const [latest] = await store.listEditions();
    if (!latest) throw notFound('there are no editions yet; import the upstream list first (`paperboy import upstream`)');
    return latest;
  }
  return resolveEdition(store, w);
}

export async function editionsCommand(deps: Deps, opts: { json?: boolean }): Promise<Outcome> {
  const store = await deps.store();
  const list = await store.listEditions();
  if (opts.json) printJson(deps.io, list);
  else if (!list.length) deps.io.out('no editions yet; import the upstream list first (`paperboy import upstream`)');
  else {
    for (const e of list) deps.io.out(`${e.startDate}  ${e.endDate}  ${String(e.entryCount).padStart(3)} entries  ${e.status.padEnd(9)} ${e.title}`);
    deps.io.out(`${list.length} editions`);
  }
  return { exitCode: 0 };
}

export async function enrichCommand(deps: Deps, opts: { week?: string; all?: boolean; force?: boolean; json?: boolean }): Promise<Outcome> {
  if (opts.all && opts.week) throw usage('give either --week DATE or --all, not both');
  if (!opts.all && !opts.week) throw usage('say which papers to enrich: --week DATE (a date inside the edition, or "latest") or --all');
  const store = await deps.store();
  const edition = opts.week ? await editionForWeek(store, opts.week) : null;
  const scope = edition ? `edition ${edition.startDate}..${edition.endDate}` : 'all papers';
  const arxiv = deps.arxiv((done, total) => deps.io.err(`enrich: ${done}/${total} ids looked up`));
  const r = await enrich(store, arxiv, { editionId: edition?.id ?? null, scope, force: !!opts.force, now: deps.now, progress: (m) => deps.io.err(m) });
  if (opts.json) printJson(deps.io, r);
  else {
    deps.io.out(`enrich: ${scope}: ${r.candidates} paper(s) with an arXiv id; ${r.enriched} enriched, ${r.skipped} already enriched${r.skipped ? ' (--force refreshes them)' : ''}, ${r.textsWritten} texts written${r.textsKept ? `, ${r.textsKept} kept because an editor wrote them` : ''}`);
  }
  // an id arXiv does not know is a fact about the link, worth a warning; an id arXiv refuses is an error
  for (const id of r.notFound) deps.io.err(`enrich: note: arXiv ${id}: arXiv has no paper with this id (the paper keeps its list texts)`);
  for (const e of r.errors) deps.io.err(`enrich: arXiv ${e.arxivId ?? '(batch)'}: ${e.message}`);
  return { exitCode: r.errors.length ? PARTIAL_EXIT : 0 };
}

export async function renderCommand(deps: Deps, opts: { week?: string; lang?: string; format?: string; out?: string }): Promise<Outcome> {
  const format = (opts.format ?? 'markdown') as Format;
  if (!FORMATS.includes(format)) throw usage(`--format ${opts.format}: expected one of ${FORMATS.join(', ')}`);
  const lang = opts.lang ?? deps.config.lang;
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/.test(lang)) throw usage(`--lang ${lang}: expected a language code such as ko or en`);
  const store = await deps.store();
  const edition = await editionForWeek(store, opts.week ?? 'latest');
  const view = assembleEditionView(await store.getEditionBundle(edition.id), lang);
  // the overview's citations link to the entries on the web archive (a Discourse post has no anchors of its own)
  const page = `${deps.config.baseUrl.replace(/\/$/, '')}/editions/${edition.startDate}?lang=${encodeURIComponent(lang)}`;
  const text = renderEdition(view, format, { entryUrl: (n) => `${page}#entry-${n}` });
  if (opts.out) {
    try {
      await writeFile(opts.out, text.endsWith('\n') ? text : `${text}\n`);
    } catch (e) {
      throw new PaperboyError('OUTPUT_FAILED', `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    deps.io.err(`render: wrote ${opts.out} (${edition.startDate}, ${lang}, ${format})`);
  } else deps.io.out(text);
  if (view.fallbacks && lang !== 'en') deps.io.err(`render: ${view.fallbacks} text(s) have no ${lang} version yet and show the English text, marked`);
  return { exitCode: 0 };
}

export async function configCommand(deps: Deps, opts: { dump?: boolean; json?: boolean }): Promise<Outcome> {
  const rows = dumpConfig(deps.config);
  if (opts.json) printJson(deps.io, Object.fromEntries(rows.map((r) => [r.env, { value: r.value, source: r.source }])));
  else for (const r of rows) deps.io.out(`${r.env}=${r.value ?? ''}${r.source === 'default' ? '' : `  # from ${r.source}`}`);
  return { exitCode: 0 };
}
