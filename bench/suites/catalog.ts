// Suites: the catalogue of built benchmarks, read from each suite's committed manifest
// (suites/<suite>/wasm/manifest.json, written by suites/build.ts). The workbench runs
// exactly what the manifest lists, so results always name binaries that exist in git.
// The one exception is `realworld` (realworld.ts): modules of pinned npm packages.
//
// Each build variant (results/schema.ts, VARIANTS) has its own directory and manifest:
// scalar in suites/<suite>/wasm/, simd in suites/<suite>/wasm-simd/. Both variants of a
// program share one expected output (suites/<suite>/expected/): vectorisation must not
// change a single printed digit.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { repositoryRoot, suitesDirectory } from '../paths.js';
import { DEFAULT_VARIANT, DatasetSchema, VARIANTS, VariantSchema, type Dataset, type Variant } from '../results/schema.js';
import { REALWORLD_SUITE, realworldBenchmarks } from './realworld.js';

/** Key of the single output of a program that has no datasets (the noop benchmark). */
export const NO_DATASET = 'default';

const OutputSchema = z.object({
  wasm: z.string(),
  wasmSha256: z.string(),
  expected: z.string(),
  expectedSha256: z.string(),
  /** SIMD builds: 0xFD-prefixed operators in the binary (simd-census.ts); 0 where clang vectorised nothing. */
  simdInstructions: z.number().int().nonnegative().optional(),
  /** SIMD builds: defined functions that hold at least one of them. */
  simdFunctions: z.number().int().nonnegative().optional(),
});

export const SuiteManifestSchema = z.object({
  suite: z.string(),
  /** Build variant of the binaries; absent: scalar (the scalar manifests predate variants). */
  variant: VariantSchema.optional(),
  compiler: z.object({
    clang: z.string(),
    wasmFlags: z.array(z.string()),
    nativeFlags: z.array(z.string()),
  }),
  programs: z.array(
    z.object({
      name: z.string(),
      source: z.string(),
      /** sha256 over the source, the common header and the flags: what the binaries were built from. */
      inputsSha256: z.string(),
      outputs: z.record(z.string(), OutputSchema),
    }),
  ),
});
export type SuiteManifest = z.infer<typeof SuiteManifestSchema>;

export interface Benchmark {
  name: string;
  suite: string;
  dataset: Dataset | null;
  /** Path of the C source, relative to the repository root. */
  source: string;
  /** Absolute path of the .wasm file. */
  wasmPath: string;
  /** Path of the .wasm file relative to the repository root (what results record). */
  wasm: string;
  wasmSha256: string;
  expectedOutput: string;
  expectedOutputSha256: string;
  /** Size of the .wasm file in bytes (set by the realworld catalogue). */
  wasmBytes?: number;
  /** Build variant of the .wasm file (absent: not built by suites/build.ts, as realworld's modules). */
  variant?: Variant;
  /**
   * 'program' (default): a WASI program, compiled, instantiated and run to its exit.
   * 'module': compile, then instantiate against stub imports, no execution; the output is
   * the instance's export list (realworld.ts).
   * 'package': an npm package's workload run through its JS glue (realworld.ts), on the
   * engines that have the JS API (EngineAdapter.runsJsGlue); the output is its digest.
   */
  mode?: 'program' | 'module' | 'package';
  /** Package mode: absolute path of the workload script. */
  workloadPath?: string;
}

export const COMMON_SUITE = 'common';
export const NOOP_BENCHMARK = 'noop';

/** What `--variant` accepts on the bench and build command lines. */
export const VARIANT_CHOICES = ['scalar', 'simd', 'both'] as const;
export type VariantChoice = (typeof VARIANT_CHOICES)[number];

/** The variants a `--variant` choice stands for, in VARIANTS order. */
export function variantsOfChoice(choice: VariantChoice): Variant[] {
  return choice === 'both' ? [...VARIANTS] : [choice];
}

/** Directory of a variant's binaries and manifest, under suites/<suite>/. */
export const VARIANT_DIRECTORIES: Readonly<Record<Variant, string>> = { scalar: 'wasm', simd: 'wasm-simd' };

