// Stage: differential fuzzing (vitest). The addon's C++ validator of function bodies
// (engine/native/src/body_validator.cc, used by validate() and the lazy and tiered
// compile(): engine/compile/native-validation.ts) against the TypeScript validator, which
// stays the reference: the same accept/reject and the same direct-call graph, with one
// thread and with three, on every module of the spec test suite, on the npm packages' modules
// the drop-in tier runs, and on mutated modules (byte and operator mutations of those seeds).
// A rejection ends in the TypeScript validator's CompileError, and no rejection it does not
// confirm may happen anywhere in these runs. The C++ reader of one validated body's direct
// callees (the tiered engine's top-tier sets on a cache hit) lists what calleesOf does.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { specModules, suiteModules } from '../../tools/fuzz/corpus.js';
import { nativeDisagreement } from '../../tools/fuzz/fuzz-loop.js';
import { SeededRandom, mutateModule } from '../../tools/fuzz/mutator.js';
import { mutateOperators } from '../../tools/fuzz/operator-mutations.js';
import { repositoryRoot } from '../spec/testsuite-location.js';
import { decodeModule } from '../../engine/binary/decode-module.js';
import { directCalleesOf, nativeValidationStats, validateBodiesInNativeCode } from '../../engine/compile/native-validation.js';
import { calleesOf } from '../../engine/translate/code-units.js';
import { validateFunctionBodies } from '../../engine/native/addon.js';
import { validateBodiesAndListCalls } from '../../engine/validate/validate-module.js';
import { CompileError } from '../../engine/wasm/errors.js';
import { Module, validate } from '../../engine/index.js';
import { compileErrorOf } from '../support/expect-compile-error.js';
import { I32, I64, singleFunctionModule } from '../support/module-bytes.js';

/** .wasm files of npm packages the drop-in tier runs (devDependencies), those installed. */
const PACKAGE_MODULES = [
  'lz4-wasm-nodejs/lz4_wasm_nodejs_bg.wasm',
  'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
  'vscode-oniguruma/release/onig.wasm',
  'sql.js/dist/sql-wasm.wasm',
  '@bokuweb/zstd-wasm/dist/common/zstd.wasm',
  'tiktoken/lite/tiktoken_bg.wasm',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  '@dimforge/rapier3d-simd-compat/dist/rapier_wasm3d_bg.wasm',
  'esbuild-wasm/esbuild.wasm',
]
  .map((path) => join(repositoryRoot(), 'node_modules', path))
  .filter((path) => existsSync(path));

const spec = specModules();
const seeds = [...spec.slice(0, 400), ...suiteModules().slice(0, 20), ...PACKAGE_MODULES.slice(0, 3).map((path) => new Uint8Array(readFileSync(path)))];

