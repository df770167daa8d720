// The addon's loop versioning on 32-bit indices (src/index_versioning.cc) at O2: loops whose
// i32 address arithmetic wraps around 2^32, runs downwards, overlaps itself (a recurrence
// through memory, where the groups' disjointness check fails), uses i64 counters or memarg
// offsets, or traps part-way, give V8's results — the checked fast loop where the check
// holds, the unchanged loop where it does not — and the same as O0. And the shape of the
// optimised IR (the addon's WASM_LLVM_DUMP_DIR hook): the pass versions the loops it should
// and the strided-exit loop is vectorised only because of it (WASM_LLVM_DISABLE). With
// exactTraps, loops with bounds guards are versioned and vectorised too, and memory after a
// trap is V8's.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();

/** Memory of 2 pages; every function loops `n` times over addresses derived from `p`. */
const LOOPS = `(module
  (memory (export "memory") 2)
  ;; a[i] = b[i] * 2.0 + c[i], i counting up in bytes: the plain kernel
  (func (export "axpy") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32)
    (loop $l
      (f64.store (i32.add (local.get $a) (local.get $i))
        (f64.add (f64.mul (f64.load (i32.add (local.get $b) (local.get $i))) (f64.const 2))
                 (f64.load (i32.add (local.get $c) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 3))))))
  ;; the same unrolled by two (n pairs), the second element at +8: one group per array
  (func (export "axpy2") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32)
    (loop $l
      (f64.store (i32.add (local.get $a) (local.get $i))
        (f64.add (f64.mul (f64.load (i32.add (local.get $b) (local.get $i))) (f64.const 2))
                 (f64.load (i32.add (local.get $c) (local.get $i)))))
      (f64.store (i32.add (i32.add (local.get $a) (local.get $i)) (i32.const 8))
        (f64.add (f64.mul (f64.load (i32.add (i32.add (local.get $b) (local.get $i)) (i32.const 8))) (f64.const 2))
                 (f64.load offset=8 (i32.add (local.get $c) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.ne (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; clang's idiom: the index runs from -8n up to 0, the pointers point past the end
  (func (export "negative") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32)
    (local.set $i (i32.sub (i32.const 0) (i32.shl (local.get $n) (i32.const 3))))
    (loop $l
      (f64.store (i32.add (local.get $a) (local.get $i))
        (f64.add (f64.load (i32.add (local.get $b) (local.get $i))) (f64.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $l (local.get $i))))
  ;; downwards: a[i] = b[i] + i for i = n-1 .. 0
  (func (export "down") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32)
    (local.set $i (local.get $n))
    (loop $l
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))
        (i32.add (i32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))) (local.get $i)))
      (br_if $l (local.get $i))))
  ;; a running sum through memory: a[i + 1] = a[i] + b[i] (overlapping groups)
  (func (export "prefix") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32)
    (loop $l
      (i32.store offset=4 (i32.add (local.get $a) (local.get $i))
        (i32.add (i32.load (i32.add (local.get $a) (local.get $i)))
                 (i32.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 2))))))
  ;; an i64 counter converted to the i32 index
  (func (export "wide") (param $a i32) (param $b i32) (param $n i64)
    (local $i i64)
    (loop $l
      (i32.store8 (i32.add (local.get $a) (i32.wrap_i64 (local.get $i)))
        (i32.add (i32.load8_u (i32.add (local.get $b) (i32.wrap_i64 (local.get $i)))) (i32.const 3)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get $i) (local.get $n)))))
  ;; a strided exit: i += 8 until i == end (never, when end - i is not a multiple of 8)
  (func (export "strided") (param $a i32) (param $b i32) (param $i i32) (param $end i32)
    (loop $l
      (i32.store (i32.add (local.get $a) (local.get $i))
        (i32.add (i32.load (i32.add (local.get $b) (local.get $i))) (i32.const 1)))
      (i32.store offset=4 (i32.add (local.get $a) (local.get $i)) (i32.const 7))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $l (i32.ne (local.get $i) (local.get $end)))))
  ;; the same downwards: i -= 4 until i == end
  (func (export "stridedDown") (param $a i32) (param $b i32) (param $i i32) (param $end i32)
    (loop $l
      (local.set $i (i32.sub (local.get $i) (i32.const 4)))
      (i32.store (i32.add (local.get $a) (local.get $i))
        (i32.mul (i32.load (i32.add (local.get $b) (local.get $i))) (i32.const 3)))
      (br_if $l (i32.ne (local.get $i) (local.get $end)))))
  ;; a sum, read only
  (func (export "sum") (param $b i32) (param $n i32) (result f64)
    (local $i i32) (local $s f64)
    (loop $l
      (local.set $s (f64.add (local.get $s) (f64.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 3)))))
    (local.get $s))
)`;

