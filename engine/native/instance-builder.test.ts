// The native instance builder (src/instance_builder.cc): the vmctx it makes from a template
// and a plan (relocations, host contexts, memories, tables, element writes, data copies), and
// its refusal of a plan that does not add up or reaches outside the vmctx, the table or the
// memory — an Error, never a write out of bounds or a crash.
import { describe, expect, it } from 'vitest';
import { allocate, buildInstance } from './addon.js';

const NO_MAXIMUM = 0xffffffff;

/** A plan in instance_builder.cc's order. */
function plan(parts: {
  relocations?: number[];
  hostContexts?: [count: number, offset: number];
  memories?: number[];
  tables?: number[];
  elements?: number[];
  data?: [count: number, address: bigint];
}): Uint32Array {
  const relocations = parts.relocations ?? [];
  const memories = parts.memories ?? [];
  const tables = parts.tables ?? [];
  const elements = parts.elements ?? [];
  const [hostCount, hostOffset] = parts.hostContexts ?? [0, 0];
  const [dataCount, dataAddress] = parts.data ?? [0, 0n];
  return Uint32Array.from([
    relocations.length / 2, hostCount, hostOffset, memories.length / 3, tables.length / 3, elements.length / 4,
    dataCount, Number(dataAddress & 0xffffffffn), Number(dataAddress >> 32n),
    ...relocations, ...memories, ...tables, ...elements,
  ]);
}

function u64(buffer: ArrayBuffer, offset: number): bigint {
  return new DataView(buffer).getBigUint64(offset, true);
}

describe('buildInstance', () => {
  it('copies the template and writes relocations and host contexts', () => {
    const template = new Uint8Array(128);
    template[100] = 7;
    const built = buildInstance(template, plan({ relocations: [8, 0, 16, 64], hostContexts: [2, 64] }), new Uint32Array(0), 41, 0, 0);
    const { address, buffer } = built.vmctx;
    expect(buffer.byteLength).toBe(128);
    expect(new Uint8Array(buffer)[100]).toBe(7);
    expect(u64(buffer, 8)).toBe(address);
    expect(u64(buffer, 16)).toBe(address + 64n);
    expect(u64(buffer, 64)).toBe(41n);
    expect(u64(buffer, 88)).toBe(42n);
    expect(built.memories).toEqual([]);
    expect(built.tables).toEqual([]);
  });

  it('makes memories and tables, writes their definitions, then elements and data', () => {
    const source = allocate(16);
    new Uint8Array(source.buffer).set([1, 2, 3, 4, 5]);
    // One data copy: 5 bytes from the source block to offset 65,534 (across the first page's end).
    const copies = allocate(24);
    new BigUint64Array(copies.buffer).set([65534n, source.address, 5n]);
    const built = buildInstance(
      new Uint8Array(96),
      plan({ memories: [2, NO_MAXIMUM, 0], tables: [3, 10, 8], elements: [0, 1, 0, 2], data: [1, copies.address] }),
      Uint32Array.from([24, 48]),
      1,
      1,
      1,
    );
    const { address, buffer } = built.vmctx;
    const [memory] = built.memories;
    const [table] = built.tables;
    expect(u64(buffer, 0)).toBe(memory.definition);
    expect(u64(buffer, 8)).toBe(table.definition);
    expect(memory.byteLength()).toBe(2 * 65536);
    expect([...new Uint8Array(memory.buffer(), 65534, 5)]).toEqual([1, 2, 3, 4, 5]);
    expect(table.length()).toBe(3);
    expect([table.get(0), table.get(1), table.get(2)]).toEqual([0n, address + 24n, address + 48n]);
    expect(memory.grow(1)).toBe(2);
    expect(table.grow(1, 0n)).toBe(3);
  });

  it('refuses plans that reach outside the vmctx, a table or a memory', () => {
    const template = new Uint8Array(32);
    const none = new Uint32Array(0);
    const refused = (words: Uint32Array, offsets = none, memories = 0, tables = 0) =>
      () => buildInstance(template, words, offsets, 1, memories, tables);
    expect(refused(plan({ relocations: [32, 0] }))).toThrow(/internal error: a relocation outside the vmctx/);
    expect(refused(plan({ relocations: [0, 33] }))).toThrow(/internal error: a relocation outside the vmctx/);
    expect(refused(plan({ hostContexts: [2, 0] }))).toThrow(/internal error: host contexts outside the vmctx/);
    expect(refused(plan({ memories: [1, NO_MAXIMUM, 28] }), none, 1)).toThrow(/internal error: a memory pointer outside the vmctx/);
    expect(refused(plan({ tables: [1, NO_MAXIMUM, 0], elements: [0, 0, 0, 2] }), Uint32Array.from([0, 8]), 0, 1)).toThrow(/does not fit its table/);
    expect(refused(plan({ tables: [2, NO_MAXIMUM, 0], elements: [0, 0, 0, 1] }), Uint32Array.from([16]), 0, 1)).toThrow(/a FuncRef outside the vmctx/);
    expect(refused(plan({ tables: [2, NO_MAXIMUM, 0], elements: [1, 0, 0, 1] }), Uint32Array.from([0]), 0, 1)).toThrow(/an element write outside its plan/);
    const copies = allocate(24);
    new BigUint64Array(copies.buffer).set([65535n, copies.address, 2n]);
    expect(refused(plan({ memories: [1, NO_MAXIMUM, 0], data: [1, copies.address] }), none, 1)).toThrow(/does not fit its memory/);
    expect(refused(plan({ data: [1, copies.address] }))).toThrow(/data copies without a memory/);
    const truncated = plan({ relocations: [0, 0] }).subarray(0, 10);
    expect(refused(truncated)).toThrow(/does not match its header/);
    expect(() => buildInstance(template, [] as unknown as Uint32Array, none, 1, 0, 0)).toThrow(TypeError);
  });

  it('gives the memory constructor\'s RangeError for a memory above the maximum page count', () => {
    expect(() => buildInstance(new Uint8Array(16), plan({ memories: [65537, NO_MAXIMUM, 0] }), new Uint32Array(0), 1, 1, 0)).toThrow(RangeError);
  });
});
