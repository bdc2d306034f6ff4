// Writing an edition's overview: the week's facts go to the LLM (never the abstracts), its bullets
// are checked against the facts (src/domain/overview.ts), a bad answer is asked for once more with
// its problems named, and a second bad answer gives way to the template overview written from the
// facts alone. I/O: only the LLM port. No store access: the caller stores `body` as the edition's
// `overview` text (origin and provenance from the result) and records the calls.
import { z } from 'zod';
import { neutraliseDelimiters } from '../domain/draft-check.js';
import type { EditionFacts } from '../domain/facts.js';
import {
  canonicalCites,
  formatOverview,
  overviewMinBullets,
  overviewProblems,
  parseOverview,
  templateOverview,
  type OverviewBullet,
  type OverviewContext,
  type OverviewProblem,
  type OverviewStrings,
} from '../domain/overview.js';
import { topicName, type Topic } from '../domain/topics.js';
import { cleanText } from '../domain/unicode.js';
import { LlmAnswerError } from '../errors.js';
import { fillTemplate, OVERVIEW_PROMPT_VERSION, overviewPromptTemplates, type RepairablePromptTemplates } from '../llm/prompts/index.js';
import type { Llm, LlmUsage } from '../ports.js';
import { languageName } from './draft-prompt.js';

/** One entry as the overview prompt sees it: no abstract. */
export interface OverviewEntry {
  position: number;
  titleEn: string;
  introEn: string | null;
  /** topic slugs */
  topics: string[];
}

export interface OverviewInput {
  facts: EditionFacts;
  entries: OverviewEntry[];
  /** language of the overview: `ko`, `en` */
  lang: string;
  /** the taxonomy the facts were computed with */
  topics: readonly Topic[];
  /** the bundle's overview sentences for `lang` (getBundle(lang).overviewBullets) */
  strings: OverviewStrings;
  /** without one, the template overview */
  llm?: Llm | null;
  signal?: AbortSignal;
}

/** Why an LLM answer was not used: a problem of its bullets, or no answer matching the schema. */
export interface RejectedProblem extends Omit<OverviewProblem, 'rule'> {
  rule: OverviewProblem['rule'] | 'overview-answer-invalid';
  /** which call's answer: 1 or 2 */
  attempt: number;
}

export interface OverviewResult {
  /** the stored format: `- text [cites]` per line */
  body: string;
  origin: 'llm' | 'template';
  /** the model and provider that wrote the body; null for the template */
  model: string | null;
  provider: string | null;
  /** OVERVIEW_PROMPT_VERSION when the LLM wrote it; null for the template */
  promptVersion: string | null;
  /** all calls together, also when their answers were rejected; null without calls */
  usage: LlmUsage | null;
  calls: number;
  /** the problems of the rejected answers, in call order */
  rejected: RejectedProblem[];
  bullets: OverviewBullet[];
}

/** The answer the model must give; `text` without citation markers. */
export const overviewSchema = z.object({
  bullets: z.array(
    z.object({
      text: z.string().min(1),
      topic: z.string().nullable(),
      cites: z.array(z.number().int()),
    }),
  ),
});
export type OverviewAnswer = z.infer<typeof overviewSchema>;

/** Enough for five bullets of two sentences in Korean, with the JSON around them. */
export const OVERVIEW_MAX_OUTPUT_TOKENS = 2000;

const percentOf = (n: number, of: number) => (of ? Math.round((n / of) * 100) : 0);

/** The facts as the prompt gives them: EditionFacts with topic names in the overview's language and each topic's share. */
export function promptFacts(facts: EditionFacts, topics: readonly Topic[], lang: string) {
  const bySlug = new Map(topics.map((t) => [t.slug, t]));
  return {
    startDate: facts.startDate,
    endDate: facts.endDate,
    papers: facts.papers,
    earlierEditions: facts.previous,
    topics: facts.topics.map((t) => {
      const topic = bySlug.get(t.slug);
      return {
        slug: t.slug,
        name: topic ? topicName(topic, lang) : t.name,
        count: t.count,
        percent: percentOf(t.count, facts.papers),
        positions: t.positions,
        previous: t.previous,
        average: t.average,
        change: t.change,
        ...(t.change !== null && t.average ? { changePercent: Math.round((t.change / t.average) * 100) } : {}),
      };
    }),
    recurringNames: facts.names,
    withCode: facts.withCode,
    withArxivAbstract: facts.withArxivAbstract,
    untagged: facts.untagged,
  };
}

/** Untrusted text on one line of the prompt: cleaned, delimiters neutralised. */
const promptLine = (s: string) => neutraliseDelimiters(cleanText(s).replace(/\s+/g, ' ').trim());

