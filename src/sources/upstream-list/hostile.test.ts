// Hostile upstream lists: no crash, no stack overflow, every bad row named, the good rows kept.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstreamList } from './parse.js';

const HEAD = '## Top ML Papers of the Week (April 1 - April 7) - 2024\n| **Paper**  | **Links** |\n| ------------- | ------------- |\n';
const ROW = (n: number, id: string) => `| ${n}) **Paper ${n}** - an intro. | [Paper](https://arxiv.org/abs/${id}), [Tweet](https://x.com/a/status/${n}) |\n`;

describe('parseUpstreamList on hostile input', () => {
  it('a 10 MB row is parsed without a crash and its neighbours are kept', () => {
    const huge = `| 2) **Huge** - ${'x'.repeat(10 * 1024 * 1024)} | [Paper](https://arxiv.org/abs/2404.00002) |\n`;
    const r = parseUpstreamList(HEAD + ROW(1, '2404.00001') + huge + ROW(3, '2404.00003'));
    assert.equal(r.editions.length, 1);
    assert.deepEqual(r.editions[0]!.entries.map((e) => e.position), [1, 2, 3]);
  });

  it('lists nested 10,000 deep inside an edition do not overflow the stack', () => {
    const nested = Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i * 2)}- item\n`).join('');
    const r = parseUpstreamList(HEAD + ROW(1, '2404.00001') + '\n' + nested);
    assert.equal(r.editions[0]!.entries.length, 1);
  });

  it('block quotes nested 10,000 deep', () => {
    const r = parseUpstreamList(HEAD + ROW(1, '2404.00001') + '\n' + '>'.repeat(10_000) + ' deep\n');
    assert.equal(r.editions[0]!.entries.length, 1);
  });

  it('a list where the table was expected is reported against the edition', () => {
    const r = parseUpstreamList('## Top ML Papers of the Week (April 1 - April 7) - 2024\n- 1) **Paper** - intro [Paper](https://arxiv.org/abs/2404.00001)\n');
    assert.equal(r.editions.length, 0);
    assert.ok(r.problems.length >= 1);
    assert.ok(r.problems.every((p) => p.line >= 1));
  });

  it('a link with no URL does not count as a link', () => {
    const r = parseUpstreamList(HEAD + '| 1) **No id** - intro | [Paper]() |\n' + ROW(2, '2404.00002'));
    assert.deepEqual(r.editions[0]!.entries.map((e) => e.position), [2]);
    assert.equal(r.problems[0]!.field, 'links');
    assert.equal(r.problems[0]!.line, 4);
  });

  it('the same arXiv paper twice in one edition gives two entries of one paper', () => {
    const r = parseUpstreamList(HEAD + ROW(1, '2404.00001') + ROW(2, '2404.00001v2'));
    const [a, b] = r.editions[0]!.entries;
    assert.equal(a!.paper.key, b!.paper.key);
  });

  it('50,000 unbalanced brackets and emphasis runs', () => {
    const r = parseUpstreamList(HEAD + ROW(1, '2404.00001') + '['.repeat(50_000) + '\n' + '*a **a '.repeat(5_000) + '\n');
    assert.equal(r.editions[0]!.entries.length, 1);
  });
});
