// Workbench harness protocol: what the runner sends to a measured process (one JSON
// object on stdin) and what the process answers (one JSON object on stdout). The Node
// harness (node-harness.ts) and the Wasmtime harness (wasmtime_harness.py) speak it.
//
// The program's own stdout goes to a file per iteration and comes back inline (capped),
// so the protocol channel never mixes with program output.

import type { TieringCounters } from '../results/schema.js';

export interface HarnessRequest {
  /** Absolute path of the .wasm file. */
  wasmPath: string;
  /** argv[0] given to the program. */
  programName: string;
  iterations: number;
  /** A private scratch directory for this process. */
  workDirectory: string;
  /** Node harness: which in-process engine to load (see in-process-engines.ts). */
  engine?: string;
  /** Engine-specific options (e.g. { optLevel: 2 } or { strategy: "winch" }). */
  engineOptions?: Record<string, unknown>;
  /**
   * 'program' (default): a WASI program — compile, instantiate with WASI and bench, run.
   * 'module': compile, instantiate against stub imports made from the module's import
   * types, no execution (executeNs null); stdout is the export list ("exports N", then
   * "kind name" lines, sorted), as bench/suites/realworld.ts expects.
   * 'package': run an npm package's workload through its JS glue, a fresh node process per
   * iteration (package-mode.ts); stdout is the workload's digest.
   */
  mode?: 'program' | 'module' | 'package';
  /** Package mode: absolute path of the workload script (dist/test/dropin/workloads/<id>.js). */
  workloadPath?: string;
}

/**
 * Untimed runs that warm an engine's code cache before the timed iterations (engine option
 * `warmingRuns`, a whole number from 1 to 20; 1 when absent): llvm-tiered-converged's five.
 */
export function warmingRunsOf(engineOptions: Record<string, unknown>): number {
  const runs = engineOptions.warmingRuns ?? 1;
  if (typeof runs !== 'number' || !Number.isInteger(runs) || runs < 1 || runs > 20) throw new RangeError(`engine option warmingRuns must be a whole number from 1 to 20 (got ${String(runs)})`);
  return runs;
}

export interface HarnessIteration {
  compileNs: number;
  instantiateNs: number;
  /** bench.start → bench.end; null when the program did not call both exactly once. */
  executeNs: number | null;
  /** compile + instantiate + the whole run (module mode: compile + instantiate). */
  totalNs?: number;
  exitCode: number;
  /** The program's stdout (at most STDOUT_LIMIT_BYTES). */
  stdout: string;
  /** Tiered engines: how much tiering the iteration did. */
  tiering?: TieringCounters;
}

export interface HarnessFailure {
  kind: 'trap' | 'error';
  message: string;
  iteration: number;
}

export interface HarnessResponse {
  engineVersion: string | null;
  iterations: HarnessIteration[];
  failure: HarnessFailure | null;
}

export const STDOUT_LIMIT_BYTES = 1 << 20;
