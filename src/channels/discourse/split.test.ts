import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { entry, ko } from '../../../test/fixtures/edition-views.js';
import type { EditionView, EntryView } from '../../domain/edition-view.js';
import { PaperboyError } from '../../errors.js';
import { parseEditionPost } from '../../sources/edition-post/parse.js';
import { discourseTopic, renderEdition } from '../render/render.js';
import { charLength, splitPost } from './split.js';

// Fixture: the real Korean edition of 2024-04-01..07 (shared/seed/000_*.txt, 10 entries), read by
// the edition-post parser and turned into a Korean EditionView with the renderers' builders.
const SEED = readFileSync(new URL('../../../../shared/seed/000_a9127735c741dfde.txt', import.meta.url), 'utf8');
const post = parseEditionPost(SEED, 'ko');

function koEntries(offset = 0): EntryView[] {
  return post.entries.map((e, k) =>
    entry({
      position: offset + k + 1,
      paperKey: `seed:${offset + k + 1}`,
      titleEn: e.titleEn,
      title: e.titleTarget === null ? null : ko(e.titleTarget),
      introEn: e.introEn,
      intro: e.introTarget === null ? null : ko(e.introTarget),
      abstractEn: e.abstractEn,
      abstract: e.abstractTarget === null ? null : ko(e.abstractTarget),
      keyMessagesEn: e.keyMessagesEn,
      keyMessages: e.keyMessagesTarget === null ? null : ko(e.keyMessagesTarget),
      paperUrl: e.paperUrls[0] ?? null,
      codeUrls: e.codeUrls,
      moreUrls: e.moreUrls,
    }),
  );
}

/** The Korean view; `copies` > 1 repeats the week's entries (a long week) to pass 32000 characters. */
function koView(copies = 1): EditionView {
  const entries: EntryView[] = [];
  for (let c = 0; c < copies; c++) entries.push(...koEntries(c * post.entries.length));
  return {
    startDate: post.startDate,
    endDate: post.endDate,
    lang: 'ko',
    titleEn: 'Top ML Papers of the Week',
    overview: post.overview === null ? null : ko(post.overview),
    entries,
    sourceUrl: 'https://github.com/dair-ai/ML-Papers-of-the-Week#top-ml-papers-of-the-week-april-1---april-7---2024',
    models: ['GPT'],
    fallbacks: 0,
  };
}

const CONT = /^\(\d+\/\d+\)\n\n/;
const cont = (i: number, n: number) => `(${i}/${n})`;
/** What a reader sees without the continuation lines, rules and whitespace: nothing may be lost or moved. */
const visible = (s: string) => s.replace(/^---$/gm, '').replace(/\s+/g, '');
const headings = (s: string) => s.split('\n').filter((l) => l.startsWith('## '));

