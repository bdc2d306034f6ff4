// A local stand-in for export.arxiv.org/api/query, for tests. This file owns its I/O: it reads the
// recorded responses in ../shared/data/arxiv/arxiv.py-recorded-2026/*.json once at start-up and
// serves them over node:http on 127.0.0.1 (port 0).
//
//   const server = await startArxivServer();
//   const client = createArxivClient({ baseUrl: server.url, minIntervalMs: 20 });
//   server.failNext(2, 503);          // the next two requests answer 503
//   server.resetNext(1);              // then one request has its socket destroyed
//   server.hangNext(1);               // then one request is never answered
//   ... server.requests ...           // what arrived, when (performance.now()), and what it got
//   await server.close();
//
// `GET /api/query?id_list=…`: the recorded response whose id_list is the same is served as recorded
// (status and body). Any other id list is answered like arXiv would: a feed assembled from the
// recorded entries of those ids (ids with no recording are simply absent), sliced by start and
// max_results (default 10, as arXiv); an id that is not in arXiv's id format (or one passed to
// `rejectIds`) gets arXiv's HTTP 400 error feed, "incorrect id format for <id>".
// `search_query=…` requests are served only when recorded with the same start and max_results.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const RECORDED_DIR = fileURLToPath(new URL('../../../shared/data/arxiv/arxiv.py-recorded-2026/', import.meta.url));

export interface ArxivServerRequest {
  /** performance.now() when the request arrived */
  at: number;
  method: string;
  /** path and query as received */
  url: string;
  /** the id_list parameter split on commas (empty when absent) */
  idList: string[];
  start: number | null;
  maxResults: number | null;
  outcome: 'recorded' | 'assembled' | 'error-feed' | 'failed' | 'reset' | 'hang' | 'not-found';
  /** the status sent, null for reset and hang */
  status: number | null;
}

export interface FailOptions {
  body?: string;
  headers?: Record<string, string>;
  /** sets `Retry-After: <seconds>` */
  retryAfter?: number;
}

export interface ArxivServer {
  /** the query endpoint, e.g. http://127.0.0.1:41234/api/query — pass it as the client's baseUrl */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** every request in arrival order, faults included */
  requests: ArxivServerRequest[];
  /** ids (without version) that have a recorded entry and can be asked for in any mix */
  recordedIds: string[];
  /** the next n requests answer `status` (default 503) with a short body */
  failNext(n: number, status?: number, opts?: FailOptions): void;
  /** the next n requests have their socket destroyed without an answer */
  resetNext(n?: number): void;
  /** the next n requests are never answered (until the client gives up or close()) */
  hangNext(n?: number): void;
  /** from now on, these ids get arXiv's 400 error feed ("incorrect id format for <id>") */
  rejectIds(...ids: string[]): void;
  /** forget scripted faults, rejected ids and the request log */
  clear(): void;
  close(): Promise<void>;
}

type Fault =
  | { kind: 'fail'; status: number; body: string; headers: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'hang' };

interface Recording {
  status: number;
  body: Buffer;
}

interface RecordedData {
  /** id_list (decoded, as sent) → response */
  byIdList: Map<string, Recording>;
  /** `search_query|start|max_results` → response */
  bySearch: Map<string, Recording>;
  /** id without version (lower case) → the `<entry>…</entry>` XML */
  entries: Map<string, string>;
}

const RecordingFile = (v: unknown): { url: string; status_code: number; body: string } => {
  const o = v as { url?: unknown; status_code?: unknown; body?: unknown };
  if (typeof o?.url !== 'string' || typeof o.status_code !== 'number' || typeof o.body !== 'string') {
    throw new Error('not a {url, status_code, body} recording');
  }
  return { url: o.url, status_code: o.status_code, body: o.body };
};

/**
 * The recordings hold the body as text decoded as ISO-8859-1 (the recorder's default for XML
 * without a charset), so "Wübben" reads "WÃ¼bben". Re-encoding as Latin-1 gives the original
 * UTF-8 bytes back; fall back to UTF-8 when the text cannot have come from that.
 */
