// Stage: validation of everything outside function bodies (Core spec §3.2 "Types" for
// limits and §3.4 "Modules"): type indices of functions and imports, limits of tables and
// memories, at most one memory, constant expressions of globals and segments, unique
// export names, index ranges, the start function's type and element/table type agreement.
// Function bodies are validated by function-validator.ts, one operator at a time.

import { CompileError } from '../wasm/errors.js';
import {
  ExternalKind,
  type ConstantExpression,
  type Limits,
  type ModuleInfo,
} from '../binary/module-info.js';
import { MAX_MEMORIES, MAX_MEMORY_PAGES, MAX_TABLES } from '../binary/limits.js';
import { Op, operatorName } from '../wasm/opcodes.js';
import { ValType, valTypeName } from '../wasm/value-types.js';

export function validateModuleStructure(module: ModuleInfo): void {
  const typeCount = module.types.length;
  const functionCount = module.functionTypeIndices.length;

  for (const entry of module.imports) {
    if (entry.kind === ExternalKind.Function && entry.typeIndex >= typeCount) {
      fail(`unknown type ${entry.typeIndex} in function import`, entry.offset);
    }
  }
  for (let i = module.importedFunctionCount; i < functionCount; i++) {
    const typeIndex = module.functionTypeIndices[i];
    if (typeIndex >= typeCount) fail(`unknown type ${typeIndex} for function ${i}`, module.functionOffsets[i - module.importedFunctionCount]);
  }

  if (module.tables.length > MAX_TABLES) fail(`too many tables: ${module.tables.length}`, module.tableOffsets[MAX_TABLES]);
  module.tables.forEach((table, i) => {
    // The JS API's table size limit (MAX_TABLE_SIZE) is a dynamic limit: a RangeError at
    // instantiation (runtime/instantiation.ts), as in V8 and the JS API's limits.any.js.
    checkLimits(table.limits, 0xffffffff, 'table', module.tableOffsets[i]);
  });

  if (module.memories.length > MAX_MEMORIES) fail('multiple memories', module.memoryOffsets[MAX_MEMORIES]);
  module.memories.forEach((memory, i) => {
    if (memory.min > MAX_MEMORY_PAGES || (memory.max !== undefined && memory.max > MAX_MEMORY_PAGES)) {
      fail('memory size must be at most 65536 pages (4GiB)', module.memoryOffsets[i]);
    }
    checkLimits(memory, MAX_MEMORY_PAGES, 'memory', module.memoryOffsets[i]);
  });

  // Constant expressions may read only imported, immutable globals (Core spec 2.0 §3.4.10:
  // the spec test suite applies context C' to global initialisers and segment offsets alike).
  for (let i = module.importedGlobalCount; i < module.globals.length; i++) {
    const global = module.globals[i];
    const init = global.init!;
    const type = constantExpressionType(module, init, module.importedGlobalCount);
    if (type !== global.type.type) {
      fail(`type mismatch: global of type ${valTypeName(global.type.type)} initialised with ${valTypeName(type)}`, init.start);
    }
  }

  const exportNames = new Set<string>();
  for (const entry of module.exports) {
    if (exportNames.has(entry.name)) fail(`duplicate export name "${entry.name}"`, entry.offset);
    exportNames.add(entry.name);
    const limit = [functionCount, module.tables.length, module.memories.length, module.globals.length][entry.kind];
    if (entry.index >= limit) {
      fail(`unknown ${['function', 'table', 'memory', 'global'][entry.kind]} ${entry.index} in export "${entry.name}"`, entry.offset);
    }
  }

  if (module.start !== undefined) {
    const { functionIndex, offset } = module.start;
    if (functionIndex >= functionCount) fail(`unknown function ${functionIndex} as start function`, offset);
    const type = module.types[module.functionTypeIndices[functionIndex]];
    if (type.params.length !== 0 || type.results.length !== 0) fail('start function must have type [] -> []', offset);
  }

  for (const segment of module.elements) {
    if (segment.mode === 'active') {
      if (segment.tableIndex >= module.tables.length) fail(`unknown table ${segment.tableIndex} in element segment`, segment.offset);
      const offsetType = constantExpressionType(module, segment.offsetExpression!, module.importedGlobalCount);
      if (offsetType !== ValType.I32) fail(`type mismatch: element segment offset is ${valTypeName(offsetType)}`, segment.offsetExpression!.start);
      if (module.tables[segment.tableIndex].elementType !== segment.elementType) {
        fail('type mismatch: element segment type differs from the table type', segment.offset);
      }
    }
    if (segment.functionIndices) {
      for (const index of segment.functionIndices) {
        if (index >= functionCount) fail(`unknown function ${index} in element segment`, segment.offset);
      }
    }
    if (segment.expressions) {
      for (const expression of segment.expressions) {
        const type = constantExpressionType(module, expression, module.importedGlobalCount);
        if (type !== segment.elementType) {
          fail(`type mismatch: element of type ${valTypeName(type)} in a ${valTypeName(segment.elementType)} segment`, expression.start);
        }
      }
    }
  }

  // In columns (a module may have 100,000 segments): an i32.const offset needs no check.
  const { data } = module;
  for (let i = 0; i < data.length; i++) {
    if (!data.isActive(i)) continue;
    const memoryIndex = data.memoryIndex(i);
    if (memoryIndex >= module.memories.length) fail(`unknown memory ${memoryIndex} in data segment`, data.offset(i));
    if (data.constantOffset(i) !== undefined) continue;
    const expression = data.offsetExpression(i)!;
    const offsetType = constantExpressionType(module, expression, module.importedGlobalCount);
    if (offsetType !== ValType.I32) fail(`type mismatch: data segment offset is ${valTypeName(offsetType)}`, expression.start);
  }
}

function checkLimits(limits: Limits, bound: number, what: string, offset: number): void {
  if (limits.min > bound) fail(`${what} size must be at most ${bound}`, offset);
  if (limits.max !== undefined) {
    if (limits.max > bound) fail(`${what} size must be at most ${bound}`, offset);
    if (limits.min > limits.max) fail(`size minimum must not be greater than maximum (${what})`, offset);
  }
}

/**
 * The type of a constant expression, checking its indices; `visibleGlobals` is how many
 * globals it may read (only imported ones in global initialisers), which must be immutable.
 */
export function constantExpressionType(module: ModuleInfo, expression: ConstantExpression, visibleGlobals: number): ValType {
  switch (expression.opcode) {
    case Op.I32Const: return ValType.I32;
    case Op.I64Const: return ValType.I64;
    case Op.F32Const: return ValType.F32;
    case Op.F64Const: return ValType.F64;
    case Op.V128Const: return ValType.V128;
    case Op.RefNull: return expression.value as ValType;
    case Op.RefFunc: {
      const index = expression.value as number;
      if (index >= module.functionTypeIndices.length) fail(`unknown function ${index}`, expression.start);
      return ValType.FuncRef;
    }
    case Op.GlobalGet: {
      const index = expression.value as number;
      if (index >= visibleGlobals) fail(`unknown global ${index} in constant expression`, expression.start);
      const global = module.globals[index];
      if (global.type.mutable) fail('constant expression required: global.get of a mutable global', expression.start);
      return global.type.type;
    }
    default:
      return fail(`constant expression required, found ${operatorName(expression.opcode)}`, expression.start);
  }
}

function fail(problem: string, offset: number): never {
  throw new CompileError(problem, offset);
}
