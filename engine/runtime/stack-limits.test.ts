// Regression tests: the stack limit is per thread (execution_limits.cc). It used to be one
// process-wide global that every thread's outermost call overwrote: with a worker and the
// main thread running wasm, calls trapped with "call stack exhausted" far from the end of
// their stack, and recursing workers ran past their own stacks. Covered: several threads
// recursing to exhaustion at once while another recurses to a safe depth (no spurious
// trap), small worker stacks, and leaf frames larger than the margin below the limit (no
// entry check guards them; their stack probes fault on the guard page instead).
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { RECURSION_MODULE } from '../../test/support/sandbox-modules.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workerScript = join(root, 'dist', 'test', 'support', 'wasm-worker.js');
const EXHAUSTED = 'RuntimeError: call stack exhausted';

interface Message {
  name?: string;
  result?: unknown;
  error?: string;
  outcomes?: Record<string, number>;
  done?: boolean;
}

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

/** Runs `calls` of RECURSION_MODULE in a new worker; resolves with its messages after the calls. */
function runInWorker(optLevel: 0 | 2, calls: object[], stackSizeMb?: number): Promise<Message[]> {
  const worker = new Worker(workerScript, {
    workerData: { text: RECURSION_MODULE, optLevel, calls },
    ...(stackSizeMb !== undefined ? { resourceLimits: { stackSizeMb } } : {}),
  });
  workers.push(worker);
  const messages: Message[] = [];
  return new Promise((resolve, reject) => {
    worker.on('message', (message: Message) => {
      messages.push(message);
      if (message.done) resolve(messages.filter((m) => m.name !== undefined));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`worker exited with ${code} before finishing`)));
  });
}

describe.skipIf(skip !== undefined)('per-thread stack limits', () => {
  for (const optLevel of [0, 2] as const) {
    test(`threads recursing to exhaustion at once each trap on their own stack, and never a thread that does not (O${optLevel})`, async () => {
      const forMs = 1500;
      const exhausting = [1, 2, 3].map(() => runInWorker(optLevel, [{ name: 'deep', args: [0], repeatForMs: forMs }]));
      const safe = runInWorker(optLevel, [{ name: 'depth', args: [3000], repeatForMs: forMs }]);
      // The main thread recurses too, meanwhile.
      const main = new ours.Instance(new ours.Module(wat(RECURSION_MODULE), { optLevel })).exports as Record<string, (n: number) => number>;
      const mainOutcomes: Record<string, number> = {};
      const until = performance.now() + forMs;
      for (let round = 0; performance.now() < until; round++) {
        let result: string;
        try {
          result = `returned ${main[round % 2 === 0 ? 'deep' : 'depth'](round % 2 === 0 ? 0 : 3000)}`;
        } catch (error) {
          result = String(error);
        }
        mainOutcomes[result] = (mainOutcomes[result] ?? 0) + 1;
      }
      for (const messages of await Promise.all(exhausting)) {
        expect(Object.keys(messages[0].outcomes!)).toEqual([EXHAUSTED]);
      }
      expect(Object.keys((await safe)[0].outcomes!)).toEqual(['returned 3000']);
      expect(Object.keys(mainOutcomes).sort()).toEqual([EXHAUSTED, 'returned 3000']);
    });
  }

  // These take 35-45 s per level under vitest against about 5 s in a plain Node process (the
  // same worker script and module; the cause is not found yet), so they get a longer limit
  // than the default 120 s, which a loaded machine ran past.
  for (const stackSizeMb of [1, 4]) {
    test(`a worker with a ${stackSizeMb} MiB stack: recursion and leaf frames over 300 KiB end in "call stack exhausted"`, { timeout: 400_000 }, async () => {
      for (const optLevel of [0, 2] as const) {
        const messages = await runInWorker(optLevel, [{ name: 'wide', args: [0] }, { name: 'deep', args: [0] }, { name: 'depth', args: [1000] }], stackSizeMb);
        expect(messages).toEqual([
          { name: 'wide', error: EXHAUSTED },
          { name: 'deep', error: EXHAUSTED },
          { name: 'depth', result: 1000 },
        ]);
      }
    });
  }
});
