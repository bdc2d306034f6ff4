import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PaperboyError } from '../../errors.js';
import type { MailFailure, OutgoingMail } from '../../ports.js';
import { parseMail, startSmtpSink, type SinkMessage, type SmtpSink } from '../../../test/support/smtp-sink.js';
import { SmtpFailure, classifySmtpError, createSmtpMailer, isMailFailure, parseSmtpUrl } from './smtp.js';

const SUBJECT = '이번 주 ML 논문 — 2024-05-06';
const UNSUB = '<https://paperboy.example.org/u/tok123>, <mailto:unsubscribe@paperboy.example.org?subject=tok123>';

function mail(n: number | string, over: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    from: 'Paperboy <news@paperboy.example.org>',
    to: 'reader@example.org',
    subject: SUBJECT,
    text: `안녕하세요 ${n}\n구독 해지: https://paperboy.example.org/u/tok123`,
    html: `<p>안녕하세요 ${n}</p><p><a href="https://paperboy.example.org/u/tok123">구독 해지</a></p>`,
    messageId: `<delivery-${n}@paperboy.example.org>`,
    headers: {
      'List-Unsubscribe': UNSUB,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': 'Paperboy weekly <weekly.paperboy.example.org>',
    },
    ...over,
  };
}

async function failure(p: Promise<unknown>): Promise<MailFailure> {
  try {
    await p;
  } catch (e) {
    assert.ok(isMailFailure(e), `expected a MailFailure, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the send to fail');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 9;
}

const byId = (sink: SmtpSink, id: string): SinkMessage[] => sink.messages().filter((m) => m.messageId === id);

describe('parseSmtpUrl', () => {
  it('reads scheme, host, port, credentials and requireTLS', () => {
    assert.deepEqual(parseSmtpUrl('smtp://mail.example.org').options, { host: 'mail.example.org', port: 587, secure: false });
    const t = parseSmtpUrl('smtps://news%40example.org:p%2Fss@mail.example.org');
    assert.deepEqual(t.options, { host: 'mail.example.org', port: 465, secure: true, auth: { user: 'news@example.org', pass: 'p/ss' } });
    assert.equal(t.server, 'mail.example.org:465');
    assert.equal(parseSmtpUrl('smtp://u:p@h:2525?requireTLS=true').options.requireTLS, true);
    assert.deepEqual(parseSmtpUrl('smtp://h:25?tls.rejectUnauthorized=false').options.tls, { rejectUnauthorized: false });
  });

  it('refuses a bad URL with CONFIG_INVALID naming PAPERBOY_SMTP_URL, never the password', () => {
    for (const url of [
      'not a url hunter2',
      'http://u:hunter2@mail.example.org',
      'smtp://u:hunter2@mail.example.org/path',
      'smtp://u:hunter2@mail.example.org?requireTLS=yes',
      'smtp://u:hunter2@mail.example.org?pool=true',
      'smtp://:hunter2@mail.example.org',
      'smtp://u:%E0%A4%A@mail.example.org',
    ]) {
      assert.throws(
        () => parseSmtpUrl(url),
        (e: unknown) => e instanceof PaperboyError && e.code === 'CONFIG_INVALID' && e.message.includes('PAPERBOY_SMTP_URL') && !e.message.includes('hunter2'),
        url,
      );
    }
    assert.throws(() => createSmtpMailer({ url: 'ftp://x' }), /PAPERBOY_SMTP_URL has the scheme "ftp"/);
  });
});

describe('classifySmtpError', () => {
  const ctx = { to: 'a@b.c', server: 'mail.example.org:587', timeoutMs: 1000, password: 'hunter2' };
  const cases: Array<[string, Record<string, unknown>, MailFailure['kind'], number | null]> = [
    ['451 at DATA', { code: 'EMESSAGE', responseCode: 451, command: 'DATA', response: '451 4.3.0 try later' }, 'temporary', 451],
    ['421 at greeting', { code: 'ECONNECTION', responseCode: 421, command: 'CONN', response: '421 4.3.2 busy' }, 'temporary', 421],
    ['452 at RCPT', { code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO', response: '452 4.2.2 over quota' }, 'temporary', 452],
    ['550 at RCPT', { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 no such user' }, 'permanent', 550],
    ['554 at DATA', { code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 spam' }, 'permanent', 554],
    ['503 bad sequence', { code: 'EMESSAGE', responseCode: 503, command: 'DATA', response: '503 5.5.1 need RCPT' }, 'temporary', 503],
    ['554 greeting refuses us', { code: 'ECONNECTION', responseCode: 554, command: 'CONN', response: '554 no service' }, 'unavailable', 554],
    ['550 sender refused', { code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM', response: '550 5.7.1 sender denied' }, 'unavailable', 550],
    ['535 login', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 5.7.8 bad credentials hunter2' }, 'unavailable', 535],
    ['530 auth required', { code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM', response: '530 auth required' }, 'unavailable', 530],
    ['534 / 538', { code: 'EAUTH', responseCode: 538, command: 'AUTH PLAIN', response: '538 5.7.11 encryption required' }, 'unavailable', 538],
    ['EAUTH without a reply', { code: 'EAUTH', message: 'Missing credentials for "PLAIN"' }, 'unavailable', null],
    ['refused', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'unavailable', null],
    ['unknown host', { code: 'EDNS', originalCode: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }, 'unavailable', null],
    ['unreachable', { code: 'ESOCKET', originalCode: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH' }, 'unavailable', null],
    ['STARTTLS refused', { code: 'ETLS', responseCode: 500, command: 'STARTTLS', response: '500 unknown command' }, 'unavailable', 500],
    ['bad certificate', { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'unavailable', null],
    ['smtps:// to a plain port', { code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number' }, 'unavailable', null],
    ['reset', { code: 'ESOCKET', originalCode: 'ECONNRESET', message: 'read ECONNRESET' }, 'temporary', null],
    ['broken pipe', { code: 'ESOCKET', originalCode: 'EPIPE', message: 'write EPIPE' }, 'temporary', null],
    ['closed', { code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 'temporary', null],
    ['greeting timeout', { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', message: 'Greeting never received' }, 'temporary', null],
    ['socket timeout', { code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', message: 'Timeout' }, 'temporary', null],
    ['something else', { code: 'EPROTOCOL', message: 'Invalid greeting' }, 'temporary', null],
    ['not an error at all', { message: 'boom' }, 'temporary', null],
  ];
  for (const [name, err, kind, code] of cases) {
    it(`${name} → ${kind}`, () => {
      const f = classifySmtpError(Object.assign(new Error(String(err.message ?? 'x')), err), ctx);
      assert.ok(f instanceof SmtpFailure);
      assert.ok(isMailFailure(f));
      assert.equal(f.kind, kind);
      assert.equal(f.smtpCode, code);
      assert.match(f.message, /^SMTP /);
      assert.match(f.message, /a@b\.c/);
      assert.doesNotMatch(f.message, /hunter2/);
      if (typeof err.response === 'string' && kind !== 'unavailable') assert.ok(f.message.startsWith(`SMTP ${err.response}`), f.message);
    });
  }
});

describe('SMTP mailer against the sink process', () => {
  let sink: SmtpSink;
  let mailer: ReturnType<typeof createSmtpMailer>;
  let first: { response: string };
  before(async () => {
    sink = await startSmtpSink({ keepRaw: true });
    mailer = createSmtpMailer({ url: sink.url, timeoutMs: 2000, maxConnections: 2 });
    first = await mailer.send(mail(1)); // read by the first tests
  });
  after(async () => {
    await mailer.close();
    await sink.stop();
  });

  it('is accepted with 250 and recorded once with the same Message-ID', () => {
    assert.match(first.response, /^250 /);
    const got = byId(sink, '<delivery-1@paperboy.example.org>');
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]?.to, ['reader@example.org']);
    assert.equal(got[0]?.from, 'news@paperboy.example.org');
    assert.equal(mailer.kind, 'smtp');
  });

  it('is multipart/alternative with a text/plain and a text/html part, in UTF-8', () => {
    const parsed = parseMail(byId(sink, '<delivery-1@paperboy.example.org>')[0]?.raw ?? '');
    assert.match(parsed.get('content-type')[0] ?? '', /^multipart\/alternative;/);
    assert.deepEqual(
      parsed.parts.map((p) => p.contentType),
      ['text/plain; charset=utf-8', 'text/html; charset=utf-8'],
    );
    assert.equal(parsed.parts[0]?.body, mail(1).text.replace(/\n/g, '\r\n'));
    assert.equal(parsed.parts[1]?.body, mail(1).html);
  });

  it('encodes the Korean subject as RFC 2047 words that decode back', () => {
    const raw = byId(sink, '<delivery-1@paperboy.example.org>')[0]?.raw ?? '';
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    assert.match(head, /^[\x20-\x7e\r\n\t]*$/, 'headers are 7-bit ASCII');
    const parsed = parseMail(raw);
    assert.match(parsed.get('subject')[0] ?? '', /^=\?UTF-8\?[BQ]\?/);
    assert.equal(parsed.subject, SUBJECT);
  });

  it('carries List-Unsubscribe, List-Unsubscribe-Post and List-Id exactly once, verbatim', () => {
    const parsed = parseMail(byId(sink, '<delivery-1@paperboy.example.org>')[0]?.raw ?? '');
    assert.deepEqual(parsed.get('list-unsubscribe'), [UNSUB]);
    assert.deepEqual(parsed.get('list-unsubscribe-post'), ['List-Unsubscribe=One-Click']);
    assert.deepEqual(parsed.get('list-id'), ['Paperboy weekly <weekly.paperboy.example.org>']);
    assert.deepEqual(parsed.get('message-id'), ['<delivery-1@paperboy.example.org>']);
    const date = Date.parse(parsed.get('date')[0] ?? '');
    assert.ok(Math.abs(Date.now() - date) < 60_000, 'Date is now');
  });

  it('has exactly the expected header set, even with CRLF + Bcc in the subject and a header value', async () => {
    const evil = mail('evil', {
      subject: 'Weekly\r\nBcc: x@y.z',
      headers: { ...mail('evil').headers, 'X-Paperboy-Edition': '2024-05-06\r\nBcc: x@y.z' },
    });
    await mailer.send(evil);
    const [got] = byId(sink, evil.messageId);
    assert.ok(got?.raw);
    assert.deepEqual(got.to, ['reader@example.org'], 'nobody else in the envelope');
    const parsed = parseMail(got.raw);
    assert.deepEqual(
      parsed.headers.map((h) => h.name.toLowerCase()).sort(),
      ['content-type', 'date', 'from', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post', 'message-id', 'mime-version', 'subject', 'to', 'x-paperboy-edition'],
    );
    assert.doesNotMatch(got.raw, /^bcc:/im);
    assert.doesNotMatch(parsed.subject, /[\r\n]/);
    assert.match(parsed.subject, /^Weekly\s+Bcc: x@y\.z$/);
  });

  it('refuses a malformed mail before it reaches the server (a bug, not a delivery failure)', async () => {
    const before = sink.messages().length;
    for (const bad of [
      mail('b1', { headers: { Bcc: 'x@y.z' } }),
      mail('b2', { headers: { 'list-id': 'a', 'List-Id': 'b' } }),
      mail('b3', { headers: { 'Bad Name': 'x' } }),
      mail('b4', { to: 'reader@example.org, other@example.org' }),
      mail('b5', { to: 'not an address' }),
      mail('b6', { messageId: 'no-brackets@example.org' }),
    ]) {
      await assert.rejects(mailer.send(bad), (e: unknown) => e instanceof PaperboyError && e.code === 'INPUT_INVALID' && !isMailFailure(e));
    }
    assert.equal(sink.messages().length, before);
  });

  it('451 → temporary, with what the server said', async () => {
    await sink.script({ rules: [{ action: { reply: 451, message: '4.3.0 try later' } }] });
    const f = await failure(mailer.send(mail(2)));
    assert.equal(f.kind, 'temporary');
    assert.equal(f.smtpCode, 451);
    assert.equal(f.message, 'SMTP 451 4.3.0 try later (to reader@example.org)');
  });

  it('421 → temporary', async () => {
    await sink.script({ rules: [{ action: { reply: 421 } }] });
    const f = await failure(mailer.send(mail(3)));
    assert.deepEqual([f.kind, f.smtpCode], ['temporary', 421]);
  });

  it('550 at RCPT and 554 at DATA → permanent with the code', async () => {
    await sink.script({ rules: [{ match: 'gone@example.org', on: 'rcpt', action: { reply: 550 } }, { match: 'spam@example.org', action: { reply: 554 } }] });
    const f = await failure(mailer.send(mail(4, { to: 'gone@example.org' })));
    assert.deepEqual([f.kind, f.smtpCode], ['permanent', 550]);
    assert.equal(f.message, 'SMTP 550 5.1.1 Mailbox unavailable (to gone@example.org)');
    const g = await failure(mailer.send(mail(5, { to: 'Spam Lover <spam@example.org>' })));
    assert.deepEqual([g.kind, g.smtpCode], ['permanent', 554]);
    assert.match(g.message, /\(to spam@example\.org\)$/);
    await mailer.send(mail(6)); // other recipients still go through
    assert.equal(byId(sink, '<delivery-6@paperboy.example.org>').length, 1);
  });

  it('a dropped connection → temporary, and the next send goes through on a new connection', async () => {
    await sink.script({ rules: [{ action: 'drop', times: 1 }] });
    const f = await failure(mailer.send(mail(7)));
    assert.deepEqual([f.kind, f.smtpCode], ['temporary', null]);
    assert.equal(byId(sink, '<delivery-7@paperboy.example.org>').length, 0);
    await mailer.send(mail(7));
    assert.equal(byId(sink, '<delivery-7@paperboy.example.org>').length, 1);
  });

  it('250 lost after the sink accepted (uncertain) → temporary; a re-send reuses the Message-ID and nodemailer never re-sends by itself', async () => {
    await sink.script({ rules: [{ action: 'drop-after-accept', times: 1 }] });
    const f = await failure(mailer.send(mail(8)));
    assert.equal(f.kind, 'temporary');
    assert.match(f.message, /may or may not have been accepted/);
    await new Promise((r) => setTimeout(r, 300)); // time for a requeue, were there one
    assert.equal(byId(sink, '<delivery-8@paperboy.example.org>').length, 1);
    await mailer.send(mail(8));
    const copies = byId(sink, '<delivery-8@paperboy.example.org>');
    assert.deepEqual(copies.map((m) => m.droppedAfterAccept ?? false), [true, false]);
  });

  it('a stalled server → temporary within a bounded time', async () => {
    const quick = createSmtpMailer({ url: sink.url, timeoutMs: 300 });
    try {
      await sink.script({ rules: [{ action: 'stall' }] });
      const t0 = Date.now();
      const f = await failure(quick.send(mail(9)));
      const took = Date.now() - t0;
      assert.deepEqual([f.kind, f.smtpCode], ['temporary', null]);
      assert.match(f.message, /stopped answering within 300 ms/);
      assert.ok(took >= 250 && took < 2000, `took ${took} ms`);
    } finally {
      await quick.close();
      await sink.script({});
    }
  });

  it('50 sends in parallel over 2 pooled connections are all accepted', async () => {
    await sink.script({ latencyMs: 5 });
    const before = (await sink.stats()).connections;
    const pooled = createSmtpMailer({ url: sink.url, maxConnections: 2, timeoutMs: 5000 });
    try {
      const ids = Array.from({ length: 50 }, (_, i) => `pool-${i}`);
      const results = await Promise.all(ids.map((id) => pooled.send(mail(id, { to: `r${id}@example.org` }))));
      assert.ok(results.every((r) => r.response.startsWith('250 ')));
      for (const id of ids) assert.equal(byId(sink, `<delivery-${id}@paperboy.example.org>`).length, 1, id);
      assert.ok((await sink.stats()).connections - before <= 2, 'at most 2 connections');
    } finally {
      await pooled.close();
      await sink.script({});
    }
  });

  it('a closed mailer refuses to send', async () => {
    const m = createSmtpMailer({ url: sink.url });
    await m.close();
    const f = await failure(m.send(mail(10)));
    assert.equal(f.kind, 'unavailable');
  });
});

describe('SMTP mailer: servers it cannot use', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink({ auth: { user: 'news', pass: 'right-pass' } });
  });
  after(async () => {
    await sink.stop();
  });
  const withMailer = async (url: string, fn: (m: ReturnType<typeof createSmtpMailer>) => Promise<void>) => {
    const m = createSmtpMailer({ url, timeoutMs: 2000 });
    try {
      await fn(m);
    } finally {
      await m.close();
    }
  };

  it('logs in with the credentials from the URL', async () => {
    await withMailer(`smtp://news:right-pass@127.0.0.1:${sink.port}`, async (m) => {
      assert.match((await m.send(mail(20))).response, /^250 /);
    });
  });

  it('a wrong password (535) → unavailable, without the password in the message', async () => {
    await withMailer(`smtp://news:wrong-pass@127.0.0.1:${sink.port}`, async (m) => {
      const f = await failure(m.send(mail(21)));
      assert.deepEqual([f.kind, f.smtpCode], ['unavailable', 535]);
      assert.match(f.message, /^SMTP login to 127\.0\.0\.1:\d+ failed: 535 5\.7\.8/);
      assert.doesNotMatch(f.message + String(f.stack), /wrong-pass/);
    });
  });

  it('no credentials where they are required (530) → unavailable', async () => {
    await withMailer(sink.url, async (m) => {
      const f = await failure(m.send(mail(22)));
      assert.deepEqual([f.kind, f.smtpCode], ['unavailable', 530]);
    });
  });

  it('requireTLS against a server without STARTTLS → unavailable', async () => {
    await withMailer(`smtp://news:right-pass@127.0.0.1:${sink.port}?requireTLS=true`, async (m) => {
      const f = await failure(m.send(mail(23)));
      assert.equal(f.kind, 'unavailable');
      assert.match(f.message, /TLS/);
    });
  });

  it('STARTTLS when offered; an untrusted certificate → unavailable unless tls.rejectUnauthorized=false', async () => {
    const tlsSink = await startSmtpSink({ starttls: true });
    try {
      await withMailer(tlsSink.url, async (m) => {
        const f = await failure(m.send(mail(24)));
        assert.equal(f.kind, 'unavailable');
        assert.match(f.message, /TLS/);
      });
      await withMailer(`${tlsSink.url}?requireTLS=true&tls.rejectUnauthorized=false`, async (m) => {
        assert.match((await m.send(mail(25))).response, /^250 /);
      });
      assert.deepEqual(tlsSink.messages().map((x) => x.messageId), ['<delivery-25@paperboy.example.org>']);
    } finally {
      await tlsSink.stop();
    }
  });

  it('smtps:// against a plain-text port → unavailable, saying so', async () => {
    await withMailer(`smtps://127.0.0.1:${sink.port}`, async (m) => {
      const f = await failure(m.send(mail(27)));
      assert.equal(f.kind, 'unavailable');
      assert.match(f.message, /does not speak TLS on this port/);
    });
  });

  it('a refused connection (closed port) → unavailable', async () => {
    const port = await closedPort();
    await withMailer(`smtp://127.0.0.1:${port}`, async (m) => {
      const f = await failure(m.send(mail(26)));
      assert.deepEqual([f.kind, f.smtpCode], ['unavailable', null]);
      assert.equal(f.message, `SMTP server 127.0.0.1:${port} refused the connection (to reader@example.org)`);
    });
  });
});
