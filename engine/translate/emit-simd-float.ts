// Stage: translation (WebAssembly → LLVM IR) of the floating-point vector instructions and
// the vector conversions (Core spec §4.3.3 float operators lane-wise, §4.3.4 conversions,
// §4.4.3 "Vector Instructions"): add, sub, mul, div, sqrt, abs, neg, ceil, floor, trunc,
// nearest, min/max, pmin/pmax, comparisons, trunc_sat (NaN → 0, out of range saturated),
// convert, demote and promote.
//
// As for scalars (emit-numeric.ts): min/max are llvm.minimum/maximum (NaN-propagating,
// -0 < +0, where x86's minps returns its second operand), their NaN results and those of
// arithmetic with a constant operand holding an identity lane (which LLVM may fold to the
// other operand, signalling NaN included) made quiet. pmin/pmax are defined as `b < a ? b : a` / `a < b ? b : a`,
// exactly minps/maxps with the operands in that order.

import { Op } from '../wasm/opcodes.js';
import type { FunctionBuilder } from './function-builder.js';
import { isConstant } from './emit-helpers.js';
import { f32Constant, f64Constant } from './ir-types.js';
import { v128ConstantBytes } from './constant-bits.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import {
  F32X4, F64X2, I32X4, compareLanes, popVector, pushVector, shuffleMask, uniformConstant, type VectorShape,
} from './vector-shapes.js';

export function registerSimdFloatEmitters(table: OperatorEmitter[]): void {
  for (const [prefix, shape] of [['F32x4', F32X4], ['F64x2', F64X2]] as const) {
    const op = (name: string): number => (Op as Record<string, number>)[prefix + name];
    for (const [name, instruction] of [['Add', 'fadd'], ['Sub', 'fsub'], ['Mul', 'fmul'], ['Div', 'fdiv']] as const) {
      table[op(name)] = arithmetic(shape, instruction);
    }
    table[op('Neg')] = (translator) => pushVector(translator, translator.builder.assign(`fneg ${shape.vector} ${popVector(translator, shape)}`), shape);
    for (const [name, intrinsic] of [['Abs', 'fabs'], ['Sqrt', 'sqrt'], ['Ceil', 'ceil'], ['Floor', 'floor'], ['Trunc', 'trunc'], ['Nearest', 'roundeven']] as const) {
      table[op(name)] = unaryIntrinsic(shape, intrinsic);
    }
    table[op('Min')] = minimumOrMaximum(shape, 'minimum');
    table[op('Max')] = minimumOrMaximum(shape, 'maximum');
    table[op('Pmin')] = pseudoMinimumOrMaximum(shape, true);
    table[op('Pmax')] = pseudoMinimumOrMaximum(shape, false);
    for (const [name, predicate] of [['Eq', 'oeq'], ['Ne', 'une'], ['Lt', 'olt'], ['Gt', 'ogt'], ['Le', 'ole'], ['Ge', 'oge']] as const) {
      table[op(name)] = compareLanes(shape, `fcmp ${predicate}`);
    }
  }

  table[Op.I32x4TruncSatF32x4S] = (translator) => {
    pushVector(translator, saturatingTruncation(translator.builder, popVector(translator, F32X4), F32X4, true), I32X4);
  };
  table[Op.I32x4TruncSatF32x4U] = (translator) => {
    pushVector(translator, saturatingTruncation(translator.builder, popVector(translator, F32X4), F32X4, false), I32X4);
  };
  table[Op.I32x4TruncSatF64x2SZero] = truncateToLowLanes(true);
  table[Op.I32x4TruncSatF64x2UZero] = truncateToLowLanes(false);
  table[Op.F32x4ConvertI32x4S] = (translator) => {
    pushVector(translator, translator.builder.assign(`sitofp <4 x i32> ${popVector(translator, I32X4)} to <4 x float>`), F32X4);
  };
  table[Op.F32x4ConvertI32x4U] = (translator) => {
    pushVector(translator, translator.builder.assign(`uitofp <4 x i32> ${popVector(translator, I32X4)} to <4 x float>`), F32X4);
  };
  table[Op.F64x2ConvertLowI32x4S] = fromLowLanes(I32X4, '<2 x i32>', 'sitofp');
  table[Op.F64x2ConvertLowI32x4U] = fromLowLanes(I32X4, '<2 x i32>', 'uitofp');
  table[Op.F64x2PromoteLowF32x4] = fromLowLanes(F32X4, '<2 x float>', 'fpext');
  table[Op.F32x4DemoteF64x2Zero] = (translator) => {
    const builder = translator.builder;
    const narrowed = builder.assign(`fptrunc <2 x double> ${popVector(translator, F64X2)} to <2 x float>`);
    pushVector(translator, builder.assign(`shufflevector <2 x float> ${narrowed}, <2 x float> zeroinitializer, ${shuffleMask([0, 1, 2, 3])}`), F32X4);
  };
}

