import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CandidateRecord } from '../candidates.js';
import { parseMonologgMonth } from './monologg.js';

const DIR = fileURLToPath(new URL('../../../../shared/data/pools/monologg_nlp-arxiv-daily/', import.meta.url));
const skipReal = existsSync(DIR) ? false : 'needs ../shared/data/pools/monologg_nlp-arxiv-daily';
const parseFile = (file: string) => parseMonologgMonth(readFileSync(`${DIR}${file}`, 'utf8'), { where: file });

const SECTIONS = [
  'NLP', 'LLM', 'LLM Agent', 'Multi-Agent', 'RAG', 'Reasoning', 'Tool Use', 'Multimodal LLM', 'Long Context',
  'LLM Efficiency', 'Alignment', 'LLM Safety', 'LLM Evaluation', 'Code LLM', 'Speech LLM', 'Legal NLP',
  'Medical NLP', 'Multilingual NLP', 'Named Entity Recognition', 'Information Extraction', 'Text Classification',
  'Question Answering', 'Sentiment Analysis', 'Knowledge Graph',
];

interface Expect {
  /** distinct arXiv ids (`jq '[.[] | keys[]] | unique | length'`) */
  records: number;
  /** rows over all sections: every row becomes one tag */
  rows: number;
  withCode: number;
  /** records by their number of tags */
  tagCounts: Record<number, number>;
  /** records by the month of their day (rows dated outside the file's month are real) */
  months: Record<string, number>;
  check: Array<Partial<CandidateRecord> & { arxivId: string }>;
}

const FILES: Record<string, Expect> = {
  '2024-03.json': {
    records: 1979,
    rows: 2640,
    withCode: 468,
    tagCounts: { 1: 1443, 2: 430, 3: 90, 4: 15, 7: 1 },
    months: { '2023-11': 1, '2024-01': 6, '2024-02': 80, '2024-03': 1891, '2024-04': 1 },
    check: [
      {
        arxivId: '2403.19887',
        day: '2024-03-28',
        url: 'https://arxiv.org/abs/2403.19887',
        title: 'Jamba: A Hybrid Transformer-Mamba Language Model',
        authors: ['Opher Lieber'],
        githubRepo: null,
        tags: ['LLM', 'Long Context'],
      },
      // a table row (NLP, …) with a `**[link](…)**` code cell
      {
        arxivId: '2403.01309',
        day: '2024-03-02',
        title: 'VNLP: Turkish NLP Package',
        authors: ['Meliksah Turker'],
        githubRepo: 'https://github.com/selimfirat/bilkent-turkish-writings-dataset',
        tags: ['NLP', 'Named Entity Recognition', 'Sentiment Analysis'],
      },
      // v1 in the NLP table ("SimuCourt…", with code), v3 in two lists ("AgentsCourt…", no code):
      // the title of the newest version, the code link of the only row that has one
      {
        arxivId: '2403.02959',
        day: '2024-03-05',
        title: 'AgentsCourt: Building Judicial Decision-Making Agents with Court Debate Simulation and Legal Knowledge Augmentation',
        authors: ['Zhitao He'],
        githubRepo: 'https://github.com/zhitao-he/simucourt',
        tags: ['NLP', 'LLM', 'LLM Agent'],
      },
      // list rows with a `**[url](url)**` code link; the row's date is before the id's month
      { arxivId: '2403.08773', day: '2024-01-18', githubRepo: 'https://github.com/superagi/veagle', tags: ['LLM', 'Multimodal LLM'] },
    ],
  },
  '2024-04.json': {
    records: 1947, // as the data README says
    rows: 2660,
    withCode: 476,
    tagCounts: { 1: 1359, 2: 484, 3: 87, 4: 14, 5: 2, 6: 1 },
    months: { '2024-01': 1, '2024-02': 6, '2024-03': 119, '2024-04': 1821 },
    check: [
      {
        arxivId: '2404.07143',
        day: '2024-04-10',
        title: 'Leave No Context Behind: Efficient Infinite Context Transformers with Infini-attention',
        authors: ['Tsendsuren Munkhdalai'],
        tags: ['LLM', 'Long Context'],
      },
      // three rows dated 04-02 (v1), 04-02 (v3), 04-06 (v2): the earliest day
      { arxivId: '2404.01800', day: '2024-04-02', authors: ['Walid Hariri'], tags: ['NLP', 'LLM', 'Sentiment Analysis'] },
      // code link in the NLP row only
      { arxivId: '2404.10097', day: '2024-04-15', githubRepo: 'https://github.com/amit5-ai/LegalPro-BERT', tags: ['NLP', 'LLM', 'Legal NLP'] },
    ],
  },
};

