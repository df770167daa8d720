// Stage: decoding of function bodies and constant expressions (Core spec §5.4,
// "Instructions"). Reads one operator at a time into a reusable `Operator`, so the
// per-operator loop shared by the validator and the translator allocates nothing.
//
// Immediate representation (documented for the translator):
// - indices (label, function, local, global, table, type, data, element) are numbers;
// - i32 constants are signed numbers; i64 constants are two halves, `i64Low` (unsigned
//   32 bits) and `i64High` (signed 32 bits), with `operatorI64Value` to get a BigInt;
// - f32/f64 constants are raw IEEE bits (`f32Bits`; `f64Low`/`f64High`, unsigned), so NaN
//   payloads survive; v128 constants and shuffle lanes are 16 bytes in `v128` (reused);
// - br_table targets are in `brTableTargets[0 .. brTableCount)` (a reused array) and the
//   default label is in `index`;
// - the block type is the spec's s33 value: >= 0 a type index, -64 empty, otherwise a
//   single result type as a negative byte (-1 i32, -2 i64, -3 f32, -4 f64, -5 v128,
//   -16 funcref, -17 externref); `blockTypeValueType` gives the value-type byte.

import { LebReader } from './leb128.js';
import { Immediate, OP_IMMEDIATE, UNDEFINED_OPERATOR } from '../wasm/opcodes.js';
import { isValueTypeByte } from '../wasm/value-types.js';
import { MAX_BR_TABLE_TARGETS } from './limits.js';

export class Operator {
  /** Operator id (see opcodes.ts): the byte, 0x100 + code for 0xFC, 0x200 + code for 0xFD. */
  opcode = 0;
  /**
   * The first index immediate: label (br, br_if; br_table's default), function, local,
   * global, table (table.*; table.copy's destination), type (call_indirect), data
   * (memory.init, data.drop) or element (table.init, elem.drop) index.
   */
  index = 0;
  /** The second index: call_indirect's and table.init's table, table.copy's source table. */
  secondIndex = 0;
  /** s33 block type of block/loop/if. */
  blockType = 0;
  /** Memory argument: alignment exponent, offset (u32) and memory index (always 0 in 2.0). */
  align = 0;
  memoryOffset = 0;
  memoryIndex = 0;
  /** Lane index of lane instructions. */
  lane = 0;
  i32 = 0;
  i64Low = 0;
  i64High = 0;
  f32Bits = 0;
  f64Low = 0;
  f64High = 0;
  /** v128.const bytes or i8x16.shuffle lanes (little-endian lane order). */
  readonly v128 = new Uint8Array(16);
  brTableTargets = new Uint32Array(16);
  brTableCount = 0;
  /** ref.null's reference type, or typed select's first type. */
  valueType = 0;
  /** Number of types in a typed select's vector (valid only when 1). */
  selectTypeCount = 0;
}

/** The i64.const value of an operator as a BigInt. */
export function operatorI64Value(operator: Operator): bigint {
  return (BigInt(operator.i64High) << 32n) | BigInt(operator.i64Low >>> 0);
}

/** The f64.const bits of an operator as a BigInt. */
export function operatorF64Bits(operator: Operator): bigint {
  return (BigInt(operator.f64High >>> 0) << 32n) | BigInt(operator.f64Low >>> 0);
}

/** The value-type byte of a single-result block type (for blockType < 0 and != -64). */
export function blockTypeValueType(blockType: number): number {
  return blockType + 0x80;
}

