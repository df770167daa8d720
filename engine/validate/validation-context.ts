// Stage: validation of function bodies. What the function validator needs from the module
// (Core spec §3.1.1 "Contexts"), precomputed once per module into typed arrays: type
// indices of functions, element types of tables and segments, global types and
// mutability, memory and data counts, and C.refs, the functions ref.func may name.

import { ExternalKind, type ModuleInfo } from '../binary/module-info.js';
import { Op } from '../wasm/opcodes.js';
import type { FuncType } from '../wasm/value-types.js';
import { ENGINE_FEATURES, type WasmFeatures } from '../wasm/features.js';

/** What function bodies need from the module, precomputed once per module. */
export interface ValidationContext {
  readonly module: ModuleInfo;
  readonly types: readonly FuncType[];
  readonly functionTypeIndices: readonly number[];
  /** Element type of each table. */
  readonly tableElementTypes: Uint8Array;
  readonly globalTypes: Uint8Array;
  readonly globalMutable: Uint8Array;
  readonly memoryCount: number;
  /** -1 when the module has no data count section. */
  readonly dataCount: number;
  readonly elementTypes: Uint8Array;
  /** 1 for each function index that may be used by ref.func (Core spec §3.4.10, C.refs). */
  readonly declaredFunctionReferences: Uint8Array;
  /** Whether SIMD operators are accepted (wasm/features.ts). */
  readonly simd: boolean;
}

export function createValidationContext(module: ModuleInfo, features: WasmFeatures = ENGINE_FEATURES): ValidationContext {
  const tableElementTypes = new Uint8Array(module.tables.length);
  module.tables.forEach((table, i) => (tableElementTypes[i] = table.elementType));
  const globalTypes = new Uint8Array(module.globals.length);
  const globalMutable = new Uint8Array(module.globals.length);
  module.globals.forEach((global, i) => {
    globalTypes[i] = global.type.type;
    globalMutable[i] = global.type.mutable ? 1 : 0;
  });
  const elementTypes = new Uint8Array(module.elements.length);
  module.elements.forEach((segment, i) => (elementTypes[i] = segment.elementType));
  return {
    module,
    types: module.types,
    functionTypeIndices: module.functionTypeIndices,
    tableElementTypes,
    globalTypes,
    globalMutable,
    memoryCount: module.memories.length,
    dataCount: module.dataCount ?? -1,
    elementTypes,
    declaredFunctionReferences: collectDeclaredFunctionReferences(module),
    simd: features.simd,
  };
}

/**
 * C.refs: function indices that occur outside function bodies and the start section, in
 * element segments, exports and global initialisers. Only these may appear in ref.func.
 */
export function collectDeclaredFunctionReferences(module: ModuleInfo): Uint8Array {
  const functionCount = module.functionTypeIndices.length;
  const declared = new Uint8Array(functionCount);
  const mark = (index: number): void => {
    if (index < functionCount) declared[index] = 1;
  };
  for (const segment of module.elements) {
    if (segment.functionIndices) for (const index of segment.functionIndices) mark(index);
    if (segment.expressions) {
      for (const expression of segment.expressions) {
        if (expression.opcode === Op.RefFunc) mark(expression.value as number);
      }
    }
  }
  for (const entry of module.exports) if (entry.kind === ExternalKind.Function) mark(entry.index);
  for (const global of module.globals) {
    if (global.init && global.init.opcode === Op.RefFunc) mark(global.init.value as number);
  }
  return declared;
}
