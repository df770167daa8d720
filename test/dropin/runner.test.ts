// Drop-in tier: the runner itself, on its self-test workload (workloads/runner-selftest.ts,
// no package): equal digests pass; different digests, a crash on one side, a timeout on one
// side and a workload that compiled no module are failures that say why, and the other side
// still reports. Workloads run from dist/ (npm test builds first).

import { describe, expect, test } from 'vitest';
import type { DropinPackage } from '../../bench/suites/realworld-packages.js';
import { runPackage } from './runner.js';

function selfTest(mode: string, timeoutMs = 60_000): Promise<Awaited<ReturnType<typeof runPackage>>> {
  process.env.DROPIN_SELFTEST = mode;
  const entry: DropinPackage = { id: 'runner-selftest', npm: '-', version: '-', toolchain: '-', wasm: [], tier: 'default', timeoutMs, workload: 'self-test' };
  return runPackage(entry);
}

describe('drop-in runner', () => {
  test('equal digests pass, and both sides report their engine and modules', async () => {
    const outcome = await selfTest('same');
    expect(outcome.reason).toBeUndefined();
    expect(outcome.status).toBe('pass');
    expect(outcome.node.result?.engine).toBe('node');
    expect(outcome.ours.result?.engine).toBe('wasm-llvm-jit');
    expect(outcome.ours.result?.modules.map((m) => m.bytes)).toEqual([39]);
  }, 120_000);

  test('different digests fail, showing both', async () => {
    const outcome = await selfTest('differ');
    expect(outcome.status).toBe('fail');
    expect(outcome.reason).toMatch(/^digests differ: Node .*"engine":"node".* \/ ours .*"engine":"wasm-llvm-jit"/);
  }, 120_000);

  test('a crash on our side fails with its error; Node still ran', async () => {
    const outcome = await selfTest('crash-ours');
    expect(outcome.status).toBe('fail');
    expect(outcome.reason).toMatch(/^on ours: exit code 1: .*self-test crash on this engine/);
    expect(outcome.node.failure).toBeUndefined();
  }, 120_000);

  test('a side that runs past its timeout is killed and named', async () => {
    const outcome = await selfTest('hang-ours', 8_000);
    expect(outcome.status).toBe('fail');
    expect(outcome.reason).toBe('on ours: timed out after 8 s');
  }, 120_000);

  test('a workload that compiled no module through WebAssembly fails', async () => {
    const outcome = await selfTest('no-module');
    expect(outcome.reason).toMatch(/on Node: compiled no wasm module through WebAssembly; on ours: compiled no wasm module/);
  }, 120_000);

  test('phase times (DROPIN_PHASES=1): instantiate(bytes) is timed as compile then instantiate, inside the body', async () => {
    process.env.DROPIN_PHASES = '1';
    try {
      const outcome = await selfTest('same');
      expect(outcome.status).toBe('pass');
      for (const side of [outcome.node, outcome.ours]) {
        const phases = side.result!.phases;
        expect(phases.compileNs, side.side).toBeGreaterThan(0);
        expect(phases.instantiateNs, side.side).toBeGreaterThan(0);
        expect(phases.executeNs, side.side).toBeGreaterThanOrEqual(0);
        expect(phases.bodyNs, side.side).toBe(phases.compileNs + phases.instantiateNs + phases.executeNs);
      }
    } finally {
      delete process.env.DROPIN_PHASES;
    }
  }, 120_000);
});
