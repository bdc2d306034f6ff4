// Puts the XSS corpus into a store through every public source, and publishes it on the web:
//  - the Store API, as the pipeline would: entry labels and links, paper authors and categories,
//    titles, intros / abstracts / key messages (one of the three per payload, in turn) and
//    overviews in en and ko, with origins upstream, arxiv, llm and imported (model names and
//    prompt versions carry payloads too), an edition's title and source link;
//  - the real upstream importer (`paperboy import upstream FILE`), once.
// Each edition holds `perEdition` payloads, one week per edition on consecutive Mondays.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Link, Origin, TextField, TextInput } from '../../src/domain/types.js';
import type { Store } from '../../src/ports.js';
import { XSS_URLS, type XssPayload } from '../fixtures/xss-payloads.js';
import { cli } from './cli.js';

export interface SeededEdition {
  editionId: number;
  startDate: string;
  /** the payloads this edition shows */
  payloads: XssPayload[];
  /** 'store' when written through the Store API, 'importer' when through `import upstream` */
  via: 'store' | 'importer';
}

const DAY_MS = 86_400_000;
const ORIGINS: Origin[] = ['upstream', 'arxiv', 'llm', 'imported'];

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Writes the payloads through the Store API in editions of `perEdition` entries, starting on
 * `firstMonday`, and publishes each on the web in Korean (drafts allowed). `koTitle` gives the
 * Korean title of the g-th payload's paper (default: the payload, with ` (제목)` after every other).
 */
export async function seedThroughStore(store: Store, payloads: readonly XssPayload[], opts: { firstMonday?: string; perEdition?: number; publishedAt?: Date; koTitle?: (payload: string, g: number) => string } = {}): Promise<SeededEdition[]> {
  const koTitle = opts.koTitle ?? ((payload: string, g: number) => (g % 2 === 0 ? `${payload} (제목)` : payload));
  const perEdition = opts.perEdition ?? 10;
  const firstMonday = opts.firstMonday ?? '2024-01-01';
  const publishedAt = (opts.publishedAt ?? new Date('2024-12-01T00:00:00Z')).getTime();
  const out: SeededEdition[] = [];
  for (let k = 0; k * perEdition < payloads.length; k++) {
    const batch = payloads.slice(k * perEdition, (k + 1) * perEdition);
    const startDate = addDays(firstMonday, 7 * k);
    const editionId = await store.transaction(async (tx) => {
      const edition = await tx.createEdition({
        startDate,
        endDate: addDays(startDate, 6),
        title: batch[0]!.payload,
        source: 'xss',
        sourceRef: XSS_URLS[k % XSS_URLS.length]!,
        status: 'approved',
      });
      const g0 = k * perEdition;
      const ids = batch.map((_, i) => `2401.${String(g0 + i + 1).padStart(5, '0')}`);
      await tx.ensurePapers(ids.map((id) => ({ key: `arxiv:${id}`, arxivId: id, url: `https://arxiv.org/abs/${id}` })));
      for (const [i, p] of batch.entries()) {
        await tx.setPaperMetadata(`arxiv:${ids[i]}`, { authors: [p.payload, 'Ada Lovelace'], categories: ['cs.LG', p.payload], publishedAt: null, updatedAt: null }, '2024-01-01T00:00:00Z');
      }
      const entries = await tx.createEntries(
        batch.map((p, i) => {
          const g = g0 + i;
          const links: Link[] = [
            { kind: 'paper', label: p.payload, url: g % 3 === 0 ? p.payload : `https://arxiv.org/abs/${ids[i]}` },
            { kind: 'code', label: p.payload, url: XSS_URLS[g % XSS_URLS.length]! },
            { kind: 'blog', label: p.payload, url: p.payload },
            { kind: 'tweet', label: p.payload, url: `https://x.com/a/status/${g}?q=${p.payload}` },
          ];
          return { editionId: edition.id, position: i + 1, paperKey: `arxiv:${ids[i]}`, label: p.payload, links };
        }),
      );

      const texts: TextInput[] = [];
      let n = 0;
      const text = (ownerKind: TextInput['ownerKind'], ownerId: string, field: TextField, lang: string, body: string, payload: string): TextInput => {
        const origin = ORIGINS[n++ % ORIGINS.length]!;
        const drafted = origin === 'llm' || origin === 'imported';
        return { ownerKind, ownerId, field, lang, body, origin, model: drafted ? payload : null, promptVersion: origin === 'llm' ? payload : null, status: Math.floor(n / ORIGINS.length) % 2 ? 'draft' : 'approved' };
      };
      for (const [i, p] of batch.entries()) {
        const g = g0 + i;
        const paper = `arxiv:${ids[i]}`;
        const entryId = String(entries.find((e) => e.position === i + 1)!.id);
        // titles (the inline path): every other paper has no English title, so the entry's
        // upstream label is its heading; the Korean title is the payload, so either one shows
        if (g % 2 === 0) texts.push(text('paper', paper, 'title', 'en', p.payload, p.payload));
        texts.push(text('paper', paper, 'title', 'ko', koTitle(p.payload, g), p.payload));
        // one block field per payload (the block path is the same for all of them), in English
        // and in Korean; the Korean one differs, so the Korean page shows both
        const [owner, ownerId, field] = ([['entry', entryId, 'intro'], ['paper', paper, 'abstract'], ['paper', paper, 'key_messages']] as const)[g % 3]!;
        texts.push(text(owner, ownerId, field, 'en', p.payload, p.payload));
        texts.push(text(owner, ownerId, field, 'ko', `${p.payload}\n\n(번역)`, p.payload));
      }
      const overview = batch.map((p) => p.payload).join('\n\n');
      texts.push(text('edition', String(edition.id), 'overview', 'ko', overview, batch[1]?.payload ?? batch[0]!.payload));
      texts.push(text('edition', String(edition.id), 'overview', 'en', overview, batch[0]!.payload));
      await tx.putTexts(texts);
      for (const channel of ['web', 'feeds']) await tx.recordPublication({ editionId: edition.id, lang: 'ko', channel, allowDrafts: true, publishedAt: new Date(publishedAt + k * 60_000).toISOString() });
      return edition.id;
    });
    out.push({ editionId, startDate, payloads: [...batch], via: 'store' });
  }
  return out;
}

