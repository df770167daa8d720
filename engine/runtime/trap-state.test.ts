// Regression tests: the state of memory after an out-of-bounds trap. At O0, and at every
// level with `exactTraps: true` (explicit bounds checks, docs/RATIONALE.md "Why explicit
// bounds checks for exact state after a trap?"), it must be exactly what V8 leaves — which
// is the abstract machine's. Without exactTraps, O2 may differ: LLVM deletes a store that a
// later, wider store overwrites even if that later store traps, sinks stores out of loops
// and hoists loads above stores (the documented departure).
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const skip = watUnavailableReason();
type Fn = (...args: unknown[]) => unknown;

/** Each export traps out of bounds after writing something; memory has 1 page (65,536 bytes). */
const MODULE = `(module
  (memory (export "memory") 1)
  (func (export "widerStore") (param $p i32)
    (i32.store (local.get $p) (i32.const 0x11111111))
    (i64.store (local.get $p) (i64.const 0x2222222222222222)))
  (func $wideStore (param $p i32) (i64.store (local.get $p) (i64.const 0x3333333333333333)))
  (func (export "storeThenCall") (param $p i32)
    (i32.store (local.get $p) (i32.const 0x44444444))
    (call $wideStore (local.get $p)))
  (func (export "counterInLoop") (param $p i32) (param $n i32) (local $i i32)
    (loop $l
      (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
      (drop (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "storeThenInvariantLoad") (param $p i32) (param $n i32) (result i32) (local $i i32) (local $sum i32)
    (loop $l
      (i32.store (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $sum))
  (func (export "copy") (param $to i32) (param $from i32) (param $n i32) (local $i i32)
    (loop $l
      (f64.store (i32.add (local.get $to) (i32.shl (local.get $i) (i32.const 3)))
        (f64.mul (f64.load (i32.add (local.get $from) (i32.shl (local.get $i) (i32.const 3)))) (f64.const 2)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "fill") (param $p i32) (param $n i32) (local $i i32)
    (loop $l
      (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.const 0x5a))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))))`;

const CASES: [string, unknown[]][] = [
  ['widerStore', [65532]],
  ['storeThenCall', [65532]],
  ['counterInLoop', [65000, 1000]],
  ['storeThenInvariantLoad', [65535, 100]],
  ['copy', [32768, 4096, 8000]],
  ['fill', [65000, 1000]],
];

/** Runs `name(...args)` on a fresh instance made by `make`; returns the trap and a hash of memory. */
function stateAfter(make: () => { exports: Record<string, unknown> }, name: string, args: unknown[]): { error: string; memory: string } {
  const instance = make();
  // Recognisable contents, so that a missing or extra write shows.
  const view = new Uint8Array((instance.exports.memory as { buffer: ArrayBuffer }).buffer);
  for (let i = 0; i < view.length; i++) view[i] = (i * 7) & 0xff;
  let error = 'returned';
  try {
    (instance.exports[name] as Fn)(...args);
  } catch (thrown) {
    error = (thrown as Error).constructor.name;
  }
  const after = new Uint8Array((instance.exports.memory as { buffer: ArrayBuffer }).buffer);
  return { error, memory: createHash('sha256').update(after).digest('hex') };
}

describe.skipIf(skip !== undefined)('state of memory after an out-of-bounds trap', () => {
  const bytes = wat(MODULE);
  const v8Module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const configurations: [string, ours.ModuleCompileOptions][] = [
    ['O0', { optLevel: 0 }],
    ['O2 exactTraps', { optLevel: 2, exactTraps: true }],
    ['O3 exactTraps', { optLevel: 3, exactTraps: true }],
  ];
  for (const [label, options] of configurations) {
    test(`${label}: the same memory as V8 after each trap`, () => {
      const module = new ours.Module(bytes, options);
      for (const [name, args] of CASES) {
        const expected = stateAfter(() => new WebAssembly.Instance(v8Module) as unknown as { exports: Record<string, unknown> }, name, args);
        expect(expected.error, name).toBe('RuntimeError');
        expect(stateAfter(() => new ours.Instance(module), name, args), name).toEqual(expected);
      }
    });
  }

  test('exactTraps computes the same results when nothing traps, and is refused when not a boolean', () => {
    const exact = new ours.Instance(new ours.Module(bytes, { optLevel: 2, exactTraps: true })).exports as Record<string, Fn>;
    const fast = new ours.Instance(new ours.Module(bytes, { optLevel: 2 })).exports as Record<string, Fn>;
    expect(exact.storeThenInvariantLoad(0, 100)).toBe(fast.storeThenInvariantLoad(0, 100));
    expect(() => new ours.Module(bytes, { exactTraps: 'yes' as unknown as boolean })).toThrow(TypeError);
  });
});
