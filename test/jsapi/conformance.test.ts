// Stage: conformance tests (vitest). The browser engines' WebAssembly JS API tests
// (web-platform-tests, read in place from ../shared/wasm-js-api or $WASM_JS_API_TESTS), every
// non-tentative, non-memory64 file, each in a child process with a time limit, on Node's
// `WebAssembly` and on ours (runner.ts). Fails when a subtest that passes on Node fails on
// ours and is not in expected-divergences.ts, or when a listed divergence no longer diverges.
// Prints the per-file table. Skips, saying why, when the tests are absent. Needs the build
// (`tsc -b`): the children are dist/test/jsapi/run-one.js.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { repositoryRoot } from '../spec/testsuite-location.js';
import { classifyDivergences, EXPECTED_DIVERGENCES } from './expected-divergences.js';
import { compareRuns, formatTable, runFiles, type FileComparison, type FileRun } from './runner.js';
import { jsApiUnavailableReason, listConformanceFiles } from './suite-location.js';

const unavailable =
  jsApiUnavailableReason() ??
  (existsSync(join(repositoryRoot(), 'dist', 'test', 'jsapi', 'run-one.js')) ? undefined : 'dist/test/jsapi/run-one.js is not built (run tsc -b)');

/** The whole run: both engines, every file (limits.any.js alone takes about a minute on ours). */
const RUN_TIMEOUT_MS = 900_000;

if (unavailable) {
  console.warn(`JS API conformance tests skipped: ${unavailable}`);
  describe.skip(`JS API conformance (skipped: ${unavailable})`, () => {
    test.skip(`skipped: ${unavailable}`, () => {});
  });
} else {
  describe('WebAssembly JS API tests: every subtest that passes on Node passes on ours', () => {
    const files = listConformanceFiles();
    let runs: FileRun[] = [];
    let comparisons: FileComparison[] = [];

    beforeAll(async () => {
      runs = await runFiles(files, ['node', 'ours']);
      comparisons = compareRuns(runs);
      console.log(formatTable(comparisons, runs));
    }, RUN_TIMEOUT_MS);

    for (const file of files) {
      test(file, () => {
        const { unexpected, stale } = classifyDivergences(comparisons.filter((c) => c.file === file), EXPECTED_DIVERGENCES);
        const ours = runs.find((run) => run.file === file && run.engine === 'ours');
        expect(unexpected.map((entry) => `${entry.subtest}: ${entry.status} ${entry.message ?? ''}`), `ours: ${ours?.problems.join('; ')}`).toEqual([]);
        expect(stale.map((entry) => `listed but no longer diverging: ${entry.subtest}`)).toEqual([]);
        // Nothing may take the child down on ours where it survived on Node.
        const node = runs.find((run) => run.file === file && run.engine === 'node');
        if (node?.outcome === 'complete') expect(ours?.outcome, ours?.problems.join('; ')).toBe('complete');
      });
    }

    test('every expected divergence names a file that runs and gives a reason', () => {
      for (const entry of EXPECTED_DIVERGENCES) {
        expect(files, entry.subtest).toContain(entry.file);
        expect(entry.reason.length, `${entry.file}: ${entry.subtest}`).toBeGreaterThan(20);
      }
    });
  });
}
