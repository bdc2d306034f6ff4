// POST /likes: a reader likes an entry of a published edition, once (the store's unique key per
// reader), then goes back to the page they were on. Works without scripts: a plain form and a 303.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { likeEntry } from '../../pipeline/reader.js';
import { rateLimit } from '../rate-limit.js';
import { crossSite, editionPath, forbidden, formFields, LANG, limited, paperPath, readerOf, tooLarge, type PublicContext } from './common.js';

const LikeForm = z.object({
  entry: z.string().regex(/^\d{1,15}$/).transform(Number),
  lang: z.string().regex(LANG).optional(),
  from: z.enum(['edition', 'paper']).optional(),
});

export function mountLikes(app: Hono, ctx: PublicContext): void {
  // per address: a burst for a reader going down a page, then a steady trickle
  const limit = rateLimit({ burst: 20, perMinute: 30, now: () => ctx.now().getTime() });

  app.post(
    '/likes',
    async (c, next) => (crossSite(c, ctx.baseUrl) ? forbidden(c, ctx) : (limited(c, limit, 'likes', ctx) ?? next())),
    bodyLimit({ maxSize: 2048, onError: (c) => tooLarge(c, ctx) }),
    async (c) => {
      const form = LikeForm.safeParse(await formFields(c));
      if (!form.success) return ctx.notFound(c);
      const { reader, remember } = readerOf(c, ctx.baseUrl);
      const r = await likeEntry(ctx.store, form.data.entry, reader, ctx.now());
      if (!r) return ctx.notFound(c);
      remember();
      const lang = form.data.lang ?? ctx.defaultLang;
      const liked = `&liked=${r.entry.id}`;
      const to =
        form.data.from === 'paper'
          ? `${paperPath(r.entry.paperKey)}?lang=${encodeURIComponent(lang)}${liked}#edition-${r.published.edition.startDate}`
          : `${editionPath(r.published.edition.startDate, lang, liked)}#entry-${r.entry.position}`;
      c.header('cache-control', 'no-store');
      return c.redirect(to, 303);
    },
  );
}
