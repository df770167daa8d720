// Stage: translation (WebAssembly → LLVM IR). Small pieces of IR that several emitter
// families write: constant tests, NaN quieting (Core spec §4.3.3: arithmetic NaNs), the
// zero extension of an i32 operand, and the i64 range test of bulk memory and table
// instructions. They write through the FunctionBuilder only, so every emitter file may
// import them and none imports another.

import { ValType } from '../wasm/value-types.js';
import type { FunctionBuilder } from './function-builder.js';

/** Whether operand text is a literal constant rather than an SSA value (`%...`). */
export function isConstant(value: string): boolean {
  return value.charCodeAt(0) !== 37;
}

/**
 * `value` with its quiet bit set when it is a NaN. LLVM's NaN semantics let an operation
 * return a NaN operand unchanged, signalling ones included (x86 lowers llvm.minimum so; the
 * DAG combiner folds x * 1.0, x - 0.0, fptrunc(fpext x) to x), where wasm requires an
 * arithmetic (quiet) NaN. Setting the bit keeps canonical NaNs canonical. The integer `or`
 * survives every optimisation level.
 */
export function quietNaN(builder: FunctionBuilder, value: string, type: ValType): string {
  const [t, integer, quietBit] = type === ValType.F32 ? ['float', 'i32', '4194304'] : ['double', 'i64', '2251799813685248'];
  const isNaN = builder.assign(`fcmp uno ${t} ${value}, 0.0`);
  const bits = builder.assign(`bitcast ${t} ${value} to ${integer}`);
  const quieted = builder.assign(`or ${integer} ${bits}, ${quietBit}`);
  const quietValue = builder.assign(`bitcast ${integer} ${quieted} to ${t}`);
  return builder.assign(`select i1 ${isNaN}, ${t} ${quietValue}, ${t} ${value}`);
}

/** zext of an i32 operand to i64 (constants folded). */
export function widen(builder: FunctionBuilder, value: string): string {
  return isConstant(value) ? String(Number(value) >>> 0) : builder.assign(`zext i32 ${value} to i64`);
}

/** `i1`: start + count > length, in i64 (start and count are zero-extended i32s: no overflow). */
export function rangeExceeds(builder: FunctionBuilder, start: string, count: string, length: string): string {
  const end = builder.assign(`add nuw nsw i64 ${start}, ${count}`);
  return builder.assign(`icmp ugt i64 ${end}, ${length}`);
}
