// The errors node:wasi throws for bad arguments to its JavaScript API (Node's
// ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE, ERR_WASI_* in
// lib/internal/errors.js), reproduced with the same classes, `code`s and messages so
// code written against node:wasi sees the same failures. Used by wasi.ts.

import { inspect } from 'node:util';

type ErrorClass = new (message: string) => Error;

function nodeError(ErrorType: ErrorClass, code: string, message: string): Error & { code: string } {
  const error = new ErrorType(message) as Error & { code: string };
  Object.defineProperty(error, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  return error;
}

/** "argument" for a plain name, "property" for a dotted one, as Node words it. */
function kindOf(name: string): string {
  return name.includes('.') ? 'property' : 'argument';
}

/** Node's " Received …" description of an unexpected value. */
function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return `Received ${value}`;
  if (typeof value === 'function') return `Received function ${value.name}`;
  if (typeof value === 'object') {
    const constructorName = (value as { constructor?: { name?: string } }).constructor?.name;
    if (constructorName) return `Received an instance of ${constructorName}`;
    return `Received ${inspect(value, { depth: -1 })}`;
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `Received type ${typeof value} (${shown})`;
}

export function invalidArgType(name: string, expected: string, actual: unknown): TypeError {
  return nodeError(
    TypeError,
    'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${kindOf(name)} must be ${expected}. ${describeReceived(actual)}`,
  ) as TypeError;
}

export function invalidArgValue(name: string, value: unknown, reason: string): TypeError {
  return nodeError(
    TypeError,
    'ERR_INVALID_ARG_VALUE',
    `The ${kindOf(name)} '${name}' ${reason}. Received ${inspect(value)}`,
  ) as TypeError;
}

export function outOfRange(name: string, range: string, value: number): RangeError {
  let shown = String(value);
  if (Number.isInteger(value) && Math.abs(value) > 2 ** 32) {
    shown = shown.replace(/\B(?=(\d{3})+(?!\d))/g, '_'); // Node's numerical separators
  }
  return nodeError(
    RangeError,
    'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`,
  ) as RangeError;
}

export function wasiAlreadyStarted(): Error {
  return nodeError(Error, 'ERR_WASI_ALREADY_STARTED', 'WASI instance has already started');
}

export function wasiNotStarted(): Error {
  return nodeError(Error, 'ERR_WASI_NOT_STARTED', 'wasi.start() has not been called');
}

/** The memory export is missing or not memory-shaped. */
export function invalidMemoryExport(): TypeError {
  return nodeError(
    TypeError,
    'ERR_INVALID_ARG_TYPE',
    '"instance.exports.memory" property must be a WebAssembly.Memory object',
  ) as TypeError;
}

/** What node:wasi throws when setting up its table fails (uvwasi_init's error, e.g. ENOENT). */
export function setupFailed(hostCode: string): Error {
  return nodeError(Error, `UVWASI_${hostCode}`, `UVWASI_${hostCode}, uvwasi_init`);
}

export function validateObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
}

export function validateInt32(value: unknown, name: string, min: number, max = 2147483647): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}
