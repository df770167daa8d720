// Suites: the catalogue of built benchmarks, read from each suite's committed manifest
// (suites/<suite>/wasm/manifest.json, written by suites/build.ts). The workbench runs
// exactly what the manifest lists, so results always name binaries that exist in git.
// The one exception is `realworld` (realworld.ts): modules of pinned npm packages.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { repositoryRoot, suitesDirectory } from '../paths.js';
import { DatasetSchema, type Dataset } from '../results/schema.js';
import { REALWORLD_SUITE, realworldBenchmarks } from './realworld.js';

/** Key of the single output of a program that has no datasets (the noop benchmark). */
export const NO_DATASET = 'default';

const OutputSchema = z.object({
  wasm: z.string(),
  wasmSha256: z.string(),
  expected: z.string(),
  expectedSha256: z.string(),
});

export const SuiteManifestSchema = z.object({
  suite: z.string(),
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
  /**
   * 'program' (default): a WASI program, compiled, instantiated and run to its exit.
   * 'module': compile, then instantiate against stub imports, no execution; the output is
   * the instance's export list (realworld.ts).
   */
  mode?: 'program' | 'module';
}

export const COMMON_SUITE = 'common';
export const NOOP_BENCHMARK = 'noop';

export function manifestPath(suite: string): string {
  return join(suitesDirectory, suite, 'wasm', 'manifest.json');
}

export function readManifest(suite: string): SuiteManifest | null {
  const path = manifestPath(suite);
  if (!existsSync(path)) return null;
  return SuiteManifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Suites that have been built (have a manifest), excluding the shared `common` one. */
export function listSuites(): string[] {
  return readdirSync(suitesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== COMMON_SUITE && existsSync(manifestPath(entry.name)))
    .map((entry) => entry.name)
    .sort();
}

export interface BenchmarkSelection {
  suite: string;
  dataset: Dataset;
  /** Regular expression matched against benchmark names; null selects all. */
  filter: string | null;
  includeNoop: boolean;
}

export function selectBenchmarks(selection: BenchmarkSelection): Benchmark[] {
  // realworld: modules from npm packages, not built from suites/ (no noop: it is a WASI program).
  if (selection.suite === REALWORLD_SUITE) return realworldBenchmarks(selection.filter);
  const manifest = readManifest(selection.suite);
  if (!manifest) {
    const known = listSuites();
    throw new Error(`unknown suite "${selection.suite}" (built suites: ${known.join(', ') || 'none'}, and ${REALWORLD_SUITE}; build with npm run build:suites)`);
  }
  const pattern = selection.filter ? new RegExp(selection.filter) : null;
  const benchmarks: Benchmark[] = [];
  for (const program of manifest.programs) {
    if (pattern && !pattern.test(program.name)) continue;
    const output = program.outputs[selection.dataset];
    if (!output) throw new Error(`suite ${selection.suite}: ${program.name} has no ${selection.dataset} build in its manifest`);
    benchmarks.push(toBenchmark(manifest.suite, program.name, program.source, selection.dataset, output));
  }
  if (selection.includeNoop) {
    const common = readManifest(COMMON_SUITE);
    const noop = common?.programs.find((program) => program.name === NOOP_BENCHMARK);
    const output = noop?.outputs[NO_DATASET];
    if (!noop || !output) throw new Error('the noop benchmark is not built (npm run build:suites)');
    benchmarks.push(toBenchmark(COMMON_SUITE, noop.name, noop.source, null, output));
  }
  return benchmarks;
}

function toBenchmark(
  suite: string,
  name: string,
  source: string,
  dataset: Dataset | null,
  output: z.infer<typeof OutputSchema>,
): Benchmark {
  return {
    name,
    suite,
    dataset: dataset === null ? null : DatasetSchema.parse(dataset),
    source,
    wasmPath: join(repositoryRoot, output.wasm),
    wasm: output.wasm,
    wasmSha256: output.wasmSha256,
    expectedOutput: readFileSync(join(repositoryRoot, output.expected), 'utf8'),
    expectedOutputSha256: output.expectedSha256,
  };
}
