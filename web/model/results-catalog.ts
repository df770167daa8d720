// Report model, the inputs: the results files the report shows, validated with the
// workbench's one schema (bench/results/schema.ts) and grouped by suite and dataset — the
// unit of comparison for the suite view and the history view. Pure: used by the page in
// the browser and by the node-side report builder.
//
// The report's "engines" are series (bench/analysis/series.ts): each engine × build
// variant, `v8-turbofan` for scalar wasm and `v8-turbofan+simd` for the SIMD build side by
// side; native code has no variant and is the reference of both.

import { listSeries } from '../../bench/analysis/series.js';
import { OVERHEAD_BENCHMARKS, seriesOf } from '../../bench/analysis/summaries.js';
import { parseResults, type Phase, type Results } from '../../bench/results/schema.js';

export interface LoadedResults {
  /** File name, as the user knows it. */
  name: string;
  results: Results;
}

export interface LoadError {
  name: string;
  message: string;
}

/** Parses one file's text; says clearly what is wrong when it is not a results file of this version. */
export function loadResultsText(name: string, text: string): LoadedResults | LoadError {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { name, message: `${name} is not JSON: ${(error as Error).message}` };
  }
  return loadResultsData(name, data);
}

export function loadResultsData(name: string, data: unknown): LoadedResults | LoadError {
  try {
    return { name, results: parseResults(data, name) };
  } catch (error) {
    return { name, message: (error as Error).message };
  }
}

export function isLoadError(loaded: LoadedResults | LoadError): loaded is LoadError {
  return 'message' in loaded;
}

/** Results of one suite and dataset, oldest first. */
export interface SuiteGroup {
  /** "polybench (mini)" */
  key: string;
  suite: string;
  dataset: string;
  files: LoadedResults[];
}

export function groupBySuite(files: readonly LoadedResults[]): SuiteGroup[] {
  const groups = new Map<string, SuiteGroup>();
  for (const file of files) {
    const { suite, dataset } = file.results.config;
    const key = `${suite} (${dataset})`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, suite, dataset, files: [] }));
    group.files.push(file);
  }
  for (const group of groups.values()) group.files.sort((a, b) => a.results.startedAt.localeCompare(b.results.startedAt));
  return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Series (engine, or engine+variant) with at least one sample of the phase, in the order the results list the engines, scalar before SIMD. */
export function enginesWithSamples(results: Results, phase?: Phase): string[] {
  const measured = new Set(results.samples.filter((sample) => !phase || sample.phase === phase).map(seriesOf));
  return listSeries(results).filter((series) => measured.has(series));
}

/** Benchmarks of the results that measure an engine (the harness-overhead noop left out), each name once whatever its variants. */
export function measuredBenchmarks(results: Results): string[] {
  return [...new Set(results.benchmarks.map((benchmark) => benchmark.name))].filter((name) => !OVERHEAD_BENCHMARKS.has(name));
}

export const PREFERRED_BASELINE = 'native';

/**
 * The baseline engine actually used: the requested one when it has samples of the phase,
 * else native, else the results' own baseline, else the first engine with samples.
 */
export function chooseBaseline(results: Results, phase: Phase, requested: string | null): string | null {
  const candidates = enginesWithSamples(results, phase);
  for (const name of [requested, PREFERRED_BASELINE, results.config.baselineEngine]) {
    if (name && candidates.includes(name)) return name;
  }
  return candidates[0] ?? null;
}
