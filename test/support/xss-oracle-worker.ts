// The jsdom oracle in a worker thread (see startOracleWorker in xss-oracle.ts), so reparsing
// overlaps with rendering and the browser on a second core.
import { parentPort } from 'node:worker_threads';
import { dangerousNodes, visibleText, type OracleRequest } from './xss-oracle.js';

const port = parentPort!;
port.on('message', (m: OracleRequest & { id: number }) => {
  let found: string[];
  try {
    found = dangerousNodes(m.html, m.origin, m.opts);
    if (m.literals?.length) {
      const text = visibleText(m.html);
      for (const l of m.literals) if (!text.includes(l.replace(/\s+/g, ' '))) found.push(`not rendered literally: ${JSON.stringify(l)}`);
    }
  } catch (e) {
    found = [`oracle error: ${e instanceof Error ? e.message : String(e)}`];
  }
  port.postMessage({ id: m.id, found });
});
port.postMessage({ ready: true });
