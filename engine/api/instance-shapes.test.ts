// Tests of the anchor instance (api/instance-shapes.ts): made once per process during the
// first compile that hands IR to the compile threads; after a lazy compile (which hands
// none), made when the event loop turns after the first instantiation; never with the
// switches off. Child processes: the state is per process.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const root = repositoryRoot();

interface AnchorObservation {
  done: boolean;
  anchored: boolean;
  failure: unknown;
  instantiated: number;
  /** The state once the event loop has turned after the instantiation. */
  later: { done: boolean; anchored: boolean };
}

function anchorStateAfter(compileOptions: object, environment: Record<string, string> = {}): AnchorObservation {
  const script = `
    const { readFileSync } = await import('node:fs');
    const engine = await import(${JSON.stringify(join(root, 'dist/engine/index.js'))});
    const { instanceShapeAnchorState } = await import(${JSON.stringify(join(root, 'dist/engine/api/instance-shapes.js'))});
    const bytes = new Uint8Array(readFileSync(${JSON.stringify(join(root, 'suites/polybench/wasm/atax.mini.wasm'))}));
    const module = new engine.Module(bytes, ${JSON.stringify(compileOptions)});
    const state = instanceShapeAnchorState();
    // The user's module still instantiates and runs as usual afterwards.
    const { openSync } = await import('node:fs');
    const wasi = new engine.WASI({ version: 'preview1', args: ['atax'], env: {}, stdout: openSync('/dev/null', 'w'), stderr: 2, returnOnExit: true });
    const instance = new engine.Instance(module, { ...wasi.getImportObject(), bench: { start() {}, end() {} } });
    const exitCode = wasi.start(instance);
    // After the event loop turns (the anchor of a process that compiled only lazily).
    await new Promise((resolve) => setImmediate(resolve));
    const later = instanceShapeAnchorState();
    process.stdout.write(JSON.stringify({ ...state, failure: state.failure === undefined ? undefined : String(state.failure), instantiated: exitCode === 0 ? 1 : 0, later: { done: later.done, anchored: later.anchored } }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...environment } });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout);
}

describe('the anchor instance', () => {
  test('is made during the first compile that runs LLVM, without error, and the compiled module runs', () => {
    const state = anchorStateAfter({ optLevel: 0, codeCache: false });
    expect(state).toEqual({ done: true, anchored: true, instantiated: 1, later: { done: true, anchored: true } });
  }, 60_000);

  test('is not made by a lazy compile (nothing to overlap with), but after the instantiation once the event loop turns', () => {
    const state = anchorStateAfter({ tiering: 'lazy', codeCache: false });
    expect(state.done).toBe(false);
    expect(state.instantiated).toBe(1);
    expect(state.later).toEqual({ done: true, anchored: true });
  }, 60_000);

  test('is not made with WASM_LLVM_SHAPE_ANCHORS=0, nor with WASM_LLVM_DISABLE=instance-anchor', () => {
    for (const environment of [{ WASM_LLVM_SHAPE_ANCHORS: '0' }, { WASM_LLVM_DISABLE: 'instance-anchor' }]) {
      const state = anchorStateAfter({ optLevel: 0, codeCache: false }, environment);
      expect(state.anchored).toBe(false);
      expect(state.later.anchored).toBe(false);
      expect(state.instantiated).toBe(1);
    }
  }, 60_000);
});
