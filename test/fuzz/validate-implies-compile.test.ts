// Stage: JS API consistency (WebAssembly JavaScript Interface §4, `validate` and `compile`).
// Feature detection in JS glue (wasm-feature-detect and the like) asks `validate()` and then
// picks a build; whatever `validate()` accepts, `compile()` must compile, and whatever it
// rejects, `compile()` must reject with the same message. Checked over the fuzzer's seed
// corpus (every module of the spec suite, valid or not, SIMD ones included; the suites'
// binaries; Binaryen-generated modules with SIMD) and over mutated modules, compiling at O0.
// Implementation limits (IR size, compile deadlines) are the only allowed exceptions, and
// none of these inputs reaches them.

import { describe, expect, test } from 'vitest';
import { CompileError, Instance, Module, validate } from '../../engine/index.js';
import { decodeAndValidateModule } from '../../engine/validate/validate-module.js';
import { binaryenModules, specModules, suiteModules } from '../../tools/fuzz/corpus.js';
import { SeededRandom, mutateModule } from '../../tools/fuzz/mutator.js';
import { wat } from '../support/wat.js';

/** Undefined when validate() and compile() agree on `bytes`, else what differs. */
function disagreement(bytes: Uint8Array): string | undefined {
  const valid = validate(bytes);
  let compileError: unknown;
  try {
    new Module(bytes, { optLevel: 0 });
  } catch (error) {
    compileError = error;
  }
  if (valid) return compileError === undefined ? undefined : `validate() accepts, compile throws ${String(compileError)}`;
  if (compileError === undefined) return 'validate() rejects, compile succeeds';
  if (!(compileError instanceof CompileError)) return `compile throws ${String(compileError)}, not a CompileError`;
  let validationMessage = '';
  try {
    decodeAndValidateModule(bytes);
  } catch (error) {
    validationMessage = (error as Error).message;
  }
  return validationMessage === compileError.message ? undefined : `validate(): "${validationMessage}", compile: "${compileError.message}"`;
}

function check(inputs: readonly Uint8Array[], label: string): { valid: number; problems: string[] } {
  let valid = 0;
  const problems: string[] = [];
  inputs.forEach((bytes, index) => {
    if (validate(bytes)) valid++;
    const problem = disagreement(bytes);
    if (problem !== undefined && problems.length < 20) problems.push(`${label} #${index} (${bytes.length} bytes): ${problem}`);
  });
  return { valid, problems };
}

describe('validate() and compile() agree', () => {
  test('a feature-detection probe (v128.const, i8x16.shuffle): validate() is true, it compiles and runs as in V8', () => {
    // The shape of wasm-feature-detect's simd() probe, plus a lane read to check the result.
    const bytes = wat(`(module (func (export "f") (result i32)
      (i8x16.extract_lane_u 0 (i8x16.shuffle 15 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14
        (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (v128.const i64x2 0 0)))))`);
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(validate(bytes)).toBe(true);
    const ours = new Instance(new Module(bytes), {}).exports as { f(): number };
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as { f(): number };
    expect(ours.f()).toBe(15);
    expect(ours.f()).toBe(v8.f());
    expect(disagreement(bytes)).toBeUndefined();
  });

  const spec = specModules();
  test.skipIf(spec.length === 0)(`every module of the spec suite (${spec.length})`, () => {
    const { valid, problems } = check(spec, 'spec');
    console.log(`spec modules: ${spec.length}, valid for this engine: ${valid}`);
    expect(problems).toEqual([]);
  }, 600_000);

  test('the suites\' binaries and Binaryen-generated modules (SIMD enabled)', () => {
    const inputs = [...suiteModules(), ...binaryenModules(2024, 6)];
    const { valid, problems } = check(inputs, 'corpus');
    console.log(`suite and Binaryen modules: ${inputs.length}, valid for this engine: ${valid}`);
    expect(problems).toEqual([]);
  }, 600_000);

  test.skipIf(spec.length === 0)('1500 mutated modules', () => {
    const random = new SeededRandom(20261205);
    const seeds = [...spec.filter((_, i) => i % 3 === 0), ...binaryenModules(2024, 6)];
    const inputs = Array.from({ length: 1500 }, () => mutateModule(seeds[random.below(seeds.length)], random, seeds));
    const { valid, problems } = check(inputs, 'mutated');
    console.log(`mutated modules: ${inputs.length}, valid for this engine: ${valid}`);
    expect(problems).toEqual([]);
  }, 600_000);
});
