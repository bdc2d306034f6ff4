// The Discourse API client. This file owns the network I/O for the forum: it creates the edition's
// topic, replies to it, edits posts, reads topics back (by id or by the external id paperboy gives
// each topic) and resolves a category, with the API key of one user. Answers are checked with zod
// (only the fields used; everything else may come and go between Discourse versions).
//
// Failure policy:
// - Every request start is paced to at most `maxRequestsPerMinute` (default 60, Discourse's
//   max_admin_api_reqs_per_minute) in any 60 s window.
// - 429: wait Retry-After (seconds or an HTTP date; else Discourse's extras.wait_seconds; else the
//   backoff), at most 5 minutes, and try again. 5xx, resets and timeouts: exponential backoff with
//   jitter. Both up to maxRetries; then PaperboyError('FETCH_FAILED', retryable).
// - A POST that may have been applied although its answer did not arrive (reset, timeout, 5xx
//   other than 503) is not blindly repeated:
//     createTopic carries an external id, which Discourse keeps unique, so it is tried again; if
//     that retry is refused (422) the first attempt probably created the topic: FETCH_FAILED
//     (retryable) telling the caller to look the topic up by its external id;
//     reply has no such guard: FETCH_FAILED (retryable) at once, telling the caller to read the
//     topic before replying again.
// - Other 4xx are not retried: 401/403 blame the key or user, 404 names what was missing, 422
//   carries Discourse's `errors`; PaperboyError('UPSTREAM_ERROR'), or NOT_FOUND for a missing post.
// - The API key is never part of an error message (and is cut out of anything the forum echoes).
import { z } from 'zod';
import { setTimeout as delay } from 'node:timers/promises';
import { parseRetryAfter } from '../../sources/arxiv/client.js';
import { PaperboyError } from '../../errors.js';

