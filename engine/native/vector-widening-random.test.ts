// The widening of 128-bit vector loops (src/vector_widening.cc, src/vector_copy_merging.cc)
// under random loops: seeded, generated loop bodies of integer SIMD operations (lane-wise
// arithmetic of every lane width, saturating and averaging operations, compares, shifts,
// narrowing and extending, extending multiplies, dot products, random shuffles, bitselect),
// some unrolled into two copies, some shifting in the previous iteration's load, some
// reading the array they write at a fixed distance (0 to 3 vectors either way), the others
// arrays whose distances vary from call to call (disjoint, the same array, one or more
// vectors ahead or behind), for several trip counts. Integer operations only,
// so results are exact: memory after each call must be V8's. The optimised IR must show
// that most of the loops were widened, so that the comparison exercises the pass.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();

/** A small seeded generator (xorshift32), so every run tests the same loops. */
function generator(seed: number): (bound: number) => number {
  let state = seed >>> 0 || 1;
  return (bound: number) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % bound;
  };
}

const BINARY = [
  'i8x16.add', 'i8x16.sub', 'i8x16.add_sat_u', 'i8x16.sub_sat_s', 'i8x16.avgr_u', 'i8x16.min_s', 'i8x16.max_u',
  'i16x8.add', 'i16x8.mul', 'i16x8.add_sat_s', 'i16x8.q15mulr_sat_s', 'i16x8.min_u', 'i16x8.avgr_u',
  'i32x4.add', 'i32x4.sub', 'i32x4.mul', 'i32x4.max_s', 'i32x4.min_u', 'i64x2.add', 'i64x2.sub', 'i64x2.mul',
  'v128.and', 'v128.or', 'v128.xor', 'v128.andnot',
  'i8x16.eq', 'i8x16.gt_u', 'i16x8.gt_s', 'i32x4.lt_u', 'i32x4.ge_s', 'i64x2.lt_s',
  'i8x16.narrow_i16x8_s', 'i16x8.narrow_i32x4_u',
  'i16x8.extmul_low_i8x16_u', 'i16x8.extmul_high_i8x16_s', 'i32x4.extmul_low_i16x8_s', 'i64x2.extmul_high_i32x4_u',
  'i32x4.dot_i16x8_s',
];
const UNARY = [
  'i8x16.abs', 'i8x16.neg', 'i8x16.popcnt', 'v128.not', 'i16x8.abs', 'i32x4.neg', 'i64x2.abs',
  'i16x8.extend_low_i8x16_s', 'i16x8.extend_high_i8x16_u', 'i32x4.extend_low_i16x8_u', 'i64x2.extend_high_i32x4_s',
  'i16x8.extadd_pairwise_i8x16_s', 'i32x4.extadd_pairwise_i16x8_u',
];
const SHIFTS = ['i8x16.shl', 'i16x8.shr_s', 'i32x4.shr_u', 'i64x2.shl', 'i32x4.shl'];

interface Shape {
  name: string;
  text: string;
}