function recordedBytes(body: string): Buffer {
  if (/^[\u0000-\u00ff]*$/.test(body)) {
    const bytes = Buffer.from(body, 'latin1');
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return bytes;
    } catch {
      /* not UTF-8 underneath */
    }
  }
  return Buffer.from(body, 'utf8');
}

const idKey = (id: string): string => id.trim().replace(/v\d+$/i, '').toLowerCase();

/** arXiv's id grammar (new-style and old-style, optional version). */
const ARXIV_ID_FORMAT = /^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?$/i;

let cache: RecordedData | null = null;

function loadRecordings(): RecordedData {
  if (cache) return cache;
  const byIdList = new Map<string, Recording>();
  const bySearch = new Map<string, Recording>();
  const entries = new Map<string, string>();
  const files = readdirSync(RECORDED_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const file of files) {
    let rec: ReturnType<typeof RecordingFile>;
    try {
      rec = RecordingFile(JSON.parse(readFileSync(RECORDED_DIR + file, 'utf8')));
    } catch (err) {
      throw new Error(`arxiv-server: ${RECORDED_DIR}${file}: ${(err as Error).message}`);
    }
    const q = new URL(rec.url).searchParams;
    const recording: Recording = { status: rec.status_code, body: recordedBytes(rec.body) };
    const idList = q.get('id_list') ?? '';
    const search = q.get('search_query') ?? '';
    if (idList !== '' && search === '') byIdList.set(idList, recording);
    else if (search !== '') bySearch.set(`${search}|${q.get('start') ?? '0'}|${q.get('max_results') ?? '10'}`, recording);
    if (rec.status_code !== 200) continue;
    const xml = recording.body.toString('utf8');
    for (const m of xml.matchAll(/<entry>[\s\S]*?<\/entry>/g)) {
      const id = /<id>\s*https?:\/\/arxiv\.org\/abs\/([^<\s]+)\s*<\/id>/.exec(m[0]);
      if (!id) continue;
      const key = idKey(id[1]!);
      if (!entries.has(key)) entries.set(key, m[0]);
    }
  }
  cache = { byIdList, bySearch, entries };
  return cache;
}

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function feedXml(idList: string, start: number, max: number, total: number, entryXml: string[]): string {
  const q = xmlEscape(`search_query=&id_list=${idList}&start=${start}&max_results=${max}`);
  const body = entryXml.map((e) => `  ${e}\n`).join('');
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n` +
    `<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n` +
    `  <id>https://arxiv.org/api/local-test-server</id>\n` +
    `  <title>arXiv Query: ${q}</title>\n` +
    `  <updated>${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}</updated>\n` +
    `  <link href="https://arxiv.org/api/query?${q}" type="application/atom+xml"/>\n` +
    `  <opensearch:itemsPerPage>${max}</opensearch:itemsPerPage>\n` +
    `  <opensearch:totalResults>${total}</opensearch:totalResults>\n` +
    `  <opensearch:startIndex>${start}</opensearch:startIndex>\n` +
    body +
    `</feed>\n`
  );
}

