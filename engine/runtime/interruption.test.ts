// Regression tests: wasm code can be stopped (api/interruption.ts, execution_limits.cc). A
// worker spinning in `(loop (br 0))` used to make worker.terminate() never resolve and
// process.exit() hang. Covered: worker.terminate() and process.exit() (V8's own interrupt
// word), interruptThread() from another thread (in loops, in loop-free recursion, during a
// host call), withDeadline() (nesting, already expired, dropped requests), the instance
// staying usable, the fallback word when V8's is not used, and a stress run of interrupts
// racing with calls that start and end.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { compiledModuleOf } from '../api/module.js';
import { executionLimitsInfo } from '../native/addon.js';
import { LONG_RUNNING_MODULE } from '../../test/support/sandbox-modules.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workerScript = join(root, 'dist', 'test', 'support', 'wasm-worker.js');
const childScript = join(root, 'dist', 'test', 'support', 'sandbox-child.js');
/** A hang guard, not a performance bound: the point is that these end at all. */
const ENDS_WITHIN_MS = 10_000;

type Fn = (...args: unknown[]) => unknown;
interface Message {
  handle?: number;
  name?: string;
  result?: unknown;
  error?: string;
  done?: boolean;
}

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

/** Starts a worker running `calls` on LONG_RUNNING_MODULE; resolves once it reports its handle. */
async function startWorker(optLevel: 0 | 2, calls: { name: string; args: unknown[]; deadlineMs?: number }[], hostSpinMs = 0) {
  const worker = new Worker(workerScript, { workerData: { text: LONG_RUNNING_MODULE, optLevel, calls, hostSpinMs } });
  workers.push(worker);
  const messages: Message[] = [];
  const finished = new Promise<Message[]>((resolve, reject) => {
    worker.on('message', (message: Message) => {
      messages.push(message);
      if (message.done) resolve(messages);
    });
    worker.on('error', reject);
  });
  const handle = await new Promise<number>((resolve) => worker.once('message', (message: Message) => resolve(message.handle!)));
  return { worker, handle, finished };
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not end within ${ENDS_WITHIN_MS} ms`)), ENDS_WITHIN_MS)),
  ]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function instantiateHere(optLevel: 0 | 2, host: () => void = () => {}): Record<string, Fn> {
  return new ours.Instance(new ours.Module(wat(LONG_RUNNING_MODULE), { optLevel }), { host: { call: host } }).exports as Record<string, Fn>;
}

function outcome(run: () => unknown): string {
  try {
    run();
    return 'returned';
  } catch (error) {
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
  }
}

describe.skipIf(skip !== undefined)('interrupting wasm code', () => {
  test('this Node.js uses V8\'s own interrupt word (so terminate() and exit() reach wasm loops)', () => {
    expect(executionLimitsInfo().interrupts).toBe('v8');
  });

  for (const optLevel of [0, 2] as const) {
    test(`worker.terminate() stops a worker spinning in a loop and one in loop-free recursion (O${optLevel})`, async () => {
      for (const call of [{ name: 'spin', args: [] }, { name: 'fanout', args: [60] }]) {
        const { worker } = await startWorker(optLevel, [call]);
        await sleep(50);
        const exitCode = await withTimeout(worker.terminate(), `terminate() of ${call.name}`);
        expect(exitCode).toBe(1);
      }
    });

    test(`interruptThread() from the main thread ends the worker's call with RuntimeError, and the instance still works (O${optLevel})`, async () => {
      const { handle, finished } = await startWorker(optLevel, [
        { name: 'spin', args: [] },
        { name: 'fanout', args: [60] },
        { name: 'add', args: [2, 3] },
      ]);
      await sleep(30);
      expect(ours.interruptThread(handle)).toBe(true);
      // The second call starts after the first ended: interrupt it too once it runs.
      const interruptLater = setInterval(() => ours.interruptThread(handle), 20);
      try {
        const messages = await withTimeout(finished, 'the interrupted worker');
        expect(messages.filter((m) => m.name !== undefined)).toEqual([
          { name: 'spin', error: 'RuntimeError: interrupted' },
          { name: 'fanout', error: 'RuntimeError: interrupted' },
          { name: 'add', result: 5 },
        ]);
      } finally {
        clearInterval(interruptLater);
      }
    });
  }

  test('an interrupt that arrives during a host call ends the call when the host function returns', async () => {
    const { handle, finished } = await startWorker(2, [{ name: 'work', args: [1_000_000] }], 200);
    await sleep(50); // inside the first host call, which spins for 200 ms
    ours.interruptThread(handle);
    const messages = await withTimeout(finished, 'the worker');
    expect(messages.find((m) => m.name === 'work')).toEqual({ name: 'work', error: 'RuntimeError: interrupted' });
  });

  test('process.exit() ends a process whose worker spins in wasm', () => {
    const result = spawnSync(process.execPath, [childScript, 'exit-with-spinning-worker'], { encoding: 'utf8', timeout: ENDS_WITHIN_MS });
    expect(result.error).toBeUndefined(); // ETIMEDOUT when it hangs
    expect({ status: result.status, stdout: result.stdout.trim() }).toEqual({ status: 0, stdout: '{"exiting":true}' });
  });

  for (const optLevel of [0, 2] as const) {
    test(`withDeadline() interrupts loops and loop-free recursion on this thread; the instance stays usable (O${optLevel})`, () => {
      const e = instantiateHere(optLevel);
      for (const [name, args] of [['spin', []], ['fanout', [60]]] as const) {
        const started = performance.now();
        expect(outcome(() => ours.withDeadline(50, () => e[name](...args)))).toBe('RuntimeError: interrupted: deadline exceeded');
        expect(performance.now() - started).toBeGreaterThanOrEqual(45);
      }
      expect(e.add(20, 22)).toBe(42);
      expect(ours.withDeadline(10_000, () => e.fanout(10))).toBeGreaterThan(0); // ends before its deadline
      expect(e.fanout(12)).toBeGreaterThan(0); // no deadline left behind
    });
  }

  test('a function compiled by the guarded pipeline (too many locals for the optimiser) is interrupted too', () => {
    const module = new ours.Module(
      wat(`(module (func (export "spin") (local ${'i32 '.repeat(1500)}) (loop (local.set 1000 (i32.add (local.get 1000) (i32.const 1))) (br 0))))`),
      { optLevel: 2 },
    );
    expect([...compiledModuleOf(module).guardedFunctions.keys()]).toEqual([0]);
    const spin = new ours.Instance(module).exports.spin as Fn;
    expect(outcome(() => ours.withDeadline(30, spin))).toBe('RuntimeError: interrupted: deadline exceeded');
  });

  test('deadlines nest (the earliest applies), an expired one refuses new calls, and JavaScript is never interrupted', () => {
    const e = instantiateHere(2);
    expect(outcome(() => ours.withDeadline(10_000, () => ours.withDeadline(30, () => e.spin())))).toBe('RuntimeError: interrupted: deadline exceeded');
    expect(outcome(() => ours.withDeadline(30, () => ours.withDeadline(10_000, () => e.spin())))).toBe('RuntimeError: interrupted: deadline exceeded');
    const log: string[] = [];
    ours.withDeadline(20, () => {
      const until = performance.now() + 40;
      while (performance.now() < until); // JavaScript past the deadline: not interrupted
      log.push(outcome(() => e.add(1, 2))); // but wasm entered after it is refused
    });
    expect(log).toEqual(['RuntimeError: interrupted: deadline exceeded']);
    expect(() => ours.withDeadline(-1, () => 0)).toThrow(RangeError);
    expect(() => ours.withDeadline(5, 42 as unknown as () => number)).toThrow(TypeError);
  });

  test('a request that finds no wasm running is dropped, not kept for the next call', async () => {
    const e = instantiateHere(2);
    ours.interruptThread(ours.interruptHandle());
    await sleep(10); // JavaScript runs: V8 handles the request with no wasm on the stack
    expect(e.fanout(16)).toBeGreaterThan(0);
    expect(e.add(1, 1)).toBe(2);
  });

  test('the fallback interrupt word (V8\'s not used): interruptThread and deadlines still work', () => {
    const result = spawnSync(process.execPath, [childScript, 'fallback-interrupts'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, WASM_LLVM_DISABLE: 'v8-interrupts' },
    });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, string>;
    expect(report).toEqual({
      interrupts: 'fallback',
      'worker spin': 'RuntimeError: interrupted',
      'worker add': 'returned 5',
      'deadline spin': 'RuntimeError: interrupted: deadline exceeded',
      'deadline fanout': 'RuntimeError: interrupted: deadline exceeded',
      'after': 'returned 3',
    });
  });

  test('stress: interrupts and deadlines racing with calls that start and end leave only the three outcomes', async () => {
    const e = instantiateHere(2);
    // Another thread interrupts this one every millisecond while it makes short calls.
    const stopFlag = new SharedArrayBuffer(4);
    const hammer = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const { interruptThread } = require(workerData.addon);
       const stop = new Int32Array(workerData.stop);
       let sent = 0;
       while (Atomics.load(stop, 0) === 0) { interruptThread(workerData.handle); sent++; Atomics.wait(stop, 0, 0, 1); }
       parentPort.postMessage(sent);`,
      { eval: true, workerData: { handle: ours.interruptHandle(), stop: stopFlag, addon: join(root, 'engine', 'native', 'build', 'Release', 'wasm_llvm_native.node') } },
    );
    workers.push(hammer);
    const sent = new Promise<number>((resolve) => hammer.once('message', resolve));
    const seen = new Map<string, number>();
    const until = performance.now() + 2000;
    let round = 0;
    while (performance.now() < until) {
      const kind = round++ % 3;
      const result = outcome(() =>
        kind === 0 ? e.fanout(14) : kind === 1 ? ours.withDeadline(1, () => e.spin()) : ours.withDeadline(5, () => e.fanout(18)),
      );
      seen.set(result, (seen.get(result) ?? 0) + 1);
      if (round % 50 === 0) await sleep(0); // let V8 run the interrupt callbacks between calls too
    }
    Atomics.store(new Int32Array(stopFlag), 0, 1);
    Atomics.notify(new Int32Array(stopFlag), 0);
    expect(await withTimeout(sent, 'the interrupting thread')).toBeGreaterThan(100);
    const allowed = new Set(['returned', 'RuntimeError: interrupted', 'RuntimeError: interrupted: deadline exceeded']);
    expect([...seen.keys()].filter((key) => !allowed.has(key))).toEqual([]);
    expect(seen.get('RuntimeError: interrupted: deadline exceeded') ?? 0).toBeGreaterThan(0);
    expect(seen.get('RuntimeError: interrupted') ?? 0).toBeGreaterThan(0);
    expect(e.add(2, 2)).toBe(4);
  });
});
