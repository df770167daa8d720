// Runtime: the lazy stubs of a lazily compiled module (compile/lazy-code.ts). At
// instantiation every defined function's FuncRef gets either its compiled code, or its lazy
// stub: its type's host trampoline, with a HostFunctionContext in the instance's vmctx
// (VmctxLayout.lazyContext) as vmctx, whose hostId says which instance (a serial the store
// maps back) and which function. A call through the stub arrives at the host-call handler
// (calls.ts), which passes lazy hostIds here: compile the function's code unit, patch this
// instance's FuncRefs of the unit (every later call, from wasm or JS, goes straight to the
// code: calls to other units, call_indirect, exports and ref.func all go through FuncRefs),
// then call the function with the arguments the stub spilled — through its type's entry
// trampoline, in a nested invoke — and leave its results where the stub returns them from.
// A trap in the call becomes a RuntimeError with its message, as if the stub were not there.

import { HostFunctionContext } from '../abi/abi.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { slotCount } from '../translate/ir-types.js';
import type { ValType } from '../wasm/value-types.js';
import { invokeInStore, setLazyCallHandler, trapError } from './calls.js';
import type { InstanceState } from './instance-state.js';
import type { Store } from './store.js';

/** Lazy stubs' hostIds start here (host functions count up from 1, far below). */
export const LAZY_HOST_ID_BASE = 2 ** 40;
/** hostIds per instance: more than the engine's limit of functions per module. */
const LAZY_HOST_IDS_PER_INSTANCE = 2 ** 24;
/** Instances that can get lazy stubs in one process, so that every hostId stays a safe integer. */
const MAX_LAZY_INSTANCES = Math.floor((Number.MAX_SAFE_INTEGER - LAZY_HOST_ID_BASE) / LAZY_HOST_IDS_PER_INSTANCE);

let nextSerial = 0;

function slotTotal(types: readonly ValType[]): number {
  let total = 0;
  for (const type of types) total += slotCount(type);
  return total;
}

/** Per type index: [parameter slots, result slots]. */
const slotsByModule = new WeakMap<CompiledModule, Uint32Array>();

function typeSlots(module: CompiledModule): Uint32Array {
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
 * Writes the FuncRef of every defined function of a lazily compiled module into a new
 * instance: its code if its unit is compiled, else its lazy stub and the stub's context.
 */
export function installLazyFuncRefs(state: InstanceState): void {
  const { module, view, store } = state;
  const { info, layout } = module;
  if (nextSerial >= MAX_LAZY_INSTANCES) throw new RangeError('too many instances of lazily compiled modules in this process');
  const serial = nextSerial++;
  store.addLazyInstance(serial, state);
  const base = LAZY_HOST_ID_BASE + serial * LAZY_HOST_IDS_PER_INSTANCE;
  const slots = typeSlots(module);
  const imported = info.importedFunctionCount;
  for (let index = imported; index < info.functionTypeIndices.length; index++) {
    const typeIndex = info.functionTypeIndices[index];
    const typeId = module.typeIds[typeIndex];
    const code = module.functionCode[index];
    if (code !== 0n) {
      state.writeFuncRef(index, code, typeId, state.vmctxAddress);
      continue;
    }
    const context = layout.lazyContext(index, imported);
    const hostId = base + index;
    view.setUint32(context + HostFunctionContext.hostId, hostId % 2 ** 32, true);
    view.setUint32(context + HostFunctionContext.hostId + 4, Math.floor(hostId / 2 ** 32), true);
    view.setUint32(context + HostFunctionContext.paramSlots, slots[2 * typeIndex], true);
    view.setUint32(context + HostFunctionContext.resultSlots, slots[2 * typeIndex + 1], true);
    const stub = module.hostTrampolines.get(typeIndex);
    if (stub === undefined) throw new Error(`internal error: no host trampoline for the lazy stub of type ${typeIndex}`);
    state.writeFuncRef(index, stub, typeId, state.vmctxAddress + BigInt(context));
  }
}

/** Compiles function `index`'s unit (if needed) and points this instance's FuncRefs of the unit at the code. */
export function compileLazyFunction(state: InstanceState, index: number): void {
  const { module } = state;
  const lazy = module.lazy;
  if (lazy === undefined) return;
  lazy.ensureCompiled(index);
  const { info } = module;
  for (const functionIndex of lazy.units.units[lazy.unitOf(index)]) {
    state.writeFuncRef(functionIndex, module.functionCode[functionIndex], module.typeIds[info.functionTypeIndices[functionIndex]], state.vmctxAddress);
  }
}

/** The host-call handler's part for lazy stubs (hostId ≥ LAZY_HOST_ID_BASE). */
function handleLazyCall(store: Store, hostId: number): void {
  const offset = hostId - LAZY_HOST_ID_BASE;
  const serial = Math.floor(offset / LAZY_HOST_IDS_PER_INSTANCE);
  const index = offset - serial * LAZY_HOST_IDS_PER_INSTANCE;
  const state = store.lazyInstance(serial) as InstanceState | undefined;
  if (state === undefined) throw new Error(`internal error: lazy stub ${hostId} of no instance in the running store`);
  state.module.lazy?.noteStubCall();
  compileLazyFunction(state, index);
  const { module } = state;
  const typeIndex = module.info.functionTypeIndices[index];
  const entry = module.entryTrampolines.get(typeIndex);
  if (entry === undefined) throw new Error(`internal error: no entry trampoline for type ${typeIndex}`);
  const slots = typeSlots(module);
  // The arguments are in the scratch slots (the stub spilled them); the results go there too.
  const code = invokeInStore(store, entry, state.funcRefAddress(index), Math.max(slots[2 * typeIndex], slots[2 * typeIndex + 1]));
  if (code !== 0) throw trapError(code);
}

setLazyCallHandler(handleLazyCall);
