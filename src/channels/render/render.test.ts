import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import { entry, ko } from '../../../test/fixtures/edition-views.js';
import type { EditionView, EntryView, ShownText } from '../../domain/edition-view.js';
import { discourseTopic, isRenderFormat, renderEdition, renderEditionArticle, renderPaperArticle } from './render.js';

// ---------------------------------------------------------------------------------------------
// Fixture: three real entries of the reference post (shared/seed/000_a9127735c741dfde.txt), with
// the links of the upstream list for 2024-04-01..04-07.

const MSJ = {
  titleKo: '다발성 탈옥',
  titleEn: 'Many-shot Jailbreaking',
  introKo:
    'LLM의 안전장치를 회피하기 위해 다발성 탈옥이라는 탈옥 기법을 제안합니다. 이 탈옥 기법은 많은 최신 LLM이 지원하는 긴 컨텍스트 창을 악용하고, 최종 질문 앞에 매우 많은 수의 가짜 대화(~256개)를 포함하여 모델을 효과적으로 조종하여 유해한 반응을 생성하도록 합니다.',
  introEn:
    'Proposes a jailbreaking technique called many-shot jailbreaking to evade the safety guardrails of LLMs; this jailbreaking technique exploits the longer context window supported by many modern LLMs; it includes a very large number of faux dialogues (~256) preceding the final question which effectively steers the model to produce harmful responses.',
  abstractKo:
    '대규모 언어 모델에 대한 간단한 긴 컨텍스트 공격, 즉 수백 가지의 바람직하지 않은 동작을 보여주는 프롬프트를 조사합니다. 이는 최근 Anthropic, OpenAI, Google DeepMind에서 배포한 더 큰 컨텍스트 창을 통해 새롭게 실현 가능합니다. 다양하고 현실적인 상황에서 이 공격의 효과는 최대 수백 회에 이르는 파워 법칙을 따르는 것으로 나타났습니다. 가장 널리 사용되는 최신 폐쇄형 모델과 다양한 작업에서 이 공격의 성공을 입증했습니다. 연구 결과에 따르면 매우 긴 컨텍스트에서는 LLM에 대한 새로운 공격 표면이 풍부하게 존재합니다.',
  abstractEn:
    'We investigate a family of simple long-context attacks on large language models: prompting with hundreds of demonstrations of undesirable behavior. This is newly feasible with the larger context windows recently deployed by Anthropic, OpenAI and Google DeepMind. We find that in diverse, realistic circumstances, the effectiveness of this attack follows a power law, up to hundreds of shots. We demonstrate the success of this attack on the most widely used state-of-the-art closedweight models, and across various tasks. Our results suggest very long contexts present a rich new attack surface for LLMs.',
  paper: 'https://www.anthropic.com/research/many-shot-jailbreaking',
  tweet: 'https://x.com/AnthropicAI/status/1775211248239464837',
};

const SWE = {
  title: 'SWE-Agent',
  introKo:
    'SWE-벤치에서 Devin과 유사한 정확도로 GitHub 이슈를 자동으로 해결할 수 있는 새로운 오픈소스 에이전트 시스템으로, 에이전트는 특수 터미널과 상호 작용하며 파일 및 실행 가능한 테스트의 중요한 처리를 통해 우수한 성능을 달성하고, SWE-벤치에서 12.29%의 이슈를 해결하여 전체 테스트 세트에서 최신 성능을 달성합니다.',
  introEn:
    'A new open-source agentic system that can automatically solve GitHub issues with similar accuracy as Devin on the SWE-bench; the agent interacts with a specialized terminal and enables important processing of files and executable tests to achieve good performance; on SWE-bench, SWE-agent resolves 12.29% of issues, achieving the state-of-the-art performance on the full test set.',
  code: 'https://github.com/princeton-nlp/SWE-agent',
  tweet: 'https://x.com/jyangballin/status/1775114444370051582',
};

