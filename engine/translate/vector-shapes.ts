// Stage: translation (WebAssembly → LLVM IR). The lane shapes of v128 (Core spec §2.4.1
// "Vector Instructions": i8x16, i16x8, i32x4, i64x2, f32x4, f64x2) as LLVM vector types, and
// how a v128 operand moves between them. On the operand stack, in locals, globals, phis and
// calls a v128 is always `<16 x i8>` (ir-types.ts); an operator bitcasts its operands to
// its shape and its result back. The bitcasts cost nothing (LLVM folds them, and at O0
// they are register copies); the translator remembers which `<16 x i8>` value is a view of
// which shaped value, so a chain of f32x4 operators bitcasts once, not twice per operator
// (TranslatorState.vectorViews, cleared per function). Constants are not bitcast but
// written again in the other shape: LLVM 19's code generator can loop forever on a bitcast
// of a constant vector to another lane count (at O0, where no IR pass folds it first; found
// by the execution fuzzer: `icmp slt <4 x i32> <...>, bitcast (<2 x i64> <...> to <4 x i32>)`
// whose mask is shifted as bytes and read as an i64 lane hangs `llc -O0`).

import { ValType } from '../wasm/value-types.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { isConstant } from './emit-helpers.js';
import { scalarConstantBytes, v128ConstantBytes, v128Literal } from './constant-bits.js';
import { f32Constant, f64Constant } from './ir-types.js';

export interface VectorShape {
  /** Index into the view cache's keys. */
  readonly id: number;
  readonly lanes: number;
  /** LLVM element type: i8, i16, i32, i64, float, double. */
  readonly element: string;
  /** Lane width in bits. */
  readonly bits: number;
  /** `<4 x i32>` */
  readonly vector: string;
  /** The integer vector of the same lanes (for float shapes, the bit pattern). */
  readonly integerVector: string;
  /** Suffix of overloaded intrinsics: `v4i32`, `v4f32`. */
  readonly intrinsicSuffix: string;
  readonly isFloat: boolean;
}

function shape(id: number, lanes: number, element: string, bits: number, isFloat: boolean): VectorShape {
  const suffixElement = isFloat ? `f${bits}` : `i${bits}`;
  return {
    id,
    lanes,
    element,
    bits,
    vector: `<${lanes} x ${element}>`,
    integerVector: `<${lanes} x i${bits}>`,
    intrinsicSuffix: `v${lanes}${suffixElement}`,
    isFloat,
  };
}

export const I8X16 = shape(0, 16, 'i8', 8, false);
export const I16X8 = shape(1, 8, 'i16', 16, false);
export const I32X4 = shape(2, 4, 'i32', 32, false);
export const I64X2 = shape(3, 2, 'i64', 64, false);
export const F32X4 = shape(4, 4, 'float', 32, true);
export const F64X2 = shape(5, 2, 'double', 64, true);

/** The stack type of v128 values. */
export const V128 = I8X16.vector;

/** The literal of `target`'s shape with the sixteen bytes `bytes` (little-endian lanes). */
function shapedLiteral(bytes: Uint8Array, target: VectorShape): string {
  if (bytes.every((byte) => byte === 0)) return 'zeroinitializer';
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const lanes = laneRange(0, target.lanes).map((lane) => {
    const offset = lane * (target.bits / 8);
    switch (target) {
      case I16X8: return view.getInt16(offset, true);
      case I32X4: return view.getInt32(offset, true);
      case I64X2: return view.getBigInt64(offset, true).toString();
      case F32X4: return f32Constant(view.getUint32(offset, true));
      case F64X2: return f64Constant(view.getUint32(offset, true), view.getUint32(offset + 4, true));
      default: return view.getInt8(offset);
    }
  });
  return vectorConstant(target.element, lanes);
}

/** The sixteen bytes of a constant of `source`'s shape as the translator writes it, else undefined. */
function shapedConstantBytes(text: string, source: VectorShape): Uint8Array | undefined {
  if (text === 'zeroinitializer') return new Uint8Array(16);
  if (!text.startsWith('<') || !text.endsWith('>')) return undefined;
  const prefix = `${source.element} `;
  const lanes = text.slice(1, -1).split(`, ${prefix}`);
  if (lanes.length !== source.lanes || !lanes[0].startsWith(prefix)) return undefined;
  lanes[0] = lanes[0].slice(prefix.length);
  const bytes = new Uint8Array(16);
  for (let lane = 0; lane < source.lanes; lane++) {
    const laneBytes = scalarConstantBytes(lanes[lane], source.bits / 8);
    if (laneBytes === undefined) return undefined;
    bytes.set(laneBytes, lane * (source.bits / 8));
  }
  return bytes;
}

