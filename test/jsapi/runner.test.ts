// Unit tests: the JS API conformance runner (runner.ts, run-one.ts) on test files written
// here, in a temporary copy of the tests' layout whose harness is a link to the real
// testharness.js: results are collected per subtest, META scripts load first, and a file
// that hangs, crashes its process or never completes costs only itself, with what it had
// reported kept. Needs the build (dist/test/jsapi/run-one.js) and the JS API tests.

import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { repositoryRoot } from '../spec/testsuite-location.js';
import { compareFile, formatTable, runFile } from './runner.js';
import { harnessPath, jsApiUnavailableReason, listConformanceFiles, readMeta } from './suite-location.js';

const unavailable =
  jsApiUnavailableReason() ??
  (existsSync(join(repositoryRoot(), 'dist', 'test', 'jsapi', 'run-one.js')) ? undefined : 'dist/test/jsapi/run-one.js is not built (run tsc -b)');

const FILES: Record<string, string> = {
  'helper.js': 'var helperValue = 42;\n',
  'basic.any.js': [
    '// META: script=/wasm/jsapi/helper.js',
    'test(() => assert_equals(helperValue, 42), "META script loaded first");',
    'test(() => assert_equals(1, 2), "a failure");',
    'promise_test(async () => { await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); }, "async pass");',
    'test(() => assert_true(typeof WebAssembly.Module.timings === "function"), "sees our namespace");',
  ].join('\n'),
  'hang.any.js': 'test(() => {}, "before the hang");\npromise_test(() => { for (;;) {} }, "hangs");\n',
  'crash.any.js': 'test(() => {}, "before the crash");\npromise_test(async () => { process.kill(process.pid, "SIGKILL"); }, "crashes");\n',
  'never.any.js': 'test(() => {}, "settles");\npromise_test(() => new Promise(() => {}), "never settles");\n',
  'throws.any.js': 'test(() => {}, "defined before");\nthrow new Error("top-level error");\n',
  'proposal.tentative.any.js': 'test(() => {}, "skipped");\n',
  'memory/grow-memory64.any.js': 'test(() => {}, "skipped");\n',
};

describe.skipIf(unavailable !== undefined)('the JS API conformance runner', () => {
  const directory = mkdtempSync(join(tmpdir(), 'jsapi-runner-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  if (unavailable === undefined) {
    mkdirSync(join(directory, 'harness'));
    symlinkSync(harnessPath(), join(directory, 'harness', 'testharness.js'));
    mkdirSync(join(directory, 'js-api', 'memory'), { recursive: true });
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(directory, 'js-api', name), text);
  }

  test('lists .any.js files but proposals and memory64; reads META scripts', () => {
    expect(listConformanceFiles(directory)).toEqual(['basic.any.js', 'crash.any.js', 'hang.any.js', 'never.any.js', 'throws.any.js']);
    expect(readMeta('basic.any.js', directory).scripts).toEqual([join(directory, 'js-api', 'helper.js')]);
  });

  test('collects every subtest on each engine, and compares them', async () => {
    const [node, ours] = await Promise.all([runFile('basic.any.js', 'node', { directory }), runFile('basic.any.js', 'ours', { directory })]);
    expect(ours.outcome).toBe('complete');
    expect(ours.problems).toEqual([]);
    // In the order they finish: synchronous tests as they run, promise tests afterwards.
    expect(ours.subtests.map((s) => [s.name, s.status])).toEqual([
      ['META script loaded first', 'PASS'],
      ['a failure', 'FAIL'],
      ['sees our namespace', 'PASS'],
      ['async pass', 'PASS'],
    ]);
    expect(node.subtests.find((s) => s.name === 'sees our namespace')?.status).toBe('FAIL');
    const comparison = compareFile('basic.any.js', node, ours);
    expect(comparison).toMatchObject({ total: 4, nodePassed: 2, oursPassed: 3, divergences: [], oursOnly: ['sees our namespace'] });
    expect(formatTable([comparison], [node, ours])).toMatch(/basic\.any\.js\s+2\s+3\s+4/);
  });

  test('a hang is killed at the time limit; the results before it are kept', async () => {
    const run = await runFile('hang.any.js', 'ours', { directory, timeoutMs: 1_500 });
    expect(run.outcome).toBe('timeout');
    expect(run.subtests.map((s) => s.name)).toEqual(['before the hang']);
    expect(run.problems.join()).toMatch(/time limit of 1.5 s/);
  });

  test('a crash of the child is reported, not thrown; the results before it are kept', async () => {
    const run = await runFile('crash.any.js', 'ours', { directory });
    expect(run.outcome).toBe('crash');
    expect(run.subtests.map((s) => s.name)).toEqual(['before the crash']);
    expect(run.problems.join()).toMatch(/signal SIGKILL/);
  });

  test('a promise that never settles ends the file as incomplete', async () => {
    const run = await runFile('never.any.js', 'ours', { directory });
    expect(run.outcome).toBe('incomplete');
    expect(run.subtests.map((s) => [s.name, s.status])).toEqual([['settles', 'PASS']]);
  });

  test('a top-level exception is reported; the tests defined before it still run', async () => {
    const run = await runFile('throws.any.js', 'ours', { directory });
    expect(run.outcome).toBe('complete');
    expect(run.subtests.map((s) => [s.name, s.status])).toEqual([['defined before', 'PASS']]);
    expect(run.problems.join()).toMatch(/top-level error/);
  });
});
