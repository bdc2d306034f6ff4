// A small error taxonomy with stable codes, mapped to exit codes in one place (EXIT below).

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_INVALID'
  | 'NOT_FOUND'
  | 'FETCH_FAILED'
  | 'UPSTREAM_ERROR'
  | 'STORE_UNAVAILABLE'
  | 'STORE_FAILED'
  | 'OUTPUT_FAILED'
  | 'LLM_NOT_CONFIGURED'
  | 'LLM_FAILED'
  | 'LLM_BAD_ANSWER'
  | 'BUDGET_EXCEEDED';

const EXIT: Record<ErrorCode, number> = {
  USAGE: 2,
  CONFIG_INVALID: 78,
  INPUT_NOT_FOUND: 66,
  INPUT_INVALID: 65,
  NOT_FOUND: 3,
  FETCH_FAILED: 69,
  UPSTREAM_ERROR: 69,
  STORE_UNAVAILABLE: 75,
  STORE_FAILED: 74,
  OUTPUT_FAILED: 73,
  LLM_NOT_CONFIGURED: 78,
  LLM_FAILED: 69,
  LLM_BAD_ANSWER: 65,
  BUDGET_EXCEEDED: 75,
};

export class PaperboyError extends Error {
  readonly code: ErrorCode;
  /** a retry may succeed (network, 5xx, busy database) */
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PaperboyError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
  get exitCode(): number {
    return EXIT[this.code];
  }
}

export const usage = (msg: string) => new PaperboyError('USAGE', msg);
export const invalidInput = (msg: string) => new PaperboyError('INPUT_INVALID', msg);
export const notFound = (msg: string) => new PaperboyError('NOT_FOUND', msg);

/** One line for the user; the stack only when PAPERBOY_DEBUG=1. */
export function describeError(err: unknown, debug: boolean): string {
  if (debug && err instanceof Error && err.stack) return err.stack;
  if (err instanceof PaperboyError) return `error[${err.code}]: ${err.message}`;
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}

export function exitCodeOf(err: unknown): number {
  return err instanceof PaperboyError ? err.exitCode : 1;
}

/** The model answered, but not with a usable draft. Carries the tokens spent, which are billed anyway. */
export class LlmAnswerError extends PaperboyError {
  readonly usage: { inputTokens: number; outputTokens: number; estimated: boolean };
  readonly answer: string | null;
  constructor(message: string, usage: { inputTokens: number; outputTokens: number; estimated: boolean }, answer: string | null) {
    super('LLM_BAD_ANSWER', message);
    this.name = 'LlmAnswerError';
    this.usage = usage;
    this.answer = answer;
  }
}
