// Tables' native storage: creation, get/set, growth from JavaScript and from generated code
// (wasm_rt_table_grow), and generated code reading elements through the TableDefinition.
import { describe, expect, it } from 'vitest';
import { TableDefinition } from '../abi/abi.js';
import { INVOKE_OK } from '../abi/trap-codes.js';
import { compile, createTable, invoke, scratch } from './addon.js';

const slots = { i32: new Int32Array(scratch()), u32: new Uint32Array(scratch()), u64: new BigUint64Array(scratch()) };

// grow: slot 0 = delta, slot 1 = init → slot 0 = old length or -1.
// get: slot 0 = index → slot 0 = element, or the all-ones value when index >= length.
const TABLE_IR = `
declare i32 @wasm_rt_table_grow(ptr, i32, i64)

define void @grow(ptr %table, ptr %slots) {
  %delta = load i32, ptr %slots
  %p1 = getelementptr i8, ptr %slots, i64 8
  %init = load i64, ptr %p1
  %old = call i32 @wasm_rt_table_grow(ptr %table, i32 %delta, i64 %init)
  store i32 %old, ptr %slots
  ret void
}

define void @get(ptr %table, ptr %slots) {
entry:
  %index32 = load i32, ptr %slots
  %index = zext i32 %index32 to i64
  %lengthField = getelementptr i8, ptr %table, i64 ${TableDefinition.length}
  %length = load i64, ptr %lengthField
  %inBounds = icmp ult i64 %index, %length
  br i1 %inBounds, label %read, label %outOfBounds
read:
  %elements = load ptr, ptr %table
  %element = getelementptr i64, ptr %elements, i64 %index
  %value = load i64, ptr %element
  store i64 %value, ptr %slots
  ret void
outOfBounds:
  store i64 -1, ptr %slots
  ret void
}
`;

describe('table', () => {
  const code = compile(TABLE_IR, { optLevel: 2, cpu: 'native', name: 'table', symbols: ['grow', 'get'] });
  const wasmGrow = (definition: bigint, delta: number, init: bigint) => {
    slots.i32[0] = delta;
    slots.u64[1] = init;
    expect(invoke(code.addresses[0], definition, 2)).toBe(INVOKE_OK);
    return slots.i32[0];
  };
  const wasmGet = (definition: bigint, index: number) => {
    slots.u32[0] = index;
    expect(invoke(code.addresses[1], definition, 1)).toBe(INVOKE_OK);
    return slots.u64[0];
  };

  it('is created filled with init, and get/set are bounds-checked', () => {
    const table = createTable(3, 10, 0xabcn);
    expect(table.length()).toBe(3);
    expect([table.get(0), table.get(1), table.get(2)]).toEqual([0xabcn, 0xabcn, 0xabcn]);
    table.set(1, 2n ** 64n - 2n);
    expect(table.get(1)).toBe(2n ** 64n - 2n);
    expect(wasmGet(table.definition, 1)).toBe(2n ** 64n - 2n);
    expect(wasmGet(table.definition, 3)).toBe(2n ** 64n - 1n);
    expect(() => table.get(3)).toThrow(RangeError);
    expect(() => table.set(-1, 0n)).toThrow(RangeError);
    expect(() => table.set(0, -1n)).toThrow(RangeError);
  });

  it('grows from JavaScript up to its maximum; elements may move', () => {
    const table = createTable(0, 5, 0n);
    expect(table.length()).toBe(0);
    expect(table.grow(2, 7n)).toBe(0);
    expect(table.grow(4, 8n)).toBe(-1);
    expect(table.grow(3, 9n)).toBe(2);
    expect([0, 1, 2, 3, 4].map((i) => table.get(i))).toEqual([7n, 7n, 9n, 9n, 9n]);
    expect(table.grow(0, 0n)).toBe(5);
    expect(table.grow(1, 0n)).toBe(-1);
  });

  it('grows from generated code (wasm_rt_table_grow), which reloads the moved elements', () => {
    const table = createTable(1, -1, 1n);
    expect(wasmGrow(table.definition, 1000, 5n)).toBe(1);
    expect(table.length()).toBe(1001);
    expect(table.get(1000)).toBe(5n);
    expect(wasmGet(table.definition, 0)).toBe(1n);
    expect(wasmGet(table.definition, 1000)).toBe(5n);
    expect(wasmGrow(table.definition, -1, 0n)).toBe(-1); // 2^32 − 1 more: beyond the implementation limit
    expect(wasmGrow(table.definition, 0, 0n)).toBe(1001);
  });

  it('setFuncRefs writes base + offset for each element, or nothing and a RangeError when they do not fit', () => {
    const table = createTable(6, -1, 7n);
    table.setFuncRefs(2, 0x1000n, Uint32Array.of(0, 24, 48));
    expect([0, 1, 2, 3, 4, 5].map((i) => table.get(i))).toEqual([7n, 7n, 0x1000n, 0x1018n, 0x1030n, 7n]);
    expect(() => table.setFuncRefs(4, 0x2000n, Uint32Array.of(0, 24, 48))).toThrow(RangeError);
    expect(table.get(4)).toBe(0x1030n);
    expect(table.get(5)).toBe(7n);
    table.setFuncRefs(6, 0x2000n, new Uint32Array(0)); // an empty segment at the end fits
    expect(() => table.setFuncRefs(7, 0x2000n, new Uint32Array(0))).toThrow(RangeError);
    // @ts-expect-error offsets must be a Uint32Array
    expect(() => table.setFuncRefs(0, 0n, [0])).toThrow(TypeError);
  });

  it('rejects invalid sizes', () => {
    expect(() => createTable(-1, -1, 0n)).toThrow(RangeError);
    expect(() => createTable(5, 4, 0n)).toThrow(RangeError);
    expect(() => createTable(10_000_001, -1, 0n)).toThrow(RangeError);
    // @ts-expect-error init must be a bigint
    expect(() => createTable(1, -1, 0)).toThrow(TypeError);
  });
});
