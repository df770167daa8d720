// Stage: ABI (the floor below translate/ and runtime/): the one definition of how generated
// code, the TypeScript runtime and the native addon (engine/native/) meet. Every structure
// that generated code reads is laid out here; the C++ side declares the same structs and a
// test compares the offsets (engine/native/abi.test.ts), as Wasmtime's vmctxtypes / wazero's
// offsetdata do.
//
// The native addon never reads a vmctx: runtime entry points receive pointers to the
// definitions they act on (a memory, a table, a host function's context), so the per-
// module vmctx layout below is known to TypeScript and to generated code only.
//
// All pointers are 64-bit; all structures are 8-byte aligned; little-endian (x86-64).

/** Wasm page: 64 KiB. */
export const WASM_PAGE_BYTES = 65536;
/** Pages addressable by wasm32: 65536 pages = 4 GiB. */
export const WASM_MAX_PAGES = 65536;

/**
 * Address space reserved per linear memory: 8 GiB, so that any i32 address plus any u32
 * offset (< 2^33) stays inside the reservation, plus a 64 KiB guard for the access width.
 * Only the first byteLength bytes are readable and writable; the rest is PROT_NONE.
 */
export const MEMORY_RESERVATION_BYTES = 8 * 1024 ** 3 + 65536;

/**
 * VMMemoryDefinition — owned by the native addon, one per linear memory; instances that
 * import the memory point at the same definition.
 *   base:          start of the reservation; never changes, so generated code loads it once
 *                  per function (!invariant.load).
 *   byteLength:    current accessible size in bytes (memory.size, bulk-memory bounds checks).
 *   maxByteLength: declared maximum in bytes (or 4 GiB when none).
 */
export const MemoryDefinition = {
  size: 32,
  base: 0,
  byteLength: 8,
  maxByteLength: 16,
  // 24: reserved for the addon's bookkeeping
} as const;

/**
 * VMTableDefinition — owned by the native addon, one per table.
 *   elements: array of 8-byte elements; moves when the table grows (never cache it).
 *             funcref element: address of a VMFuncRef, 0 for null.
 *             externref element: a host handle (see ExternRef below), 0 for null.
 *   length:   current number of elements (u32, stored in 8 bytes).
 *   maximum:  declared maximum (u32), 0xffffffff when none.
 */
export const TableDefinition = {
  size: 32,
  elements: 0,
  length: 8,
  maximum: 16,
  // 24: reserved for the addon's bookkeeping
} as const;

/**
 * VMFuncRef — what a funcref value points at, and what a function import slot holds.
 *   code:   native entry point with the wasm calling convention of its type (below).
 *   typeId: the function type's id in the process-wide type registry (type-registry.ts;
 *           exact structural identity, never a hash), compared by call_indirect.
 *   vmctx:  first argument to pass to `code`: the defining instance's vmctx, or for a host
 *           (JavaScript) function the address of its HostFunctionContext.
 */
export const FuncRef = {
  size: 24,
  code: 0,
  typeId: 8,
  vmctx: 16,
} as const;

/**
 * HostFunctionContext — the `vmctx` of a JavaScript function imported into wasm. Its `code`
 * is the importing module's host trampoline for the import's type, which spills the
 * arguments into a slot array and calls wasm_rt_host_call(context, slots).
 *   hostId:      number the JavaScript side uses to find the function.
 *   paramSlots:  8-byte slots of parameters (v128 takes two).
 *   resultSlots: 8-byte slots of results.
 */
export const HostFunctionContext = {
  size: 24,
  hostId: 0,
  paramSlots: 8,
  resultSlots: 16,
} as const;

/**
 * ThreadLimits — owned by the native addon, one per thread that runs wasm: an initial-exec
 * thread-local variable (engine/native/src/execution_limits.cc), at the same offset from
 * the thread pointer on every thread, which generated code reads %fs-relative.
 *   stackLimit:    the lowest stack pointer wasm frames may use on this thread.
 *   interruptWord: address of a stack limit that an interrupt raises above
 *                  INTERRUPT_THRESHOLD (V8's JavaScript stack limit of the thread's isolate,
 *                  which V8 raises to interrupt, or a word of our own holding stackLimit).
 * Generated code compares the stack pointer with the word at the entry of functions that
 * call, and the word with INTERRUPT_THRESHOLD at the head of every loop; failed checks call
 * wasm_rt_check_slow(sp), which tells an interrupt from a deep stack and checks stackLimit.
 * The checks are inserted by an LLVM pass of the addon (runtime_checks.cc), not by the
 * translator.
 */
