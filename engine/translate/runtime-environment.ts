// Stage: translation (WebAssembly → LLVM IR). Our runtime's implementation of the
// translation environment (environment.ts): where generated code finds memories, tables,
// globals, functions and segments in an instance's vmctx (engine/abi/vmctx-layout.ts),
// how it reads the runtime's structures (engine/abi/abi.ts: MemoryDefinition,
// TableDefinition, FuncRef), which runtime entry points it calls (wasm_rt_trap,
// wasm_rt_memory_grow, wasm_rt_table_grow) and which trampolines the module gets
// (trampolines.ts). Stack-limit and interrupt checks are not written here: every function
// gets the attribute that asks the addon's last LLVM pass to insert them where the
// optimised code needs them (abi.ts ThreadLimits, engine/native/src/runtime_checks.cc).
//
// Loads of values that never change after instantiation (definition pointers, memory base,
// imported-global cell pointers, immutable globals, FuncRef fields) are !invariant.load, so
// LLVM may hoist and merge them; the memory base and definition pointers are loaded once in
// the entry block.

import { keepShape } from '../wasm/shape-anchors.js';
import { ExternalKind, type ModuleInfo } from '../binary/module-info.js';
import { FuncRef, MemoryDefinition, RUNTIME_CHECKS_ATTRIBUTE, RuntimeSymbols, SymbolNames, TableDefinition, TIER_UP_FROM_LOOP } from '../abi/abi.js';
import { TrapCode } from '../abi/trap-codes.js';
import { SegmentDescriptor, VmctxLayout } from '../abi/vmctx-layout.js';
import { collectDeclaredFunctionReferences } from '../validate/function-validator.js';
import type { Callee, EnvironmentSymbols, FunctionEnvironment, ModuleEnvironment, SegmentView } from './environment.js';
import type { FunctionBuilder } from './function-builder.js';
import { MD_EMPTY, PROF_TRAP_ON_TRUE, RANGE_MEMORY_BYTES, TBAA_FUNCREF, TBAA_GLOBAL, TBAA_TABLE_ELEMENT, TBAA_VMCTX, type IrModuleBuilder } from './ir-module.js';
import { LLVM_TYPE, VALUE_BYTES, signatureOf } from './ir-types.js';
import { emitEntryTrampoline, emitHostTrampoline } from './trampolines.js';
import type { FuncType } from '../wasm/value-types.js';

const INVARIANT = `!invariant.load ${MD_EMPTY}`;

export interface RuntimeEnvironmentOptions {
  /**
   * Give every defined function an external name (functions compiled into separate LLVM
   * modules must see each other). Default: only the functions the runtime needs.
   */
  readonly allFunctionsExternal?: boolean;
  /**
   * 1 for each defined function (by function index) that must be external besides the
   * escaping ones: those called from another code unit (code-units.ts).
   */
  readonly externalFunctions?: Uint8Array;
  /**
   * Prepended to every symbol the module defines, so that several modules can share one
   * LLVM module or JIT dylib (the runtime symbols wasm_rt_* are not prefixed).
   */
  readonly symbolPrefix?: string;
  /**
   * Explicit bounds checks on every load and store, so that the state of memory after an
   * out-of-bounds trap is exactly the abstract machine's at every optimisation level
   * (docs/RATIONALE.md, "Why explicit bounds checks for exact state after a trap?").
   * Default false: guard pages only.
   */
  readonly explicitBoundsChecks?: boolean;
  /**
   * Lazy compilation (engine/compile/lazy-code.ts): `call`s of defined functions for which
   * this returns true go through the callee's FuncRef (patched when the callee is compiled),
   * FuncRef loads are not invariant (their code field changes while code runs), and the
   * module gets entry and host trampolines for the type of every defined function (the lazy
   * stub of a function is its type's host trampoline; the first call re-enters wasm through
   * its type's entry trampoline).
   */
  readonly lazyCallThroughFuncRef?: (functionIndex: number) => boolean;
  /**
   * Tiered execution, baseline code: count function entries and loop iterations in the
   * vmctx's tier counters and call wasm_rt_host_call with the tier-up context (function
   * index in the one slot) when a count goes below zero (runtime/lazy-calls.ts).
   */
  readonly tierUpCounters?: boolean;
  /** Tiered execution: told of every OSR candidate loop of the baseline code (emit-osr.ts). */
  readonly onOsrCandidate?: (functionIndex: number, ordinal: number) => void;
  /**
   * Function types whose trampolines the runtime has without LLVM (machine code written per
   * signature, engine/compile/signature-trampolines.ts): the module gets no IR trampolines for
   * them. Default: every trampoline is IR.
   */
  readonly trampolinesOutsideIr?: (type: FuncType) => boolean;
}

