// Search snippets: an escaped window of a text around its first match, with every term marked.
import { escapeHtml } from '../channels/render/sanitize.js';

/** An escaped window around the first match with every term marked. */
export function snippet(body: string, terms: string[], width = 160): string {
  const lower = body.toLowerCase();
  const first = Math.min(...terms.map((t) => lower.indexOf(t.toLowerCase())).filter((i) => i >= 0), body.length);
  const start = Math.max(0, first - Math.floor(width / 3));
  const end = Math.min(body.length, start + width);
  const piece = body.slice(start, end);
  const re = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  let out = '';
  let last = 0;
  for (const m of piece.matchAll(re)) {
    out += escapeHtml(piece.slice(last, m.index)) + `<mark>${escapeHtml(m[0])}</mark>`;
    last = m.index! + m[0].length;
  }
  out += escapeHtml(piece.slice(last));
  return `${start > 0 ? '…' : ''}${out}${end < body.length ? '…' : ''}`;
}

