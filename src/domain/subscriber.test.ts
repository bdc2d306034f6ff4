// The pure subscriber rules: which addresses are accepted and how they are stored (RELIABILITY.md
// case 5: header injection, length, quoted and non-ASCII local parts, IDN, case, +tags, trailing
// dot), the retry back-off, days in a time zone across DST changes (case 21), and Message-IDs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dayBounds, dayStart, deliveryRef, isTimeZone, localDay, messageIdFor, normaliseAddress, previousDay, retryDelayMs } from './subscriber.js';

const accepted = (input: string): string => {
  const r = normaliseAddress(input);
  assert.ok(r.ok, `${JSON.stringify(input)} should be accepted, got ${JSON.stringify(r)}`);
  return r.email;
};
const refused = (input: string): string => {
  const r = normaliseAddress(input);
  assert.ok(!r.ok, `${JSON.stringify(input)} should be refused, got ${JSON.stringify(r)}`);
  assert.ok(r.reason.length > 5, 'a refusal says why');
  return r.reason;
};
const HOUR = 3_600_000;
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('normaliseAddress: what the subscribe form and the imports accept', () => {
  it('refuses CR, LF and every other control character (header injection, ASVS 1.3.11)', () => {
    for (const s of ['a@b.com\r\nBcc: x@y.z', 'a@b.com\nBcc: x@y.z', 'a@b.com\rBcc: x@y.z', 'a@b.com\r\n', '\r\na@b.com', 'a\u0000@b.com', 'a@b.com\u0000', 'a@b\tc.com', 'a@b.com\u0085Bcc: x@y.z', 'a@b.com\u2028Bcc: x@y.z', 'a@b.com\u2029', 'a@b.com\u007f']) {
      assert.match(refused(s), /line breaks or control characters/);
    }
  });

  it('refuses addresses longer than 254 characters, and local parts over 64', () => {
    const label = 'd'.repeat(63);
    const long = `${'a'.repeat(64)}@${label}.${label}.${'e'.repeat(58)}.com`;
    assert.equal(long.length, 255);
    assert.match(refused(long), /254/);
    const fits = `${'a'.repeat(64)}@${label}.${label}.${'e'.repeat(57)}.com`;
    assert.equal(fits.length, 254);
    assert.equal(accepted(fits), fits);
    assert.match(refused(`${'a'.repeat(1000)}@example.org`), /254/);
    assert.match(refused(`${'a'.repeat(65)}@example.org`), /64/);
    assert.equal(accepted(`${'a'.repeat(64)}@example.org`), `${'a'.repeat(64)}@example.org`);
  });

  it('refuses a quoted local part', () => {
    assert.match(refused('"john doe"@example.org'), /quoted/);
    assert.match(refused('"a@b"@example.org'), /quoted/);
    assert.ok(!normaliseAddress('john."doe"@example.org').ok);
  });

  it('punycodes an IDN domain, and refuses a non-ASCII local part with a clear reason', () => {
    assert.equal(accepted('user@한국.kr'), 'user@xn--3e0b707e.kr');
    assert.equal(accepted('User@한국.KR'), 'user@xn--3e0b707e.kr');
    assert.equal(accepted('user@xn--3e0b707e.kr'), 'user@xn--3e0b707e.kr');
    // NFD Hangul in the domain is the same domain
    assert.equal(accepted('user@' + '한국'.normalize('NFD') + '.kr'), 'user@xn--3e0b707e.kr');
    assert.equal(accepted('a@bücher.example'), 'a@xn--bcher-kva.example');
    assert.match(refused('사용자@한국.kr'), /non-ASCII characters before the @/);
    assert.match(refused('josé@example.org'), /non-ASCII/);
  });

  it('lower-cases the whole address, so duplicates are found case-insensitively', () => {
    assert.equal(accepted('Foo.Bar@Example.COM'), 'foo.bar@example.com');
    assert.equal(accepted('FOO.BAR@EXAMPLE.COM'), accepted('foo.bar@example.com'));
    assert.equal(accepted('  foo@example.com  '), 'foo@example.com');
  });

  it('keeps +tags and the other characters an atom may hold', () => {
    assert.equal(accepted('reader+paperboy@example.org'), 'reader+paperboy@example.org');
    assert.equal(accepted('Reader+Tag+More@Example.org'), 'reader+tag+more@example.org');
    assert.equal(accepted("o'brien-x_y@example.co.uk"), "o'brien-x_y@example.co.uk");
  });

  it('refuses a trailing dot, on either side of the @', () => {
    assert.match(refused('a@example.com.'), /ends with a dot/);
    assert.match(refused('A@EXAMPLE.COM.'), /ends with a dot/);
    assert.ok(!normaliseAddress('a.@example.com').ok);
    assert.ok(!normaliseAddress('.a@example.com').ok);
    assert.ok(!normaliseAddress('a..b@example.com').ok);
  });

  it('refuses what is not an address at all', () => {
    for (const s of ['', '   ', 'plainaddress', '@example.com', 'a@', 'a@b', 'a@b@', 'a b@example.com', 'a@exa mple.com', 'a@-x.com', 'a@x-.com', 'a@x..com', 'a@x_y.com', 'a@1.2.3.4', 'a@[1.2.3.4]', 'a@x.c0m', '<a@x.com>', 'a@x.com>']) {
      refused(s);
    }
    // the last @ splits: an @ in the local part makes it invalid, not a different domain
    refused('a@evil.org@example.org');
    assert.ok(!normaliseAddress('x@evil.org/@example.org').ok);
  });

  // a URL parser would drop a port, a path, a query or a fragment, turn \ into / and decode %2e,
  // storing another address than the one given
  it('refuses a domain with a port, path, query, fragment, backslash or %-escape instead of rewriting it', () => {
    for (const s of ['a@x.com:80', 'a@x.com:', 'a@x.com/', 'a@x.com/evil', 'a@x.com?x=1', 'a@x.com#f', 'a@x.com\\evil.org', 'a@x%2ecom']) refused(s);
  });
});

