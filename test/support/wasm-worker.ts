// Stage: test support. A worker thread that instantiates a module given as WebAssembly text
// and calls its exports in order, for the sandbox tests: it posts { handle } (its
// interruptHandle) once instantiated, then { name, result } or { name, error } per call,
// ({ name, outcomes } for a repeated call), then { done }. Imports: "host.call" posts { host } and runs `hostSpinMs` of JavaScript.

import { parentPort, workerData } from 'node:worker_threads';
import * as ours from '../../engine/index.js';
import { wat } from './wat.js';

interface Call {
  readonly name: string;
  readonly args: readonly unknown[];
  /** Run the call under withDeadline(deadlineMs). */
  readonly deadlineMs?: number;
  /** Call again and again for this long; post { name, outcomes: { [outcome]: count } }. */
  readonly repeatForMs?: number;
}

interface WorkerInput {
  readonly text: string;
  readonly optLevel: 0 | 1 | 2 | 3;
  readonly calls: readonly Call[];
  readonly hostSpinMs?: number;
}

const input = workerData as WorkerInput;
const port = parentPort!;
const imports = {
  host: {
    call: () => {
      const until = performance.now() + (input.hostSpinMs ?? 0);
      while (performance.now() < until);
    },
  },
};
const instance = new ours.Instance(new ours.Module(wat(input.text), { optLevel: input.optLevel }), imports);
port.postMessage({ handle: ours.interruptHandle() });
function describe(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}

for (const call of input.calls) {
  const fn = instance.exports[call.name] as (...args: unknown[]) => unknown;
  if (call.repeatForMs !== undefined) {
    const outcomes: Record<string, number> = {};
    const until = performance.now() + call.repeatForMs;
    while (performance.now() < until) {
      let result: string;
      try {
        result = `returned ${String(fn(...call.args))}`;
      } catch (error) {
        result = describe(error);
      }
      outcomes[result] = (outcomes[result] ?? 0) + 1;
    }
    port.postMessage({ name: call.name, outcomes });
    continue;
  }
  try {
    const run = (): unknown => fn(...call.args);
    const result = call.deadlineMs === undefined ? run() : ours.withDeadline(call.deadlineMs, run);
    port.postMessage({ name: call.name, result });
  } catch (error) {
    port.postMessage({ name: call.name, error: describe(error) });
  }
}
port.postMessage({ done: true });
