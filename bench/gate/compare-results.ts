// Regression gate, the comparison: for every engine × benchmark measured in both results,
// the ratio of means candidate/baseline for one phase with its confidence interval
// (bench/analysis/statistics.ts, ratioOfMeans: log scale, delta method, Welch degrees of
// freedom — the same estimator as every ratio in the workbench), classified by
// regression-rule.ts. Pure: no files, no printing, so the report page reuses it for
// the history view.
//
// The unit of replication is the measured process: iterations inside one process share its
// memory layout, its JIT decisions and the machine's state at that moment, and on the
// development machine two processes of the same build differed by 30% while their
// iterations agreed within 5%. So when both sides ran at least two processes, the samples
// given to ratioOfMeans are the per-process means; with a single process on a side there
// is no way to see process-to-process variation and the iterations are used (as
// Sightglass does), which the output says. See docs/RATIONALE.md.

import { ratioOfMeans, type RatioEstimate } from '../analysis/statistics.js';
import { OVERHEAD_BENCHMARKS, seriesOf } from '../analysis/summaries.js';
import type { Phase, Results } from '../results/schema.js';
import { classifyChange, type ChangeVerdict } from './regression-rule.js';

export interface GateOptions {
  /** Largest tolerated slowdown as a fraction: 0.05 tolerates candidate/baseline up to 1.05. */
  maxRegression: number;
  phase: Phase;
  /** Two-sided confidence level of the intervals, e.g. 0.99. */
  confidence: number;
}

export const DEFAULT_GATE_OPTIONS: GateOptions = { maxRegression: 0.05, phase: 'execute', confidence: 0.99 };

/** What one value given to the estimator is: a process's mean, or one iteration. */
export type SampleUnit = 'process' | 'iteration';

export interface BenchmarkChange {
  /** The series: engine, or engine+variant for a build variant other than scalar (e.g. v8-turbofan+simd). */
  engine: string;
  benchmark: string;
  /** 'new-failure': the candidate has failed runs where the baseline had none. */
  verdict: ChangeVerdict | 'new-failure';
  /** Null only for a new failure with no valid candidate sample left. */
  estimate: RatioEstimate | null;
  unit: SampleUnit;
  baselineProcesses: number;
  candidateProcesses: number;
  baselineSamples: number;
  candidateSamples: number;
  /** Failure kinds and messages of the candidate's failed runs, for new failures. */
  failures: string[];
}

export interface GateOutcome {
  options: GateOptions;
  changes: BenchmarkChange[];
  /** engine/benchmark pairs measured in only one of the two results (not compared). */
  onlyInBaseline: string[];
  onlyInCandidate: string[];
  /** True when nothing regressed and nothing newly failed. */
  passed: boolean;
}

/** Compares one sample set against another with the gate's estimator and rule. */
export function compareSampleSets(candidate: readonly number[], baseline: readonly number[], options: GateOptions): { estimate: RatioEstimate; verdict: ChangeVerdict } {
  const estimate = ratioOfMeans(candidate, baseline, options.confidence);
  return { estimate, verdict: classifyChange(estimate, options.maxRegression) };
}

/** Samples of one engine × benchmark, by process. */
type ProcessSamples = Map<number, number[]>;

function samplesByPairAndProcess(results: Results, phase: Phase): Map<string, { engine: string; benchmark: string; processes: ProcessSamples }> {
  const pairs = new Map<string, { engine: string; benchmark: string; processes: ProcessSamples }>();
  for (const sample of results.samples) {
    if (sample.phase !== phase || OVERHEAD_BENCHMARKS.has(sample.benchmark)) continue;
    const series = seriesOf(sample);
    const key = pairKey(series, sample.benchmark);
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { engine: series, benchmark: sample.benchmark, processes: new Map() }));
    let values = pair.processes.get(sample.process);
    if (!values) pair.processes.set(sample.process, (values = []));
    values.push(sample.ns);
  }
  return pairs;
}

/** Per-process means when both sides ran two or more processes, else every iteration. */
export function unitsForComparison(candidate: ProcessSamples, baseline: ProcessSamples): { unit: SampleUnit; candidate: number[]; baseline: number[] } {
  const processMeans = (processes: ProcessSamples) => [...processes.values()].map((values) => values.reduce((sum, value) => sum + value, 0) / values.length);
  if (candidate.size >= 2 && baseline.size >= 2) return { unit: 'process', candidate: processMeans(candidate), baseline: processMeans(baseline) };
  return { unit: 'iteration', candidate: [...candidate.values()].flat(), baseline: [...baseline.values()].flat() };
}

function failedRunsByPair(results: Results): Map<string, string[]> {
  const failures = new Map<string, string[]>();
  for (const run of results.runs) {
    if (run.ok) continue;
    const key = pairKey(seriesOf(run), run.benchmark);
    const list = failures.get(key) ?? [];
    list.push(`${run.failure?.kind ?? 'failed'}: ${run.failure?.message ?? 'no message'}`);
    failures.set(key, list);
  }
  return failures;
}

function pairKey(engine: string, benchmark: string): string {
  return `${engine}/${benchmark}`;
}

/**
 * Every engine × benchmark of the phase, in the baseline's order. The harness-overhead
 * benchmark (noop) is left out, as in every comparison of the workbench.
 */
export function compareResults(baseline: Results, candidate: Results, options: GateOptions = DEFAULT_GATE_OPTIONS): GateOutcome {
  const baselinePairs = samplesByPairAndProcess(baseline, options.phase);
  const candidatePairs = samplesByPairAndProcess(candidate, options.phase);
  const baselineFailures = failedRunsByPair(baseline);
  const candidateFailures = failedRunsByPair(candidate);

  const changes: BenchmarkChange[] = [];
  const onlyInBaseline: string[] = [];
  for (const [key, { engine, benchmark, processes: baselineProcesses }] of baselinePairs) {
    const candidateProcesses: ProcessSamples = candidatePairs.get(key)?.processes ?? new Map();
    const newFailures = baselineFailures.has(key) ? [] : candidateFailures.get(key) ?? [];
    if (candidateProcesses.size === 0 && newFailures.length === 0) {
      onlyInBaseline.push(key);
      continue;
    }
    const units = unitsForComparison(candidateProcesses, baselineProcesses);
    const comparison = candidateProcesses.size > 0 ? compareSampleSets(units.candidate, units.baseline, options) : null;
    changes.push({
      engine,
      benchmark,
      verdict: newFailures.length > 0 ? 'new-failure' : comparison!.verdict,
      estimate: comparison?.estimate ?? null,
      unit: units.unit,
      baselineProcesses: baselineProcesses.size,
      candidateProcesses: candidateProcesses.size,
      baselineSamples: [...baselineProcesses.values()].flat().length,
      candidateSamples: [...candidateProcesses.values()].flat().length,
      failures: newFailures,
    });
  }
  const onlyInCandidate = [...candidatePairs.keys()].filter((key) => !baselinePairs.has(key));
  const passed = changes.every((change) => change.verdict !== 'regressed' && change.verdict !== 'new-failure');
  return { options, changes, onlyInBaseline, onlyInCandidate, passed };
}
