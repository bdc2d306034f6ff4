import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeText } from '../decode.js';
import { parseDailyPapersMarkdown, parsePapersListCsv } from './daily-md.js';

const DIR = fileURLToPath(new URL('../../../../shared/data/pools/l-yohai_daily_papers_ko/', import.meta.url));
const skipReal = existsSync(DIR) ? false : 'needs ../shared/data/pools/l-yohai_daily_papers_ko';
const read = (file: string) => decodeText(readFileSync(`${DIR}${file}`), file);
const parseDay = (day: string) => parseDailyPapersMarkdown(read(`${day}.md`), { where: `${day}.md` });

/** Papers per day file (`grep -c '^### '`): 155 in all, as the data README says. */
const DAYS: Record<string, number> = {
  '2024-03-25': 13,
  '2024-03-26': 8,
  '2024-03-27': 9,
  '2024-03-28': 10,
  '2024-03-29': 5,
  '2024-04-01': 10,
  '2024-04-02': 12,
  '2024-04-03': 11,
  '2024-04-04': 8,
  '2024-04-05': 10,
  '2024-04-08': 9,
  '2024-04-09': 15,
  '2024-04-10': 13,
  '2024-04-11': 7,
  '2024-04-12': 15,
};

for (const [day, count] of Object.entries(DAYS)) {
  test(`daily-md: ${day}.md has ${count} papers and no problems`, { skip: skipReal }, () => {
    const r = parseDay(day);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records.length, count);
    for (const x of r.records) {
      assert.equal(x.source, 'daily-md');
      assert.equal(x.day, day);
      assert.match(x.arxivId ?? '', /^\d{4}\.\d{5}$/);
      assert.equal(x.url, `https://arxiv.org/abs/${x.arxivId}`);
      assert.equal(x.abstract, null); // the Korean bullets are a machine summary, not the abstract
      assert.ok(x.authors.length > 0, `authors of ${x.arxivId}`);
      assert.ok(Number.isInteger(x.upvotes) && x.upvotes! >= 0, `vote of ${x.arxivId}`);
      assert.equal(x.comments, null);
    }
  });
}

test('daily-md: the 15 files hold 155 papers', { skip: skipReal }, () => {
  const all = Object.keys(DAYS).flatMap((d) => parseDay(d).records);
  assert.equal(all.length, 155);
});

test('daily-md: Jamba on 2024-04-01 with 47 votes and its 22 authors', { skip: skipReal }, () => {
  const r = parseDay('2024-04-01');
  const jamba = r.records[0]!;
  assert.deepEqual(
    { ...jamba, authors: jamba.authors.length },
    {
      source: 'daily-md',
      day: '2024-04-01',
      arxivId: '2403.19887',
      url: 'https://arxiv.org/abs/2403.19887',
      title: 'Jamba: A Hybrid Transformer-Mamba Language Model',
      abstract: null,
      authors: 22,
      upvotes: 47,
      comments: null,
      githubRepo: null,
      githubStars: null,
      tags: [],
      publishedAt: null,
    },
  );
  assert.deepEqual(jamba.authors.slice(0, 2), ['Nir Ratner', 'Barak Lenz']);
  assert.equal(jamba.authors.at(-1), 'Shai Shalev-Shwartz');
  assert.deepEqual(
    r.records.map((x) => [x.arxivId, x.upvotes]),
    [
      ['2403.19887', 47],
      ['2403.20041', 23],
      ['2403.20327', 19],
      ['2403.20309', 10],
      ['2403.20329', 10],
      ['2403.19851', 8],
      ['2403.19928', 7],
      ['2403.20275', 7],
      ['2403.20331', 7],
      ['2403.19888', 6],
    ],
  );
  assert.equal(r.records[7]!.title, 'Snap-it, Tap-it, Splat-it: Tactile-Informed 3D Gaussian Splatting for Reconstructing Challenging Surfaces');
});

// ---- bad input -------------------------------------------------------------------------------------

const block = (title: string, id: string, vote = '5', authors = 'A One, B Two') =>
  `### [${title}](https://arxiv.org/abs/${id})\n\n![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png)\n\nVote: ${vote}\n\nAuthors: ${authors}\n\n- 한국어 요약입니다.\n`;
const HEAD = '## Daily Papers (2024-04-01)\n\n';

