// The topic taxonomy: the default one, or an editor's JSON file named by PAPERBOY_TOPICS_FILE.
// Reads the file (the only I/O here) and refuses a taxonomy that cannot work, naming what is wrong.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_TOPICS, taxonomyProblems, type Topic } from '../domain/topics.js';
import { PaperboyError } from '../errors.js';

const TopicSchema = z.strictObject({
  slug: z.string(),
  name: z.string(),
  names: z.record(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/), z.string().min(1)).optional(),
  phrases: z.array(z.string()).default([]),
  categories: z.array(z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'an arXiv category such as cs.CL')).default([]),
});
const TaxonomySchema = z.array(TopicSchema).min(1, 'the taxonomy needs at least one topic').max(60, 'at most 60 topics');

/** Parses and checks a taxonomy file's text; `where` names the file in messages. */
export function parseTaxonomy(text: string, where: string): Topic[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PaperboyError('CONFIG_INVALID', `${where}: not JSON (${(e as Error).message})`);
  }
  const r = TaxonomySchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const path = first.path.length ? first.path.map((p) => (typeof p === 'number' ? `[${p + 1}]` : `.${String(p)}`)).join('') : '';
    throw new PaperboyError('CONFIG_INVALID', `${where}: topics${path}: ${first.message}`);
  }
  const problems = taxonomyProblems(r.data);
  if (problems.length) throw new PaperboyError('CONFIG_INVALID', `${where}: ${problems.join('; ')}`);
  return r.data;
}

/** The taxonomy in use: the file when one is configured, else the default. */
export function loadTaxonomy(file: string | undefined): readonly Topic[] {
  if (!file) return DEFAULT_TOPICS;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PaperboyError('CONFIG_INVALID', `PAPERBOY_TOPICS_FILE ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseTaxonomy(text, `PAPERBOY_TOPICS_FILE ${file}`);
}
