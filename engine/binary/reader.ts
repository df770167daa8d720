// Stage: decoding. The byte reader every section decoder uses: LEB128 integers exactly as
// the spec requires (Core spec §5.2.2: at most ceil(N/7) bytes, unused bits of the last byte
// zero or sign bits), little-endian floats as raw bits, and UTF-8 names (§5.2.4).
// Offsets are always absolute positions in the module, so errors name the real byte.

import { CompileError } from '../wasm/errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class BinaryReader {
  /** Absolute position of the next byte to read. */
  pos: number;
  /** Absolute position one past the last byte this reader may read (a section's end). */
  end: number;
  /** Result halves of the last `readS64` (the low half is unsigned, the high half signed). */
  i64Low = 0;
  i64High = 0;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(problem: string, offset = this.pos): never {
    throw new CompileError(problem, offset);
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

  /** Unsigned 32-bit LEB128 (u32). */
  readU32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos < this.end) {
      const first = bytes[pos];
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    return this.readU32Slow();
  }

  private readU32Slow(): number {
    const bytes = this.bytes;
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.failEnd();
      const byte = bytes[this.pos++];
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        if (byte & 0x70) this.fail('integer too large', start);
        return (result | (byte << 28)) >>> 0;
      }
      result |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) return result >>> 0;
    }
    /* c8 ignore next */
    this.fail('integer representation too long', start);
  }

  /** Signed 32-bit LEB128 (s32), as used by i32.const. */
  readS32(): number {
    const bytes = this.bytes;
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.failEnd();
      const byte = bytes[this.pos++];
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        // Bits 3..6 are the sign bit (bit 31 of the value) and its extension: all equal.
        const signAndUnused = byte & 0x78;
        if (signAndUnused !== 0 && signAndUnused !== 0x78) this.fail('integer too large', start);
        return result | (byte << 28);
      }
      result |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) {
        if (shift < 32 && byte & 0x40) result |= -1 << shift;
        return result;
      }
    }
    /* c8 ignore next */
    this.fail('integer representation too long', start);
  }

  /**
   * Signed 33-bit LEB128 (s33), as used by block types: returns a number in
   * [-2^32, 2^32 - 1]. Negative single-byte values are value types or the empty type.
   */
  readS33(): number {
    const bytes = this.bytes;
    const start = this.pos;
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.failEnd();
      const byte = bytes[this.pos++];
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        // Bits 4..6 are the sign bit (bit 32 of the value) and its extension: all equal.
        const signAndUnused = byte & 0x70;
        if (signAndUnused !== 0 && signAndUnused !== 0x70) this.fail('integer too large', start);
        result += (byte & 0x1f) * multiplier;
        return byte & 0x10 ? result - 2 ** 33 : result;
      }
      result += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) return byte & 0x40 ? result - multiplier : result;
    }
    /* c8 ignore next */
    this.fail('integer representation too long', start);
  }

  /**
   * Signed 64-bit LEB128 (s64), as used by i64.const, into `i64Low` (unsigned 32 bits) and
   * `i64High` (signed 32 bits), so the hot path allocates no BigInt.
   */
  readS64(): void {
    const bytes = this.bytes;
    const start = this.pos;
    let low = 0;
    let high = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.failEnd();
      const byte = bytes[this.pos++];
      const payload = byte & 0x7f;
      if (i === 9) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        // Only bit 0 is a value bit (bit 63); bits 1..6 must repeat it.
        if (payload !== 0 && payload !== 0x7f) this.fail('integer too large', start);
        high |= payload << 31;
        break;
      }
      if (shift < 28) {
        low |= payload << shift;
      } else if (shift === 28) {
        low |= payload << 28;
        high |= payload >>> 4;
      } else {
        high |= payload << (shift - 32);
      }
      shift += 7;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) {
          if (shift < 32) {
            low |= -1 << shift;
            high = -1;
          } else {
            high |= -1 << (shift - 32);
          }
        }
        break;
      }
    }
    this.i64Low = low >>> 0;
    this.i64High = high | 0;
  }

  /** Reads an s64 and returns it as a BigInt (for constant expressions, off the hot path). */
  readS64BigInt(): bigint {
    this.readS64();
    return (BigInt(this.i64High) << 32n) | BigInt(this.i64Low);
  }

  /** Four little-endian bytes as an unsigned 32-bit number. */
  readU32LittleEndian(): number {
    if (this.end - this.pos < 4) {
      this.pos = this.end;
      this.failEnd();
    }
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
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