/** The first call's system and user prompt. Pure apart from the prompt files (read once). */
export function buildOverviewPrompt(input: Pick<OverviewInput, 'facts' | 'entries' | 'lang' | 'topics'>, templates: RepairablePromptTemplates = overviewPromptTemplates()): { system: string; prompt: string } {
  const language = languageName(input.lang);
  const lang = input.lang.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const system = fillTemplate(templates.system, { language, min_bullets: String(Math.max(1, overviewMinBullets(input.facts))) });
  const entries = [...input.entries]
    .sort((a, b) => a.position - b.position)
    .map((e) => promptLine(JSON.stringify({ position: e.position, title: e.titleEn, intro: e.introEn, topics: e.topics })))
    .join('\n');
  const prompt = fillTemplate(templates.user, { language, facts: neutraliseDelimiters(JSON.stringify(promptFacts(input.facts, input.topics, lang))), entries });
  return { system, prompt };
}

/** The second call's user prompt: the first prompt, then the previous answer and exactly what was wrong with it. */
export function buildRepairPrompt(prompt: string, answer: string, problems: ReadonlyArray<Pick<OverviewProblem, 'message'>>, templates: RepairablePromptTemplates = overviewPromptTemplates()): string {
  return `${prompt}\n\n${fillTemplate(templates.repair, { answer: neutraliseDelimiters(answer), problems: problems.map((p) => `- ${p.message}`).join('\n') })}`;
}

/** The answer's bullets in the stored shape: text on one line without markers (a marker's positions join the cites), cites sorted and each once. */
export function answerBullets(answer: OverviewAnswer): OverviewBullet[] {
  return answer.bullets.map((b) => {
    const [parsed] = parseOverview(cleanText(b.text).replace(/\s+/g, ' '));
    return { text: parsed?.text ?? '', cites: canonicalCites([...b.cites, ...(parsed?.cites ?? [])]), topic: b.topic };
  });
}

const addUsage = (a: LlmUsage | null, b: LlmUsage): LlmUsage => ({
  inputTokens: (a?.inputTokens ?? 0) + b.inputTokens,
  outputTokens: (a?.outputTokens ?? 0) + b.outputTokens,
  estimated: (a?.estimated ?? false) || b.estimated,
});

/**
 * The edition's overview. With an LLM: one call; its bullets checked with overviewProblems; on
 * problems one more call naming them; still bad (or no answer matching the schema), the template.
 * Without an LLM, or for an edition without papers: the template (no bullets, an empty body, for
 * no papers). A failing LLM (refused key, unreachable, aborted) throws: the
 * caller decides whether to write the template overview instead.
 */
export async function writeOverview(input: OverviewInput): Promise<OverviewResult> {
  const entryTopics = new Map(input.entries.map((e) => [e.position, e.topics]));
  const ctx: OverviewContext = { facts: input.facts, entryTopics, topics: input.topics, lang: input.lang, titles: new Map(input.entries.map((e) => [e.position, e.titleEn])) };
  let usage: LlmUsage | null = null;
  let calls = 0;
  const rejected: RejectedProblem[] = [];

  // an edition without papers has nothing to say: no call
  if (input.llm && input.facts.papers > 0) {
    const llm = input.llm;
    const first = buildOverviewPrompt(input);
    let prompt = first.prompt;
    for (let attempt = 1; attempt <= 2; attempt++) {
      let answer: string;
      let problems: Array<Omit<RejectedProblem, 'attempt'>>;
      try {
        calls++;
        const r = await llm.generate({ system: first.system, prompt, schema: overviewSchema, schemaName: 'overview', maxOutputTokens: OVERVIEW_MAX_OUTPUT_TOKENS, signal: input.signal });
        usage = addUsage(usage, r.usage);
        const bullets = answerBullets(r.object);
        const found = overviewProblems(bullets, ctx);
        if (!found.length) {
          return { body: formatOverview(bullets), origin: 'llm', model: r.model, provider: r.provider, promptVersion: OVERVIEW_PROMPT_VERSION, usage, calls, rejected, bullets };
        }
        answer = JSON.stringify(r.object);
        problems = found;
      } catch (e) {
        if (!(e instanceof LlmAnswerError) || input.signal?.aborted) throw e;
        usage = addUsage(usage, e.usage);
        answer = e.answer ?? '(no answer)';
        problems = [{ rule: 'overview-answer-invalid', bullet: null, message: `the answer is not a JSON object matching the schema: ${e.message}` }];
      }
      rejected.push(...problems.map((p) => ({ ...p, attempt })));
      prompt = buildRepairPrompt(first.prompt, answer, problems);
    }
  }

  const bullets = templateOverview(input.facts, ctx, input.strings);
  return { body: formatOverview(bullets), origin: 'template', model: null, provider: null, promptVersion: null, usage, calls, rejected, bullets };
}
