import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CandidateRecord } from '../candidates.js';
import { parseHfDailyPapers } from './parse.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/data/hf/jeongiin_hf-daily-paper-korean-autoflow/paper_metadata_download_as_api_json/', import.meta.url),
);
const skipReal = existsSync(DIR) ? false : 'needs ../shared/data/hf/jeongiin_hf-daily-paper-korean-autoflow';
const parseFile = (file: string) =>
  parseHfDailyPapers(readFileSync(`${DIR}${file}`, 'utf8'), { day: file.slice(0, 10), where: file });

interface Expect {
  records: number;
  /** items with a code repository (only the 2025 schema has githubRepo / githubStars) */
  withRepo: number;
  /** the sum of upvotes over the day */
  upvotes: number;
  check: Array<Partial<CandidateRecord> & { arxivId: string }>;
}

/** What each stored answer holds (counted with `jq length` and by hand). */
const FILES: Record<string, Expect> = {
  '2024-12-16.json': {
    records: 18,
    withRepo: 0,
    upvotes: 376,
    check: [
      {
        arxivId: '2412.10360',
        url: 'https://arxiv.org/abs/2412.10360',
        title: 'Apollo: An Exploration of Video Understanding in Large Multimodal Models',
        upvotes: 107,
        comments: 5,
        githubRepo: null,
        githubStars: null,
        publishedAt: '2024-12-13T18:53:24.000Z',
      },
      // paper.title is hard-wrapped ("…with\n  Vision Experts…"): unwrapped
      {
        arxivId: '2412.09604',
        title: 'SynerGen-VL: Towards Synergistic Image Understanding and Generation with Vision Experts and Token Folding',
        upvotes: 33,
        comments: 3,
      },
    ],
  },
  '2024-12-17.json': {
    records: 28,
    withRepo: 0,
    upvotes: 279,
    check: [{ arxivId: '2412.09871', title: 'Byte Latent Transformer: Patches Scale Better Than Tokens', upvotes: 45, comments: 5 }],
  },
  '2024-12-18.json': { records: 13, withRepo: 0, upvotes: 168, check: [{ arxivId: '2412.13147', upvotes: 62, comments: 3 }] },
  '2024-12-19.json': { records: 22, withRepo: 0, upvotes: 398, check: [{ arxivId: '2412.11768', upvotes: 177, comments: 2 }] },
  '2024-12-20.json': { records: 17, withRepo: 0, upvotes: 446, check: [{ arxivId: '2412.15115', upvotes: 238, comments: 9 }] },
  '2025-10-10.json': {
    records: 46,
    withRepo: 18,
    upvotes: 778,
    check: [
      {
        arxivId: '2510.08558',
        title: 'Agent Learning via Early Experience',
        upvotes: 105,
        comments: 2,
        githubRepo: null,
        githubStars: null,
        publishedAt: '2025-10-09T17:59:17.000Z',
      },
      {
        arxivId: '2510.08191',
        title: 'Training-Free Group Relative Policy Optimization',
        upvotes: 20,
        comments: 1,
        githubRepo: 'https://github.com/TencentCloudADP/youtu-agent/tree/training_free_GRPO',
        githubStars: 3277,
        publishedAt: '2025-10-09T13:18:17.000Z',
      },
      { arxivId: '2510.08540', githubRepo: 'https://github.com/PhoenixZ810/MM-HELIX', githubStars: 31 },
    ],
  },
};

for (const [file, want] of Object.entries(FILES)) {
  test(`hf-daily: ${file} has ${want.records} papers and no problems`, { skip: skipReal }, () => {
    const r = parseFile(file);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records.length, want.records);
    assert.equal(r.records.filter((x) => x.githubRepo !== null).length, want.withRepo);
    assert.equal(r.records.filter((x) => x.githubStars !== null).length, want.withRepo);
    assert.equal(
      r.records.reduce((n, x) => n + (x.upvotes ?? 0), 0),
      want.upvotes,
    );
    for (const x of r.records) {
      assert.equal(x.source, 'hf');
      assert.equal(x.day, file.slice(0, 10));
      assert.match(x.arxivId ?? '', /^\d{4}\.\d{5}$/);
      assert.equal(x.url, `https://arxiv.org/abs/${x.arxivId}`);
      assert.ok(x.title.length > 0 && !/\s{2}|\n/.test(x.title), x.title);
      assert.ok(x.abstract && x.abstract.length > 200 && !x.abstract.includes('\n'), `abstract of ${x.arxivId}`);
      assert.ok(x.authors.length > 0);
      assert.equal(typeof x.upvotes, 'number');
      assert.equal(typeof x.comments, 'number');
      assert.deepEqual(x.tags, []);
    }
    for (const c of want.check) {
      const got = r.records.find((x) => x.arxivId === c.arxivId);
      assert.ok(got, `${c.arxivId} in ${file}`);
      for (const [k, v] of Object.entries(c)) assert.deepEqual(got[k as keyof CandidateRecord], v, `${c.arxivId}.${k}`);
    }
  });
}

test('hf-daily: authors, abstract and hidden authors of a real paper', { skip: skipReal }, () => {
  const blt = parseFile('2024-12-17.json').records.find((x) => x.arxivId === '2412.09871')!;
  assert.equal(blt.authors.length, 14);
  assert.deepEqual(blt.authors.slice(0, 3), ['Artidoro Pagnoni', 'Ram Pasunuru', 'Pedro Rodriguez']);
  assert.equal(blt.authors[5], 'Margaret Li'); // `hidden: true` on the page, still an author
  assert.ok(blt.abstract!.startsWith('We introduce the Byte Latent Transformer (BLT), a new byte-level LLM architecture that'));
});

