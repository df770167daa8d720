// The addon's compile threads (src/compile_pool.cc) and compile cancellation: compileAsync
// never occupies libuv's pool (fs works while compiles run), many concurrent compiles,
// compiles racing with the release and collection of earlier code, compiles in a worker
// thread at the same time as in the main thread (and a worker terminated mid-compile), and
// cancellation by handle and by deadline, stopping the compile thread promptly.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { manySmallFunctions } from '../../tools/hostile/hostile-modules.js';
import { translateModuleBytes } from '../translate/module-translator.js';
import { INVOKE_OK } from '../abi/trap-codes.js';
import {
  COMPILE_CANCELLED_CODE,
  compile,
  compileAsync,
  compilePoolStats,
  createCompileCancellation,
  invoke,
  scratch,
  type CompileOptions,
  type CompiledCode,
} from './addon.js';

const here = dirname(fileURLToPath(import.meta.url));
const ADDON_PATH = join(here, 'build', 'Release', 'wasm_llvm_native.node');

/** A module LLVM's O2 pipeline takes about a second over (2,000 functions of a call chain). */
const slow = translateModuleBytes(manySmallFunctions(2_000));
const slowOptions = (name: string): CompileOptions => ({ optLevel: 2, cpu: 'native', name, symbols: slow.symbols.all });

// slot 0: i32 × k
const multiplier = (k: number) => `
define void @times(ptr %funcref, ptr %slots) {
  %a = load i32, ptr %slots
  %b = mul i32 %a, ${k}
  store i32 %b, ptr %slots
  ret void
}
`;
const slots = new Uint32Array(scratch());

function callTimes(code: CompiledCode, value: number): number {
  slots[0] = value;
  expect(invoke(code.addresses[0], 0n, 1)).toBe(INVOKE_OK);
  return slots[0];
}

/** Waits until no compile is queued or running on the addon's threads. */
async function poolIdle(timeoutMs: number): Promise<number> {
  const start = performance.now();
  for (;;) {
    const stats = compilePoolStats();
    if (stats.queued === 0 && stats.running === 0) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`compile pool still busy: ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('compile pool', () => {
  it('is sized to the usable cores (or WASM_LLVM_COMPILE_THREADS)', () => {
    const stats = compilePoolStats();
    const configured = Number(process.env.WASM_LLVM_COMPILE_THREADS);
    expect(stats.threads).toBeGreaterThanOrEqual(1);
    if (configured >= 1) expect(stats.threads).toBe(configured);
  });

  it('leaves libuv\'s pool free: fs.readFile completes while four slow compiles still run', async () => {
    const baselineStart = performance.now();
    await readFile(join(here, 'binding.gyp'));
    const baselineMs = performance.now() - baselineStart;

    const compiles = [0, 1, 2, 3].map((i) => compileAsync(slow.ir, slowOptions(`slow${i}`)));
    const start = performance.now();
    const text = await readFile(join(here, 'binding.gyp'), 'utf8');
    const readMs = performance.now() - start;
    const busy = compilePoolStats();
    expect(text).toContain('wasm_llvm_native');
    // Four compiles would fill libuv's four threads; ours leave them to fs.
    expect(busy.running + busy.queued).toBeGreaterThan(0);
    expect(readMs).toBeLessThan(baselineMs + 1_000);
    for (const code of await Promise.all(compiles)) code.release();
  });

  it('runs many concurrent compiles, each to its own working code', async () => {
    const pending: Promise<CompiledCode>[] = [];
    for (let k = 1; k <= 24; k++) {
      pending.push(compileAsync(multiplier(k), { optLevel: k % 2 === 0 ? 2 : 0, cpu: 'native', name: `times${k}`, symbols: ['times'] }));
    }
    const codes = await Promise.all(pending);
    codes.forEach((code, i) => expect(callTimes(code, 7)).toBe(7 * (i + 1)));
    for (const code of codes) code.release();
    await poolIdle(10_000);
  });

  it('races compiles with the release and collection of earlier code', async () => {
    const kept: Array<[CompiledCode, number]> = [];
    let inFlight: Promise<CompiledCode>[] = [];
    for (let round = 0; round < 40; round++) {
      inFlight.push(compileAsync(multiplier(round + 2), { optLevel: 0, cpu: 'native', name: `race${round}`, symbols: ['times'] }));
      if (inFlight.length === 4) {
        const done = await Promise.all(inFlight);
        inFlight = [];
        done.forEach((code, i) => {
          if (i % 2 === 0) code.release();
          else kept.push([code, round - 3 + i + 2]);
        });
        collectGarbage();
      }
    }
    for (const [code, k] of kept) expect(callTimes(code, 3)).toBe(3 * k);
  });

  it('compiles in a worker thread while the main thread compiles, and survives a worker terminated mid-compile', async () => {
    const workerSource = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData.addonPath);
      (async () => {
        const kinds = [];
        for (let i = 0; i < 6; i++) {
          const code = await addon.compileAsync(workerData.ir, { optLevel: 2, cpu: 'native', name: 'worker' + i, symbols: ['times'] });
          kinds.push(typeof code.addresses[0]);
          code.release();
        }
        parentPort.postMessage(kinds);
      })();`;
    const worker = new Worker(workerSource, { eval: true, workerData: { addonPath: ADDON_PATH, ir: multiplier(9) } });
    const fromWorker = new Promise<string[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const mainCodes = await Promise.all([3, 4, 5].map((k) => compileAsync(multiplier(k), { optLevel: 2, cpu: 'native', name: `main${k}`, symbols: ['times'] })));
    expect(await fromWorker).toEqual(['bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint']);
    await worker.terminate();
    mainCodes.forEach((code, i) => expect(callTimes(code, 2)).toBe(2 * (i + 3)));
    for (const code of mainCodes) code.release();

    // A worker that goes away while its compile runs: the result is freed on the compile thread.
    const doomed = new Worker(
      `const { workerData } = require('node:worker_threads');
       require(workerData.addonPath).compileAsync(workerData.ir, { optLevel: 2, cpu: 'native', name: 'doomed', symbols: workerData.symbols });`,
      { eval: true, workerData: { addonPath: ADDON_PATH, ir: slow.ir, symbols: slow.symbols.all } },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await doomed.terminate();
    await poolIdle(30_000);
    const after = await compileAsync(multiplier(11), { optLevel: 0, cpu: 'native', name: 'after-worker', symbols: ['times'] });
    expect(callTimes(after, 2)).toBe(22);
    after.release();
  });
});

