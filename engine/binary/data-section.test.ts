// Unit tests: the data section (Core spec §5.5.14) and the data count section (§5.5.16).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { moduleBytes, section, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('data section', () => {
  test('active, passive and explicit-memory segments keep their byte ranges', () => {
    const module = decodeModule(
      moduleBytes(section(12, [3]), section(11, vector([[0, 0x41, 8, 0x0b, 2, 0xaa, 0xbb], [1, 1, 0xcc], [2, 0, 0x41, 0, 0x0b, 0]]))),
    );
    expect(module.dataCount).toBe(3);
    const [active, passive, explicit] = module.data;
    expect([active.mode, active.offsetExpression!.value, [...module.bytes.subarray(active.dataStart, active.dataEnd)]]).toEqual(['active', 8, [0xaa, 0xbb]]);
    expect([passive.mode, passive.dataEnd - passive.dataStart]).toEqual(['passive', 1]);
    expect([explicit.mode, explicit.memoryIndex]).toEqual(['active', 0]);
  });
  test('offsets in columns: i32.const as a number (negative too), other expressions as objects', () => {
    // (data (i32.const -1) "a") (data (global.get 0) "b") (data (i32.const 300) "")
    const module = decodeModule(
      moduleBytes(section(11, vector([[0, 0x41, 0x7f, 0x0b, 1, 0x61], [0, 0x23, 0, 0x0b, 1, 0x62], [0, 0x41, 0xac, 0x02, 0x0b, 0]]))),
    );
    const { data } = module;
    expect(data.length).toBe(3);
    expect([data.constantOffset(0), data.constantOffset(1), data.constantOffset(2)]).toEqual([-1, undefined, 300]);
    expect(data.allOffsetsConstant()).toBe(false);
    expect(data.offsetExpression(0)).toMatchObject({ value: -1, end: data.offsetExpression(0)!.start + 3 });
    expect(data.offsetExpression(1)).toMatchObject({ value: 0 });
    expect([...data].map((segment) => segment.dataEnd - segment.dataStart)).toEqual([1, 1, 0]);
    expect(data.at(2)).toEqual({ mode: 'active', memoryIndex: 0, offsetExpression: data.offsetExpression(2), dataStart: data.dataStart(2), dataEnd: data.dataEnd(2), offset: data.offset(2) });
  });
  test('an offset that is not exactly `i32.const n end` gets the constant-expression errors', () => {
    // i32.const 1 i32.const 2 end; i32.const with a 6-byte LEB128; i32.const and no end
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(11, vector([[0, 0x41, 1, 0x41, 2, 0x0b, 0]]))))).problem).toBe(
      'type mismatch: constant expression leaves more than one value',
    );
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(11, vector([[0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b, 0]]))))).problem).toMatch(/integer representation too long|integer too large/);
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(11, vector([[0, 0x41, 1]]))))).problem).toMatch(/unexpected end/);
  });
  test('data count and data section must agree', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(12, [2]), section(11, vector([[1, 0]]))))).problem).toBe(
      'data count and data section have inconsistent lengths',
    );
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(12, [1])))).problem).toBe('data count and data section have inconsistent lengths');
  });
  test('a segment longer than the section is malformed', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(11, vector([[1, 5, 0]]))))).problem).toBe('unexpected end of section or function');
  });
  test('an unknown segment kind is malformed', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(11, vector([[3, 0]]))))).problem).toContain('malformed data segment kind');
  });
});
