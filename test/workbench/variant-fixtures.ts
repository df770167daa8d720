// Workbench test support: a results file with both build variants, derived in code from a
// committed real (scalar, version 1) fixture — the way the workbench writes a `--variant
// both` run: every wasm engine's runs and samples twice, as scalar and as simd (the simd
// copy's times scaled by `simdFactor`), native's once and without a variant, each
// benchmark listed in both variants, summaries and comparisons recomputed.

import { computeComparisons, computeSummaries } from '../../bench/analysis/summaries.js';
import type { Results, Run, Sample } from '../../bench/results/schema.js';

export function withSimdVariant(results: Results, simdFactor: number, options: { failSimdOf?: string } = {}): Results {
  const isNative = (record: { engine: string }) => record.engine === 'native';
  const runs: Run[] = [];
  const samples: Sample[] = [];
  for (const run of results.runs) {
    if (isNative(run)) {
      runs.push(run);
      continue;
    }
    runs.push({ ...run, variant: 'scalar' });
    const failed = options.failSimdOf === run.engine;
    runs.push({
      ...run,
      variant: 'simd',
      order: run.order + results.runs.length,
      ...(failed ? { ok: false, iterationsCompleted: 0, failure: { kind: 'error' as const, message: 'CompileError: v128.load is not supported yet: SIMD', iteration: 0, stderrTail: '' } } : {}),
    });
  }
  for (const sample of results.samples) {
    if (isNative(sample)) {
      samples.push(sample);
      continue;
    }
    samples.push({ ...sample, variant: 'scalar' });
    if (options.failSimdOf !== sample.engine) samples.push({ ...sample, variant: 'simd', ns: sample.ns * simdFactor });
  }
  const benchmarks = [
    ...results.benchmarks.map((benchmark) => ({ ...benchmark, variant: 'scalar' as const })),
    ...results.benchmarks.map((benchmark) => ({ ...benchmark, variant: 'simd' as const, wasm: benchmark.wasm.replace('/wasm/', '/wasm-simd/'), wasmSha256: `simd-${benchmark.wasmSha256}` })),
  ];
  return {
    ...results,
    config: { ...results.config, variants: ['scalar', 'simd'] },
    benchmarks,
    runs,
    samples,
    summaries: computeSummaries(samples),
    comparisons: computeComparisons(samples, results.config.baselineEngine, results.config.phases),
  };
}
