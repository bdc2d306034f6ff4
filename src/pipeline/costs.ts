// Costs of an edition's drafting, from the LLM call log: pure aggregation.
import type { LlmCallRow } from '../ports.js';

export interface CostLine {
  calls: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

export interface CostReport {
  total: CostLine & { ok: number; rejected: number; failed: number; estimatedTokens: number };
  byField: Record<string, CostLine>;
  byModel: Record<string, CostLine>;
  byLang: Record<string, CostLine>;
}

const empty = (): CostLine => ({ calls: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 });

function add(line: CostLine, tin: number, tout: number, cost: number, calls: number) {
  line.calls += calls;
  line.tokensIn += tin;
  line.tokensOut += tout;
  line.costUsd += cost;
}

/** Sums the calls; a call's tokens are shared among its fields by the length of each answer (evenly without one). */
export function summariseCosts(calls: LlmCallRow[]): CostReport {
  const r: CostReport = { total: { ...empty(), ok: 0, rejected: 0, failed: 0, estimatedTokens: 0 }, byField: {}, byModel: {}, byLang: {} };
  for (const c of calls) {
    add(r.total, c.tokensIn, c.tokensOut, c.costUsd, 1);
    r.total[c.status]++;
    if (c.tokensEstimated) r.total.estimatedTokens += c.tokensIn + c.tokensOut;
    add((r.byModel[`${c.provider}/${c.model}`] ??= empty()), c.tokensIn, c.tokensOut, c.costUsd, 1);
    add((r.byLang[c.lang] ??= empty()), c.tokensIn, c.tokensOut, c.costUsd, 1);
    const lengths = c.fields.map((f) => c.result?.[f]?.length ?? 0);
    const total = lengths.reduce((a, b) => a + b, 0);
    c.fields.forEach((f, i) => {
      const share = total ? lengths[i]! / total : 1 / c.fields.length;
      add((r.byField[f] ??= empty()), c.tokensIn * share, c.tokensOut * share, c.costUsd * share, 1);
    });
  }
  for (const line of Object.values(r.byField)) {
    line.tokensIn = Math.round(line.tokensIn);
    line.tokensOut = Math.round(line.tokensOut);
  }
  return r;
}
