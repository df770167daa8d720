// Runtime: instantiating a compiled module (Core spec §4.5.4 "Instantiation", JS API
// "instantiate the core of a WebAssembly module" and "create an exports object"): resolve
// the imports, pick the store (merging the stores of imported functions, tables and
// reference globals), then one native call (native/addon.ts buildInstance, with the module's
// plan: instance-plan.ts) makes the vmctx from the module's template (vmctx-template.ts),
// the defined memories and tables, and applies the active segments when none can trap.
// The rest is here: imports (a wasm function's FuncRef copied, a JavaScript function
// registered under its context's hostId, imported memories, tables and globals), globals
// whose initialiser needs the instance, passive segments, the exports object, the active
// segments that might trap (segments.ts, in order), and the start function. A trap in a
// segment or the start function throws RuntimeError.

import { ExternalKind, type ModuleInfo } from '../binary/module-info.js';
import { MAX_TABLE_SIZE } from '../binary/limits.js';
import { buildInstance } from '../native/addon.js';
import { invokeOrThrow } from './calls.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { evaluateConstant, type ConstantContext } from './constant-expressions.js';
import { allocateGlobalCell, readCellBits, readCellBytes, writeCell, type GlobalCell } from './global-cells.js';
import { InstanceState } from './instance-state.js';
import { describeSegments, initializeActiveSegments } from './segments.js';
import { Store } from './store.js';
import { toWebAssemblyValue } from './value-conversion.js';
import { ValType } from '../wasm/value-types.js';
import { globalInstanceOf, globalObject as makeGlobalObject, memoryObject } from './externs.js';
import { resolveImports, type ResolvedImport } from './import-resolution.js';
import { vmctxTemplateOf, writeGlobalCell } from './vmctx-template.js';
import { installLazyFuncRefs } from './lazy-calls.js';
import { instancePlanOf } from './instance-plan.js';

let nextHostId = 1;

export interface InstantiatedModule {
  readonly state: InstanceState;
  readonly exports: Record<string, unknown>;
}

function isReference(type: ValType): boolean {
  return type === ValType.FuncRef || type === ValType.ExternRef;
}

/** The store of the new instance: one of its own, merged with every store it links to. */
function chooseStore(imports: readonly ResolvedImport[]): Store {
  const store = new Store();
  for (const entry of imports) {
    if (entry.kind === ExternalKind.Function && entry.exported !== undefined) Store.merge(store, entry.exported.store);
    else if (entry.kind === ExternalKind.Table) Store.merge(store, entry.table.store);
    else if (entry.kind === ExternalKind.Global && entry.object !== undefined && isReference(entry.global.type.type)) {
      Store.merge(store, entry.global.store);
    }
  }
  return store;
}

/**
 * The JS API's dynamic limits (Implementation-defined limits: a RangeError when
 * instantiating, as V8 and the JS API conformance tests' limits.any.js have it): a defined
 * table's initial size above 10,000,000 elements. Checked before anything is allocated.
 */
function checkInstantiationLimits(info: ModuleInfo): void {
  for (let index = info.importedTableCount; index < info.tables.length; index++) {
    const initial = info.tables[index].limits.min;
    if (initial > MAX_TABLE_SIZE) {
      throw new RangeError(`initial table size (${initial} elements) is larger than implementation limit (${MAX_TABLE_SIZE} elements)`);
    }
  }
}