export class OperatorReader extends LebReader {
  constructor(bytes: Uint8Array, start: number, end: number) {
    super(bytes, start, end);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  failEnd(): never {
    this.fail('unexpected end of section or function', this.pos);
  }

  private readByte(): number {
    if (this.pos >= this.end) this.failEnd();
    return this.bytes[this.pos++];
  }

  private readZeroByte(): void {
    const offset = this.pos;
    if (this.readByte() !== 0) this.fail('zero byte expected', offset);
  }

  private readValueType(): number {
    const offset = this.pos;
    const byte = this.readByte();
    if (!isValueTypeByte(byte)) this.fail('malformed value type', offset);
    return byte;
  }

  /** Decodes the operator at `pos` into `operator` and advances past it. */
  read(operator: Operator): void {
    // Kept small so the engine inlines it into the per-operator loop: plain opcodes with no
    // immediate or one short index are done here, everything else in readImmediates.
    const bytes = this.bytes;
    const offset = this.pos;
    if (offset >= this.end) this.failEnd();
    const op = bytes[offset];
    const immediate = OP_IMMEDIATE[op];
    operator.opcode = op;
    if (immediate === Immediate.None) {
      this.pos = offset + 1;
      return;
    }
    if (immediate <= Immediate.LastSingleIndex) {
      const pos = offset + 1;
      if (pos < this.end) {
        const byte = bytes[pos];
        if (byte < 0x80) {
          operator.index = byte;
          this.pos = pos + 1;
          return;
        }
      }
    }
    this.pos = offset + 1;
    this.readRest(operator, op, immediate, offset);
  }

  private readRest(operator: Operator, op: number, immediate: number, offset: number): void {
    if (op >= 0xfc) {
      if (op === 0xfc || op === 0xfd) {
        const code = this.readU32();
        op = code > 0xff ? -1 : (op === 0xfc ? 0x100 : 0x200) + code;
      }
      immediate = op < 0 ? UNDEFINED_OPERATOR : OP_IMMEDIATE[op];
      operator.opcode = op;
    }
    if (immediate === UNDEFINED_OPERATOR) {
      this.fail(`illegal opcode ${describeOpcodeBytes(this.bytes, offset, this.pos)}`, offset);
    }
    if (immediate === Immediate.None) return;
    if (immediate <= Immediate.LastSingleIndex) {
      operator.index = this.readU32();
      return;
    }
    this.readImmediates(operator, op, immediate);
  }

  private readImmediates(operator: Operator, op: number, immediate: number): void {
    const bytes = this.bytes;
    switch (immediate as Immediate) {
      case Immediate.I32:
        operator.i32 = this.readS32();
        return;
      case Immediate.MemArg:
        operator.align = this.readU32();
        operator.memoryOffset = this.readU32();
        operator.memoryIndex = 0;
        return;
      case Immediate.BlockType:
        this.readBlockType(operator);
        return;
      case Immediate.I64:
        this.readS64();
        operator.i64Low = this.i64Low;
        operator.i64High = this.i64High;
        return;
      case Immediate.F32:
        operator.f32Bits = this.readU32LittleEndian();
        return;
      case Immediate.F64:
        operator.f64Low = this.readU32LittleEndian();
        operator.f64High = this.readU32LittleEndian();
        return;
      case Immediate.BrTable:
        this.readBrTable(operator);
        return;
      case Immediate.CallIndirect:
      case Immediate.TableInit:
      case Immediate.TableCopy:
        operator.index = this.readU32();
        operator.secondIndex = this.readU32();
        return;
      case Immediate.Memory:
        this.readZeroByte();
        operator.memoryIndex = 0;
        return;
      case Immediate.MemoryCopy:
        this.readZeroByte();
        this.readZeroByte();
        operator.memoryIndex = 0;
        return;
      case Immediate.MemoryInit:
        operator.index = this.readU32();
        this.readZeroByte();
        operator.memoryIndex = 0;
        return;
      case Immediate.SelectTyped: {
        const count = this.readU32();
        if (count > this.end - this.pos) this.failEnd();
        operator.selectTypeCount = count;
        operator.valueType = 0;
        for (let i = 0; i < count; i++) {
          const type = this.readValueType();
          if (i === 0) operator.valueType = type;
        }
        return;
      }
      case Immediate.RefType: {
        const typeOffset = this.pos;
        const type = this.readByte();
        if (type !== 0x70 && type !== 0x6f) this.fail('malformed reference type', typeOffset);
        operator.valueType = type;
        return;
      }
      case Immediate.V128:
      case Immediate.Shuffle: {
        if (this.end - this.pos < 16) {
          this.pos = this.end;
          this.failEnd();
        }
        operator.v128.set(bytes.subarray(this.pos, this.pos + 16));
        this.pos += 16;
        return;
      }
      case Immediate.Lane:
        operator.lane = this.readByte();
        return;
      case Immediate.MemArgLane:
        operator.align = this.readU32();
        operator.memoryOffset = this.readU32();
        operator.memoryIndex = 0;
        operator.lane = this.readByte();
        return;
      default:
        throw new Error(`operator reader: no immediate decoder for ${op.toString(16)} (kind ${immediate})`);
    }
  }

  private readBlockType(operator: Operator): void {
    const pos = this.pos;
    if (pos >= this.end) this.failEnd();
    const byte = this.bytes[pos];
    if (byte === 0x40 || isValueTypeByte(byte)) {
      this.pos = pos + 1;
      operator.blockType = byte - 0x80;
      return;
    }
    const value = this.readS33();
    if (value < 0) this.fail('malformed block type', pos);
    operator.blockType = value;
  }

  private readBrTable(operator: Operator): void {
    const countOffset = this.pos;
    const count = this.readU32();
    // Each target takes at least one byte, plus one for the default: cap by what is left.
    if (count >= this.end - this.pos) this.fail('br_table target count exceeds the bytes remaining', countOffset);
    if (count > MAX_BR_TABLE_TARGETS) this.fail(`br_table has too many targets: ${count} (limit ${MAX_BR_TABLE_TARGETS})`, countOffset);
    let targets = operator.brTableTargets;
    if (targets.length < count) {
      targets = new Uint32Array(Math.max(count, targets.length * 2));
      operator.brTableTargets = targets;
    }
    for (let i = 0; i < count; i++) targets[i] = this.readU32();
    operator.brTableCount = count;
    operator.index = this.readU32();
  }
}

function describeOpcodeBytes(bytes: Uint8Array, start: number, end: number): string {
  const parts: string[] = [];
  for (let i = start; i < end; i++) parts.push(`0x${bytes[i].toString(16).padStart(2, '0')}`);
  return parts.join(' ');
}