export interface DiscourseClientOptions {
  /** the forum's address, e.g. https://forum.example.org (a sub-folder install keeps its path) */
  baseUrl: string;
  apiKey: string;
  apiUsername: string;
  /** per attempt, headers and body; default 30000 */
  timeoutMs?: number;
  /** retries after the first attempt; default 4 */
  maxRetries?: number;
  /** first backoff delay, doubled on each retry; default 1000 */
  backoffBaseMs?: number;
  /** ceiling of the exponential backoff (Retry-After may ask for more, up to 5 minutes); default 60000 */
  maxBackoffMs?: number;
  /** request starts in any 60 s window; default 60 (Discourse's admin API limit) */
  maxRequestsPerMinute?: number;
  /** every wait (pacing, backoff, Retry-After) goes through this */
  sleep?: (ms: number) => Promise<void>;
  /** in [0, 1), for the jitter; default Math.random */
  random?: () => number;
  /** epoch ms, for Retry-After dates and the pacing window; default Date.now */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface DiscourseTopic {
  topicId: number;
  /** the topic's first post (post_number 1), the one that carries the edition */
  firstPostId: number;
  /** every post of the topic in stream order, the first post included (replies by others and small actions too) */
  postIds: number[];
  title: string;
}

export interface CreateTopicInput {
  title: string;
  raw: string;
  /** a category id (see resolveCategory) */
  category: number;
  tags?: string[];
  /** unique per topic on the forum; letters, digits, `_` and `-`, at most 50 */
  externalId: string;
}

export interface DiscourseClient {
  /** the topic with this external id, or null when the forum has none (or the user cannot see it) */
  topicByExternalId(externalId: string): Promise<DiscourseTopic | null>;
  createTopic(input: CreateTopicInput): Promise<{ topicId: number; postId: number }>;
  reply(topicId: number, raw: string): Promise<{ postId: number }>;
  updatePost(postId: number, raw: string, editReason?: string): Promise<void>;
  /** the topic, or null when the forum has no such topic (deleted, or not visible to the user) */
  topic(topicId: number): Promise<DiscourseTopic | null>;
  /** a category id from its id, slug or name (case-insensitive) */
  resolveCategory(nameSlugOrId: string | number): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Answers (only what is used; unknown fields are ignored, fields that moved are optional)

const ErrorBody = z.object({
  errors: z.array(z.unknown()).optional(),
  error: z.unknown().optional(),
  error_type: z.string().optional(),
  extras: z.object({ wait_seconds: z.number().optional() }).nullish(),
});

const TopicAnswer = z.object({
  id: z.number().int(),
  title: z.string(),
  post_stream: z.object({
    posts: z.array(z.object({ id: z.number().int(), post_number: z.number().int().optional() })).default([]),
    stream: z.array(z.number().int()).optional(),
  }),
});

const CreatedAnswer = z.object({ id: z.number().int(), topic_id: z.number().int() });
const EnqueuedAnswer = z.object({ action: z.literal('enqueued') });
const UpdatedAnswer = z.union([z.object({ post: z.object({ id: z.number().int() }) }), z.object({ id: z.number().int() })]);

const CategoryEntry = z.object({
  id: z.number().int(),
  name: z.string(),
  slug: z.string(),
  subcategory_list: z.array(z.unknown()).nullish(),
});
const CategoriesAnswer = z.object({ category_list: z.object({ categories: z.array(z.unknown()) }) });

type Category = { id: number; name: string; slug: string };

// ---------------------------------------------------------------------------------------------

const MAX_RETRY_AFTER_MS = 5 * 60_000;
const MAX_REDIRECTS = 3;
const EXTERNAL_ID = /^[\w-]{1,50}$/;
const CREDENTIALS_HINT = 'the forum refused the API key or user (PAPERBOY_DISCOURSE_API_KEY / PAPERBOY_DISCOURSE_API_USERNAME)';

/** Connection failures that prove the request never reached the forum. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

function invalidOption(msg: string): PaperboyError {
  return new PaperboyError('CONFIG_INVALID', `Discourse client: ${msg}`);
}

function intOption(name: string, v: number | undefined, def: number, min: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min) throw invalidOption(`${name} must be an integer of at least ${min}, got ${v}`);
  return v;
}

/** The first `code` on the error or its cause chain. */
function errorCode(err: unknown, depth = 0): string | null {
  if (depth > 5 || typeof err !== 'object' || err === null) return null;
  const e = err as { code?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  return errorCode(e.cause, depth + 1);
}

function innermostMessage(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 5 && e instanceof Error && e.cause instanceof Error; i++) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

// Retry-After (seconds or an HTTP date) is read the same way for every service we call
export { parseRetryAfter };

/** Discourse's `errors` (strings), or a short snippet of a body that is not Discourse's JSON. */
function forumMessages(body: string): { messages: string[]; waitSeconds: number | null } {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(body));
    if (parsed.success) {
      const list = (parsed.data.errors ?? []).filter((e): e is string => typeof e === 'string' && e.trim() !== '');
      if (list.length === 0 && typeof parsed.data.error === 'string') list.push(parsed.data.error);
      return { messages: list, waitSeconds: parsed.data.extras?.wait_seconds ?? null };
    }
  } catch {
    // not JSON
  }
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return { messages: text === '' ? [] : [text.length > 160 ? `${text.slice(0, 157)}...` : text], waitSeconds: null };
}

function categoriesOf(list: unknown[], out: Category[] = []): Category[] {
  for (const item of list) {
    const c = CategoryEntry.safeParse(item);
    if (!c.success) continue;
    out.push({ id: c.data.id, name: c.data.name, slug: c.data.slug });
    if (c.data.subcategory_list) categoriesOf(c.data.subcategory_list, out);
  }
  return out;
}

/** What kind of request this is, for what may be repeated after a failure. */
type Kind = 'read' | 'edit' | 'create-topic' | 'reply';

interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

/** The attempt failed in a way where the forum may have applied the request. */
class Ambiguous {
  constructor(readonly reason: string) {}
}

export function createDiscourseClient(opts: DiscourseClientOptions): DiscourseClient {
  let base: URL;
  try {
    base = new URL(opts.baseUrl);
  } catch {
    throw invalidOption(`baseUrl "${opts.baseUrl}" is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw invalidOption(`baseUrl "${opts.baseUrl}" is not an http(s) URL`);
  if (base.username || base.password) throw invalidOption('baseUrl must not carry credentials');
  const basePath = base.pathname.replace(/\/+$/, '');
  const origin = base.origin;
  const host = base.host;
  const apiKey = opts.apiKey;
  const apiUsername = opts.apiUsername;
  if (typeof apiKey !== 'string' || apiKey.trim() === '' || /[\r\n]/.test(apiKey)) throw invalidOption('the API key (PAPERBOY_DISCOURSE_API_KEY) is empty or not one line');
  if (typeof apiUsername !== 'string' || apiUsername.trim() === '' || /[\r\n]/.test(apiUsername)) {
    throw invalidOption('the API username (PAPERBOY_DISCOURSE_API_USERNAME) is empty or not one line');
  }
  const maxRetries = intOption('maxRetries', opts.maxRetries, 4, 0);
  const timeoutMs = intOption('timeoutMs', opts.timeoutMs, 30_000, 1);
  const backoffBaseMs = intOption('backoffBaseMs', opts.backoffBaseMs, 1000, 0);
  const maxBackoffMs = intOption('maxBackoffMs', opts.maxBackoffMs, 60_000, 0);
  const perMinute = intOption('maxRequestsPerMinute', opts.maxRequestsPerMinute, 60, 1);
  const doFetch = opts.fetch ?? globalThis.fetch;
  const sleep = opts.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;

  /** Never let the key out, even if the forum echoes it. */
  const redact = (s: string) => (apiKey.length >= 4 ? s.split(apiKey).join('[redacted]') : s);
  const fail = (code: 'UPSTREAM_ERROR' | 'FETCH_FAILED' | 'NOT_FOUND' | 'INPUT_INVALID' | 'CONFIG_INVALID', message: string, retryable = false) =>
    new PaperboyError(code, redact(message), { retryable });

  // Request starts go through one chain, so concurrent calls share the 60 s window.
  const starts: number[] = [];
  let gate: Promise<void> = Promise.resolve();
  function pace(): Promise<void> {
    const turn = gate.then(async () => {
      for (let i = 0; i < 10; i++) {
        const t = now();
        while (starts.length > 0 && starts[0]! <= t - 60_000) starts.shift();
        if (starts.length < perMinute) break;
        await sleep(Math.max(1, starts[0]! + 60_000 - t));
      }
      starts.push(now());
    });
    gate = turn.catch(() => undefined);
    return turn;
  }

  function backoff(attempt: number): number {
    const exp = Math.min(maxBackoffMs, backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(exp + random() * exp * 0.25);
  }

  function describeFailure(err: unknown): string {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
    const code = errorCode(err);
    if (code && NOT_SENT_CODES.has(code)) return `${host} could not be reached (${code})`;
    if (code) return `connection failed (${code}: ${innermostMessage(err)})`;
    return `request failed: ${innermostMessage(err)}`;
  }

  const url = (path: string) => `${origin}${basePath}${path}`;

  /** One HTTP exchange; throws what fetch throws. */
  async function exchange(method: string, target: string, body: unknown): Promise<Answer> {
    const res = await doFetch(target, {
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'Api-Key': apiKey,
        'Api-Username': apiUsername,
        Accept: 'application/json',
        'Content-Type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text, headers: res.headers };
  }

  /**
   * One request with the retry policy of its kind. Resolves with the first answer that is neither
   * 429 nor a retryable 5xx (3xx and 4xx included); throws FETCH_FAILED when the tries run out.
   */
  async function request(kind: Kind, method: string, path: string, body?: unknown): Promise<Answer> {
    const attempts = maxRetries + 1;
    const what = `${method} ${path}`;
    let reason = 'no attempt made';
    let ambiguous: string | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await pace();
      let wait: number | null = null;
      let outcome: Answer | Ambiguous | null = null;
      try {
        const a = await exchange(method, url(path), body);
        if (a.status === 429) {
          const { messages, waitSeconds } = forumMessages(a.body);
          const ra = parseRetryAfter(a.headers.get('retry-after'), now()) ?? (waitSeconds === null ? null : waitSeconds * 1000);
          wait = ra === null ? null : Math.min(ra, MAX_RETRY_AFTER_MS);
          reason = `HTTP 429 (rate limited${messages[0] ? `: ${messages[0]}` : ''})`;
        } else if (a.status >= 500) {
          reason = `HTTP ${a.status}${forumMessages(a.body).messages[0] ? ` (${forumMessages(a.body).messages[0]})` : ''}`;
          // 503 is Discourse's read-only / maintenance answer: nothing was applied
          if (a.status !== 503 && (kind === 'create-topic' || kind === 'reply')) outcome = new Ambiguous(reason);
        } else {
          if (ambiguous !== null && kind === 'create-topic' && a.status === 422) {
            throw fail(
              'FETCH_FAILED',
              `${what} at ${host}: an earlier attempt failed without an answer (${ambiguous}) and the retry was refused (${forumMessages(a.body).messages.join('; ') || 'HTTP 422'}); the forum has probably created the topic: look it up by its external id before creating it again`,
              true,
            );
          }
          return a;
        }
      } catch (err) {
        if (err instanceof PaperboyError) throw err;
        reason = describeFailure(err);
        const code = errorCode(err);
        const notSent = code !== null && NOT_SENT_CODES.has(code);
        if (!notSent && (kind === 'create-topic' || kind === 'reply')) outcome = new Ambiguous(reason);
      }
      if (outcome instanceof Ambiguous) {
        if (kind === 'reply') {
          throw fail(
            'FETCH_FAILED',
            `${what} at ${host} failed without a clear answer (${outcome.reason}); the forum may or may not have posted the reply: read the topic's posts before replying again`,
            true,
          );
        }
        ambiguous = outcome.reason;
      }
      if (attempt < attempts) await sleep(wait ?? backoff(attempt));
    }
    const lost = ambiguous !== null ? `; an attempt may have created the topic: look it up by its external id before creating it again` : '';
    throw fail('FETCH_FAILED', `${what} at ${host} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}${lost}`, true);
  }

  /** A clear, permanent error for a 3xx or 4xx answer. */
  function refused(a: Answer, what: string, subject: string): PaperboyError {
    const { messages } = forumMessages(a.body);
    const said = messages.length > 0 ? `: ${messages.join('; ')}` : '';
    if (a.status === 401 || a.status === 403) return fail('UPSTREAM_ERROR', `${what} at ${host}: HTTP ${a.status}, ${CREDENTIALS_HINT}${said}`);
    if (a.status === 404) return fail('UPSTREAM_ERROR', `${what} at ${host}: ${subject} was not found (HTTP 404)${said}`);
    if (a.status === 422) return fail('UPSTREAM_ERROR', `${what} at ${host}: the forum refused ${subject}${said || ' (HTTP 422)'}`);
    if (a.status >= 300 && a.status < 400) {
      const to = a.headers.get('location');
      return fail('UPSTREAM_ERROR', `${what} at ${host}: unexpected redirect (HTTP ${a.status})${to ? ` to ${to}` : ''}; check the forum's address (PAPERBOY_DISCOURSE_URL)`);
    }
    return fail('UPSTREAM_ERROR', `${what} at ${host}: HTTP ${a.status} for ${subject}${said}`);
  }

  function json(a: Answer, what: string): unknown {
    try {
      return JSON.parse(a.body);
    } catch {
      const type = a.headers.get('content-type') ?? 'no content type';
      throw fail('UPSTREAM_ERROR', `${what} at ${host}: the answer is not JSON (${type}): ${forumMessages(a.body).messages[0] ?? 'empty'}`);
    }
  }

  function parse<T>(schema: z.ZodType<T>, a: Answer, what: string): T {
    const r = schema.safeParse(json(a, what));
    if (!r.success) {
      const issue = r.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'unexpected shape';
      throw fail('UPSTREAM_ERROR', `${what} at ${host}: the answer is not what Discourse sends (${where})`);
    }
    return r.data;
  }

  function toTopic(a: Answer, what: string): DiscourseTopic {
    const t = parse(TopicAnswer, a, what);
    const loaded = t.post_stream.posts;
    const postIds = t.post_stream.stream ?? [...loaded].sort((x, y) => (x.post_number ?? 0) - (y.post_number ?? 0)).map((p) => p.id);
    const firstPostId = loaded.find((p) => p.post_number === 1)?.id ?? postIds[0];
    if (firstPostId === undefined) throw fail('UPSTREAM_ERROR', `${what} at ${host}: topic ${t.id} has no posts`);
    return { topicId: t.id, firstPostId, postIds, title: t.title };
  }

  function checkId(name: string, v: number): void {
    if (!Number.isSafeInteger(v) || v < 1) throw fail('INPUT_INVALID', `${name} must be a positive whole number, got ${String(v)}`);
  }

  function checkExternalId(externalId: string): void {
    if (typeof externalId !== 'string' || !EXTERNAL_ID.test(externalId)) {
      throw fail('INPUT_INVALID', `external id "${String(externalId)}" is not one Discourse accepts (1 to 50 letters, digits, "_" or "-")`);
    }
  }

  function checkRaw(raw: string): void {
    if (typeof raw !== 'string' || raw.trim() === '') throw fail('INPUT_INVALID', 'the post text is empty');
  }

  async function topic(topicId: number): Promise<DiscourseTopic | null> {
    checkId('topic id', topicId);
    const path = `/t/${topicId}.json`;
    const a = await request('read', 'GET', path);
    if (a.status === 404) return null;
    if (a.status !== 200) throw refused(a, `GET ${path}`, `topic ${topicId}`);
    return toTopic(a, `GET ${path}`);
  }

  return {
    async topicByExternalId(externalId) {
      checkExternalId(externalId);
      let path = `/t/external_id/${encodeURIComponent(externalId)}.json`;
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const what = `GET ${path}`;
        const a = await request('read', 'GET', path);
        if (a.status === 404) return null;
        if (a.status === 200) return toTopic(a, what);
        if (a.status >= 300 && a.status < 400 && a.headers.get('location')) {
          // Discourse redirects to /t/{slug}/{id}.json: read that topic from our own base URL, so
          // the key never follows a redirect to another host
          const to = new URL(a.headers.get('location')!, url(path));
          const m = /\/t\/(?:[^/]+\/)?(\d+)(?:\/\d+)?(?:\.json)?\/?$/.exec(to.pathname);
          if (m) return topic(Number(m[1]));
          if (to.origin !== origin) throw refused(a, what, `the topic with external id ${externalId}`);
          path = `${to.pathname.slice(basePath.length)}${to.search}`;
          continue;
        }
        throw refused(a, what, `the topic with external id ${externalId}`);
      }
      throw fail('UPSTREAM_ERROR', `GET /t/external_id/${externalId}.json at ${host}: more than ${MAX_REDIRECTS} redirects`);
    },

    async createTopic(input) {
      checkExternalId(input.externalId);
      checkRaw(input.raw);
      checkId('category', input.category);
      if (typeof input.title !== 'string' || input.title.trim() === '') throw fail('INPUT_INVALID', 'the topic title is empty');
      const body: Record<string, unknown> = {
        title: input.title,
        raw: input.raw,
        category: input.category,
        external_id: input.externalId,
      };
      if (input.tags && input.tags.length > 0) body.tags = input.tags;
      const what = 'POST /posts.json';
      const a = await request('create-topic', 'POST', '/posts.json', body);
      if (a.status === 400 && /category/i.test(forumMessages(a.body).messages.join(' '))) {
        throw fail('UPSTREAM_ERROR', `${what} at ${host}: the forum has no category ${input.category} that ${apiUsername} may post in (${forumMessages(a.body).messages.join('; ')})`);
      }
      if (a.status !== 200 && a.status !== 201) throw refused(a, what, `the topic "${input.title}" (external id ${input.externalId})`);
      const data = json(a, what);
      if (EnqueuedAnswer.safeParse(data).success) {
        throw fail('UPSTREAM_ERROR', `${what} at ${host}: the forum queued the topic for approval instead of publishing it; let ${apiUsername} post without approval (e.g. a staff account)`);
      }
      const created = parse(CreatedAnswer, a, what);
      return { topicId: created.topic_id, postId: created.id };
    },

    async reply(topicId, raw) {
      checkId('topic id', topicId);
      checkRaw(raw);
      const what = 'POST /posts.json';
      const a = await request('reply', 'POST', '/posts.json', { topic_id: topicId, raw });
      if (a.status !== 200 && a.status !== 201) throw refused(a, what, `the reply to topic ${topicId}`);
      const data = json(a, what);
      if (EnqueuedAnswer.safeParse(data).success) {
        throw fail('UPSTREAM_ERROR', `${what} at ${host}: the forum queued the reply to topic ${topicId} for approval instead of publishing it; let ${apiUsername} post without approval`);
      }
      const created = parse(CreatedAnswer, a, what);
      if (created.topic_id !== topicId) throw fail('UPSTREAM_ERROR', `${what} at ${host}: the reply landed in topic ${created.topic_id}, not ${topicId}`);
      return { postId: created.id };
    },

    async updatePost(postId, raw, editReason) {
      checkId('post id', postId);
      checkRaw(raw);
      const path = `/posts/${postId}.json`;
      const post: Record<string, unknown> = { raw };
      if (editReason !== undefined && editReason !== '') post.edit_reason = editReason;
      const a = await request('edit', 'PUT', path, { post });
      if (a.status === 404) {
        throw fail('NOT_FOUND', `PUT ${path} at ${host}: post ${postId} was not found on the forum (deleted, or not visible to ${apiUsername})`);
      }
      if (a.status !== 200) throw refused(a, `PUT ${path}`, `the edit of post ${postId}`);
      parse(UpdatedAnswer, a, `PUT ${path}`);
    },

    topic,

    async resolveCategory(nameSlugOrId) {
      const wanted = String(nameSlugOrId).trim();
      if (wanted === '') throw fail('CONFIG_INVALID', 'the Discourse category is empty');
      const path = '/categories.json?include_subcategories=true';
      const a = await request('read', 'GET', path);
      if (a.status !== 200) throw refused(a, `GET ${path}`, 'the category list');
      const list = categoriesOf(parse(CategoriesAnswer, a, `GET ${path}`).category_list.categories);
      const lower = wanted.toLowerCase();
      const byId = /^\d+$/.test(wanted) ? list.filter((c) => c.id === Number(wanted)) : [];
      const bySlug = list.filter((c) => c.slug.toLowerCase() === lower);
      const byName = list.filter((c) => c.name.trim().toLowerCase() === lower);
      const found = byId.length > 0 ? byId : bySlug.length > 0 ? bySlug : byName;
      if (found.length === 1) return found[0]!.id;
      if (found.length > 1) {
        throw fail('CONFIG_INVALID', `the Discourse category "${wanted}" matches several categories (ids ${found.map((c) => c.id).join(', ')}); give its id`);
      }
      const known = list.map((c) => c.slug).join(', ') || 'none';
      throw fail('CONFIG_INVALID', `the forum at ${host} has no category "${wanted}" that ${apiUsername} can see; known categories: ${known}`);
    },
  };
}