describe('the C++ validator of function bodies agrees with the TypeScript one', () => {
  test.skipIf(spec.length === 0)('every module of the spec test suite', () => {
    const disagreements: string[] = [];
    spec.forEach((bytes, i) => {
      const problem = nativeDisagreement(bytes);
      if (problem !== undefined) disagreements.push(`spec module ${i}: ${problem}`);
    });
    expect(disagreements).toEqual([]);
    expect(spec.length).toBeGreaterThan(1000);
  }, 120_000);

  test.skipIf(PACKAGE_MODULES.length === 0)("the npm packages' modules: valid, with the same call graphs", () => {
    for (const path of PACKAGE_MODULES) {
      const module = decodeModule(new Uint8Array(readFileSync(path)));
      const reference = validateBodiesAndListCalls(module);
      for (const threads of [1, 2, 5]) {
        const graph = validateBodiesInNativeCode(module, undefined, threads);
        expect(graph, `${path}, ${threads} threads`).toBeDefined();
        expect(graph!.starts).toEqual(reference.starts);
        expect(graph!.targets).toEqual(reference.targets);
      }
    }
  }, 120_000);

  test.skipIf(seeds.length === 0)('20,000 mutated modules (bytes, operators)', () => {
    const random = new SeededRandom(7102);
    const disagreements: string[] = [];
    let reachedBodies = 0;
    for (let i = 0; i < 20_000; i++) {
      const seed = random.pick(seeds);
      const input = (random.chance(0.5) ? mutateOperators(seed, random) : undefined) ?? mutateModule(seed, random, seeds);
      const problem = nativeDisagreement(input);
      if (problem !== undefined) disagreements.push(`input ${i}: ${problem}`);
      try {
        decodeModule(input);
        reachedBodies++;
      } catch {
        // failed before the bodies: not a comparison
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    expect(reachedBodies).toBeGreaterThan(5_000);
  }, 300_000);
});

describe("the C++ reader of a validated body's direct callees", () => {
  test.skipIf(PACKAGE_MODULES.length === 0 && spec.length === 0)('lists what calleesOf lists, in the same order, for every function', () => {
    const modules = [...PACKAGE_MODULES.map((path) => new Uint8Array(readFileSync(path))), ...spec];
    let functions = 0;
    let withCalls = 0;
    for (const bytes of modules) {
      let module: ReturnType<typeof decodeModule>;
      try {
        module = decodeModule(bytes);
        validateBodiesAndListCalls(module);
      } catch {
        continue; // only validated bodies are read this way
      }
      for (const body of module.functionBodies) {
        const expected = calleesOf(module, body.functionIndex);
        expect(directCalleesOf(module, body.functionIndex), `function ${body.functionIndex}`).toEqual(expected);
        functions++;
        if (expected.length > 0) withCalls++;
      }
    }
    expect(functions).toBeGreaterThan(10_000);
    expect(withCalls).toBeGreaterThan(1_000);
  }, 120_000);
});

describe('validate() and compile() with the C++ validator', () => {
  test('an invalid body: the TypeScript validator\u2019s error, and no unconfirmed rejection', () => {
    const before = nativeValidationStats();
    const invalid = singleFunctionModule([I32, I64], [I32], [0x20, 0, 0x20, 1, 0x6a, 0x0b]);
    expect(validate(invalid)).toBe(false);
    const lazy = compileErrorOf(() => new Module(invalid, { tiering: 'lazy' }));
    const eager = compileErrorOf(() => new Module(invalid, { optLevel: 0 }));
    expect(lazy.message).toBe(eager.message);
    expect(lazy.problem).toBe('type mismatch: expected i32, found i64');
    const after = nativeValidationStats();
    expect(after.rejected - before.rejected).toBe(2);
    expect(after.disagreements).toBe(0);
  });

  test('WASM_LLVM_NATIVE_VALIDATION=0: the TypeScript validator alone, same answers', () => {
    const valid = singleFunctionModule([I32, I32], [I32], [0x20, 0, 0x20, 1, 0x6a, 0x0b]);
    const invalid = singleFunctionModule([I32, I64], [I32], [0x20, 0, 0x20, 1, 0x6a, 0x0b]);
    const withNative = compileErrorOf(() => new Module(invalid, { tiering: 'lazy' })).message;
    const before = nativeValidationStats();
    process.env.WASM_LLVM_NATIVE_VALIDATION = '0';
    try {
      expect(validate(valid)).toBe(true);
      expect(validate(invalid)).toBe(false);
      expect(compileErrorOf(() => new Module(invalid, { tiering: 'lazy' })).message).toBe(withNative);
      expect(new Module(valid, { tiering: 'lazy' })).toBeInstanceOf(Module);
    } finally {
      delete process.env.WASM_LLVM_NATIVE_VALIDATION;
    }
    const after = nativeValidationStats();
    expect([after.accepted, after.rejected]).toEqual([before.accepted, before.rejected]);
  });

  test('a valid module is accepted natively', () => {
    const before = nativeValidationStats().accepted;
    expect(validate(singleFunctionModule([I32, I32], [I32], [0x20, 0, 0x20, 1, 0x6a, 0x0b]))).toBe(true);
    expect(nativeValidationStats().accepted).toBe(before + 1);
  });

  test('tables that do not match the addon are an internal error, not an answer', () => {
    const bytes = singleFunctionModule([], [], [0x0b]);
    const module = decodeModule(bytes);
    expect(validateBodiesInNativeCode(module)).toBeDefined();
    expect(() =>
      validateFunctionBodies(bytes, new Uint8Array(0x300), new Int32Array(0x300), new Uint8Array(0x300), new Int32Array(3), new Uint32Array(0), new Uint8Array(0),
        new Uint32Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint32Array(0), new Int32Array(4), 1),
    ).toThrow(/enums changed on one side only/);
  });

  test('CompileError stays the only error for a body the decoder accepted but no validator would', () => {
    const bytes = singleFunctionModule([], [], [0xfc, 0xff, 0x7f, 0x0b]);
    expect(validate(bytes)).toBe(false);
    expect(() => new Module(bytes, { tiering: 'lazy' })).toThrow(CompileError);
  });
});
