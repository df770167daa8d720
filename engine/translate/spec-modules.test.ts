// Stage: translation tests. Every module of the spec test suite (WebAssembly 2.0, SIMD files
// included) translates, and LLVM 19 accepts the IR: opt-19's verifier and its O2 pipeline.

import { describe, expect, it } from 'vitest';
import { translateAndCheck } from '../../test/translate/batch-verify.js';
import { missingTools } from '../../test/translate/llvm-tools.js';
import { listWastFiles, specModules } from '../../test/translate/spec-suite.js';

const files = listWastFiles({ simd: true });
const skip = missingTools('opt', 'wast2json') ?? (files.length === 0 ? 'spec test suite not found' : undefined);

describe.skipIf(skip !== undefined)('spec test suite modules through opt-19', () => {
  it('translate, verify and optimise at O2', async () => {
    const modules = specModules(files);
    const report = await translateAndCheck(modules, { batchSize: 300 });
    expect(report.failures).toEqual([]);
    expect(report.translated).toBeGreaterThan(1000);
    expect(report.unsupported).toEqual([]);
  }, 300_000);
});
