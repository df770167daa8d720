// Stage: baseline compile (docs/RATIONALE.md "Why a baseline compiler in C++ as well?"). The
// module described to the C++ port of the baseline compiler (native/src/baseline_compiler.cc,
// which gives the same bytes as baseline-function.ts for every unit): what that compiler
// reads of ModuleInfo and of the vmctx layout, as the typed arrays of
// NativeBaselineDescription, built once per module when its first unit is compiled.

import type { ModuleInfo } from '../binary/module-info.js';
import type { VmctxLayout } from '../abi/vmctx-layout.js';
import { GLOBAL_CELL_BYTES } from '../abi/abi.js';
import { compileBaselineUnit, createBaselineModule, type NativeBaselineDescription, type NativeBaselineModule, type NativeBaselineUnit } from '../native/addon.js';

/** The description of `module` for the C++ baseline compiler. */
export function describeForNativeBaseline(module: ModuleInfo, layout: VmctxLayout, tiered: boolean, tlsOffset: number): NativeBaselineDescription {
  let typeBytes = 0;
  for (const type of module.types) typeBytes += 8 + type.params.length + type.results.length;
  const types = new Uint8Array(typeBytes);
  const typeView = new DataView(types.buffer);
  let at = 0;
  for (const type of module.types) {
    for (const list of [type.params, type.results]) {
      typeView.setUint32(at, list.length, true);
      at += 4;
      for (const value of list) types[at++] = value;
    }
  }

  const bodies = new Uint32Array(3 * module.functionBodies.length);
  let groups = 0;
  for (const body of module.functionBodies) groups += body.locals.length;
  const locals = new Uint32Array(2 * groups);
  let group = 0;
  module.functionBodies.forEach((body, i) => {
    bodies[3 * i] = body.codeStart;
    bodies[3 * i + 1] = body.end;
    bodies[3 * i + 2] = body.locals.length;
    for (const declaration of body.locals) {
      locals[group++] = declaration.count;
      locals[group++] = declaration.type;
    }
  });

  return {
    bytes: module.bytes,
    tiered,
    tlsOffset,
    importedFunctionCount: module.importedFunctionCount,
    importedGlobalCount: module.importedGlobalCount,
    memoryCount: module.memories.length,
    types,
    functionTypeIndices: Uint32Array.from(module.functionTypeIndices),
    bodies,
    locals,
    globalTypes: Uint8Array.from(module.globals, (global) => global.type.type),
    // VmctxOffsets (baseline_compiler.h), in its fields' order.
    offsets: Int32Array.of(
      layout.typeIdsOffset,
      layout.memoriesOffset,
      layout.tablesOffset,
      layout.importedGlobalsOffset,
      layout.definedGlobalsOffset,
      GLOBAL_CELL_BYTES,
      layout.funcRefsOffset,
      layout.tierUpContextOffset,
      layout.tierCountersOffset,
      layout.osrFlagsOffset,
    ),
  };
}

/** A module's C++ baseline compiler: described on first use. */
export class NativeBaselineCompiler {
  private handle: NativeBaselineModule | undefined;

  constructor(private readonly describe: () => NativeBaselineDescription) {}

  /** Unit `functions` compiled in C++; undefined when the baseline does not take it. */
  compileUnit(functions: readonly number[]): NativeBaselineUnit | undefined {
    this.handle ??= createBaselineModule(this.describe());
    return compileBaselineUnit(this.handle, Uint32Array.from(functions));
  }
}
