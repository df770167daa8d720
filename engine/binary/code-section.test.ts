// Unit tests: the code section (Core spec §5.5.13): body ranges and local declarations.
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { F64, I32, body, functionType, moduleBytes, section, u32, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

const withBody = (bodyBytes: number[]): Uint8Array =>
  moduleBytes(section(1, vector([functionType([I32], [])])), section(3, vector([[0]])), section(10, [1, ...bodyBytes]));

describe('code section', () => {
  test('body range, first instruction and compressed locals', () => {
    const module = decodeModule(withBody(body([[2, I32], [0, F64], [1, F64]], [0x01, 0x0b])));
    const [fn] = module.functionBodies;
    expect(fn.locals).toEqual([{ count: 2, type: I32 }, { count: 1, type: F64 }]);
    expect(fn.localCount).toBe(3);
    expect(fn.end - fn.start).toBe(9);
    expect(module.bytes[fn.codeStart]).toBe(0x01);
  });
  test('local counts whose sum overflows u32 are "too many locals"', () => {
    const error = compileErrorOf(() => decodeModule(withBody(body([[0xffffffff, I32], [0xffffffff, I32]], [0x0b]))));
    expect(error.problem).toContain('too many locals');
  });
  test('more than 50000 locals (with parameters) exceeds the JS API limit', () => {
    expect(compileErrorOf(() => decodeModule(withBody(body([[50000, I32]], [0x0b])))).problem).toContain('too many locals');
  });
  test('a body size past the section end is malformed', () => {
    expect(compileErrorOf(() => decodeModule(withBody([...u32(100), 0, 0x0b]))).problem).toBe('unexpected end of section or function');
  });
});
