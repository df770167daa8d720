// Unit tests: validation outside function bodies (Core spec §3.2 limits, §3.4 modules).
import { describe, expect, test } from 'vitest';
import { decodeAndValidateModule } from './validate-module.js';
import { EXTERNREF, FUNCREF, I32, I64, body, functionType, moduleBytes, name, section, u32, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

const problem = (...sections: number[][]): string => compileErrorOf(() => decodeAndValidateModule(moduleBytes(...sections))).problem;
const TYPE_VOID = section(1, vector([functionType([], [])]));
const ONE_FUNCTION = [TYPE_VOID, section(3, vector([[0]]))];
const CODE = section(10, vector([body([], [0x0b])]));

describe('module validation', () => {
  test('limits: minimum at most maximum; memories at most 65536 pages', () => {
    expect(problem(section(4, vector([[FUNCREF, 0x01, 2, 1]])))).toContain('minimum must not be greater than maximum');
    expect(problem(section(5, vector([[0x00, ...u32(65537)]])))).toContain('at most 65536 pages');
    expect(() => decodeAndValidateModule(moduleBytes(section(5, vector([[0x01, 0, ...u32(65536)]]))))).not.toThrow();
  });
  test('at most one memory', () => {
    expect(problem(section(5, vector([[0x00, 1], [0x00, 1]])))).toBe('multiple memories');
  });
  test('unknown type indices of functions and imports', () => {
    expect(problem(section(3, vector([[3]])), section(10, vector([body([], [0x0b])])))).toBe('unknown type 3 for function 0');
    expect(problem(section(2, vector([[...name('a'), ...name('f'), 0x00, 0]])))).toContain('unknown type 0');
  });
  test('global initialisers: type, and only imported immutable globals', () => {
    expect(problem(section(6, vector([[I32, 0x00, 0x42, 0, 0x0b]])))).toContain('type mismatch');
    expect(problem(section(6, vector([[I32, 0x00, 0x41, 0, 0x0b], [I32, 0x00, 0x23, 0, 0x0b]])))).toContain('unknown global 0');
    expect(problem(section(2, vector([[...name('a'), ...name('g'), 0x03, I32, 0x01]])), section(6, vector([[I32, 0x00, 0x23, 0, 0x0b]])))).toContain(
      'mutable global',
    );
  });
  test('exports: unique names and known indices', () => {
    expect(problem(...ONE_FUNCTION, section(7, vector([[...name('f'), 0, 0], [...name('f'), 0, 0]])), CODE)).toBe('duplicate export name "f"');
    expect(problem(section(7, vector([[...name('m'), 2, 0]])))).toContain('unknown memory 0');
  });
  test('start function: known and of type [] -> []', () => {
    expect(problem(section(8, [0]))).toContain('unknown function 0');
    expect(problem(section(1, vector([functionType([I32], [])])), section(3, vector([[0]])), section(8, [0]), CODE)).toBe('start function must have type [] -> []');
  });
  test('element segments: table, offset type and element type', () => {
    expect(problem(section(9, vector([[0, 0x41, 0, 0x0b, 0]])))).toContain('unknown table 0');
    expect(problem(section(4, vector([[FUNCREF, 0x00, 1]])), section(9, vector([[0, 0x42, 0, 0x0b, 0]])))).toContain('offset is i64');
    expect(problem(section(4, vector([[EXTERNREF, 0x00, 1]])), section(9, vector([[0, 0x41, 0, 0x0b, 0]])))).toContain('differs from the table type');
    expect(problem(section(9, vector([[5, EXTERNREF, 1, 0xd0, FUNCREF, 0x0b]])))).toContain('type mismatch');
    expect(problem(section(9, vector([[1, 0x00, 1, 4]])))).toContain('unknown function 4');
  });
  test('data segments: memory and offset type', () => {
    expect(problem(section(11, vector([[0, 0x41, 0, 0x0b, 0]])))).toContain('unknown memory 0');
    expect(problem(section(5, vector([[0x00, 1]])), section(11, vector([[0, 0x42, 0, 0x0b, 0]])))).toContain('offset is i64');
  });
  test('declared function references come from elements, exports and globals', () => {
    const refFunc = section(10, vector([body([], [0xd2, 0, 0x1a, 0x0b])]));
    expect(() => decodeAndValidateModule(moduleBytes(...ONE_FUNCTION, section(7, vector([[...name('f'), 0, 0]])), refFunc))).not.toThrow();
    expect(() => decodeAndValidateModule(moduleBytes(...ONE_FUNCTION, section(9, vector([[3, 0x00, 1, 0]])), refFunc))).not.toThrow();
    expect(() => decodeAndValidateModule(moduleBytes(...ONE_FUNCTION, section(6, vector([[FUNCREF, 0x00, 0xd2, 0, 0x0b]])), refFunc))).not.toThrow();
    void I64;
  });
});
