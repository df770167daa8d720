// Stage: ABI (the floor below translate/ and runtime/): the per-module layout of an instance's
// vmctx — the block of memory whose address is the first argument of every generated function.
// Defined once here; the translator's runtime environment (engine/translate/) reads fields at
// these offsets and the instance builder (engine/runtime/) writes them. The native addon never
// reads it.
//
//   [typeIds]         typeCount × 8       registry id of each function type (type-registry.ts),
//                                         what call_indirect compares the callee's with
//   [memories]        memoryCount × 8     address of each memory's MemoryDefinition
//   [tables]          tableCount × 8      address of each table's TableDefinition
//   [importedGlobals] importedGlobals × 8 address of the imported global's 16-byte cell
//   [definedGlobals]  definedGlobals × 16 the defined globals' cells, inline
//   [funcRefs]        functionCount × 24  a FuncRef (abi.ts) for every function, imports
//                                         first: calls to imports go through it; ref.func
//                                         and tables point at it
//   [dataSegments]    dataCount × 16      { address, byteLength } of each data segment's
//                                         bytes; byteLength 0 once dropped
//   [elementSegments] elementCount × 16   { address, length } of each element segment's
//                                         8-byte values; length 0 once dropped
//   [lazyContexts]    definedFunctions × 24 (lazy compilation only) a HostFunctionContext
//                                         (abi.ts) per defined function: the vmctx of its
//                                         lazy stub until it is compiled (lazy-code.ts);
//                                         last, so no other offset depends on laziness
//   [tierUpContext]   24                  (tiered only) the HostFunctionContext baseline
//                                         code passes to wasm_rt_host_call when a counter
//                                         runs out (runtime/lazy-calls.ts)
//   [tierCounters]    definedFunctions × 4 (tiered only) i32 per defined function: entries
//                                         and loop iterations left before the next call
//   [osrFlags]        definedFunctions × 4 (tiered only) i32 per defined function: the OSR
//                                         countdown of its candidate loops (emit-osr.ts): 0
//                                         off, else counted down, a check when it hits 0
//   [hostContexts]    importedFunctions × 24 a HostFunctionContext (abi.ts) per imported
//                                         function: its FuncRef's vmctx while the import is
//                                         a JavaScript function; generated code never reads
//                                         it by offset, so it may come last
//
// Everything is 8-byte aligned; cells are 16-byte aligned relative to the vmctx start,
// which the allocator aligns to 16.

import type { ModuleInfo } from '../binary/module-info.js';
import { FuncRef, GLOBAL_CELL_BYTES, HostFunctionContext } from './abi.js';

export const SEGMENT_DESCRIPTOR_BYTES = 16;
export const SegmentDescriptor = { address: 0, length: 8 } as const;

export class VmctxLayout {
  readonly typeIdsOffset: number;
  readonly memoriesOffset: number;
  readonly tablesOffset: number;
  readonly importedGlobalsOffset: number;
  readonly definedGlobalsOffset: number;
  readonly funcRefsOffset: number;
  readonly dataSegmentsOffset: number;
  readonly elementSegmentsOffset: number;
  /** Start of the lazy stubs' contexts (lazy compilation), else the end of the other fields. */
  readonly lazyContextsOffset: number;
  /** Tiered execution: the tier-up call's HostFunctionContext, and the counters. */
  readonly tierUpContextOffset: number;
  readonly tierCountersOffset: number;
  readonly osrFlagsOffset: number;
  /** The imported functions' HostFunctionContexts. */
  readonly hostContextsOffset: number;
  readonly size: number;

  private readonly importedGlobalCount: number;

