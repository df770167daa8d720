// Workbench analysis: turns raw samples into the per engine × benchmark × phase
// summaries and the per engine geometric-mean comparisons stored in results files.
// The report and the gate use the same functions, so every number has one definition.
//
// "Engine" here is a series: an engine and the build variant it ran (schema.ts,
// seriesName: `v8-turbofan` for scalar wasm, `v8-turbofan+simd` for the SIMD build,
// `native` for native code, which has no variant). Each series is analysed as an engine of
// its own, so the SIMD build of every engine is compared with native exactly as the scalar
// build is.

import { seriesName, type Comparison, type Phase, type Sample, type Summary, type Variant } from '../results/schema.js';
import { geometricMeanRatio, summarize } from './statistics.js';

/** Benchmarks that measure the harness, not the engine: excluded from comparisons. */
export const OVERHEAD_BENCHMARKS = new Set(['noop']);

/** samples grouped as series (engine, or engine+variant) → benchmark → phase → nanoseconds, in insertion order. */
export type SampleIndex = Map<string, Map<string, Map<Phase, number[]>>>;

/** The series of a sample, run or summary: its engine, with `+simd` for the SIMD build. */
export function seriesOf(record: { readonly engine: string; readonly variant?: Variant | undefined }): string {
  return seriesName(record.engine, record.variant);
}

/** The engine and variant field of each series in `samples` (variant absent where the samples have none). */
function seriesIdentities(samples: readonly Sample[]): Map<string, { engine: string; variant?: Variant }> {
  const identities = new Map<string, { engine: string; variant?: Variant }>();
  for (const sample of samples) {
    const series = seriesOf(sample);
    if (!identities.has(series)) identities.set(series, sample.variant === undefined ? { engine: sample.engine } : { engine: sample.engine, variant: sample.variant });
  }
  return identities;
}

export function indexSamples(samples: readonly Sample[]): SampleIndex {
  const index: SampleIndex = new Map();
  for (const sample of samples) {
    const series = seriesOf(sample);
    let byBenchmark = index.get(series);
    if (!byBenchmark) index.set(series, (byBenchmark = new Map()));
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
  const identities = seriesIdentities(samples);
  for (const [series, byBenchmark] of indexSamples(samples)) {
    const identity = identities.get(series)!;
    for (const [benchmark, byPhase] of byBenchmark) {
      for (const [phase, values] of byPhase) {
        summaries.push({ engine: identity.engine, benchmark, ...(identity.variant === undefined ? {} : { variant: identity.variant }), phase, ...summarize(values) });
      }
    }
  }
  return summaries;
}

/**
 * For every series other than the baseline and every phase both measure: the geometric
 * mean over the benchmarks where both have valid samples of mean(series) / mean(baseline).
 * `baseline` is a series name: `native` (the reference of every variant), an engine (its
 * scalar build) or `<engine>+simd`.
 */
export function computeComparisons(samples: readonly Sample[], baseline: string, phases: readonly Phase[], confidence = 0.95): Comparison[] {
  const index = indexSamples(samples);
  const identities = seriesIdentities(samples);
  const baselineSamples = index.get(baseline);
  const comparisons: Comparison[] = [];
  if (!baselineSamples) return comparisons;
  const baselineIdentity = identities.get(baseline)!;
  for (const [series, byBenchmark] of index) {
    if (series === baseline) continue;
    const identity = identities.get(series)!;
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
        engine: identity.engine,
        ...(identity.variant === undefined ? {} : { variant: identity.variant }),
        baseline: baselineIdentity.engine,
        ...(baselineIdentity.variant === undefined ? {} : { baselineVariant: baselineIdentity.variant }),
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
