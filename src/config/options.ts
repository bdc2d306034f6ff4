// One option table: every PAPERBOY_* setting with its type, default and secret flag.
// Values come from the environment, then an optional JSON config file; validated as a whole.
import { z } from 'zod';

export interface OptionSpec {
  env: string;
  /** key in the config file */
  key: string;
  description: string;
  secret: boolean;
  schema: z.ZodType;
  default?: string;
}

const url = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

const dbUrl = z.string().refine((s) => /^postgres(ql)?:\/\//.test(s) || /^sqlite:/.test(s), 'must be a postgres:// URL or sqlite:PATH');

/** `cs.CL, cs.LG` (or, in the config file, ["cs.CL", "cs.LG"]) → ['cs.CL', 'cs.LG']: at least one, each an arXiv category, no duplicates kept */
const categoryList = z
  .union([z.string(), z.array(z.string()).transform((a) => a.join(','))])
  .transform((s) => [...new Set(s.split(',').map((c) => c.trim()).filter((c) => c !== ''))])
  .refine((cats) => cats.length > 0, 'must name at least one arXiv category, e.g. cs.CL')
  .refine((cats) => cats.every((c) => /^[a-z-]+(\.[A-Z]{2})?$/i.test(c)), 'must be arXiv categories separated by commas, e.g. cs.CL,cs.LG');

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);

