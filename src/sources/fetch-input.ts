// Reads an input named on the command line: a local file or an http(s) URL. The only file/HTTP reader of inputs.
import { readFile, stat } from 'node:fs/promises';
import { PaperboyError } from '../errors.js';
import type { Fetcher } from '../ports.js';

const MAX_BYTES = 32 * 1024 * 1024;

export function createFetcher(opts: { timeoutMs: number; fetch?: typeof fetch }): Fetcher {
  const doFetch = opts.fetch ?? fetch;
  return {
    async read(fileOrUrl: string) {
      if (/^https?:\/\//i.test(fileOrUrl)) {
        let res: Response;
        try {
          res = await doFetch(fileOrUrl, { signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'follow' });
        } catch (e) {
          const cause = describeFetchFailure(e);
          throw new PaperboyError('FETCH_FAILED', `could not fetch ${fileOrUrl}: ${cause === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : cause}`, { retryable: true, cause: e });
        }
        if (!res.ok) throw new PaperboyError('FETCH_FAILED', `could not fetch ${fileOrUrl}: HTTP ${res.status} ${res.statusText}`.trim(), { retryable: res.status >= 500 || res.status === 429 });
        const declared = Number(res.headers.get('content-length') ?? '0');
        if (declared > MAX_BYTES) throw new PaperboyError('INPUT_INVALID', `${fileOrUrl}: too large (${declared} bytes; the limit is ${MAX_BYTES})`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (bytes.length > MAX_BYTES) throw new PaperboyError('INPUT_INVALID', `${fileOrUrl}: too large (${bytes.length} bytes; the limit is ${MAX_BYTES})`);
        return { bytes, where: fileOrUrl };
      }
      let size: number;
      try {
        const s = await stat(fileOrUrl);
        if (s.isDirectory()) throw new PaperboyError('INPUT_INVALID', `${fileOrUrl} is a folder, not a file`);
        size = s.size;
      } catch (e) {
        if (e instanceof PaperboyError) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new PaperboyError('INPUT_NOT_FOUND', `file not found: ${fileOrUrl}`);
        throw new PaperboyError('INPUT_INVALID', `cannot read ${fileOrUrl}: ${code ?? (e as Error).message}`);
      }
      if (size > MAX_BYTES) throw new PaperboyError('INPUT_INVALID', `${fileOrUrl}: too large (${size} bytes; the limit is ${MAX_BYTES})`);
      try {
        return { bytes: new Uint8Array(await readFile(fileOrUrl)), where: fileOrUrl };
      } catch (e) {
        throw new PaperboyError('INPUT_INVALID', `cannot read ${fileOrUrl}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    },
  };
}

/** undici hides the reason in `cause` (sometimes an AggregateError of per-address errors). */
function describeFetchFailure(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } };
  if (err.name === 'TimeoutError') return 'TimeoutError';
  return err.cause?.code ?? err.cause?.errors?.find((x) => x.code)?.code ?? err.cause?.message ?? err.message ?? String(e);
}
