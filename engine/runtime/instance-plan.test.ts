// The instance plan (instance-plan.ts): which modules' active segments the native builder
// applies (only when none can trap), and that both ways give the same instance — including
// the spec's partial results when a segment does not fit (earlier segments stay written).
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { compiledModuleOf } from '../api/module.js';
import { instancePlanOf } from './instance-plan.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

type Fn = (...args: unknown[]) => unknown;

function planOf(text: string) {
  return instancePlanOf(compiledModuleOf(new ours.Module(wat(text), { optLevel: 0 })));
}

const CALLS = `
  (type $r (func (result i32)))
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))`;

describe.skipIf(watUnavailableReason() !== undefined)('instance plan', () => {
  test('applies segments natively when they fit the defined table and memory', () => {
    const text = `(module (memory (export "memory") 1) (table 4 funcref)
      (elem (i32.const 2) $one $two) (data (i32.const 65535) "\\07") ${CALLS})`;
    const plan = planOf(text);
    expect(plan.appliesSegments).toBe(true);
    expect([plan.memoryCount, plan.tableCount]).toEqual([1, 1]);
    const exports = new ours.Instance(new ours.Module(wat(text), { optLevel: 0 })).exports;
    expect((exports.call as Fn)(2)).toBe(1);
    expect((exports.call as Fn)(3)).toBe(2);
    expect(() => (exports.call as Fn)(1)).toThrow(ours.RuntimeError);
    expect((exports.load as Fn)(65535)).toBe(7);
  });

  test.each([
    ['an imported memory', `(import "m" "memory" (memory 1)) (table 1 funcref) (data (i32.const 0) "a")`],
    ['an imported table', `(import "m" "table" (table 4 funcref)) (memory 1) (elem (i32.const 0) $one)`],
    ['an offset from a global', `(import "m" "g" (global i32)) (memory 1) (table 1 funcref) (data (global.get 0) "a")`],
    ['a data segment beyond the initial memory', `(memory 1 2) (table 1 funcref) (data (i32.const 65536) "a")`],
    ['an element segment beyond the initial table', `(memory 1) (table 1 4 funcref) (elem (i32.const 0) $one $two)`],
    ['element expressions', `(memory 1) (table 2 funcref) (elem (i32.const 0) funcref (ref.null func) (ref.func $one))`],
  ])('leaves segments to JavaScript with %s', (_, fields) => {
    expect(planOf(`(module ${fields} ${CALLS})`).appliesSegments).toBe(false);
  });

  test('a segment that does not fit traps after the earlier ones are written, as before', () => {
    const text = `(module (import "m" "memory" (memory 1)) (import "m" "table" (table 2 funcref))
      (elem (i32.const 0) $one) (elem (i32.const 1) $two $one)
      (data (i32.const 0) "\\05") ${CALLS})`;
    const memory = new ours.Memory({ initial: 1 });
    const table = new ours.Table({ element: 'anyfunc', initial: 2 });
    const module = new ours.Module(wat(text), { optLevel: 0 });
    expect(() => new ours.Instance(module, { m: { memory, table } })).toThrow(ours.RuntimeError);
    expect((table.get(0) as Fn)()).toBe(1);
    expect(table.get(1)).toBeNull();
    // The element segment trapped, so no data segment was applied.
    expect(new Uint8Array(memory.buffer)[0]).toBe(0);
  });

  test('host imports get contexts of their own in every instance', () => {
    const text = `(module (import "js" "f" (func $f (param i32) (result i32))) (import "js" "g" (func $g (result i32)))
      (func (export "run") (result i32) (i32.add (call $f (i32.const 10)) (call $g))))`;
    const module = new ours.Module(wat(text), { optLevel: 0 });
    const a = new ours.Instance(module, { js: { f: (x: number) => x + 1, g: () => 100 } });
    const b = new ours.Instance(module, { js: { f: (x: number) => x * 3, g: () => 1000 } });
    expect((a.exports.run as Fn)()).toBe(111);
    expect((b.exports.run as Fn)()).toBe(1030);
    // A wasm function imported in place of a JavaScript one replaces the context.
    const times7 = new ours.Instance(new ours.Module(wat(`(module (func (export "f") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 7))))`), { optLevel: 0 }));
    const c = new ours.Instance(module, { js: { f: times7.exports.f, g: () => 5 } });
    expect((c.exports.run as Fn)()).toBe(75);
  });
});
