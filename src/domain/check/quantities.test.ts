import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractQuantities, type Quantity } from './quantities.js';

/** `raw|value|kind`, `raw|low..high|kind` for ranges, `~` appended when approximate. */
const show = (q: Quantity) =>
  `${q.raw}|${q.value}${q.high !== undefined ? `..${q.high}` : ''}|${q.kind}${q.approx ? '~' : ''}`;
const summary = (text: string, lang: string) => extractQuantities(text, lang).map(show);

const EN: Array<[string, string[]]> = [
  // digits, grouping, decimals
  ['over 1,300 samples', ['1,300|1300|number~']],
  ['12 tests covering five tasks', ['12|12|number', 'five|5|number']],
  ['an AUC of 0.87', ['0.87|0.87|number']],
  ['trained on 1e24 FLOPs', ['1e24|1e+24|number']],
  ['about 10^24 operations', ['10^24|1e+24|number~']],
  ['a change of -5% overall', ['-5%|-5|percent']],
  // percent
  ['resolves 12.29% of issues', ['12.29%|12.29|percent']],
  ['by 50 percent', ['50 percent|50|percent']],
  ['up 5 percentage points', ['5 percentage points|5|percent']],
  ['81.1 % on GSM8K', ['81.1 %|81.1|percent']],
  ['+6–37% on tasks', ['6–37%|6..37|percent']],
  // ranges
  ['from 2K to 50K tokens', ['2K to 50K|2000..50000|number']],
  ['spanning 28 to 174 classes', ['28 to 174|28..174|number']],
  ['10-50x more parameter efficient', ['10-50x|10..50|multiplier']],
  ['10x-50x more', ['10x-50x|10..50|multiplier']],
  ['2-5K tokens', ['2-5K|2000..5000|number']],
  ['7B-13B LLMs', ['7B-13B|7000000000..13000000000|number']],
  ['the top 1–2 sources', ['1–2|1..2|number']],
  ['from 7 trillion tokens to 18 trillion tokens', ['7 trillion|7000000000000|number', '18 trillion|18000000000000|number']],
  // approximations
  ['faux dialogues (~256) preceding', ['~256|256|number~']],
  ['about 256 dialogues', ['256|256|number~']],
  ['nearly 40% of them', ['40%|40|percent~']],
  ['up to 8B parameters', ['8B|8000000000|number~']],
  ['100+ languages', ['100|100|number~']],
  ['over 500 images', ['500|500|number~']],
  // scale suffixes and words
  ['under the token length of 20K', ['20K|20000|number']],
  ['a 20 K window', ['20 K|20000|number']],
  ['2.2B active parameters', ['2.2B|2200000000|number']],
  ['132B total', ['132B|132000000000|number']],
  ['12T tokens', ['12T|12000000000000|number']],
  ['1M tokens', ['1M|1000000|number']],
  ['An 8B model', ['8B|8000000000|number']],
  ['an 8 B model', ['8 B|8000000000|number']],
  ['100k steps', ['100k|100000|number']],
  ['1.5 million users', ['1.5 million|1500000|number']],
  ['over 1 million samples', ['1 million|1000000|number~']],
  ['3 thousand', ['3 thousand|3000|number']],
  ['24GB to just 1MB', ['24GB|24000000000|number', '1MB|1000000|number']],
  ['4TB of text', ['4TB|4000000000000|number']],
  ['a 3.12dB gain at 20 fps in 400ms', ['3.12dB|3.12|number', '20 fps|20|number', '400ms|400|number']],
  // money
  ['less than $ 0.1 million cost', ['$ 0.1 million|100000|money~']],
  ['with $0.1 million', ['$0.1 million|100000|money']],
  ['costs $5 per run', ['$5|5|money']],
  ['$500.8K in the open', ['$500.8K|500800|money']],
  ['5 dollars', ['5 dollars|5|money']],
  ['€3 each', ['€3|3|money']],
  // multipliers
  ['2x faster', ['2x|2|multiplier']],
  ['10× fewer', ['10×|10|multiplier']],
  ['3.7× less memory', ['3.7×|3.7|multiplier']],
  ['5 times larger', ['5 times|5|multiplier']],
  ['around 5\ntimes larger', ['5\ntimes|5|multiplier~']],
  ['twice as fast', ['twice|2|multiplier']],
  ['a threefold gain', ['threefold|3|multiplier']],
  ['a 2-fold gain', ['2-fold|2|multiplier']],
  ['three times fewer', ['three times|3|multiplier']],
  // number words
  ['each block has two MoE layers', ['two|2|number']],
  ['on eight commonsense reasoning tasks', ['eight|8|number']],
  ['Four techniques', ['Four|4|number']],
  ['twenty-five runs', ['twenty-five|25|number']],
  ['a hundred runs', ['a hundred|100|number']],
  ['two hundred runs', ['two hundred|200|number']],
  ['three million users', ['three million|3000000|number']],
  ['a two-stage pipeline', ['two|2|number']],
  ['reaching a performance close to zero', ['zero|0|number']],
  ['one of the models', ['one|1|number']],
  ['up to hundreds of shots', []],
  ['thousands of images, tens of runs, dozens of tasks', []],
  ['zero-shot and few-shot', []],
  ['non-zero values', []],
  ['a three-dimensional scene', []],
  ['often, tenfold', ['tenfold|10|multiplier']],
  // counts in compounds
  ['a 360-degree view', ['360|360|number']],
  ['a 3-layer network with 8-bit weights', ['3|3|number', '8|8|number']],
  ['top-5 accuracy', ['5|5|number']],
  // years are plain numbers
  ['in 2023, and AIME 2024', ['2023|2023|number', '2024|2024|number']],
  // not quantities: names
  ['most LLMs except GPT-4 will dip', []],
  ['GPT-3.5 Turbo', []],
  ['outperforms LLaMA2-7B', []],
  ['Mistral-7B and CodeLlama-70B, Eurus-70B', []],
  ['JetMoE-8B and Gemma-2B', []],
  ['Qwen2.5-72B-Instruct and Llama-3-405B-Instruct', []],
  ['Llama\u20113\u20118B on GSM8K', []],
  ['Alpaca-Eval v1.0', []],
  ['version 1.0.2', []],
  ['in 2D grid worlds and 3D scenes', []],
  ['a single A100 GPU, 30,000 H100s', ['single|1|number', '30,000|30000|number']],
  ['both models, run once', ['both|2|number', 'once|1|number']],
  ['Section 3 K-means', ['3|3|number']],
  ['O(N) and O(1) and O(n^2)', []],
  ['pass@1 accuracy', []],
  ['the α1 method', []],
  ['224x224 images', []],
  ['top-k routing, GPT-4o', []],
  // not quantities: ordinals, dates, list markers, citations
  ['the 1st, 2nd and 3rd place; first and second', []],
  ['released 2024-04-01 and 2024/04/07', []],
  ['on April 1, 2024', ['2024|2024|number']],
  ['on 1 April', []],
  ['[2024/04/01 ~ 04/07]', []],
  ['at 10:30', []],
  ['1/2 of the layers', []],
  ['1. JetMoE-8B is trained\n2. It is open\n  a. It only uses', []],
  ['(1) reasoning chains, (2) multi-turn, and (3) pairwise data', []],
  ['1) efficiency, 2) promptable evaluation', []],
  ['as shown in [12] and [3, 4]', []],
  // not quantities: URLs, ids, LaTeX
  ['see https://x.com/AnthropicAI/status/1775211248239464837', []],
  ['https://github.com/open-compass/GPassK and research.myshell.ai/jetmoe', []],
  ['arXiv:2404.12345v2 and 2403.19887', []],
  ['mail a1@b2.org', []],
  ['with $O(n^2)$ cost and \\(x_1\\)', []],
  ['$5 and $10', ['$5|5|money', '$10|10|money']],
  ['\\cite{smith2020} shows', []],
];

