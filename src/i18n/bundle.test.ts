import { readdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PaperboyError } from '../errors.js';
import {
  BundleSchema,
  editionTitle,
  fill,
  formatDateRange,
  getBundle,
  listLanguages,
  parseBundle,
  RAW_BUNDLES,
} from './bundle.js';

const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uA960-\uA97F\uAC00-\uD7A3\uD7B0-\uD7FF]/;
const dir = new URL('./', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const readRaw = (file: string): unknown => JSON.parse(readFileSync(new URL(file, dir), 'utf8'));

describe('i18n bundles', () => {
  it('every language file in src/i18n is registered and valid', () => {
    assert.ok(files.length >= 2);
    for (const file of files) {
      const lang = file.replace(/\.json$/, '');
      assert.ok(Object.hasOwn(RAW_BUNDLES, lang), `${file} is not registered in RAW_BUNDLES (bundle.ts)`);
      assert.doesNotThrow(() => parseBundle(lang, readRaw(file)), `${file} must satisfy BundleSchema`);
    }
    assert.deepEqual(listLanguages(), files.map((f) => f.replace(/\.json$/, '')).sort());
  });

  it('a bundle with a missing key fails, naming the key', () => {
    const raw = structuredClone(readRaw('ko.json')) as Record<string, unknown>;
    delete raw.intro;
    assert.throws(
      () => parseBundle('ko', raw),
      (err: unknown) => err instanceof PaperboyError && err.code === 'INPUT_INVALID' && /'ko'.*intro/.test(err.message),
    );
    const nested = structuredClone(readRaw('ko.json')) as { origin: Record<string, unknown> };
    delete nested.origin.llm;
    assert.throws(() => parseBundle('ko', nested), /origin\.llm/);
  });

  it('a bundle with an empty value, an unknown key or a template without its placeholder fails', () => {
    const base = readRaw('en.json') as Record<string, unknown>;
    assert.throws(() => parseBundle('en', { ...base, paperLink: '  ' }), /paperLink/);
    assert.throws(() => parseBundle('en', { ...base, extraKey: 'x' }), /extraKey|unrecognized/i);
    assert.throws(() => parseBundle('en', { ...base, editionTitle: 'Top papers {start}' }), /editionTitle.*\{end\}/);
    assert.throws(() => parseBundle('en', { ...base, footerModels: 'Drafted by a model.' }), /footerModels/);
    assert.throws(() => parseBundle('fr', base), /declares lang 'en'/);
    assert.equal(BundleSchema.safeParse(base).success, true);
  });

  it('getBundle picks by primary subtag and falls back to English', () => {
    assert.equal(getBundle('ko').lang, 'ko');
    assert.equal(getBundle('ko-KR').lang, 'ko');
    assert.equal(getBundle('KO').lang, 'ko');
    assert.equal(getBundle('en-GB').lang, 'en');
    assert.equal(getBundle('xx').lang, 'en');
    assert.equal(getBundle('').lang, 'en');
  });

  it('the Korean bundle carries the reference labels', () => {
    const ko = getBundle('ko');
    assert.equal(ko.intro, '논문 소개');
    assert.equal(ko.abstract, '논문 초록(Abstract)');
    assert.equal(ko.keyMessages, '주요 내용(Key Messages)');
    assert.equal(ko.paperLink, '논문 링크');
    assert.equal(ko.codeLink, 'GitHub 링크');
    assert.equal(ko.moreReading, '더 읽어보기');
    assert.equal(ko.source, '원문');
    assert.equal(
      `${fill(ko.footerModels, { models: 'GPT' })} ${ko.reportMistakes}`,
      '이 글은 GPT 모델로 정리한 것으로, 잘못된 부분이 있을 수 있으니 글 아래쪽의 원문도 함께 참고해주세요! 읽으시면서 어색하거나 잘못된 내용을 발견하시면 덧글로 알려주시기를 부탁드립니다.',
    );
  });

  it('the English bundle has no Hangul', () => {
    assert.doesNotMatch(JSON.stringify(getBundle('en')), HANGUL);
  });

  it('formats the edition title and date range like the reference', () => {
    assert.equal(
      editionTitle(getBundle('ko'), '2024-04-01', '2024-04-07'),
      '[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)',
    );
    assert.equal(editionTitle(getBundle('en'), '2024-04-01', '2024-04-07'), '[2024/04/01 ~ 04/07] Top ML Papers of the Week');
    assert.deepEqual(formatDateRange(getBundle('ko'), '2024-12-30', '2025-01-05'), { start: '2024/12/30', end: '2025/01/05' });
    assert.throws(() => editionTitle(getBundle('ko'), '2024-4-1', '2024-04-07'), /ISO date/);
  });

  it('fill leaves unknown placeholders alone', () => {
    assert.equal(fill('{a} {b} {constructor}', { a: '1' }), '1 {b} {constructor}');
  });
});
