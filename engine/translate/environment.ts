// Stage: translation (WebAssembly → LLVM IR). The interface between the translator and the
// runtime it compiles for, in the manner of cranelift-wasm's ModuleEnvironment and
// FuncEnvironment (Wasmtime crates/cranelift/src/func_environ.rs): the translator knows the
// semantics of every instruction (Core spec §4.4) and nothing about where memories, tables,
// globals or functions live; the environment decides that — the vmctx layout, how a memory
// base or a table's elements are found, which runtime functions implement memory.grow or
// table.grow, how imports and indirect calls are reached, how a trap is raised and how the
// stack is checked. Our runtime's implementation is runtime-environment.ts; an embedder with
// another runtime implements these two interfaces and reuses the translator unchanged.
//
// Conventions every method follows:
// - It writes instructions through the FunctionBuilder it is given and returns LLVM value
//   text (`%v12`, or a constant) of the stated type.
// - Every generated function takes `ptr %vmctx` as its first parameter; `%vmctx` is in
//   scope everywhere in the function.
// - Values that stay valid for the whole function (a memory base, a definition pointer)
//   may be computed once in the entry block (FunctionBuilder.assignInPrologue) and cached
//   until the next beginFunction.
// - Trap codes are the numbers of engine/abi/trap-codes.ts (TrapCode): the translator
//   uses them as its trap kinds; an environment with other numbers maps them in emitTrap.

import type { ModuleInfo } from '../binary/module-info.js';
import type { FunctionBuilder } from './function-builder.js';
import type { IrModuleBuilder } from './ir-module.js';

/** A callee: the function value to call (`@name` or a `ptr` value) and its first argument. */
export interface Callee {
  readonly code: string;
  readonly vmctx: string;
}

/** A passive segment as generated code sees it: its values' address and current length. */
export interface SegmentView {
  /** `ptr`: the segment's bytes (data) or its 8-byte values (elements). */
  readonly address: string;
  /** `i64`: bytes (data) or values (elements); 0 once dropped. */
  readonly length: string;
}

export interface FunctionEnvironment {
  /** Called before each function; drops per-function caches. */
  beginFunction(builder: FunctionBuilder, functionIndex: number): void;
  /**
   * Tiered execution (baseline code): counts an entry of the function, at the start of its
   * body; the environment calls the runtime when the count says the function is hot.
   */
  countFunctionEntry?(builder: FunctionBuilder, functionIndex: number): void;
  /** Tiered execution (baseline code): counts an iteration of a loop, at its header after its phis. */
  countLoopIteration?(builder: FunctionBuilder, functionIndex: number): void;
  /** Tiered execution: whether this is baseline code with OSR checks at candidate loops (emit-osr.ts). */
  osrChecks?(): boolean;
  /**
   * Tiered execution (baseline code), at an OSR candidate loop (emit-osr.ts): `i1`, whether
   * the function's OSR flag is set (an OSR entry of it is compiled).
   */
  osrFlagSet?(builder: FunctionBuilder, functionIndex: number): string;
  /**
   * Tiered execution (baseline code): asks the runtime for the OSR entry of loop `ordinal`
   * of the function; `ptr`, null when there is none (yet). Also notes that the loop is an
   * OSR candidate, for the runtime to compile its entry.
   */
  osrEntry?(builder: FunctionBuilder, functionIndex: number, ordinal: number): string;

  // ---- Linear memory (Core spec §4.4.7) ----
  /** `ptr`: base of memory `memoryIndex`; the translator adds zext(address) + offset. */
  memoryBase(builder: FunctionBuilder, memoryIndex: number): string;
  /** `i64`: the memory's current size in bytes (memory.size, bulk-memory bounds checks). */
  memoryByteLength(builder: FunctionBuilder, memoryIndex: number): string;
  /** `i32`: memory.grow — the old size in pages, or -1. */
  memoryGrow(builder: FunctionBuilder, memoryIndex: number, deltaPages: string): string;
  /**
   * Whether loads and stores of memory `memoryIndex` get an explicit bounds check: the
   * translator then compares each access's end with memoryByteLength and traps with
   * MemoryOutOfBounds before it (Cranelift's dynamic heaps). Otherwise (undefined, false) an
   * access past the end must fault by itself (guard pages), and the translator keeps every
   * load executed even when its value is unused (load-liveness.ts).
   */
  explicitBoundsChecks?(memoryIndex: number): boolean;

  // ---- Globals (§4.4.5) ----
  globalGet(builder: FunctionBuilder, globalIndex: number): string;
  globalSet(builder: FunctionBuilder, globalIndex: number, value: string): void;