/** `value` (a `<16 x i8>`) as a vector of `target`'s shape. */
export function viewAs(translator: TranslatorState, value: string, target: VectorShape): string {
  if (target === I8X16) return value;
  if (isConstant(value)) {
    const bytes = v128ConstantBytes(value);
    return bytes === undefined ? `bitcast (${V128} ${value} to ${target.vector})` : shapedLiteral(bytes, target);
  }
  const views = translator.vectorViews;
  // A value pushed by pushVector: its source dominates every use of it.
  const source = views.get(target.id + value);
  if (source !== undefined) return source;
  // A bitcast made here before is reused only in the same LLVM block (it may not dominate others).
  const key = `${target.id}${value}@${translator.builder.currentBlock}`;
  const known = views.get(key);
  if (known !== undefined) return known;
  const view = translator.builder.assign(`bitcast ${V128} ${value} to ${target.vector}`);
  views.set(key, view);
  return view;
}

/** Pops a v128 operand as a vector of `target`'s shape. */
export function popVector(translator: TranslatorState, target: VectorShape): string {
  return viewAs(translator, translator.pop(), target);
}

/** Pushes `value`, a vector of `source`'s shape, as a v128. */
export function pushVector(translator: TranslatorState, value: string, source: VectorShape): void {
  if (source === I8X16) {
    translator.push(value, ValType.V128);
    return;
  }
  if (isConstant(value)) {
    const bytes = shapedConstantBytes(value, source);
    translator.push(bytes === undefined ? `bitcast (${source.vector} ${value} to ${V128})` : v128Literal(bytes), ValType.V128);
    return;
  }
  const bytes = translator.builder.assign(`bitcast ${source.vector} ${value} to ${V128}`);
  translator.vectorViews.set(source.id + bytes, value);
  translator.push(bytes, ValType.V128);
}

/** `<N x T> <T a, T b, ...>`'s list part for the given lane texts. */
export function vectorConstant(element: string, lanes: readonly (string | number)[]): string {
  return `<${lanes.map((lane) => `${element} ${lane}`).join(', ')}>`;
}

/** The list part of a constant of `lanes` lanes of type `element`, each `lane`. */
export function uniformConstant(lanes: number, element: string, lane: string | number): string {
  return vectorConstant(element, new Array<string | number>(lanes).fill(lane));
}

/** A constant with every lane `lane`. */
export function splatConstant(target: VectorShape, lane: string | number): string {
  return uniformConstant(target.lanes, target.element, lane);
}

/** `scalar` (of `target`'s lane type) copied into every lane: insertelement, then a zero-mask shuffle. */
export function splatValue(translator: TranslatorState, target: VectorShape, scalar: string): string {
  const builder = translator.builder;
  const single = builder.assign(`insertelement ${target.vector} poison, ${target.element} ${scalar}, i32 0`);
  return builder.assign(`shufflevector ${target.vector} ${single}, ${target.vector} poison, ${shuffleMask(new Array<number>(target.lanes).fill(0))}`);
}

/** `shufflevector` mask operand (typed: `<2 x i32> <i32 0, i32 1>`) for lane indices. */
export function shuffleMask(indices: readonly number[]): string {
  return `<${indices.length} x i32> ${vectorConstant('i32', indices)}`;
}

/** Lanes [from, from + count). */
export function laneRange(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** The shape whose lanes are half as wide (i16x8 → i8x16), for narrowing and extending. */
export function narrowerShape(wide: VectorShape): VectorShape {
  switch (wide) {
    case I16X8: return I8X16;
    case I32X4: return I16X8;
    case I64X2: return I32X4;
    default: throw new Error(`internal error: no narrower shape than ${wide.vector}`);
  }
}

/** Lane-wise comparison: `<N x i1>` sign-extended to all-ones or all-zeros lanes. */
export function compareLanes(shape: VectorShape, comparison: string): OperatorEmitter {
  return (translator) => {
    const right = popVector(translator, shape);
    const left = popVector(translator, shape);
    const builder = translator.builder;
    const flags = builder.assign(`${comparison} ${shape.vector} ${left}, ${right}`);
    pushVector(translator, builder.assign(`sext <${shape.lanes} x i1> ${flags} to ${shape.integerVector}`), integerShapeOf(shape));
  };
}

function integerShapeOf(shape: VectorShape): VectorShape {
  if (!shape.isFloat) return shape;
  return shape.bits === 32 ? I32X4 : I64X2;
}
