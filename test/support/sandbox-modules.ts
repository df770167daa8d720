// Stage: test support (used only by tests and their child processes). The modules of the
// sandbox regression tests (issue "Sandbox holes"), as WebAssembly text, so that a test and
// the child process or worker it starts run the very same code.

/**
 * Two function types whose FNV-1a-64 hashes of their signature text collided, found by a
 * birthday search: the engine compared call_indirect signatures by that hash, so a module
 * could call an A function as B — passing an i64 where A reads a funcref (a forged code
 * pointer) or reading a funcref as an i64 (a host address).
 */
export const COLLIDING_TYPE_A =
  '(param funcref i32 i32 i32 f64 i32 f32 i64 i32 f32 f32 f64 f64 f32 f64 f32 i32 i32 i64 i32 i32 i64 i32 i64 f32 i64 i64 f32 i32 i64 i32 f64)';
export const COLLIDING_TYPE_B =
  '(param i64 f64 i64 i32 i32 i64 f32 f32 f64 i64 f32 i32 f32 f32 f32 i64 f32 f32 i32 i32 i64 f64 i64 i64 f64 f64 f64 f32 f32 i64 i32 i32) (result i32)';

/** Zero constants for the params of a `(param …)` list, in order. */
function zeroArguments(type: string): string {
  const params = type.slice(type.indexOf('(param ') + 7, type.indexOf(')')).trim().split(/\s+/);
  return params.map((param) => (param === 'funcref' ? '(ref.null func)' : `(${param}.const 0x4141)`)).join(' ');
}

/**
 * Module "victim": a function of type A in an exported table (slot 0) that reads its
 * funcref parameter and calls it; "callAsA" calls it correctly, "callAsB" calls it as B
 * (with an i64 where A has its funcref): every engine must trap with a signature mismatch.
 */
export const TYPE_COLLISION_MODULE = `(module
  (type $a (func ${COLLIDING_TYPE_A}))
  (type $b (func ${COLLIDING_TYPE_B}))
  (type $v (func))
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $victim)
  (func $victim (type $a)
    (if (ref.is_null (local.get 0)) (then (return)))
    (table.set 0 (i32.const 1) (local.get 0))
    (call_indirect (type $v) (i32.const 1)))
  (func (export "callAsA") (call_indirect (type $a) ${zeroArguments(COLLIDING_TYPE_A)} (i32.const 0)))
  (func (export "callAsB") (result i32) (call_indirect (type $b) ${zeroArguments(COLLIDING_TYPE_B)} (i32.const 0))))`;

/** Module "attacker": imports a table and calls its slot 0 as B; with its own A type, "callAsA" must work. */
export const TYPE_COLLISION_IMPORTER = `(module
  (type $a (func ${COLLIDING_TYPE_A}))
  (type $b (func ${COLLIDING_TYPE_B}))
  (import "victim" "table" (table 2 funcref))
  (func (export "callAsA") (call_indirect (type $a) ${zeroArguments(COLLIDING_TYPE_A)} (i32.const 0)))
  (func (export "callAsB") (result i32) (call_indirect (type $b) ${zeroArguments(COLLIDING_TYPE_B)} (i32.const 0))))`;

/**
 * Code that runs until stopped: "spin" is `(loop (br 0))`; "fanout" is a recursion without
 * loops of 2^n calls (the global counts them, so no optimiser removes it); "work" calls
 * back into JavaScript ("host.call") `n` times; "add" shows the instance still works.
 */
export const LONG_RUNNING_MODULE = `(module
  (import "host" "call" (func $host))
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (func (export "spin") (loop (br 0)))
  (func $fanout (param i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (i32.eqz (local.get 0)) (then (return)))
    (call $fanout (i32.sub (local.get 0) (i32.const 1)))
    (call $fanout (i32.sub (local.get 0) (i32.const 1))))
  (func (export "fanout") (param i32) (result i32) (call $fanout (local.get 0)) (global.get $calls))
  (func (export "work") (param i32)
    (loop $again
      (call $host)
      (br_if $again (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`;

/**
 * Recursion: "depth" recurses n levels and returns n (a frame that calls); "deep" recurses
 * until the stack is exhausted; "wide" is like "deep" but each level also calls a leaf with
 * a frame of over 300 KiB at O0 (its 40,000 locals), larger than the margin kept below the stack limit, which no entry check guards.
 */
export const RECURSION_MODULE = `(module
  (func $depth (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get 0) (i32.const 1)))))))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func $leaf (param i32) (result i64)
    (local ${'i64 '.repeat(40000)})
    ${Array.from({ length: 40 }, (_, i) => `(local.set ${1 + i * 997} (i64.extend_i32_u (local.get 0)))`).join(' ')}
    ${Array.from({ length: 40 }, (_, i) => `(local.get ${1 + i * 997})`).join(' ')}
    ${'(i64.add) '.repeat(39)})
  (func $wide (export "wide") (param i32) (result i64)
    (i64.add (call $leaf (local.get 0)) (call $wide (i32.add (local.get 0) (i32.const 1))))))`;