/** One loop: `copies` copies of a random expression over the loads of b and c (and the previous load of b). */
function randomLoop(index: number, random: (bound: number) => number): Shape {
  const copies = random(3) === 0 ? 2 : 1;
  const recurrence = random(3) === 0;
  const offsets = [0, 16, 32, 48];
  // A third of the loops read "b" from a itself: one group of addresses with the store, at
  // constant distances of -2 to 2 vectors, where only the distance rule (no no-alias
  // scopes) decides whether two iterations may run as one.
  const source = random(3) === 0 ? '$a' : '$b';
  const offB = source === '$a' ? 32 + 16 * random(3) : offsets[random(4)];
  const offC = offsets[random(4)];
  const offA = source === '$a' ? offB + 16 * (random(5) - 2) : offsets[random(4)];
  const expression = (depth: number): string => {
    const leaf = random(6);
    if (depth === 0 || leaf === 0) {
      const pick = random(recurrence ? 4 : 3);
      if (pick === 0) return '(local.get $x0)';
      if (pick === 1) return '(local.get $y0)';
      if (pick === 2) {
        const lanes = Array.from({ length: 4 }, () => String(random(2 ** 31)));
        return `(v128.const i32x4 ${lanes.join(' ')})`;
      }
      // The previous load (copy 1 reads copy 0's: rewritten below).
      return '(local.get $previous)';
    }
    const kind = random(10);
    if (kind < 5) return `(${BINARY[random(BINARY.length)]} ${expression(depth - 1)} ${expression(depth - 1)})`;
    if (kind < 7) return `(${UNARY[random(UNARY.length)]} ${expression(depth - 1)})`;
    if (kind < 8) return `(${SHIFTS[random(SHIFTS.length)]} ${expression(depth - 1)} (i32.const ${random(70)}))`;
    if (kind < 9) {
      const mask = Array.from({ length: 16 }, () => String(random(32)));
      return `(i8x16.shuffle ${mask.join(' ')} ${expression(depth - 1)} ${expression(depth - 1)})`;
    }
    return `(v128.bitselect ${expression(depth - 1)} ${expression(depth - 1)} ${expression(depth - 1)})`;
  };
  const body: string[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const at = copy * 16;
    body.push(`(local.set $x${copy} (v128.load offset=${offB + at} (i32.add (local.get ${source}) (local.get $i))))`);
    body.push(`(local.set $y${copy} (v128.load offset=${offC + at} (i32.add (local.get $c) (local.get $i))))`);
  }
  // One expression for every copy, as a producer's unrolling writes it: copy 1's text is
  // copy 0's with its own locals (and copy 0's load where copy 0 reads the previous one).
  const template = expression(2 + random(2));
  for (let copy = 0; copy < copies; copy++) {
    const text = copy === 0 ? template : template.replace(/\$x0/g, '$x1').replace(/\$y0/g, '$y1').replace(/\$previous/g, '$x0');
    body.push(`(v128.store offset=${offA + copy * 16} (i32.add (local.get $a) (local.get $i)) ${text})`);
  }
  if (recurrence) body.push(`(local.set $previous (local.get $x${copies - 1}))`);
  const step = 16 * copies;
  const name = `loop${index}`;
  const text = `  (func (export "${name}") (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (local $i i32) (local $previous v128) (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128)
    (local.set $previous (v128.load (i32.sub (local.get ${source}) (i32.const 16))))
    (loop $l
      ${body.join('\n      ')}
      (local.set $i (i32.add (local.get $i) (i32.const ${step})))
      (br_if $l (i32.lt_u (local.get $i) (i32.mul (local.get $n) (i32.const ${step}))))))`;
  return { name, text };
}

const random = generator(20261207);
const SHAPES = Array.from({ length: 64 }, (_, index) => randomLoop(index, random));
const MODULE = `(module\n  (memory (export "memory") 1)\n${SHAPES.map((shape) => shape.text).join('\n')}\n)`;
const bytes = skip === undefined ? wat(MODULE) : new Uint8Array();

type Exports = Record<string, (...args: number[]) => unknown> & { memory: { buffer: ArrayBuffer } };

function fill(memory: ArrayBuffer, seed: number): void {
  const next = generator(seed);
  const view = new Uint8Array(memory);
  for (let i = 0; i < view.length; i++) view[i] = next(256);
}

/** [a, b, c]: disjoint, and b or c on a itself at distances of −3 to +3 vectors (plus the loops' own offsets). */
const BASES: [number, number, number][] = [
  [4096, 12288, 20480],
  [4096, 4096, 20480],
  [4096, 4096 + 16, 4096 - 32],
  [4096, 4096 - 16, 12288],
  [4096, 12288, 4096 + 48],
  [4096, 4096 - 48, 4096 + 32],
];
const TRIP_COUNTS = [1, 2, 3, 4, 5, 8, 13];

describe.skipIf(skip !== undefined)('random 128-bit vector loops at O2: V8\'s memory', () => {
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  const o2 = new ours.Instance(new ours.Module(bytes, { optLevel: 2 })).exports as unknown as Exports;

  test.each(SHAPES.map((shape) => [shape.name, shape] as const))('%s', (name) => {
    let call = 0;
    for (const [a, b, c] of BASES) {
      for (const n of TRIP_COUNTS) {
        call++;
        fill(v8.memory.buffer, call);
        fill(o2.memory.buffer, call);
        v8[name](a, b, c, n);
        o2[name](a, b, c, n);
        const same = Buffer.compare(new Uint8Array(o2.memory.buffer), new Uint8Array(v8.memory.buffer)) === 0;
        expect(same, `${name}(a=${a}, b=${b}, c=${c}, n=${n})`).toBe(true);
      }
    }
  });

  test('most of the loops are widened (256-bit accesses in the optimised IR)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'vector-widening-random-'));
    process.env.WASM_LLVM_DUMP_DIR = directory;
    try {
      new ours.Module(bytes, { optLevel: 2 });
      let widened = 0;
      for (const file of readdirSync(directory).filter((name) => /\.\d+\.ll$/.test(name))) {
        const ir = readFileSync(join(directory, file), 'utf8');
        for (const match of ir.matchAll(/^define [^@]*@wasm_func_(\d+)\([^]*?^}/gm)) {
          if (/(load|store) <(32 x i8|16 x i16|8 x i32|4 x i64)>/.test(match[0])) widened++;
        }
      }
      expect(widened).toBeGreaterThan(SHAPES.length / 2);
    } finally {
      delete process.env.WASM_LLVM_DUMP_DIR;
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
