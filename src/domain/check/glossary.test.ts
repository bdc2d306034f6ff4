import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GlossaryTerm } from '../glossary.js';
import { contextBound, englishPattern, glossaryRule } from './glossary.js';
import type { CheckInput } from './types.js';

const term = (en: string, target: string, rule: GlossaryTerm['rule'], note: string | null = null, lang = 'ko'): GlossaryTerm => ({
  lang,
  en,
  target,
  rule,
  note,
  source: 'test',
});

const GLOSSARY: GlossaryTerm[] = [
  term('fine-tuning', '미세 조정', 'translate'),
  term('attention', '어텐션', 'transliterate', '음차 표기'),
  term('Tensor', 'Tensor', 'keep', '번역하지 않음'),
  term('serialize', '직렬화', 'bilingual', '한글(English)'),
  term('instantiate', '생성하다', 'translate'),
  term('dataset', '데이터셋', 'transliterate', '음차 표기; also: 데이터 세트'),
  term('Generative', '생성 모델', 'translate', 'ToC의 분류명입니다.'),
  term('Production', 'Production', 'keep', '번역하지 않음; English as written: Production (environment, use)'),
  term('loss', '손실', 'translate', null, 'ja'),
];

describe('englishPattern', () => {
  const cases: Array<[string, string, boolean]> = [
    ['fine-tuning', 'Fine-tuning helps', true],
    ['fine-tuning', 'fine - tuning', true],
    ['fine-tuning', 'finetuning', false],
    ['bias', 'biases', true],
    ['bias', 'biased', false],
    ['neural networks', 'a neural network', true],
    ['Tensor', 'Tensor를 만듭니다', true],
    ['Tensor', 'Tensors', true],
    ['Tensor', 'MyTensor', false],
  ];
  for (const [en, text, want] of cases) it(`${en} in ${JSON.stringify(text)}`, () => assert.equal(englishPattern(en).test(text), want));
});

describe('contextBound', () => {
  it('a table-of-contents label and a qualified term are not checked; others are', () => {
    assert.deepEqual(
      GLOSSARY.map((t) => [t.en, contextBound(t)]).filter(([, b]) => b),
      [
        ['Generative', true],
        ['Production', true],
      ],
    );
  });
});

describe('glossaryRule', () => {
  const cases: Array<{ name: string; input: CheckInput; want: Array<[string, string | null, string | null]> }> = [
    {
      name: 'no glossary, no findings',
      input: { lang: 'ko', source: 'Fine-tuning with attention', draft: 'attention으로 학습' },
      want: [],
    },
    {
      name: 'renderings as the glossary says, spacing aside, verbs by their stem, alternatives from the note',
      input: {
        lang: 'ko',
        source: 'Fine-tuning uses self-attention; we instantiate the Tensor from six datasets.',
        draft: '미세조정은 셀프 어텐션을 사용하며, 6개의 데이터 세트에서 Tensor를 생성합니다.',
        glossary: GLOSSARY,
      },
      want: [],
    },
    {
      name: 'translate and transliterate terms missing',
      input: { lang: 'ko', source: 'Fine-tuning uses attention.', draft: '파인튜닝은 주의 메커니즘을 사용합니다.', glossary: GLOSSARY },
      want: [
        ['"Fine-tuning" should be rendered "미세 조정" (glossary); the draft does not have it', 'Fine-tuning', null],
        ['"attention" should be rendered "어텐션" (glossary); the draft does not have it', 'attention', null],
      ],
    },
    {
      name: 'a keep term translated',
      input: { lang: 'ko', source: 'tensor sizes are known', draft: '텐서 크기는 알려져 있습니다', glossary: GLOSSARY },
      want: [['"tensor" should stay in English as "Tensor" (glossary); the draft does not have it', 'tensor', null]],
    },
    {
      name: 'bilingual: target(English) on first use',
      input: { lang: 'ko', source: 'We serialize the model.', draft: '모델을 직렬화(serialize)합니다. 다시 직렬화합니다.', glossary: GLOSSARY },
      want: [],
    },
    {
      name: 'bilingual: the first use without the English',
      input: { lang: 'ko', source: 'We serialize the model.', draft: '모델을 직렬화합니다. 직렬화(Serialize)는 …', glossary: GLOSSARY },
      want: [['"직렬화" should be written "직렬화(serialize)" on first use (glossary)', 'serialize', '직렬화']],
    },
    {
      name: 'bilingual: the target missing',
      input: { lang: 'ko', source: 'We serialize the model.', draft: '모델을 저장합니다.', glossary: GLOSSARY },
      want: [['"serialize" should be rendered "직렬화(serialize)" on first use (glossary); the draft does not have "직렬화"', 'serialize', null]],
    },
    {
      name: 'terms bound to a context and terms of another language are not checked',
      input: { lang: 'ko', source: 'The production of generative models has a low loss.', draft: '생성적 모델의 제작은 낮은 손실을 가집니다.', glossary: GLOSSARY },
      want: [],
    },
    {
      name: 'several terms for one English term: any rendering satisfies it',
      input: {
        lang: 'ko',
        source: 'We use attention.',
        draft: '주의 집중을 사용합니다.',
        glossary: [...GLOSSARY, { ...term('attention', '주의 집중', 'translate'), source: 'editor' }],
      },
      want: [],
    },
    {
      name: 'several terms for one English term, none used',
      input: {
        lang: 'ko',
        source: 'We use attention.',
        draft: '주의를 사용합니다.',
        glossary: [...GLOSSARY, { ...term('attention', '주의 집중', 'translate'), source: 'editor' }],
      },
      want: [['"attention" should be rendered "어텐션" (glossary); the draft does not have it (also accepted: "주의 집중")', 'attention', null]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = glossaryRule(c.input);
      assert.ok(findings.every((f) => f.rule === 'glossary' && f.severity === 'warning'));
      assert.deepEqual(
        findings.map((f) => [f.message, f.sourceSpan ? c.input.source.slice(...f.sourceSpan) : null, f.draftSpan ? c.input.draft.slice(...f.draftSpan) : null]),
        c.want,
      );
    });
  }
});
