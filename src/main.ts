// The composition root: the only file that names concrete adapters.
import { loadConfig } from './config/load.js';
import type { Config } from './config/options.js';
import type { Deps, Io } from './cli/deps.js';
import { runCli } from './cli/program.js';
import { describeError, exitCodeOf, PaperboyError } from './errors.js';
import { createLlm } from './llm/client.js';
import type { Store } from './ports.js';
import { loadTaxonomy } from './config/topics.js';
import type { Topic } from './domain/topics.js';
import { createArxivClient } from './sources/arxiv/client.js';
import { createArxivListing } from './sources/arxiv/listing.js';
import { createHfDailyClient } from './sources/hf-daily/client.js';
import { createFetcher } from './sources/fetch-input.js';
import { openStore } from './store/open.js';
import { createEmlMailer } from './channels/email/eml.js';
import { createSmtpMailer } from './channels/email/smtp.js';
import { createDiscourseClient } from './channels/discourse/client.js';
import { join, resolve } from 'node:path';

/** Sender, links and list headers of every mail; refuses SMTP without a sender address. */
export function mailSettings(config: Config): ReturnType<Deps['mailSettings']> {
  if (config.smtpUrl && !config.mailFrom) throw new PaperboyError('CONFIG_INVALID', 'PAPERBOY_MAIL_FROM must be set when PAPERBOY_SMTP_URL is (the address mails come from, e.g. "Paper digest <digest@example.org>")');
  const host = new URL(config.baseUrl).hostname;
  const from = config.mailFrom ?? `paperboy <paperboy@${host.includes('.') && !/^[\d.]+$/.test(host) ? host : 'localhost'}>`;
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  return { from, baseUrl: config.baseUrl, listId: `paperboy.${host}`, unsubscribeMailto: address, timezone: config.timezone, emlDir: config.smtpUrl ? null : resolve(join(config.dataDir, 'mail')) };
}

export function makeDeps(config: Config, io: Io, interrupt?: AbortSignal, env: Record<string, string | undefined> = {}): Deps {
  let store: Promise<Store> | undefined;
  let topics: readonly Topic[] | undefined;
  return {
    config,
    io,
    store: () => (store ??= openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl })),
    fetcher: createFetcher({ timeoutMs: config.httpTimeoutMs }),
    arxiv: (onProgress) =>
      createArxivClient({ baseUrl: config.arxivUrl, minIntervalMs: config.arxivIntervalMs, maxRetries: config.arxivRetries, timeoutMs: config.httpTimeoutMs, onProgress }),
    candidateSources: () => ({
      hf: createHfDailyClient({ baseUrl: config.hfUrl, maxRetries: config.arxivRetries, timeoutMs: config.httpTimeoutMs }),
      arxiv: createArxivListing({ baseUrl: config.arxivUrl, minIntervalMs: config.arxivIntervalMs, maxRetries: config.arxivRetries, timeoutMs: config.httpTimeoutMs }),
    }),
    llm: () => {
      if (!config.llmModel || (config.llmProvider === 'openai-compatible' && !config.llmUrl)) {
        throw new PaperboyError(
          'LLM_NOT_CONFIGURED',
          'no LLM is configured. For an OpenAI-compatible server (vLLM, llama.cpp, Ollama, LM Studio) set PAPERBOY_LLM_URL and PAPERBOY_LLM_MODEL, e.g. PAPERBOY_LLM_URL=http://127.0.0.1:11434/v1 PAPERBOY_LLM_MODEL=qwen2.5:14b; for OpenAI or Anthropic set PAPERBOY_LLM_PROVIDER=openai|anthropic, PAPERBOY_LLM_MODEL and PAPERBOY_LLM_API_KEY (README, "Drafting with an LLM")',
        );
      }
      return createLlm({ provider: config.llmProvider, baseUrl: config.llmUrl, model: config.llmModel, apiKey: config.llmApiKey, timeoutMs: config.llmTimeoutMs, maxRetries: config.llmRetries, backoffBaseMs: config.llmBackoffMs });
    },
    topics: () => (topics ??= loadTaxonomy(config.topicsFile)),
    forum: () => {
      const missing = (['discourseUrl', 'discourseApiKey', 'discourseApiUsername', 'discourseCategory'] as const).filter((k) => !config[k]);
      if (missing.length) {
        const names = { discourseUrl: 'PAPERBOY_DISCOURSE_URL', discourseApiKey: 'PAPERBOY_DISCOURSE_API_KEY', discourseApiUsername: 'PAPERBOY_DISCOURSE_API_USERNAME', discourseCategory: 'PAPERBOY_DISCOURSE_CATEGORY' };
        throw new PaperboyError('CONFIG_INVALID', `the Discourse forum is not configured: set ${missing.map((k) => names[k]).join(', ')} (README, "Discourse")`);
      }
      const forum = createDiscourseClient({ baseUrl: config.discourseUrl!, apiKey: config.discourseApiKey!, apiUsername: config.discourseApiUsername!, timeoutMs: config.httpTimeoutMs });
      const settings = {
        category: config.discourseCategory!,
        tags: config.discourseTags.split(',').map((t) => t.trim()).filter(Boolean),
        maxChars: config.discourseMaxChars,
        split: config.discourseLongPosts,
        siteUrl: config.baseUrl,
        debounceMs: config.discourseDebounceMs,
      };
      return { forum, settings };
    },
    mailer: () => {
      const settings = mailSettings(config);
      if (!config.smtpUrl) return createEmlMailer(settings.emlDir!);
      return createSmtpMailer({ url: config.smtpUrl, from: settings.from, maxConnections: config.mailConcurrency, timeoutMs: config.mailTimeoutMs });
    },
    mailSettings: () => mailSettings(config),
    failpoint: env.PAPERBOY_FAILPOINT,
    interrupt,
    now: () => new Date(),
    async close() {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
}

/** Runs paperboy with the given arguments and environment; returns the exit code. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: Io, interrupt?: AbortSignal): Promise<number> {
  const debug = env.PAPERBOY_DEBUG === '1' || env.PAPERBOY_DEBUG === 'true';
  let config: Config;
  try {
    config = loadConfig({ env });
  } catch (e) {
    // --help and --version work even with a broken configuration
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv.includes('--version') || argv.includes('-V')) {
      return runCli(argv.length ? argv : ['--help'], () => {
        throw e;
      }, io, debug);
    }
    io.err(describeError(e, debug));
    return exitCodeOf(e);
  }
  return runCli(argv.length ? argv : ['--help'], () => makeDeps(config, io, interrupt, env), io, debug || config.debug);
}

/** Runs paperboy as this process: its stdio, its signals, its exit code. */
export function runAsProcess(argv: string[] = process.argv.slice(2)): void {
  // `paperboy editions | head` closes the pipe early: that is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const io: Io = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    isTTY: () => !!process.stderr.isTTY,
    status: (s) => process.stderr.write(`\r\x1b[2K${s}`),
  };
  // the first Ctrl-C stops long work cleanly (finished work is kept); the second one kills
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  // a service manager's stop: the same clean stop (the worker finishes the mails in flight)
  process.once('SIGTERM', () => controller.abort());
  main(argv, process.env, io, controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      io.err(describeError(e, process.env.PAPERBOY_DEBUG === '1'));
      process.exitCode = 1;
    },
  );
}

const isEntry = process.argv[1] && /(?:main\.(?:ts|js)|paperboy(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) runAsProcess();
