// Stage: conformance tests (vitest). Every top-level .wast file of the spec test suite:
// module, assert_malformed (binary) and assert_invalid commands must all pass; commands
// that need execution are counted as skipped until an executor exists. Prints the
// per-file table. Skips, saying why, when the suite or wast2json is absent.

import { describe, expect, test } from 'vitest';
import { basename } from 'node:path';
import { formatResultsTable, formatTypeTotals, runSpecFile, type FileResult } from './spec-runner.js';
import { listTopLevelWastFiles, testsuiteUnavailableReason } from './testsuite-location.js';

const unavailable = testsuiteUnavailableReason();

if (unavailable) {
  console.warn(`spec tests skipped: ${unavailable}`);
  describe.skip(`spec test suite (skipped: ${unavailable})`, () => {
    test.skip(`skipped: ${unavailable}`, () => {});
  });
} else {
  describe('spec test suite: decoding and validation', () => {
    const results: FileResult[] = [];
    for (const file of listTopLevelWastFiles()) {
      test(basename(file), () => {
        const result = runSpecFile(file);
        results.push(result);
        const failures = result.failures.map((f) => `${result.file}:${f.line} ${f.type}: ${f.message}`);
        expect(failures).toEqual([]);
      });
    }
    test('per-file table', () => {
      console.log(`${formatResultsTable(results)}\n\n${formatTypeTotals(results)}`);
      expect(results.length).toBe(listTopLevelWastFiles().length);
    });
  });
}
