// Stage: translation (WebAssembly → LLVM IR) of the integer vector instructions (Core spec
// §4.3.2 integer operators applied lane-wise, §4.4.3 "Vector Instructions"): add, sub, mul,
// neg, abs, min/max, saturating add/sub (llvm.[su]{add,sub}.sat), avgr_u (the widened
// (a + b + 1) >> 1, which x86 selects as pavgb/pavgw), popcnt, q15mulr_sat_s, shifts (the
// count taken modulo the lane width), comparisons (an all-ones lane for true), all_true,
// bitmask, narrowing with saturation, extension of the low or high half, extended
// multiplies, pairwise extended adds and the i16x8 dot product. Every form is generic LLVM;
// the x86 backend selects the SSE/AVX instruction each one names (docs/RATIONALE.md, "How
// SIMD operators are translated").

import { Op } from '../wasm/opcodes.js';
import { ValType } from '../wasm/value-types.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import {
  I16X8, I32X4, I64X2, I8X16, compareLanes, laneRange, narrowerShape, popVector, pushVector, shuffleMask, splatConstant,
  splatValue, uniformConstant, type VectorShape,
} from './vector-shapes.js';

const INTEGER_SHAPES = [['I8x16', I8X16], ['I16x8', I16X8], ['I32x4', I32X4], ['I64x2', I64X2]] as const;

export function registerSimdIntegerEmitters(table: OperatorEmitter[]): void {
  const op = (name: string): number => {
    const id = (Op as Record<string, number>)[name];
    if (id === undefined) throw new Error(`internal error: no operator ${name}`);
    return id;
  };
  for (const [prefix, shape] of INTEGER_SHAPES) {
    const has = (name: string): boolean => (Op as Record<string, number>)[prefix + name] !== undefined;
    table[op(`${prefix}Add`)] = binary(shape, 'add');
    table[op(`${prefix}Sub`)] = binary(shape, 'sub');
    if (has('Mul')) table[op(`${prefix}Mul`)] = binary(shape, 'mul');
    table[op(`${prefix}Neg`)] = (translator) => {
      pushVector(translator, translator.builder.assign(`sub ${shape.vector} zeroinitializer, ${popVector(translator, shape)}`), shape);
    };
    table[op(`${prefix}Abs`)] = unaryIntrinsic(shape, 'abs', ', i1 false');
    table[op(`${prefix}Shl`)] = shift(shape, 'shl');
    table[op(`${prefix}ShrS`)] = shift(shape, 'ashr');
    table[op(`${prefix}ShrU`)] = shift(shape, 'lshr');
    table[op(`${prefix}AllTrue`)] = allTrue(shape);
    table[op(`${prefix}Bitmask`)] = bitmask(shape);
    for (const [name, predicate] of [
      ['Eq', 'eq'], ['Ne', 'ne'], ['LtS', 'slt'], ['LtU', 'ult'], ['GtS', 'sgt'], ['GtU', 'ugt'],
      ['LeS', 'sle'], ['LeU', 'ule'], ['GeS', 'sge'], ['GeU', 'uge'],
    ] as const) {
      if (has(name)) table[op(prefix + name)] = compareLanes(shape, `icmp ${predicate}`);
    }
    for (const [name, intrinsic] of [['MinS', 'smin'], ['MinU', 'umin'], ['MaxS', 'smax'], ['MaxU', 'umax']] as const) {
      if (has(name)) table[op(prefix + name)] = binaryIntrinsic(shape, intrinsic);
    }
    for (const [name, intrinsic] of [['AddSatS', 'sadd.sat'], ['AddSatU', 'uadd.sat'], ['SubSatS', 'ssub.sat'], ['SubSatU', 'usub.sat']] as const) {
      if (has(name)) table[op(prefix + name)] = binaryIntrinsic(shape, intrinsic);
    }
    if (has('AvgrU')) table[op(`${prefix}AvgrU`)] = averageRounded(shape);
  }
  table[Op.I8x16Popcnt] = unaryIntrinsic(I8X16, 'ctpop', '');
  table[Op.I16x8Q15mulrSatS] = emitQ15MultiplyRounded;
  table[Op.I32x4DotI16x8S] = emitDot;

  table[Op.I8x16NarrowI16x8S] = narrow(I16X8, true);
  table[Op.I8x16NarrowI16x8U] = narrow(I16X8, false);
  table[Op.I16x8NarrowI32x4S] = narrow(I32X4, true);
  table[Op.I16x8NarrowI32x4U] = narrow(I32X4, false);

  for (const [wideName, wide] of [['I16x8', I16X8], ['I32x4', I32X4], ['I64x2', I64X2]] as const) {
    const narrowName = wideName === 'I16x8' ? 'I8x16' : wideName === 'I32x4' ? 'I16x8' : 'I32x4';
    for (const [half, from] of [['Low', 0], ['High', wide.lanes]] as const) {
      for (const [sign, extension] of [['S', 'sext'], ['U', 'zext']] as const) {
        table[op(`${wideName}Extend${half}${narrowName}${sign}`)] = extend(wide, from, extension);
        table[op(`${wideName}Extmul${half}${narrowName}${sign}`)] = extendedMultiply(wide, from, extension);
      }
    }
  }
  table[Op.I16x8ExtaddPairwiseI8x16S] = extendedPairwiseAdd(I16X8, 'sext');
  table[Op.I16x8ExtaddPairwiseI8x16U] = extendedPairwiseAdd(I16X8, 'zext');
  table[Op.I32x4ExtaddPairwiseI16x8S] = extendedPairwiseAdd(I32X4, 'sext');
  table[Op.I32x4ExtaddPairwiseI16x8U] = extendedPairwiseAdd(I32X4, 'zext');
}

