import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { omissionRule, splitEnglish, splitTarget, textLength } from './omission.js';
import type { CheckInput } from './types.js';

describe('splitEnglish', () => {
  const cases: Array<[string, string[]]> = [
    ['We find X. However, Y holds.', ['We find X.', 'However, Y holds.']],
    ['As Smith et al. show in Fig. 3, it works (e.g., posture). It is 12.29% better.', ['As Smith et al. show in Fig. 3, it works (e.g., posture).', 'It is 12.29% better.']],
    ['Is it? Yes! "Quoted." Next.', ['Is it?', 'Yes!', '"Quoted."', 'Next.']],
    ['A model of size N. We test it.', ['A model of size N.', 'We test it.']],
    ['1. First item.\n2. Second item:\n  a. sub item\n  b. another', ['First item.', 'Second item:', 'sub item', 'another']],
    ['hard-wrapped\nline. Next\nline.', ['hard-wrapped\nline.', 'Next\nline.']],
    ['no full stop at the end', ['no full stop at the end']],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () => {
      const got = splitEnglish(text);
      assert.deepEqual(
        got.map((s) => s.text),
        want,
      );
      for (const s of got) assert.equal(text.slice(...s.span), s.text);
    });
  }
});

describe('splitTarget', () => {
  const cases: Array<[string, string[]]> = [
    ['모델을 제안합니다. 이는 12.29% 향상입니다.', ['모델을 제안합니다.', '이는 12.29% 향상입니다.']],
    ['제안합니다.이는 붙어 있습니다.', ['제안합니다.', '이는 붙어 있습니다.']],
    ['정말인가요? 그렇습니다! (예: 포즈) 입니다.', ['정말인가요?', '그렇습니다!', '(예: 포즈) 입니다.']],
    ['e.g. 같은 약어는 나누지 않습니다.', ['e.g. 같은 약어는 나누지 않습니다.']],
    ['1. 첫째입니다.\n2. 둘째:\n  a. 하위 항목', ['첫째입니다.', '둘째:', '하위 항목']],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () => {
      const got = splitTarget(text);
      assert.deepEqual(
        got.map((s) => s.text),
        want,
      );
      for (const s of got) assert.equal(text.slice(...s.span), s.text);
    });
  }
});

describe('textLength', () => {
  it('counts code points, whitespace runs as one', () => assert.equal(textLength('  가나 \n\n 다😀 '), 5));
});

// A real pair (the Eurus abstract of the reference post, shortened to its first four sentences).
const EN = [
  'We introduce EURUS, a suite of large language models (LLMs) optimized for reasoning.',
  'Finetuned from Mistral-7B and CodeLlama-70B, EURUS models achieve state-of-the-art results among open-source models on a diverse set of benchmarks covering mathematics, code generation, and logical reasoning problems.',
  'The strong performance of EURUS can be primarily attributed to ULTRAINTERACT, our newly-curated large-scale, high-quality alignment dataset specifically designed for complex reasoning tasks.',
  'Inspired by this, we derive a novel reward modeling objective which, together with ULTRAINTERACT, leads to a strong reward model.',
];
const KO = [
  '추론에 최적화된 대규모 언어 모델(LLM) 제품군인 EURUS를 소개합니다.',
  'Mistral-7B와 CodeLlama-70B에서 미세 조정된 EURUS 모델은 수학, 코드 생성, 논리적 추론 문제를 포괄하는 다양한 벤치마크에서 오픈 소스 모델 중 최고 수준의 결과를 달성했습니다.',
  'EURUS의 강력한 성능은 복잡한 추론 작업을 위해 특별히 설계된 새로 큐레이팅된 대규모 고품질 정렬 데이터 세트인 ULTRAINTERACT에 기인합니다.',
  '이에 영감을 받아 ULTRAINTERACT와 함께 강력한 보상 모델로 이어지는 새로운 보상 모델링 목표를 도출했습니다.',
];
const source = EN.join(' ');
const draft = KO.join(' ');

