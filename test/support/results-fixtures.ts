// Test support: the committed real results fixtures (test/fixtures/results/) and variants
// derived from them in code — synthetic samples, a slowed-down build, failed runs — so that
// no test measures time and no fixture is written by hand.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../../bench/paths.js';
import { parseResults, type FailureKind, type Phase, type Results, type Run, type Sample } from '../../bench/results/schema.js';

export const fixturesDirectory = join(repositoryRoot, 'test', 'fixtures', 'results');

export const FIXTURES = {
  runA: 'polybench-mini-run-a.json',
  runB: 'polybench-mini-run-b.json',
  subsetWithoutNative: 'polybench-mini-subset-no-native.json',
} as const;

export function fixturePath(name: keyof typeof FIXTURES): string {
  return join(fixturesDirectory, FIXTURES[name]);
}

export function readFixture(name: keyof typeof FIXTURES): Results {
  return parseResults(JSON.parse(readFileSync(fixturePath(name), 'utf8')), FIXTURES[name]);
}

/**
 * The build "slowed on purpose": `slower`'s samples and runs relabelled as `engine`'s,
 * which are dropped (e.g. v8-liftoff's timings presented as v8-turbofan's).
 */
export function swapInEngine(results: Results, engine: string, slower: string): Results {
  const relabel = <T extends { engine: string }>(items: readonly T[]): T[] => [
    ...items.filter((item) => item.engine !== engine),
    ...items.filter((item) => item.engine === slower).map((item) => ({ ...item, engine })),
  ];
  return { ...results, runs: relabel(results.runs), samples: relabel(results.samples), summaries: relabel(results.summaries), comparisons: [] };
}

/** Marks every run of engine × benchmark failed (as the runner does: no samples survive). */
export function failRuns(results: Results, engine: string, benchmark: string, failure: { kind: FailureKind; message: string }): Results {
  const hit = (item: { engine: string; benchmark: string }) => item.engine === engine && item.benchmark === benchmark;
  return {
    ...results,
    runs: results.runs.map((run) => (hit(run) ? { ...run, ok: false, failure: { ...failure, iteration: 0, stderrTail: '' }, iterationsCompleted: 0 } : run)),
    samples: results.samples.filter((sample) => !hit(sample)),
    summaries: results.summaries.filter((summary) => !hit(summary)),
  };
}

/**
 * Results with the fixture's fingerprint and benchmarks but these synthetic samples only:
 * `ns` is one process's iterations; `byProcess` one list of iterations per process.
 */
export function withSyntheticSamples(
  template: Results,
  table: { engine: string; benchmark: string; phase?: Phase; ns?: readonly number[]; byProcess?: readonly (readonly number[])[] }[],
): Results {
  const samples: Sample[] = [];
  const runs: Run[] = [];
  for (const entry of table) {
    const processes = entry.byProcess ?? [entry.ns ?? []];
    processes.forEach((values, process) => {
      values.forEach((ns, iteration) => samples.push({ engine: entry.engine, benchmark: entry.benchmark, process, iteration, phase: entry.phase ?? 'execute', ns }));
      runs.push({ engine: entry.engine, benchmark: entry.benchmark, process, order: runs.length, ok: true, failure: null, iterationsCompleted: values.length, wallSeconds: 1 });
    });
  }
  return { ...template, runs, samples, summaries: [], comparisons: [] };
}
