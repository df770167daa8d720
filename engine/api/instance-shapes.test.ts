// Tests of the anchor instance (api/instance-shapes.ts): made once per process during the
// first compile that hands IR to the compile threads, not made by a lazy compile (which
// hands none), not made with WASM_LLVM_SHAPE_ANCHORS=0. Child processes: the state is per process.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const root = repositoryRoot();

function anchorStateAfter(compileOptions: object, environment: Record<string, string> = {}): { done: boolean; anchored: boolean; failure: unknown; instantiated: number } {
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
    process.stdout.write(JSON.stringify({ ...state, failure: state.failure === undefined ? undefined : String(state.failure), instantiated: exitCode === 0 ? 1 : 0 }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...environment } });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout);
}

describe('the anchor instance', () => {
  test('is made during the first compile that runs LLVM, without error, and the compiled module runs', () => {
    const state = anchorStateAfter({ optLevel: 0, codeCache: false });
    expect(state).toEqual({ done: true, anchored: true, instantiated: 1 });
  }, 60_000);

  test('is not made by a lazy compile (nothing to overlap with)', () => {
    const state = anchorStateAfter({ tiering: 'lazy', codeCache: false });
    expect(state.done).toBe(false);
    expect(state.instantiated).toBe(1);
  }, 60_000);

  test('is not made with WASM_LLVM_SHAPE_ANCHORS=0', () => {
    const state = anchorStateAfter({ optLevel: 0, codeCache: false }, { WASM_LLVM_SHAPE_ANCHORS: '0' });
    expect(state.anchored).toBe(false);
    expect(state.instantiated).toBe(1);
  }, 60_000);
});