export function instantiateCompiledModule(module: CompiledModule, importObject: unknown): InstantiatedModule {
  const { info, layout } = module;
  const imports = resolveImports(info, importObject);
  checkInstantiationLimits(info);
  const store = chooseStore(imports);

  // The native part in one call (instance-plan.ts): the vmctx from the template (type ids,
  // the escaping defined functions' FuncRefs, constant globals, data segment descriptors,
  // imports as JavaScript functions with their contexts), the defined memories and tables,
  // and the active segments when none of them can trap.
  const template = vmctxTemplateOf(module);
  const plan = instancePlanOf(module);
  const hostIdBase = nextHostId;
  nextHostId += info.importedFunctionCount;
  // The JavaScript functions among the imports, for host calls from C++ (numbers only).
  let hostCallables: unknown[] | undefined;
  if (template.hostSignatures !== undefined) {
    hostCallables = [];
    for (const entry of imports) {
      if (entry.kind === ExternalKind.Function) hostCallables.push(entry.exported === undefined ? entry.object : undefined);
    }
  }
  const built = buildInstance(template.bytes, plan.words, plan.funcRefOffsets, hostIdBase, plan.memoryCount, plan.tableCount, hostCallables, template.hostSignatures);
  const state = new InstanceState(module, store, built.vmctx);
  const { view } = state;
  store.addInstance(state);
  // A lazily compiled module: every defined function's FuncRef, its code or its lazy stub.
  if (module.lazy !== undefined) installLazyFuncRefs(state);

  // Imports, in index order within each kind. A JavaScript function keeps the template's
  // FuncRef and its context (hostId hostIdBase + index); a wasm function's FuncRef is copied.
  let functionIndex = 0;
  for (const entry of imports) {
    switch (entry.kind) {
      case ExternalKind.Function: {
        const index = functionIndex++;
        if (entry.exported !== undefined) {
          // The FuncRef is copied: a lazy stub must become code first, or the copy would stay a stub.
          entry.exported.ensureCompiled?.();
          const source = new Uint8Array(entry.exported.funcRefBytes.buffer, entry.exported.funcRefBytes.offset, 24);
          new Uint8Array(state.vmctx.buffer, layout.funcRef(index), 24).set(source);
          state.functions[index] = entry.object;
          break;
        }
        const hostImport = template.hostImports[index];
        if (hostImport === undefined) throw new Error(`internal error: no host trampoline for type ${info.functionTypeIndices[index]}`);
        const { params, results, hasV128 } = hostImport;
        store.addHostFunction(hostIdBase + index, { callable: entry.object, params, results, hasV128 });
        break;
      }
      case ExternalKind.Table:
        view.setBigUint64(layout.tableDefinitionPointer(state.tables.length), entry.table.native.definition, true);
        state.tables.push(entry.object);
        state.tableInstances.push(entry.table);
        break;
      case ExternalKind.Memory:
        view.setBigUint64(layout.memoryDefinitionPointer(state.memories.length), entry.linear.definition, true);
        state.memories.push(entry.object);
        break;
      case ExternalKind.Global: {
        const index = state.globals.length;
        let global: object;
        if (entry.object !== undefined) {
          global = entry.object;
        } else {
          // JS API: a plain value becomes a new immutable global.
          const { cell, owner } = allocateGlobalCell();
          writeCell(cell, entry.type.type, toWebAssemblyValue(entry.value, entry.type.type, store));
          global = makeGlobalObject({ type: entry.type, cell, store, owner });
        }
        state.globals.push(global);
        view.setBigUint64(layout.importedGlobalPointer(index), globalInstanceOf(global)!.cell.address, true);
        break;
      }
    }
  }

  // Defined memories (made by buildInstance), as JS API objects; defined tables as the
  // runtime's, their JS API objects made when first needed (InstanceState.tableObject).
  built.memories.forEach((linear, i) => state.memories.push(memoryObject({ linear, maximum: info.memories[info.importedMemoryCount + i].max })));
  built.tables.forEach((native, i) => {
    const { elementType, limits } = info.tables[info.importedTableCount + i];
    state.tableInstances.push({ native, elementType, maximum: limits.max, store });
    state.tables.push(undefined);
  });

  // Defined globals, initialised in order from imported globals and this instance's functions.
  const context: ConstantContext = {
    importedGlobalBits: (index) => {
      const global = globalInstanceOf(state.globals[index])!;
      return global.type.type === ValType.V128 ? readCellBytes(global.cell) : readCellBits(global.cell, global.type.type);
    },
    functionReference: (index) => state.funcRefAddress(index),
  };
  for (const index of template.instanceGlobals) {
    const global = info.globals[index];
    writeGlobalCell(view, layout.definedGlobalCell(index), global.type.type, evaluateConstant(global.init!, context));
  }

  // Passive element segments' values, and the active ones' when they are applied here.
  const elementValues = plan.appliesSegments && !plan.hasPassiveElements ? undefined : describeSegments(state, context);
  const exports = createExportsObject(state);
  if (!plan.appliesSegments) initializeActiveSegments(state, context, elementValues!);

  if (info.start !== undefined) {
    const index = info.start.functionIndex;
    const entry = module.entryTrampolines.get(info.functionTypeIndices[index]);
    if (entry === undefined) throw new Error('internal error: no entry trampoline for the start function');
    invokeOrThrow(store, entry, state.funcRefAddress(index), 0);
  }
  return { state, exports };
}

/** The Global object of global `index` (defined globals get one on first export). */
function globalObject(state: InstanceState, index: number): object {
  let global = state.globals[index];
  if (global === undefined) {
    const { layout, info } = state.module;
    const offset = layout.definedGlobalCell(index);
    const cell: GlobalCell = { address: state.vmctxAddress + BigInt(offset), view: state.view, offset };
    global = makeGlobalObject({ type: info.globals[index].type, cell, store: state.store, owner: state });
    state.globals[index] = global;
  }
  return global;
}

/**
 * JS API "create an exports object": a frozen, null-prototype object, exports in order.
 * Plain assignments then freeze give the same properties as defining each one enumerable,
 * non-writable and non-configurable, for less work (no property descriptor per export).
 * Export names are distinct (validation), and on a null-prototype object `__proto__` is an
 * ordinary name.
 */
function createExportsObject(state: InstanceState): Record<string, unknown> {
  const exports = Object.create(null) as Record<string, unknown>;
  for (const entry of state.module.info.exports) {
    let value: unknown;
    switch (entry.kind) {
      case ExternalKind.Function: value = state.functionObject(entry.index); break;
      case ExternalKind.Table: value = state.tableObject(entry.index); break;
      case ExternalKind.Memory: value = state.memories[entry.index]; break;
      case ExternalKind.Global: value = globalObject(state, entry.index); break;
    }
    exports[entry.name] = value;
  }
  return Object.freeze(exports);
}
