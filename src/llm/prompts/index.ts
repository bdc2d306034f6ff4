// The LLM prompts, as versioned text files next to this module (the .txt files are the source of
// truth; a change of wording is a new version, e.g. draft-v2.*.txt, because drafts are cached by
// prompt version). Read once, on first use.
//
// tsc compiles this module to dist/llm/prompts/index.js and does not copy .txt files, so the
// loader looks next to the module first (src/ under tsx, or a dist/ that has the files copied)
// and then in src/llm/prompts/ of the package (three levels up from dist/llm/prompts/), which the
// published package contains because package.json has no `files` list.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DRAFT_PROMPT_VERSION = 'draft-v1';
/**
 * The derived intro's prompt (src/pipeline/draft-prompt.ts, buildIntroPrompt): an editorial intro
 * written from the paper's English abstract, in English or a target language. Not a translation.
 */
export const INTRO_PROMPT_VERSION = 'intro-v1';
/** The edition overview's prompt (src/pipeline/overview.ts): system, user, and the repair note of a second call. */
export const OVERVIEW_PROMPT_VERSION = 'overview-v1';

/** The two templates of one prompt version, with `{{placeholders}}`. */
export interface PromptTemplates {
  version: string;
  system: string;
  user: string;
}

/** Where `name` may be, in order: next to the module, then in src/llm/prompts/ when running from dist/llm/prompts/. */
export function promptFileCandidates(name: string, moduleUrl: string | URL = import.meta.url): URL[] {
  return [new URL(`./${name}`, moduleUrl), new URL(`../../../src/llm/prompts/${name}`, moduleUrl)];
}

/** The first candidate that exists; throws naming every place it looked. */
export function resolvePromptFile(name: string, moduleUrl: string | URL = import.meta.url): URL {
  const candidates = promptFileCandidates(name, moduleUrl);
  for (const url of candidates) if (existsSync(url)) return url;
  throw new Error(`prompt file ${name} not found; looked in ${candidates.map((u) => fileURLToPath(u)).join(' and ')}`);
}

/** A template as stored, without the file's final newline. */
function readTemplate(name: string, moduleUrl: string | URL): string {
  return readFileSync(resolvePromptFile(name, moduleUrl), 'utf8').replace(/\r\n?/g, '\n').replace(/\n$/, '');
}

/** Reads `<version>.system.txt` and `<version>.user.txt` (no caching; see draftPromptTemplates). */
export function loadPromptTemplates(version: string, moduleUrl: string | URL = import.meta.url): PromptTemplates {
  return { version, system: readTemplate(`${version}.system.txt`, moduleUrl), user: readTemplate(`${version}.user.txt`, moduleUrl) };
}

let draftTemplates: PromptTemplates | null = null;

/** The current draft prompt (DRAFT_PROMPT_VERSION), read from disk once. */
export function draftPromptTemplates(): PromptTemplates {
  return (draftTemplates ??= loadPromptTemplates(DRAFT_PROMPT_VERSION));
}

let introTemplates: PromptTemplates | null = null;

/** The current derived-intro prompt (INTRO_PROMPT_VERSION), read from disk once. */
export function introPromptTemplates(): PromptTemplates {
  return (introTemplates ??= loadPromptTemplates(INTRO_PROMPT_VERSION));
}

/** A prompt that can ask once more: the templates plus the repair note appended to the user prompt. */
export interface RepairablePromptTemplates extends PromptTemplates {
  repair: string;
}

/** Reads `<version>.system.txt`, `<version>.user.txt` and `<version>.repair.txt` (no caching). */
export function loadRepairablePromptTemplates(version: string, moduleUrl: string | URL = import.meta.url): RepairablePromptTemplates {
  return { ...loadPromptTemplates(version, moduleUrl), repair: readTemplate(`${version}.repair.txt`, moduleUrl) };
}

let overviewTemplates: RepairablePromptTemplates | null = null;

/** The current overview prompt (OVERVIEW_PROMPT_VERSION), read from disk once. */
export function overviewPromptTemplates(): RepairablePromptTemplates {
  return (overviewTemplates ??= loadRepairablePromptTemplates(OVERVIEW_PROMPT_VERSION));
}

const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

/** The placeholder names a template uses, in order of first appearance. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/**
 * Fills `{{name}}` placeholders in one pass: a value is inserted literally (no `$&` patterns, and
 * `{{…}}` or `${…}` inside a value stays as text). Throws on a placeholder without a value and on a
 * value without a placeholder, so a template and its caller cannot drift apart silently.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const used = new Set(templatePlaceholders(template));
  for (const name of used) if (!Object.hasOwn(values, name)) throw new Error(`template placeholder {{${name}}} has no value`);
  for (const name of Object.keys(values)) if (!used.has(name)) throw new Error(`template has no placeholder {{${name}}}`);
  return template.replace(PLACEHOLDER, (_m, name: string) => values[name] as string);
}
