import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { XSS_PAYLOADS, XSS_URLS } from '../../../test/fixtures/xss-payloads.js';
import { dangerousNodes } from '../../../test/support/xss-oracle.js';
import { bundle } from '../../../test/fixtures/edition-bundle.js';
import { entry, ko } from '../../../test/fixtures/edition-views.js';
import type { EditionView } from '../../domain/edition-view.js';
import { PaperboyError } from '../../errors.js';
import { assembleEditionView } from '../../pipeline/assemble.js';
import { confirmationMail, dailyMail, editionMail, PREHEADER_MAX, SUBJECT_MAX, type MailLinks, type RenderedMail } from './message.js';

// ---------------------------------------------------------------------------------------------
// Fixture: entries of the reference post (shared/seed/000_a9127735c741dfde.txt), a Korean target
// with English originals, plus one entry whose intro has no translation yet.

const MSJ = {
  titleKo: '다발성 탈옥',
  titleEn: 'Many-shot Jailbreaking',
  introKo: 'LLM의 안전장치를 회피하기 위해 다발성 탈옥이라는 탈옥 기법을 제안합니다. 이 탈옥 기법은 많은 최신 LLM이 지원하는 긴 컨텍스트 창을 악용하고, 최종 질문 앞에 매우 많은 수의 가짜 대화(~256개)를 포함하여 모델을 효과적으로 조종하여 유해한 반응을 생성하도록 합니다.',
  introEn: 'Proposes a jailbreaking technique called many-shot jailbreaking to evade the safety guardrails of LLMs; this jailbreaking technique exploits the longer context window supported by many modern LLMs.',
  abstractKo: '대규모 언어 모델에 대한 간단한 긴 컨텍스트 공격, 즉 수백 가지의 바람직하지 않은 동작을 보여주는 프롬프트를 조사합니다.',
  abstractEn: 'We investigate a family of simple long-context attacks on large language models: prompting with hundreds of demonstrations of undesirable behavior.',
  paper: 'https://www.anthropic.com/research/many-shot-jailbreaking',
  tweet: 'https://x.com/AnthropicAI/status/1775211248239464837',
};
const SWE = {
  title: 'SWE-Agent',
  introKo: 'SWE-벤치에서 Devin과 유사한 정확도로 GitHub 이슈를 자동으로 해결할 수 있는 새로운 오픈소스 에이전트 시스템입니다.',
  introEn: 'A new open-source agentic system that can automatically solve GitHub issues with similar accuracy as Devin on the SWE-bench.',
  code: 'https://github.com/princeton-nlp/SWE-agent',
};
const JET = {
  title: 'JetMoE',
  keyKo: ['1. JetMoE-8B는 0.1백만 달러 미만의 비용으로 훈련되지만 LLaMA2-7B보다 성능이 뛰어납니다.', '2. JetMoE-8B는 매우 개방적이고 학계 친화적입니다:', '   - 훈련에는 공개 데이터 세트만 사용하며 코드는 오픈 소스입니다.'].join('\n'),
  keyEn: ['1. JetMoE-8B is trained with less than $0.1 million cost but outperforms LLaMA2-7B.', '2. JetMoE-8B is very open and academia-friendly because:', '   - It only uses public datasets for training, and the code is open-sourced.'].join('\n'),
  paper: 'https://research.myshell.ai/jetmoe',
};
const UNTRANSLATED = {
  titleKo: '긴 컨텍스트 학습',
  titleEn: 'Long-context LLMs Struggle with Long In-context Learning',
  introEn: 'Finds that long-context LLMs struggle with long in-context learning on extreme-label classification.',
};
const OVERVIEW_KO = '이번 주에 선정된 논문들을 살펴보면, 대부분의 논문들이 대규모 언어 모델(Large Language Models, LLMs)과 관련된 주제들을 다루고 있는 것으로 나타났습니다.';
const SOURCE = 'https://github.com/dair-ai/ML-Papers-of-the-Week#top-ml-papers-of-the-week-april-1---april-7---2024';
const TITLE_KO = '[2024/04/01 ~ 04/07] 이번 주의 주요 ML 논문 (Top ML Papers of the Week)';
const TITLE_EN = '[2024/04/01 ~ 04/07] Top ML Papers of the Week';

