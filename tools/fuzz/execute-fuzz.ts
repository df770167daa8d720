// Stage: differential execution fuzzing, command line:
//   npm run fuzz:execute -- --count 20000 --seed N [--opt-level 0|2|2x|0,2,2x] [--parallel 2]
// (2x: O2 with exactTraps, where the state a trap leaves must match V8's with no allowance;
//  0lazy: O0 compiled lazily with every function its own code unit, tiering: 'lazy';
//  tiered: tiering: 'tiered', O0 baseline and O2 top tier, a tier-up call at every count)
//                           [--timeout 30000] [--module-seed S ...] [--save DIR] [--simd | --no-simd]
// Generates `count` Binaryen random modules from the run seed, runs each on V8 and on this
// engine at the given levels (default 0), and prints the counts, the documented differences
// (NaN bits; at O2, the state a trap leaves) and every mismatch. With
// --module-seed, runs just those modules and prints their transcripts' first difference;
// with --save, writes each mismatching module to DIR (default test/fuzz/regressions/execution/
// found/) as seed-<S>.wasm. Modules have SIMD (binaryen's --enable-simd) unless --no-simd;
// a seed's module depends on that choice. Exits 1 on any mismatch. Pin it to one core with
// `taskset -c 1`.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatExecutionReport, formatMismatch, runExecutionDifferential, type OptLevel } from './execution-differential.js';
import { generateExecutionModule, recipeForSeed, SIMD_BY_DEFAULT, wasmOptAvailable } from './execution/binaryen-module.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

function values(name: string): string[] {
  const found: string[] = [];
  process.argv.forEach((argument, index) => {
    if (argument === `--${name}` && index + 1 < process.argv.length) found.push(process.argv[index + 1]);
  });
  return found;
}

function numberOption(name: string, fallback: number): number {
  const [value] = values(name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`--${name} needs a number`);
  return number;
}

const count = numberOption('count', 2000);
const runSeed = numberOption('seed', 1);
const parallel = numberOption('parallel', 2);
const stepTimeoutMs = numberOption('timeout', 30_000);
const optLevels = (values('opt-level')[0] ?? '0').split(',').map((level): OptLevel => {
  if (level === '2x' || level === '0lazy' || level === 'tiered') return level;
  if (level !== '0' && level !== '2') throw new Error('--opt-level takes a list of 0, 2, 2x (O2 with exactTraps) and 0lazy (O0 compiled lazily), e.g. 0,2');
  return Number(level) as OptLevel;
});
const moduleSeeds = values('module-seed').map(Number);
if (process.argv.includes('--simd') && process.argv.includes('--no-simd')) throw new Error('--simd and --no-simd exclude each other');
const simd = process.argv.includes('--simd') ? true : process.argv.includes('--no-simd') ? false : SIMD_BY_DEFAULT;
const saveIndex = process.argv.indexOf('--save');
const saveDirectory =
  saveIndex < 0
    ? undefined
    : process.argv[saveIndex + 1] !== undefined && !process.argv[saveIndex + 1].startsWith('--')
      ? process.argv[saveIndex + 1]
      : join(repositoryRoot(), 'test', 'fuzz', 'regressions', 'execution', 'found');

if (!wasmOptAvailable()) {
  console.error('fuzz:execute needs binaryen\'s wasm-opt (apt-get install binaryen, or set WASM_OPT)');
  process.exit(2);
}

const total = moduleSeeds.length > 0 ? moduleSeeds.length : count;
console.log(`fuzz:execute: ${total} modules ${simd ? 'with' : 'without'} SIMD, run seed ${runSeed}, V8 against ${optLevels.map((level) => `O${level}`).join(' and ')}, ${parallel} processes, ${stepTimeoutMs} ms per engine and module`);
let lastPrint = performance.now();
let mismatchesPrinted = 0;
const report = await runExecutionDifferential({
  count,
  runSeed,
  optLevels,
  simd,
  parallel,
  stepTimeoutMs,
  moduleSeeds: moduleSeeds.length > 0 ? moduleSeeds : undefined,
  onProgress: (progress) => {
    // Each difference is printed when it is found, so a long run can be investigated early.
    for (const mismatch of progress.mismatches.slice(mismatchesPrinted)) console.log(`  difference (re-checked at the end for the documented categories): ${formatMismatch(mismatch)}`);
    mismatchesPrinted = progress.mismatches.length;
    if (performance.now() - lastPrint > 15_000) {
      lastPrint = performance.now();
      console.log(`  ${progress.modules}/${total} modules, ${progress.exportsCalled} exports called, ${progress.mismatches.length} differences so far (re-checked at the end), ${(progress.elapsedMs / 1000).toFixed(0)} s`);
    }
  },
});
console.log(formatExecutionReport(report));
for (const failure of report.generationFailures.slice(0, 10)) console.log(`not generated: seed ${failure.moduleSeed}: ${failure.error}`);
for (const difference of [...report.nanPayloadDifferences, ...report.postTrapStateDifferences].slice(0, 20)) {
  console.log(`documented: ${formatMismatch(difference)}`);
}
for (const difference of report.nanTwinTrapDifferences) console.log(`trap lost to a NaN (documented): ${formatMismatch(difference)}`);
for (const mismatch of report.mismatches.slice(0, 100)) console.log(formatMismatch(mismatch));
if (saveDirectory !== undefined && report.mismatches.length > 0) {
  mkdirSync(saveDirectory, { recursive: true });
  for (const moduleSeed of new Set(report.mismatches.map((mismatch) => mismatch.moduleSeed))) {
    const file = join(saveDirectory, `seed-${moduleSeed}.wasm`);
    writeFileSync(file, generateExecutionModule(recipeForSeed(moduleSeed, simd)));
    console.log(`saved ${file}`);
  }
}
process.exitCode = report.mismatches.length === 0 && report.generationFailures.length === 0 ? 0 : 1;
