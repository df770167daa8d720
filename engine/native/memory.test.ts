// Linear memories: guard-page reservations, growth from JavaScript and from generated code
// (wasm_rt_memory_grow), the buffer's detach/refresh semantics, limits, and reclaiming the
// address space of dropped memories (create/drop cycles far beyond the ~16,000 8 GiB
// reservations that 47 bits hold).
//
// The default run makes 20,000 cycles; the full 100,000 run is
//   WASM_NATIVE_MEMORY_CYCLES=100000 npx vitest run engine/native/memory.test.ts
import { describe, expect, it } from 'vitest';
import { MemoryDefinition, WASM_PAGE_BYTES } from '../abi/abi.js';
import { INVOKE_OK, TrapCode } from '../abi/trap-codes.js';
import { allocate, compile, createMemory, forceGarbageCollection, invoke, liveMemoryCount, memoryPoolStats, scratch, type LinearMemory } from './addon.js';

const slots = { u32: new Uint32Array(scratch()), i32: new Int32Array(scratch()), u64: new BigUint64Array(scratch()) };

const MEMORY_IR = `
declare i32 @wasm_rt_memory_grow(ptr, i32)

define void @grow(ptr %memory, ptr %slots) {
  %delta = load i32, ptr %slots
  %old = call i32 @wasm_rt_memory_grow(ptr %memory, i32 %delta)
  store i32 %old, ptr %slots
  ret void
}

define void @store_i32(ptr %memory, ptr %slots) {
  %base = load ptr, ptr %memory, !invariant.load !0
  %address = load i32, ptr %slots
  %p1 = getelementptr i8, ptr %slots, i64 8
  %value = load i32, ptr %p1
  %offset = zext i32 %address to i64
  %pointer = getelementptr i8, ptr %base, i64 %offset
  store i32 %value, ptr %pointer, align 1
  ret void
}

define void @byte_length(ptr %memory, ptr %slots) {
  %field = getelementptr i8, ptr %memory, i64 ${MemoryDefinition.byteLength}
  %length = load i64, ptr %field
  store i64 %length, ptr %slots
  ret void
}

!0 = !{}
`;

// Addresses do not keep code alive: the functions below reach it through `code` (a 4 GiB
// growth is external-memory pressure enough for V8 to collect an unreachable CompiledCode).
const code = compile(MEMORY_IR, { optLevel: 2, cpu: 'native', name: 'memory', symbols: ['grow', 'store_i32', 'byte_length'] });
const growEntry = () => code.addresses[0];
const storeEntry = () => code.addresses[1];
const byteLengthEntry = () => code.addresses[2];

function wasmGrow(memory: LinearMemory, delta: number): number {
  slots.i32[0] = delta;
  expect(invoke(growEntry(), memory.definition, 1)).toBe(INVOKE_OK);
  return slots.i32[0];
}

function wasmStore(memory: LinearMemory, address: number, value: number): number {
  slots.u32[0] = address;
  slots.u32[2] = value;
  return invoke(storeEntry(), memory.definition, 2);
}