export class RuntimeEnvironment implements ModuleEnvironment, FunctionEnvironment {
  readonly layout: VmctxLayout;
  /** 1 for each function the runtime (or another module) can reach: exported, in a table, ref.func'd, start. */
  readonly escaping: Uint8Array;
  private readonly allFunctionsExternal: boolean;
  private readonly externalFunctions: Uint8Array | undefined;
  private readonly symbolPrefix: string;
  private readonly boundsChecked: boolean;
  private readonly lazyCallThroughFuncRef: ((functionIndex: number) => boolean) | undefined;
  private readonly trampolinesOutsideIr: ((type: FuncType) => boolean) | undefined;
  /** FuncRef code and vmctx loads: invariant, unless lazy compilation patches FuncRefs. */
  private readonly funcRefLoad: string;
  private readonly tierUpCounters: boolean;
  private readonly onOsrCandidate: ((functionIndex: number, ordinal: number) => void) | undefined;
  /** Per function: the one-slot array the tier-up call passes (an entry-block alloca). */
  private tierUpSlot: string | undefined;

  // Per-function caches of entry-block values.
  private memoryDefinitions: string[] = [];
  private memoryBases: string[] = [];
  private tableDefinitions: string[] = [];

  constructor(
    readonly module: ModuleInfo,
    options: RuntimeEnvironmentOptions = {},
  ) {
    this.tierUpCounters = options.tierUpCounters ?? false;
    this.onOsrCandidate = options.onOsrCandidate;
    this.layout = new VmctxLayout(module, { lazyContexts: options.lazyCallThroughFuncRef !== undefined, tierCounters: this.tierUpCounters });
    this.allFunctionsExternal = options.allFunctionsExternal ?? false;
    this.externalFunctions = options.externalFunctions;
    this.symbolPrefix = options.symbolPrefix ?? '';
    this.boundsChecked = options.explicitBoundsChecks ?? false;
    this.lazyCallThroughFuncRef = options.lazyCallThroughFuncRef;
    this.trampolinesOutsideIr = options.trampolinesOutsideIr;
    this.funcRefLoad = this.lazyCallThroughFuncRef === undefined ? `!tbaa ${TBAA_FUNCREF}, ${INVARIANT}` : `!tbaa ${TBAA_FUNCREF}`;
    const escaping = collectDeclaredFunctionReferences(module);
    if (module.start !== undefined) escaping[module.start.functionIndex] = 1;
    this.escaping = escaping;
    keepShape(this);
  }

  // ---- ModuleEnvironment ----

  functionSymbol(functionIndex: number): string {
    return this.symbolPrefix + SymbolNames.definedFunction(functionIndex);
  }

  isFunctionExternal(functionIndex: number): boolean {
    return this.allFunctionsExternal || this.escaping[functionIndex] === 1 || this.externalFunctions?.[functionIndex] === 1;
  }

  callsThroughFuncRef(functionIndex: number): boolean {
    return this.lazyCallThroughFuncRef?.(functionIndex) ?? false;
  }

  functionEnvironment(): FunctionEnvironment {
    return this;
  }

  declareRuntime(output: IrModuleBuilder): void {
    if (this.tierUpCounters) output.declare(RuntimeSymbols.tierUp, `declare void @${RuntimeSymbols.tierUp}(ptr, ptr)`);
    output.declare(RuntimeSymbols.trap, `declare void @${RuntimeSymbols.trap}(i32) noreturn cold nounwind`);
    output.declare(RuntimeSymbols.memoryGrow, `declare i32 @${RuntimeSymbols.memoryGrow}(ptr, i32)`);
    output.declare(RuntimeSymbols.tableGrow, `declare i32 @${RuntimeSymbols.tableGrow}(ptr, i32, i64)`);
  }

