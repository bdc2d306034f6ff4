// The no-SMTP Mailer: writes each delivery as an .eml file (the same MIME the SMTP mailer sends, from
// mime.ts) into one folder, which this file owns. One file per Message-ID, written to a temporary
// name and renamed, so a reader never sees half a message and a re-send after a crash replaces the
// file instead of adding a second one.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer, OutgoingMail } from '../../ports.js';
import { MailerFailure, emlFileName, toNodemailerMessage } from './mime.js';

export function createEmlMailer(dir: string, opts: { from?: string } = {}): Mailer {
  const folder = resolve(dir);
  // CRLF line ends, as on the wire and as mail programs expect in .eml files
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  return {
    kind: 'eml',
    async send(mail: OutgoingMail) {
      const message = toNodemailerMessage(mail, opts);
      const info = await composer.sendMail(message);
      const raw = info.message;
      if (!Buffer.isBuffer(raw)) throw new MailerFailure('unavailable', `e-mail ${mail.messageId}: the message was not built as a buffer`);
      const file = join(folder, emlFileName(mail.messageId));
      const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(folder, { recursive: true });
        await writeFile(tmp, raw, { mode: 0o640 });
        await rename(tmp, file);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => {});
        const code = (e as NodeJS.ErrnoException).code ?? 'error';
        throw new MailerFailure('unavailable', `cannot write e-mail files to ${folder}: ${code} (${mail.messageId} to ${mail.to})`, null, e);
      }
      return { response: `written ${file}` };
    },
    async close() {
      composer.close();
    },
  };
}
