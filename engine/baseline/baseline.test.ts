// Tests of the baseline compiler (engine/baseline/): the units it takes compute what LLVM's
// code and V8 compute (every scalar operator family, edge values, traps), the units it does
// not take go to LLVM in the same module, its loops are numbered as the LLVM translator
// numbers them (OSR entries are found by that number: a difference would enter the wrong
// loop), interrupts stop its loops, its code is unmapped when its module is collected, the
// hostile corpus compiles in it, and workers compile and run it at once. The spec suite and
// the differential fuzzer also run on it (test/spec/spec.test.ts and test/fuzz: lazy and
// tiered).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { Instance, Module, RuntimeError, withDeadline } from '../index.js';
import { forceGarbageCollection } from '../native/addon.js';
import { decodeModule } from '../binary/decode-module.js';
import { VmctxLayout } from '../abi/vmctx-layout.js';
import { ModuleTranslator } from '../translate/module-translator.js';
import { RuntimeEnvironment } from '../translate/runtime-environment.js';
import { BaselineFunctionCompiler, BaselineUnsupported } from './baseline-function.js';
import { baselineUnitFromCache, baselineUnitToCache, directBaselineSupported } from './baseline-unit.js';
import { X64Emitter } from './x64-emitter.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';
import { HOSTILE_MODULES } from '../../tools/hostile/hostile-modules.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = watUnavailableReason() ?? (directBaselineSupported() ? undefined : 'this CPU lacks a feature the baseline needs');

