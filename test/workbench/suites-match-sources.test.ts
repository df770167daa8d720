// Suites: the committed .wasm binaries, expected outputs and manifests still match their
// C sources, the common header, the flags of their build variant and the compiler. A
// rebuild of the MINI dataset must be byte-identical in both variants (scalar and simd);
// for every dataset the manifest's input hash must match. The simd variant shares the
// scalar variant's expected outputs and records its SIMD instruction counts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../bench/paths.js';
import { COMMON_SUITE, listSuites, listVariants, readManifest } from '../../bench/suites/catalog.js';
import { countSimdInstructions } from '../../bench/suites/simd-census.js';
import { clangVersion, sha256File, wasmInputsHash } from '../../bench/suites/toolchain.js';
import { DATASETS } from '../../bench/results/schema.js';

describe('committed suite binaries', () => {
  test('both suites are built for all five datasets, in both variants', () => {
    expect(listSuites()).toEqual(expect.arrayContaining(['polybench', 'shootout']));
    expect(readManifest('polybench')!.programs).toHaveLength(30);
    expect(readManifest('shootout')!.programs.length).toBeGreaterThanOrEqual(12);
    for (const suite of ['polybench', 'shootout', COMMON_SUITE]) expect(listVariants(suite), suite).toEqual(['scalar', 'simd']);
    for (const suite of ['polybench', 'shootout']) {
      const scalar = readManifest(suite)!;
      const simd = readManifest(suite, 'simd')!;
      expect(simd.programs.map((program) => program.name), `${suite} (simd)`).toEqual(scalar.programs.map((program) => program.name));
      for (const program of [...scalar.programs, ...simd.programs]) expect(Object.keys(program.outputs), `${suite}/${program.name}`).toEqual([...DATASETS]);
    }
  });

  test('every manifest entry matches its current source, header, flags and compiler', async () => {
    const clang = await clangVersion();
    expect(clang).not.toBeNull();
    for (const suite of [...listSuites(), COMMON_SUITE]) {
      for (const variant of listVariants(suite)) {
        const manifest = readManifest(suite, variant)!;
        expect(manifest.compiler.clang).toBe(clang);
        for (const program of manifest.programs) {
          expect(program.inputsSha256, `${suite}/${program.name} (${variant}): rebuild with npm run build:suites`).toBe(wasmInputsHash(program.source, clang!, repositoryRoot, variant));
          for (const output of Object.values(program.outputs)) {
            expect(existsSync(join(repositoryRoot, output.wasm)), output.wasm).toBe(true);
            expect(sha256File(join(repositoryRoot, output.wasm)), output.wasm).toBe(output.wasmSha256);
            expect(sha256File(join(repositoryRoot, output.expected)), output.expected).toBe(output.expectedSha256);
          }
        }
      }
    }
  });

  test('the simd variant shares the scalar expected outputs and records its SIMD instructions', () => {
    for (const suite of ['polybench', 'shootout', COMMON_SUITE]) {
      const scalar = readManifest(suite)!;
      const simd = readManifest(suite, 'simd')!;
      let vectorised = 0;
      for (const program of simd.programs) {
        const scalarProgram = scalar.programs.find((entry) => entry.name === program.name)!;
        for (const [key, output] of Object.entries(program.outputs)) {
          expect(output.expected, `${suite}/${program.name}.${key}`).toBe(scalarProgram.outputs[key].expected);
          expect(output.wasm.startsWith(`suites/${suite}/wasm-simd/`)).toBe(true);
          expect(output.simdInstructions, `${suite}/${program.name}.${key}`).toBeTypeOf('number');
          if (key === 'mini' || key === 'default') {
            const census = countSimdInstructions(new Uint8Array(readFileSync(join(repositoryRoot, output.wasm))));
            expect(census, output.wasm).toEqual({ instructions: output.simdInstructions, functions: output.simdFunctions });
          }
          if (output.simdInstructions! > 0) vectorised++;
        }
      }
      // clang vectorises most programs; a few (recurrences, scalar control flow) stay scalar.
      if (suite !== COMMON_SUITE) expect(vectorised, suite).toBeGreaterThan(Object.keys(simd.programs).length * 2);
    }
  });

  test('a rebuild of the MINI binaries of both variants is byte-identical to the committed ones', () => {
    const check = spawnSync(process.execPath, ['dist/bench/suites/build.js', '--check', '--dataset', 'mini'], { cwd: repositoryRoot, encoding: 'utf8', timeout: 600_000 });
    expect(check.status, check.stderr.split('\n').filter((line) => line.startsWith('MISMATCH')).join('\n')).toBe(0);
    expect(check.stderr).toMatch(/all \d+ binaries match their sources/);
    expect(check.stderr).toContain('checked polybench/gemm.mini (simd)');
  }, 600_000);
});
