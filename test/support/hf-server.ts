// A local stand-in for the Hugging Face daily papers API (huggingface.co/api/daily_papers?date=D), for
// tests: the recorded answers in ../shared/data/hf/…/paper_metadata_download_as_api_json/D.json are
// served as recorded; a day with no recording answers [] (as the API does for a day without papers).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SHARED } from './cli.js';

export const HF_DIR = `${SHARED}data/hf/jeongiin_hf-daily-paper-korean-autoflow/paper_metadata_download_as_api_json/`;

export interface HfServer {
  /** the site: pass it as PAPERBOY_HF_URL */
  url: string;
  /** the date= of every request, in order */
  dates: string[];
  /** when set, every request answers this status */
  failWith: number | null;
  close(): Promise<void>;
}

/** GET /api/daily_papers?date=D answers the recorded answer of that day, or [] for a day not recorded. */
export async function startHfServer(): Promise<HfServer> {
  const s: HfServer = { url: '', dates: [], failWith: null, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const date = u.searchParams.get('date') ?? '';
    s.dates.push(date);
    if (s.failWith) {
      res.writeHead(s.failWith, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    if (u.pathname !== '/api/daily_papers' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      res.writeHead(404).end();
      return;
    }
    let body = '[]';
    try {
      body = readFileSync(`${HF_DIR}${date}.json`, 'utf8');
    } catch {}
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.close = () => new Promise((r) => server.close(() => r()));
  return s;
}

