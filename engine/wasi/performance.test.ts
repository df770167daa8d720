// fd_write cost: a program making 100 000 one-byte unbuffered writes (fputc to stderr)
// under node:wasi and ours. Each write is a host system call either way; ours must stay
// within a small factor of node:wasi's C++ (it allocates nothing per call). The bound is
// loose because the machine is shared; the timings are printed for the record.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compileTestPrograms, FLAVOURS, runProgram } from '../../test/wasi/programs/run-program.js';

const WRITES = 100_000;
let buildDirectory: string;
let module: WebAssembly.Module;

beforeAll(async () => {
  buildDirectory = mkdtempSync(join(tmpdir(), 'wasi-perf-'));
  module = (await compileTestPrograms(['many_writes'], buildDirectory)).get('many_writes')!;
});

afterAll(() => rmSync(buildDirectory, { recursive: true, force: true }));

it(`${WRITES} small fd_write calls cost about what node:wasi's do`, () => {
  const best = { 'node:wasi': Infinity, ours: Infinity };
  for (let round = 0; round < 3; round++) {
    for (const flavour of FLAVOURS) {
      const run = runProgram(flavour, module, { args: ['many_writes', String(WRITES)] });
      expect(run.stdout).toBe(`wrote ${WRITES}\n`);
      expect(run.stderr).toHaveLength(WRITES);
      best[flavour] = Math.min(best[flavour], run.milliseconds);
    }
  }
  const perWrite = (ms: number) => ((ms * 1000) / WRITES).toFixed(2);
  console.log(
    `fd_write: node:wasi ${perWrite(best['node:wasi'])} µs/call, ours ${perWrite(best.ours)} µs/call (best of 3)`,
  );
  expect(best.ours).toBeLessThan(4 * best['node:wasi'] + 300);
});
