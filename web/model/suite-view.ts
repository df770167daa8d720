// Report model, one results file: the numbers behind the suite view's charts and tables —
// time per benchmark normalised to a baseline engine (ratio of means with its interval,
// as every ratio in the workbench), median times per phase with their distribution-free
// intervals (as the workbench's tables), geometric means per engine, failed runs. Every
// statistic comes from bench/analysis; nothing is recomputed differently here.

import { isGlueBenchmark } from '../../bench/analysis/glue-summary.js';
import { geometricMean, ratioOfMeans, summarize, type Interval } from '../../bench/analysis/statistics.js';
import { computeComparisons, indexSamples, seriesOf } from '../../bench/analysis/summaries.js';
import { PHASES, type Comparison, type Phase, type Results } from '../../bench/results/schema.js';
import { measuredBenchmarks } from './results-catalog.js';

/** Confidence of the intervals the page draws (the workbench's tables use 95% too). */
export const REPORT_CONFIDENCE = 0.95;

export interface IntervalPoint {
  value: number;
  interval: Interval | null;
  samples: number;
}

export interface EngineSeries {
  engine: string;
  /** One entry per benchmark of the view, null where the engine has no valid samples. */
  points: (IntervalPoint | null)[];
}

export interface BenchmarkChart {
  benchmarks: string[];
  series: EngineSeries[];
}

/**
 * For each engine (other than the baseline) and benchmark: mean(engine) / mean(baseline)
 * for the phase, with its confidence interval. Benchmarks the baseline did not measure
 * are left out; engines with no ratio at all are left out.
 */
export function normalisedTimes(results: Results, engines: readonly string[], baseline: string, phase: Phase): BenchmarkChart {
  const index = indexSamples(results.samples);
  const baselineSamples = index.get(baseline);
  const benchmarks = measuredBenchmarks(results).filter((benchmark) => (baselineSamples?.get(benchmark)?.get(phase)?.length ?? 0) > 0);
  const series: EngineSeries[] = [];
  for (const engine of engines) {
    if (engine === baseline) continue;
    const points = benchmarks.map((benchmark): IntervalPoint | null => {
      const candidate = index.get(engine)?.get(benchmark)?.get(phase);
      const reference = baselineSamples!.get(benchmark)!.get(phase)!;
      if (!candidate?.length) return null;
      const estimate = ratioOfMeans(candidate, reference, REPORT_CONFIDENCE);
      return { value: estimate.ratio, interval: estimate.ci, samples: candidate.length };
    });
    if (points.some((point) => point !== null)) series.push({ engine, points });
  }
  return { benchmarks, series };
}

/** Median time (ns) per engine and benchmark for a phase, with the median's 95% interval (null below 6 samples). */
export function medianTimes(results: Results, engines: readonly string[], phase: Phase): BenchmarkChart {
  const index = indexSamples(results.samples);
  const benchmarks = measuredBenchmarks(results).filter((benchmark) => engines.some((engine) => (index.get(engine)?.get(benchmark)?.get(phase)?.length ?? 0) > 0));
  const series: EngineSeries[] = [];
  for (const engine of engines) {
    const points = benchmarks.map((benchmark): IntervalPoint | null => {
      const values = index.get(engine)?.get(benchmark)?.get(phase);
      if (!values?.length) return null;
      const summary = summarize(values);
      return { value: summary.median, interval: summary.medianCi95, samples: summary.n };
    });
    if (points.some((point) => point !== null)) series.push({ engine, points });
  }
  return { benchmarks, series };
}

/** Geometric mean over benchmarks of each series' ratio to the baseline, for every phase both measured (`engines` and `baseline` are series names). */
export function geometricMeanSummary(results: Results, engines: readonly string[], baseline: string): Comparison[] {
  const wanted = new Set([...engines, baseline]);
  const samples = results.samples.filter((sample) => wanted.has(seriesOf(sample)));
  const comparisons = computeComparisons(samples, baseline, PHASES, REPORT_CONFIDENCE);
  const enginePosition = (comparison: Comparison) => engines.indexOf(seriesOf(comparison));
  return comparisons.sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || enginePosition(a) - enginePosition(b));
}

export interface SetUpTimes {
  engine: string;
  /** Geometric mean over benchmarks of the median time (ns), as the workbench's end-of-run table; null when not measured. */
  compile: number | null;
  instantiate: number | null;
}

/**
 * Per engine, the geometric mean of median compile and instantiation times (engines that
 * measured neither are left out); the realworld suite's glue benchmarks, which compile
 * several modules through a package's JS, are not mixed in with its single modules.
 */
export function setUpTimeSummary(results: Results, engines: readonly string[]): SetUpTimes[] {
  const index = indexSamples(results.samples);
  const benchmarks = measuredBenchmarks(results).filter((benchmark) => !isGlueBenchmark(benchmark));
  const geometricMeanOfMedians = (engine: string, phase: Phase) => {
    const medians = benchmarks.flatMap((benchmark) => {
      const values = index.get(engine)?.get(benchmark)?.get(phase);
      return values?.length ? [summarize(values).median] : [];
    });
    return medians.length > 0 ? geometricMean(medians) : null;
  };
  return engines
    .map((engine) => ({ engine, compile: geometricMeanOfMedians(engine, 'compile'), instantiate: geometricMeanOfMedians(engine, 'instantiate') }))
    .filter((row) => row.compile !== null || row.instantiate !== null);
}

export interface FailedRunLine {
  /** The series: engine, or engine+variant. */
  engine: string;
  benchmark: string;
  process: number;
  kind: string;
  message: string;
  stderrTail: string;
}

export function failedRuns(results: Results): FailedRunLine[] {
  return results.runs
    .filter((run) => !run.ok)
    .map((run) => ({
      engine: seriesOf(run),
      benchmark: run.benchmark,
      process: run.process,
      kind: run.failure?.kind ?? 'error',
      message: run.failure?.message ?? 'no message recorded',
      stderrTail: run.failure?.stderrTail ?? '',
    }));
}