const JET = {
  title: 'JetMoE',
  introKo:
    '0.1백만 달러 미만의 비용으로 훈련되었지만 LLaMA2-7B보다 성능이 뛰어난 8B 모델; LLM 훈련이 일반적으로 생각하는 것보다 훨씬 저렴할 수 있음을 보여줍니다; JetMoE-8B에는 24개의 블록이 있으며 각 블록에는 2개의 MoE 레이어가 있습니다: 주의집중 헤드 혼합(MoA)과 MLP 전문가 혼합(MoE); 각 MoA 및 MoE 계층에는 8명의 전문가가 있으며, 22억 개의 활성 파라미터가 있는 각 입력 토큰에 대해 2명의 전문가가 활성화됩니다.',
  introEn:
    'An 8B model trained with less than $ 0.1 million cost but outperforms LLaMA2-7B; shows that LLM training can be much cheaper than generally thought; JetMoE-8B has 24 blocks where each block has two MoE layers: Mixture of Attention heads (MoA) and Mixture of MLP Experts (MoE); each MoA and MoE layer has 8 experts, and 2 experts are activated for each input token with 2.2B active parameters.',
  keyKo: [
    '1. JetMoE-8B는 0.1백만 달러 미만의 비용으로 훈련되지만 수십억 달러의 훈련 리소스를 보유한 Meta AI의 LLaMA2-7B보다 성능이 뛰어납니다. LLM 트레이닝은 일반적으로 사람들이 생각하는 것보다 훨씬 저렴할 수 있습니다.',
    '2. JetMoE-8B는 매우 개방적이고 학계 친화적이기 때문입니다:',
    '   - 훈련에는 공개 데이터 세트만 사용하며 코드는 오픈 소스입니다. 독점적인 리소스가 필요하지 않습니다.',
    '   - 대부분의 연구실에서 감당할 수 있는 매우 제한된 컴퓨팅 예산(예: 소비자용 GPU)으로 미세 조정할 수 있습니다.',
    '3. JetMoE-8B는 추론 중에 22억 개의 활성 매개변수만 사용하므로 계산 비용이 대폭 절감됩니다. Gemma-2B와 같이 유사한 추론 계산을 수행하는 모델과 비교할 때 JetMoE-8B는 지속적으로 더 나은 성능을 달성합니다.',
  ].join('\n'),
  keyEn: [
    '1. JetMoE-8B is trained with less than $0.1 million cost but outperforms LLaMA2-7B from Meta AI, who has multi-billion-dollar training resources. LLM training can be much cheaper than people generally thought.',
    '2. JetMoE-8B is very open and academia-friendly because:',
    '   - It only uses public datasets for training, and the code is open-sourced. No proprietary resource is needed.',
    '   - It can be finetuned with very limited compute budget (e.g., consumer-grade GPU) that most labs can afford.',
    '3. JetMoE-8B only has 2.2B active parameters during inference, which drastically lowers the computational cost. Compared to a model with similar inference computation, like Gemma-2B, JetMoE-8B achieves constantly better performance.',
  ].join('\n'),
  paper: 'https://research.myshell.ai/jetmoe',
  tweet: 'https://x.com/omarsar0/status/1775971009469768104',
};

const OVERVIEW_KO = [
  '이번 주에 선정된 논문들을 살펴보면, 대부분의 논문들이 대규모 언어 모델(Large Language Models, LLMs)과 관련된 주제들을 다루고 있는 것으로 나타났습니다.',
  '이러한 경향은 자연어 처리(Natural Language Processing, NLP) 기술의 발전뿐만 아니라, 더 넓은 범위의 인공지능 연구 및 응용 분야에서의 LLMs 활용 가능성을 탐색하려는 시도에서 기인할 수 있습니다.',
].join('\n\n');

const SOURCE = 'https://github.com/dair-ai/ML-Papers-of-the-Week#top-ml-papers-of-the-week-april-1---april-7---2024';

