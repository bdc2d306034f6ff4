// Drafting: plan (pure) which target-language texts of an edition need an LLM draft, then run the calls
// with a concurrency limit, a token budget and a cache, storing each finished entry as it arrives.
// Two tasks: `translate` a field's English text, and `introduce`: write the intro of an entry that has
// no English intro from its paper's English abstract (a derived intro), in English too.
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { checkDraft } from '../domain/draft-check.js';
import type { GlossaryTerm } from '../domain/glossary.js';
import { compileGlossary, glossaryVersion } from '../domain/glossary-match.js';
import { textKey } from '../domain/text-policy.js';
import type { Entry, OwnerKind, TextInput } from '../domain/types.js';
import { LlmAnswerError, PaperboyError } from '../errors.js';
import { DRAFT_PROMPT_VERSION, INTRO_PROMPT_VERSION } from '../llm/prompts/index.js';
import type { EditionBundle, Llm, LlmCallRecord, Store } from '../ports.js';
import { buildDraftPrompt, buildIntroPrompt, DRAFT_TASKS, draftSchema, estimateCall, estimateIntroCall, type CallEstimate, type DraftPrompt, type DraftTask } from './draft-prompt.js';
import { fieldSource, isSourceText, textIndex } from './entry-fields.js';

export const DRAFT_FIELDS = ['title', 'intro', 'abstract'] as const;
export type DraftField = (typeof DRAFT_FIELDS)[number];

export interface DraftItem {
  field: DraftField;
  ownerKind: OwnerKind;
  ownerId: string;
  source: string;
  sourceHash: string;
  /** translate `source`, the field's English text; or introduce: `source` is the paper's abstract */
  task: DraftTask;
}

/** One call: the items of one entry and one task, with that task's prompt version. */
export interface DraftJob {
  entry: Entry;
  task: DraftTask;
  promptVersion: string;
  items: DraftItem[];
  terms: GlossaryTerm[];
  glossaryVersion: string;
  cacheKey: string;
}

export interface DraftPlan {
  jobs: DraftJob[];
  counts: { upToDate: number; kept: number; imported: number; noSource: number };
}

export interface ModelIdentity {
  provider: string;
  model: string;
  /** the translation prompt's version (DRAFT_PROMPT_VERSION) */
  promptVersion: string;
  /** the derived intro's prompt version; INTRO_PROMPT_VERSION when not given */
  introPromptVersion?: string;
}