describe('compile cancellation', () => {
  it('stops a running compile promptly and frees its thread', async () => {
    const cancellation = createCompileCancellation();
    const compiling = compileAsync(slow.ir, slowOptions('cancelled'), cancellation);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const cancelledAt = performance.now();
    cancellation.cancel('test cancel');
    expect(cancellation.cancelled).toBe(true);
    const failure = await compiling.then(
      () => undefined,
      (error: Error & { code?: string }) => error,
    );
    const latencyMs = performance.now() - cancelledAt;
    expect(failure?.code).toBe(COMPILE_CANCELLED_CODE);
    expect(failure?.message).toBe('test cancel');
    // Between two passes over one small function: milliseconds (1 s is a generous bound).
    expect(latencyMs).toBeLessThan(1_000);
    await poolIdle(5_000);
  });

  it('fails at once when the deadline has passed, and during the compile when it passes', async () => {
    await expect(compileAsync(slow.ir, { ...slowOptions('expired'), timeoutMs: 0 })).rejects.toMatchObject({ code: COMPILE_CANCELLED_CODE });
    const start = performance.now();
    await expect(compileAsync(slow.ir, { ...slowOptions('deadline'), timeoutMs: 100 })).rejects.toMatchObject({ code: COMPILE_CANCELLED_CODE });
    expect(performance.now() - start).toBeLessThan(1_500);
    expect(() => compile(slow.ir, { ...slowOptions('sync-deadline'), timeoutMs: 50 })).toThrow(expect.objectContaining({ code: COMPILE_CANCELLED_CODE }));
    await poolIdle(5_000);
  });

  it('leaves other compiles alone, and an uncancelled handle changes nothing', async () => {
    const cancellation = createCompileCancellation();
    const code = await compileAsync(multiplier(6), { optLevel: 2, cpu: 'native', name: 'kept', symbols: ['times'] }, cancellation);
    expect(callTimes(code, 7)).toBe(42);
    code.release();
    expect(() => compile(multiplier(2), { optLevel: 0, cpu: 'native', name: 'bad-handle', symbols: ['times'] }, {} as never)).toThrow(TypeError);
  });
});
