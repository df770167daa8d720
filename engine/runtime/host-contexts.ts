// Runtime: HostFunctionContexts (abi/abi.ts), the `vmctx` a host trampoline passes to the
// runtime when wasm calls out: which host function (its hostId) and how many 8-byte slots its
// parameters and results take. Written for JavaScript imports at instantiation
// (instantiation.ts) and for lazy stubs and tier-up calls (lazy-calls.ts).

import { HostFunctionContext } from '../abi/abi.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { slotCount } from '../translate/ir-types.js';
import type { ValType } from '../wasm/value-types.js';

function slotTotal(types: readonly ValType[]): number {
  let total = 0;
  for (const type of types) total += slotCount(type);
  return total;
}

/** Per type index: [parameter slots, result slots]. */
const slotsByModule = new WeakMap<CompiledModule, Uint32Array>();

/** The slot counts of each of the module's types, at 2 × typeIndex and 2 × typeIndex + 1; made once per module. */
export function typeSlots(module: CompiledModule): Uint32Array {
  let slots = slotsByModule.get(module);
  if (slots === undefined) {
    slots = new Uint32Array(module.info.types.length * 2);
    module.info.types.forEach((type, index) => {
      slots![2 * index] = slotTotal(type.params);
      slots![2 * index + 1] = slotTotal(type.results);
    });
    slotsByModule.set(module, slots);
  }
  return slots;
}

/**
 * A HostFunctionContext at `offset` of a block whose bytes start zero (so the high halves of
 * the slot counts are 0), written as 32-bit halves: no BigInt per function.
 */
export function writeHostContext(view: DataView, offset: number, hostId: number, paramSlots: number, resultSlots: number): void {
  view.setUint32(offset + HostFunctionContext.hostId, hostId % 2 ** 32, true);
  view.setUint32(offset + HostFunctionContext.hostId + 4, Math.floor(hostId / 2 ** 32), true);
  view.setUint32(offset + HostFunctionContext.paramSlots, paramSlots, true);
  view.setUint32(offset + HostFunctionContext.resultSlots, resultSlots, true);
}