// ---- bad input -------------------------------------------------------------------------------------

const item = (paper: Record<string, unknown>, top: Record<string, unknown> = {}) => ({ paper, ...top });
const good = (id: string) =>
  item({ id, title: `Paper ${id}`, summary: 'An abstract.', authors: [{ name: 'A. Author' }], upvotes: 3 }, { numComments: 1 });
const run = (doc: unknown, text = JSON.stringify(doc)) => parseHfDailyPapers(text, { day: '2024-12-16', where: 'x.json' });

const BAD: Array<{ name: string; text: string; records: string[]; problems: Array<{ where: string; field: string; message?: RegExp }> }> = [
  {
    name: 'truncated JSON',
    text: JSON.stringify([good('2412.00001'), good('2412.00002')]).slice(0, 80),
    records: [],
    problems: [{ where: 'x.json', field: '(file)', message: /^not valid JSON/ }],
  },
  {
    name: 'not an array',
    text: JSON.stringify({ error: 'Invalid date' }),
    records: [],
    problems: [{ where: 'x.json', field: '(file)', message: /expected a JSON array of daily papers, got an object/ }],
  },
  {
    name: 'an item without an id',
    text: JSON.stringify([good('2412.00001'), item({ title: 'No id here' }), good('2412.00003')]),
    records: ['2412.00001', '2412.00003'],
    problems: [{ where: 'x.json#1', field: 'paper.id', message: /no paper id for "No id here"; skipped/ }],
  },
  {
    name: 'an item without a title anywhere',
    text: JSON.stringify([item({ id: '2412.00001', title: '  ' }), good('2412.00002')]),
    records: ['2412.00002'],
    problems: [{ where: 'x.json#0', field: 'paper.title', message: /no title for paper 2412\.00001/ }],
  },
  {
    name: 'an item that is not an object',
    text: JSON.stringify(['2412.00001', null, good('2412.00002')]),
    records: ['2412.00002'],
    problems: [
      { where: 'x.json#0', field: '(item)' },
      { where: 'x.json#1', field: '(item)' },
    ],
  },
  {
    name: 'wrong types are left empty, the record is kept',
    text: JSON.stringify([
      item(
        { id: '2412.00001', title: 'T', upvotes: '12', githubRepo: 'not a url', githubStars: -1, authors: [{ name: 'A' }, { user: 'x' }] },
        { numComments: 1.5 },
      ),
    ]),
    records: ['2412.00001'],
    problems: [
      { where: 'x.json#0', field: 'paper.authors[1]' },
      { where: 'x.json#0', field: 'paper.githubRepo' },
      { where: 'x.json#0', field: 'paper.upvotes', message: /expected a non-negative integer, got the string "12"; left empty/ },
      { where: 'x.json#0', field: 'numComments' },
      { where: 'x.json#0', field: 'paper.githubStars' },
    ],
  },
  {
    name: 'the same paper twice',
    text: JSON.stringify([good('2412.00001v2'), good('2412.00001')]),
    records: ['2412.00001'],
    problems: [{ where: 'x.json#1', field: 'paper.id', message: /2412\.00001 is already item #0/ }],
  },
  { name: 'an empty day', text: '[]', records: [], problems: [] },
];

for (const c of BAD) {
  test(`hf-daily: ${c.name}`, () => {
    const r = run(null, c.text);
    assert.deepEqual(
      r.records.map((x) => x.arxivId),
      c.records,
    );
    assert.deepEqual(
      r.problems.map((p) => ({ where: p.where, field: p.field })).sort(byWhereField),
      c.problems.map((p) => ({ where: p.where, field: p.field })).sort(byWhereField),
    );
    for (const want of c.problems) {
      if (!want.message) continue;
      const got = r.problems.find((p) => p.where === want.where && p.field === want.field)!;
      assert.match(got.message, want.message);
    }
  });
}

test('hf-daily: the top-level title and summary stand in for missing paper fields; a non-arXiv id links to HF', () => {
  const r = run([item({ id: 'some-hf-paper' }, { title: 'From the\n  top', summary: 'Top\nsummary.' })]);
  assert.deepEqual(r.problems, []);
  const x = r.records[0]!;
  assert.equal(x.arxivId, null);
  assert.equal(x.url, 'https://huggingface.co/papers/some-hf-paper');
  assert.equal(x.title, 'From the top');
  assert.equal(x.abstract, 'Top summary.');
  assert.deepEqual([x.upvotes, x.comments, x.githubRepo, x.githubStars, x.publishedAt], [null, null, null, null, null]);
  assert.deepEqual(x.authors, []);
});

test('hf-daily: a bad day is the caller’s mistake and throws', () => {
  assert.throws(() => parseHfDailyPapers('[]', { day: '2024-13-01', where: 'x' }), TypeError);
  assert.throws(() => parseHfDailyPapers('[]', { day: '16.12.2024', where: 'x' }), TypeError);
});

function byWhereField(a: { where: string; field: string }, b: { where: string; field: string }): number {
  return a.where.localeCompare(b.where) || a.field.localeCompare(b.field);
}