/** `value` with every NaN lane's quiet bit set (emit-helpers.ts quietNaN, lane-wise). */
function quietNaNLanes(builder: FunctionBuilder, value: string, shape: VectorShape): string {
  const quietBit = shape.bits === 32 ? 0x400000 : 2 ** 51;
  const isNaN = builder.assign(`fcmp uno ${shape.vector} ${value}, zeroinitializer`);
  const bits = builder.assign(`bitcast ${shape.vector} ${value} to ${shape.integerVector}`);
  const quieted = builder.assign(`or ${shape.integerVector} ${bits}, ${uniformConstant(shape.lanes, `i${shape.bits}`, quietBit)}`);
  const quietValue = builder.assign(`bitcast ${shape.integerVector} ${quieted} to ${shape.vector}`);
  return builder.assign(`select <${shape.lanes} x i1> ${isNaN}, ${shape.vector} ${quietValue}, ${shape.vector} ${value}`);
}

/**
 * Whether a v128 operand may be a constant with a lane LLVM treats as an identity of float
 * arithmetic (±0, ±1: x + -0, x - 0, -0 - x, x * ±1, x / ±1 fold to the other operand,
 * signalling NaN included). Constants the translator cannot read count as such.
 */
function mayHoldIdentity(value: string, shape: VectorShape): boolean {
  if (!isConstant(value)) return false;
  const bytes = v128ConstantBytes(value);
  if (bytes === undefined) return true;
  const view = new DataView(bytes.buffer);
  for (let offset = 0; offset < 16; offset += shape.bits / 8) {
    const lane = shape.bits === 32 ? view.getFloat32(offset, true) : view.getFloat64(offset, true);
    if (lane === 0 || lane === 1 || lane === -1) return true;
  }
  return false;
}

/** fadd etc.; with an operand that may be an identity constant, NaN lanes made quiet. */
function arithmetic(shape: VectorShape, instruction: string): OperatorEmitter {
  return (translator) => {
    const constantOperand = mayHoldIdentity(translator.peek(0), shape) || mayHoldIdentity(translator.peek(1), shape);
    const right = popVector(translator, shape);
    const left = popVector(translator, shape);
    const builder = translator.builder;
    const result = builder.assign(`${instruction} ${shape.vector} ${left}, ${right}`);
    pushVector(translator, constantOperand ? quietNaNLanes(builder, result, shape) : result, shape);
  };
}

function unaryIntrinsic(shape: VectorShape, intrinsic: string): OperatorEmitter {
  const t = shape.vector;
  return (translator) => {
    const operand = popVector(translator, shape);
    pushVector(translator, translator.builder.assign(`call ${t} @llvm.${intrinsic}.${shape.intrinsicSuffix}(${t} ${operand})`), shape);
  };
}

function minimumOrMaximum(shape: VectorShape, intrinsic: 'minimum' | 'maximum'): OperatorEmitter {
  const t = shape.vector;
  return (translator) => {
    const right = popVector(translator, shape);
    const left = popVector(translator, shape);
    const builder = translator.builder;
    const result = builder.assign(`call ${t} @llvm.${intrinsic}.${shape.intrinsicSuffix}(${t} ${left}, ${t} ${right})`);
    pushVector(translator, quietNaNLanes(builder, result, shape), shape);
  };
}

