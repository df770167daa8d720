// Workbench engines: the one interface every engine adapter implements. An adapter knows
// how to start one measured process that runs one benchmark for N iterations (fresh
// compile, instantiate and execute each time) and reports each phase's time; the runner
// knows nothing else about engines. Adding an engine is a new adapter (or a new entry in
// registry.ts), never a change to the runner.

import type { Benchmark } from '../suites/catalog.js';
import type { FailureKind, Phase, TieringCounters } from '../results/schema.js';

export interface MeasureRequest {
  benchmark: Benchmark;
  iterations: number;
  timeoutMs: number;
  /** A private, empty scratch directory for this process. */
  workDirectory: string;
}

export interface MeasuredIteration {
  /** Nanoseconds per measured phase; a phase the engine does not measure is absent. */
  phases: Partial<Record<Phase, number>>;
  exitCode: number;
  stdout: string;
  /** Tiered engines: how much tiering the iteration did. */
  tiering?: TieringCounters;
}

export interface MeasureOutcome {
  iterations: MeasuredIteration[];
  /** Why the process stopped early, if it did; completed iterations are still reported. */
  failure: { kind: FailureKind; message: string; iteration: number | null } | null;
  stderrTail: string;
  wallSeconds: number;
}

export interface EngineProbe {
  available: boolean;
  version: string | null;
  /** Why the engine cannot run here, when it cannot. */
  reason: string | null;
}

export interface EngineAdapter {
  /** Name used on the command line and in results, e.g. "v8-turbofan", "llvm-O2". */
  readonly name: string;
  /** Family: "v8", "wasmtime", "native", "llvm". */
  readonly kind: string;
  readonly description: string;
  /** Flags or options that select this configuration, recorded in results. */
  readonly flags: readonly string[];
  /** Phases this engine measures. */
  readonly phases: readonly Phase[];
  /**
   * True for an engine that does not run the suite's wasm (native code, built from the C
   * source): the build variant (scalar or SIMD wasm) makes no difference to it, so the
   * runner plans it once per program whatever the variants, and records no variant.
   */
  readonly variantIndependent?: boolean;
  /**
   * True for an engine that is a `WebAssembly` namespace in Node (V8's tiers, this project's
   * engine): only such engines run the realworld suite's package benchmarks, which go
   * through the packages' JS glue.
   */
  readonly runsJsGlue?: boolean;
  /** Whether the engine can run here, and its version. */
  probe(): Promise<EngineProbe>;
  /** One-time preparation before any timing (e.g. building native executables). */
  prepare?(benchmarks: readonly Benchmark[], log: (line: string) => void): Promise<void>;
  /** Runs one measured process. Must not throw for engine or program failures: report them. */
  measure(request: MeasureRequest): Promise<MeasureOutcome>;
}
