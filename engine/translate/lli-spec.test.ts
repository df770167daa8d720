// Stage: translation tests. Semantics without the runtime: the spec test suite's assertions
// (assert_return, assert_trap, assert_exhaustion) on every module that needs no imports —
// about 22,000 assertions on 1,000 modules: numeric edge cases (div/rem traps, trunc bounds,
// min/max NaN and -0, nearest, copysign, shifts, rotates, clz/ctz/popcnt, saturating
// conversions, NaN quieting), control flow, calls, stack exhaustion, memory, tables, bulk
// operations — executed by lli-19 on the translated IR, as emitted and after `opt -O2`
// (testing/lli-spec-harness.ts).

import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSpecHarness, runSpecHarness, type SpecHarness } from '../../test/translate/lli-spec-harness.js';
import { missingTools, temporaryDirectory } from '../../test/translate/llvm-tools.js';
import { listWastFiles } from '../../test/translate/spec-suite.js';

const files = listWastFiles();
const skip = missingTools('opt', 'lli', 'clang', 'wast2json') ?? (files.length === 0 ? 'spec test suite not found' : undefined);

describe.skipIf(skip !== undefined)('spec assertions executed by lli-19', () => {
  let harness: SpecHarness;

  it('builds the harness', () => {
    harness = buildSpecHarness(files);
    expect(harness.modules).toBeGreaterThan(900);
    expect(harness.cases.length).toBeGreaterThan(20_000);
  }, 120_000);

  it('passes every assertion, as emitted and at O2', async () => {
    const directory = temporaryDirectory();
    try {
      mkdirSync(`${directory.path}/emitted`);
      mkdirSync(`${directory.path}/optimised`);
      const [emitted, optimised] = await Promise.all([
        runSpecHarness(harness, `${directory.path}/emitted`, false),
        runSpecHarness(harness, `${directory.path}/optimised`, true),
      ]);
      expect(emitted).toEqual([]);
      expect(optimised).toEqual([]);
    } finally {
      directory.dispose();
    }
  }, 300_000);
});