function binary(shape: VectorShape, instruction: string): OperatorEmitter {
  return (translator) => {
    const right = popVector(translator, shape);
    const left = popVector(translator, shape);
    pushVector(translator, translator.builder.assign(`${instruction} ${shape.vector} ${left}, ${right}`), shape);
  };
}

function binaryIntrinsic(shape: VectorShape, intrinsic: string): OperatorEmitter {
  const t = shape.vector;
  return (translator) => {
    const right = popVector(translator, shape);
    const left = popVector(translator, shape);
    pushVector(translator, translator.builder.assign(`call ${t} @llvm.${intrinsic}.${shape.intrinsicSuffix}(${t} ${left}, ${t} ${right})`), shape);
  };
}

function unaryIntrinsic(shape: VectorShape, intrinsic: string, extraArguments: string): OperatorEmitter {
  const t = shape.vector;
  return (translator) => {
    const operand = popVector(translator, shape);
    pushVector(translator, translator.builder.assign(`call ${t} @llvm.${intrinsic}.${shape.intrinsicSuffix}(${t} ${operand}${extraArguments})`), shape);
  };
}

/** Shifts: the i32 count modulo the lane width, the same for every lane. */
function shift(shape: VectorShape, instruction: string): OperatorEmitter {
  return (translator) => {
    const builder = translator.builder;
    const count = translator.pop();
    const vector = popVector(translator, shape);
    const masked = /^-?\d+$/.test(count) ? String(Number(count) & (shape.bits - 1)) : builder.assign(`and i32 ${count}, ${shape.bits - 1}`);
    let laneCount = masked;
    if (!/^\d+$/.test(masked)) {
      if (shape.bits < 32) laneCount = builder.assign(`trunc i32 ${masked} to ${shape.element}`);
      else if (shape.bits > 32) laneCount = builder.assign(`zext i32 ${masked} to i64`);
    }
    const counts = /^\d+$/.test(laneCount) ? splatConstant(shape, laneCount) : splatValue(translator, shape, laneCount);
    pushVector(translator, builder.assign(`${instruction} ${shape.vector} ${vector}, ${counts}`), shape);
  };
}

