// Stage: translation (WebAssembly → LLVM IR) of the vector instructions that build, take
// apart and rearrange v128 values, and of the bitwise ones (Core spec §4.4.3 "Vector
// Instructions"): v128.const, i8x16.shuffle (a constant `shufflevector`), i8x16.swizzle
// (lane indices ≥ 16 give 0), splat, extract_lane (sign or zero extended for i8/i16),
// replace_lane, v128.not/and/andnot/or/xor/bitselect and v128.any_true.
//
// Swizzle has no generic LLVM form: with SSSE3 it is `pshufb` of the indices plus 0x70
// saturated (an index ≥ 16 then has its top bit set, which pshufb turns into 0; one below
// keeps its low four bits), as Cranelift and V8 lower it; without, one select per lane.

import type { Operator } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import { ValType } from '../wasm/value-types.js';
import { isConstant } from './emit-helpers.js';
import { scalarConstantBytes, v128Literal } from './constant-bits.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import {
  F32X4, F64X2, I16X8, I32X4, I64X2, I8X16, V128, popVector, pushVector, shuffleMask, splatConstant, splatValue, type VectorShape,
} from './vector-shapes.js';

export function registerSimdLaneEmitters(table: OperatorEmitter[]): void {
  table[Op.V128Const] = emitConst;
  table[Op.I8x16Shuffle] = emitShuffle;
  table[Op.I8x16Swizzle] = emitSwizzle;
  table[Op.I8x16Splat] = splat(I8X16);
  table[Op.I16x8Splat] = splat(I16X8);
  table[Op.I32x4Splat] = splat(I32X4);
  table[Op.I64x2Splat] = splat(I64X2);
  table[Op.F32x4Splat] = splat(F32X4);
  table[Op.F64x2Splat] = splat(F64X2);
  table[Op.I8x16ExtractLaneS] = extractLane(I8X16, 'sext');
  table[Op.I8x16ExtractLaneU] = extractLane(I8X16, 'zext');
  table[Op.I16x8ExtractLaneS] = extractLane(I16X8, 'sext');
  table[Op.I16x8ExtractLaneU] = extractLane(I16X8, 'zext');
  table[Op.I32x4ExtractLane] = extractLane(I32X4, '');
  table[Op.I64x2ExtractLane] = extractLane(I64X2, '');
  table[Op.F32x4ExtractLane] = extractLane(F32X4, '');
  table[Op.F64x2ExtractLane] = extractLane(F64X2, '');
  table[Op.I8x16ReplaceLane] = replaceLane(I8X16);
  table[Op.I16x8ReplaceLane] = replaceLane(I16X8);
  table[Op.I32x4ReplaceLane] = replaceLane(I32X4);
  table[Op.I64x2ReplaceLane] = replaceLane(I64X2);
  table[Op.F32x4ReplaceLane] = replaceLane(F32X4);
  table[Op.F64x2ReplaceLane] = replaceLane(F64X2);

  table[Op.V128Not] = (translator) => {
    translator.push(translator.builder.assign(`xor ${V128} ${translator.pop()}, ${splatConstant(I8X16, -1)}`), ValType.V128);
  };
  table[Op.V128And] = bitwise('and');
  table[Op.V128Or] = bitwise('or');
  table[Op.V128Xor] = bitwise('xor');
  table[Op.V128Andnot] = (translator) => {
    const builder = translator.builder;
    const right = translator.pop();
    const left = translator.pop();
    const inverted = builder.assign(`xor ${V128} ${right}, ${splatConstant(I8X16, -1)}`);
    translator.push(builder.assign(`and ${V128} ${left}, ${inverted}`), ValType.V128);
  };
  table[Op.V128Bitselect] = (translator) => {
    // (v1 & c) | (v2 & ~c), as (((v1 ^ v2) & c) ^ v2): LLVM recognises either.
    const builder = translator.builder;
    const mask = translator.pop();
    const second = translator.pop();
    const first = translator.pop();
    const difference = builder.assign(`xor ${V128} ${first}, ${second}`);
    const chosen = builder.assign(`and ${V128} ${difference}, ${mask}`);
    translator.push(builder.assign(`xor ${V128} ${chosen}, ${second}`), ValType.V128);
  };
  table[Op.V128AnyTrue] = (translator) => {
    const builder = translator.builder;
    const wide = builder.assign(`bitcast ${V128} ${translator.pop()} to i128`);
    const condition = builder.assign(`icmp ne i128 ${wide}, 0`);
    translator.pushCondition(builder.assign(`zext i1 ${condition} to i32`), condition);
  };
}

