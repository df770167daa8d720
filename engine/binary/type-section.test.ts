// Unit tests: the type section (Core spec §5.5.4).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { F64, I32, I64, functionType, moduleBytes, section, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('type section', () => {
  test('function types with parameters and multiple results', () => {
    const module = decodeModule(moduleBytes(section(1, vector([functionType([I32, I64], [F64, I32]), functionType([], [])]))));
    expect(module.types).toEqual([{ params: [I32, I64], results: [F64, I32] }, { params: [], results: [] }]);
    expect(module.typeOffsets).toEqual([11, 18]);
  });
  test('a form other than 0x60 is malformed', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(1, [1, 0x5f, 0, 0])))).problem).toContain('malformed function type');
  });
  test('an unknown value type is malformed', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(1, [1, 0x60, 1, 0x6e, 0])))).problem).toContain('malformed value type');
  });
  test('more than 1000 parameters exceeds the JS API limit', () => {
    const params = new Array<number>(1001).fill(I32);
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(1, vector([functionType(params, [])]))))).problem).toContain('too many parameters');
  });
  test('a huge count is rejected by the bytes remaining', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(1, [0xff, 0xff, 0xff, 0xff, 0x0f])))).problem).toContain('exceeds the bytes remaining');
  });
});
