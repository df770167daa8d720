// Stage: performance measurement (`npm run bench:lazy-compile`). Issue 13's comparison of a
// lazy compile() with V8's WebAssembly.validate on the same bytes: `new Module(bytes, {
// tiering: 'lazy', optLevel: 0 })` (decode, validate every body, make the lazy stubs and the
// instance template; no LLVM, no code cache) against `WebAssembly.validate(bytes)`, for the
// real-world suite's modules (bench/suites/realworld.ts) that node_modules holds.
//
// Two ways, both printed as a table with ours / V8 per module and the geometric mean:
// - warm (default): one process; per module one untimed round, then --rounds rounds (7)
//   alternating V8's validate and our compile; medians.
// - --fresh: each module's first call in a new process, for V8 and for us apart (the
//   engine and its addon already loaded, as in an application that compiles one module
//   after start-up); the median of --rounds processes each. Loading the addon (with
//   libLLVM) is timed apart and printed: a process pays it once, V8 never.
// Options: --rounds N, --filter <regex on the module name>, --fresh, --json (one JSON line).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from 'simple-statistics';
import { REALWORLD_MODULES } from '../bench/suites/realworld.js';
import { repositoryRoot } from '../test/spec/testsuite-location.js';

interface Row {
  readonly module: string;
  readonly megabytes: number;
  readonly v8ValidateMs: number;
  readonly lazyCompileMs: number;
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
}

type Engine = { Module: new (bytes: Uint8Array, options?: object) => unknown; validate(bytes: Uint8Array): boolean };

/** The smallest module: validating it loads the addon (the C++ validator lives there). */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

async function loadEngine(): Promise<Engine> {
  // As an application loads it: the package entry (the bundle with its start-up cache).
  return (await import('../engine/startup/package-entry.js')) as unknown as Engine;
}

const LAZY = { tiering: 'lazy', optLevel: 0, codeCache: false } as const;

/** One child process of --fresh: "<first call ms> <addon load ms>" of `what` on `file`, on stdout. */
async function childMain(what: 'v8' | 'ours', file: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(file));
  let elapsed: number;
  let addonLoad = 0;
  if (what === 'v8') {
    const start = performance.now();
    WebAssembly.validate(bytes);
    elapsed = performance.now() - start;
  } else {
    const engine = await loadEngine();
    let start = performance.now();
    engine.validate(EMPTY_MODULE);
    addonLoad = performance.now() - start;
    start = performance.now();
    new engine.Module(bytes, LAZY);
    elapsed = performance.now() - start;
  }
  process.stdout.write(`${elapsed} ${addonLoad}\n`);
}

function freshCall(what: 'v8' | 'ours', file: string, addonLoads: number[]): number {
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, [script, '--child', what, file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`child for ${what} ${file} failed: ${result.stderr}`);
  const [elapsed, addonLoad] = result.stdout.trim().split(' ').map(Number);
  if (what === 'ours') addonLoads.push(addonLoad);
  return elapsed;
}

async function main(): Promise<void> {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex >= 0) return childMain(process.argv[childIndex + 1] as 'v8' | 'ours', process.argv[childIndex + 2]);
  const rounds = Number(option('rounds') ?? 7);
  const filter = new RegExp(option('filter') ?? '');
  const fresh = process.argv.includes('--fresh');
  const modules = REALWORLD_MODULES.filter((m) => filter.test(m.name))
    .map((m) => ({ ...m, path: join(repositoryRoot(), 'node_modules', m.file) }))
    .filter((m) => existsSync(m.path));
  if (modules.length === 0) throw new Error('no module of the real-world suite in node_modules (run the set-up step)');
  const engine = fresh ? undefined : await loadEngine();
  const rows: Row[] = [];
  const addonLoads: number[] = [];
  for (const module of modules) {
    const bytes = new Uint8Array(readFileSync(module.path));
    const v8: number[] = [];
    const ours: number[] = [];
    if (fresh) {
      for (let i = 0; i < rounds; i++) {
        v8.push(freshCall('v8', module.path, addonLoads));
        ours.push(freshCall('ours', module.path, addonLoads));
      }
    } else {
      WebAssembly.validate(bytes);
      new engine!.Module(bytes, LAZY);
      for (let i = 0; i < rounds; i++) {
        let start = performance.now();
        WebAssembly.validate(bytes);
        v8.push(performance.now() - start);
        start = performance.now();
        new engine!.Module(bytes, LAZY);
        ours.push(performance.now() - start);
      }
    }
    rows.push({ module: module.name, megabytes: bytes.length / 1e6, v8ValidateMs: median(v8), lazyCompileMs: median(ours) });
  }
  const ratios = rows.map((row) => row.lazyCompileMs / row.v8ValidateMs);
  const geomean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ mode: fresh ? 'fresh' : 'warm', rounds, rows, geomean, addonLoadMs: fresh ? median(addonLoads) : undefined }));
    return;
  }
  console.log(`lazy compile() against V8's WebAssembly.validate, ${fresh ? 'first call in a fresh process' : 'one process'}, median of ${rounds}`);
  console.log('| module | MB | V8 validate | lazy compile() | / V8 |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  rows.forEach((row, i) => {
    console.log(`| ${row.module} | ${row.megabytes.toFixed(2)} | ${row.v8ValidateMs.toFixed(2)} ms | ${row.lazyCompileMs.toFixed(2)} ms | ${ratios[i].toFixed(1)}× |`);
  });
  console.log(`geometric mean of ours / V8: ${geomean.toFixed(2)}×; within 2×: ${ratios.filter((r) => r <= 2).length} of ${rows.length}`);
  if (fresh) console.log(`loading the addon (and libLLVM) before the first call, not in the table: ${median(addonLoads).toFixed(1)} ms (median)`);
}

await main();
