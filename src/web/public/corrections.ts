// Reader corrections: the form for one target-language text of a published edition (pick a
// sentence, write the new wording), its POST, and the thank-you page. A suggestion is stored
// pending for the desk (src/pipeline/review.ts suggestCorrection) and shown back only as escaped
// text. Unknown texts, English texts and unpublished editions all get the one 404.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { escapeHtml, renderPlain } from '../../channels/render/sanitize.js';
import { splitSentences } from '../../domain/sentences.js';
import { OwnerKind, TextField, type Text } from '../../domain/types.js';
import { cleanText } from '../../domain/unicode.js';
import { PaperboyError } from '../../errors.js';
import { editionTitle, fill, getBundle, type Bundle } from '../../i18n/bundle.js';
import { correctableText, type PublishedEdition } from '../../pipeline/reader.js';
import { MAX_NOTE_CHARS, MAX_SUGGESTION_CHARS, suggestCorrection } from '../../pipeline/review.js';
import type { TextRef } from '../../ports.js';
import { page } from '../layout.js';
import { rateLimit } from '../rate-limit.js';
import { crossSite, editionPath, forbidden, formFields, ISO, LANG, langOf, limited, readerOf, tooLarge, type PublicContext } from './common.js';

/**
 * The most bytes a suggestion form may send. A form is URL-encoded: a Hangul syllable takes 9
 * bytes, so the longest suggestion (2,000 characters) and note (1,000) need about 27 KB.
 */
export const MAX_FORM_BYTES = 32 * 1024;

/** The text a form is about: `owner` is `kind:id`, e.g. `entry:12` or `paper:arxiv:2404.02258`. */
const TextTarget = z.object({
  edition: z.string().regex(ISO),
  owner: z.string().max(1000).regex(/^[a-z]+:.+$/s),
  field: TextField,
  lang: z.string().regex(LANG),
});

const SuggestionForm = TextTarget.extend({
  revision: z.string().regex(/^\d{1,9}$/).transform(Number),
  // no radio picked sends nothing; an empty value means the same
  sentence: z.string().regex(/^\d{0,6}$/).transform((v) => (v === '' ? undefined : Number(v))).optional(),
  proposed: z.string().default(''),
  note: z.string().default(''),
});

function refOf(t: z.infer<typeof TextTarget>): TextRef | null {
  const i = t.owner.indexOf(':');
  const kind = OwnerKind.safeParse(t.owner.slice(0, i));
  return kind.success ? { ownerKind: kind.data, ownerId: t.owner.slice(i + 1), field: t.field, lang: t.lang } : null;
}

interface FormState {
  sentence?: number;
  proposed: string;
  note: string;
  error?: string;
}

function fieldLabel(b: Bundle, field: TextField): string | null {
  return { title: null, intro: b.intro, abstract: b.abstract, key_messages: b.keyMessages, overview: b.overview }[field];
}

