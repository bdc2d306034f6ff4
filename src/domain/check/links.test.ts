import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractLinks, findLinks } from '../draft-check.js';
import { linksRule } from './links.js';
import type { CheckInput } from './types.js';

describe('findLinks', () => {
  const cases: Array<[string, Array<[string, string]>]> = [
    ['see https://github.com/open-compass/GPassK.', [['https://github.com/open-compass/GPassK', 'github.com/open-compass/gpassk']]],
    ['https://mdi-benchmark.github.io/에서 사용할 수 있습니다', [['https://mdi-benchmark.github.io/', 'mdi-benchmark.github.io']]],
    ['go to www.example.com/a, or evil.example/x', [['www.example.com/a', 'example.com/a'], ['evil.example/x', 'evil.example/x']]],
    ['mail me@example.org and cheap-gpus.com', [['me@example.org', 'mailto:me@example.org'], ['cheap-gpus.com', 'cheap-gpus.com']]],
    ['no links, just e.g. 12.29% and GPT-3.5', []],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () => {
      const found = findLinks(text);
      assert.deepEqual(
        found.map((l) => [l.text, l.key]),
        want,
      );
      for (const l of found) assert.equal(text.slice(l.start, l.end), l.text);
      // the same keys as the draft check's extractLinks
      assert.deepEqual(new Set(found.map((l) => l.key)), extractLinks(text));
    });
  }
});

describe('linksRule', () => {
  const cases: Array<{ name: string; input: CheckInput; want: Array<[string, string | null, string | null]> }> = [
    {
      name: 'the same link, with a particle glued to it and the full stop dropped',
      input: { lang: 'ko', source: 'Our code is available at: https://yihao-meng.github.io/AniDoc_demo.', draft: '코드는 https://yihao-meng.github.io/AniDoc_demo에서 확인할 수 있습니다.' },
      want: [],
    },
    {
      name: 'scheme and www. aside',
      input: { lang: 'ko', source: 'at https://www.example.com/x', draft: 'http://example.com/x 에서' },
      want: [],
    },
    {
      name: 'a link left out',
      input: { lang: 'ko', source: 'The benchmark is at https://github.com/open-compass/GPassK.', draft: '벤치마크는 공개되어 있습니다.' },
      want: [['the link "https://github.com/open-compass/GPassK" from the source is not in the draft', 'https://github.com/open-compass/GPassK', null]],
    },
    {
      name: 'a link changed: one missing, one added',
      input: { lang: 'ko', source: 'at https://github.com/a/b', draft: 'https://github.com/a/c 에서' },
      want: [
        ['the link "https://github.com/a/b" from the source is not in the draft', 'https://github.com/a/b', null],
        ['the link "https://github.com/a/c" in the draft is not in the source', null, 'https://github.com/a/c'],
      ],
    },
    {
      name: 'a link added, bare domain too',
      input: { lang: 'ko', source: 'We release the code.', draft: '코드를 공개합니다. 자세한 내용은 cheap-gpus.com 참고.' },
      want: [['the link "cheap-gpus.com" in the draft is not in the source', null, 'cheap-gpus.com']],
    },
    {
      name: 'a path that changed case',
      input: { lang: 'ko', source: 'at https://github.com/open-compass/GPassK.', draft: 'https://GitHub.com/open-compass/gpassk 에서' },
      want: [['the link "https://github.com/open-compass/GPassK" from the source is written "https://GitHub.com/open-compass/gpassk" in the draft', 'https://github.com/open-compass/GPassK', 'https://GitHub.com/open-compass/gpassk']],
    },
    {
      name: 'the host may change case, a trailing slash may go',
      input: { lang: 'ko', source: 'at https://mdi-benchmark.github.io/', draft: 'HTTPS://MDI-Benchmark.GitHub.io에서' },
      want: [],
    },
    {
      name: 'the same link twice is one link',
      input: { lang: 'ko', source: 'https://x.com/a and https://x.com/a', draft: 'https://x.com/a' },
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = linksRule(c.input);
      assert.ok(findings.every((f) => f.rule === 'links' && f.severity === 'error'));
      assert.deepEqual(
        findings.map((f) => [f.message, f.sourceSpan ? c.input.source.slice(...f.sourceSpan) : null, f.draftSpan ? c.input.draft.slice(...f.draftSpan) : null]),
        c.want,
      );
    });
  }
});
