// Workbench analysis: the realworld suite's package benchmarks (`glue:<id>`, run through the
// packages' JS glue; bench/harness/package-mode.ts). Per benchmark and engine: the median of
// each phase and the median of the per-iteration total (compile + instantiate + execute of
// one start-up of the package's workload: the time to its result), and that total as a
// ratio to Node's default engine (v8-default) when it ran.

import type { Results } from '../results/schema.js';
import { median } from 'simple-statistics';

export const GLUE_BENCHMARK_PREFIX = 'glue:';
/** The engine glue totals are compared with: V8 as Node ships it. */
export const GLUE_REFERENCE_ENGINE = 'v8-default';

export function isGlueBenchmark(name: string): boolean {
  return name.startsWith(GLUE_BENCHMARK_PREFIX);
}

export interface GlueRow {
  benchmark: string;
  engine: string;
  iterations: number;
  compileNs: number;
  instantiateNs: number;
  executeNs: number;
  /** Median over iterations of compile + instantiate + execute. */
  totalNs: number;
  /** totalNs / the reference engine's totalNs; null when the reference did not run. */
  totalToReference: number | null;
}

/** One row per glue benchmark × engine with valid samples, in the results' engine order. */
export function glueRows(results: Results): GlueRow[] {
  const perIteration = new Map<string, Map<string, { compile?: number; instantiate?: number; execute?: number }>>();
  for (const sample of results.samples) {
    if (!isGlueBenchmark(sample.benchmark)) continue;
    const key = `${sample.benchmark}\u0000${sample.engine}`;
    const iterations = perIteration.get(key) ?? new Map();
    perIteration.set(key, iterations);
    const id = `${sample.process}/${sample.iteration}`;
    const phases = iterations.get(id) ?? {};
    iterations.set(id, phases);
    phases[sample.phase] = sample.ns;
  }
  const rows: GlueRow[] = [];
  const benchmarks = results.benchmarks.filter((benchmark) => isGlueBenchmark(benchmark.name)).map((benchmark) => benchmark.name);
  for (const benchmark of benchmarks) {
    const forBenchmark: GlueRow[] = [];
    for (const engine of results.engines.map((info) => info.name)) {
      const iterations = [...(perIteration.get(`${benchmark}\u0000${engine}`)?.values() ?? [])]
        .filter((phases) => phases.compile !== undefined && phases.instantiate !== undefined && phases.execute !== undefined);
      if (iterations.length === 0) continue;
      forBenchmark.push({
        benchmark,
        engine,
        iterations: iterations.length,
        compileNs: median(iterations.map((phases) => phases.compile as number)),
        instantiateNs: median(iterations.map((phases) => phases.instantiate as number)),
        executeNs: median(iterations.map((phases) => phases.execute as number)),
        totalNs: median(iterations.map((phases) => (phases.compile as number) + (phases.instantiate as number) + (phases.execute as number))),
        totalToReference: null,
      });
    }
    const reference = forBenchmark.find((row) => row.engine === GLUE_REFERENCE_ENGINE);
    for (const row of forBenchmark) row.totalToReference = reference === undefined ? null : row.totalNs / reference.totalNs;
    rows.push(...forBenchmark);
  }
  return rows;
}
