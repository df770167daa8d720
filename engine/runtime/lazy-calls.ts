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
//
// Tiered modules (tiering: 'tiered'): baseline code counts down a per-function counter in
// the vmctx at each entry and loop iteration; below zero it calls wasm_rt_host_call with
// the instance's tier-up context (the last hostId of its range) and the function index.
// That call re-arms the counter and installs every function whose top-tier code has finished
// in every live instance (as does the background poll, from the first check after a compile
// finishes: installFinishedBackgroundWork). Once the function has been hot (since its first
// such call) about as long as its top-tier compile is expected to take
// (LazyCode.hotLongEnough), a call from the function's entry (calls make it hot) asks for its
// top tier (compile/lazy-code.ts); a call from a loop header (a long call made it hot) starts
// the function's OSR countdown instead. When the countdown runs out at an OSR candidate loop
// the baseline calls the same way with the loop's ordinal + 1 (translate/emit-osr.ts): the
// first such call starts the compile of an OSR entry for that loop and the candidate loops
// after it, and the answer in slot 0 is the entry's address, or 0 with the countdown off
// until the loop's counter next runs out.
// A function that transfers twice is called again and again: its top tier is asked for.

import { TIER_UP_FROM_LOOP } from '../abi/abi.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { holdingCompileStarts, pollBackgroundWorkNow, tierUpPayoffMicrosecondsPerByte } from '../compile/lazy-code.js';
import { setBackgroundPoll } from '../native/addon.js';
import { slotViews } from './slots.js';
import { typeSlots, writeHostContext } from './host-contexts.js';
import { invokeInStore, setLazyCallHandler, trapError } from './calls.js';
import type { Store, StoreInstance } from './store.js';

/**
 * What this file needs of an instance (runtime/instance-state.ts's InstanceState, which
 * imports this file: named structurally here so that the two do not import each other).
 */
export interface LazyInstance extends StoreInstance {
  readonly module: CompiledModule;
  readonly view: DataView;
  readonly store: Store;
  readonly vmctxAddress: bigint;
  funcRefAddress(index: number): bigint;
  writeFuncRef(index: number, code: bigint, typeId: bigint, vmctx: bigint): void;
}

/** Lazy stubs' hostIds start here (host functions count up from 1, far below). */
export const LAZY_HOST_ID_BASE = 2 ** 40;
/** hostIds per instance: more than the engine's limit of functions per module. */
const LAZY_HOST_IDS_PER_INSTANCE = 2 ** 24;
/** Instances that can get lazy stubs in one process, so that every hostId stays a safe integer. */
const MAX_LAZY_INSTANCES = Math.floor((Number.MAX_SAFE_INTEGER - LAZY_HOST_ID_BASE) / LAZY_HOST_IDS_PER_INSTANCE);

let nextSerial = 0;
/** The hostId offset of an instance's tier-up context (the last of its range, above any function). */
const TIER_UP_ID = LAZY_HOST_IDS_PER_INSTANCE - 1;
/**
 * Default counts (entries plus loop iterations) between a function's tier-up calls. 50,000
 * when the baseline was LLVM's O0; with the engine's own baseline compiler (engine/baseline/),
 * whose code runs about as fast and whose tier-up calls cost a cold translation on the main
 * thread, 1,000,000 gave shorter cold runs in two alternating PolyBench runs (total / Cranelift
 * 1.53× → 1.31× and 2.72× → 1.73×, seeds 111 and 113) and the same warm glue-package
 * geomean (1.062× → 1.055× Node, seed 112).
 */
export const DEFAULT_TIER_UP_THRESHOLD = 1_000_000;
/**
 * The default when the module keeps its top tier in the code cache (LazyCode.topTierCached).
 * A compile that reaches the cache is paid once for every later run, so a function that runs
 * a few hundred thousand counts per run is worth it there, and at 1,000,000 such functions
 * never joined the profile: sql-js's workload, its cache converged over 8 runs, still spent
 * 19% of its samples in baseline code (1.7% at 100,000) and ran 1.39-1.42 s against
 * 1.13-1.33 s (docs/RATIONALE.md, "How does tier-up work, and why poll instead of a callback?").
 */
export const CACHED_TIER_UP_THRESHOLD = 100_000;

/**
 * WASM_LLVM_TIER_UP_THRESHOLD (for tests and measurements: low values tier up at once), else
 * the default: lower when the module's top tier goes to the code cache (`cached`).
 */
