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
