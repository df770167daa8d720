#!/usr/bin/env node
// Suites: the build script. Compiles every program of every suite, per dataset and build
// variant, to wasm32-wasi with the variant's fixed flag set (suites/toolchain.ts), records
// the expected output of each binary, and writes each suite's manifest per variant.
// The .wasm files, the expected outputs and the manifests are committed.
//
// scalar (suites/<suite>/wasm/): the expected output is produced by running the binary
//   on V8 TurboFan, then cross-checked against the native build of the same source.
// simd (suites/<suite>/wasm-simd/, -msimd128): built after the scalar variant; its binary
//   run on V8 TurboFan must print exactly the scalar variant's expected output, which both
//   variants share. The manifest records how many SIMD instructions each binary has.
//
//   npm run build:suites -- [--suite s] [--dataset d,...] [--filter re] [--variant v] [--force]
//   npm run build:suites -- --check     rebuild into a temporary directory and report any
//                                        binary or manifest entry that no longer matches
//                                        its sources (writes nothing; exit 1 on mismatch)

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join, relative } from 'node:path';
import { Command, Option } from 'commander';
import { createEngine } from '../engines/registry.js';
import { ensureNativeExecutable } from '../engines/native.js';
import { runChildProcess } from '../engines/child-process.js';
import { repositoryRoot, suitesDirectory } from '../paths.js';
import { DATASETS, type Dataset, type Variant } from '../results/schema.js';
import { describeOutputDifference } from '../runner.js';
import { COMMON_SUITE, NO_DATASET, VARIANT_CHOICES, VARIANT_DIRECTORIES, manifestPath, variantsOfChoice, type VariantChoice, readManifest, type Benchmark, type SuiteManifest } from './catalog.js';
import { countSimdInstructions } from './simd-census.js';
import { NATIVE_FLAGS, clangVersion, compileWasm, sha256, sha256File, wasmFlags, wasmInputsHash } from './toolchain.js';

/** Datasets whose expected output is also checked against native code by default (the larger ones take minutes). */
const DEFAULT_NATIVE_CHECK: readonly Dataset[] = ['mini', 'small', 'medium', 'large'];

interface BuildOptions {
  suite?: string[];
  dataset: Dataset[];
  filter?: string;
  force?: boolean;
  check?: boolean;
  nativeCheck: Dataset[];
  jobs: number;
  variant: VariantChoice;
}

interface BuildTask {
  suite: string;
  program: string;
  source: string; // relative to the repository root
  dataset: Dataset | null;
  variant: Variant;
}

function suiteDirectories(): string[] {
  return readdirSync(suitesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(join(suitesDirectory, entry.name)).some((file) => file.endsWith('.c')))
    .map((entry) => entry.name)
    .sort();
}

/** The programs of a suite: every .c file, except in `common` where only noop.c is a program. */
function programsOf(suite: string): string[] {
  const files = readdirSync(join(suitesDirectory, suite)).filter((file) => file.endsWith('.c'));
  const programs = suite === COMMON_SUITE ? files.filter((file) => file === 'noop.c') : files;
  return programs.map((file) => basename(file, '.c')).sort();
}

function outputKey(dataset: Dataset | null): string {
  return dataset ?? NO_DATASET;
}

function wasmRelativePath(task: BuildTask): string {
  return join('suites', task.suite, VARIANT_DIRECTORIES[task.variant], `${task.program}.${outputKey(task.dataset)}.wasm`);
}
/** Shared by both variants: the SIMD build must print the scalar build's output. */
function expectedRelativePath(task: BuildTask): string {
  return join('suites', task.suite, 'expected', `${task.program}.${outputKey(task.dataset)}.txt`);
}

async function runPool<T>(items: readonly T[], jobs: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
}

function asBenchmark(task: BuildTask, wasmPath: string, expectedOutput: string): Benchmark {
  return {
    name: task.program,
    suite: task.suite,
    dataset: task.dataset,
    variant: task.variant,
    source: task.source,
    wasmPath,
    wasm: relative(repositoryRoot, wasmPath),
    wasmSha256: sha256File(wasmPath),
    expectedOutput,
    expectedOutputSha256: sha256(expectedOutput),
  };
}

