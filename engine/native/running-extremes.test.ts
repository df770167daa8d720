// Tests of the running-extreme branches (running_extremes.cc): at O2 a running maximum or
// minimum carried by an innermost loop becomes a branch around the update, other chains of
// max/min do not, and the results equal O0's and a JavaScript reference on data where the
// record changes never, always, and at random. The optimised IR comes from the addon's dump
// hook (WASM_LLVM_DUMP_DIR); vitest runs this file in a forked process, so process.env is
// the environment the addon reads.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();

/** A loop over $n values at $base (i32 or i64 elements) with local $m carried around it; `update` sets $m from $m and $x. */
function scan(name: string, type: 'i32' | 'i64', initial: string, update: string): string {
  const width = type === 'i32' ? 2 : 3;
  return `  (func (export "${name}") (param $base i32) (param $n i32) (result ${type}) (local $i i32) (local $x ${type}) (local $m ${type})
    (local.set $m (${type}.const ${initial}))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (local.set $x (${type}.load (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const ${width})))))
${update}
        (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
    (local.get $m))`;
}

// Function indices, in order: maxSigned, minUnsigned, maxSigned64, maxStored, decaying, clamped.
const SCANS = `(module
  (memory (export "memory") 2)
  ;; 0: m = max_s(m, x) as a wasm select (a running extreme: a branch at O2).
${scan('maxSigned', 'i32', '0x80000000', '        (local.set $m (select (local.get $x) (local.get $m) (i32.gt_s (local.get $x) (local.get $m))))')}
  ;; 1: if (x <_u m) m = x as an if (a running extreme).
${scan('minUnsigned', 'i32', '-1', '        (if (i32.lt_u (local.get $x) (local.get $m)) (then (local.set $m (local.get $x))))')}
  ;; 2: the 64-bit signed maximum (a running extreme).
${scan('maxSigned64', 'i64', '0x8000000000000000', '        (local.set $m (select (local.get $x) (local.get $m) (i64.gt_s (local.get $x) (local.get $m))))')}
  ;; 3: the maximum stored to memory on every iteration, as PolyBench's nussinov does (not vectorised; a running extreme).
${scan('maxStored', 'i32', '0x80000000', `        (local.set $m (select (local.get $x) (local.get $m) (i32.gt_s (local.get $x) (local.get $m))))
        (i32.store (i32.const 65536) (local.get $m))`)}
  ;; 4: m = max_s(m - 1, x): the carried value also falls, so not a running extreme.
${scan('decaying', 'i32', '0', '        (local.set $m (select (local.get $x) (i32.sub (local.get $m) (i32.const 1)) (i32.gt_s (local.get $x) (i32.sub (local.get $m) (i32.const 1)))))')}
  ;; 5: m = min_s(max_s(m, x), 1000): a clamp, two kinds in one chain, so not a running extreme.
${scan('clamped', 'i32', '0', `        (local.set $m (select (local.get $x) (local.get $m) (i32.gt_s (local.get $x) (local.get $m))))
        (local.set $m (select (local.get $m) (i32.const 1000) (i32.lt_s (local.get $m) (i32.const 1000))))`)}
)`;

const FUNCTIONS = ['maxSigned', 'minUnsigned', 'maxSigned64', 'maxStored', 'decaying', 'clamped'];

/** How many record branches the optimised IR of SCANS has per function. */
function recordsPerFunction(disable?: string): Record<string, number> {
  const directory = mkdtempSync(join(tmpdir(), 'running-extremes-'));
  process.env.WASM_LLVM_DUMP_DIR = directory;
  if (disable !== undefined) process.env.WASM_LLVM_DISABLE = disable;
  try {
    new ours.Module(wat(SCANS), { optLevel: 2 });
    const records: Record<string, number> = Object.fromEntries(FUNCTIONS.map((name) => [name, 0]));
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.ll') && !name.endsWith('.input.ll'))) {
      const ir = readFileSync(join(directory, file), 'utf8');
      for (const match of ir.matchAll(/^define [^@]*@wasm_func_(\d+)\([^]*?^}/gm)) {
        records[FUNCTIONS[Number(match[1])]] += [...match[0].matchAll(/%record\d* = icmp /g)].length;
      }
    }
    return records;
  } finally {
    delete process.env.WASM_LLVM_DUMP_DIR;
    delete process.env.WASM_LLVM_DISABLE;
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random 32-bit words. */
function* words(seed: number): Generator<number> {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    yield state | 0;
  }
}

