// Unit tests: the machine-code trampolines (signature-trampolines.ts).
// Seeded random signatures (every parameter class, in registers and on the stack) and edge
// cases cross JS → wasm (entry) and wasm → JS (host) with their values checked bit for bit, on
// every tiering mode (a lazy stub is a host trampoline too); modules share the per-signature
// code; a lazy compile of a module they cover runs no LLVM; data segments land in memory.
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';
import { hasMachineTrampolines, machineEntryTrampoline, machineHostTrampoline, setMachineCodeCapForTests } from './signature-trampolines.js';
import { ValType } from '../wasm/value-types.js';

const skip = watUnavailableReason();
type Fn = (...args: unknown[]) => unknown;
type Kind = 'i32' | 'i64' | 'f32' | 'f64' | 'externref' | 'funcref';
const KINDS: readonly Kind[] = ['i32', 'i64', 'f32', 'f64', 'externref', 'funcref'];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Signature {
  readonly params: readonly Kind[];
  readonly results: readonly Kind[];
}

/** Edge cases of System V placement, then seeded random signatures. */
function signatures(): Signature[] {
  const list: Signature[] = [
    { params: [], results: [] },
    { params: ['i32', 'i32', 'i32', 'i32', 'i32'], results: ['i32'] }, // every integer register
    { params: ['i32', 'i64', 'i32', 'i64', 'i32', 'i32', 'i64'], results: ['i64'] }, // two on the stack
    { params: ['f32', 'f64', 'f32', 'f64', 'f32', 'f64', 'f32', 'f64'], results: ['f64'] }, // every XMM register
    { params: ['f64', 'f64', 'f64', 'f64', 'f64', 'f64', 'f64', 'f64', 'f32', 'f64', 'f32'], results: ['f32'] },
    { params: ['i64', 'i64', 'i64', 'i64', 'i64', 'i32', 'f32', 'i32', 'f32', 'externref', 'funcref'], results: ['externref'] },
  ];
  const next = random(20261206);
  for (let i = 0; i < 24; i++) {
    const count = Math.floor(next() * 19);
    const params = Array.from({ length: count }, () => KINDS[Math.floor(next() * KINDS.length)]);
    const results = next() < 0.2 ? [] : [KINDS[Math.floor(next() * KINDS.length)]];
    list.push({ params, results });
  }
  return list;
}

/** A value of `kind` (no NaNs: JavaScript may change their bits); funcref values come from `functions`. */
function valueOf(kind: Kind, next: () => number, functions: readonly Fn[]): unknown {
  const bits = (): number => Math.floor(next() * 4294967296) | 0;
  switch (kind) {
    case 'i32':
      return bits();
    case 'i64':
      return BigInt.asIntN(64, (BigInt(bits()) << 32n) | BigInt(bits() >>> 0));
    case 'f32':
      return next() < 0.1 ? -0 : Math.fround((next() - 0.5) * 2 ** Math.floor(next() * 200 - 100));
    case 'f64':
      return next() < 0.1 ? -0 : (next() - 0.5) * 2 ** Math.floor(next() * 2000 - 1000);
    case 'externref':
      return next() < 0.2 ? null : { tag: bits() };
    case 'funcref':
      return next() < 0.3 ? null : functions[Math.floor(next() * functions.length)];
  }
}

function moduleText(signature: Signature): string {
  const params = signature.params.length > 0 ? `(param ${signature.params.join(' ')})` : '';
  const results = signature.results.length > 0 ? `(result ${signature.results.join(' ')})` : '';
  const gets = signature.params.map((_, i) => `local.get ${i}`).join(' ');
  const picks = signature.params.map((kind, i) => `(func (export "p${i}") ${params} (result ${kind}) local.get ${i})`).join('\n  ');
  return `(module
  (import "js" "host" (func $host ${params} ${results}))
  (func (export "through") ${params} ${results} ${gets} call $host)
  ${picks})`;
}

const MODES: readonly [string, object][] = [
  ['O0', { optLevel: 0 }],
  ['O2', { optLevel: 2 }],
  ['lazy', { tiering: 'lazy', optLevel: 0 }],
  ['tiered', { tiering: 'tiered', optLevel: 2 }],
];

