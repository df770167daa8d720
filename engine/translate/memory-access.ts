// Stage: translation (WebAssembly → LLVM IR). The address of a linear-memory access (Core
// spec §4.4.7, LLVM-MAPPING.md "Memory"), shared by the scalar and the vector memory
// emitters: zext(i32 address) + offset as a GEP from the memory's base (guard pages make it
// safe), the explicit bounds check the environment may ask for, and the `align` of an access.

import type { Operator } from '../binary/operator-reader.js';
import { TrapCode } from '../abi/trap-codes.js';
import type { TranslatorState } from './translator-state.js';
import { isConstant } from './emit-helpers.js';

/** `ptr` to linear-memory byte zext(address) + offset of memory `memoryIndex`. */
export function effectiveAddress(translator: TranslatorState, memoryIndex: number, address: string, offset: number): string {
  const builder = translator.builder;
  const base = translator.environment.memoryBase(builder, memoryIndex);
  if (isConstant(address)) {
    const constant = (Number(address) >>> 0) + offset;
    return constant === 0 ? base : builder.assign(`getelementptr inbounds i8, ptr ${base}, i64 ${constant}`);
  }
  let index = builder.assign(`zext i32 ${address} to i64`);
  if (offset !== 0) index = builder.assign(`add nuw nsw i64 ${index}, ${offset}`);
  return builder.assign(`getelementptr inbounds i8, ptr ${base}, i64 ${index}`);
}

/**
 * With explicit bounds checks: traps with MemoryOutOfBounds unless the `size` bytes at
 * zext(address) + offset lie inside memory `memoryIndex`. The address operand is still on
 * the stack's top (not popped).
 */
export function checkBounds(translator: TranslatorState, memoryIndex: number, address: string, offset: number, size: number): void {
  const builder = translator.builder;
  const length = translator.environment.memoryByteLength(builder, memoryIndex);
  const end = isConstant(address)
    ? String((Number(address) >>> 0) + offset + size)
    : builder.assign(`add nuw nsw i64 ${builder.assign(`zext i32 ${address} to i64`)}, ${offset + size}`);
  builder.trapIf(builder.assign(`icmp ugt i64 ${end}, ${length}`), TrapCode.MemoryOutOfBounds);
}

/** Whether memory `memoryIndex` is explicitly bounds-checked (environment.explicitBoundsChecks). */
export function checksBounds(translator: TranslatorState, memoryIndex: number): boolean {
  return translator.environment.explicitBoundsChecks?.(memoryIndex) === true;
}

/** The `align` of an access: 1, or the memarg's hint capped at the natural size. */
export function alignment(translator: TranslatorState, operator: Operator, natural: number): number {
  if (!translator.trustAlignmentHints) return 1;
  return Math.min(1 << operator.align, natural);
}