/** pmin: b < a ? b : a; pmax: a < b ? b : a (Core spec §4.3.3 fpmin/fpmax). */
function pseudoMinimumOrMaximum(shape: VectorShape, minimum: boolean): OperatorEmitter {
  const t = shape.vector;
  return (translator) => {
    const b = popVector(translator, shape);
    const a = popVector(translator, shape);
    const builder = translator.builder;
    const takeB = minimum ? builder.assign(`fcmp olt ${t} ${b}, ${a}`) : builder.assign(`fcmp olt ${t} ${a}, ${b}`);
    pushVector(translator, builder.assign(`select <${shape.lanes} x i1> ${takeB}, ${t} ${b}, ${t} ${a}`), shape);
  };
}

/**
 * trunc_sat to i32 lanes (Core spec §4.3.4 trunc_sat): NaN → 0, out of range → the nearest
 * bound. `llvm.fpto[su]i.sat` on vectors is scalarised by the x86 backend (a cvttss2si,
 * two compares and two cmovs per lane), so this is the in-range form instead: each lane
 * clamped into the range where `fptosi`/`fptoui` is exact (NaN to 0), converted — one
 * cvttps2dq/cvttpd2dq — and, for f32, lanes at or above 2^31 (2^32) set to the maximum,
 * which the clamp's bound (the largest float below it) cannot give. Compares and selects
 * only: blends, no branches.
 */
function saturatingTruncation(builder: FunctionBuilder, value: string, source: VectorShape, signed: boolean): string {
  const t = source.vector;
  const lanes = source.lanes;
  const f32 = source === F32X4;
  const typed = (x: number): string => (f32 ? f32Constant(float32Bits(x)) : f64Constant(...float64Halves(x)));
  // Largest value whose truncation fits, exactly representable in the source type.
  const high = signed ? (f32 ? 2147483520 : 2147483647) : (f32 ? 4294967040 : 4294967295);
  const low = signed ? -2147483648 : 0;
  const bound = (x: number): string => uniformConstant(lanes, source.element, typed(x));
  const above = builder.assign(`fcmp ogt ${t} ${value}, ${bound(high)}`);
  const below = builder.assign(`fcmp olt ${t} ${value}, ${bound(low)}`);
  const isNumber = builder.assign(`fcmp ord ${t} ${value}, zeroinitializer`);
  const lowered = builder.assign(`select <${lanes} x i1> ${above}, ${t} ${bound(high)}, ${t} ${value}`);
  const raised = builder.assign(`select <${lanes} x i1> ${below}, ${t} ${bound(low)}, ${t} ${lowered}`);
  const clamped = builder.assign(`select <${lanes} x i1> ${isNumber}, ${t} ${raised}, ${t} zeroinitializer`);
  const integers = `<${lanes} x i32>`;
  const converted = builder.assign(`${signed ? 'fptosi' : 'fptoui'} ${t} ${clamped} to ${integers}`);
  if (!f32) return converted;
  const maximum = signed ? 2147483647 : -1;
  return builder.assign(`select <${lanes} x i1> ${above}, ${integers} ${uniformConstant(lanes, 'i32', maximum)}, ${integers} ${converted}`);
}

function float32Bits(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return view.getUint32(0, true);
}

function float64Halves(value: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [view.getUint32(0, true), view.getUint32(4, true)];
}

/** trunc_sat_f64x2_[su]_zero: two saturated i32 lanes, then two zero lanes. */
function truncateToLowLanes(signed: boolean): OperatorEmitter {
  return (translator) => {
    const builder = translator.builder;
    const converted = saturatingTruncation(builder, popVector(translator, F64X2), F64X2, signed);
    pushVector(translator, builder.assign(`shufflevector <2 x i32> ${converted}, <2 x i32> zeroinitializer, ${shuffleMask([0, 1, 2, 3])}`), I32X4);
  };
}

/** convert_low / promote_low: the two low lanes of `source` converted to f64x2. */
function fromLowLanes(source: VectorShape, low: string, conversion: string): OperatorEmitter {
  return (translator: TranslatorState) => {
    const builder = translator.builder;
    const vector = popVector(translator, source);
    const lanes = builder.assign(`shufflevector ${source.vector} ${vector}, ${source.vector} poison, ${shuffleMask([0, 1])}`);
    pushVector(translator, builder.assign(`${conversion} ${low} ${lanes} to <2 x double>`), F64X2);
  };
}
