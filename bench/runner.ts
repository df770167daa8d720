// Workbench runner: plans the measured processes (engine × benchmark × process index),
// shuffles them with a recorded seed to spread machine drift across engines, runs them
// one at a time, validates every iteration's output, and collects samples and failures.
// It knows engines only through the EngineAdapter interface (engines/engine.ts).
// Benchmarks may come in two build variants (scalar and SIMD wasm of one program): each is
// a benchmark of its own for the wasm engines, and runs and samples record the variant;
// an engine that runs no wasm (native) gets each program once.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Benchmark } from './suites/catalog.js';
import type { EngineAdapter, MeasureOutcome } from './engines/engine.js';
import type { Failure, Phase, Run, Sample, TieringCounters, Variant } from './results/schema.js';

export interface PlannedProcess {
  engine: EngineAdapter;
  benchmark: Benchmark;
  process: number;
}

export interface RunnerOptions {
  engines: readonly EngineAdapter[];
  benchmarks: readonly Benchmark[];
  processes: number;
  iterations: number;
  phases: readonly Phase[];
  seed: number;
  timeoutSeconds: number;
  /** Called before and after each process (for progress display). */
  onProcessStart?: (planned: PlannedProcess, index: number, total: number) => void;
  onProcessEnd?: (planned: PlannedProcess, run: Run, samples: readonly Sample[], index: number, total: number) => void;
  /** Polled between processes; when it returns true the runner stops and reports what it has. */
  shouldStop?: () => boolean;
}

export interface RunnerOutcome {
  runs: Run[];
  samples: Sample[];
  /** False when shouldStop ended the run early. */
  complete: boolean;
}

/**
 * The benchmarks an engine runs: all of them, or one per program for an engine that runs no
 * wasm (the first variant listed); package benchmarks (JS glue) only on engines with the JS API.
 */
export function benchmarksFor(engine: EngineAdapter, benchmarks: readonly Benchmark[]): readonly Benchmark[] {
  if (!engine.runsJsGlue) benchmarks = benchmarks.filter((benchmark) => benchmark.mode !== 'package');
  if (!engine.variantIndependent) return benchmarks;
  const seen = new Set<string>();
  return benchmarks.filter((benchmark) => {
    const program = `${benchmark.suite}\u0000${benchmark.name}\u0000${benchmark.dataset}`;
    if (seen.has(program)) return false;
    seen.add(program);
    return true;
  });
}

/** The variant a run of `benchmark` on `engine` records: none for an engine that runs no wasm, or for a benchmark not built in variants. */
export function recordedVariant(engine: EngineAdapter, benchmark: Benchmark): Variant | undefined {
  return engine.variantIndependent ? undefined : benchmark.variant;
}

/** Fisher–Yates with a seeded generator: the same seed gives the same order. */
export function shuffledPlan(
  engines: readonly EngineAdapter[],
  benchmarks: readonly Benchmark[],
  processes: number,
  seed: number,
): PlannedProcess[] {
  const plan: PlannedProcess[] = [];
  for (const engine of engines) {
    for (const benchmark of benchmarksFor(engine, benchmarks)) {
      for (let process = 0; process < processes; process++) plan.push({ engine, benchmark, process });
    }
  }
  const generator = xoroshiro128plus(seed);
  for (let i = plan.length - 1; i > 0; i--) {
    const j = uniformInt(generator, 0, i);
    [plan[i], plan[j]] = [plan[j], plan[i]];
  }
  return plan;
}

/** Describes the first difference between the expected and the actual output. */
export function describeOutputDifference(expected: string, actual: string): string {
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  for (let line = 0; line < Math.max(expectedLines.length, actualLines.length); line++) {
    if (expectedLines[line] !== actualLines[line]) {
      const show = (text: string | undefined) => (text === undefined ? '(end of output)' : JSON.stringify(text.slice(0, 200)));
      return `line ${line + 1}: expected ${show(expectedLines[line])}, got ${show(actualLines[line])}`;
    }
  }
  return 'outputs differ';
}

/**
 * Checks every completed iteration: exit status 0, output identical to the expected
 * output, and every phase the engine measures present (execute excepted for module-mode
 * benchmarks, which are not run). The first problem fails the run.
 */
