// Tests of the glossary parsers on the three real glossary files (../shared/data/glossary) and on small
// inputs, mostly rows copied from those files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GlossaryTerm } from '../../domain/glossary.js';
import { PaperboyError } from '../../errors.js';
import { parseGlossary, parseGlossaryJson, parseGlossaryMarkdown, ruleFor, type GlossaryParse } from './parse.js';

const DATA = new URL('../../../../shared/data/glossary/', import.meta.url);
const GUIDE = new URL('pytorchkorea_tutorials-kr_TRANSLATION_GUIDE.md', DATA);
const DICT = new URL('keunwoochoi_machine_learning_eng2kor_dictionary.md', DATA);
const POC = new URL('pytorchkorea_kr-terms-poc/a.json', DATA);
const skipIfMissing = (u: URL): string | false => (existsSync(fileURLToPath(u)) ? false : `needs ${fileURLToPath(u)}`);
const read = (u: URL): string => readFileSync(u, 'utf8');

const ko = (source: string) => ({ lang: 'ko', source });
const byEn = (r: GlossaryParse, en: string): GlossaryTerm => {
  const t = r.terms.find((x) => x.en === en);
  assert.ok(t, `no term "${en}"`);
  return t;
};
type Want = [en: string, target: string, rule: GlossaryTerm['rule'], note: string | null];
function expectRows(r: GlossaryParse, rows: Want[]): void {
  for (const [en, target, rule, note] of rows) {
    const t = byEn(r, en);
    assert.deepEqual({ en: t.en, target: t.target, rule: t.rule, note: t.note }, { en, target, rule, note }, en);
  }
}
const GUIDE_HEAD = '|영문|한글|작성자|추가 설명|\n|---|---|:---:|---|\n';

