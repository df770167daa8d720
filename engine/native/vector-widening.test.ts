// The addon's widening of 128-bit vector loops (src/vector_widening.cc, with the merging of
// unrolled copies in src/vector_copy_merging.cc) at O2: loops of wasm SIMD code — lane-wise
// arithmetic, a body unrolled into two copies, a recurrence that shifts the previous load
// in (also in a body unrolled into two copies), arrays read and written downwards, a vector induction, a scalar count taken from vector compares, extending multiplies
// (shuffles between vector lengths), min/max with signed zeros, lanes gathered by scalar
// loads — give V8's results for trip
// counts 1 to 17 (the widened loop runs (n − 1) / 2 times, the original loop the rest), and
// the optimised IR shows which loops were widened (256-bit types) and that a loop whose next
// iteration reads what this one stored is left alone, as is one whose scalar load reads the
// previous iteration's store, and a body unrolled into two copies whose second copy reads
// part of what the first stored (WASM_LLVM_DUMP_DIR, WASM_LLVM_DISABLE).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();

/** One page of memory; each function loops over n ≥ 1 vectors (16 bytes) from the given addresses. */
const LOOPS = `(module
  (memory (export "memory") 1)
  ;; a[i] = b[i] * 1.5 + c[i], f64x2: lane-wise
  (func (export "scale") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32)
    (loop $l
      (v128.store (i32.add (local.get $a) (local.get $i))
        (f64x2.add (f64x2.mul (v128.load (i32.add (local.get $b) (local.get $i))) (f64x2.splat (f64.const 1.5)))
                   (v128.load (i32.add (local.get $c) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; the same shape unrolled by two (n pairs of f32x4 vectors), the second copy at +16
  (func (export "unrolled") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32)
    (loop $l
      (v128.store (i32.add (local.get $a) (local.get $i))
        (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $b) (local.get $i)))
                              (v128.load (i32.add (local.get $c) (local.get $i))))
                   (f32x4.splat (f32.const 0.25))))
      (v128.store offset=16 (i32.add (local.get $a) (local.get $i))
        (f32x4.sub (f32x4.mul (v128.load offset=16 (i32.add (local.get $b) (local.get $i)))
                              (v128.load offset=16 (i32.add (local.get $c) (local.get $i))))
                   (f32x4.splat (f32.const 0.25))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 5))))))
  ;; a[i] = (b[i - 1].hi, b[i].lo) + b[i] as f64x2: the previous iteration's load, shifted in
  (func (export "stencil") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32) (local $previous v128) (local $current v128)
    (local.set $previous (v128.load (i32.sub (local.get $b) (i32.const 16))))
    (loop $l
      (local.set $current (v128.load (i32.add (local.get $b) (local.get $i))))
      (v128.store (i32.add (local.get $a) (local.get $i))
        (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $previous) (local.get $current))
                   (local.get $current)))
      (local.set $previous (local.get $current))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; the stencil unrolled by two (n pairs): copy 0 shifts in the previous iteration's second load, copy 1 the first
  (func (export "unrolledStencil") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32) (local $previous v128) (local $first v128) (local $second v128)
    (local.set $previous (v128.load (i32.sub (local.get $b) (i32.const 16))))
    (loop $l
      (local.set $first (v128.load (i32.add (local.get $b) (local.get $i))))
      (local.set $second (v128.load offset=16 (i32.add (local.get $b) (local.get $i))))
      (v128.store (i32.add (local.get $a) (local.get $i))
        (f64x2.sub (local.get $first)
                   (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $previous) (local.get $first))))
      (v128.store offset=16 (i32.add (local.get $a) (local.get $i))
        (f64x2.sub (local.get $second)
                   (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $first) (local.get $second))))
      (local.set $previous (local.get $second))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 5))))))
  ;; a[n - 1 - i] = swap(b[i]) + c[n - 1 - i] as f64x2: a and c run downwards
  (func (export "reverse") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32) (local $j i32) (local $x v128)
    (local.set $j (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 4)))
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $b) (local.get $i))))
      (v128.store (i32.add (local.get $a) (local.get $j))
        (f64x2.add (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))
                   (v128.load (i32.add (local.get $c) (local.get $j)))))
      (local.set $j (i32.sub (local.get $j) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; a[j - 1] = a[j] + 1 for j downwards: the next iteration reads what this one stored (never widened)
  (func (export "downOverlap") (param $a i32) (param $n i32)
    (local $i i32) (local $j i32)
    (local.set $j (i32.shl (local.get $n) (i32.const 4)))
    (loop $l
      (v128.store (i32.sub (i32.add (local.get $a) (local.get $j)) (i32.const 16))
        (i32x4.add (v128.load (i32.add (local.get $a) (local.get $j))) (i32x4.splat (i32.const 1))))
      (local.set $j (i32.sub (local.get $j) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; unrolled by two, copy 1's load reads half of what copy 0 stored (never merged)
  (func (export "unrolledChain") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32)
    (loop $l
      (v128.store offset=24 (i32.add (local.get $a) (local.get $i))
        (i32x4.add (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
      (v128.store offset=40 (i32.add (local.get $a) (local.get $i))
        (i32x4.add (v128.load offset=16 (i32.add (local.get $a) (local.get $i))) (v128.load offset=16 (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 5))))))
  ;; a[i] = v * v for v = (4i, 4i + 1, 4i + 2, 4i + 3) + start: an i32x4 induction
  (func (export "iota") (param $a i32) (param $start i32) (param $n i32)
    (local $i i32) (local $v v128)
    (local.set $v (i32x4.add (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $start))))
    (loop $l
      (v128.store (i32.add (local.get $a) (local.get $i)) (i32x4.mul (local.get $v) (local.get $v)))
      (local.set $v (i32x4.add (local.get $v) (i32x4.splat (i32.const 4))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; a[i + 1] = a[i] + b[i]: the next iteration reads what this one stored (never widened)
  (func (export "overlap") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32)
    (loop $l
      (v128.store offset=16 (i32.add (local.get $a) (local.get $i))
        (i32x4.add (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; a[i + 2] = a[i] + b[i]: two vectors ahead, which two iterations at once never reach
  (func (export "overlapFar") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32)
    (loop $l
      (v128.store offset=32 (i32.add (local.get $a) (local.get $i))
        (i32x4.add (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; the number of bytes with a[i] > b[i] (signed): a scalar sum of vector bitmasks
  (func (export "count") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $i i32) (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count)
        (i32.popcnt (i8x16.bitmask (i8x16.gt_s (v128.load (i32.add (local.get $a) (local.get $i)))
                                                (v128.load (i32.add (local.get $b) (local.get $i))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4)))))
    (local.get $count))
  ;; a[i] = extmul_low_s(b, c) + extmul_high_u(b, c) as i16x8 from i8x16: halves and extends
  (func (export "extmul") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32) (local $x v128) (local $y v128)
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $b) (local.get $i))))
      (local.set $y (v128.load (i32.add (local.get $c) (local.get $i))))
      (v128.store (i32.add (local.get $a) (local.get $i))
        (i16x8.add (i16x8.extmul_low_i8x16_s (local.get $x) (local.get $y))
                   (i16x8.extmul_high_i8x16_u (local.get $x) (local.get $y))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; a[i] = min(b, c) + pmax(b, c) as f32x4 (wasm's NaN and signed-zero rules)
  (func (export "minmax") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32) (local $x v128) (local $y v128)
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $b) (local.get $i))))
      (local.set $y (v128.load (i32.add (local.get $c) (local.get $i))))
      (v128.store (i32.add (local.get $a) (local.get $i))
        (f32x4.add (f32x4.min (local.get $x) (local.get $y)) (f32x4.pmax (local.get $x) (local.get $y))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; a[i] = b[i] * (c[8i], c[8i + 4]) as f64x2 from two scalar loads (a column gather)
  (func (export "gather") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32) (local $j i32)
    (loop $l
      (v128.store (i32.add (local.get $a) (local.get $i))
        (f64x2.mul (v128.load (i32.add (local.get $b) (local.get $i)))
          (f64x2.replace_lane 1 (v128.load64_splat (i32.add (local.get $c) (local.get $j)))
                                (f64.load offset=32 (i32.add (local.get $c) (local.get $j))))))
      (local.set $j (i32.add (local.get $j) (i32.const 64)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
  ;; a[i] = a[i] * splat(a[i - 1].hi) + b: a scalar load of what the previous iteration stored (never widened)
  (func (export "chain") (param $a i32) (param $b f64) (param $n i32)
    (local $i i32)
    (loop $l
      (v128.store (i32.add (local.get $a) (local.get $i))
        (f64x2.add (f64x2.splat (local.get $b)) (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $i)))
                   (f64x2.splat (f64.load offset=8 (i32.sub (i32.add (local.get $a) (local.get $i)) (i32.const 16)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))
)`;

