// Stage: conformance tests (vitest) of the guarded pipeline (engine/native/src/
// guarded_pipeline.h). Every spec file with execution, replayed at O2 with the functions of
// odd index compiled by the guarded pipeline (WASM_LLVM_GUARD=odd), so each module is split
// in two LLVM modules linked into one JITDylib, with calls, tables, globals and
// trampolines crossing the cut in both directions: every command must pass, as without
// the split. (npm run spec with WASM_LLVM_GUARD=all puts every function there.)

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { basename } from 'node:path';
import { Module } from '../../engine/index.js';
import { compiledModuleOf } from '../../engine/api/module.js';
import { manySmallFunctions } from '../../tools/hostile/hostile-modules.js';
import { EngineExecutor, executionSkipReason } from './engine-executor.js';
import { runSpecFile } from './spec-runner.js';
import { listTopLevelWastFiles, testsuiteUnavailableReason } from './testsuite-location.js';

const unavailable = testsuiteUnavailableReason();

(unavailable ? describe.skip : describe)(`spec test suite at O2, odd functions guarded${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const previous = process.env.WASM_LLVM_GUARD;
  beforeAll(() => {
    process.env.WASM_LLVM_GUARD = 'odd';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.WASM_LLVM_GUARD;
    else process.env.WASM_LLVM_GUARD = previous;
  });
  test('the policy is in effect: one function in two is guarded', () => {
    expect([...compiledModuleOf(new Module(manySmallFunctions(4), { optLevel: 2 })).guardedFunctions.keys()]).toEqual([1, 3]);
  });
  const files = unavailable ? [] : listTopLevelWastFiles().filter((file) => executionSkipReason(file) === undefined);
  test.each(files.map((file) => [basename(file), file]))('%s', (_name, file) => {
    const result = runSpecFile(file, new EngineExecutor({ optLevel: 2 }));
    expect(result.failures.map((f) => `${result.file}:${f.line} ${f.type}: ${f.message}`)).toEqual([]);
    expect(result.totals.skippedExecution).toBe(0);
  });
});
