// Unit tests: the JS API's instantiation surface (WebAssembly JS API §4): compile and
// instantiate overloads with options, Module.timings, exports objects, imports and exports
// of functions, memories, tables and globals between our instances and plain JS values,
// LinkError and TypeError cases, segment initialisation with 2.0 semantics, the start
// function; compared with V8 where the API prescribes the answer.
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();

describe.skipIf(skip !== undefined)('instantiation', () => {
  const adder = wat(`(module
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (memory (export "memory") 1 4)
    (table (export "table") 2 funcref)
    (global (export "answer") i32 (i32.const 42))
    (global (export "counter") (mut i64) (i64.const 7))
    (elem (i32.const 1) 0)
    (data (i32.const 8) "wasm"))`);

  test('instantiate(bytes, imports, options) resolves to { module, instance }; instantiate(module) to an Instance', async () => {
    const { module, instance } = await ours.instantiate(adder, {}, { optLevel: 0 });
    expect(module).toBeInstanceOf(ours.Module);
    expect(instance).toBeInstanceOf(ours.Instance);
    const second = await ours.instantiate(module);
    expect(second).toBeInstanceOf(ours.Instance);
    expect((second.exports.add as (a: number, b: number) => number)(2, 3)).toBe(5);
    expect(new ours.Instance(new ours.Module(adder, { optLevel: 1 })).exports.answer).toBeInstanceOf(ours.Global);
  });

  test('compile rejects (never throws) on bad bytes and bad options', async () => {
    await expect(ours.compile(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]))).rejects.toBeInstanceOf(ours.CompileError);
    await expect(ours.compile(adder, { optLevel: 7 as 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(ours.instantiate(42 as unknown as Uint8Array)).rejects.toBeInstanceOf(TypeError);
    expect(() => new ours.Module(adder, { cpu: 'pentium' as 'native' })).toThrow(RangeError);
  });

  test('Module.timings reports every stage', async () => {
    for (const optLevel of [0, 2] as const) {
      const module = await ours.compile(adder, { optLevel, cpu: 'generic' });
      const timings = ours.Module.timings(module);
      for (const stage of ['decodeValidateMs', 'irEmitMs', 'irParseMs', 'optimizeMs', 'codegenMs', 'linkMs', 'totalMs'] as const) {
        expect(timings[stage]).toBeGreaterThanOrEqual(0);
      }
      expect(timings.totalMs).toBeGreaterThanOrEqual(timings.decodeValidateMs + timings.irEmitMs);
    }
    expect(() => ours.Module.timings({} as ours.Module)).toThrow(TypeError);
  });

  test('the exports object is frozen, null-prototype, in export order, with the kinds V8 gives', () => {
    const exports = new ours.Instance(new ours.Module(adder)).exports;
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(adder)).exports;
    expect(Object.getPrototypeOf(exports)).toBe(null);
    expect(Object.isFrozen(exports)).toBe(true);
    expect(Object.keys(exports)).toEqual(Object.keys(v8));
    expect(exports.memory).toBeInstanceOf(ours.Memory);
    expect(exports.table).toBeInstanceOf(ours.Table);
    expect(exports.counter).toBeInstanceOf(ours.Global);
    const add = exports.add as (...args: unknown[]) => unknown;
    expect(add.name).toBe((v8.add as () => void).name);
    expect(add.length).toBe(2);
    expect(exports.add).toBe(exports.add);
    expect((exports.table as ours.Table).get(1)).toBe(exports.add);
    expect((exports.table as ours.Table).get(0)).toBe(null);
    expect(new TextDecoder().decode(new Uint8Array((exports.memory as ours.Memory).buffer, 8, 4))).toBe('wasm');
    expect((exports.answer as ours.Global).value).toBe(42);
    expect((exports.counter as ours.Global).value).toBe(7n);
    expect(() => new (exports.add as unknown as new () => unknown)()).toThrow(TypeError);
  });

  test('argument and result conversion follows ToWebAssemblyValue / ToJSValue', () => {
    const bytes = wat(`(module
      (func (export "i32") (param i32) (result i32) local.get 0)
      (func (export "i64") (param i64) (result i64) local.get 0)
      (func (export "f32") (param f32) (result f32) local.get 0)
      (func (export "f64") (param f64) (result f64) local.get 0)
      (func (export "multi") (param i32 i64) (result i64 i32 f64) local.get 1 local.get 0 f64.const 0.5)
      (func (export "none")))`);
    const module = new ours.Module(bytes);
    const v8module = new WebAssembly.Module(bytes);
    const e = new ours.Instance(module).exports as Record<string, (...args: unknown[]) => unknown>;
    const v = new WebAssembly.Instance(v8module).exports as Record<string, (...args: unknown[]) => unknown>;
    const inputs: unknown[] = [0, -0, 1.5, -1.5, 2 ** 31, 2 ** 32 + 5, NaN, Infinity, '12', true, null, undefined, { valueOf: () => 9 }, 0.1, 3.4e39];
    for (const input of inputs) {
      for (const name of ['i32', 'f32', 'f64']) expect(e[name](input), `${name}(${String(input)})`).toStrictEqual(v[name](input));
    }
    for (const input of [0n, -1n, 2n ** 63n, 2n ** 64n + 3n, true, '77', { valueOf: () => 5n }]) {
      expect(e.i64(input)).toBe(v.i64(input));
    }
    for (const bad of [1, undefined, null, Symbol('s'), 'x1']) {
      const oursError = (() => { try { e.i64(bad); } catch (error) { return (error as Error).constructor; } })();
      const v8Error = (() => { try { v.i64(bad); } catch (error) { return (error as Error).constructor; } })();
      expect(oursError, String(bad)).toBe(v8Error);
    }
    expect(() => e.i32(1n)).toThrow(TypeError);
    expect(e.multi(3, 4n)).toEqual([4n, 3, 0.5]);
    expect(e.none(1, 2, 3)).toBe(undefined);
  });

  test('functions, memories, tables and globals link between instances and with JS objects', () => {
    const provider = new ours.Instance(new ours.Module(adder)).exports;
    const consumer = new ours.Module(wat(`(module
      (import "p" "add" (func $add (param i32 i32) (result i32)))
      (import "p" "memory" (memory 1))
      (import "p" "table" (table 2 funcref))
      (import "p" "answer" (global $answer i32))
      (import "p" "counter" (global $counter (mut i64)))
      (import "js" "twice" (func $twice (param i32) (result i32)))
      (type $binary (func (param i32 i32) (result i32)))
      (func (export "sum") (result i32)
        (call $add (global.get $answer) (call $twice (i32.load (i32.const 8)))))
      (func (export "viaTable") (param i32 i32) (result i32)
        (call_indirect (type $binary) (local.get 0) (local.get 1) (i32.const 1)))
      (func (export "bump") (global.set $counter (i64.add (global.get $counter) (i64.const 1))))
      (export "add" (func $add))
      (export "twice" (func $twice)))`));
    const twice = (x: number): number => 2 * x;
    const exports = new ours.Instance(consumer, { p: provider, js: { twice } }).exports as Record<string, unknown>;
    const word = new DataView((provider.memory as ours.Memory).buffer).getInt32(8, true);
    expect((exports.sum as () => number)()).toBe((42 + 2 * word) | 0);
    expect((exports.viaTable as (a: number, b: number) => number)(20, 22)).toBe(42);
    (exports.bump as () => void)();
    expect((provider.counter as ours.Global).value).toBe(8n);
    (provider.counter as ours.Global).value = 100n;
    (exports.bump as () => void)();
    expect((provider.counter as ours.Global).value).toBe(101n);
    // Re-exported imports keep their identity; a plain JS import is wrapped.
    expect(exports.add).toBe(provider.add);
    expect(exports.twice).not.toBe(twice);
    expect((exports.twice as (x: number) => number)(21)).toBe(42);
  });

  test('globals imported as plain values, and their LinkErrors', () => {
    const module = new ours.Module(wat(`(module
      (import "g" "i32" (global $a i32)) (import "g" "i64" (global $b i64))
      (import "g" "f32" (global $c f32)) (import "g" "ext" (global $d externref))
      (func (export "get") (result i32 i64 f32 externref) global.get $a global.get $b global.get $c global.get $d))`));
    const token = { token: true };
    const exports = new ours.Instance(module, { g: { i32: 1.9, i64: -5n, f32: 0.1, ext: token } }).exports;
    expect((exports.get as () => unknown[])()).toEqual([1, -5n, Math.fround(0.1), token]);
    const cases: Array<[string, Record<string, unknown>]> = [
      ['i64 as a Number', { i32: 1, i64: 5, f32: 0, ext: null }],
      ['i32 as a BigInt', { i32: 1n, i64: 5n, f32: 0, ext: null }],
      ['f32 as a string', { i32: 1, i64: 5n, f32: '0', ext: null }],
      ['a Global of another type', { i32: new ours.Global({ value: 'i64' }, 1n), i64: 5n, f32: 0, ext: null }],
    ];
    for (const [what, values] of cases) {
      expect(() => new ours.Instance(module, { g: values }), what).toThrow(ours.LinkError);
    }
    const mutable = new ours.Module(wat('(module (import "g" "m" (global (mut i32))))'));
    expect(() => new ours.Instance(mutable, { g: { m: 1 } })).toThrow(ours.LinkError);
    expect(() => new ours.Instance(mutable, { g: { m: new ours.Global({ value: 'i32' }, 1) } })).toThrow(ours.LinkError);
    new ours.Instance(mutable, { g: { m: new ours.Global({ value: 'i32', mutable: true }, 1) } });
  });

  test('missing and mismatched imports: TypeError for a missing namespace, LinkError otherwise, as V8', () => {
    const bytes = wat(`(module
      (import "m" "f" (func (param i32)))
      (import "m" "mem" (memory 2 3))
      (import "m" "tab" (table 1 funcref)))`);
    const module = new ours.Module(bytes);
    const v8module = new WebAssembly.Module(bytes);
    const good = () => ({ f: () => {}, mem: new ours.Memory({ initial: 2, maximum: 3 }), tab: new ours.Table({ element: 'anyfunc', initial: 1 }) });
    const goodV8 = () => ({ f: () => {}, mem: new WebAssembly.Memory({ initial: 2, maximum: 3 }), tab: new WebAssembly.Table({ element: 'anyfunc', initial: 1 }) });
    new ours.Instance(module, { m: good() });
    const variants: Array<[string, (o: Record<string, unknown>, v: boolean) => unknown]> = [
      ['no import object', () => undefined],
      ['namespace missing', () => ({})],
      ['namespace not an object', () => ({ m: 5 })],
      ['function missing', (o) => ({ m: { ...o, f: undefined } })],
      ['function not callable', (o) => ({ m: { ...o, f: {} } })],
      ['memory too small', (o, v) => ({ m: { ...o, mem: v ? new WebAssembly.Memory({ initial: 1, maximum: 3 }) : new ours.Memory({ initial: 1, maximum: 3 }) } })],
      ['memory without maximum', (o, v) => ({ m: { ...o, mem: v ? new WebAssembly.Memory({ initial: 2 }) : new ours.Memory({ initial: 2 }) } })],
      ['memory maximum too large', (o, v) => ({ m: { ...o, mem: v ? new WebAssembly.Memory({ initial: 2, maximum: 4 }) : new ours.Memory({ initial: 2, maximum: 4 }) } })],
      ['table of externref', (o, v) => ({ m: { ...o, tab: v ? new WebAssembly.Table({ element: 'externref', initial: 1 }) : new ours.Table({ element: 'externref', initial: 1 }) } })],
      ['memory given for a table', (o) => ({ m: { ...o, tab: o.mem } })],
    ];
    for (const [what, make] of variants) {
      const v8Error = (() => { try { new WebAssembly.Instance(v8module, make(goodV8(), true) as WebAssembly.Imports); } catch (error) { return error as Error; } })();
      const ourError = (() => { try { new ours.Instance(module, make(good(), false) as object); } catch (error) { return error as Error; } })();
      expect(ourError?.name, what).toBe(v8Error?.name);
    }
    const empty = wat('(module)');
    for (const value of [5, null, 'x', undefined, {}]) {
      const v8Error = (() => { try { new WebAssembly.Instance(new WebAssembly.Module(empty), value as WebAssembly.Imports); } catch (error) { return (error as Error).name; } })();
      const ourError = (() => { try { new ours.Instance(new ours.Module(empty), value as object); } catch (error) { return (error as Error).name; } })();
      expect(ourError, String(value)).toBe(v8Error);
    }
    // A function of another instance must have the same type.
    const other = new ours.Instance(new ours.Module(wat('(module (func (export "f") (param i64)))'))).exports;
    expect(() => new ours.Instance(module, { m: { ...good(), f: other.f } })).toThrow(ours.LinkError);
  });

  test('active segments: bounds checked before writing; a failing segment keeps the earlier writes (2.0)', () => {
    const memory = new ours.Memory({ initial: 1 });
    const table = new ours.Table({ element: 'anyfunc', initial: 3 });
    const module = new ours.Module(wat(`(module
      (import "js" "memory" (memory 1))
      (import "js" "table" (table 3 funcref))
      (func $f (result i32) i32.const 7)
      (elem (i32.const 0) $f)
      (elem (i32.const 2) $f $f)
      (data (i32.const 0) "early"))`));
    let error: unknown;
    try {
      new ours.Instance(module, { js: { memory, table } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ours.RuntimeError);
    expect((error as Error).message).toBe('out of bounds table access');
    expect(typeof table.get(0)).toBe('function'); // the first segment was applied
    expect((table.get(0) as () => number)()).toBe(7); // and its instance stays usable
    expect(table.get(2)).toBe(null); // the failing one wrote nothing
    expect(new Uint8Array(memory.buffer, 0, 5).every((byte) => byte === 0)).toBe(true); // data comes after elements

    const data = new ours.Module(wat(`(module (import "js" "memory" (memory 1))
      (data (i32.const 0) "first") (data (i32.const 65534) "xyz"))`));
    expect(() => new ours.Instance(data, { js: { memory } })).toThrow(new ours.RuntimeError('out of bounds memory access'));
    expect(new TextDecoder().decode(new Uint8Array(memory.buffer, 0, 5))).toBe('first');
    expect(new Uint8Array(memory.buffer, 65534, 2)).toEqual(new Uint8Array(2));
  });

  test('the start function runs at instantiation, and its trap or exception fails it', () => {
    const log: string[] = [];
    const module = new ours.Module(wat(`(module (import "js" "log" (func $log (param i32)))
      (func $start (call $log (i32.const 5))) (start $start))`));
    new ours.Instance(module, { js: { log: (value: number) => log.push(`start ${value}`) } });
    expect(log).toEqual(['start 5']);
    const thrown = new Error('from start');
    expect(() => new ours.Instance(module, { js: { log: () => { throw thrown; } } })).toThrow(thrown);
    const trapping = new ours.Module(wat('(module (func $s unreachable) (start $s))'));
    expect(() => new ours.Instance(trapping)).toThrow(new ours.RuntimeError('unreachable'));
  });
});