function checkSplit(raw: string, limit: number): string[] {
  const { parts } = splitPost(raw, limit, 'split', { continuation: cont });
  const n = parts.length;
  parts.forEach((p, k) => {
    assert.ok(charLength(p) <= limit, `part ${k + 1} is ${charLength(p)} > ${limit}`);
    if (k > 0) assert.ok(p.startsWith(`(${k + 1}/${n})\n\n`), `part ${k + 1} starts with its continuation line`);
    else assert.ok(!CONT.test(p), 'the first part has no continuation line');
    assert.notEqual(p.replace(CONT, '').trim(), '', 'no empty part');
    assert.ok(!/^---$/m.test(p.split('\n')[0] ?? '') && !/\n---\s*$/.test(p), 'a part neither starts nor ends with a rule');
    const last = p.trimEnd().split('\n').pop() ?? '';
    assert.ok(!/^#{1,6} /.test(last) || k === n - 1, `part ${k + 1} does not end with a heading: ${last}`);
  });
  const joined = parts.map((p) => p.replace(CONT, '')).join('\n');
  assert.equal(visible(joined), visible(raw), 'nothing lost, duplicated or reordered');
  assert.deepEqual(headings(joined), headings(raw), 'every entry heading, in order');
  return parts;
}

describe('splitPost on the real Korean edition', () => {
  const raw = renderEdition(koView(), 'discourse');
  const topicRaw = discourseTopic(koView()).raw;

  it('renders all 10 entries, and fits 32000 as one post, unchanged', () => {
    assert.equal(headings(raw).length, 10 + 1, '10 entries and the source heading');
    assert.ok(charLength(topicRaw) < 32000);
    assert.deepEqual(splitPost(topicRaw, 32000, 'split').parts, [topicRaw]);
    assert.deepEqual(splitPost(topicRaw, 32000, 'refuse').parts, [topicRaw]);
  });

  it('at 2000 characters: every part fits, entries stay whole where they can, nothing is lost', () => {
    const parts = checkSplit(raw, 2000);
    assert.ok(parts.length >= 10, `${parts.length} parts`);
    // an entry that has to be cut starts a fresh part: every reply starts with an entry heading
    // or with the rest of the entry the part before it cut
    parts.slice(1).forEach((p, k) => {
      const body = p.replace(CONT, '');
      const prev = parts[k]!;
      const prevEndsEntry = /\n### [^\n]+\n\nhttps:\/\/\S+$/.test(prev) || k === 0;
      if (prevEndsEntry) assert.match(body, /^## /, `part ${k + 2} starts with an entry`);
      else assert.doesNotMatch(body, /^## /, `part ${k + 2} continues the entry of part ${k + 1}`);
    });
    // a whole entry that fits 2000 is in one part: the Many-shot Jailbreaking entry, heading to last link
    const msj = parts.find((p) => p.includes('## 다발성 탈옥 / Many-shot Jailbreaking'));
    assert.ok(msj?.includes('https://x.com/AnthropicAI/status/1775211248239464837'));
  });

  it('at 8000 characters: packs several whole entries per part and cuts only at entry boundaries', () => {
    const parts = checkSplit(raw, 8000);
    assert.ok(parts.length >= 3 && parts.length <= 6, `${parts.length} parts`);
    for (const p of parts.slice(1)) assert.match(p.replace(CONT, ''), /^## /, 'each reply starts with an entry heading');
    const entriesPerPart = parts.map((p) => headings(p).length);
    assert.ok(entriesPerPart.some((k) => k >= 2), `several entries in a part: ${entriesPerPart.join(',')}`);
    // the rules between entries inside a part stay
    assert.ok(parts.some((p) => p.includes('\n\n---\n\n## ')));
  });

  it('at 32000 characters: a long week of 30 entries splits at entry boundaries', () => {
    const long = discourseTopic(koView(3)).raw;
    assert.ok(charLength(long) > 32000, `${charLength(long)} characters`);
    const parts = checkSplit(long, 32000);
    assert.ok(parts.length >= 2 && parts.length <= 4);
    assert.equal(parts.flatMap(headings).length, 30 + 1);
    for (const p of parts.slice(1)) assert.match(p.replace(CONT, ''), /^## /);
  });

  it('refuses an over-long post in refuse mode, naming its length and the limit', () => {
    const n = charLength(topicRaw);
    assert.throws(
      () => splitPost(topicRaw, 2000, 'refuse'),
      (err: unknown) => err instanceof PaperboyError && err.code === 'INPUT_INVALID' && !err.retryable && err.message.includes(String(n)) && err.message.includes('2000'),
    );
  });
});

describe('splitPost, cutting inside an entry', () => {
  it('cuts a long entry at paragraphs, then lines, then characters', () => {
    const para = (k: number) => `paragraph ${k} ` + 'x'.repeat(60);
    const raw = ['intro', '---', '## big', [1, 2, 3, 4, 5, 6].map(para).join('\n\n'), '---', '## small', 'tail'].join('\n\n');
    const parts = checkSplit(raw, 160);
    // paragraphs are never split when they fit
    for (let k = 1; k <= 6; k++) assert.equal(parts.filter((p) => p.includes(para(k))).length, 1);

    const lines = ['## lines', ...Array.from({ length: 12 }, (_, k) => `line ${k} ${'y'.repeat(20)}`)].join('\n');
    const byLine = checkSplit(lines, 100);
    for (const p of byLine) for (const l of p.replace(CONT, '').split('\n')) assert.ok(l === '' || /^(## lines|line \d+ y{20})$/.test(l), `whole line: ${l}`);

    const word = 'z'.repeat(1000);
    const byChar = checkSplit(word, 300);
    assert.ok(byChar.length >= 4);
  });

  it('never cuts a surrogate pair and counts it as one character', () => {
    const emoji = '😈'; // two UTF-16 units, one character for Discourse
    assert.equal(charLength(emoji.repeat(10)), 10);
    const raw = emoji.repeat(500);
    const parts = checkSplit(raw, 120);
    for (const p of parts) {
      const body = p.replace(CONT, '');
      assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(body), 'no lone surrogate');
      assert.ok(charLength(p) <= 120);
    }
    assert.equal(parts.map((p) => p.replace(CONT, '')).join(''), raw);
    // in code points, the first part is full: 120 emoji, though that is 240 UTF-16 units
    assert.equal(charLength(parts[0]!), 120);
  });

  it('counts the continuation line in the limit, also when it grows with the number of parts', () => {
    const raw = Array.from({ length: 40 }, (_, k) => `## e${k}\n\n${'w'.repeat(40)}`).join('\n\n---\n\n');
    const long = (i: number, n: number) => `(continued, part ${i} of ${n}${n >= 10 ? ' — a long week' : ''})`;
    const { parts } = splitPost(raw, 120, 'split', { continuation: long });
    const n = parts.length;
    assert.ok(n >= 10);
    parts.forEach((p, k) => {
      assert.ok(charLength(p) <= 120);
      if (k > 0) assert.ok(p.startsWith(`${long(k + 1, n)}\n\n`));
    });
  });

  it('uses (i/n) by default, and rejects limits that leave no room', () => {
    const raw = 'a'.repeat(30) + '\n\n---\n\n' + 'b'.repeat(30);
    assert.deepEqual(splitPost(raw, 40, 'split').parts, ['a'.repeat(30), `(2/2)\n\n${'b'.repeat(30)}`]);
    assert.throws(() => splitPost(raw, 0, 'split'), (e: unknown) => e instanceof PaperboyError && e.code === 'INPUT_INVALID');
    assert.throws(() => splitPost(raw, 6, 'split'), (e: unknown) => e instanceof PaperboyError && e.code === 'INPUT_INVALID');
  });
});

describe('splitPost on generated posts (property)', () => {
  it('every part fits, no surrogate pair is cut, and nothing is lost', () => {
    const piece = fc.constantFrom('a', 'word ', '한국어 ', '😈', '\n', '\n\n', '\n\n---\n\n', '## h\n\n', '> q ', '  ', 'x'.repeat(50));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 300 }), fc.integer({ min: 12, max: 400 }), fc.boolean(), (pieces, limit, wordy) => {
        const raw = pieces.join('');
        const continuation = wordy && limit >= 40 ? (i: number, n: number) => `(continued ${i} of ${n})` : cont;
        const { parts } = splitPost(raw, limit, 'split', { continuation });
        if (charLength(raw) <= limit) {
          assert.deepEqual(parts, [raw]);
          return;
        }
        const n = parts.length;
        parts.forEach((p, k) => {
          assert.ok(charLength(p) <= limit);
          assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(p), 'no lone surrogate');
          if (k > 0) assert.ok(p.startsWith(`${continuation(k + 1, n)}\n\n`));
        });
        const bodies = parts.map((p, k) => (k === 0 ? p : p.slice(`${continuation(k + 1, n)}\n\n`.length)));
        assert.equal(visible(bodies.join('\n')), visible(raw));
      }),
      { seed: 20240401, numRuns: 400 },
    );
  });
});
