// Runtime ABI, C++ side: the structures generated code reads, declared exactly as
// engine/abi/abi.ts lays them out (abi.test.ts compares abiLayout() with abi.ts), and
// the runtime entry points (RuntimeSymbols) that the JIT defines as absolute symbols.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wasm_native {

constexpr uint64_t kWasmPageBytes = 65536;
constexpr uint64_t kWasmMaxPages = 65536;
/** 8 GiB (any u32 address + u32 offset) plus a 64 KiB guard for the access width. */
constexpr uint64_t kMemoryReservationBytes = 8ull * 1024 * 1024 * 1024 + 65536;
constexpr uint64_t kSlotBytes = 8;
/** The scratch slot buffer shared by invoke() and host calls: 64 KiB = 8192 slots. */
constexpr uint64_t kScratchBytes = 65536;
constexpr uint64_t kScratchSlots = kScratchBytes / kSlotBytes;
/** TableDefinition.maximum when the table declares none. */
constexpr uint64_t kTableNoMaximum = 0xffffffffull;

/** VMMemoryDefinition (abi.ts MemoryDefinition). */
struct MemoryDefinition {
  uint8_t* base;           // start of the reservation; never moves
  uint64_t byteLength;     // accessible bytes
  uint64_t maxByteLength;  // declared maximum in bytes (4 GiB when none)
  uint64_t reserved;       // addon bookkeeping: the reservation's registry slot
};

/** VMTableDefinition (abi.ts TableDefinition). */
struct TableDefinition {
  uint64_t* elements;  // 8-byte elements; moves on growth
  uint64_t length;     // current length (u32)
  uint64_t maximum;    // declared maximum (u32), kTableNoMaximum when none
  uint64_t reserved;   // addon bookkeeping: element bytes last reported to V8
};

/** VMFuncRef (abi.ts FuncRef): the addon never reads one, but checks the layout. */
struct FuncRef {
  void* code;
  uint64_t typeId;
  void* vmctx;
};

/**
 * ThreadLimits (abi.ts ThreadLimits): one per thread, an initial-exec thread-local variable
 * of the addon, so at the same offset from the thread pointer on every thread: generated
 * code reads it as %fs:(ThreadLimitsTlsOffset() + field) (runtime_checks.cc).
 */
struct ThreadLimits {
  /** The lowest stack pointer wasm frames may use on this thread (the slow path checks it). */
  uint64_t stackLimit;
  /**
   * A stack limit that an interrupt raises to near 2^64: entry checks fail when the stack
   * pointer is below *interruptWord, back-edge checks when *interruptWord > kInterruptThreshold.
   * Points at V8's JavaScript stack limit for this isolate, which V8 sets to
   * 0xffff'ffff'ffff'fffe to interrupt, or at `fallbackWord`, which holds stackLimit until
   * our own interrupt sets it to ~0 (execution_limits.cc).
   */
  const uint64_t* interruptWord;
  uint64_t fallbackWord;
  uint64_t reserved;
};

/** The interrupt word's value is above this when an interrupt is pending (cmp with a sign-extended imm32). */
constexpr uint64_t kInterruptThreshold = 0xffffffffffff0000ull;
/** The offset of the calling thread's ThreadLimits from its thread pointer (%fs:0): the same on every thread. */
int64_t ThreadLimitsTlsOffset();

/** HostFunctionContext (abi.ts): the vmctx of a JavaScript function imported into wasm. */
struct HostFunctionContext {
  uint64_t hostId;
  uint64_t paramSlots;
  uint64_t resultSlots;
};

static_assert(sizeof(MemoryDefinition) == 32, "abi.ts MemoryDefinition.size");
static_assert(offsetof(MemoryDefinition, byteLength) == 8, "abi.ts MemoryDefinition.byteLength");
static_assert(sizeof(TableDefinition) == 32, "abi.ts TableDefinition.size");
static_assert(sizeof(FuncRef) == 24, "abi.ts FuncRef.size");
static_assert(sizeof(HostFunctionContext) == 24, "abi.ts HostFunctionContext.size");
static_assert(sizeof(ThreadLimits) == 32, "abi.ts ThreadLimits.size");
static_assert(offsetof(ThreadLimits, interruptWord) == 8, "abi.ts ThreadLimits.interruptWord");

/** The entry-trampoline convention: void @wasm_entry_<type>(ptr %funcref, ptr %slots). */
using EntryTrampoline = void (*)(void* funcRef, uint64_t* slots);

}  // namespace wasm_native

// Runtime entry points generated code calls (abi.ts RuntimeSymbols). C linkage so that their
// names are the symbols; the JIT binds the same names to these addresses.
extern "C" {
[[noreturn]] void wasm_rt_trap(int32_t code);
int32_t wasm_rt_memory_grow(wasm_native::MemoryDefinition* memory, int32_t deltaPages);
int32_t wasm_rt_table_grow(wasm_native::TableDefinition* table, int32_t delta, int64_t init);
void wasm_rt_host_call(const wasm_native::HostFunctionContext* context, uint64_t* slots);
/**
 * Tiered execution's tier-up call from baseline code: wasm_rt_host_call, unless JavaScript
 * would have too little stack to run (wasm deep in recursion), when it returns at once.
 */
void wasm_rt_tier_up(const wasm_native::HostFunctionContext* context, uint64_t* slots);
/** The slow path of the entry and back-edge checks (execution_limits.h). */
void wasm_rt_check_slow(uint64_t stackPointer);
/** wasm_rt_check_slow behind a thunk that keeps every general-purpose register (preserve_mostcc). */
void wasm_rt_check_slow_preserving(uint64_t stackPointer);
}