  finishModule(output: IrModuleBuilder): EnvironmentSymbols {
    const module = this.module;
    const entryTrampolines = new Map<number, string>();
    const hostTrampolines = new Map<number, string>();
    // One trampoline per distinct signature, named after the first type index that has it.
    const bySignature = new Map<string, string>();
    const signatureKey = (typeIndex: number): string => {
      const type = module.types[typeIndex];
      return `${type.params.join(',')}:${type.results.join(',')}`;
    };
    const lazy = this.lazyCallThroughFuncRef !== undefined;
    // Asked once per type index, not per function (a lazy module asks for every function's type).
    const outsideIr = new Uint8Array(module.types.length); // 0: not asked yet, 1: outside IR, 2: IR
    const isOutsideIr = (typeIndex: number): boolean => {
      if (outsideIr[typeIndex] === 0) outsideIr[typeIndex] = this.trampolinesOutsideIr?.(module.types[typeIndex]) === true ? 1 : 2;
      return outsideIr[typeIndex] === 1;
    };
    for (let functionIndex = 0; functionIndex < module.functionTypeIndices.length; functionIndex++) {
      if (this.escaping[functionIndex] !== 1 && !(lazy && functionIndex >= module.importedFunctionCount)) continue;
      const typeIndex = module.functionTypeIndices[functionIndex];
      if (entryTrampolines.has(typeIndex) || isOutsideIr(typeIndex)) continue;
      const key = `entry ${signatureKey(typeIndex)}`;
      let symbol = bySignature.get(key);
      if (symbol === undefined) {
        symbol = this.symbolPrefix + SymbolNames.entryTrampoline(typeIndex);
        bySignature.set(key, symbol);
        emitEntryTrampoline(output, symbol, signatureOf(module.types[typeIndex]));
      }
      entryTrampolines.set(typeIndex, symbol);
    }
    const hostTypes = module.imports.filter((entry) => entry.kind === ExternalKind.Function).map((entry) => entry.typeIndex);
    if (lazy) hostTypes.push(...module.functionTypeIndices.slice(module.importedFunctionCount));
    for (const typeIndex of hostTypes) {
      if (hostTrampolines.has(typeIndex) || isOutsideIr(typeIndex)) continue;
      const key = `host ${signatureKey(typeIndex)}`;
      let symbol = bySignature.get(key);
      if (symbol === undefined) {
        symbol = this.symbolPrefix + SymbolNames.hostTrampoline(typeIndex);
        bySignature.set(key, symbol);
        output.declare(RuntimeSymbols.hostCall, `declare void @${RuntimeSymbols.hostCall}(ptr, ptr)`);
        emitHostTrampoline(output, symbol, signatureOf(module.types[typeIndex]), RuntimeSymbols.hostCall);
      }
      hostTrampolines.set(typeIndex, symbol);
    }
    return { entryTrampolines, hostTrampolines };
  }

  // ---- FunctionEnvironment ----

  beginFunction(): void {
    this.tierUpSlot = undefined;
    this.memoryDefinitions.length = 0;
    this.memoryBases.length = 0;
    this.tableDefinitions.length = 0;
  }

  countFunctionEntry(builder: FunctionBuilder, functionIndex: number): void {
    if (this.tierUpCounters) this.countDown(builder, functionIndex, 0);
  }

  countLoopIteration(builder: FunctionBuilder, functionIndex: number): void {
    if (this.tierUpCounters) this.countDown(builder, functionIndex, TIER_UP_FROM_LOOP);
  }

  /**
   * counter -= 1; below zero: wasm_rt_tier_up(tier-up context, [functionIndex, where]), where
   * is 0 at the entry and TIER_UP_FROM_LOOP at a loop header. Continues in a new block.
   */
  private countDown(builder: FunctionBuilder, functionIndex: number, where: number): void {
    builder.makesCalls = true;
    const field = this.vmctxField(builder, this.layout.tierCounter(functionIndex, this.module.importedFunctionCount));
    const count = builder.assign(`load i32, ptr ${field}, align 4, !tbaa ${TBAA_VMCTX}`);
    const next = builder.assign(`sub i32 ${count}, 1`);
    builder.emit(`store i32 ${next}, ptr ${field}, align 4, !tbaa ${TBAA_VMCTX}`);
    const hot = builder.assign(`icmp slt i32 ${next}, 0`);
    const call = builder.label();
    const after = builder.label();
    builder.emit(`br i1 ${hot}, label %${call}, label %${after}, !prof ${PROF_TRAP_ON_TRUE}`);
    builder.startBlock(call);
    this.callTierUp(builder, functionIndex, where);
    builder.emit(`br label %${after}`);
    builder.startBlock(after);
  }

