// End to end, the SIMD build variant: the real `bench` command with `--variant both` on one
// MINI kernel, on this project's llvm-O2, V8 TurboFan, Wasmtime Cranelift and native code.
// Every wasm engine runs the scalar and the SIMD binary with validated output, native runs
// once (the reference of both, no variant recorded), and the results file records the
// variant of every benchmark, run and sample. Needs dist/, .venv and clang-19 (npm test's
// set-up). Kept to one kernel: seven measured processes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../bench/paths.js';
import { readResults } from '../../bench/results/store.js';

const ENGINES = ['llvm-O2', 'v8-turbofan', 'wasmtime-cranelift', 'native'];

describe('npm run bench -- --variant both', () => {
  test('scalar and SIMD gemm on every wasm engine, native once, variants recorded', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bench-simd-')), 'results.json');
    const run = spawnSync(
      process.execPath,
      ['dist/bench/cli.js', '--suite', 'polybench', '--dataset', 'mini', '--variant', 'both', '--filter', '^gemm$', '--no-noop', '--engines', ENGINES.join(','), '--processes', '1', '--iterations', '1', '--seed', '7', '--out', out],
      { cwd: repositoryRoot, encoding: 'utf8', timeout: 600_000 },
    );
    expect(run.status, `bench failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
    const results = await readResults(out);
    expect(results.config.variants).toEqual(['scalar', 'simd']);
    expect(results.benchmarks.map((b) => [b.name, b.variant, b.wasm])).toEqual([
      ['gemm', 'scalar', 'suites/polybench/wasm/gemm.mini.wasm'],
      ['gemm', 'simd', 'suites/polybench/wasm-simd/gemm.mini.wasm'],
    ]);
    expect(results.fingerprint.project.simdSuiteManifestSha256).toMatch(/^[0-9a-f]{64}$/);
    const runs = results.runs.map((r) => `${r.engine}/${r.variant ?? '-'}:${r.ok ? 'ok' : `${r.failure?.kind} ${r.failure?.message}`}`).sort();
    expect(runs).toEqual(['llvm-O2/scalar:ok', 'llvm-O2/simd:ok', 'native/-:ok', 'v8-turbofan/scalar:ok', 'v8-turbofan/simd:ok', 'wasmtime-cranelift/scalar:ok', 'wasmtime-cranelift/simd:ok']);
    const executeSeries = results.summaries.filter((s) => s.phase === 'execute').map((s) => `${s.engine}/${s.variant ?? '-'}`).sort();
    expect(executeSeries).toEqual(['llvm-O2/scalar', 'llvm-O2/simd', 'native/-', 'v8-turbofan/scalar', 'v8-turbofan/simd', 'wasmtime-cranelift/scalar', 'wasmtime-cranelift/simd']);
    // Both builds of every wasm engine are compared with the one native measurement.
    const compared = results.comparisons.filter((c) => c.phase === 'execute').map((c) => `${c.engine}/${c.variant}→${c.baseline}`).sort();
    expect(compared).toEqual(ENGINES.filter((e) => e !== 'native').flatMap((e) => [`${e}/scalar→native`, `${e}/simd→native`]));
    expect(run.stdout).toMatch(/│ gemm +│ simd +│/);
  }, 600_000);
});
