// Stage: translation tests. Modules nobody wrote by hand: binaryen's random modules
// (`wasm-opt --translate-to-fuzz`, MVP plus sign-extension, non-trapping conversions, bulk
// memory and multi-value; binaryen 108's reference types predate the standard ones, so they
// stay off) and the benchmark suites' compiled programs (suites/*/wasm/*.mini.wasm, when
// built) translate, and LLVM 19 accepts the IR, verified and at O2. TRANSLATE_FUZZ_COUNT
// sets the number of random modules (default 24).

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translateAndCheck, type NamedWasm } from './testing/batch-verify.js';
import { missingTools, runTool, temporaryDirectory } from './testing/llvm-tools.js';

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

function fuzzModules(count: number): NamedWasm[] {
  const directory = temporaryDirectory();
  try {
    const modules: NamedWasm[] = [];
    for (let seed = 1; seed <= count; seed++) {
      const input = join(directory.path, `seed${seed}.bin`);
      const output = join(directory.path, `seed${seed}.wasm`);
      writeFileSync(input, randomBytes(seed, 4000 + (seed % 7) * 2000));
      const result = runTool('wasmOpt', [input, '-ttf', ...FUZZ_FEATURES, '-o', output]);
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

const suites = suiteModules();
describe.skipIf(missingTools('opt') !== undefined || suites.length === 0)('benchmark suites (.mini.wasm)', () => {
  it('translate, verify and optimise at O2', async () => {
    const report = await translateAndCheck(suites, { batchSize: 20 });
    expect(report.failures).toEqual([]);
    expect(report.translated).toBe(suites.length);
  }, 300_000);
});