  /** wasm_rt_tier_up(context, [functionIndex, loop]); its answer (a code address or 0) is left in slot 0. */
  private callTierUp(builder: FunctionBuilder, functionIndex: number, loop: number): string {
    const slots = (this.tierUpSlot ??= builder.assignInPrologue('alloca [2 x i64], align 8'));
    builder.emit(`store i64 ${functionIndex}, ptr ${slots}, align 8`);
    const second = builder.assign(`getelementptr inbounds i8, ptr ${slots}, i64 8`);
    builder.emit(`store i64 ${loop}, ptr ${second}, align 8`);
    const context = this.vmctxField(builder, this.layout.tierUpContextOffset);
    builder.emit(`call void @${RuntimeSymbols.tierUp}(ptr ${context}, ptr ${slots})`);
    return slots;
  }

  osrChecks(): boolean {
    return this.tierUpCounters;
  }

  /** The OSR countdown: 0 is off; otherwise decremented, and the check is due when it reaches 0. */
  osrFlagSet(builder: FunctionBuilder, functionIndex: number): string {
    const field = this.vmctxField(builder, this.layout.osrFlag(functionIndex, this.module.importedFunctionCount));
    const count = builder.assign(`load i32, ptr ${field}, align 4, !tbaa ${TBAA_VMCTX}`);
    const on = builder.assign(`icmp ne i32 ${count}, 0`);
    const step = builder.assign(`zext i1 ${on} to i32`);
    const next = builder.assign(`sub i32 ${count}, ${step}`);
    builder.emit(`store i32 ${next}, ptr ${field}, align 4, !tbaa ${TBAA_VMCTX}`);
    const due = builder.assign(`icmp eq i32 ${next}, 0`);
    return builder.assign(`and i1 ${on}, ${due}`);
  }

  osrEntry(builder: FunctionBuilder, functionIndex: number, ordinal: number): string {
    this.onOsrCandidate?.(functionIndex, ordinal);
    const slots = this.callTierUp(builder, functionIndex, ordinal + 1);
    return builder.assign(`load ptr, ptr ${slots}, align 8`);
  }

  /** `ptr` to vmctx + offset, in the body. */
  private vmctxField(builder: FunctionBuilder, offset: number): string {
    return offset === 0 ? '%vmctx' : builder.assign(`getelementptr inbounds i8, ptr %vmctx, i64 ${offset}`);
  }

  private vmctxFieldInPrologue(builder: FunctionBuilder, offset: number): string {
    return offset === 0 ? '%vmctx' : builder.assignInPrologue(`getelementptr inbounds i8, ptr %vmctx, i64 ${offset}`);
  }

  /** The MemoryDefinition pointer of memory `index`, loaded once in the entry block. */
  private memoryDefinition(builder: FunctionBuilder, index: number): string {
    let definition = this.memoryDefinitions[index];
    if (definition === undefined) {
      const field = this.vmctxFieldInPrologue(builder, this.layout.memoryDefinitionPointer(index));
      definition = builder.assignInPrologue(`load ptr, ptr ${field}, align 8, !tbaa ${TBAA_VMCTX}, ${INVARIANT}, !nonnull ${MD_EMPTY}`);
      this.memoryDefinitions[index] = definition;
    }
    return definition;
  }

  memoryBase(builder: FunctionBuilder, memoryIndex: number): string {
    let base = this.memoryBases[memoryIndex];
    if (base === undefined) {
      const definition = this.memoryDefinition(builder, memoryIndex);
      const field = MemoryDefinition.base === 0 ? definition : builder.assignInPrologue(`getelementptr inbounds i8, ptr ${definition}, i64 ${MemoryDefinition.base}`);
      base = builder.assignInPrologue(`load ptr, ptr ${field}, align 8, !tbaa ${TBAA_VMCTX}, ${INVARIANT}, !nonnull ${MD_EMPTY}`);
      this.memoryBases[memoryIndex] = base;
    }
    return base;
  }

