// Stage: conformance tests (JS API), command line (`npm run jsapi [-- options]`): runs the
// WebAssembly JS API tests (suite-location.ts) on Node's `WebAssembly` and on ours, each
// file in a child process with a time limit, and prints the per-file table (subtests passed
// on Node, on ours, total; our time and peak memory per file), the totals, and every subtest
// that passes on Node but fails on ours, marked expected (expected-divergences.ts, with its
// reason) or not. Exit code 1 when an unexpected one exists.
//
// Options: --engine node|ours|both (default both), --filter <regexp on the file path>,
// --jobs <n> (children at a time, default min(2, cores)), --timeout <seconds per file>,
// --verbose (also list the subtests that pass on ours only, and every failure's message).

import { classifyDivergences, EXPECTED_DIVERGENCES } from './expected-divergences.js';
import { compareRuns, ENGINES, formatTable, runFiles, type Engine } from './runner.js';
import { jsApiTestsDirectory, jsApiUnavailableReason, listConformanceFiles } from './suite-location.js';

const unavailable = jsApiUnavailableReason();
if (unavailable) {
  console.log(`JS API tests skipped: ${unavailable}`);
  process.exit(0);
}

const argv = process.argv.slice(2);
let engines: readonly Engine[] = ENGINES;
let filter: RegExp | undefined;
let jobs: number | undefined;
let timeoutMs: number | undefined;
let verbose = false;
for (let i = 0; i < argv.length; i++) {
  const option = argv[i];
  const value = (): string => {
    const next = argv[++i];
    if (next === undefined) throw new Error(`${option} needs a value`);
    return next;
  };
  if (option === '--engine') {
    const engine = value();
    if (engine !== 'both' && engine !== 'node' && engine !== 'ours') throw new Error(`--engine must be node, ours or both (got ${engine})`);
    engines = engine === 'both' ? ENGINES : [engine];
  } else if (option === '--filter') filter = new RegExp(value());
  else if (option === '--jobs') jobs = Number(value());
  else if (option === '--timeout') timeoutMs = Number(value()) * 1000;
  else if (option === '--verbose') verbose = true;
  else throw new Error(`unknown option ${option} (--engine, --filter, --jobs, --timeout, --verbose)`);
}

const files = listConformanceFiles().filter((file) => filter === undefined || filter.test(file));
console.log(`${files.length} files from ${jsApiTestsDirectory()}, on ${engines.join(' and ')}`);
const started = Date.now();
const runs = await runFiles(files, engines, {
  jobs,
  timeoutMs,
  longTimeoutMs: timeoutMs,
  onRun: (run) => process.stderr.write(`  ${run.engine.padEnd(4)} ${run.file} (${(run.durationMs / 1000).toFixed(1)} s, ${run.outcome})\n`),
});
const comparisons = compareRuns(runs);
console.log(`\n${formatTable(comparisons, runs)}\n\n${((Date.now() - started) / 1000).toFixed(1)} s`);

for (const run of runs) {
  for (const problem of run.problems) console.log(`${run.engine} ${run.file}: ${problem}`);
}

if (engines.length === 2) {
  const { unexpected, stale, expected } = classifyDivergences(comparisons, EXPECTED_DIVERGENCES);
  if (expected.length > 0) {
    console.log(`\nExpected divergences (${expected.length}, test/jsapi/expected-divergences.ts):`);
    for (const entry of expected) console.log(`  ${entry.file}: ${entry.subtest}\n      ${entry.reason}`);
  }
  if (unexpected.length > 0) {
    console.log(`\nUnexpected divergences (${unexpected.length}): pass on Node, fail on ours`);
    for (const entry of unexpected) console.log(`  ${entry.file}: ${entry.subtest}\n      ${entry.status}: ${entry.message ?? ''}`);
  }
  if (stale.length > 0) {
    console.log(`\nListed divergences that no longer diverge (${stale.length}): remove them from the list`);
    for (const entry of stale) console.log(`  ${entry.file}: ${entry.subtest}`);
  }
  if (verbose) {
    for (const comparison of comparisons) {
      for (const name of comparison.oursOnly) console.log(`pass on ours only: ${comparison.file}: ${name}`);
    }
  }
  process.exitCode = unexpected.length === 0 && stale.length === 0 ? 0 : 1;
}

if (verbose) {
  for (const run of runs) {
    for (const subtest of run.subtests) {
      if (subtest.status !== 'PASS') console.log(`${run.engine} ${run.file}: ${subtest.status} ${subtest.name}: ${subtest.message ?? ''}`);
    }
  }
}
