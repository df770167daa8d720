// Tests of the process-wide entry point (startup/register-entry.ts, registration.ts, and
// register.ts when the engine runs as modules): `node --import wasm-llvm-jit/register`
// replaces globalThis.WebAssembly for the whole process, with compile defaults from the
// environment. Each case runs in a child process, since registration is process-wide.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../test/spec/testsuite-location.js';

const root = repositoryRoot();

/** Runs `script` (an ES module) in a Node process started with `--import wasm-llvm-jit/register`. */
function runRegistered(script: string, environment: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'wasm-llvm-jit/register', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, ...environment },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// (module (memory (export "memory") 1) (func (export "grow") (result i32) i32.const 1 memory.grow)
//         (import "env" "twice" (func $twice (param i32) (result i32)))
//         (func (export "call") (param i32) (result i32) local.get 0 call $twice))
const MODULE_BYTES = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x0a, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f,
  0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00, 0x00,
  0x03, 0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01,
  0x07, 0x18, 0x03, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x04, 0x67, 0x72, 0x6f, 0x77, 0x00, 0x01, 0x04, 0x63, 0x61, 0x6c, 0x6c, 0x00, 0x02,
  0x0a, 0x0f, 0x02, 0x06, 0x00, 0x41, 0x01, 0x40, 0x00, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b,
];

describe('wasm-llvm-jit/register', () => {
  test('makes this engine globalThis.WebAssembly, shaped like V8\'s namespace, for code that knows nothing of it', () => {
    const script = `
      const info = WebAssembly[Symbol.for('wasm-llvm-jit.engine')];
      const bytes = new Uint8Array(${JSON.stringify(MODULE_BYTES)});
      const { module, instance } = await WebAssembly.instantiate(bytes, { env: { twice: (x) => 2 * x } });
      const view = new Uint8Array(instance.exports.memory.buffer);
      const grew = instance.exports.grow();
      console.log(JSON.stringify({
        engine: info?.name,
        tag: Object.prototype.toString.call(WebAssembly),
        enumerable: Object.keys(WebAssembly),
        ownTimings: typeof WebAssembly.Module.timings,
        moduleIsOurs: module instanceof WebAssembly.Module && typeof WebAssembly.Module.timings(module).totalMs,
        call: instance.exports.call(21),
        grew, staleViewLength: view.byteLength, newLength: instance.exports.memory.buffer.byteLength,
        validate: WebAssembly.validate(bytes),
        runtimeError: new WebAssembly.RuntimeError('x') instanceof Error,
        loadedFrom: (await import('wasm-llvm-jit/register')).engineStartup.from,
      }));`;
    const result = runRegistered(script);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      engine: 'wasm-llvm-jit',
      tag: '[object WebAssembly]',
      enumerable: Object.keys(WebAssembly),
      ownTimings: 'function',
      moduleIsOurs: 'number',
      call: 42,
      grew: 1,
      staleViewLength: 0,
      newLength: 131072,
      validate: true,
      runtimeError: true,
      loadedFrom: 'bundle',
    });
  });

  test('WASM_LLVM_BUNDLE=0: the same from the modules', () => {
    const script = `
      const { module, instance } = await WebAssembly.instantiate(new Uint8Array(${JSON.stringify(MODULE_BYTES)}), { env: { twice: (x) => 2 * x } });
      const { engineStartup, nodeWebAssembly } = await import('wasm-llvm-jit/register');
      console.log(JSON.stringify({ engineStartup, call: instance.exports.call(21), ours: typeof WebAssembly.Module.timings, nodeKept: typeof nodeWebAssembly.Module.timings }));`;
    const result = runRegistered(script, { WASM_LLVM_BUNDLE: '0' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ engineStartup: { from: 'modules' }, call: 42, ours: 'function', nodeKept: 'undefined' });
  });

  test('reads compile defaults from the environment; options a caller passes win', () => {
    const api = join(root, 'dist/engine/api/module.js');
    const script = `
      const { compiledModuleOf } = await import(${JSON.stringify(api)});
      const bytes = new Uint8Array(${JSON.stringify(MODULE_BYTES)});
      const byDefault = compiledModuleOf(new WebAssembly.Module(bytes)).optLevel;
      const explicit = compiledModuleOf(await WebAssembly.compile(bytes, { optLevel: 2 })).optLevel;
      const defaults = WebAssembly[Symbol.for('wasm-llvm-jit.engine')].defaults;
      console.log(JSON.stringify({ byDefault, explicit, defaults }));`;
    // The modules (WASM_LLVM_BUNDLE=0), so that compiledModuleOf here sees the registered engine's modules.
    const result = runRegistered(script, { WASM_LLVM_OPT_LEVEL: '0', WASM_LLVM_CPU: 'generic', WASM_LLVM_BUNDLE: '0' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ byDefault: 0, explicit: 2, defaults: { optLevel: 0, cpu: 'generic' } });
  });

  test.each([
    ['WASM_LLVM_OPT_LEVEL', '7'],
    ['WASM_LLVM_CPU', 'pentium'],
    ['WASM_LLVM_EXACT_TRAPS', 'yes'],
    ['WASM_LLVM_TIERING', 'later'],
    ['WASM_LLVM_BASELINE', 'llvm'],
    ['WASM_LLVM_COMPILE_TIMEOUT_MS', '-5'],
  ])('a bad %s (%s) stops the process at start-up with an error naming it', (name, value) => {
    const result = runRegistered('console.log("started")', { [name]: value });
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('started');
    expect(result.stderr).toContain(`${name} must be`);
  });
});
