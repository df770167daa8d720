// Workbench analysis: the tables printed at the end of a run — execution median per
// benchmark and engine (compile median for suites that do not run their modules), each
// engine's geometric-mean ratio to the baseline with its confidence interval, compile and
// instantiation times, compile time against module size when sizes are known, and the
// failed runs; for the realworld suite, its packages run through their JS glue (phases,
// total, total against Node's default engine). A run of the SIMD build variant gets a variant column: one row per
// benchmark and variant (native's one measurement is the reference row of both), and the
// engine+variant series side by side in the other tables.

import Table from 'cli-table3';
import { VARIANTS, parseSeriesName, variantOf, type Results, type Summary, type Variant } from '../results/schema.js';
import { hasVariants, listSeries, seriesForVariant, variantIndependentEngines } from './series.js';
import { seriesOf } from './summaries.js';
import { fitSizeScaling } from './size-scaling.js';
import { GLUE_REFERENCE_ENGINE, glueRows, isGlueBenchmark } from './glue-summary.js';
import { geometricMean, summarize } from './statistics.js';

export function formatNs(ns: number): string {
  const ms = ns / 1e6;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  const us = ns / 1e3;
  if (us >= 1) return `${us.toFixed(us >= 100 ? 0 : 1)} µs`;
  return `${ns.toFixed(0)} ns`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} KB`;
  return `${bytes} B`;
}

export function formatRatio(ratio: number): string {
  return ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(3);
}

/** Summaries by series (engine, or engine+variant), benchmark and phase. */
function summaryLookup(summaries: readonly Summary[]): (series: string, benchmark: string, phase: string) => Summary | undefined {
  const map = new Map(summaries.map((summary) => [`${seriesOf(summary)}\u0000${summary.benchmark}\u0000${summary.phase}`, summary]));
  return (series, benchmark, phase) => map.get(`${series}\u0000${benchmark}\u0000${phase}`);
}

/** The variant column's text of a series or comparison: '—' where there is none (native). */
function variantCell(variant: Variant | undefined): string {
  return variant ?? '—';
}

const plainStyle = { head: [], border: [] };

/** The whole end-of-run summary as text. `color` false gives plain text (files, CI logs). */
export function renderConsoleSummary(results: Results, options: { color?: boolean } = {}): string {
  const style = options.color ? {} : plainStyle;
  const engines = results.engines.filter((engine) => engine.available).map((engine) => engine.name);
  const showVariants = hasVariants(results);
  const independent = variantIndependentEngines(results);
  const seriesOrder = listSeries(results);
  const find = summaryLookup(results.summaries);
  const failures = new Map<string, string>();
  for (const run of results.runs) {
    if (!run.ok && run.failure) failures.set(`${seriesOf(run)}\u0000${run.benchmark}`, run.failure.kind);
  }
  const sections: string[] = [];

  // The per-benchmark table shows execution, or compilation for suites that do not run
  // their modules (realworld). With variants: a row per benchmark and variant, the two
  // variants of a benchmark together.
  const realworld = results.config.suite === 'realworld';
  const tablePhase = !realworld && results.config.phases.includes('execute') ? 'execute' : results.config.phases[0];
  const medians = new Table({ head: [`${tablePhase} (median)`, ...(showVariants ? ['variant'] : []), ...engines], style });
  const rows = showVariants
    ? [...new Set(results.benchmarks.map((benchmark) => benchmark.name))].flatMap((name) =>
        VARIANTS.flatMap((variant) => results.benchmarks.filter((benchmark) => benchmark.name === name && variantOf(benchmark) === variant)),
      )
    : results.benchmarks.filter((benchmark) => !isGlueBenchmark(benchmark.name));
  for (const benchmark of rows) {
    const variant = variantOf(benchmark);
    medians.push([
      benchmark.wasmBytes === undefined ? benchmark.name : `${benchmark.name} (${formatBytes(benchmark.wasmBytes)})`,
      ...(showVariants ? [variant] : []),
      ...engines.map((engine) => {
        const series = seriesForVariant(engine, variant, independent);
        const summary = find(series, benchmark.name, tablePhase);
        const failure = failures.get(`${series}\u0000${benchmark.name}`);
        if (failure) return summary ? `${formatNs(summary.median)} (some ${failure})` : `FAILED: ${failure}`;
        return summary ? formatNs(summary.median) : '—';
      }),
    ]);
  }
  const what = tablePhase === 'execute' ? 'Execution time' : `${tablePhase[0].toUpperCase()}${tablePhase.slice(1)} time`;
  if (rows.length > 0) sections.push(`${what}, median of all valid iterations (${results.config.suite}${realworld ? '' : `, ${results.config.dataset}`}):\n${medians.toString()}`);

  const glue = glueRows(results);
  if (glue.length > 0) {
    const table = new Table({ head: ['package (JS glue)', 'engine', 'compile', 'instantiate', 'execute', 'total', `total / ${GLUE_REFERENCE_ENGINE}`, 'n'], style });
    for (const row of glue) {
      table.push([row.benchmark, row.engine, formatNs(row.compileNs), formatNs(row.instantiateNs), formatNs(row.executeNs), formatNs(row.totalNs), row.totalToReference === null ? '—' : `${formatRatio(row.totalToReference)}×`, String(row.iterations)]);
    }
    sections.push(`Packages through their JS glue, medians per iteration (one start-up of the workload; total = compile + instantiate + execute):\n${table.toString()}`);
  }

  const fits = fitSizeScaling(results, 'compile').filter((fit) => fit.slope !== null);
  if (fits.length > 0) {
    const table = new Table({ head: ['engine', 'slope (time ∝ size^k)', 'R²', 'modules', 'fitted at 1 MB'], style });
    for (const fit of fits) {
      table.push([fit.engine, (fit.slope as number).toFixed(3), (fit.rSquared as number).toFixed(3), String(fit.points.length), formatNs(fit.nsAtOneMegabyte as number)]);
    }
    sections.push(`Compile time against module size (least squares on log10 size, log10 median time):\n${table.toString()}`);
  }

  if (results.comparisons.length > 0) {
    const ratios = new Table({ head: ['engine', ...(showVariants ? ['variant'] : []), 'phase', `geomean ratio to ${results.config.baselineEngine}`, '95% CI', 'benchmarks'], style });
    const position = (series: string) => (seriesOrder.includes(series) ? seriesOrder.indexOf(series) : seriesOrder.length);
    const comparisons = [...results.comparisons].sort((a, b) => position(seriesOf(a)) - position(seriesOf(b)));
    for (const comparison of comparisons) {
      ratios.push([
        comparison.engine,
        ...(showVariants ? [variantCell(comparison.variant)] : []),
        comparison.phase,
        `${formatRatio(comparison.ratio)}×`,
        comparison.ci95 ? `[${formatRatio(comparison.ci95.low)}, ${formatRatio(comparison.ci95.high)}]` : 'n/a',
        String(comparison.benchmarks.length),
      ]);
    }
    sections.push(`Geometric mean of per-benchmark ratios of means (lower is faster):\n${ratios.toString()}`);
  }

  const otherPhases = (['compile', 'instantiate'] as const).filter((phase) => results.config.phases.includes(phase));
  if (otherPhases.length > 0) {
    const table = new Table({ head: ['engine', ...(showVariants ? ['variant'] : []), ...otherPhases.map((phase) => `${phase} (geomean of medians)`)], style });
    for (const series of seriesOrder) {
      const { engine, variant } = parseSeriesName(series);
      if (!engines.includes(engine)) continue;
      const row = otherPhases.map((phase) => {
        const values = results.summaries.filter((s) => seriesOf(s) === series && s.phase === phase && s.benchmark !== 'noop' && !isGlueBenchmark(s.benchmark)).map((s) => s.median);
        return values.length > 0 ? formatNs(geometricMean(values)) : '—';
      });
      const variantColumn = showVariants ? [variantCell(independent.has(engine) ? undefined : variant)] : [];
      if (row.some((cell) => cell !== '—')) table.push([engine, ...variantColumn, ...row]);
    }
    if (table.length > 0) sections.push(`Compilation and instantiation:\n${table.toString()}`);
  }

  // Tiered engines: how often on-stack replacement fired (and tier-up in general), per engine.
  const tieredRuns = results.runs.filter((run) => run.ok && run.tiering !== undefined && run.tiering.length > 0);
  if (tieredRuns.length > 0) {
    const table = new Table({ head: ['engine', 'iterations', 'with OSR transfers', 'OSR transfers', 'OSR entries compiled (from cache)', 'tier-up calls (median)', 'top-tier functions (median)'], style });
    for (const series of seriesOrder) {
      const counters = tieredRuns.filter((run) => seriesOf(run) === series).flatMap((run) => run.tiering!);
      if (counters.length === 0) continue;
      const median = (values: number[]): number => summarize(values).median;
      const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
      table.push([
        series,
        counters.length,
        counters.filter((entry) => entry.osrTransfers > 0).length,
        sum(counters.map((entry) => entry.osrTransfers)),
        `${sum(counters.map((entry) => entry.osrCompiled))} (${sum(counters.map((entry) => entry.osrFromCache))})`,
        median(counters.map((entry) => entry.tierUpCalls)),
        median(counters.map((entry) => entry.topTierInstalled)),
      ]);
    }
    sections.push(`Tiering (each measured iteration, at the program's end):\n${table.toString()}`);
  }

  const failedRuns = results.runs.filter((run) => !run.ok);
  if (failedRuns.length > 0) {
    const lines = failedRuns.map((run) => `  ${seriesOf(run)} / ${run.benchmark} (process ${run.process}): ${run.failure?.kind}: ${run.failure?.message}`);
    sections.push(`Failed runs (${failedRuns.length}), excluded from every timing:\n${lines.join('\n')}`);
  }
  return sections.join('\n\n');
}
