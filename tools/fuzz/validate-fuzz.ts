// Stage: differential fuzzing, command line:
//   npm run fuzz:validate -- --count 100000 --seed N [--generated 40] [--save]
// Mutates seed modules and checks that `validate` agrees with V8's WebAssembly.validate on
// every input and never throws anything but CompileError. With --save, each finding is
// written to test/fuzz/regressions/ for the regression test to replay. Exits 1 on findings.

import { join } from 'node:path';
import { loadCorpus } from './corpus.js';
import { formatFuzzReport, runValidateFuzz } from './fuzz-loop.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

const count = option('count', 10_000);
const seed = option('seed', 1);
const generated = option('generated', 40);
const save = process.argv.includes('--save');

const corpus = loadCorpus(seed, generated);
console.log(`fuzz:validate --count ${count} --seed ${seed}: ${corpus.spec.length} spec, ${corpus.suites.length} suite, ${corpus.generated.length} binaryen seed modules`);
let lastPrint = 0;
const report = runValidateFuzz({
  count,
  seed,
  corpus,
  batchSize: 1000,
  regressionsDirectory: save ? join(repositoryRoot(), 'test', 'fuzz', 'regressions') : undefined,
  onProgress: (progress) => {
    if (progress.elapsedMs - lastPrint > 10_000) {
      lastPrint = progress.elapsedMs;
      console.log(`  ${progress.inputs} inputs, ${progress.findings.length} findings, ${(progress.elapsedMs / 1000).toFixed(0)} s`);
    }
  },
});
console.log(formatFuzzReport(report));
for (const finding of report.findings.slice(0, 50)) {
  console.log(`${finding.kind}: ${finding.message}${finding.file ? ` -> ${finding.file}` : ''}`);
}
process.exitCode = report.findings.length === 0 ? 0 : 1;
