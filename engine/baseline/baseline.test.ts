// Tests of the baseline compiler (engine/baseline/): the units it takes compute what LLVM's
// code and V8 compute (every scalar operator family, edge values, traps; comparisons fused
// with the br_if or if after them; locals kept in r13-r15 across calls, host calls, traps,
// memory.grow, stack parameters, recursion and an OSR transfer), the units it does
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
import type { ModuleInfo } from '../binary/module-info.js';
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

/** Every comparison that can drive br_if and if (the baseline jumps on its flags then), by operand type. */
const COMPARISONS: Record<string, readonly string[]> = {
  i32: ['eqz', 'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'],
  i64: ['eqz', 'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'],
  f32: ['eq', 'ne', 'lt', 'gt', 'le', 'ge'],
  f64: ['eq', 'ne', 'lt', 'gt', 'le', 'ge'],
};

/** Constants the comparisons also meet as their right operand: an imm32 and a wider one for i64. */
const COMPARISON_CONSTANTS: Record<string, readonly string[]> = {
  i32: ['7', '-1'],
  i64: ['7', '0x123456789'],
  f32: ['0.5', 'nan'],
  f64: ['-2.5', 'inf'],
};

/**
 * For each comparison: it drives br_if (to a block, with a value to move, to the function) and
 * if (registers, a constant, a merged block's slot), with other values on the stack meanwhile.
 */
const FUSED_COMPARISONS = (() => {
  const functions: string[] = [];
  for (const [type, operators] of Object.entries(COMPARISONS)) {
    for (const operator of operators) {
      const name = `${type}_${operator}`;
      const unary = operator === 'eqz';
      const params = unary ? `(param $a ${type})` : `(param $a ${type}) (param $b ${type})`;
      const compare = (a: string, b: string): string => (unary ? `(${type}.eqz ${a})` : `(${type}.${operator} ${a} ${b})`);
      const ab = compare('(local.get $a)', '(local.get $b)');
      functions.push(
        `(func (export "${name}_brif") ${params} (result i32) (block $yes (br_if $yes ${ab}) (return (i32.const 0))) (i32.const 1))`,
        `(func (export "${name}_if") ${params} (result i32) (if (result i32) ${ab} (then (i32.const 1)) (else (i32.const 2))))`,
        `(func (export "${name}_ifelse") ${params} (result i32) (local $r i32)
          (if ${ab} (then (local.set $r (i32.const 3))) (else (local.set $r (i32.const 4)))) (i32.add (local.get $r) (i32.const 10)))`,
        `(func (export "${name}_brifv") ${params} (result i32)
          (i32.add (i32.const 1000) (block $out (result i32) (i32.const 100) (br_if $out (i32.const 7) ${ab}) (drop) (drop) (i32.const 9))))`,
        `(func (export "${name}_ret") ${params} (result i32) (drop (br_if 0 (i32.const 11) ${ab})) (i32.const 22))`,
        `(func (export "${name}_slot") ${params} (result i32)
          (if (result i32) ${compare('(local.get $a)', `(block (result ${type}) (br 0 (local.get ${unary ? '$a' : '$b'})))`)} (then (i32.const 5)) (else (i32.const 6))))`,
        `(func (export "${name}_loop") ${params} (result i32) (local $n i32)
          (loop $again (br_if $again (i32.and ${ab} (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 3)))))
          (loop $more (if ${ab} (then (local.set $n (i32.add (local.get $n) (i32.const 10))))) (br_if $more (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1))) (i32.const 50))))
          (local.get $n))`,
      );
      if (!unary) {
        COMPARISON_CONSTANTS[type].forEach((constant, i) => {
          functions.push(
            `(func (export "${name}_k${i}") ${params} (result i32)
              (block $yes (br_if $yes ${compare('(local.get $a)', `(${type}.const ${constant})`)}) (return (i32.const 0))) (i32.const 1))`,
            `(func (export "${name}_kl${i}") ${params} (result i32)
              (if (result i32) ${compare(`(${type}.const ${constant})`, '(local.get $b)')} (then (i32.const 1)) (else (i32.const 2))))`,
          );
        });
      }
    }
  }
  return `(module\n${functions.join('\n')})`;
})();