  // ---- Tables (§4.4.6); elements are 8 bytes: funcref `ptr`, externref `i64` ----
  /** `i64`: the table's current length. */
  tableLength(builder: FunctionBuilder, tableIndex: number): string;
  /** `ptr`: the table's element array (may move when the table grows). */
  tableElements(builder: FunctionBuilder, tableIndex: number): string;
  /** `i32`: table.grow — old length or -1; `initial` is the element as `i64`. */
  tableGrow(builder: FunctionBuilder, tableIndex: number, delta: string, initial: string): string;

  // ---- Functions (§4.4.8) and references (§4.4.2) ----
  /** The callee of `call` to an imported function (defined ones are called by symbol). */
  importedCallee(builder: FunctionBuilder, functionIndex: number): Callee;
  /**
   * The callee of `call_indirect`: performs the table bounds check (UndefinedElement), the
   * null check (UninitializedElement) and the signature check (IndirectCallTypeMismatch).
   * `elementIndex` is the i32 operand.
   */
  indirectCallee(builder: FunctionBuilder, tableIndex: number, typeIndex: number, elementIndex: string): Callee;
  /** `ptr`: the funcref value of function `functionIndex` (ref.func). */
  functionReference(builder: FunctionBuilder, functionIndex: number): string;

  // ---- Passive segments (§4.4.7 memory.init/data.drop, §4.4.6 table.init/elem.drop) ----
  dataSegment(builder: FunctionBuilder, dataIndex: number): SegmentView;
  dropDataSegment(builder: FunctionBuilder, dataIndex: number): void;
  elementSegment(builder: FunctionBuilder, elementIndex: number): SegmentView;
  dropElementSegment(builder: FunctionBuilder, elementIndex: number): void;

  // ---- Traps and the stack ----
  /** Writes the trap block's body after its phi: raise trap `code` (an i32 value); the translator adds `unreachable`. */
  emitTrap(builder: FunctionBuilder, code: string): void;
  /**
   * Called at the end of a function that makes calls: returns an `i1` computed in the
   * prologue that is true when the stack is exhausted (the translator branches to the trap
   * block with TrapCode.CallStackExhausted), or undefined for no check.
   */
  stackExhaustedCondition(builder: FunctionBuilder): string | undefined;
  /**
   * Function attributes for the `define` line of function `functionIndex` (LLVM IR text,
   * e.g. `"wasm-runtime-checks"`), or undefined for none. Our runtime uses one to have its
   * back end insert stack and interrupt checks after optimisation.
   */
  functionAttributes?(functionIndex: number): string | undefined;
}

export interface ModuleEnvironment {
  readonly module: ModuleInfo;
  /** The LLVM symbol (without `@`) of defined function `functionIndex`. */
  functionSymbol(functionIndex: number): string;
  /**
   * Whether defined function `functionIndex` must be visible outside the LLVM module (it is
   * exported, in a table or a ref.func, the start function, or compiled separately);
   * otherwise it is `internal` and LLVM may inline and drop it.
   */
  isFunctionExternal(functionIndex: number): boolean;
  /**
   * Whether a `call` of defined function `functionIndex` goes through its FuncRef in the
   * vmctx, as a call of an import does, instead of directly by symbol: lazy compilation
   * (engine/compile/lazy-code.ts), where the callee may not be compiled yet and its FuncRef
   * is patched when it is. Absent: always direct.
   */
  callsThroughFuncRef?(functionIndex: number): boolean;
  /** The environment used for function bodies (may be `this`). */
  functionEnvironment(): FunctionEnvironment;
  /** Module-level declarations the environment's code refers to (runtime functions, globals). */
  declareRuntime(output: IrModuleBuilder): void;
  /** Adds what the environment needs beyond the functions (trampolines) and names it. */
  finishModule(output: IrModuleBuilder): EnvironmentSymbols;
}

/** Symbols an environment adds to the module (see SymbolTable). */
export interface EnvironmentSymbols {
  readonly entryTrampolines: ReadonlyMap<number, string>;
  readonly hostTrampolines: ReadonlyMap<number, string>;
}

/** The external names of a translated module, for the runtime to ask the JIT for addresses. */
export interface SymbolTable extends EnvironmentSymbols {
  /** Defined functions with external linkage: function index → symbol. */
  readonly functions: ReadonlyMap<number, string>;
  /** Every external symbol defined, without duplicates. */
  readonly all: readonly string[];
}
