// Stage: test support. A child process for the sandbox regression tests: runs one scenario
// named on the command line and prints one line of JSON, so that a test sees a crash or a
// hang of the engine as a failed test, not a dead test runner.
//
//   node dist/test/support/sandbox-child.js type-collision
//   node dist/test/support/sandbox-child.js exit-with-spinning-worker
//   WASM_LLVM_DISABLE=v8-interrupts node dist/test/support/sandbox-child.js fallback-interrupts

import { Worker } from 'node:worker_threads';
import * as ours from '../../engine/index.js';
import { executionLimitsInfo } from '../../engine/native/addon.js';
import { LONG_RUNNING_MODULE, TYPE_COLLISION_IMPORTER, TYPE_COLLISION_MODULE } from './sandbox-modules.js';
import { wat } from './wat.js';

type Exports = Record<string, (...args: unknown[]) => unknown>;

function outcome(run: () => unknown): string {
  try {
    run();
    return 'returned';
  } catch (error) {
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
  }
}

function typeCollision(): Record<string, string> {
  const report: Record<string, string> = {};
  for (const optLevel of [0, 1, 2, 3] as const) {
    const victim = new ours.Instance(new ours.Module(wat(TYPE_COLLISION_MODULE), { optLevel }));
    const exports = victim.exports as Exports;
    report[`O${optLevel} callAsA`] = outcome(() => exports.callAsA());
    report[`O${optLevel} callAsB`] = outcome(() => exports.callAsB());
    const importer = new ours.Instance(new ours.Module(wat(TYPE_COLLISION_IMPORTER), { optLevel }), { victim: victim.exports });
    const imported = importer.exports as Exports;
    report[`O${optLevel} importer callAsA`] = outcome(() => imported.callAsA());
    report[`O${optLevel} importer callAsB`] = outcome(() => imported.callAsB());
  }
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(wat(TYPE_COLLISION_MODULE) as Uint8Array<ArrayBuffer>)).exports as unknown as Exports;
  report['V8 callAsA'] = outcome(() => v8.callAsA());
  report['V8 callAsB'] = outcome(() => v8.callAsB());
  return report;
}

/** process.exit() while a worker spins in wasm: the process must end (it hung before). */
async function exitWithSpinningWorker(): Promise<never> {
  const worker = new Worker(new URL('./wasm-worker.js', import.meta.url), {
    workerData: { text: LONG_RUNNING_MODULE, optLevel: 2, calls: [{ name: 'spin', args: [] }] },
  });
  await new Promise((resolve) => worker.once('message', resolve)); // instantiated, about to call
  await new Promise((resolve) => setTimeout(resolve, 100));
  console.log(JSON.stringify({ exiting: true }));
  process.exit(0);
}

/** With WASM_LLVM_DISABLE=v8-interrupts: our own word still serves interruptThread and deadlines. */
async function fallbackInterrupts(): Promise<Record<string, string>> {
  const report: Record<string, string> = { interrupts: executionLimitsInfo().interrupts };
  const worker = new Worker(new URL('./wasm-worker.js', import.meta.url), {
    workerData: { text: LONG_RUNNING_MODULE, optLevel: 2, calls: [{ name: 'spin', args: [] }, { name: 'add', args: [2, 3] }] },
  });
  const messages: { handle?: number; name?: string; result?: unknown; error?: string; done?: boolean }[] = [];
  const done = new Promise<void>((resolve) => worker.on('message', (message) => (messages.push(message), message.done && resolve())));
  while (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 50));
  ours.interruptThread(messages[0].handle!);
  await done;
  for (const message of messages) {
    if (message.name) report[`worker ${message.name}`] = message.error ?? `returned ${String(message.result)}`;
  }
  await worker.terminate();
  const exports = new ours.Instance(new ours.Module(wat(LONG_RUNNING_MODULE), { optLevel: 2 }), { host: { call: () => {} } }).exports as Exports;
  report['deadline spin'] = outcome(() => ours.withDeadline(30, () => exports.spin()));
  report['deadline fanout'] = outcome(() => ours.withDeadline(30, () => exports.fanout(60)));
  report.after = `returned ${String(exports.add(1, 2))}`;
  return report;
}

const scenario = process.argv[2];
switch (scenario) {
  case 'type-collision':
    console.log(JSON.stringify(typeCollision()));
    break;
  case 'exit-with-spinning-worker':
    await exitWithSpinningWorker();
    break;
  case 'fallback-interrupts':
    console.log(JSON.stringify(await fallbackInterrupts()));
    break;
  default:
    console.error(`unknown scenario ${scenario}`);
    process.exit(2);
}