/** all_true: 1 when no lane is zero. */
function allTrue(shape: VectorShape): OperatorEmitter {
  return (translator) => {
    const builder = translator.builder;
    const vector = popVector(translator, shape);
    const nonZero = builder.assign(`icmp ne ${shape.vector} ${vector}, zeroinitializer`);
    const condition = builder.assign(`call i1 @llvm.vector.reduce.and.v${shape.lanes}i1(<${shape.lanes} x i1> ${nonZero})`);
    translator.pushCondition(builder.assign(`zext i1 ${condition} to i32`), condition);
  };
}

/** bitmask: bit i of the i32 result is lane i's sign bit (movmsk). */
function bitmask(shape: VectorShape): OperatorEmitter {
  return (translator) => {
    const builder = translator.builder;
    const vector = popVector(translator, shape);
    const negative = builder.assign(`icmp slt ${shape.vector} ${vector}, zeroinitializer`);
    const bits = builder.assign(`bitcast <${shape.lanes} x i1> ${negative} to i${shape.lanes}`);
    translator.push(shape.lanes === 32 ? bits : builder.assign(`zext i${shape.lanes} ${bits} to i32`), ValType.I32);
  };
}

/** `<N x iK>` → `<N x i2K>`: text of the widened vector type. */
function widened(shape: VectorShape): string {
  return `<${shape.lanes} x i${shape.bits * 2}>`;
}

/** avgr_u: (a + b + 1) >> 1 without overflow, computed in lanes twice as wide. */
function averageRounded(shape: VectorShape): OperatorEmitter {
  const wide = widened(shape);
  return (translator) => {
    const builder = translator.builder;
    const right = builder.assign(`zext ${shape.vector} ${popVector(translator, shape)} to ${wide}`);
    const left = builder.assign(`zext ${shape.vector} ${popVector(translator, shape)} to ${wide}`);
    const sum = builder.assign(`add ${wide} ${left}, ${right}`);
    const one = uniformConstant(shape.lanes, `i${shape.bits * 2}`, 1);
    const rounded = builder.assign(`add ${wide} ${sum}, ${one}`);
    const halved = builder.assign(`lshr ${wide} ${rounded}, ${one}`);
    pushVector(translator, builder.assign(`trunc ${wide} ${halved} to ${shape.vector}`), shape);
  };
}

/** q15mulr_sat_s: (a * b + 2^14) >> 15, saturated (only -32768 * -32768 overflows). */
function emitQ15MultiplyRounded(translator: TranslatorState): void {
  const builder = translator.builder;
  const wide = '<8 x i32>';
  const right = builder.assign(`sext <8 x i16> ${popVector(translator, I16X8)} to ${wide}`);
  const left = builder.assign(`sext <8 x i16> ${popVector(translator, I16X8)} to ${wide}`);
  const product = builder.assign(`mul ${wide} ${left}, ${right}`);
  const rounded = builder.assign(`add ${wide} ${product}, ${uniformConstant(8, 'i32', 0x4000)}`);
  const shifted = builder.assign(`ashr ${wide} ${rounded}, ${uniformConstant(8, 'i32', 15)}`);
  const saturated = builder.assign(`call ${wide} @llvm.smin.v8i32(${wide} ${shifted}, ${wide} ${uniformConstant(8, 'i32', 0x7fff)})`);
  pushVector(translator, builder.assign(`trunc ${wide} ${saturated} to <8 x i16>`), I16X8);
}

/** i32x4.dot_i16x8_s: products of the signed i16 lanes, adjacent pairs added (pmaddwd). */
function emitDot(translator: TranslatorState): void {
  const builder = translator.builder;
  const right = builder.assign(`sext <8 x i16> ${popVector(translator, I16X8)} to <8 x i32>`);
  const left = builder.assign(`sext <8 x i16> ${popVector(translator, I16X8)} to <8 x i32>`);
  const product = builder.assign(`mul <8 x i32> ${left}, ${right}`);
  const even = builder.assign(`shufflevector <8 x i32> ${product}, <8 x i32> poison, ${shuffleMask([0, 2, 4, 6])}`);
  const odd = builder.assign(`shufflevector <8 x i32> ${product}, <8 x i32> poison, ${shuffleMask([1, 3, 5, 7])}`);
  pushVector(translator, builder.assign(`add <4 x i32> ${even}, ${odd}`), I32X4);
}

