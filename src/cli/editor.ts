// `paperboy editor add|list|disable|password`: the people who may log in to the desk. A password
// only ever comes from standard input (`--password-stdin`), never from an argument, which would
// show in `ps` and in shell history.
import { invalidInput, notFound, usage } from '../errors.js';
import type { Editor, Store } from '../ports.js';
import { checkNewPassword, hashPassword, MAX_PASSWORD_CHARS, normaliseEmail } from '../web/desk/auth.js';
import { printJson, type Deps, type Outcome } from './deps.js';

const STDIN_HINT = "give it on standard input with --password-stdin, e.g. `printf '%s' \"$PASSWORD\" | paperboy editor add ed@example.org --password-stdin`";

async function readProcessStdin(): Promise<string> {
  // a terminal would echo the password and wait for Ctrl-D; a pipe is what is meant
  if (process.stdin.isTTY) throw usage(`--password-stdin reads a pipe, not a terminal; ${STDIN_HINT}`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readPassword(deps: Deps, opts: { passwordStdin?: boolean }): Promise<string> {
  if (!opts.passwordStdin) throw usage(`a password is needed; ${STDIN_HINT}`);
  const raw = await (deps.io.readStdin ?? readProcessStdin)();
  if (raw.length > MAX_PASSWORD_CHARS * 4) throw invalidInput(`the password is too long (at most ${MAX_PASSWORD_CHARS} characters)`);
  // `echo` adds one line ending; everything else is part of the password
  const password = raw.replace(/\r?\n$/, '');
  checkNewPassword(password);
  return password;
}

async function editorByEmail(store: Store, raw: string): Promise<Editor> {
  const email = normaliseEmail(raw);
  const editor = await store.getEditor({ email });
  if (!editor) throw notFound(`no editor ${email} (\`paperboy editor list\` shows them)`);
  return editor;
}

export async function editorAddCommand(deps: Deps, rawEmail: string, opts: { passwordStdin?: boolean }): Promise<Outcome> {
  const email = normaliseEmail(rawEmail);
  const password = await readPassword(deps, opts);
  const store = await deps.store();
  const created = await store.createEditor(email, await hashPassword(password), deps.now().toISOString());
  if (!created) throw invalidInput(`an editor ${email} already exists; \`paperboy editor password ${email} --password-stdin\` sets a new password`);
  deps.io.out(`editor add: ${email} can log in at /desk/login`);
  return { exitCode: 0 };
}

export async function editorListCommand(deps: Deps, opts: { json?: boolean }): Promise<Outcome> {
  const editors = await (await deps.store()).listEditors();
  // never the hash, not even in JSON
  const rows = editors.map((e) => ({ id: e.id, email: e.email, disabledAt: e.disabledAt, createdAt: e.createdAt }));
  if (opts.json) printJson(deps.io, rows);
  else if (!rows.length) deps.io.out('editor list: no editors yet (`paperboy editor add <email> --password-stdin`)');
  else for (const r of rows) deps.io.out(`${r.email.padEnd(32)} ${r.disabledAt ? `disabled ${r.disabledAt}` : 'active'}  (added ${r.createdAt})`);
  return { exitCode: 0 };
}

export async function editorDisableCommand(deps: Deps, rawEmail: string): Promise<Outcome> {
  const store = await deps.store();
  const editor = await editorByEmail(store, rawEmail);
  if (editor.disabledAt) {
    deps.io.out(`editor disable: ${editor.email} was already disabled (${editor.disabledAt})`);
    return { exitCode: 0 };
  }
  // the store ends the editor's sessions in the same call
  await store.updateEditor(editor.id, { disabledAt: deps.now().toISOString() }, deps.now().toISOString());
  deps.io.out(`editor disable: ${editor.email} can no longer log in; their sessions have ended`);
  return { exitCode: 0 };
}

export async function editorPasswordCommand(deps: Deps, rawEmail: string, opts: { passwordStdin?: boolean }): Promise<Outcome> {
  const store = await deps.store();
  const editor = await editorByEmail(store, rawEmail);
  const password = await readPassword(deps, opts);
  await store.updateEditor(editor.id, { passwordHash: await hashPassword(password) }, deps.now().toISOString());
  deps.io.out(`editor password: ${editor.email} has a new password; their sessions have ended`);
  return { exitCode: 0 };
}