/** Runs the binary once on V8 TurboFan and returns its stdout, or throws with the reason. */
async function referenceOutput(task: BuildTask, wasmPath: string): Promise<string> {
  const engine = createEngine('v8-turbofan');
  const workDirectory = mkdtempSync(join(os.tmpdir(), 'suite-build-'));
  try {
    const outcome = await engine.measure({ benchmark: asBenchmark(task, wasmPath, ''), iterations: 1, timeoutMs: 3_600_000, workDirectory });
    if (outcome.failure) throw new Error(`${outcome.failure.kind}: ${outcome.failure.message}\n${outcome.stderrTail}`);
    const [iteration] = outcome.iterations;
    if (!iteration || iteration.exitCode !== 0) throw new Error(`exit status ${iteration?.exitCode}\n${outcome.stderrTail}`);
    if (iteration.phases.execute === undefined) throw new Error('bench.start/bench.end not called exactly once');
    return iteration.stdout;
  } finally {
    rmSync(workDirectory, { recursive: true, force: true });
  }
}

/** Builds and runs the native executable once; its stdout must equal the wasm's. */
async function checkAgainstNative(task: BuildTask, expected: string): Promise<void> {
  const executable = await ensureNativeExecutable(asBenchmark(task, join(repositoryRoot, wasmRelativePath(task)), expected));
  const result = await runChildProcess(executable, { args: [], timeoutMs: 3_600_000 });
  if (result.exitCode !== 0) throw new Error(`native ${task.program} (${task.dataset}) exited with ${result.exitCode ?? result.signal}`);
  if (result.stdout !== expected) {
    throw new Error(`native ${task.program} (${task.dataset}) output differs from wasm output:\nwasm:\n${expected}\nnative:\n${result.stdout}`);
  }
}

function manifestKey(suite: string, variant: Variant): string {
  return `${suite}/${variant}`;
}

function label(task: BuildTask): string {
  return `${task.suite}/${task.program}${task.dataset ? `.${task.dataset}` : ''}${task.variant === 'scalar' ? '' : ` (${task.variant})`}`;
}

function scratchPath(scratch: string, task: BuildTask): string {
  return join(scratch, `${task.suite}-${task.program}-${outputKey(task.dataset)}-${task.variant}.wasm`);
}