const BAD: Array<{
  name: string;
  text: string;
  records: Array<[string | null, number | null]>;
  problems: Array<[string, string, RegExp?]>;
}> = [
  {
    name: 'a block without a link',
    // lines: 1 heading, 3 first block, 13 the unlinked heading, 21 the third block
    text: HEAD + block('First', '2404.00001') + '\n### Just a title, no link\n\nVote: 9\n\nAuthors: X\n\n' + block('Third', '2404.00003'),
    records: [
      ['2404.00001', 5],
      ['2404.00003', 5],
    ],
    problems: [['x.md:13', 'link', /no \[title\]\(URL\) link: "Just a title, no link"; skipped/]],
  },
  {
    name: 'no Daily Papers heading',
    text: block('First', '2404.00001'),
    records: [],
    problems: [['x.md:1', 'day', /before any "## Daily Papers/]],
  },
  {
    name: 'a heading whose date is not a day',
    text: '## Daily Papers (2024-04-31)\n\n' + block('First', '2404.00001'),
    records: [],
    problems: [['x.md:1', 'day', /"2024-04-31" is not a YYYY-MM-DD day/]],
  },
  {
    name: 'an empty file',
    text: '',
    records: [],
    problems: [['x.md:1', 'day', /does not look like a daily papers file/]],
  },
  {
    name: 'a bad vote and a missing Authors line keep the record',
    text: HEAD + block('First', '2404.00001', 'many') + '### [Second](https://arxiv.org/abs/2404.00002v3)\n\nVote: 4\n',
    records: [
      ['2404.00001', null],
      ['2404.00002', 4],
    ],
    problems: [
      ['x.md:7', 'vote', /"many" of "First" is not a whole number/],
      ['x.md:12', 'authors', /no "Authors:" line for "Second"/],
    ],
  },
  {
    name: 'the same paper twice on one day',
    text: HEAD + block('First', '2404.00001') + block('First again', '2404.00001v2'),
    records: [['2404.00001', 5]],
    problems: [['x.md:12', 'link', /2404\.00001 is already listed for 2024-04-01 on line 3/]],
  },
  {
    name: 'a link that is not arXiv is kept with its URL',
    text: HEAD + '### [A blog post \\[draft\\]](https://Example.com/post/?utm_source=x)\n\nVote: 1\n\nAuthors: Someone\n',
    records: [[null, 1]],
    problems: [],
  },
];

for (const c of BAD) {
  test(`daily-md: ${c.name}`, () => {
    const r = parseDailyPapersMarkdown(c.text, { where: 'x.md' });
    assert.deepEqual(
      r.records.map((x) => [x.arxivId, x.upvotes]),
      c.records,
    );
    assert.deepEqual(
      r.problems.map((p) => [p.where, p.field]),
      c.problems.map(([w, f]) => [w, f]),
    );
    c.problems.forEach(([, , re], i) => re && assert.match(r.problems[i]!.message, re));
  });
}

test('daily-md: titles keep escaped brackets; non-arXiv URLs are normalised', () => {
  const r = parseDailyPapersMarkdown(
    HEAD + '### [A blog post \\[draft\\]](https://Example.com/post/?utm_source=x)\n\nVote: 1\n\nAuthors: Someone\n',
    { where: 'x.md' },
  );
  assert.equal(r.records[0]!.title, 'A blog post [draft]');
  assert.equal(r.records[0]!.url, 'https://example.com/post');
});

// ---- papers_list.csv -------------------------------------------------------------------------------

const DAY_0401_SNAP = 'Snap-it, Tap-it, Splat-it: Tactile-Informed 3D Gaussian Splatting for Reconstructing Challenging Surfaces';

test('papers-list: the real index has 5,518 papers on 357 days, 2023-11-20 to 2025-05-09', { skip: skipReal }, () => {
  const r = parsePapersListCsv(read('papers_list.csv'));
  assert.deepEqual(r.problems, []);
  assert.equal(r.records.length, 5518);
  assert.equal(new Set(r.records.map((x) => x.day)).size, 357);
  // one paper is listed on two days, under two spellings of its title
  assert.equal(new Set(r.records.map((x) => x.arxivId)).size, 5517);
  const twice = r.records.filter((x) => x.arxivId === '2410.09342');
  assert.deepEqual(
    twice.map((x) => [x.day, x.title]),
    [
      ['2024-10-16', 'LLM$\\times$MapReduce: Simplified Long-Sequence Processing using Large Language Models'],
      ['2024-10-18', 'LLMtimesMapReduce: Simplified Long-Sequence Processing using Large Language Models'],
    ],
  );
  assert.deepEqual(r.records[0], {
    source: 'daily-md',
    day: '2023-11-20',
    arxivId: '2311.10122',
    url: 'https://arxiv.org/abs/2311.10122',
    title: 'Video-LLaVA: Learning United Visual Representation by Alignment Before Projection',
    abstract: null,
    authors: [],
    upvotes: null,
    comments: null,
    githubRepo: null,
    githubStars: null,
    tags: [],
    publishedAt: null,
  });
  assert.equal(r.records.at(-1)!.day, '2025-05-09');
  assert.equal(r.records.at(-1)!.arxivId, '2505.04955');
  // quoted titles: with commas, and with doubled quotes
  assert.equal(
    r.records.find((x) => x.arxivId === '2312.06571')!.title,
    'From Text to Motion: Grounding GPT-4 in a Humanoid Robot "Alter3"',
  );
  assert.equal(
    r.records.find((x) => x.arxivId === '2312.06908')!.title,
    '"I Want It That Way": Enabling Interactive Decision Support Using Large Language Models and Constraint Programming',
  );
  assert.equal(r.records.find((x) => x.arxivId === '2403.20275')!.title, DAY_0401_SNAP);
});

test('papers-list: agrees with the 15 day files of 2024-03-25..04-12 (the same 155 papers on the same days)', { skip: skipReal }, () => {
  const csv = parsePapersListCsv(read('papers_list.csv')).records.filter((x) => x.day >= '2024-03-25' && x.day <= '2024-04-12');
  const md = Object.keys(DAYS).flatMap((d) => parseDay(d).records);
  const key = (x: { day: string; arxivId: string | null; title: string }) => `${x.day} ${x.arxivId} ${x.title}`;
  assert.equal(csv.length, 155);
  assert.deepEqual(csv.map(key).sort(), md.map(key).sort());
});

test('papers-list: bad records are reported with their line, the rest kept', () => {
  const text = [
    'date,title,url',
    '2024-04-01,Jamba: A Hybrid Transformer-Mamba Language Model,https://arxiv.org/abs/2403.19887',
    '2024-04-01,"Snap-it, Tap-it, Splat-it: Tactile-Informed",https://arxiv.org/abs/2403.20275',
    '2024-04-31,Bad day,https://arxiv.org/abs/2404.00001',
    '2024-04-02,,https://arxiv.org/abs/2404.00002',
    '2024-04-02,No url,',
    '2024-04-02,Too many,https://arxiv.org/abs/2404.00003,extra',
    '2024-04-02,"Unclosed quote, then a new line',
    '2024-04-02,Last,https://arxiv.org/abs/2404.00004',
    '',
  ].join('\n');
  const r = parsePapersListCsv(text, { where: 'p.csv' });
  assert.deepEqual(
    r.records.map((x) => [x.day, x.arxivId, x.title]),
    [
      ['2024-04-01', '2403.19887', 'Jamba: A Hybrid Transformer-Mamba Language Model'],
      ['2024-04-01', '2403.20275', 'Snap-it, Tap-it, Splat-it: Tactile-Informed'],
    ],
  );
  // the unclosed quote swallows the rest of the file (its last line included): one bad record
  assert.deepEqual(
    r.problems.map((p) => [p.where, p.field]),
    [
      ['p.csv:4', 'date'],
      ['p.csv:5', 'title'],
      ['p.csv:6', 'url'],
      ['p.csv:7', '(record)'],
      ['p.csv:8', '(record)'],
    ],
  );
});

test('papers-list: a wrong header and an empty file', () => {
  const r = parsePapersListCsv('day,name,link\n2024-04-01,X,https://arxiv.org/abs/2403.19887\n');
  assert.deepEqual(r.records, []);
  assert.deepEqual(
    r.problems.map((p) => [p.where, p.field]),
    [['papers_list.csv:1', '(header)']],
  );
  assert.match(r.problems[0]!.message, /missing columns date, title, url/);
  const e = parsePapersListCsv('');
  assert.deepEqual(e.records, []);
  assert.equal(e.problems[0]!.field, '(header)');
});

test('papers-list: a bare quote inside an unquoted title is part of the title', () => {
  const r = parsePapersListCsv('date,title,url\n2024-04-01,The "Alter3" robot,https://arxiv.org/abs/2312.06571\n2024-04-02,Next,https://arxiv.org/abs/2404.00001\n');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.records.map((x) => x.title),
    ['The "Alter3" robot', 'Next'],
  );
});