function emitConst(translator: TranslatorState, operator: Operator): void {
  translator.push(v128Literal(operator.v128), ValType.V128);
}

/** i8x16.shuffle: lanes 0-15 of the first operand, 16-31 of the second (validated < 32). */
function emitShuffle(translator: TranslatorState, operator: Operator): void {
  const second = translator.pop();
  const first = translator.pop();
  const mask = shuffleMask(Array.from(operator.v128));
  translator.push(translator.builder.assign(`shufflevector ${V128} ${first}, ${V128} ${second}, ${mask}`), ValType.V128);
}

function emitSwizzle(translator: TranslatorState): void {
  const builder = translator.builder;
  const indices = translator.pop();
  const source = translator.pop();
  if (translator.x86Ssse3) {
    const biased = builder.assign(`call ${V128} @llvm.uadd.sat.v16i8(${V128} ${indices}, ${V128} ${splatConstant(I8X16, 0x70)})`);
    translator.push(builder.assign(`call ${V128} @llvm.x86.ssse3.pshuf.b.128(${V128} ${source}, ${V128} ${biased})`), ValType.V128);
    return;
  }
  const inRange = builder.assign(`icmp ult ${V128} ${indices}, ${splatConstant(I8X16, 16)}`);
  const clamped = builder.assign(`and ${V128} ${indices}, ${splatConstant(I8X16, 15)}`);
  let result = 'zeroinitializer';
  for (let lane = 0; lane < 16; lane++) {
    const index = builder.assign(`extractelement ${V128} ${clamped}, i32 ${lane}`);
    const byte = builder.assign(`extractelement ${V128} ${source}, i8 ${index}`);
    result = builder.assign(`insertelement ${V128} ${result}, i8 ${byte}, i32 ${lane}`);
  }
  translator.push(builder.assign(`select <16 x i1> ${inRange}, ${V128} ${result}, ${V128} zeroinitializer`), ValType.V128);
}

/** Scalar operand text as the lane type (i8/i16 lanes take an i32 operand, truncated). */
function laneOperand(translator: TranslatorState, shape: VectorShape, value: string): string {
  if (shape.bits >= 32 || shape.isFloat) return value;
  if (isConstant(value)) return String(shape.bits === 8 ? (Number(value) << 24) >> 24 : (Number(value) << 16) >> 16);
  return translator.builder.assign(`trunc i32 ${value} to ${shape.element}`);
}

function splat(shape: VectorShape): OperatorEmitter {
  return (translator) => {
    const scalar = laneOperand(translator, shape, translator.pop());
    // A constant splat is a byte literal, which later operators can read (v128ConstantBytes).
    const laneBytes = isConstant(scalar) ? scalarConstantBytes(scalar, shape.bits / 8) : undefined;
    if (laneBytes !== undefined) {
      const bytes = new Uint8Array(16);
      for (let offset = 0; offset < 16; offset += laneBytes.length) bytes.set(laneBytes, offset);
      translator.push(v128Literal(bytes), ValType.V128);
      return;
    }
    if (isConstant(scalar)) {
      pushVector(translator, splatConstant(shape, scalar), shape);
      return;
    }
    pushVector(translator, splatValue(translator, shape, scalar), shape);
  };
}

function extractLane(shape: VectorShape, extension: '' | 'sext' | 'zext'): OperatorEmitter {
  const resultType = shape === F32X4 ? ValType.F32 : shape === F64X2 ? ValType.F64 : shape === I64X2 ? ValType.I64 : ValType.I32;
  return (translator, operator) => {
    const builder = translator.builder;
    const vector = popVector(translator, shape);
    const lane = builder.assign(`extractelement ${shape.vector} ${vector}, i32 ${operator.lane}`);
    translator.push(extension === '' ? lane : builder.assign(`${extension} ${shape.element} ${lane} to i32`), resultType);
  };
}

function replaceLane(shape: VectorShape): OperatorEmitter {
  return (translator, operator) => {
    const scalar = laneOperand(translator, shape, translator.pop());
    const vector = popVector(translator, shape);
    pushVector(translator, translator.builder.assign(`insertelement ${shape.vector} ${vector}, ${shape.element} ${scalar}, i32 ${operator.lane}`), shape);
  };
}

function bitwise(instruction: string): OperatorEmitter {
  return (translator) => {
    const right = translator.pop();
    const left = translator.pop();
    translator.push(translator.builder.assign(`${instruction} ${V128} ${left}, ${right}`), ValType.V128);
  };
}
