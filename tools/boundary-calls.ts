// Stage: performance measurement (`npm run bench:calls`). What a call across the JavaScript
// ↔ wasm boundary costs on this engine and on V8's WebAssembly, in the same process: wasm
// calling a JavaScript import in a loop (signatures that the addon calls from C++ and one,
// externref, that goes through the JavaScript handler), and JavaScript calling an export;
// nanoseconds per call (tinybench median of a task making LOOP calls) and the ratio ours/V8.
// With --first-call, child processes measure the first round trip of a process instead
// (wasm → `start` import, return, → `end` import: what the workbench's timer pays the first
// time a kernel's timed region closes).
// Options: --time <ms per task> (default 1000), --opt-level <0-3> (default 2),
// --first-call [processes] (default 5).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from 'simple-statistics';
import { Bench } from 'tinybench';
import * as ours from '../engine/index.js';
import { wat } from '../test/support/wat.js';

const LOOP = 10_000;

/** Imports called LOOP times from a wasm loop; `import` names the signature. */
const CALLER = `(module
  (import "js" "i32" (func $i32 (param i32) (result i32)))
  (import "js" "none" (func $none))
  (import "js" "mixed" (func $mixed (param i64 f64) (result f64)))
  (import "js" "ref" (func $ref (param externref) (result i32)))
  (func (export "i32") (param $n i32) (result i32) (local $acc i32)
    (loop $l (local.set $acc (i32.add (local.get $acc) (call $i32 (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "none") (param $n i32)
    (loop $l (call $none) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "mixed") (param $n i32) (result f64) (local $acc f64)
    (loop $l (local.set $acc (f64.add (local.get $acc) (call $mixed (i64.extend_i32_u (local.get $n)) (local.get $acc))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "ref") (param $n i32) (result i32) (local $acc i32)
    (loop $l (local.set $acc (i32.add (local.get $acc) (call $ref (ref.null extern))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`;

const FIRST_CALL = `(module
  (import "bench" "start" (func $start))
  (import "bench" "end" (func $end))
  (func (export "run") (call $start) (call $end)))`;

type Fn = (...args: unknown[]) => unknown;

const imports = {
  js: {
    i32: (x: number) => x & 1,
    none: () => {},
    mixed: (a: bigint, b: number) => (a === 0n ? 0 : b * 0.5),
    ref: (r: unknown) => (r === null ? 1 : 0),
  },
};

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index < 0 ? undefined : process.argv[index + 1];
}

/** One child process: the first round trip, ours or V8's, in microseconds. */
function firstCallChild(engine: string, optLevel: 0 | 1 | 2 | 3): void {
  const bytes = wat(FIRST_CALL) as Uint8Array<ArrayBuffer>;
  let started = 0n;
  let ended = 0n;
  const bench = { bench: { start: () => { started = process.hrtime.bigint(); }, end: () => { ended = process.hrtime.bigint(); } } };
  const exports = (engine === 'ours'
    ? new ours.Instance(new ours.Module(bytes, { optLevel }), bench).exports
    : new WebAssembly.Instance(new WebAssembly.Module(bytes), bench).exports) as Record<string, Fn>;
  exports.run();
  const first = Number(ended - started) / 1000;
  exports.run();
  const second = Number(ended - started) / 1000;
  process.stdout.write(`${JSON.stringify({ first, second })}\n`);
}

function firstCalls(processes: number, optLevel: 0 | 1 | 2 | 3): void {
  const script = fileURLToPath(import.meta.url);
  console.log(`first host-call round trip of a process (µs; median of ${processes} processes, alternating)`);
  const results: Record<string, { first: number[]; second: number[] }> = { ours: { first: [], second: [] }, v8: { first: [], second: [] } };
  for (let i = 0; i < processes; i++) {
    for (const engine of ['ours', 'v8']) {
      const child = spawnSync(process.execPath, [script, '--child', engine, '--opt-level', String(optLevel)], { encoding: 'utf8', env: { ...process.env, WASM_LLVM_CODE_CACHE: '0' } });
      if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
      const { first, second } = JSON.parse(child.stdout) as { first: number; second: number };
      results[engine].first.push(first);
      results[engine].second.push(second);
    }
  }
  console.table(Object.entries(results).map(([engine, r]) => ({ engine, 'first (µs)': median(r.first).toFixed(1), 'second (µs)': median(r.second).toFixed(1) })));
}

async function steadyCalls(timeMs: number, optLevel: 0 | 1 | 2 | 3): Promise<void> {
  const bytes = wat(CALLER) as Uint8Array<ArrayBuffer>;
  const mine = new ours.Instance(new ours.Module(bytes, { optLevel }), imports).exports as Record<string, Fn>;
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as unknown as Record<string, Fn>;
  const tasks: { name: string; run: (e: Record<string, Fn>) => void }[] = [
    { name: 'wasm → JS (i32) → i32', run: (e) => e.i32(LOOP) },
    { name: 'wasm → JS () → ()', run: (e) => e.none(LOOP) },
    { name: 'wasm → JS (i64, f64) → f64', run: (e) => e.mixed(LOOP) },
    { name: 'wasm → JS (externref) → i32 [JS handler]', run: (e) => e.ref(LOOP) },
    { name: 'JS → wasm (i32, i32) → i32', run: (e) => { for (let i = 0; i < LOOP; i++) e.add(i, 1); } },
  ];
  const bench = new Bench({ time: timeMs, warmup: true });
  for (const task of tasks) {
    bench.add(`ours: ${task.name}`, () => task.run(mine));
    bench.add(`v8: ${task.name}`, () => task.run(v8));
  }
  await bench.run();
  const perCall = (name: string): number => {
    const result = bench.tasks.find((t) => t.name === name)!.result;
    if (result === undefined || result.state !== 'completed') throw new Error(`${name}: no result`);
    return (result.latency.p50 ?? result.latency.mean) * 1e6 / LOOP;
  };
  console.log(`calls across the boundary (ns per call; tinybench median of ${LOOP}-call tasks, ${timeMs} ms each, O${optLevel})`);
  console.table(tasks.map((task) => {
    const o = perCall(`ours: ${task.name}`);
    const v = perCall(`v8: ${task.name}`);
    return { call: task.name, 'ours (ns)': o.toFixed(1), 'v8 (ns)': v.toFixed(1), 'ours / v8': (o / v).toFixed(1) };
  }));
}

const optLevel = Number(option('--opt-level') ?? 2) as 0 | 1 | 2 | 3;
if (process.argv.includes('--child')) {
  firstCallChild(option('--child')!, optLevel);
} else if (process.argv.includes('--first-call')) {
  const count = Number(option('--first-call') ?? 5);
  firstCalls(Number.isInteger(count) && count > 0 ? count : 5, optLevel);
} else {
  await steadyCalls(Number(option('--time') ?? 1000), optLevel);
}
