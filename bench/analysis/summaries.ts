// Workbench analysis: turns raw samples into the per engine × benchmark × phase
// summaries and the per engine geometric-mean comparisons stored in results files.
// The report and the gate use the same functions, so every number has one definition.

import type { Comparison, Phase, Sample, Summary } from '../results/schema.js';
import { geometricMeanRatio, summarize } from './statistics.js';

/** Benchmarks that measure the harness, not the engine: excluded from comparisons. */
export const OVERHEAD_BENCHMARKS = new Set(['noop']);

/** samples grouped as engine → benchmark → phase → nanoseconds, in insertion order. */
export type SampleIndex = Map<string, Map<string, Map<Phase, number[]>>>;

export function indexSamples(samples: readonly Sample[]): SampleIndex {
  const index: SampleIndex = new Map();
  for (const sample of samples) {
    let byBenchmark = index.get(sample.engine);
    if (!byBenchmark) index.set(sample.engine, (byBenchmark = new Map()));
    let byPhase = byBenchmark.get(sample.benchmark);
    if (!byPhase) byBenchmark.set(sample.benchmark, (byPhase = new Map()));
    let values = byPhase.get(sample.phase);
    if (!values) byPhase.set(sample.phase, (values = []));
    values.push(sample.ns);
  }
  return index;
}

export function computeSummaries(samples: readonly Sample[]): Summary[] {
  const summaries: Summary[] = [];
  for (const [engine, byBenchmark] of indexSamples(samples)) {
    for (const [benchmark, byPhase] of byBenchmark) {
      for (const [phase, values] of byPhase) {
        summaries.push({ engine, benchmark, phase, ...summarize(values) });
      }
    }
  }
  return summaries;
}

/**
 * For every engine other than the baseline and every phase both measure: the geometric
 * mean over the benchmarks where both have valid samples of mean(engine) / mean(baseline).
 */
export function computeComparisons(samples: readonly Sample[], baseline: string, phases: readonly Phase[], confidence = 0.95): Comparison[] {
  const index = indexSamples(samples);
  const baselineSamples = index.get(baseline);
  const comparisons: Comparison[] = [];
  if (!baselineSamples) return comparisons;
  for (const [engine, byBenchmark] of index) {
    if (engine === baseline) continue;
    for (const phase of phases) {
      const pairs: { candidate: number[]; baseline: number[] }[] = [];
      const names: string[] = [];
      for (const [benchmark, byPhase] of byBenchmark) {
        if (OVERHEAD_BENCHMARKS.has(benchmark)) continue;
        const candidate = byPhase.get(phase);
        const reference = baselineSamples.get(benchmark)?.get(phase);
        if (candidate?.length && reference?.length) {
          pairs.push({ candidate, baseline: reference });
          names.push(benchmark);
        }
      }
      if (pairs.length === 0) continue;
      const estimate = geometricMeanRatio(pairs, confidence);
      comparisons.push({
        engine,
        baseline,
        phase,
        ratio: estimate.ratio,
        ci95: estimate.ci,
        logStandardError: Number.isFinite(estimate.logStandardError) ? estimate.logStandardError : null,
        degreesOfFreedom: Number.isFinite(estimate.degreesOfFreedom) ? estimate.degreesOfFreedom : null,
        benchmarks: names,
      });
    }
  }
  return comparisons;
}
