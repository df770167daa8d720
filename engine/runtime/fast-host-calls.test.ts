// Unit tests: host calls made from C++ (native/src/fast_host_calls.cc), the path of every
// JavaScript import whose signature is numbers only. The oracle is V8's own WebAssembly:
// the same module and the same import give the same arguments, results, conversions
// (ToInt32, ToNumber rounded to f32, ToBigInt64: valueOf, strings, wrap-around) and
// exceptions (the very object thrown, and TypeError/SyntaxError where conversion fails).
// Also: the receiver, nesting (wasm → JS → wasm → JS), imports shared by instances, imports
// that are other instances' exports, the registry dropping collected instances' entries,
// workers and the main thread doing all of it at once, and worker.terminate() during a loop
// of host calls.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { fastHostFunctionCount, forceGarbageCollection } from '../native/addon.js';
import { LONG_RUNNING_MODULE } from '../../test/support/sandbox-modules.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workerScript = join(root, 'dist', 'test', 'support', 'wasm-worker.js');
type Fn = (...args: unknown[]) => unknown;

/** Calls each import's result through an i32/i64/f32/f64 identity of its own. */
const CONVERSIONS = `(module
  (import "js" "i32" (func $i32 (result i32)))
  (import "js" "i64" (func $i64 (result i64)))
  (import "js" "f32" (func $f32 (result f32)))
  (import "js" "f64" (func $f64 (result f64)))
  (import "js" "args" (func $args (param i32 i64 f32 f64 i32) (result i32)))
  (func (export "i32") (result i32) (call $i32))
  (func (export "i64") (result i64) (call $i64))
  (func (export "f32bits") (result i32) (i32.reinterpret_f32 (call $f32)))
  (func (export "f64bits") (result i64) (i64.reinterpret_f64 (call $f64)))
  (func (export "args") (param i32 i64 f32 f64 i32) (result i32)
    (call $args (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4))))`;

type Exports = Record<string, Fn>;

/** The outcome of `run`: its value, or the thrown value's constructor and message (or the value itself). */
function outcome(run: () => unknown): unknown {
  try {
    return { returned: run() };
  } catch (error) {
    return error instanceof Error ? { threw: error.constructor.name, message: error.message } : { threw: error };
  }
}

function bothEngines(text: string, imports: object, optLevel: 0 | 2): { mine: Exports; v8: Exports } {
  const bytes = wat(text);
  const mine = new ours.Instance(new ours.Module(bytes, { optLevel }), imports).exports as Exports;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports as WebAssembly.Imports).exports as unknown as Exports;
  return { mine, v8 };
}

/** Results an import may give, each converted for every result type. */
const RETURNED: readonly unknown[] = [
  0, -0, 1.9, -1.9, 2 ** 31, 2 ** 32 + 5, -(2 ** 53), NaN, Infinity, -Infinity, 0.1, 3.4028235677973366e38, 1e-46,
  '12', ' 0x10 ', '1.5', 'abc', '', true, false, null, undefined,
  5n, -1n, 2n ** 64n + 5n, 2n ** 63n,
  { valueOf: () => 7 },
  { valueOf: () => 9n },
  { [Symbol.toPrimitive]: (hint: string) => (hint === 'number' ? 3 : 'x') },
  Symbol('s'),
  [],
  [4],
];