export function validateOutcome(engine: EngineAdapter, benchmark: Benchmark, outcome: MeasureOutcome): Failure | null {
  for (let iteration = 0; iteration < outcome.iterations.length; iteration++) {
    const result = outcome.iterations[iteration];
    if (result.exitCode !== 0) {
      return { kind: 'exit-code', message: `program exited with status ${result.exitCode}`, iteration, stderrTail: outcome.stderrTail };
    }
    if (result.stdout !== benchmark.expectedOutput) {
      return {
        kind: 'wrong-output',
        message: `output differs from the expected output: ${describeOutputDifference(benchmark.expectedOutput, result.stdout)}`,
        iteration,
        stderrTail: outcome.stderrTail,
      };
    }
    for (const phase of engine.phases) {
      if (phase === 'execute' && benchmark.mode === 'module') continue; // modules are not run
      if (result.phases[phase] === undefined) {
        const why = phase === 'execute' ? 'the program did not call bench.start and bench.end exactly once' : `no ${phase} time reported`;
        return { kind: 'error', message: why, iteration, stderrTail: outcome.stderrTail };
      }
    }
  }
  if (outcome.failure) {
    return { ...outcome.failure, stderrTail: outcome.stderrTail };
  }
  return null;
}

export async function runProcesses(options: RunnerOptions): Promise<RunnerOutcome> {
  const plan = shuffledPlan(options.engines, options.benchmarks, options.processes, options.seed);
  const runs: Run[] = [];
  const samples: Sample[] = [];
  const workRoot = mkdtempSync(join(tmpdir(), 'wasm-bench-'));
  let complete = true;
  try {
    for (let order = 0; order < plan.length; order++) {
      if (options.shouldStop?.()) {
        complete = false;
        break;
      }
      const planned = plan[order];
      options.onProcessStart?.(planned, order, plan.length);
      const workDirectory = mkdtempSync(join(workRoot, 'p-'));
      let outcome: MeasureOutcome;
      try {
        outcome = await planned.engine.measure({
          benchmark: planned.benchmark,
          iterations: options.iterations,
          timeoutMs: options.timeoutSeconds * 1000,
          workDirectory,
        });
      } catch (error) {
        // Adapters report failures; an exception here is a bug in an adapter, still recorded, never fatal.
        outcome = { iterations: [], failure: { kind: 'error', message: `adapter error: ${(error as Error).message}`, iteration: null }, stderrTail: '', wallSeconds: 0 };
      } finally {
        rmSync(workDirectory, { recursive: true, force: true });
      }
      const failure = validateOutcome(planned.engine, planned.benchmark, outcome);
      const variant = recordedVariant(planned.engine, planned.benchmark);
      const run: Run = {
        engine: planned.engine.name,
        benchmark: planned.benchmark.name,
        ...(variant === undefined ? {} : { variant }),
        process: planned.process,
        order,
        ok: failure === null,
        failure,
        iterationsCompleted: outcome.iterations.length,
        wallSeconds: outcome.wallSeconds,
        ...tieringOf(outcome),
      };
      runs.push(run);
      const runSamples: Sample[] = [];
      if (failure === null) {
        // Only validated runs yield timings: a wrong answer is an error, never a measurement.
        outcome.iterations.forEach((iteration, index) => {
          for (const phase of options.phases) {
            const ns = iteration.phases[phase];
            if (ns !== undefined) {
              runSamples.push({ engine: run.engine, benchmark: run.benchmark, ...(variant === undefined ? {} : { variant }), process: run.process, iteration: index, phase, ns });
            }
          }
        });
        samples.push(...runSamples);
      }
      options.onProcessEnd?.(planned, run, runSamples, order, plan.length);
    }
  } finally {
    rmSync(workRoot, { recursive: true, force: true });
  }
  return { runs, samples, complete };
}

/** The tiering counters of every completed iteration, when the engine reported them for all. */
function tieringOf(outcome: MeasureOutcome): { tiering?: TieringCounters[] } {
  const counters = outcome.iterations.map((iteration) => iteration.tiering);
  if (counters.length === 0 || counters.some((entry) => entry === undefined)) return {};
  return { tiering: counters as TieringCounters[] };
}
