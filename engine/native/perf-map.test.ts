// Tests of perf's map of JIT code (native/src/perf_map.h): with WASM_LLVM_PERF_MAP=1 every
// function of every loaded image gets a line "<start> <size> <module>::<symbol>" in
// /tmp/perf-<pid>.map, inside the image and without overlaps; without it there is no file.
// Child processes, so that each has a map of its own.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const root = repositoryRoot();

const SCRIPT = `
  const { readFileSync } = await import('node:fs');
  const engine = await import(${JSON.stringify(join(root, 'dist/engine/index.js'))});
  const bytes = new Uint8Array(readFileSync(${JSON.stringify(join(root, 'suites/polybench/wasm/atax.medium.wasm'))}));
  new engine.Module(bytes, { optLevel: 0, codeCache: false });
  process.stdout.write(String(process.pid));
`;

function runChild(environment: Record<string, string>): { pid: number; map: string | undefined } {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8', env: { ...process.env, ...environment } });
  expect(child.status, child.stderr).toBe(0);
  const pid = Number(child.stdout);
  const path = `/tmp/perf-${pid}.map`;
  const map = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  rmSync(path, { force: true });
  return { pid, map };
}

describe('perf map', () => {
  test('WASM_LLVM_PERF_MAP=1 lists every compiled function, named by module and symbol, without overlaps', () => {
    const { map } = runChild({ WASM_LLVM_PERF_MAP: '1' });
    expect(map).toBeDefined();
    const lines = map!.trimEnd().split('\n');
    const entries = lines.map((line) => {
      const match = /^([0-9a-f]+) ([0-9a-f]+) (wasm\d+(?:\.\S+)?::\S+)$/.exec(line);
      expect(match, line).not.toBeNull();
      return { start: BigInt(`0x${match![1]}`), size: BigInt(`0x${match![2]}`), name: match![3] };
    });
    // atax's 30-odd defined functions, each once (wasm_func_<index>), and the trampolines.
    const functions = entries.filter((entry) => /::wasm_func_\d+$/.test(entry.name));
    expect(functions.length).toBeGreaterThan(10);
    expect(new Set(functions.map((entry) => entry.name)).size).toBe(functions.length);
    const sorted = [...entries].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].start >= sorted[i - 1].start + sorted[i - 1].size, `${sorted[i - 1].name} overlaps ${sorted[i].name}`).toBe(true);
    for (const entry of entries) expect(entry.size > 0n).toBe(true);
  }, 60_000);

  test('without the switch there is no map', () => {
    const { map } = runChild({ WASM_LLVM_PERF_MAP: '' });
    expect(map).toBeUndefined();
  }, 60_000);
});
