// Unit tests of the spec executor itself: a conformance harness that passed everything would
// prove nothing, so wrong expectations must fail — wrong bits, a NaN of the wrong kind, a
// missing trap or the wrong message, a LinkError where a trap is expected, another externref.
import { describe, expect, test } from 'vitest';
import { wat, watUnavailableReason } from '../support/wat.js';
import { EngineExecutor } from './engine-executor.js';
import type { WastCommand } from './wast-conversion.js';

const MODULE = wat(`(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "nan") (param f32) (result f32) local.get 0)
  (func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s)
  (func (export "ext") (param externref) (result externref) local.get 0)
  (global (export "g") f64 (f64.const -0)))`);

function invoke(field: string, args: Array<[string, string]>): WastCommand['action'] {
  return { type: 'invoke', field, args: args.map(([type, value]) => ({ type, value })) };
}

describe.skipIf(watUnavailableReason() !== undefined)('spec executor', () => {
  const executor = new EngineExecutor({ optLevel: 0 });
  expect(executor.moduleValidated({ type: 'module', line: 1 }, MODULE).status).toBe('passed');
  const run = (command: Partial<WastCommand>) => executor.execute({ line: 1, type: 'assert_return', ...command } as WastCommand, '').status;

  test('assert_return compares bits exactly', () => {
    expect(run({ action: invoke('add', [['i32', '1'], ['i32', '4294967295']]), expected: [{ type: 'i32', value: '0' }] })).toBe('passed');
    expect(run({ action: invoke('add', [['i32', '1'], ['i32', '1']]), expected: [{ type: 'i32', value: '3' }] })).toBe('failed');
    expect(run({ action: { type: 'get', field: 'g' }, expected: [{ type: 'f64', value: '9223372036854775808' }] })).toBe('passed');
    expect(run({ action: { type: 'get', field: 'g' }, expected: [{ type: 'f64', value: '0' }] })).toBe('failed');
    expect(run({ action: invoke('add', [['i32', '1'], ['i32', '1']]), expected: [] })).toBe('failed');
  });

  test('NaN kinds and payloads survive and are told apart', () => {
    const signalling = '2141192192'; // 0x7fa00000
    expect(run({ action: invoke('nan', [['f32', signalling]]), expected: [{ type: 'f32', value: signalling }] })).toBe('passed');
    expect(run({ action: invoke('nan', [['f32', signalling]]), expected: [{ type: 'f32', value: 'nan:canonical' }] })).toBe('failed');
    expect(run({ action: invoke('nan', [['f32', '2143289344']]), expected: [{ type: 'f32', value: 'nan:canonical' }] })).toBe('passed');
    expect(run({ action: invoke('nan', [['f32', '2143289345']]), expected: [{ type: 'f32', value: 'nan:arithmetic' }] })).toBe('passed');
    expect(run({ action: invoke('nan', [['f32', '1065353216']]), expected: [{ type: 'f32', value: 'nan:arithmetic' }] })).toBe('failed');
  });

  test('traps must happen, with the expected message', () => {
    expect(run({ type: 'assert_trap', action: invoke('div', [['i32', '0']]), text: 'integer divide by zero' })).toBe('passed');
    expect(run({ type: 'assert_trap', action: invoke('div', [['i32', '0']]), text: 'integer overflow' })).toBe('failed');
    expect(run({ type: 'assert_trap', action: invoke('div', [['i32', '1']]), text: 'integer divide by zero' })).toBe('failed');
    expect(run({ type: 'assert_exhaustion', action: invoke('div', [['i32', '0']]), text: 'call stack exhausted' })).toBe('failed');
  });

  test('externref identity and unknown exports', () => {
    expect(run({ action: invoke('ext', [['externref', '1']]), expected: [{ type: 'externref', value: '1' }] })).toBe('passed');
    expect(run({ action: invoke('ext', [['externref', '1']]), expected: [{ type: 'externref', value: '2' }] })).toBe('failed');
    expect(run({ action: invoke('ext', [['externref', 'null']]), expected: [{ type: 'externref', value: 'null' }] })).toBe('passed');
    expect(run({ action: invoke('missing', []), expected: [] })).toBe('failed');
  });
});
