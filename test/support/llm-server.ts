// A local stand-in for LLM servers, for tests and benchmarks. It speaks three wire protocols over
// node:http on 127.0.0.1 (port 0):
//
//   POST /v1/chat/completions   OpenAI chat completions (vLLM, llama.cpp, Ollama /v1, OpenAI)
//   POST /v1/messages           Anthropic messages (needs x-api-key and anthropic-version headers)
//   POST /api/chat              Ollama native chat
//
//   const server = await startLlmServer();
//   const llm = createLlm({ provider: 'openai-compatible', baseUrl: server.url, model: 'm' });
//   server.enqueue({ status: 429, headers: { 'retry-after': '2' } }, { content: '{"a":"b"}' });
//   server.respond((req) => (req.path === '/api/chat' ? { status: 500 } : undefined));
//   server.translator = (field, source) => `번역: ${field} of ${source.slice(0, 20)}`;
//   server.latencyMs = 50;               // every answer waits 50 ms first (benchmarks)
//   ... server.requests ...               // path, parsed body, headers, at, status sent
//   await server.close();
//
// Which script answers a request: the head of the queue (enqueue) if any; else the responder
// (respond) if it returns a script; else the default answer, a JSON object filled in from the JSON
// schema the client sent (every string property gets a Hangul placeholder `초안: <field>`, or what
// `translator(field, sourceText)` returns, where sourceText is the last user message).
//
// A script is one of
//   { content, usage?, delayMs? }      answer `content` as the assistant's text. usage {input, output}
//                                      sets the reported token counts; null omits usage from the
//                                      answer (Anthropic's SDK rejects an answer without usage);
//                                      absent means counts estimated from the lengths.
//   { status, body?, headers? }        an HTTP error; body defaults to the provider's error shape
//   { reset: true }                    the socket is destroyed without an answer
//   { hang: true }                     never answered (until the client gives up or close())
//
// Anthropic structured output: newer Claude models get `output_config.format` (json_schema) and are
// answered with a text block; older/unknown ones get a forced tool named `json`, and are answered
// with a `tool_use` block whose input is the parsed content (a text block when the content is not
// a JSON object, e.g. a refusal).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { countTokens } from 'gpt-tokenizer';

export type Protocol = 'openai' | 'anthropic' | 'ollama';

export interface ScriptUsage {
  input: number;
  output: number;
}

export type Script =
  | { content: string; usage?: ScriptUsage | null; delayMs?: number }
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { reset: true }
  | { hang: true };

export interface LlmServerRequestInfo {
  path: string;
  protocol: Protocol | null;
  /** the parsed JSON body (null when it did not parse) */
  body: any;
  headers: IncomingHttpHeaders;
  /** the JSON schema the client asked the answer to match, if any */
  schema: Record<string, unknown> | null;
  /** the text of the last user message */
  prompt: string;
  /** the system prompt */
  system: string;
}

export interface LlmServerRequest extends LlmServerRequestInfo {
  method: string;
  /** performance.now() when the request arrived */
  at: number;
  outcome: 'answered' | 'error' | 'reset' | 'hang' | 'not-found' | 'rejected';
  /** the status sent, null for reset and hang */
  status: number | null;
  /** the assistant text sent, for answered requests */
  content: string | null;
}

export type Responder = (req: LlmServerRequestInfo) => Script | undefined | Promise<Script | undefined>;

export interface LlmServerCounters {
  requests: number;
  answered: number;
  errors: number;
  resets: number;
  hangs: number;
  byPath: Record<string, number>;
}

export interface LlmServer {
  /** origin, e.g. http://127.0.0.1:41234 — openai-compatible accepts it as baseUrl as is */
  url: string;
  port: number;
  requests: LlmServerRequest[];
  counters: LlmServerCounters;
  /** a fixed delay before every answer, in ms (default 0) */
  latencyMs: number;
  /** answers string fields of the default answer; default `초안: <field>` */
  translator: ((field: string, sourceText: string) => string) | null;
  /** when set, openai (Bearer) and anthropic (x-api-key) requests with another key get 401 */
  apiKey: string | null;
  /** the responder used when the queue is empty; undefined from it means the default answer */
  respond(fn: Responder | null): void;
  /** scripts for the next requests, in order */
  enqueue(...scripts: Script[]): void;
  /** the default answer's content for a request (what the server sends when nothing is scripted) */
  defaultContent(req: LlmServerRequestInfo): string;
  /** forget the queue, responder, translator, latency, api key, log and counters */
  clear(): void;
  close(): Promise<void>;
}

const PATHS: Record<string, Protocol> = {
  '/v1/chat/completions': 'openai',
  '/chat/completions': 'openai',
  '/v1/messages': 'anthropic',
  '/api/chat': 'ollama',
};

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .join('');
  }
  return '';
}

