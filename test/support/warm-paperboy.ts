// `paperboy <args>` started warm, for the crash tests: this process loads the CLI (src/main.ts and
// everything it imports, ~2.5 s of the ~3 s a cold start takes), says `ready` over IPC, and runs
// main() with its own arguments and environment only when the test sends `go`. So the next run's
// module loading overlaps with the current run and a restart after a kill costs what a restart of a
// loaded service costs. From `go` on it is src/main.ts's entry block (the same signal handling, the
// same Io): a real process, killed for real.
import type { Io } from '../../src/cli/deps.js';
import { main } from '../../src/main.js';
import { describeError } from '../../src/errors.js';

const io: Io = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  isTTY: () => !!process.stderr.isTTY,
  status: (s) => process.stderr.write(`\r\x1b[2K${s}`),
};
const controller = new AbortController();
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.once('SIGTERM', () => controller.abort());

process.once('message', (m) => {
  if (m !== 'go') process.exit(2);
  process.disconnect();
  main(process.argv.slice(2), process.env, io, controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      io.err(describeError(e, process.env.PAPERBOY_DEBUG === '1'));
      process.exitCode = 1;
    },
  );
});
process.send?.('ready');
