// Report model, several results files of one suite and dataset over time: per engine, the
// geometric mean over benchmarks of the mean time of a phase, and where the regression
// gate (bench/gate) finds a significant slowdown beyond its threshold against the
// previous file — the same rule that fails CI, so the marks and the gate never disagree.

import { geometricMean, summarize } from '../../bench/analysis/statistics.js';
import { OVERHEAD_BENCHMARKS, indexSamples } from '../../bench/analysis/summaries.js';
import { checkComparability } from '../../bench/gate/comparability.js';
import { DEFAULT_GATE_OPTIONS, compareResults, type GateOptions } from '../../bench/gate/compare-results.js';
import type { Phase } from '../../bench/results/schema.js';
import type { LoadedResults } from './results-catalog.js';

export interface HistoryRegression {
  benchmark: string;
  ratio: number;
  low: number;
  high: number;
}

export interface HistoryPoint {
  /** Geometric mean (ns) over the engine's benchmarks of this history; null when the engine has not measured them all here. */
  geometricMeanNs: number | null;
  /** Significant slowdowns beyond the gate's threshold against the previous file; empty when none. */
  regressions: HistoryRegression[];
  /** Benchmarks that failed here and not in the previous file. */
  newFailures: string[];
}

export interface HistoryLine {
  engine: string;
  /** The benchmarks the geometric mean is taken over: those the engine measured in every file where it ran. */
  benchmarks: string[];
  points: HistoryPoint[];
}

export interface History {
  /** One per file, oldest first: start time and commit. */
  labels: string[];
  lines: HistoryLine[];
  /** Consecutive files the gate would refuse to compare (machine or binaries differ): no marks there. */
  incomparable: { from: string; to: string; reasons: string[] }[];
  gate: GateOptions;
}

export function describeRun(file: LoadedResults): string {
  const { startedAt, fingerprint } = file.results;
  const commit = fingerprint.project.commit?.slice(0, 7) ?? 'no commit';
  return `${startedAt.slice(0, 19).replace('T', ' ')} ${commit}${fingerprint.project.dirty ? '+' : ''}`;
}

/** `files` must be of one suite and dataset, oldest first (see groupBySuite). */
export function buildHistory(files: readonly LoadedResults[], engines: readonly string[], phase: Phase, gate: GateOptions = { ...DEFAULT_GATE_OPTIONS, phase }): History {
  const options = { ...gate, phase };
  const indexes = files.map((file) => indexSamples(file.results.samples.filter((sample) => sample.phase === phase)));

  const comparisons = files.map((file, position) => {
    if (position === 0) return null;
    const previous = files[position - 1].results;
    const comparability = checkComparability(previous, file.results);
    if (comparability.mismatches.length > 0) return { comparable: false as const, reasons: comparability.mismatches.map((m) => m.what) };
    return { comparable: true as const, outcome: compareResults(previous, file.results, options) };
  });

  const lines: HistoryLine[] = [];
  for (const engine of engines) {
    const present = indexes.map((index) => index.get(engine)).filter((byBenchmark) => byBenchmark !== undefined);
    if (present.length === 0) continue;
    const benchmarks = [...present[0].keys()].filter(
      (benchmark) => !OVERHEAD_BENCHMARKS.has(benchmark) && present.every((byBenchmark) => (byBenchmark.get(benchmark)?.get(phase)?.length ?? 0) > 0),
    );
    if (benchmarks.length === 0) continue;
    const points = indexes.map((index, position): HistoryPoint => {
      const byBenchmark = index.get(engine);
      const geometricMeanNs = byBenchmark ? geometricMean(benchmarks.map((benchmark) => summarize(byBenchmark.get(benchmark)!.get(phase)!).mean)) : null;
      const comparison = comparisons[position];
      const changes = comparison?.comparable ? comparison.outcome.changes.filter((change) => change.engine === engine) : [];
      return {
        geometricMeanNs,
        regressions: changes
          .filter((change) => change.verdict === 'regressed' && change.estimate?.ci)
          .map((change) => ({ benchmark: change.benchmark, ratio: change.estimate!.ratio, low: change.estimate!.ci!.low, high: change.estimate!.ci!.high })),
        newFailures: changes.filter((change) => change.verdict === 'new-failure').map((change) => change.benchmark),
      };
    });
    lines.push({ engine, benchmarks, points });
  }

  const incomparable = comparisons.flatMap((comparison, position) =>
    comparison && !comparison.comparable ? [{ from: describeRun(files[position - 1]), to: describeRun(files[position]), reasons: comparison.reasons }] : [],
  );
  return { labels: files.map(describeRun), lines, incomparable, gate: options };
}
