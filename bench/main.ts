// Workbench command: options, then suites → engines → runner → results → summary.
// bench/cli.ts is the executable entry; tests call main() directly.
// suites → engines → runner → results (JSON, atomically written) → console summary.

import { randomInt, randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { VARIANT_CHOICES, listSuites, listVariants, selectBenchmarks, variantsOfChoice, type VariantChoice } from './suites/catalog.js';
import { REALWORLD_DEFAULT_ENGINES, REALWORLD_SUITE } from './suites/realworld.js';
import { renderConsoleSummary, formatNs } from './analysis/console-summary.js';
import { computeComparisons, computeSummaries } from './analysis/summaries.js';
import type { EngineAdapter } from './engines/engine.js';
import { DEFAULT_ENGINES, createEngine, knownEngineNames } from './engines/registry.js';
import { resultsDirectory } from './paths.js';
import { collectFingerprint } from './results/fingerprint.js';
import { DATASETS, PHASES, RESULTS_SCHEMA_VERSION, resultsJsonSchema, type Dataset, type EngineInfo, type Phase, type Results, type Variant } from './results/schema.js';
import { defaultResultsPath, readResults, writeResults } from './results/store.js';
import { benchmarksFor, recordedVariant, runProcesses } from './runner.js';
import type { Benchmark } from './suites/catalog.js';
import { gateFreshResults } from './gate/gate-command.js';

export interface CliOptions {
  suite: string;
  dataset: Dataset;
  variant: VariantChoice;
  engines: string[];
  filter?: string;
  processes: number;
  iterations: number;
  phase: Phase[];
  out?: string;
  seed?: number;
  compileThreads?: number;
  timeout: number;
  noop: boolean;
  ratioTo: string;
  list?: boolean;
  jsonSchema?: boolean;
  baseline?: string;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}
function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 0xffffffff) throw new InvalidArgumentError('expected an integer in [0, 2^32)');
  return parsed;
}
function commaList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}
function phaseList(value: string): Phase[] {
  const phases = commaList(value);
  for (const phase of phases) {
    if (!(PHASES as readonly string[]).includes(phase)) throw new InvalidArgumentError(`unknown phase "${phase}" (phases: ${PHASES.join(', ')})`);
  }
  return phases as Phase[];
}
function engineList(value: string): string[] {
  if (value === 'all') return knownEngineNames();
  const engines = commaList(value);
  for (const engine of engines) {
    if (!knownEngineNames().includes(engine)) throw new InvalidArgumentError(`unknown engine "${engine}" (engines: ${knownEngineNames().join(', ')}, or "all")`);
  }
  return engines;
}

export function buildCommand(): Command {
  return new Command('bench')
    .description('Time compilation, instantiation and execution of a benchmark suite across WebAssembly engines and native code; validate every output; write versioned JSON results.')
    .addOption(new Option('--suite <name>', 'suite to run (a directory of suites/ with a built manifest, or realworld: modules of npm packages, compile and instantiate only)').default('polybench'))
    .addOption(new Option('--dataset <size>', 'dataset size').choices(DATASETS).default('medium'))
    .addOption(
      new Option('--variant <variant>', 'build variant of the wasm: scalar (-mcpu=generic), simd (the same plus -msimd128) or both, each engine running each; native runs once, the reference of both')
        .choices(VARIANT_CHOICES)
        .default('scalar'),
    )
    .addOption(new Option('--engines <list>', `comma-separated engines, or "all" (known: ${knownEngineNames().join(', ')})`).argParser(engineList).default(DEFAULT_ENGINES, DEFAULT_ENGINES.join(',')))
    .option('--filter <regex>', 'run only benchmarks whose name matches this regular expression')
    .addOption(new Option('--processes <n>', 'measured processes per engine and benchmark').argParser(positiveInteger).default(3))
    .addOption(new Option('--iterations <n>', 'iterations (fresh compile + instantiate + execute) per process').argParser(positiveInteger).default(5))
    .addOption(new Option('--phase <list>', `phases to record (${PHASES.join(', ')})`).argParser(phaseList).default([...PHASES], PHASES.join(',')))
    .option('--out <file>', 'results file (default: results/<suite>-<dataset>-<time>.json, never overwritten)')
    .addOption(new Option('--seed <n>', 'seed of the process order shuffle (default: random, recorded)').argParser(nonNegativeInteger))
    .addOption(new Option('--timeout <seconds>', 'time limit per measured process').argParser(positiveInteger).default(600))
    .option('--no-noop', 'do not run the harness-overhead benchmark (noop)')
    .addOption(new Option('--ratio-to <engine>', 'engine that ratios are computed against (<engine>+simd: its SIMD build)').default('native'))
    .addOption(new Option('--compile-threads <n>', "compile threads of this project's engine (WASM_LLVM_COMPILE_THREADS; default: the cores)").argParser(positiveInteger))
    .option('--list', 'list the built suites and the known engines, then exit')
    .option('--json-schema', 'print the JSON Schema of results files, then exit')
    .option('--baseline <file>', 'after the run, gate the results against this results file (exit 1 on a significant slowdown beyond 5%; finer control: npm run gate)');
}

