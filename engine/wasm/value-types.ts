// Stage: all stages. Value types and function types (Core spec §2.3, binary §5.3). A value
// type is represented by its one-byte binary encoding, so decoding needs no mapping and a
// type fits in a Uint8Array slot; 0 stands for the validator's "unknown" (bottom) type.

export const enum ValType {
  /** The validator's unknown type on a polymorphic stack (spec appendix: Unknown). */
  Unknown = 0,
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
}

/** The s33 block type that stands for "no parameters, no results" (0x40 as a signed byte). */
export const BLOCK_TYPE_EMPTY = -64;

export function isValueTypeByte(byte: number): boolean {
  return (byte >= 0x7b && byte <= 0x7f) || byte === 0x70 || byte === 0x6f;
}

export function isReferenceType(type: number): boolean {
  return type === ValType.FuncRef || type === ValType.ExternRef;
}

/** Numeric and vector types: what untyped `select` accepts (Core spec §3.3.4). */
export function isNumericOrVectorType(type: number): boolean {
  return type >= 0x7b && type <= 0x7f;
}

export function valTypeName(type: number): string {
  switch (type) {
    case 0x7f: return 'i32';
    case 0x7e: return 'i64';
    case 0x7d: return 'f32';
    case 0x7c: return 'f64';
    case 0x7b: return 'v128';
    case 0x70: return 'funcref';
    case 0x6f: return 'externref';
    case 0: return 'unknown';
    default: return `type 0x${type.toString(16)}`;
  }
}

export function valTypeFromName(name: string): ValType {
  switch (name) {
    case 'i32': return ValType.I32;
    case 'i64': return ValType.I64;
    case 'f32': return ValType.F32;
    case 'f64': return ValType.F64;
    case 'v128': return ValType.V128;
    case 'funcref': return ValType.FuncRef;
    case 'externref': return ValType.ExternRef;
    default: throw new Error(`not a value type: ${name}`);
  }
}

export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** Results of the single-value block types, shared so they can be compared by identity. */
export const SINGLE_RESULT: Readonly<Record<number, readonly ValType[]>> = {
  [ValType.I32]: [ValType.I32],
  [ValType.I64]: [ValType.I64],
  [ValType.F32]: [ValType.F32],
  [ValType.F64]: [ValType.F64],
  [ValType.V128]: [ValType.V128],
  [ValType.FuncRef]: [ValType.FuncRef],
  [ValType.ExternRef]: [ValType.ExternRef],
};

export const NO_TYPES: readonly ValType[] = [];

export function funcTypeToString(type: FuncType): string {
  return `[${type.params.map(valTypeName).join(' ')}] -> [${type.results.map(valTypeName).join(' ')}]`;
}
