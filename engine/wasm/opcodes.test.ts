// Unit tests: the opcode table (Core spec §5.4), checked against itself and, where wabt is
// installed, against wat2wasm's encoding of every instruction name.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCODE_TABLE, Op, OP_NAME, type OpcodeRow, operatorId } from './opcodes.js';
import { decodeModule } from '../binary/decode-module.js';
import { Operator, OperatorReader } from '../binary/operator-reader.js';

const rows = OPCODE_TABLE as readonly OpcodeRow[];

/** 'i32.trunc_sat_f32_s' -> 'I32TruncSatF32S' */
function identifierOf(name: string): string {
  return name
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

describe('opcode table', () => {
  test('each row id is its name in PascalCase (typed select excepted)', () => {
    for (const [, , id, name] of rows) {
      if (id === 'SelectTyped') continue;
      expect(id).toBe(identifierOf(name));
    }
  });
  test('instruction counts per proposal group', () => {
    const count = (group: string): number => rows.filter((row) => row[6] === group).length;
    expect(count('simd')).toBe(236);
    expect(count('sign-extension')).toBe(5);
    expect(count('saturating-float-to-int')).toBe(8);
    expect(count('bulk-memory')).toBe(7);
    expect(count('reference-types')).toBe(9);
  });
  test('operator ids follow (prefix, code)', () => {
    expect(Op.I32Add).toBe(0x6a);
    expect(Op.MemoryCopy).toBe(0x10a);
    expect(Op.I32x4Add).toBe(0x2ae);
    expect(OP_NAME[operatorId(0xfd, 0x0d)]).toBe('i8x16.shuffle');
  });

  const wat2wasm = process.env.WAT2WASM ?? '/usr/bin/wat2wasm';
  (existsSync(wat2wasm) ? test : test.skip)(`every row's name encodes to its code under wat2wasm${existsSync(wat2wasm) ? '' : ' (skipped: wat2wasm not installed)'}`, () => {
    const immediateText: Record<string, string> = {
      none: '', label: ' 0', br_table: ' 0 0', func: ' 0', call_indirect: ' (type 0)', local: ' 0', global: ' 0',
      table: ' 0', memarg: '', memarg_lane: ' 0', memory: '', 'memory.copy': '', 'memory.init': ' 0', data: ' 0',
      'table.init': ' 0', elem: ' 0', 'table.copy': ' 0 0', i32: ' 0', i64: ' 0', f32: ' 0', f64: ' 0',
      v128: ' i32x4 0 0 0 0', select_t: ' (result i32)', reftype: ' func', lane: ' 0',
      shuffle: ' 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15',
    };
    const tested = rows.filter(([, , , name, immediate]) => !['unreachable', 'block', 'loop', 'if', 'else', 'end'].includes(name) && immediate !== 'blocktype');
    const lines = tested.map(([, , , name, immediate]) => `    unreachable ${name}${immediateText[immediate]}`);
    const wat = `(module
  (type (func))
  (memory 1)
  (table 1 funcref)
  (global (mut i32) (i32.const 0))
  (elem declare func 0)
  (data "")
  (func (local i32)
${lines.join("\n")}
    unreachable
  ))`;
    const directory = mkdtempSync(join(tmpdir(), 'opcodes-'));
    try {
      writeFileSync(join(directory, 'all.wat'), wat);
      const result = spawnSync(wat2wasm, [join(directory, 'all.wat'), '-o', join(directory, 'all.wasm')], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      const bytes = new Uint8Array(readFileSync(join(directory, 'all.wasm')));
      const module = decodeModule(bytes);
      const body = module.functionBodies[0];
      const reader = new OperatorReader(bytes, body.codeStart, body.end);
      const operator = new Operator();
      const names: string[] = [];
      while (!reader.atEnd()) {
        reader.read(operator);
        if (OP_NAME[operator.opcode] !== 'unreachable') names.push(OP_NAME[operator.opcode]);
      }
      expect(names.slice(0, -1)).toEqual(tested.map((row) => row[3]));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
