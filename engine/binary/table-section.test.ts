// Unit tests: the table section (Core spec §5.5.7).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { EXTERNREF, FUNCREF, moduleBytes, section, u32, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('table section', () => {
  test('several tables, with and without a maximum', () => {
    const module = decodeModule(moduleBytes(section(4, vector([[FUNCREF, 0x00, 1], [EXTERNREF, 0x01, 0, ...u32(0xffffffff)]]))));
    expect(module.tables).toEqual([
      { elementType: FUNCREF, limits: { min: 1, max: undefined } },
      { elementType: EXTERNREF, limits: { min: 0, max: 0xffffffff } },
    ]);
  });
  test('the element type must be a reference type', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(4, vector([[0x7f, 0x00, 1]]))))).problem).toBe('malformed reference type');
  });
});
