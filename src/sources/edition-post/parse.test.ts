import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PaperboyError } from '../../errors.js';
import { EDITION_POST_LABELS } from './labels.js';
import { parseEditionPost, splitHeading, type PostEntry } from './parse.js';

const SEED = readFileSync(new URL('../../../../shared/seed/000_a9127735c741dfde.txt', import.meta.url), 'utf8');
const post = parseEditionPost(SEED, 'ko');
const HANGUL = /\p{Script=Hangul}/u;

/** The post's first `n` lines, as if the copy had been cut there. */
const firstLines = (n: number) => SEED.split('\n').slice(0, n).join('\n');

describe('parseEditionPost on the reference post (ko, 2024-04-01..07)', () => {
  it('reads title, dates, overview, footer, with no problems', () => {
    assert.equal(post.lang, 'ko');
    assert.equal(post.title, '[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)');
    assert.equal(post.startDate, '2024-04-01');
    assert.equal(post.endDate, '2024-04-07');
    assert.deepEqual(post.problems, []);
    assert.deepEqual(post.sourceUrls, []);
    const bullets = post.overview?.split('\n') ?? [];
    assert.equal(bullets.length, 3);
    for (const b of bullets) assert.match(b, /^- 이/);
    assert.ok(!post.overview?.includes('PyTorchKR'), 'decoration line is skipped');
    assert.ok(!post.overview?.includes('•'), 'bullet markers are replaced');
  });

  it('finds the 10 entries in order', () => {
    assert.deepEqual(
      post.entries.map((e) => [e.line, e.titleEn]),
      [
        [14, 'Many-shot Jailbreaking'],
        [35, 'SWE-Agent'],
        [50, 'Mixture-of-Depths: Dynamically allocating compute in transformer-based language models'],
        [71, 'Long-context LLMs Struggle with Long In-context Learning'],
        [92, 'Visualization-of-Thought Elicits Spatial Reasoning in Large Language Models'],
        [113, 'The Unreasonable Ineffectiveness of the Deeper Layers'],
        [134, 'JetMoE'],
        [164, 'ReFT: Representation Finetuning for Language Models'],
        [185, 'Advancing LLM Reasoning'],
        [206, 'Training LLMs over Neurally Compressed Text'],
      ],
    );
  });

  type Expect = { [K in keyof PostEntry]?: PostEntry[K] | RegExp };
  const cases: { n: number; name: string; expect: Expect }[] = [
    {
      n: 1,
      name: 'Many-shot Jailbreaking: both languages, a more link, no paper link',
      expect: {
        titleTarget: '다발성 탈옥',
        titleEn: 'Many-shot Jailbreaking',
        introTarget: /^LLM의 안전장치를/,
        introEn: /^Proposes a jailbreaking technique .*harmful responses\.$/,
        abstractTarget: /^대규모 언어 모델에 대한 간단한/,
        abstractEn: /^We investigate a family .*attack surface for LLMs\.$/,
        keyMessagesTarget: null,
        keyMessagesEn: null,
        paperUrls: [],
        codeUrls: [],
        moreUrls: ['https://x.com/AnthropicAI/status/1775211248239464837'],
      },
    },
    {
      n: 2,
      name: 'SWE-Agent: no abstract, an empty GitHub link',
      expect: {
        titleTarget: 'SWE-Agent',
        titleEn: 'SWE-Agent',
        introTarget: /^SWE-벤치에서/,
        introEn: /^A new open-source agentic system/,
        abstractTarget: null,
        abstractEn: null,
        codeUrls: [],
        moreUrls: ['https://x.com/jyangballin/status/1775114444370051582'],
      },
    },
    {
      n: 3,
      name: 'Mixture-of-Depths: a colon and parentheses in the target title',
      expect: {
        titleTarget: 'MoD(Mixture-of-Depths): 트랜스포머 기반 언어 모델에서 컴퓨팅을 동적으로 할당하기',
        titleEn: 'Mixture-of-Depths: Dynamically allocating compute in transformer-based language models',
        abstractTarget: /^트랜스포머 기반 언어 모델은/,
        abstractEn: /^Transformer-based language models spread FLOPs/,
      },
    },
    {
      n: 7,
      name: 'JetMoE: one name, key messages, a paper link',
      expect: {
        titleTarget: null,
        titleEn: 'JetMoE',
        introTarget: /^0\.1백만 달러/,
        introEn: /^An 8B model trained/,
        abstractTarget: null,
        abstractEn: null,
        keyMessagesTarget: /^1\. JetMoE-8B는 .*\n2\. .*\n {2}a\. .*\n {2}b\. .*\n3\. JetMoE-8B는 [^\n]*$/,
        keyMessagesEn: /^1\. JetMoE-8B is trained .*\n2\. .*\n {2}a\. It only uses .*\n {2}b\. .*\n3\. JetMoE-8B only has [^\n]*$/,
        paperUrls: ['https://research.myshell.ai/jetmoe'],
        moreUrls: ['https://x.com/omarsar0/status/1775971009469768104'],
      },
    },
    {
      n: 9,
      name: 'Advancing LLM Reasoning: an abstract without bullets or indentation',
      expect: {
        titleTarget: 'LLM 추론의 발전',
        abstractTarget: /^추론에 최적화된 대규모 언어 모델/,
        abstractEn: /^We introduce EURUS/,
        moreUrls: ['https://x.com/lifan__yuan/status/1775217887701278798'],
      },
    },
  ];
  for (const { n, name, expect } of cases) {
    it(`entry ${n}: ${name}`, () => {
      const e = post.entries[n - 1];
      assert.ok(e, `entry ${n} exists`);
      for (const [key, want] of Object.entries(expect) as [keyof PostEntry, Expect[keyof PostEntry]][]) {
        const got: unknown = e[key];
        if (want instanceof RegExp) {
          assert.equal(typeof got, 'string', `${key} is text`);
          assert.match(got as string, want, key);
        } else assert.deepEqual(got, want, key);
      }
    });
  }

  it('JetMoE key messages: 3 items per language', () => {
    const e = post.entries[6]!;
    const items = (s: string | null) => (s ?? '').split('\n').filter((l) => /^\d+\. /.test(l)).length;
    assert.equal(items(e.keyMessagesTarget), 3);
    assert.equal(items(e.keyMessagesEn), 3);
  });

  it('puts Hangul on the target side only, with no bullets or edge whitespace', () => {
    for (const e of post.entries) {
      for (const t of [e.introTarget, e.abstractTarget, e.keyMessagesTarget]) if (t) assert.match(t, HANGUL);
      for (const t of [e.titleEn, e.introEn, e.abstractEn, e.keyMessagesEn]) if (t) assert.doesNotMatch(t, HANGUL);
      for (const t of [e.introTarget, e.introEn, e.abstractTarget, e.abstractEn]) {
        if (!t) continue;
        assert.equal(t, t.trim());
        assert.doesNotMatch(t, /^•|\n\s*•/);
      }
      assert.ok(e.introTarget && e.introEn, `entry ${e.line} has both intros`);
    }
  });
});

