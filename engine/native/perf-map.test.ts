// Tests of perf's map of JIT code (native/src/perf_map.h): with WASM_LLVM_PERF_MAP=1 every
// function of every loaded image gets a line "<start> <size> <module>::<symbol>" in
// /tmp/perf-<pid>.map, inside the image and without overlaps — LLVM's code (wasm<n>...::),
// the baseline compiler's (baseline<n>::) and the machine-code trampolines (trampolines::);
// without it there is no file. Child processes, so that each has a map of its own.

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
  if (process.env.PERF_MAP_TEST_TIERED === '1') {
    // A lazily compiled module's baseline code, made by running the program.
    const { openSync } = await import('node:fs');
    const module = new engine.Module(bytes, { tiering: 'tiered', codeCache: false });
    const wasi = new engine.WASI({ version: 'preview1', args: ['atax'], env: {}, stdout: openSync('/dev/null', 'w'), stderr: 2, returnOnExit: true });
    const instance = new engine.Instance(module, { ...wasi.getImportObject(), bench: { start() {}, end() {} } });
    if (wasi.start(instance) !== 0) throw new Error('atax failed');
  }
  process.stdout.write(String(process.pid));
`;

interface MapEntry {
  start: bigint;
  size: bigint;
  name: string;
}

/** The map's lines, each checked for its shape, and that no two entries overlap and none is empty. */
function parseMap(map: string): MapEntry[] {
  const entries = map.trimEnd().split('\n').map((line) => {
    const match = /^([0-9a-f]+) ([0-9a-f]+) ((?:wasm\d+(?:\.\S+)?|baseline\d+|trampolines)::\S+)$/.exec(line);
    expect(match, line).not.toBeNull();
    return { start: BigInt(`0x${match![1]}`), size: BigInt(`0x${match![2]}`), name: match![3] };
  });
  const sorted = [...entries].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) expect(sorted[i].start >= sorted[i - 1].start + sorted[i - 1].size, `${sorted[i - 1].name} overlaps ${sorted[i].name}`).toBe(true);
  for (const entry of entries) expect(entry.size > 0n).toBe(true);
  return entries;
}

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
    const entries = parseMap(map!);
    // atax's 30-odd defined functions, each once (wasm_func_<index>), and the trampolines.
    const functions = entries.filter((entry) => /^wasm\d+.*::wasm_func_\d+$/.test(entry.name));
    expect(functions.length).toBeGreaterThan(10);
    expect(new Set(functions.map((entry) => entry.name)).size).toBe(functions.length);
  }, 60_000);

  test('the baseline compiler\'s code and the machine-code trampolines are named too', () => {
    const { map } = runChild({ WASM_LLVM_PERF_MAP: '1', PERF_MAP_TEST_TIERED: '1' });
    expect(map).toBeDefined();
    const entries = parseMap(map!);
    // The units atax's run called, each function once; _start among them.
    const baseline = entries.filter((entry) => /^baseline\d+::wasm_func_\d+$/.test(entry.name));
    expect(baseline.length).toBeGreaterThan(3);
    expect(new Set(baseline.map((entry) => entry.name.replace(/^baseline\d+::/, ''))).size).toBe(baseline.length);
    expect(entries.some((entry) => /^trampolines::entry\(/.test(entry.name))).toBe(true);
  }, 60_000);

  test('without the switch there is no map', () => {
    const { map } = runChild({ WASM_LLVM_PERF_MAP: '' });
    expect(map).toBeUndefined();
  }, 60_000);
});
