// Stage: differential execution fuzzing (vitest). A short run of the execution differential:
// Binaryen random modules run on V8 and on this engine, at O0 and (the first few hundred) at
// O2, must give identical transcripts — host calls, results, trap categories, memory. These
// are WebAssembly 2.0 without SIMD (the modules this test has run since before SIMD; the
// SIMD ones are execution-differential-simd.test.ts). The long run is `npm run fuzz:execute
// -- --count 20000 --seed N [--opt-level 0|2]`, with SIMD unless --no-simd. Needs wasm-opt
// and the compiled worker (dist/, made by the set-up step that `npm test` runs).
// EXECUTION_FUZZ_COUNT / EXECUTION_FUZZ_O2_COUNT change the sizes. A shorter run compiles
// lazily (tiering: 'lazy', every function its own code unit; `--opt-level 0lazy` in the long
// run), EXECUTION_FUZZ_LAZY_COUNT modules, and as many on the tiered engine with a tier-up call
// at every count (`--opt-level tiered`), so top-tier units replace baseline ones mid-run.

import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formatExecutionReport, formatMismatch, runExecutionDifferential } from '../../tools/fuzz/execution-differential.js';
import { wasmOptAvailable } from '../../tools/fuzz/execution/binaryen-module.js';
import { workerScriptPath } from '../../tools/fuzz/execution/execution-pool.js';

const COUNT = Number(process.env.EXECUTION_FUZZ_COUNT ?? 3000);
const O2_COUNT = Number(process.env.EXECUTION_FUZZ_O2_COUNT ?? 1000);
const LAZY_COUNT = Number(process.env.EXECUTION_FUZZ_LAZY_COUNT ?? 500);
const missing = !wasmOptAvailable() ? 'wasm-opt' : !existsSync(workerScriptPath()) ? 'dist/ (run the set-up step)' : undefined;
if (missing !== undefined) console.warn(`execution differential skipped: no ${missing}`);

describe.skipIf(missing !== undefined)('differential execution against V8 (binaryen random modules)', () => {
  test(`${COUNT} modules at O0, the first ${O2_COUNT} also at O2: identical transcripts`, async () => {
    const report = await runExecutionDifferential({ count: COUNT, runSeed: 2025, simd: false, optLevels: [0, 2], optimisedCount: O2_COUNT, parallel: 2 });
    console.log(formatExecutionReport(report));
    for (const mismatch of report.mismatches.slice(0, 20)) console.log(formatMismatch(mismatch));
    expect(report.generationFailures).toEqual([]);
    expect(report.mismatches.map(formatMismatch)).toEqual([]);
    expect(report.compared.O0?.modules).toBe(COUNT);
    expect(report.compared.O2?.modules).toBe(Math.min(COUNT, O2_COUNT));
    // The run must exercise something: exports, host calls and traps of several kinds.
    expect(report.exportsCalled).toBeGreaterThan(COUNT * 5);
    expect(Object.keys(report.traps).length).toBeGreaterThanOrEqual(4);
  }, 600_000);

  const lazyRuns = [
    { level: '0lazy', engine: 'O0lazy', runSeed: 2026, what: 'at O0 compiled lazily, every function its own unit' },
    { level: 'tiered', engine: 'tiered', runSeed: 2027, what: 'tiered (O0, then O2 in the background, a tier-up call at every count)' },
  ] as const;
  for (const { level, engine, runSeed, what } of lazyRuns) {
    test(`${LAZY_COUNT} modules ${what}: identical transcripts`, async () => {
      const report = await runExecutionDifferential({ count: LAZY_COUNT, runSeed, simd: false, optLevels: [level], optimisedCount: 0, parallel: 2 });
      console.log(formatExecutionReport(report));
      for (const mismatch of report.mismatches.slice(0, 20)) console.log(formatMismatch(mismatch));
      expect(report.generationFailures).toEqual([]);
      expect(report.mismatches.map(formatMismatch)).toEqual([]);
      expect(report.compared[engine]?.modules).toBe(LAZY_COUNT);
      expect(report.exportsCalled).toBeGreaterThan(LAZY_COUNT * 5);
    }, 600_000);
  }
});
