// Realworld suite (realworld.ts), end to end: `npm run bench -- --suite realworld` on two
// small modules (lz4 and the tree-sitter runtime, an Emscripten MAIN_MODULE with memory,
// table and global imports) and one package through its JS glue (xxhash-wasm), on every
// engine of the suite's default set (V8 as shipped, Liftoff and TurboFan, Wasmtime
// Cranelift and Winch, this engine at O0 and O2), one process of one iteration each: every
// engine compiles the modules and instantiates them against stub imports with the expected
// exports, results record module sizes, the console shows the size fit; the package runs on
// the engines with the JS API only, with the digest recorded on Node and all three phases.
// Also the size fit itself and the catalogue. Needs dist/ and .venv (npm test's set-up).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { leastSquares } from '../analysis/size-scaling.js';
import { repositoryRoot } from '../paths.js';
import { readResults } from '../results/store.js';
import { digestOutput, readExpectedDigests } from './realworld-digests.js';
import { DROPIN_PACKAGES } from './realworld-packages.js';
import { GLUE_PREFIX, REALWORLD_DEFAULT_ENGINES, REALWORLD_MODULES, realworldBenchmarks } from './realworld.js';

describe('realworld suite', () => {
  test('the catalogue: every package that works through its glue, with the digest recorded on Node as expected output', () => {
    const packages = realworldBenchmarks(null).filter((b) => b.mode === 'package');
    const working = DROPIN_PACKAGES.filter((entry) => entry.expectedFailure === undefined);
    expect(packages.map((b) => b.name)).toEqual(working.map((entry) => `${GLUE_PREFIX}${entry.id}`));
    const recorded = readExpectedDigests().digests;
    for (const [index, benchmark] of packages.entries()) {
      expect(benchmark.workloadPath).toMatch(new RegExp(`dist/test/dropin/workloads/${working[index].id}\\.js$`));
      expect(benchmark.expectedOutput).toBe(digestOutput(recorded[working[index].id]));
      expect(benchmark.wasmBytes).toBeUndefined();
    }
    expect(realworldBenchmarks('^glue:lz4').map((b) => b.name)).toEqual(['glue:lz4-wasm']);
  });

  test('the catalogue names installed modules, smallest first, each with its export list as expected output', () => {
    const benchmarks = realworldBenchmarks(null).filter((b) => b.mode === 'module');
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

  test('npm run bench -- --suite realworld compiles and instantiates on every engine, and runs a package through its glue', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bench-realworld-')), 'results.json');
    const run = spawnSync(
      process.execPath,
      ['dist/bench/cli.js', '--suite', 'realworld', '--filter', '^(lz4|tree-sitter|glue:xxhash-wasm)$', '--processes', '1', '--iterations', '1', '--seed', '7', '--out', out],
      { cwd: repositoryRoot, encoding: 'utf8', timeout: 600_000 },
    );
    expect(run.status, `bench failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
    const results = await readResults(out);
    expect(results.config.engines).toEqual(REALWORLD_DEFAULT_ENGINES);
    expect(results.config.phases).toEqual(['compile', 'instantiate', 'execute', 'total']);
    expect(results.runs.filter((r) => !r.ok).map((r) => `${r.engine}/${r.benchmark}: ${r.failure?.message}`)).toEqual([]);
    expect(results.benchmarks.map((b) => [b.name, (b.wasmBytes ?? 0) > 0])).toEqual([['lz4', true], ['tree-sitter', true], ['glue:xxhash-wasm', false]]);
    const jsApiEngines = REALWORLD_DEFAULT_ENGINES.filter((engine) => !engine.startsWith('wasmtime-'));
    for (const engine of REALWORLD_DEFAULT_ENGINES) {
      for (const phase of ['compile', 'instantiate', 'execute', 'total']) {
        const modules = phase === 'execute' ? 0 : 2;
        const glue = jsApiEngines.includes(engine) ? 1 : 0;
        expect(results.summaries.filter((s) => s.engine === engine && s.phase === phase).length, `${engine} ${phase}`).toBe(modules + glue);
      }
    }
    expect(results.runs.filter((r) => r.benchmark === 'glue:xxhash-wasm').map((r) => r.engine).sort()).toEqual([...jsApiEngines].sort());
    expect(run.stdout).toContain('Compile time against module size');
    expect(run.stdout).toContain('Packages through their JS glue');
  }, 600_000);
});