describe('omissionRule', () => {
  const cases: Array<{ name: string; input: CheckInput; want: Array<[string, string, string | null, string | null]> }> = [
    { name: 'a complete translation', input: { lang: 'ko', source, draft }, want: [] },
    {
      name: 'a draft cut after its first sentence: an error, the rest of the source as the likely gap',
      input: { lang: 'ko', source, draft: KO[0]! },
      want: [
        [
          'error',
          `the draft is 7% as long as the source (1 sentences and 42 characters against the source's 4 and 623); text was likely left out, the draft ends with "추론에 최적화된 대규모 언어 모델(LLM) 제품군인 EURUS를 소개합니다."`,
          EN.slice(1).join(' '),
          null,
        ],
      ],
    },
    {
      name: 'a short draft with as many sentences: a warning',
      input: { lang: 'ko', source, draft: '모델을 소개합니다. 결과가 좋습니다. 데이터 덕분입니다. 보상 모델을 만듭니다.' },
      want: [
        [
          'warning',
          `the draft is 7% as long as the source (4 sentences and 44 characters against the source's 4 and 623); text was likely left out, the draft ends with "보상 모델을 만듭니다."`,
          null,
          null,
        ],
      ],
    },
    {
      name: 'the end of the last sentence left out (the Eurus abstract as published)',
      input: { lang: 'ko', source, draft: [...KO.slice(0, 3), '이에 영감을 받아 새로운 보상 방식을 도출했습니다.'].join(' ') },
      want: [
        [
          'warning',
          `the last sentence of the draft, "이에 영감을 받아 새로운 보상 방식을 도출했습니다.", is 22% as long as the source's "Inspired by this, we derive a novel reward modeling objectiv…"; part of it was likely left out`,
          EN[3]!,
          '이에 영감을 받아 새로운 보상 방식을 도출했습니다.',
        ],
      ],
    },
    {
      name: 'a draft far longer than its source',
      input: { lang: 'ko', source: EN[1]!, draft: `${draft} ${draft}` },
      want: [['warning', `the draft is 285% as long as the source (8 sentences and 619 characters against the source's 1 and 217); text was likely added`, null, null]],
    },
    {
      name: 'a draft that stops mid-sentence',
      input: { lang: 'ko', source, draft: `${KO.slice(0, 3).join(' ')} 이에 영감을 받아 ULTRAINTERACT와 함께 강력한 보상 모델로 이어지는 새로운` },
      want: [['warning', 'the draft ends mid-sentence: "이에 영감을 받아 ULTRAINTERACT와 함께 강력한 보상 모델로 이어지는 새로운"', null, '이에 영감을 받아 ULTRAINTERACT와 함께 강력한 보상 모델로 이어지는 새로운']],
    },
    {
      name: 'a draft that ends with a link or a sentence ending without a full stop has not stopped mid-sentence',
      input: { lang: 'ko', source: 'We propose X. The code is available.', draft: '우리는 X를 제안합니다. 코드는 다음에서 확인할 수 있습니다: https://github.com/a/b' },
      want: [],
    },
    {
      name: 'a Korean sentence ending without a full stop',
      input: { lang: 'ko', source: 'We propose X. The code is available.', draft: '우리는 X를 제안합니다. 코드는 공개되어 있습니다' },
      want: [],
    },
    {
      name: 'a sentence left in English',
      input: { lang: 'ko', source, draft: [KO[0], EN[1], KO[2], KO[3]].join(' ') },
      want: [['warning', `the draft sentence ${JSON.stringify(`${EN[1]!.slice(0, 80)}…`)} is still in English`, null, EN[1]!]],
    },
    {
      name: 'names and links in a sentence are not untranslated English',
      input: { lang: 'ko', source: 'See https://github.com/open-compass/GPassK for the G-Pass@k code and the LiveMathBench data of Qwen2.5-72B-Instruct.', draft: 'https://github.com/open-compass/GPassK: G-Pass@k, LiveMathBench, Qwen2.5-72B-Instruct.' },
      want: [],
    },
    {
      name: 'a short title is not judged by length',
      input: { lang: 'ko', source: 'Many-shot Jailbreaking', draft: '탈옥' },
      want: [],
    },
    {
      name: 'languages without a calibration only get the untranslated-sentence check',
      input: { lang: 'ja', source, draft: KO[0]! },
      want: [],
    },
    {
      name: 'ja: a sentence left in English',
      input: { lang: 'ja', source: EN[1]!, draft: EN[1]! },
      want: [['warning', `the draft sentence ${JSON.stringify(`${EN[1]!.slice(0, 80)}…`)} is still in English`, null, EN[1]!]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = omissionRule(c.input);
      assert.ok(findings.every((f) => f.rule === 'omission'));
      assert.deepEqual(
        findings.map((f) => [f.severity, f.message, f.sourceSpan ? c.input.source.slice(...f.sourceSpan) : null, f.draftSpan ? c.input.draft.slice(...f.draftSpan) : null]),
        c.want,
      );
    });
  }
});