describe.skipIf(skip !== undefined)('host calls from C++', () => {
  for (const optLevel of [0, 2] as const) {
    test(`results convert as V8 converts them (O${optLevel})`, () => {
      let current: unknown;
      const give = (): unknown => current;
      const imports = { js: { i32: give, i64: give, f32: give, f64: give, args: () => 0 } };
      const { mine, v8 } = bothEngines(CONVERSIONS, imports, optLevel);
      for (const value of RETURNED) {
        current = value;
        for (const name of ['i32', 'i64', 'f32bits', 'f64bits']) {
          expect(outcome(() => mine[name]()), `${name} of ${String(value)}`).toEqual(outcome(() => v8[name]()));
        }
      }
    });

    test(`arguments reach JavaScript as V8 passes them (O${optLevel})`, () => {
      const seen: unknown[][] = [];
      const imports = {
        js: {
          i32: () => 0, i64: () => 0n, f32: () => 0, f64: () => 0,
          // A module's code is strict: `this` is the receiver as given.
          args: function (this: unknown, ...args: unknown[]) {
            seen.push([this, ...args]);
            return args.length;
          },
        },
      };
      const { mine, v8 } = bothEngines(CONVERSIONS, imports, optLevel);
      const argumentLists: unknown[][] = [
        [0, 0n, 0, 0, 0],
        [-1, -1n, -0, -0, 2 ** 31 - 1],
        [2 ** 31, 2n ** 63n - 1n, 1.1, 0.1, -(2 ** 31)],
        [7, -(2n ** 63n), NaN, NaN, 1],
        [3, 12345678901234n, Infinity, -Infinity, 2],
      ];
      for (const args of argumentLists) {
        seen.length = 0;
        const mineResult = mine.args(...args);
        const mineSeen = seen.splice(0);
        const v8Result = v8.args(...args);
        expect(mineResult).toBe(v8Result);
        expect(mineSeen).toEqual(seen);
        expect(mineSeen[0][0]).toBeUndefined(); // the receiver
      }
    });

    test(`an exception leaves wasm unchanged, the instance stays usable (O${optLevel})`, () => {
      const marker = new Error('from the import');
      let mode = 'throw';
      const imports = {
        js: {
          i32: () => {
            if (mode === 'throw') throw marker;
            if (mode === 'value') throw 42;
            return { valueOf: () => { throw new RangeError('from valueOf'); } };
          },
          i64: () => 1, // ToBigInt of a Number: TypeError
          f32: () => 0, f64: () => 0, args: () => 0,
        },
      };
      const { mine } = bothEngines(CONVERSIONS, imports, optLevel);
      expect(() => mine.i32()).toThrow(marker);
      mode = 'value';
      expect(outcome(() => mine.i32())).toEqual({ threw: 42 });
      mode = 'valueOf';
      expect(outcome(() => mine.i32())).toEqual({ threw: 'RangeError', message: 'from valueOf' });
      expect(() => mine.i64()).toThrow(TypeError);
      expect(mine.f32bits()).toBe(0);
      mode = 'throw';
      expect(() => mine.i32()).toThrow(marker);
    });
  }

  test('imports the JavaScript handler serves (externref, several results) throw through both kinds of frames', () => {
    const text = `(module
      (import "js" "ref" (func $ref (param externref) (result i32)))
      (import "js" "two" (func $two (result i32 i32)))
      (import "js" "num" (func $num (param i32) (result i32)))
      (func (export "ref") (result i32) (call $ref (ref.null extern)))
      (func (export "two") (result i32) (call $two) (i32.add))
      (func (export "num") (param i32) (result i32) (call $num (local.get 0))))`;
    const marker = new Error('from the handler path');
    let exports: Exports = {};
    let throwing = true;
    const imports = {
      js: {
        ref: () => {
          if (throwing) throw marker;
          return 7;
        },
        two: () => [20, 22],
        // a numeric import (called from C++) calling an export whose import goes to the JavaScript handler
        num: (n: number) => (n === 0 ? (exports.ref() as number) : (exports.num(n - 1) as number) + 1),
      },
    };
    exports = new ours.Instance(new ours.Module(wat(text), { optLevel: 2 }), imports).exports as Exports;
    expect(() => exports.ref()).toThrow(marker);
    expect(exports.two()).toBe(42);
    expect(() => exports.num(5)).toThrow(marker);
    throwing = false;
    expect(exports.num(5)).toBe(12);
  });

  test('nested calls: wasm → JS → wasm → JS, 200 levels deep, with an exception from the bottom', () => {
    const text = `(module
      (import "js" "down" (func $down (param i32) (result i32)))
      (func (export "level") (param i32) (result i32)
        (i32.add (i32.const 1) (call $down (local.get 0)))))`;
    let exports: Exports = {};
    let failAt = -1;
    const down = (n: number): number => {
      if (n === failAt) throw new Error(`bottom ${n}`);
      return n === 0 ? 0 : (exports.level(n - 1) as number);
    };
    exports = new ours.Instance(new ours.Module(wat(text), { optLevel: 2 }), { js: { down } }).exports as Exports;
    expect(exports.level(200)).toBe(201);
    failAt = 0;
    expect(() => exports.level(200)).toThrow('bottom 0');
    failAt = -1;
    expect(exports.level(10)).toBe(11);
  });

  test('one function imported by many instances, and an instance\'s export imported by another', () => {
    const counter = { calls: 0 };
    const bump = (by: number): number => (counter.calls += by);
    const user = `(module (import "js" "f" (func $f (param i32) (result i32)))
      (func (export "run") (param i32) (result i32) (call $f (local.get 0))))`;
    const instances = Array.from({ length: 20 }, () => new ours.Instance(new ours.Module(wat(user), { optLevel: 0 }), { js: { f: bump } }).exports as Exports);
    instances.forEach((e, i) => e.run(i));
    expect(counter.calls).toBe(190);
    // 200 instances, each with a function of its own, called in turns: every call must reach
    // its own instance's function whatever the registry cached for the call before.
    const userModule = new ours.Module(wat(user), { optLevel: 2 });
    const own = Array.from({ length: 200 }, (_, i) => new ours.Instance(userModule, { js: { f: (x: number) => x * 1000 + i } }).exports as Exports);
    for (let round = 0; round < 3; round++) {
      own.forEach((e, i) => expect(e.run(round)).toBe(round * 1000 + i));
      for (let i = own.length - 1; i >= 0; i -= 7) expect(own[i].run(5)).toBe(5000 + i);
    }
    // A wasm export as the import: a wasm-to-wasm call, not a host call.
    const provider = new ours.Instance(new ours.Module(wat(`(module (func (export "f") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))`)), {}).exports;
    const chained = new ours.Instance(new ours.Module(wat(user), { optLevel: 2 }), { js: { f: provider.f } }).exports as Exports;
    expect(chained.run(14)).toBe(42);
  });

  test('the registry drops the entries of collected instances, and live ones keep working', async () => {
    const module = new ours.Module(wat(`(module (import "js" "f" (func $f (param i32) (result i32)))
      (func (export "run") (param i32) (result i32) (call $f (local.get 0))))`), { optLevel: 0 });
    const before = fastHostFunctionCount();
    const keep = new ours.Instance(module, { js: { f: (x: number) => x + 1 } }).exports as Exports;
    expect(fastHostFunctionCount()).toBe(before + 1); // registered: these calls take the C++ path
    for (let i = 0; i < 3000; i++) {
      const e = new ours.Instance(module, { js: { f: (x: number) => x * 2 } }).exports as Exports;
      expect(e.run(i)).toBe(2 * i);
    }
    for (let round = 0; round < 3; round++) {
      forceGarbageCollection();
      await new Promise((resolve) => setImmediate(resolve));
    }
    new ours.Instance(module, { js: { f: (x: number) => x } }); // registering drops the queued ranges
    expect(fastHostFunctionCount()).toBeLessThan(100);
    expect(keep.run(41)).toBe(42); // its function is held by its store, however weakly the registry holds it
  });

  test('stress: three workers and the main thread instantiate, call and drop instances at once', async () => {
    const user = `(module (import "js" "f" (func $f (param i32 i64) (result i64)))
      (func (export "run") (param $n i32) (result i64) (local $acc i64)
        (loop $l (local.set $acc (call $f (local.get $n) (local.get $acc)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $acc)))`;
    const bytes = wat(user);
    // Each instance's import adds its own salt: a call answered by another instance's entry shows.
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.engine).then((engine) => {
        const module = new engine.Module(workerData.bytes, { optLevel: 2 });
        let failures = 0;
        for (let i = 0; i < 1000; i++) {
          const salt = BigInt(i + 1);
          const run = new engine.Instance(module, { js: { f: (n, acc) => acc + BigInt(n) * salt } }).exports.run;
          if (run(100) !== 5050n * salt) failures++;
        }
        parentPort.postMessage(failures);
      });`;
    const engineEntry = join(root, 'dist', 'engine', 'index.js');
    const workers = [0, 1, 2].map(() => new Worker(script, { eval: true, workerData: { engine: engineEntry, bytes } }));
    const results = workers.map((worker) => new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }));
    const module = new ours.Module(bytes, { optLevel: 2 });
    let failures = 0;
    for (let i = 0; i < 1000; i++) {
      const salt = BigInt(i + 7);
      const run = (new ours.Instance(module, { js: { f: (n: number, acc: bigint) => acc + BigInt(n) * salt } }).exports as Exports).run;
      if (run(100) !== 5050n * salt) failures++;
      if (i % 100 === 99) forceGarbageCollection();
    }
    expect(failures).toBe(0);
    expect(await Promise.all(results)).toEqual([0, 0, 0]);
    await Promise.all(workers.map((worker) => worker.terminate()));
  });

  test('worker.terminate() ends a worker that is calling a JavaScript import in a loop', async () => {
    const worker = new Worker(workerScript, { workerData: { text: LONG_RUNNING_MODULE, optLevel: 2, calls: [{ name: 'work', args: [2 ** 31 - 1] }], hostSpinMs: 0 } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // well into the loop of host calls
    const exitCode = await Promise.race([
      worker.terminate(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('worker.terminate() did not end the worker')), 20_000)),
    ]);
    expect(exitCode).toBe(1);
  });
});
