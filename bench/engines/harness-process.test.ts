// Tests of the measured processes' environment (harness-process.ts): every engine's process
// gets an environment of the same size, whatever variables the engine sets, so that stack
// addresses do not differ between engines that differ only by a switch.

import { describe, expect, test } from 'vitest';
import { ENGINE_ENVIRONMENT_BYTES, ENVIRONMENT_PADDING_VARIABLE, harnessEnvironment } from './harness-process.js';

/** Bytes the environment block takes in the process: `key=value` and a NUL per variable. */
function environmentBytes(environment: Record<string, string>): number {
  return Object.entries(environment).reduce((sum, [key, value]) => sum + Buffer.byteLength(`${key}=${value}`) + 1, 0);
}

const BASE = { PATH: '/usr/bin:/bin', HOME: '/home/bench', LANG: 'C.UTF-8', UNSET: undefined };

describe('harnessEnvironment', () => {
  test('engines with no variables, one switch or several get environments of one size, holding the base and their own variables', () => {
    const plain = harnessEnvironment(BASE);
    const oneSwitch = harnessEnvironment(BASE, { WASM_LLVM_DISABLE: 'running-extremes' });
    const several = harnessEnvironment(BASE, { WASM_LLVM_DISABLE: 'loop-polls,entry-checks', WASM_LLVM_TIER_UP: 'ä'.repeat(40) });
    expect(environmentBytes(oneSwitch)).toBe(environmentBytes(plain));
    expect(environmentBytes(several)).toBe(environmentBytes(plain));
    expect(environmentBytes(plain)).toBe(environmentBytes(harnessEnvironment({ PATH: BASE.PATH, HOME: BASE.HOME, LANG: BASE.LANG })));
    expect(oneSwitch).toMatchObject({ PATH: BASE.PATH, HOME: BASE.HOME, LANG: BASE.LANG, WASM_LLVM_DISABLE: 'running-extremes' });
    expect('UNSET' in plain).toBe(false);
    // The engine's part is the reserved size above the base.
    const baseBytes = environmentBytes({ PATH: BASE.PATH, HOME: BASE.HOME, LANG: BASE.LANG });
    expect(environmentBytes(plain) - baseBytes).toBe(ENGINE_ENVIRONMENT_BYTES);
  });

  test('a variable the engine overrides keeps the size; a padding inherited from the parent is replaced', () => {
    const base = { ...BASE, WASM_LLVM_DISABLE: 'widening', [ENVIRONMENT_PADDING_VARIABLE]: 'x'.repeat(3000) };
    const overridden = harnessEnvironment(base, { WASM_LLVM_DISABLE: 'running-extremes,widening' });
    const inherited = harnessEnvironment(base);
    expect(overridden.WASM_LLVM_DISABLE).toBe('running-extremes,widening');
    expect(inherited.WASM_LLVM_DISABLE).toBe('widening');
    expect(environmentBytes(overridden)).toBe(environmentBytes(inherited));
  });

  test('an engine environment larger than the reserved size is an error, not a silent difference', () => {
    expect(() => harnessEnvironment(BASE, { WASM_LLVM_DISABLE: 'x'.repeat(ENGINE_ENVIRONMENT_BYTES) })).toThrow(/more than the 1024 reserved/);
  });
});
