// Runtime: JavaScript values ↔ wasm values (WebAssembly JS API §4.? "ToJSValue" and
// "ToWebAssemblyValue"): i32 through ToInt32, i64 ↔ BigInt (ToBigInt64), f32 rounded with
// Math.fround, f64 as is; funcref ↔ exported function objects (null ↔ null); externref
// ↔ any JavaScript value through the store's handle table (null ↔ ref.null); v128 is
// refused with a TypeError. Wasm values are those of slots.ts.

import { ValType, type FuncType } from '../wasm/value-types.js';
import { exportedFunctionData } from './exported-function-data.js';
import type { WasmValue } from './slots.js';
import { Store } from './store.js';

/** Whether a function type has v128 among its parameters or results (JS API: calls across the boundary are then a TypeError). */
export function signatureHasV128(type: FuncType): boolean {
  return type.params.includes(ValType.V128) || type.results.includes(ValType.V128);
}

/** ECMAScript ToPrimitive(value, number) for objects. */
function toPrimitiveNumberHint(value: object): unknown {
  const exotic = (value as { [Symbol.toPrimitive]?: unknown })[Symbol.toPrimitive];
  if (exotic !== undefined && exotic !== null) {
    if (typeof exotic !== 'function') throw new TypeError('Symbol.toPrimitive is not a function');
    const result = exotic.call(value, 'number');
    if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
      throw new TypeError('Cannot convert object to primitive value');
    }
    return result;
  }
  for (const name of ['valueOf', 'toString'] as const) {
    const method = (value as Record<string, unknown>)[name];
    if (typeof method === 'function') {
      const result = method.call(value);
      if (result === null || (typeof result !== 'object' && typeof result !== 'function')) return result;
    }
  }
  throw new TypeError('Cannot convert object to primitive value');
}

/** ECMAScript ToBigInt, then BigInt.asIntN(64) (JS API ToBigInt64). */
export function toBigInt64(value: unknown): bigint {
  let primitive = value;
  if (primitive !== null && (typeof primitive === 'object' || typeof primitive === 'function')) {
    primitive = toPrimitiveNumberHint(primitive);
  }
  switch (typeof primitive) {
    case 'bigint':
      return BigInt.asIntN(64, primitive);
    case 'boolean':
      return primitive ? 1n : 0n;
    case 'string':
      return BigInt.asIntN(64, BigInt(primitive)); // SyntaxError for non-integers, as ToBigInt
    default:
      throw new TypeError(`Cannot convert ${typeof primitive === 'symbol' ? 'a Symbol' : String(primitive)} to a BigInt`);
  }
}

/** ToWebAssemblyValue(value, type); may call user code (valueOf) and merge stores (funcref). */
export function toWebAssemblyValue(value: unknown, type: ValType, store: Store): WasmValue {
  switch (type) {
    case ValType.I32:
      return +(value as number) | 0;
    case ValType.I64:
      return toBigInt64(value);
    case ValType.F32:
      return Math.fround(+(value as number));
    case ValType.F64:
      return +(value as number);
    case ValType.FuncRef: {
      if (value === null) return 0n;
      const data = exportedFunctionData(value);
      if (data === undefined) throw new TypeError('type incompatibility when transforming from/to JS: a funcref must be null or an exported WebAssembly function');
      Store.merge(store, data.store);
      return data.funcRef;
    }
    case ValType.ExternRef:
      return store.externrefs.toHandle(value);
    default:
      throw new TypeError('type incompatibility when transforming from/to JS');
  }
}

/** ToJSValue(value, type). */
export function toJSValue(value: WasmValue, type: ValType, store: Store): unknown {
  switch (type) {
    case ValType.I32:
    case ValType.I64:
    case ValType.F32:
    case ValType.F64:
      return value;
    case ValType.FuncRef:
      return value === 0n ? null : store.functionAtFuncRef(value as bigint);
    case ValType.ExternRef:
      return store.externrefs.toValue(value as number);
    default:
      throw new TypeError('type incompatibility when transforming from/to JS');
  }
}

/** DefaultValue(type) of the JS API: 0 / 0n, null for funcref, undefined for externref. */
export function defaultJSValue(type: ValType): unknown {
  switch (type) {
    case ValType.I64: return 0n;
    case ValType.FuncRef: return null;
    case ValType.ExternRef: return undefined;
    default: return 0;
  }
}
