// Tests of the interrupt polls at loop headers (runtime_checks.cc): in optimised code an
// innermost loop with bounded work and no calls has no poll of its own, every other loop
// keeps one, and code whose inner loops lost their polls is still interrupted by the poll
// of the loop around them. The optimised IR comes from the addon's dump hook
// (WASM_LLVM_DUMP_DIR); vitest runs this file in a forked process, so process.env is the
// environment the addon reads.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();

type Fn = (...args: number[]) => number;

/** 64 iterations of a load, an add and a store, over local $j into local $sum: the inner loop of nested and spinAroundBounded. */
const BOUNDED_INNER_LOOP = `      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $sum (i32.add (local.get $sum) (i32.load (i32.shl (local.get $j) (i32.const 2)))))
        (i32.store (i32.const 1024) (local.get $sum))
        (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 64))))`;

// Function indices, in order: bounded, unbounded, boundedFill, boundedLarge, nested, spinAroundBounded.
const LOOPS = `(module
  (memory (export "memory") 1)
  ;; 0: 64 iterations of a load, an add and a store (bounded: no poll).
  (func (export "bounded") (result i32) (local $i i32) (local $sum i32)
    (loop $next
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
      (i32.store (i32.const 1024) (local.get $sum))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 64))))
    (local.get $sum))
  ;; 1: the same up to a parameter (no bound known: a poll).
  (func (export "unbounded") (param $n i32) (result i32) (local $i i32) (local $sum i32)
    (loop $next
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2)))))
      (i32.store (i32.const 1024) (local.get $sum))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $sum))
  ;; 2: 64 iterations of a memory.fill of a parameter's length (unbounded work: a poll).
  (func (export "boundedFill") (param $length i32) (local $i i32)
    (loop $next
      (memory.fill (i32.shl (local.get $i) (i32.const 6)) (local.get $i) (local.get $length))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 64)))))
  ;; 3: a bound of 2^30 iterations, far above the budget (a poll).
  (func (export "boundedLarge") (result i32) (local $i i32) (local $sum i32)
    (loop $next
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2)))))
      (i32.store (i32.const 1024) (local.get $sum))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 0x40000000))))
    (local.get $sum))
  ;; 4: a loop up to a parameter around a bounded one (the outer loop polls, the inner does not).
  (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $sum i32)
    (loop $outer
${BOUNDED_INNER_LOOP}
      (br_if $outer (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $sum))
  ;; 5: an endless loop around a bounded one: an interrupt must still end it.
  (func (export "spinAroundBounded") (local $j i32) (local $sum i32)
    (loop $outer
${BOUNDED_INNER_LOOP}
      (br $outer))))`;

const FUNCTIONS = ['bounded', 'unbounded', 'boundedFill', 'boundedLarge', 'nested', 'spinAroundBounded'];

/** The optimised IR of LOOPS per function name, and how many interrupt polls each has. */
function pollsPerFunction(optLevel: 0 | 2, disable?: string): Map<string, number> {
  const directory = mkdtempSync(join(tmpdir(), 'runtime-checks-'));
  process.env.WASM_LLVM_DUMP_DIR = directory;
  if (disable !== undefined) process.env.WASM_LLVM_DISABLE = disable;
  try {
    new ours.Module(wat(LOOPS), { optLevel });
    const polls = new Map<string, number>();
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.ll'))) {
      const ir = readFileSync(join(directory, file), 'utf8');
      for (const match of ir.matchAll(/^define [^@]*@wasm_func_(\d+)\([^]*?^}/gm)) {
        polls.set(FUNCTIONS[Number(match[1])], [...match[0].matchAll(/%interrupt\.pending\d* = /g)].length);
      }
    }
    return polls;
  } finally {
    delete process.env.WASM_LLVM_DUMP_DIR;
    delete process.env.WASM_LLVM_DISABLE;
    rmSync(directory, { recursive: true, force: true });
  }
}

describe.skipIf(skip !== undefined)('interrupt polls of loops', () => {
  test('at O2 a bounded inner loop without calls loses its poll; unbounded loops, loops with memory.fill, loops over the budget and outer loops keep theirs', () => {
    const exempting = Object.fromEntries(pollsPerFunction(2));
    const pollingAll = Object.fromEntries(pollsPerFunction(2, 'bounded-loops'));
    // Every loop polls without the exemption (LLVM may have split a loop into several: versions, remainders).
    for (const name of FUNCTIONS) expect(pollingAll[name], name).toBeGreaterThanOrEqual(1);
    expect(pollingAll.nested).toBe(2);
    // With it, only the bounded loop and the inner loop of nested lose theirs.
    expect(exempting).toEqual({ ...pollingAll, bounded: 0, nested: 1 });
  });

  test('at O0 every loop polls', () => {
    const polls = Object.fromEntries(pollsPerFunction(0));
    expect(polls).toEqual({ bounded: 1, unbounded: 1, boundedFill: 1, boundedLarge: 1, nested: 2, spinAroundBounded: 2 });
  });

  test('an endless loop around a bounded inner loop is interrupted (O2), and the bounded loops compute what O0 computes', () => {
    const o2 = new ours.Instance(new ours.Module(wat(LOOPS), { optLevel: 2 })).exports as Record<string, Fn>;
    const o0 = new ours.Instance(new ours.Module(wat(LOOPS), { optLevel: 0 })).exports as Record<string, Fn>;
    for (const exports of [o2, o0]) {
      const words = new Uint32Array((exports.memory as unknown as { buffer: ArrayBuffer }).buffer, 0, 256);
      words.forEach((_, i) => (words[i] = i * 2654435761));
    }
    expect(o2.bounded()).toBe(o0.bounded());
    expect(o2.nested(1000)).toBe(o0.nested(1000));
    let outcome = 'returned';
    try {
      ours.withDeadline(50, () => o2.spinAroundBounded());
    } catch (error) {
      outcome = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
    }
    expect(outcome).toBe('RuntimeError: interrupted: deadline exceeded');
  });
});