describe('linear memory', () => {
  it('describes itself through its MemoryDefinition', () => {
    const memory = createMemory(2, 10);
    expect(memory.byteLength()).toBe(2 * WASM_PAGE_BYTES);
    expect(invoke(byteLengthEntry(), memory.definition, 1)).toBe(INVOKE_OK);
    expect(slots.u64[0]).toBe(BigInt(2 * WASM_PAGE_BYTES));
    const noMaximum = createMemory(0, -1);
    expect(noMaximum.byteLength()).toBe(0);
    expect(noMaximum.buffer().byteLength).toBe(0);
  });

  it('grows from JavaScript: detaches the old buffer, keeps the contents, stops at the maximum', () => {
    const memory = createMemory(1, 3);
    const before = memory.buffer();
    expect(memory.buffer()).toBe(before); // cached while the size is unchanged
    new Uint8Array(before)[100] = 42;
    expect(memory.grow(1)).toBe(1);
    expect(before.byteLength).toBe(0); // detached
    const after = memory.buffer();
    expect(after.byteLength).toBe(2 * WASM_PAGE_BYTES);
    expect(new Uint8Array(after)[100]).toBe(42);
    expect(new Uint8Array(after)[2 * WASM_PAGE_BYTES - 1]).toBe(0);
    expect(memory.grow(2)).toBe(-1);
    expect(memory.grow(1)).toBe(2);
    expect(memory.grow(1)).toBe(-1);
    const full = memory.buffer();
    expect(memory.grow(0)).toBe(3);
    expect(full.byteLength).toBe(0); // grow(0) detaches too, as in the JS API
    expect(memory.buffer().byteLength).toBe(3 * WASM_PAGE_BYTES);
    expect(memory.byteLength()).toBe(3 * WASM_PAGE_BYTES);
  });

  it('grows from generated code; the buffer is refreshed lazily', () => {
    const memory = createMemory(1, -1);
    const before = memory.buffer();
    expect(wasmStore(memory, WASM_PAGE_BYTES, 1)).toBe(TrapCode.MemoryOutOfBounds);
    expect(wasmGrow(memory, 2)).toBe(1);
    expect(memory.byteLength()).toBe(3 * WASM_PAGE_BYTES);
    expect(wasmStore(memory, WASM_PAGE_BYTES, 0x01020304)).toBe(INVOKE_OK);
    const after = memory.buffer();
    expect(after).not.toBe(before);
    expect(before.byteLength).toBe(0);
    expect(new DataView(after).getUint32(WASM_PAGE_BYTES, true)).toBe(0x01020304);
    expect(wasmStore(memory, 3 * WASM_PAGE_BYTES - 4, 5)).toBe(INVOKE_OK);
    expect(wasmStore(memory, 3 * WASM_PAGE_BYTES - 3, 5)).toBe(TrapCode.MemoryOutOfBounds);
    // wasm's operand is unsigned: -1 is 2^32 − 1 pages, beyond any maximum.
    expect(wasmGrow(memory, -1)).toBe(-1);
    expect(wasmGrow(memory, 65536)).toBe(-1);
    expect(wasmGrow(memory, 0)).toBe(3);
  });

  it('grows to the full 4 GiB (65536 pages) and no further', () => {
    const memory = createMemory(0, -1);
    expect(memory.grow(65536)).toBe(0);
    expect(memory.byteLength()).toBe(2 ** 32);
    expect(wasmStore(memory, 0xffff_fffc, 7)).toBe(INVOKE_OK);
    expect(new DataView(memory.buffer()).getUint32(0xffff_fffc, true)).toBe(7);
    expect(memory.grow(1)).toBe(-1);
    expect(wasmStore(memory, 0xffff_fffd, 7)).toBe(TrapCode.MemoryOutOfBounds);
  });

  it('reuses released reservations zeroed, with guard pages past the new size', () => {
    // Fill two pages and grow a third, drop the memory, collect: its reservation is pooled.
    const dirty = (pages: number) => {
      const memory = createMemory(2, -1);
      new Uint8Array(memory.buffer()).fill(0xab);
      expect(memory.grow(pages)).toBe(2);
      new Uint8Array(memory.buffer()).fill(0xcd);
    };
    const reusedBefore = memoryPoolStats().reused;
    for (const [grown, initial] of [[1, 1], [1, 3], [1, 5], [0, 2]]) {
      dirty(grown);
      forceGarbageCollection();
      expect(memoryPoolStats().pooled).toBeGreaterThan(0);
      const memory = createMemory(initial, -1);
      expect(memory.byteLength()).toBe(initial * WASM_PAGE_BYTES);
      expect(new Uint8Array(memory.buffer()).every((byte) => byte === 0)).toBe(true);
      // The last accessible byte, then the first guard byte: a smaller size is guarded again.
      const written = new Set([initial * WASM_PAGE_BYTES - 4]);
      expect(wasmStore(memory, initial * WASM_PAGE_BYTES - 4, 1)).toBe(INVOKE_OK);
      expect(wasmStore(memory, initial * WASM_PAGE_BYTES, 1)).toBe(TrapCode.MemoryOutOfBounds);
      const oldEnd = (2 + grown) * WASM_PAGE_BYTES - 4;
      expect(wasmStore(memory, oldEnd, 1)).toBe(initial >= 2 + grown ? INVOKE_OK : TrapCode.MemoryOutOfBounds);
      if (initial >= 2 + grown) written.add(oldEnd);
      expect(wasmGrow(memory, 1)).toBe(initial);
      expect(new Uint8Array(memory.buffer()).every((byte, i) => byte === (written.has(i) ? 1 : 0))).toBe(true);
    }
    expect(memoryPoolStats().reused).toBeGreaterThan(reusedBefore);
  });

  it('copies a data plan; a destination past the end writes nothing at all', () => {
    const memory = createMemory(1, 2);
    const source = allocate(16);
    new Uint8Array(source.buffer).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const plan = new BigUint64Array(9);
    plan.set([100n, source.address, 4n, BigInt(WASM_PAGE_BYTES - 3), source.address + 8n, 3n, 0n, source.address, 16n]);
    memory.copyData(plan.buffer, 2);
    const bytes = new Uint8Array(memory.buffer());
    expect([...bytes.subarray(100, 104)]).toEqual([1, 2, 3, 4]);
    expect([...bytes.subarray(WASM_PAGE_BYTES - 3)]).toEqual([9, 10, 11]);
    expect(bytes[0]).toBe(0); // the third entry is past the count
    // One byte past the end, after an entry that fits: nothing is written, not even the first.
    plan.set([200n, source.address, 4n, BigInt(WASM_PAGE_BYTES - 2), source.address, 3n]);
    expect(() => memory.copyData(plan.buffer, 2)).toThrow(RangeError);
    expect([...bytes.subarray(200, 204)]).toEqual([0, 0, 0, 0]);
    // A destination so large that destination + length wraps around 2^64.
    plan.set([0xffffffffffffff00n, source.address, 0x200n]);
    expect(() => memory.copyData(plan.buffer, 1)).toThrow(RangeError);
    // A count the plan does not hold, and arguments of the wrong kind.
    expect(() => memory.copyData(plan.buffer, 4)).toThrow(RangeError);
    expect(() => memory.copyData(plan as unknown as ArrayBuffer, 1)).toThrow(TypeError);
    expect(() => memory.copyData(plan.buffer, -1)).toThrow(TypeError);
    // After growth the new page is a valid destination.
    memory.grow(1);
    plan.set([BigInt(WASM_PAGE_BYTES + 10), source.address, 2n]);
    memory.copyData(plan.buffer, 1);
    expect([...new Uint8Array(memory.buffer()).subarray(WASM_PAGE_BYTES + 10, WASM_PAGE_BYTES + 12)]).toEqual([1, 2]);
  });

  it('rejects invalid sizes with a RangeError', () => {
    expect(() => createMemory(-1, -1)).toThrow(RangeError);
    expect(() => createMemory(65537, -1)).toThrow(RangeError);
    expect(() => createMemory(2, 1)).toThrow(RangeError);
    expect(() => createMemory(1.5, 2)).toThrow(RangeError);
    expect(() => createMemory(1, 65537)).toThrow(RangeError);
  });

  it('keeps the mapping alive while a buffer over it is reachable', () => {
    let memory: LinearMemory | undefined = createMemory(1, 1);
    const buffer = memory.buffer();
    memory = undefined;
    for (let i = 0; i < 5000; i++) createMemory(0, 0); // enough churn for collections to happen
    new Uint8Array(buffer)[65535] = 9;
    expect(new Uint8Array(buffer)[65535]).toBe(9);
  });

  const cycles = Number(process.env.WASM_NATIVE_MEMORY_CYCLES ?? 20_000);
  it(`survives ${cycles} create/drop cycles without exhausting the address space`, () => {
    const started = performance.now();
    let peak = 0;
    for (let i = 0; i < cycles; i++) {
      // Half commit no page at all, so V8 sees no memory pressure: only addon.ts's forced
      // collections at its watermark can reclaim those.
      const memory = createMemory(i % 2, -1);
      if (i % 1000 === 1) new Uint8Array(memory.buffer())[0] = 1; // some with buffers too
      peak = Math.max(peak, liveMemoryCount());
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`${cycles} createMemory/drop cycles: ${seconds.toFixed(2)} s, at most ${peak} live`);
    expect(peak).toBeLessThan(16_000);
  });
});