describe('retryDelayMs: doubling from the base, capped, with ±50% jitter', () => {
  const mid = () => 0.5; // no jitter: the factor is 0.5 + 0.5 = 1

  it('doubles with each failed attempt', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 1000, mid)), [1000, 2000, 4000, 8000, 16000, 32000]);
    // no attempt yet counts as the first
    assert.equal(retryDelayMs(0, 1000, mid), 1000);
  });

  it('stops growing at the cap (default one hour), even after very many attempts', () => {
    assert.equal(retryDelayMs(13, 1000, mid), 3_600_000);
    assert.equal(retryDelayMs(100, 1000, mid), 3_600_000);
    assert.equal(retryDelayMs(5000, 1000, mid), 3_600_000);
    assert.equal(retryDelayMs(10, 1000, mid, 5_000), 5_000);
    assert.ok(Number.isFinite(retryDelayMs(Number.MAX_SAFE_INTEGER, 1000, mid)));
  });

  it('jitters between half and one and a half times the plain delay, never outside', () => {
    for (const attempts of [1, 3, 8, 30]) {
      const plain = Math.min(3_600_000, 1000 * 2 ** (attempts - 1));
      assert.equal(retryDelayMs(attempts, 1000, () => 0), plain * 0.5);
      assert.ok(retryDelayMs(attempts, 1000, () => 0.999999) <= plain * 1.5);
      let seed = 42 + attempts;
      const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
      for (let i = 0; i < 500; i++) {
        const d = retryDelayMs(attempts, 1000, random);
        assert.ok(d >= plain * 0.5 && d <= plain * 1.5, `attempt ${attempts}: ${d} outside [${plain * 0.5}, ${plain * 1.5}]`);
        assert.equal(d, Math.round(d));
      }
    }
    // the default random stays in bounds too
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(2, 1000);
      assert.ok(d >= 1000 && d <= 3000, String(d));
    }
  });
});

