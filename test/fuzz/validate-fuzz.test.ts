// Stage: differential fuzzing (vitest). A short run of the fuzz loop: a few thousand
// mutated modules must get the same answer from `validate` as from V8, and nothing but
// CompileError may be thrown. The long run is `npm run fuzz:validate -- --count 100000`.

import { describe, expect, test } from 'vitest';
import { loadCorpus } from '../../tools/fuzz/corpus.js';
import { formatFuzzReport, runValidateFuzz } from '../../tools/fuzz/fuzz-loop.js';

const corpus = loadCorpus(2024, 6);
const empty = corpus.spec.length + corpus.suites.length + corpus.generated.length === 0;
if (empty) console.warn('differential fuzzing skipped: no spec suite, suite binaries or wasm-opt to make seed modules');

(empty ? describe.skip : describe)(`differential fuzzing against V8${empty ? ' (skipped: no spec suite, suites or wasm-opt for seeds)' : ''}`, () => {
  test('3000 mutated modules: same verdict as V8, only CompileErrors', () => {
    const report = runValidateFuzz({ count: 3000, seed: 2024, corpus, batchSize: 1500 });
    console.log(formatFuzzReport(report));
    expect(report.findings).toEqual([]);
    expect(report.inputs).toBe(3000);
  });
});
