// The desk's side of the XSS suite in a worker thread (see startDeskSite in xss-desk.ts): its own
// store, app and server, so the desk's renders (the app's work on every form the readers and the
// editor send) overlap with the public site's on the main thread. Renders and problems are posted
// to the main thread as they come, for the oracles there.
import { parentPort, workerData } from 'node:worker_threads';
import { createWebApp } from '../../src/web/app.js';
import { XSS_PAYLOADS } from '../fixtures/xss-payloads.js';
import { serveApp, type Served } from './browser.js';
import { openSqlite, type TestStore } from './stores.js';
import { collectDeskRenders, deskLogin, seedDesk, type DeskSiteMessage, type DeskSiteOptions } from './xss-desk.js';
import { recordingApp } from './xss-sinks.js';

const port = parentPort!;
const opts = workerData as DeskSiteOptions;
const post = (m: DeskSiteMessage) => port.postMessage(m);
const fail = (e: unknown) => post({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });

let d: TestStore | null = null;
let site: Served | null = null;

try {
  d = await openSqlite();
  const store = d.store;
  const seed = await seedDesk(store, d.env, XSS_PAYLOADS, { firstMonday: opts.firstMonday, perEdition: opts.perEdition });
  const app = createWebApp({ store, baseUrl: opts.baseUrl, defaultLang: 'ko', trustProxy: true, logError: (e) => console.error(e) });
  const standalone: string[] = [];
  const served = await serveApp(recordingApp(app, standalone));
  site = served;
  const session = await deskLogin(app);
  const published = (await store.getPublications({ channel: 'web' })).length;
  port.on('message', (m: { type: 'run' | 'close' }) => {
    if (m.type === 'run') {
      collectDeskRenders({
        store,
        url: served.url,
        session,
        editions: seed.editions,
        items: seed.items,
        standalone: (html) => `${served.url}/__xss/render/${standalone.push(html) - 1}`,
        add: (render, as) => post({ type: 'render', render, as }),
        problem: (violation) => post({ type: 'problem', violation }),
        paperPageEvery: opts.paperPageEvery,
      }).then((stats) => post({ type: 'done', stats }), fail);
    } else {
      void (async () => {
        await site?.close();
        await d?.cleanup();
        post({ type: 'closed' });
      })();
    }
  });
  post({ type: 'ready', url: served.url, session, editions: seed.editions, items: seed.items.length, published });
} catch (e) {
  fail(e);
}
