// Workbench results: the one versioned schema that the runner writes, and the report,
// the regression gate and the tests read (Sightglass keeps one Measurement record in
// crates/data for the same reason). Raw samples are flat records, one per
// engine × benchmark × process × iteration × phase; summaries and comparisons are
// derived from them and stored for readers that do not want to recompute.
//
// Changing the meaning of a field means bumping RESULTS_SCHEMA_VERSION; readers refuse
// versions they do not know, with a message that says which version they found.
//
// Version 2 added the build variant (scalar or SIMD wasm) to benchmarks, runs, samples,
// summaries and comparisons. Every new field is optional and its absence means "scalar",
// so a version 1 file is read as a version 2 file whose wasm was all scalar — what every
// version 1 run measured.
//
// Version 3 added the 'total' phase (compile + instantiate + the whole run, for lazily
// compiled engines the only fair comparison). Older files have no total samples, which is
// what they measured; they are read as version 3 files.

import { z } from 'zod';

export const RESULTS_SCHEMA_ID = 'wasm-llvm-jit/bench-results';
export const RESULTS_SCHEMA_VERSION = 3;
/** Versions this workbench reads: the current one, and older ones it upgrades on reading. */
export const READABLE_RESULTS_SCHEMA_VERSIONS: readonly number[] = [1, 2, 3];

/**
 * Measured phases: bytes → module, module → instance, bench.start → bench.end, and total:
 * compile + instantiate + the whole run of the program (to its exit, including what it does
 * outside bench.start/end — where a lazy engine compiles much of its code), the time to a
 * result. Module-mode benchmarks' total is compile + instantiate.
 */
export const PHASES = ['compile', 'instantiate', 'execute', 'total'] as const;
export const PhaseSchema = z.enum(PHASES);
export type Phase = z.infer<typeof PhaseSchema>;

export const DATASETS = ['mini', 'small', 'medium', 'large', 'extralarge'] as const;
export const DatasetSchema = z.enum(DATASETS);
export type Dataset = z.infer<typeof DatasetSchema>;

/**
 * Build variants of a suite's wasm: 'scalar' (clang -mcpu=generic, no SIMD; the committed
 * suites/<suite>/wasm) and 'simd' (the same flags plus -msimd128, clang's auto-vectoriser
 * emitting wasm SIMD; suites/<suite>/wasm-simd). Native code has no variant: it is built
 * from the C source for the host CPU (-march=native) and is the reference of both.
 */
export const VARIANTS = ['scalar', 'simd'] as const;
export const VariantSchema = z.enum(VARIANTS);
export type Variant = z.infer<typeof VariantSchema>;
/** What a record without a variant field measured (every version 1 file; native code and the realworld suite's modules). */
export const DEFAULT_VARIANT: Variant = 'scalar';

export function variantOf(record: { readonly variant?: Variant | undefined }): Variant {
  return record.variant ?? DEFAULT_VARIANT;
}

/**
 * The name under which the analysis, the console summary, the gate and the report show an
 * engine × variant: the engine's own name for scalar wasm (and for records without a
 * variant, such as native code), `<engine>+simd` for the SIMD build. Engine names contain
 * no '+', so the name can be split back (parseSeriesName).
 */
export function seriesName(engine: string, variant?: Variant): string {
  return variant === undefined || variant === DEFAULT_VARIANT ? engine : `${engine}+${variant}`;
}

export function parseSeriesName(series: string): { engine: string; variant: Variant } {
  const plus = series.lastIndexOf('+');
  if (plus > 0) {
    const variant = VariantSchema.safeParse(series.slice(plus + 1));
    if (variant.success) return { engine: series.slice(0, plus), variant: variant.data };
  }
  return { engine: series, variant: DEFAULT_VARIANT };
}

export const FAILURE_KINDS = [
  'crash', // the measured process died (signal, or exited without a result)
  'trap', // the wasm program trapped
  'timeout', // the process ran past its time limit and was killed
  'wrong-output', // stdout differed from the expected output
  'exit-code', // the program exited with a non-zero status
  'error', // anything else the engine reported (compile error, link error, ...)
] as const;
export const FailureKindSchema = z.enum(FAILURE_KINDS);
export type FailureKind = z.infer<typeof FailureKindSchema>;

export const IntervalSchema = z.object({ low: z.number(), high: z.number() });

