// `paperboy serve`: the web archive on a local port until Ctrl-C.
import { serve } from '@hono/node-server';
import { describeError, usage } from '../errors.js';
import { createWebApp } from '../web/app.js';
import type { Deps, Outcome } from './deps.js';

export async function serveCommand(deps: Deps, opts: { port?: string; host?: string }): Promise<Outcome> {
  const port = Number(opts.port ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage(`--port ${opts.port}: expected a port number`);
  const host = opts.host ?? '127.0.0.1';
  const store = await deps.store();
  const app = createWebApp({ store, topics: deps.topics(), forum: deps.config.discourseUrl ? () => deps.forum() : undefined, baseUrl: deps.config.baseUrl, defaultLang: deps.config.lang, trustProxy: deps.config.trustProxy, mailWebhookSecret: deps.config.mailWebhookSecret, log: (line) => deps.io.err(`serve: ${line}`), now: () => deps.now(), logError: (e) => deps.io.err(`serve: ${describeError(e, deps.config.debug)}`) });
  const server = serve({ fetch: app.fetch, port, hostname: host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (e: NodeJS.ErrnoException) => reject(usage(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`)));
  });
  const addr = server.address();
  deps.io.err(`serve: the archive is at http://${host}:${typeof addr === 'object' && addr ? addr.port : port}/ (Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    if (deps.interrupt?.aborted) resolve();
    deps.interrupt?.addEventListener('abort', () => resolve(), { once: true });
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { exitCode: 0 };
}
