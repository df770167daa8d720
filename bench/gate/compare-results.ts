// Regression gate, the comparison: for every engine × benchmark measured in both results,
// the ratio of means candidate/baseline for one phase with its confidence interval
// (bench/analysis/statistics.ts, ratioOfMeans: log scale, delta method, Welch degrees of
// freedom — the same estimator as every ratio in the workbench), classified by
// regression-rule.ts. Pure: no files, no printing, so the report page reuses it for
// the history view.

import { ratioOfMeans, type RatioEstimate } from '../analysis/statistics.js';
import { OVERHEAD_BENCHMARKS, indexSamples } from '../analysis/summaries.js';
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

export interface BenchmarkChange {
  engine: string;
  benchmark: string;
  /** 'new-failure': the candidate has failed runs where the baseline had none. */
  verdict: ChangeVerdict | 'new-failure';
  /** Null only for a new failure with no valid candidate sample left. */
  estimate: RatioEstimate | null;
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

function failedRunsByPair(results: Results): Map<string, string[]> {
  const failures = new Map<string, string[]>();
  for (const run of results.runs) {
    if (run.ok) continue;
    const key = pairKey(run.engine, run.benchmark);
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
  const baselineIndex = indexSamples(baseline.samples.filter((sample) => sample.phase === options.phase));
  const candidateIndex = indexSamples(candidate.samples.filter((sample) => sample.phase === options.phase));
  const baselineFailures = failedRunsByPair(baseline);
  const candidateFailures = failedRunsByPair(candidate);

  const changes: BenchmarkChange[] = [];
  const onlyInBaseline: string[] = [];
  const compared = new Set<string>();
  for (const [engine, byBenchmark] of baselineIndex) {
    for (const [benchmark, byPhase] of byBenchmark) {
      if (OVERHEAD_BENCHMARKS.has(benchmark)) continue;
      const key = pairKey(engine, benchmark);
      compared.add(key);
      const baselineValues = byPhase.get(options.phase) ?? [];
      const candidateValues = candidateIndex.get(engine)?.get(benchmark)?.get(options.phase) ?? [];
      const newFailures = baselineFailures.has(key) ? [] : candidateFailures.get(key) ?? [];
      if (candidateValues.length === 0 && newFailures.length === 0) {
        onlyInBaseline.push(key);
        continue;
      }
      const comparison = candidateValues.length > 0 ? compareSampleSets(candidateValues, baselineValues, options) : null;
      changes.push({
        engine,
        benchmark,
        verdict: newFailures.length > 0 ? 'new-failure' : comparison!.verdict,
        estimate: comparison?.estimate ?? null,
        baselineSamples: baselineValues.length,
        candidateSamples: candidateValues.length,
        failures: newFailures,
      });
    }
  }
  const onlyInCandidate: string[] = [];
  for (const [engine, byBenchmark] of candidateIndex) {
    for (const benchmark of byBenchmark.keys()) {
      const key = pairKey(engine, benchmark);
      if (!OVERHEAD_BENCHMARKS.has(benchmark) && !compared.has(key)) onlyInCandidate.push(key);
    }
  }
  const passed = changes.every((change) => change.verdict !== 'regressed' && change.verdict !== 'new-failure');
  return { options, changes, onlyInBaseline, onlyInCandidate, passed };
}