function formPage(b: Bundle, published: PublishedEdition, position: number | null, ref: TextRef, text: Text, state: FormState): string {
  const ed = published.edition;
  const back = `${editionPath(ed.startDate, ref.lang)}${position === null ? '' : `#entry-${position}`}`;
  const label = fieldLabel(b, ref.field);
  const sentences = splitSentences(text.body, ref.lang).map(
    (s) =>
      `<li><input type="radio" name="sentence" id="sentence-${s.index}" value="${s.index}" required${state.sentence === s.index ? ' checked' : ''}> ` +
      `<label for="sentence-${s.index}" lang="${escapeHtml(ref.lang)}">${renderPlain(s.text)}</label></li>`,
  );
  const hidden = { edition: ed.startDate, owner: `${ref.ownerKind}:${ref.ownerId}`, field: ref.field, lang: ref.lang, revision: String(text.revision ?? 1) };
  return [
    `<h1>${renderPlain(b.correction.title)}</h1>`,
    `<p><a href="${escapeHtml(back)}">${renderPlain(editionTitle(b, ed.startDate, ed.endDate))}</a>${label ? ` · ${renderPlain(label)}` : ''}</p>`,
    `<p>${renderPlain(b.correction.intro)}</p>`,
    state.error ? `<p class="error" role="alert">${renderPlain(state.error)}</p>` : '',
    '<form class="correction" method="post" action="/corrections">',
    ...Object.entries(hidden).map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`),
    `<fieldset><legend>${renderPlain(b.correction.sentence)}</legend><ol class="sentences">${sentences.join('\n')}</ol></fieldset>`,
    `<p><label for="proposed">${renderPlain(b.correction.proposed)}</label><br><textarea id="proposed" name="proposed" rows="4" maxlength="${MAX_SUGGESTION_CHARS}" required lang="${escapeHtml(ref.lang)}">${escapeHtml(state.proposed)}</textarea></p>`,
    `<p><label for="note">${renderPlain(b.correction.note)}</label><br><textarea id="note" name="note" rows="2" maxlength="${MAX_NOTE_CHARS}">${escapeHtml(state.note)}</textarea></p>`,
    // for bots that fill every field; people never see it, and tabbing skips it
    `<div class="hp" aria-hidden="true"><label for="website">${renderPlain(b.correction.honeypot)}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value=""></div>`,
    `<p><button type="submit">${renderPlain(b.correction.submit)}</button></p>`,
    '</form>',
  ].join('\n');
}

/** Why the form cannot be taken as sent, in the reader's language; null when it can. */
function formError(b: Bundle, text: Text, lang: string, f: z.infer<typeof SuggestionForm>): string | null {
  if (f.sentence === undefined) return b.correction.errorSentence;
  if (!cleanText(f.proposed).trim()) return b.correction.errorEmpty;
  if (f.proposed.length > MAX_SUGGESTION_CHARS) return fill(b.correction.errorTooLong, { limit: String(MAX_SUGGESTION_CHARS) });
  if (f.note.length > MAX_NOTE_CHARS) return fill(b.correction.errorNoteTooLong, { limit: String(MAX_NOTE_CHARS) });
  if (f.revision === (text.revision ?? 1)) {
    const s = splitSentences(text.body, lang)[f.sentence];
    if (!s) return b.correction.errorSentence;
    if (s.text === cleanText(f.proposed).trim()) return b.correction.errorSame;
  }
  return null;
}

export function mountCorrections(app: Hono, ctx: PublicContext): void {
  // per address: a few suggestions at once, then ten an hour
  const limit = rateLimit({ burst: 5, perMinute: 10 / 60, now: () => ctx.now().getTime() });

  const show = (c: Context, status: 200 | 400, b: Bundle, found: NonNullable<Awaited<ReturnType<typeof correctableText>>>, ref: TextRef, state: FormState) =>
    c.html(page({ lang: b.lang, title: b.correction.title, body: formPage(b, found.published, found.position, ref, found.text, state), feedsLang: ref.lang }), status);

  app.get('/corrections/new', async (c) => {
    const q = TextTarget.safeParse(c.req.query());
    const ref = q.success ? refOf(q.data) : null;
    const found = q.success && ref ? await correctableText(ctx.store, q.data.edition, ref) : null;
    if (!q.success || !ref || !found) return ctx.notFound(c);
    return show(c, 200, getBundle(ref.lang), found, ref, { proposed: '', note: '' });
  });

  app.post(
    '/corrections',
    async (c, next) => (crossSite(c, ctx.baseUrl) ? forbidden(c, ctx) : (limited(c, limit, 'corrections', ctx) ?? next())),
    bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => tooLarge(c, ctx) }),
    async (c) => {
      const fields = await formFields(c);
      const thanks = () => {
        const q = new URLSearchParams();
        if (fields.edition && ISO.test(fields.edition)) q.set('edition', fields.edition);
        if (fields.lang && LANG.test(fields.lang)) q.set('lang', fields.lang);
        c.header('cache-control', 'no-store');
        return c.redirect(`/corrections/thanks?${q.toString()}`, 303);
      };
      // a filled honeypot is a bot: it hears what a person would, and nothing is stored
      if (fields.website) return thanks();
      const f = SuggestionForm.safeParse(fields);
      const ref = f.success ? refOf(f.data) : null;
      const found = f.success && ref ? await correctableText(ctx.store, f.data.edition, ref) : null;
      if (!f.success || !ref || !found) return ctx.notFound(c);
      const b = getBundle(ref.lang);
      const state: FormState = { sentence: f.data.revision === (found.text.revision ?? 1) ? f.data.sentence : undefined, proposed: f.data.proposed, note: f.data.note };
      const error = formError(b, found.text, ref.lang, f.data);
      if (error) return show(c, 400, b, found, ref, { ...state, error });
      const { reader, remember } = readerOf(c, ctx.baseUrl);
      try {
        await suggestCorrection(
          ctx.store,
          { editionId: found.published.edition.id, ref, revision: f.data.revision, sentence: f.data.sentence!, proposed: f.data.proposed, note: f.data.note.trim() ? f.data.note : null, reader },
          ctx.now,
        );
      } catch (e) {
        if (e instanceof PaperboyError && e.code === 'NOT_FOUND') return ctx.notFound(c);
        if (e instanceof PaperboyError && e.code === 'INPUT_INVALID') return show(c, 400, b, found, ref, { ...state, error: `${b.correction.errorOther} (${e.message})` });
        throw e;
      }
      remember();
      return thanks();
    },
  );

  app.get('/corrections/thanks', (c) => {
    const date = c.req.query('edition');
    const lang = langOf(c.req.query('lang'), ctx.defaultLang);
    const b = getBundle(lang);
    const back = date && ISO.test(date) ? `<p><a href="${escapeHtml(editionPath(date, lang))}">${renderPlain(b.correction.back)}</a></p>` : '<p><a href="/">paperboy</a></p>';
    return c.html(page({ lang: b.lang, title: b.correction.title, body: `<h1>${renderPlain(b.correction.title)}</h1>\n<p role="status">${renderPlain(b.correction.thanks)}</p>\n${back}`, feedsLang: lang }));
  });
}
