// npm run eval:check — the checker on real pairs and on a mutation suite.
// 1. the reference post's intro and abstract pairs and the machine-made HF pairs: every finding printed;
// 2. mutants: correct pairs with one number, one name or one link changed in the draft, in every
//    notation; recall per rule (target ≥ 95%) and the error rate on the unmutated pairs (target ≤ 3%).
import { readdirSync, readFileSync } from 'node:fs';
import { checkText } from '../src/domain/check/engine.js';
import { findNames } from '../src/domain/check/names.js';
import { extractQuantities } from '../src/domain/check/quantities.js';
import type { Finding } from '../src/domain/check/types.js';
import { parseEditionPost } from '../src/sources/edition-post/parse.js';

export interface Pair {
  id: string;
  source: string;
  draft: string;
}

const SHARED = new URL('../../shared/', import.meta.url);

/** Reference-post pairs that hold real mistakes (the verdicts in src/domain/check/*verdicts*.test.ts). */
export const KNOWN_MISTAKES = new Set(['post:2:intro', 'post:4:abstract', 'post:9:abstract', 'hf:2412.12606:summary']);

export function referencePairs(): Pair[] {
  const post = parseEditionPost(readFileSync(new URL('seed/000_a9127735c741dfde.txt', SHARED), 'utf8'), 'ko');
  const out: Pair[] = [];
  post.entries.forEach((e, i) => {
    if (e.introTarget && e.introEn) out.push({ id: `post:${i + 1}:intro`, source: e.introEn, draft: e.introTarget });
    if (e.abstractTarget && e.abstractEn) out.push({ id: `post:${i + 1}:abstract`, source: e.abstractEn, draft: e.abstractTarget });
  });
  return out;
}

export function hfPairs(): Pair[] {
  const dir = new URL('data/hf/jeongiin_hf-daily-paper-korean-autoflow/hf-daily-paper-ko-gpt/', SHARED);
  const out: Pair[] = [];
  for (const f of readdirSync(dir).sort()) {
    const items = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Array<{ paper: { id: string; title: string; summary: string }; translation_title: string; translation_summary: string }>;
    for (const x of items) {
      out.push({ id: `hf:${x.paper.id}:title`, source: x.paper.title, draft: x.translation_title });
      out.push({ id: `hf:${x.paper.id}:summary`, source: x.paper.summary.replace(/\s*\n\s*/g, ' '), draft: x.translation_summary });
    }
  }
  return out;
}

