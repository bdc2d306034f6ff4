// npm run bench: every benchmark prints its figure next to a baseline measured in the same run.
import { benchDraft } from './draft.js';
import { benchEmail, describeEmail, PG_URL } from './email.js';
import { benchImport } from './import.js';
import { benchWeb } from './web.js';

const sqlite = await benchImport();
console.log('bench/import (SQLite, median of runs)');
console.log(`  baseline: markdown-it parse of the upstream list  ${sqlite.parseMs.toFixed(1)} ms`);
console.log(`  import of the whole list (130 editions, 1,300 entries)  ${sqlite.importMs.toFixed(1)} ms`);
console.log(`  render of all 130 editions (discourse, ko)  ${sqlite.renderMs.toFixed(1)} ms`);
console.log(`  ratio import / bare parse  ${sqlite.ratio.toFixed(2)}x  (target <= 3x) ${sqlite.ratio <= 3 ? 'MET' : 'MISSED'}`);

const draft = await benchDraft();
console.log(`bench/draft (2024-04-01 edition with abstracts, local OpenAI-compatible server, ${draft.calls} calls, concurrency 4)`);
console.log(`  (a) token overhead: ${draft.tokensSentReceived} tokens sent and received / (${draft.sourceTokens} source + ${draft.draftTokens} draft tokens) = ${draft.overhead.toFixed(2)}  (target <= 1.5) ${draft.overhead <= 1.5 ? 'MET' : 'MISSED'}`);
console.log(`  (b) wall time: ${draft.wallMs.toFixed(0)} ms / ideal ${draft.idealMs} ms (ceil(calls / 4) x latency) = ${draft.wallRatio.toFixed(2)}  (target <= 1.25) ${draft.wallRatio <= 1.25 ? 'MET' : 'MISSED'}`);
console.log(`  (c) LLM calls on a second run: ${draft.secondCalls}  (target 0) ${draft.secondCalls === 0 ? 'MET' : 'MISSED'}`);

const web = await benchWeb();
const { page, search } = web;
const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
console.log(`bench/web (SQLite; reference week published in ${(web.setupMs / 1000).toFixed(1)} s; edition page ${(page.bytes / 1024).toFixed(0)} KB)`);
console.log(`  edition page: ${page.cached.toFixed(0)} req/s vs bare node:http ${page.bare.toFixed(0)} req/s = ${x(page.cached, page.bare)}  (as autocannon saw them; it saturates first on a small machine; without the cache ${page.uncached.toFixed(1)} req/s)`);
console.log(`  edition page per server CPU second: ${page.cachedPerCpu.toFixed(0)} vs bare node:http ${page.barePerCpu.toFixed(0)} = ${x(page.cachedPerCpu, page.barePerCpu)}  (target >= 0.7×) ${page.cachedPerCpu / page.barePerCpu >= 0.7 ? 'MET' : 'MISSED'}`);
console.log(`  search over ${search.papers.toLocaleString('en')} more papers (${search.texts.toLocaleString('en')} texts, ${(search.chars / 1e6).toFixed(0)}M characters, added in ${(search.setupMs / 1000).toFixed(1)} s), /search without page cache:`);
for (const c of search.byClass) console.log(`    ${c.name.padEnd(16)} p50 ${c.p50.toFixed(1).padStart(7)} ms  p95 ${c.p95.toFixed(1).padStart(7)} ms  hits on the published week ${c.hitsBefore} before growth, ${c.hitsAfter} after`);
console.log(`    all              p50 ${search.p50.toFixed(1).padStart(7)} ms  p95 ${search.p95.toFixed(1).padStart(7)} ms  (target p95 <= 50 ms) ${search.p95 <= 50 ? 'MET' : 'MISSED'}`);
console.log(`  baseline: bare LIKE scan p95 ${search.likeP95.toFixed(1)} ms; ratio /search p95 / LIKE p95 = ${x(search.p95, search.likeP95)}`);

// BENCH_EMAIL_N (default 100,000; 5000 for a quick look) deliveries; BENCH_PG=1 runs it on PostgreSQL too
for (const line of describeEmail(await benchEmail())) console.log(line);
if (process.env.BENCH_PG === '1') for (const line of describeEmail(await benchEmail({ databaseUrl: PG_URL }))) console.log(line);