describe.skipIf(skip !== undefined)('machine-code trampolines', () => {
  test.each(MODES)('values cross JS → wasm → JS → wasm → JS intact, in registers and on the stack (%s)', (_, options) => {
    const next = random(7);
    for (const signature of signatures()) {
      let received: unknown[] = [];
      let toReturn: unknown;
      const host = (...args: unknown[]): unknown => {
        received = args;
        return toReturn;
      };
      const instance = new ours.Instance(new ours.Module(wat(moduleText(signature)), options), { js: { host } });
      const exports = instance.exports as Record<string, Fn>;
      const functions = Object.values(exports);
      for (let round = 0; round < 3; round++) {
        const args = signature.params.map((kind) => valueOf(kind, next, functions));
        toReturn = signature.results.length > 0 ? valueOf(signature.results[0], next, functions) : undefined;
        const result = exports.through(...args);
        const where = `${signature.params.join(',')} → ${signature.results.join(',')}`;
        expect(received.length, where).toBe(args.length);
        args.forEach((value, i) => expect(Object.is(received[i], value), `${where}: argument ${i} reached the host as ${String(received[i])}, sent ${String(value)}`).toBe(true));
        expect(Object.is(result, toReturn), `${where}: result ${String(result)}, host returned ${String(toReturn)}`).toBe(true);
        args.forEach((value, i) => expect(Object.is(exports[`p${i}`](...args), value), `${where}: parameter ${i}`).toBe(true));
      }
    }
  });

  test('one trampoline per signature in the process, shared by modules; v128 and multiple results are not covered', () => {
    const type = { params: [ValType.I32, ValType.F64], results: [ValType.I64] };
    expect(hasMachineTrampolines(type)).toBe(process.arch === 'x64' && process.platform === 'linux');
    if (!hasMachineTrampolines(type)) return;
    const entry = machineEntryTrampoline(type);
    expect(machineEntryTrampoline({ params: [ValType.I32, ValType.F64], results: [ValType.I64] })).toBe(entry);
    expect(machineHostTrampoline(type)).not.toBe(entry);
    expect(hasMachineTrampolines({ params: [ValType.V128], results: [] })).toBe(false);
    expect(hasMachineTrampolines({ params: [], results: [ValType.I32, ValType.I32] })).toBe(false);
  });

  test('a lazy compile of a module whose signatures are all covered runs no LLVM; v128 and multi-value ones still work through IR', () => {
    if (!hasMachineTrampolines({ params: [], results: [] })) return;
    const covered = new ours.Module(
      wat(`(module (import "js" "f" (func $f (param i32) (result i32))) (memory 1) (data (i32.const 8) "abc")
        (func (export "g") (param i32) (result i32) local.get 0 call $f i32.const 8 i32.load8_u i32.add))`),
      { tiering: 'lazy', optLevel: 0 },
    );
    expect(ours.Module.timings(covered).units).toBe(0);
    const g = new ours.Instance(covered, { js: { f: (x: number) => x * 2 } }).exports.g as Fn;
    expect(g(20)).toBe(40 + 97); // 'a' copied by instantiation's native data copy
    const mixed = new ours.Module(
      wat(`(module (import "js" "pair" (func $pair (result i32 i64)))
        (func (export "sum") (result i64) (local i64) call $pair local.set 0 drop local.get 0 i64.const 1 i64.add)
        (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0)
        (func (export "lane") (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 3))`),
      { tiering: 'lazy', optLevel: 0 },
    );
    expect(ours.Module.timings(mixed).units).toBe(1); // the IR trampolines of the multi-value types
    const e = new ours.Instance(mixed, { js: { pair: () => [5, 6n] } }).exports as Record<string, Fn>;
    expect(e.sum()).toBe(7n);
    expect(e.swap(3, 4n)).toEqual([4n, 3]);
    expect(e.lane(9)).toBe(9);
  });

  test('past the process cap on machine code, new signatures get IR trampolines again and still work', () => {
    if (!hasMachineTrampolines({ params: [], results: [] })) return;
    const written = setMachineCodeCapForTests(0);
    try {
      // A signature no other test uses: (f64 i32 f32 i64 i32 f64) -> f32.
      const module = new ours.Module(
        wat(`(module (import "js" "h" (func $h (param f64 i32 f32 i64 i32 f64) (result f32)))
          (func (export "f") (param f64 i32 f32 i64 i32 f64) (result f32)
            local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 local.get 5 call $h))`),
        { tiering: 'lazy', optLevel: 0 },
      );
      expect(ours.Module.timings(module).units).toBe(1); // its IR trampolines
      const f = new ours.Instance(module, { js: { h: (a: number, b: number, c: number, d: bigint, e: number, g: number) => a + b + c + Number(d) + e + g } }).exports.f as Fn;
      expect(f(1.5, 2, 0.25, 4n, 5, 6)).toBe(18.75);
      expect(setMachineCodeCapForTests(16 << 20)).toBe(written); // nothing written past the cap
    } finally {
      setMachineCodeCapForTests(16 << 20);
    }
  });

  test('data segments are copied by the machine-code routine, and one past the end traps without copying', () => {
    const module = new ours.Module(wat(`(module (memory (export "m") 1) (data (i32.const 65530) "123456") (data (i32.const 0) "zz"))`), { optLevel: 0 });
    const memory = new ours.Instance(module, {}).exports.m as WebAssembly.Memory;
    expect(Buffer.from(new Uint8Array(memory.buffer, 65530, 6)).toString()).toBe('123456');
    expect(Buffer.from(new Uint8Array(memory.buffer, 0, 2)).toString()).toBe('zz');
    const outOfBounds = new ours.Module(wat(`(module (memory 1) (data (i32.const 0) "ok") (data (i32.const 65535) "xy"))`), { optLevel: 0 });
    expect(() => new ours.Instance(outOfBounds, {})).toThrow(ours.RuntimeError);
  });
});
