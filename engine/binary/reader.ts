// Stage: decoding. The byte reader every section decoder uses: LEB128 integers (leb128.ts,
// the one decoder), little-endian floats as raw bits, and UTF-8 names (§5.2.4).
// Offsets are always absolute positions in the module, so errors name the real byte.

import { CompileError } from '../wasm/errors.js';
import { LebReader } from './leb128.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class BinaryReader extends LebReader {
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    super(bytes, start, end);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The error for running past `end`: inside a section or body it is the spec's text. */
  failEnd(): never {
    if (this.end < this.bytes.length) this.fail('unexpected end of section or function');
    this.fail('unexpected end');
  }

  readU8(): number {
    if (this.pos >= this.end) this.failEnd();
    return this.bytes[this.pos++];
  }

  /** Reads an s64 and returns it as a BigInt (for constant expressions, off the hot path). */
  readS64BigInt(): bigint {
    this.readS64();
    return (BigInt(this.i64High) << 32n) | BigInt(this.i64Low);
  }

  /** Advances over `length` bytes and returns the start offset of the skipped range. */
  skip(length: number): number {
    const start = this.pos;
    if (length > this.end - this.pos) this.fail('unexpected end of section or function', start);
    this.pos += length;
    return start;
  }

  /**
   * A vector length, checked against the bytes left: each element takes at least
   * `minElementBytes`, so a count that cannot fit is rejected before anything is allocated.
   */
  readCount(what: string, minElementBytes = 1): number {
    const offset = this.pos;
    const count = this.readU32();
    if (count * minElementBytes > this.end - this.pos) {
      this.fail(`${what} count ${count} exceeds the bytes remaining`, offset);
    }
    return count;
  }

  /** A name: a byte vector that must be valid UTF-8 (Core spec §5.2.4). */
  readName(): string {
    const offset = this.pos;
    const length = this.readU32();
    if (length > this.end - this.pos) this.fail('length out of bounds', offset);
    const start = this.pos;
    this.pos += length;
    return decodeUtf8Name(this.bytes, start, this.pos, offset);
  }
}

/** Decodes UTF-8 strictly (no overlongs, surrogates or values past U+10FFFF; BOM kept). */
export function decodeUtf8Name(bytes: Uint8Array, start: number, end: number, offset: number): string {
  // Short ASCII names (most export and function names) are built directly; anything else
  // goes through the native strict decoder.
  if (end - start <= 32) {
    let text = '';
    let i = start;
    for (; i < end; i++) {
      const byte = bytes[i];
      if (byte >= 0x80) break;
      text += String.fromCharCode(byte);
    }
    if (i === end) return text;
  }
  try {
    return strictUtf8.decode(bytes.subarray(start, end));
  } catch {
    throw new CompileError('malformed UTF-8 encoding', offset);
  }
}
