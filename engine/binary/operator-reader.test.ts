// Unit tests: decoding instructions and their immediates (Core spec §5.4) into the
// reusable Operator.
import { describe, expect, test } from 'vitest';
import { Operator, OperatorReader, operatorF64Bits, operatorI64Value } from './operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

function readOne(...bytes: number[]): Operator {
  const operator = new Operator();
  const reader = new OperatorReader(new Uint8Array(bytes), 0, bytes.length);
  reader.read(operator);
  expect(reader.pos).toBe(bytes.length);
  return operator;
}

describe('operator reader', () => {
  test('plain opcodes and one-index immediates', () => {
    expect(readOne(0x6a).opcode).toBe(Op.I32Add);
    const get = readOne(0x20, 0x85, 0x01);
    expect([get.opcode, get.index]).toEqual([Op.LocalGet, 133]);
  });
  test('constants keep their exact bits', () => {
    expect(readOne(0x41, 0x80, 0x80, 0x80, 0x80, 0x78).i32).toBe(-0x80000000);
    expect(operatorI64Value(readOne(0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f))).toBe(-(1n << 63n));
    expect(readOne(0x43, 0x01, 0x00, 0xa0, 0x7f).f32Bits).toBe(0x7fa00001);
    expect(operatorF64Bits(readOne(0x44, 0x01, 0, 0, 0, 0, 0, 0xf4, 0x7f))).toBe(0x7ff4000000000001n);
    const v128 = readOne(0xfd, 0x0c, ...Array.from({ length: 16 }, (_, i) => i));
    expect([v128.opcode, [...v128.v128]]).toEqual([Op.V128Const, Array.from({ length: 16 }, (_, i) => i)]);
  });
  test('block types: empty, value type, type index', () => {
    expect(readOne(0x02, 0x40).blockType).toBe(-64);
    expect(readOne(0x03, 0x7f).blockType).toBe(-1);
    expect(readOne(0x04, 0x6f).blockType).toBe(-17);
    expect(readOne(0x02, 0x85, 0x01).blockType).toBe(133);
    expect(compileErrorOf(() => readOne(0x02, 0x50)).problem).toBe('malformed block type');
    // -64 in two bytes is not the empty type: the grammar has only the byte 0x40 (V8 accepts it).
    expect(compileErrorOf(() => readOne(0x02, 0xc0, 0x7f)).problem).toBe('malformed block type');
  });
  test('memory arguments, lanes and shuffles', () => {
    const load = readOne(0x28, 0x02, 0x80, 0x01);
    expect([load.opcode, load.align, load.memoryOffset]).toEqual([Op.I32Load, 2, 128]);
    const lane = readOne(0xfd, 0x54, 0x00, 0x10, 0x0f);
    expect([lane.opcode, lane.align, lane.memoryOffset, lane.lane]).toEqual([Op.V128Load8Lane, 0, 16, 15]);
    expect(readOne(0xfd, 0x15, 0x0e).lane).toBe(14);
  });
  test('br_table targets go to a reused array; the default to index', () => {
    const operator = readOne(0x0e, 0x03, 0x00, 0x01, 0x02, 0x05);
    expect([...operator.brTableTargets.subarray(0, operator.brTableCount)]).toEqual([0, 1, 2]);
    expect(operator.index).toBe(5);
  });
  test('prefixed opcodes, including non-minimal LEB128 sub-opcodes', () => {
    expect(readOne(0xfc, 0x00).opcode).toBe(Op.I32TruncSatF32S);
    expect(readOne(0xfc, 0x80, 0x00).opcode).toBe(Op.I32TruncSatF32S);
    const init = readOne(0xfc, 0x08, 0x03, 0x00);
    expect([init.opcode, init.index]).toEqual([Op.MemoryInit, 3]);
    const copy = readOne(0xfc, 0x0e, 0x01, 0x02);
    expect([copy.opcode, copy.index, copy.secondIndex]).toEqual([Op.TableCopy, 1, 2]);
    expect(readOne(0xfd, 0xff, 0x01).opcode).toBe(Op.F64x2ConvertLowI32x4U);
  });
  test('reserved memory bytes must be zero bytes, not LEB128 zeros', () => {
    expect(compileErrorOf(() => readOne(0x3f, 0x80, 0x00)).problem).toBe('zero byte expected');
    expect(compileErrorOf(() => readOne(0xfc, 0x0a, 0x00, 0x01)).problem).toBe('zero byte expected');
  });
  test('unknown opcodes name their bytes and offset', () => {
    const error = compileErrorOf(() => readOne(0x06));
    expect(error.message).toBe('illegal opcode 0x06 (at offset 0x0)');
    expect(compileErrorOf(() => readOne(0xfc, 0x12)).problem).toBe('illegal opcode 0xfc 0x12');
    expect(compileErrorOf(() => readOne(0xfd, 0x9a, 0x01)).problem).toBe('illegal opcode 0xfd 0x9a 0x01');
    expect(compileErrorOf(() => readOne(0xfe, 0x00)).problem).toContain('illegal opcode 0xfe');
  });
  test('typed select and ref.null', () => {
    const select = readOne(0x1c, 0x01, 0x7e);
    expect([select.selectTypeCount, select.valueType]).toEqual([1, 0x7e]);
    expect(readOne(0xd0, 0x70).valueType).toBe(0x70);
    expect(compileErrorOf(() => readOne(0xd0, 0x7f)).problem).toBe('malformed reference type');
  });
  test('a br_table count larger than the bytes left fails at once', () => {
    expect(compileErrorOf(() => readOne(0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00)).problem).toContain('exceeds the bytes remaining');
  });
});
