// A local stand-in for a Discourse forum's API, for tests. This file owns its I/O: it reads the
// recorded API answers in ../shared/data/discourse/discourse_api_fixtures/*.json once, and serves
// them over node:http on 127.0.0.1 (port 0), with ids, titles and texts overwritten from its state.
//
//   const forum = await startDiscourseServer();            // key 'test-api-key', user 'paperboy'
//   const client = createDiscourseClient({ baseUrl: forum.url, apiKey: forum.apiKey, apiUsername: forum.apiUsername });
//   forum.enqueue({ status: 429, retryAfter: '2' }, { status: 500 });     // the next two requests
//   forum.enqueue({ dropAfterCommit: true, method: 'POST', path: '/posts.json' });
//   ... forum.requests ... forum.topics ... forum.posts ...
//   await forum.close();
//
// Endpoints (with or without `.json`, as Discourse routes them):
//   GET  /categories.json              categories.json (the recorded test1..test3, or `categories`)
//   POST /posts.json                   a new topic (title, raw, category, tags, external_id) or, with
//                                      topic_id, a reply; answers like create_topic_with_tags.json
//   PUT  /posts/{id}.json              { post: { raw, edit_reason } }; answers { post: post.json }
//   GET  /posts/{id}.json              post.json, with raw
//   GET  /t/{id}.json, /t/{slug}/{id}.json   topic.json, with the topic's posts and stream
//   GET  /t/external_id/{id}.json      301 to /t/{slug}/{id}.json, as Discourse; 404 when unknown
//
// Like Discourse, it checks the Api-Key and Api-Username headers (403 invalid_access), enforces
// max_post_length (default 32000, counted in characters of the stripped text), min post and title
// lengths, unique titles and unique external ids (422 with Discourse's `errors`), and answers an
// unknown category with 400 invalid_parameters (Discourse raises InvalidParameters(:category)).
//
// Faults: `enqueue(...faults)` queues scripts; each request takes the first queued fault whose
// `method` / `path` filters match it (path: a string compared to the path without query and
// without `.json`, or a RegExp tested on the path as received), else it is served normally.
//   { status, retryAfter?, body?, headers? }  that status; 429 gets Discourse's rate-limit JSON
//                                             and `Retry-After: <retryAfter>` when given
//   { reset: true }                           the socket is destroyed, nothing applied
//   { dropAfterCommit: true }                 the request is applied, then the socket is destroyed
//                                             without an answer (the "lost answer" case)
//   { hang: true }                            never answered (until the client gives up or close())
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../../shared/data/discourse/discourse_api_fixtures/', import.meta.url);
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const FX = {
  categories: fixture('categories.json'),
  created: fixture('create_topic_with_tags.json'),
  post: fixture('post.json'),
  topic: fixture('topic.json'),
};
const clone = <T>(v: T): T => structuredClone(v);

export type FaultFilter = { method?: string; path?: string | RegExp };
export type DiscourseFault = FaultFilter &
  (
    | { status: number; retryAfter?: string; body?: unknown; headers?: Record<string, string> }
    | { reset: true }
    | { dropAfterCommit: true }
    | { hang: true }
  );

export interface DiscourseServerRequest {
  method: string;
  /** path and query as received */
  path: string;
  /** the parsed JSON (or form) body; null when there was none */
  body: any;
  headers: IncomingHttpHeaders;
  /** Date.now() when the request arrived */
  at: number;
  outcome: 'answered' | 'fault' | 'reset' | 'dropped' | 'hang';
  /** the status sent, null when nothing was sent */
  status: number | null;
}