  memoryByteLength(builder: FunctionBuilder, memoryIndex: number): string {
    const definition = this.memoryDefinition(builder, memoryIndex);
    const field = builder.assign(`getelementptr inbounds i8, ptr ${definition}, i64 ${MemoryDefinition.byteLength}`);
    return builder.assign(`load i64, ptr ${field}, align 8, !tbaa ${TBAA_VMCTX}, !range ${RANGE_MEMORY_BYTES}`);
  }

  explicitBoundsChecks(): boolean {
    return this.boundsChecked;
  }

  memoryGrow(builder: FunctionBuilder, memoryIndex: number, deltaPages: string): string {
    const definition = this.memoryDefinition(builder, memoryIndex);
    return builder.assign(`call i32 @${RuntimeSymbols.memoryGrow}(ptr ${definition}, i32 ${deltaPages})`);
  }

  /** `ptr` to global `index`'s cell and whether its value never changes. */
  private globalCell(builder: FunctionBuilder, index: number): string {
    if (this.layout.isImportedGlobal(index)) {
      const field = this.vmctxField(builder, this.layout.importedGlobalPointer(index));
      return builder.assign(`load ptr, ptr ${field}, align 8, !tbaa ${TBAA_VMCTX}, ${INVARIANT}, !nonnull ${MD_EMPTY}`);
    }
    return this.vmctxField(builder, this.layout.definedGlobalCell(index));
  }

  globalGet(builder: FunctionBuilder, globalIndex: number): string {
    const global = this.module.globals[globalIndex];
    const type = global.type.type;
    const cell = this.globalCell(builder, globalIndex);
    const invariant = global.type.mutable ? '' : `, ${INVARIANT}`;
    return builder.assign(`load ${LLVM_TYPE[type]}, ptr ${cell}, align ${Math.min(VALUE_BYTES[type], 16)}, !tbaa ${TBAA_GLOBAL}${invariant}`);
  }

  globalSet(builder: FunctionBuilder, globalIndex: number, value: string): void {
    const type = this.module.globals[globalIndex].type.type;
    const cell = this.globalCell(builder, globalIndex);
    builder.emit(`store ${LLVM_TYPE[type]} ${value}, ptr ${cell}, align ${Math.min(VALUE_BYTES[type], 16)}, !tbaa ${TBAA_GLOBAL}`);
  }

  /** The TableDefinition pointer of table `index`, loaded once in the entry block. */
  private tableDefinition(builder: FunctionBuilder, index: number): string {
    let definition = this.tableDefinitions[index];
    if (definition === undefined) {
      const field = this.vmctxFieldInPrologue(builder, this.layout.tableDefinitionPointer(index));
      definition = builder.assignInPrologue(`load ptr, ptr ${field}, align 8, !tbaa ${TBAA_VMCTX}, ${INVARIANT}, !nonnull ${MD_EMPTY}`);
      this.tableDefinitions[index] = definition;
    }
    return definition;
  }

  tableLength(builder: FunctionBuilder, tableIndex: number): string {
    const definition = this.tableDefinition(builder, tableIndex);
    const field = builder.assign(`getelementptr inbounds i8, ptr ${definition}, i64 ${TableDefinition.length}`);
    return builder.assign(`load i64, ptr ${field}, align 8, !tbaa ${TBAA_VMCTX}`);
  }

  tableElements(builder: FunctionBuilder, tableIndex: number): string {
    const definition = this.tableDefinition(builder, tableIndex);
    const field = TableDefinition.elements === 0 ? definition : builder.assign(`getelementptr inbounds i8, ptr ${definition}, i64 ${TableDefinition.elements}`);
    return builder.assign(`load ptr, ptr ${field}, align 8, !tbaa ${TBAA_VMCTX}`);
  }

  tableGrow(builder: FunctionBuilder, tableIndex: number, delta: string, initial: string): string {
    const definition = this.tableDefinition(builder, tableIndex);
    return builder.assign(`call i32 @${RuntimeSymbols.tableGrow}(ptr ${definition}, i32 ${delta}, i64 ${initial})`);
  }