export function manifestPath(suite: string, variant: Variant = DEFAULT_VARIANT): string {
  return join(suitesDirectory, suite, VARIANT_DIRECTORIES[variant], 'manifest.json');
}

export function readManifest(suite: string, variant: Variant = DEFAULT_VARIANT): SuiteManifest | null {
  const path = manifestPath(suite, variant);
  if (!existsSync(path)) return null;
  const manifest = SuiteManifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  if ((manifest.variant ?? DEFAULT_VARIANT) !== variant) throw new Error(`${path} is the manifest of the ${manifest.variant ?? DEFAULT_VARIANT} variant, not ${variant}`);
  return manifest;
}

/** Suites that have been built (have a scalar manifest), excluding the shared `common` one. */
export function listSuites(): string[] {
  return readdirSync(suitesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== COMMON_SUITE && existsSync(manifestPath(entry.name)))
    .map((entry) => entry.name)
    .sort();
}

/** The variants a suite has been built in (those with a manifest), in VARIANTS order. */
export function listVariants(suite: string): Variant[] {
  return VARIANTS.filter((variant) => existsSync(manifestPath(suite, variant)));
}

export interface BenchmarkSelection {
  suite: string;
  dataset: Dataset;
  /** Regular expression matched against benchmark names; null selects all. */
  filter: string | null;
  includeNoop: boolean;
  /** Build variant (default scalar); the realworld suite has only its modules as shipped. */
  variant?: Variant;
}

export function selectBenchmarks(selection: BenchmarkSelection): Benchmark[] {
  const variant = selection.variant ?? DEFAULT_VARIANT;
  // realworld: modules from npm packages, not built from suites/ (no noop: it is a WASI program).
  if (selection.suite === REALWORLD_SUITE) {
    if (variant !== DEFAULT_VARIANT) throw new Error(`suite ${REALWORLD_SUITE} has no ${variant} variant: its modules are run as their packages ship them`);
    return realworldBenchmarks(selection.filter);
  }
  const manifest = readManifest(selection.suite, variant);
  if (!manifest) {
    const known = listSuites();
    if (variant !== DEFAULT_VARIANT && known.includes(selection.suite)) {
      throw new Error(`suite ${selection.suite} has no ${variant} build (npm run build:suites -- --suite ${selection.suite} --variant ${variant})`);
    }
    throw new Error(`unknown suite "${selection.suite}" (built suites: ${known.join(', ') || 'none'}, and ${REALWORLD_SUITE}; build with npm run build:suites)`);
  }
  const pattern = selection.filter ? new RegExp(selection.filter) : null;
  const benchmarks: Benchmark[] = [];
  for (const program of manifest.programs) {
    if (pattern && !pattern.test(program.name)) continue;
    const output = program.outputs[selection.dataset];
    if (!output) throw new Error(`suite ${selection.suite}: ${program.name} has no ${selection.dataset} build in its ${variant} manifest`);
    benchmarks.push(toBenchmark(manifest.suite, program.name, program.source, selection.dataset, variant, output));
  }
  if (selection.includeNoop) {
    const common = readManifest(COMMON_SUITE, variant);
    const noop = common?.programs.find((program) => program.name === NOOP_BENCHMARK);
    const output = noop?.outputs[NO_DATASET];
    if (!noop || !output) throw new Error(`the noop benchmark is not built in the ${variant} variant (npm run build:suites -- --variant ${variant})`);
    benchmarks.push(toBenchmark(COMMON_SUITE, noop.name, noop.source, null, variant, output));
  }
  return benchmarks;
}

function toBenchmark(
  suite: string,
  name: string,
  source: string,
  dataset: Dataset | null,
  variant: Variant,
  output: z.infer<typeof OutputSchema>,
): Benchmark {
  return {
    name,
    suite,
    dataset: dataset === null ? null : DatasetSchema.parse(dataset),
    variant,
    source,
    wasmPath: join(repositoryRoot, output.wasm),
    wasm: output.wasm,
    wasmSha256: output.wasmSha256,
    expectedOutput: readFileSync(join(repositoryRoot, output.expected), 'utf8'),
    expectedOutputSha256: output.expectedSha256,
  };
}