type Exports = Record<string, (...args: unknown[]) => unknown> & { memory: { buffer: ArrayBuffer } };

interface Outcome {
  result: unknown;
  trap: string | null;
  memory: Uint8Array;
}

function initialise(memory: ArrayBuffer): void {
  const bytes = new Uint8Array(memory);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 8) * 13) & 0xff;
  // Some doubles that stay finite: every 8-byte word's top bytes at 0x40 (2.0 .. 4.0).
  for (let i = 7; i < bytes.length; i += 8) bytes[i] = 0x40;
}

function run(exports: Exports, name: string, args: unknown[]): Outcome {
  initialise(exports.memory.buffer);
  let result: unknown;
  let trap: string | null = null;
  try {
    result = exports[name](...args);
  } catch (error) {
    trap = (error as Error).message;
  }
  return { result, trap, memory: new Uint8Array(exports.memory.buffer).slice() };
}

const bytes = skip === undefined ? wat(LOOPS) : new Uint8Array();
const MINUS = (bytes: number) => (2 ** 32 - bytes) | 0;

/** [export, arguments, note]: addresses are bytes of memory (2 pages = 131072 bytes). */
const CASES: [string, unknown[], string][] = [
  ['axpy', [0, 40000, 80000, 3000], 'disjoint arrays'],
  ['axpy', [1000, 1008, 5000, 2000], 'a overlaps b one element ahead'],
  ['axpy', [1008, 1000, 5000, 2000], 'a overlaps b one element behind'],
  ['axpy', [MINUS(64), 40000, 80000, 500], 'a wraps around 2^32 into low memory'],
  ['axpy', [0, MINUS(8000), 80000, 900], 'b wraps around 2^32'],
  ['axpy', [0, 40000, 130000, 300], 'c runs past the end: traps'],
  ['axpy', [MINUS(64), 40000, 80000, 9], 'a ends just below 2^32: traps'],
  ['axpy2', [0, 40000, 80000, 1500], 'disjoint, unrolled'],
  ['axpy2', [1000, 1008, 5000, 1000], 'unrolled, overlapping'],
  ['axpy2', [MINUS(16), 40000, 80000, 200], 'unrolled, wrapping'],
  ['negative', [64000, 32000, 3000], 'pointers past the end'],
  ['negative', [4000, 4008, 400], 'overlapping, index negative'],
  ['negative', [8000, 4000, 600], 'index reaches below address 0 of b: traps (wraps to 4 GiB)'],
  ['down', [4000, 20000, 3000], 'downwards'],
  ['down', [4000, 3996, 3000], 'downwards, overlapping'],
  ['down', [MINUS(400), 20000, 300], 'downwards, wrapping into low memory'],
  ['prefix', [4000, 60000, 5000], 'recurrence through memory'],
  ['prefix', [MINUS(400), 60000, 500], 'recurrence across the wrap'],
  ['wide', [1000, 50000, 70000n], 'i64 counter'],
  ['wide', [MINUS(100), 50000, 60000n], 'i64 counter, wrapping'],
  ['wide', [1000, 1001, 7000n], 'i64 counter, overlapping'],
  ['wide', [1000, 50000, 90000n], 'i64 counter, traps'],
  ['strided', [1000, 40000, 0, 8000], 'strided exit'],
  ['strided', [1000, 40000, 0, 8004], 'strided exit never reached: traps'],
  ['strided', [1000, 1004, 0, 8000], 'strided exit, overlapping'],
  ['strided', [MINUS(800), 40000, 0, 8000], 'strided exit, wrapping'],
  ['strided', [1000, 40000, 8000, 8000], 'strided exit after 2^29 steps: traps'],
  ['stridedDown', [1000, 40000, 8000, 0], 'strided exit downwards'],
  ['stridedDown', [1000, 40000, 8000, 2], 'strided exit downwards never reached: traps'],
  ['stridedDown', [1000, 996, 8000, 0], 'strided exit downwards, overlapping'],
  ['sum', [8, 10000], 'read only'],
  ['sum', [MINUS(800), 1000], 'read only, wrapping'],
];

