// End to end: the real `bench` command on the MINI dataset of each suite, on the real
// engines (this project's llvm-O2, V8 TurboFan and Liftoff, Wasmtime Cranelift, native).
// Every output must be validated, every run must pass, and the results file must satisfy
// the schema.
// Needs the set-up step (npm test runs it first): dist/, .venv, clang-19.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../bench/paths.js';
import { readResults } from '../../bench/results/store.js';
import { readManifest } from '../../bench/suites/catalog.js';

const ENGINES = ['llvm-O2', 'v8-turbofan', 'v8-liftoff', 'wasmtime-cranelift', 'native'];

describe.each(['polybench', 'shootout'])('npm run bench -- --suite %s --dataset mini', (suite) => {
  test('every benchmark runs on every engine with validated output', async () => {
    const manifest = readManifest(suite);
    expect(manifest, `suite ${suite} is not built`).not.toBeNull();
    const out = join(mkdtempSync(join(tmpdir(), 'bench-e2e-')), 'results.json');
    const run = spawnSync(
      process.execPath,
      ['dist/bench/cli.js', '--suite', suite, '--dataset', 'mini', '--engines', ENGINES.join(','), '--processes', '1', '--iterations', '2', '--seed', '12345', '--out', out],
      { cwd: repositoryRoot, encoding: 'utf8', timeout: 600_000 },
    );
    expect(run.status, `bench failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
    const results = await readResults(out);
    const failed = results.runs.filter((r) => !r.ok).map((r) => `${r.engine}/${r.benchmark}: ${r.failure?.kind} ${r.failure?.message}`);
    expect(failed).toEqual([]);
    const expectedBenchmarks = [...manifest!.programs.map((p) => p.name), 'noop'].sort();
    expect(results.benchmarks.map((b) => b.name).sort()).toEqual(expectedBenchmarks);
    for (const engine of ENGINES) {
      for (const benchmark of expectedBenchmarks) {
        const summary = results.summaries.find((s) => s.engine === engine && s.benchmark === benchmark && s.phase === 'execute');
        expect(summary?.n, `${engine}/${benchmark}`).toBe(2);
      }
    }
    // Every wasm engine is compared with native on execution time.
    expect(results.comparisons.filter((c) => c.phase === 'execute').map((c) => c.engine).sort()).toEqual(ENGINES.filter((e) => e !== 'native').sort());
    expect(results.config.seed).toBe(12345);
    expect(run.stdout).toContain('geomean ratio to native');
  }, 600_000);
});