export interface ServerPost {
  id: number;
  topicId: number;
  postNumber: number;
  raw: string;
  version: number;
  editReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ServerTopic {
  id: number;
  title: string;
  slug: string;
  categoryId: number | null;
  tags: string[];
  externalId: string | null;
  /** in stream order */
  postIds: number[];
  createdAt: string;
}

export interface ServerCategory {
  id: number;
  name: string;
  slug: string;
}

export interface DiscourseServerOptions {
  apiKey?: string;
  apiUsername?: string;
  /** max_post_length; default 32000 */
  maxPostLength?: number;
  /** min_post_length (replies) and min_first_post_length; default 20 */
  minPostLength?: number;
  /** min_topic_title_length; default 15 */
  minTitleLength?: number;
  /** default: the recorded ones (1 test1, 2 test2, 3 test3) */
  categories?: ServerCategory[];
}

export interface DiscourseServer {
  /** origin, e.g. http://127.0.0.1:41234 — the client's baseUrl */
  url: string;
  port: number;
  apiKey: string;
  apiUsername: string;
  maxPostLength: number;
  minPostLength: number;
  minTitleLength: number;
  categories: ServerCategory[];
  /** every request in arrival order, faults included */
  requests: DiscourseServerRequest[];
  topics: Map<number, ServerTopic>;
  posts: Map<number, ServerPost>;
  /** faults for the next matching requests, in order */
  enqueue(...faults: DiscourseFault[]): void;
  /** faults queued and not yet used */
  pendingFaults(): number;
  /** the topic with this external id, if any */
  topicByExternalId(externalId: string): ServerTopic | undefined;
  /** forget faults, requests, topics and posts (ids keep counting) */
  clear(): void;
  close(): Promise<void>;
}

const NOT_FOUND = { errors: ['The requested URL or resource could not be found.'], error_type: 'not_found' };
const INVALID_ACCESS = {
  errors: ['You are not permitted to view the requested resource. The API username or key is invalid.'],
  error_type: 'invalid_access',
};
const EXTERNAL_ID_MAX_LENGTH = 50;
const MAX_TITLE_LENGTH = 255;
const POSTS_PER_CHUNK = 20;

/** Discourse counts characters (code points) of the stripped text. */
const charLength = (s: string) => [...s.trim()].length;

/** Discourse's ascii slug; a title with no ASCII letters or digits gets "topic". */
function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug === '' ? 'topic' : slug;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const cooked = (raw: string) => raw.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

/** Path without query, with a trailing `.json` removed. */
function routePath(url: string): string {
  const p = url.split('?')[0] ?? '';
  return p.endsWith('.json') ? p.slice(0, -5) : p;
}

function matches(f: DiscourseFault, method: string, url: string): boolean {
  if (f.method !== undefined && f.method.toUpperCase() !== method) return false;
  if (f.path === undefined) return true;
  if (typeof f.path === 'string') return routePath(f.path) === routePath(url);
  return f.path.test(url);
}

function parseBody(text: string, contentType: string | undefined): any {
  if (text === '') return null;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      if (k.endsWith('[]')) ((out[k.slice(0, -2)] ??= []) as unknown[]).push(v);
      else out[k] = v;
    }
    return out;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startDiscourseServer(opts: DiscourseServerOptions = {}): Promise<DiscourseServer> {
  const queue: DiscourseFault[] = [];
  const requests: DiscourseServerRequest[] = [];
  const topics = new Map<number, ServerTopic>();
  const posts = new Map<number, ServerPost>();
  const sockets = new Set<Socket>();
  let nextTopicId = 1001;
  let nextPostId = 5001;

  const defaultCategories: ServerCategory[] = FX.categories.category_list.categories.map((c: any) => ({ id: c.id, name: c.name, slug: c.slug }));

  const state = {
    apiKey: opts.apiKey ?? 'test-api-key',
    apiUsername: opts.apiUsername ?? 'paperboy',
    maxPostLength: opts.maxPostLength ?? 32000,
    minPostLength: opts.minPostLength ?? 20,
    minTitleLength: opts.minTitleLength ?? 15,
    categories: opts.categories ?? defaultCategories,
  };

  const now = () => new Date().toISOString();

  function postJson(p: ServerPost, t: ServerTopic, template: any): any {
    const out = clone(template);
    Object.assign(out, {
      id: p.id,
      topic_id: p.topicId,
      topic_slug: t.slug,
      post_number: p.postNumber,
      cooked: cooked(p.raw),
      version: p.version,
      edit_reason: p.editReason,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      username: state.apiUsername,
      reply_to_post_number: null,
    });
    return out;
  }

  function topicJson(t: ServerTopic): any {
    const out = clone(FX.topic);
    const template = FX.topic.post_stream.posts[0];
    const shown = t.postIds.slice(0, POSTS_PER_CHUNK).map((id) => {
      const p = posts.get(id)!;
      const json = postJson(p, t, template);
      delete json.raw; // the topic view does not carry raw
      return json;
    });
    Object.assign(out, {
      id: t.id,
      title: t.title,
      fancy_title: escapeHtml(t.title),
      slug: t.slug,
      category_id: t.categoryId,
      tags: t.tags,
      posts_count: t.postIds.length,
      highest_post_number: t.postIds.length,
      reply_count: Math.max(0, t.postIds.length - 1),
      created_at: t.createdAt,
      last_posted_at: t.createdAt,
      draft_key: `topic_${t.id}`,
      post_stream: { posts: shown, stream: [...t.postIds] },
    });
    return out;
  }

  const validationError = (errors: string[]) => ({ status: 422, json: { action: 'create_post', errors } });

  function lengthErrors(raw: string): string[] {
    const n = charLength(raw);
    if (raw.trim() === '') return ["Body can't be blank"];
    if (n < state.minPostLength) return [`Body is too short (minimum is ${state.minPostLength} characters)`];
    if (n > state.maxPostLength) return [`Body is limited to ${state.maxPostLength} characters; you entered ${n}.`];
    return [];
  }

  function createPost(topic: ServerTopic, raw: string): ServerPost {
    const at = now();
    const p: ServerPost = { id: nextPostId++, topicId: topic.id, postNumber: topic.postIds.length + 1, raw, version: 1, editReason: null, createdAt: at, updatedAt: at };
    posts.set(p.id, p);
    topic.postIds.push(p.id);
    return p;
  }

  type Answer = { status: number; json?: unknown; headers?: Record<string, string>; text?: string };

  function handleCreate(body: any): Answer {
    if (body === null || typeof body !== 'object') return { status: 400, json: { errors: ['param is missing or the value is empty: raw'], error_type: 'invalid_parameters' } };
    const raw = typeof body.raw === 'string' ? body.raw : '';
    if (body.topic_id !== undefined && body.topic_id !== null && body.topic_id !== '') {
      const topic = topics.get(Number(body.topic_id));
      if (!topic) return validationError(['Something went wrong. Perhaps this topic was closed or deleted while you were looking at it?']);
      const errors = lengthErrors(raw);
      if (errors.length > 0) return validationError(errors);
      const p = createPost(topic, raw);
      return { status: 200, json: postJson(p, topic, FX.created) };
    }
    // a new topic
    let categoryId: number | null = null;
    if (body.category !== undefined && body.category !== null && body.category !== '') {
      const c = /^\d+$/.test(String(body.category)) ? state.categories.find((x) => x.id === Number(body.category)) : undefined;
      if (!c) return { status: 400, json: { errors: ['You supplied invalid parameters to the request: category'], error_type: 'invalid_parameters' } };
      categoryId = c.id;
    }
    const title = typeof body.title === 'string' ? body.title.trim() : '';
    const errors: string[] = [];
    if (title === '') errors.push("Title can't be blank");
    else if ([...title].length < state.minTitleLength) errors.push(`Title is too short (minimum is ${state.minTitleLength} characters)`);
    else if ([...title].length > MAX_TITLE_LENGTH) errors.push(`Title is too long (maximum is ${MAX_TITLE_LENGTH} characters)`);
    else if ([...topics.values()].some((t) => t.title.toLowerCase() === title.toLowerCase())) errors.push('Title has already been used');
    const externalId = body.external_id === undefined || body.external_id === null || body.external_id === '' ? null : String(body.external_id);
    if (externalId !== null) {
      if (!/^[\w-]+$/.test(externalId)) errors.push('External ID is invalid');
      else if (externalId.length > EXTERNAL_ID_MAX_LENGTH) errors.push(`External ID is too long (maximum is ${EXTERNAL_ID_MAX_LENGTH} characters)`);
      else if (server.topicByExternalId(externalId)) errors.push('External ID has already been taken');
    }
    errors.push(...lengthErrors(raw));
    if (errors.length > 0) return validationError(errors);
    const tags = Array.isArray(body.tags) ? body.tags.map(String) : typeof body.tags === 'string' ? body.tags.split(',') : [];
    const topic: ServerTopic = { id: nextTopicId++, title, slug: slugify(title), categoryId, tags, externalId, postIds: [], createdAt: now() };
    topics.set(topic.id, topic);
    const p = createPost(topic, raw);
    return { status: 200, json: postJson(p, topic, FX.created) };
  }

  function handleUpdate(id: number, body: any): Answer {
    const p = posts.get(id);
    if (!p) return { status: 404, json: NOT_FOUND };
    const raw = body?.post?.raw;
    if (typeof raw !== 'string') return { status: 400, json: { errors: ['param is missing or the value is empty: post'], error_type: 'invalid_parameters' } };
    const errors = lengthErrors(raw);
    if (errors.length > 0) return { status: 422, json: { errors } };
    if (raw !== p.raw) {
      p.raw = raw;
      p.version += 1;
      p.editReason = typeof body.post.edit_reason === 'string' ? body.post.edit_reason : null;
      p.updatedAt = now();
    }
    const topic = topics.get(p.topicId)!;
    const json = postJson(p, topic, FX.post);
    json.raw = p.raw;
    return { status: 200, json: { post: json } };
  }

  function route(method: string, url: string, body: any, origin: string): Answer {
    const path = routePath(url);
    const json = url.split('?')[0]!.endsWith('.json');
    if (method === 'GET' && path === '/categories') {
      const out = clone(FX.categories);
      const template = FX.categories.category_list.categories[0];
      out.category_list.categories = state.categories.map((c) => ({ ...clone(template), id: c.id, name: c.name, slug: c.slug, description: null, description_excerpt: null, topic_url: `/t/about-the-${c.slug}-category/${c.id}` }));
      return { status: 200, json: out };
    }
    if (method === 'POST' && path === '/posts') return handleCreate(body);
    let m = /^\/posts\/(\d+)$/.exec(path);
    if (m && method === 'PUT') return handleUpdate(Number(m[1]), body);
    if (m && method === 'GET') {
      const p = posts.get(Number(m[1]));
      if (!p) return { status: 404, json: NOT_FOUND };
      const out = postJson(p, topics.get(p.topicId)!, FX.post);
      out.raw = p.raw;
      return { status: 200, json: out };
    }
    m = /^\/t\/external_id\/([^/]+)$/.exec(path);
    if (m && method === 'GET') {
      const t = server.topicByExternalId(decodeURIComponent(m[1]!));
      if (!t) return { status: 404, json: NOT_FOUND };
      const location = `${origin}/t/${t.slug}/${t.id}${json ? '.json' : ''}`;
      return { status: 301, headers: { location }, text: `<html><body>You are being <a href="${escapeHtml(location)}">redirected</a>.</body></html>` };
    }
    m = /^\/t\/(?:[^/]+\/)?(\d+)$/.exec(path);
    if (m && method === 'GET') {
      const t = topics.get(Number(m[1]));
      if (!t) return { status: 404, json: NOT_FOUND };
      return { status: 200, json: topicJson(t) };
    }
    return { status: 404, json: NOT_FOUND };
  }

  function send(res: ServerResponse, a: Answer): void {
    const headers: Record<string, string> = { ...(a.headers ?? {}) };
    let payload: string;
    if (a.json !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      payload = JSON.stringify(a.json);
    } else {
      headers['content-type'] ??= 'text/html; charset=utf-8';
      payload = a.text ?? '';
    }
    res.writeHead(a.status, headers);
    res.end(payload);
  }

  function faultAnswer(f: { status: number; retryAfter?: string; body?: unknown; headers?: Record<string, string> }): Answer {
    const headers = { ...(f.headers ?? {}) };
    if (f.retryAfter !== undefined) headers['retry-after'] = f.retryAfter;
    if (f.body !== undefined) return typeof f.body === 'string' ? { status: f.status, headers, text: f.body } : { status: f.status, headers, json: f.body };
    if (f.status === 429) {
      const wait = f.retryAfter !== undefined && /^\d+$/.test(f.retryAfter) ? Number(f.retryAfter) : null;
      const json: Record<string, unknown> = {
        errors: [`You’ve performed this action too many times. Please wait ${wait ?? 'a few'} seconds before trying again.`],
        error_type: 'rate_limit',
      };
      if (wait !== null) json.extras = { wait_seconds: wait, time_left: `${wait} seconds` };
      return { status: 429, headers, json };
    }
    if (f.status >= 500 && f.status !== 500) {
      return { status: f.status, headers, text: `<html><head><title>${f.status}</title></head><body><center><h1>${f.status}</h1></center><hr><center>nginx</center></body></html>` };
    }
    return { status: f.status, headers, json: { errors: [`HTTP ${f.status}`], error_type: 'server_error' } };
  }

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = req.url ?? '/';
      const body = parseBody(Buffer.concat(chunks).toString('utf8'), headerValue(req.headers['content-type']));
      const record: DiscourseServerRequest = { method, path: url, body, headers: req.headers, at: Date.now(), outcome: 'answered', status: null };
      requests.push(record);

      const k = queue.findIndex((f) => matches(f, method, url));
      const fault = k >= 0 ? queue.splice(k, 1)[0] : undefined;
      if (fault && 'reset' in fault) {
        record.outcome = 'reset';
        req.socket.destroy();
        return;
      }
      if (fault && 'hang' in fault) {
        record.outcome = 'hang';
        return;
      }
      if (fault && 'status' in fault) {
        record.outcome = 'fault';
        record.status = fault.status;
        send(res, faultAnswer(fault));
        return;
      }
      let answer: Answer;
      if (headerValue(req.headers['api-key']) !== state.apiKey || headerValue(req.headers['api-username']) !== state.apiUsername) {
        answer = { status: 403, json: INVALID_ACCESS };
      } else {
        answer = route(method, url, body, `http://${req.headers.host ?? `127.0.0.1:${server.port}`}`);
      }
      if (fault && 'dropAfterCommit' in fault) {
        record.outcome = 'dropped';
        req.socket.destroy();
        return;
      }
      record.status = answer.status;
      send(res, answer);
    });
  });
  http.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;

  const server: DiscourseServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    get apiKey() {
      return state.apiKey;
    },
    set apiKey(v: string) {
      state.apiKey = v;
    },
    get apiUsername() {
      return state.apiUsername;
    },
    set apiUsername(v: string) {
      state.apiUsername = v;
    },
    get maxPostLength() {
      return state.maxPostLength;
    },
    set maxPostLength(v: number) {
      state.maxPostLength = v;
    },
    get minPostLength() {
      return state.minPostLength;
    },
    set minPostLength(v: number) {
      state.minPostLength = v;
    },
    get minTitleLength() {
      return state.minTitleLength;
    },
    set minTitleLength(v: number) {
      state.minTitleLength = v;
    },
    get categories() {
      return state.categories;
    },
    set categories(v: ServerCategory[]) {
      state.categories = v;
    },
    requests,
    topics,
    posts,
    enqueue(...faults: DiscourseFault[]) {
      queue.push(...faults);
    },
    pendingFaults: () => queue.length,
    topicByExternalId(externalId: string) {
      const want = externalId.toLowerCase();
      for (const t of topics.values()) if (t.externalId !== null && t.externalId.toLowerCase() === want) return t;
      return undefined;
    },
    clear() {
      queue.length = 0;
      requests.length = 0;
      topics.clear();
      posts.clear();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}
