// Stage: differential execution fuzzing. V8 and this engine word traps differently (V8:
// "divide by zero", "memory access out of bounds"; ours: the spec suite's texts from
// engine/abi/trap-codes.ts), so transcripts record a category both map onto. Where one
// engine says less than the other, categories join what it cannot tell apart:
// - V8 says "float unrepresentable in integer range" for a trapping truncation of NaN and of
//   an out-of-range value alike, and "integer overflow" for MIN / -1; we say "invalid
//   conversion to integer" for NaN and "integer overflow" for both of the others. All three
//   are one category, "integer overflow or invalid conversion".
// - V8 says "null function or function signature mismatch" for a null element and for a
//   signature mismatch in call_indirect: one category, "indirect call null or mismatch".
// - V8's "table index is out of bounds" covers call_indirect past the table's end
//   (our "undefined element") and table accesses ("out of bounds table access").
// - Stack exhaustion is a RangeError in V8 ("Maximum call stack size exceeded") and a
//   RuntimeError "call stack exhausted" here.
// - Calling an export whose signature has a v128, or a JS import with one from wasm, is a
//   TypeError before anything runs (JS API); both engines say "type incompatibility when
//   transforming from/to JS" (ours adds " (v128)"). Not a trap: the instance is unchanged.
// Anything unrecognised keeps its class and message, so it shows up as a mismatch to map.

import { TRAP_MESSAGES, TrapCode } from '../../../engine/abi/trap-codes.js';
import { CompileError as OurCompileError, LinkError as OurLinkError, RuntimeError as OurRuntimeError } from '../../../engine/wasm/errors.js';

export type ErrorCategory = string;

export const TrapCategory = {
  Unreachable: 'unreachable',
  DivideByZero: 'integer divide by zero',
  OverflowOrInvalidConversion: 'integer overflow or invalid conversion',
  MemoryOutOfBounds: 'out of bounds memory access',
  TableOutOfBounds: 'out of bounds table access',
  IndirectCallNullOrMismatch: 'indirect call null or mismatch',
  CallStackExhausted: 'call stack exhausted',
  NullReference: 'null reference',
  /** A TypeError of the JS API: a v128 in the signature of a function called across the JS boundary. */
  V128AtJsBoundary: 'TypeError: v128 at the JS boundary',
  /** Not a trap of the spec; the fuzzers set no deadlines, so seeing one is a difference. */
  Interrupted: 'interrupted',
} as const;

/** V8 11.3's trap messages (src/common/message-template.h, kWasmTrap*) by category. */
const V8_TRAP_MESSAGES: Readonly<Record<string, string>> = {
  'unreachable': TrapCategory.Unreachable,
  'divide by zero': TrapCategory.DivideByZero,
  'remainder by zero': TrapCategory.DivideByZero,
  'integer overflow': TrapCategory.OverflowOrInvalidConversion,
  'float unrepresentable in integer range': TrapCategory.OverflowOrInvalidConversion,
  'memory access out of bounds': TrapCategory.MemoryOutOfBounds,
  'data segment out of bounds': TrapCategory.MemoryOutOfBounds,
  'table index is out of bounds': TrapCategory.TableOutOfBounds,
  'element segment out of bounds': TrapCategory.TableOutOfBounds,
  'null function or function signature mismatch': TrapCategory.IndirectCallNullOrMismatch,
  'dereferencing a null pointer': TrapCategory.NullReference,
};

const OUR_TRAP_CATEGORIES: Readonly<Record<TrapCode, string>> = {
  [TrapCode.Unreachable]: TrapCategory.Unreachable,
  [TrapCode.IntegerDivideByZero]: TrapCategory.DivideByZero,
  [TrapCode.IntegerOverflow]: TrapCategory.OverflowOrInvalidConversion,
  [TrapCode.InvalidConversionToInteger]: TrapCategory.OverflowOrInvalidConversion,
  [TrapCode.MemoryOutOfBounds]: TrapCategory.MemoryOutOfBounds,
  [TrapCode.TableOutOfBounds]: TrapCategory.TableOutOfBounds,
  [TrapCode.UndefinedElement]: TrapCategory.TableOutOfBounds,
  [TrapCode.UninitializedElement]: TrapCategory.IndirectCallNullOrMismatch,
  [TrapCode.IndirectCallTypeMismatch]: TrapCategory.IndirectCallNullOrMismatch,
  [TrapCode.CallStackExhausted]: TrapCategory.CallStackExhausted,
  [TrapCode.NullReference]: TrapCategory.NullReference,
  [TrapCode.Interrupted]: TrapCategory.Interrupted,
  [TrapCode.DeadlineExceeded]: TrapCategory.Interrupted,
};

const OUR_MESSAGE_CATEGORIES = new Map<string, string>(
  (Object.entries(TRAP_MESSAGES) as [string, string][]).map(([code, message]) => [message, OUR_TRAP_CATEGORIES[Number(code) as TrapCode]]),
);

const V128_TYPE_ERROR_PREFIX = 'type incompatibility when transforming from/to JS';

function describeUnknown(error: unknown): string {
  if (error instanceof TypeError && error.message.startsWith(V128_TYPE_ERROR_PREFIX)) return TrapCategory.V128AtJsBoundary;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `thrown ${typeof error}: ${String(error)}`;
}

/** The category of an error thrown by V8's WebAssembly (a trap, a compile or link error). */
export function classifyV8Error(error: unknown): ErrorCategory {
  if (error instanceof WebAssembly.RuntimeError) {
    const category = V8_TRAP_MESSAGES[error.message];
    return category ?? `RuntimeError: ${error.message}`;
  }
  if (error instanceof RangeError && error.message === 'Maximum call stack size exceeded') return TrapCategory.CallStackExhausted;
  if (error instanceof WebAssembly.CompileError) return 'CompileError';
  if (error instanceof WebAssembly.LinkError) return 'LinkError';
  return describeUnknown(error);
}

/** The category of an error thrown by this engine. */
export function classifyOurError(error: unknown): ErrorCategory {
  if (error instanceof OurRuntimeError) {
    return OUR_MESSAGE_CATEGORIES.get(error.message) ?? `RuntimeError: ${error.message}`;
  }
  if (error instanceof OurCompileError) return 'CompileError';
  if (error instanceof OurLinkError) return 'LinkError';
  return describeUnknown(error);
}
