// Stage: conformance tests (vitest). Every top-level .wast file of the spec test suite,
// replayed through the decoder, the validator and — with our engine's executor — compiled,
// instantiated and run: every command must pass, with modules compiled at O0 and again at
// O2 (the optimiser and our own passes must keep every trap and value; `npm run spec --
// --opt-level N` replays one level), the 56 SIMD files included, and the SIMD files once more
// compiled for baseline x86-64 (`cpu: 'generic'`: SSE2 only, no pshufb for swizzle, no
// SSE4.1 rounding). Prints the per-file table of each level. Once more at O0 compiled lazily
// (tiering: 'lazy') with every function its own code unit, so that nearly every call of the
// suite crosses a lazy stub first (engine/compile/lazy-code.ts), and tiered (O0 baseline, O2
// top tier in the background) with a tier-up call at every count.
// Skips, saying why, when the suite or wast2json is absent.

import { describe, expect, test } from 'vitest';
import { basename } from 'node:path';
import { EngineExecutor, executionSkipReason } from './engine-executor.js';
import { formatResultsTable, formatTypeTotals, runSpecFile, type FileResult } from './spec-runner.js';
import { listTopLevelWastFiles, testsuiteUnavailableReason } from './testsuite-location.js';

const unavailable = testsuiteUnavailableReason();

if (unavailable) {
  console.warn(`spec tests skipped: ${unavailable}`);
  describe.skip(`spec test suite (skipped: ${unavailable})`, () => {
    test.skip(`skipped: ${unavailable}`, () => {});
  });
} else {
  for (const optLevel of [0, 2]) {
    describe(`spec test suite: decoding, validation and execution (O${optLevel})`, () => {
      const results: FileResult[] = [];
      for (const file of listTopLevelWastFiles()) {
        test(basename(file), () => {
          const reason = executionSkipReason(file);
          const result = runSpecFile(file, reason === undefined ? new EngineExecutor({ optLevel }) : undefined, reason);
          results.push(result);
          const failures = result.failures.map((f) => `${result.file}:${f.line} ${f.type}: ${f.message}`);
          expect(failures).toEqual([]);
          if (reason === undefined) expect(result.totals.skippedExecution).toBe(0);
        });
      }
      test('per-file table', () => {
        console.log(`O${optLevel}:\n${formatResultsTable(results)}\n\n${formatTypeTotals(results)}`);
        expect(results.length).toBe(listTopLevelWastFiles().length);
      });
    });
  }

  for (const tiering of ['lazy', 'tiered'] as const) {
    const what = tiering === 'lazy' ? 'compiled lazily (O0)' : 'tiered (O0, then O2; a tier-up call at every count)';
    describe(`spec test suite: ${what}, every function its own code unit`, () => {
      for (const file of listTopLevelWastFiles()) {
        test(basename(file), () => {
          const reason = executionSkipReason(file);
          process.env.WASM_LLVM_UNIT_BYTES = '1';
          process.env.WASM_LLVM_TIER_UP_THRESHOLD = '0';
          try {
            const executor = new EngineExecutor({ optLevel: tiering === 'lazy' ? 0 : 2, tiering });
            const result = runSpecFile(file, reason === undefined ? executor : undefined, reason);
            expect(result.failures.map((f) => `${result.file}:${f.line} ${f.type}: ${f.message}`)).toEqual([]);
            if (reason === undefined) expect(result.totals.skippedExecution).toBe(0);
          } finally {
            delete process.env.WASM_LLVM_UNIT_BYTES;
            delete process.env.WASM_LLVM_TIER_UP_THRESHOLD;
          }
        });
      }
    });
  }

  describe('spec test suite: the SIMD files compiled for baseline x86-64 (O2, cpu generic)', () => {
    for (const file of listTopLevelWastFiles().filter((name) => basename(name).startsWith('simd_'))) {
      test(basename(file), () => {
        const result = runSpecFile(file, new EngineExecutor({ optLevel: 2, cpu: 'generic' }), undefined);
        expect(result.failures.map((f) => `${result.file}:${f.line} ${f.type}: ${f.message}`)).toEqual([]);
        expect(result.totals.skippedExecution).toBe(0);
      });
    }
  });
}