for (const [file, want] of Object.entries(FILES)) {
  test(`monologg: ${file} has ${want.records} papers from ${want.rows} rows and no problems`, { skip: skipReal }, () => {
    const r = parseFile(file);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records.length, want.records);
    assert.equal(
      r.records.reduce((n, x) => n + x.tags.length, 0),
      want.rows,
    );
    assert.equal(r.records.filter((x) => x.githubRepo !== null).length, want.withCode);
    const tagCounts: Record<number, number> = {};
    const months: Record<string, number> = {};
    const sections = new Set<string>();
    for (const x of r.records) {
      tagCounts[x.tags.length] = (tagCounts[x.tags.length] ?? 0) + 1;
      months[x.day.slice(0, 7)] = (months[x.day.slice(0, 7)] ?? 0) + 1;
      for (const t of x.tags) sections.add(t);
      assert.equal(x.source, 'monologg');
      assert.match(x.arxivId ?? '', /^\d{4}\.\d{5}$/);
      assert.equal(x.url, `https://arxiv.org/abs/${x.arxivId}`);
      assert.ok(x.title && !x.title.includes('**'), x.title);
      assert.equal(x.authors.length, 1);
      assert.ok(!/et\.? ?al/.test(x.authors[0]!), x.authors[0]);
      assert.deepEqual([x.abstract, x.upvotes, x.comments, x.githubStars, x.publishedAt], [null, null, null, null, null]);
    }
    assert.deepEqual(tagCounts, want.tagCounts);
    assert.deepEqual(months, want.months);
    assert.deepEqual([...sections].sort(), [...SECTIONS].sort());
    for (const c of want.check) {
      const got = r.records.find((x) => x.arxivId === c.arxivId);
      assert.ok(got, `${c.arxivId} in ${file}`);
      for (const [k, v] of Object.entries(c)) assert.deepEqual(got[k as keyof CandidateRecord], v, `${c.arxivId}.${k}`);
    }
  });
}

// ---- bad input -------------------------------------------------------------------------------------

const tableRow = (id: string, title = `Paper ${id}`, date = '2024-04-02', code = 'null') =>
  `|**${date}**|**${title}**|Ann Author et.al.|[${id}v1](http://arxiv.org/abs/${id}v1)|${code}|\n`;
const listRow = (id: string, title = `Paper ${id}`, date = '2024-04-02', v = 2) =>
  `- ${date}, **${title}**, Ann Author et.al., Paper: [http://arxiv.org/abs/${id}v${v}](http://arxiv.org/abs/${id}v${v})\n`;
const run = (doc: unknown, text = JSON.stringify(doc)) => parseMonologgMonth(text, { where: 'm.json' });

