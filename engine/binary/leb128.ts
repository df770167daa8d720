// Stage: decoding. The one LEB128 decoder (Core spec §5.2.2 "Integers"): at most ceil(N/7)
// bytes, and the unused bits of the last byte zero (unsigned) or copies of the sign bit
// (signed), else "integer representation too long" / "integer too large" at the integer's
// first byte. Both byte readers extend it — the section reader (reader.ts) and the
// operator reader of function bodies (operator-reader.ts) — so their malformed-integer
// rules cannot drift apart; they differ only in the error for running past the end. The
// validator's fast path reads short u32s with readShortU32 below, and gives every longer
// or malformed one to this reader.

import { keepShape } from '../wasm/shape-anchors.js';
import { CompileError } from '../wasm/errors.js';

export abstract class LebReader {
  /** Absolute position of the next byte to read. */
  pos: number;
  /** Absolute position one past the last byte this reader may read. */
  end: number;
  /** Result halves of the last `readS64` (the low half is unsigned, the high half signed). */
  i64Low = 0;
  i64High = 0;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    end: number,
  ) {
    this.pos = start;
    this.end = end;
    keepShape(this);
  }

  fail(problem: string, offset = this.pos): never {
    throw new CompileError(problem, offset);
  }

  /** The error for running past `end`. */
  abstract failEnd(): never;

  /** Unsigned 32-bit LEB128 (u32), with a one-byte fast path. */
  readU32(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const first = this.bytes[pos];
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
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.failEnd();
      const byte = bytes[this.pos++];
      if (i === 4) {
        if (byte & 0x80) this.fail('integer representation too long', start);
        if (byte & 0x70) this.fail('integer too large', start);
        return (result | (byte << 28)) >>> 0;
      }
      result |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) return result >>> 0;
    }
    /* c8 ignore next */
    return this.fail('integer representation too long', start);
  }

  /** Signed 32-bit LEB128 (s32), as used by i32.const. */
  readS32(): number {
    const bytes = this.bytes;
    const start = this.pos;
    let result = 0;
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
      const shift = 7 * i;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) result |= -1 << (shift + 7);
        return result;
      }
    }
    /* c8 ignore next */
    return this.fail('integer representation too long', start);
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
    return this.fail('integer representation too long', start);
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

  /** Four little-endian bytes as an unsigned 32-bit number (float bits). */
  readU32LittleEndian(): number {
    const p = this.pos;
    if (this.end - p < 4) {
      this.pos = this.end;
      this.failEnd();
    }
    const b = this.bytes;
    this.pos = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }
}

/** Length in bytes of the last u32 read by readShortU32. */
export let shortU32Length = 0;

/**
 * A u32 LEB128 of at most four bytes at `pos` (so it has no unused bits to check), or -1 if
 * it is longer or runs past `end` (the caller then reads it with LebReader.readU32, which
 * applies every rule); its length goes to shortU32Length.
 */
export function readShortU32(bytes: Uint8Array, pos: number, end: number): number {
  let result = 0;
  for (let i = 0; i < 4; i++) {
    if (pos + i >= end) return -1;
    const byte = bytes[pos + i];
    result |= (byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      shortU32Length = i + 1;
      return result;
    }
  }
  return -1;
}
