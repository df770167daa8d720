#!/usr/bin/env node
// Suites: the build script. Compiles every program of every suite, per dataset, to
// wasm32-wasi with the one fixed flag set (suites/toolchain.ts), records the expected
// output of each binary (produced by running it on V8 TurboFan, then cross-checked
// against the native build of the same source), and writes each suite's manifest.
// The .wasm files, the expected outputs and the manifests are committed.
//
//   npm run build:suites -- [--suite s] [--dataset d,...] [--filter re] [--force]
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
import { DATASETS, type Dataset } from '../results/schema.js';
import { COMMON_SUITE, NO_DATASET, manifestPath, readManifest, type Benchmark, type SuiteManifest } from './catalog.js';
import { NATIVE_FLAGS, WASM_FLAGS, clangVersion, compileWasm, sha256, sha256File, wasmInputsHash } from './toolchain.js';

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
}

interface BuildTask {
  suite: string;
  program: string;
  source: string; // relative to the repository root
  dataset: Dataset | null;
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
  return join('suites', task.suite, 'wasm', `${task.program}.${outputKey(task.dataset)}.wasm`);
}
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

async function build(options: BuildOptions): Promise<number> {
  const clang = await clangVersion();
  if (!clang) throw new Error('clang-19 not found (node scripts/setup.mjs installs it)');
  const pattern = options.filter ? new RegExp(options.filter) : null;
  const suites = (options.suite ?? suiteDirectories()).filter((suite) => suiteDirectories().includes(suite));
  if (!suites.includes(COMMON_SUITE) && !options.suite) suites.push(COMMON_SUITE);

  const tasks: BuildTask[] = [];
  for (const suite of suites) {
    for (const program of programsOf(suite)) {
      if (pattern && !pattern.test(program)) continue;
      const source = join('suites', suite, `${program}.c`);
      const datasets: (Dataset | null)[] = suite === COMMON_SUITE ? [null] : options.dataset;
      for (const dataset of datasets) tasks.push({ suite, program, source, dataset });
    }
  }

  const scratch = mkdtempSync(join(os.tmpdir(), 'suite-check-'));
  const problems: string[] = [];
  const manifests = new Map<string, SuiteManifest>();
  for (const suite of suites) {
    const existing = readManifest(suite);
    manifests.set(suite, {
      suite,
      compiler: { clang, wasmFlags: [...WASM_FLAGS], nativeFlags: [...NATIVE_FLAGS] },
      programs: existing?.programs.filter((program) => existsSync(join(repositoryRoot, program.source))) ?? [],
    });
  }

  let done = 0;
  try {
    await runPool(tasks, options.jobs, async (task) => {
      const wasmRelative = wasmRelativePath(task);
      const expectedRelative = expectedRelativePath(task);
      const wasmPath = join(repositoryRoot, wasmRelative);
      const expectedPath = join(repositoryRoot, expectedRelative);
      const label = `${task.suite}/${task.program}${task.dataset ? `.${task.dataset}` : ''}`;
      const hash = wasmInputsHash(task.source, clang, repositoryRoot);

      if (options.check) {
        const rebuilt = join(scratch, `${task.suite}-${task.program}-${outputKey(task.dataset)}.wasm`);
        await compileWasm(task.source, task.dataset, rebuilt, repositoryRoot);
        const manifest = manifests.get(task.suite)!;
        const entry = manifest.programs.find((program) => program.name === task.program);
        const output = entry?.outputs[outputKey(task.dataset)];
        if (!existsSync(wasmPath)) problems.push(`${label}: ${wasmRelative} is missing`);
        else if (sha256File(rebuilt) !== sha256File(wasmPath)) problems.push(`${label}: committed ${wasmRelative} differs from a rebuild of ${task.source}`);
        if (!entry || entry.inputsSha256 !== hash) problems.push(`${label}: manifest entry does not match the current source, header, flags and compiler`);
        if (!output || !existsSync(expectedPath)) problems.push(`${label}: no expected output`);
        else if (output.expectedSha256 !== sha256File(expectedPath)) problems.push(`${label}: ${expectedRelative} differs from the manifest`);
        console.error(`[${++done}/${tasks.length}] checked ${label}`);
        return;
      }

      mkdirSync(join(wasmPath, '..'), { recursive: true });
      mkdirSync(join(expectedPath, '..'), { recursive: true });
      const rebuilt = join(scratch, `${task.suite}-${task.program}-${outputKey(task.dataset)}.wasm`);
      await compileWasm(task.source, task.dataset, rebuilt, repositoryRoot);
      const changed = !existsSync(wasmPath) || sha256File(rebuilt) !== sha256File(wasmPath);
      if (changed) writeFileSync(wasmPath, readFileSync(rebuilt));
      let expected: string;
      if (changed || options.force || !existsSync(expectedPath)) {
        expected = await referenceOutput(task, wasmPath);
        writeFileSync(expectedPath, expected);
      } else {
        expected = readFileSync(expectedPath, 'utf8');
      }
      if (task.dataset && options.nativeCheck.includes(task.dataset) && (changed || options.force)) await checkAgainstNative(task, expected);

      const manifest = manifests.get(task.suite)!;
      let entry = manifest.programs.find((program) => program.name === task.program);
      if (!entry) {
        entry = { name: task.program, source: task.source, inputsSha256: hash, outputs: {} };
        manifest.programs.push(entry);
      }
      entry.inputsSha256 = hash;
      entry.outputs[outputKey(task.dataset)] = {
        wasm: wasmRelative,
        wasmSha256: sha256File(wasmPath),
        expected: expectedRelative,
        expectedSha256: sha256(expected),
      };
      console.error(`[${++done}/${tasks.length}] ${changed ? 'built' : 'unchanged'} ${label}`);
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  if (options.check) {
    for (const problem of problems) console.error(`MISMATCH ${problem}`);
    console.error(problems.length === 0 ? `all ${tasks.length} binaries match their sources` : `${problems.length} mismatches`);
    return problems.length === 0 ? 0 : 1;
  }
  for (const [suite, manifest] of manifests) {
    manifest.programs.sort((a, b) => a.name.localeCompare(b.name));
    for (const program of manifest.programs) {
      program.outputs = Object.fromEntries(Object.entries(program.outputs).sort(([a], [b]) => DATASETS.indexOf(a as Dataset) - DATASETS.indexOf(b as Dataset)));
    }
    writeFileSync(manifestPath(suite), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return 0;
}

const command = new Command('build-suites')
  .description('Compile the suites to wasm32-wasi, record expected outputs, write manifests.')
  .option('--suite <names...>', 'suites to build (default: all)')
  .addOption(new Option('--dataset <list>', 'datasets').default([...DATASETS], DATASETS.join(',')).argParser((value) => value.split(',') as Dataset[]))
  .option('--filter <regex>', 'only programs whose name matches')
  .option('--force', 'regenerate expected outputs even when the binary did not change')
  .option('--check', 'rebuild into a temporary directory and compare; write nothing')
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