function koView(): EditionView {
  return {
    startDate: '2024-04-01',
    endDate: '2024-04-07',
    lang: 'ko',
    titleEn: 'Top ML Papers of the Week',
    overview: ko(OVERVIEW_KO),
    entries: [
      entry({
        position: 1,
        paperKey: 'url:www.anthropic.com/research/many-shot-jailbreaking',
        titleEn: MSJ.titleEn,
        title: ko(MSJ.titleKo),
        introEn: MSJ.introEn,
        intro: ko(MSJ.introKo),
        abstractEn: MSJ.abstractEn,
        abstract: ko(MSJ.abstractKo, { status: 'draft', promptVersion: 'abstract-v2' }),
        paperUrl: MSJ.paper,
        moreUrls: [MSJ.tweet],
        links: [
          { kind: 'paper', label: 'Paper', url: MSJ.paper },
          { kind: 'tweet', label: 'Tweet', url: MSJ.tweet },
        ],
      }),
      entry({
        position: 2,
        paperKey: 'url:github.com/princeton-nlp/swe-agent',
        titleEn: SWE.title,
        title: ko(SWE.title),
        introEn: SWE.introEn,
        intro: ko(SWE.introKo),
        codeUrls: [SWE.code],
        moreUrls: [SWE.tweet],
        links: [
          { kind: 'code', label: 'Paper', url: SWE.code },
          { kind: 'tweet', label: 'Tweet', url: SWE.tweet },
        ],
      }),
      entry({
        position: 7,
        paperKey: 'url:research.myshell.ai/jetmoe',
        titleEn: JET.title,
        title: ko(JET.title),
        introEn: JET.introEn,
        intro: ko(JET.introKo),
        keyMessagesEn: JET.keyEn,
        keyMessages: ko(JET.keyKo, { origin: 'human', model: null, promptVersion: null }),
        paperUrl: JET.paper,
        moreUrls: [JET.tweet],
        links: [
          { kind: 'paper', label: 'Paper', url: JET.paper },
          { kind: 'tweet', label: 'Tweet', url: JET.tweet },
        ],
      }),
    ],
    sourceUrl: SOURCE,
    models: ['GPT'],
    fallbacks: 0,
  };
}

function enView(): EditionView {
  const v = koView();
  return {
    ...v,
    lang: 'en',
    overview: null,
    models: [],
    entries: v.entries.map((e) => ({ ...e, title: null, intro: null, abstract: null, keyMessages: null })),
  };
}

// ---------------------------------------------------------------------------------------------
// helpers

