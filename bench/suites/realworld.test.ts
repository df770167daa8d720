// Realworld suite (realworld.ts), end to end: `npm run bench -- --suite realworld` on two
// small modules (lz4 and the tree-sitter runtime, an Emscripten MAIN_MODULE with memory,
// table and global imports),
// on every engine of the suite's default set (V8 Liftoff and TurboFan, Wasmtime Cranelift
// and Winch, this engine at O0 and O2), one process of one iteration each: every engine
// compiles the module and instantiates it against stub imports with the expected exports,
// results record module sizes, and the console shows the size fit. Also the size fit
// itself and the catalogue. Needs dist/ and .venv (npm test's set-up).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { leastSquares } from '../analysis/size-scaling.js';
import { repositoryRoot } from '../paths.js';
import { readResults } from '../results/store.js';
import { REALWORLD_DEFAULT_ENGINES, REALWORLD_MODULES, realworldBenchmarks } from './realworld.js';

describe('realworld suite', () => {
  test('the catalogue names installed modules, smallest first, each with its export list as expected output', () => {
    const benchmarks = realworldBenchmarks(null);
    expect(benchmarks.map((b) => b.name)).toEqual(REALWORLD_MODULES.map((m) => m.name));
    const sizes = benchmarks.map((b) => b.wasmBytes ?? 0);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(Math.max(...sizes)).toBeGreaterThan(10_000_000);
    for (const benchmark of benchmarks) {
      expect(benchmark.mode).toBe('module');
      expect(benchmark.expectedOutput).toMatch(/^exports \d+\n/);
    }
    expect(benchmarks.find((b) => b.name === 'lz4')?.expectedOutput).toContain('memory memory\n');
  });

  test('least squares on log-log points recovers a power law', () => {
    const xs = [3, 4, 5, 6, 7];
    const fit = leastSquares(xs, xs.map((x) => 1.25 * x - 2));
    expect(fit?.slope).toBeCloseTo(1.25, 10);
    expect(fit?.intercept).toBeCloseTo(-2, 10);
    expect(fit?.rSquared).toBeCloseTo(1, 10);
    expect(leastSquares([5, 5], [1, 2])).toBeNull();
  });

  test('npm run bench -- --suite realworld compiles and instantiates on every engine', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bench-realworld-')), 'results.json');
    const run = spawnSync(
      process.execPath,
      ['dist/bench/cli.js', '--suite', 'realworld', '--filter', '^(lz4|tree-sitter)$', '--processes', '1', '--iterations', '1', '--seed', '7', '--out', out],
      { cwd: repositoryRoot, encoding: 'utf8', timeout: 600_000 },
    );
    expect(run.status, `bench failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
    const results = await readResults(out);
    expect(results.config.engines).toEqual(REALWORLD_DEFAULT_ENGINES);
    expect(results.config.phases).toEqual(['compile', 'instantiate']);
    expect(results.runs.filter((r) => !r.ok).map((r) => `${r.engine}/${r.benchmark}: ${r.failure?.message}`)).toEqual([]);
    expect(results.benchmarks.map((b) => [b.name, b.wasmBytes! > 0])).toEqual([['lz4', true], ['tree-sitter', true]]);
    for (const engine of REALWORLD_DEFAULT_ENGINES) {
      for (const phase of ['compile', 'instantiate']) {
        expect(results.summaries.filter((s) => s.engine === engine && s.phase === phase).length, `${engine} ${phase}`).toBe(2);
      }
    }
    expect(run.stdout).toContain('Compile time against module size');
  }, 600_000);
});