describe.skipIf(skip !== undefined)('loops over 32-bit indices, optimised', () => {
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  const o2 = new ours.Instance(new ours.Module(bytes, { optLevel: 2 })).exports as unknown as Exports;
  const o0 = new ours.Instance(new ours.Module(bytes, { optLevel: 0 })).exports as unknown as Exports;
  const exact = new ours.Instance(new ours.Module(bytes, { optLevel: 2, exactTraps: true })).exports as unknown as Exports;

  test.each(CASES.map(([name, args, note]) => [name, note, args] as const))('%s: %s', (name, _note, args) => {
    const expected = run(v8, name, args);
    for (const exports of [o2, o0, exact]) {
      const actual = run(exports, name, args);
      expect(actual.trap === null).toBe(expected.trap === null);
      expect(actual.result).toEqual(expected.result);
      // After a trap, stores of the vector step that faulted may be missing at plain O2 (the
      // vectoriser groups iterations); with exactTraps, and at O0, memory is always V8's.
      if (expected.trap === null || exports !== o2) expect(Buffer.compare(actual.memory, expected.memory)).toBe(0);
    }
  });
});

/**
 * The optimised IR of LOOPS at O2, per function symbol, through the addon's dump hook. The
 * addon reads the environment at compile time; vitest runs this file in a forked process
 * (pool: forks), so process.env is the real environment.
 */
function optimisedFunctions(disable?: string, options: ours.ModuleCompileOptions = { optLevel: 2 }): Map<string, string> {
  const directory = mkdtempSync(join(tmpdir(), 'index-versioning-'));
  process.env.WASM_LLVM_DUMP_DIR = directory;
  if (disable !== undefined) process.env.WASM_LLVM_DISABLE = disable;
  try {
    new ours.Module(bytes, options);
    // One dump per code unit (LOOPS is one unit; read them all anyway).
    const files = readdirSync(directory).filter((name) => name.endsWith('.ll'));
    expect(files.length).toBeGreaterThan(0);
    const functions = new Map<string, string>();
    for (const file of files) {
      const ir = readFileSync(join(directory, file), 'utf8');
      for (const match of ir.matchAll(/^define [^@]*@(\w+)\([^]*?^}/gm)) functions.set(match[1], match[0]);
    }
    return functions;
  } finally {
    delete process.env.WASM_LLVM_DUMP_DIR;
    delete process.env.WASM_LLVM_DISABLE;
    rmSync(directory, { recursive: true, force: true });
  }
}

// Function indices of LOOPS, in order: axpy, axpy2, negative, down, prefix, wide, strided, stridedDown, sum.
const FUNCTIONS = ['axpy', 'axpy2', 'negative', 'down', 'prefix', 'wide', 'strided', 'stridedDown', 'sum'];
const vectorised = (body: string | undefined): boolean => /<\d+ x (double|i32|i8)>/.test(body ?? '');

describe.skipIf(skip !== undefined)('loops over 32-bit indices, the optimised IR', () => {
  test('every loop is versioned (the check\'s values are named ixv) and the kernels are vectorised', () => {
    const functions = optimisedFunctions();
    for (const [index, name] of FUNCTIONS.entries()) {
      expect(functions.get(`wasm_func_${index}`), name).toContain('ixv');
    }
    for (const name of ['axpy', 'axpy2', 'negative', 'down', 'strided']) {
      expect(vectorised(functions.get(`wasm_func_${FUNCTIONS.indexOf(name)}`)), name).toBe(true);
    }
    // A strict floating-point sum is a reduction LLVM must not reorder: not vectorised.
    expect(vectorised(functions.get(`wasm_func_${FUNCTIONS.indexOf('sum')}`))).toBe(false);
  });

  test('with exactTraps, the loops with bounds guards are versioned too: the checked copy has no guard and the kernels are vectorised', () => {
    const functions = optimisedFunctions(undefined, { optLevel: 2, exactTraps: true });
    for (const [index, name] of FUNCTIONS.entries()) {
      const body = functions.get(`wasm_func_${index}`) ?? '';
      expect(body, name).toContain('ixv.guards');
      // The clone keeps its guards: the trap is still reachable.
      expect(body, name).toContain('call void @wasm_rt_trap');
    }
    for (const name of ['axpy', 'axpy2', 'negative', 'down', 'strided']) {
      expect(vectorised(functions.get(`wasm_func_${FUNCTIONS.indexOf(name)}`)), name).toBe(true);
    }
  });

  test('without the pass, nothing is versioned and the strided-exit loop stays scalar', () => {
    const functions = optimisedFunctions('index-versioning');
    for (const [index, name] of FUNCTIONS.entries()) {
      expect(functions.get(`wasm_func_${index}`), name).not.toContain('ixv');
    }
    expect(vectorised(functions.get(`wasm_func_${FUNCTIONS.indexOf('strided')}`))).toBe(false);
  });
});
