import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMarkup } from '../draft-check.js';
import { hygieneRule, invisibleRuns, MAX_INVISIBLE_FINDINGS } from './hygiene.js';
import type { CheckInput } from './types.js';

describe('invisibleRuns', () => {
  const cases: Array<[string, Array<[number, number, number[]]>]> = [
    ['모델\u200B을', [[2, 3, [0x200b]]]],
    ['a\u202E\u2066b', [[1, 3, [0x202e, 0x2066]]]],
    ['\uFEFF첫 줄', []],
    ['중간\uFEFF에', [[2, 3, [0xfeff]]]],
    ['tag\u{E0041}\u{E0042}', [[3, 7, [0xe0041, 0xe0042]]]],
    // an emoji sequence keeps its joiner; a joiner between letters is stray
    ['👨\u200D👩 가\u200D나', [[7, 8, [0x200d]]]],
    ['보통 문장입니다.', []],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () =>
      assert.deepEqual(
        invisibleRuns(text).map((r) => [...r.span, r.codePoints]),
        want,
      ),
    );
  }
});

describe('findMarkup', () => {
  it('finds tags with their places, an active opening once', () => {
    const text = '앞 <b>굵게</b> <img src=x onerror=alert(1)> 뒤';
    assert.deepEqual(
      findMarkup(text).map((m) => [m.text, text.slice(m.start, m.end)]),
      [
        ['<b>', '<b>'],
        ['</b>', '</b>'],
        ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
      ],
    );
  });
});

describe('hygieneRule', () => {
  const cases: Array<{ name: string; input: CheckInput; want: Array<[string, string, string | null]> }> = [
    {
      name: 'a clean draft',
      input: { lang: 'ko', source: 'We use **bold** and `code` [link](https://x.com/a) (k).', draft: '**굵게**와 `code`, [링크](https://x.com/a) (k)를 씁니다.' },
      want: [],
    },
    {
      name: 'a zero-width space',
      input: { lang: 'ko', source: 'The model', draft: '모델\u200B을 제안합니다' },
      want: [['error', 'the draft has an invisible character, U+200B (zero width space), between "모델" and "을 제안합니다"', '\u200B']],
    },
    {
      name: 'bidi overrides in a run',
      input: { lang: 'ko', source: 'x', draft: '정상 \u202E\u2066txt.exe' },
      want: [['error', 'the draft has 2 invisible characters, U+202E (right-to-left override), U+2066 (left-to-right isolate), between "정상 " and "txt.exe"', '\u202E\u2066']],
    },
    {
      name: 'a BOM inside the text, but not at its start',
      input: { lang: 'ko', source: 'x', draft: '\uFEFF첫 줄\uFEFF 둘째' },
      want: [['error', 'the draft has an invisible character, U+FEFF (byte order mark), between "첫 줄" and " 둘째"', '\uFEFF']],
    },
    {
      name: 'unbalanced bold and brackets',
      input: { lang: 'ko', source: 'A **bold** claim (see [1]).', draft: '**굵은 주장 (참고 [1].' },
      want: [
        ['warning', 'unbalanced Markdown: the draft has 1 "**", the last in "**굵은 주장 (참고 [1]."', '**'],
        ['warning', 'unbalanced Markdown: "(" without a partner in "**굵은 주장 (참고 [1]."', '('],
      ],
    },
    {
      name: 'an unclosed code span',
      input: { lang: 'ko', source: 'call `f()` now', draft: '`f() 를 호출' },
      want: [['warning', 'unbalanced Markdown: the draft has 1 "`", the last in "`f() 를 호출"', '`']],
    },
    {
      name: 'the source has them unbalanced too: not the draft’s fault',
      input: { lang: 'ko', source: 'advantages: 1) efficiency, 2) scale', draft: '장점: 1) 효율성, 2) 확장성' },
      want: [],
    },
    {
      name: 'underscores inside links are not Markdown',
      input: { lang: 'ko', source: 'see x', draft: 'https://x.com/lifan__yuan/status/1 참고' },
      want: [],
    },
    {
      name: 'HTML the source lacks',
      input: { lang: 'ko', source: 'A <b>bold</b> claim.', draft: '<b>굵은</b> 주장<br>입니다 <script>alert(1)</script>' },
      want: [
        ['error', 'the draft has markup the source does not: "<br>"', '<br>'],
        ['error', 'the draft has markup the source does not: "<script>"', '<script>'],
        ['error', 'the draft has markup the source does not: "</script>"', '</script>'],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = hygieneRule(c.input);
      assert.ok(findings.every((f) => f.rule === 'hygiene' && f.sourceSpan === null));
      assert.deepEqual(
        findings.map((f) => [f.severity, f.message, f.draftSpan ? c.input.draft.slice(...f.draftSpan) : null]),
        c.want,
      );
    });
  }

  it(`reports at most ${MAX_INVISIBLE_FINDINGS} runs of invisible characters, then counts the rest`, () => {
    const draft = Array.from({ length: 30 }, (_, i) => `글${i}\u200B`).join(' ');
    const findings = hygieneRule({ lang: 'ko', source: 'x', draft });
    assert.equal(findings.length, MAX_INVISIBLE_FINDINGS + 1);
    assert.equal(findings.at(-1)!.message, 'the draft has 10 more runs of invisible characters');
  });
});