describe('parseGlossaryMarkdown: the PyTorch Korea TRANSLATION_GUIDE.md', { skip: skipIfMissing(GUIDE) }, () => {
  const r = () => parseGlossaryMarkdown(read(GUIDE), ko('TRANSLATION_GUIDE.md'));

  it('reads all 82 rows of the table as 83 terms (`learning rate, lr` is two), without problems', () => {
    const p = r();
    assert.deepEqual(p.problems, []);
    assert.equal(p.terms.length, 83);
    assert.equal(p.terms[0]!.en, 'Acknowledgements');
    assert.equal(p.terms.at(-1)!.en, 'wrapper');
    for (const t of p.terms) {
      GlossaryTerm.parse(t);
      assert.equal(t.lang, 'ko');
      assert.equal(t.source, 'TRANSLATION_GUIDE.md');
    }
  });

  it('maps the notes to rules', () => {
    expectRows(r(), [
      ['attention', '어텐션', 'transliterate', '음차 표기'],
      ['autograd', 'Autograd', 'keep', '번역안함'],
      ['CUDA', 'CUDA', 'keep', '번역안함'],
      ['bias', '편향', 'translate', null],
      ['Batch Normalization', '배치 정규화', 'translate', null],
      ['NumPy', 'NumPy', 'keep', '번역하지 않음'],
      // no note, but the target is the English itself
      ['MelScale', 'MelScale', 'keep', null],
      // the note is a link: its text counts
      ['method', '메소드', 'transliterate', '음차 표기'],
      ['Audio', '오디오', 'translate', 'ToC의 분류명입니다.'],
      // a row with a missing last cell
      ['memory footprint', '메모리 전체 사용량', 'translate', null],
      ['Dropout', '드롭아웃', 'transliterate', '음차 표기'],
      ['Drop-out', 'Drop-out', 'keep', '번역안함'],
    ]);
  });

  it('splits English aliases and drops a parenthetical from the term', () => {
    expectRows(r(), [
      ['learning rate', '학습률', 'translate', null],
      ['lr', '학습률', 'translate', null],
      ['Tensor', 'Tensor', 'keep', '번역하지 않음'],
      ['Production', 'Production', 'keep', '번역하지 않음; English as written: Production (environment, use)'],
      ['track history', '연산 기록을 추적하다', 'translate', 'English as written: track (computation) history'],
    ]);
    assert.equal(r().terms.some((t) => t.en === 'Tensors'), false);
  });

  it('has no bilingual terms: no row asks for 한글(English)', () => {
    const rules = new Map<string, number>();
    for (const t of r().terms) rules.set(t.rule, (rules.get(t.rule) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(rules), { translate: 55, transliterate: 19, keep: 9 });
  });

  it('ignores the prose lists of the guide (`* http://www.ktword.co.kr/` is not a term)', () => {
    assert.equal(r().terms.some((t) => /^https?$/.test(t.en)), false);
  });
});

describe('parseGlossaryMarkdown: the keunwoochoi dictionary (a `term: 번역, 대안` list, no table)', { skip: skipIfMissing(DICT) }, () => {
  const r = () => parseGlossaryMarkdown(read(DICT), ko('dictionary.md'));

  it('reads 59 items as 59 terms: two `...` items skipped, two items with two English aliases', () => {
    const p = r();
    assert.equal(p.terms.length, 59);
    assert.deepEqual(p.problems, [
      { line: 12, message: 'no ko term for "backward pass" (only "..."); skipped' },
      { line: 37, message: 'no ko term for "forward pass" (only "..."); skipped' },
    ]);
    for (const t of p.terms) GlossaryTerm.parse(t);
  });

  it('takes the first alternative as the target and lists the rest', () => {
    expectRows(r(), [
      ['activation function', '활성 함수', 'translate', null],
      // italics are only emphasis
      ['artificial neural network', '인공 신경망', 'translate', 'also: 신경망, 뉴럴넷, 뉴럴 네트워크'],
      // `backpropagation, backprop: 역전파, 역방향전파, backprop,` — trailing comma
      ['backpropagation', '역전파', 'translate', 'also: 역방향전파, backprop'],
      ['backprop', '역전파', 'translate', 'also: 역방향전파, backprop'],
      // `BPTT; backpropagation through time: 시계열 역전파(?)`
      ['BPTT', '시계열 역전파', 'translate', 'as written: 시계열 역전파(?)'],
      ['backpropagation through time', '시계열 역전파', 'translate', 'as written: 시계열 역전파(?)'],
      // struck through: never the target
      ['Recurrent Neural Networks', 'RNN', 'translate', 'also: RNNs, 순환 신경망; avoid: 리커런트 뉴럴 네트워크'],
      // `...` is no target; a `(맥락에 따라)` qualifier is cut from the target
      ['image patch', '커널', 'translate', 'as written: (맥락에 따라) 커널'],
      ['image', '이미지', 'translate', 'also: (맥락에 따라) 그림, 사진'],
      // a purely parenthetical remark is dropped from the alternatives
      ['label', '라벨', 'translate', 'also: 레이블, 표식'],
      ['sequence', '배열', 'translate', "as written: (맥락에 따라)배열. (sequence는 과거와 현재 사건에 인과관계를 암시하는 뉘앙스가 있는데 '배열'엔 이게 없어서 고민)"],
      ['weights', '가중치', 'translate', 'also: (맥락에 따라)계수'],
      ['overfit', '과적응', 'translate', null],
    ]);
  });
});

describe('parseGlossaryJson: kr-terms-poc a.json', { skip: skipIfMissing(POC) }, () => {
  const r = () => parseGlossaryJson(read(POC), ko('a.json'));

  it('reads its 7 terms', () => {
    const p = r();
    assert.deepEqual(p.problems, []);
    assert.deepEqual(
      p.terms.map((t) => t.en),
      ['activation function', 'adversarial example', 'agent', 'all-reduce', 'anchor box', 'attention', 'autograd'],
    );
    for (const t of p.terms) GlossaryTerm.parse(t);
  });

  it('uses the first meaning, lists the other meanings and the synonyms', () => {
    expectRows(r(), [
      ['activation function', '활성화 함수', 'translate', 'synonyms: 활성 함수, 비선형 함수'],
      ['all-reduce', '올리듀스', 'translate', 'synonyms: 전체 집계'],
      ['autograd', '자동 미분', 'translate', 'synonyms: 자동 미분 엔진, 자동 그래디언트'],
    ]);
    const agent = byEn(r(), 'agent');
    assert.equal(agent.target, '에이전트');
    assert.equal(agent.rule, 'translate');
    assert.match(agent.note!, /^other meanings: 대리인; synonyms: 학습 주체, 행위자, 자율 에이전트, 지능형 대리인; 강화학습에서는/);
  });

  it('parseGlossary picks JSON by content', () => {
    assert.equal(parseGlossary(read(POC), ko('a.json')).terms.length, 7);
  });
});

describe('parseGlossaryMarkdown: small inputs', () => {
  const cases: Array<[name: string, text: string, want: Want[]]> = [
    ['English/Korean header', '| English | Korean | Notes |\n|---|---|---|\n| token | 토큰 | 음차 표기 |\n', [['token', '토큰', 'transliterate', '음차 표기']]],
    ['en/ko header, no note column', '|en|ko|\n|-|-|\n|loss|손실|\n', [['loss', '손실', 'translate', null]]],
    ['columns in another order', '|설명|한글|영문|\n|-|-|-|\n|번역안함|PyTorch|PyTorch|\n', [['PyTorch', 'PyTorch', 'keep', '번역안함']]],
    ['`English term` header words', '| Korean term | English term |\n|-|-|\n| 가중치 | weight |\n', [['weight', '가중치', 'translate', null]]],
    ['escaped Markdown is unescaped', `${GUIDE_HEAD}|\\*args|\\*args|박정환|번역안함|\n|a \\| b|가 \\| 나|||\n`, [['*args', '*args', 'keep', '번역안함'], ['a | b', '가 | 나', 'translate', null]]],
    ['code and emphasis reduced to text', `${GUIDE_HEAD}|\`state_dict\`|**상태 사전**|||\n`, [['state_dict', '상태 사전', 'translate', null]]],
    ['target alternatives `a, b`', `${GUIDE_HEAD}|token|토큰, 낱말|||\n`, [['token', '토큰', 'translate', 'also: 낱말']]],
    ['target alternatives `a/b`', `${GUIDE_HEAD}|label|레이블/라벨||음차 표기|\n`, [['label', '레이블', 'transliterate', '음차 표기; also: 라벨']]],
    ['bilingual by note', `${GUIDE_HEAD}|serialize|직렬화||한글(English)로 병기|\n`, [['serialize', '직렬화', 'bilingual', '한글(English)로 병기']]],
    ['bilingual by the target itself', `${GUIDE_HEAD}|Serialize|직렬화(Serialize)|||\n`, [['Serialize', '직렬화', 'bilingual', null]]],
    ['keep wins over transliterate', `${GUIDE_HEAD}|Tensor|Tensor||번역안함, 음차 표기 아님|\n`, [['Tensor', 'Tensor', 'keep', '번역안함, 음차 표기 아님']]],
    ['a list item', '## 목록\n\n* dropout rate: 드롭아웃 비율, 탈락률\n', [['dropout rate', '드롭아웃 비율', 'translate', 'also: 탈락률']]],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => {
      const r = parseGlossaryMarkdown(text, ko('t.md'));
      assert.deepEqual(r.problems, []);
      assert.equal(r.terms.length, want.length);
      expectRows(r, want);
    });
  }

  it('reads every glossary table of a file and skips other tables', () => {
    const text = `# A\n\n|Name|Value|\n|-|-|\n|x|1|\n\n${GUIDE_HEAD}|bias|편향|||\n\n# B\n\n|영문|한글|\n|-|-|\n|loss|손실|\n`;
    const r = parseGlossaryMarkdown(text, ko('t.md'));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.terms.map((t) => t.en), ['bias', 'loss']);
  });

  it('skips rows without a target or an English term, naming the line', () => {
    const text = `${GUIDE_HEAD}|bias|편향|||\n|weight||박정환||\n||손실|||\n| | | | |\n|shape|shape||번역하지 않음|\n`;
    const r = parseGlossaryMarkdown(text, ko('t.md'));
    assert.deepEqual(r.terms.map((t) => t.en), ['bias', 'shape']);
    assert.deepEqual(r.problems, [
      { line: 4, message: 'no ko term for "weight"; skipped' },
      { line: 5, message: 'row without an English term (target "손실"); skipped' },
      { line: 6, message: 'empty row; skipped' },
    ]);
  });

  it('keeps the first of a duplicate term', () => {
    const r = parseGlossaryMarkdown(`${GUIDE_HEAD}|bias|편향|||\n|Bias|바이어스|||\n`, ko('t.md'));
    assert.deepEqual(r.terms.map((t) => t.target), ['편향']);
    assert.deepEqual(r.problems, [{ line: 4, message: 'duplicate term "Bias" (first on line 3); kept the first' }]);
  });

  it('reports a file without a glossary table or list', () => {
    const r = parseGlossaryMarkdown('# Rules\n\nTranslate carefully.\n\n* keep line breaks\n', ko('rules.md'));
    assert.deepEqual(r.terms, []);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.line, 0);
    assert.match(r.problems[0]!.message, /^rules\.md: no glossary table/);
  });

  it('reports a table with an English column but no target column', () => {
    const r = parseGlossaryMarkdown('|영문|설명|\n|-|-|\n|bias|편향|\n', ko('t.md'));
    assert.deepEqual(r.terms, []);
    assert.deepEqual(r.problems[0], { line: 1, message: 'table with header "영문 | 설명" has no ko column; skipped' });
    assert.match(r.problems[1]!.message, /^t\.md: no glossary table/);
  });

  it('refuses a missing language', () => {
    assert.throws(() => parseGlossaryMarkdown(GUIDE_HEAD, { lang: '', source: 't.md' }), (e: unknown) => e instanceof PaperboyError && e.code === 'USAGE');
  });
});

