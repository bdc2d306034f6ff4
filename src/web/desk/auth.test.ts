import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkNewPassword, hashPassword, newSession, normaliseEmail, sameSecret, sessionState, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, verifyPassword } from './auth.js';

describe('editor credentials', () => {
  it('hashes with scrypt and a per-hash salt, and verifies only the right password', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    assert.match(a, /^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  it('treats malformed or greedy stored hashes as a plain mismatch', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', 'scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA', 'bcrypt$x$y$z$a$b', 'scrypt$16384$8$1$$'])
      assert.equal(await verifyPassword('whatever password', bad), false, bad);
  });

  it('normalises e-mail addresses and refuses what is not one', () => {
    assert.equal(normaliseEmail('  Ed@Example.ORG '), 'ed@example.org');
    for (const bad of ['', 'ed', 'ed@', '@example.org', 'ed@example', 'a b@example.org', 'ed@@example.org', '<ed>@example.org', `${'a'.repeat(250)}@example.org`])
      assert.throws(() => normaliseEmail(bad), /e-mail address/, bad);
  });

  it('wants passwords of at least 12 characters', () => {
    assert.throws(() => checkNewPassword('short'), /too short: 5 characters \(at least 12\)/);
    assert.throws(() => checkNewPassword('            '), /only white space/);
    assert.doesNotThrow(() => checkNewPassword('비밀번호비밀번호비밀번호'));
  });

  it('ends sessions after 2 h idle or 12 h in all', () => {
    const t0 = new Date('2024-04-08T09:00:00Z');
    const { token, session } = newSession(1, t0);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.notEqual(session.tokenHash, token);
    const at = (ms: number) => new Date(t0.getTime() + ms);
    assert.equal(sessionState(session, at(SESSION_IDLE_MS - 1)), 'live');
    assert.equal(sessionState(session, at(SESSION_IDLE_MS)), 'idle');
    const busy = { ...session, lastSeenAt: at(SESSION_ABSOLUTE_MS - 1000).toISOString() };
    assert.equal(sessionState(busy, at(SESSION_ABSOLUTE_MS - 500)), 'live');
    assert.equal(sessionState(busy, at(SESSION_ABSOLUTE_MS)), 'expired');
  });

  it('compares secrets by value', () => {
    assert.equal(sameSecret('abc', 'abc'), true);
    assert.equal(sameSecret('abc', 'abd'), false);
    assert.equal(sameSecret('abc', ''), false);
  });
});
