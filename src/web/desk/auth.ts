// Editors' credentials and sessions: password hashing (scrypt, node:crypto), e-mail and password
// rules, session tokens and timeouts. No store and no HTTP here; the desk routes and the `editor`
// command call these and do the reading and writing.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { invalidInput } from '../../errors.js';
import type { EditorSession } from '../../ports.js';

export const MIN_PASSWORD_CHARS = 12;
/** scrypt's time barely depends on the length, but nobody needs more and a cap bounds the work */
export const MAX_PASSWORD_CHARS = 1024;
const MAX_EMAIL_CHARS = 254;

/** A session ends after 2 h without a request, and 12 h after login whatever happens. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** lastSeenAt is written at most this often, so reading pages does not write on every request */
export const SESSION_TOUCH_MS = 60 * 1000;

/**
 * OWASP's scrypt alternative with 32 MiB per hash (N=2^15, r=8, p=3) instead of N=2^17, p=1
 * (128 MiB): the same work, a quarter of the memory per concurrent login. Parameters are stored in
 * each hash, so raising them later leaves existing hashes valid.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 3 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** the most a stored hash may ask for; a tampered row cannot make a login allocate gigabytes */
const MAX_N = 2 ** 20;
const MAX_RP = 64;

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keylen, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

const maxmem = (N: number, r: number, p: number) => 128 * N * r + 128 * r * p + 1024 * 1024;

/** `scrypt$N$r$p$salt$hash` (salt and hash in base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const { N, r, p } = SCRYPT;
  const key = await scryptAsync(password, salt, KEY_BYTES, { N, r, p, maxmem: maxmem(N, r, p) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when the password gives the stored hash. A malformed or unknown format is a plain false. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,8}$/.test(x!) ? Number(x) : NaN)) as [number, number, number];
  if (!(N > 1 && N <= MAX_N && (N & (N - 1)) === 0 && r >= 1 && r <= MAX_RP && p >= 1 && p <= MAX_RP)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || expected.length < 16) return false;
  if (password.length > MAX_PASSWORD_CHARS) return false;
  const key = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: maxmem(N, r, p) });
  return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;
/**
 * A hash of a random password with the current parameters. A login for an unknown address is
 * checked against it, so it costs as long as a wrong password for a known one.
 */
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(24).toString('base64url')));
}

/** Lower-cased and trimmed, or INPUT_INVALID naming what is wrong. */
export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!email) throw invalidInput('the e-mail address is empty');
  if (email.length > MAX_EMAIL_CHARS) throw invalidInput(`the e-mail address is too long (limit ${MAX_EMAIL_CHARS} characters)`);
  // deliberately simple: one @, something on each side, a dot in the domain, nothing that needs quoting
  if (!/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/u.test(email)) throw invalidInput(`"${raw.trim()}" is not an e-mail address (expected name@example.org)`);
  return email;
}

/** INPUT_INVALID unless the password has at least MIN_PASSWORD_CHARS characters (code points). */
export function checkNewPassword(password: string): void {
  const chars = [...password].length;
  if (chars < MIN_PASSWORD_CHARS) throw invalidInput(`the password is too short: ${chars} characters (at least ${MIN_PASSWORD_CHARS})`);
  if (password.length > MAX_PASSWORD_CHARS) throw invalidInput(`the password is too long (at most ${MAX_PASSWORD_CHARS} characters)`);
  if (!password.trim()) throw invalidInput('the password is only white space');
}

/** A new session token (32 random bytes) and its CSRF token; only sha256(token) is stored. */
export function newSession(editorId: number, now: Date): { token: string; session: EditorSession } {
  const token = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  return {
    token,
    session: { tokenHash: hashToken(token), editorId, csrf: randomBytes(32).toString('base64url'), createdAt: at, lastSeenAt: at, expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString() },
  };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Pure: 'live', or why the session is over. */
export function sessionState(s: EditorSession, now: Date): 'live' | 'idle' | 'expired' {
  const t = now.getTime();
  if (t >= Date.parse(s.expiresAt) || t - Date.parse(s.createdAt) >= SESSION_ABSOLUTE_MS) return 'expired';
  if (t - Date.parse(s.lastSeenAt) >= SESSION_IDLE_MS) return 'idle';
  return 'live';
}

/** Compares two secrets in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}
