// Tests of lazy compilation (tiering: 'lazy'; lazy-code.ts, runtime/lazy-calls.ts): compile()
// validates everything and compiles no function; each code unit compiles on its first call,
// from wasm (a call across units), from JS (an export), through a table (call_indirect), a
// ref.func'd global and the start function; results equal the eager module's; traps,
// exceptions from imports and re-entrant first calls (wasm → JS → another unit's first call)
// behave as eagerly; a lazy function imported by another instance is compiled before its
// FuncRef is copied, so the importer never goes through the stub; a second instance starts
// with the compiled units; with LLVM as the baseline (baseline: 'llvm-O0'), the units a
// compiling unit calls start ahead (bounded), their first calls take those compiles, and one
// never called does not outlive the process. The other tests run on the engine's own baseline
// compiler (engine/baseline/), the default.
// WASM_LLVM_UNIT_BYTES=1 puts every function in its own unit.
// The spec suite runs lazily too (test/spec: run-spec --lazy).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CompileError, Instance, Module, RuntimeError, compile } from '../index.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();

beforeEach(() => {
  process.env.WASM_LLVM_UNIT_BYTES = '1';
});
afterEach(() => {
  delete process.env.WASM_LLVM_UNIT_BYTES;
});

const PROGRAM = `
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "reenter" (func $reenter (param i32) (result i32)))
  (type $binary (func (param i32 i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $add $mul)
  (global $started (mut i32) (i32.const 0))
  (global $ref funcref (ref.func $square))
  (memory (export "memory") 1)
  (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func $mul (type $binary) (i32.mul (local.get 0) (local.get 1)))
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $helper (i32.sub (local.get 0) (i32.const 2)))))))
  (func $helper (param i32) (result i32) (call $fib (local.get 0)))
  (func (export "apply") (param i32 i32 i32) (result i32)
    (call_indirect (type $binary) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "trap") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "callLog") (param i32) (call $log (local.get 0)))
  (func (export "viaJs") (param i32) (result i32) (i32.add (call $reenter (local.get 0)) (i32.const 1)))
  (func (export "square") (param i32) (result i32) (call $square (local.get 0)))
  (func (export "started") (result i32) (global.get $started))
  (func (export "many") (param i64 f64 i32 f32) (result f64 i64)
    (f64.add (local.get 1) (f64.promote_f32 (local.get 3)))
    (i64.add (local.get 0) (i64.extend_i32_s (local.get 2))))
  (func $start (global.set $started (i32.const 7)))
  (start $start))`;

/** run calls $rare (only for 99, never done here; it is large) and $a, $b, $c (for other n > 0). */
const FAN_OUT = `
(module
  (func $rare (export "rare") (result i32) (local i32)
    ${Array.from({ length: 400 }, (_, i) => `(local.set 0 (i32.add (i32.mul (local.get 0) (i32.const ${i + 3})) (i32.const ${i})))`).join('\n    ')}
    (local.get 0))
  (func $a (param i32) (result i32) (i32.mul (local.get 0) (i32.const 1)))
  (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 20)))
  (func $c (param i32) (result i32) (i32.mul (local.get 0) (i32.const 300)))
  (func (export "run") (param i32) (result i32)
    (if (result i32) (i32.eq (local.get 0) (i32.const 99))
      (then (call $rare))
      (else (if (result i32) (local.get 0)
        (then (i32.add (call $a (local.get 0)) (i32.add (call $b (local.get 0)) (call $c (local.get 0)))))
        (else (i32.const 0)))))))`;

type Exports = {
  fib(n: number): number;
  apply(index: number, a: number, b: number): number;
  trap(n: number): number;
  callLog(n: number): void;
  viaJs(n: number): number;
  square(n: number): number;
  started(): number;
  many(a: bigint, b: number, c: number, d: number): [number, bigint];
};

function instantiate(module: Module, reenter: (n: number) => number = (n) => n, log: (n: number) => void = () => undefined): Exports {
  return new Instance(module, { env: { log, reenter } }).exports as unknown as Exports;
}

