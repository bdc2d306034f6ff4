import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeText } from '../decode.js';
import { parseUpstreamCsv } from './csv.js';

const REAL = new URL('../../../../shared/data/upstream/dair-ai/ml-potw-10232023.csv', import.meta.url);
const skipReal = existsSync(fileURLToPath(REAL)) ? false : 'needs ../shared/data/upstream/dair-ai/ml-potw-10232023.csv';
const readReal = (): string => decodeText(readFileSync(REAL), 'ml-potw-10232023.csv');

const HEADER = 'Title,Description,PaperURL,TweetURL,Abstract';
// real records from the CSV (lines 3 and 88; Giraffe's abstract spans two lines)
const SE =
  'LLMs for Software Engineering,"a comprehensive survey of LLMs for software engineering, including open research and technical challenges.",https://arxiv.org/abs/2310.03533,https://x.com/omarsar0/status/1713940983199506910?s=20,"This paper provides a survey of the emerging area of Large Language Models (LLMs) for Software Engineering (SE)."';
const GIRAFFE =
  'Giraffe,"a new family of models that are fine-tuned from base Llama and Llama 2; extends the context length to 4K, 16K, and 32K.",https://arxiv.org/abs/2308.10882,https://twitter.com/bindureddy/status/1694126931174977906?s=20,"Modern large language models (LLMs) that rely on attention mechanisms are typically trained with fixed context lengths.\nWe release the weights of Giraffe."';

test('csv: the real 2023 CSV has 420 rows and no problems', { skip: skipReal }, () => {
  const r = parseUpstreamCsv(readReal());
  assert.deepEqual(r.problems, []);
  assert.equal(r.rows.length, 420);
  const first = r.rows[0]!;
  assert.equal(first.line, 2);
  assert.equal(first.title, 'Llemma');
  assert.ok(first.intro.startsWith('an LLM for mathematics which is based on continued pretraining from Code Llama'));
  assert.equal(first.paper.key, 'arxiv:2310.10631');
  assert.equal(first.tweetUrl, 'https://x.com/zhangir_azerbay/status/1714098025956864031?s=20');
  assert.ok(first.abstract!.startsWith('We present Llemma, a large language model for mathematics.'));

  const giraffe = r.rows.find((x) => x.title === 'Giraffe')!;
  assert.equal(giraffe.line, 88);
  assert.ok(giraffe.abstract!.startsWith('Modern large language models (LLMs) that rely on attention mechanisms are typica'));
  assert.equal(r.rows[r.rows.indexOf(giraffe) + 1]!.line, 90); // Giraffe's abstract ends on line 89

  const alignment = r.rows.find((x) => x.title === 'LLM Alignment Survey')!;
  assert.equal(alignment.line, 38);
  assert.equal(alignment.abstract!.split('\n').length, 3); // paragraph breaks kept

  const genbench = r.rows.find((x) => x.title === 'GenBench')!;
  assert.equal(genbench.abstract, null);
  assert.equal(genbench.paper.key, 'url:https://nature.com/articles/s42256-023-00729-y');

  const last = r.rows.at(-1)!;
  assert.equal(last.title, 'A Succinct Summary of Reinforcement Learning');
  assert.equal(last.paper.key, 'arxiv:2301.01379');
  assert.equal(r.rows.filter((x) => x.tweetUrl === null).length, 4);
  assert.equal(r.rows.filter((x) => x.paper.arxivId !== null).length, 387);
});

test('csv: quoted newlines, record start lines, CRLF + BOM through decodeText', () => {
  const text = [HEADER, SE, '', GIRAFFE, SE.replace('LLMs for Software Engineering', 'Again')].join('\r\n') + '\r\n';
  const r = parseUpstreamCsv(decodeText(new TextEncoder().encode('\uFEFF' + text), 't.csv'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.rows.map((x) => [x.line, x.title]),
    [
      [2, 'LLMs for Software Engineering'],
      [4, 'Giraffe'],
      [6, 'Again'],
    ],
  );
  assert.equal(r.rows[1]!.abstract!.split('\n')[1], 'We release the weights of Giraffe.');
});

test('csv: missing header columns → one problem, no rows', () => {
  const r = parseUpstreamCsv('Title,Description,URL\nLlemma,an LLM,https://arxiv.org/abs/2310.10631\n');
  assert.deepEqual(r.rows, []);
  assert.equal(r.problems.length, 1);
  assert.deepEqual([r.problems[0]!.line, r.problems[0]!.field], [1, 'header']);
  assert.match(r.problems[0]!.message, /missing columns PaperURL, TweetURL, Abstract/);
  assert.equal(parseUpstreamCsv('').problems[0]!.field, 'header');
});

test('csv: a row without PaperURL, without a title, with too few fields → problems; siblings kept', () => {
  const text = [
    HEADER,
    SE,
    'No Paper,"an intro",,https://x.com/a/status/1,"abstract"',
    ',"an intro",https://arxiv.org/abs/2301.00001,,',
    'Short,"an intro"',
    'Not a URL,"x",see the blog,,',
    GIRAFFE,
  ].join('\n');
  const r = parseUpstreamCsv(text);
  assert.deepEqual(
    r.rows.map((x) => [x.line, x.title]),
    [
      [2, 'LLMs for Software Engineering'],
      [7, 'Giraffe'],
    ],
  );
  assert.deepEqual(
    r.problems.map((p) => [p.line, p.field]),
    [
      [3, 'links'],
      [4, 'title'],
      [5, 'table'],
      [6, 'links'],
    ],
  );
  assert.match(r.problems[0]!.message, /no PaperURL for "No Paper"/);
});

test('csv: a broken quote is reported at the record where it starts', () => {
  // the stray quote runs into the next record's quoted field
  const mid = parseUpstreamCsv([HEADER, SE, 'Broken,"never closed,https://arxiv.org/abs/2301.00001,,', SE].join('\n'));
  assert.deepEqual(
    mid.rows.map((x) => x.line),
    [2],
  );
  assert.deepEqual(
    mid.problems.map((p) => [p.line, p.field]),
    [[3, 'table']],
  );
  assert.match(mid.problems[0]!.message, /^not a valid CSV record: Invalid Closing Quote/);
  // the file ends inside the quote (a truncated download)
  const end = parseUpstreamCsv([HEADER, SE, GIRAFFE.slice(0, -20)].join('\n'));
  assert.deepEqual(
    end.rows.map((x) => x.line),
    [2],
  );
  assert.deepEqual(
    end.problems.map((p) => [p.line, p.field]),
    [[3, 'table']],
  );
  assert.match(end.problems[0]!.message, /Quote Not Closed/);
});
