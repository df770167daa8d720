// Stage: validation of function bodies, fast path (Core spec §3.3). When nothing watches
// the operators (validate(), and compile()'s module-level pass), FunctionValidator's work
// is done here: the most frequent operators — local.get/set/tee, constants, plain fixed-
// signature operators, loads and stores, drop, select, call, return, and block/loop/if/
// else/end/br/br_if with at most one result — are recognised from their bytes and applied to the
// validator's stacks inline when they are trivially valid, and everything else (every
// operator that could fail among them) goes through OperatorReader.read and
// FunctionValidator.step, which apply every rule and report the error.
//
// Why it exists and how it stays equal to the step loop: docs/RATIONALE.md, "Why a
// validation-only fast path, and how is it kept honest?" — the fuzzer validates every input
// both ways and fails on any difference (tools/fuzz/validate-fuzz.ts).

import { readShortU32, shortU32Length } from '../binary/leb128.js';
import type { Operator, OperatorReader } from '../binary/operator-reader.js';
import { Immediate, OP_EXTRA, OP_IMMEDIATE, OP_SIGNATURE, SIGNATURE_CHECK_IMMEDIATES } from '../wasm/opcodes.js';
import { CompileError } from '../wasm/errors.js';
import { BLOCK_TYPE_EMPTY, isNumericOrVectorType, isValueTypeByte, ValType } from '../wasm/value-types.js';
import type { DirectCallRecorder } from './direct-calls.js';
import { FrameKind } from './frame-kind.js';
import type { ValidationContext } from './validation-context.js';

/** The validator's state as the fast path reads and writes it (FunctionValidator). */
export interface FastPathValidator {
  readonly context: ValidationContext;
  operandTypes: Uint8Array;
  operandCount: number;
  frameKinds: Uint8Array;
  frameBlockTypes: Float64Array;
  frameHeights: Uint32Array;
  frameUnreachable: Uint8Array;
  frameCount: number;
  topHeight: number;
  topUnreachable: number;
  readonly localTypes: Uint8Array;
  readonly localCount: number;
  poppedFrameKind: FrameKind;
  poppedFrameBlockType: number;
  poppedFrameHeight: number;
  poppedFrameUnreachable: boolean;
  /** Notes every valid `call` when set (direct-calls.ts). */
  readonly calls: DirectCallRecorder | undefined;
  /** Validates one operator the general way (FunctionValidator.step). */
  step(offset: number, operator: Operator): void;
}

/**
 * For single-byte opcodes with a fixed signature and no immediates (i32.add, f64.mul, ...),
 * their packed signature; -1 for every other byte. Used by the validation-only fast path.
 */
const PLAIN_FIXED_SIGNATURE = new Int32Array(256).fill(-1);
/** The same for single-byte loads and stores (memarg immediates); the check bit is cleared. */
const MEMORY_ACCESS_SIGNATURE = new Int32Array(256).fill(-1);
for (let op = 0; op < 0xfc; op++) {
  if (OP_IMMEDIATE[op] === Immediate.None && OP_SIGNATURE[op] >= 0) PLAIN_FIXED_SIGNATURE[op] = OP_SIGNATURE[op];
  if (OP_IMMEDIATE[op] === Immediate.MemArg) MEMORY_ACCESS_SIGNATURE[op] = OP_SIGNATURE[op] & ~SIGNATURE_CHECK_IMMEDIATES;
}

/**
 * Whether a branch to the label of frame `index` takes what the stack holds below `height`
 * (operands from `floor` belong to the current frame): a label without values (a block with
 * no result, a loop without parameters), or one of one value that is the top operand's type.
 */
function labelTakesTop(v: FastPathValidator, index: number, types: Uint8Array, height: number, floor: number): boolean {
  const blockType = v.frameBlockTypes[index];
  if (v.frameKinds[index] === FrameKind.Loop) return blockType < 0;
  return blockType === BLOCK_TYPE_EMPTY || (blockType < 0 && height > floor && types[height - 1] === blockType + 0x80);
}