export const OPTIONS = [
  { env: 'PAPERBOY_DATA_DIR', key: 'dataDir', description: 'Folder for the SQLite database and other local state', secret: false, schema: z.string().min(1), default: './data' },
  { env: 'PAPERBOY_DATABASE_URL', key: 'databaseUrl', description: 'postgres://… to use PostgreSQL; unset (or sqlite:PATH) for SQLite in the data folder', secret: true, schema: dbUrl.optional() },
  { env: 'PAPERBOY_UPSTREAM_URL', key: 'upstreamUrl', description: 'Raw URL of the upstream list, used when `import upstream` gets no argument', secret: false, schema: url, default: 'https://raw.githubusercontent.com/dair-ai/ML-Papers-of-the-Week/main/README.md' },
  { env: 'PAPERBOY_UPSTREAM_PAGE', key: 'upstreamPage', description: 'Web page of the upstream list; editions link to its anchors', secret: false, schema: url, default: 'https://github.com/dair-ai/ML-Papers-of-the-Week' },
  { env: 'PAPERBOY_ARXIV_URL', key: 'arxivUrl', description: 'arXiv API query endpoint', secret: false, schema: url, default: 'https://export.arxiv.org/api/query' },
  { env: 'PAPERBOY_ARXIV_INTERVAL_MS', key: 'arxivIntervalMs', description: 'Minimum time between two arXiv API requests (arXiv asks for 3 s)', secret: false, schema: nonNegativeInt, default: '3000' },
  { env: 'PAPERBOY_ARXIV_RETRIES', key: 'arxivRetries', description: 'Retries per arXiv request on 5xx, resets and timeouts', secret: false, schema: nonNegativeInt, default: '4' },
  { env: 'PAPERBOY_HF_URL', key: 'hfUrl', description: 'Hugging Face site whose Daily Papers API (/api/daily_papers?date=) proposes candidates', secret: false, schema: url, default: 'https://huggingface.co' },
  { env: 'PAPERBOY_CANDIDATE_CATEGORIES', key: 'candidateCategories', description: 'Comma-separated arXiv categories whose new submissions are candidates, e.g. cs.CL,cs.LG', secret: false, schema: categoryList, default: 'cs.CL,cs.LG,cs.AI' },
  { env: 'PAPERBOY_HTTP_TIMEOUT_MS', key: 'httpTimeoutMs', description: 'Timeout of one outgoing HTTP request', secret: false, schema: positiveInt, default: '30000' },
  { env: 'PAPERBOY_LANG', key: 'lang', description: 'Default target language', secret: false, schema: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/, 'must be a language code such as ko'), default: 'ko' },
  { env: 'PAPERBOY_BASE_URL', key: 'baseUrl', description: 'Public address of the web archive, for absolute links in feeds', secret: false, schema: url, default: 'http://127.0.0.1:3000' },
  { env: 'PAPERBOY_TRUST_PROXY', key: 'trustProxy', description: "1 when a reverse proxy you run sets X-Forwarded-For (rate limits then count the proxy's client)", secret: false, schema: z.enum(['0', '1', 'true', 'false', '']).transform((v) => v === '1' || v === 'true'), default: '0' },
  { env: 'PAPERBOY_LLM_PROVIDER', key: 'llmProvider', description: 'openai-compatible (vLLM, llama.cpp, Ollama /v1, LM Studio), openai, anthropic or ollama', secret: false, schema: z.enum(['openai-compatible', 'openai', 'anthropic', 'ollama']), default: 'openai-compatible' },
  { env: 'PAPERBOY_LLM_URL', key: 'llmUrl', description: 'Base URL of the LLM server (required for openai-compatible; the provider default otherwise)', secret: false, schema: url.optional() },
  { env: 'PAPERBOY_LLM_MODEL', key: 'llmModel', description: 'Model name as the server knows it, e.g. qwen2.5:14b or gpt-4o-mini', secret: false, schema: z.string().min(1).optional() },
  { env: 'PAPERBOY_LLM_API_KEY', key: 'llmApiKey', description: 'API key sent to the LLM server', secret: true, schema: z.string().min(1).optional() },
  { env: 'PAPERBOY_LLM_CONCURRENCY', key: 'llmConcurrency', description: 'LLM calls in flight at once', secret: false, schema: positiveInt.max(64), default: '4' },
  { env: 'PAPERBOY_LLM_TIMEOUT_MS', key: 'llmTimeoutMs', description: 'Timeout of one LLM call', secret: false, schema: positiveInt, default: '120000' },
  { env: 'PAPERBOY_LLM_RETRIES', key: 'llmRetries', description: 'Retries per LLM call on 429, 5xx, resets and timeouts', secret: false, schema: nonNegativeInt, default: '4' },
  { env: 'PAPERBOY_LLM_BACKOFF_MS', key: 'llmBackoffMs', description: 'First wait before retrying an LLM call, doubled on each retry (a Retry-After header wins)', secret: false, schema: positiveInt, default: '1000' },
  { env: 'PAPERBOY_LLM_CONTEXT_TOKENS', key: 'llmContextTokens', description: "The model's context window; a longer entry is drafted one field per call", secret: false, schema: positiveInt, default: '8192' },
  { env: 'PAPERBOY_LLM_MAX_TOKENS_PER_EDITION', key: 'llmMaxTokensPerEdition', description: 'Budget: drafting stops before the tokens spent on one edition and language would exceed this', secret: false, schema: positiveInt.optional() },
  { env: 'PAPERBOY_LLM_PRICE_INPUT', key: 'llmPriceInput', description: 'USD per million input tokens, for cost estimates', secret: false, schema: z.coerce.number().min(0), default: '0' },
  { env: 'PAPERBOY_LLM_PRICE_OUTPUT', key: 'llmPriceOutput', description: 'USD per million output tokens, for cost estimates', secret: false, schema: z.coerce.number().min(0), default: '0' },
  { env: 'PAPERBOY_TOPICS_FILE', key: 'topicsFile', description: 'JSON file with the topic taxonomy (`paperboy topics list --json` prints the default to start from); unset uses the default', secret: false, schema: z.string().min(1).optional() },
  { env: 'PAPERBOY_SMTP_URL', key: 'smtpUrl', description: 'SMTP relay, smtp://user:pass@host:587 (STARTTLS when offered; ?requireTLS=true insists) or smtps://user:pass@host:465; unset writes mails as .eml files under the data folder', secret: true, schema: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional() },
  { env: 'PAPERBOY_MAIL_FROM', key: 'mailFrom', description: 'Sender of every mail, e.g. "Paper digest <digest@example.org>"; required with PAPERBOY_SMTP_URL', secret: false, schema: z.string().regex(/^[^\r\n]*<?[^@\s<>]+@[^@\s<>]+>?$/, 'must be an address, optionally with a name: Name <a@example.org>').optional() },
  { env: 'PAPERBOY_MAIL_RATE', key: 'mailRate', description: 'Mails per second at most, over all connections (0: no limit)', secret: false, schema: z.coerce.number().min(0), default: '20' },
  { env: 'PAPERBOY_MAIL_CONCURRENCY', key: 'mailConcurrency', description: 'SMTP connections (and mails in flight) per worker', secret: false, schema: positiveInt.max(64), default: '4' },
  { env: 'PAPERBOY_MAIL_TIMEOUT_MS', key: 'mailTimeoutMs', description: 'Timeout of one SMTP step (connect, greeting, each answer)', secret: false, schema: positiveInt, default: '60000' },
  { env: 'PAPERBOY_MAIL_RETRY_MS', key: 'mailRetryMs', description: 'First wait before a delivery is tried again after a 4xx, reset or timeout; doubled each time, with jitter', secret: false, schema: positiveInt, default: '60000' },
  { env: 'PAPERBOY_MAIL_MAX_ATTEMPTS', key: 'mailMaxAttempts', description: 'Tries of one delivery before it is marked failed', secret: false, schema: positiveInt, default: '8' },
  { env: 'PAPERBOY_MAIL_LEASE_MS', key: 'mailLeaseMs', description: 'A delivery another host claimed longer ago than this is taken back (a worker on this host that died is noticed at once)', secret: false, schema: positiveInt, default: '900000' },
  { env: 'PAPERBOY_MAIL_WEBHOOK_SECRET', key: 'mailWebhookSecret', description: 'Shared secret of the bounce and complaint webhook (POST /email/events with Authorization: Bearer …); unset turns the endpoint off', secret: true, schema: z.string().min(16, 'must be at least 16 characters').optional() },
  { env: 'PAPERBOY_TIMEZONE', key: 'timezone', description: 'Time zone of the days daily mails cover, e.g. Asia/Seoul', secret: false, schema: z.string().refine((tz) => { try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; } }, 'must be an IANA time zone such as Asia/Seoul'), default: 'UTC' },
  { env: 'PAPERBOY_DISCOURSE_URL', key: 'discourseUrl', description: 'The Discourse forum editions are posted to, e.g. https://forum.example.org; unset: no forum', secret: false, schema: url.optional() },
  { env: 'PAPERBOY_DISCOURSE_API_KEY', key: 'discourseApiKey', description: 'API key for the forum (Admin → API), allowed to create topics and edit posts', secret: true, schema: z.string().min(1).optional() },
  { env: 'PAPERBOY_DISCOURSE_API_USERNAME', key: 'discourseApiUsername', description: 'The forum user the editions are posted as', secret: false, schema: z.string().min(1).optional() },
  { env: 'PAPERBOY_DISCOURSE_CATEGORY', key: 'discourseCategory', description: 'Category of the topics: its id, slug or name', secret: false, schema: z.string().min(1).optional() },
  { env: 'PAPERBOY_DISCOURSE_TAGS', key: 'discourseTags', description: 'Comma-separated tags of every topic, e.g. papers,weekly', secret: false, schema: z.string(), default: '' },
  { env: 'PAPERBOY_DISCOURSE_MAX_CHARS', key: 'discourseMaxChars', description: "The forum's max post length (Discourse's max_post_length)", secret: false, schema: positiveInt.min(500), default: '32000' },
  { env: 'PAPERBOY_DISCOURSE_LONG_POSTS', key: 'discourseLongPosts', description: 'An edition longer than that: split (a first post and ordered replies) or refuse', secret: false, schema: z.enum(['split', 'refuse']), default: 'split' },
  { env: 'PAPERBOY_DISCOURSE_DEBOUNCE_MS', key: 'discourseDebounceMs', description: "A correction reaches the forum once the edition's texts have been still this long", secret: false, schema: nonNegativeInt, default: '600000' },
  { env: 'PAPERBOY_SCHEDULE', key: 'schedule', description: 'When `paperboy run` prepares the week: a cron expression in PAPERBOY_TIMEZONE, e.g. "0 9 * * 1" for Mondays 09:00', secret: false, schema: z.string().min(1), default: '0 9 * * 1' },
  { env: 'PAPERBOY_WEEK_SOURCE', key: 'weekSource', description: 'Where `paperboy run` takes the week from: upstream (the list), auto (the list, else an edition built from the ranked candidates when the list has no edition for the week that just ended), candidates (always the ranked candidates)', secret: false, schema: z.enum(['upstream', 'auto', 'candidates']), default: 'upstream' },
  { env: 'PAPERBOY_CANDIDATE_TOP', key: 'candidateTop', description: 'How many entries an edition built from candidates by `paperboy run` gets', secret: false, schema: z.coerce.number().int().min(1).max(50), default: '10' },
  { env: 'PAPERBOY_AUTO_PUBLISH', key: 'autoPublish', description: 'Channels `paperboy run` publishes to by itself when a week has no errors and every text is approved (e.g. web,feeds); empty: editors publish', secret: false, schema: z.string(), default: '' },
  { env: 'PAPERBOY_PUBLISH_SCHEDULE', key: 'publishSchedule', description: 'With PAPERBOY_AUTO_PUBLISH: when `paperboy run` looks whether the newest week can be published by itself (cron, PAPERBOY_TIMEZONE)', secret: false, schema: z.string().min(1), default: '*/30 * * * *' },
  { env: 'PAPERBOY_RUN_LEASE_MS', key: 'runLeaseMs', description: 'A scheduled run whose scheduler stopped beating this long ago is taken over by another', secret: false, schema: positiveInt.min(10_000), default: '900000' },
  { env: 'PAPERBOY_RUN_RETRY_MS', key: 'runRetryMs', description: 'After a failed scheduled run, wait this long before trying again (doubled each time, up to a day)', secret: false, schema: positiveInt, default: '1800000' },
  { env: 'PAPERBOY_DEBUG', key: 'debug', description: '1 prints stack traces on errors', secret: false, schema: z.enum(['0', '1', 'true', 'false', '']).transform((v) => v === '1' || v === 'true'), default: '0' },
] as const satisfies readonly OptionSpec[];

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  upstreamUrl: string;
  upstreamPage: string;
  arxivUrl: string;
  arxivIntervalMs: number;
  arxivRetries: number;
  hfUrl: string;
  /** arXiv categories, checked, without duplicates */
  candidateCategories: string[];
  httpTimeoutMs: number;
  lang: string;
  baseUrl: string;
  trustProxy: boolean;
  llmProvider: 'openai-compatible' | 'openai' | 'anthropic' | 'ollama';
  llmUrl: string | undefined;
  llmModel: string | undefined;
  llmApiKey: string | undefined;
  llmConcurrency: number;
  llmTimeoutMs: number;
  llmRetries: number;
  llmBackoffMs: number;
  llmContextTokens: number;
  llmMaxTokensPerEdition: number | undefined;
  llmPriceInput: number;
  llmPriceOutput: number;
  topicsFile: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string | undefined;
  mailRate: number;
  mailConcurrency: number;
  mailTimeoutMs: number;
  mailRetryMs: number;
  mailMaxAttempts: number;
  mailLeaseMs: number;
  mailWebhookSecret: string | undefined;
  timezone: string;
  discourseUrl: string | undefined;
  discourseApiKey: string | undefined;
  discourseApiUsername: string | undefined;
  discourseCategory: string | undefined;
  discourseTags: string;
  discourseMaxChars: number;
  discourseLongPosts: 'split' | 'refuse';
  discourseDebounceMs: number;
  schedule: string;
  autoPublish: string;
  weekSource: 'upstream' | 'auto' | 'candidates';
  candidateTop: number;
  publishSchedule: string;
  runRetryMs: number;
  runLeaseMs: number;
  debug: boolean;
  /** where each value came from, for `config --dump` */
  sources: Record<string, 'env' | 'file' | 'default'>;
}