async function build(options: BuildOptions): Promise<number> {
  const clang = await clangVersion();
  if (!clang) throw new Error('clang-19 not found (node scripts/setup.mjs installs it)');
  const pattern = options.filter ? new RegExp(options.filter) : null;
  const suites = (options.suite ?? suiteDirectories()).filter((suite) => suiteDirectories().includes(suite));
  if (!suites.includes(COMMON_SUITE) && !options.suite) suites.push(COMMON_SUITE);
  const variants = variantsOfChoice(options.variant);

  // Per variant, in VARIANTS order: the simd variant is checked against the scalar
  // variant's expected outputs, so those are written first.
  const tasksByVariant = new Map<Variant, BuildTask[]>();
  for (const variant of variants) {
    const tasks: BuildTask[] = [];
    for (const suite of suites) {
      for (const program of programsOf(suite)) {
        if (pattern && !pattern.test(program)) continue;
        const source = join('suites', suite, `${program}.c`);
        const datasets: (Dataset | null)[] = suite === COMMON_SUITE ? [null] : options.dataset;
        for (const dataset of datasets) tasks.push({ suite, program, source, dataset, variant });
      }
    }
    tasksByVariant.set(variant, tasks);
  }
  const taskCount = [...tasksByVariant.values()].reduce((sum, tasks) => sum + tasks.length, 0);

  const scratch = mkdtempSync(join(os.tmpdir(), 'suite-check-'));
  const problems: string[] = [];
  const manifests = new Map<string, SuiteManifest>();
  for (const variant of variants) {
    for (const suite of suites) {
      const existing = readManifest(suite, variant);
      manifests.set(manifestKey(suite, variant), {
        suite,
        // The scalar manifests keep their shape (and bytes) from before variants existed.
        ...(variant === 'scalar' ? {} : { variant }),
        compiler: { clang, wasmFlags: [...wasmFlags(variant)], nativeFlags: [...NATIVE_FLAGS] },
        programs: existing?.programs.filter((program) => existsSync(join(repositoryRoot, program.source))) ?? [],
      });
    }
  }
  const manifestEntry = (task: BuildTask, hash: string) => {
    const manifest = manifests.get(manifestKey(task.suite, task.variant))!;
    let entry = manifest.programs.find((program) => program.name === task.program);
    if (!entry) {
      entry = { name: task.program, source: task.source, inputsSha256: hash, outputs: {} };
      manifest.programs.push(entry);
    }
    return entry;
  };

  let done = 0;
  const checkTask = async (task: BuildTask) => {
    const wasmRelative = wasmRelativePath(task);
    const expectedRelative = expectedRelativePath(task);
    const wasmPath = join(repositoryRoot, wasmRelative);
    const expectedPath = join(repositoryRoot, expectedRelative);
    const rebuilt = scratchPath(scratch, task);
    await compileWasm(task.source, task.dataset, rebuilt, repositoryRoot, task.variant);
    const manifest = manifests.get(manifestKey(task.suite, task.variant))!;
    const entry = manifest.programs.find((program) => program.name === task.program);
    const output = entry?.outputs[outputKey(task.dataset)];
    if (!existsSync(wasmPath)) problems.push(`${label(task)}: ${wasmRelative} is missing`);
    else if (sha256File(rebuilt) !== sha256File(wasmPath)) problems.push(`${label(task)}: committed ${wasmRelative} differs from a rebuild of ${task.source}`);
    if (!entry || entry.inputsSha256 !== wasmInputsHash(task.source, clang, repositoryRoot, task.variant)) problems.push(`${label(task)}: manifest entry does not match the current source, header, flags and compiler`);
    if (!output || !existsSync(expectedPath)) problems.push(`${label(task)}: no expected output`);
    else if (output.expectedSha256 !== sha256File(expectedPath)) problems.push(`${label(task)}: ${expectedRelative} differs from the manifest`);
    console.error(`[${++done}/${taskCount}] checked ${label(task)}`);
  };

  /** Compiles into the scratch directory; replaces the committed binary only when its bytes changed. */
  const compileTask = async (task: BuildTask): Promise<{ wasmPath: string; changed: boolean }> => {
    const wasmPath = join(repositoryRoot, wasmRelativePath(task));
    mkdirSync(join(wasmPath, '..'), { recursive: true });
    const rebuilt = scratchPath(scratch, task);
    await compileWasm(task.source, task.dataset, rebuilt, repositoryRoot, task.variant);
    const changed = !existsSync(wasmPath) || sha256File(rebuilt) !== sha256File(wasmPath);
    if (changed) writeFileSync(wasmPath, readFileSync(rebuilt));
    return { wasmPath, changed };
  };

  const buildScalarTask = async (task: BuildTask) => {
    const expectedRelative = expectedRelativePath(task);
    const expectedPath = join(repositoryRoot, expectedRelative);
    mkdirSync(join(expectedPath, '..'), { recursive: true });
    const { wasmPath, changed } = await compileTask(task);
    let expected: string;
    if (changed || options.force || !existsSync(expectedPath)) {
      expected = await referenceOutput(task, wasmPath);
      writeFileSync(expectedPath, expected);
    } else {
      expected = readFileSync(expectedPath, 'utf8');
    }
    if (task.dataset && options.nativeCheck.includes(task.dataset) && (changed || options.force)) await checkAgainstNative(task, expected);
    const hash = wasmInputsHash(task.source, clang, repositoryRoot, task.variant);
    const entry = manifestEntry(task, hash);
    entry.inputsSha256 = hash;
    entry.outputs[outputKey(task.dataset)] = {
      wasm: wasmRelativePath(task),
      wasmSha256: sha256File(wasmPath),
      expected: expectedRelative,
      expectedSha256: sha256(expected),
    };
    console.error(`[${++done}/${taskCount}] ${changed ? 'built' : 'unchanged'} ${label(task)}`);
  };

  // The SIMD binary is run (on V8 TurboFan) when it changed, when forced, or when the
  // manifest has no validated entry for it against the current expected output.
  const buildVectorTask = async (task: BuildTask) => {
    const expectedRelative = expectedRelativePath(task);
    const expectedPath = join(repositoryRoot, expectedRelative);
    if (!existsSync(expectedPath)) {
      problems.push(`${label(task)}: no scalar expected output ${expectedRelative} to check against (build the scalar variant first)`);
      console.error(`[${++done}/${taskCount}] SKIPPED ${label(task)}`);
      return;
    }
    const expected = readFileSync(expectedPath, 'utf8');
    const { wasmPath, changed } = await compileTask(task);
    const hash = wasmInputsHash(task.source, clang, repositoryRoot, task.variant);
    const entry = manifestEntry(task, hash);
    const previous = entry.outputs[outputKey(task.dataset)];
    const validated = previous !== undefined && previous.wasmSha256 === sha256File(wasmPath) && previous.expectedSha256 === sha256(expected);
    if (changed || options.force || !validated) {
      const output = await referenceOutput(task, wasmPath);
      if (output !== expected) {
        delete entry.outputs[outputKey(task.dataset)];
        problems.push(`${label(task)}: output differs from the scalar build's expected output ${expectedRelative}: ${describeOutputDifference(expected, output)}`);
        console.error(`[${++done}/${taskCount}] OUTPUT DIFFERS ${label(task)}`);
        return;
      }
    }
    const census = countSimdInstructions(new Uint8Array(readFileSync(wasmPath)));
    entry.inputsSha256 = hash;
    entry.outputs[outputKey(task.dataset)] = {
      wasm: wasmRelativePath(task),
      wasmSha256: sha256File(wasmPath),
      expected: expectedRelative,
      expectedSha256: sha256(expected),
      simdInstructions: census.instructions,
      simdFunctions: census.functions,
    };
    console.error(`[${++done}/${taskCount}] ${changed ? 'built' : 'unchanged'} ${label(task)}: ${census.instructions} SIMD instructions in ${census.functions} functions`);
  };

  try {
    for (const [variant, tasks] of tasksByVariant) {
      const work = options.check ? checkTask : variant === 'scalar' ? buildScalarTask : buildVectorTask;
      await runPool(tasks, options.jobs, work);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  if (options.check) {
    for (const problem of problems) console.error(`MISMATCH ${problem}`);
    console.error(problems.length === 0 ? `all ${taskCount} binaries match their sources` : `${problems.length} mismatches`);
    return problems.length === 0 ? 0 : 1;
  }
  for (const [key, manifest] of manifests) {
    manifest.programs.sort((a, b) => a.name.localeCompare(b.name));
    for (const program of manifest.programs) {
      program.outputs = Object.fromEntries(Object.entries(program.outputs).sort(([a], [b]) => DATASETS.indexOf(a as Dataset) - DATASETS.indexOf(b as Dataset)));
    }
    const variant = key.slice(key.lastIndexOf('/') + 1) as Variant;
    mkdirSync(join(manifestPath(manifest.suite, variant), '..'), { recursive: true });
    writeFileSync(manifestPath(manifest.suite, variant), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  for (const problem of problems) console.error(`FAILED ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

const command = new Command('build-suites')
  .description('Compile the suites to wasm32-wasi, record expected outputs, write manifests.')
  .option('--suite <names...>', 'suites to build (default: all)')
  .addOption(new Option('--dataset <list>', 'datasets').default([...DATASETS], DATASETS.join(',')).argParser((value) => value.split(',') as Dataset[]))
  .option('--filter <regex>', 'only programs whose name matches')
  .option('--force', 'regenerate expected outputs even when the binary did not change')
  .option('--check', 'rebuild into a temporary directory and compare; write nothing')
  .addOption(new Option('--variant <variant>', 'build variants: scalar, simd (-msimd128, checked against the scalar expected outputs) or both').choices(VARIANT_CHOICES).default('both'))
  .addOption(new Option('--native-check <list>', 'datasets whose outputs are cross-checked with native code').default([...DEFAULT_NATIVE_CHECK], DEFAULT_NATIVE_CHECK.join(',')).argParser((value) => value.split(',') as Dataset[]))
  .addOption(new Option('--jobs <n>', 'parallel jobs').default(os.cpus().length).argParser(Number));
command.parse(process.argv);
build(command.opts<BuildOptions>()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`build-suites: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
