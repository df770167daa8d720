// Stage: translation tests. Modules nobody wrote by hand: binaryen's random modules
// (`wasm-opt --translate-to-fuzz`, MVP plus sign-extension, non-trapping conversions, bulk
// memory and multi-value; binaryen 108's reference types predate the standard ones, so they
// stay off) and the benchmark suites' compiled programs (suites/*/wasm/*.mini.wasm, when
// built) translate, and LLVM 19 accepts the IR, verified and at O2. TRANSLATE_FUZZ_COUNT
// sets the number of random modules (default 24).
//
// Differential: random modules made NaN-free (`--denan`) run under lli (every export, as
// binaryen's fuzz shell calls them) and in Node's V8 must log the same host calls and return
// the same bits, trap for trap — as emitted, and at O2 for the modules that do not trap (O2
// may delete a dead out-of-bounds load, see RATIONALE). TRANSLATE_DIFFERENTIAL_COUNT sets the
// number of modules (default 16).

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translateAndCheck, type NamedWasm } from '../../test/translate/batch-verify.js';
import { buildExportHarness, runHarness } from '../../test/translate/lli-spec-harness.js';
import { missingTools, runTool, temporaryDirectory } from '../../test/translate/llvm-tools.js';
import { compareOutputs, normaliseLliOutput, runInV8 } from '../../test/translate/v8-differential.js';

const FUZZ_FEATURES = [
  '--mvp-features',
  '--enable-sign-ext',
  '--enable-nontrapping-float-to-int',
  '--enable-bulk-memory',
  '--enable-multivalue',
];

/** Deterministic bytes for seed `seed` (xorshift32). */
function randomBytes(seed: number, length: number): Uint8Array {
  let state = (seed * 0x9e3779b9) >>> 0 || 1;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

function fuzzModules(count: number, extraFlags: readonly string[] = [], firstSeed = 1): NamedWasm[] {
  const directory = temporaryDirectory();
  try {
    const modules: NamedWasm[] = [];
    for (let seed = firstSeed; seed < firstSeed + count; seed++) {
      const input = join(directory.path, `seed${seed}.bin`);
      const output = join(directory.path, `seed${seed}.wasm`);
      writeFileSync(input, randomBytes(seed, 4000 + (seed % 7) * 2000));
      const result = runTool('wasmOpt', [input, '-ttf', ...FUZZ_FEATURES, ...extraFlags, '-o', output]);
      if (result.status !== 0) throw new Error(`wasm-opt -ttf failed for seed ${seed}: ${result.stderr}`);
      modules.push({ name: `fuzz seed ${seed}`, bytes: new Uint8Array(readFileSync(output)) });
    }
    return modules;
  } finally {
    directory.dispose();
  }
}

function suiteModules(): NamedWasm[] {
  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, 'package.json'))) root = dirname(root);
  const suites = join(root, 'suites');
  if (!existsSync(suites)) return [];
  const modules: NamedWasm[] = [];
  for (const suite of readdirSync(suites)) {
    const directory = join(suites, suite, 'wasm');
    if (!existsSync(directory)) continue;
    for (const name of readdirSync(directory).filter((file) => file.endsWith('.mini.wasm')).sort()) {
      modules.push({ name: `${suite}/${name}`, bytes: new Uint8Array(readFileSync(join(directory, name))) });
    }
  }
  return modules;
}

describe.skipIf(missingTools('opt', 'wasmOpt') !== undefined)('random modules (wasm-opt --translate-to-fuzz)', () => {
  it('translate, verify and optimise at O2', async () => {
    const count = Number(process.env.TRANSLATE_FUZZ_COUNT ?? 24);
    const report = await translateAndCheck(fuzzModules(count), { batchSize: 50 });
    expect(report.failures).toEqual([]);
    expect(report.translated).toBe(count);
  }, 300_000);
});

describe.skipIf(missingTools('opt', 'lli', 'clang', 'wasmOpt') !== undefined)('random modules against V8', () => {
  it('log the same calls and return the same bits under lli as in V8', async () => {
    const count = Number(process.env.TRANSLATE_DIFFERENTIAL_COUNT ?? 16);
    const modules = fuzzModules(count, ['--denan'], 1000);
    const names = modules.map((module) => module.name);
    const reference = runInV8(modules);
    const harness = buildExportHarness(modules);
    const directory = temporaryDirectory();
    try {
      const emitted = normaliseLliOutput(await runHarness(harness, directory.path, false));
      expect(compareOutputs(emitted, reference, names, false)).toEqual([]);
      const optimised = normaliseLliOutput(await runHarness(harness, directory.path, true));
      expect(compareOutputs(optimised, reference, names, true)).toEqual([]);
    } finally {
      directory.dispose();
    }
    expect(reference.filter((line) => line.startsWith('host ')).length).toBeGreaterThan(count);
  }, 300_000);
});

const suites = suiteModules();
describe.skipIf(missingTools('opt') !== undefined || suites.length === 0)('benchmark suites (.mini.wasm)', () => {
  it('translate, verify and optimise at O2', async () => {
    const report = await translateAndCheck(suites, { batchSize: 20 });
    expect(report.failures).toEqual([]);
    expect(report.translated).toBe(suites.length);
  }, 300_000);
});