/**
 * Locals the baseline keeps in r13-r15 (the three used most), live across what calls out:
 * direct and indirect calls into functions with register locals of their own, JavaScript
 * imports (one calling back into wasm, one whose wasm call traps and is caught there),
 * memory.grow, traps, stack parameters, wasm callers that leave an i32's high half set, and
 * recursion.
 */
const REGISTER_LOCALS = `
(module
  (type $binop (func (param i32 i32) (result i32)))
  (import "host" "mix" (func $hostMix (param i32 i32) (result i32)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (import "host" "reenterTrap" (func $reenterTrap (param i32) (result i32)))
  (memory (export "memory") 1 40)
  (table 2 funcref)
  (elem (i32.const 0) $scramble $scramble2)
  (func $scramble (type $binop) (local $x i32) (local $y i32) (local $z i32)
    (local.set $x (i32.mul (local.get 0) (i32.const 0x01000193)))
    (local.set $y (i32.xor (local.get 1) (local.get $x)))
    (local.set $z (i32.add (local.get $x) (local.get $y)))
    (loop $l
      (local.set $z (i32.rotl (i32.add (local.get $z) (local.get $y)) (i32.const 5)))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $l (i32.and (local.get $x) (i32.const 3))))
    (i32.xor (local.get $z) (local.get $x)))
  (func $scramble2 (type $binop) (i32.sub (call $scramble (local.get 1) (local.get 0)) (i32.const 17)))
  (func (export "scramble") (param i32 i32) (result i32) (call $scramble (local.get 0) (local.get 1)))
  (func (export "trapIf") (param $i i32) (result i32)
    (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 3))) (then unreachable))
    (call $scramble (local.get $i) (local.get $i)))
  (func (export "calls") (param $n i32) (param $seed i32) (result i64) (local $i i32) (local $h i32) (local $acc i64)
    (local.set $h (local.get $seed))
    (loop $l
      (local.set $h (i32.add (local.get $h) (call $scramble (local.get $i) (local.get $h))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $h))))
      (local.set $h (i32.xor (local.get $h) (call_indirect (type $binop) (local.get $h) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $h))))
      (local.set $h (i32.add (local.get $h) (call $hostMix (local.get $h) (local.get $i))))
      (local.set $h (i32.add (local.get $h) (call $reenter (local.get $i))))
      (local.set $h (i32.add (local.get $h) (call $reenterTrap (local.get $i))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $h))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i64.add (local.get $acc) (i64.extend_i32_u (local.get $h))))
  (func (export "grow") (param $n i32) (result i32) (local $i i32) (local $sum i32) (local $pages i32)
    (loop $l
      (local.set $pages (memory.grow (i32.const 1)))
      (if (i32.ge_s (local.get $pages) (i32.const 0))
        (then (i32.store (i32.mul (local.get $pages) (i32.const 65536)) (i32.mul (local.get $i) (local.get $sum)))))
      (local.set $sum (i32.add (i32.add (local.get $sum) (local.get $pages))
        (i32.load (i32.mul (i32.and (local.get $pages) (i32.const 0xffff)) (i32.const 4)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (local.get $sum) (memory.size)))
  (func (export "trapAt") (param $n i32) (param $at i32) (result i32) (local $i i32) (local $h i32)
    (loop $l
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (local.get $i)))
      (if (i32.eq (local.get $i) (local.get $at)) (then (drop (i32.load (i32.const -4)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $h))
  ;; Eight parameters: f, g and h come on the stack; h, f and the accumulator are used most.
  (func $eight (param $a i32) (param $b i64) (param $c i32) (param $d i64) (param $e i32) (param $f i32) (param $g i64) (param $h i32) (result i64)
    (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31)) (i64.add (local.get $g) (i64.extend_i32_u (local.get $f)))))
      (local.set $acc (i64.xor (local.get $acc) (i64.extend_i32_u (local.get $f))))
      (br_if $l (i32.gt_u (local.tee $h (i32.sub (local.get $h) (i32.const 1))) (i32.const 0))))
    (i64.add (local.get $acc) (i64.add (i64.extend_i32_u (local.get $a)) (i64.add (local.get $b)
      (i64.add (i64.extend_i32_u (local.get $c)) (i64.add (local.get $d) (i64.extend_i32_u (local.get $e))))))))
  (func (export "eight") (param i32 i64 i32 i64 i32 i32 i64 i32) (result i64)
    (call $eight (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6) (local.get 7)))
  ;; Constants -1 as i32 arguments: their slots (and so the argument registers and stack words) hold all ones.
  (func (export "eightConstants") (result i64)
    (i64.add (call $eight (i32.const -1) (i64.const -2) (i32.const -3) (i64.const 4) (i32.const -5) (i32.const -6) (i64.const 7) (i32.const 9))
             (call $widen (i32.const -1) (i32.const -7))))
  (func $widen (param $a i32) (param $b i32) (result i64) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (i64.add (i64.extend_i32_u (local.get $a)) (i64.extend_i32_u (local.get $b)))))
      (local.set $a (i32.rotl (local.get $a) (i32.const 1)))
      (br_if $l (i64.lt_u (local.get $acc) (i64.const 0x100000000000))))
    (local.get $acc))
  (func $deep (export "deep") (param $n i32) (param $k i64) (result i64) (local $x i64) (local $y i32)
    (local.set $x (i64.mul (local.get $k) (i64.const 3)))
    (local.set $y (i32.xor (local.get $n) (i32.const 0x5555)))
    (if (result i64) (i32.eqz (local.get $n))
      (then (local.get $x))
      (else (i64.add (i64.add (call $deep (i32.sub (local.get $n) (i32.const 1)) (i64.add (local.get $k) (local.get $x))) (local.get $x))
                     (i64.extend_i32_u (local.get $y)))))))`;

