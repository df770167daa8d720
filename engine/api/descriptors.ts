// JS API: argument conversions shared by Memory, Table and Global (WebAssembly JS API §5
// descriptors; WebIDL [EnforceRange] unsigned long; the ValueType and TableKind enums).

import { ValType } from '../wasm/value-types.js';

/** WebIDL [EnforceRange] unsigned long: TypeError for NaN, ±Infinity and values outside [0, 2^32). */
export function enforceRangeU32(value: unknown, what: string): number {
  const number = +(value as number);
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

/** A descriptor's `initial` (required) and `maximum`, with V8's errors; `upperBound` limits both. */
export function readLimits(
  descriptor: Record<string, unknown>,
  what: string,
  upperBound: number,
): { initial: number; maximum: number | undefined } {
  if (descriptor.initial === undefined) throw new TypeError(`${what}: Property 'initial' is required`);
  const initial = enforceRangeU32(descriptor.initial, `${what}: Property 'initial'`);
  if (initial > upperBound) throw new RangeError(`${what}: Property 'initial': value ${initial} is above the upper bound ${upperBound}`);
  if (descriptor.maximum === undefined) return { initial, maximum: undefined };
  const maximum = enforceRangeU32(descriptor.maximum, `${what}: Property 'maximum'`);
  if (maximum < initial) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is below the lower bound ${initial}`);
  if (maximum > upperBound) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is above the upper bound ${upperBound}`);
  return { initial, maximum };
}

/** The ValueType enum: 'i32', 'i64', 'f32', 'f64', 'v128', 'externref', 'anyfunc' (and 'funcref'). */
export function parseValueType(value: unknown, what: string): ValType {
  switch (String(value)) {
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
  switch (String(value)) {
    case 'anyfunc':
    case 'funcref': return ValType.FuncRef;
    case 'externref': return ValType.ExternRef;
    default: throw new TypeError(`${what} must be 'anyfunc' or 'externref'`);
  }
}
