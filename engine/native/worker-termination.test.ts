// Tests of the addon inside a worker thread that is being terminated (worker.terminate(), or
// process.exit with the translation worker mid-call): V8 stops JavaScript at once, so an
// argument the addon reads fails, and the TypeError it then throws cannot be thrown. Before the
// build defined NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS, node-addon-api made that a fatal error
// that aborted the whole process (seen in CI: "Error::ThrowAsJavaScriptException napi_throw"
// from submitHandedOffBatch on the translation worker). Now the throw is dropped and the
// worker ends as asked.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const root = repositoryRoot();
const ADDON = join(root, 'engine', 'native', 'build', 'Release', 'wasm_llvm_native.node');

// The worker calls submitHandedOffBatch with a long list of strings whose last entry is not a
// string, over and over: nearly all its time is spent reading that list in C++, where the
// terminate lands; the call would end in a TypeError. Ticket 1 is never handed off, so
// nothing is queued even if a read completes.
const SCRIPT = `
  const { Worker } = await import('node:worker_threads');
  const body = \`
    const addon = require(\${JSON.stringify(${JSON.stringify(ADDON)})});
    const { parentPort } = require('node:worker_threads');
    const list = Array.from({ length: 200000 }, (_, i) => 'symbol' + i);
    list.push(7);
    parentPort.postMessage('ready');
    for (;;) {
      try { addon.submitHandedOffBatch(1, '', list, []); } catch (error) { if (!(error instanceof TypeError)) throw error; }
    }\`;
  let terminated = 0;
  for (let round = 0; round < 40; round++) {
    const worker = new Worker(body, { eval: true, execArgv: [] });
    await new Promise((resolve) => worker.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, 1 + (round % 7) * 3));
    await worker.terminate();
    terminated++;
  }
  process.stdout.write(JSON.stringify({ terminated }));`;

describe('the addon in a worker thread that is being terminated', () => {
  test('a call whose argument read fails mid-terminate does not abort the process', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8', timeout: 120_000 });
    expect(result.stderr).not.toContain('FATAL ERROR');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ terminated: 40 });
  }, 150_000);
});
