// Tests of the shape anchors (wasm/shape-anchors.ts, compile/translator-shapes.ts): the tiny
// module is valid and the anchoring runs once without error; and, in child processes that
// translate a module with a full collection between translations, V8 throws away optimised
// translator code because its maps died ("reason: weak objects" under --trace-deopt) when the
// anchors are off, and never when they are on.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validate } from '../index.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';
import { shapeAnchorState } from '../wasm/shape-anchors.js';
import { anchorTranslatorShapes, tinyAnchorModule } from './translator-shapes.js';

const root = repositoryRoot();

/** The "weak objects" --trace-deopt lines of a child translating gemm 12 times, a full collection before each. */
function weakObjectDeopts(anchors: boolean): string[] {
  const script = `
    const { readFileSync } = await import('node:fs');
    const { translateModuleBytes } = await import(${JSON.stringify(join(root, 'dist/engine/translate/module-translator.js'))});
    const { anchorTranslatorShapes } = await import(${JSON.stringify(join(root, 'dist/engine/compile/translator-shapes.js'))});
    const bytes = new Uint8Array(readFileSync(${JSON.stringify(join(root, 'suites/polybench/wasm/gemm.medium.wasm'))}));
    translateModuleBytes(bytes, { unoptimized: true });
    anchorTranslatorShapes();
    globalThis.gc();
    console.log('TRANSLATIONS START');
    for (let i = 0; i < 12; i++) { globalThis.gc(); translateModuleBytes(bytes, { unoptimized: true }); }`;
  const result = spawnSync(process.execPath, ['--expose-gc', '--trace-deopt', '--input-type=module', '-e', script], {
    env: { ...process.env, WASM_LLVM_SHAPE_ANCHORS: anchors ? '1' : '0' },
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  expect(result.status, result.stderr).toBe(0);
  // Only the loop's: the collection before it deoptimises some of Node's own functions
  // (optimised while the modules were imported).
  const loop = result.stdout.slice(result.stdout.indexOf('TRANSLATIONS START'));
  return loop.split('\n').filter((line) => line.includes('reason: weak objects'));
}

describe('shape anchors', () => {
  test('the tiny module is valid, and anchoring runs once and keeps the instances', () => {
    const bytes = tinyAnchorModule();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(validate(bytes)).toBe(true);
    anchorTranslatorShapes();
    const state = shapeAnchorState();
    expect(state.failure).toBeUndefined();
    expect(state.done).toBe(true);
    // Readers, validators, translators, builders, texts, load trackers, environments: dozens.
    expect(state.kept).toBeGreaterThan(20);
    anchorTranslatorShapes();
    expect(shapeAnchorState().kept).toBe(state.kept);
  });

  test('optimised translator code survives full collections with the anchors, and not without', () => {
    expect(weakObjectDeopts(false).length).toBeGreaterThan(0);
    expect(weakObjectDeopts(true)).toEqual([]);
  }, 240_000);
});
