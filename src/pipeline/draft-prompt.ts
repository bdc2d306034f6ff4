// Builds the draft prompt for ONE paper entry (its fields' English sources and the glossary terms
// that apply), the zod schema its answer must match, and a token estimate for the budget and
// context-window checks; and the same for a derived intro (an entry's editorial intro written from its
// paper's English abstract, task `introduce`). Pure apart from reading the prompt files once (src/llm/prompts).
import { countTokens } from 'gpt-tokenizer';
import { z } from 'zod';
import { closeDelimiter, neutraliseDelimiters, openDelimiter } from '../domain/draft-check.js';
import type { GlossaryTerm } from '../domain/glossary.js';
import { TEXT_FIELDS, type TextField } from '../domain/types.js';
import { cleanText } from '../domain/unicode.js';
import { invalidInput } from '../errors.js';
import { draftPromptTemplates, fillTemplate, introPromptTemplates, type PromptTemplates } from '../llm/prompts/index.js';

/**
 * What a draft call asks of the model: `translate` the fields' English texts, or `introduce` a paper:
 * write an entry's editorial intro from the paper's English abstract (a derived intro, see entry-fields.ts).
 */
export const DRAFT_TASKS = ['translate', 'introduce'] as const;
export type DraftTask = (typeof DRAFT_TASKS)[number];

export interface DraftSource {
  field: TextField;
  /** the English text of the field, untrusted */
  source: string;
}

export interface DraftPromptInput {
  /** the target language, a BCP 47 tag: `ko` */
  language: string;
  fields: DraftSource[];
  /** the terms that apply to these sources; only those of `language` are used */
  glossary: GlossaryTerm[];
}

export interface DraftPrompt {
  system: string;
  prompt: string;
  /** the keys the answer must have, in the order of `fields` */
  schemaFields: string[];
}

/** English names of target languages for the prompt; other codes are used as they are. */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = { ko: 'Korean', ja: 'Japanese', zh: 'Chinese', en: 'English' };

const LANGUAGE_TAG = /^[a-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/;

export function languageName(code: string): string {
  const tag = code.trim();
  if (!LANGUAGE_TAG.test(tag)) throw invalidInput(`not a language code: ${JSON.stringify(code)}`);
  return LANGUAGE_NAMES[tag.toLowerCase()] ?? LANGUAGE_NAMES[tag.toLowerCase().split(/[-_]/)[0] ?? ''] ?? tag;
}

/** Untrusted text as it goes into a prompt: cleaned (NFC, no invisible characters), trimmed, delimiters neutralised. */
function promptText(text: string): string {
  return neutraliseDelimiters(cleanText(text).trim());
}

/** A glossary term on one line: no line breaks can smuggle a second line in. */
const oneLine = (text: string): string => promptText(text).replace(/\s+/g, ' ');

/** `- English → target (rule)` for the terms of the language, first of each English term wins. */
export function glossaryLines(language: string, glossary: readonly GlossaryTerm[]): string[] {
  const lang = language.trim().toLowerCase();
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const t of glossary) {
    if (t.lang.toLowerCase() !== lang) continue;
    const en = oneLine(t.en);
    const target = oneLine(t.target);
    if (en === '' || target === '' || seen.has(en.toLowerCase())) continue;
    seen.add(en.toLowerCase());
    lines.push(`- ${en} → ${target} (${t.rule})`);
  }
  return lines;
}

function checkedSources(fields: readonly DraftSource[]): Array<{ field: TextField; text: string }> {
  if (fields.length === 0) throw invalidInput('a draft prompt needs at least one field');
  const seen = new Set<string>();
  return fields.map(({ field, source }) => {
    if (!(TEXT_FIELDS as readonly string[]).includes(field)) throw invalidInput(`unknown text field: ${JSON.stringify(field)}`);
    if (seen.has(field)) throw invalidInput(`field ${field} given twice`);
    seen.add(field);
    const text = promptText(source);
    if (text === '') throw invalidInput(`field ${field} has no source text`);
    return { field, text };
  });
}

/**
 * The system prompt and the user prompt for one entry. Every source is cleaned with cleanText and
 * its delimiter syntax neutralised, so a source cannot close its own `<<<SOURCE:field>>>` block.
 * Throws INPUT_INVALID for no fields, a repeated or unknown field, an empty source or a bad language code.
 */
export function buildDraftPrompt(input: DraftPromptInput, templates: PromptTemplates = draftPromptTemplates()): DraftPrompt {
  const language = languageName(input.language);
  const sources = checkedSources(input.fields);
  const glossary = glossaryLines(input.language, input.glossary);
  const schemaFields = sources.map((s) => s.field);
  const system = fillTemplate(templates.system, { language });
  // no glossary terms, no glossary section: every token of overhead is paid on every call
  const prompt = fillTemplate(templates.user, {
    glossary: glossary.length > 0 ? `Glossary (English → target (rule)):\n${glossary.join('\n')}\n\n` : '',
    sources: sources.map((s) => `${openDelimiter(s.field)}\n${s.text}\n${closeDelimiter(s.field)}`).join('\n\n'),
  });
  return { system, prompt, schemaFields };
}

/** The answer's schema: exactly these keys, each a non-empty string; anything else is rejected. */
export function draftSchema(fields: readonly string[]) {
  if (fields.length === 0) throw invalidInput('a draft schema needs at least one field');
  if (new Set(fields).size !== fields.length) throw invalidInput(`a draft schema field is repeated: ${fields.join(', ')}`);
  const shape: Record<string, z.ZodString> = {};
  for (const f of fields) shape[f] = z.string().min(1);
  return z.object(shape).strict();
}

