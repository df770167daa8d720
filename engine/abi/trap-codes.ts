// Stage: ABI. The one trap table (as Wasmtime's trap_encoding.rs). Codes are what generated
// code passes to wasm_rt_trap and what the native addon reports; messages are the spec
// test suite's texts, used verbatim in RuntimeError. The addon's copy of the codes
// (engine/native/src/trap_codes.h) is checked against this table by a test.

export const TrapCode = {
  Unreachable: 1,
  IntegerDivideByZero: 2,
  IntegerOverflow: 3,
  InvalidConversionToInteger: 4,
  MemoryOutOfBounds: 5,
  TableOutOfBounds: 6,
  UndefinedElement: 7,
  UninitializedElement: 8,
  IndirectCallTypeMismatch: 9,
  CallStackExhausted: 10,
  NullReference: 11,
  /** Not a trap of the spec: the call was interrupted (interruptThread, worker.terminate()). */
  Interrupted: 12,
  /** Not a trap of the spec: a deadline set with withDeadline() passed while wasm ran. */
  DeadlineExceeded: 13,
} as const;
export type TrapCode = (typeof TrapCode)[keyof typeof TrapCode];

export const TRAP_MESSAGES: Readonly<Record<TrapCode, string>> = {
  [TrapCode.Unreachable]: 'unreachable',
  [TrapCode.IntegerDivideByZero]: 'integer divide by zero',
  [TrapCode.IntegerOverflow]: 'integer overflow',
  [TrapCode.InvalidConversionToInteger]: 'invalid conversion to integer',
  [TrapCode.MemoryOutOfBounds]: 'out of bounds memory access',
  [TrapCode.TableOutOfBounds]: 'out of bounds table access',
  [TrapCode.UndefinedElement]: 'undefined element',
  [TrapCode.UninitializedElement]: 'uninitialized element',
  [TrapCode.IndirectCallTypeMismatch]: 'indirect call type mismatch',
  [TrapCode.CallStackExhausted]: 'call stack exhausted',
  [TrapCode.NullReference]: 'null reference',
  [TrapCode.Interrupted]: 'interrupted',
  [TrapCode.DeadlineExceeded]: 'interrupted: deadline exceeded',
};

/**
 * What the addon's invoke() returns besides trap codes: 0 = returned normally;
 * HOST_EXCEPTION = a JavaScript import threw, and the exception is pending in JS.
 */
export const INVOKE_OK = 0;
export const INVOKE_HOST_EXCEPTION = 100;
