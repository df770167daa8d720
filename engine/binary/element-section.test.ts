// Unit tests: the element section's eight encodings (Core spec §5.5.12).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { Op } from '../wasm/opcodes.js';
import { EXTERNREF, FUNCREF, moduleBytes, section, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

const I32_CONST_0 = [0x41, 0x00, 0x0b];

describe('element section', () => {
  test('all eight flag encodings', () => {
    const module = decodeModule(
      moduleBytes(
        section(9, vector([
          [0, ...I32_CONST_0, ...vector([[0], [1]])],
          [1, 0x00, ...vector([[2]])],
          [2, 1, ...I32_CONST_0, 0x00, ...vector([[3]])],
          [3, 0x00, ...vector([[4]])],
          [4, ...I32_CONST_0, ...vector([[0xd2, 5, 0x0b], [0xd0, FUNCREF, 0x0b]])],
          [5, EXTERNREF, ...vector([[0xd0, EXTERNREF, 0x0b]])],
          [6, 2, ...I32_CONST_0, FUNCREF, ...vector([[0xd2, 6, 0x0b]])],
          [7, FUNCREF, ...vector([[0xd2, 7, 0x0b]])],
        ])),
      ),
    );
    const summary = module.elements.map((e) => [e.mode, e.tableIndex, e.elementType, e.functionIndices ?? e.expressions!.map((x) => [x.opcode, x.value])]);
    expect(summary).toEqual([
      ['active', 0, FUNCREF, [0, 1]],
      ['passive', 0, FUNCREF, [2]],
      ['active', 1, FUNCREF, [3]],
      ['declarative', 0, FUNCREF, [4]],
      ['active', 0, FUNCREF, [[Op.RefFunc, 5], [Op.RefNull, FUNCREF]]],
      ['passive', 0, EXTERNREF, [[Op.RefNull, EXTERNREF]]],
      ['active', 2, FUNCREF, [[Op.RefFunc, 6]]],
      ['declarative', 0, FUNCREF, [[Op.RefFunc, 7]]],
    ]);
  });
  test('flags above 7 and element kinds other than 0 are malformed', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(9, vector([[8, 0, 0]]))))).problem).toContain('malformed elements segment kind');
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(9, vector([[1, 0x01, 0]]))))).problem).toBe('malformed element kind');
  });
});