/**
 * Tokens of `text` with gpt-tokenizer's default encoding (o200k_base, GPT-4o and later). Other
 * model families tokenise differently; treat the count as an estimate, good to some 20%.
 */
export function estimateTokens(text: string): number {
  return countTokens(text);
}

/**
 * Output tokens per source token, by target language. Hangul costs more tokens than the English it
 * translates: on the reference post (2024-04-01..07, 28 Korean/English pairs) o200k_base counts
 * 1.44× the English tokens on average and 1.75× at most (a short title); 1.6 covers almost every
 * field. Older encodings are worse (cl100k_base: 2.28× on the same pairs). Japanese and Chinese are
 * not measured and use the same factor; English (a copy-edit) is 1.0.
 */
export const OUTPUT_TOKEN_FACTOR: Readonly<Record<string, number>> = { ko: 1.6, ja: 1.6, zh: 1.6, en: 1.0 };
export const DEFAULT_OUTPUT_TOKEN_FACTOR = 1.6;
/** Chat framing per message (role markers) and per request, as OpenAI counts it. */
const MESSAGE_OVERHEAD = 4;
const REQUEST_OVERHEAD = 3;

function outputFactor(language: string): number {
  const lang = language.trim().toLowerCase();
  return OUTPUT_TOKEN_FACTOR[lang] ?? OUTPUT_TOKEN_FACTOR[lang.split(/[-_]/)[0] ?? ''] ?? DEFAULT_OUTPUT_TOKEN_FACTOR;
}

export interface CallEstimate {
  /** system + user prompt + the JSON schema sent with the request + chat framing */
  inputTokens: number;
  /** the translated sources × OUTPUT_TOKEN_FACTOR + the JSON keys and quotes around them */
  outputTokens: number;
}

/** The input tokens of a call: both messages, the answer's JSON schema, and the request's overhead. */
function promptTokens({ system, prompt, schemaFields }: DraftPrompt): number {
  const jsonSchema = JSON.stringify({
    type: 'object',
    properties: Object.fromEntries(schemaFields.map((f) => [f, { type: 'string', minLength: 1 }])),
    required: schemaFields,
    additionalProperties: false,
  });
  return estimateTokens(system) + estimateTokens(prompt) + estimateTokens(jsonSchema) + 2 * MESSAGE_OVERHEAD + REQUEST_OVERHEAD;
}

/**
 * What one draft call will cost, before it is made, so a caller can check the edition's budget and
 * the model's context window (inputTokens + outputTokens) and set maxOutputTokens.
 */
export function estimateCall(input: DraftPromptInput, templates: PromptTemplates = draftPromptTemplates()): CallEstimate {
  const built = buildDraftPrompt(input, templates);
  const { schemaFields } = built;
  const inputTokens = promptTokens(built);
  const sourceTokens = checkedSources(input.fields).reduce((n, s) => n + estimateTokens(s.text), 0);
  const envelope = estimateTokens(JSON.stringify(Object.fromEntries(schemaFields.map((f) => [f, '']))));
  const outputTokens = Math.ceil(sourceTokens * outputFactor(input.language)) + envelope;
  return { inputTokens, outputTokens };
}

// ---------------------------------------------------------------------------------------------
// The derived intro (task `introduce`)

export interface IntroPromptInput {
  /** the language of the intro, English included: `ko`, `en` */
  language: string;
  /** the paper's English abstract, untrusted */
  abstract: string;
  /** the terms that apply to the abstract; only those of `language` are used */
  glossary: GlossaryTerm[];
}

/** The answer's one key: the intro. */
export const INTRO_SCHEMA_FIELDS: readonly string[] = ['intro'];

/**
 * The system prompt and the user prompt that ask for an entry's editorial intro, 2 to 3 sentences in
 * `language`, from the paper's abstract, which goes between `<<<SOURCE:abstract>>>` and
 * `<<<END:abstract>>>`, cleaned and neutralised like every source. The answer has the key `intro`.
 * Throws INPUT_INVALID for an empty abstract or a bad language code.
 */
export function buildIntroPrompt(input: IntroPromptInput, templates: PromptTemplates = introPromptTemplates()): DraftPrompt {
  const language = languageName(input.language);
  const text = promptText(input.abstract);
  if (text === '') throw invalidInput('an intro prompt needs the abstract it is written from');
  const glossary = glossaryLines(input.language, input.glossary);
  const system = fillTemplate(templates.system, { language });
  const prompt = fillTemplate(templates.user, {
    glossary: glossary.length > 0 ? `Glossary (English → target (rule)):\n${glossary.join('\n')}\n\n` : '',
    sources: `${openDelimiter('abstract')}\n${text}\n${closeDelimiter('abstract')}`,
  });
  return { system, prompt, schemaFields: [...INTRO_SCHEMA_FIELDS] };
}

/** The English tokens of an intro of 2 to 3 sentences, at most; a shorter abstract gives a shorter intro. */
export const INTRO_TOKENS = 160;

/** What one derived-intro call will cost, as estimateCall does for a translation. */
export function estimateIntroCall(input: IntroPromptInput, templates: PromptTemplates = introPromptTemplates()): CallEstimate {
  const built = buildIntroPrompt(input, templates);
  const { schemaFields } = built;
  const inputTokens = promptTokens(built);
  const introTokens = Math.min(estimateTokens(promptText(input.abstract)), INTRO_TOKENS);
  const envelope = estimateTokens(JSON.stringify(Object.fromEntries(schemaFields.map((f) => [f, '']))));
  return { inputTokens, outputTokens: Math.ceil(introTokens * outputFactor(input.language)) + envelope };
}
