// Tests of the addon's threads that cannot start (native/src/threads.h): with
// WASM_LLVM_DISABLE=thread-start every pthread_create the addon would make fails with EAGAIN,
// as under a process thread or memory limit. Then a compile that needs a compile thread fails
// with a RangeError whose code is WASM_THREAD_START_FAILED (sync, async, and a lazy unit's
// first call: the tiny module of compile/translator-shapes.ts), so does a deadline that needs the timer's thread, the C++ validator does the
// helper threads' share on the calling thread, and the process carries on and exits normally.
// Before, the compile pool and the deadline timer aborted the process.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const root = repositoryRoot();

const SCRIPT = `
  const { readFileSync } = await import('node:fs');
  const engine = await import(${JSON.stringify(join(root, 'dist/engine/index.js'))});
  const { decodeModule } = await import(${JSON.stringify(join(root, 'dist/engine/binary/decode-module.js'))});
  const { validateBodiesInNativeCode } = await import(${JSON.stringify(join(root, 'dist/engine/compile/native-validation.js'))});
  const { tinyAnchorModule } = await import(${JSON.stringify(join(root, 'dist/engine/compile/translator-shapes.js'))});
  const bytes = new Uint8Array(readFileSync(${JSON.stringify(join(root, 'suites/polybench/wasm/gemm.medium.wasm'))}));
  const report = {};
  const outcome = (error) => ({ name: error.constructor.name, code: error.code, message: error.message });
  try { new engine.Module(bytes, { optLevel: 0, codeCache: false }); report.sync = 'compiled'; } catch (error) { report.sync = outcome(error); }
  try { await engine.compile(bytes, { optLevel: 0, codeCache: false }); report.async = 'compiled'; } catch (error) { report.async = outcome(error); }
  try {
    const lazy = new engine.Module(tinyAnchorModule(), { tiering: 'lazy', codeCache: false });
    const instance = new engine.Instance(lazy, { env: { host: (x) => x + 41 } });
    report.lazyCall = instance.exports.walk(0);
  } catch (error) { report.lazyCall = outcome(error); }
  try { engine.withDeadline(1000, () => 0); report.deadline = 'ran'; } catch (error) { report.deadline = outcome(error); }
  // Four validation threads asked for: three helpers that cannot start.
  const graph = validateBodiesInNativeCode(decodeModule(bytes), undefined, 4);
  report.validated = graph !== undefined && graph.starts.length > 0;
  console.log(JSON.stringify(report));`;

function runChild(environment: Record<string, string>): Record<string, unknown> {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    env: { ...process.env, ...environment },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.signal, result.stderr).toBeNull();
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('threads that cannot start', () => {
  test('compiles and deadlines fail with a typed error, validation falls back, the process lives', () => {
    const failed = { name: 'RangeError', code: 'WASM_THREAD_START_FAILED', message: expect.stringMatching(/^cannot start .*thread/) };
    const report = runChild({ WASM_LLVM_DISABLE: 'thread-start' });
    expect(report.sync).toEqual(failed);
    expect(report.async).toEqual(failed);
    expect(report.lazyCall).toEqual(failed);
    expect(report.deadline).toEqual(failed);
    expect(report.validated).toBe(true);
  }, 180_000);

  test('the same script with threads compiles, runs and validates', () => {
    const report = runChild({});
    expect(report).toEqual({ sync: 'compiled', async: 'compiled', lazyCall: 41, deadline: 'ran', validated: true });
  }, 180_000);
});