/** The shape of arXiv's recorded HTTP 400 answer for `id_list=abc`. */
function errorFeedXml(badId: string): string {
  const message = `incorrect id format for ${badId}`;
  const anchor = `https://arxiv.org/api/errors#${message.replace(/ /g, '_')}`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n` +
    `<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n` +
    `  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n  <updated>${now}</updated>\n` +
    `  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n  <opensearch:totalResults>1</opensearch:totalResults>\n` +
    `  <opensearch:startIndex>0</opensearch:startIndex>\n  <entry>\n    <id>${xmlEscape(anchor)}</id>\n` +
    `    <title>Error</title>\n    <updated>${now}</updated>\n` +
    `    <link href="${xmlEscape(anchor)}" rel="alternate" type="text/html"/>\n` +
    `    <summary>${xmlEscape(message)}</summary>\n    <author>\n      <name>arXiv api core</name>\n    </author>\n` +
    `  </entry>\n</feed>\n`
  );
}

function intParam(v: string | null): number | null {
  return v !== null && /^\d+$/.test(v) ? Number(v) : null;
}

export async function startArxivServer(): Promise<ArxivServer> {
  const data = loadRecordings();
  const faults: Fault[] = [];
  const rejected = new Set<string>();
  const requests: ArxivServerRequest[] = [];

  const send = (res: ServerResponse, status: number, body: Buffer | string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/atom+xml; charset=utf-8', ...headers });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const at = performance.now();
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = u.searchParams;
    const idListRaw = q.get('id_list') ?? '';
    const entry: ArxivServerRequest = {
      at,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      idList: idListRaw === '' ? [] : idListRaw.split(',').map((s) => s.trim()),
      start: intParam(q.get('start')),
      maxResults: intParam(q.get('max_results')),
      outcome: 'not-found',
      status: null,
    };
    requests.push(entry);

    const fault = faults.shift();
    if (fault?.kind === 'reset') {
      entry.outcome = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      entry.outcome = 'hang';
      return;
    }
    if (fault?.kind === 'fail') {
      entry.outcome = 'failed';
      entry.status = fault.status;
      send(res, fault.status, fault.body, { 'content-type': 'text/plain; charset=utf-8', ...fault.headers });
      return;
    }

    if (u.pathname !== '/api/query' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      entry.status = 404;
      send(res, 404, `no route for ${req.method} ${u.pathname}\n`, { 'content-type': 'text/plain; charset=utf-8' });
      return;
    }

    const search = q.get('search_query') ?? '';
    const start = entry.start ?? 0;
    const max = entry.maxResults ?? 10;
    if (search !== '') {
      const rec = data.bySearch.get(`${search}|${start}|${max}`);
      if (!rec) {
        entry.status = 404;
        send(res, 404, `no recording for search_query=${search} start=${start} max_results=${max}\n`, {
          'content-type': 'text/plain; charset=utf-8',
        });
        return;
      }
      entry.outcome = 'recorded';
      entry.status = rec.status;
      send(res, rec.status, rec.body);
      return;
    }

    const bad = entry.idList.find((id) => !ARXIV_ID_FORMAT.test(id) || rejected.has(idKey(id)));
    const recorded = data.byIdList.get(idListRaw);
    if (recorded && (bad === undefined || !rejected.has(idKey(bad)))) {
      entry.outcome = 'recorded';
      entry.status = recorded.status;
      send(res, recorded.status, recorded.body);
      return;
    }
    if (bad !== undefined) {
      entry.outcome = 'error-feed';
      entry.status = 400;
      send(res, 400, errorFeedXml(bad));
      return;
    }
    const found: string[] = [];
    for (const id of entry.idList) {
      const xml = data.entries.get(idKey(id));
      if (xml) found.push(xml);
    }
    entry.outcome = 'assembled';
    entry.status = 200;
    send(res, 200, feedXml(idListRaw, start, max, found.length, found.slice(start, start + max)));
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/api/query`,
    origin,
    port,
    requests,
    recordedIds: [...data.entries.keys()],
    failNext(n, status = 503, opts = {}) {
      const headers = { ...(opts.headers ?? {}) };
      if (opts.retryAfter !== undefined) headers['retry-after'] = String(opts.retryAfter);
      const body = opts.body ?? `${status} (scripted by arxiv-server)\n`;
      for (let i = 0; i < n; i++) faults.push({ kind: 'fail', status, body, headers });
    },
    resetNext(n = 1) {
      for (let i = 0; i < n; i++) faults.push({ kind: 'reset' });
    },
    hangNext(n = 1) {
      for (let i = 0; i < n; i++) faults.push({ kind: 'hang' });
    },
    rejectIds(...ids) {
      for (const id of ids) rejected.add(idKey(id));
    },
    clear() {
      faults.length = 0;
      rejected.clear();
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
