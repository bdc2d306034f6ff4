import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PaperboyError } from '../../errors.js';
import type { OutgoingMail } from '../../ports.js';
import { parseMail, startSmtpSink, type SmtpSink } from '../../../test/support/smtp-sink.js';
import { createEmlMailer } from './eml.js';
import { emlFileName, isMailFailure } from './mime.js';
import { createSmtpMailer } from './smtp.js';

function mail(n: number | string, over: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    from: 'Paperboy <news@paperboy.example.org>',
    to: 'reader@example.org',
    subject: '이번 주 ML 논문',
    text: `안녕하세요 ${n}\n구독 해지: https://paperboy.example.org/u/tok`,
    html: `<p>안녕하세요 ${n}</p>`,
    messageId: `<delivery-${n}@paperboy.example.org>`,
    headers: {
      'List-Unsubscribe': '<https://paperboy.example.org/u/tok>, <mailto:unsubscribe@paperboy.example.org?subject=tok>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': 'Paperboy weekly <weekly.paperboy.example.org>',
    },
    ...over,
  };
}

const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-eml-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('eml mailer', () => {
  it('writes one readable .eml file per Message-ID, creating the folder', async () => {
    const dir = join(tmp(), 'outbox', 'nested');
    const mailer = createEmlMailer(dir);
    assert.equal(mailer.kind, 'eml');
    const res = await mailer.send(mail(1));
    await mailer.send(mail(2));
    assert.deepEqual(readdirSync(dir).sort(), ['delivery-1@paperboy.example.org.eml', 'delivery-2@paperboy.example.org.eml']);
    assert.equal(res.response, `written ${join(dir, 'delivery-1@paperboy.example.org.eml')}`);
    const raw = readFileSync(join(dir, 'delivery-1@paperboy.example.org.eml'), 'utf8');
    assert.doesNotMatch(raw.replace(/\r\n/g, ''), /\n/, 'CRLF line ends only');
    const parsed = parseMail(raw);
    assert.deepEqual(
      parsed.headers.map((h) => h.name.toLowerCase()).sort(),
      ['content-type', 'date', 'from', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post', 'message-id', 'mime-version', 'subject', 'to'],
    );
    assert.deepEqual(parsed.get('message-id'), ['<delivery-1@paperboy.example.org>']);
    assert.equal(parsed.subject, '이번 주 ML 논문');
    assert.deepEqual(parsed.get('list-unsubscribe-post'), ['List-Unsubscribe=One-Click']);
    assert.deepEqual(parsed.parts.map((p) => p.contentType), ['text/plain; charset=utf-8', 'text/html; charset=utf-8']);
    assert.equal(parsed.parts[0]?.body, mail(1).text.replace(/\n/g, '\r\n'));
    await mailer.close();
  });

  it('re-sending a Message-ID replaces its file (idempotent), leaving no temporary files', async () => {
    const dir = tmp();
    const mailer = createEmlMailer(dir);
    await mailer.send(mail(3, { subject: 'first' }));
    await mailer.send(mail(3, { subject: 'second' }));
    await Promise.all([mailer.send(mail(3, { subject: 'third' })), mailer.send(mail(3, { subject: 'third' }))]);
    assert.deepEqual(readdirSync(dir), ['delivery-3@paperboy.example.org.eml']);
    assert.equal(parseMail(readFileSync(join(dir, 'delivery-3@paperboy.example.org.eml'), 'utf8')).subject, 'third');
  });

  it('names files safely: no path traversal, distinct ids stay distinct', async () => {
    const dir = tmp();
    const mailer = createEmlMailer(dir);
    await mailer.send(mail('x', { messageId: '<../../escape/x@paperboy.example.org>' }));
    await mailer.send(mail('y', { messageId: '<.._.._escape_x@paperboy.example.org>' }));
    const files = readdirSync(dir);
    assert.equal(files.length, 2);
    for (const f of files) assert.match(f, /^[A-Za-z0-9_@+=.-]+\.eml$/);
    assert.ok(files.every((f) => !f.startsWith('.')));
    assert.notEqual(emlFileName('<a/b@x>'), emlFileName('<a_b@x>'));
    assert.ok(emlFileName(`<${'x'.repeat(400)}@example.org>`).length < 200);
  });

  it('an unwritable folder → an unavailable MailFailure naming the folder', async () => {
    const base = tmp();
    writeFileSync(join(base, 'a-file'), 'not a folder');
    const dir = join(base, 'a-file', 'outbox');
    const mailer = createEmlMailer(dir);
    await assert.rejects(mailer.send(mail(4)), (e: unknown) => {
      assert.ok(isMailFailure(e));
      assert.equal(e.kind, 'unavailable');
      assert.equal(e.smtpCode, null);
      assert.ok(e.message.includes(dir), e.message);
      assert.match(e.message, /ENOTDIR|EEXIST/);
      return true;
    });
  });

  it('refuses a malformed mail like the SMTP mailer does', async () => {
    const dir = tmp();
    const mailer = createEmlMailer(dir);
    await assert.rejects(mailer.send(mail(5, { headers: { BCC: 'x@y.z' } })), (e: unknown) => e instanceof PaperboyError && e.code === 'INPUT_INVALID');
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('eml and SMTP build the same message', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink({ keepRaw: true });
  });
  after(async () => {
    await sink.stop();
  });

  it('same headers in the same order, same values but Date, same parts', async () => {
    const dir = tmp();
    const eml = createEmlMailer(dir);
    const smtp = createSmtpMailer({ url: sink.url, timeoutMs: 2000 });
    try {
      const m = mail(6, { subject: 'Weekly\r\nBcc: x@y.z 이번 주' });
      await eml.send(m);
      await smtp.send(m);
      const a = parseMail(readFileSync(join(dir, 'delivery-6@paperboy.example.org.eml'), 'utf8'));
      const b = parseMail(sink.messages()[0]?.raw ?? '');
      const strip = (p: ReturnType<typeof parseMail>) =>
        p.headers.filter((h) => h.name !== 'Date').map((h) => `${h.name}: ${h.name === 'Content-Type' ? h.value.replace(/boundary=.*/, '') : h.value}`);
      assert.deepEqual(strip(a), strip(b));
      assert.deepEqual(a.parts, b.parts);
      assert.equal(a.get('bcc').length, 0);
    } finally {
      await eml.close();
      await smtp.close();
    }
  });
});