/** Correct pairs written for every notation the number rule must read. */
export const NOTATION_PAIRS: Pair[] = [
  ['The model has 2.2B active parameters.', '이 모델은 22억 개의 활성 파라미터를 가집니다.'],
  ['It was trained for less than $0.1 million.', '10만 달러 미만의 비용으로 훈련되었습니다.'],
  ['It is 10-50x more parameter efficient.', '파라미터 효율이 10~50배 더 높습니다.'],
  ['The labels span 28 to 174 classes.', '레이블은 28~174개의 클래스에 걸쳐 있습니다.'],
  ['It uses about 256 faux dialogues.', '약 256개의 가짜 대화를 사용합니다.'],
  ['It uses ~256 faux dialogues.', '~256개의 가짜 대화를 사용합니다.'],
  ['Performance drops beyond 20K tokens.', '2만 토큰을 넘으면 성능이 떨어집니다.'],
  ['A mixture of 132B parameters is used.', '1,320억 개의 파라미터 혼합을 사용합니다.'],
  ['It was pretrained on 12T tokens.', '12조 개의 토큰으로 사전 학습되었습니다.'],
  ['The context window holds 1M tokens.', '컨텍스트 창은 100만 토큰을 담습니다.'],
  ['Decoding is 2x faster.', '디코딩이 2배 빠릅니다.'],
  ['The corpus has 350,000,000 sentences.', '말뭉치에는 3억 5천만 개의 문장이 있습니다.'],
  ['We collect 500K samples.', '50만 개의 샘플을 수집합니다.'],
  ['SWE-agent resolves 12.29% of issues.', 'SWE-agent는 12.29%의 이슈를 해결합니다.'],
  ['The list has 1,300 entries.', '목록에는 1,300개의 항목이 있습니다.'],
  ['It improves accuracy by 4.5 points.', '정확도를 4.5점 높입니다.'],
  ['Sampling is up to 50% faster.', '샘플링이 최대 50% 더 빠릅니다.'],
  ['Each layer has 8 experts.', '각 레이어에는 8명의 전문가가 있습니다.'],
  ['Each block has two MoE layers.', '각 블록에는 2개의 MoE 레이어가 있습니다.'],
  ['It handles sequences beyond 32K tokens.', '32K 토큰을 넘는 시퀀스를 처리합니다.'],
  ['The project cost $5 million.', '이 프로젝트에는 500만 달러가 들었습니다.'],
  ['It gives a 3.5x speedup.', '3.5배의 속도 향상을 얻습니다.'],
  ['A step takes 0.5 seconds.', '한 단계에 0.5초가 걸립니다.'],
  ['The dataset has 1.5 million images.', '데이터셋에는 150만 개의 이미지가 있습니다.'],
  ['Eurus-70B outperforms GPT-3.5 Turbo on 12 benchmarks.', 'Eurus-70B는 12개의 벤치마크에서 GPT-3.5 Turbo보다 뛰어납니다.'],
  ['It is evaluated on MMLU and TheoremQA.', 'MMLU와 TheoremQA에서 평가합니다.'],
  ['Code is at https://github.com/stanfordnlp/pyreft and data at https://huggingface.co/datasets/openbmb/UltraInteract.', '코드는 https://github.com/stanfordnlp/pyreft 에, 데이터는 https://huggingface.co/datasets/openbmb/UltraInteract 에 있습니다.'],
  ['LoReFT beats LLaMA2-7B baselines on 8 commonsense tasks.', 'LoReFT는 8가지 상식 과제에서 LLaMA2-7B 기준 모델을 능가합니다.'],
  ['JetMoE-8B has 24 blocks.', 'JetMoE-8B에는 24개의 블록이 있습니다.'],
  ['The models were released in 2024 with 7 billion parameters.', '이 모델들은 2024년에 70억 개의 파라미터로 공개되었습니다.'],
].map(([source, draft], i) => ({ id: `notation:${i + 1}`, source: source!, draft: draft! }));

export interface Mutant {
  pair: string;
  rule: 'numbers' | 'names' | 'links';
  kind: string;
  draft: string;
}

const replaceAt = (s: string, [a, b]: [number, number], text: string) => s.slice(0, a) + text + s.slice(b);
/** every occurrence changes: a value or name still present elsewhere in the draft is not a mistake */
const replaceAll = (s: string, from: string, to: string) => s.split(from).join(to);

/** A different number written in the same notation: the last digit changes, or the scale does. */
function otherNumbers(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const m = /(\d)(?!.*\d)/.exec(raw);
  if (m) out.push(['digit', raw.slice(0, m.index) + String((Number(m[1]) + 1) % 10) + raw.slice(m.index + 1)]);
  const units: Array<[RegExp, string]> = [
    [/만/, '억'],
    [/억/, '만'],
    [/조/, '억'],
    [/천/, '백'],
    [/배/, '%'],
  ];
  for (const [re, to] of units) if (re.test(raw)) out.push([`unit ${re.source}→${to}`, raw.replace(re, to)]);
  if (/\d\.\d/.test(raw)) out.push(['decimal point moved', raw.replace(/(\d)\.(\d)/, '$1$2.')]);
  return out;
}