/** A loop whose state is all in register locals, for an OSR transfer (tiered). */
const OSR_LOOP = `
(module
  (func (export "run") (param $n i32) (param $seed i32) (result i32) (local $i i32) (local $h i32) (local $acc i64)
    (local.set $h (local.get $seed))
    (loop $next
      (local.set $h (i32.xor (i32.mul (local.get $h) (i32.const 0x9e3779b1)) (i32.shr_u (local.get $h) (i32.const 15))))
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 3)) (i64.extend_i32_u (local.get $h))))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.xor (local.get $h) (i32.wrap_i64 (i64.shr_u (local.get $acc) (i64.const 7))))))`;

/** f32/f64 locals in XMM homes (xmm12-xmm15): live across calls out of every kind. */
const FLOAT_HOMES = `
(module
  (type $fbin (func (param f64 f64) (result f64)))
  (import "host" "fmix" (func $fmix (param f64 f32) (result f64)))
  (import "host" "freenter" (func $freenter (param f64) (result f64)))
  (memory 1 40)
  (table 2 funcref)
  (elem (i32.const 0) $fscramble $fscramble2)
  (func $fscramble (export "fscramble") (type $fbin) (local $x f64) (local $y f64) (local $z f64) (local $w f32) (local $v f64) (local $i i32)
    (local.set $x (f64.mul (local.get 0) (f64.const 1.0000001)))
    (local.set $y (f64.sub (local.get 1) (local.get $x)))
    (loop $l
      (local.set $z (f64.add (f64.mul (local.get $z) (f64.const 0.75)) (local.get $y)))
      (local.set $w (f32.add (local.get $w) (f32.demote_f64 (local.get $z))))
      (local.set $v (f64.sub (local.get $v) (local.get $x)))
      (local.set $x (f64.add (local.get $x) (f64.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 5))))
    (f64.add (f64.add (local.get $z) (local.get $v)) (f64.promote_f32 (local.get $w))))
  (func $fscramble2 (type $fbin) (f64.sub (call $fscramble (local.get 1) (local.get 0)) (f64.const 17)))
  (func (export "calls") (param $n i32) (param $seed f64) (result f64) (local $i i32) (local $a f64) (local $b f64) (local $c f32) (local $d f64)
    (local.set $a (local.get $seed))
    (local.set $b (f64.const 0.5))
    (local.set $c (f32.const 1.25))
    (loop $l
      (local.set $a (f64.add (local.get $a) (call $fscramble (f64.convert_i32_u (local.get $i)) (local.get $b))))
      (local.set $b (f64.mul (local.get $b) (f64.const 0.999)))
      (local.set $c (f32.add (local.get $c) (f32.const 0.5)))
      (local.set $d (f64.add (f64.mul (local.get $d) (f64.const 0.25))
        (call_indirect (type $fbin) (local.get $a) (local.get $b) (i32.and (local.get $i) (i32.const 1)))))
      (local.set $a (f64.sub (local.get $a) (f64.mul (f64.const 0.125) (call $fmix (local.get $d) (local.get $c)))))
      (local.set $b (f64.add (local.get $b) (call $freenter (local.get $b))))
      (local.set $d (f64.add (local.get $d) (f64.convert_i32_s (memory.grow (i32.const 1)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (f64.add (f64.add (local.get $a) (local.get $b)) (f64.add (f64.promote_f32 (local.get $c)) (local.get $d))))
  ;; Many operand values on the stack at once (fewer operand XMM registers: spills).
  (func (export "pressure") (param $x f64) (result f64) (local $a f64) (local $b f64) (local $c f64) (local $d f64) (local $i i32)
    (loop $l
      (local.set $a (f64.add (local.get $a) (local.get $x)))
      (local.set $b (f64.sub (local.get $b) (local.get $a)))
      (local.set $c (f64.add (local.get $c) (f64.const 0.5)))
      (local.set $d (f64.add (local.get $d) (local.get $c)))
      (local.set $x
        (f64.add (local.get $a) (f64.add (local.get $b) (f64.add (local.get $c) (f64.add (local.get $d) (f64.add (local.get $x)
        (f64.add (local.get $a) (f64.add (local.get $b) (f64.add (local.get $c) (f64.add (local.get $d) (f64.add (local.get $x)
        (f64.add (local.get $a) (f64.add (local.get $b) (f64.add (local.get $c) (f64.add (local.get $d) (f64.mul (local.get $x) (f64.const 0.001)))))))))))))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 20))))
    (f64.add (local.get $x) (local.get $d)))
  ;; A loop that polls for interrupts, to run while a deadline's timer wakes the thread.
  (func (export "spin") (param $n i32) (result f64) (local $i i32) (local $x f64) (local $y f64) (local $s f32)
    (local.set $x (f64.const 1))
    (loop $l
      (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.9999999)) (f64.const 0.5)))
      (local.set $y (f64.add (local.get $y) (local.get $x)))
      (local.set $s (f32.add (local.get $s) (f32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (f64.add (local.get $y) (f64.promote_f32 (local.get $s))))
  ;; NaN payloads through homes (set from a register, a slot and a constant; across calls).
  (func (export "nan64") (param $bits i64) (result i64) (local $x f64) (local $y f64) (local $i i32)
    (local.set $x (f64.reinterpret_i64 (local.get $bits)))
    (loop $l
      (local.set $y (local.get $x))
      (drop (call $fscramble (local.get $y) (local.get $x)))
      (local.set $x (local.get $y))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
    (i64.reinterpret_f64 (local.get $x)))
  (func $pass32 (param $x f32) (param $y f32) (result f32) (local $i i32)
    (loop $l
      (local.set $y (local.get $x))
      (drop (call $fscramble (f64.const 1) (f64.const 2)))
      (local.set $x (local.get $y))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
    (local.get $x))
  (func (export "nan32") (param $bits i32) (result i32)
    (i32.reinterpret_f32 (call $pass32 (f32.reinterpret_i32 (local.get $bits)) (f32.const 0))))
  (func (export "nanConst64") (result i64) (local $x f64) (local $i i32)
    (loop $l
      (local.set $x (f64.const nan:0x4000000000001))
      (drop (call $fscramble (local.get $x) (local.get $x)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 2))))
    (i64.reinterpret_f64 (local.get $x)))
  (func (export "nanConst32") (result i32) (local $x f32) (local $i i32)
    (loop $l
      (local.set $x (f32.const -nan:0x200001))
      (drop (call $fscramble (f64.const 0) (f64.const 0)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 2))))
    (i32.reinterpret_f32 (local.get $x)))
  ;; Eleven float parameters: p, q and r come on the stack (after eight in xmm0-xmm7) and have homes.
  (func $many (export "many") (param $a f64) (param $b f32) (param $c f64) (param $d f64) (param $e f64) (param $f f64) (param $g f64) (param $h f64)
    (param $p f32) (param $q f64) (param $r f32) (result f64) (local $i i32) (local $acc f64)
    (loop $l
      (local.set $acc (f64.add (f64.mul (local.get $acc) (f64.const 0.5)) (f64.add (local.get $q) (f64.promote_f32 (local.get $r)))))
      (local.set $q (f64.add (local.get $q) (f64.promote_f32 (local.get $p))))
      (local.set $acc (f64.add (local.get $acc) (call $fscramble (local.get $q) (local.get $acc))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10))))
    (f64.add (local.get $acc) (f64.add (local.get $a) (f64.add (f64.promote_f32 (local.get $b)) (f64.add (local.get $c) (f64.add (local.get $d)
      (f64.add (local.get $e) (f64.add (local.get $f) (f64.add (local.get $g) (f64.add (local.get $h) (f64.promote_f32 (local.get $p))))))))))))
  (func (export "manyCall") (param f64) (result f64)
    (call $many (local.get 0) (f32.const 1.5) (f64.const 2) (f64.const 3) (f64.const 4) (f64.const 5) (f64.const 6) (f64.const 7)
      (f32.const -8.25) (f64.neg (local.get 0)) (f32.const 0.1))))`;