/** One function per operator family; each takes i64/f64 inputs and returns one value. */
const SCALAR = `
(module
  (type $binop (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table 4 funcref)
  (elem (i32.const 0) $add $sub $mulOffset)
  (global $counter (mut i32) (i32.const 7))
  (global $wide (mut i64) (i64.const -5))
  (global $real (mut f64) (f64.const 0.5))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mulOffset (type $binop) (i32.add (i32.mul (local.get 0) (local.get 1)) (i32.const 1000)))
  (func (export "i32ops") (param $a i32) (param $b i32) (result i32)
    (local $acc i32)
    (local.set $acc (i32.xor (i32.add (local.get $a) (local.get $b)) (i32.mul (local.get $a) (i32.const 31))))
    (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $a) (local.get $b))))
    (local.set $acc (i32.add (local.get $acc) (i32.shr_s (local.get $a) (local.get $b))))
    (local.set $acc (i32.add (local.get $acc) (i32.shr_u (local.get $a) (i32.const 3))))
    (local.set $acc (i32.add (local.get $acc) (i32.rotl (local.get $a) (local.get $b))))
    (local.set $acc (i32.add (local.get $acc) (i32.rotr (local.get $b) (i32.const 13))))
    (local.set $acc (i32.add (local.get $acc) (i32.clz (local.get $a))))
    (local.set $acc (i32.add (local.get $acc) (i32.ctz (local.get $b))))
    (local.set $acc (i32.add (local.get $acc) (i32.popcnt (local.get $a))))
    (local.set $acc (i32.add (local.get $acc) (i32.and (local.get $a) (i32.or (local.get $b) (i32.const 0xf0f0)))))
    (local.set $acc (i32.add (local.get $acc) (i32.lt_s (local.get $a) (local.get $b))))
    (local.set $acc (i32.add (local.get $acc) (i32.mul (i32.ge_u (local.get $a) (local.get $b)) (i32.const 2))))
    (local.set $acc (i32.add (local.get $acc) (i32.mul (i32.eqz (local.get $b)) (i32.const 4))))
    (local.set $acc (i32.add (local.get $acc) (i32.extend8_s (local.get $a))))
    (local.set $acc (i32.add (local.get $acc) (i32.extend16_s (local.get $b))))
    (local.set $acc (i32.add (local.get $acc) (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (i32.const 0)))))
    (local.get $acc))
  (func (export "i32div") (param $a i32) (param $b i32) (result i32)
    (i32.add (i32.add (i32.div_s (local.get $a) (local.get $b)) (i32.rem_s (local.get $a) (local.get $b)))
             (i32.add (i32.div_u (local.get $a) (local.get $b)) (i32.rem_u (local.get $a) (local.get $b)))))
  (func (export "i64ops") (param $a i64) (param $b i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.xor (i64.add (local.get $a) (local.get $b)) (i64.mul (local.get $a) (i64.const 0x123456789))))
    (local.set $acc (i64.add (local.get $acc) (i64.shl (local.get $a) (local.get $b))))
    (local.set $acc (i64.add (local.get $acc) (i64.shr_s (local.get $a) (local.get $b))))
    (local.set $acc (i64.add (local.get $acc) (i64.shr_u (local.get $a) (i64.const 7))))
    (local.set $acc (i64.add (local.get $acc) (i64.rotl (local.get $a) (local.get $b))))
    (local.set $acc (i64.add (local.get $acc) (i64.clz (local.get $a))))
    (local.set $acc (i64.add (local.get $acc) (i64.ctz (local.get $b))))
    (local.set $acc (i64.add (local.get $acc) (i64.popcnt (local.get $a))))
    (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (i64.lt_u (local.get $a) (local.get $b)))))
    (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.wrap_i64 (local.get $b)))))
    (local.set $acc (i64.add (local.get $acc) (i64.extend32_s (local.get $a))))
    (local.set $acc (i64.sub (local.get $acc) (i64.const 0x7fffffffffff)))
    (local.get $acc))
  (func (export "i64div") (param $a i64) (param $b i64) (result i64)
    (i64.add (i64.add (i64.div_s (local.get $a) (local.get $b)) (i64.rem_s (local.get $a) (local.get $b)))
             (i64.add (i64.div_u (local.get $a) (local.get $b)) (i64.rem_u (local.get $a) (local.get $b)))))
  (func (export "f64ops") (param $a f64) (param $b f64) (result f64)
    (local $acc f64)
    (local.set $acc (f64.add (f64.mul (local.get $a) (local.get $b)) (f64.div (local.get $a) (local.get $b))))
    (local.set $acc (f64.add (local.get $acc) (f64.min (local.get $a) (local.get $b))))
    (local.set $acc (f64.sub (local.get $acc) (f64.max (local.get $a) (local.get $b))))
    (local.set $acc (f64.add (local.get $acc) (f64.sqrt (f64.abs (local.get $a)))))
    (local.set $acc (f64.add (local.get $acc) (f64.floor (local.get $b))))
    (local.set $acc (f64.add (local.get $acc) (f64.nearest (local.get $a))))
    (local.set $acc (f64.add (local.get $acc) (f64.copysign (f64.const 2) (local.get $b))))
    (local.set $acc (f64.add (local.get $acc) (f64.neg (f64.trunc (local.get $b)))))
    (local.set $acc (f64.add (local.get $acc) (f64.convert_i32_u (f64.lt (local.get $a) (local.get $b)))))
    (local.set $acc (f64.add (local.get $acc) (f64.convert_i32_s (f64.ne (local.get $a) (local.get $b)))))
    (local.set $acc (f64.add (local.get $acc) (f64.promote_f32 (f32.demote_f64 (local.get $a)))))
    (f64.add (local.get $acc) (f64.convert_i64_u (i64.trunc_sat_f64_u (local.get $b)))))
  (func (export "f32ops") (param $a f32) (param $b f32) (result f32)
    (f32.add (f32.add (f32.mul (local.get $a) (local.get $b)) (f32.min (local.get $a) (local.get $b)))
             (f32.add (f32.max (local.get $a) (f32.ceil (local.get $b))) (f32.convert_i64_s (i64.trunc_sat_f32_s (local.get $a))))))
  (func (export "minInverse") (param $a f64) (param $b f64) (result f64) (f64.div (f64.const 1) (f64.min (local.get $a) (local.get $b))))
  (func (export "maxInverse") (param $a f64) (param $b f64) (result f64) (f64.div (f64.const 1) (f64.max (local.get $a) (local.get $b))))
  (func (export "minInverse32") (param $a f32) (param $b f32) (result f32) (f32.div (f32.const 1) (f32.min (local.get $a) (local.get $b))))
  (func (export "maxInverse32") (param $a f32) (param $b f32) (result f32) (f32.div (f32.const 1) (f32.max (local.get $a) (local.get $b))))
  (func (export "fcompare") (param $a f64) (param $b f64) (result i32)
    (i32.or (i32.or (i32.or (f64.eq (local.get $a) (local.get $b)) (i32.shl (f64.ne (local.get $a) (local.get $b)) (i32.const 1)))
                    (i32.or (i32.shl (f64.lt (local.get $a) (local.get $b)) (i32.const 2)) (i32.shl (f64.gt (local.get $a) (local.get $b)) (i32.const 3))))
            (i32.or (i32.shl (f64.le (local.get $a) (local.get $b)) (i32.const 4)) (i32.shl (f64.ge (local.get $a) (local.get $b)) (i32.const 5)))))
  (func (export "truncate") (param $a f64) (result i64)
    (i64.add (i64.trunc_f64_s (local.get $a)) (i64.extend_i32_u (i32.trunc_f64_u (f64.abs (local.get $a))))))
  (func (export "bits") (param $a f64) (result i64)
    (i64.add (i64.reinterpret_f64 (local.get $a)) (i64.extend_i32_u (i32.reinterpret_f32 (f32.demote_f64 (local.get $a))))))
  (func (export "memops") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (loop $fill
      (i32.store8 offset=3 (local.get $i) (i32.mul (local.get $i) (i32.const 37)))
      (i64.store16 offset=1024 (i32.shl (local.get $i) (i32.const 1)) (i64.extend_i32_u (i32.mul (local.get $i) (i32.const 1001))))
      (f64.store offset=8192 (i32.shl (local.get $i) (i32.const 3)) (f64.convert_i32_s (local.get $i)))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $sum (i64.add (local.get $sum) (i64.load8_s offset=3 (local.get $i))))
      (local.set $sum (i64.add (local.get $sum) (i64.load16_u offset=1024 (i32.shl (local.get $i) (i32.const 1)))))
      (local.set $sum (i64.add (local.get $sum) (i64.trunc_f64_s (f64.load offset=8192 (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $sum (i64.add (local.get $sum) (i64.load32_s (i32.and (local.get $i) (i32.const 0xff8)))))
      (br_if $sum (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i64.add (local.get $sum) (i64.extend_i32_u (memory.size))))
  (func (export "control") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $out
      (loop $next
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (block $default (block $two (block $one (block $zero
          (br_table $zero $one $two $default (i32.rem_u (local.get $i) (i32.const 5))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $default))
          (local.set $acc (i32.add (local.get $acc) (call_indirect (type $binop) (local.get $acc) (local.get $i) (i32.const 2)))) (br $default))
          (local.set $acc (if (result i32) (i32.and (local.get $i) (i32.const 1))
            (then (call $add (local.get $acc) (local.get $i)))
            (else (call_indirect (type $binop) (local.get $acc) (local.get $i) (i32.const 1))))))
        (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
        (global.set $wide (i64.mul (global.get $wide) (i64.const 3)))
        (global.set $real (f64.mul (global.get $real) (f64.const 1.5)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.add (local.get $acc) (i32.add (global.get $counter) (i32.add (i32.wrap_i64 (global.get $wide)) (i32.trunc_f64_s (f64.min (global.get $real) (f64.const 1e9)))))))
  (func (export "grow") (param $pages i32) (result i32)
    (i32.add (memory.grow (local.get $pages)) (i32.mul (memory.size) (i32.const 1000))))
  (func (export "many") (param i32 f64 i64 f32 i32 f64 i64 f32 i32 f64 i64 f32 i32 f64 i64 f32) (result f64)
    (call $sum16 (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6) (local.get 7)
                 (local.get 8) (local.get 9) (local.get 10) (local.get 11) (local.get 12) (local.get 13) (local.get 14) (local.get 15)))
  (func $sum16 (param i32 f64 i64 f32 i32 f64 i64 f32 i32 f64 i64 f32 i32 f64 i64 f32) (result f64)
    (f64.add (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (local.get 1)) (f64.add (f64.convert_i64_s (local.get 2)) (f64.promote_f32 (local.get 3))))
      (f64.add (f64.add (f64.add (f64.convert_i32_s (local.get 4)) (local.get 5)) (f64.add (f64.convert_i64_s (local.get 6)) (f64.promote_f32 (local.get 7))))
        (f64.add (f64.add (f64.add (f64.convert_i32_s (local.get 8)) (local.get 9)) (f64.add (f64.convert_i64_s (local.get 10)) (f64.promote_f32 (local.get 11))))
          (f64.mul (f64.add (f64.add (f64.convert_i32_s (local.get 12)) (local.get 13)) (f64.add (f64.convert_i64_s (local.get 14)) (f64.promote_f32 (local.get 15)))) (f64.const 3))))))
)`;

