// Tests of tiered execution (tiering: 'tiered'; lazy-code.ts, runtime/lazy-calls.ts): baseline
// O0 code counts, asks for the top tier, and the top-tier unit compiled in the background
// replaces the baseline in every live instance while wasm keeps running, and a long call
// moves into an OSR entry at a loop header — results and memory never change. WASM_LLVM_TIER_UP_THRESHOLD sets the counts between tier-up calls (read at
// instantiation), WASM_LLVM_UNIT_BYTES=1 puts every function in its own unit.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Instance, Module, RuntimeError } from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';
import type { CompiledCode } from '../native/addon.js';
import type { CodeUnits } from '../translate/code-units.js';
import { cutOffsAfterExit, DEFAULT_TIER_UP_PAYOFF_US_PER_BYTE, LazyCode, tierUpPayoffMicrosecondsPerByte, type TopTier } from './lazy-code.js';
import { CACHED_TIER_UP_THRESHOLD, DEFAULT_TIER_UP_THRESHOLD, tierUpThreshold } from '../runtime/lazy-calls.js';

const skip = watUnavailableReason();

beforeEach(() => {
  process.env.WASM_LLVM_UNIT_BYTES = '1';
  process.env.WASM_LLVM_TIER_UP_THRESHOLD = '10';
});
afterEach(() => {
  delete process.env.WASM_LLVM_UNIT_BYTES;
  delete process.env.WASM_LLVM_TIER_UP_THRESHOLD;
});

const PROGRAM = `
(module
  (memory (export "memory") 1)
  (func $mix (param i32 i32) (result i32)
    (i32.xor (i32.mul (local.get 0) (i32.const 0x9e3779b1)) (i32.rotl (local.get 1) (i32.const 7))))
  (func $step (export "step") (param i32) (result i32)
    (call $mix (local.get 0) (i32.const 12345)))
  ;; n iterations of a loop that calls $step (another unit) and stores into memory.
  (func (export "run") (param i32 i32) (result i32) (local $i i32) (local $h i32)
    (local.set $h (local.get 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
        (local.set $h (call $step (local.get $h)))
        (i32.store (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xfffc)) (local.get $h))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $h))
  (func (export "divide") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))`;

/** One leaf function of 600 mixing steps on eight locals: its O2 compile takes a few hundred milliseconds. */
const HEAVY_PROGRAM = (() => {
  const steps: string[] = [];
  for (let k = 0; k < 600; k++) {
    const target = k % 8;
    const a = (k * 3 + 1) % 8;
    const b = (k * 5 + 2) % 8;
    steps.push(`(local.set ${target} (i32.xor (i32.mul (local.get ${a}) (i32.const ${Math.imul(k, 0x9e3779b1)})) (i32.rotl (local.get ${b}) (i32.const ${k % 31}))))`);
  }
  return `(module (func (export "heavy") (param i32) (result i32) (local i32 i32 i32 i32 i32 i32 i32)
    (local.set 1 (local.get 0)) (local.set 2 (i32.add (local.get 0) (i32.const 1)))
    ${steps.join('\n    ')}
    (i32.add (local.get 0) (local.get 7))))`;
})();

type Exports = { step(x: number): number; run(n: number, seed: number): number; divide(a: number, b: number): number; memory: WebAssembly.Memory };

function reference(n: number, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 0x9e3779b1) ^ ((12345 << 7) | (12345 >>> 25))) | 0;
  return h;
}