/** Data sets where a record is set never after the first value, on every value, at random, and with ties and sign changes. */
function dataSets(): Array<{ name: string; values: number[] }> {
  const random = words(7);
  const take = (n: number) => Array.from({ length: n }, () => random.next().value as number);
  return [
    { name: 'empty', values: [] },
    { name: 'one', values: [-5] },
    { name: 'ascending', values: Array.from({ length: 1000 }, (_, i) => i * 3 - 1500) },
    { name: 'descending', values: Array.from({ length: 1000 }, (_, i) => 1500 - i * 3) },
    { name: 'equal', values: Array.from({ length: 257 }, () => 42) },
    { name: 'random', values: take(5000) },
    { name: 'random small', values: take(999).map((v) => (v % 2000) - 1000) },
    { name: 'extremes', values: [0, -1, 0x7fffffff, -0x80000000, 1, 0x7fffffff, -1] },
  ];
}

/** A 32-bit value spread over an i64 (both halves), wrapped to 64 bits as the memory holds it. */
const wide = (value: number): bigint => BigInt.asIntN(64, BigInt(value) * 0x100000001n);

type Exports = Record<string, (base: number, n: number) => number | bigint> & { memory: WebAssembly.Memory };

function reference(name: string, values: number[]): number | bigint {
  switch (name) {
    case 'maxSigned':
    case 'maxStored':
      return values.reduce((m, x) => (x > m ? x : m), -0x80000000);
    case 'minUnsigned':
      return values.reduce((m, x) => ((x >>> 0) < (m >>> 0) ? x : m), -1) | 0;
    case 'maxSigned64':
      return values.map(wide).reduce((m, x) => (x > m ? x : m), -(1n << 63n));
    case 'decaying':
      return values.reduce((m, x) => (x > ((m - 1) | 0) ? x : (m - 1) | 0), 0);
    default:
      return values.reduce((m, x) => Math.min(x > m ? x : m, 1000), 0);
  }
}

function load(exports: Exports, values: number[], asI64: boolean): void {
  if (asI64) {
    const view = new BigInt64Array(exports.memory.buffer, 0, values.length);
    values.forEach((v, i) => (view[i] = wide(v)));
  } else {
    new Int32Array(exports.memory.buffer, 0, values.length).set(values);
  }
}

describe.skipIf(skip !== undefined)('running maxima and minima as branches', () => {
  test('at O2 the running extremes of innermost loops become branches; a decaying maximum and a clamp do not; the switch turns it off', () => {
    const records = recordsPerFunction();
    expect(records.decaying).toBe(0);
    expect(records.clamped).toBe(0);
    for (const name of ['maxSigned', 'minUnsigned', 'maxSigned64', 'maxStored']) expect(records[name], name).toBeGreaterThanOrEqual(1);
    expect(Object.values(recordsPerFunction('running-extremes')).every((count) => count === 0)).toBe(true);
  });

  test('O2 (branches), O2 without them and O0 give the reference result on every data set', () => {
    const compiled = [
      new ours.Instance(new ours.Module(wat(SCANS), { optLevel: 2 })).exports as unknown as Exports,
      new ours.Instance(new ours.Module(wat(SCANS), { optLevel: 0 })).exports as unknown as Exports,
    ];
    process.env.WASM_LLVM_DISABLE = 'running-extremes';
    try {
      compiled.push(new ours.Instance(new ours.Module(wat(SCANS), { optLevel: 2 })).exports as unknown as Exports);
    } finally {
      delete process.env.WASM_LLVM_DISABLE;
    }
    for (const { name: data, values } of dataSets()) {
      for (const name of FUNCTIONS) {
        const expected = reference(name, values);
        for (const [index, exports] of compiled.entries()) {
          load(exports, values, name === 'maxSigned64');
          expect(exports[name](0, values.length), `${name} on ${data}, build ${index}`).toBe(expected);
        }
      }
    }
  });
});
