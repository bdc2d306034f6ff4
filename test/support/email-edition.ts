// What the e-mail tests share: a publishable edition (the seed post for 2024-04-01, its checker
// errors dismissed), subscriber CSVs, a seeded random generator, and the CLI as a child process that
// the test can kill or stop (test/e2e-email.test.ts, test/email-crash.test.ts).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { cli, ROOT, SEED_POST, UPSTREAM_MD } from './cli.js';

export const WEEK = ['--week', '2024-04-01', '--lang', 'ko'];
export const MAIL_FROM = 'Paper digest <digest@example.org>';

/** Imports the upstream list and the Korean seed post, checks it, dismisses the open errors: `publish --allow-drafts` then succeeds. */
export async function prepareEdition(env: Record<string, string>): Promise<void> {
  const steps: string[][] = [
    ['import', 'upstream', UPSTREAM_MD],
    ['import', 'edition', SEED_POST, '--lang', 'ko', '--model', 'GPT'],
    ['check', ...WEEK],
  ];
  for (const args of steps) {
    const r = await cli(args, env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
  }
  const j = JSON.parse((await cli(['check', ...WEEK, '--json'], env)).out) as { checked: Array<{ findings: Array<{ id: number; severity: string; dismissed: boolean }> }> };
  for (const c of j.checked) {
    for (const f of c.findings) {
      if (f.severity !== 'error' || f.dismissed) continue;
      const r = await cli(['findings', 'dismiss', String(f.id), '--by', 't', '--why', 't'], env);
      assert.equal(r.code, 0, r.err);
    }
  }
}

/** email, language, frequency, confirmed */
export type SubscriberLine = [string, string, string, boolean];

/** Writes the CSV `subscribers import` reads and imports it; asserts every row went in. */
export async function importSubscribers(env: Record<string, string>, dir: string, rows: SubscriberLine[], name = 'subscribers.csv'): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, `email,language,frequency,confirmed\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  const r = await cli(['subscribers', 'import', file], env);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`${rows.length} new`));
}

export { random } from './random.js';

export interface Running {
  child: ChildProcessWithoutNullStreams;
  /** resolves when the process has exited and its pipes are closed */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
}

/** `paperboy <args>` as a real process (src/main.ts through tsx), with only the given environment. */
/** A clean environment: nothing of the test runner's, and no way out to the network. */
const childEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PAPERBOY_ARXIV_URL: 'http://127.0.0.1:9/api/query', PAPERBOY_UPSTREAM_URL: 'http://127.0.0.1:9/README.md', ...env });

/** Its output, and how it ended once its pipes are closed. */
function collect(child: ChildProcessWithoutNullStreams): Running['done'] {
  child.stdin.end();
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

export function spawnPaperboy(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/main.ts`, ...args], {
    cwd: ROOT,
    env: childEnv(env),
  });
  const done = collect(child);
  return { child, done };
}

export interface Warm {
  /** resolves once the CLI is loaded and waits for `go` */
  ready: Promise<void>;
  /** starts the command; returns the running process */
  go(): Running;
  /** ends a warm process that was never started */
  discard(): void;
}

/** `paperboy <args>` loaded ahead of time (test/support/warm-paperboy.ts); `go()` runs it. */
export function spawnWarm(args: string[], env: Record<string, string>): Warm {
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}test/support/warm-paperboy.ts`, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
  }) as unknown as ChildProcessWithoutNullStreams;
  const done = collect(child);
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`warm paperboy said ${String(m)}`))));
    void done.then((r) => reject(new Error(`warm paperboy exited before it was ready (${r.signal ?? r.code}): ${r.err}`)));
  });
  ready.catch(() => {});
  return {
    ready,
    go() {
      child.send('go');
      return { child, done };
    },
    discard() {
      child.kill('SIGKILL');
    },
  };
}