export function tierUpThreshold(cached: boolean): number {
  const setting = process.env.WASM_LLVM_TIER_UP_THRESHOLD;
  if (setting === undefined || setting === '') return cached ? CACHED_TIER_UP_THRESHOLD : DEFAULT_TIER_UP_THRESHOLD;
  const value = Number(setting);
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`WASM_LLVM_TIER_UP_THRESHOLD must be an integer in [0, 2^31) (got ${setting})`);
  return value;
}

/**
 * Writes the FuncRef of every defined function of a lazily compiled module into a new
 * instance: its code if its unit is compiled, else its lazy stub and the stub's context.
 */
export function installLazyFuncRefs(state: LazyInstance): void {
  const { module, view, store } = state;
  const { info, layout } = module;
  if (nextSerial >= MAX_LAZY_INSTANCES) throw new RangeError('too many instances of lazily compiled modules in this process');
  const serial = nextSerial++;
  store.addLazyInstance(serial, state);
  const base = LAZY_HOST_ID_BASE + serial * LAZY_HOST_IDS_PER_INSTANCE;
  const slots = typeSlots(module);
  const imported = info.importedFunctionCount;
  if (module.lazy?.tiered === true) {
    writeHostContext(view, layout.tierUpContextOffset, base + TIER_UP_ID, 2, 1);
    // Both settings are read (and a bad one refused) here, not in a tier-up call.
    const threshold = tierUpThreshold(module.lazy.topTierCached);
    module.lazy.countsBetweenTierUps = threshold;
    module.lazy.payoffMicrosecondsPerByte = tierUpPayoffMicrosecondsPerByte(module.lazy.topTierCached);
    for (let index = imported; index < info.functionTypeIndices.length; index++) view.setInt32(layout.tierCounter(index, imported), threshold, true);
    module.lazy.registerInstance(state);
    installBackgroundPoll();
  }
  for (let index = imported; index < info.functionTypeIndices.length; index++) {
    const typeIndex = info.functionTypeIndices[index];
    const typeId = module.typeIds[typeIndex];
    const code = module.functionCode[index];
    if (code !== 0n) {
      state.writeFuncRef(index, code, typeId, state.vmctxAddress);
      continue;
    }
    const context = layout.lazyContext(index, imported);
    writeHostContext(view, context, base + index, slots[2 * typeIndex], slots[2 * typeIndex + 1]);
    const stub = module.hostTrampolines.get(typeIndex);
    if (stub === undefined) throw new Error(`internal error: no host trampoline for the lazy stub of type ${typeIndex}`);
    state.writeFuncRef(index, stub, typeId, state.vmctxAddress + BigInt(context));
  }
}

/** Compiles function `index`'s unit (if needed) and points this instance's FuncRefs of the unit at the code. */
export function compileLazyFunction(state: LazyInstance, index: number): void {
  const { module } = state;
  const lazy = module.lazy;
  if (lazy === undefined) return;
  lazy.ensureCompiled(index);
  const { info } = module;
  for (const functionIndex of lazy.units.units[lazy.unitOf(index)]) {
    state.writeFuncRef(functionIndex, module.functionCode[functionIndex], module.typeIds[info.functionTypeIndices[functionIndex]], state.vmctxAddress);
  }
}

/**
 * A counter of baseline function `index` ran out in `state`: re-arm it, ask for its
 * top tier (once), and install every finished top-tier function in every live instance.
 */
function tierUp(state: LazyInstance, index: number, fromLoop: boolean): void {
  const { module } = state;
  const lazy = module.lazy!;
  const imported = module.info.importedFunctionCount;
  lazy.noteTierUpCall(index);
  state.view.setInt32(module.layout.tierCounter(index, imported), lazy.countsBetweenTierUps, true);
  if (!lazy.hotLongEnough(index)) {
    // Not yet: its compile would likely end after the program stops needing it.
  } else if (!fromLoop) {
    lazy.requestTopTier(index);
  } else if (lazy.hasOsrCandidates(index) && !lazy.topTierRequestedFor(index)) {
    // OSR is for long calls; a function whose calls are to start in the top tier waits for it.
    const flag = module.layout.osrFlag(index, imported);
    if (state.view.getInt32(flag, true) === 0) state.view.setInt32(flag, 1, true);
  }
  installFinishedTopTier(state);
}

/**
 * Installs the top-tier functions that finished in every live instance, and takes finished
 * OSR entries: a function whose entry arrived gets its OSR countdown turned on again where it
 * was off (the baseline turned it off when it found no entry), so that its running loop
 * transfers at its next iteration instead of after its next tier-up call. Returns whether
 * anything arrived.
 */