describe.skipIf(skip !== undefined)('lazy compilation', () => {
  test('compile() compiles no function; first calls compile units; results equal the eager module', async () => {
    const bytes = wat(PROGRAM);
    const lazy = await compile(bytes, { optLevel: 0, tiering: 'lazy' });
    const before = Module.timings(lazy).lazy!;
    expect(before.unitsCompiled).toBe(0);
    expect(before.units).toBe(13);
    const eager = instantiate(new Module(bytes, { optLevel: 0 }));
    const exports = instantiate(lazy);
    // The start function ran (through its stub).
    expect(exports.started()).toBe(7);
    expect(exports.fib(20)).toBe(eager.fib(20));
    expect(exports.apply(0, 6, 7)).toBe(13);
    expect(exports.apply(1, 6, 7)).toBe(42);
    expect(exports.square(9)).toBe(81);
    expect(exports.many(5n, 1.5, -2, 0.25)).toEqual(eager.many(5n, 1.5, -2, 0.25));
    const after = Module.timings(lazy).lazy!;
    // Compiled: start, started, fib, helper, apply, add, mul, square (the export), $square, many.
    expect(after.unitsCompiled).toBe(10);
    expect(after.functionsCompiled).toBe(10);
    const stubCalls = after.stubCalls;
    // Later calls go straight to the code.
    for (let i = 0; i < 100; i++) exports.fib(10);
    expect(Module.timings(lazy).lazy!.stubCalls).toBe(stubCalls);
  });

  test('call_indirect to an uncompiled function, and a type mismatch, as eagerly', () => {
    const exports = instantiate(new Module(wat(PROGRAM), { optLevel: 2, tiering: 'lazy' }));
    expect(() => exports.apply(3, 1, 2)).toThrow(new RuntimeError('uninitialized element'));
    expect(() => exports.apply(9, 1, 2)).toThrow(RuntimeError);
    expect(exports.apply(1, 3, 5)).toBe(15);
  });

  test('a trap in a function reached through its stub is a RuntimeError with the spec message', () => {
    const exports = instantiate(new Module(wat(PROGRAM), { optLevel: 0, tiering: 'lazy' }));
    expect(() => exports.trap(0)).toThrow(new RuntimeError('integer divide by zero'));
    expect(exports.trap(1)).toBe(1);
  });

  test('an exception from an import during a first call propagates unchanged', () => {
    const thrown = new Error('from the import');
    const exports = instantiate(new Module(wat(PROGRAM), { optLevel: 0, tiering: 'lazy' }), undefined, () => {
      throw thrown;
    });
    let caught: unknown;
    try {
      exports.callLog(1);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
  });

  test('re-entrant first calls: wasm calls JS, which makes another unit\'s first call', () => {
    const module = new Module(wat(PROGRAM), { optLevel: 0, tiering: 'lazy' });
    let exports: Exports | undefined;
    exports = instantiate(module, (n) => exports!.fib(n) + exports!.square(n));
    expect(exports.viaJs(10)).toBe(55 + 100 + 1);
  });

  test('a second instance starts with the units the first compiled', () => {
    const module = new Module(wat(PROGRAM), { optLevel: 0, tiering: 'lazy' });
    instantiate(module).fib(5);
    const stubCalls = Module.timings(module).lazy!.stubCalls;
    const second = instantiate(module);
    // Only the start function's unit... is compiled already too: no stub call for it or fib.
    expect(second.fib(12)).toBe(144);
    expect(Module.timings(module).lazy!.stubCalls).toBe(stubCalls);
  });

  test('a lazy function imported by another instance is called directly there', () => {
    const exporter = instantiate(new Module(wat(PROGRAM), { optLevel: 0, tiering: 'lazy' }));
    const importerModule = new Module(wat(`
      (module
        (import "lib" "fib" (func $fib (param i32) (result i32)))
        (func (export "sum") (param i32) (result i32) (local $i i32) (local $s i32)
          (loop $next
            (local.set $s (i32.add (local.get $s) (call $fib (i32.const 10))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $next (i32.lt_u (local.get $i) (local.get 0))))
          (local.get $s)))`), { optLevel: 0 });
    const lazyModule = new Module(wat(PROGRAM), { optLevel: 0, tiering: 'lazy' });
    const lib = instantiate(lazyModule);
    const importer = new Instance(importerModule, { lib: { fib: lib.fib } }).exports as { sum(n: number): number };
    const stubCalls = Module.timings(lazyModule).lazy!.stubCalls;
    expect(importer.sum(1000)).toBe(55_000);
    // fib's unit was compiled when the importer was instantiated; its helper's, once.
    expect(Module.timings(lazyModule).lazy!.stubCalls - stubCalls).toBeLessThanOrEqual(1);
    expect(exporter.fib(10)).toBe(55);
  });

  test('with the code cache, a second compile of the same bytes does not validate the bodies again, and runs the same', () => {
    const cacheDirectory = mkdtempSync(join(tmpdir(), 'lazy-validated-before-'));
    try {
      for (const tiering of ['lazy', 'tiered'] as const) {
        const options = { tiering, codeCache: { directory: cacheDirectory } } as const;
        const first = new Module(wat(PROGRAM), options);
        expect(Module.timings(first).codeCache).toBe('miss');
        expect(Module.timings(first).bodiesValidated).toBe(true);
        const second = new Module(wat(PROGRAM), options);
        expect(Module.timings(second).codeCache).toBe('hit');
        expect(Module.timings(second).bodiesValidated).toBe(false);
        expect(Module.timings(second).lazy!.units).toBe(Module.timings(first).lazy!.units);
        for (const module of [first, second]) {
          const exports = instantiate(module);
          expect(exports.fib(15)).toBe(610);
          expect(exports.apply(0, 6, 7)).toBe(13);
          expect(exports.many(5n, 1.5, -2, 0.25)).toEqual([1.75, 3n]);
        }
        // Without the cache, or with another one, the bodies are validated.
        expect(Module.timings(new Module(wat(PROGRAM), { tiering })).bodiesValidated).toBe(true);
      }
    } finally {
      rmSync(cacheDirectory, { recursive: true, force: true });
    }
  });

  test('units a compiling unit calls start ahead (two at most), and a first call takes that compile', () => {
    const bytes = wat(FAN_OUT);
    const module = new Module(bytes, { optLevel: 0, tiering: 'lazy', codeCache: false, baseline: 'llvm-O0' });
    const exports = new Instance(module).exports as { run(n: number): number; rare(): number };
    expect(exports.run(1)).toBe(1 + 20 + 300);
    // run's unit calls the units of $rare, $a, $b and $c: the first two start ahead while
    // run's compiles; $a's first call takes its compile, $b and $c compile at their calls,
    // and $rare's is never called.
    const stats = Module.timings(module).lazy!;
    expect(stats.unitsAhead).toBe(2);
    expect(stats.unitsAheadUsed).toBe(1);
    expect(stats.unitsCompiled).toBe(4);
    expect(exports.run(0)).toBe(0);
    expect(Module.timings(module).lazy!.unitsCompiled).toBe(4);
    // $rare, called at last (from JS), takes the compile started for it, and computes what eager code does.
    const eager = new Instance(new Module(bytes, { optLevel: 0, codeCache: false })).exports as { rare(): number };
    expect(exports.rare()).toBe(eager.rare());
    expect(Module.timings(module).lazy!.unitsAheadUsed).toBe(2);
    expect(Module.timings(module).lazy!.unitsCompiled).toBe(5);
    // With the code cache: the first run starts units ahead and stores every unit called; the
    // next links those at their calls and starts only $rare's ahead again (never called, so
    // its compile was never taken and stored).
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-units-ahead-'));
    try {
      const first = new Module(bytes, { optLevel: 0, tiering: 'lazy', codeCache: { directory }, baseline: 'llvm-O0' });
      expect((new Instance(first).exports as { run(n: number): number }).run(1)).toBe(321);
      expect(Module.timings(first).lazy!.unitsAhead).toBe(2);
      const second = new Module(bytes, { optLevel: 0, tiering: 'lazy', codeCache: { directory }, baseline: 'llvm-O0' });
      expect((new Instance(second).exports as { run(n: number): number }).run(1)).toBe(321);
      expect(Module.timings(second).lazy!).toMatchObject({ unitsAhead: 1, unitsCompiled: 4, unitsFromCache: 4 });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    // The same with the units ahead turned off.
    process.env.WASM_LLVM_UNITS_AHEAD = '0';
    try {
      const plain = new Module(bytes, { optLevel: 0, tiering: 'lazy', codeCache: false, baseline: 'llvm-O0' });
      const plainExports = new Instance(plain).exports as { run(n: number): number };
      expect(plainExports.run(1)).toBe(321);
      expect(Module.timings(plain).lazy!.unitsAhead).toBe(0);
      expect(Module.timings(plain).lazy!.unitsCompiled).toBe(4);
    } finally {
      delete process.env.WASM_LLVM_UNITS_AHEAD;
    }
  });

  test('a unit started ahead and never called does not outlive the process (exit while it compiles)', () => {
    const script = `
      const { Module, Instance } = await import(${JSON.stringify(join(repositoryRoot(), 'dist/engine/index.js'))});
      const module = new Module(new Uint8Array(${JSON.stringify(Array.from(wat(FAN_OUT)))}), { optLevel: 0, tiering: 'lazy', codeCache: false, baseline: 'llvm-O0' });
      const exports = new Instance(module).exports;
      console.log(exports.run(0), Module.timings(module).lazy.unitsAhead);`;
    for (let round = 0; round < 3; round++) {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, WASM_LLVM_UNIT_BYTES: '1' } });
      expect(result.signal, result.stderr).toBeNull();
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('0 2');
    }
  });

  test('validation errors come from compile(), with the offset', async () => {
    const cacheDirectory = mkdtempSync(join(tmpdir(), 'lazy-validation-'));
    try {
      await validationErrors(cacheDirectory);
    } finally {
      rmSync(cacheDirectory, { recursive: true, force: true });
    }
  });
});

