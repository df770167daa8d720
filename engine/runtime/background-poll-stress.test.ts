// Stress test of tiered execution on worker threads that are terminated at any moment (the
// background poll, runtime/lazy-calls.ts and native NotifyBackgroundWorkDone, among the rest):
// tiered programs run on workers with thresholds low enough that tier-up and OSR compiles
// are in flight all the time (5,000 counts, where the background poll installs code, and
// 200, where tier-up calls take nearly every compile first), and each worker is terminated
// at another moment — so compile threads finish and notify threads that are mid-check,
// mid-poll or gone, and bindings run while Node-API refuses every call. In a child process
// (a crash must fail the test, not vitest): no worker may bring the process down, and
// afterwards the same programs, on the main thread, print the expected output; the same with
// eager O2 compiles (workers terminated while LLVM compiles, links or runs the code). It
// found a crash that predates the poll: 3 runs in 8 died (SIGSEGV, or node-addon-api's
// fatal error) in a baseline-compiler binding of a worker being terminated
// (napi_checked.h; docs/RATIONALE.md "Why check every Node-API status in the bindings?").

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { directBaselineSupported } from '../baseline/baseline-unit.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const root = repositoryRoot();
const entry = join(root, 'dist', 'engine', 'index.js');
const skip = !existsSync(entry) ? 'the engine is not built (dist/)' : !directBaselineSupported() ? 'this CPU lacks a feature the baseline needs' : undefined;

const PROGRAMS = ['hashmap', 'chacha20', 'keccak', 'nbody'];

/** Runs `name` (tiered or eager: STRESS_TIERING) with WASI, stdout into a file; returns the output. */
const RUN_PROGRAM = `
  const { closeSync, openSync, readFileSync } = await import('node:fs');
  const engine = await import(${JSON.stringify(entry)});
  let polls = 0;
  async function runProgram(name, outPath) {
    const bytes = readFileSync(${JSON.stringify(join(root, 'suites', 'shootout', 'wasm'))} + '/' + name + '.small.wasm');
    const fd = openSync(outPath, 'w');
    try {
      const wasi = new engine.WASI({ version: 'preview1', args: [name], env: {}, stdout: fd, returnOnExit: true });
      const module = new engine.Module(bytes, { optLevel: 2, tiering: process.env.STRESS_TIERING });
      const instance = new engine.Instance(module, { ...wasi.getImportObject(), bench: { start() {}, end() {} } });
      wasi.start(instance);
      polls += engine.Module.timings(module).lazy?.installsByPoll ?? 0;
    } finally {
      closeSync(fd);
    }
    return readFileSync(outPath, 'utf8');
  }
`;

const CHILD = `
  const { Worker } = await import('node:worker_threads');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  ${RUN_PROGRAM}
  const directory = mkdtempSync(tmpdir() + '/background-poll-stress-');
  const programs = ${JSON.stringify(PROGRAMS)};
  const workerSource = ${JSON.stringify(`
    const { workerData, parentPort } = await import('node:worker_threads');
    ${RUN_PROGRAM}
    parentPort.postMessage('started');
    for (let round = 0; ; round++) {
      await runProgram(workerData.name, workerData.out + '-' + round);
      parentPort.postMessage(polls);
    }
  `)};
  let terminated = 0;
  const workerPolls = [];
  // Terminated 0-60 ms after it started (odd workers) or after its first round (even ones):
  // during compiles, OSR transfers and polls.
  for (let i = 0; i < 24; i++) {
    const name = programs[i % programs.length];
    const worker = new Worker(workerSource, { eval: true, workerData: { name, out: directory + '/w' + i } });
    await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    const firstRound = new Promise((resolve) => worker.on('message', (count) => { workerPolls[i] = count; resolve(); }));
    if (i % 2 === 0) await firstRound;
    await new Promise((resolve) => setTimeout(resolve, (i * 7) % 61));
    await worker.terminate();
    terminated++;
  }
  const outputs = {};
  for (const name of programs) outputs[name] = await runProgram(name, directory + '/main-' + name);
  rmSync(directory, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ terminated, outputs, workerPolls: workerPolls.reduce((a, b) => a + (b ?? 0), 0), mainPolls: polls }));
`;

describe.skipIf(skip !== undefined)('the background poll with workers terminated at any moment', () => {
  test.each([
    ['tiered', '5000'],
    ['tiered', '200'],
    ['eager', '-'],
  ])('%s, threshold %s: no crash, and the programs still print their expected output', (tiering, threshold) => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, STRESS_TIERING: tiering, ...(threshold === '-' ? {} : { WASM_LLVM_TIER_UP_THRESHOLD: threshold }), WASM_LLVM_TIER_UP_PAYOFF: '0', WASM_LLVM_UNIT_BYTES: '1' },
    });
    expect(child.status, `signal ${child.signal}: ${child.stderr}`).toBe(0);
    const { terminated, outputs, workerPolls, mainPolls } = JSON.parse(child.stdout) as { terminated: number; outputs: Record<string, string>; workerPolls: number; mainPolls: number };
    expect(terminated).toBe(24);
    // At 5,000 the poll did install code in the workers' finished rounds (on the main thread,
    // runtime/background-poll.test.ts shows it deterministically).
    if (tiering === 'tiered' && threshold === '5000') expect(workerPolls, `main thread: ${mainPolls}`).toBeGreaterThan(0);
    for (const name of PROGRAMS) {
      expect(outputs[name], name).toBe(readFileSync(join(root, 'suites', 'shootout', 'expected', `${name}.small.txt`), 'utf8'));
    }
  }, 300_000);
});
