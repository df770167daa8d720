// Runtime: HostFunctionContexts (abi/abi.ts), the `vmctx` a host trampoline passes to the
// runtime when wasm calls out: which host function (its hostId) and how many 8-byte slots its
// parameters and results take. Written for JavaScript imports at instantiation
// (instantiation.ts) and for lazy stubs and tier-up calls (lazy-calls.ts). And the signature
// bytes with which an import of numbers only is called from C++ (native/src/fast_host_calls.h).

import { HostFunctionContext } from '../abi/abi.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { slotCount } from '../translate/ir-types.js';
import { ValType } from '../wasm/value-types.js';

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

/** Value kinds of the signature bytes (fast_host_calls.cc ValueKind). */
const FAST_KIND: Partial<Record<ValType, number>> = { [ValType.I32]: 1, [ValType.I64]: 2, [ValType.F32]: 3, [ValType.F64]: 4 };
/** The signature bytes of an import whose host calls go to the JavaScript handler. */
export const NOT_FAST_HOST = 0xff;
const MAX_FAST_PARAMS = 16;

/**
 * Appends an imported function's signature bytes for host calls from C++: its parameter
 * count, each parameter's kind and its result's kind (0: none) when the parameters are
 * numbers (at most 16) and there is at most one result, a number; else NOT_FAST_HOST. Returns
 * whether it is eligible.
 */
export function appendFastHostSignature(bytes: number[], params: readonly ValType[], results: readonly ValType[]): boolean {
  const kinds = params.map((type) => FAST_KIND[type]);
  const result = results.length === 0 ? 0 : results.length === 1 ? FAST_KIND[results[0]] : undefined;
  if (params.length > MAX_FAST_PARAMS || result === undefined || kinds.some((kind) => kind === undefined)) {
    bytes.push(NOT_FAST_HOST);
    return false;
  }
  bytes.push(params.length, ...(kinds as number[]), result);
  return true;
}