/** After br or return: the rest of the innermost block is unreachable; returns its operand height. */
function enterUnreachable(v: FastPathValidator): number {
  const top = v.frameCount - 1;
  v.frameUnreachable[top] = 1;
  v.topUnreachable = 1;
  return v.frameHeights[top];
}

/**
 * Validation without a visitor: the same results as the read/step loop, with the most
 * frequent operators (local.get/set/tee, constants, plain fixed-signature operators, loads
 * and stores, drop, select, call, and block/loop/if/else/end/br/br_if with at most one
 * result) handled inline when they are trivially valid. Anything else, including every
 * operator that would fail, goes through `reader.read` and `step`, which report the error.
 */
export function validateRemainingOperators(validator: FastPathValidator, reader: OperatorReader, operator: Operator): void {
const v = validator;
  const bytes = reader.bytes;
  const end = reader.end;
  const localTypes = v.localTypes;
  const localCount = v.localCount;
  const hasMemory = v.context.memoryCount !== 0;
  const calls = v.calls;
  // The operand stack and the top frame's height live in locals; they are written back
  // before the general path runs and read again after it.
  let types = v.operandTypes;
  let count = v.operandCount;
  let floor = v.topHeight;
  let pos = reader.pos;
  while (pos < end) {
    const byte = bytes[pos];
    const next = pos + 1 < end ? bytes[pos + 1] : 0x80;
    switch (byte) {
      case 0x20: {
        // local.get with a one-byte index
        if (next < 0x80 && next < localCount && count < types.length) {
          types[count++] = localTypes[next];
          pos += 2;
          continue;
        }
        break;
      }
      case 0x21:
      case 0x22: {
        // local.set / local.tee with a one-byte index and a matching operand
        if (next < 0x80 && next < localCount && count > floor && types[count - 1] === localTypes[next]) {
          if (byte === 0x21) count--;
          pos += 2;
          continue;
        }
        break;
      }
      case 0x41:
      case 0x42: {
        // i32.const / i64.const with a well-formed immediate: at most 5 (10) bytes, and in a
        // full-length one the last byte's bits above the value are its sign (Core spec §5.2.2:
        // 0x00-0x07 or 0x78-0x7f for s32, 0x00 or 0x7f for s64). Compilers emit long i64
        // constants (addresses) by the ten thousand.
        if (count < types.length) {
          if (next < 0x80) {
            types[count++] = byte === 0x41 ? ValType.I32 : ValType.I64;
            pos += 2;
            continue;
          }
          const maxBytes = byte === 0x41 ? 5 : 10;
          const limit = end < pos + 1 + maxBytes ? end : pos + 1 + maxBytes;
          let last = pos + 2;
          while (last < limit && bytes[last] >= 0x80) last++;
          if (last < limit) {
            const value = bytes[last];
            const full = last - pos === maxBytes;
            if (!full || (byte === 0x41 ? (value & 0x78) === 0 || (value & 0x78) === 0x78 : value === 0 || value === 0x7f)) {
              types[count++] = byte === 0x41 ? ValType.I32 : ValType.I64;
              pos = last + 1;
              continue;
            }
          }
        }
        break;
      }
      case 0x43:
      case 0x44: {
        // f32.const / f64.const: fixed-size immediates
        const length = byte === 0x43 ? 5 : 9;
        if (count < types.length && pos + length <= end) {
          types[count++] = byte === 0x43 ? ValType.F32 : ValType.F64;
          pos += length;
          continue;
        }
        break;
      }
      case 0x1a: {
        // drop of a known operand
        if (count > floor) {
          count--;
          pos += 1;
          continue;
        }
        break;
      }
      case 0x0d: {
        // br_if to a label that carries no values, or one value of the type below the condition
        if (next < 0x80 && next < v.frameCount && count > floor && types[count - 1] === ValType.I32) {
          if (labelTakesTop(v, v.frameCount - 1 - next, types, count - 1, floor)) {
            count--;
            pos += 2;
            continue;
          }
        }
        break;
      }
      case 0x23:
      case 0x24: {
        // global.get / global.set with a one-byte index (set: mutable, matching operand)
        const globalTypes = v.context.globalTypes;
        if (next < 0x80 && next < globalTypes.length) {
          if (byte === 0x23) {
            if (count < types.length) {
              types[count++] = globalTypes[next];
              pos += 2;
              continue;
            }
          } else if (v.context.globalMutable[next] !== 0 && count > floor && types[count - 1] === globalTypes[next]) {
            count--;
            pos += 2;
            continue;
          }
        }
        break;
      }
      case 0x0b: {
        // end of a block, loop, if or else with no parameters and at most one result
        const top = v.frameCount - 1;
        if (top > 0) {
          const blockType = v.frameBlockTypes[top];
          const kind = v.frameKinds[top];
          const height = v.frameHeights[top];
          if (
            (blockType === BLOCK_TYPE_EMPTY && count === height) ||
            (blockType < 0 && kind !== FrameKind.If && count === height + 1 && types[count - 1] === blockType + 0x80)
          ) {
            v.poppedFrameKind = kind as FrameKind;
            v.poppedFrameBlockType = blockType;
            v.poppedFrameHeight = height;
            v.poppedFrameUnreachable = v.frameUnreachable[top] !== 0;
            v.frameCount = top;
            floor = v.frameHeights[top - 1];
            v.topHeight = floor;
            v.topUnreachable = v.frameUnreachable[top - 1];
            pos += 1;
            continue;
          }
        }
        break;
      }
      case 0x04: {
        // if with an empty or single-value block type and an i32 condition
        if ((next === 0x40 || isValueTypeByte(next)) && count > floor && types[count - 1] === ValType.I32 && v.frameCount < v.frameKinds.length) {
          count--;
          const index = v.frameCount;
          v.frameKinds[index] = FrameKind.If;
          v.frameBlockTypes[index] = next - 0x80;
          v.frameHeights[index] = count;
          v.frameUnreachable[index] = 0;
          v.frameCount = index + 1;
          floor = count;
          v.topHeight = count;
          v.topUnreachable = 0;
          pos += 2;
          continue;
        }
        break;
      }
      case 0x05: {
        // else of an if with an empty or single-value block type whose then-branch is complete
        const top = v.frameCount - 1;
        if (top > 0 && v.frameKinds[top] === FrameKind.If) {
          const blockType = v.frameBlockTypes[top];
          const height = v.frameHeights[top];
          if (
            (blockType === BLOCK_TYPE_EMPTY && count === height) ||
            (blockType < 0 && count === height + 1 && types[count - 1] === blockType + 0x80)
          ) {
            v.poppedFrameKind = FrameKind.If;
            v.poppedFrameBlockType = blockType;
            v.poppedFrameHeight = height;
            v.poppedFrameUnreachable = v.frameUnreachable[top] !== 0;
            v.frameKinds[top] = FrameKind.Else;
            v.frameUnreachable[top] = 0;
            v.topUnreachable = 0;
            count = height;
            pos += 1;
            continue;
          }
        }
        break;
      }
      case 0x0c: {
        // br to a label that carries no values, or one value of the type on top of the stack
        if (next < 0x80 && next < v.frameCount) {
          if (labelTakesTop(v, v.frameCount - 1 - next, types, count, floor)) {
            count = enterUnreachable(v);
            pos += 2;
            continue;
          }
        }
        break;
      }
      case 0x0f: {
        // return with the function's results on top of the stack
        const results = v.context.types[v.frameBlockTypes[0]].results;
        if (count - results.length >= floor) {
          let matches = true;
          for (let i = 0; i < results.length; i++) {
            if (types[count - results.length + i] !== results[i]) {
              matches = false;
              break;
            }
          }
          if (matches) {
            count = enterUnreachable(v);
            pos += 1;
            continue;
          }
        }
        break;
      }
      case 0x1b: {
        // untyped select of two operands of the same numeric or vector type
        if (count - 3 >= floor && types[count - 1] === ValType.I32) {
          const type = types[count - 2];
          if (type === types[count - 3] && isNumericOrVectorType(type)) {
            count -= 2;
            pos += 1;
            continue;
          }
        }
        break;
      }
      case 0x10: {
        // call with a function index of at most four bytes and matching arguments
        const functionIndex = readShortU32(bytes, pos + 1, end);
        if (functionIndex >= 0 && functionIndex < v.context.functionTypeIndices.length) {
          const indexLength = shortU32Length;
          const type = v.context.types[v.context.functionTypeIndices[functionIndex]];
          const params = type.params;
          const results = type.results;
          const paramCount = params.length;
          if (count - paramCount >= floor && count - paramCount + results.length <= types.length) {
            let matches = true;
            for (let i = 0; i < paramCount; i++) {
              if (types[count - paramCount + i] !== params[i]) {
                matches = false;
                break;
              }
            }
            if (matches) {
              count -= paramCount;
              for (let i = 0; i < results.length; i++) types[count++] = results[i];
              if (calls !== undefined) calls.note(functionIndex);
              pos += 1 + indexLength;
              continue;
            }
          }
        }
        break;
      }
      case 0x02:
      case 0x03: {
        // block / loop with an empty or single-value block type
        if ((next === 0x40 || isValueTypeByte(next)) && v.frameCount < v.frameKinds.length) {
          const index = v.frameCount;
          v.frameKinds[index] = byte === 0x02 ? FrameKind.Block : FrameKind.Loop;
          v.frameBlockTypes[index] = next - 0x80;
          v.frameHeights[index] = count;
          v.frameUnreachable[index] = 0;
          v.frameCount = index + 1;
          floor = count;
          v.topHeight = count;
          v.topUnreachable = 0;
          pos += 2;
          continue;
        }
        break;
      }
      default: {
        let signature = PLAIN_FIXED_SIGNATURE[byte];
        let length = 1;
        if (signature < 0) {
          // A load or store with a one-byte alignment and an offset of at most four bytes, with a memory.
          signature = MEMORY_ACCESS_SIGNATURE[byte];
          if (signature >= 0) {
            if (hasMemory && next <= OP_EXTRA[byte] && readShortU32(bytes, pos + 2, end) >= 0) length = 2 + shortU32Length;
            else signature = -1;
          }
        }
        if (signature >= 0) {
          const popCount = (signature >>> 28) & 3;
          if (
            count - popCount >= floor &&
            count < types.length &&
            (popCount < 1 || types[count - 1] === ((signature >>> 7) & 0x7f)) &&
            (popCount < 2 || types[count - 2] === ((signature >>> 14) & 0x7f)) &&
            (popCount < 3 || types[count - 3] === ((signature >>> 21) & 0x7f))
          ) {
            count -= popCount;
            const result = signature & 0x7f;
            if (result !== 0) types[count++] = result;
            pos += length;
            continue;
          }
        }
        break;
      }
    }
    // The general path: anything else, and every operator that might fail.
    v.operandCount = count;
    reader.pos = pos;
    reader.read(operator);
    v.step(pos, operator);
    pos = reader.pos;
    if (v.frameCount === 0 && pos !== end) throw new CompileError('operators remaining after end of function', pos);
    types = v.operandTypes;
    count = v.operandCount;
    floor = v.topHeight;
  }
  v.operandCount = count;
  reader.pos = pos;
}

/** After the last operator: the function's `end` must have closed the outermost frame. */
