// Tests of module serialization (serialization.ts, compile/module-serialization.ts): a
// round trip runs the same code without compiling, in this process and in another one;
// bytes that were damaged, or written for other options, are refused with a CompileError
// and never linked; a module that did not keep its object code says how to make it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CompileError, Instance, Module, deserializeModule, serializeModule } from '../index.js';
import { nestedIfElseValues } from '../../tools/hostile/hostile-modules.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-serialize-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function f0(module: Module): (x: number) => number {
  return new Instance(module).exports.f0 as (x: number) => number;
}

describe('serializeModule / deserializeModule', () => {
  const bytes = nestedIfElseValues(1_500); // one guarded function: two object files

  test('a round trip runs the same code and compiles nothing', () => {
    const module = new Module(bytes, { optLevel: 2, serializable: true });
    const serialized = serializeModule(module);
    const restored = deserializeModule(serialized);
    expect(restored).toBeInstanceOf(Module);
    expect(Module.timings(restored).irEmitMs).toBe(0);
    expect(Module.timings(restored).codegenMs).toBe(0);
    expect(Module.exports(restored)).toEqual(Module.exports(module));
    expect(f0(restored)(7)).toBe(7 + 1_500);
    expect(serializeModule(restored)).toEqual(serialized);
  });

  test('a module compiled without serializable: a TypeError that says how', () => {
    expect(() => serializeModule(new Module(bytes, { optLevel: 0 }))).toThrow(/serializable: true/);
  });

  test.each([
    ['not a serialized module', (data: Uint8Array) => new Uint8Array(data.length).fill(7)],
    ['truncated', (data: Uint8Array) => data.subarray(0, data.length - 50)],
    ['a flipped bit in the object code', (data: Uint8Array) => flip(data, data.length - 300)],
    ['a flipped bit in the wasm bytes', (data: Uint8Array) => flip(data, 40)],
    ['written for other options', (data: Uint8Array) => new Uint8Array(Buffer.from(Buffer.from(data).toString('latin1').replace('optLevel=2', 'optLevel=1'), 'latin1'))],
  ])('bytes %s are refused with a CompileError', (_label, damage) => {
    const serialized = serializeModule(new Module(bytes, { optLevel: 2, serializable: true }));
    expect(() => deserializeModule(damage(serialized))).toThrow(CompileError);
  });

  test('another process reads what this build wrote', () => {
    const file = join(directory, 'module.bin');
    const engine = JSON.stringify(join(repositoryRoot(), 'dist/engine/index.js'));
    const hostile = JSON.stringify(join(repositoryRoot(), 'dist/tools/hostile/hostile-modules.js'));
    const write = `
      const { Module, serializeModule } = await import(${engine});
      const { nestedIfElseValues } = await import(${hostile});
      const { writeFileSync } = await import('node:fs');
      writeFileSync(${JSON.stringify(file)}, serializeModule(new Module(nestedIfElseValues(1500), { serializable: true })));`;
    const read = `
      const { Instance, Module, deserializeModule } = await import(${engine});
      const { readFileSync } = await import('node:fs');
      const module = deserializeModule(readFileSync(${JSON.stringify(file)}));
      console.log(new Instance(module).exports.f0(3), Module.timings(module).optimizeMs);`;
    for (const script of [write, read]) {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
      expect(result.status, result.stderr).toBe(0);
      if (script === read) expect(result.stdout.trim()).toBe(`${3 + 1_500} 0`);
    }
    // This process runs the engine from source, another build: it must refuse the bytes.
    expect(() => deserializeModule(readFileSync(file))).toThrow(/another engine build/);
  });
});

function flip(data: Uint8Array, offset: number): Uint8Array {
  const copy = new Uint8Array(data);
  copy[offset] ^= 0x04;
  return copy;
}
