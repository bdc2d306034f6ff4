// The SMTP sink itself: a real nodemailer client against the sink process, each scripted behaviour once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { readSinkFile, startSmtpSink, type SmtpSink } from './smtp-sink.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const mail = (n: number, to = 'reader@example.org') => ({
  from: 'paperboy@example.org',
  to,
  subject: `test ${n}`,
  text: `body ${n}`,
  messageId: `<sink-${n}@example.org>`,
});

function client(url: string) {
  return nodemailer.createTransport({ url, pool: true, maxRequeues: 0, socketTimeout: 400, greetingTimeout: 2000, connectionTimeout: 2000, logger: false });
}

async function failure(p: Promise<unknown>): Promise<{ code?: string; originalCode?: string; responseCode?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; originalCode?: string; responseCode?: number; message: string };
  }
  assert.fail('expected the send to fail');
}

describe('smtp sink', () => {
  let sink: SmtpSink;
  let transport: ReturnType<typeof client>;
  before(async () => {
    sink = await startSmtpSink({ keepRaw: true });
    transport = client(sink.url);
  });
  after(async () => {
    transport.close();
    await sink.stop();
  });

  it('accepts with 250 and records the message durably, one JSON line each', async () => {
    const info = await transport.sendMail(mail(1));
    assert.match(info.response, /^250 /);
    const [m] = sink.messages();
    assert.ok(m);
    assert.equal(m.messageId, '<sink-1@example.org>');
    assert.equal(m.from, 'paperboy@example.org');
    assert.deepEqual(m.to, ['reader@example.org']);
    assert.ok(m.raw?.includes('Subject: test 1'));
    assert.equal(m.size, Buffer.byteLength(m.raw ?? ''));
    assert.ok(Math.abs(Date.now() - m.at) < 10_000);
    assert.equal(readFileSync(sink.file, 'utf8').trim().split('\n').length, 1);
    assert.match(sink.url, /^smtp:\/\/127\.0\.0\.1:\d+$/);
  });

  it('rejects with a scripted 550 at RCPT for a matching address only, and records nothing for it', async () => {
    await sink.script({ rules: [{ match: '/^gone-\\d+@example\\.org$/', on: 'rcpt', action: { reply: 550 } }] });
    const e = await failure(transport.sendMail(mail(2, 'gone-7@example.org')));
    assert.equal(e.responseCode, 550);
    assert.match(e.message, /5\.1\.1/);
    await transport.sendMail(mail(3));
    assert.deepEqual(sink.messages().map((m) => m.messageId), ['<sink-1@example.org>', '<sink-3@example.org>']);
  });

  it('answers the end of DATA with a scripted code, with `times` and failEvery', async () => {
    await sink.script({ rules: [{ action: { reply: 451, message: '4.3.0 try later' }, times: 1 }] });
    const e = await failure(transport.sendMail(mail(4)));
    assert.equal(e.responseCode, 451);
    assert.match(e.message, /451 4\.3\.0 try later/);
    await transport.sendMail(mail(4)); // the rule is spent
    await sink.script({ failEvery: 3 });
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await transport.sendMail(mail(100 + i)).then(() => 'ok', (err: { responseCode?: number }) => err.responseCode));
    assert.deepEqual(outcomes, ['ok', 'ok', 451, 'ok', 'ok', 451]);
  });

  it('drop resets the connection without an answer and records nothing', async () => {
    await sink.script({ rules: [{ match: 'reader@example.org', action: 'drop' }] });
    const before = sink.messages().length;
    const e = await failure(transport.sendMail(mail(5)));
    assert.ok(['ECONNECTION', 'ESOCKET'].includes(e.code ?? ''), `code ${e.code}`);
    assert.equal(e.responseCode, undefined);
    assert.equal(sink.messages().length, before);
  });

  it('drop-after-accept records the message but the client never sees the 250', async () => {
    await sink.script({ rules: [{ action: 'drop-after-accept' }] });
    const e = await failure(transport.sendMail(mail(6)));
    assert.equal(e.responseCode, undefined);
    const last = sink.messages().at(-1);
    assert.equal(last?.messageId, '<sink-6@example.org>');
    assert.equal(last?.droppedAfterAccept, true);
  });

  it('stall never answers, latencyMs delays the answer, and stats count it all', async () => {
    await sink.script({ rules: [{ action: 'stall' }] });
    const e = await failure(transport.sendMail(mail(7)));
    assert.equal(e.code, 'ETIMEDOUT');
    await sink.script({ latencyMs: 200 });
    const t0 = Date.now();
    await transport.sendMail(mail(8));
    assert.ok(Date.now() - t0 >= 190);
    const stats = await sink.stats();
    assert.equal(stats.stalled, 1);
    assert.equal(stats.accepted, sink.messages().length);
    assert.ok(stats.dropped >= 2);
  });

  it('with auth: the right password is accepted, a wrong one and authFail get 535', async () => {
    const authSink = await startSmtpSink({ auth: { user: 'sender', pass: 's3cret' } });
    const url = (pass: string) => `smtp://sender:${pass}@127.0.0.1:${authSink.port}`;
    const good = client(url('s3cret'));
    const bad = client(url('wrong'));
    try {
      await good.sendMail(mail(9));
      assert.equal((await failure(bad.sendMail(mail(10)))).responseCode, 535);
      await authSink.script({ authFail: true });
      const fresh = client(url('s3cret'));
      assert.equal((await failure(fresh.sendMail(mail(11)))).code, 'EAUTH');
      fresh.close();
      assert.deepEqual(authSink.messages().map((m) => m.messageId), ['<sink-9@example.org>']);
      assert.equal(authSink.messages()[0]?.raw, undefined); // keepRaw off
    } finally {
      good.close();
      bad.close();
      await authSink.stop();
    }
  });

  it('keeps serving after the process that started it is killed', async () => {
    // a starter process: starts a sink, reports it, waits to be killed
    const code = [
      "import { startSmtpSink } from './test/support/smtp-sink.ts';",
      'const s = await startSmtpSink({ orphanGraceMs: 30000 });',
      'console.log(JSON.stringify({ port: s.port, pid: s.pid, file: s.file }));',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const starter = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: starter.stdout! });
    const [first] = (await once(lines, 'line')) as [string];
    lines.close();
    const orphan = JSON.parse(first) as { port: number; pid: number; file: string };
    try {
      starter.kill('SIGKILL');
      await once(starter, 'exit');
      const t = client(`smtp://127.0.0.1:${orphan.port}`);
      try {
        await t.sendMail(mail(12));
      } finally {
        t.close();
      }
      assert.deepEqual(readSinkFile(orphan.file).map((m) => m.messageId), ['<sink-12@example.org>']);
    } finally {
      process.kill(orphan.pid, 'SIGKILL');
    }
  });

  it('stop() kills the sink process', async () => {
    const s = await startSmtpSink();
    assert.doesNotThrow(() => process.kill(s.pid, 0));
    await s.stop();
    assert.throws(() => process.kill(s.pid, 0));
  });
});
