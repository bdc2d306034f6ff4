// Import of the upstream CSV (2023) that carries each paper's abstract.
import { decideText, textKey } from '../domain/text-policy.js';
import type { TextInput } from '../domain/types.js';
import type { Store } from '../ports.js';
import type { CsvRow } from '../sources/upstream-list/csv.js';

export interface ImportCsvResult {
  source: string;
  rows: number;
  papersCreated: number;
  abstractsWritten: number;
  abstractsUnchanged: number;
  abstractsKept: number;
  /** rows whose paper is in a stored edition */
  inEditions: number;
  problems: Array<{ line: number; field: string; message: string }>;
}

export async function importCsv(store: Store, parsed: { rows: CsvRow[]; problems: Array<{ line: number; field: string; message: string }> }, source: string): Promise<ImportCsvResult> {
  const keys = [...new Set(parsed.rows.map((r) => r.paper.key))];
  const existing = await store.getPapers(keys);
  const stored = new Map((await store.getTexts(keys.map((k) => ({ kind: 'paper' as const, id: k })), ['abstract'])).filter((t) => t.lang === 'en').map((t) => [textKey(t), t]));
  const snapshotEntries = await store.getEntries((await store.listEditions()).map((e) => e.id));
  const inEditionKeys = new Set(snapshotEntries.map((e) => e.paperKey));
  const result: ImportCsvResult = { source, rows: parsed.rows.length, papersCreated: 0, abstractsWritten: 0, abstractsUnchanged: 0, abstractsKept: 0, inEditions: 0, problems: parsed.problems };
  const created = new Set<string>();
  const papers: Array<{ key: string; arxivId: string | null; url: string }> = [];
  const writes: TextInput[] = [];
  for (const row of parsed.rows) {
    if (!existing.has(row.paper.key) && !created.has(row.paper.key)) {
      papers.push({ key: row.paper.key, arxivId: row.paper.arxivId, url: row.paper.url });
      created.add(row.paper.key);
    }
    if (inEditionKeys.has(row.paper.key)) result.inEditions++;
    if (!row.abstract) continue;
    const t: TextInput = { ownerKind: 'paper', ownerId: row.paper.key, field: 'abstract', lang: 'en', body: row.abstract, origin: 'upstream', model: null, promptVersion: null, status: 'approved' };
    const d = decideText(stored.get(textKey(t)), t);
    if (d === 'insert' || d === 'replace') {
      writes.push(t);
      stored.set(textKey(t), { ...t, createdAt: '', updatedAt: '' });
      result.abstractsWritten++;
    } else if (d === 'unchanged') result.abstractsUnchanged++;
    else result.abstractsKept++;
  }
  // a re-run with nothing new takes no write lock
  if (papers.length || writes.length) {
    await store.transaction(async (tx) => {
      await tx.ensurePapers(papers);
      await tx.putTexts(writes);
    });
  }
  result.papersCreated = created.size;
  return result;
}