describe('days in the digest time zone', () => {
  it('knows real time zones', () => {
    assert.equal(isTimeZone('Asia/Seoul'), true);
    assert.equal(isTimeZone('America/New_York'), true);
    assert.equal(isTimeZone('UTC'), true);
    assert.equal(isTimeZone('Mars/Olympus_Mons'), false);
  });

  it('puts a moment on the local calendar day', () => {
    assert.equal(localDay(new Date('2024-03-09T14:59:59Z'), 'Asia/Seoul'), '2024-03-09');
    assert.equal(localDay(new Date('2024-03-09T15:00:00Z'), 'Asia/Seoul'), '2024-03-10');
    // before and after the spring-forward jump in New York (02:00 EST → 03:00 EDT, 07:00Z)
    assert.equal(localDay(new Date('2024-03-10T04:59:59Z'), 'America/New_York'), '2024-03-09');
    assert.equal(localDay(new Date('2024-03-10T05:00:00Z'), 'America/New_York'), '2024-03-10');
    assert.equal(localDay(new Date('2024-03-11T03:59:59Z'), 'America/New_York'), '2024-03-10');
    assert.equal(localDay(new Date('2024-03-11T04:00:00Z'), 'America/New_York'), '2024-03-11');
    // the 01:00–02:00 hour happens twice on 2024-11-03: both are that day
    assert.equal(localDay(new Date('2024-11-03T05:30:00Z'), 'America/New_York'), '2024-11-03');
    assert.equal(localDay(new Date('2024-11-03T06:30:00Z'), 'America/New_York'), '2024-11-03');
    assert.equal(localDay(new Date('2024-11-04T04:59:59Z'), 'America/New_York'), '2024-11-03');
    assert.equal(localDay(new Date('2024-11-04T05:00:00Z'), 'America/New_York'), '2024-11-04');
  });

  it('gives the spring-forward day 23 hours and the fall-back day 25 in New York', () => {
    const spring = dayBounds('2024-03-10', 'America/New_York');
    assert.equal(spring.from.toISOString(), '2024-03-10T05:00:00.000Z');
    assert.equal(spring.to.toISOString(), '2024-03-11T04:00:00.000Z');
    assert.equal(spring.to.getTime() - spring.from.getTime(), 23 * HOUR);
    const fall = dayBounds('2024-11-03', 'America/New_York');
    assert.equal(fall.from.toISOString(), '2024-11-03T04:00:00.000Z');
    assert.equal(fall.to.toISOString(), '2024-11-04T05:00:00.000Z');
    assert.equal(fall.to.getTime() - fall.from.getTime(), 25 * HOUR);
    // the days around them are 24 hours
    for (const d of ['2024-03-09', '2024-03-11', '2024-11-02', '2024-11-04']) {
      const b = dayBounds(d, 'America/New_York');
      assert.equal(b.to.getTime() - b.from.getTime(), 24 * HOUR, d);
    }
  });

  it('gives every Seoul day 24 hours, starting at 15:00 UTC the day before', () => {
    for (const d of ['2024-01-01', '2024-03-10', '2024-03-31', '2024-11-03', '2024-12-31']) {
      const b = dayBounds(d, 'Asia/Seoul');
      assert.equal(b.to.getTime() - b.from.getTime(), 24 * HOUR, d);
      assert.equal(b.from.toISOString(), `${previousDay(d)}T15:00:00.000Z`);
    }
  });

  const checkDays = (tz: string, first: string, count: number) => {
    let d = first;
    let prevTo: number | null = null;
    for (let i = 0; i < count; i++) {
      const { from, to } = dayBounds(d, tz);
      assert.equal(localDay(from, tz), d, `${tz} ${d}: the first moment is on the day`);
      assert.equal(localDay(new Date(from.getTime() - 1), tz), previousDay(d), `${tz} ${d}: the moment before is on the day before`);
      assert.equal(localDay(new Date(to.getTime() - 1), tz), d, `${tz} ${d}: the last moment is on the day`);
      if (prevTo !== null) assert.equal(from.getTime(), prevTo, `${tz} ${d}: no gap or overlap with the day before`);
      prevTo = to.getTime();
      const h = (to.getTime() - from.getTime()) / HOUR;
      assert.ok(h >= 23 && h <= 25, `${tz} ${d}: a day of ${h} h`);
      d = nextDay(d);
    }
  };

  it('tiles a whole New York year: no skipped, doubled or misplaced day, one 23 h and one 25 h day', () => {
    checkDays('America/New_York', '2024-01-01', 366);
    let d = '2024-01-01';
    const odd: string[] = [];
    for (let i = 0; i < 366; i++, d = nextDay(d)) {
      const b = dayBounds(d, 'America/New_York');
      if (b.to.getTime() - b.from.getTime() !== 24 * HOUR) odd.push(d);
    }
    assert.deepEqual(odd, ['2024-03-10', '2024-11-03']);
  });

  it('gets the days around other zones\' changes right (London, Sydney, Lord Howe\'s half hour, Kathmandu +5:45, São Paulo\'s midnight jump)', () => {
    checkDays('Europe/London', '2024-03-29', 5);
    checkDays('Europe/London', '2024-10-25', 5);
    checkDays('Australia/Sydney', '2024-04-05', 5);
    checkDays('Australia/Sydney', '2024-10-04', 5);
    checkDays('Australia/Lord_Howe', '2024-04-05', 5);
    checkDays('Australia/Lord_Howe', '2024-10-04', 5);
    checkDays('Asia/Kathmandu', '2024-03-08', 5);
    // 2018-11-04 00:00 did not exist in São Paulo (clocks went to 01:00)
    checkDays('America/Sao_Paulo', '2018-11-02', 5);
    checkDays('America/Sao_Paulo', '2019-02-15', 5);
    assert.equal(dayStart('2018-11-04', 'America/Sao_Paulo').toISOString(), '2018-11-04T03:00:00.000Z');
    const lh = dayBounds('2024-04-07', 'Australia/Lord_Howe');
    assert.equal(lh.to.getTime() - lh.from.getTime(), 24.5 * HOUR);
  });

  // where clocks jump forward AT midnight (Beirut, Cairo, Gaza), local midnight does not exist:
  // the day starts at 01:00, never at 23:00 of the day before
  it('starts a day whose midnight does not exist at its first real moment (Beirut 2024-03-31, Cairo 2024-04-26)', () => {
    assert.equal(dayStart('2024-03-31', 'Asia/Beirut').toISOString(), '2024-03-30T22:00:00.000Z');
    assert.equal(localDay(dayStart('2024-03-31', 'Asia/Beirut'), 'Asia/Beirut'), '2024-03-31');
    assert.equal(dayStart('2024-04-26', 'Africa/Cairo').toISOString(), '2024-04-25T22:00:00.000Z');
    const b = dayBounds('2024-03-30', 'Asia/Beirut');
    assert.equal(b.to.getTime() - b.from.getTime(), 24 * HOUR);
  });

  it('steps back one calendar day across month, year and leap-day ends', () => {
    assert.equal(previousDay('2024-03-01'), '2024-02-29');
    assert.equal(previousDay('2023-03-01'), '2023-02-28');
    assert.equal(previousDay('2024-01-01'), '2023-12-31');
    assert.equal(previousDay('2024-03-11'), '2024-03-10');
  });
});

