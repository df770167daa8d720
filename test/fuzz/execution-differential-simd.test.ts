// Stage: differential execution fuzzing (vitest). A short run of the execution differential
// with SIMD: Binaryen random modules made with --enable-simd (v128 locals, globals, loads,
// stores, lane and arithmetic operators; --denan's v128 half from v128-denan.ts) run on V8
// and on this engine, at O0 and (the first ones) at O2, must give identical transcripts.
// Kept under a minute; the long run is `npm run fuzz:execute -- --count 20000 --seed N
// --opt-level 0,2` (SIMD is on by default there). SIMD_FUZZ_COUNT / SIMD_FUZZ_O2_COUNT
// change the sizes. Needs wasm-opt and the compiled worker (dist/).

import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formatExecutionReport, formatMismatch, runExecutionDifferential } from '../../tools/fuzz/execution-differential.js';
import { wasmOptAvailable } from '../../tools/fuzz/execution/binaryen-module.js';
import { workerScriptPath } from '../../tools/fuzz/execution/execution-pool.js';
import { TrapCategory } from '../../tools/fuzz/execution/trap-categories.js';

const COUNT = Number(process.env.SIMD_FUZZ_COUNT ?? 200);
const O2_COUNT = Number(process.env.SIMD_FUZZ_O2_COUNT ?? 60);
const missing = !wasmOptAvailable() ? 'wasm-opt' : !existsSync(workerScriptPath()) ? 'dist/ (run the set-up step)' : undefined;
if (missing !== undefined) console.warn(`SIMD execution differential skipped: no ${missing}`);

describe.skipIf(missing !== undefined)('differential execution against V8 with SIMD (binaryen random modules)', () => {
  test(`${COUNT} SIMD modules at O0, the first ${O2_COUNT} also at O2: identical transcripts`, async () => {
    const report = await runExecutionDifferential({ count: COUNT, runSeed: 14, simd: true, optLevels: [0, 2], optimisedCount: O2_COUNT, parallel: 2 });
    console.log(formatExecutionReport(report));
    for (const mismatch of report.mismatches.slice(0, 20)) console.log(formatMismatch(mismatch));
    expect(report.simd).toBe(true);
    expect(report.generationFailures).toEqual([]);
    expect(report.mismatches.map(formatMismatch)).toEqual([]);
    expect(report.compared.O0?.modules).toBe(COUNT);
    expect(report.compared.O2?.modules).toBe(Math.min(COUNT, O2_COUNT));
    expect(report.exportsCalled).toBeGreaterThan(COUNT * 5);
    // v128 reached the JS boundary (exports with v128 in their signature), and real traps happened.
    expect(report.traps[TrapCategory.V128AtJsBoundary]).toBeGreaterThan(0);
    expect(report.traps[TrapCategory.MemoryOutOfBounds]).toBeGreaterThan(0);
  }, 300_000);
});
