import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GlossaryTerm } from '../glossary.js';
import { findNames, hangulSpellings, nameOf, namesRule, nameSpans, skeleton } from './names.js';
import type { CheckInput, Finding } from './types.js';

const term = (en: string, target: string, rule: GlossaryTerm['rule'] = 'transliterate'): GlossaryTerm => ({ lang: 'ko', en, target, rule, note: null, source: 'test' });

/** rule, severity and message of each finding, and the text its spans point at */
function summary(input: CheckInput, findings: Finding[]): Array<[string, string, string | null, string | null]> {
  return findings.map((f) => [
    f.severity,
    f.message,
    f.sourceSpan ? input.source.slice(...f.sourceSpan) : null,
    f.draftSpan ? input.draft.slice(...f.draftSpan) : null,
  ]);
}

describe('nameOf', () => {
  const cases: Array<[string, string | null]> = [
    ['LoReFT', 'LoReFT'],
    ['TheoremQA', 'TheoremQA'],
    ['JetMoE-8B', 'JetMoE-8B'],
    ['LLaMA2-7B', 'LLaMA2-7B'],
    ['GPT-3.5', 'GPT-3.5'],
    ['SWE-bench', 'SWE-bench'],
    ['MMLU', 'MMLU'],
    ['A100', 'A100'],
    ['Mistral-7B', 'Mistral-7B'],
    ['Llama-3-405B-Instruct', 'Llama-3-405B-Instruct'],
    ['G-Pass@k', 'G-Pass@k'],
    ['v1.0', 'v1.0'],
    ['GPT-4\u2019s', 'GPT-4'],
    // modifiers and prefixes are not part of the name
    ['GPT-assisted', 'GPT'],
    ['non-MMLU', 'MMLU'],
    // generic acronyms, plural or not
    ['LLM', null],
    ['LLMs', null],
    ['API-based', null],
    ['GPU', null],
    // ordinary words, quantities, references
    ['The', null],
    ['Transformer', null],
    ['Mixture-of-Depths', null],
    ['Devin', null],
    ['7B', null],
    ['20K', null],
    ['10x-50x', null],
    ['3D-consistent', null],
    ['64x64', null],
    ['Fig.1', null],
    ['Top-1', null],
    ['Text-to-3D', null],
    ['pass@1', null],
    ['e.g', null],
  ];
  for (const [token, want] of cases) {
    it(`${token} → ${want ?? 'no name'}`, () => assert.equal(nameOf(token)?.name ?? null, want));
  }
});

describe('findNames', () => {
  it('finds names with their places and leaves out links', () => {
    const text = 'We evaluate LoReFT on MMLU. Code: https://github.com/stanfordnlp/pyReFT and GPT-assisted agents.';
    assert.deepEqual(
      findNames(text).map((n) => [n.name, text.slice(...n.span)]),
      [
        ['LoReFT', 'LoReFT'],
        ['MMLU', 'MMLU'],
        ['GPT', 'GPT'],
      ],
    );
  });
});

describe('nameSpans', () => {
  const cases: Array<[string, string, number]> = [
    ['LoReFT는 강하다', 'LoReFT', 1],
    ['MMLU에서 평가', 'MMLU', 1],
    ['PEFT를 대체', 'PEFTs', 1],
    ['PEFTs를 대체', 'PEFT', 1],
    ['GPT-4o보다', 'GPT-4', 0],
    ['GPT-3.5 Turbo', 'GPT-3', 0],
    // a longer name is another name
    ['GPT-3.5-Turbo', 'GPT-3.5', 0],
    ['JetMoE-8B는', 'JetMoE', 0],
    ['SWE-벤치', 'SWE-bench', 0],
    ['XLoReFT', 'LoReFT', 0],
    ['GPT 지원 에이전트', 'GPT', 1],
    ['GPT-assisted agents', 'GPT', 1],
    ['multi-GPU training', 'GPU', 1],
  ];
  for (const [text, name, n] of cases) {
    it(`${name} in ${JSON.stringify(text)}: ${n}`, () => assert.equal(nameSpans(text, name).length, n));
  }
});

describe('skeleton', () => {
  const same: Array<[string, string]> = [
    ['ULTRAINTERACT', '울트라인터랙트'],
    ['SWE-bench', 'SWE-벤치'],
    ['MDI-Benchmark', 'MDI-벤치마크'],
    ['training', '트레이닝'],
    ['Netflix', '넷플릭스'],
    ['Mistral-7B', '미스트랄-7B'],
  ];
  for (const [en, ko] of same) it(`${en} ~ ${ko}`, () => assert.equal(skeleton(en), skeleton(ko)));
  const different: Array<[string, string]> = [
    ['EvoPrompting', '프롬프팅'],
    ['SWE-bench', '벤치마크'],
    ['SWE-agent', '에이전트'],
  ];
  for (const [en, ko] of different) it(`${en} ≁ ${ko}`, () => assert.notEqual(skeleton(en), skeleton(ko)));
});

