// Stage: conformance tests, command line (`npm run spec [-- options] [file.wast ...]`): runs
// the spec runner with our engine's executor over the top-level .wast files and prints the
// per-file table and the failures. Options: `--opt-level N` (LLVM level for the scripts'
// modules, default 0), `--cpu native|generic` (the target: the host CPU, the default, or
// baseline x86-64 with SSE2 only), `--exact-traps` (explicit bounds checks, the exactTraps
// option), `--lazy` (tiering: 'lazy', each code unit compiled on its first call; with
// WASM_LLVM_UNIT_BYTES=1 every function is a unit, so nearly every call crosses a lazy stub
// once), `--tiered` (tiering: 'tiered', O0 baseline then --opt-level in the background; with
// WASM_LLVM_TIER_UP_THRESHOLD=0 every count asks for the top tier), `--code-cache DIR` (a
// code cache there: run twice, and the second run links every module from the cache),
// `--validation-only` (decode and validate, execute nothing).

import { basename } from 'node:path';
import type { OptLevel } from '../../engine/native/addon.js';
import { EngineExecutor, executionSkipReason } from './engine-executor.js';
import { formatResultsTable, formatTypeTotals, runSpecFile, sumCounts } from './spec-runner.js';
import { listTopLevelWastFiles, testsuiteUnavailableReason } from './testsuite-location.js';

const reason = testsuiteUnavailableReason();
if (reason) {
  console.log(`spec tests skipped: ${reason}`);
  process.exit(0);
}
const argv = process.argv.slice(2);
let optLevel: OptLevel = 0;
let cpu: 'native' | 'generic' = 'native';
let exactTraps = false;
let tiering: 'eager' | 'lazy' | 'tiered' = 'eager';
let validationOnly = false;
let codeCacheDirectory: string | undefined;
const only: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--opt-level') optLevel = Number(argv[++i]) as OptLevel;
  else if (argv[i] === '--cpu') cpu = argv[++i] === 'generic' ? 'generic' : 'native';
  else if (argv[i] === '--exact-traps') exactTraps = true;
  else if (argv[i] === '--lazy') tiering = 'lazy';
  else if (argv[i] === '--tiered') tiering = 'tiered';
  else if (argv[i] === '--validation-only') validationOnly = true;
  else if (argv[i] === '--code-cache') codeCacheDirectory = argv[++i];
  else only.push(argv[i]);
}
const files = listTopLevelWastFiles().filter((file) => only.length === 0 || only.includes(basename(file)) || only.includes(basename(file, '.wast')));
const started = Date.now();
const results = files.map((file) => {
  const reason = validationOnly ? 'run with --validation-only' : executionSkipReason(file);
  return runSpecFile(file, reason === undefined ? new EngineExecutor({ optLevel, cpu, exactTraps, tiering, ...(codeCacheDirectory !== undefined ? { codeCacheDirectory } : {}) }) : undefined, reason);
});
console.log(`${files.length} files, ${validationOnly ? 'decode and validate only' : `modules compiled at O${optLevel} for the ${cpu} CPU${exactTraps ? ', exact traps' : ''}${tiering === 'eager' ? '' : `, tiering ${tiering}`}${codeCacheDirectory === undefined ? '' : `, code cache ${codeCacheDirectory}`}`}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(formatResultsTable(results));
console.log();
console.log(formatTypeTotals(results));
for (const result of results) {
  for (const failure of result.failures.slice(0, 20)) {
    console.log(`FAIL ${result.file}:${failure.line} ${failure.type}: ${failure.message}`);
  }
}
const total = sumCounts(results.map((r) => r.totals));
process.exitCode = total.failed === 0 ? 0 : 1;
