// Bytes → text for every file-based source. Pure: the caller reads the file and says where it came from.
//
// The rules: a UTF-8 BOM is dropped; invalid UTF-8 and NUL bytes are refused with the place they occur
// (byte offset, line); CRLF and lone CR become LF; the result is NFC so that equal texts compare equal.
import { PaperboyError } from '../errors.js';

const BOM = [0xef, 0xbb, 0xbf] as const;

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeText(bytes: Uint8Array, where: string): string {
  const hasBom = bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
  const body = hasBom ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = fatalDecoder.decode(body);
  } catch (cause) {
    const rel = firstInvalidUtf8(body);
    const offset = rel + (hasBom ? 3 : 0);
    throw new PaperboyError(
      'INPUT_INVALID',
      `${where}: not valid UTF-8 at byte offset ${offset} (line ${lineOfByte(body, rel)})`,
      { cause },
    );
  }
  text = text.replace(/\r\n?/g, '\n');
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    throw new PaperboyError('INPUT_INVALID', `${where}: NUL byte at line ${lineOfChar(text, nul)}; this is not a text file`);
  }
  return text.normalize('NFC');
}

/** 1-based line of a character index in LF-normalised text. */
function lineOfChar(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** 1-based line of a byte offset; CRLF and lone CR count as one line break, as decodeText makes them. */
function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a) line++;
    else if (b === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

/**
 * Offset of the first byte of the first ill-formed UTF-8 sequence
 * (Unicode table 3-7: no overlongs, no surrogates, nothing above U+10FFFF, no truncated sequences).
 * Returns bytes.length when the input is valid, which decodeText never asks for.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}
