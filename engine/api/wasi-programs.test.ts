// End-to-end tests: the package's main entry as users import it — compile, instantiate and
// WASI from engine/index.ts — running the benchmark suites' programs (C compiled with
// wasi-libc, suites/*/wasm) with output identical to V8 running them with node:wasi, and to
// the expected outputs committed beside them. A few MINI programs here, at O0 and O2; every
// program and dataset runs through the workbench:
//   node dist/bench/cli.js --suite polybench --dataset medium --engines llvm-O2 --processes 1 --iterations 1
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI as NodeWASI } from 'node:wasi';
import { afterAll, describe, expect, test } from 'vitest';
import { compile, instantiate, Instance, WASI } from '../index.js';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PROGRAMS: Array<[suite: string, name: string]> = [
  ['polybench', 'gemm'],
  ['polybench', 'deriche'],
  ['polybench', 'nussinov'],
  ['shootout', 'nbody'],
  ['shootout', 'hashmap'],
  ['shootout', 'strings'],
];
const directory = mkdtempSync(join(tmpdir(), 'wasi-programs-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const bench = { start: () => {}, end: () => {} };

/** Runs `run` with a WASI whose stdout is a fresh file; returns the output and exit code. */
async function captureStdout(label: string, run: (stdout: number) => Promise<number>): Promise<{ stdout: string; exitCode: number }> {
  const path = join(directory, `${label}.txt`);
  const fd = openSync(path, 'w');
  let exitCode: number;
  try {
    exitCode = await run(fd);
  } finally {
    closeSync(fd);
  }
  return { stdout: readFileSync(path, 'utf8'), exitCode };
}

describe('our engine with our WASI runs the suites\' programs as V8 with node:wasi does', () => {
  for (const [suite, name] of PROGRAMS) {
    const wasmPath = join(root, 'suites', suite, 'wasm', `${name}.mini.wasm`);
    const expectedPath = join(root, 'suites', suite, 'expected', `${name}.mini.txt`);
    test.skipIf(!existsSync(wasmPath))(`${suite}/${name} (mini)`, async () => {
      const bytes = readFileSync(wasmPath);
      const v8 = await captureStdout(`${name}-v8`, async (stdout) => {
        const wasi = new NodeWASI({ version: 'preview1', args: [name], env: {}, stdout, returnOnExit: true });
        const { instance } = await WebAssembly.instantiate(bytes, { ...wasi.getImportObject(), bench } as WebAssembly.Imports);
        return wasi.start(instance);
      });
      const expected = readFileSync(expectedPath, 'utf8');
      expect(v8.stdout).toBe(expected);
      // instantiate(bytes, imports, options) at O0; compile + new Instance at O2.
      const atO0 = await captureStdout(`${name}-O0`, async (stdout) => {
        const wasi = new WASI({ version: 'preview1', args: [name], env: {}, stdout, returnOnExit: true });
        const { instance } = await instantiate(bytes, { ...wasi.getImportObject(), bench }, { optLevel: 0 });
        return wasi.start(instance);
      });
      expect(atO0).toEqual(v8);
      const atO2 = await captureStdout(`${name}-O2`, async (stdout) => {
        const wasi = new WASI({ version: 'preview1', args: [name], env: {}, stdout, returnOnExit: true });
        const instance = new Instance(await compile(bytes, { optLevel: 2 }), { ...wasi.getImportObject(), bench });
        return wasi.start(instance);
      });
      expect(atO2).toEqual(v8);
    });
  }
});