const I32_VALUES = [0, 1, -1, 2, 7, 31, 32, 33, 0x7fffffff, -0x80000000, 12345678, -98765, 0xffff];
const I64_VALUES = [0n, 1n, -1n, 3n, 63n, 64n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdefn, -0xfedcba987n];
const F64_VALUES = [0, -0, 1, -1, 0.5, -2.5, 3.5, 1e300, -1e-300, 4294967295.5, 2 ** 53 + 1, Infinity, -Infinity, NaN, 123.456];

type Call = (...args: unknown[]) => unknown;

/** The outcome of a call as text: the value (NaN as "NaN", -0 kept) or the trap's message. */
function outcome(call: () => unknown): string {
  try {
    const value = call();
    if (typeof value === 'number' && Object.is(value, -0)) return '-0';
    return String(value);
  } catch (error) {
    return `trap: ${(error as Error).message}`;
  }
}

function exportsOf(module: Module | WebAssembly.Module, v8: boolean): Record<string, Call> {
  return (v8 ? new WebAssembly.Instance(module as WebAssembly.Module, {}) : new Instance(module as Module, {})).exports as unknown as Record<string, Call>;
}

describe.skipIf(skip !== undefined)('baseline compiler', () => {
  test('every scalar operator family: the same values and traps as LLVM at O2 and as V8, every unit compiled by the baseline', () => {
    const bytes = wat(SCALAR);
    const baselineModule = new Module(bytes, { optLevel: 0, tiering: 'lazy' });
    const baseline = exportsOf(baselineModule, false);
    const llvm = exportsOf(new Module(bytes, { optLevel: 2 }), false);
    const v8 = exportsOf(new WebAssembly.Module(bytes), true);
    const cases: [string, unknown[]][] = [];
    for (const a of I32_VALUES) for (const b of I32_VALUES) cases.push(['i32ops', [a, b]], ['i32div', [a, b]]);
    for (const a of I64_VALUES) for (const b of I64_VALUES) cases.push(['i64ops', [a, b]], ['i64div', [a, b]]);
    for (const a of F64_VALUES) {
      for (const b of F64_VALUES) {
        cases.push(['f64ops', [a, b]], ['f32ops', [a, b]], ['fcompare', [a, b]]);
        cases.push(['minInverse', [a, b]], ['maxInverse', [a, b]], ['minInverse32', [a, b]], ['maxInverse32', [a, b]]);
      }
      cases.push(['truncate', [a]], ['bits', [a]]);
    }
    for (const n of [1, 2, 100, 1000]) cases.push(["memops", [n]], ["control", [n]]);
    cases.push(['many', [1, 2.5, 3n, 4.5, -5, 6.25, -7n, 8, 9, 10.5, 11n, -12, 13, 14.75, 15n, 16.5]]);
    let compared = 0;
    // V8's trap messages are its own: against V8, a trap is a trap; against LLVM's code, the message too.
    const trapOrValue = (text: string): string => (text.startsWith('trap: ') ? 'trap' : text);
    for (const [name, args] of cases) {
      const expected = outcome(() => llvm[name](...args));
      expect(trapOrValue(expected), `${name}(${args.join(', ')}) at O2 and in V8`).toBe(trapOrValue(outcome(() => v8[name](...args))));
      expect(outcome(() => baseline[name](...args)), `${name}(${args.join(', ')}) in the baseline`).toBe(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
    for (const pages of [1, 0, 70000, 3]) expect(outcome(() => baseline.grow(pages))).toBe(outcome(() => llvm.grow(pages)));
    const stats = Module.timings(baselineModule).lazy!;
    expect(stats.unitsCompiled).toBeGreaterThan(0);
    expect(stats.unitsDirect).toBe(stats.unitsCompiled);
  });

  test('traps: the spec messages, as RuntimeError', () => {
    const source = `(module (memory 1) (table 2 funcref) (elem (i32.const 0) $f) (type $t (func (result i32))) (type $u (func (result i64)))
      (func $f (result i32) (i32.const 1))
      (func (export "unreachable") unreachable)
      (func (export "oob") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
      (func (export "divzero") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
      (func (export "overflow") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const -1)))
      (func (export "convert") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
      (func (export "indirect") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
      (func (export "mismatch") (result i64) (call_indirect (type $u) (i32.const 0)))
      (func $deep (export "deep") (param i32) (result i32) (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))`;
    const exports = exportsOf(new Module(wat(source), { optLevel: 0, tiering: 'lazy' }), false);
    const trap = (call: () => unknown): string => {
      try {
        call();
      } catch (error) {
        expect(error).toBeInstanceOf(RuntimeError);
        return (error as Error).message;
      }
      return 'no trap';
    };
    expect(trap(() => exports.unreachable())).toBe('unreachable');
    expect(trap(() => exports.oob(65532))).toBe('out of bounds memory access');
    expect(exports.oob(65528)).toBe(0);
    expect(trap(() => exports.divzero(0))).toBe('integer divide by zero');
    expect(trap(() => exports.overflow(-0x80000000))).toBe('integer overflow');
    expect(exports.overflow(-7)).toBe(7);
    expect(trap(() => exports.convert(NaN))).toBe('invalid conversion to integer');
    expect(trap(() => exports.convert(2 ** 31))).toBe('integer overflow');
    expect(exports.convert(-(2 ** 31) - 0.5)).toBe(-(2 ** 31));
    expect(trap(() => exports.indirect(1))).toBe('uninitialized element');
    expect(trap(() => exports.indirect(2))).toBe('undefined element');
    expect(trap(() => exports.mismatch())).toBe('indirect call type mismatch');
    expect(exports.indirect(0)).toBe(1);
    expect(trap(() => exports.deep(0))).toBe('call stack exhausted');
    expect(exports.indirect(0)).toBe(1); // usable after every trap
  });

  test('a unit with SIMD or several results goes to LLVM; the others stay with the baseline', () => {
    const source = `(module
      (func $pair (result i32 i32) (i32.const 3) (i32.const 4))
      (func $vector (param i32) (result i32) (i32x4.extract_lane 2 (i32x4.splat (local.get 0))))
      (func (export "plain") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
      (func (export "pair") (result i32) (call $pair) (i32.add))
      (func (export "vector") (param i32) (result i32) (call $vector (local.get 0))))`;
    process.env.WASM_LLVM_UNIT_BYTES = '1';
    try {
      const module = new Module(wat(source), { optLevel: 0, tiering: 'lazy' });
      const exports = exportsOf(module, false);
      expect([exports.plain(5), exports.pair(), exports.vector(9)]).toEqual([15, 7, 9]);
      const stats = Module.timings(module).lazy!;
      expect(stats.unitsCompiled).toBe(5);
      // plain and the exports calling the others are the baseline's; $pair, $vector and "pair" (its call has two results) are LLVM's.
      expect(stats.unitsDirect).toBe(2);
    } finally {
      delete process.env.WASM_LLVM_UNIT_BYTES;
    }
  });

  test('its loops are numbered (for OSR entries) as the LLVM translator numbers them, on every PolyBench and shootout program', () => {
    let functions = 0;
    let candidates = 0;
    for (const suite of ['polybench', 'shootout']) {
      const directory = join(root, 'suites', suite, 'wasm');
      for (const file of readdirSync(directory).filter((name) => name.endsWith('.medium.wasm'))) {
        const info = decodeModule(new Uint8Array(readFileSync(join(directory, file))));
        const fromTranslator = new Map<number, number[]>();
        const environment = new RuntimeEnvironment(info, {
          allFunctionsExternal: true,
          lazyCallThroughFuncRef: () => true,
          tierUpCounters: true,
          onOsrCandidate: (f, ordinal) => (fromTranslator.get(f) ?? fromTranslator.set(f, []).get(f)!).push(ordinal),
        });
        const translator = new ModuleTranslator(info, environment, { unoptimized: true });
        const fromBaseline = new Map<number, number[]>();
        const layout = new VmctxLayout(info, { lazyContexts: true, tierCounters: true });
        const compiler = new BaselineFunctionCompiler({
          module: info, layout, tiered: true, tlsOffset: -64,
          onOsrCandidate: (f, ordinal) => (fromBaseline.get(f) ?? fromBaseline.set(f, []).get(f)!).push(ordinal),
        });
        for (let f = info.importedFunctionCount; f < info.functionTypeIndices.length; f++) {
          translator.translateFunction(f);
          try {
            const emitter = new X64Emitter();
            const runtime = { trap: emitter.newLabel(), checkSlow: emitter.newLabel(), memoryGrow: emitter.newLabel(), tierUp: emitter.newLabel() };
            compiler.compile(emitter, f, runtime);
          } catch (error) {
            if (!(error instanceof BaselineUnsupported)) throw error;
            fromBaseline.delete(f);
            fromTranslator.delete(f);
            continue;
          }
          expect(fromBaseline.get(f) ?? [], `${file} function ${f}`).toEqual(fromTranslator.get(f) ?? []);
          functions++;
          candidates += (fromBaseline.get(f) ?? []).length;
        }
      }
    }
    expect(functions).toBeGreaterThan(500);
    expect(candidates).toBeGreaterThan(100);
  });

  test('with the code cache, another process installs the units from the cache (their bytes hold no address of this one)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-baseline-cache-'));
    try {
      const script = `
        const engine = await import(${JSON.stringify(join(root, 'dist', 'engine', 'index.js'))});
        const module = new engine.Module(new Uint8Array(${JSON.stringify(Array.from(wat(SCALAR)))}), { optLevel: 2, tiering: 'tiered', codeCache: { directory: ${JSON.stringify(directory)} } });
        const exports = new engine.Instance(module, {}).exports;
        const values = [exports.control(1000), String(exports.memops(100)), exports.i32div(-7, 2), exports.f64ops(2.5, -0.5)];
        console.log(JSON.stringify({ values, stats: engine.Module.timings(module).lazy }));`;
      const runs = [0, 1].map(() => {
        const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, WASM_LLVM_UNIT_BYTES: '1' } });
        expect(result.status, result.stderr).toBe(0);
        return JSON.parse(result.stdout.trim().split('\n').pop()!) as { values: unknown[]; stats: { unitsCompiled: number; unitsDirect: number; unitsFromCache: number } };
      });
      expect(runs[1].values).toEqual(runs[0].values);
      expect(runs[0].stats.unitsFromCache).toBe(0);
      expect(runs[0].stats.unitsDirect).toBe(runs[0].stats.unitsCompiled);
      expect(runs[1].stats.unitsCompiled).toBe(runs[0].stats.unitsCompiled);
      expect(runs[1].stats.unitsFromCache).toBe(runs[1].stats.unitsCompiled);
      expect(runs[1].stats.unitsDirect).toBe(runs[1].stats.unitsCompiled);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('a cached unit that does not describe itself (another format, wrong sizes) is not installed', () => {
    const code = new Uint8Array(72);
    const good = baselineUnitToCache({ bytes: code, offsets: [0, 16], tableOffset: 40, osrCandidates: [3, 0] });
    expect(baselineUnitFromCache(good.lines, good.object)).toMatchObject({ offsets: [0, 16], tableOffset: 40, osrCandidates: [3, 0] });
    expect(baselineUnitFromCache(['baseline-x64 0', ...good.lines.slice(1)], good.object)).toBeUndefined();
    expect(baselineUnitFromCache(good.lines, code.subarray(0, 64))).toBeUndefined();
    expect(baselineUnitFromCache([good.lines[0], 'table 44', good.lines[2], good.lines[3]], good.object)).toBeUndefined();
    expect(baselineUnitFromCache([good.lines[0], good.lines[1], 'offsets 0 48', good.lines[3]], good.object)).toBeUndefined();
    expect(baselineUnitFromCache([good.lines[0], good.lines[1], good.lines[2], 'osr 1 x'], good.object)).toBeUndefined();
  });

  test('an endless loop in baseline code stops at its deadline', () => {
    const exports = exportsOf(new Module(wat('(module (func (export "spin") (loop $l (br $l))))'), { optLevel: 0, tiering: 'lazy' }), false);
    expect(() => withDeadline(50, () => exports.spin())).toThrow(/deadline exceeded/);
  });

  test('its code is unmapped when the module is collected', async () => {
    const mappings = (): number => readFileSync('/proc/self/maps', 'utf8').split('\n').length;
    const bytes = wat('(module (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))');
    const run = (): void => {
      for (let i = 0; i < 200; i++) expect((exportsOf(new Module(bytes, { optLevel: 0, tiering: 'lazy' }), false).f(i))).toBe(i + 1);
    };
    run();
    forceGarbageCollection();
    await new Promise((resolve) => setImmediate(resolve));
    const before = mappings();
    for (let round = 0; round < 5; round++) {
      run();
      forceGarbageCollection();
      await new Promise((resolve) => setImmediate(resolve));
    }
    // 1,000 more modules, each with code pages of its own: without unmapping, ~1,000 more mappings.
    expect(mappings() - before).toBeLessThan(300);
  });

  test('the hostile corpus: every module compiles lazily, and its functions return or trap (a deadline stops the endless ones)', () => {
    let taken = 0;
    for (const hostile of HOSTILE_MODULES) {
      const module = new Module(hostile.make(), { optLevel: 0, tiering: 'lazy' });
      let instance: Instance;
      try {
        instance = new Instance(module, {});
      } catch (error) {
        expect(error, hostile.name).toBeInstanceOf(RangeError); // the 10,000,001-element table
        continue;
      }
      for (const [name, f] of Object.entries(instance.exports)) {
        if (typeof f !== 'function') continue;
        try {
          withDeadline(500, () => (f as Call)(1, 2, 3));
        } catch (error) {
          expect(error, `${hostile.name} ${name}`).toBeInstanceOf(RuntimeError);
        }
      }
      const stats = Module.timings(module).lazy!;
      if (stats.unitsCompiled > 0 && stats.unitsDirect === stats.unitsCompiled) taken++;
    }
    // All but the operand stack 200,000 deep (a frame over 1 MiB: LLVM's) and the table.
    expect(taken).toBe(HOSTILE_MODULES.length - 2);
  }, 120_000);

  test('stress: three workers and the main thread compile and run lazy modules at once', async () => {
    const source = `(module (memory 1)
      (func $fib (param i32) (result i32) (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (func (export "run") (param $salt i32) (result i32) (local $i i32)
        (loop $l (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.add (local.get $i) (local.get $salt)))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))
        (i32.add (call $fib (i32.const 15)) (i32.load (i32.const 3996)))))`;
    const bytes = wat(source);
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.engine).then((engine) => {
        let failures = 0;
        for (let i = 0; i < 150; i++) {
          const module = new engine.Module(workerData.bytes, { optLevel: 0, tiering: 'lazy' });
          if (new engine.Instance(module, {}).exports.run(i) !== 610 + 999 + i) failures++;
        }
        parentPort.postMessage(failures);
      });`;
    const engineEntry = join(root, 'dist', 'engine', 'index.js');
    const workers = [0, 1, 2].map(() => new Worker(script, { eval: true, workerData: { engine: engineEntry, bytes } }));
    const results = workers.map((worker) => new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }));
    let failures = 0;
    for (let i = 0; i < 150; i++) {
      const exports = exportsOf(new Module(bytes, { optLevel: 0, tiering: 'lazy' }), false);
      if (exports.run(i) !== 610 + 999 + i) failures++;
      if (i % 50 === 49) forceGarbageCollection();
    }
    expect(failures).toBe(0);
    expect(await Promise.all(results)).toEqual([0, 0, 0]);
    await Promise.all(workers.map((worker) => worker.terminate()));
  });
});
