// Stage: translation (WebAssembly → LLVM IR). The value-type mapping (Core spec §2.3.1-§2.3.3
// value types, §2.3.5 function types) onto LLVM 19 types, as abi.ts fixes it for the
// calling convention: i32/i64/f32/f64 as themselves, v128 as <16 x i8>, funcref as `ptr`
// (address of a VMFuncRef, null for ref.null), externref as `i64` (a host handle, 0 for
// null). Function results: none → void, one → the type, several → a literal struct.

import { ValType, type FuncType } from '../wasm/value-types.js';

/** LLVM type text of each value-type byte ('' for bytes that are not value types). */
export const LLVM_TYPE: readonly string[] = (() => {
  const table = new Array<string>(256).fill('');
  table[ValType.I32] = 'i32';
  table[ValType.I64] = 'i64';
  table[ValType.F32] = 'float';
  table[ValType.F64] = 'double';
  table[ValType.V128] = '<16 x i8>';
  table[ValType.FuncRef] = 'ptr';
  table[ValType.ExternRef] = 'i64';
  return table;
})();

/** The zero value of each type as an LLVM constant: what locals start with, ref.null. */
export const ZERO_VALUE: readonly string[] = (() => {
  const table = new Array<string>(256).fill('');
  table[ValType.I32] = '0';
  table[ValType.I64] = '0';
  table[ValType.F32] = '0.0';
  table[ValType.F64] = '0.0';
  table[ValType.V128] = 'zeroinitializer';
  table[ValType.FuncRef] = 'null';
  table[ValType.ExternRef] = '0';
  return table;
})();

/** Size in bytes of a value of each type in memory (cells, slots, locals). */
export const VALUE_BYTES: readonly number[] = (() => {
  const table = new Array<number>(256).fill(0);
  table[ValType.I32] = 4;
  table[ValType.I64] = 8;
  table[ValType.F32] = 4;
  table[ValType.F64] = 8;
  table[ValType.V128] = 16;
  table[ValType.FuncRef] = 8;
  table[ValType.ExternRef] = 8;
  return table;
})();

export function llvmType(type: ValType): string {
  const text = LLVM_TYPE[type];
  if (text === '') throw new Error(`no LLVM type for value type 0x${type.toString(16)}`);
  return text;
}

/** 8-byte slots a value takes in the slot array of trampolines (abi.ts SLOT_BYTES): v128 takes two. */
export function slotCount(type: ValType): number {
  return type === ValType.V128 ? 2 : 1;
}

/**
 * What the translator needs of a function type, computed once per FuncType object: the LLVM
 * return type, the parameter list after vmctx and the struct member types of multi-results.
 */
export interface Signature {
  readonly type: FuncType;
  /** `void`, the single result's type, or `{ i32, i64 }`. */
  readonly returnType: string;
  /** `, i32, double` — the parameter types after the vmctx pointer, each prefixed by ", ". */
  readonly parameterTypeList: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

const signatureCache = new WeakMap<FuncType, Signature>();

export function signatureOf(type: FuncType): Signature {
  let signature = signatureCache.get(type);
  if (signature === undefined) {
    let parameterTypeList = '';
    for (const param of type.params) parameterTypeList += `, ${llvmType(param)}`;
    signature = {
      type,
      returnType: returnTypeOf(type.results),
      parameterTypeList,
      params: type.params,
      results: type.results,
    };
    signatureCache.set(type, signature);
  }
  return signature;
}

export function returnTypeOf(results: readonly ValType[]): string {
  if (results.length === 0) return 'void';
  if (results.length === 1) return llvmType(results[0]);
  return `{ ${results.map(llvmType).join(', ')} }`;
}

/** Value-type names, as in the text format. */
export function valueTypeNames(types: readonly ValType[]): string[] {
  return types.map((type) => {
    switch (type) {
      case ValType.I32: return 'i32';
      case ValType.I64: return 'i64';
      case ValType.F32: return 'f32';
      case ValType.F64: return 'f64';
      case ValType.V128: return 'v128';
      case ValType.FuncRef: return 'funcref';
      case ValType.ExternRef: return 'externref';
      default: throw new Error(`not a value type: 0x${(type as number).toString(16)}`);
    }
  });
}

/** Constant text of an f32 given its raw bits: keeps every bit (NaN payloads included). */
export function f32Constant(bits: number): string {
  if (bits === 0) return '0.0';
  return `bitcast (i32 ${bits | 0} to float)`;
}

/** Constant text of an f64 given its raw bits as two unsigned 32-bit halves. */
export function f64Constant(low: number, high: number): string {
  if (low === 0 && high === 0) return '0.0';
  return `bitcast (i64 u0x${hex8(high)}${hex8(low)} to double)`;
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** Decimal text of a signed 64-bit constant from its halves (high signed, low unsigned). */
export function i64Constant(low: number, high: number): string {
  // Exact in a double when |value| < 2^53, i.e. high in [-2^21, 2^21).
  if (high >= -0x200000 && high < 0x200000) return String(high * 4294967296 + (low >>> 0));
  return ((BigInt(high) << 32n) | BigInt(low >>> 0)).toString();
}
