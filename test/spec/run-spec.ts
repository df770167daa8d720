// Stage: conformance tests, command line (`npm run spec [-- file.wast ...]`): runs the spec
// runner over the top-level .wast files and prints the per-file table and the failures.

import { basename } from 'node:path';
import { formatResultsTable, formatTypeTotals, runSpecFile, sumCounts } from './spec-runner.js';
import { listTopLevelWastFiles, testsuiteUnavailableReason } from './testsuite-location.js';

const reason = testsuiteUnavailableReason();
if (reason) {
  console.log(`spec tests skipped: ${reason}`);
  process.exit(0);
}
const only = process.argv.slice(2);
const files = listTopLevelWastFiles().filter((file) => only.length === 0 || only.includes(basename(file)) || only.includes(basename(file, '.wast')));
const results = files.map((file) => runSpecFile(file));
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