describe('messageIdFor and deliveryRef', () => {
  const WELL_FORMED = /^<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+>$/;

  it('is the same for the same delivery every time (a re-send after a crash carries it)', () => {
    const ref = deliveryRef({ kind: 'edition', editionId: 7, lang: 'ko' });
    assert.equal(ref, 'edition:7:ko');
    const a = messageIdFor(42, ref, 'news@digest.example.org');
    assert.equal(a, messageIdFor(42, ref, 'news@digest.example.org'));
    assert.equal(a, '<paperboy.edition.7.ko.42@digest.example.org>');
  });

  it('differs between deliveries and between references', () => {
    const ids = new Set<string>();
    for (const id of [1, 2, 3, 42, 1000]) {
      for (const ref of [deliveryRef({ kind: 'edition', editionId: 7, lang: 'ko' }), deliveryRef({ kind: 'edition', editionId: 7, lang: 'ja' }), deliveryRef({ kind: 'daily', day: '2024-04-02', lang: 'ko' }), deliveryRef({ kind: 'confirm', n: 1712000000000 })]) {
        ids.add(messageIdFor(id, ref, 'news@digest.example.org'));
      }
    }
    assert.equal(ids.size, 20);
  });

  it('is well-formed (RFC 5322 msg-id) whatever the reference holds, on the sender domain', () => {
    for (const ref of ['edition:7:ko', 'day:2024-04-02:ko', 'confirm:1712000000000', 'odd ref<>@\r\n"x"', '한국어']) {
      const id = messageIdFor(9, ref, 'news@digest.example.org');
      assert.match(id, WELL_FORMED, id);
      assert.ok(id.endsWith('@digest.example.org>'), id);
      assert.doesNotMatch(id, /[\r\n\s"]/);
    }
    assert.match(messageIdFor(9, 'x', 'bounces+x@Mail.Example.ORG'), /@Mail\.Example\.ORG>$/);
    // a from address without a domain still gives a usable id
    assert.match(messageIdFor(9, 'x', ''), WELL_FORMED);
  });
});