/** Runs `body` until the module has installed a top-tier unit (the background compile finished), at most `ms`. */
async function untilTieredUp(module: Module, body: () => void, ms = 20_000): Promise<number> {
  const deadline = Date.now() + ms;
  let rounds = 0;
  while (Module.timings(module).lazy!.topTierInstalled === 0) {
    if (Date.now() > deadline) throw new Error(`no top-tier unit installed within ${ms} ms: ${JSON.stringify(Module.timings(module).lazy)}`);
    body();
    rounds++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return rounds;
}

/**
 * A tiered module with the code cache in `directory`, its step called until its counter asks
 * for the top tier, and no more.
 */
function askForTopTier(directory: string): { options: { optLevel: 2; tiering: 'tiered'; codeCache: { directory: string } }; module: Module; exports: Exports } {
  const options = { optLevel: 2, tiering: 'tiered', codeCache: { directory } } as const;
  const module = new Module(wat(PROGRAM), options);
  const exports = new Instance(module, {}).exports as unknown as Exports;
  for (let i = 0; i < 40 && Module.timings(module).lazy!.topTierRequested === 0; i++) exports.step(i);
  expect(Module.timings(module).lazy!.topTierRequested).toBeGreaterThanOrEqual(1);
  return { options, module, exports };
}

describe.skipIf(skip !== undefined)('tiered execution', () => {
  test('hot code tiers up in the background; results are the same before, during and after', async () => {
    const module = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    const exports = new Instance(module, {}).exports as unknown as Exports;
    expect(exports.run(1000, 7)).toBe(reference(1000, 7));
    await untilTieredUp(module, () => expect(exports.run(5000, 3)).toBe(reference(5000, 3)));
    // A few more rounds install the rest; the answers never change.
    for (let i = 0; i < 50; i++) {
      expect(exports.run(2000, i)).toBe(reference(2000, i));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const stats = Module.timings(module).lazy!;
    expect(stats.tierUpCalls).toBeGreaterThan(0);
    expect(stats.topTierRequested).toBeGreaterThanOrEqual(stats.topTierInstalled);
    expect(stats.topTierFailed).toBe(0);
    expect(stats.topTierInstalled).toBeGreaterThanOrEqual(1);
    expect(stats.quickCompiles).toBe(0); // without compiles cut off in earlier runs, the full code generator
  });

  test('top-tier code installed while a baseline loop is calling it: one long call gives the right answer', async () => {
    process.env.WASM_LLVM_TIER_UP_THRESHOLD = '0';
    const module = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    const exports = new Instance(module, {}).exports as unknown as Exports;
    // Each long call polls the background compile at every count; some install mid-call.
    for (let round = 0; round < 20; round++) expect(exports.run(200_000, round)).toBe(reference(200_000, round));
    expect(Module.timings(module).lazy!.topTierInstalled).toBeGreaterThanOrEqual(1);
  });

  test('every live instance gets the top tier; new instances start with it; traps are unchanged', async () => {
    const module = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    const instances = Array.from({ length: 8 }, () => new Instance(module, {}).exports as unknown as Exports);
    await untilTieredUp(module, () => {
      for (const exports of instances) expect(exports.step(5)).toBe(reference(1, 5));
    });
    const later = new Instance(module, {}).exports as unknown as Exports;
    for (const exports of [...instances, later]) {
      expect(exports.run(3000, 11)).toBe(reference(3000, 11));
      expect(() => exports.divide(1, 0)).toThrow(new RuntimeError('integer divide by zero'));
      expect(() => exports.divide(-0x80000000, -1)).toThrow(new RuntimeError('integer overflow'));
    }
  });

  test('on-stack replacement: one long call moves into the OSR entry of its loop and finishes there', async () => {
    process.env.WASM_LLVM_TIER_UP_THRESHOLD = '50';
    const module = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    const exports = new Instance(module, {}).exports as unknown as Exports;
    // A first long call arms OSR and starts the entry's compile; later long calls (each a
    // single call of run, whose loop is the OSR candidate) meet the compiled entry.
    const deadline = Date.now() + 20_000;
    let round = 0;
    while (Module.timings(module).lazy!.osrTransfers === 0) {
      if (Date.now() > deadline) throw new Error(`no OSR transfer: ${JSON.stringify(Module.timings(module).lazy)}`);
      expect(exports.run(300_000, round)).toBe(reference(300_000, round));
      round++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const stats = Module.timings(module).lazy!;
    expect(stats.osrCompiled).toBeGreaterThanOrEqual(1);
    expect(stats.osrFailed).toBe(0);
    // The memory the OSR entry wrote is what the baseline would have written.
    const view = new Int32Array(exports.memory.buffer);
    let h = 1234;
    const expected = new Int32Array(16384);
    for (let i = 0; i < 300_000; i++) {
      h = (Math.imul(h, 0x9e3779b1) ^ ((12345 << 7) | (12345 >>> 25))) | 0;
      expected[i & 0x3fff] = h;
    }
    expect(exports.run(300_000, 1234)).toBe(h);
    expect(Array.from(view.subarray(0, 16384))).toEqual(Array.from(expected));
  });

  test('the quick top tier (O2 IR passes, O0 code generator): tier-up and OSR give the same answers and memory', async () => {
    process.env.WASM_LLVM_QUICK_TOP_TIER = 'always'; // as if every compile had been cut off twice before
    process.env.WASM_LLVM_TIER_UP_THRESHOLD = '50';
    try {
      const module = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
      const exports = new Instance(module, {}).exports as unknown as Exports;
      const deadline = Date.now() + 20_000;
      for (let round = 0; Module.timings(module).lazy!.osrTransfers === 0 || Module.timings(module).lazy!.topTierInstalled === 0; round++) {
        if (Date.now() > deadline) throw new Error(`no OSR transfer or top tier: ${JSON.stringify(Module.timings(module).lazy)}`);
        expect(exports.run(300_000, round)).toBe(reference(300_000, round));
        expect(exports.step(round)).toBe(reference(1, round));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const stats = Module.timings(module).lazy!;
      expect(stats.quickCompiles).toBeGreaterThanOrEqual(2); // a top-tier set and an OSR entry at least
      expect(stats.topTierFailed + stats.osrFailed).toBe(0);
      for (let round = 0; round < 5; round++) expect(exports.run(100_000, round)).toBe(reference(100_000, round));
      expect(() => exports.divide(1, 0)).toThrow(new RuntimeError('integer divide by zero'));
    } finally {
      delete process.env.WASM_LLVM_QUICK_TOP_TIER;
    }
  });

  test('infinite recursion exhausts the stack in the quick top tier too (a call whose result is unused is not dropped)', async () => {
    process.env.WASM_LLVM_QUICK_TOP_TIER = 'always';
    process.env.WASM_LLVM_TIER_UP_THRESHOLD = '0';
    try {
      // The IR passes find these functions touch no memory; the stack checks added after them
      // must still run (fast instruction selection drops a `memory(none)` call whose result is unused).
      const module = new Module(wat(`(module
        (func $runaway (export "runaway") (call $runaway))
        (func $ping (export "ping") (call $pong))
        (func $pong (call $ping)))`), { optLevel: 2, tiering: 'tiered' });
      const exports = new Instance(module, {}).exports as unknown as Record<string, () => void>;
      for (let round = 0; round < 20 && Module.timings(module).lazy!.topTierInstalled < 3; round++) {
        expect(() => exports.runaway()).toThrow(new RuntimeError('call stack exhausted'));
        expect(() => exports.ping()).toThrow(new RuntimeError('call stack exhausted'));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(Module.timings(module).lazy!.quickCompiles).toBeGreaterThanOrEqual(1);
      expect(Module.timings(module).lazy!.topTierInstalled).toBe(3);
      expect(() => exports.runaway()).toThrow(new RuntimeError('call stack exhausted'));
      expect(() => exports.ping()).toThrow(new RuntimeError('call stack exhausted'));
    } finally {
      delete process.env.WASM_LLVM_QUICK_TOP_TIER;
    }
  });

  test('with the code cache, a later compile links cached units, and units whose top tier was cached start there', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-tiered-cache-'));
    try {
      const options = { optLevel: 2, tiering: 'tiered', codeCache: { directory } } as const;
      const first = new Module(wat(PROGRAM), options);
      expect(Module.timings(first).codeCache).toBe('miss');
      const exports = new Instance(first, {}).exports as unknown as Exports;
      await untilTieredUp(first, () => expect(exports.run(5000, 3)).toBe(reference(5000, 3)));
      expect(Module.waitForTiering(first, 20_000)).toBe(true);
      const firstStats = Module.timings(first).lazy!;
      expect(firstStats.unitsFromCache).toBe(0);

      const second = new Module(wat(PROGRAM), options);
      expect(Module.timings(second).codeCache).toBe('hit');
      const again = new Instance(second, {}).exports as unknown as Exports;
      expect(again.run(5000, 3)).toBe(reference(5000, 3));
      const stats = Module.timings(second).lazy!;
      expect(stats.unitsFromCache).toBe(stats.unitsCompiled);
      // Every unit the first module installed at the top tier starts there in the second.
      expect(stats.topTierInstalled).toBeGreaterThanOrEqual(1);
      expect(again.divide(7, 2)).toBe(3);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('with the code cache, quick top-tier code from an earlier run is replaced by the full code generator\'s, in the run and in the cache', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-tiered-upgrade-'));
    try {
      const options = { optLevel: 2, tiering: 'tiered', codeCache: { directory } } as const;
      // Run 1: every top-tier compile is quick (as if each had been cut off twice before).
      process.env.WASM_LLVM_QUICK_TOP_TIER = 'always';
      try {
        const first = new Module(wat(PROGRAM), options);
        const exports = new Instance(first, {}).exports as unknown as Exports;
        await untilTieredUp(first, () => expect(exports.run(5000, 3)).toBe(reference(5000, 3)));
        expect(Module.waitForTiering(first, 20_000)).toBe(true);
        expect(Module.timings(first).lazy!.quickCompiles).toBeGreaterThanOrEqual(1);
      } finally {
        delete process.env.WASM_LLVM_QUICK_TOP_TIER;
      }
      // Run 2: the quick code is linked at the first call, and upgraded in the background.
      const second = new Module(wat(PROGRAM), options);
      const again = new Instance(second, {}).exports as unknown as Exports;
      expect(again.run(5000, 4)).toBe(reference(5000, 4));
      expect(Module.timings(second).lazy!.quickFromCache).toBeGreaterThanOrEqual(1);
      expect(Module.waitForTiering(second, 20_000)).toBe(true);
      for (let round = 0; round < 5; round++) expect(again.run(5000, round)).toBe(reference(5000, round)); // installs what finished
      const upgraded = Module.timings(second).lazy!;
      expect(upgraded.upgradesStarted).toBe(upgraded.quickFromCache);
      expect(upgraded.upgradesInstalled).toBe(upgraded.upgradesStarted);
      expect(upgraded.quickCompiles).toBe(0);
      expect(again.divide(7, 2)).toBe(3);
      // Run 3: the full code from the cache, nothing quick left.
      const third = new Module(wat(PROGRAM), options);
      const last = new Instance(third, {}).exports as unknown as Exports;
      expect(last.run(5000, 5)).toBe(reference(5000, 5));
      const stats = Module.timings(third).lazy!;
      expect(stats.topTierInstalled).toBeGreaterThanOrEqual(1);
      expect([stats.quickFromCache, stats.upgradesStarted, stats.quickCompiles]).toEqual([0, 0, 0]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('with the code cache, a unit one run found hot starts its top-tier compile at the next compile, before any call', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-tiered-profile-'));
    try {
      // No call and no turn of the event loop after the request, so the background compile
      // is never taken (taking it is what stores it): as a process that exits before it ends.
      const { options, exports } = askForTopTier(directory);

      const second = new Module(wat(PROGRAM), options);
      expect(Module.timings(second).lazy!.topTierRequested).toBeGreaterThanOrEqual(1);
      const again = new Instance(second, {}).exports as unknown as Exports;
      await untilTieredUp(second, () => expect(again.step(7)).toBe(exports.step(7)));
      expect(again.run(3000, 5)).toBe(reference(3000, 5));
      // A module no run has seen asks for nothing before its calls.
      const fresh = new Module(wat(PROGRAM.replace('12345', '54321')), options);
      expect(Module.timings(fresh).lazy!.topTierRequested).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('with the code cache, a top-tier compile that ends while the program makes no call is still taken and stored', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-tiered-idle-'));
    try {
      const { options, module: first, exports } = askForTopTier(directory);
      // No more calls: only the event loop's poll can take the compile.
      const deadline = Date.now() + 20_000;
      while (Module.timings(first).lazy!.topTierInstalled === 0) {
        if (Date.now() > deadline) throw new Error(`the finished compile was not taken: ${JSON.stringify(Module.timings(first).lazy)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The next compile of the module starts that unit at the top tier, from the cache.
      const second = new Module(wat(PROGRAM), options);
      const again = new Instance(second, {}).exports as unknown as Exports;
      expect(again.step(7)).toBe(exports.step(7));
      const stats = Module.timings(second).lazy!;
      expect(stats.unitsFromCache).toBeGreaterThanOrEqual(1);
      expect(stats.topTierInstalled).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('with the code cache, a top-tier compile that ended before the process exits is stored at exit', () => {
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-tiered-exit-'));
    try {
      const wasmPath = join(directory, 'program.wasm');
      writeFileSync(wasmPath, wat(HEAVY_PROGRAM));
      const options = { optLevel: 2, tiering: 'tiered', codeCache: { directory: join(directory, 'cache') } };
      // Both processes run the built engine (a cache entry is tied to the engine's files, and
      // this test runs from the sources). The first asks for heavy's top tier, then never
      // returns to the event loop: it blocks for 6 s and exits. heavy is a leaf whose O2
      // compile takes hundreds of milliseconds, so the poll in the tier-up call that asked
      // for it cannot find it finished, even on a loaded machine (a tiny function could be).
      const run = (afterCompile: string): { atCompile: number; result: number; after: { topTierRequested: number; topTierInstalled: number } } => {
        const script = `
          const { Module, Instance } = await import(${JSON.stringify(join(repositoryRoot(), 'dist/engine/index.js'))});
          const { readFileSync } = await import('node:fs');
          const module = new Module(readFileSync(${JSON.stringify(wasmPath)}), ${JSON.stringify(options)});
          const atCompile = Module.timings(module).lazy.topTierRequested;
          const exports = new Instance(module, {}).exports;
          ${afterCompile}
          console.log(JSON.stringify({ atCompile, result: exports.heavy(12345), after: Module.timings(module).lazy }));`;
        const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: process.env, encoding: 'utf8', timeout: 120_000 });
        expect(result.status, result.stderr).toBe(0);
        return JSON.parse(result.stdout.trim());
      };
      const first = run(`
        for (let i = 0; i < 40 && Module.timings(module).lazy.topTierRequested === 0; i++) exports.heavy(i);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6000);`);
      expect(first.after.topTierRequested).toBe(1);
      expect(first.after.topTierInstalled).toBe(0);
      // The compile that had finished was taken at exit: the next process finds it cached,
      // asks for no compile at compile(), links it at heavy's first call, and computes the same.
      const second = run('');
      expect(second.atCompile).toBe(0);
      expect(second.after.topTierInstalled).toBe(1);
      expect(second.result).toBe(first.result);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('the top tier compiles the hot functions of a unit and their callees, not the whole unit; later hot ones follow', async () => {
    delete process.env.WASM_LLVM_UNIT_BYTES; // one unit for the whole module
    const source = `
      (module
        (func $helper (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))
        (func (export "hot") (param i32) (result i32) (call $helper (local.get 0)))
        (func (export "warm") (param i32) (result i32) (i32.xor (local.get 0) (i32.const 0x55)))
        (func (export "cold") (param i32) (result i32) (i32.sub (local.get 0) (i32.const 1))))`;
    type Functions = { hot(x: number): number; warm(x: number): number; cold(x: number): number };
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-tiered-members-'));
    try {
      const options = { optLevel: 2, tiering: 'tiered', codeCache: { directory } } as const;
      const module = new Module(wat(source), options);
      expect(Module.timings(module).lazy!.units).toBe(1);
      const exports = new Instance(module, {}).exports as unknown as Functions;
      expect(exports.cold(5)).toBe(4);
      await untilTieredUp(module, () => {
        for (let i = 0; i < 20; i++) expect(exports.hot(i)).toBe(3 * i + 1);
      });
      // hot and the helper it calls, not warm or cold (never called often).
      expect(Module.waitForTiering(module, 20_000)).toBe(true);
      let stats = Module.timings(module).lazy!;
      expect(stats.topTierInstalled).toBe(2);
      expect(stats.topTierRequested).toBe(2);
      // warm becomes hot later: a second top-tier compile of the same unit takes it alone.
      const deadline = Date.now() + 20_000;
      while (Module.timings(module).lazy!.topTierInstalled < 3) {
        if (Date.now() > deadline) throw new Error(`warm did not tier up: ${JSON.stringify(Module.timings(module).lazy)}`);
        for (let i = 0; i < 20; i++) expect(exports.warm(i)).toBe(i ^ 0x55);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      stats = Module.timings(module).lazy!;
      expect(stats.topTierInstalled).toBe(3);
      expect(stats.topTierFailed).toBe(0);
      expect([exports.hot(7), exports.warm(7), exports.cold(7)]).toEqual([22, 7 ^ 0x55, 6]);

      // The next compile of the module finds those functions' top tier in the cache (the
      // profile lists them) and links it at the unit's first call, beside its baseline.
      const again = new Module(wat(source), options);
      expect(Module.timings(again).lazy!.topTierRequested).toBe(0);
      const second = new Instance(again, {}).exports as unknown as Functions;
      expect(second.cold(3)).toBe(2);
      const cachedStats = Module.timings(again).lazy!;
      expect(cachedStats.topTierInstalled).toBeGreaterThanOrEqual(2);
      expect(cachedStats.unitsCompiled).toBe(1);
      expect([second.hot(7), second.warm(7), second.cold(7)]).toEqual([22, 7 ^ 0x55, 6]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('stress: many functions in shared units, two instances, random calls while top-tier sets install, three compiles through one cache', async () => {
    process.env.WASM_LLVM_UNIT_BYTES = '96'; // a few functions per unit
    process.env.WASM_LLVM_TIER_UP_THRESHOLD = '400'; // only the functions called most get hot
    const count = 40;
    const next = (i: number): number => (i * 7 + 3) % count;
    const multiplier = (i: number): number => 2 * i + 3;
    // f_i(x, d) = d == 0 ? x * (2i + 3) + i : f_next(i)(x ^ i, d - 1) + 1, all i32.
    const functions = Array.from({ length: count }, (_, i) => `
      (func $f${i} (export "f${i}") (param $x i32) (param $d i32) (result i32)
        (if (result i32) (i32.eqz (local.get $d))
          (then (i32.add (i32.mul (local.get $x) (i32.const ${multiplier(i)})) (i32.const ${i})))
          (else (i32.add (call $f${next(i)} (i32.xor (local.get $x) (i32.const ${i})) (i32.sub (local.get $d) (i32.const 1))) (i32.const 1)))))`);
    const source = `(module ${functions.join('')})`;
    const expected = (i: number, x: number, d: number): number => (d === 0 ? (Math.imul(x, multiplier(i)) + i) | 0 : (expected(next(i), (x ^ i) | 0, d - 1) + 1) | 0);
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-tiered-stress-'));
    try {
      const options = { optLevel: 2, tiering: 'tiered', codeCache: { directory } } as const;
      let seed = 12345;
      const random = (below: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 8) % below;
      };
      let firstRequested = 0;
      for (let compileRound = 0; compileRound < 3; compileRound++) {
        const module = new Module(wat(source), options);
        expect(Module.timings(module).lazy!.units).toBeGreaterThan(4);
        const instances = [0, 1].map(() => new Instance(module, {}).exports as unknown as Record<string, (x: number, d: number) => number>);
        for (let round = 0; round < 60; round++) {
          // Some functions are called far more than others, so that units are partly hot.
          for (let call = 0; call < 200; call++) {
            const i = random(4) === 0 ? random(count) : random(6);
            const x = random(1 << 30) - (1 << 29);
            const d = random(5);
            expect(instances[call % 2][`f${i}`](x, d)).toBe(expected(i, x, d));
          }
          if (round % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        }
        expect(Module.waitForTiering(module, 60_000)).toBe(true);
        for (let i = 0; i < count; i++) for (const exports of instances) expect(exports[`f${i}`](i * 1000, 3)).toBe(expected(i, i * 1000, 3));
        const stats = Module.timings(module).lazy!;
        expect(stats.topTierFailed).toBe(0);
        expect(stats.topTierInstalled).toBeGreaterThan(0);
        expect(stats.topTierInstalled).toBeLessThanOrEqual(count);
        if (compileRound === 0) {
          firstRequested = stats.topTierRequested;
          expect(firstRequested).toBeLessThan(count); // some functions never got hot
        } else {
          // Later compiles link the baseline units and the top-tier sets from the cache.
          expect(stats.unitsFromCache).toBe(stats.unitsCompiled);
          expect(stats.topTierRequested).toBeLessThan(firstRequested);
        }
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 120_000);

  test('bad threshold settings are refused', () => {
    process.env.WASM_LLVM_TIER_UP_THRESHOLD = '-1';
    const module = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    expect(() => new Instance(module, {})).toThrow(/WASM_LLVM_TIER_UP_THRESHOLD/);
  });
});

/** A TopTier for LazyCode's unit tests: nothing cached, no compile unless `parts` says otherwise. */
function fakeTopTier(parts: Partial<TopTier>): TopTier {
  return {
    start: () => {
      throw new Error('no top tier here');
    },
    cached: () => undefined,
    cachedSets: () => [],
    startOsr: () => {
      throw new Error('no OSR here');
    },
    cachedOsr: () => undefined,
    calleesOf: () => [],
    bodyBytes: () => 100,
    translations: () => ({ onWorker: 0, here: 0, msHere: 0 }),
    ...parts,
  };
}

describe.skipIf(skip !== undefined)('the payoff gate (a function is asked for once it has been hot as long as its compile takes)', () => {
  afterEach(() => {
    delete process.env.WASM_LLVM_TIER_UP_PAYOFF;
  });

  const counts = (module: Module): { tierUpCalls: number; topTierRequested: number; osrRequested: number } => Module.timings(module).lazy!;

  test('an explicit threshold alone asks at the first tier-up call; a payoff of hours per byte never asks; 1 µs per byte asks soon after', () => {
    // The suite's threshold (10) without WASM_LLVM_TIER_UP_PAYOFF: the gate is off.
    const atOnce = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    const first = new Instance(atOnce, {}).exports as unknown as Exports;
    for (let i = 0; i < 20 && counts(atOnce).topTierRequested === 0; i++) first.step(i);
    expect(counts(atOnce).topTierRequested).toBeGreaterThan(0);

    // An hour per byte: hot for longer than any test before it pays.
    process.env.WASM_LLVM_TIER_UP_PAYOFF = '3600000000';
    const never = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    const second = new Instance(never, {}).exports as unknown as Exports;
    for (let i = 0; i < 2000; i++) expect(second.step(i)).toBe(first.step(i));
    expect(second.run(20_000, 7)).toBe(reference(20_000, 7));
    expect(counts(never).tierUpCalls).toBeGreaterThan(100);
    expect(counts(never).topTierRequested).toBe(0);
    expect(counts(never).osrRequested).toBe(0);

    // 1 µs per byte: $step's body (a few bytes) has been hot long enough after a few tier-up calls.
    process.env.WASM_LLVM_TIER_UP_PAYOFF = '1';
    const soon = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    const third = new Instance(soon, {}).exports as unknown as Exports;
    const deadline = Date.now() + 10_000;
    while (counts(soon).topTierRequested === 0 && Date.now() < deadline) third.step(1);
    expect(counts(soon).topTierRequested).toBeGreaterThan(0);
    expect(counts(soon).tierUpCalls).toBeGreaterThanOrEqual(2); // never at the first: no time hot yet
  });

  test('a function the gate holds back still joins the code cache\'s profile: the next compile asks for its top tier before any call', () => {
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-payoff-profile-'));
    try {
      process.env.WASM_LLVM_TIER_UP_PAYOFF = '3600000000';
      const options = { optLevel: 2, tiering: 'tiered', codeCache: { directory } } as const;
      const first = new Module(wat(PROGRAM), options);
      const exports = new Instance(first, {}).exports as unknown as Exports;
      for (let i = 0; i < 200; i++) exports.step(i);
      expect(counts(first).tierUpCalls).toBeGreaterThan(0);
      expect(counts(first).topTierRequested).toBe(0);
      const second = new Module(wat(PROGRAM), options);
      expect(counts(second).topTierRequested).toBeGreaterThan(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('with the code cache the default gate is off (a compile is paid once for every later run); an explicit payoff applies either way', () => {
    const threshold = process.env.WASM_LLVM_TIER_UP_THRESHOLD;
    delete process.env.WASM_LLVM_TIER_UP_THRESHOLD;
    try {
      expect(tierUpPayoffMicrosecondsPerByte(false)).toBe(DEFAULT_TIER_UP_PAYOFF_US_PER_BYTE);
      expect(tierUpPayoffMicrosecondsPerByte(true)).toBe(0);
      process.env.WASM_LLVM_TIER_UP_PAYOFF = '5';
      expect([tierUpPayoffMicrosecondsPerByte(false), tierUpPayoffMicrosecondsPerByte(true)]).toEqual([5, 5]);
    } finally {
      if (threshold !== undefined) process.env.WASM_LLVM_TIER_UP_THRESHOLD = threshold;
    }
  });

  test('with the code cache the default tier-up threshold is lower (100,000 counts, not 1,000,000): a function that runs 300,000 counts joins the profile', () => {
    const threshold = process.env.WASM_LLVM_TIER_UP_THRESHOLD;
    delete process.env.WASM_LLVM_TIER_UP_THRESHOLD;
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-cached-threshold-'));
    try {
      expect([tierUpThreshold(false), tierUpThreshold(true)]).toEqual([DEFAULT_TIER_UP_THRESHOLD, CACHED_TIER_UP_THRESHOLD]);
      expect(CACHED_TIER_UP_THRESHOLD).toBeLessThan(DEFAULT_TIER_UP_THRESHOLD);
      const counted = (options: object): number => {
        const module = new Module(wat(PROGRAM), options);
        const exports = new Instance(module, {}).exports as unknown as Exports;
        expect(exports.run(300_000, 3)).toBe(reference(300_000, 3));
        return counts(module).tierUpCalls;
      };
      expect(counted({ optLevel: 2, tiering: 'tiered' })).toBe(0);
      expect(counted({ optLevel: 2, tiering: 'tiered', codeCache: { directory } })).toBeGreaterThan(0);
      // An explicit threshold applies either way.
      process.env.WASM_LLVM_TIER_UP_THRESHOLD = '5000000';
      expect([tierUpThreshold(false), tierUpThreshold(true)]).toEqual([5_000_000, 5_000_000]);
    } finally {
      if (threshold !== undefined) process.env.WASM_LLVM_TIER_UP_THRESHOLD = threshold;
      else delete process.env.WASM_LLVM_TIER_UP_THRESHOLD;
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('a bad WASM_LLVM_TIER_UP_PAYOFF is refused at instantiation', () => {
    const module = new Module(wat(PROGRAM), { optLevel: 2, tiering: 'tiered' });
    for (const bad of ['-1', 'fast', 'Infinity']) {
      process.env.WASM_LLVM_TIER_UP_PAYOFF = bad;
      expect(() => new Instance(module, {})).toThrow(/WASM_LLVM_TIER_UP_PAYOFF must be/);
    }
  });
});

describe('top-tier set size', () => {
  test('the functions of a unit asked for are compiled in sets of bounded size (a larger function alone), callees only where they fit', () => {
    // One unit of six functions: 0-3 hot (3000, 2000, 1500, 6000 bytes), 4 and 5 callees of 0 (500 and 3000 bytes).
    const units: CodeUnits = { units: [[0, 1, 2, 3, 4, 5]], unitOf: Int32Array.from([0, 0, 0, 0, 0, 0]), calledFromOtherUnits: new Uint8Array(6) };
    const sizes = [3000, 2000, 1500, 6000, 500, 3000];
    const sets: number[][] = [];
    let finished = 0;
    const top = fakeTopTier({
      start: (_unit, members) => {
        sets.push([...members]);
        const index = sets.length;
        return { poll: () => (finished >= index ? { code: {} as CompiledCode, addresses: new Map(members.map((f) => [f, BigInt(0x1000 + f)])), fromCache: false } : undefined) };
      },
      calleesOf: (functionIndex) => (functionIndex === 0 ? [4, 5] : []),
      bodyBytes: (functionIndex) => sizes[functionIndex],
    });
    const functionCode = new Array<bigint>(6).fill(0n);
    const lazy = new LazyCode(units, functionCode, () => {
      throw new Error('no baseline compile here');
    }, () => [], top);
    lazy.prefetchTopTier([0, 1, 2, 3], () => 1);
    for (let round = 0; round < 10 && lazy.pollBackground(); round++) finished = sets.length;
    // 0 (3000) takes callee 4 (500), not 5 (would pass 4096); 1 and 2 together (3500); 3 alone (6000).
    expect(sets).toEqual([[0, 4], [1, 2], [3]]);
    expect(functionCode.map((address) => address !== 0n)).toEqual([true, true, true, true, true, false]);
  });
});

describe('top-tier code taken in the background', () => {
  test('a compile that the background poll (timer, exit) takes is still handed out for installing in the instances', () => {
    const units: CodeUnits = { units: [[0], [1]], unitOf: Int32Array.from([0, 1]), calledFromOtherUnits: new Uint8Array(2) };
    const finished = new Set<number>();
    const top = fakeTopTier({
      start: (unit, members) => ({
        poll: () => (finished.has(unit) ? { code: {} as CompiledCode, addresses: new Map(members.map((f) => [f, BigInt(0x1000 + f)])), fromCache: false } : undefined),
      }),
    });
    const lazy = new LazyCode(units, [0n, 0n], () => {
      throw new Error('no baseline compile here');
    }, () => [], top);
    lazy.prefetchTopTier([0, 1], () => 1);
    finished.add(0);
    finished.add(1);
    // Taken by polls outside any call (the event loop's timer), one compile at a time.
    while (lazy.pollBackground());
    // The next tier-up call installs both.
    expect(lazy.pollTopTier().sort()).toEqual([0, 1]);
    expect(lazy.pollTopTier()).toEqual([]);
  });
});

describe('OSR entries', () => {
  test('an OSR entry the code cache holds is linked when asked for, and takes no background compile', () => {
    const units: CodeUnits = { units: [[0], [1]], unitOf: Int32Array.from([0, 1]), calledFromOtherUnits: new Uint8Array(2) };
    const osrStarted: string[] = [];
    const top = fakeTopTier({
      startOsr: (functionIndex, from) => {
        osrStarted.push(`${functionIndex}:${from}`);
        return { poll: () => undefined };
      },
      cachedOsr: (functionIndex, from) => (functionIndex === 0 && from === 2 ? { code: {} as CompiledCode, address: 0x5000n } : undefined),
    });
    const lazy = new LazyCode(units, [0n, 0n], () => {
      throw new Error('no baseline compile here');
    }, () => [], top, new Map([[0, [2]], [1, [0]]]));
    lazy.requestOsr(0, 2);
    expect(lazy.osrEntry(0, 2)).toBe(0x5000n);
    expect(osrStarted).toEqual([]);
    lazy.requestOsr(1, 0);
    expect(osrStarted).toEqual(['1:0']);
    expect(lazy.osrEntry(1, 0)).toBe(0n);
    const stats = lazy.stats();
    expect([stats.osrRequested, stats.osrCompiled, stats.osrFromCache]).toEqual([2, 1, 1]);
  });

  test('an entry asked for by one loop covers the candidate loops after it (one compile); an earlier loop needs one of its own', () => {
    const units: CodeUnits = { units: [[0]], unitOf: Int32Array.from([0]), calledFromOtherUnits: new Uint8Array(1) };
    const finished = new Set<number>();
    const osrStarted: number[] = [];
    const top = fakeTopTier({
      startOsr: (_functionIndex, from) => {
        osrStarted.push(from);
        return { poll: () => (finished.has(from) ? { code: {} as CompiledCode, address: BigInt(0x6000 + from) } : undefined) };
      },
    });
    const lazy = new LazyCode(units, [0n], () => {
      throw new Error('no baseline compile here');
    }, () => [], top, new Map([[0, [1, 3, 5]]]));
    lazy.requestOsr(0, 3); // loop 3 asks first: an entry for loops 3 and 5
    lazy.requestOsr(0, 5); // loop 5, while it compiles: covered
    expect(osrStarted).toEqual([3]);
    finished.add(3);
    lazy.pollOsr();
    expect([lazy.osrEntry(0, 3), lazy.osrEntry(0, 5), lazy.osrEntry(0, 1)]).toEqual([0x6003n, 0x6003n, 0n]);
    lazy.requestOsr(0, 1); // loop 1 (the function called again): not covered, a compile from 1
    expect(osrStarted).toEqual([3, 1]);
    finished.add(1);
    lazy.pollOsr();
    expect(lazy.osrEntry(0, 1)).toBe(0x6001n);
    expect(lazy.stats().osrCompiled).toBe(2);
  });
});

describe('quick code from the code cache is upgraded', () => {
  // Two units: 0 = functions 0 and 1, whose top tier the cache holds as the quick code
  // generator's code only; 1 = function 2, not in the cache.
  const units: CodeUnits = { units: [[0, 1], [2]], unitOf: Int32Array.from([0, 0, 1]), calledFromOtherUnits: new Uint8Array(3) };
  const setup = (cutOff: Map<number, number>, prefetch: readonly number[] = [0, 1]) => {
    const started: { unit: number; members: readonly number[]; quick: boolean }[] = [];
    const finished = new Set<number>();
    const top = fakeTopTier({
      cachedSets: (unit) => (unit === 0 ? [[0, 1]] : []),
      cached: (unit, members) =>
        unit === 0 && members.join() === '0,1' ? { code: {} as CompiledCode, addresses: new Map([[0, 0xa0n], [1, 0xa1n]]), fromCache: true, quick: true } : undefined,
      start: (unit, members, quick) => {
        const index = started.push({ unit, members: [...members], quick }) - 1;
        return { poll: () => (finished.has(index) ? { code: {} as CompiledCode, addresses: new Map(members.map((f) => [f, BigInt(0xf00 + f)])), fromCache: false } : undefined) };
      },
    });
    const functionCode = [0n, 0n, 0n];
    const lazy = new LazyCode(units, functionCode, () => {
      throw new Error('no baseline compile here');
    }, () => [], top);
    lazy.prefetchTopTier(prefetch, () => 1, cutOff);
    return { lazy, started, finished, functionCode };
  };

  test('the full compile of the same set starts at its unit\'s first call and replaces the quick code when it finishes', () => {
    const { lazy, started, finished, functionCode } = setup(new Map([[0, 2]]));
    expect(started).toEqual([]);
    lazy.ensureCompiled(0);
    expect(functionCode).toEqual([0xa0n, 0xa1n, 0n]); // the quick code, at once
    expect(started).toEqual([{ unit: 0, members: [0, 1], quick: false }]);
    const cutOffAtExit: number[][] = [];
    lazy.onCutOffAtExit = (functions) => cutOffAtExit.push([...functions]);
    lazy.noteCutOffAtExit();
    expect(cutOffAtExit).toEqual([[0, 1]]); // an upgrade an exit cuts off counts as a cut-off
    expect(lazy.pollBackground()).toBe(true);
    finished.add(0);
    expect(lazy.pollBackground()).toBe(false);
    expect(functionCode).toEqual([0xf00n, 0xf01n, 0n]);
    const stats = lazy.stats();
    expect([stats.quickFromCache, stats.upgradesStarted, stats.upgradesInstalled, stats.upgradesGivenUp]).toEqual([1, 1, 1, 0]);
    expect(stats.topTierInstalled).toBe(2); // the functions once, not again at the upgrade
    expect(stats.quickCompiles).toBe(0);
  });

  test('the cut-off list keeps the counts of functions known to outlast the runs when others are cut off', () => {
    // 7: cut off twice (quick code now); 8: once; 9: cut off in this run for the third time.
    const after = cutOffsAfterExit(new Map([[7, 2], [8, 1], [9, 2]]), [9, 10]);
    expect([...after].sort((a, b) => a[0] - b[0])).toEqual([[7, 2], [9, 3], [10, 1]]);
  });

  test('after MAX_UPGRADE_CUT_OFFS more cut-offs at exit the set stays quick', () => {
    const once = setup(new Map([[1, 3]]));
    once.lazy.ensureCompiled(0);
    expect(once.started.length).toBe(1); // one more try
    const given = setup(new Map([[1, 4]]));
    given.lazy.ensureCompiled(0);
    expect(given.started).toEqual([]);
    expect(given.functionCode).toEqual([0xa0n, 0xa1n, 0n]);
    expect(given.lazy.stats().upgradesGivenUp).toBe(1);
  });

  test('an upgrade waits for the compiles asked for before and after it', () => {
    // Function 2 (unit 1) is in the profile but not in the cache: its compile starts at once.
    const { lazy, started, finished, functionCode } = setup(new Map(), [0, 1, 2]);
    expect(started.map((entry) => entry.unit)).toEqual([1]);
    lazy.ensureCompiled(0); // the upgrade of unit 0's quick set is scheduled, last
    expect(started.map((entry) => entry.unit)).toEqual([1]);
    finished.add(0);
    lazy.pollBackground(); // unit 1 done: the upgrade starts
    expect(started).toEqual([{ unit: 1, members: [2], quick: false }, { unit: 0, members: [0, 1], quick: false }]);
    finished.add(1);
    expect(lazy.pollBackground()).toBe(false);
    expect(functionCode).toEqual([0xf00n, 0xf01n, 0xf02n]);
  });
});

describe('top-tier prefetch order', () => {
  test('a previous run\'s hot functions compile in order of weight per byte: one huge function does not hold back small hot ones', () => {
    // Three units of one function each: 0 is huge and heaviest, 1 small and hot, 2 small and barely hot.
    const units: CodeUnits = { units: [[0], [1], [2]], unitOf: Int32Array.from([0, 1, 2]), calledFromOtherUnits: new Uint8Array(3) };
    const sizes = [10_000, 100, 100];
    const weights = [100, 10, 1];
    const started: number[] = [];
    const finished = new Set<number>();
    const top = fakeTopTier({
      start: (unit, members) => {
        started.push(unit);
        return { poll: () => (finished.has(unit) ? { code: {} as CompiledCode, addresses: new Map(members.map((f) => [f, BigInt(0x1000 + f)])), fromCache: false } : undefined) };
      },
      bodyBytes: (functionIndex) => sizes[functionIndex],
    });
    const functionCode = [0n, 0n, 0n];
    const lazy = new LazyCode(units, functionCode, () => {
      throw new Error('no baseline compile here');
    }, () => [], top);
    lazy.prefetchTopTier([0, 1, 2], (functionIndex) => weights[functionIndex]);
    // One background compile at a time: 1 (11 / 100 bytes) first, then 2 (2 / 100), then 0 (101 / 10,000).
    expect(started).toEqual([1]);
    for (const expected of [[1, 2], [1, 2, 0]]) {
      finished.add(started[started.length - 1]);
      lazy.pollBackground();
      expect(started).toEqual(expected);
    }
    finished.add(0);
    expect(lazy.pollBackground()).toBe(false);
    expect(functionCode).toEqual([0x1000n, 0x1001n, 0x1002n]);
    expect(lazy.stats().topTierInstalled).toBe(3);
  });

  test('a compile the last run cut off at exit starts first; one cut off again although it started first gets the quick code generator and starts first; one cut off even so goes last', () => {
    const units: CodeUnits = { units: [[0], [1], [2]], unitOf: Int32Array.from([0, 1, 2]), calledFromOtherUnits: new Uint8Array(3) };
    let quickUnits: number[] = [];
    const orderWith = (cutOff: Map<number, number>): number[] => {
      const started: number[] = [];
      quickUnits = [];
      const top = fakeTopTier({
        start: (unit, _members, quick) => {
          started.push(unit);
          if (quick) quickUnits.push(unit);
          return { poll: () => undefined };
        },
        bodyBytes: (functionIndex) => [10_000, 100, 100][functionIndex],
      });
      const lazy = new LazyCode(units, [0n, 0n, 0n], () => {
        throw new Error('no baseline compile here');
      }, () => [], top);
      lazy.prefetchTopTier([0, 1, 2], (functionIndex) => [100, 10, 1][functionIndex], cutOff);
      const cutOffAtExit: number[][] = [];
      lazy.onCutOffAtExit = (functions) => cutOffAtExit.push([...functions]);
      lazy.noteCutOffAtExit();
      expect(cutOffAtExit).toEqual([[started[0]]]); // the one running is reported, not the waiting ones
      return started;
    };
    expect(orderWith(new Map())).toEqual([1]); // weight per byte: 1 first (as above)
    expect(orderWith(new Map([[0, 1]]))).toEqual([0]); // cut off once: the huge one first
    expect(quickUnits).toEqual([]);
    expect(orderWith(new Map([[1, 2]]))).toEqual([1]); // 1 cut off twice: quick, and first again
    expect(quickUnits).toEqual([1]);
    expect(orderWith(new Map([[1, 3]]))).toEqual([2]); // cut off even when quick: last; 2 goes first
  });
});
