// Unit tests: the global section (Core spec §5.5.9) and constant expressions (§5.4.9).
import { describe, expect, test } from 'vitest';
import { decodeModule } from './decode-module.js';
import { Op } from '../wasm/opcodes.js';
import { F32, I32, I64, moduleBytes, s32, section, vector } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

describe('global section', () => {
  test('types, mutability and constant initialisers with exact bits', () => {
    const module = decodeModule(
      moduleBytes(
        section(6, vector([
          [I32, 0x00, 0x41, ...s32(-5), 0x0b],
          [I64, 0x01, 0x42, 0x7f, 0x0b],
          [F32, 0x00, 0x43, 0x01, 0x00, 0xa0, 0x7f, 0x0b],
        ])),
      ),
    );
    expect(module.globals.map((g) => g.type)).toEqual([
      { type: I32, mutable: false },
      { type: I64, mutable: true },
      { type: F32, mutable: false },
    ]);
    expect(module.globals.map((g) => [g.init!.opcode, g.init!.value])).toEqual([
      [Op.I32Const, -5],
      [Op.I64Const, -1n],
      [Op.F32Const, 0x7fa00001],
    ]);
  });
  test('a non-constant instruction is rejected', () => {
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(6, vector([[I32, 0x00, 0x41, 1, 0x41, 2, 0x6a, 0x0b]])))))
      .problem).toContain('constant expression');
    expect(compileErrorOf(() => decodeModule(moduleBytes(section(6, vector([[I32, 0x00, 0x01, 0x0b]]))))).problem).toContain('constant expression required');
  });
  test('a missing end is malformed', () => {
    expect(() => decodeModule(moduleBytes(section(6, vector([[I32, 0x00, 0x41, 1]]))))).toThrow(/unexpected end/);
  });
});
