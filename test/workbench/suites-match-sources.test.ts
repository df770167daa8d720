// Suites: the committed .wasm binaries, expected outputs and manifests still match their
// C sources, the common header, the flags and the compiler. A rebuild of the MINI
// dataset must be byte-identical; for every dataset the manifest's input hash must match.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../bench/paths.js';
import { COMMON_SUITE, listSuites, readManifest } from '../../bench/suites/catalog.js';
import { clangVersion, sha256File, wasmInputsHash } from '../../bench/suites/toolchain.js';
import { DATASETS } from '../../bench/results/schema.js';

describe('committed suite binaries', () => {
  test('both suites are built for all five datasets', () => {
    expect(listSuites()).toEqual(expect.arrayContaining(['polybench', 'shootout']));
    expect(readManifest('polybench')!.programs).toHaveLength(30);
    expect(readManifest('shootout')!.programs.length).toBeGreaterThanOrEqual(12);
    for (const suite of ['polybench', 'shootout']) {
      for (const program of readManifest(suite)!.programs) expect(Object.keys(program.outputs), `${suite}/${program.name}`).toEqual([...DATASETS]);
    }
  });

  test('every manifest entry matches its current source, header, flags and compiler', async () => {
    const clang = await clangVersion();
    expect(clang).not.toBeNull();
    for (const suite of [...listSuites(), COMMON_SUITE]) {
      const manifest = readManifest(suite)!;
      expect(manifest.compiler.clang).toBe(clang);
      for (const program of manifest.programs) {
        expect(program.inputsSha256, `${suite}/${program.name}: rebuild with npm run build:suites`).toBe(wasmInputsHash(program.source, clang!, repositoryRoot));
        for (const output of Object.values(program.outputs)) {
          expect(existsSync(join(repositoryRoot, output.wasm)), output.wasm).toBe(true);
          expect(sha256File(join(repositoryRoot, output.wasm)), output.wasm).toBe(output.wasmSha256);
          expect(sha256File(join(repositoryRoot, output.expected)), output.expected).toBe(output.expectedSha256);
        }
      }
    }
  });

  test('a rebuild of the MINI binaries is byte-identical to the committed ones', () => {
    const check = spawnSync(process.execPath, ['dist/bench/suites/build.js', '--check', '--dataset', 'mini'], { cwd: repositoryRoot, encoding: 'utf8', timeout: 600_000 });
    expect(check.status, check.stderr.split('\n').filter((line) => line.startsWith('MISMATCH')).join('\n')).toBe(0);
    expect(check.stderr).toMatch(/all \d+ binaries match their sources/);
  }, 600_000);
});
