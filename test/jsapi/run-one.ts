// Stage: conformance tests (JS API). The child process that runs one test file of the
// WebAssembly JS API tests against one implementation of the namespace:
//
//   node dist/test/jsapi/run-one.js ours|node <path relative to js-api/>
//
// `ours` puts this engine's namespace (engine/api/namespace.ts) in place of the global
// `WebAssembly`, with the descriptor a global has ({ writable, configurable }, not
// enumerable); `node` keeps Node's own. Then testharness.js, the file's META scripts and the
// file itself run as classic scripts (node:vm, in this process's global context, so their
// top-level declarations are shared as in a browser) in one synchronous turn, and every
// subtest result is printed as one line, `@@jsapi {json}`, as soon as it is known; a last
// line reports the harness's completion (or why it did not complete). The parent (runner.ts)
// enforces the time limit and survives any crash.
//
// Why this process's own context and not a fresh vm context: the tests compare thrown
// errors and returned objects by identity with their realm's intrinsics (assert_throws_js
// checks `e.constructor === TypeError`, assert_Instance checks `Object.getPrototypeOf(
// memory.buffer) === ArrayBuffer.prototype`). Our engine, its addon and its ArrayBuffers live
// in the realm that loaded them, so the tests must run in that realm; a fresh child process
// per file gives the isolation a fresh context would.

import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { HARNESS_STATUSES, RESULT_MARKER, TEST_STATUSES } from './protocol.js';
import { harnessPath, jsApiTestsDirectory, readMeta } from './suite-location.js';

interface HarnessTest {
  name: string;
  status: number;
  message: string | null;
}

interface HarnessStatus {
  status: number;
  message: string | null;
}

type Harness = {
  add_result_callback(callback: (test: HarnessTest) => void): void;
  add_completion_callback(callback: (tests: HarnessTest[], status: HarnessStatus) => void): void;
};

/** One line to the parent, written synchronously so that a crash right after loses nothing. */
function emit(record: Record<string, unknown>): void {
  writeSync(1, `${RESULT_MARKER}${JSON.stringify(record)}\n`);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'an exception that cannot be printed';
  }
}

function runScript(path: string): void {
  new Script(readFileSync(path, 'utf8'), { filename: path }).runInThisContext();
}

async function main(): Promise<void> {
  const [engine, relativePath] = process.argv.slice(2);
  if ((engine !== 'ours' && engine !== 'node') || relativePath === undefined) {
    console.error('usage: node dist/test/jsapi/run-one.js ours|node <test file relative to js-api/>');
    process.exit(2);
  }
  const directory = jsApiTestsDirectory();
  const meta = readMeta(relativePath, directory);

  if (engine === 'ours') {
    const { WebAssembly: ours } = await import('../../engine/index.js');
    Object.defineProperty(globalThis, 'WebAssembly', { value: ours, writable: true, enumerable: false, configurable: true });
  }

  emit({ type: 'start', engine, ours: typeof (globalThis.WebAssembly.Module as { timings?: unknown }).timings === 'function' });

  let completed = false;
  process.on('uncaughtException', (error) => emit({ type: 'error', message: `uncaught exception: ${describeError(error)}` }));
  // Browsers report an unhandled rejection and go on; so do we (Node would exit).
  process.on('unhandledRejection', (reason) => emit({ type: 'unhandled-rejection', message: describeError(reason) }));
  process.on('beforeExit', () => {
    if (completed) return;
    completed = true;
    emit({ type: 'incomplete', message: 'the event loop emptied before the harness completed (a promise never settled)' });
    process.exit(0);
  });

  // testharness.js takes `self` as its global scope; with no document or worker scope it
  // picks its shell environment (no per-test timeouts; the parent's limit applies).
  (globalThis as { self?: unknown }).self = globalThis;
  runScript(harnessPath(directory));
  const harness = globalThis as unknown as Harness;
  harness.add_result_callback((test) => {
    emit({ type: 'result', name: test.name, status: TEST_STATUSES[test.status] ?? `status ${test.status}`, message: test.message ?? null });
  });
  harness.add_completion_callback((_tests, status) => {
    if (completed) return;
    completed = true;
    emit({
      type: 'complete',
      status: HARNESS_STATUSES[status.status] ?? `status ${status.status}`,
      message: status.message ?? null,
      maxRssKiB: process.resourceUsage().maxRSS,
    });
    process.exit(0);
  });
  try {
    for (const script of meta.scripts) runScript(script);
    runScript(join(directory, 'js-api', relativePath));
  } catch (error) {
    // As a browser would: the error is reported, the tests defined so far still run.
    emit({ type: 'error', message: `uncaught exception while loading: ${describeError(error)}` });
  }
}

main().catch((error: unknown) => {
  emit({ type: 'error', message: `runner failure: ${describeError(error)}` });
  process.exit(1);
});
