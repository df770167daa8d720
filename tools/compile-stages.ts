#!/usr/bin/env node
// Workbench tool: where this project's compile time goes. Compiles every benchmark of a
// suite with the engine at each requested optimisation level, several times, and prints
// the median time of each stage (decode+validate, IR emit, IR parse, optimise, codegen,
// link) as a geometric mean over the benchmarks, with each stage's share of the total, the
// code generation parts (compiled in parallel) and the process's peak RSS.
// The workbench's compile phase (bench/main.ts) measures the same pipeline end to end, in
// fresh processes, against the other engines; this tool explains that number.
//
//   npm run bench:compile-stages -- [--suite polybench] [--dataset medium] [--levels 0,2] [--repeat 3] [--filter re] [--cpu native]

import { readFileSync } from 'node:fs';
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { median } from 'simple-statistics';
import { Module } from '../engine/index.js';
import { compilePoolStats } from '../engine/native/addon.js';
import type { ModuleCompileTimings } from '../engine/api/module.js';
import { selectBenchmarks } from '../bench/suites/catalog.js';
import { formatNs } from '../bench/analysis/console-summary.js';
import { geometricMean } from '../bench/analysis/statistics.js';
import { DATASETS, type Dataset } from '../bench/results/schema.js';

const STAGES = ['decodeValidateMs', 'irEmitMs', 'irParseMs', 'optimizeMs', 'codegenMs', 'linkMs', 'totalMs'] as const;
type Stage = (typeof STAGES)[number];

interface Options {
  suite: string;
  dataset: Dataset;
  levels: number[];
  repeat: number;
  filter?: string;
  cpu: 'native' | 'generic';
}

function main(argv: string[]): void {
  const command = new Command('compile-stages')
    .description("Median time of each of the engine's compile stages, per optimisation level, over a suite's benchmarks.")
    .addOption(new Option('--suite <name>').default('polybench'))
    .addOption(new Option('--dataset <size>').choices(DATASETS).default('medium'))
    .addOption(new Option('--levels <list>', 'optimisation levels').default([0, 2], '0,2').argParser((value) => value.split(',').map(Number)))
    .addOption(new Option('--repeat <n>', 'compiles per benchmark and level (median taken)').default(3).argParser(Number))
    .option('--filter <regex>', 'only benchmarks whose name matches')
    .addOption(new Option('--cpu <cpu>').choices(['native', 'generic']).default('native'));
  command.parse(argv, { from: 'user' });
  const options = command.opts<Options>();
  const benchmarks = selectBenchmarks({ suite: options.suite, dataset: options.dataset, filter: options.filter ?? null, includeNoop: false });

  const table = new Table({
    head: ['level', ...STAGES.map((stage) => (stage === 'totalMs' ? 'total' : `${stage.replace(/Ms$/, '')} (share)`)), 'code units (mean)', 'peak RSS'],
    style: { head: [], border: [] },
  });
  for (const level of options.levels) {
    const perStage = new Map<Stage, number[]>(STAGES.map((stage) => [stage, []]));
    const parts: number[] = [];
    for (const benchmark of benchmarks) {
      const bytes = new Uint8Array(readFileSync(benchmark.wasmPath));
      const runs: ModuleCompileTimings[] = [];
      for (let i = 0; i < options.repeat; i++) {
        runs.push(Module.timings(new Module(bytes, { optLevel: level as 0 | 1 | 2 | 3, cpu: options.cpu })));
      }
      for (const stage of STAGES) perStage.get(stage)!.push(median(runs.map((timings) => timings[stage])));
      parts.push(runs[0].units);
    }
    // Geometric means need positive values: a stage that took 0 ms counts as 1 µs.
    const geomeans = new Map(STAGES.map((stage) => [stage, geometricMean(perStage.get(stage)!.map((ms) => Math.max(ms, 0.001)))]));
    const stageSum = STAGES.filter((stage) => stage !== 'totalMs').reduce((sum, stage) => sum + geomeans.get(stage)!, 0);
    table.push([
      `O${level}`,
      ...STAGES.map((stage) => {
        const ms = geomeans.get(stage)!;
        return stage === 'totalMs' ? formatNs(ms * 1e6) : `${formatNs(ms * 1e6)} (${((100 * ms) / stageSum).toFixed(0)}%)`;
      }),
      (parts.reduce((sum, count) => sum + count, 0) / parts.length).toFixed(1),
      `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    ]);
  }
  console.log(
    `Compile stages, geometric mean over ${benchmarks.length} benchmarks of ${options.suite}/${options.dataset} of the median of ${options.repeat} compiles, cpu ${options.cpu}, ` +
      `${compilePoolStats().threads} compile threads (WASM_LLVM_COMPILE_THREADS), peak RSS of this process so far:`,
  );
  console.log(table.toString());
}

main(process.argv.slice(2));
