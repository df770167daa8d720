// Runtime: exported function objects (WebAssembly JS API §4 "Exported Functions"): a
// JavaScript function that converts its arguments with ToWebAssemblyValue, writes them into
// the scratch slots, calls the function's entry trampoline through invoke(), throws a
// RuntimeError for a trap, and returns undefined, the single result, or an array of the
// results (ToJSValue). Its `name` is the function index and its `length` the parameter
// count; it is not a constructor. A signature with v128 throws a TypeError when called.

import { ValType } from '../wasm/value-types.js';
import { invokeInStore, trapError } from './calls.js';
import { registerExportedFunction, type ExportedFunctionData } from './exported-function-data.js';
import { readSlot, readSlotBits, slotIndices, slotViews, writeSlot, writeSlotBits, type WasmValue } from './slots.js';
import { signatureHasV128, toJSValue, toWebAssemblyValue } from './value-conversion.js';

export type ExportedFunction = (...args: unknown[]) => unknown;

const MAX_SAFE_ADDRESS = BigInt(Number.MAX_SAFE_INTEGER);

/** An address as a Number when that is exact (always for user-space addresses): the addon reads it faster than a BigInt. */
function addressArgument(address: bigint): number | bigint {
  return address <= MAX_SAFE_ADDRESS ? Number(address) : address;
}

const enum NumericKind {
  I32,
  F32,
  F64,
}

/** For parameters all i32, f32 or f64 (none: undefined too), their kinds; else undefined. */
function numericKinds(params: readonly ValType[]): Uint8Array | undefined {
  if (params.length === 0) return undefined;
  const kinds = new Uint8Array(params.length);
  for (let i = 0; i < params.length; i++) {
    if (params[i] === ValType.I32) kinds[i] = NumericKind.I32;
    else if (params[i] === ValType.F32) kinds[i] = NumericKind.F32;
    else if (params[i] === ValType.F64) kinds[i] = NumericKind.F64;
    else return undefined;
  }
  return kinds;
}

function allNumbers(args: readonly unknown[], count: number): boolean {
  for (let i = 0; i < count; i++) if (typeof args[i] !== 'number') return false;
  return true;
}

/** Creates the JS function for `data`, named `name` (the function index). */
export function createExportedFunction(data: ExportedFunctionData, name: string): ExportedFunction {
  const { type, store } = data;
  const { params, results } = type;
  // Fixed for the function's life: worked out once, not at every call.
  const unusable = signatureHasV128(type) || data.entry === 0n;
  const entry = addressArgument(data.entry);
  const funcRef = addressArgument(data.funcRef);
  const paramCount = params.length;
  const resultCount = results.length;
  const slotCount = Math.max(paramCount, resultCount);
  const numeric = numericKinds(params);
  const fn = (...args: unknown[]): unknown => {
    if (unusable) throw new TypeError('type incompatibility when transforming from/to JS (v128)');
    const slots = slotViews();
    if (numeric !== undefined && allNumbers(args, paramCount)) {
      // ToWebAssemblyValue of a Number runs no JavaScript: the typed arrays' own conversions
      // are ToInt32 and the rounding to f32 the JS API asks for.
      for (let i = 0; i < paramCount; i++) {
        const value = args[i] as number;
        switch (numeric[i]) {
          case NumericKind.I32:
            slots.i32[2 * i] = value;
            slots.i32[2 * i + 1] = 0;
            break;
          case NumericKind.F32:
            slots.f32[2 * i] = value;
            slots.i32[2 * i + 1] = 0;
            break;
          default:
            slots.f64[i] = value;
        }
      }
    } else if (paramCount > 0) {
      // Convert everything first: a conversion may run JavaScript that calls wasm (and reuses the slots).
      const values = new Array<WasmValue>(paramCount);
      for (let i = 0; i < paramCount; i++) values[i] = toWebAssemblyValue(args[i], params[i], store);
      for (let i = 0; i < paramCount; i++) writeSlot(slots, i, params[i], values[i]);
    }
    const code = invokeInStore(store, entry, funcRef, slotCount);
    if (code !== 0) throw trapError(code);
    if (resultCount === 0) return undefined;
    if (resultCount === 1) return toJSValue(readSlot(slots, 0, results[0]), results[0], store);
    const raw = results.map((result, i) => readSlot(slots, i, result));
    return raw.map((value, i) => toJSValue(value, results[i], store));
  };
  Object.defineProperty(fn, 'name', { value: name, configurable: true });
  // A function with only a rest parameter already has length 0.
  if (paramCount !== 0) Object.defineProperty(fn, 'length', { value: paramCount, configurable: true });
  registerExportedFunction(fn, data);
  return fn;
}

/** A value for callWithBits: numeric types as their raw bits, reference types as JS values. */
export type BitsOrReference = bigint | unknown;

/**
 * Calls an exported function bit-exactly (for the spec test executor): numeric arguments
 * and results are raw bits (u32 for i32/f32, u64 for i64/f64, u128 for v128) so NaN
 * payloads survive; reference values are JS values, converted as usual. Throws
 * RuntimeError on a trap. Unlike calls from JavaScript, v128 is allowed.
 */
export function callWithBits(data: ExportedFunctionData, args: readonly BitsOrReference[]): BitsOrReference[] {
  const { type, store } = data;
  const { params, results } = type;
  if (data.entry === 0n) throw new TypeError('internal error: no entry trampoline for this function');
  const isReference = (t: ValType): boolean => t === ValType.FuncRef || t === ValType.ExternRef;
  const values = params.map((param, i) => (isReference(param) ? toWebAssemblyValue(args[i], param, store) : (args[i] as bigint)));
  const slots = slotViews();
  const paramSlots = slotIndices(params);
  const resultSlots = slotIndices(results);
  params.forEach((param, i) => {
    if (isReference(param)) writeSlot(slots, paramSlots.indices[i], param, values[i]);
    else writeSlotBits(slots, paramSlots.indices[i], param, values[i] as bigint);
  });
  const code = invokeInStore(store, data.entry, data.funcRef, Math.max(paramSlots.total, resultSlots.total));
  if (code !== 0) throw trapError(code);
  const raw = results.map((result, i) => {
    const slot = resultSlots.indices[i];
    return isReference(result) ? readSlot(slots, slot, result) : readSlotBits(slots, slot, result);
  });
  return raw.map((value, i) => (isReference(results[i]) ? toJSValue(value, results[i], store) : value));
}
