// Runtime: the part of an instance's vmctx (abi/vmctx-layout.ts) that is the same in every
// instance of a CompiledModule, made with the Module (api/module.ts; at the first
// instantiation when the vmctx is very large) and copied into each new vmctx in one go
// (Core spec §4.5.4 "Instantiation": the steps that do not depend on the imports): the
// function types' registry ids, the FuncRef { code, typeId } of every defined function that
// escapes (its vmctx field is the instance's own address, written after the copy at the
// offsets listed), the cells of defined globals whose initialiser is a constant, and the data
// segments' descriptors (the module's data bytes are shared: segments.ts); and for imported
// functions, what a JavaScript import needs: the FuncRef's host trampoline and type id, its
// HostFunctionContext's slot counts (host-contexts.ts), and its signature for the store.

import { FuncRef } from '../abi/abi.js';
import { signatureHasV128 } from './value-conversion.js';
import { appendFastHostSignature, NOT_FAST_HOST, typeSlots, writeHostContext } from './host-contexts.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { Op } from '../wasm/opcodes.js';
import { ValType } from '../wasm/value-types.js';
import { SegmentDescriptor } from '../abi/vmctx-layout.js';
import { CONSTANTS_ONLY, evaluateConstant } from './constant-expressions.js';
import { moduleDataOf } from './segments.js';

/** What an imported function needs when it turns out to be a JavaScript function: worked out once per module. */
export interface HostImportPlan {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly hasV128: boolean;
}

export interface VmctxTemplate {
  /**
   * The vmctx bytes every instance starts from; an imported function's FuncRef holds the host
   * trampoline of its type and its type id, ready for a JavaScript import (a wasm function's
   * import overwrites it, and a host import adds its context's address).
   */
  readonly bytes: Uint8Array;
  /** Per imported function; undefined when its type has no host trampoline (a JavaScript function cannot be given). */
  readonly hostImports: readonly (HostImportPlan | undefined)[];
  /**
   * The imported functions' signature bytes for host calls from C++ (host-contexts.ts
   * appendFastHostSignature), in index order; undefined when none is eligible.
   */
  readonly hostSignatures: Uint8Array | undefined;
  /** Offsets of the FuncRef.vmctx fields that hold the instance's own address. */
  readonly selfPointers: readonly number[];
  /** Defined globals (by index) whose initialiser needs the instance: global.get, ref.func. */
  readonly instanceGlobals: readonly number[];
}

const templates = new WeakMap<CompiledModule, VmctxTemplate>();

export function vmctxTemplateOf(module: CompiledModule): VmctxTemplate {
  let template = templates.get(module);
  if (template !== undefined) return template;
  const { info, layout } = module;
  const bytes = new Uint8Array(layout.size);
  const view = new DataView(bytes.buffer);
  module.typeIds.forEach((id, typeIndex) => view.setBigUint64(layout.typeId(typeIndex), id, true));

  // Imported functions, as JavaScript functions until an import says otherwise.
  const slots = typeSlots(module);
  const hostImports: (HostImportPlan | undefined)[] = [];
  const signatureBytes: number[] = [];
  let anyFast = false;
  for (let index = 0; index < info.importedFunctionCount; index++) {
    const typeIndex = info.functionTypeIndices[index];
    const type = info.types[typeIndex];
    const trampoline = module.hostTrampolines.get(typeIndex);
    hostImports.push(trampoline === undefined ? undefined : { params: type.params, results: type.results, hasV128: signatureHasV128(type) });
    if (trampoline === undefined) {
      signatureBytes.push(NOT_FAST_HOST);
      continue;
    }
    anyFast = appendFastHostSignature(signatureBytes, type.params, type.results) || anyFast;
    const offset = layout.funcRef(index);
    view.setBigUint64(offset + FuncRef.code, trampoline, true);
    view.setBigUint64(offset + FuncRef.typeId, module.typeIds[typeIndex], true);
    // Its context's slot counts; the hostId is the instance's (instance-plan.ts), and so is
    // the FuncRef's vmctx, the context's address.
    writeHostContext(view, layout.hostContext(index), 0, slots[2 * typeIndex], slots[2 * typeIndex + 1]);
  }

  const selfPointers: number[] = [];
  for (let index = info.importedFunctionCount; index < info.functionTypeIndices.length; index++) {
    const code = module.functionCode[index];
    if (code === 0n) continue;
    const offset = layout.funcRef(index);
    view.setBigUint64(offset + FuncRef.code, code, true);
    view.setBigUint64(offset + FuncRef.typeId, module.typeIds[info.functionTypeIndices[index]], true);
    selfPointers.push(offset + FuncRef.vmctx);
  }

  const instanceGlobals: number[] = [];
  for (let index = info.importedGlobalCount; index < info.globals.length; index++) {
    const global = info.globals[index];
    const opcode = global.init!.opcode;
    if (opcode === Op.GlobalGet || opcode === Op.RefFunc) {
      instanceGlobals.push(index);
      continue;
    }
    writeGlobalCell(view, layout.definedGlobalCell(index), global.type.type, evaluateConstant(global.init!, CONSTANTS_ONLY));
  }

  // Data segment descriptors, as 32-bit halves (a module may have 100,000 segments).
  const data = moduleDataOf(module);
  const baseLow = Number(data.block.address & 0xffffffffn);
  const baseHigh = Number(data.block.address >> 32n);
  const segments = info.data;
  for (let i = 0; i < segments.length; i++) {
    // Active segments count as dropped once instantiation has applied them.
    const length = segments.isActive(i) ? 0 : segments.dataEnd(i) - segments.dataStart(i);
    const offset = layout.dataSegment(i);
    const addressLow = baseLow + data.offsets[i];
    view.setUint32(offset + SegmentDescriptor.address, addressLow >>> 0, true);
    view.setUint32(offset + SegmentDescriptor.address + 4, baseHigh + Math.floor(addressLow / 0x100000000), true);
    view.setUint32(offset + SegmentDescriptor.length, length, true);
  }

  const hostSignatures = anyFast ? Uint8Array.from(signatureBytes) : undefined;
  template = { bytes, hostImports, hostSignatures, selfPointers, instanceGlobals };
  templates.set(module, template);
  return template;
}

/** Writes a defined global's initial value (raw bits, or 16 bytes for v128) into its cell. */
export function writeGlobalCell(view: DataView, offset: number, type: ValType, value: bigint | Uint8Array): void {
  if (value instanceof Uint8Array) new Uint8Array(view.buffer, view.byteOffset + offset, 16).set(value);
  else if (type === ValType.I32 || type === ValType.F32) view.setUint32(offset, Number(value), true);
  else view.setBigUint64(offset, value, true);
}
