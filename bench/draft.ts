// bench/draft: drafting the 2024-04-01 edition (with its abstracts) through a local OpenAI-compatible
// server with a fixed latency. Figures and their baselines come from the same run:
// (a) token overhead = all tokens sent and received ÷ (source tokens + draft tokens), target ≤ 1.5;
// (b) wall time ÷ the ideal ⌈calls ÷ limit⌉ × latency, target ≤ 1.25; (c) calls on a second run, target 0.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { countTokens } from 'gpt-tokenizer';
import { createLlm } from '../src/llm/client.js';
import { DRAFT_PROMPT_VERSION } from '../src/llm/prompts/index.js';
import { draftEdition, planDraft, DRAFT_FIELDS } from '../src/pipeline/draft.js';
import { importEdition } from '../src/pipeline/import-edition.js';
import { importUpstream } from '../src/pipeline/import-upstream.js';
import { decodeText } from '../src/sources/decode.js';
import { parseEditionPost } from '../src/sources/edition-post/parse.js';
import { parseUpstreamList } from '../src/sources/upstream-list/parse.js';
import { openStore } from '../src/store/open.js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SHARED = new URL('../../shared/', import.meta.url);
const LATENCY_MS = Number(process.env.BENCH_LLM_LATENCY_MS ?? 1000);
const LIMIT = 4;

/** Starts bench/llm-server-process.ts and talks to it over its stdin and stdout. */
async function startServerProcess(latencyMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./llm-server-process.ts', import.meta.url))], { env: { ...process.env, BENCH_LLM_LATENCY_MS: String(latencyMs) }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  const url = await next();
  return {
    url,
    async requests(): Promise<number> {
      child.stdin!.write('?\n');
      return Number(await next());
    },
    async close() {
      child.stdin!.end();
      await new Promise((r) => child.on('close', r));
    },
  };
}

export async function benchDraft() {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-draft-'));
  const store = await openStore({ dataDir: dir });
  const server = await startServerProcess(LATENCY_MS);
  try {
    const list = decodeText(new Uint8Array(readFileSync(new URL('data/upstream/dair-ai/README.md', SHARED))), 'README.md');
    await importUpstream(store, parseUpstreamList(list), { source: 'README.md', sourcePage: 'https://github.com/dair-ai/ML-Papers-of-the-Week' });
    // the reference post brings the English abstracts of this week's papers
    const post = decodeText(new Uint8Array(readFileSync(new URL('seed/000_a9127735c741dfde.txt', SHARED))), 'post');
    await importEdition(store, parseEditionPost(post, 'ko'), { model: null });
    const edition = (await store.getEditionByStart('2024-04-01'))!;

    const sourcesByKey = new Map<string, string>();
    const bundle = await store.getEditionBundle(edition.id);
    const plan = planDraft(bundle, { lang: 'ko', fields: [...DRAFT_FIELDS], force: true, who: { provider: 'openai-compatible', model: 'bench', promptVersion: DRAFT_PROMPT_VERSION }, glossary: [] });
    for (const j of plan.jobs) for (const i of j.items) sourcesByKey.set(`${j.entry.position}:${i.field}`, i.source);
    const sourceTokens = [...sourcesByKey.values()].reduce((n, s) => n + countTokens(s), 0);

    const llm = createLlm({ provider: 'openai-compatible', baseUrl: server.url, model: 'bench' });
    const run = { lang: 'ko', fields: [...DRAFT_FIELDS], force: true, concurrency: LIMIT, contextTokens: 8192, maxTokensPerEdition: undefined, prices: { input: 0, output: 0 }, now: () => new Date() };
    const t0 = performance.now();
    const first = await draftEdition(store, llm, edition.id, run);
    const wallMs = performance.now() - t0;
    const texts = await store.getTexts([...bundle.entries.map((e) => ({ kind: 'entry' as const, id: String(e.id) })), ...bundle.entries.map((e) => ({ kind: 'paper' as const, id: e.paperKey }))]);
    const draftTokens = texts.filter((t) => t.lang === 'ko' && t.origin === 'llm').reduce((n, t) => n + countTokens(t.body), 0);
    const before = await server.requests();
    await draftEdition(store, llm, edition.id, { ...run, force: false });
    const secondCalls = (await server.requests()) - before;
    const idealMs = Math.ceil(first.calls / LIMIT) * LATENCY_MS;
    return {
      calls: first.calls,
      drafted: first.drafted,
      failures: first.failures.length,
      tokensSentReceived: first.tokensIn + first.tokensOut,
      sourceTokens,
      draftTokens,
      overhead: (first.tokensIn + first.tokensOut) / (sourceTokens + draftTokens),
      wallMs,
      idealMs,
      wallRatio: wallMs / idealMs,
      secondCalls,
    };
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchDraft(), null, 2));