/** A loop whose state is f64/f32 locals in XMM homes, for an OSR transfer (tiered). */
const OSR_FLOAT_LOOP = `
(module
  (func (export "run") (param $n i32) (param $seed f64) (result f64) (local $i i32) (local $x f64) (local $y f64) (local $z f32)
    (local.set $x (local.get $seed))
    (loop $next
      (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.999999)) (f64.const 1.5)))
      (local.set $y (f64.add (local.get $y) (f64.div (local.get $x) (f64.const 3))))
      (local.set $z (f32.add (local.get $z) (f32.const 0.25)))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (f64.add (f64.add (local.get $x) (local.get $y)) (f64.promote_f32 (local.get $z)))))`;

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

/**
 * `bytes` instantiated lazily in the baseline, eagerly at O2 and in V8, each with the host
 * functions `makeHost` gives, which may call that instance's exports (`exports()`).
 */
function inThreeEngines(bytes: Uint8Array, makeHost: (exports: () => Record<string, Call>) => Record<string, unknown>): { baselineModule: Module; engines: Record<'baseline' | 'llvm' | 'v8', Record<string, Call>> } {
  const instantiate = (module: Module | WebAssembly.Module, v8: boolean): Record<string, Call> => {
    let exports: Record<string, Call> = {};
    const host = makeHost(() => exports);
    const instance = v8 ? new WebAssembly.Instance(module as WebAssembly.Module, { host } as WebAssembly.Imports) : new Instance(module as Module, { host });
    exports = instance.exports as unknown as Record<string, Call>;
    return exports;
  };
  const baselineModule = new Module(bytes, { optLevel: 0, tiering: 'lazy' });
  return {
    baselineModule,
    engines: {
      baseline: instantiate(baselineModule, false),
      llvm: instantiate(new Module(bytes, { optLevel: 2 }), false),
      v8: instantiate(new WebAssembly.Module(bytes), true),
    },
  };
}