/** The prompt version a task's drafts are made (and cached, and stored) with. */
export function promptVersionFor(task: DraftTask, who: ModelIdentity): string {
  return task === 'introduce' ? (who.introPromptVersion ?? INTRO_PROMPT_VERSION) : who.promptVersion;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

function cacheKeyOf(lang: string, who: ModelIdentity, task: DraftTask, gv: string, items: DraftItem[]): string {
  const key = [lang, who.provider, who.model, promptVersionFor(task, who), gv, items.map((i) => [i.field, i.sourceHash])];
  // a translation's key is as it always was, so answers already paid for stay found; other tasks add theirs
  return hash(JSON.stringify(task === 'translate' ? key : [...key, task]));
}

/** The prompt of a job's call. An `introduce` job has one item, the intro, whose source is the abstract. */
function promptOf(task: DraftTask, lang: string, items: DraftItem[], terms: GlossaryTerm[]): DraftPrompt {
  if (task === 'introduce') return buildIntroPrompt({ language: lang, abstract: items[0]!.source, glossary: terms });
  return buildDraftPrompt({ language: lang, fields: items.map((i) => ({ field: i.field, source: i.source })), glossary: terms });
}

function estimateOf(task: DraftTask, lang: string, items: DraftItem[], terms: GlossaryTerm[]): CallEstimate {
  if (task === 'introduce') return estimateIntroCall({ language: lang, abstract: items[0]!.source, glossary: terms });
  return estimateCall({ language: lang, fields: items.map((i) => ({ field: i.field, source: i.source })), glossary: terms });
}

/**
 * Pure: the calls needed to draft `fields` of every entry in `lang`. A field is left alone when an
 * editor wrote or approved its text, when its draft is up to date (same source, model, prompt and
 * glossary), or, unless `force`, when it holds an imported text. In English only derived intros are
 * drafted: every other English text is a source. An entry's translations are one call, its derived
 * intro another (its own prompt).
 */
export function planDraft(bundle: EditionBundle, opts: { lang: string; fields: DraftField[]; force: boolean; who: ModelIdentity; glossary: GlossaryTerm[] }): DraftPlan {
  const get = textIndex(bundle.texts);
  const matcher = compileGlossary(opts.glossary);
  const counts = { upToDate: 0, kept: 0, imported: 0, noSource: 0 };
  const jobs: DraftJob[] = [];
  const claimed = new Set<string>(); // a paper twice in one edition is drafted once
  for (const e of [...bundle.entries].sort((a, b) => a.position - b.position)) {
    const wanted: Array<Omit<DraftItem, 'sourceHash'>> = [];
    for (const field of opts.fields) {
      const s = fieldSource(get, e, field);
      if (isSourceText(s, opts.lang)) continue; // English is the source, not drafted
      if (!s.source || !s.source.trim()) {
        counts.noSource++;
        continue;
      }
      const key = textKey({ ownerKind: s.ownerKind, ownerId: s.ownerId, field, lang: opts.lang });
      if (claimed.has(key)) continue;
      claimed.add(key);
      wanted.push({ field, ownerKind: s.ownerKind, ownerId: s.ownerId, source: s.source, task: s.derivedFrom ? 'introduce' : 'translate' });
    }
    for (const task of DRAFT_TASKS) {
      const group = wanted.filter((w) => w.task === task);
      if (!group.length) continue;
      const terms = matcher.find(group.map((w) => w.source).join('\n'));
      const gv = glossaryVersion(terms);
      const promptVersion = promptVersionFor(task, opts.who);
      const items: DraftItem[] = [];
      for (const w of group) {
        const sourceHash = hash(w.source);
        const t = get(w.ownerKind, w.ownerId, w.field, opts.lang);
        if (t && (t.origin === 'human' || t.status === 'approved')) {
          counts.kept++;
          continue;
        }
        // a derived intro's source is the abstract: a changed abstract makes it stale
        const fresh = t?.origin === 'llm' && t.model === opts.who.model && t.promptVersion === promptVersion && t.draft?.sourceHash === sourceHash && t.draft?.glossaryVersion === gv && t.draft?.provider === opts.who.provider;
        if (fresh && !opts.force) {
          counts.upToDate++;
          continue;
        }
        if (t?.origin === 'imported' && !opts.force) {
          counts.imported++;
          continue;
        }
        items.push({ ...w, sourceHash });
      }
      if (items.length) jobs.push({ entry: e, task, promptVersion, items, terms, glossaryVersion: gv, cacheKey: cacheKeyOf(opts.lang, opts.who, task, gv, items) });
    }
  }
  return { jobs, counts };
}

/** Splits a job whose prompt and answer would not fit the context window into one call per field. */
export function fitToContext(job: DraftJob, lang: string, who: ModelIdentity, contextTokens: number): { jobs: DraftJob[]; tooLong: DraftItem[] } {
  const size = (items: DraftItem[]) => {
    const e = estimateOf(job.task, lang, items, job.terms);
    return e.inputTokens + e.outputTokens;
  };
  if (size(job.items) <= contextTokens) return { jobs: [job], tooLong: [] };
  const jobs: DraftJob[] = [];
  const tooLong: DraftItem[] = [];
  for (const item of job.items) {
    if (size([item]) > contextTokens) tooLong.push(item);
    else jobs.push({ ...job, items: [item], cacheKey: cacheKeyOf(lang, who, job.task, job.glossaryVersion, [item]) });
  }
  return { jobs, tooLong };
}

export interface DraftFailure {
  position: number;
  fields: DraftField[];
  status: 'rejected' | 'failed' | 'skipped';
  reason: string;
}

export interface DraftResult {
  edition: { startDate: string; endDate: string };
  lang: string;
  provider: string;
  model: string;
  /** the translations' prompt version */
  promptVersion: string;
  /** the derived intros' prompt version */
  introPromptVersion: string;
  entries: number;
  /** fields that needed a draft at the start of this run */
  wanted: number;
  drafted: number;
  fromCache: number;
  upToDate: number;
  /** fields an editor wrote or approved: never touched */
  kept: number;
  /** fields holding an imported text (use --force to redraft them) */
  imported: number;
  noSource: number;
  calls: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  failures: DraftFailure[];
  budget: { limit: number | null; spentBefore: number; spent: number; stopped: boolean };
  interrupted: boolean;
}

export interface DraftRun {
  lang: string;
  fields: DraftField[];
  force: boolean;
  concurrency: number;
  contextTokens: number;
  maxTokensPerEdition: number | undefined;
  prices: { input: number; output: number };
  now: () => Date;
  signal?: AbortSignal;
  progress?: (p: { done: number; total: number; failed: number; cached: number }) => void;
}

export async function draftEdition(store: Store, llm: Llm, editionId: number, run: DraftRun): Promise<DraftResult> {
  const bundle = await store.getEditionBundle(editionId);
  const who: ModelIdentity = { provider: llm.provider, model: llm.model, promptVersion: DRAFT_PROMPT_VERSION, introPromptVersion: INTRO_PROMPT_VERSION };
  const glossary = await store.listGlossary(run.lang);
  const plan = planDraft(bundle, { lang: run.lang, fields: run.fields, force: run.force, who, glossary });
  const previous = await store.llmCalls(editionId, run.lang);
  const spentBefore = previous.reduce((n, c) => n + c.tokensIn + c.tokensOut, 0);
  const result: DraftResult = {
    edition: { startDate: bundle.edition.startDate, endDate: bundle.edition.endDate },
    lang: run.lang,
    provider: who.provider,
    model: who.model,
    promptVersion: who.promptVersion,
    introPromptVersion: promptVersionFor('introduce', who),
    entries: bundle.entries.length,
    wanted: plan.jobs.reduce((n, j) => n + j.items.length, 0),
    drafted: 0,
    fromCache: 0,
    upToDate: plan.counts.upToDate,
    kept: plan.counts.kept,
    imported: plan.counts.imported,
    noSource: plan.counts.noSource,
    calls: 0,
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    failures: [],
    budget: { limit: run.maxTokensPerEdition ?? null, spentBefore, spent: 0, stopped: false },
    interrupted: false,
  };
  const jobs: DraftJob[] = [];
  for (const job of plan.jobs) {
    const fit = fitToContext(job, run.lang, who, run.contextTokens);
    jobs.push(...fit.jobs);
    if (fit.tooLong.length) result.failures.push({ position: job.entry.position, fields: fit.tooLong.map((i) => i.field), status: 'skipped', reason: `too long for the model's context of ${run.contextTokens} tokens (PAPERBOY_LLM_CONTEXT_TOKENS)` });
  }
  const cost = (tin: number, tout: number) => (tin * run.prices.input + tout * run.prices.output) / 1e6;
  let reserved = 0;
  let fatal: unknown = null;
  let done = 0;
  const limit = pLimit(run.concurrency);
  const report = () => run.progress?.({ done, total: jobs.length, failed: result.failures.length, cached: result.fromCache });

  const store1 = async (job: DraftJob, answer: Record<string, string>, call: Omit<LlmCallRecord, 'status' | 'reason' | 'result'>, fromCache: { id: number } | null) => {
    const good: DraftItem[] = [];
    const rejected: Array<{ item: DraftItem; why: string }> = [];
    for (const item of job.items) {
      const draft = answer[item.field] ?? '';
      const findings = checkDraft({ field: item.field, lang: run.lang, source: item.source, draft, relation: item.task === 'introduce' ? 'summary' : 'translation' });
      if (findings.length) rejected.push({ item, why: findings.map((f) => `${f.rule}: ${f.message}`).join('; ') });
      else good.push(item);
    }
    const reason = rejected.length ? rejected.map((r) => `${r.item.field}: ${r.why}`).join(' | ') : null;
    const totalLen = job.items.reduce((n, i) => n + (answer[i.field]?.length ?? 0), 0) || 1;
    await store.transaction(async (tx) => {
      const callId = fromCache ? fromCache.id : await tx.recordLlmCall({ ...call, status: rejected.length ? 'rejected' : 'ok', reason, result: rejected.length ? null : answer });
      const texts: TextInput[] = good.map((item) => {
        // the call's tokens are shared among its fields by the length of each answer
        const share = (answer[item.field]?.length ?? 0) / totalLen;
        return {
          ownerKind: item.ownerKind,
          ownerId: item.ownerId,
          field: item.field,
          lang: run.lang,
          body: answer[item.field]!,
          origin: 'llm',
          model: who.model,
          promptVersion: job.promptVersion,
          status: 'draft',
          draft: {
            provider: who.provider,
            tokensIn: Math.round(call.tokensIn * share),
            tokensOut: Math.round(call.tokensOut * share),
            costUsd: call.costUsd * share,
            sourceHash: item.sourceHash,
            glossaryVersion: job.glossaryVersion,
            callId,
          },
        };
      });
      await tx.putTexts(texts);
    });
    if (fromCache) result.fromCache += good.length;
    else result.drafted += good.length;
    if (rejected.length) result.failures.push({ position: job.entry.position, fields: rejected.map((r) => r.item.field), status: 'rejected', reason: reason! });
  };

  const runJob = async (job: DraftJob) => {
    if (fatal || run.signal?.aborted) return;
    const fields = job.items.map((i) => i.field);
    const base = { editionId, entryId: job.entry.id, lang: run.lang, fields, cacheKey: job.cacheKey, provider: who.provider, model: who.model, promptVersion: job.promptVersion, glossaryVersion: job.glossaryVersion };
    // --force asks the model again; otherwise an answer already paid for is reused
    const cached = run.force ? null : await store.findCachedCall(job.cacheKey);
    if (cached?.result) {
      await store1(job, cached.result, { ...base, tokensIn: cached.tokensIn, tokensOut: cached.tokensOut, tokensEstimated: cached.tokensEstimated, costUsd: cached.costUsd, startedAt: cached.startedAt, durationMs: cached.durationMs }, { id: cached.id });
      return;
    }
    const prompt = promptOf(job.task, run.lang, job.items, job.terms);
    const est = estimateOf(job.task, run.lang, job.items, job.terms);
    const need = est.inputTokens + est.outputTokens;
    if (run.maxTokensPerEdition !== undefined && spentBefore + result.tokensIn + result.tokensOut + reserved + need > run.maxTokensPerEdition) {
      result.budget.stopped = true;
      result.failures.push({ position: job.entry.position, fields, status: 'skipped', reason: `the token budget of ${run.maxTokensPerEdition} per edition would be exceeded (about ${need} more needed)` });
      return;
    }
    reserved += need;
    const startedAt = run.now();
    const t0 = Date.now();
    try {
      const r = await llm.generate({ system: prompt.system, prompt: prompt.prompt, schema: draftSchema(fields), schemaName: 'draft', maxOutputTokens: Math.max(256, Math.min(run.contextTokens - est.inputTokens, est.outputTokens * 2)), signal: run.signal });
      result.calls++;
      result.tokensIn += r.usage.inputTokens;
      result.tokensOut += r.usage.outputTokens;
      const c = cost(r.usage.inputTokens, r.usage.outputTokens);
      result.costUsd += c;
      await store1(job, r.object as Record<string, string>, { ...base, tokensIn: r.usage.inputTokens, tokensOut: r.usage.outputTokens, tokensEstimated: r.usage.estimated, costUsd: c, startedAt: startedAt.toISOString(), durationMs: r.durationMs }, null);
    } catch (e) {
      if (run.signal?.aborted) return; // interrupted: nothing to record, the next run redoes it
      const usage = e instanceof LlmAnswerError ? e.usage : { inputTokens: 0, outputTokens: 0, estimated: true };
      const reason = e instanceof LlmAnswerError ? `the answer did not match the schema, even after one repair: ${e.message}` : (e as Error).message;
      result.calls++;
      result.tokensIn += usage.inputTokens;
      result.tokensOut += usage.outputTokens;
      result.costUsd += cost(usage.inputTokens, usage.outputTokens);
      await store.recordLlmCall({ ...base, tokensIn: usage.inputTokens, tokensOut: usage.outputTokens, tokensEstimated: usage.estimated, costUsd: cost(usage.inputTokens, usage.outputTokens), status: 'failed', reason, result: null, startedAt: startedAt.toISOString(), durationMs: Date.now() - t0 });
      result.failures.push({ position: job.entry.position, fields, status: 'failed', reason });
      // a refused key or an unknown model fails every call: stop instead of repeating it
      if (e instanceof PaperboyError && e.code === 'LLM_FAILED' && !e.retryable) fatal = e;
    } finally {
      reserved -= need;
    }
  };

  await Promise.all(
    jobs.map((job) =>
      limit(async () => {
        await runJob(job);
        done++;
        report();
      }),
    ),
  );
  result.interrupted = !!run.signal?.aborted;
  result.budget.spent = spentBefore + result.tokensIn + result.tokensOut;
  if (fatal) throw fatal;
  return result;
}