/** Payloads a table row of the upstream list can carry unchanged (no cell separator, one line, no control characters). */
export const importable = (p: XssPayload) => !/[|\u0000-\u001F]/.test(p.payload) && p.payload.trim() === p.payload && p.payload.length > 0;

/** An upstream list (dair-ai README format) with one edition whose rows carry the payloads. */
export function upstreamListMarkdown(payloads: readonly XssPayload[], heading: { range: string; year: number }): string {
  const rows = payloads.map((p, i) => {
    const id = `2506.${String(i + 1).padStart(5, '0')}`;
    // a file with control characters is not a text file to the importer
    const url = XSS_URLS[i % XSS_URLS.length]!.replace(/[|\s\u0000-\u001F]/g, '');
    return `| ${i + 1}) **${p.payload}** - ${p.payload} | [Paper](https://arxiv.org/abs/${id}), [Code](${url}), [Tweet](https://x.com/a/status/${i}) |`;
  });
  return [
    '# ML Papers of The Week',
    '',
    `## Top ML Papers of the Week (${heading.range}) - ${heading.year}`,
    '| **Paper**  | **Links** |',
    '| ------------- | ------------- |',
    ...rows,
    '',
  ].join('\n');
}

/**
 * Imports the payloads with the real CLI (`import upstream`) into the week of `monday`
 * (heading `range`), then publishes that edition on the web in Korean.
 */
export async function seedThroughImporter(store: Store, env: Record<string, string>, payloads: readonly XssPayload[], week: { monday: string; range: string; year: number; publishedAt: string }): Promise<{ edition: SeededEdition; code: number; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-xss-'));
  try {
    const file = join(dir, 'README.md');
    writeFileSync(file, upstreamListMarkdown(payloads, week));
    const r = await cli(['import', 'upstream', file], env);
    const edition = await store.getEditionByStart(week.monday);
    if (!edition) throw new Error(`import upstream created no edition for ${week.monday} (exit ${r.code}): ${r.err}`);
    const entries = await store.getEntries([edition.id]);
    const shown = new Set(entries.map((e) => e.position));
    for (const channel of ['web', 'feeds']) await store.recordPublication({ editionId: edition.id, lang: 'ko', channel, allowDrafts: true, publishedAt: week.publishedAt });
    return {
      edition: { editionId: edition.id, startDate: edition.startDate, payloads: payloads.filter((_, i) => shown.has(i + 1)), via: 'importer' },
      code: r.code,
      err: r.err,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
