// npm run bench: every benchmark prints its figure next to a baseline measured in the same run.
import { benchImport } from './import.js';

const sqlite = await benchImport();
console.log('bench/import (SQLite, median of runs)');
console.log(`  baseline: markdown-it parse of the upstream list  ${sqlite.parseMs.toFixed(1)} ms`);
console.log(`  import of the whole list (130 editions, 1,300 entries)  ${sqlite.importMs.toFixed(1)} ms`);
console.log(`  render of all 130 editions (discourse, ko)  ${sqlite.renderMs.toFixed(1)} ms`);
console.log(`  ratio import / bare parse  ${sqlite.ratio.toFixed(2)}x  (target <= 3x) ${sqlite.ratio <= 3 ? 'MET' : 'MISSED'}`);
