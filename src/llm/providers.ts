// Builds the AI SDK model object for a configured provider. Base URLs are normalised so a user may
// give a server's root or its API prefix:
//
//   provider            default base URL                 what the SDK gets
//   openai-compatible   (none: required)                 …/v1   (http://h:8000 and http://h:8000/v1 both work)
//   openai              https://api.openai.com/v1        …/v1   (chat completions via .chat(), never /responses)
//   anthropic           https://api.anthropic.com/v1     …/v1
//   ollama              http://127.0.0.1:11434/api       …/api  (native /api/chat)
//
// A trailing endpoint path (/chat/completions, /messages, /chat) is dropped, and a path that already
// ends in a version segment (/v1, /v4, /openai/v1) is kept as is. openai and anthropic need an API
// key; openai-compatible and ollama send one only when given.
import type { LanguageModel } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOllama } from 'ollama-ai-provider-v2';
import { PaperboyError } from '../errors.js';

export type LlmProvider = 'openai-compatible' | 'openai' | 'anthropic' | 'ollama';

export const LLM_PROVIDERS: readonly LlmProvider[] = ['openai-compatible', 'openai', 'anthropic', 'ollama'];

export const DEFAULT_BASE_URLS: Record<LlmProvider, string | null> = {
  'openai-compatible': null,
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  ollama: 'http://127.0.0.1:11434/api',
};

export interface LanguageModelConfig {
  provider: LlmProvider;
  baseUrl?: string;
  model: string;
  apiKey?: string;
  /** a fetch to use instead of the global one (tests, proxies) */
  fetch?: typeof globalThis.fetch;
}

/** A provider model object (never a string id: those route to Vercel's gateway). */
export type ProviderLanguageModel = Exclude<LanguageModel, string>;

const notConfigured = (msg: string) => new PaperboyError('LLM_NOT_CONFIGURED', msg);

/** The base URL the SDK gets for this provider: the user's URL normalised, or the default. */
export function resolveBaseUrl(provider: LlmProvider, baseUrl?: string): string {
  const given = baseUrl?.trim();
  if (!given) {
    const fallback = DEFAULT_BASE_URLS[provider];
    if (fallback === null) throw notConfigured(`the ${provider} LLM provider needs a base URL (PAPERBOY_LLM_URL), e.g. http://127.0.0.1:8000/v1`);
    return fallback;
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw notConfigured(`the LLM base URL is not a URL: ${given}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw notConfigured(`the LLM base URL must be http(s): ${given}`);
  if (url.username || url.password) throw notConfigured('the LLM base URL must not carry credentials; use the API key setting');
  let path = url.pathname.replace(/\/+$/, '');
  if (provider === 'ollama') {
    path = path.replace(/\/(chat|generate)$/, '');
    if (/\/v1$/.test(path)) path = path.slice(0, -3); // Ollama's OpenAI-compatible prefix given to the native provider
    if (!/\/api$/.test(path)) path = `${path}/api`;
  } else {
    path = path.replace(provider === 'anthropic' ? /\/messages$/ : /\/chat\/completions$/, '');
    if (!/\/v\d+(beta\d*|alpha\d*)?$/.test(path)) path = `${path}/v1`;
  }
  return `${url.origin}${path}`;
}

export function createLanguageModel(cfg: LanguageModelConfig): ProviderLanguageModel {
  if (!(LLM_PROVIDERS as readonly string[]).includes(cfg.provider)) {
    throw notConfigured(`unknown LLM provider "${String(cfg.provider)}" (one of ${LLM_PROVIDERS.join(', ')})`);
  }
  const model = cfg.model?.trim();
  if (!model) throw notConfigured(`the ${cfg.provider} LLM provider needs a model name (PAPERBOY_LLM_MODEL)`);
  const baseURL = resolveBaseUrl(cfg.provider, cfg.baseUrl);
  const apiKey = cfg.apiKey && cfg.apiKey.length > 0 ? cfg.apiKey : undefined;
  const fetch = cfg.fetch;
  switch (cfg.provider) {
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL,
        ...(apiKey ? { apiKey } : {}),
        supportsStructuredOutputs: true,
        includeUsage: true,
        ...(fetch ? { fetch } : {}),
      }).chatModel(model);
    case 'openai':
      if (!apiKey) throw notConfigured('the openai LLM provider needs an API key (PAPERBOY_LLM_API_KEY)');
      return createOpenAI({ baseURL, apiKey, ...(fetch ? { fetch } : {}) }).chat(model);
    case 'anthropic':
      if (!apiKey) throw notConfigured('the anthropic LLM provider needs an API key (PAPERBOY_LLM_API_KEY)');
      return createAnthropic({ baseURL, apiKey, ...(fetch ? { fetch } : {}) })(model);
    case 'ollama':
      return createOllama({
        baseURL,
        ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
        ...(fetch ? { fetch } : {}),
      })(model);
  }
}