const KO: Array<[string, string[]]> = [
  // Korean units
  ['22억 개의 활성 파라미터', ['22억|2200000000|number']],
  ['2K에서 50만 토큰에 이르는', ['2K|2000|number', '50만|500000|number']],
  ['3억 5천만 원', ['3억 5천만 원|350000000|money']],
  ['1억2345만', ['1억2345만|123450000|number']],
  ['1억 1500만 개의', ['1억 1500만|115000000|number']],
  ['1.5만 개', ['1.5만|15000|number']],
  ['10만 달러 미만의 비용', ['10만 달러|100000|money~']],
  ['0.1백만 달러 미만의 비용', ['0.1백만 달러|100000|money~']],
  ['7조 토큰에서 18조 토큰으로', ['7조|7000000000000|number', '18조|18000000000000|number']],
  ['100만 개 이상의 샘플', ['100만|1000000|number~']],
  ['8000억 개의 중국어 토큰', ['8000억|800000000000|number']],
  ['3조각으로', ['3|3|number']],
  ['10만큼', ['10|10|number']],
  // counters do not change the value
  ['256개의 대화', ['256|256|number']],
  ['13개의 LLM, 8명의 전문가, 24개의 블록, 2가지 방법', ['13|13|number', '8|8|number', '24|24|number', '2|2|number']],
  ['768차원의 임베딩', ['768|768|number']],
  ['2024년에', ['2024|2024|number']],
  // approximations
  ['약 256개', ['256|256|number~']],
  ['(~256개)', ['~256|256|number~']],
  ['500개 이상의 이미지', ['500|500|number~']],
  ['10여 개의 모델', ['10|10|number~']],
  ['최대 80억 매개변수', ['80억|8000000000|number~']],
  // ranges and multipliers
  ['10~50배 더', ['10~50배|10..50|multiplier']],
  ['10-50배 더 파라미터 효율적인', ['10-50배|10..50|multiplier']],
  ['10배~50배 더 높은', ['10배~50배|10..50|multiplier']],
  ['2배 빠른', ['2배|2|multiplier']],
  ['2~3배의 속도', ['2~3배|2..3|multiplier']],
  ['28~174개의 클래스', ['28~174|28..174|number']],
  ['2~5만 명', ['2~5만|20000..50000|number']],
  // percent
  ['12.29%의 이슈', ['12.29%|12.29|percent']],
  ['50퍼센트', ['50퍼센트|50|percent']],
  ['5%p 상승', ['5%p|5|percent']],
  // English notation inside Korean
  ['20K 이하', ['20K|20000|number~']],
  ['8B 모델', ['8B|8000000000|number']],
  ['4테라바이트의 훈련 바이트', ['4테라|4000000000000|number']],
  ['80GB GPU', ['80GB|80000000000|number']],
  // Sino-Korean words
  ['이천이십육년', ['이천이십육|2026|number']],
  ['백만 명의 사용자', ['백만|1000000|number']],
  ['삼백 개', ['삼백|300|number']],
  ['오십만 길이의 책', ['오십만|500000|number']],
  // native counting words
  ['두 개의 전문가', ['두|2|number']],
  ['세 가지 주요 이점', ['세|3|number']],
  ['네 가지 최적화', ['네|4|number']],
  ['여덟 가지 차원', ['여덟|8|number']],
  ['다섯 개의 표준', ['다섯|5|number']],
  ['여섯 가지 시나리오', ['여섯|6|number']],
  ['열 개의 모델', ['열|10|number']],
  ['열두 개', ['열두|12|number']],
  ['두 배 향상', ['두|2|multiplier']],
  ['세가지 방법', ['세|3|number']],
  ['단 하나의 이미지', ['하나|1|number']],
  ['두 모델 모두', ['두|2|number']],
  // not quantities
  ['첫 번째, 두 번째, 둘째, 셋째', []],
  ['세계와 한국의 네트워크', []],
  ['데이터 셋의 스케일링', []],
  ['둘 다 좋다', []],
  ['두세 개', []],
  ['수백 가지, 최대 수백 회, 수십억 달러, 몇 개', []],
  ['GPT-4를 제외한', []],
  ['JetMoE-8B에는 LLaMA2-7B보다', []],
  ['미스트랄-7B와 코드라마-70B', []],
  ['2D 그리드 월드와 3차원 장면', []],
  ['제1 저자, 2위', []],
  ['4월 1일', []],
  ['2024년 4월', ['2024|2024|number']],
  ['구조를 바꾸고 천천히 사천성', []],
  ['백조가 날아간다', []],
  ['일이 많다', []],
  ['십분 활용하여 백분율과 백분위를', []],
  ['십 분 만에, 천 개의', ['십|10|number', '천|1000|number']],
  ['(1) 통합된 형식, (2) 다중 턴', []],
  ['1) 효율성, 2) 즉각적인 평가', []],
  ['https://mdi-benchmark.github.io/에서', []],
  ['Alpaca-Eval v1.0, GLUE', []],
  ['세대를 거쳐', []],
  ['단일 GPU, 단일화', ['단일|1|number']],
];

