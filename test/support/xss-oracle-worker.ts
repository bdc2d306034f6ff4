// The jsdom oracle in a worker thread (see startOracleWorker in xss-oracle.ts), so reparsing
// overlaps with rendering and the browser on a second core.
import { parentPort } from 'node:worker_threads';
import { inspect, type OracleRequest } from './xss-oracle.js';

const port = parentPort!;
port.on('message', (m: OracleRequest & { id: number }) => {
  let found: string[];
  try {
    found = inspect(m);
  } catch (e) {
    found = [`oracle error: ${e instanceof Error ? e.message : String(e)}`];
  }
  port.postMessage({ id: m.id, found });
});
port.postMessage({ ready: true });
