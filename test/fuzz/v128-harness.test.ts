// Stage: differential execution fuzzing (vitest). The SIMD parts of the execution harness:
// the v128 half of --denan (tools/fuzz/execution/v128-denan.ts), the log-v128 adapter and
// the transcript's v128 lanes with NaNs reduced, and the TypeError both engines throw for a
// v128 at the JS boundary, recorded as one category.

import { describe, expect, test } from 'vitest';
import { Instance, Module, validate } from '../../engine/index.js';
import { denanV128 } from '../../tools/fuzz/execution/v128-denan.js';
import { SIMD_SWAP_CLASSES, swapSimdOperators } from '../../tools/fuzz/execution/simd-swaps.js';
import { OP_NAME, OP_ROW } from '../../engine/wasm/opcodes.js';
import { formatV128, recordTranscript, v8Engine, type EngineUnderTest } from '../../tools/fuzz/execution/transcript.js';
import { classifyOurError, TrapCategory } from '../../tools/fuzz/execution/trap-categories.js';
import { wat, watUnavailableReason } from '../support/wat.js';

function ours(optLevel: 0 | 2): EngineUnderTest {
  return {
    name: `O${optLevel}`,
    compile: (bytes) => new Module(bytes, { optLevel }),
    instantiate: (module, imports) => new Instance(module as Module, imports) as unknown as { exports: Record<string, unknown> },
    classifyError: classifyOurError,
  };
}
const ENGINES = [v8Engine, ours(0), ours(2)];

function transcripts(bytes: Uint8Array, canonicaliseNaNs = false): string[][] {
  return ENGINES.map((engine) => recordTranscript(engine, bytes, { argumentSeed: 0, canonicaliseNaNs }));
}

// inf - inf, 1 - NaN and min(NaN, NaN) give NaNs whose sign and payload the spec leaves open;
// x86, V8 and LLVM's constant folder choose differently. abs and pmin are bit-exact.
const NAN_PRODUCING = `
(module
  (import "fuzzing-support" "log-v128" (func $log (param v128)))
  (import "fuzzing-support" "log-i32" (func $log32 (param i32)))
  (memory (export "memory") 1)
  (func (export "constants")
    (call $log (f32x4.sub (v128.const f32x4 inf inf 1 nan:0x200000) (v128.const f32x4 inf 2 nan:0x100 nan:0x300000))))
  (func (export "through_memory")
    (v128.store (i32.const 0) (v128.const f32x4 inf inf 1 nan:0x200000))
    (v128.store (i32.const 16) (v128.const f64x2 inf nan:0x1234))
    (call $log (f32x4.sub (v128.load (i32.const 0)) (v128.load (i32.const 0))))
    (v128.store (i32.const 32) (f32x4.min (v128.load (i32.const 0)) (v128.load (i32.const 16))))
    (v128.store (i32.const 48) (f64x2.mul (v128.load (i32.const 16)) (v128.load (i32.const 16))))
    (call $log32 (i32.load (i32.const 44))))
  (func (export "exact")
    (call $log (f32x4.abs (v128.const i32x4 0xffc00001 0x7fa00000 -1 0)))
    (call $log (f32x4.pmin (v128.const f32x4 nan:0x1 1 2 3) (v128.const f32x4 0 nan:0x2 2 3))))
  (func (export "unreachable_operand") (result v128)
    unreachable
    f64x2.sqrt))
`;