/** compile() of a module whose body does not validate, lazily (the resident code was already compiling then). */
async function validationErrors(cacheDirectory: string): Promise<void> {
  const bytes = wat('(module (func (export "f") (result i32) (i32.const 1)))');
  const broken = Uint8Array.from(bytes);
  // The body's i32.const 1 becomes i64.const 1: the result type no longer matches.
  const at = broken.lastIndexOf(0x41);
  broken[at] = 0x42;
  await expect(compile(broken, { tiering: 'lazy' })).rejects.toThrow(CompileError);
  let error: unknown;
  try {
    new Module(broken, { tiering: 'lazy' });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(CompileError);
  expect((error as CompileError).message).toMatch(/^type mismatch: .* \(at offset 0x[0-9a-f]+\)$/);
  // The same error, at the same offset, as an eager compile reports.
  expect(() => new Module(broken, { optLevel: 0 })).toThrow((error as Error).message);
  // The resident code was already compiling when the body failed: it is dropped, and the
  // next compiles (valid or not, with the code cache or not) are unaffected.
  for (let round = 0; round < 20; round++) {
    expect(() => new Module(broken, { tiering: 'lazy', codeCache: round % 2 === 0 ? false : { directory: cacheDirectory } })).toThrow((error as Error).message);
    const instance = new Instance(new Module(bytes, { tiering: 'lazy', codeCache: round % 2 === 0 ? false : { directory: cacheDirectory } }));
    expect((instance.exports.f as () => number)()).toBe(1);
  }
  expect(() => new Module(bytes, { tiering: 'lazy', serializable: true })).toThrow(TypeError);
  expect(() => new Module(bytes, { tiering: 'later' as 'lazy' })).toThrow(RangeError);
}