const LINKS: MailLinks = {
  unsubscribeUrl: 'https://papers.example.org/u/v1.Zm9vYmFy',
  preferencesUrl: 'https://papers.example.org/p/v1.Zm9vYmFy',
  webUrl: 'https://papers.example.org/ko/2024-04-01',
};

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
        abstract: ko(MSJ.abstractKo),
        paperUrl: MSJ.paper,
        moreUrls: [MSJ.tweet],
      }),
      entry({
        position: 2,
        paperKey: 'url:github.com/princeton-nlp/swe-agent',
        titleEn: SWE.title,
        title: ko(SWE.title),
        introEn: SWE.introEn,
        intro: ko(SWE.introKo),
        codeUrls: [SWE.code],
      }),
      entry({
        position: 3,
        paperKey: 'url:research.myshell.ai/jetmoe',
        titleEn: JET.title,
        title: ko(JET.title),
        keyMessagesEn: JET.keyEn,
        keyMessages: ko(JET.keyKo, { origin: 'human', model: null, promptVersion: null }),
        paperUrl: JET.paper,
      }),
      entry({
        position: 4,
        paperKey: 'arxiv:2404.02060',
        arxivId: '2404.02060',
        titleEn: UNTRANSLATED.titleEn,
        title: ko(UNTRANSLATED.titleKo),
        introEn: UNTRANSLATED.introEn,
        // no Korean intro yet: the English one stands in, marked
        intro: { body: UNTRANSLATED.introEn, lang: 'en', origin: 'upstream', model: null, promptVersion: null, status: 'approved', fallback: true },
        paperUrl: 'https://arxiv.org/abs/2404.02060',
      }),
    ],
    sourceUrl: SOURCE,
    models: ['GPT'],
    fallbacks: 1,
  };
}

/** The same edition as the web assembles it for 'en': English texts only. */
function enView(): EditionView {
  const v = koView();
  return {
    ...v,
    lang: 'en',
    overview: null,
    models: [],
    fallbacks: 0,
    entries: v.entries.map((e) => ({ ...e, title: null, intro: null, abstract: null, keyMessages: null })),
  };
}

// ---------------------------------------------------------------------------------------------
// helpers

const HANGUL = /[\uAC00-\uD7A3]/;
const FORBIDDEN = ['script', 'iframe', 'object', 'embed', 'img', 'svg', 'math', 'form', 'input', 'button', 'base', 'link', 'style', 'meta[http-equiv]'];