function installFinishedTopTier(state: LazyInstance): boolean {
  const { module } = state;
  const lazy = module.lazy!;
  lazy.pollOsr();
  const ready = lazy.pollTopTier();
  const osr = lazy.takeNewOsrEntries();
  if (ready.length === 0 && osr.length === 0) return false;
  const imported = module.info.importedFunctionCount;
  for (const instance of lazy.liveInstances() as LazyInstance[]) {
    for (const functionIndex of ready) {
      instance.writeFuncRef(functionIndex, module.functionCode[functionIndex], module.typeIds[module.info.functionTypeIndices[functionIndex]], instance.vmctxAddress);
    }
    for (const functionIndex of osr) {
      const flag = module.layout.osrFlag(functionIndex, imported);
      if (instance.view.getInt32(flag, true) === 0) instance.view.setInt32(flag, 1, true);
    }
  }
  return true;
}

/**
 * The background poll of this thread (native/addon.ts setBackgroundPoll): a top-tier or OSR
 * compile started here finished, and generated code called this from its next check, so
 * that the code is installed now rather than at the module's next tier-up call — which, a
 * million counts apart, came tens of milliseconds later in a synchronous program. It runs
 * inside wasm, as a tier-up call does, and only takes and installs: the next waiting compile
 * starts at the next tier-up call (holdingCompileStarts). An exception here is dropped by the
 * caller, and the next tier-up call polls again.
 */
function installFinishedBackgroundWork(): void {
  holdingCompileStarts(() => {
    for (const lazy of pollBackgroundWorkNow()) {
      const instances = lazy.liveInstances() as LazyInstance[];
      if (instances.length > 0 && installFinishedTopTier(instances[0])) lazy.noteInstallByPoll();
    }
  });
}

let backgroundPollInstalled = false;

/**
 * Registers installFinishedBackgroundWork with the addon, once per thread (at the first tiered
 * instance). WASM_LLVM_DISABLE=background-poll leaves it out (installs come at tier-up calls
 * only, as before it), for before/after measurements.
 */
function installBackgroundPoll(): void {
  if (backgroundPollInstalled) return;
  backgroundPollInstalled = true;
  if (`,${process.env.WASM_LLVM_DISABLE ?? ''},`.includes(',background-poll,')) return;
  setBackgroundPoll(installFinishedBackgroundWork);
}

/**
 * An OSR check at `functionIndex`'s candidate loop `ordinal`: the address of an OSR entry
 * that covers it (the baseline calls it with the ordinal), or 0n with a compile started and
 * the countdown off (a loop counter turns it on).
 */
function osrEntryFor(state: LazyInstance, functionIndex: number, ordinal: number): bigint {
  const { module } = state;
  const lazy = module.lazy!;
  lazy.requestOsr(functionIndex, ordinal);
  installFinishedTopTier(state);
  const entry = lazy.osrEntry(functionIndex, ordinal);
  if (entry !== 0n) {
    // A second transfer means the function is entered again and again (each call's loop
    // made it hot): its calls should start in the top tier.
    if (lazy.noteOsrTransfer(functionIndex) >= 2) lazy.requestTopTier(functionIndex);
    return entry;
  }
  state.view.setInt32(module.layout.osrFlag(functionIndex, module.info.importedFunctionCount), 0, true);
  return 0n;
}

/** The host-call handler's part for lazy stubs (hostId ≥ LAZY_HOST_ID_BASE). */
function handleLazyCall(store: Store, hostId: number): void {
  const offset = hostId - LAZY_HOST_ID_BASE;
  const serial = Math.floor(offset / LAZY_HOST_IDS_PER_INSTANCE);
  const index = offset - serial * LAZY_HOST_IDS_PER_INSTANCE;
  const state = store.lazyInstance(serial) as LazyInstance | undefined;
  if (state === undefined) throw new Error(`internal error: lazy stub ${hostId} of no instance in the running store`);
  if (index === TIER_UP_ID) {
    const slots = slotViews();
    const functionIndex = Number(slots.u64[0]);
    const loop = Number(slots.u64[1]);
    slots.u64[0] = 0n;
    try {
      if (loop === 0 || loop === TIER_UP_FROM_LOOP) tierUp(state, functionIndex, loop === TIER_UP_FROM_LOOP);
      else slots.u64[0] = osrEntryFor(state, functionIndex, loop - 1);
    } catch (error) {
      // Tiering up is optional: with wasm deep in recursion, JavaScript may have no stack
      // left for it (a RangeError); the baseline goes on and asks again at its next count.
      if (!(error instanceof RangeError)) throw error;
    }
    return;
  }
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