function createProgress(total: number): { start(label: string): void; finish(line: string): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: ' {bar} {value}/{total} processes | {label}', hideCursor: true, stream: process.stderr, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { label: '' });
    let done = 0;
    return {
      start: (label) => bar.update(done, { label }),
      finish: () => bar.update(++done),
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  return {
    start: () => undefined,
    finish: (line) => console.error(`[${++done}/${total}] ${line}`),
    stop: () => undefined,
  };
}

/**
 * The realworld suite's modules are compiled and instantiated, not run (its packages run
 * through their JS glue, on the engines with the JS API): its default engines are every
 * engine with a compile phase, engines without one (native) are left out with a note, the
 * noop program is not run, and ratios are to Cranelift unless chosen (the glue benchmarks
 * have no Cranelift run, so they are compared by their medians per engine).
 */
function adaptToRealworld(command: Command, options: CliOptions): void {
  if (command.getOptionValueSource('engines') === 'default') options.engines = [...REALWORLD_DEFAULT_ENGINES];
  const withoutCompile = options.engines.filter((name) => !createEngine(name).phases.includes('compile'));
  if (withoutCompile.length > 0) console.error(`${REALWORLD_SUITE}: ${withoutCompile.join(', ')} measure no compile phase (modules are not run) and are left out`);
  options.engines = options.engines.filter((name) => !withoutCompile.includes(name));
  options.noop = false;
  if (command.getOptionValueSource('ratioTo') === 'default') options.ratioTo = 'wasmtime-cranelift';
}

/** "v8-turbofan gemm", "v8-turbofan gemm (simd)"; native code has no variant. */
function processLabel(engine: EngineAdapter, benchmark: Benchmark): string {
  const variant = recordedVariant(engine, benchmark);
  return `${engine.name} ${benchmark.name}${variant === undefined || variant === 'scalar' ? '' : ` (${variant})`}`;
}

async function probeEngines(names: readonly string[]): Promise<{ adapters: EngineAdapter[]; infos: EngineInfo[] }> {
  const adapters = names.map(createEngine);
  const probes = await Promise.all(adapters.map((adapter) => adapter.probe()));
  const infos: EngineInfo[] = adapters.map((adapter, index) => ({
    name: adapter.name,
    kind: adapter.kind,
    description: adapter.description,
    version: probes[index].version,
    flags: [...adapter.flags],
    phases: [...adapter.phases],
    available: probes[index].available,
    unavailableReason: probes[index].reason,
  }));
  return { adapters: adapters.filter((_, index) => probes[index].available), infos };
}

/** The build variants a run measures; realworld's modules are run as shipped (no variants). */
export function runVariants(options: Pick<CliOptions, 'suite' | 'variant'>): Variant[] {
  if (options.suite === REALWORLD_SUITE && options.variant !== 'scalar') {
    throw new Error(`--variant ${options.variant}: suite ${REALWORLD_SUITE} has no build variants (its modules are run as their packages ship them)`);
  }
  return variantsOfChoice(options.variant);
}