describe('ruleFor', () => {
  const cases: Array<[en: string, target: string, note: string, want: GlossaryTerm['rule']]> = [
    ['attention', '어텐션', '음차 표기', 'transliterate'],
    ['method', '메소드', '음차 표기', 'transliterate'],
    ['autograd', 'Autograd', '번역안함', 'keep'],
    ['NumPy', 'NumPy', '번역하지 않음', 'keep'],
    ['One-Hot', 'one hot', '', 'keep'],
    ['bias', '편향', '', 'translate'],
    ['Audio', '오디오', 'ToC의 분류명입니다.', 'translate'],
    ['serialize', '직렬화', '첫 등장 시 한글(영어)와 같이 작성', 'bilingual'],
    ['serialize', '직렬화', 'bilingual on first use', 'bilingual'],
  ];
  for (const [en, target, note, want] of cases) it(`${en} / ${target} / "${note}" → ${want}`, () => assert.equal(ruleFor(en, target, note), want));
});

describe('parseGlossaryJson: small inputs', () => {
  const item = (term: string, korean: string, extra: object = {}) => ({ term, meanings: [{ korean, definition: 'd', examples: [], synonyms: [] }], ...extra });

  it('keeps a term whose Korean is the term itself', () => {
    const r = parseGlossaryJson(JSON.stringify([item('PyTorch', 'PyTorch'), item('bias', '편향')]), ko('x.json'));
    assert.deepEqual(r.terms.map((t) => [t.en, t.target, t.rule, t.note]), [['PyTorch', 'PyTorch', 'keep', null], ['bias', '편향', 'translate', null]]);
  });

  it('reports a bad item by index and term, keeping its siblings', () => {
    const text = JSON.stringify(
      [item('bias', '편향'), { meanings: [{ korean: '손실' }] }, { term: 'weight', meanings: [] }, { term: 'epoch', meanings: [{ definition: 'x' }] }, 42, item('loss', '손실')],
      null,
      2,
    );
    const r = parseGlossaryJson(text, ko('x.json'));
    assert.deepEqual(r.terms.map((t) => t.en), ['bias', 'loss']);
    assert.equal(r.problems.length, 4);
    const [noTerm, noMeaning, noKorean, notObject] = r.problems;
    assert.match(noTerm!.message, /^item 1 \(no term\): term: /);
    assert.match(noMeaning!.message, /^item 2 \("weight"\): meanings: /);
    assert.match(noKorean!.message, /^item 3 \("epoch"\): meanings\.0\.korean: /);
    assert.match(notObject!.message, /^item 4 \(no term\)/);
    // the lines of the items in the pretty-printed text
    const lines = text.split('\n');
    assert.match(lines[noTerm!.line - 1]!, /^ {2}\{$/);
    assert.match(lines[noTerm!.line]!, /"meanings"/);
    assert.match(lines[noMeaning!.line]!, /"term": "weight"/);
    assert.match(lines[notObject!.line - 1]!, /^ {2}42,$/);
  });

  it('throws INPUT_INVALID on invalid JSON, naming the source', () => {
    assert.throws(
      () => parseGlossaryJson('[{"term": "bias",', ko('broken.json')),
      (e: unknown) => e instanceof PaperboyError && e.code === 'INPUT_INVALID' && e.message.startsWith('broken.json: not valid JSON: '),
    );
  });

  it('throws INPUT_INVALID when the top level is not a list of terms', () => {
    assert.throws(() => parseGlossaryJson('"bias"', ko('x.json')), (e: unknown) => e instanceof PaperboyError && e.code === 'INPUT_INVALID');
  });

  it('parseGlossary chooses by format or content', () => {
    const json = JSON.stringify([item('bias', '편향')]);
    assert.equal(parseGlossary(json, ko('x')).terms[0]!.target, '편향');
    assert.equal(parseGlossary(`\n  ${json}`, ko('x')).terms.length, 1);
    assert.equal(parseGlossary(`${GUIDE_HEAD}|bias|편향|||\n`, ko('x')).terms[0]!.target, '편향');
    assert.throws(() => parseGlossary(`${GUIDE_HEAD}|bias|편향|||\n`, { ...ko('x'), format: 'json' }), PaperboyError);
  });
});
