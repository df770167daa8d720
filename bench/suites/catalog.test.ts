// Suites catalogue and build variants: both committed variants are listed and selected
// (scalar in suites/<suite>/wasm, simd in suites/<suite>/wasm-simd) with one shared expected
// output per program; the simd flags are the scalar flags plus -msimd128, leaving the
// scalar variant's flags and input hashes as they were; the SIMD census counts 0xFD
// operators as the manifest records them.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { COMMON_SUITE, VARIANT_DIRECTORIES, listSuites, listVariants, readManifest, selectBenchmarks, variantsOfChoice } from './catalog.js';
import { countSimdInstructions } from './simd-census.js';
import { WASM_FLAGS, clangVersion, wasmFlags, wasmInputsHash } from './toolchain.js';
import { repositoryRoot } from '../paths.js';

describe('build variants in the catalogue', () => {
  test('polybench, shootout and the common noop are built in both variants', () => {
    expect(listSuites()).toEqual(expect.arrayContaining(['polybench', 'shootout']));
    for (const suite of ['polybench', 'shootout', COMMON_SUITE]) expect(listVariants(suite), suite).toEqual(['scalar', 'simd']);
    expect(VARIANT_DIRECTORIES).toEqual({ scalar: 'wasm', simd: 'wasm-simd' });
    expect(variantsOfChoice('both')).toEqual(['scalar', 'simd']);
    expect(variantsOfChoice('simd')).toEqual(['simd']);
  });

  test('the simd selection names the wasm-simd binaries, with the scalar expected output', () => {
    const select = (variant: 'scalar' | 'simd') => selectBenchmarks({ suite: 'polybench', dataset: 'mini', filter: '^gemm$', includeNoop: true, variant });
    const scalar = select('scalar');
    const simd = select('simd');
    expect(simd.map((b) => [b.name, b.variant, b.wasm])).toEqual([
      ['gemm', 'simd', 'suites/polybench/wasm-simd/gemm.mini.wasm'],
      ['noop', 'simd', 'suites/common/wasm-simd/noop.default.wasm'],
    ]);
    expect(scalar.map((b) => [b.name, b.variant, b.wasm])).toEqual([
      ['gemm', 'scalar', 'suites/polybench/wasm/gemm.mini.wasm'],
      ['noop', 'scalar', 'suites/common/wasm/noop.default.wasm'],
    ]);
    expect(simd[0].expectedOutput).toBe(scalar[0].expectedOutput);
    expect(simd[0].expectedOutputSha256).toBe(scalar[0].expectedOutputSha256);
    expect(simd[0].wasmSha256).not.toBe(scalar[0].wasmSha256);
    // Without a variant, a selection is scalar (tools/compile-stages.ts selects so).
    expect(selectBenchmarks({ suite: 'polybench', dataset: 'mini', filter: '^gemm$', includeNoop: false })[0].variant).toBe('scalar');
  });

  test('realworld has no simd variant', () => {
    expect(() => selectBenchmarks({ suite: 'realworld', dataset: 'mini', filter: null, includeNoop: false, variant: 'simd' })).toThrow(/realworld has no simd variant/);
  });

  test('simd flags are the scalar flags plus -msimd128; the scalar input hashes are unchanged', async () => {
    expect(wasmFlags('scalar')).toBe(WASM_FLAGS);
    expect(wasmFlags('simd')).toEqual([...WASM_FLAGS, '-msimd128']);
    expect(readManifest('polybench', 'simd')!.compiler.wasmFlags).toEqual([...WASM_FLAGS, '-msimd128']);
    const clang = (await clangVersion())!;
    const gemm = readManifest('polybench')!.programs.find((program) => program.name === 'gemm')!;
    expect(wasmInputsHash(gemm.source, clang, repositoryRoot)).toBe(gemm.inputsSha256);
    expect(wasmInputsHash(gemm.source, clang, repositoryRoot, 'simd')).not.toBe(gemm.inputsSha256);
  });

  test('the SIMD census counts 0xFD operators: none in scalar gemm, the manifest’s count in simd gemm', () => {
    const output = readManifest('polybench', 'simd')!.programs.find((program) => program.name === 'gemm')!.outputs.mini;
    const bytes = (path: string) => new Uint8Array(readFileSync(`${repositoryRoot}/${path}`));
    expect(countSimdInstructions(bytes('suites/polybench/wasm/gemm.mini.wasm'))).toEqual({ instructions: 0, functions: 0 });
    const census = countSimdInstructions(bytes(output.wasm));
    expect(census.instructions).toBeGreaterThan(100);
    expect(census).toEqual({ instructions: output.simdInstructions, functions: output.simdFunctions });
  });
});