/** The TypeScript baseline compiler's bytes for function 0 of `info` (not tiered), its runtime table zeroed. */
function baselineBytesOfOnlyFunction(info: ModuleInfo): Uint8Array {
  const compiler = new BaselineFunctionCompiler({ module: info, layout: new VmctxLayout(info, { lazyContexts: true, tierCounters: false }), tiered: false, tlsOffset: -64 });
  const emitter = new X64Emitter();
  const runtime = { trap: emitter.newLabel(), checkSlow: emitter.newLabel(), memoryGrow: emitter.newLabel(), tierUp: emitter.newLabel() };
  compiler.compile(emitter, 0, runtime);
  for (const label of [runtime.trap, runtime.checkSlow, runtime.memoryGrow, runtime.tierUp]) {
    emitter.bind(label);
    emitter.u64(0n);
  }
  return emitter.finish();
}

/**
 * Runs `source`'s run(n, x) tiered with OSR at every 50 counts until a transfer happens, and
 * after it, comparing every answer with the eager O2 module's (x from `argument(round)`, then
 * `check(seed)` for three seeds).
 */
async function expectOsrTransferAgrees(source: string, argument: (round: number) => number, check: (seed: number) => number): Promise<void> {
  process.env.WASM_LLVM_UNIT_BYTES = '1';
  process.env.WASM_LLVM_TIER_UP_THRESHOLD = '50';
  try {
    const bytes = wat(source);
    const reference = exportsOf(new Module(bytes, { optLevel: 2 }), false);
    const module = new Module(bytes, { optLevel: 2, tiering: 'tiered' });
    const exports = exportsOf(module, false);
    const deadline = Date.now() + 20_000;
    let round = 0;
    while (Module.timings(module).lazy!.osrTransfers === 0) {
      if (Date.now() > deadline) throw new Error(`no OSR transfer: ${JSON.stringify(Module.timings(module).lazy)}`);
      expect(exports.run(300_000, argument(round))).toBe(reference.run(300_000, argument(round)));
      round++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(Module.timings(module).lazy!.osrFailed).toBe(0);
    for (let seed = 0; seed < 3; seed++) expect(exports.run(200_000, check(seed))).toBe(reference.run(200_000, check(seed)));
  } finally {
    delete process.env.WASM_LLVM_UNIT_BYTES;
    delete process.env.WASM_LLVM_TIER_UP_THRESHOLD;
  }
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

  test('a comparison that drives br_if or if (fused into cmp + jcc): every kind, edge values and NaNs, as LLVM at O2 and V8', () => {
    const bytes = wat(FUSED_COMPARISONS);
    const baselineModule = new Module(bytes, { optLevel: 0, tiering: 'lazy' });
    const baseline = exportsOf(baselineModule, false);
    const llvm = exportsOf(new Module(bytes, { optLevel: 2 }), false);
    const v8 = exportsOf(new WebAssembly.Module(bytes), true);
    const values: Record<string, readonly unknown[]> = { i32: I32_VALUES, i64: I64_VALUES, f32: F64_VALUES, f64: F64_VALUES };
    let compared = 0;
    for (const name of Object.keys(baseline)) {
      const type = name.slice(0, 3);
      const inputs = values[type];
      for (const a of inputs) {
        for (const b of inputs) {
          const args = name.includes('_eqz_') ? [a] : [a, b];
          const expected = outcome(() => llvm[name](...args));
          expect(outcome(() => v8[name](...args)), `${name}(${args.join(', ')}) in V8`).toBe(expected);
          expect(outcome(() => baseline[name](...args)), `${name}(${args.join(', ')}) in the baseline`).toBe(expected);
          compared++;
          if (name.includes('_eqz_')) break;
        }
      }
    }
    expect(compared).toBeGreaterThan(40_000);
    const stats = Module.timings(baselineModule).lazy!;
    expect(stats.unitsDirect).toBe(stats.unitsCompiled);
  });

  test('locals in r13-r15: live across calls, JavaScript imports (re-entered, trapping inside), memory.grow, traps, stack parameters and recursion', () => {
    const bytes = wat(REGISTER_LOCALS);
    const { baselineModule, engines } = inThreeEngines(bytes, (exports) => ({
      mix: (x: number, y: number) => (Math.imul(x, 31) ^ y) | 0,
      reenter: (i: number) => exports().scramble(i, 7),
      reenterTrap: (i: number) => {
        try {
          return exports().trapIf(i);
        } catch {
          return -1;
        }
      },
    }));
    const cases: [string, unknown[]][] = [
      ['calls', [1, 0]], ['calls', [50, 12345]], ['trapAt', [100, 50]], ['calls', [200, -7]], ['grow', [5]], ['trapAt', [100, 200]],
      ['grow', [30]], ['calls', [20, 3]], ['eight', [1, 2n, 3, 4n, 5, 6, 7n, 8]], ['eight', [-1, -1n, -1, -1n, -1, -1, -1n, 1000]],
      ['eight', [0x7fffffff, -0x8000000000000000n, 0, 0x123456789n, -2, 0x80000000 | 0, 99n, 1]], ['eightConstants', []],
      ['deep', [0, 5n]], ['deep', [3000, -123456789n]], ['trapAt', [10, 3]], ['deep', [6000, 0x7fffffffffffn]], ['calls', [100, 99]],
    ];
    for (const [name, args] of cases) {
      const expected = outcome(() => engines.llvm[name](...args));
      // V8's trap messages are its own: a trap is a trap there.
      const v8 = outcome(() => engines.v8[name](...args));
      expect(v8.startsWith('trap: ') ? expected.startsWith('trap: ') : v8 === expected, `${name}(${args.join(', ')}) in V8: ${v8} vs ${expected}`).toBe(true);
      expect(outcome(() => engines.baseline[name](...args)), `${name}(${args.join(', ')}) in the baseline`).toBe(expected);
    }
    expect(outcome(() => engines.baseline.trapAt(100, 50))).toBe('trap: out of bounds memory access');
    const stats = Module.timings(baselineModule).lazy!;
    expect(stats.unitsDirect).toBe(stats.unitsCompiled);
  });

  test('an OSR transfer from a loop whose locals are in registers: the entry starts from their values', async () => {
    await expectOsrTransferAgrees(OSR_LOOP, (round) => round, (seed) => seed * 77);
  });

  test('the three locals used most (weighted by loop depth) get r13-r15, saved and restored around the frame', () => {
    const info = decodeModule(wat(`(module (func (param $n i32) (param $x f64) (result i64) (local $i i32) (local $acc i64) (local $k i32)
      (local.set $k (local.get $n))
      (loop $l
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $acc)))`));
    const code = baselineBytesOfOnlyFunction(info);
    // push rbp; mov rbp, rsp; push rbx; push r12; push r13; push r14; push r15; mov rbx, rdi
    expect(Array.from(code.subarray(0, 16))).toEqual([0x55, 0x48, 0x89, 0xe5, 0x53, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, 0x48, 0x89, 0xfb]);
    // $i (24) in r13, $acc (17) in r14, $n (9: one use in the loop, one before) in r15: mov r15d, esi.
    const prologue = Array.from(code.subarray(16, 40));
    expect(prologue.join(' ')).toContain([0x41, 0x89, 0xf7].join(' '));
    // $k (1) stays in its slot; the frame keeps rsp 16-byte aligned: 8 * (5 locals + stack) + 16 rounded with the three pushes.
    const frameBytes = code[19] | (code[20] << 8);
    expect((frameBytes + 16 + 24) % 16).toBe(0);
    // The epilogue: lea rsp, [rbp-40]; pop r15; pop r14; pop r13; pop r12; pop rbx; pop rbp; ret.
    const epilogue = [0x48, 0x8d, 0x65, 0xd8, 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5b, 0x5d, 0xc3].join(' ');
    expect(Array.from(code).join(' ')).toContain(epilogue);
  });

  test('f32/f64 locals in xmm12-xmm15: live across direct and indirect calls, JavaScript imports, memory.grow, register pressure, stack parameters; NaN bits kept', () => {
    const bytes = wat(FLOAT_HOMES);
    const { baselineModule, engines } = inThreeEngines(bytes, (exports) => ({
      fmix: (x: number, y: number) => x * 0.5 + y,
      freenter: (x: number) => (exports().fscramble(x, 3) as number) * 1e-3,
    }));
    const cases: [string, unknown[]][] = [
      ['calls', [1, 0.5]], ['calls', [30, -3.25]], ['calls', [60, 1e3]], ['fscramble', [2.5, -1]], ['pressure', [0.75]], ['pressure', [-1e10]],
      ['spin', [1000]], ['many', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]], ['many', [-0.5, 1e-3, 1e300, -1e300, 0, -0, 2.5, 3.5, 4.5, -5.5, 6.5]],
      ['manyCall', [1.25]], ['manyCall', [-1e6]],
      ['nan64', [0x7ff4000000000001n]], ['nan64', [-0x7ffffffffffffn]], ['nan64', [0x7ff8dead0000beefn]], ['nan64', [-1n]], ['nan64', [0x3ff0000000000000n]],
      ['nan32', [0x7fa00001]], ['nan32', [0xffc12345 | 0]], ['nan32', [0x7f800001]], ['nan32', [-1]], ['nan32', [0x3f800000]],
      ['nanConst64', []], ['nanConst32', []],
    ];
    for (const [name, args] of cases) {
      const expected = outcome(() => engines.llvm[name](...args));
      expect(outcome(() => engines.v8[name](...args)), `${name}(${args.join(', ')}) in V8`).toBe(expected);
      expect(outcome(() => engines.baseline[name](...args)), `${name}(${args.join(', ')}) in the baseline`).toBe(expected);
    }
    expect(engines.baseline.nan64(0x7ff4000000000001n)).toBe(0x7ff4000000000001n);
    expect(engines.baseline.nan32(0x7fa00001)).toBe(0x7fa00001);
    expect(engines.baseline.nanConst64()).toBe(0x7ff4000000000001n);
    expect(engines.baseline.nanConst32()).toBe(0xffa00001 | 0);
    const stats = Module.timings(baselineModule).lazy!;
    expect(stats.unitsDirect).toBe(stats.unitsCompiled);
  });

  test('f64 locals in XMM homes survive the interrupt poll\'s slow path (a deadline\'s timer wakes the thread mid-loop)', () => {
    const bytes = wat(FLOAT_HOMES);
    const host = { fmix: () => 0, freenter: () => 0 };
    const baseline = new Instance(new Module(bytes, { optLevel: 0, tiering: 'lazy' }), { host }).exports as unknown as Record<string, Call>;
    const reference = new WebAssembly.Instance(new WebAssembly.Module(bytes), { host }).exports as unknown as Record<string, Call>;
    const n = 20_000_000;
    const expected = reference.spin(n);
    for (let round = 0; round < 3; round++) {
      // The inner deadline (2 ms) is gone when the loop runs, but its timer still wakes the
      // thread then: the poll takes the slow path, which finds the outer deadline far away.
      const value = withDeadline(60_000, () => {
        withDeadline(2, () => 0);
        return baseline.spin(n);
      });
      expect(value).toBe(expected);
    }
  });

  test('an OSR transfer from a loop whose state is f64/f32 locals in XMM homes: the entry starts from their values', async () => {
    await expectOsrTransferAgrees(OSR_FLOAT_LOOP, (round) => round + 0.5, (seed) => seed * 7.25);
  });

  test('the four f32/f64 locals used most get xmm15-xmm12 (a float parameter moved there by movaps, declared ones zeroed by xorps)', () => {
    const info = decodeModule(wat(`(module (func (param $x f64) (param $n i32) (result f64) (local $a f64) (local $b f32) (local $c f64) (local $d f64) (local $e f64) (local $i i32)
      (loop $l
        (local.set $a (f64.add (local.get $a) (local.get $x)))
        (local.set $x (f64.mul (local.get $x) (f64.const 0.5)))
        (local.set $b (f32.add (local.get $b) (f32.const 1)))
        (local.set $c (f64.add (local.get $c) (f64.const 1)))
        (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (f64.add (local.get $a) (f64.add (local.get $c) (f64.add (local.get $d) (local.get $e))))))`));
    const code = Array.from(baselineBytesOfOnlyFunction(info)).join(' ');
    // $x (24: three uses in the loop), then $a, $b, $c (16 each; ties to the lower index):
    // movaps xmm15, xmm0; xorps xmm14, xmm14; xorps xmm13, xmm13; xorps xmm12, xmm12.
    expect(code).toContain([0x44, 0x0f, 0x28, 0xf8].join(' '));
    for (const reg of [6, 5, 4]) expect(code).toContain([0x45, 0x0f, 0x57, 0xc0 | (reg << 3) | reg].join(' '));
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