/** Parses the HTML part and checks what every mail must hold; returns the document. */
function inertDocument(mail: RenderedMail): Document {
  const { document } = new JSDOM(mail.html).window;
  assert.match(mail.html, /^<!doctype html>\n/);
  for (const sel of FORBIDDEN) assert.equal(document.querySelectorAll(sel).length, 0, `found ${sel}`);
  for (const el of Array.from(document.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      assert.doesNotMatch(attr.name, /^on/i, `event handler ${attr.name} on <${el.localName}>`);
      const v = attr.value.replace(/[\u0000-\u0020\u007F]/g, '').toLowerCase();
      assert.doesNotMatch(v, /^(javascript|vbscript|data):/, `live URL in ${attr.name}="${attr.value}"`);
    }
  }
  for (const a of Array.from(document.querySelectorAll('a'))) {
    assert.match(a.getAttribute('href') ?? '', /^https?:\/\/[^/\s]+/, `link <a href="${a.getAttribute('href')}">`);
  }
  assert.equal(document.documentElement.getAttribute('lang'), mail.lang);
  assert.equal(document.querySelector('meta[charset]')?.getAttribute('charset'), 'utf-8');
  // no unresolved template markers from the bundle
  assert.doesNotMatch(mail.html + mail.text, /\{(start|end|date|hours|models|y|m|d)\}|\{\{/);
  return document;
}

const hrefs = (doc: Document) => Array.from(doc.querySelectorAll('a')).map((a) => a.getAttribute('href'));
const visible = (doc: Document) => (doc.body.textContent ?? '').replace(/\s+/g, ' ');
const entryHeadings = (doc: Document) => Array.from(doc.querySelectorAll('h2')).map((h) => (h.textContent ?? '').trim());

function mail(view = koView(), over: Partial<Parameters<typeof editionMail>[1]> = {}): RenderedMail {
  return editionMail(view, { show: 'both', links: LINKS, draftsMarked: false, ...over });
}

// ---------------------------------------------------------------------------------------------

describe('editionMail: HTML for mail clients', () => {
  it('is a full, inert document: centred 600px table, inline CSS only, Korean title and every entry heading', () => {
    const m = mail();
    const doc = inertDocument(m);
    assert.equal(m.lang, 'ko');
    assert.equal(doc.title, TITLE_KO);
    assert.equal(doc.querySelector('h1')?.textContent, TITLE_KO);
    assert.deepEqual(entryHeadings(doc), [
      `1. ${MSJ.titleKo} / ${MSJ.titleEn}`,
      `2. ${SWE.title}`,
      `3. ${JET.title}`,
      `4. ${UNTRANSLATED.titleKo} / ${UNTRANSLATED.titleEn}`,
    ]);
    const card = doc.querySelector('table table');
    assert.ok(card, 'a card table inside the full-width table');
    assert.match(card.getAttribute('style') ?? '', /max-width:600px/);
    assert.equal(doc.querySelector('body > table td')?.getAttribute('align'), 'center');
    // Korean readable: the text cells keep words whole with a roomy line height
    const cell = card.querySelector('td');
    assert.match(cell?.getAttribute('style') ?? '', /word-break:keep-all/);
    assert.match(cell?.getAttribute('style') ?? '', /line-height:1\.7/);
    assert.match(doc.querySelector('div[lang="ko"]')?.closest('td')?.getAttribute('style') ?? '', /word-break:keep-all/);
  });

  it('links the web version, preferences and unsubscribe pages in the footer, in the bundle language', () => {
    const doc = inertDocument(mail());
    const footer = Array.from(doc.querySelectorAll('a')).slice(-3);
    assert.deepEqual(
      footer.map((a) => [a.textContent, a.getAttribute('href')]),
      [
        ['웹에서 보기', LINKS.webUrl],
        ['수신 설정 (언어·빈도)', LINKS.preferencesUrl],
        ['수신 거부', LINKS.unsubscribeUrl],
      ],
    );
    const all = hrefs(doc);
    for (const url of [MSJ.paper, MSJ.tweet, SWE.code, JET.paper, SOURCE]) assert.ok(all.includes(url), `link ${url}`);
  });

  it('hides the preheader at the top of the body', () => {
    const m = mail();
    const doc = inertDocument(m);
    const first = doc.body.firstElementChild;
    assert.equal(first?.localName, 'span');
    const style = first?.getAttribute('style') ?? '';
    for (const rule of ['display:none', 'max-height:0', 'overflow:hidden']) assert.ok(style.includes(rule), rule);
    assert.ok((first?.textContent ?? '').startsWith(m.preheader));
  });
});

describe('editionMail: subject and preheader', () => {
  it('subject is the edition title in the view language; preheader names the first titles, target first', () => {
    const m = mail();
    assert.equal(m.subject, TITLE_KO);
    assert.ok(m.preheader.startsWith(`${MSJ.titleKo} · ${SWE.title} · ${JET.title}`), m.preheader);
    assert.ok([...m.preheader].length <= PREHEADER_MAX);
    const en = editionMail(enView(), { show: 'en', links: LINKS, draftsMarked: false });
    assert.equal(en.subject, TITLE_EN);
    assert.ok(en.preheader.startsWith(`${MSJ.titleEn} · ${SWE.title}`), en.preheader);
  });

  it('caps a long preheader without splitting a character', () => {
    const v = koView();
    v.entries = v.entries.map((e) => ({ ...e, title: ko('아주 긴 제목 '.repeat(30)) }));
    const m = mail(v);
    assert.equal([...m.preheader].length, PREHEADER_MAX);
    assert.ok(m.preheader.endsWith('…'));
    assert.doesNotMatch(m.preheader, /[\uD800-\uDFFF]/u);
    assert.ok([...m.subject].length <= SUBJECT_MAX);
  });
});

describe('editionMail: which languages are shown', () => {
  it("show='both' puts each English original under its translation (the reference layout)", () => {
    const m = mail(koView(), { show: 'both' });
    const doc = inertDocument(m);
    const text = visible(doc);
    for (const s of [MSJ.introKo, MSJ.introEn, MSJ.abstractKo, MSJ.abstractEn, SWE.introEn]) {
      assert.ok(text.includes(s), s.slice(0, 30));
      assert.ok(m.text.replace(/\s+/g, ' ').includes(s), `text part: ${s.slice(0, 30)}`);
    }
    assert.ok(text.indexOf(MSJ.introKo) < text.indexOf(MSJ.introEn));
    assert.ok(text.includes('영어 원문'));
    const original = doc.querySelector('div[lang="en"][style]');
    assert.match(original?.getAttribute('style') ?? '', /border-left/);
  });

  it("show='target' omits the English originals but keeps a marked stand-in for a missing translation", () => {
    const m = mail(koView(), { show: 'target' });
    const doc = inertDocument(m);
    const html = visible(doc);
    const text = m.text.replace(/\s+/g, ' ');
    const marker = '(번역 없음: 영어 원문을 표시합니다)';
    for (const s of [MSJ.introEn, MSJ.abstractEn, SWE.introEn, 'outperforms LLaMA2-7B']) {
      assert.ok(!html.includes(s), `html shows ${s.slice(0, 30)}`);
      assert.ok(!text.includes(s), `text shows ${s.slice(0, 30)}`);
    }
    // no "English original" label (the fallback marker names it too, so leave that out)
    assert.ok(!html.replaceAll(marker, '').includes('영어 원문'), 'html labels an English original');
    assert.ok(!text.replaceAll(marker, '').includes('영어 원문'), 'text labels an English original');
    for (const s of [MSJ.introKo, MSJ.abstractKo, '훈련에는 공개 데이터 세트만']) {
      assert.ok(html.includes(s) && text.includes(s), s.slice(0, 30));
    }
    // the untranslated intro: marker, then the English stand-in, in both parts
    for (const out of [html, text]) {
      const at = out.indexOf(marker);
      assert.ok(at >= 0 && at < out.indexOf(UNTRANSLATED.introEn));
    }
    // headings keep the paper's English name
    assert.ok(entryHeadings(doc).includes(`1. ${MSJ.titleKo} / ${MSJ.titleEn}`));
  });

  it("show='en' renders the English view in English, labels and footer included", () => {
    const m = editionMail(enView(), { show: 'en', links: LINKS, draftsMarked: false });
    const doc = inertDocument(m);
    assert.equal(m.lang, 'en');
    assert.doesNotMatch(m.html, HANGUL);
    assert.doesNotMatch(m.text, HANGUL);
    assert.ok(visible(doc).includes(MSJ.introEn));
    assert.deepEqual(entryHeadings(doc).slice(0, 2), [`1. ${MSJ.titleEn}`, `2. ${SWE.title}`]);
    assert.deepEqual(
      Array.from(doc.querySelectorAll('a')).slice(-3).map((a) => a.textContent),
      ['View on the web', 'Preferences (language, frequency)', 'Unsubscribe'],
    );
    assert.throws(() => editionMail(koView(), { show: 'en', links: LINKS, draftsMarked: false }), /assembled for 'en'/);
  });
});

describe('editionMail: the drafts note', () => {
  it('says near the top, in both parts, that some texts are unreviewed, only when draftsMarked', () => {
    const note = '일부 글은 아직 편집자가 검토하지 않았습니다.';
    const marked = mail(koView(), { draftsMarked: true });
    const doc = inertDocument(marked);
    const html = visible(doc);
    assert.ok(html.includes(note));
    assert.ok(html.indexOf(note) < html.indexOf(`1. ${MSJ.titleKo}`), 'before the first entry');
    assert.ok(marked.text.includes(note));
    assert.ok(marked.text.indexOf(note) < marked.text.indexOf(MSJ.titleKo));
    const plain = mail(koView(), { draftsMarked: false });
    assert.ok(!plain.html.includes(note) && !plain.text.includes(note));
    const en = editionMail(enView(), { show: 'en', links: LINKS, draftsMarked: true });
    assert.ok(en.html.includes('Some texts have not been reviewed by an editor yet.'));
    assert.ok(en.text.includes('Some texts have not been reviewed by an editor yet.'));
  });
});

describe('editionMail: the plain-text part', () => {
  it('has the same content in the same order, with bare URLs and the footer links', () => {
    const m = mail();
    const t = m.text;
    const lines = t.split('\n');
    const order = [
      TITLE_KO,
      OVERVIEW_KO.slice(0, 20),
      `1. ${MSJ.titleKo} / ${MSJ.titleEn}`,
      MSJ.introKo.slice(0, 20),
      MSJ.paper,
      `2. ${SWE.title}`,
      SWE.code,
      `3. ${JET.title}`,
      `4. ${UNTRANSLATED.titleKo} / ${UNTRANSLATED.titleEn}`.slice(0, 30),
      SOURCE,
      LINKS.webUrl,
      LINKS.preferencesUrl,
      LINKS.unsubscribeUrl,
    ];
    let at = -1;
    for (const s of order) {
      const i = t.indexOf(s, at + 1);
      assert.ok(i > at, `"${s}" missing or out of order`);
      at = i;
    }
    for (const url of [MSJ.paper, MSJ.tweet, SWE.code, JET.paper, SOURCE, LINKS.unsubscribeUrl, LINKS.preferencesUrl]) {
      assert.ok(lines.includes(url), `bare URL line ${url}`);
    }
    assert.ok(lines.includes('수신 거부:'));
    assert.doesNotMatch(t, /<[a-z]/i, 'no markup');
  });

  it('wraps at spaces (Hangul counting double) and keeps list items hanging', () => {
    const t = mail().text;
    const cols = (s: string) => [...s].reduce((n, c) => n + (HANGUL.test(c) ? 2 : 1), 0);
    for (const line of t.split('\n')) {
      if (/\S \S/.test(line.trim())) assert.ok(cols(line) <= 72, `too wide: ${line}`);
    }
    // the key messages' nested item keeps its indent
    assert.match(t, /^ {3}- 훈련에는/m);
  });
});

describe('editionMail: hostile text', () => {
  const XSS = '<img src=x onerror=alert(1)>';
  function hostileView(): EditionView {
    const v = koView();
    const [first, ...rest] = v.entries;
    assert.ok(first);
    v.entries = [
      {
        ...first,
        titleEn: `Evil\r\nBcc: victim@example.com ${XSS}`,
        title: ko(`악성\r\nBcc: victim@example.com <script>alert(1)</script>`),
        intro: ko(`${XSS} [click](javascript:alert(1)) <svg onload=alert(1)> [data](data:text/html,<script>alert(1)</script>)`),
        paperUrl: 'javascript:alert(1)',
        codeUrls: ['data:text/html,<script>alert(1)</script>', 'https://ok.example.org/"><script>'],
        moreUrls: ['vbscript:msgbox(1)'],
      },
      ...rest,
    ];
    v.overview = ko(`<style>body{display:none}</style><a href="javascript:alert(1)" onclick="x()">x</a>`);
    return v;
  }

  it('comes out inert in html and text; subject and preheader stay one line', () => {
    for (const show of ['both', 'target'] as const) {
      const m = editionMail(hostileView(), { show, links: LINKS, draftsMarked: true });
      const doc = inertDocument(m);
      // shown as text, not as markup
      assert.ok(visible(doc).includes(XSS));
      for (const s of [m.subject, m.preheader]) assert.doesNotMatch(s, /[\r\n\u2028\u2029]/);
      assert.ok(m.preheader.startsWith('악성 Bcc: victim@example.com'));
      // the heading is one line in the text part: nothing starts a line with a header name
      assert.doesNotMatch(m.text, /^Bcc:/m);
      assert.ok(m.text.includes('1. 악성 Bcc: victim@example.com'));
      // unsafe links are dropped from both parts, never listed as links
      for (const bad of ['javascript:alert(1)\n', 'data:text/html', 'vbscript:', 'https://ok.example.org/"']) {
        assert.ok(!m.text.split('\n').some((l) => l.startsWith(bad.trim())), `text lists ${bad}`);
      }
      assert.ok(!hrefs(doc).some((h) => h?.includes('ok.example.org')));
    }
    const daily = dailyMail(hostileView(), { day: '2024-04-03', show: 'both', links: LINKS, draftsMarked: false });
    inertDocument(daily);
    assert.doesNotMatch(daily.subject + daily.preheader, /[\r\n]/);
  });

  it('refuses links it could not put in a mail safely, without echoing them', () => {
    const bad: Array<Partial<MailLinks>> = [
      { unsubscribeUrl: 'javascript:alert(1)' },
      { unsubscribeUrl: 'https://x.example.org/u/"><script>' },
      { preferencesUrl: '/relative/path' },
      { webUrl: 'https://x.example.org/\r\nBcc: a@b.c' },
    ];
    for (const over of bad) {
      assert.throws(
        () => mail(koView(), { links: { ...LINKS, ...over } }),
        (err: unknown) => err instanceof PaperboyError && err.code === 'INPUT_INVALID' && !/script|relative|Bcc/.test(err.message),
      );
    }
  });
});

describe('editionMail: the XSS corpus (RELIABILITY.md §28)', () => {
  it('every payload, as a title, an intro and an abstract, and every hostile URL as a link, comes out inert', () => {
    const v = koView();
    v.entries = XSS_PAYLOADS.map((p, i) =>
      entry({
        position: i + 1,
        paperKey: `url:x.example/${i}`,
        titleEn: p.payload,
        title: ko(p.payload),
        introEn: p.payload,
        intro: ko(p.payload),
        abstractEn: p.payload,
        abstract: ko(`초록 ${p.payload}`),
        paperUrl: XSS_URLS[i % XSS_URLS.length] ?? null,
        codeUrls: [...XSS_URLS],
        moreUrls: [...XSS_URLS],
      }),
    );
    v.sourceUrl = 'javascript:window.__pwned()';
    for (const show of ['both', 'target'] as const) {
      const m = editionMail(v, { show, links: LINKS, draftsMarked: true });
      assert.deepEqual(dangerousNodes(m.html, 'https://papers.example.org'), [], show);
      assert.doesNotMatch(m.subject + m.preheader, /[\r\n]/);
      // the text part lists only safe http(s) URLs under its link labels (paper texts may still
      // quote a hostile URL as words: plain text runs nothing)
      const linkBlocks = m.text.split('\n\n').filter((b) => /^\[(논문 링크|GitHub 링크|더 읽어보기|원문)\]\n/.test(b));
      assert.ok(linkBlocks.length > 0);
      for (const block of linkBlocks) {
        for (const line of block.split('\n').slice(1)) assert.match(line, /^https?:\/\/[^\s"'<>`\\]+$/, line);
      }
    }
  });
});

describe('editionMail: a view assembled as the web assembles it', () => {
  it('renders the Korean and the English view of the same edition', () => {
    const koMail = editionMail(assembleEditionView(bundle(), 'ko', {}), { show: 'target', links: LINKS, draftsMarked: true });
    const doc = inertDocument(koMail);
    assert.equal(koMail.subject, TITLE_KO);
    assert.deepEqual(entryHeadings(doc), ['2. SWE-Agent', '3. MoD(Mixture-of-Depths) / Mixture-of-Depths: Dynamically allocating compute in transformer-based language models']);
    assert.ok(visible(doc).includes('트랜스포머 모델이 FLOP을 할당하는 방법을 학습'));
    assert.ok(!visible(doc).includes('demonstrates that transformer models'), 'English original of a translated intro');
    // untranslated fields show the English stand-in after the marker
    assert.ok(visible(doc).includes('(번역 없음: 영어 원문을 표시합니다) a new open-source agentic system'));
    assert.ok(koMail.text.includes('qwen2.5-72b'), 'the disclaimer names the model');

    const enMail = editionMail(assembleEditionView(bundle(), 'en', {}), { show: 'en', links: LINKS, draftsMarked: false });
    const enDoc = inertDocument(enMail);
    assert.equal(enMail.subject, TITLE_EN);
    assert.doesNotMatch(enMail.html + enMail.text, HANGUL);
    assert.ok(visible(enDoc).includes('demonstrates that transformer models can learn to allocate FLOPs'));
  });
});

describe('dailyMail', () => {
  it('names the day in the subject, in the view language, and shows the given entries without the week overview', () => {
    const v = koView();
    v.entries = v.entries.slice(0, 2);
    const m = dailyMail(v, { day: '2024-04-03', show: 'both', links: LINKS, draftsMarked: false });
    const doc = inertDocument(m);
    assert.equal(m.subject, '[2024/04/03] 오늘의 ML 논문');
    assert.equal(doc.title, m.subject);
    assert.deepEqual(entryHeadings(doc), [`1. ${MSJ.titleKo} / ${MSJ.titleEn}`, `2. ${SWE.title}`]);
    assert.ok(!m.text.includes(OVERVIEW_KO.slice(0, 20)) && !m.html.includes(OVERVIEW_KO.slice(0, 20)));
    assert.ok(m.text.includes(LINKS.unsubscribeUrl) && hrefs(doc).includes(LINKS.unsubscribeUrl));

    const en = dailyMail(enView(), { day: '2024-04-03', show: 'en', links: LINKS, draftsMarked: false });
    assert.equal(en.subject, '[2024/04/03] ML papers of the day');
    assert.throws(() => dailyMail(v, { day: '3 April', show: 'both', links: LINKS, draftsMarked: false }), /ISO date/);
  });
});

describe('confirmationMail', () => {
  const confirmUrl = 'https://papers.example.org/confirm/v1.dG9rZW4';

  it('gives the confirm link and its expiry, in Korean and in English, and nothing else to click', () => {
    const cases = [
      { lang: 'ko', subject: '구독을 확인해주세요', expires: '이 링크는 48시간 뒤에 만료됩니다.', ignore: '무시하셔도 됩니다' },
      { lang: 'en', subject: 'Please confirm your subscription', expires: 'This link expires in 48 hours.', ignore: 'just ignore this mail' },
    ];
    for (const c of cases) {
      const m = confirmationMail({ lang: c.lang, confirmUrl, expiresHours: 48 });
      const doc = inertDocument(m);
      assert.equal(m.lang, c.lang);
      assert.equal(m.subject, c.subject);
      assert.ok(m.preheader.includes('48'));
      for (const part of [visible(doc), m.text]) {
        assert.ok(part.includes(c.expires), `${c.lang}: expiry`);
        assert.ok(part.includes(c.ignore), `${c.lang}: ignoring does nothing`);
      }
      assert.ok(m.text.split('\n').includes(confirmUrl));
      assert.deepEqual([...new Set(hrefs(doc))], [confirmUrl]);
      // a confirmation mail has no list footer
      assert.ok(!m.text.includes('unsubscribe') && !m.text.includes('수신 거부'));
    }
    assert.equal(confirmationMail({ lang: 'ko-KR', confirmUrl, expiresHours: 24 }).lang, 'ko');
  });

  it('refuses an unsafe link or a nonsensical expiry', () => {
    assert.throws(() => confirmationMail({ lang: 'ko', confirmUrl: 'javascript:alert(1)', expiresHours: 48 }), /confirmUrl/);
    for (const h of [0, -1, 1.5, Number.NaN]) assert.throws(() => confirmationMail({ lang: 'en', confirmUrl, expiresHours: h }), /expiresHours/);
  });
});

describe('editionMail: the chart and the overview citations', () => {
  const CHART = { src: 'https://papers.example.org/editions/2024-04-01/chart.png?lang=ko', alt: '이번 주 주제별 논문 수와 4주 평균', width: 560 };

  it('shows the week chart as the one image, a PNG on the web archive with its text alternative', () => {
    const m = mail(koView(), { chart: CHART });
    const { document } = new JSDOM(m.html).window;
    const imgs = Array.from(document.querySelectorAll('img'));
    assert.equal(imgs.length, 1);
    assert.equal(imgs[0]!.getAttribute('src'), CHART.src);
    assert.equal(imgs[0]!.getAttribute('alt'), CHART.alt);
    assert.equal(imgs[0]!.getAttribute('width'), '560');
    assert.equal(new JSDOM(mail(koView()).html).window.document.querySelectorAll('img').length, 0, 'no chart given, no image');
    assert.throws(() => mail(koView(), { chart: { ...CHART, src: 'javascript:alert(1)' } }), /chart/);
  });

  it("links the overview's citations to the entries on the web page; a position with no entry stays plain", () => {
    const v = koView();
    v.overview = { ...v.overview!, body: '- 이번 주 에이전트 논문입니다. [1, 2]\n- 없는 항목을 인용합니다. [99]' };
    const m = mail(v);
    const { document } = new JSDOM(m.html).window;
    const cites = Array.from(document.querySelectorAll('a.cite')).map((a) => [a.textContent, a.getAttribute('href')]);
    assert.deepEqual(cites, [
      ['1', `${LINKS.webUrl}#entry-1`],
      ['2', `${LINKS.webUrl}#entry-2`],
    ]);
    assert.match(document.body.textContent ?? '', /\[99\]/);
    assert.match(m.text, /이번 주 에이전트 논문입니다\. \[1, 2\]/, 'the plain-text part keeps the positions');
  });
});
