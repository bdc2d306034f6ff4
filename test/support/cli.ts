// Runs paperboy's CLI in-process (fast) or as a real process (exit codes, stderr, no stack traces).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/main.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const UPSTREAM_MD = `${SHARED}data/upstream/dair-ai/README.md`;
export const UPSTREAM_CSV = `${SHARED}data/upstream/dair-ai/ml-potw-10232023.csv`;
export const SEED_POST = `${SHARED}seed/000_a9127735c741dfde.txt`;

/** Options that keep a test off the network whatever the machine's environment says. */
const OFFLINE = { PAPERBOY_ARXIV_URL: 'http://127.0.0.1:9/api/query', PAPERBOY_UPSTREAM_URL: 'http://127.0.0.1:9/README.md', PAPERBOY_ARXIV_INTERVAL_MS: '0' };

/** `stdin` is what the command reads from standard input (`--password-stdin`); empty when not given. */
export async function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { ...OFFLINE, ...env }, { out: (s) => out.push(s), err: (s) => err.push(s), readStdin: async () => stdin });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export function spawnCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/main.ts`, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...OFFLINE, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
  });
}
