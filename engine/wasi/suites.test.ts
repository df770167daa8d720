// The workbench's benchmark programs (suites/*/wasm/*.mini.wasm, built by the suites'
// build step) under our WASI and under node:wasi, with bench.start/bench.end as no-ops:
// same stdout and exit code, and the suite's expected output where one is recorded.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLAVOURS, runProgram } from '../../test/wasi/programs/run-program.js';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const suitesDirectory = join(repositoryRoot, 'suites');

/** Every suites/<suite>/wasm/<program>.mini.wasm, with its expected output if recorded. */
function findBenchmarkPrograms(): { name: string; wasm: string; expected: string | undefined }[] {
  if (!existsSync(suitesDirectory)) return [];
  const programs = [];
  for (const suite of readdirSync(suitesDirectory).sort()) {
    const wasmDirectory = join(suitesDirectory, suite, 'wasm');
    if (!existsSync(wasmDirectory)) continue;
    for (const file of readdirSync(wasmDirectory).sort()) {
      if (!file.endsWith('.mini.wasm')) continue;
      const expected = join(suitesDirectory, suite, 'expected', basename(file, '.wasm') + '.txt');
      programs.push({
        name: `${suite}/${basename(file, '.mini.wasm')}`,
        wasm: join(wasmDirectory, file),
        expected: existsSync(expected) ? expected : undefined,
      });
    }
  }
  return programs;
}

const programs = findBenchmarkPrograms();
const benchImports = { bench: { start() {}, end() {} } };

describe('benchmark suite programs under our WASI', () => {
  if (programs.length === 0) {
    it('none built yet (suites/*/wasm/*.mini.wasm absent): skipped', ({ skip }) => {
      skip('no suites/*/wasm/*.mini.wasm yet; the suites build step makes them');
    });
    return;
  }
  it.each(programs.map((program) => [program.name, program] as const))('%s', (_name, program) => {
    const module = new WebAssembly.Module(readFileSync(program.wasm));
    const [reference, ours] = FLAVOURS.map((flavour) =>
      runProgram(flavour, module, { args: [basename(program.wasm)], imports: benchImports }),
    );
    expect(ours.trap).toBeUndefined();
    expect(ours.exitCode).toBe(reference.exitCode);
    expect(ours.exitCode).toBe(0);
    expect(ours.stdout).toBe(reference.stdout);
    expect(ours.stderr).toBe(reference.stderr);
    if (program.expected !== undefined) expect(ours.stdout).toBe(readFileSync(program.expected, 'utf8'));
  });
});