/** a[i] = f(b[i], c[i]) with f 600 steps of v = v * b + c: a body over the pass's 1,000-instruction bound. */
const LONG_BODY = Array.from({ length: 600 }, () => '(i32x4.add (i32x4.mul').join(' ') +
  ' (local.get $x)' + ' (local.get $x)) (local.get $y))'.repeat(600);
const LONG = `  (func (export "long") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32) (local $x v128) (local $y v128)
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $b) (local.get $i))))
      (local.set $y (v128.load (i32.add (local.get $c) (local.get $i))))
      (v128.store (i32.add (local.get $a) (local.get $i)) ${LONG_BODY})
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $i) (i32.shl (local.get $n) (i32.const 4))))))`;

type Exports = Record<string, (...args: unknown[]) => unknown> & { memory: { buffer: ArrayBuffer } };

/**
 * Memory of small finite floats (f32 words k/4 and f64 words k/8 with signs and zeros of
 * both signs, overlapping as the loops read them) in a fixed pseudo-random pattern.
 */
function initialise(memory: ArrayBuffer): void {
  const words = new Int32Array(memory);
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  const f32 = new Float32Array(1);
  const i32 = new Int32Array(f32.buffer);
  for (let i = 0; i < words.length; i++) {
    const k = next() % 64;
    f32[0] = k === 0 ? (next() & 1 ? -0 : 0) : ((next() & 1 ? -1 : 1) * k) / 4;
    words[i] = i32[0];
  }
  // Every other 64-bit word a small double instead (the f64x2 loops read those lanes).
  const doubles = new Float64Array(memory);
  for (let i = 0; i < doubles.length; i += 2) doubles[i] = ((next() & 1 ? -1 : 1) * (next() % 64)) / 8;
}

