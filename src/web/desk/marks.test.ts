import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { markSpans, type Highlight } from './marks.js';

const h = (start: number, end: number, severity: 'error' | 'warning', anchor: string): Highlight => ({ span: [start, end], severity, anchor, title: `${severity} ${anchor}` });

describe('markSpans', () => {
  it('wraps a span and escapes every slice', () => {
    const { html, anchors } = markSpans('a <b>50만</b> c', [h(5, 8, 'error', 'f1-target')]);
    assert.equal(html, 'a &lt;b&gt;<mark class="finding error" id="f1-target" title="error f1-target">50만</mark>&lt;/b&gt; c');
    assert.equal(anchors.get('f1-target'), 'f1-target');
  });

  it('never lets markup in the text become a tag, even cut in the middle', () => {
    const body = '<img src=x onerror=alert(1)>';
    const { html } = markSpans(body, [h(2, 10, 'warning', 'f2-source')]);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /&lt;i<mark class="finding warning" id="f2-source"[^>]*>mg src=x<\/mark> onerror=alert\(1\)&gt;/);
  });

  it('cuts overlapping spans into pieces, an error winning over a warning', () => {
    const { html, anchors } = markSpans('0123456789', [h(2, 6, 'warning', 'w'), h(4, 8, 'error', 'e')]);
    assert.equal(
      html,
      '01<mark class="finding warning" id="w" title="warning w">23</mark><mark class="finding error" id="e" title="warning w · error e">45</mark><mark class="finding error" title="error e">67</mark>89',
    );
    assert.deepEqual([...anchors], [['w', 'w'], ['e', 'e']]);
  });

  it('shares one anchor between spans that start together, and ignores empty or outside spans', () => {
    const { html, anchors } = markSpans('abcdef', [h(1, 3, 'warning', 'x'), h(1, 5, 'warning', 'y'), h(4, 4, 'error', 'z'), h(9, 12, 'error', 'q')]);
    assert.equal(anchors.get('y'), 'x');
    assert.equal(anchors.has('z'), false);
    assert.equal((html.match(/<mark/g) ?? []).length, 2);
    assert.equal(html.replace(/<[^>]+>/g, ''), 'abcdef');
  });

  it('strips invisible characters from the slices without moving the marks', () => {
    const { html } = markSpans('a\u200Bb50K', [h(3, 6, 'error', 'n')]);
    assert.equal(html, 'ab<mark class="finding error" id="n" title="error n">50K</mark>');
  });
});
