// Glossary terms per language: how a source term is written in the target language.
import { z } from 'zod';

/**
 * translate: use the target term; keep: keep the English as it is (번역안함);
 * transliterate: the target term is a transliteration (음차 표기);
 * bilingual: write `target(English)` on first use (the guide's 한글(English) rule).
 */
export const GlossaryRule = z.enum(['translate', 'keep', 'transliterate', 'bilingual']);
export type GlossaryRule = z.infer<typeof GlossaryRule>;

export const GlossaryTerm = z.object({
  lang: z.string().min(2),
  /** the English term as it appears in sources */
  en: z.string().min(1),
  /** the term to use in the target language */
  target: z.string().min(1),
  rule: GlossaryRule,
  note: z.string().nullable(),
  /** where the term came from: a file name, or `editor` */
  source: z.string().min(1),
});
export type GlossaryTerm = z.infer<typeof GlossaryTerm>;