describe('parseEditionPost on damaged or unusual input', () => {
  it('rejects a text with no title line', () => {
    assert.throws(
      () => parseEditionPost('다발성 탈옥 / Many-shot Jailbreaking\n\n논문 소개\n\n텍스트\n', 'ko'),
      (err: unknown) =>
        err instanceof PaperboyError &&
        err.code === 'INPUT_INVALID' &&
        err.message ===
          'not an edition post in the reference format: no title line like "[YYYY/MM/DD ~ MM/DD] ..."',
    );
    assert.throws(() => parseEditionPost('', 'ko'), PaperboyError);
  });

  it('rejects a language with no labels', () => {
    assert.throws(
      () => parseEditionPost(SEED, 'xx'),
      (err: unknown) => err instanceof PaperboyError && err.code === 'USAGE',
    );
  });

  it('reads CRLF (and lone CR) input the same as LF', () => {
    assert.deepEqual(parseEditionPost(SEED.replace(/\n/g, '\r\n'), 'ko'), post);
    assert.deepEqual(parseEditionPost(`\uFEFF${SEED.replace(/\n/g, '\r')}`, 'ko'), post);
  });

  it('keeps the complete entries of a post cut mid-entry', () => {
    // Cut inside entry 5's abstract, after the Korean paragraph (line 102).
    const cut = parseEditionPost(firstLines(102), 'ko');
    assert.deepEqual(cut.entries.slice(0, 4), post.entries.slice(0, 4));
    assert.equal(cut.entries.length, 5);
    const e5 = cut.entries[4]!;
    assert.equal(e5.titleEn, 'Visualization-of-Thought Elicits Spatial Reasoning in Large Language Models');
    assert.match(e5.abstractTarget ?? '', /^대규모 언어 모델/);
    assert.equal(e5.abstractEn, null);
    assert.deepEqual(cut.problems, [{ line: 102, message: 'no "원문" footer: the post may be truncated' }]);
  });

  it('reports a section label with no text, and a heading with no sections', () => {
    // Cut right after entry 5's abstract label.
    const a = parseEditionPost(firstLines(101), 'ko');
    assert.equal(a.entries.length, 5);
    assert.deepEqual(a.problems[0], { line: 100, message: '"논문 초록(Abstract)" has no text' });
    // Cut right after entry 9's heading.
    const b = parseEditionPost(firstLines(186), 'ko');
    assert.equal(b.entries.length, 9);
    assert.deepEqual(b.entries.slice(0, 8), post.entries.slice(0, 8));
    assert.deepEqual(
      b.entries[8],
      {
        line: 185,
        titleTarget: 'LLM 추론의 발전',
        titleEn: 'Advancing LLM Reasoning',
        introTarget: null,
        introEn: null,
        abstractTarget: null,
        abstractEn: null,
        keyMessagesTarget: null,
        keyMessagesEn: null,
        paperUrls: [],
        codeUrls: [],
        moreUrls: [],
      },
    );
    assert.deepEqual(b.problems[0], { line: 185, message: 'entry "LLM 추론의 발전 / Advancing LLM Reasoning" has no sections' });
  });

  const mini = (body: string, title = '[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)') =>
    parseEditionPost(`${title}\n\n  • 개요\n\n\n${body}\n\n\n원문\n\nhttps://nlp.elvissaravia.com/p/top-ml-papers-of-the-week\n\n이 글은 GPT 모델로 정리한 것으로…\n\nhttps://discuss.pytorch.kr/\n`, 'ko');

  it('reads date ranges that omit the end year or month', () => {
    const table: [string, string, string][] = [
      ['[2024/04/01 ~ 04/07]', '2024-04-01', '2024-04-07'],
      ['[2024/04/01 ~ 07]', '2024-04-01', '2024-04-07'],
      ['[2024/12/30 ~ 2025/01/05]', '2024-12-30', '2025-01-05'],
      ['[2024/12/30 ~ 01/05]', '2024-12-30', '2025-01-05'],
      ['[2024/04/29 ~ 05]', '2024-04-29', '2024-05-05'],
      ['[2024/12/30 ~ 05]', '2024-12-30', '2025-01-05'],
    ];
    for (const [range, start, end] of table) {
      const p = mini('A / A\n\n논문 소개\n\n소개', `${range} 이번 주의 주요 ML 논문 (Top ML Papers of the Week)`);
      assert.deepEqual([p.startDate, p.endDate], [start, end], range);
    }
    assert.throws(() => mini('', '[2024/02/30 ~ 03/03] 이번 주의 주요 ML 논문'), /invalid start date/);
    assert.throws(() => mini('', '[2024/04/07 ~ 2024/04/01] 이번 주의 주요 ML 논문'), /end date before start date/);
  });

  it('reads footer links, inline link labels, one-language sections and a Korean-only overview', () => {
    const p = mini(
      [
        '토큰 / Tokens / and more',
        '',
        '논문 소개',
        '',
        '    Only the English intro.',
        '',
        '논문 초록(Abstract)',
        '',
        '  • 한국어 초록만 있습니다.',
        '',
        '논문 링크: https://arxiv.org/abs/2404.01234',
        '',
        'GitHub 링크',
        '',
        'https://github.com/a/b https://github.com/a/c',
      ].join('\n'),
    );
    assert.equal(p.overview, '- 개요');
    assert.deepEqual(p.sourceUrls, ['https://nlp.elvissaravia.com/p/top-ml-papers-of-the-week']);
    assert.deepEqual(p.problems, []);
    const e = p.entries[0]!;
    assert.deepEqual([e.titleTarget, e.titleEn], ['토큰', 'Tokens / and more']);
    assert.deepEqual([e.introTarget, e.introEn], [null, 'Only the English intro.']);
    assert.deepEqual([e.abstractTarget, e.abstractEn], ['한국어 초록만 있습니다.', null]);
    assert.deepEqual(e.paperUrls, ['https://arxiv.org/abs/2404.01234']);
    assert.deepEqual(e.codeUrls, ['https://github.com/a/b', 'https://github.com/a/c']);
  });

  it('reports stray text in a link section instead of dropping it silently', () => {
    const p = mini('A / A\n\n논문 소개\n\n소개\n\n더 읽어보기\n\nx.com\n\nhttps://x.com/a/status/1');
    assert.deepEqual(p.entries[0]!.moreUrls, ['https://x.com/a/status/1']);
    assert.deepEqual(p.problems, [{ line: 14, message: 'unexpected text after "더 읽어보기", ignored: "x.com"' }]);
  });

  it('reports a post whose labels do not match the language', () => {
    const p = parseEditionPost('[2024/04/01 ~ 04/07] Top ML Papers of the Week\n\nA\n\nIntro\n\nText\n', 'ko');
    assert.equal(p.entries.length, 0);
    assert.deepEqual(
      p.problems.map((x) => x.message),
      [
        'title does not contain "이번 주의 주요 ML 논문" (is the language "ko" right?)',
        'no "원문" footer: the post may be truncated',
        'no entries: no heading followed by "논문 소개"',
      ],
    );
  });
});