export const ThreadLimits = {
  size: 32,
  stackLimit: 0,
  interruptWord: 8,
} as const;

/**
 * The second slot of a tier-up call (wasm_rt_tier_up's [functionIndex, where]) made by a loop
 * header's counter; 0 is the function's entry, n + 1 the OSR check of candidate loop n.
 */
export const TIER_UP_FROM_LOOP = 2 ** 32;

/** The interrupt word's value is above this while an interrupt is pending. */
export const INTERRUPT_THRESHOLD = 0xffff_ffff_ffff_0000n;

/** Global cell: 16 bytes, value in the low bytes (i32/f32: 4, i64/f64/ref: 8, v128: 16). */
export const GLOBAL_CELL_BYTES = 16;

/**
 * Slot array used by entry trampolines (JS → wasm), host trampolines (wasm → JS) and the
 * addon's scratch buffer: one 8-byte slot per i32/i64/f32/f64/funcref/externref value
 * (i32 and f32 in the low 4 bytes), two slots per v128. Arguments first; results are
 * written from slot 0 after the call.
 */
export const SLOT_BYTES = 8;

/**
 * Calling convention of generated wasm functions (defined and imported alike):
 *   <results> @f(ptr %vmctx, <params...>)
 * with i32/i64/f32/f64 as themselves, v128 as <16 x i8> (later), funcref as ptr, externref
 * as i64; no result → void, one → the type, several → a literal struct { t1, t2, ... }.
 *
 * Entry trampoline, one per function type a module uses (JS → wasm):
 *   void @wasm_entry_<typeIndex>(ptr %funcref, ptr %slots)
 * loads code and vmctx from the VMFuncRef, loads the arguments from the slots, calls, and
 * stores the results into the slots from slot 0.
 *
 * Host trampoline, one per imported function type (wasm → JS):
 *   <results> @wasm_host_<typeIndex>(ptr %hostContext, <params...>)
 * spills the arguments into a stack slot array, calls wasm_rt_host_call, reloads results.
 */
export const SymbolNames = {
  definedFunction: (index: number) => `wasm_func_${index}`,
  entryTrampoline: (typeIndex: number) => `wasm_entry_${typeIndex}`,
  hostTrampoline: (typeIndex: number) => `wasm_host_${typeIndex}`,
} as const;

/**
 * Runtime entry points that generated code calls; the addon defines them (absolute
 * symbols in every JIT dylib). Declarations as generated code writes them:
 *   declare void @wasm_rt_trap(i32 %code) noreturn cold nounwind
 *   declare i32  @wasm_rt_memory_grow(ptr %memoryDefinition, i32 %deltaPages)   ; old pages or -1
 *   declare i32  @wasm_rt_table_grow(ptr %tableDefinition, i32 %delta, i64 %init) ; old length or -1
 *   declare void @wasm_rt_host_call(ptr %hostContext, ptr %slots)
 *   declare void @wasm_rt_tier_up(ptr %tierUpContext, ptr %slots)  ; host call unless JS lacks stack
 *   declare void @wasm_rt_check_slow(i64 %sp)   ; failed stack/interrupt check (ThreadLimits)
 */
export const RuntimeSymbols = {
  trap: 'wasm_rt_trap',
  memoryGrow: 'wasm_rt_memory_grow',
  tableGrow: 'wasm_rt_table_grow',
  hostCall: 'wasm_rt_host_call',
  tierUp: 'wasm_rt_tier_up',
  checkSlow: 'wasm_rt_check_slow',
} as const;

/**
 * The function attribute that asks the addon's last pass for stack and interrupt checks
 * (engine/native/src/runtime_checks.h); every wasm function has it, trampolines do not.
 */
export const RUNTIME_CHECKS_ATTRIBUTE = '"wasm-runtime-checks"';