export function mutants(pairs: Pair[]): Mutant[] {
  const out: Mutant[] = [];
  for (const p of pairs) {
    // numbers: each quantity of the draft changed, one at a time, or dropped
    const raws = new Set<string>();
    for (const q of extractQuantities(p.draft, 'ko')) {
      if (raws.has(q.raw)) continue;
      raws.add(q.raw);
      for (const [kind, text] of otherNumbers(q.raw)) if (text !== q.raw) out.push({ pair: p.id, rule: 'numbers', kind, draft: replaceAll(p.draft, q.raw, text) });
      out.push({ pair: p.id, rule: 'numbers', kind: 'dropped', draft: replaceAll(p.draft, q.raw, '') });
    }
    // names: each name of the source that the draft keeps, changed or spelled in Hangul
    const seen = new Set<string>();
    for (const n of findNames(p.source)) {
      if (seen.has(n.name)) continue;
      seen.add(n.name);
      if (!p.draft.includes(n.name)) continue;
      const variants: Array<[string, string]> = [
        ['dropped', ''],
        ['lower-cased', n.name.toLowerCase()],
        ['hangul', '에스더블유이벤치'],
      ];
      if (/\d/.test(n.name)) variants.push(['digit', n.name.replace(/\d(?!.*\d)/, (d) => String((Number(d) + 1) % 10))]);
      for (const [kind, text] of variants) if (text !== n.name) out.push({ pair: p.id, rule: 'names', kind, draft: replaceAll(p.draft, n.name, text) });
    }
    // links: each URL of the draft changed or dropped, and one added
    for (const m of p.draft.matchAll(/https?:\/\/[^\s)>\]]+[^\s)>\].,;:!?]/g)) {
      const span: [number, number] = [m.index!, m.index! + m[0].length];
      out.push({ pair: p.id, rule: 'links', kind: 'changed', draft: replaceAt(p.draft, span, m[0].replace(/[a-z](?=[^a-z]*$)/, 'x')) });
      out.push({ pair: p.id, rule: 'links', kind: 'dropped', draft: replaceAt(p.draft, span, '') });
    }
    if (!/https?:\/\//.test(p.source)) out.push({ pair: p.id, rule: 'links', kind: 'added', draft: `${p.draft} 자세한 내용은 https://evil.example/x 를 보세요.` });
  }
  return out;
}

export interface Evaluation {
  realPairs: Array<{ id: string; findings: Finding[] }>;
  correctPairs: number;
  correctWithError: string[];
  errorRate: number;
  recall: Record<string, { mutants: number; caught: number; recall: number; missed: Array<{ pair: string; kind: string }> }>;
}

export function evaluate(): Evaluation {
  const real = [...referencePairs(), ...hfPairs()];
  const realPairs = real.map((p) => ({ id: p.id, findings: checkText({ lang: 'ko', source: p.source, draft: p.draft }) }));
  const correct = [...NOTATION_PAIRS, ...real.filter((p) => !KNOWN_MISTAKES.has(p.id))];
  const correctWithError = correct.filter((p) => checkText({ lang: 'ko', source: p.source, draft: p.draft }).some((f) => f.severity === 'error')).map((p) => p.id);
  const recall: Evaluation['recall'] = {};
  for (const m of mutants(correct)) {
    const base = correct.find((p) => p.id === m.pair)!;
    const r = (recall[m.rule] ??= { mutants: 0, caught: 0, recall: 0, missed: [] });
    r.mutants++;
    if (checkText({ lang: 'ko', source: base.source, draft: m.draft }).some((f) => f.rule === m.rule && f.severity === 'error')) r.caught++;
    else r.missed.push({ pair: m.pair, kind: m.kind });
  }
  for (const r of Object.values(recall)) r.recall = r.caught / r.mutants;
  return { realPairs, correctPairs: correct.length, correctWithError, errorRate: correctWithError.length / correct.length, recall };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const e = evaluate();
  console.log('eval:check — real pairs (reference post and HF machine translations)');
  for (const p of e.realPairs) {
    console.log(`  ${p.id}: ${p.findings.length ? '' : 'no findings'}`);
    for (const f of p.findings) console.log(`    ${f.severity.padEnd(7)} ${f.rule.padEnd(9)} ${f.message}`);
  }
  console.log('mutation suite (one number, name or link changed in a correct draft)');
  for (const [rule, r] of Object.entries(e.recall)) {
    console.log(`  ${rule.padEnd(8)} recall ${(r.recall * 100).toFixed(1)}% (${r.caught}/${r.mutants})  (target >= 95%) ${r.recall >= 0.95 ? 'MET' : 'MISSED'}`);
    if (process.env.EVAL_VERBOSE) for (const m of r.missed) console.log(`    missed: ${m.pair} ${m.kind}`);
  }
  console.log(`  error rate on ${e.correctPairs} unmutated correct pairs: ${(e.errorRate * 100).toFixed(1)}% (${e.correctWithError.length})  (target <= 3%) ${e.errorRate <= 0.03 ? 'MET' : 'MISSED'}`);
  if (e.correctWithError.length) console.log(`    with an error: ${e.correctWithError.join(', ')}`);
}
