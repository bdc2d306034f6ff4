// `paperboy <args>` started warm, for the crash tests: this process loads the CLI (src/main.ts and
// everything it imports, ~2.5 s of the ~3 s a cold start takes), says `ready` over IPC, and runs
// it with its own arguments and environment only when the test sends `go`. So the next run's
// module loading overlaps with the current run and a restart after a kill costs what a restart of a
// loaded service costs. From `go` on it is src/main.ts's own entry (runAsProcess: the same signal
// handling, the same Io): a real process, killed for real.
import { runAsProcess } from '../../src/main.js';

process.once('message', (m) => {
  if (m !== 'go') process.exit(2);
  process.disconnect();
  runAsProcess();
});
process.send?.('ready');
