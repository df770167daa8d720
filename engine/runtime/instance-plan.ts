// Runtime: what the native instance builder (native/src/instance_builder.cc, through
// addon.ts buildInstance) does for every instance of a module, written once per module as
// 32-bit words (Core spec §4.5.4 "Instantiation", the steps that need no JavaScript): the
// vmctx fields that hold an address inside the vmctx (the escaping functions' FuncRef.vmctx,
// and each imported function's FuncRef.vmctx, its HostFunctionContext), the host contexts'
// place, the defined memories and tables with their vmctx fields, and — when no active
// segment of the module can trap — the active segments: element segments of function
// indices as { table, start, FuncRef offsets } and the data segments' copy plan
// (segments.ts). A module whose segments might trap (an imported table or memory, an offset
// from a global, a segment beyond the initial size) leaves them to segments.ts, which checks
// each in order.

import type { ModuleInfo } from '../binary/module-info.js';
import { FuncRef, WASM_PAGE_BYTES } from '../abi/abi.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { Op } from '../wasm/opcodes.js';
import { moduleDataOf } from './segments.js';
import { vmctxTemplateOf } from './vmctx-template.js';

export interface InstancePlan {
  /** The words buildInstance reads (their order: instance_builder.cc's header comment). */
  readonly words: Uint32Array;
  /** The FuncRef offsets the element writes index (segments.ts ModuleData.funcRefOffsets). */
  readonly funcRefOffsets: Uint32Array;
  /** Defined memories and tables, which buildInstance creates. */
  readonly memoryCount: number;
  readonly tableCount: number;
  /** Whether buildInstance applies the active segments; if not, segments.ts does. */
  readonly appliesSegments: boolean;
  /** Whether the module has passive element segments (their values are per instance: segments.ts). */
  readonly hasPassiveElements: boolean;
}

const HEADER_WORDS = 9;
const NO_MAXIMUM = 0xffffffff;
const plans = new WeakMap<CompiledModule, InstancePlan>();

/** Whether every active segment fits what the instance itself creates, whatever the imports. */
function segmentsCannotTrap(module: CompiledModule): boolean {
  const { info } = module;
  for (const segment of info.elements) {
    if (segment.mode !== 'active') continue;
    const offset = segment.offsetExpression!;
    if (segment.functionIndices === undefined || segment.tableIndex < info.importedTableCount || offset.opcode !== Op.I32Const) return false;
    if (((offset.value as number) >>> 0) + segment.functionIndices.length > info.tables[segment.tableIndex].limits.min) return false;
  }
  let activeData = false;
  for (let i = 0; i < info.data.length; i++) activeData ||= info.data.isActive(i);
  if (!activeData) return true;
  const data = moduleDataOf(module);
  return data.constantPlan !== undefined && info.importedMemoryCount === 0 && data.constantPlanEnd <= info.memories[0].min * WASM_PAGE_BYTES;
}

function definedTableOrdinal(info: ModuleInfo, tableIndex: number): number {
  return tableIndex - info.importedTableCount;
}

export function instancePlanOf(module: CompiledModule): InstancePlan {
  let plan = plans.get(module);
  if (plan !== undefined) return plan;
  const { info, layout } = module;
  const template = vmctxTemplateOf(module);
  const data = moduleDataOf(module);
  const appliesSegments = segmentsCannotTrap(module);

  const relocations: number[] = [];
  for (const offset of template.selfPointers) relocations.push(offset, 0);
  for (let index = 0; index < info.importedFunctionCount; index++) relocations.push(layout.funcRef(index) + FuncRef.vmctx, layout.hostContext(index));

  const memories: number[] = [];
  for (let index = info.importedMemoryCount; index < info.memories.length; index++) {
    const { min, max } = info.memories[index];
    memories.push(min, max ?? NO_MAXIMUM, layout.memoryDefinitionPointer(index));
  }
  const tables: number[] = [];
  for (let index = info.importedTableCount; index < info.tables.length; index++) {
    const { min, max } = info.tables[index].limits;
    tables.push(min, max ?? NO_MAXIMUM, layout.tableDefinitionPointer(index));
  }
  const elementWrites: number[] = [];
  let dataCopies = 0;
  if (appliesSegments) {
    info.elements.forEach((segment, i) => {
      if (segment.mode !== 'active') return;
      const start = (segment.offsetExpression!.value as number) >>> 0;
      elementWrites.push(definedTableOrdinal(info, segment.tableIndex), start, data.funcRefStarts[i], data.funcRefStarts[i + 1]);
    });
    dataCopies = data.constantPlanCount;
  }
  const planAddress = dataCopies > 0 ? data.constantPlan!.address : 0n;
  const header = [
    relocations.length / 2,
    info.importedFunctionCount,
    layout.hostContextsOffset,
    memories.length / 3,
    tables.length / 3,
    elementWrites.length / 4,
    dataCopies,
    Number(planAddress & 0xffffffffn),
    Number(planAddress >> 32n),
  ];
  // Set part by part: a module may have 100,000 functions, too many for one push(...spread).
  const words = new Uint32Array(HEADER_WORDS + relocations.length + memories.length + tables.length + elementWrites.length);
  let position = 0;
  for (const part of [header, relocations, memories, tables, elementWrites]) {
    words.set(part, position);
    position += part.length;
  }
  plan = {
    words,
    funcRefOffsets: data.funcRefOffsets,
    memoryCount: memories.length / 3,
    tableCount: tables.length / 3,
    appliesSegments,
    hasPassiveElements: info.elements.some((segment) => segment.mode === 'passive'),
  };
  plans.set(module, plan);
  return plan;
}
