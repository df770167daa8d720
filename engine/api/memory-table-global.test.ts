// Unit tests: WebAssembly.Memory, Table and Global semantics (JS API §5), each behaviour
// checked against V8's objects where the API fixes it, and shared state between JavaScript
// and wasm (growth seen on both sides, one buffer detached after growth, cells shared).
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

type Api = typeof ours | typeof WebAssembly;
const apis: Array<[string, Api]> = [['ours', ours], ['V8', WebAssembly]];

function errorName(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as Error).name;
  }
  return undefined;
}

describe('Memory', () => {
  test('constructor and grow errors match V8', () => {
    const descriptors: unknown[] = [{ initial: 1 }, {}, { initial: -1 }, { initial: 65537 }, { initial: 2, maximum: 1 }, { initial: 1, maximum: 65537 }, { initial: NaN }, { initial: '2' }, 5];
    for (const descriptor of descriptors) {
      expect(errorName(() => new ours.Memory(descriptor as ours.MemoryDescriptor)), JSON.stringify(descriptor)).toBe(
        errorName(() => new WebAssembly.Memory(descriptor as WebAssembly.MemoryDescriptor)),
      );
    }
    for (const [, api] of apis) {
      const memory = new api.Memory({ initial: 1, maximum: 3 });
      expect(errorName(() => memory.grow(3))).toBe('RangeError');
      expect(errorName(() => memory.grow(-1))).toBe('TypeError');
    }
  });

  test.each(apis)('buffer: stable until growth, then detached and replaced (%s)', (_, api) => {
    const memory = new api.Memory({ initial: 1, maximum: 4 });
    const first = memory.buffer;
    expect(memory.buffer).toBe(first);
    expect(first.byteLength).toBe(65536);
    new Uint8Array(first)[100] = 42;
    expect(memory.grow(2)).toBe(1);
    expect(first.byteLength).toBe(0);
    const second = memory.buffer;
    expect(second.byteLength).toBe(3 * 65536);
    expect(new Uint8Array(second)[100]).toBe(42);
    expect(memory.grow(0)).toBe(3);
    expect(second.byteLength).toBe(0);
    expect(memory.buffer.byteLength).toBe(3 * 65536);
  });

  test.skipIf(watUnavailableReason() !== undefined).each(apis)(
    'wasm\'s memory.grow detaches the buffer at once, 0 pages included: a cached view sees length 0 during the call (%s)',
    (_, api) => {
      // Glue code (wasm-bindgen, napi-wasm) caches a view and renews it when its byteLength
      // is 0; a view left at its old length drops writes past the old end without an error.
      const lengthsSeen: number[] = [];
      let view: Uint8Array | undefined;
      const module = new api.Module(wat(`(module (import "js" "look" (func $look)) (memory (export "memory") 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)) (call $look)))`) as Uint8Array<ArrayBuffer>);
      const instance = new api.Instance(module, { js: { look: () => lengthsSeen.push(view!.byteLength) } });
      const exports = instance.exports as { memory: { buffer: ArrayBuffer }; grow: (pages: number) => number };
      view = new Uint8Array(exports.memory.buffer);
      expect(exports.grow(1)).toBe(1);
      expect(view.byteLength).toBe(0);
      view = new Uint8Array(exports.memory.buffer);
      expect(view.byteLength).toBe(2 * 65536);
      expect(exports.grow(0)).toBe(2);
      expect(view.byteLength).toBe(0);
      expect(new Uint8Array(exports.memory.buffer).byteLength).toBe(2 * 65536);
      expect(lengthsSeen).toEqual([0, 0]); // already detached inside the call, right after the grow
    },
  );

  test.skipIf(watUnavailableReason() !== undefined)('one memory shared by JS and two instances; growth by wasm is seen by JS', () => {
    const memory = new ours.Memory({ initial: 1, maximum: 10 });
    const module = new ours.Module(wat(`(module (import "js" "memory" (memory 1 10))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "size") (result i32) memory.size)
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`));
    const a = new ours.Instance(module, { js: { memory } }).exports as Record<string, (...args: number[]) => number>;
    const b = new ours.Instance(module, { js: { memory } }).exports as Record<string, (...args: number[]) => number>;
    a.store(16, 1234);
    expect(b.load(16)).toBe(1234);
    expect(new DataView(memory.buffer).getInt32(16, true)).toBe(1234);
    const before = memory.buffer;
    expect(b.grow(2)).toBe(1);
    expect(a.size()).toBe(3);
    expect(memory.buffer.byteLength).toBe(3 * 65536);
    expect(before.byteLength).toBe(0);
    memory.grow(1);
    expect(a.size()).toBe(4);
    a.store(4 * 65536 - 4, 7);
    expect(new DataView(memory.buffer).getInt32(4 * 65536 - 4, true)).toBe(7);
    expect(b.grow(100)).toBe(-1);
  });
});

