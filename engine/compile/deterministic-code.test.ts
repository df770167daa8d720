// Tests of compiling in code units (engine/translate/code-units.ts, engine/native/src/
// compile_batch.h): the machine code is the same whatever the number of compile threads (the
// units depend on the module only), a module cut into many units runs as the one-unit
// module does, and many compiles at once — async and sync, some failing in translation or
// cut short by a deadline while others run — all end as they should. The object files are
// compared through the code cache, whose entries hold them. WASM_LLVM_UNIT_BYTES sets the
// unit size (read at each compile).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { CompileError, Instance, Module, compile } from '../index.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';
import { manySmallFunctions } from '../../tools/hostile/hostile-modules.js';

const root = repositoryRoot();
const directories: string[] = [];
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));
afterEach(() => {
  delete process.env.WASM_LLVM_UNIT_BYTES;
});

/** Compiles `wasmPath` at `optLevel` in a child process with `environment`; the SHA-256 of the cached object code and the unit count. */
function compileInChild(wasmPath: string, optLevel: number, environment: Record<string, string>): { digest: string; units: number } {
  const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-determinism-'));
  directories.push(directory);
  const script = `
    const { Module } = await import(${JSON.stringify(join(root, 'dist/engine/index.js'))});
    const { readFileSync } = await import('node:fs');
    const module = new Module(readFileSync(${JSON.stringify(wasmPath)}), { optLevel: ${optLevel}, codeCache: { directory: ${JSON.stringify(directory)} } });
    console.log(Module.timings(module).units);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...environment },
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect(result.status, result.stderr).toBe(0);
  const entries = readdirSync(directory).flatMap((shard) => readdirSync(join(directory, shard)).map((file) => join(directory, shard, file)));
  expect(entries).toHaveLength(1);
  return { digest: createHash('sha256').update(readFileSync(entries[0])).digest('hex'), units: Number(result.stdout.trim()) };
}

const stubImports = { wasi_snapshot_preview1: new Proxy({}, { get: () => () => 0 }), bench: { start: () => {}, end: () => {} } };

describe('code units', () => {
  const wasm = join(root, 'suites/polybench/wasm/gemm.medium.wasm');

  test.each([0, 2])('the same machine code with 1, 2 and 4 compile threads at O%i', (optLevel) => {
    const environment = { WASM_LLVM_UNIT_BYTES: '2000' };
    const one = compileInChild(wasm, optLevel, { ...environment, WASM_LLVM_COMPILE_THREADS: '1' });
    const two = compileInChild(wasm, optLevel, { ...environment, WASM_LLVM_COMPILE_THREADS: '2' });
    const four = compileInChild(wasm, optLevel, { ...environment, WASM_LLVM_COMPILE_THREADS: '4' });
    expect(one.units).toBeGreaterThan(4);
    expect(two).toEqual(one);
    expect(four).toEqual(one);
  }, 600_000);

  test('a module cut into hundreds of units computes what the one-unit module computes', () => {
    const bytes = manySmallFunctions(3_000); // f(i)(x) = f(i-1)(x) + i: a chain of calls across units
    const results: number[][] = [];
    const unitCounts: number[] = [];
    for (const unitBytes of ['100000000', '64']) {
      process.env.WASM_LLVM_UNIT_BYTES = unitBytes;
      for (const optLevel of [0, 2] as const) {
        const module = new Module(bytes, { optLevel });
        unitCounts.push(Module.timings(module).units);
        const f = Object.values(new Instance(module).exports)[0] as (x: number) => number;
        results.push([f(5), f(-7)]);
      }
    }
    const expected = [5 + (2_999 * 3_000) / 2, -7 + (2_999 * 3_000) / 2];
    expect(results).toEqual([expected, expected, expected, expected]);
    // One unit (the trampolines go into the last unit), against hundreds.
    expect(unitCounts.slice(0, 2)).toEqual([1, 1]);
    expect(unitCounts[2]).toBeGreaterThan(300);
    expect(unitCounts[3]).toBe(unitCounts[2]);
  }, 120_000);

  test('24 compiles at once in small units, async and sync, with failures and deadlines among them, all end as they should', async () => {
    process.env.WASM_LLVM_UNIT_BYTES = '2000';
    const bytes = readFileSync(wasm);
    // The same module with its last function body's first byte made invalid: its units
    // before that one are queued when translation fails.
    const broken = new Uint8Array(bytes);
    const damaged = lastBodyCodeStart(broken);
    broken[damaged] = 0xff;
    const jobs: Promise<string>[] = [];
    for (let i = 0; i < 24; i++) {
      const optLevel = i % 2 === 0 ? 0 : 2;
      if (i % 6 === 5) {
        jobs.push(compile(broken, { optLevel }).then(() => 'compiled', (error: unknown) => (error instanceof CompileError ? 'invalid' : String(error))));
      } else if (i % 6 === 4) {
        jobs.push(compile(bytes, { optLevel: 2, compileTimeoutMs: 5 }).then(() => 'compiled in time', (error: unknown) => (error instanceof CompileError && /compileTimeoutMs/.test(error.message) ? 'timed out' : String(error))));
      } else {
        jobs.push(
          compile(bytes, { optLevel }).then((module) => {
            expect(Module.timings(module).units).toBeGreaterThan(4);
            return new Instance(module, stubImports) instanceof Instance ? 'ok' : 'no instance';
          }),
        );
      }
      if (i % 8 === 0) {
        // A synchronous compile while the asynchronous ones hold the compile threads.
        expect(new Instance(new Module(bytes, { optLevel: 0 }), stubImports)).toBeInstanceOf(Instance);
      }
    }
    const outcomes = await Promise.all(jobs);
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(16);
    expect(outcomes.filter((outcome) => outcome === 'invalid')).toHaveLength(4);
    // A 5 ms deadline on an O2 compile of gemm is missed on any machine this runs on.
    expect(outcomes.filter((outcome) => outcome === 'timed out')).toHaveLength(4);
  }, 600_000);
});

/** Offset of the first instruction of the last function body (a minimal code-section walk). */
function lastBodyCodeStart(bytes: Uint8Array): number {
  let position = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[position++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (position < bytes.length) {
    const id = bytes[position++];
    const size = leb();
    const end = position + size;
    if (id !== 10) {
      position = end;
      continue;
    }
    const count = leb();
    let bodyStart = 0;
    for (let i = 0; i < count; i++) {
      const bodySize = leb();
      bodyStart = position;
      position += bodySize;
    }
    position = bodyStart; // after the body's size: its local declarations
    const groups = leb();
    for (let i = 0; i < groups; i++) {
      leb();
      position++;
    }
    return position;
  }
  throw new Error('no code section');
}
