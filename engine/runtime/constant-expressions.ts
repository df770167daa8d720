// Runtime: evaluation of constant expressions at instantiation (Core spec §3.3.10, §4.5.4
// "Instantiation": global initialisers, element expressions and segment offsets). In
// WebAssembly 2.0 an expression is one constant instruction: t.const, ref.null, ref.func
// or global.get of an imported global. Values are raw bit patterns, so float constants
// keep their NaN payloads: u32 for i32/f32, u64 for i64/f64, the 8-byte reference value
// (VMFuncRef address or externref handle) for references, 16 bytes for v128.

import type { ConstantExpression } from '../binary/module-info.js';
import { Op } from '../wasm/opcodes.js';

export type ConstantValue = bigint | Uint8Array;

export interface ConstantContext {
  /** The raw value of imported global `index` (u32 bits for i32/f32, u64 otherwise). */
  importedGlobalBits(index: number): bigint | Uint8Array;
  /** The funcref value (VMFuncRef address) of function `index` in the instance being made. */
  functionReference(index: number): bigint;
}

/** A context for expressions known to be constants (t.const, ref.null): anything else is an internal error. */
export const CONSTANTS_ONLY: ConstantContext = {
  importedGlobalBits: () => {
    throw new Error('internal error: not a constant expression');
  },
  functionReference: () => {
    throw new Error('internal error: not a constant expression');
  },
};

export function evaluateConstant(expression: ConstantExpression, context: ConstantContext): ConstantValue {
  const value = expression.value;
  switch (expression.opcode) {
    case Op.I32Const: return BigInt((value as number) >>> 0);
    case Op.I64Const: return BigInt.asUintN(64, value as bigint);
    case Op.F32Const: return BigInt((value as number) >>> 0);
    case Op.F64Const: return BigInt.asUintN(64, value as bigint);
    case Op.V128Const: return value as Uint8Array;
    case Op.RefNull: return 0n;
    case Op.RefFunc: return context.functionReference(value as number);
    case Op.GlobalGet: return context.importedGlobalBits(value as number);
    default: throw new Error(`internal error: opcode ${expression.opcode} in a constant expression`);
  }
}

/** An i32 constant (segment offset) as an unsigned number. */
export function evaluateOffset(expression: ConstantExpression, context: ConstantContext): number {
  // The usual offset, without BigInts (a module may have 100,000 segments).
  if (expression.opcode === Op.I32Const) return (expression.value as number) >>> 0;
  const value = evaluateConstant(expression, context);
  return Number(BigInt.asUintN(32, value as bigint));
}