const BAD: Array<{ name: string; text: string; records: string[]; problems: Array<[string, string, RegExp?]> }> = [
  {
    name: 'truncated JSON',
    text: JSON.stringify({ NLP: { '2404.00001': tableRow('2404.00001') } }).slice(0, 50),
    records: [],
    problems: [['m.json', '(file)', /^not valid JSON/]],
  },
  {
    name: 'not an object of sections',
    text: '[1, 2]',
    records: [],
    problems: [['m.json', '(file)', /expected an object of topic sections, got an array/]],
  },
  {
    name: 'a table row without an id',
    text: JSON.stringify({
      NLP: {
        '2404.00001': tableRow('2404.00001'),
        '2404.00002': '|**2024-04-02**|**No link here**|Ann Author et.al.|2404.00002|null|\n',
        '2404.00003': tableRow('2404.00003'),
      },
    }),
    records: ['2404.00001', '2404.00003'],
    problems: [['m.json#NLP/2404.00002', 'paper', /^NLP 2404\.00002: no \[id\]\(arXiv URL\) link in the paper cell "2404\.00002"/]],
  },
  {
    name: 'a list item without a Paper link, and a key that is not an id',
    text: JSON.stringify({
      LLM: {
        '2404.00001': listRow('2404.00001'),
        '2404.00002': '- 2024-04-02, **Title**, Ann Author et.al.\n',
        'not-an-id': listRow('2404.00003'),
      },
    }),
    records: ['2404.00001'],
    problems: [
      ['m.json#LLM/2404.00002', 'row', /a list item that is not/],
      ['m.json#LLM/not-an-id', 'id', /the key "not-an-id" is not an arXiv id/],
    ],
  },
  {
    name: 'bad cells: date, title, mismatched link, too few cells, not a string, unknown format',
    text: JSON.stringify({
      NLP: {
        '2404.00001': tableRow('2404.00001', 'T', '2024-02-30'),
        '2404.00002': tableRow('2404.00002', ' '),
        '2404.00003': tableRow('2404.00004'),
        '2404.00005': '|**2024-04-02**|**T**|[2404.00005v1](http://arxiv.org/abs/2404.00005v1)|\n',
        '2404.00006': 42,
        '2404.00007': 'Paper 2404.00007 on 2024-04-02',
        '2404.00008': tableRow('2404.00008'),
      },
      Broken: 'not an object',
    }),
    records: ['2404.00008'],
    problems: [
      ['m.json#NLP/2404.00001', 'date', /"2024-02-30" is not a YYYY-MM-DD day/],
      ['m.json#NLP/2404.00002', 'title'],
      ['m.json#NLP/2404.00003', 'paper', /the paper link is for 2404\.00004, not 2404\.00003/],
      ['m.json#NLP/2404.00005', 'row', /a table row with 3 cells, expected 5/],
      ['m.json#NLP/2404.00006', 'row', /expected a Markdown row, got number 42/],
      ['m.json#NLP/2404.00007', 'row', /neither a table row/],
      ['m.json#Broken', 'section', /section "Broken" should map arXiv ids to rows/],
    ],
  },
  {
    name: 'a bad code cell keeps the row without code',
    text: JSON.stringify({ NLP: { '2404.00001': tableRow('2404.00001', 'T', '2024-04-02', 'see the paper') } }),
    records: ['2404.00001'],
    problems: [['m.json#NLP/2404.00001', 'code', /the code cell "see the paper" is not a link; left empty/]],
  },
];

for (const c of BAD) {
  test(`monologg: ${c.name}`, () => {
    const r = run(null, c.text);
    assert.deepEqual(
      r.records.map((x) => x.arxivId),
      c.records,
    );
    assert.deepEqual(
      r.problems.map((p) => [p.where, p.field]),
      c.problems.map(([w, f]) => [w, f]),
    );
    c.problems.forEach(([, , re], i) => re && assert.match(r.problems[i]!.message, re));
  });
}

test('monologg: a bad row of a paper does not lose its other sections', () => {
  const r = run({
    NLP: { '2404.00001': '|**2024-04-02**|**T**|A et.al.|no link|null|\n' },
    LLM: { '2404.00001': listRow('2404.00001', 'Kept') },
  });
  assert.deepEqual(
    r.records.map((x) => [x.arxivId, x.title, x.tags]),
    [['2404.00001', 'Kept', ['LLM']]],
  );
  assert.deepEqual(
    r.problems.map((p) => p.where),
    ['m.json#NLP/2404.00001'],
  );
});

test('monologg: merging rows: earliest day, newest version’s title and author, first code link in that order', () => {
  const r = run({
    NLP: {
      '2404.00001': tableRow('2404.00001', 'Old title', '2024-04-05', '**[link](http://GitHub.com/o/r/)**'),
    },
    LLM: { '2404.00001': listRow('2404.00001', 'New title', '2024-04-03', 3).replace('Ann Author', 'Bo Writer') },
    RAG: { '2404.00001': listRow('2404.00001', 'Middle title', '2024-04-04', 2) },
  });
  assert.deepEqual(r.problems, []);
  const x = r.records[0]!;
  assert.equal(x.day, '2024-04-03');
  assert.equal(x.title, 'New title');
  assert.deepEqual(x.authors, ['Bo Writer']);
  assert.equal(x.githubRepo, 'https://github.com/o/r');
  assert.deepEqual(x.tags, ['NLP', 'LLM', 'RAG']);
});

test('monologg: a `|` inside a title (escaped or not) stays in the title', () => {
  const r = run({
    NLP: {
      '2404.00001': tableRow('2404.00001', 'A \\| B'),
      '2404.00002': tableRow('2404.00002', 'C | D'),
    },
  });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.records.map((x) => x.title),
    ['A | B', 'C | D'],
  );
});
