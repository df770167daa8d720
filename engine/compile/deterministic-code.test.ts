// Tests of parallel code generation (engine/native/src/llvm_compiler.cc, EmitObjects; off unless
// WASM_LLVM_CODEGEN_PARTS is set, which these tests do): the
// machine code is the same whatever the number of compile threads (the parts depend on the
// module only), a module split into parts runs as the unsplit one does, and many compiles
// at once, each generating its parts on several threads, all finish with correct code.
// The object files are compared through the code cache, whose entries hold them.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Instance, Module, compile } from '../index.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';
import { manySmallFunctions } from '../../tools/hostile/hostile-modules.js';

const root = repositoryRoot();
const directories: string[] = [];
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

/** Compiles `wasmPath` at `optLevel` in a child process with `environment`; the SHA-256 of the cached object code and the part count. */
function compileInChild(wasmPath: string, optLevel: number, environment: Record<string, string>): { digest: string; parts: number } {
  const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-determinism-'));
  directories.push(directory);
  const script = `
    const { Module } = await import(${JSON.stringify(join(root, 'dist/engine/index.js'))});
    const { readFileSync } = await import('node:fs');
    const module = new Module(readFileSync(${JSON.stringify(wasmPath)}), { optLevel: ${optLevel}, codeCache: { directory: ${JSON.stringify(directory)} } });
    console.log(Module.timings(module).codegenParts);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...environment },
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect(result.status, result.stderr).toBe(0);
  const entries = readdirSync(directory).flatMap((shard) => readdirSync(join(directory, shard)).map((file) => join(directory, shard, file)));
  expect(entries).toHaveLength(1);
  return { digest: createHash('sha256').update(readFileSync(entries[0])).digest('hex'), parts: Number(result.stdout.trim()) };
}

describe('parallel code generation', () => {
  const wasm = join(root, 'suites/polybench/wasm/gemm.medium.wasm');

  test.each([0, 2])('the same machine code with 1, 2 and 4 compile threads at O%i', (optLevel) => {
    const one = compileInChild(wasm, optLevel, { WASM_LLVM_COMPILE_THREADS: '1', WASM_LLVM_CODEGEN_PARTS: 'auto' });
    const two = compileInChild(wasm, optLevel, { WASM_LLVM_COMPILE_THREADS: '2', WASM_LLVM_CODEGEN_PARTS: 'auto' });
    const four = compileInChild(wasm, optLevel, { WASM_LLVM_COMPILE_THREADS: '4', WASM_LLVM_CODEGEN_PARTS: 'auto' });
    expect(one.parts).toBeGreaterThan(1);
    expect(two).toEqual(one);
    expect(four).toEqual(one);
  }, 600_000);

  test('a module split into eight parts computes what the unsplit module computes', () => {
    const bytes = manySmallFunctions(3_000); // f(i)(x) = f(i-1)(x) + i: a chain of calls across parts
    const results: number[][] = [];
    for (const parts of ['1', '8']) {
      process.env.WASM_LLVM_CODEGEN_PARTS = parts;
      try {
        for (const optLevel of [0, 2] as const) {
          const module = new Module(bytes, { optLevel });
          // (At O2 the chain is inlined into one function, so its parts but one are empty and dropped.)
          if (optLevel === 0) expect(Module.timings(module).codegenParts).toBe(Number(parts));
          const f = Object.values(new Instance(module).exports)[0] as (x: number) => number;
          results.push([f(5), f(-7)]);
        }
      } finally {
        delete process.env.WASM_LLVM_CODEGEN_PARTS;
      }
    }
    const expected = [5 + (2_999 * 3_000) / 2, -7 + (2_999 * 3_000) / 2];
    expect(results).toEqual([expected, expected, expected, expected]);
  }, 120_000);

  test('24 compiles at once, each in parts on several threads, all give working code', async () => {
    const bytes = readFileSync(wasm);
    process.env.WASM_LLVM_CODEGEN_PARTS = 'auto';
    let modules: Module[];
    try {
      modules = await Promise.all(Array.from({ length: 24 }, (_, i) => compile(bytes, { optLevel: i % 2 === 0 ? 0 : 2 })));
    } finally {
      delete process.env.WASM_LLVM_CODEGEN_PARTS;
    }
    for (const module of modules) {
      expect(Module.timings(module).codegenParts).toBeGreaterThan(1);
      expect(new Instance(module, { wasi_snapshot_preview1: new Proxy({}, { get: () => () => 0 }), bench: { start: () => {}, end: () => {} } })).toBeInstanceOf(Instance);
    }
  }, 600_000);
});
