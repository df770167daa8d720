// Stage: all stages. The error classes of the JavaScript API (WebAssembly JS API §5,
// "Error objects"): CompileError for decoding and validation, LinkError for instantiation,
// RuntimeError for traps. Each is shaped as an ECMAScript NativeError (ECMA-262 §20.5.6):
// callable with or without `new` as `X(message?, options?)` (length 1, `cause` from
// options), its [[Prototype]] is Error, its `prototype` property is neither writable nor
// enumerable nor configurable, and the prototype object (an Error.prototype child) holds
// `constructor`, `name` and `message: ''`, with no @@toStringTag. Subclassing works.
// Engine messages follow wasmparser's form: "<problem> (at offset 0x1f)".

/** Formats a byte offset the way every engine error in this project names it. */
export function formatOffset(offset: number): string {
  return `0x${offset.toString(16)}`;
}

/**
 * A module failed to decode (malformed) or to validate (invalid), or its compile was
 * stopped by a limit (a deadline, an abort). `offset` is the absolute byte offset in the
 * module where the problem was found, or -1 when it is not at one place (then the message
 * has no offset); `problem` is the message without it. Both are accessors on the prototype,
 * so an instance has the same own properties as V8's.
 */
export interface CompileError extends Error {
  readonly offset: number;
  readonly problem: string;
}

/**
 * The CompileError constructor. As a NativeError: `new CompileError(message?, options?)`.
 * The engine's own form takes a byte offset (an integer, -1 for none) as second argument,
 * `new CompileError(problem, offset, options?)`, and appends " (at offset 0x..)" to the
 * message; a number there is always taken as the offset.
 */
export interface CompileErrorConstructor {
  new (message?: string, offset?: number, options?: ErrorOptions): CompileError;
  new (message?: string, options?: ErrorOptions): CompileError;
  (message?: string, offset?: number, options?: ErrorOptions): CompileError;
  (message?: string, options?: ErrorOptions): CompileError;
  readonly prototype: CompileError;
}

/** Instantiation failed: an import is missing or has the wrong type (JS API §5). */
export type LinkError = Error;
/** A trap, with the spec's message ("integer divide by zero", ...). */
export type RuntimeError = Error;

export interface NativeErrorConstructor<E extends Error> {
  new (message?: string, options?: ErrorOptions): E;
  (message?: string, options?: ErrorOptions): E;
  readonly prototype: E;
}

/** Byte offset and problem of each CompileError (the accessors' storage). */
const compileErrorDetails = new WeakMap<object, { offset: number; problem: string }>();

/** A byte offset as the engine passes it (an integer ≥ -1), told apart from NativeError options. */
function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -1;
}

/** The stack starts at the code that made the error, without the constructor's own frame (as V8's errors). */
function trimStack(error: object, constructor: (...args: never[]) => unknown): void {
  const capture = (Error as { captureStackTrace?: (target: object, omit: unknown) => void }).captureStackTrace;
  if (typeof capture === 'function') capture(error, constructor);
}

/** Gives `constructor` the shape of a NativeError constructor named `name`. */
function shapeAsNativeError(constructor: (...args: never[]) => unknown, name: string): void {
  const prototype = Object.create(Error.prototype) as object;
  const hidden = { writable: true, enumerable: false, configurable: true };
  Object.defineProperty(prototype, 'constructor', { value: constructor, ...hidden });
  Object.defineProperty(prototype, 'name', { value: name, ...hidden });
  Object.defineProperty(prototype, 'message', { value: '', ...hidden });
  Object.defineProperty(constructor, 'prototype', { value: prototype, writable: false, enumerable: false, configurable: false });
  Object.setPrototypeOf(constructor, Error);
}

/** `rest` unused but for the length: a NativeError constructor's length is 1. */
function compileError(this: unknown, message?: unknown, ...rest: unknown[]): object {
  const [second, third] = rest;
  const hasOffset = isOffset(second);
  const offset = hasOffset ? second : -1;
  const options = hasOffset ? third : second;
  const problem = message === undefined ? undefined : `${message as string}`;
  const text = problem === undefined || offset < 0 ? problem : `${problem} (at offset ${formatOffset(offset)})`;
  const error = Reflect.construct(Error, [text, options], new.target ?? CompileError) as object;
  trimStack(error, compileError);
  compileErrorDetails.set(error, { offset, problem: problem ?? '' });
  return error;
}
Object.defineProperty(compileError, 'name', { value: 'CompileError' });

export const CompileError = compileError as unknown as CompileErrorConstructor;
shapeAsNativeError(compileError, 'CompileError');
Object.defineProperties(CompileError.prototype, {
  offset: {
    get(this: object): number {
      return compileErrorDetails.get(this)?.offset ?? -1;
    },
    enumerable: false,
    configurable: true,
  },
  problem: {
    get(this: object): string {
      return compileErrorDetails.get(this)?.problem ?? '';
    },
    enumerable: false,
    configurable: true,
  },
});

/** A NativeError-shaped constructor named `name` with no engine extensions. */
function nativeErrorConstructor(name: string): NativeErrorConstructor<Error> {
  const constructor = function (this: unknown, message?: unknown, ...rest: unknown[]): object {
    const error = Reflect.construct(Error, [message, rest[0]], new.target ?? constructor) as object;
    trimStack(error, constructor);
    return error;
  };
  Object.defineProperty(constructor, 'name', { value: name });
  shapeAsNativeError(constructor, name);
  return constructor as unknown as NativeErrorConstructor<Error>;
}

export const LinkError = nativeErrorConstructor('LinkError');
export const RuntimeError = nativeErrorConstructor('RuntimeError');