function describe(protocol: Protocol | null, body: any): { schema: Record<string, unknown> | null; prompt: string; system: string } {
  if (!body || typeof body !== 'object' || protocol === null) return { schema: null, prompt: '', system: '' };
  const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
  const users = messages.filter((m) => m && m.role === 'user');
  const prompt = users.length > 0 ? textOf(users[users.length - 1].content) : '';
  let system = messages
    .filter((m) => m && m.role === 'system')
    .map((m) => textOf(m.content))
    .join('\n');
  let schema: unknown = null;
  if (protocol === 'openai') {
    schema = body.response_format?.json_schema?.schema ?? null;
  } else if (protocol === 'anthropic') {
    system = textOf(body.system);
    schema = body.output_config?.format?.schema ?? jsonTool(body)?.input_schema ?? null;
  } else {
    schema = body.format && typeof body.format === 'object' ? body.format : null;
  }
  return { schema: schema && typeof schema === 'object' ? (schema as Record<string, unknown>) : null, prompt, system };
}

/** the forced `json` tool the Anthropic SDK uses for structured output on models without output_config */
function jsonTool(body: any): { name: string; input_schema?: unknown } | null {
  if (!Array.isArray(body?.tools)) return null;
  const tool = body.tools.find((t: any) => t && t.name === 'json');
  return tool ?? null;
}

/** fills a JSON schema with placeholder values */
export function fillSchema(schema: unknown, field: string, source: string, translator: ((field: string, sourceText: string) => string) | null): unknown {
  if (!schema || typeof schema !== 'object') return `초안: ${field}`;
  const s = schema as Record<string, any>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const alts = s.anyOf ?? s.oneOf;
  if (Array.isArray(alts) && alts.length > 0) {
    const pick = alts.find((a: any) => a && a.type !== 'null') ?? alts[0];
    return fillSchema(pick, field, source, translator);
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return fillSchema(s.allOf[0], field, source, translator);
  let type = s.type;
  if (Array.isArray(type)) type = type.find((t: string) => t !== 'null') ?? type[0];
  if (type === undefined && s.properties) type = 'object';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(props)) out[k] = fillSchema(v, k, source, translator);
      return out;
    }
    case 'array': {
      const n = Math.min(Math.max(typeof s.minItems === 'number' ? s.minItems : 0, 1), typeof s.maxItems === 'number' ? s.maxItems : Infinity);
      return Array.from({ length: n }, () => fillSchema(s.items, field, source, translator));
    }
    case 'number':
    case 'integer':
      return typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default: {
      let v = translator ? translator(field, source) : `초안: ${field}`;
      if (typeof s.minLength === 'number' && v.length < s.minLength) v = v + '가'.repeat(s.minLength - v.length);
      if (typeof s.maxLength === 'number' && v.length > s.maxLength) v = v.slice(0, s.maxLength);
      return v;
    }
  }
}

/** Token counts as a real server would report them: the same tokenizer over what was sent and answered. */
function estimate(text: string): number {
  return Math.max(1, countTokens(text));
}

function errorBody(protocol: Protocol | null, status: number, message: string): string {
  if (protocol === 'anthropic') {
    const type = status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return JSON.stringify({ type: 'error', error: { type, message } });
  }
  if (protocol === 'ollama') return JSON.stringify({ error: message });
  return JSON.stringify({ error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } });
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'invalid api key',
  403: 'forbidden',
  404: 'model not found',
  408: 'request timeout',
  429: 'rate limit exceeded',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  529: 'overloaded',
};