describe('splitHeading', () => {
  const ko = EDITION_POST_LABELS['ko']!.script;
  const table: [string, string | null, string][] = [
    ['다발성 탈옥 / Many-shot Jailbreaking', '다발성 탈옥', 'Many-shot Jailbreaking'],
    ['JetMoE', null, 'JetMoE'],
    ['SWE-Agent / SWE-Agent', 'SWE-Agent', 'SWE-Agent'],
    ['입력 / 출력 모델 / Input / Output Models', '입력 / 출력 모델', 'Input / Output Models'],
    ['A / B / A / B', 'A / B', 'A / B'],
    ['한국어만', '한국어만', ''],
  ];
  for (const [heading, target, en] of table) {
    it(heading, () => assert.deepEqual(splitHeading(heading, ko), { target, en }));
  }
});

describe('parseEditionPost: a section label before any heading', () => {
  it('reports it and keeps its text out of the overview', () => {
    const p = parseEditionPost('[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문\n\n  • 개요\n\n논문 초록(Abstract)\n\n초록\n\n원문\n', 'ko');
    assert.equal(p.overview, '- 개요');
    assert.deepEqual(p.problems.slice(0, 1), [
      { line: 5, message: '"논문 초록(Abstract)" appears before any paper heading; its text is ignored' },
    ]);
  });
});
