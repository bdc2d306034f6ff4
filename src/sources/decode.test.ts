import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, firstInvalidUtf8 } from './decode.js';
import { PaperboyError } from '../errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...enc(p)] : p)));

function refusal(input: Uint8Array, where = 'f.md'): PaperboyError {
  try {
    decodeText(input, where);
  } catch (e) {
    assert.ok(e instanceof PaperboyError);
    assert.equal(e.code, 'INPUT_INVALID');
    assert.equal(e.retryable, false);
    return e;
  }
  assert.fail('expected decodeText to refuse the input');
}

test('decode: plain UTF-8 passes through', () => {
  assert.equal(decodeText(enc('a ● “b” 한국어\n'), 'f'), 'a ● “b” 한국어\n');
  assert.equal(decodeText(new Uint8Array(), 'f'), '');
});

test('decode: a BOM is dropped, only at the start', () => {
  assert.equal(decodeText(bytes([0xef, 0xbb, 0xbf], 'x\n'), 'f'), 'x\n');
  assert.equal(decodeText(bytes('x', [0xef, 0xbb, 0xbf]), 'f'), 'x\uFEFF');
});

test('decode: CRLF and lone CR become LF', () => {
  assert.equal(decodeText(enc('a\r\nb\rc\n\r\n'), 'f'), 'a\nb\nc\n\n');
});

test('decode: NFC', () => {
  assert.equal(decodeText(enc('e\u0301 \u1100\u1161'), 'f'), '\u00e9 \uac00');
});

test('decode: invalid UTF-8 names the file, the byte offset and the line', () => {
  const cases: Array<[name: string, input: Uint8Array, offset: number, line: number]> = [
    ['0xff', bytes('ab\ncd', [0xff], 'e'), 5, 2],
    ['lone continuation byte', bytes('abc', [0x80]), 3, 1],
    ['overlong "/"', bytes('a', [0xc0, 0xaf]), 1, 1],
    ['overlong 3-byte', bytes([0xe0, 0x80, 0xaf]), 0, 1],
    ['UTF-16 surrogate', bytes('x\r\ny\rz', [0xed, 0xa0, 0x80]), 6, 3],
    ['above U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), 0, 1],
    ['truncated at the end', bytes('abc', [0xe2, 0x97]), 3, 1],
    ['bad second continuation byte', bytes('ab', [0xe2, 0x97, 0x41]), 2, 1],
    ['after a BOM (offset counts the BOM)', bytes([0xef, 0xbb, 0xbf], 'a', [0xfe]), 4, 1],
    ['Latin-1 text', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]), 3, 1],
  ];
  for (const [name, input, offset, line] of cases) {
    const e = refusal(input, 'upstream/README.md');
    assert.equal(e.message, `upstream/README.md: not valid UTF-8 at byte offset ${offset} (line ${line})`, name);
  }
});

test('decode: a NUL byte is refused with its line', () => {
  const e = refusal(bytes('one\r\ntwo\nth', [0], 'ree\n'), 'list.md');
  assert.equal(e.message, 'list.md: NUL byte at line 3; this is not a text file');
  assert.match(refusal(bytes([0])).message, /line 1/);
});

test('decode: firstInvalidUtf8 agrees with TextDecoder on random bytes', () => {
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (let n = 0; n < 3000; n++) {
    const len = 1 + (rand() % 12);
    // mostly valid text with a few random bytes mixed in
    const parts: number[] = [];
    for (let i = 0; i < len; i++) {
      const r = rand() % 10;
      if (r < 6) parts.push(...enc(['a', 'é', '●', '한', '😀'][rand() % 5]!));
      else parts.push(rand() % 256);
    }
    const input = new Uint8Array(parts);
    let valid = true;
    try {
      strict.decode(input);
    } catch {
      valid = false;
    }
    const at = firstInvalidUtf8(input);
    assert.equal(at === input.length, valid, `bytes ${[...input].map((b) => b.toString(16)).join(' ')}`);
    if (!valid) {
      // everything before the reported offset decodes, the sequence at the offset does not
      assert.doesNotThrow(() => strict.decode(input.subarray(0, at)));
      assert.throws(() => strict.decode(input.subarray(0, Math.min(input.length, at + 4)).subarray(at)));
    }
  }
});
