// Drafting an edition's overview: load the facts, write the bullets (LLM or templates, see
// overview.ts), store the text as a draft with its provenance and the LLM call, then check it.
// Like the other drafts it never replaces an editor's text, and leaves an up-to-date draft alone.
import { createHash } from 'node:crypto';
import type { Topic } from '../domain/topics.js';
import type { TextInput } from '../domain/types.js';
import { getBundle } from '../i18n/bundle.js';
import { OVERVIEW_PROMPT_VERSION } from '../llm/prompts/index.js';
import type { Llm, Store } from '../ports.js';
import { checkEdition, type CheckedText } from './check.js';
import { writeOverview, type RejectedProblem } from './overview.js';
import { loadEditionFacts } from './topics.js';

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

export interface DraftOverviewOptions {
  lang: string;
  topics: readonly Topic[];
  /** null or absent: the templates write it */
  llm?: Llm | null;
  /** replace an imported overview, and redraft one whose facts have not changed */
  force?: boolean;
  now: () => Date;
  signal?: AbortSignal;
  prices?: { input: number; output: number };
}

export interface DraftOverviewResult {
  edition: { startDate: string; endDate: string };
  lang: string;
  /** written: a new draft is stored; kept: an editor's or an approved text stands; upToDate: same facts, same writer; imported: an imported overview stands (--force replaces it) */
  outcome: 'written' | 'kept' | 'upToDate' | 'imported';
  origin: 'llm' | 'template' | null;
  model: string | null;
  body: string;
  calls: number;
  tokens: { input: number; output: number } | null;
  /** what was wrong with the LLM's answers (the templates were used when both were bad) */
  rejected: RejectedProblem[];
  /** the stored overview's findings after checking */
  check: CheckedText | null;
}

export async function draftOverview(store: Store, editionId: number, opts: DraftOverviewOptions): Promise<DraftOverviewResult> {
  const loaded = await loadEditionFacts(store, editionId, { topics: opts.topics, now: opts.now });
  const { bundle, facts, entries } = loaded;
  const ref = { ownerKind: 'edition' as const, ownerId: String(editionId), field: 'overview' as const, lang: opts.lang };
  const existing = bundle.texts.find((t) => t.ownerKind === 'edition' && t.field === 'overview' && t.lang === opts.lang);
  const base = { edition: { startDate: bundle.edition.startDate, endDate: bundle.edition.endDate }, lang: opts.lang, calls: 0, tokens: null, rejected: [], check: null };
  const stand = (outcome: DraftOverviewResult['outcome']): DraftOverviewResult => ({ ...base, outcome, origin: null, model: existing?.model ?? null, body: existing?.body ?? '' });
  if (existing && (existing.origin === 'human' || existing.editedBy || existing.status === 'approved')) return stand('kept');
  if (existing?.origin === 'imported' && !opts.force) return stand('imported');

  const writer = opts.llm ? `${opts.llm.provider}/${opts.llm.model}/${OVERVIEW_PROMPT_VERSION}` : 'template';
  const sourceHash = hash(JSON.stringify([writer, facts, entries.map((e) => [e.position, e.titleEn, e.introEn, e.topics.map((t) => t.slug)])]));
  if (existing && !opts.force && existing.draft?.sourceHash === sourceHash) return stand('upToDate');

  const startedAt = opts.now();
  const t0 = Date.now();
  const r = await writeOverview({
    facts,
    entries: entries.map((e) => ({ position: e.position, titleEn: e.titleEn, introEn: e.introEn, topics: e.topics.map((t) => t.slug) })),
    lang: opts.lang,
    topics: opts.topics,
    strings: getBundle(opts.lang).overviewBullets,
    llm: opts.llm ?? null,
    signal: opts.signal,
  });
  const prices = opts.prices ?? { input: 0, output: 0 };
  const costUsd = r.usage ? (r.usage.inputTokens * prices.input + r.usage.outputTokens * prices.output) / 1e6 : 0;
  await store.transaction(async (tx) => {
    let callId: number | null = null;
    if (opts.llm && r.usage) {
      const reason = r.rejected.length ? r.rejected.map((p) => `answer ${p.attempt}: ${p.message}`).join(' | ') : null;
      callId = await tx.recordLlmCall({
        editionId,
        entryId: null,
        lang: opts.lang,
        fields: ['overview'],
        cacheKey: sourceHash,
        provider: opts.llm.provider,
        model: opts.llm.model,
        promptVersion: OVERVIEW_PROMPT_VERSION,
        glossaryVersion: '',
        tokensIn: r.usage.inputTokens,
        tokensOut: r.usage.outputTokens,
        tokensEstimated: r.usage.estimated,
        costUsd,
        status: r.origin === 'llm' ? 'ok' : 'rejected',
        reason,
        result: r.origin === 'llm' ? { overview: r.body } : null,
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - t0,
      });
    }
    const text: TextInput = {
      ...ref,
      body: r.body,
      origin: r.origin,
      model: r.origin === 'llm' ? r.model : null,
      promptVersion: r.origin === 'llm' ? r.promptVersion : null,
      status: 'draft',
      draft: { provider: r.origin === 'llm' ? (r.provider ?? opts.llm!.provider) : 'template', tokensIn: r.usage?.inputTokens ?? 0, tokensOut: r.usage?.outputTokens ?? 0, costUsd, sourceHash, glossaryVersion: '', callId },
    };
    await tx.putTexts([text]);
  });
  const checked = await checkEdition(store, editionId, opts.lang, opts.now, { topics: opts.topics });
  return {
    ...base,
    outcome: 'written',
    origin: r.origin,
    model: r.origin === 'llm' ? r.model : null,
    body: r.body,
    calls: r.calls,
    tokens: r.usage ? { input: r.usage.inputTokens, output: r.usage.outputTokens } : null,
    rejected: r.rejected,
    check: checked.checked.find((c) => c.ownerKind === 'edition' && c.field === 'overview') ?? null,
  };
}

