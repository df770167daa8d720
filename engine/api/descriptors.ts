// Stage: JS API. Argument conversions shared by Memory, Table and Global (WebAssembly JS API
// §5 descriptors, as WebIDL converts them: dictionaries, [EnforceRange] unsigned long,
// DOMString enums, boolean). Every member of a descriptor is read exactly once, in the order
// the API tests fix, and converted right after it is read, so a getter or valueOf runs once.

import { ValType } from '../wasm/value-types.js';

/** WebIDL [EnforceRange] unsigned long: TypeError for NaN, ±Infinity and values outside [0, 2^32). */
export function enforceRangeU32(value: unknown, what: string): number {
  const number = +(value as number); // ToNumber: valueOf/toString once; TypeError for BigInt and Symbol
  if (!Number.isFinite(number)) throw new TypeError(`${what} must be convertible to a valid number`);
  const integer = Math.trunc(number);
  if (integer < 0 || integer > 0xffff_ffff) throw new TypeError(`${what} is outside the range of an unsigned long`);
  return integer === 0 ? 0 : integer;
}

/** A dictionary argument: undefined and null are an empty dictionary; other non-objects are a TypeError. */
export function dictionary(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError(`${what} must be an object`);
  return value as Record<string, unknown>;
}

/** WebIDL DOMString: ToString, which is a TypeError for a Symbol (String() would not be). */
export function domString(value: unknown): string {
  return `${value as string}`;
}

/** A required dictionary member, read once: TypeError when it is undefined. */
export function requiredMember(members: Record<string, unknown>, name: string, what: string): unknown {
  const value = members[name];
  if (value === undefined) throw new TypeError(`${what}: Property '${name}' is required`);
  return value;
}

/** The AddressType member ('i32' | 'i64', memory64): read once; only 'i32' is supported. */
export function readAddressType(members: Record<string, unknown>, what: string): void {
  const value = members.address;
  if (value === undefined) return;
  const address = domString(value);
  if (address === 'i64') throw new TypeError(`${what}: Property 'address': 'i64' (memory64) is not supported by this engine`);
  if (address !== 'i32') throw new TypeError(`${what}: Property 'address' must be 'i32' or 'i64'`);
}

/**
 * A descriptor's `initial` (required) and `maximum` (optional), each read and converted
 * once, in that order. Only the conversions are checked here; ranges are the caller's.
 */
export function readInitialMaximum(members: Record<string, unknown>, what: string): { initial: number; maximum: number | undefined } {
  const initial = enforceRangeU32(requiredMember(members, 'initial', what), `${what}: Property 'initial'`);
  const rawMaximum = members.maximum;
  const maximum = rawMaximum === undefined ? undefined : enforceRangeU32(rawMaximum, `${what}: Property 'maximum'`);
  return { initial, maximum };
}

/** The ValueType enum: 'i32', 'i64', 'f32', 'f64', 'v128', 'externref', 'anyfunc' (and 'funcref'). */
export function parseValueType(value: unknown, what: string): ValType {
  switch (domString(value)) {
    case 'i32': return ValType.I32;
    case 'i64': return ValType.I64;
    case 'f32': return ValType.F32;
    case 'f64': return ValType.F64;
    case 'v128': return ValType.V128;
    case 'externref': return ValType.ExternRef;
    case 'anyfunc':
    case 'funcref': return ValType.FuncRef;
    default: throw new TypeError(`${what} must be a WebAssembly value type`);
  }
}

/** The TableKind enum: 'anyfunc' (or 'funcref') and 'externref'. */
export function parseTableKind(value: unknown, what: string): ValType {
  switch (domString(value)) {
    case 'anyfunc':
    case 'funcref': return ValType.FuncRef;
    case 'externref': return ValType.ExternRef;
    default: throw new TypeError(`${what} must be 'anyfunc' or 'externref'`);
  }
}
