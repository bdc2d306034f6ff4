// Pure: a text as HTML with the checker's spans highlighted. The text is cut at the span edges and
// every slice is escaped on its own (renderPlain), so markup in the text can never open or close a
// tag; only the <mark> elements built here are markup.
import { escapeHtml, renderPlain } from '../../channels/render/sanitize.js';
import type { Severity, Span } from '../../domain/check/types.js';

export interface Highlight {
  span: Span;
  severity: Severity;
  /** the element id the finding list links to, e.g. f12-target */
  anchor: string;
  /** shown on hover */
  title: string;
}

/**
 * The body with each highlight's range in a `<mark class="finding error|warning">`. Overlapping
 * ranges are cut into pieces; a piece covered by an error is marked as an error. Each highlight's
 * anchor sits on the first piece that starts where it starts; the returned map says which anchor
 * each highlight can be reached by (two starting together share the first one's).
 */
export function markSpans(body: string, highlights: Highlight[]): { html: string; anchors: Map<string, string> } {
  const hs = highlights
    .map((h) => ({ ...h, start: Math.max(0, Math.min(body.length, h.span[0])), end: Math.max(0, Math.min(body.length, h.span[1])) }))
    .filter((h) => h.end > h.start);
  const cuts = [...new Set([0, body.length, ...hs.flatMap((h) => [h.start, h.end])])].sort((a, b) => a - b);
  const anchors = new Map<string, string>();
  let html = '';
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i]!, cuts[i + 1]!];
    const piece = renderPlain(body.slice(a, b));
    const over = hs.filter((h) => h.start <= a && h.end >= b);
    if (!over.length) {
      html += piece;
      continue;
    }
    const severity = over.some((h) => h.severity === 'error') ? 'error' : 'warning';
    const starting = over.filter((h) => h.start === a && !anchors.has(h.anchor));
    const id = starting[0]?.anchor;
    for (const h of starting) anchors.set(h.anchor, id!);
    const title = over.map((h) => h.title).join(' · ');
    html += `<mark class="finding ${severity}"${id ? ` id="${escapeHtml(id)}"` : ''} title="${renderPlain(title)}">${piece}</mark>`;
  }
  return { html, anchors };
}
