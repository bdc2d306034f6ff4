// What readers can do under each text and entry of a public page: suggest a correction, open the
// paper page, like the entry. Built into the article through render.ts's ArticleOptions; every
// value here is ours (ids, dates, languages) and still escaped. The page is the same for every
// reader (a URL-keyed cache serves it), so nothing about the reader is shown: only counts, and a
// thank-you note for the `?liked=` address the like redirects to.
import type { ArticleOptions } from '../../channels/render/render.js';
import { escapeHtml, renderPlain } from '../../channels/render/sanitize.js';
import type { ShownText } from '../../domain/edition-view.js';
import { fill, getBundle, primaryLanguage } from '../../i18n/bundle.js';
import type { TextVersion } from '../../ports.js';
import { paperPath } from './common.js';

export interface ActionsInput {
  /** the page's target language (its UI strings) */
  lang: string;
  /** likes per entry id */
  likes: Map<number, number>;
  /** the entry the reader just liked (from `?liked=`), for the thank-you note */
  liked: number | null;
  /** where a like goes back to */
  from: 'edition' | 'paper';
  /** the edition (start date) a text is corrected in: the page's edition, or per owner on the paper page */
  editionOf: (t: ShownText) => string | null;
  /** show the paper page link (not on the paper page itself) */
  paperLink: boolean;
  /** earlier wordings per text key (`ownerKind/ownerId/field/lang`), shown in a <details> */
  history?: Map<string, TextVersion[]>;
}

export const historyKey = (r: { ownerKind: string; ownerId: string; field: string; lang: string }) => `${r.ownerKind}/${r.ownerId}/${r.field}/${r.lang}`;

export function correctionUrl(startDate: string, t: { ownerKind: string; ownerId: string; field: string; lang: string }): string {
  const q = new URLSearchParams({ edition: startDate, owner: `${t.ownerKind}:${t.ownerId}`, field: t.field, lang: t.lang });
  return `/corrections/new?${q.toString()}`;
}

export function readerActions(input: ActionsInput): ArticleOptions {
  const b = getBundle(input.lang);
  return {
    fullProvenance: true,
    afterText(t) {
      // readers correct translations; the English originals are the sources
      if (!t.ref || t.fallback || primaryLanguage(t.lang) === 'en') return '';
      const out: string[] = [];
      const key = historyKey({ ...t.ref, lang: t.lang });
      const earlier = input.history?.get(key) ?? [];
      if (earlier.length > 0) {
        const items = earlier.map((h) => {
          const what = h.reason === 'correction' ? b.paper.historyCorrection : b.paper.historyEdit;
          return `<li><span class="when">${renderPlain(`${h.replacedAt.slice(0, 10)} · ${what}`)}</span><div lang="${escapeHtml(h.lang)}">${renderPlain(h.body)}</div></li>`;
        });
        out.push(`<details class="history"><summary>${renderPlain(b.paper.history)}</summary><ol>${items.join('')}</ol></details>`);
      }
      const edition = input.editionOf(t);
      if (edition) out.push(`<p class="suggest"><a href="${escapeHtml(correctionUrl(edition, { ...t.ref, lang: t.lang }))}" rel="nofollow">${renderPlain(b.correction.link)}</a></p>`);
      return out.join('\n');
    },
    afterEntry(e) {
      if (e.entryId === null) return '';
      const id = e.entryId;
      const count = input.likes.get(id) ?? 0;
      const out = ['<div class="reader-actions">'];
      if (input.paperLink) out.push(`<a class="paper-page" href="${escapeHtml(`${paperPath(e.paperKey)}?lang=${encodeURIComponent(input.lang)}`)}">${renderPlain(b.paper.page)}</a>`);
      out.push(
        `<form class="like" method="post" action="/likes">` +
          `<input type="hidden" name="entry" value="${id}"><input type="hidden" name="lang" value="${escapeHtml(input.lang)}"><input type="hidden" name="from" value="${input.from}">` +
          `<button type="submit" aria-describedby="likes-${id}">${renderPlain(b.like.button)}</button> ` +
          `<span class="likes" id="likes-${id}">${renderPlain(fill(b.like.count, { count: String(count) }))}</span></form>`,
      );
      if (input.liked === id) out.push(`<p class="thanks" role="status">${renderPlain(b.like.thanks)}</p>`);
      out.push('</div>');
      return out.join('\n');
    },
  };
}