describe('hangulSpellings', () => {
  const cases: Array<[string, string, string[]]> = [
    ['ULTRAINTERACT', '울트라인터랙트를 통해 학습합니다.', ['울트라인터랙트']],
    ['SWE-bench', 'SWE-벤치에서 12.29%를 해결', ['SWE-벤치']],
    // written beside the name, the Hangul only helps the reader
    ['ULTRAINTERACT', '울트라인터랙트(ULTRAINTERACT)를 소개합니다.', []],
    // the name with a particle is the name, not a spelling of it
    ['HuggingFace', 'HuggingFace에서 공개', []],
    // short skeletons collide with ordinary words: JSON ~ 최신, GitHub ~ 깃허브 (4 classes) is let go
    ['JSON', '최신 연구', []],
    ['GitHub', '깃허브 저장소', []],
  ];
  for (const [name, draft, want] of cases) {
    it(`${name} in ${JSON.stringify(draft)}`, () => assert.deepEqual(hangulSpellings(draft, name).map((s) => s.text), want));
  }
});

describe('namesRule', () => {
  const cases: Array<{ name: string; input: CheckInput; want: Array<[string, string, string | null, string | null]> }> = [
    {
      name: 'names kept, with particles, plurals and generic acronyms translated',
      input: {
        lang: 'ko',
        source: 'LoReFT is a drop-in replacement for existing PEFTs; LLMs evaluated on MMLU with GPT-assisted agents on an A100 GPU.',
        draft: 'LoReFT는 기존 PEFT를 대체하며, 대규모 언어 모델을 MMLU에서 GPT 지원 에이전트로 A100 GPU에서 평가합니다.',
      },
      want: [],
    },
    {
      name: 'a name rewritten in Hangul',
      input: {
        lang: 'ko',
        source: 'Solves GitHub issues on the SWE-bench; on SWE-bench, SWE-agent resolves 12.29% of issues.',
        draft: 'SWE-벤치에서 GitHub 이슈를 해결하며, SWE-벤치에서 SWE-agent는 12.29%의 이슈를 해결합니다.',
      },
      want: [['error', '"SWE-bench" from the source is written "SWE-벤치" in the draft (2 times); names stay as in the source', 'SWE-bench', 'SWE-벤치']],
    },
    {
      name: 'a name left out',
      input: { lang: 'ko', source: 'It achieves 32.6% on TheoremQA and 33.3% on LeetCode.', draft: 'LeetCode에서 33.3%, 32.6%의 정확도를 달성했습니다.' },
      want: [['error', '"TheoremQA" from the source is not in the draft', 'TheoremQA', null]],
    },
    {
      name: 'a name kept once and spelt out in Hangul elsewhere',
      input: {
        lang: 'ko',
        source: 'ULTRAINTERACT can be used in both settings. ULTRAINTERACT allows us to explore.',
        draft: 'ULTRAINTERACT는 두 설정 모두에 사용할 수 있습니다. 울트라인터랙트를 통해 탐색할 수 있습니다.',
      },
      want: [['error', '"울트라인터랙트" in the draft spells "ULTRAINTERACT" in Hangul; names stay as in the source', 'ULTRAINTERACT', '울트라인터랙트']],
    },
    {
      name: 'a name the draft adds',
      input: { lang: 'ko', source: 'Mixture-of-Depths: Dynamically allocating compute', draft: 'MoD(Mixture-of-Depths): 컴퓨팅을 동적으로 할당하기' },
      want: [['warning', '"MoD" in the draft is not in the source', null, 'MoD']],
    },
    {
      name: 'case changed: the source name is missing, the changed one is not reported again',
      input: { lang: 'ko', source: 'on SWE-bench, SWE-agent resolves issues', draft: 'SWE-bench에서 SWE-Agent가 이슈를 해결합니다' },
      want: [['error', '"SWE-agent" from the source is not in the draft', 'SWE-agent', null]],
    },
    {
      name: 'a different model version',
      input: { lang: 'ko', source: 'outperforms GPT-4 on MMLU', draft: 'MMLU에서 GPT-4o보다 뛰어납니다' },
      want: [
        ['error', '"GPT-4" from the source is not in the draft', 'GPT-4', null],
        ['warning', '"GPT-4o" in the draft is not in the source', null, 'GPT-4o'],
      ],
    },
    {
      name: 'names inside links are left to the links rule',
      input: { lang: 'ko', source: 'Code: https://github.com/stanfordnlp/pyReFT', draft: '코드: https://github.com/stanfordnlp/pyreft' },
      want: [],
    },
    {
      name: 'quantities and ordinary capitalised words are not names',
      input: { lang: 'ko', source: 'The 8B model handles 20K tokens. Devin and Transformer layers.', draft: '8B 모델은 2만 토큰을 처리합니다. 데빈과 트랜스포머 레이어.' },
      want: [],
    },
    {
      name: 'the glossary allows a rendering of a name',
      input: { lang: 'ko', source: 'Solves GitHub issues', draft: '깃허브 이슈를 해결합니다', glossary: [term('GitHub', '깃허브')] },
      want: [],
    },
    {
      name: 'a glossary of another language does not',
      input: { lang: 'ko', source: 'Solves GitHub issues', draft: '깃허브 이슈를 해결합니다', glossary: [{ ...term('GitHub', '깃허브'), lang: 'ja' }] },
      want: [['error', '"GitHub" from the source is not in the draft', 'GitHub', null]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = namesRule(c.input);
      assert.ok(findings.every((f) => f.rule === 'names'));
      assert.deepEqual(summary(c.input, findings), c.want);
    });
  }

  it('is pure: the same input gives the same findings', () => {
    const input: CheckInput = { lang: 'ko', source: 'TheoremQA and SWE-bench', draft: 'SWE-벤치' };
    assert.deepEqual(namesRule(input), namesRule(input));
  });
});
