// Unit tests: calls across the boundary through the public API — traps and their spec
// messages, JavaScript exceptions through wasm frames (unchanged), nested wasm → JS → wasm,
// stack exhaustion (also after nesting), host functions with several results, externref
// and funcref round trips and identities, and stores that merge when references cross.
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();
type Fn = (...args: unknown[]) => unknown;

function instantiate(text: string, imports?: object): Record<string, Fn> {
  return new ours.Instance(new ours.Module(wat(text), { optLevel: 0 }), imports).exports as Record<string, Fn>;
}

/** The thrown value of `run`, or a marker when it returned. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return 'returned';
}

describe.skipIf(skip !== undefined)('calls', () => {
  test('every trap is a RuntimeError with the spec message, and the instance stays usable', () => {
    const e = instantiate(`(module
      (memory 1) (table 2 funcref) (type $v (func))
      (func $i (param i32) (result i32) local.get 0) (elem (i32.const 0) $i)
      (func (export "unreachable") unreachable)
      (func (export "div0") (result i32) i32.const 1 i32.const 0 i32.div_u)
      (func (export "overflow") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
      (func (export "convert") (result i32) f32.const nan i32.trunc_f32_s)
      (func (export "memory") (result i32) i32.const 65536 i32.load)
      (func (export "undefined") (call_indirect (type $v) (i32.const 5)))
      (func (export "uninitialized") (call_indirect (type $v) (i32.const 1)))
      (func (export "mismatch") (call_indirect (type $v) (i32.const 0)))
      (func (export "table") (result funcref) (table.get 0 (i32.const 9)))
      (func (export "ok") (result i32) i32.const 1))`);
    const expected: Record<string, string> = {
      unreachable: 'unreachable',
      div0: 'integer divide by zero',
      overflow: 'integer overflow',
      convert: 'invalid conversion to integer',
      memory: 'out of bounds memory access',
      undefined: 'undefined element',
      uninitialized: 'uninitialized element',
      mismatch: 'indirect call type mismatch',
      table: 'out of bounds table access',
    };
    for (const [name, message] of Object.entries(expected)) {
      const error = thrownBy(() => e[name]());
      expect(error, name).toBeInstanceOf(ours.RuntimeError);
      expect((error as Error).message, name).toBe(message);
      expect(e.ok()).toBe(1);
    }
  });

  test('numeric arguments convert as V8 converts them, Numbers (the fast path) or not', () => {
    const text = `(module
      (func (export "i32") (param i32 f32 f64) (result i32) local.get 0)
      (func (export "f32") (param i32 f32 f64) (result f32) local.get 1)
      (func (export "f64") (param i32 f32 f64) (result f64) local.get 2))`;
    const e = instantiate(text);
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(wat(text))).exports as Record<string, Fn>;
    const values: unknown[] = [0, -0, 1.5, -1.5, 2 ** 31, 2 ** 32 + 5, -(2 ** 53), 1e300, 3.4028235677973366e38, 1.401298464324817e-45,
      NaN, Infinity, -Infinity, undefined, null, true, '12', { valueOf: () => 7 }];
    for (const a of values) {
      for (const b of [1.1, a]) {
        const args = [a, b, a];
        for (const name of ['i32', 'f32', 'f64']) expect(Object.is(e[name](...args), v8[name](...args))).toBe(true);
      }
    }
    // Fewer arguments than parameters: the missing ones are undefined (0 and NaN).
    expect(e.i32()).toBe(0);
    expect(e.f64(1, 2)).toBeNaN();
    // A valueOf that calls wasm between the conversions: every argument is converted first.
    let inner = 0;
    const reentrant = { valueOf: () => ((inner = e.i32(99, 0, 0) as number), 5) };
    expect(e.f64(reentrant, 0, 2.5)).toBe(2.5);
    expect(inner).toBe(99);
  });

  test('JS exceptions cross wasm frames unchanged, at any depth of wasm → JS → wasm nesting', () => {
    const thrown = { reason: 'any value, not only Errors' };
    let depth = 0;
    let addThrows: unknown;
    const imports = {
      js: {
        // down(n) = n == 0 ? throw : wasm.down(n - 1) + 1
        down: (n: number): number => {
          depth = Math.max(depth, n);
          if (n === 0) throw thrown;
          return (e.down(n - 1) as number) + 1;
        },
        add: (n: number): number => {
          if (addThrows !== undefined) throw addThrows;
          return n === 0 ? 0 : (e.add(n - 1) as number) + n;
        },
      },
    };
    const e = instantiate(`(module
      (import "js" "down" (func $down (param i32) (result i32)))
      (import "js" "add" (func $add (param i32) (result i32)))
      (func (export "down") (param i32) (result i32) (i32.add (call $down (local.get 0)) (i32.const 0)))
      (func (export "add") (param i32) (result i32) (call $add (local.get 0))))`, imports);
    expect(thrownBy(() => e.down(10))).toBe(thrown);
    expect(depth).toBe(10);
    expect(e.add(100)).toBe(5050);
    const error = new TypeError('plain');
    addThrows = error;
    expect(thrownBy(() => e.add(3))).toBe(error);
  });

  test('deep recursion ends in RuntimeError "call stack exhausted", also below a host call, and calls work afterwards', () => {
    const e = instantiate(`(module
      (import "js" "call" (func $call (param i32) (result i32)))
      (func $r (export "recurse") (param i32) (result i32) (i32.add (call $r (local.get 0)) (i32.const 1)))
      (func (export "viaHost") (param i32) (result i32) (call $call (local.get 0)))
      (func (export "id") (param i32) (result i32) local.get 0))`, {
      js: { call: (n: number) => e.recurse(n) },
    });
    for (const run of [() => e.recurse(0), () => e.viaHost(0)]) {
      const error = thrownBy(run);
      expect(error).toBeInstanceOf(ours.RuntimeError);
      expect((error as Error).message).toBe('call stack exhausted');
      expect(e.id(7)).toBe(7);
    }
  });

  test('recursion of frames larger than the stack-check margin also ends in "call stack exhausted"', () => {
    // 40,000 i64 locals: a 320 KB frame at O0 passes the prologue check and runs off the stack.
    const locals = Array.from({ length: 40_000 }, () => 'i64').join(' ');
    for (const optLevel of [0, 2] as const) {
      const e = new ours.Instance(new ours.Module(wat(`(module
        (func $r (export "r") (param i32) (result i32) (local ${locals})
          (local.set 40000 (i64.const 1))
          (i32.add (call $r (local.get 0)) (i32.wrap_i64 (local.get 40000))))
        (func (export "id") (param i32) (result i32) local.get 0))`), { optLevel })).exports as Record<string, Fn>;
      const error = thrownBy(() => e.r(0));
      expect(error).toBeInstanceOf(ours.RuntimeError);
      expect((error as Error).message).toBe('call stack exhausted');
      expect(e.id(3)).toBe(3);
    }
  });

  test('host functions with several results return an iterable of that many values', () => {
    let result: unknown = [1, 2n];
    const e = instantiate(`(module (import "js" "pair" (func $pair (result i32 i64)))
      (func (export "pair") (result i64 i32) (local i32 i64)
        (call $pair) (local.set 1) (local.set 0) (local.get 1) (local.get 0)))`, {
      js: { pair: () => result },
    });
    expect(e.pair()).toEqual([2n, 1]);
    result = new Set([5, 6n]);
    expect(e.pair()).toEqual([6n, 5]);
    for (const bad of [[1], [1, 2n, 3], 5, null]) {
      result = bad;
      expect(thrownBy(() => e.pair())).toBeInstanceOf(TypeError);
    }
    result = [1, 2]; // 2 is not a BigInt
    expect(thrownBy(() => e.pair())).toBeInstanceOf(TypeError);
  });

  test('externref values round-trip with their identity, through calls, globals and tables', () => {
    const e = instantiate(`(module
      (import "js" "echo" (func $echo (param externref) (result externref)))
      (table $t (export "table") 4 externref)
      (global $g (export "global") (mut externref) (ref.null extern))
      (func (export "roundTrip") (param externref) (result externref) (call $echo (local.get 0)))
      (func (export "store") (param i32 externref) (table.set $t (local.get 0) (local.get 1)) (global.set $g (local.get 1)))
      (func (export "load") (param i32) (result externref) (table.get $t (local.get 0)))
      (func (export "isNull") (param externref) (result i32) (ref.is_null (local.get 0))))`, {
      js: { echo: (value: unknown) => value },
    });
    const values: unknown[] = [{ object: true }, 'text', 0, -0, NaN, 12n, undefined, true, Symbol('s'), () => 1, null];
    values.forEach((value, i) => {
      expect(Object.is(e.roundTrip(value), value), String(value)).toBe(true);
      e.store(i % 4, value);
      expect(Object.is(e.load(i % 4), value)).toBe(true);
      expect(Object.is((e.global as unknown as ours.Global).value, value)).toBe(true);
      expect(Object.is((e.table as unknown as ours.Table).get(i % 4), value)).toBe(true);
      expect(e.isNull(value)).toBe(value === null ? 1 : 0);
    });
  });

  test('funcref values are the exported function objects; foreign functions in a table merge stores', () => {
    const a = instantiate(`(module (func (export "seven") (result i32) i32.const 7)
      (func (export "ref") (result funcref) ref.func 0))`);
    const b = instantiate(`(module (type $r (func (result i32))) (table $t (export "table") 2 funcref)
      (func (export "put") (param funcref) (table.set $t (i32.const 0) (local.get 0)))
      (func (export "call") (result i32) (call_indirect (type $r) (i32.const 0)))
      (func (export "get") (result funcref) (table.get $t (i32.const 0))))`);
    expect(a.ref()).toBe(a.seven);
    b.put(a.seven);
    expect(b.call()).toBe(7);
    expect(b.get()).toBe(a.seven);
    expect((b.table as unknown as ours.Table).get(0)).toBe(a.seven);
    (b.table as unknown as ours.Table).set(1, b.call);
    expect((b.table as unknown as ours.Table).get(1)).toBe(b.call);
    expect(thrownBy(() => b.put(() => 7))).toBeInstanceOf(TypeError);
    expect(thrownBy(() => (b.table as unknown as ours.Table).set(0, () => 7))).toBeInstanceOf(TypeError);
  });

  test('v128 in a signature: the function is exported, but calling it from JS is a TypeError, as in V8', () => {
    const bytes = wat('(module (func (export "v") (param v128)) (func (export "r") (result v128) v128.const i32x4 1 2 3 4) (func (export "w") (result i32) i32.const 1))');
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, Fn>;
    const e = new ours.Instance(new ours.Module(bytes)).exports as Record<string, Fn>;
    for (const exports of [v8, e]) {
      expect(thrownBy(() => exports.v())).toBeInstanceOf(TypeError);
      expect(thrownBy(() => exports.r())).toBeInstanceOf(TypeError);
      expect(exports.w()).toBe(1);
    }
  });

  test('a JS import with v128 in its type throws a TypeError into the caller when wasm calls it, without running it', () => {
    const text = `(module
      (import "m" "take" (func $take (param v128)))
      (import "m" "give" (func $give (result v128)))
      (func (export "callTake") (call $take (v128.const i32x4 0 0 0 0)))
      (func (export "callGive") (result i32) (i32x4.extract_lane 0 (call $give))))`;
    let ran = 0;
    const imports = { m: { take: () => { ran++; }, give: () => { ran++; return 0; } } };
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(wat(text)), imports).exports as Record<string, Fn>;
    const e = instantiate(text, imports);
    for (const exports of [v8, e]) {
      expect(thrownBy(() => exports.callTake())).toBeInstanceOf(TypeError);
      expect(thrownBy(() => exports.callGive())).toBeInstanceOf(TypeError);
    }
    expect(ran).toBe(0);
  });

  test('v128 values cross between instances: exported functions, globals and a global.get initialiser', () => {
    const a = instantiate(`(module
      (global (export "g") v128 (v128.const i32x4 1 2 3 4))
      (func (export "twice") (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0))))`);
    const b = instantiate(`(module
      (import "a" "g" (global $g v128))
      (import "a" "twice" (func $twice (param v128) (result v128)))
      (global $copy v128 (global.get $g))
      (func (export "lane") (param i32) (result i32)
        (i32x4.extract_lane 3 (call $twice (i32x4.add (global.get $copy) (i32x4.splat (local.get 0)))))))`, { a });
    expect(b.lane(10)).toBe(28);
    expect(thrownBy(() => (a.g as unknown as ours.Global).value)).toBeInstanceOf(TypeError);
  });
});