/**
 * Narrowing [a, b] of `wide` lanes to the lanes half as wide: a's lanes then b's, each
 * saturated to the narrow signed or unsigned range (packsswb/packuswb and the dword forms).
 */
function narrow(wide: VectorShape, signed: boolean): OperatorEmitter {
  const narrowShape = narrowerShape(wide);
  const lanes = wide.lanes * 2;
  const joined = `<${lanes} x ${wide.element}>`;
  const [low, high] = signed ? [-(2 ** (narrowShape.bits - 1)), 2 ** (narrowShape.bits - 1) - 1] : [0, 2 ** narrowShape.bits - 1];
  const bound = (value: number): string => uniformConstant(lanes, wide.element, value);
  return (translator) => {
    const builder = translator.builder;
    const second = popVector(translator, wide);
    const first = popVector(translator, wide);
    const both = builder.assign(`shufflevector ${wide.vector} ${first}, ${wide.vector} ${second}, ${shuffleMask(laneRange(0, lanes))}`);
    const raised = builder.assign(`call ${joined} @llvm.smax.v${lanes}${wide.element}(${joined} ${both}, ${joined} ${bound(low)})`);
    const clamped = builder.assign(`call ${joined} @llvm.smin.v${lanes}${wide.element}(${joined} ${raised}, ${joined} ${bound(high)})`);
    pushVector(translator, builder.assign(`trunc ${joined} ${clamped} to ${narrowShape.vector}`), narrowShape);
  };
}

/** The half of `narrow`'s lanes starting at `from` (0 or half the lanes), extended to `wide`. */
function extendHalf(translator: TranslatorState, wide: VectorShape, from: number, extension: 'sext' | 'zext'): string {
  const narrowShape = narrowerShape(wide);
  const builder = translator.builder;
  const vector = popVector(translator, narrowShape);
  const half = `<${wide.lanes} x ${narrowShape.element}>`;
  const selected = builder.assign(`shufflevector ${narrowShape.vector} ${vector}, ${narrowShape.vector} poison, ${shuffleMask(laneRange(from, wide.lanes))}`);
  return builder.assign(`${extension} ${half} ${selected} to ${wide.vector}`);
}

function extend(wide: VectorShape, from: number, extension: 'sext' | 'zext'): OperatorEmitter {
  return (translator) => pushVector(translator, extendHalf(translator, wide, from, extension), wide);
}

function extendedMultiply(wide: VectorShape, from: number, extension: 'sext' | 'zext'): OperatorEmitter {
  return (translator) => {
    const right = extendHalf(translator, wide, from, extension);
    const left = extendHalf(translator, wide, from, extension);
    pushVector(translator, translator.builder.assign(`mul ${wide.vector} ${left}, ${right}`), wide);
  };
}

/** extadd_pairwise: lanes 2i and 2i+1 extended and added. */
function extendedPairwiseAdd(wide: VectorShape, extension: 'sext' | 'zext'): OperatorEmitter {
  const narrowShape = narrowerShape(wide);
  const half = `<${wide.lanes} x ${narrowShape.element}>`;
  const evens = shuffleMask(laneRange(0, wide.lanes).map((i) => 2 * i));
  const odds = shuffleMask(laneRange(0, wide.lanes).map((i) => 2 * i + 1));
  return (translator) => {
    const builder = translator.builder;
    const vector = popVector(translator, narrowShape);
    const even = builder.assign(`shufflevector ${narrowShape.vector} ${vector}, ${narrowShape.vector} poison, ${evens}`);
    const odd = builder.assign(`shufflevector ${narrowShape.vector} ${vector}, ${narrowShape.vector} poison, ${odds}`);
    const evenWide = builder.assign(`${extension} ${half} ${even} to ${wide.vector}`);
    const oddWide = builder.assign(`${extension} ${half} ${odd} to ${wide.vector}`);
    pushVector(translator, builder.assign(`add ${wide.vector} ${evenWide}, ${oddWide}`), wide);
  };
}