describe.skipIf(watUnavailableReason() !== undefined)('v128-denan', () => {
  test('each NaN-producing operator becomes a call to its NaN-free helper, abs and pmin stay; the result validates', () => {
    const bytes = wat(NAN_PRODUCING);
    const { bytes: denanned, instrumented } = denanV128(bytes);
    // constants: sub; through_memory: sub, min, mul; unreachable_operand: sqrt.
    expect(instrumented).toBe(5);
    expect(WebAssembly.validate(denanned as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(validate(denanned)).toBe(true);
  });

  test('operands are cleaned too: a NaN constant no longer lets O2 fold the operator and delete a load that traps', () => {
    // LLVM folds x + NaN to the NaN, deleting x (RATIONALE, "Which folds can still delete a
    // trapping load?"); binaryen's --denan keeps NaNs from scalar operators, and this keeps
    // them from vector ones (the translator now anchors this case's load by itself as well).
    const bytes = denanV128(wat(`
      (module
        (memory (export "memory") 1)
        (global $address (mut i32) (i32.const -8))
        (func (export "f") (result i32)
          (i32x4.extract_lane 0 (f32x4.add (v128.load (global.get $address)) (v128.const f32x4 nan nan nan nan)))))
    `)).bytes;
    const [v8, ...rest] = transcripts(bytes);
    expect(v8).toEqual(['call f()', 'trap out of bounds memory access', expect.stringMatching(/^memory /)]);
    for (const transcript of rest) expect(transcript).toEqual(v8);
  });

  test('after it, V8, O0 and O2 log and store the same bits, NaN lanes of operands and results as +0', () => {
    const [v8, ...rest] = transcripts(denanV128(wat(NAN_PRODUCING)).bytes);
    for (const transcript of rest) expect(transcript).toEqual(v8);
    // inf - inf is NaN, made +0; a NaN operand is made +0 first, so 1 - NaN is 1 - 0.
    expect(v8).toContain('host fuzzing-support.log-v128(v128 0x0 0x7f800000 0x3f800000 0x0)');
    expect(v8).toContain('host fuzzing-support.log-v128(v128 0x0 0x0 0x0 0x0)');
    // abs clears the sign bit of a NaN, pmin returns its first operand when either is NaN: exact bits.
    expect(v8).toContain('host fuzzing-support.log-v128(v128 0x7fc00001 0x7fa00000 0x7fffffff 0x0)');
    expect(v8).toContain('host fuzzing-support.log-v128(v128 0x7f800001 0x3f800000 0x40000000 0x40400000)');
  });

  test('a module without such operators comes back unchanged', () => {
    const bytes = wat('(module (func (export "f") (result v128) (f32x4.abs (f32x4.neg (v128.const i64x2 1 2)))))');
    expect(denanV128(bytes)).toEqual({ bytes, instrumented: 0 });
  });
});

describe.skipIf(watUnavailableReason() !== undefined)('simd-swaps', () => {
  test('classes hold operators of one typing, immediate kind and lane count or alignment; only lane loads and stores have no class', () => {
    for (const [id, members] of SIMD_SWAP_CLASSES) {
      const [, , , , immediate, typing, , extra] = OP_ROW[id]!;
      for (const member of members) expect([OP_ROW[member]![4], OP_ROW[member]![5], OP_ROW[member]![7]]).toEqual([immediate, typing, extra]);
    }
    const alone = new Set(OP_ROW.flatMap((row, id) => (row?.[0] === 0xfd && !SIMD_SWAP_CLASSES.has(id) ? [OP_NAME[id]] : [])));
    for (const bits of [8, 16, 32, 64]) {
      expect(alone).toContain(`v128.load${bits}_lane`);
      expect(alone).toContain(`v128.store${bits}_lane`);
    }
    // Operators binaryen 108 never emits reach modules through a class it does emit.
    for (const [late, emitted] of [['i16x8.q15mulr_sat_s', 'i16x8.add'], ['i64x2.lt_s', 'i64x2.sub'], ['f32x4.pmin', 'f32x4.max'], ['i32x4.bitmask', 'i32x4.all_true'], ['v128.load64_zero', 'v128.load64_splat']]) {
      expect(SIMD_SWAP_CLASSES.get(OP_NAME.indexOf(late))).toContain(OP_NAME.indexOf(emitted));
    }
  });

  test('swaps keep the module valid, change only opcodes, and depend on the seed alone', () => {
    const bytes = wat(`
      (module
        (memory 1)
        (func (export "f") (param v128 v128) (result v128)
          (i16x8.add (i32x4.mul (local.get 0) (local.get 1)) (v128.load32_splat offset=4 (i32.const 0))))
        (func (export "g") (param v128) (result i32)
          (i32.add (i8x16.all_true (local.get 0)) (i8x16.extract_lane_s 3 (f32x4.sqrt (local.get 0))))))
    `);
    const outcomes = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => swapSimdOperators(bytes, seed));
    for (const { bytes: swapped } of outcomes) {
      expect(WebAssembly.validate(swapped as Uint8Array<ArrayBuffer>)).toBe(true);
      expect(validate(swapped)).toBe(true);
    }
    expect(outcomes.some(({ swapped }) => swapped > 0)).toBe(true);
    expect(swapSimdOperators(bytes, 3)).toEqual(outcomes[2]);
  });
});

describe('the transcript of a v128', () => {
  test('four 32-bit lanes, lane 0 first', () => {
    expect(formatV128([1, -1, 0x7fc00000, 0], false)).toBe('v128 0x1 0xffffffff 0x7fc00000 0x0');
  });

  test('with NaNs canonicalised: f32 NaN lanes, and the low lane under an f32 NaN high lane, become "nan"', () => {
    // f32x4 with NaNs in lanes 0 and 3: lane 2 goes too (it could be an f64 NaN's payload).
    expect(formatV128([0xffc00000, 5, 7, 0x7fc00001], true)).toBe('v128 nan 0x5 nan nan');
    // f64x2 NaNs of any payload and sign.
    expect(formatV128([0x12345678, 0x7ff80000, 0, 0xfff00001], true)).toBe('v128 nan nan nan nan');
    // f32 and f64 infinities and ordinary numbers are kept.
    expect(formatV128([0x7f800000, 0xff800000, 0, 0xfff00000], true)).toBe('v128 0x7f800000 0xff800000 0x0 0xfff00000');
    expect(formatV128([1, 0x7ff00000, 0, 0x3ff00000], true)).toBe('v128 nan nan 0x0 0x3ff00000');
  });

  test.skipIf(watUnavailableReason() !== undefined)('log-v128 through the adapter: the same lanes on every engine, NaN lanes reduced when asked', () => {
    const bytes = wat(NAN_PRODUCING);
    for (const canonicalise of [false, true]) {
      const [v8, ...rest] = transcripts(bytes, canonicalise);
      expect(v8.filter((line) => line.startsWith('host fuzzing-support.log-v128'))).toHaveLength(4);
      if (canonicalise) {
        for (const transcript of rest) expect(transcript.filter((line) => line.includes('log-v128'))).toEqual(v8.filter((line) => line.includes('log-v128')));
        expect(v8).toContain('host fuzzing-support.log-v128(v128 nan 0x7f800000 nan nan)');
      }
    }
  });
});

describe.skipIf(watUnavailableReason() !== undefined)('a v128 at the JS boundary', () => {
  test('exports with v128 parameters or results: the same TypeError category on every engine, before anything runs', () => {
    const bytes = wat(`
      (module
        (memory (export "memory") 1)
        (func (export "result") (result v128) (i32.store (i32.const 0) (i32.const 7)) (v128.const i32x4 1 2 3 4))
        (func (export "param") (param i32 v128) (i32.store (i32.const 4) (i32.const 9)))
        (func (export "plain") (result i32) (i32.load (i32.const 0))))
    `);
    const [v8, ...rest] = transcripts(bytes);
    for (const transcript of rest) expect(transcript).toEqual(v8);
    expect(v8).toEqual([
      'call result()',
      `trap ${TrapCategory.V128AtJsBoundary}`,
      'call param(i32 0, v128)',
      `trap ${TrapCategory.V128AtJsBoundary}`,
      'call plain()',
      'return i32 0',
      expect.stringMatching(/^memory 65536 bytes, fnv1a /),
    ]);
  });
});