  constructor(
    module: Pick<ModuleInfo, 'types' | 'memories' | 'tables' | 'globals' | 'importedGlobalCount' | 'importedFunctionCount' | 'functionTypeIndices' | 'data' | 'elements'>,
    options: { readonly lazyContexts?: boolean; readonly tierCounters?: boolean } = {},
  ) {
    let offset = 0;
    this.typeIdsOffset = offset;
    offset += module.types.length * 8;
    this.memoriesOffset = offset;
    offset += module.memories.length * 8;
    this.tablesOffset = offset;
    offset += module.tables.length * 8;
    this.importedGlobalsOffset = offset;
    offset += module.importedGlobalCount * 8;
    offset = align(offset, 16);
    this.definedGlobalsOffset = offset;
    offset += (module.globals.length - module.importedGlobalCount) * GLOBAL_CELL_BYTES;
    this.funcRefsOffset = offset;
    offset += module.functionTypeIndices.length * FuncRef.size;
    this.dataSegmentsOffset = offset;
    offset += module.data.length * SEGMENT_DESCRIPTOR_BYTES;
    this.elementSegmentsOffset = offset;
    offset += module.elements.length * SEGMENT_DESCRIPTOR_BYTES;
    this.lazyContextsOffset = offset;
    const definedFunctions = module.functionTypeIndices.length - module.importedFunctionCount;
    if (options.lazyContexts === true || options.tierCounters === true) offset += definedFunctions * HostFunctionContext.size;
    this.tierUpContextOffset = offset;
    if (options.tierCounters === true) offset += HostFunctionContext.size;
    this.tierCountersOffset = offset;
    if (options.tierCounters === true) offset += align(definedFunctions * 4, 8);
    this.osrFlagsOffset = offset;
    if (options.tierCounters === true) offset += align(definedFunctions * 4, 8);
    this.hostContextsOffset = offset;
    offset += module.importedFunctionCount * HostFunctionContext.size;
    this.size = Math.max(align(offset, 16), 16);
    this.importedGlobalCount = module.importedGlobalCount;
  }

  /** Field holding the registry id of function type `typeIndex`. */
  typeId(typeIndex: number): number {
    return this.typeIdsOffset + typeIndex * 8;
  }

  /** Field holding the address of memory `index`'s MemoryDefinition. */
  memoryDefinitionPointer(index: number): number {
    return this.memoriesOffset + index * 8;
  }

  /** Field holding the address of table `index`'s TableDefinition. */
  tableDefinitionPointer(index: number): number {
    return this.tablesOffset + index * 8;
  }

  isImportedGlobal(index: number): boolean {
    return index < this.importedGlobalCount;
  }

  /** For an imported global: the field holding its cell's address. */
  importedGlobalPointer(index: number): number {
    if (!this.isImportedGlobal(index)) throw new Error(`global ${index} is not imported`);
    return this.importedGlobalsOffset + index * 8;
  }

  /** For a defined global: the offset of its cell inside the vmctx. */
  definedGlobalCell(index: number): number {
    if (this.isImportedGlobal(index)) throw new Error(`global ${index} is imported`);
    return this.definedGlobalsOffset + (index - this.importedGlobalCount) * GLOBAL_CELL_BYTES;
  }

  /** The FuncRef of function `index` (imports first). */
  funcRef(index: number): number {
    return this.funcRefsOffset + index * FuncRef.size;
  }

  dataSegment(index: number): number {
    return this.dataSegmentsOffset + index * SEGMENT_DESCRIPTOR_BYTES;
  }

  elementSegment(index: number): number {
    return this.elementSegmentsOffset + index * SEGMENT_DESCRIPTOR_BYTES;
  }

  /** Tiered execution: the i32 counter of defined function `index`. */
  tierCounter(index: number, importedFunctionCount: number): number {
    return this.tierCountersOffset + (index - importedFunctionCount) * 4;
  }

  /** Tiered execution: the i32 OSR flag of defined function `index`. */
  osrFlag(index: number, importedFunctionCount: number): number {
    return this.osrFlagsOffset + (index - importedFunctionCount) * 4;
  }

  /** The HostFunctionContext of imported function `index`, used while it is a JavaScript function. */
  hostContext(index: number): number {
    return this.hostContextsOffset + index * HostFunctionContext.size;
  }

  /** Lazy compilation: the HostFunctionContext of defined function `index`'s lazy stub. */
  lazyContext(index: number, importedFunctionCount: number): number {
    return this.lazyContextsOffset + (index - importedFunctionCount) * HostFunctionContext.size;
  }
}

function align(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
