// Unit tests: LEB128 and names (Core spec §5.2.2, §5.2.4) in the BinaryReader.
import { describe, expect, test } from 'vitest';
import { BinaryReader } from './reader.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

const reader = (...bytes: number[]): BinaryReader => new BinaryReader(new Uint8Array(bytes));


describe('u32 LEB128', () => {
  test('one to five bytes, including non-minimal encodings', () => {
    expect(reader(0x00).readU32()).toBe(0);
    expect(reader(0x7f).readU32()).toBe(127);
    expect(reader(0x80, 0x01).readU32()).toBe(128);
    expect(reader(0xe5, 0x8e, 0x26).readU32()).toBe(624485);
    expect(reader(0x80, 0x80, 0x80, 0x80, 0x00).readU32()).toBe(0);
    expect(reader(0xff, 0xff, 0xff, 0xff, 0x0f).readU32()).toBe(0xffffffff);
  });
  test('advances exactly past the encoding', () => {
    const r = reader(0x80, 0x01, 0x05);
    r.readU32();
    expect(r.pos).toBe(2);
    expect(r.readU32()).toBe(5);
  });
  test('too long: a sixth byte', () => {
    expect(compileErrorOf(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).readU32()).problem).toBe('integer representation too long');
  });
  test('unused bits of the fifth byte set', () => {
    expect(compileErrorOf(() => reader(0xff, 0xff, 0xff, 0xff, 0x1f).readU32()).problem).toBe('integer too large');
    expect(compileErrorOf(() => reader(0x80, 0x80, 0x80, 0x80, 0x70).readU32()).problem).toBe('integer too large');
  });
  test('truncated', () => {
    const error = compileErrorOf(() => reader(0x80, 0x80).readU32());
    expect(error.problem).toBe('unexpected end');
    expect(error.message).toBe('unexpected end (at offset 0x2)');
  });
});

describe('s32 LEB128', () => {
  test('positive and negative values', () => {
    expect(reader(0x00).readS32()).toBe(0);
    expect(reader(0x3f).readS32()).toBe(63);
    expect(reader(0x40).readS32()).toBe(-64);
    expect(reader(0x7f).readS32()).toBe(-1);
    expect(reader(0xc0, 0xbb, 0x78).readS32()).toBe(-123456);
    expect(reader(0xff, 0xff, 0xff, 0xff, 0x07).readS32()).toBe(0x7fffffff);
    expect(reader(0x80, 0x80, 0x80, 0x80, 0x78).readS32()).toBe(-0x80000000);
    expect(reader(0xff, 0xff, 0xff, 0xff, 0x7f).readS32()).toBe(-1);
  });
  test('unused bits must repeat the sign bit', () => {
    expect(compileErrorOf(() => reader(0xff, 0xff, 0xff, 0xff, 0x0f).readS32()).problem).toBe('integer too large');
    expect(compileErrorOf(() => reader(0x80, 0x80, 0x80, 0x80, 0x70).readS32()).problem).toBe('integer too large');
    expect(compileErrorOf(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).readS32()).problem).toBe('integer representation too long');
  });
});

describe('s33 LEB128 (block types)', () => {
  test('the range [-2^32, 2^32 - 1]', () => {
    expect(reader(0x40).readS33()).toBe(-64);
    expect(reader(0x7f).readS33()).toBe(-1);
    expect(reader(0xff, 0xff, 0xff, 0xff, 0x0f).readS33()).toBe(0xffffffff);
    expect(reader(0x80, 0x80, 0x80, 0x80, 0x70).readS33()).toBe(-(2 ** 32));
  });
  test('unused bits', () => {
    expect(compileErrorOf(() => reader(0xff, 0xff, 0xff, 0xff, 0x2f).readS33()).problem).toBe('integer too large');
  });
});

describe('s64 LEB128 into halves', () => {
  const s64 = (...bytes: number[]): bigint => reader(...bytes).readS64BigInt();
  test('small, large and extreme values', () => {
    expect(s64(0x00)).toBe(0n);
    expect(s64(0x7f)).toBe(-1n);
    expect(s64(0x80, 0x80, 0x80, 0x80, 0x10)).toBe(1n << 32n);
    expect(s64(0xff, 0xff, 0xff, 0xff, 0x0f)).toBe(0xffffffffn);
    expect(s64(0x80, 0x80, 0x80, 0x80, 0x70)).toBe(-(1n << 32n));
    expect(s64(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00)).toBe((1n << 63n) - 1n);
    expect(s64(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f)).toBe(-(1n << 63n));
    expect(s64(0xc0, 0xbb, 0x78)).toBe(-123456n);
  });
  test('halves: low unsigned, high signed', () => {
    const r = reader(0x7f);
    r.readS64();
    expect(r.i64Low).toBe(0xffffffff);
    expect(r.i64High).toBe(-1);
  });
  test('too long and unused bits', () => {
    expect(compileErrorOf(() => s64(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)).problem).toBe('integer representation too long');
    expect(compileErrorOf(() => s64(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).problem).toBe('integer too large');
    expect(compileErrorOf(() => s64(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e)).problem).toBe('integer too large');
  });
});

describe('names', () => {
  const nameOf = (...bytes: number[]): string => reader(bytes.length, ...bytes).readName();
  test('ASCII and multi-byte UTF-8', () => {
    expect(nameOf(0x61, 0x62)).toBe('ab');
    expect(nameOf(0xe2, 0x82, 0xac)).toBe('€');
    expect(nameOf(0xf0, 0x9f, 0x98, 0x80)).toBe('😀');
  });
  test('a byte order mark is kept', () => {
    expect(nameOf(0xef, 0xbb, 0xbf, 0x61)).toBe('\ufeffa');
  });
  test('overlong, surrogate, out of range and truncated sequences are malformed', () => {
    for (const bytes of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xff]]) {
      expect(compileErrorOf(() => nameOf(...bytes)).problem).toBe('malformed UTF-8 encoding');
    }
  });
  test('a length past the end', () => {
    expect(compileErrorOf(() => reader(5, 0x61).readName()).problem).toBe('length out of bounds');
  });
});

describe('counts are capped by the bytes remaining', () => {
  test('a huge count fails before any allocation', () => {
    const error = compileErrorOf(() => reader(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00).readCount('type', 3));
    expect(error.problem).toContain('exceeds the bytes remaining');
    expect(error.offset).toBe(0);
  });
});
