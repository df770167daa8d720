// Stage: decoding. Constant expressions (Core spec §3.3.10 and §5.4.9): in WebAssembly 2.0
// only t.const, ref.null, ref.func and global.get are constant, and a valid constant
// expression produces exactly one value, so it is one such instruction and `end`. Any other
// shape is rejected here; its type is checked by the module validator.

import type { BinaryReader } from './reader.js';
import type { ConstantExpression } from './module-info.js';
import { Operator, OperatorReader, operatorF64Bits, operatorI64Value } from './operator-reader.js';
import { Op, operatorName } from '../wasm/opcodes.js';

const scratchOperator = new Operator();

export function readConstantExpression(reader: BinaryReader): ConstantExpression {
  const start = reader.pos;
  const operators = new OperatorReader(reader.bytes, start, reader.end);
  const operator = scratchOperator;
  let offset = operators.pos;
  operators.read(operator);
  const opcode = operator.opcode;
  let value: number | bigint | Uint8Array;
  switch (opcode) {
    case Op.I32Const: value = operator.i32; break;
    case Op.I64Const: value = operatorI64Value(operator); break;
    case Op.F32Const: value = operator.f32Bits; break;
    case Op.F64Const: value = operatorF64Bits(operator); break;
    case Op.V128Const: value = operator.v128.slice(); break;
    case Op.RefNull: value = operator.valueType; break;
    case Op.RefFunc:
    case Op.GlobalGet: value = operator.index; break;
    case Op.End: return reader.fail('type mismatch: constant expression is empty', offset);
    default:
      return reader.fail(`constant expression required, found ${operatorName(opcode)}`, offset);
  }
  offset = operators.pos;
  operators.read(operator);
  if (operator.opcode !== Op.End) {
    reader.fail(
      operator.opcode === Op.I32Const || operator.opcode === Op.I64Const || operator.opcode === Op.F32Const ||
        operator.opcode === Op.F64Const || operator.opcode === Op.V128Const || operator.opcode === Op.RefNull ||
        operator.opcode === Op.RefFunc || operator.opcode === Op.GlobalGet
        ? 'type mismatch: constant expression leaves more than one value'
        : `constant expression required, found ${operatorName(operator.opcode)}`,
      offset,
    );
  }
  reader.pos = operators.pos;
  return { opcode, value, start, end: operators.pos };
}
