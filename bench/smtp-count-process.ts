// The SMTP sink of bench/email: a real SMTP server (npm smtp-server) in its own process on
// 127.0.0.1 that only counts what it accepts (messages, bytes, distinct recipients) and keeps
// nothing else, so the bench measures the sender and not the sink's disk. The test sink
// (test/support/smtp-sink.ts) appends a JSON line per message; BENCH_EMAIL_SINK=test uses it instead.
// IPC: `ready` (with the port) once listening; `stats` answers a `stats` request.
import { SMTPServer } from 'smtp-server';

let accepted = 0;
let bytes = 0;
let connections = 0;
const recipients = new Set<string>();
let firstAt = 0;
let lastAt = 0;

const server = new SMTPServer({
  secure: false,
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  disableReverseLookup: true,
  logger: false,
  banner: 'paperboy bench sink',
  size: 25 * 1024 * 1024,
  onConnect(_session, callback) {
    connections += 1;
    callback();
  },
  onData(stream, session, callback) {
    let n = 0;
    stream.on('data', (chunk: Buffer) => {
      n += chunk.length;
    });
    stream.on('end', () => {
      accepted += 1;
      bytes += n;
      lastAt = Date.now();
      if (!firstAt) firstAt = lastAt;
      for (const r of session.envelope.rcptTo) recipients.add(r.address);
      callback(null, `OK: queued as ${accepted}`);
    });
  },
});
server.on('error', () => {});

process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send?.({ type: 'stats', accepted, bytes, connections, unique: recipients.size, firstAt, lastAt, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
