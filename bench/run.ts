// npm run bench: every benchmark prints its figure next to a baseline measured in the same run.
import { benchDraft } from './draft.js';
import { benchImport } from './import.js';

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
