// Stage: translation tests. v128 constants used in another lane shape are written as a
// literal of that shape, never as a `bitcast` of the `<16 x i8>` literal: LLVM 19's code
// generator looped forever at O0 on a compare of such a bitcast whose mask was shifted as
// bytes and read as an i64 lane (found by the SIMD execution differential, seed 3789988160;
// the module is test/fuzz/regressions/execution/o0-vector-constant-bitcast-hangs-codegen.wasm).

import { describe, expect, it } from 'vitest';
import { Instance, Module } from '../index.js';
import { translateModuleBytes } from './index.js';
import { missingTools, watToWasm } from '../../test/translate/llvm-tools.js';

const skip = missingTools('wat2wasm');

const HANG_REPRO = `
(module
  (func (export "f") (result i64)
    (i64x2.extract_lane 1
      (i8x16.shl
        (i32x4.lt_s (v128.const i32x4 1 2 3 4) (v128.const i64x2 -1 5))
        (i32.const 1)))))`;

function run(text: string, optLevel: 0 | 2): unknown {
  const instance = new Instance(new Module(watToWasm(text), { optLevel }), {});
  return (instance.exports.f as () => unknown)();
}

describe.skipIf(skip !== undefined)('v128 constants in a lane shape', () => {
  it('are literals of that shape: integer lanes in decimal, no bitcast of a vector constant', () => {
    const { ir } = translateModuleBytes(watToWasm(HANG_REPRO));
    expect(ir).toContain('icmp slt <4 x i32> <i32 1, i32 2, i32 3, i32 4>, <i32 -1, i32 -1, i32 5, i32 0>');
    expect(ir).not.toMatch(/bitcast \(</);
  });

  it('float lanes keep their exact bits, NaN payloads and -0 included', () => {
    const text = `
      (module
        (func (export "f") (result i64)
          (i64x2.extract_lane 0 (f32x4.neg (v128.const f32x4 nan:0x200000 -0 1 2)))))`;
    const { ir } = translateModuleBytes(watToWasm(text));
    expect(ir).toContain('<4 x float> <float bitcast (i32 2141192192 to float), float bitcast (i32 -2147483648 to float), float bitcast (i32 1065353216 to float), float bitcast (i32 1073741824 to float)>');
    expect(ir).not.toMatch(/bitcast \(</);
    // neg flips the sign bits: lane 0 0xffa00000, lane 1 +0.
    for (const level of [0, 2] as const) expect(run(text, level)).toBe(0x00000000ffa00000n);
  });

  it('the module that hung compiles and runs at O0 and O2', () => {
    // Lanes 1 < -1, 2 < -1, 3 < 5, 4 < 0 give the mask 0, 0, -1, 0; shifted as bytes, 0xfe.
    for (const level of [0, 2] as const) expect(run(HANG_REPRO, level)).toBe(0xfefefefen);
  });
});