export const FailureSchema = z.object({
  kind: FailureKindSchema,
  message: z.string(),
  /** The iteration (0-based) in which it happened, when known. */
  iteration: z.number().int().nonnegative().nullable(),
  /** Tail of the process's stderr, for diagnosis. */
  stderrTail: z.string(),
});
export type Failure = z.infer<typeof FailureSchema>;

export const ConfigSchema = z.object({
  suite: z.string(),
  dataset: DatasetSchema,
  engines: z.array(z.string()).min(1),
  filter: z.string().nullable(),
  processes: z.number().int().positive(),
  iterations: z.number().int().positive(),
  phases: z.array(PhaseSchema).min(1),
  seed: z.number().int().nonnegative(),
  timeoutSeconds: z.number().positive(),
  includeNoop: z.boolean(),
  baselineEngine: z.string(),
  /** WASM_LLVM_COMPILE_THREADS given to this project's engine (null: its default, the cores). */
  compileThreads: z.number().int().positive().nullable().optional(),
  /** Build variants run (bench --variant); absent: scalar only (version 1 files, the realworld suite). */
  variants: z.array(VariantSchema).min(1).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export const FingerprintSchema = z.object({
  machine: z.object({
    cpuModel: z.string(),
    cpuCount: z.number().int().positive(),
    memoryBytes: z.number().nonnegative(),
    kernel: z.string(),
    platform: z.string(),
    arch: z.string(),
    hostname: z.string(),
  }),
  software: z.object({
    node: z.string(),
    v8: z.string(),
    wasmtime: z.string().nullable(),
    python: z.string().nullable(),
    clang: z.string().nullable(),
    llvm: z.string().nullable(),
  }),
  project: z.object({
    commit: z.string().nullable(),
    dirty: z.boolean().nullable(),
    /** sha256 of the suite's build manifest (scalar variant): identical binaries ⇔ identical hash. */
    suiteManifestSha256: z.string().nullable(),
    /** sha256 of the suite's SIMD build manifest, when the run included the simd variant. */
    simdSuiteManifestSha256: z.string().nullable().optional(),
  }),
});
export type Fingerprint = z.infer<typeof FingerprintSchema>;

export const BenchmarkInfoSchema = z.object({
  name: z.string(),
  suite: z.string(),
  dataset: DatasetSchema.nullable(),
  /** Path of the .wasm file relative to the repository root. */
  wasm: z.string(),
  wasmSha256: z.string(),
  expectedOutputSha256: z.string(),
  /** Size of the .wasm file in bytes (recorded by the realworld suite; optional, absent in older files). */
  wasmBytes: z.number().int().nonnegative().optional(),
  /** Build variant of the .wasm file; absent: scalar (older files) or not built here (realworld). */
  variant: VariantSchema.optional(),
});
export type BenchmarkInfo = z.infer<typeof BenchmarkInfoSchema>;

export const EngineInfoSchema = z.object({
  name: z.string(),
  /** Family: v8, wasmtime, native, llvm (this project's engine), ... */
  kind: z.string(),
  description: z.string(),
  version: z.string().nullable(),
  /** Command-line flags or options that select the tier or configuration. */
  flags: z.array(z.string()),
  phases: z.array(PhaseSchema),
  available: z.boolean(),
  unavailableReason: z.string().nullable(),
});
export type EngineInfo = z.infer<typeof EngineInfoSchema>;

/**
 * How much tiering one iteration of a tiered engine did (the engine's Module.timings lazy
 * statistics at the program's end): tier-up calls from baseline code, top-tier functions
 * installed, OSR entries compiled (of them linked from the code cache) and transfers into them.
 */
export const TieringCountersSchema = z.object({
  tierUpCalls: z.number().int().nonnegative(),
  topTierInstalled: z.number().int().nonnegative(),
  osrCompiled: z.number().int().nonnegative(),
  osrFromCache: z.number().int().nonnegative(),
  osrTransfers: z.number().int().nonnegative(),
});
export type TieringCounters = z.infer<typeof TieringCountersSchema>;

/** One measured process: one engine on one benchmark for N iterations. */
export const RunSchema = z.object({
  engine: z.string(),
  benchmark: z.string(),
  /** Build variant run; absent for native code (built from the C source) and in older files (scalar). */
  variant: VariantSchema.optional(),
  process: z.number().int().nonnegative(),
  /** Position in the shuffled execution order. */
  order: z.number().int().nonnegative(),
  ok: z.boolean(),
  failure: FailureSchema.nullable(),
  iterationsCompleted: z.number().int().nonnegative(),
  wallSeconds: z.number().nonnegative(),
  /** Tiered engines: the tiering counters of each completed iteration (absent for other engines and in older files). */
  tiering: z.array(TieringCountersSchema).optional(),
});
export type Run = z.infer<typeof RunSchema>;

/** One timing: Sightglass's Measurement record, with nanoseconds as the only event. */
export const SampleSchema = z.object({
  engine: z.string(),
  benchmark: z.string(),
  /** As Run.variant. */
  variant: VariantSchema.optional(),
  process: z.number().int().nonnegative(),
  iteration: z.number().int().nonnegative(),
  phase: PhaseSchema,
  ns: z.number().nonnegative(),
});
export type Sample = z.infer<typeof SampleSchema>;

export const SummarySchema = z.object({
  engine: z.string(),
  benchmark: z.string(),
  /** As Run.variant. */
  variant: VariantSchema.optional(),
  phase: PhaseSchema,
  n: z.number().int().positive(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  median: z.number(),
  stddev: z.number(),
  meanCi95: IntervalSchema.nullable(),
  medianCi95: IntervalSchema.nullable(),
});
export type Summary = z.infer<typeof SummarySchema>;

/** Geometric mean over benchmarks of mean(engine) / mean(baseline), per phase. */
export const ComparisonSchema = z.object({
  engine: z.string(),
  /** Variant of the engine's samples (absent: as Run.variant). */
  variant: VariantSchema.optional(),
  baseline: z.string(),
  /** Variant of the baseline's samples (absent: native code, or scalar). */
  baselineVariant: VariantSchema.optional(),
  phase: PhaseSchema,
  ratio: z.number(),
  ci95: IntervalSchema.nullable(),
  logStandardError: z.number().nullable(),
  degreesOfFreedom: z.number().nullable(),
  /** Benchmarks where both engines have valid samples (noop excluded). */
  benchmarks: z.array(z.string()),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

export const ResultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA_ID),
  version: z.literal(RESULTS_SCHEMA_VERSION),
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** False when the run was interrupted: what is here is valid, but not everything ran. */
  complete: z.boolean(),
  config: ConfigSchema,
  fingerprint: FingerprintSchema,
  benchmarks: z.array(BenchmarkInfoSchema),
  engines: z.array(EngineInfoSchema),
  runs: z.array(RunSchema),
  samples: z.array(SampleSchema),
  summaries: z.array(SummarySchema),
  comparisons: z.array(ComparisonSchema),
});
export type Results = z.infer<typeof ResultsSchema>;

export class ResultsFormatError extends Error {
  override name = 'ResultsFormatError';
}

/**
 * Checks that `data` is a results document of a version this workbench reads and returns
 * it typed, as the current version: a version 1 document is upgraded (its records have no
 * variant, which reads as scalar). Says clearly when it is not a results file at all, or
 * one of another version.
 */
export function parseResults(data: unknown, source = 'input'): Results {
  if (typeof data !== 'object' || data === null || (data as { schema?: unknown }).schema !== RESULTS_SCHEMA_ID) {
    throw new ResultsFormatError(`${source} is not a workbench results file (no "schema": "${RESULTS_SCHEMA_ID}")`);
  }
  const version = (data as { version?: unknown }).version;
  if (typeof version !== 'number' || !READABLE_RESULTS_SCHEMA_VERSIONS.includes(version)) {
    throw new ResultsFormatError(
      `${source} has results schema version ${JSON.stringify(version)}; this workbench reads versions ${READABLE_RESULTS_SCHEMA_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_RESULTS_SCHEMA_VERSIONS.at(-1)}`,
    );
  }
  const upgraded = version === RESULTS_SCHEMA_VERSION ? data : { ...(data as object), version: RESULTS_SCHEMA_VERSION };
  const parsed = ResultsSchema.safeParse(upgraded);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new ResultsFormatError(`${source} does not match the results schema: ${problems}`);
  }
  return parsed.data;
}

/** JSON Schema (draft 2020-12) of the results format, for readers outside TypeScript. */
export function resultsJsonSchema(): unknown {
  return z.toJSONSchema(ResultsSchema);
}