function run(exports: Exports, name: string, args: number[]): { result: unknown; memory: Uint8Array } {
  initialise(exports.memory.buffer);
  const result = exports[name](...args);
  return { result, memory: new Uint8Array(exports.memory.buffer).slice() };
}

const bytes = skip === undefined ? wat(LOOPS.replace(/\)`?$/, '') + '\n' + LONG + '\n)') : new Uint8Array();
const TRIP_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17];

/** [export, arguments before n]: arrays 1024 bytes apart (n ≤ 17 vectors is 272 bytes, or 544 unrolled). */
const SHAPES: [string, number[]][] = [
  ['scale', [4096, 8192, 12288]],
  ['unrolled', [4096, 8192, 12288]],
  ['stencil', [4096, 8208]],
  ['unrolledStencil', [4096, 8208]],
  ['reverse', [4096, 8192, 12288]],
  ['downOverlap', [4096]],
  ['unrolledChain', [4096, 8192]],
  ['iota', [4096, 1000]],
  ['overlap', [4096, 8192]],
  ['overlapFar', [4096, 8192]],
  ['count', [4096, 8192]],
  ['extmul', [4096, 8192, 12288]],
  ['minmax', [4096, 8192, 12288]],
  ['gather', [4096, 8192, 12288]],
  ['chain', [4096, 0.5]],
  ['long', [4096, 8192, 12288]],
];

describe.skipIf(skip !== undefined)('128-bit vector loops at O2 (widened where they can be)', () => {
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  const o2 = new ours.Instance(new ours.Module(bytes, { optLevel: 2 })).exports as unknown as Exports;

  test.each(SHAPES)('%s: V8\'s memory and result for trip counts 1-17', (name, args) => {
    for (const n of TRIP_COUNTS) {
      const expected = run(v8, name, [...args, n]);
      const actual = run(o2, name, [...args, n]);
      expect(actual.result, `${name}, n = ${n}`).toEqual(expected.result);
      expect(Buffer.compare(actual.memory, expected.memory), `${name}, n = ${n}: memory`).toBe(0);
    }
  });
});

/**
 * The optimised IR of LOOPS at O2, per exported function, through the addon's dump hook.
 * vitest runs this file in a forked process (pool: forks), so process.env is the real
 * environment, which the addon reads at compile time.
 */
function optimisedFunctions(disable?: string): Map<string, string> {
  const directory = mkdtempSync(join(tmpdir(), 'vector-widening-'));
  process.env.WASM_LLVM_DUMP_DIR = directory;
  if (disable !== undefined) process.env.WASM_LLVM_DISABLE = disable;
  try {
    new ours.Module(bytes, { optLevel: 2 });
    const functions = new Map<string, string>();
    for (const file of readdirSync(directory).filter((name) => /\.\d+\.ll$/.test(name))) {
      const ir = readFileSync(join(directory, file), 'utf8');
      for (const match of ir.matchAll(/^define [^@]*@wasm_func_(\d+)\([^]*?^}/gm)) {
        functions.set(SHAPES[Number(match[1])][0], match[0]);
      }
    }
    return functions;
  } finally {
    delete process.env.WASM_LLVM_DUMP_DIR;
    delete process.env.WASM_LLVM_DISABLE;
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A 256-bit load or store in the IR: what only widening makes of these 128-bit loops. */
const has256 = (body: string | undefined): boolean =>
  /(load|store) <(4 x double|8 x float|8 x i32|16 x i16|32 x i8|4 x i64)>/.test(body ?? '');

// The CPU must have 256-bit vectors for the pass to widen (AVX2; every x86-64 CPU this
// project measures on has them).
describe.skipIf(skip !== undefined)('128-bit vector loops at O2, the optimised IR', () => {
  test('the loops that can be widened are, those that read the last iteration\'s stores are not', () => {
    const functions = optimisedFunctions();
    for (const name of ['scale', 'unrolled', 'stencil', 'unrolledStencil', 'reverse', 'iota', 'overlapFar', 'count', 'extmul', 'minmax', 'gather']) {
      expect(has256(functions.get(name)), name).toBe(true);
    }
    expect(has256(functions.get('overlap'))).toBe(false);
    expect(has256(functions.get('downOverlap'))).toBe(false);
    expect(has256(functions.get('unrolledChain'))).toBe(false);
    expect(has256(functions.get('long'))).toBe(false);  // over the bound on the body's size
    expect(has256(functions.get('chain'))).toBe(false);
  });

  test('without the pass (WASM_LLVM_DISABLE=widening) no loop has 256-bit vectors', () => {
    const functions = optimisedFunctions('widening');
    expect(functions.size).toBe(SHAPES.length);
    for (const [name] of SHAPES) expect(has256(functions.get(name)), name).toBe(false);
  });
});
