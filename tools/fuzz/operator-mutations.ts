// Stage: differential fuzzing. Structure-aware mutations of function bodies: they find the
// operator boundaries of one body with the engine's own OperatorReader, then replace an
// operator's opcode by another with the same immediate kind (so the body still decodes and
// the validator's typing rules are what gets tested), delete an operator, or duplicate one.
// Section and body sizes are rewritten by spliceWithReframing.

import { decodeModule } from '../../engine/binary/decode-module.js';
import { Operator, OperatorReader } from '../../engine/binary/operator-reader.js';
import { OPCODE_TABLE, OP_IMMEDIATE, type OpcodeRow, operatorId } from '../../engine/wasm/opcodes.js';
import { type SeededRandom, spliceWithReframing } from './mutator.js';

/** Encoded opcode bytes of every instruction, grouped by immediate kind. */
const OPCODES_BY_IMMEDIATE = new Map<number, number[][]>();
for (const row of OPCODE_TABLE as readonly OpcodeRow[]) {
  const [prefix, code] = row;
  const id = operatorId(prefix, code);
  const bytes = prefix === 0 ? [code] : code < 0x80 ? [prefix, code] : [prefix, (code & 0x7f) | 0x80, code >> 7];
  const kind = OP_IMMEDIATE[id];
  const list = OPCODES_BY_IMMEDIATE.get(kind) ?? [];
  list.push(bytes);
  OPCODES_BY_IMMEDIATE.set(kind, list);
}

const operator = new Operator();

/** Operator boundaries [start, opcodeEnd, end) of one random body, or undefined if the module does not decode. */
function operatorsOfRandomBody(bytes: Uint8Array, random: SeededRandom): { start: number; opcodeEnd: number; end: number; opcode: number }[] | undefined {
  let module;
  try {
    module = decodeModule(bytes);
  } catch {
    return undefined;
  }
  if (module.functionBodies.length === 0) return undefined;
  const body = random.pick(module.functionBodies);
  const reader = new OperatorReader(bytes, body.codeStart, body.end);
  const found: { start: number; opcodeEnd: number; end: number; opcode: number }[] = [];
  try {
    while (!reader.atEnd() && found.length < 100_000) {
      const start = reader.pos;
      reader.read(operator);
      const opcodeLength = operator.opcode < 0x100 ? 1 : bytes[start + 1] < 0x80 ? 2 : 3;
      found.push({ start, opcodeEnd: start + opcodeLength, end: reader.pos, opcode: operator.opcode });
    }
  } catch {
    // a body that does not decode fully: use the operators before the problem
  }
  return found.length > 0 ? found : undefined;
}

/** One structure-aware mutation, or undefined when the input has no decodable body. */
export function mutateOperators(input: Uint8Array, random: SeededRandom): Uint8Array | undefined {
  const operators = operatorsOfRandomBody(input, random);
  if (!operators) return undefined;
  const target = random.pick(operators);
  switch (random.below(3)) {
    case 0: {
      const candidates = OPCODES_BY_IMMEDIATE.get(OP_IMMEDIATE[target.opcode]) ?? [];
      if (candidates.length === 0) return undefined;
      const replacement = new Uint8Array(random.pick(candidates));
      return spliceWithReframing(input, target.start, target.opcodeEnd - target.start, replacement);
    }
    case 1:
      return spliceWithReframing(input, target.start, target.end - target.start, new Uint8Array(0));
    default:
      return spliceWithReframing(input, target.start, 0, input.slice(target.start, target.end));
  }
}
