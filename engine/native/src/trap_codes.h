// Trap codes: the C++ copy of engine/abi/trap-codes.ts (generated code passes them to
// wasm_rt_trap; invoke() returns them). engine/native/abi.test.ts compares the two tables,
// so a change on one side without the other fails the tests.
#pragma once

#include <cstdint>

namespace wasm_native {

// X-macro: the one list, from which the enum and the JavaScript trapCodes() object are made.
#define WASM_NATIVE_TRAP_CODES(X)  \
  X(Unreachable, 1)                \
  X(IntegerDivideByZero, 2)        \
  X(IntegerOverflow, 3)            \
  X(InvalidConversionToInteger, 4) \
  X(MemoryOutOfBounds, 5)          \
  X(TableOutOfBounds, 6)           \
  X(UndefinedElement, 7)           \
  X(UninitializedElement, 8)       \
  X(IndirectCallTypeMismatch, 9)   \
  X(CallStackExhausted, 10)        \
  X(NullReference, 11)             \
  X(Interrupted, 12)               \
  X(DeadlineExceeded, 13)

enum class TrapCode : int32_t {
#define WASM_NATIVE_TRAP_ENUM(name, value) name = value,
  WASM_NATIVE_TRAP_CODES(WASM_NATIVE_TRAP_ENUM)
#undef WASM_NATIVE_TRAP_ENUM
};

/** invoke() results that are not traps (trap-codes.ts: INVOKE_OK, INVOKE_HOST_EXCEPTION). */
constexpr int32_t kInvokeOk = 0;
constexpr int32_t kInvokeHostException = 100;

}  // namespace wasm_native