export async function startLlmServer(): Promise<LlmServer> {
  let queue: Script[] = [];
  let responder: Responder | null = null;
  let seq = 0;

  const counters = (): LlmServerCounters => ({ requests: 0, answered: 0, errors: 0, resets: 0, hangs: 0, byPath: {} });

  const server: LlmServer = {
    url: '',
    port: 0,
    requests: [],
    counters: counters(),
    latencyMs: 0,
    translator: null,
    apiKey: null,
    respond(fn) {
      responder = fn;
    },
    enqueue(...scripts) {
      queue.push(...scripts);
    },
    defaultContent(info) {
      const obj = info.schema ? fillSchema(info.schema, 'answer', info.prompt, server.translator) : { answer: fillSchema(null, 'answer', info.prompt, server.translator) };
      return JSON.stringify(obj);
    },
    clear() {
      queue = [];
      responder = null;
      server.translator = null;
      server.latencyMs = 0;
      server.apiKey = null;
      server.requests.length = 0;
      server.counters = counters();
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };

  const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : null;
    } catch {
      body = null;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const protocol = PATHS[path] ?? null;
    const info: LlmServerRequestInfo = { path, protocol, body, headers: req.headers, ...describe(protocol, body) };
    const entry: LlmServerRequest = { ...info, method: req.method ?? 'GET', at, outcome: 'answered', status: null, content: null };
    server.requests.push(entry);
    server.counters.requests++;
    server.counters.byPath[path] = (server.counters.byPath[path] ?? 0) + 1;

    const sendJson = (status: number, text: string, headers: Record<string, string> = {}) => {
      entry.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };

    if (protocol === null || req.method !== 'POST') {
      entry.outcome = 'not-found';
      server.counters.errors++;
      sendJson(404, errorBody(protocol, 404, `no route for ${req.method} ${path}`));
      return;
    }
    if (body === null || typeof body !== 'object') {
      entry.outcome = 'rejected';
      server.counters.errors++;
      sendJson(400, errorBody(protocol, 400, 'request body is not JSON'));
      return;
    }
    // protocol checks, as the real servers do them
    if (protocol === 'anthropic') {
      const key = req.headers['x-api-key'];
      if (typeof key !== 'string' || key.length === 0 || (server.apiKey !== null && key !== server.apiKey)) {
        entry.outcome = 'rejected';
        server.counters.errors++;
        sendJson(401, errorBody(protocol, 401, key ? 'invalid x-api-key' : 'x-api-key header is required'));
        return;
      }
      if (typeof req.headers['anthropic-version'] !== 'string') {
        entry.outcome = 'rejected';
        server.counters.errors++;
        sendJson(400, errorBody(protocol, 400, 'anthropic-version: header is required'));
        return;
      }
    } else if (protocol === 'openai' && server.apiKey !== null && req.headers.authorization !== `Bearer ${server.apiKey}`) {
      entry.outcome = 'rejected';
      server.counters.errors++;
      sendJson(401, errorBody(protocol, 401, 'invalid api key'));
      return;
    }
    if (protocol === 'ollama' && body.stream === true) {
      // not implemented: the client under test never streams
      entry.outcome = 'rejected';
      server.counters.errors++;
      sendJson(400, errorBody(protocol, 400, 'streaming is not supported by the test server'));
      return;
    }

    let script: Script | undefined = queue.shift();
    if (script === undefined && responder) script = await responder(info);
    if (script === undefined) script = { content: server.defaultContent(info) };

    if ('reset' in script) {
      entry.outcome = 'reset';
      server.counters.resets++;
      req.socket.destroy();
      return;
    }
    if ('hang' in script) {
      entry.outcome = 'hang';
      server.counters.hangs++;
      return;
    }
    const delay = server.latencyMs + (script.delayMs ?? 0);
    if (delay > 0) await wait(delay);
    if (res.destroyed || req.socket.destroyed) return;

    if ('status' in script) {
      entry.outcome = 'error';
      server.counters.errors++;
      sendJson(script.status, script.body ?? errorBody(protocol, script.status, STATUS_TEXT[script.status] ?? `error ${script.status}`), script.headers);
      return;
    }

    const content = script.content;
    const usage = script.usage === undefined ? { input: estimate(info.system + info.prompt + (info.schema ? JSON.stringify(info.schema) : '')), output: estimate(content) } : script.usage;
    const n = ++seq;
    const model = typeof body.model === 'string' ? body.model : 'test-model';
    entry.content = content;
    entry.outcome = 'answered';
    server.counters.answered++;
    let answer: Record<string, unknown>;
    if (protocol === 'openai') {
      answer = {
        id: `chatcmpl-${n}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        ...(usage ? { usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } } : {}),
      };
    } else if (protocol === 'anthropic') {
      let blocks: unknown[] = content.length > 0 ? [{ type: 'text', text: content }] : [];
      let stop = 'end_turn';
      const tool = jsonTool(body);
      if (tool) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(content);
        } catch {
          parsed = undefined;
        }
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          blocks = [{ type: 'tool_use', id: `toolu_${n}`, name: tool.name, input: parsed }];
          stop = 'tool_use';
        }
      }
      answer = {
        id: `msg_${n}`,
        type: 'message',
        role: 'assistant',
        model,
        content: blocks,
        stop_reason: stop,
        stop_sequence: null,
        ...(usage ? { usage: { input_tokens: usage.input, output_tokens: usage.output } } : {}),
      };
    } else {
      answer = {
        model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content },
        done: true,
        done_reason: 'stop',
        ...(usage ? { prompt_eval_count: usage.input, eval_count: usage.output } : {}),
      };
    }
    sendJson(200, JSON.stringify(answer));
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `test server failed: ${String(err)}` } }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  server.port = port;
  server.url = `http://127.0.0.1:${port}`;
  return server;
}