const HANGUL = /[\uAC00-\uD7A3]/;
const lines = (s: string) => s.split('\n');
const headings = (s: string) => lines(s).filter((l) => /^#{1,6} /.test(l));
const count = (s: string, sub: string) => s.split(sub).length - 1;

/** The text of one entry's section: from its `## ` heading to the next `---`. */
function entrySection(out: string, heading: string): string {
  const start = out.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no heading ## ${heading}`);
  const end = out.indexOf('\n---\n', start);
  return out.slice(start, end < 0 ? undefined : end);
}

/** Every `###` heading is followed by a non-empty block before the next heading or rule. */
function assertNoEmptySections(out: string): void {
  const ls = lines(out);
  ls.forEach((l, i) => {
    if (!l.startsWith('### ') && !l.startsWith('## 원문')) return;
    const next = ls.slice(i + 1).find((x) => x.trim() !== '');
    assert.ok(next !== undefined && !next.startsWith('#') && next !== '---', `empty section under "${l}"`);
  });
}

const FORBIDDEN_TAGS = ['script', 'iframe', 'object', 'embed', 'img', 'svg', 'math', 'form', 'input', 'base', 'link', 'meta[http-equiv]'];

function assertInertDocument(html: string): Document {
  const { document } = new JSDOM(html).window;
  for (const sel of FORBIDDEN_TAGS) assert.equal(document.querySelectorAll(sel).length, 0, `found ${sel}`);
  assert.equal(document.body.querySelectorAll('style').length, 0, 'style in body');
  for (const el of Array.from(document.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      assert.doesNotMatch(attr.name, /^on/i, `event handler ${attr.name} on <${el.localName}>`);
      const v = attr.value.replace(/[\u0000-\u0020\u007F]/g, '').toLowerCase();
      assert.doesNotMatch(v, /^(javascript|vbscript|data):/, `live URL in ${attr.name}="${attr.value}"`);
    }
  }
  for (const a of Array.from(document.querySelectorAll('a[href]'))) {
    assert.match(a.getAttribute('href') ?? '', /^(https?:\/\/|mailto:)/);
    assert.equal(a.getAttribute('rel'), 'noopener noreferrer nofollow');
  }
  return document;
}

// ---------------------------------------------------------------------------------------------

describe('renderEdition discourse (the reference layout)', () => {
  const out = renderEdition(koView(), 'discourse');

  it('starts with the exact title line, a blank line and the overview bullets', () => {
    const ls = lines(out);
    assert.equal(ls[0], '[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)');
    assert.equal(ls[1], '');
    assert.ok(ls[2]?.startsWith('* 이번 주에 선정된 논문들을 살펴보면'), ls[2]);
    assert.ok(out.includes('\n\n* 이러한 경향은 자연어 처리'));
  });

  it('has the headings in the reference order', () => {
    assert.deepEqual(headings(out), [
      '## 다발성 탈옥 / Many-shot Jailbreaking',
      '### 논문 소개',
      '### 논문 초록(Abstract)',
      '### 논문 링크',
      '### 더 읽어보기',
      '## SWE-Agent',
      '### 논문 소개',
      '### GitHub 링크',
      '### 더 읽어보기',
      '## JetMoE',
      '### 논문 소개',
      '### 주요 내용(Key Messages)',
      '### 논문 링크',
      '### 더 읽어보기',
      '## 원문',
    ]);
  });

  it('shows the target text first, then the English original', () => {
    for (const [koText, enText] of [
      [MSJ.introKo, MSJ.introEn],
      [MSJ.abstractKo, MSJ.abstractEn],
      [SWE.introKo, SWE.introEn],
      [JET.introKo, JET.introEn],
    ] as const) {
      const k = out.indexOf(`* ${koText}`);
      const e = out.indexOf(`  > ${enText}`);
      assert.ok(k > 0, `target bullet missing: ${koText.slice(0, 20)}`);
      assert.ok(e > k, `English blockquote must follow: ${enText.slice(0, 20)}`);
    }
    const jet = entrySection(out, 'JetMoE');
    const km = jet.slice(jet.indexOf('### 주요 내용(Key Messages)'));
    assert.ok(km.indexOf('1. JetMoE-8B는') < km.indexOf('> 1. JetMoE-8B is trained'));
    assert.ok(km.includes('>    - It only uses public datasets'));
  });

  it('puts each link bare on its own line, GitHub only where there is code', () => {
    const ls = lines(out);
    for (const url of [MSJ.paper, MSJ.tweet, SWE.code, SWE.tweet, JET.paper, JET.tweet, SOURCE]) {
      assert.ok(ls.includes(url), `bare link line missing: ${url}`);
    }
    const msj = entrySection(out, '다발성 탈옥 / Many-shot Jailbreaking');
    assert.ok(!msj.includes('GitHub 링크'));
    assert.ok(msj.indexOf('### 논문 링크\n\nhttps://www.anthropic.com/research/many-shot-jailbreaking') > 0);
    const swe = entrySection(out, 'SWE-Agent');
    assert.ok(!swe.includes('논문 링크'));
    assert.ok(swe.includes(`### GitHub 링크\n\n${SWE.code}\n\n### 더 읽어보기\n\n${SWE.tweet}`));
  });

  it('separates entries with a rule and ends with the source and the disclaimer', () => {
    assert.equal(lines(out).filter((l) => l === '---').length, 4);
    assert.ok(out.includes(`## 원문\n\n${SOURCE}\n\n`));
    assert.ok(
      out.endsWith(
        '이 글은 GPT 모델로 정리한 것으로, 잘못된 부분이 있을 수 있으니 글 아래쪽의 원문도 함께 참고해주세요! 읽으시면서 어색하거나 잘못된 내용을 발견하시면 덧글로 알려주시기를 부탁드립니다.\n',
      ),
    );
    assertNoEmptySections(out);
  });

  it('parses as Markdown into the expected structure', () => {
    const tokens = new MarkdownIt().parse(out, {});
    const h2 = tokens.filter((t) => t.type === 'heading_open' && t.tag === 'h2').length;
    assert.equal(h2, 4);
    assert.equal(tokens.filter((t) => t.type === 'hr').length, 4);
  });

  it('discourseTopic splits the title from the body', () => {
    const topic = discourseTopic(koView());
    assert.equal(topic.title, '[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)');
    assert.ok(topic.raw.startsWith('* 이번 주에'));
    assert.equal(`${topic.title}\n\n${topic.raw}`, out);
  });
});

describe('renderEdition fallbacks and footers', () => {
  it('shows the English text once, after the fallback marker, when a translation is missing', () => {
    const v = koView();
    const jet = v.entries[2] as EntryView;
    jet.intro = { body: JET.introEn, lang: 'en', origin: 'upstream', model: null, promptVersion: null, status: 'approved', fallback: true };
    const msj = v.entries[0] as EntryView;
    msj.abstract = null; // no target row at all: the English abstract stands in too
    v.fallbacks = 2;
    for (const format of ['discourse', 'markdown'] as const) {
      const out = renderEdition(v, format);
      const section = entrySection(out, 'JetMoE');
      assert.ok(section.includes(`### 논문 소개\n\n_(번역 없음: 영어 원문을 표시합니다)_\n\n* ${JET.introEn}`), section);
      assert.equal(count(out, JET.introEn), 1);
      const m = entrySection(out, '다발성 탈옥 / Many-shot Jailbreaking');
      assert.ok(m.includes(`### 논문 초록(Abstract)\n\n_(번역 없음: 영어 원문을 표시합니다)_\n\n* ${MSJ.abstractEn}`));
      assert.equal(count(out, MSJ.abstractEn), 1);
      assertNoEmptySections(out);
    }
    const html = renderEdition(v, 'html');
    assert.equal(count(html, '(번역 없음: 영어 원문을 표시합니다)'), 2);
  });

  it('never renders an empty block: a field with no text in any language has no heading', () => {
    const v = koView();
    const swe = v.entries[1] as EntryView;
    swe.intro = ko('   ');
    swe.introEn = null;
    const out = renderEdition(v, 'discourse');
    assert.ok(!entrySection(out, 'SWE-Agent').includes('### 논문 소개'));
    assertNoEmptySections(out);
  });

  it('shows a title once when the translation is missing or the same', () => {
    const v = koView();
    (v.entries[0] as EntryView).title = { ...ko(MSJ.titleEn), lang: 'en', origin: 'upstream', fallback: true };
    const out = renderEdition(v, 'discourse');
    assert.ok(lines(out).includes('## Many-shot Jailbreaking'));
    assert.ok(lines(out).includes('## SWE-Agent'));
  });

  it('says people wrote it when no model drafted anything', () => {
    const v = koView();
    const human = (t: ShownText | null) => (t ? { ...t, origin: 'human' as const, model: null, promptVersion: null } : null);
    v.models = [];
    v.overview = human(v.overview);
    v.entries = v.entries.map((e) => ({ ...e, title: human(e.title), intro: human(e.intro), abstract: human(e.abstract), keyMessages: human(e.keyMessages) }));
    const out = renderEdition(v, 'discourse');
    assert.ok(out.endsWith('이 글은 사람이 직접 번역·정리했습니다. 읽으시면서 어색하거나 잘못된 내용을 발견하시면 덧글로 알려주시기를 부탁드립니다.\n'));
    assert.ok(!out.includes('모델로 정리한'));
  });

  it('says nothing is translated yet, never that people wrote it, when every block fell back to English', () => {
    const v = koView();
    const fallback = (t: ShownText | null, en: string | null) => (t && en ? { ...t, body: en, lang: 'en', origin: 'upstream' as const, model: null, promptVersion: null, fallback: true } : null);
    v.models = [];
    v.overview = null;
    v.entries = v.entries.map((e) => ({ ...e, title: fallback(e.title, e.titleEn), intro: fallback(e.intro, e.introEn), abstract: fallback(e.abstract, e.abstractEn), keyMessages: fallback(e.keyMessages, e.keyMessagesEn) }));
    const out = renderEdition(v, 'discourse');
    assert.ok(out.includes('이 글에는 아직 번역이 없어 영어 원문을 보여드립니다.'));
    assert.ok(!out.includes('사람이 직접'));
    assert.ok(!out.includes('모델로 정리한'));
  });

  it('says the model is unknown for imported text without one', () => {
    const v = koView();
    const imported = (t: ShownText | null) => (t ? { ...t, origin: 'imported' as const, model: null, promptVersion: null } : null);
    v.models = [];
    v.entries = v.entries.map((e) => ({ ...e, intro: imported(e.intro) }));
    const out = renderEdition(v, 'discourse');
    assert.ok(out.includes('어떤 모델로 정리했는지 알 수 없는'));
    assert.ok(!out.includes('사람이 직접'));
  });
});

describe('renderEdition en', () => {
  it('renders English only, with the English bundle and no Hangul', () => {
    for (const format of ['discourse', 'markdown', 'html'] as const) {
      const out = renderEdition(enView(), format);
      assert.doesNotMatch(out, HANGUL, format);
      assert.ok(out.includes(MSJ.introEn) && out.includes('JetMoE-8B is very open and academia-friendly because:'), format);
    }
    const out = renderEdition(enView(), 'discourse');
    assert.equal(lines(out)[0], '[2024/04/01 ~ 04/07] Top ML Papers of the Week');
    assert.deepEqual(headings(out).slice(0, 5), ['## Many-shot Jailbreaking', '### Paper intro', '### Abstract', '### Paper', '### More reading']);
    assert.ok(lines(out).includes(`* ${MSJ.introEn}`));
    assert.ok(!out.includes('> '), 'no original blockquotes in an English-only view');
    assert.ok(out.endsWith('Written by people. If you spot anything awkward or wrong, please let us know in a comment.\n'));
  });

  it('ignores target-language texts that reach an English view', () => {
    const v = enView();
    v.overview = ko(OVERVIEW_KO);
    v.entries = v.entries.map((e) => ({ ...e, title: ko('제목') }));
    assert.doesNotMatch(renderEdition(v, 'discourse'), HANGUL);
    assert.doesNotMatch(renderEdition(v, 'html'), HANGUL);
  });
});

describe('renderEdition markdown', () => {
  it('is plain CommonMark: a # title and autolinks', () => {
    const out = renderEdition(koView(), 'markdown');
    assert.equal(lines(out)[0], '# [2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)');
    assert.ok(lines(out).includes(`<${MSJ.paper}>`));
    const html = new MarkdownIt('commonmark').render(out);
    const { document } = new JSDOM(html).window;
    assert.equal(document.querySelectorAll('h1').length, 1);
    assert.ok(Array.from(document.querySelectorAll('a')).some((a) => a.getAttribute('href') === SWE.code));
    // same structure as the Discourse rendering, apart from the title and link syntax
    assert.deepEqual(headings(out).slice(1), headings(renderEdition(koView(), 'discourse')));
  });

  it('keeps untrusted text from breaking the structure or injecting HTML', () => {
    const v = koView();
    const e = v.entries[0] as EntryView;
    e.abstract = ko('첫 줄\n## 가짜 제목\n---\n<script>alert(1)</script>\n본문');
    e.title = ko('<img src=x onerror=alert(1)>\n## 또');
    for (const format of ['discourse', 'markdown'] as const) {
      const out = renderEdition(v, format);
      const tokens = new MarkdownIt({ html: true }).parse(out, {});
      assert.equal(tokens.filter((t) => t.type === 'heading_open' && t.tag === 'h2').length, 4, format);
      assert.equal(tokens.filter((t) => t.type === 'hr').length, 4, format);
      assert.ok(!tokens.some((t) => t.type === 'html_block' || (t.children ?? []).some((c) => c.type === 'html_inline')), format);
    }
  });

  it('turns images, links to other schemes and link definitions into text a forum shows as written', () => {
    const v = koView();
    const e = v.entries[0] as EntryView;
    e.abstract = ko('픽셀 ![a](https://evil.example/pixel.png) 과 [x](ftp://evil.example/) 과 [y]( <irc://x>) 그리고 ftp://evil.example/f 와 [arXiv](https://arxiv.org/abs/2404.02258).\n[r]: javascript:alert(1)\n\n[r]');
    for (const format of ['discourse', 'markdown'] as const) {
      const html = new MarkdownIt({ html: true, linkify: true }).render(renderEdition(v, format));
      const { document } = new JSDOM(html).window;
      assert.equal(document.querySelectorAll('img').length, 0, format);
      const hrefs = Array.from(document.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '');
      assert.deepEqual(hrefs.filter((h) => !/^(https?|mailto):/.test(h)), [], format);
      assert.ok(hrefs.includes('https://arxiv.org/abs/2404.02258'), 'an http link in the text stays a link');
      assert.match(document.body.textContent ?? '', /픽셀 !\[a\]\(https:\/\/evil\.example\/pixel\.png\)/, 'the reader sees the words as written');
    }
  });
});

describe('renderEdition html', () => {
  it('is a standalone HTML5 document with one h1, languages and provenance', () => {
    const html = renderEdition(koView(), 'html');
    assert.ok(html.startsWith('<!doctype html>\n<html lang="ko">'));
    const document = assertInertDocument(html);
    assert.equal(document.doctype?.name, 'html');
    assert.equal(document.documentElement.getAttribute('lang'), 'ko');
    assert.equal(document.querySelector('meta[charset]')?.getAttribute('charset'), 'utf-8');
    assert.equal(document.title, '[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)');
    assert.equal(document.querySelectorAll('h1').length, 1);
    assert.equal(document.querySelector('h1')?.textContent, document.title);
    const style = document.querySelector('head style')?.textContent ?? '';
    assert.match(style, /word-break:\s*keep-all/);
    assert.match(style, /line-height:\s*1\.7/);
    assert.deepEqual(
      Array.from(document.querySelectorAll('h2')).map((h) => h.textContent),
      ['다발성 탈옥 / Many-shot Jailbreaking', 'SWE-Agent', 'JetMoE', '원문'],
    );
    const blocks = Array.from(document.querySelectorAll('.text'));
    assert.ok(blocks.length >= 10);
    for (const b of blocks) {
      assert.match(b.getAttribute('lang') ?? '', /^(ko|en)$/);
      assert.ok(b.querySelector('.provenance'), 'every text block has a provenance line');
    }
    const first = blocks[0] as Element; // the overview
    assert.equal(first.getAttribute('lang'), 'ko');
    const introKo = blocks.find((b) => b.textContent?.includes('다발성 탈옥이라는 탈옥 기법')) as Element;
    assert.equal(introKo.querySelector('.provenance')?.textContent, 'AI 모델 초안 · 모델 GPT · 프롬프트 translate-v1 · 편집자 승인');
    const abstractKo = blocks.find((b) => b.textContent?.includes('간단한 긴 컨텍스트 공격')) as Element;
    assert.match(abstractKo.querySelector('.provenance')?.textContent ?? '', /abstract-v2 · 검토 전$/);
    const introEn = blocks.find((b) => b.textContent?.includes('Proposes a jailbreaking technique')) as Element;
    assert.equal(introEn.localName, 'blockquote');
    assert.equal(introEn.getAttribute('lang'), 'en');
    assert.ok((introKo.compareDocumentPosition(introEn) & 4) !== 0, 'target before English');
    const links = Array.from(document.querySelectorAll('a')).map((a) => a.getAttribute('href'));
    for (const url of [MSJ.paper, MSJ.tweet, SWE.code, JET.paper, SOURCE]) assert.ok(links.includes(url), url);
    assert.match(document.querySelector('footer')?.textContent ?? '', /GPT 모델로 정리한/);
  });

  it('renders XSS in titles, texts, provenance, languages and links inert (jsdom oracle)', () => {
    const v = koView();
    const e = v.entries[0] as EntryView;
    e.titleEn = '<svg onload=alert(1)> [x](javascript:alert(1))';
    e.title = ko('<img src=x onerror=alert(1)>', { model: '<script>alert(1)</script>', promptVersion: '"><svg onload=alert(1)>' });
    e.intro = ko('[x](javascript&#58;alert(1)) <a href="data:text/html,<script>alert(1)</script>">x</a>', { lang: 'ko" onmouseover="alert(1)' });
    e.abstract = ko('<svg></p><style><a title="</style><img src onerror=alert(1)>">\n\n# second h1?');
    e.introEn = '<iframe src="javascript:alert(1)"></iframe>';
    e.paperUrl = 'javascript:alert(1)';
    e.codeUrls = ['https://ok.example/"><script>alert(1)</script>'];
    e.moreUrls = ['data:text/html,<script>alert(1)</script>', MSJ.tweet];
    v.sourceUrl = 'vbscript:msgbox(1)';
    v.lang = 'ko"><script>alert(1)</script>';
    v.models = ['<img src=x onerror=alert(1)>'];
    const html = renderEdition(v, 'html');
    const document = assertInertDocument(html);
    assert.equal(document.querySelectorAll('h1').length, 1);
    assert.equal(document.documentElement.getAttribute('lang'), 'und');
    assert.ok(document.body.textContent?.includes('<img src=x onerror=alert(1)>'), 'payloads show as text');
    assert.ok(Array.from(document.querySelectorAll('a')).some((a) => a.getAttribute('href') === MSJ.tweet));
  });
});

describe('render formats', () => {
  it('names the four formats', () => {
    assert.ok(['discourse', 'markdown', 'html', 'json'].every(isRenderFormat));
    assert.equal(isRenderFormat('pdf'), false);
  });
});

describe('renderEdition json', () => {
  it('is the view as pretty JSON with a stable key order', () => {
    const v = koView();
    const out = renderEdition(v, 'json');
    assert.deepEqual(JSON.parse(out), v);
    assert.ok(out.startsWith('{\n  "endDate": "2024-04-07",\n  "entries": ['));
    const reverseKeys = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(reverseKeys)
        : x !== null && typeof x === 'object'
          ? Object.fromEntries(Object.entries(x).reverse().map(([k, y]) => [k, reverseKeys(y)]))
          : x;
    const shuffled = reverseKeys(v) as EditionView;
    assert.notEqual(JSON.stringify(shuffled), JSON.stringify(v));
    assert.equal(renderEdition(shuffled, 'json'), out);
  });

  it('escapes markup characters and strips invisible ones', () => {
    const v = koView();
    v.titleEn = '</script><script>alert(1)</script>\u202E';
    const out = renderEdition(v, 'json');
    assert.ok(!out.includes('<') && !out.includes('\u202E'));
    assert.equal((JSON.parse(out) as EditionView).titleEn, '</script><script>alert(1)</script>');
  });
});

describe('renderEditionArticle for the web archive (full provenance)', () => {
  it('keeps the plain provenance line by default, and adds badges for edits, corrections and English sources when asked', () => {
    const v = koView();
    const e = v.entries[0] as EntryView;
    e.intro = ko(MSJ.introKo, { origin: 'human', status: 'draft', edited: true, correctedAt: '2024-04-12T10:00:00.000Z' });
    e.originals = { title: null, intro: { body: MSJ.introEn, lang: 'en', origin: 'upstream', model: 'x', promptVersion: null, status: 'approved', fallback: false }, abstract: null, keyMessages: null };
    const plain = renderEditionArticle(v).html;
    assert.doesNotMatch(plain, /class="badge/);
    // the exports' line as it always was: no edit or correction marks
    assert.match(plain, /<p class="provenance" lang="ko">사람이 작성 · 모델 GPT · 프롬프트 translate-v1 · 검토 전<\/p>/);
    const seen: string[] = [];
    const full = renderEditionArticle(v, { fullProvenance: true, afterText: (t) => (seen.push(t.body), '<p class="suggest">x</p>'), afterEntry: (x) => `<p class="after">${x.position}</p>` }).html;
    const { document } = new JSDOM(full).window;
    const introKo = Array.from(document.querySelectorAll('.text')).find((b) => b.textContent?.includes('다발성 탈옥이라는 탈옥 기법')) as Element;
    // a person's wording names no model; the reader sees it was edited and corrected
    assert.equal(introKo.querySelector('.provenance')?.textContent, '사람이 작성 · 검토 전 · 편집자가 수정함 · 2024-04-12 독자 제안으로 정정됨');
    assert.ok(introKo.querySelector('.badge.corrected'));
    const introEn = Array.from(document.querySelectorAll('.text.original')).find((b) => b.textContent?.includes('Proposes a jailbreaking')) as Element;
    // the curated list is the source: no model, no claim that an editor approved it
    assert.equal(introEn.querySelector('.provenance')?.textContent, '영어 원문 · 큐레이션 목록 원문');
    assert.equal(document.querySelectorAll('p.after').length, 3);
    assert.ok(seen.includes(MSJ.introKo));
  });

  it('renders a paper page inert, with its editions linked', () => {
    const v = koView();
    const e = v.entries[0] as EntryView;
    e.entryId = 7;
    const html = renderPaperArticle(
      { key: e.paperKey, lang: 'ko', arxivId: null, url: 'javascript:alert(1)', authors: ['<img src=x onerror=alert(1)>', 'B. Author'], categories: ['cs.CL'], publishedAt: '2024-04-02T00:00:00Z', appearances: [{ startDate: '2024-04-01', endDate: '2024-04-07', entry: e }] },
      { fullProvenance: true, editionUrl: (d) => `/editions/${d}?lang=ko` },
    );
    const { document } = new JSDOM(`<!doctype html><body>${html.html}</body>`).window;
    assert.equal(document.querySelectorAll('img, script').length, 0);
    assert.equal(document.querySelector('h1')?.textContent, '다발성 탈옥 / Many-shot Jailbreaking');
    assert.equal(html.title, '다발성 탈옥 / Many-shot Jailbreaking');
    assert.match(document.querySelector('dl.paper-meta')?.textContent ?? '', /<img src=x onerror=alert\(1\)>, B\. Author/);
    assert.equal(document.querySelector('#edition-2024-04-01 h3 a')?.getAttribute('href'), '/editions/2024-04-01?lang=ko');
    assert.ok(Array.from(document.querySelectorAll('a')).every((a) => !/^javascript:/i.test(a.getAttribute('href') ?? '')));
  });
});