describe('Table', () => {
  test('constructor, get, set and grow errors match V8', () => {
    const descriptors: unknown[] = [
      { element: 'anyfunc', initial: 1 }, { element: 'externref', initial: 0, maximum: 2 }, { element: 'i32', initial: 1 },
      { element: 'anyfunc' }, { element: 'anyfunc', initial: 3, maximum: 2 }, { element: 'anyfunc', initial: 10_000_001 },
    ];
    for (const descriptor of descriptors) {
      expect(errorName(() => new ours.Table(descriptor as ours.TableDescriptor)), JSON.stringify(descriptor)).toBe(
        errorName(() => new WebAssembly.Table(descriptor as WebAssembly.TableDescriptor)),
      );
    }
    for (const [, api] of apis) {
      const table = new api.Table({ element: 'anyfunc', initial: 2, maximum: 3 });
      expect(errorName(() => table.get(2))).toBe('RangeError');
      expect(errorName(() => table.set(2, null))).toBe('RangeError');
      expect(errorName(() => table.set(0, () => 1))).toBe('TypeError');
      expect(errorName(() => table.grow(2))).toBe('RangeError');
      expect(table.grow(1)).toBe(2);
      expect(table.length).toBe(3);
    }
  });

  test.each(apis)('defaults and values: funcref null, externref undefined, grow with a value (%s)', (_, api) => {
    const functions = new api.Table({ element: 'anyfunc', initial: 1 });
    expect(functions.get(0)).toBe(null);
    const externs = new api.Table({ element: 'externref', initial: 2 }, 'x');
    expect(externs.get(1)).toBe('x');
    const plain = new api.Table({ element: 'externref', initial: 1 });
    expect(plain.get(0)).toBe(undefined);
    expect(plain.grow(2, 5)).toBe(1);
    expect([plain.get(1), plain.get(2)]).toEqual([5, 5]);
    plain.set(0, null);
    expect(plain.get(0)).toBe(null);
    plain.set(0);
    expect(plain.get(0)).toBe(undefined);
  });

  test.skipIf(watUnavailableReason() !== undefined)('a table shared by JS and wasm', () => {
    const table = new ours.Table({ element: 'anyfunc', initial: 2 });
    const exports = new ours.Instance(new ours.Module(wat(`(module (import "js" "table" (table 1 funcref))
      (type $r (func (result i32)))
      (func $five (export "five") (result i32) i32.const 5)
      (func (export "size") (result i32) table.size 0)
      (func (export "grow") (result i32) (table.grow 0 (ref.func $five) (i32.const 2)))
      (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0))))`)), { js: { table } }).exports as Record<string, (...args: number[]) => number>;
    table.set(1, exports.five);
    expect(exports.call(1)).toBe(5);
    expect(exports.grow()).toBe(2);
    expect(table.length).toBe(4);
    expect(table.get(3)).toBe(exports.five);
    table.grow(1);
    expect(exports.size()).toBe(5);
  });
});

describe('Global', () => {
  test('types, defaults, conversions and mutability match V8', () => {
    const cases: Array<[ours.GlobalDescriptor, unknown[]]> = [
      [{ value: 'i32' }, [undefined, 1.9, -1, 2 ** 32 + 3, '7']],
      [{ value: 'i64', mutable: true }, [undefined, 5n, -(2n ** 63n), 2n ** 64n]],
      [{ value: 'f32' }, [undefined, 0.1, NaN, -0]],
      [{ value: 'f64' }, [undefined, 0.1, -0]],
      [{ value: 'externref' }, [undefined, null, 'x', 0]],
      [{ value: 'anyfunc' }, [null]],
    ];
    for (const [descriptor, values] of cases) {
      for (const value of values) {
        const mine = new ours.Global(descriptor, value);
        const theirs = new WebAssembly.Global(descriptor as WebAssembly.GlobalDescriptor, value);
        expect(Object.is(mine.value, theirs.value), `${descriptor.value} ${String(value)}`).toBe(true);
        expect(Object.is(mine.valueOf(), theirs.valueOf())).toBe(true);
      }
    }
    for (const [descriptor, value] of [[{ value: 'i64' }, 1], [{ value: 'x' }, 1], [{ value: 'anyfunc' }, () => 1], [{ value: 'i32' }, 1n]] as const) {
      expect(errorName(() => new ours.Global(descriptor as ours.GlobalDescriptor, value))).toBe(
        errorName(() => new WebAssembly.Global(descriptor as WebAssembly.GlobalDescriptor, value)),
      );
    }
    for (const [, api] of apis) {
      const constant = new api.Global({ value: 'i32' }, 1);
      expect(errorName(() => { constant.value = 2; })).toBe('TypeError');
      const variable = new api.Global({ value: 'f32', mutable: true }, 1);
      variable.value = 0.1;
      expect(variable.value).toBe(Math.fround(0.1));
    }
  });

  test.skipIf(watUnavailableReason() !== undefined)('a mutable global shared by JS and two instances', () => {
    const counter = new ours.Global({ value: 'i64', mutable: true }, 10n);
    const module = new ours.Module(wat(`(module (import "js" "counter" (global $c (mut i64)))
      (func (export "bump") (result i64) (global.set $c (i64.add (global.get $c) (i64.const 1))) (global.get $c)))`));
    const a = new ours.Instance(module, { js: { counter } }).exports as Record<string, () => bigint>;
    const b = new ours.Instance(module, { js: { counter } }).exports as Record<string, () => bigint>;
    expect(a.bump()).toBe(11n);
    expect(b.bump()).toBe(12n);
    counter.value = -1n;
    expect(a.bump()).toBe(0n);
    expect(counter.value).toBe(0n);
  });
});

describe('undefined as a value, as V8 has it', () => {
  test.each(apis)('%s', (_, api) => {
    expect(new api.Global({ value: 'externref' }).value).toBe(null);
    expect(new api.Global({ value: 'externref' }, undefined).value).toBe(undefined);
    expect(new api.Global({ value: 'i64' }, undefined).value).toBe(0n);
    expect(errorName(() => new api.Global({ value: 'anyfunc' }, undefined))).toBe('TypeError');
    const functions = new api.Table({ element: 'anyfunc', initial: 1 }, undefined);
    expect(functions.grow(1, undefined)).toBe(1);
    expect(errorName(() => functions.set(0, undefined))).toBe('TypeError');
    functions.set(0);
    expect(functions.get(0)).toBe(null);
  });
});