  /** Code and vmctx of the FuncRef at `funcRef` (a ptr), loaded as invariant. */
  private calleeOf(builder: FunctionBuilder, funcRef: string): Callee {
    const code = builder.assign(`load ptr, ptr ${funcRef}, align 8, ${this.funcRefLoad}`);
    const vmctxField = builder.assign(`getelementptr inbounds i8, ptr ${funcRef}, i64 ${FuncRef.vmctx}`);
    const vmctx = builder.assign(`load ptr, ptr ${vmctxField}, align 8, ${this.funcRefLoad}`);
    return { code, vmctx };
  }

  importedCallee(builder: FunctionBuilder, functionIndex: number): Callee {
    return this.calleeOf(builder, this.vmctxField(builder, this.layout.funcRef(functionIndex)));
  }

  indirectCallee(builder: FunctionBuilder, tableIndex: number, typeIndex: number, elementIndex: string): Callee {
    const index = builder.assign(`zext i32 ${elementIndex} to i64`);
    const length = this.tableLength(builder, tableIndex);
    builder.trapIf(builder.assign(`icmp uge i64 ${index}, ${length}`), TrapCode.UndefinedElement);
    const elements = this.tableElements(builder, tableIndex);
    const slot = builder.assign(`getelementptr inbounds ptr, ptr ${elements}, i64 ${index}`);
    const funcRef = builder.assign(`load ptr, ptr ${slot}, align 8, !tbaa ${TBAA_TABLE_ELEMENT}`);
    builder.trapIf(builder.assign(`icmp eq ptr ${funcRef}, null`), TrapCode.UninitializedElement);
    const typeIdField = builder.assign(`getelementptr inbounds i8, ptr ${funcRef}, i64 ${FuncRef.typeId}`);
    const typeId = builder.assign(`load i64, ptr ${typeIdField}, align 8, !tbaa ${TBAA_FUNCREF}, ${INVARIANT}`);
    // The expected id is the registry's (type-registry.ts), written into the vmctx at instantiation.
    const expectedField = this.vmctxField(builder, this.layout.typeId(typeIndex));
    const expected = builder.assign(`load i64, ptr ${expectedField}, align 8, !tbaa ${TBAA_VMCTX}, ${INVARIANT}`);
    builder.trapIf(builder.assign(`icmp ne i64 ${typeId}, ${expected}`), TrapCode.IndirectCallTypeMismatch);
    return this.calleeOf(builder, funcRef);
  }

  functionReference(builder: FunctionBuilder, functionIndex: number): string {
    return this.vmctxField(builder, this.layout.funcRef(functionIndex));
  }

  private segment(builder: FunctionBuilder, offset: number): SegmentView {
    const descriptor = this.vmctxField(builder, offset);
    const address = builder.assign(`load ptr, ptr ${descriptor}, align 8, !tbaa ${TBAA_VMCTX}`);
    const lengthField = builder.assign(`getelementptr inbounds i8, ptr ${descriptor}, i64 ${SegmentDescriptor.length}`);
    const length = builder.assign(`load i64, ptr ${lengthField}, align 8, !tbaa ${TBAA_VMCTX}`);
    return { address, length };
  }

  private dropSegment(builder: FunctionBuilder, offset: number): void {
    const lengthField = this.vmctxField(builder, offset + SegmentDescriptor.length);
    builder.emit(`store i64 0, ptr ${lengthField}, align 8, !tbaa ${TBAA_VMCTX}`);
  }

  dataSegment(builder: FunctionBuilder, dataIndex: number): SegmentView {
    return this.segment(builder, this.layout.dataSegment(dataIndex));
  }

  dropDataSegment(builder: FunctionBuilder, dataIndex: number): void {
    this.dropSegment(builder, this.layout.dataSegment(dataIndex));
  }

  elementSegment(builder: FunctionBuilder, elementIndex: number): SegmentView {
    return this.segment(builder, this.layout.elementSegment(elementIndex));
  }

  dropElementSegment(builder: FunctionBuilder, elementIndex: number): void {
    this.dropSegment(builder, this.layout.elementSegment(elementIndex));
  }

  emitTrap(builder: FunctionBuilder, code: string): void {
    builder.emit(`call void @${RuntimeSymbols.trap}(i32 ${code})`);
  }

  stackExhaustedCondition(): undefined {
    return undefined; // the addon's runtime-checks pass inserts the check (functionAttributes)
  }

  functionAttributes(): string {
    return RUNTIME_CHECKS_ATTRIBUTE;
  }
}