describe('extractQuantities (en)', () => {
  for (const [text, expected] of EN) {
    it(JSON.stringify(text), () => assert.deepEqual(summary(text, 'en'), expected));
  }
});

describe('extractQuantities (ko)', () => {
  for (const [text, expected] of KO) {
    it(JSON.stringify(text), () => assert.deepEqual(summary(text, 'ko'), expected));
  }
});

describe('extractQuantities: fields', () => {
  it('spans are UTF-16 offsets into the input, raw is the text there', () => {
    const text = '🔥 2K에서 50만 토큰 (~256개)';
    const qs = extractQuantities(text, 'ko');
    assert.deepEqual(
      qs.map((q) => q.span),
      [
        [3, 5],
        [8, 11],
        [16, 20],
      ],
    );
    for (const q of qs) assert.equal(text.slice(q.span[0], q.span[1]), q.raw);
  });

  it('a range has both ends as written', () => {
    const [q] = extractQuantities('from 2K to 50K tokens', 'en');
    assert.deepEqual(q?.ends, [
      { value: 2000, span: [5, 7], raw: '2K' },
      { value: 50000, span: [11, 14], raw: '50K' },
    ]);
    const [k] = extractQuantities('10배~50배', 'ko');
    assert.deepEqual(
      k?.ends?.map((e) => e.raw),
      ['10배', '50배'],
    );
  });

  it('money has a currency', () => {
    assert.equal(extractQuantities('$ 0.1 million', 'en')[0]?.currency, 'USD');
    assert.equal(extractQuantities('10만 달러', 'ko')[0]?.currency, 'USD');
    assert.equal(extractQuantities('3억 원', 'ko')[0]?.currency, 'KRW');
    assert.equal(extractQuantities('€3', 'en')[0]?.currency, 'EUR');
    assert.equal(extractQuantities('50만', 'ko')[0]?.currency, undefined);
  });

  it('reads a regional tag as its language', () => {
    assert.deepEqual(summary('22억', 'ko-KR'), ['22억|2200000000|number']);
  });

  it('other languages get digits only', () => {
    assert.deepEqual(summary('22억 and 50%', 'ja'), ['22|22|number', '50%|50|percent']);
  });

  it('is fast on a long abstract', () => {
    const abstract = 'We evaluate 13 long-context LLMs from 2K to 50K tokens (~256), GPT-4 and LLaMA2-7B, 12.29% and $0.1 million. '.repeat(20);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) extractQuantities(abstract, 'en');
    const perCall = (performance.now() - t0) / 20;
    // no timing assertion (CI machines vary); print it for a human
    if (process.env.DEBUG_CHECK) console.log(`extractQuantities: ${abstract.length} chars in ${perCall.toFixed(3)} ms`);
    assert.equal(extractQuantities(abstract, 'en').length, 20 * 5);
  });
});