export async function main(argv: string[]): Promise<number> {
  const command = buildCommand();
  command.parse(argv, { from: 'user' });
  const options = command.opts<CliOptions>();
  if (options.suite === REALWORLD_SUITE) adaptToRealworld(command, options);
  const variants = runVariants(options);

  if (options.jsonSchema) {
    console.log(JSON.stringify(resultsJsonSchema(), null, 2));
    return 0;
  }
  if (options.list) {
    const suites = listSuites().map((suite) => `${suite} (${listVariants(suite).join(', ')})`);
    console.log(`suites (build variants): ${suites.join(', ') || '(none built: npm run build:suites)'}; ${REALWORLD_SUITE} (modules of npm packages: compile and instantiate; glue:<package>: their workloads through the packages' JS glue)`);
    console.log(`engines: ${knownEngineNames().join(', ')} (default: ${DEFAULT_ENGINES.join(', ')})`);
    return 0;
  }

  // Read the gate's baseline before measuring anything, so a wrong path fails at once.
  const baseline = options.baseline ? { source: options.baseline, results: await readResults(options.baseline) } : null;
  const startedAt = new Date();
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  const benchmarks = variants.flatMap((variant) =>
    selectBenchmarks({ suite: options.suite, dataset: options.dataset, filter: options.filter ?? null, includeNoop: options.noop, variant }),
  );
  if (benchmarks.length === 0) {
    console.error(`no benchmark of suite ${options.suite} matches --filter ${options.filter}`);
    return 2;
  }
  // Before the engines are made: the llvm engines pass it on to their processes and record it in their flags.
  if (options.compileThreads !== undefined) process.env.WASM_LLVM_COMPILE_THREADS = String(options.compileThreads);
  const { adapters, infos } = await probeEngines(options.engines);
  for (const info of infos) {
    if (!info.available) console.error(`engine ${info.name} is unavailable and will not run: ${info.unavailableReason}`);
  }
  if (adapters.length === 0) {
    console.error('no engine can run here');
    return 1;
  }
  for (const adapter of adapters) await adapter.prepare?.(benchmarksFor(adapter, benchmarks), (line) => console.error(line));
  const fingerprint = await collectFingerprint(options.suite, variants);

  const total = adapters.reduce((sum, adapter) => sum + benchmarksFor(adapter, benchmarks).length, 0) * options.processes;
  const variantNote = options.suite === REALWORLD_SUITE ? '' : ` (${variants.join(' and ')} wasm)`;
  console.error(
    `${options.suite}/${options.dataset}: ${benchmarks.length} benchmarks${variantNote} × ${adapters.length} engines × ${options.processes} processes × ${options.iterations} iterations, seed ${seed}`,
  );
  let stopRequested = false;
  const onSignal = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    console.error('\ninterrupted: finishing the current process, then writing partial results (Ctrl-C again to abort)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress = createProgress(total);
  const outcome = await runProcesses({
    engines: adapters,
    benchmarks,
    processes: options.processes,
    iterations: options.iterations,
    phases: options.phase,
    seed,
    timeoutSeconds: options.timeout,
    shouldStop: () => stopRequested,
    onProcessStart: (planned) => progress.start(`${processLabel(planned.engine, planned.benchmark)}`),
    onProcessEnd: (planned, run, samples) => {
      const executes = samples.filter((sample) => sample.phase === 'execute').map((sample) => sample.ns);
      const detail = run.ok
        ? `ok${executes.length ? `, execute min ${formatNs(Math.min(...executes))}` : ''}`
        : `FAILED (${run.failure?.kind}): ${run.failure?.message}`;
      progress.finish(`${processLabel(planned.engine, planned.benchmark)} #${planned.process}: ${detail}`);
    },
  });
  progress.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  const results: Results = {
    schema: 'wasm-llvm-jit/bench-results',
    version: RESULTS_SCHEMA_VERSION,
    id: randomUUID(),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    complete: outcome.complete,
    config: {
      suite: options.suite,
      dataset: options.dataset,
      engines: options.engines,
      filter: options.filter ?? null,
      processes: options.processes,
      iterations: options.iterations,
      phases: options.phase,
      seed,
      timeoutSeconds: options.timeout,
      includeNoop: options.noop,
      baselineEngine: options.ratioTo,
      compileThreads: options.compileThreads ?? null,
      ...(options.suite === REALWORLD_SUITE ? {} : { variants }),
    },
    fingerprint,
    benchmarks: benchmarks.map((benchmark) => ({
      name: benchmark.name,
      suite: benchmark.suite,
      dataset: benchmark.dataset,
      wasm: benchmark.wasm,
      wasmSha256: benchmark.wasmSha256,
      expectedOutputSha256: benchmark.expectedOutputSha256,
      ...(benchmark.wasmBytes === undefined ? {} : { wasmBytes: benchmark.wasmBytes }),
      ...(benchmark.variant === undefined ? {} : { variant: benchmark.variant }),
    })),
    engines: infos,
    runs: outcome.runs,
    samples: outcome.samples,
    summaries: computeSummaries(outcome.samples),
    comparisons: computeComparisons(outcome.samples, options.ratioTo, options.phase),
  };
  const path = options.out ?? defaultResultsPath(resultsDirectory, options.suite, options.dataset, startedAt, variants);
  await writeResults(path, results);
  console.log(renderConsoleSummary(results, { color: Boolean(process.stdout.isTTY) }));
  const failed = outcome.runs.filter((run) => !run.ok).length;
  console.log(`\nresults: ${path}${outcome.complete ? '' : ' (partial: interrupted)'}; ${outcome.runs.length} processes, ${failed} failed; machine: ${fingerprint.machine.cpuModel}, ${fingerprint.machine.cpuCount} cores`);
  const gateCode = baseline ? gateFreshResults(baseline, { source: path, results }) : 0;
  return outcome.complete ? gateCode : 130;
}
