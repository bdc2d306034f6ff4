// bench/import: the whole upstream list imported into a fresh store and all editions rendered,
// against the Markdown library alone parsing the same file (the baseline), measured in the same run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import MarkdownIt from 'markdown-it';
import { renderEdition } from '../src/channels/render/render.js';
import { assembleEditionView } from '../src/pipeline/assemble.js';
import { importUpstream } from '../src/pipeline/import-upstream.js';
import { decodeText } from '../src/sources/decode.js';
import { parseUpstreamList } from '../src/sources/upstream-list/parse.js';
import { openStore } from '../src/store/open.js';

const FILE = new URL('../../shared/data/upstream/dair-ai/README.md', import.meta.url);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function benchImport(databaseUrl?: string): Promise<{ parseMs: number; importMs: number; renderMs: number; ratio: number }> {
  const bytes = new Uint8Array(readFileSync(FILE));
  const md = new MarkdownIt({ html: true });
  const parseTimes: number[] = [];
  const importTimes: number[] = [];
  const renderTimes: number[] = [];
  // warm-up: JIT and module loading should not count against either side
  md.parse(decodeText(bytes, 'README.md'), {});
  for (let i = 0; i < RUNS; i++) {
    parseTimes.push(await time(() => md.parse(new TextDecoder().decode(bytes), {})));
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
    const store = await openStore({ dataDir: dir, databaseUrl, pgSchema: databaseUrl ? `bench_${process.pid}_${i}` : undefined });
    importTimes.push(
      await time(async () => {
        const parsed = parseUpstreamList(decodeText(bytes, 'README.md'));
        const r = await importUpstream(store, parsed, { source: 'README.md', sourcePage: 'https://github.com/dair-ai/ML-Papers-of-the-Week' });
        if (r.entries.created !== 1300) throw new Error(`expected 1300 entries, got ${r.entries.created}`);
      }),
    );
    renderTimes.push(
      await time(async () => {
        const editions = await store.listEditions();
        for (const e of editions) {
          const view = assembleEditionView(await store.getEditionBundle(e.id), 'ko');
          renderEdition(view, 'discourse');
        }
      }),
    );
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const parseMs = median(parseTimes);
  const importMs = median(importTimes);
  return { parseMs, importMs, renderMs: median(renderTimes), ratio: importMs / parseMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchImport();
  console.log(JSON.stringify(r));
}
