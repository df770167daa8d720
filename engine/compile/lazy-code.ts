// Stage: compile, lazily (the first part of tiered execution, docs/RATIONALE.md "Why lazy
// compilation through FuncRefs?"). A module compiled with `tiering: 'lazy'` is decoded and
// fully validated by compile() — a module that fails validation never instantiates, and its
// CompileError has the offset as always — but only its resident code is compiled then: the
// IR entry and host trampolines of the function types that have no machine-code ones
// (compile/signature-trampolines.ts). Each code unit
// (translate/code-units.ts) is translated and compiled by LLVM on the first call of one of
// its functions: translated on the calling thread, compiled on the compile threads while
// that thread waits, and meanwhile up to two of the units it calls are translated and
// started too (startCalleesAhead; docs/RATIONALE.md "Why are the units a unit calls compiled
// ahead?"), so that their first calls find their code ready or under way.
//
// How a first call gets here: under lazy compilation every call of a defined function in
// another unit goes through the callee's FuncRef in the vmctx (as calls of imports do), and
// so do call_indirect, exports, ref.func and the start function. Until the callee's unit is
// compiled, the FuncRef's code is its type's host trampoline and its vmctx a
// HostFunctionContext in the instance's vmctx (VmctxLayout.lazyContext) whose hostId names
// the instance and the function; the host call (runtime/lazy-calls.ts) compiles the unit
// here, patches the instance's FuncRefs of the unit's functions, and calls the function
// through its type's entry trampoline with the arguments of the call, whose results the host
// trampoline returns to the caller. Later calls go straight to the compiled code.
//
// Tiered execution (`tiering: 'tiered'`) adds a second tier: units are first compiled at O0
// (the baseline), whose code counts function entries and loop iterations in the instance's
// vmctx; when a function's count runs out, the runtime asks for its top tier (the module's
// optLevel, default 2). A top-tier compile takes the functions of one unit asked for by the
// time it starts, and those they call directly in the unit (so that LLVM can inline them) —
// not the whole unit: most of a unit is seldom hot, and O2 costs by the function. It is
// translated at once and compiled on the compile threads in the background
// (CompileBatch.finishInBackground), and taken when it finishes (the compile thread makes
// the program's thread call the background poll from its next check: runtime/lazy-calls.ts),
// else at later counts, from the event loop and at exit: top-tier code that is ready
// replaces the baseline in every live instance's FuncRefs, so every later call runs it.
// Baseline code that is running keeps running (its frames stay in the baseline until they
// return). A function whose top-tier compile the
// exits of earlier runs cut off twice gets the IR passes and then O0's code generator (the
// quick top tier), so that it finishes at last; a later run that links that quick code from
// the cache compiles the set in full in the background (an upgrade), and gives up after two
// more cut-offs.

import type { CompiledCode } from '../native/addon.js';
import type { CodeUnits } from '../translate/code-units.js';

/**
 * What compiling one unit (or, at the top tier, some functions of one unit) gives: the JIT
 * code (kept alive here) and each compiled function's address.
 */
export interface CompiledUnit {
  readonly code: CompiledCode;
  readonly addresses: ReadonlyMap<number, bigint>;
  /** Linked from the code cache rather than compiled. */
  readonly fromCache: boolean;
  /** Compiled by the engine's own baseline compiler (engine/baseline/) rather than LLVM. */
  readonly direct?: boolean;
  /** Top-tier code from the code cache made by the quick code generator (its full compile never finished in earlier runs). */
  readonly quick?: boolean;
}

/**
 * A unit's baseline compile, begun (compiled-module.ts): translated, or linked from the code
 * cache; finish() waits for its code and throws the compile's error.
 */
export interface StartedUnit {
  finish(): CompiledUnit;
}

/** An OSR entry compiling in the background: poll() gives its code and address, throws if it failed. */
export interface BackgroundEntry {
  poll(): { readonly code: CompiledCode; readonly address: bigint } | undefined;
}

/** Top-tier functions of a unit compiling in the background: poll() gives them when they are there, throws if it failed. */
export interface BackgroundUnit {
  poll(): CompiledUnit | undefined;
}

/**
 * The top tier of a tiered module (compiled-module.ts). A top-tier compile takes some
 * functions of one unit (`members`, ascending): calls among them are direct (LLVM may inline
 * them), calls to any other function go through its FuncRef.
 */
export interface TopTier {
  /**
   * Starts the top-tier compile of `members` of `unit` in the background; `quick`: the IR
   * passes of the top tier, then O0's code generator (docs/RATIONALE.md, "Why a quick top tier
   * for functions whose compile never finishes?").
   */
  start(unit: number, members: readonly number[], quick: boolean): BackgroundUnit;
  /**
   * The top-tier code of exactly `members` of `unit` from the code cache, linked — the full
   * code generator's if the cache has it, else the quick one's (CompiledUnit.quick) —;
   * undefined if it is not there.
   */
  cached(unit: number, members: readonly number[]): CompiledUnit | undefined;
  /** The sets of functions of `unit` whose top-tier code the code cache holds (each set as start() took it). */
  cachedSets(unit: number): readonly (readonly number[])[];
  /**
   * Starts the compile of `functionIndex`'s OSR entry for its candidate loops from ordinal
   * `from` on (kept in the code cache when it finishes); `quick` as for start().
   */
  startOsr(functionIndex: number, from: number, quick: boolean): BackgroundEntry;
  /** That OSR entry from the code cache, linked; undefined if it is not there. */
  cachedOsr(functionIndex: number, from: number): { readonly code: CompiledCode; readonly address: bigint } | undefined;
  /** The defined functions `functionIndex` calls directly. */
  calleesOf(functionIndex: number): readonly number[];
  /** The size of `functionIndex`'s body in bytes: what its top-tier compile roughly costs. */
  bodyBytes(functionIndex: number): number;
  /** Where the parts were translated (LazyCompileStats). */
  translations(): { readonly onWorker: number; readonly here: number; readonly msHere: number };
}

/** Where each function is on the way to the top tier (LazyCode.topState). */
const enum TopState {
  /** Not asked for. */
  None = 0,
  /** Asked for; its unit's next top-tier compile takes it. */
  Wanted = 1,
  /** In a top-tier compile that runs, or in the code cache to be linked at its unit's first call. */
  Coming = 2,
  /** Its top-tier code is in functionCode. */
  Installed = 3,
  /** Its top-tier compile failed: it stays in the baseline. */
  Failed = 4,
}

/** Counters of a lazily compiled module (Module.timings(module).lazy). */
export interface LazyCompileStats {
  /** Code units of the module. */
  readonly units: number;
  /** Units compiled so far (on first calls). */
  readonly unitsCompiled: number;
  /** Of those, units the engine's own baseline compiler took (engine/baseline/; the others went to LLVM). */
  readonly unitsDirect: number;
  /** Functions in the compiled units. */
  readonly functionsCompiled: number;
  /** Wall time spent translating and compiling units, milliseconds. */
  readonly compileMs: number;
  /**
   * Units started ahead: translated and handed to the compile threads while the unit that
   * calls them compiled, before any of their functions was called; and of those, the ones
   * called since (whose compile was then done or under way).
   */
  readonly unitsAhead: number;
  readonly unitsAheadUsed: number;
  /** Units linked from the code cache (baseline or, tiered, top tier) instead of compiled. */
  readonly unitsFromCache: number;
  /** Calls that went through a lazy stub (each compiles a unit, or finds it compiled by another instance). */
  readonly stubCalls: number;
  /**
   * Tiered: functions whose top-tier compile was asked for (hot, a previous run's profile, or
   * called directly from one of those in the same unit), installed (compiled or linked from
   * the cache), and whose compile failed (their baseline stays).
   */
  readonly topTierRequested: number;
  readonly topTierInstalled: number;
  readonly topTierFailed: number;
  /** Tiered: calls from baseline code whose counter ran out. */
  readonly tierUpCalls: number;
  /** Tiered: OSR entries (a function's candidate loops from the one that asked on) asked for, that compiled or came from the code cache (of which from the cache), that failed; transfers into them. */
  readonly osrRequested: number;
  readonly osrCompiled: number;
  readonly osrFromCache: number;
  readonly osrFailed: number;
  readonly osrTransfers: number;
  /**
   * Tiered: times the background poll (runtime/lazy-calls.ts) installed top-tier functions or
   * re-armed OSR countdowns as soon as a compile finished, rather than a tier-up call later.
   */
  readonly installsByPoll: number;
  /** Tiered: top-tier sets and OSR entries compiled with the quick code generator (their functions' compiles were cut off in earlier runs). */
  readonly quickCompiles: number;
  /**
   * Tiered: top-tier sets linked from the code cache as the quick code generator's code; full
   * compiles started for them in the background (upgrades: the full code then replaces the
   * quick code, in this run and in the cache); upgrades finished; sets whose upgrade earlier
   * runs cut off at exit too often, left quick (LazyCode.scheduleUpgrade).
   */
  readonly quickFromCache: number;
  readonly upgradesStarted: number;
  readonly upgradesInstalled: number;
  readonly upgradesGivenUp: number;
  /**
   * Tiered: top-tier parts (sets and OSR entries) translated on the translation worker, and on
   * the program's thread (no worker, or it failed), with the milliseconds the latter took.
   */
  readonly translatedOnWorker: number;
  readonly translatedHere: number;
  readonly translateMsHere: number;
}

/** Removes `entry` from `list` in place (lists of pending compiles are shared with compiles starting). */
function removeFrom<T>(list: T[], entry: T): void {
  const index = list.indexOf(entry);
  if (index >= 0) list.splice(index, 1);
}

/**
 * Bytes of wasm bodies a top-tier compile takes at most (besides a single larger function):
 * about 0.1-0.3 s of LLVM O2 on this kind of machine, so that sets finish within short runs.
 */
const TOP_TIER_SET_BYTES = 4096;

/** Units started ahead (LazyCode.startCalleesAhead) and not called yet, at most. */
const MAX_UNITS_AHEAD = 2;

/**
 * The expected top-tier compile time per byte of a function's body, in microseconds: LLVM O2
 * compiles PolyBench's programs at about 16 µs per byte of code section on two threads, so
 * about 32 on the one background thread (docs/RATIONALE.md "Why wait until a function has
 * been hot as long as its compile takes?", which has the runs that chose it).
 */
export const DEFAULT_TIER_UP_PAYOFF_US_PER_BYTE = 30;

/**
 * WASM_LLVM_TIER_UP_PAYOFF (microseconds per byte; 0: ask at the first tier-up call), else the
 * default — unless WASM_LLVM_TIER_UP_THRESHOLD is set without it: a threshold set by hand
 * (tests, the spec and fuzz runs: tier up at once) asks at every tier-up call, as it did —
 * or the module keeps its code in the code cache (`cached`): a compile that reaches the cache
 * is paid once for every later run, not in this run alone, so the default asks at once too.
 */
export function tierUpPayoffMicrosecondsPerByte(cached = false): number {
  const setting = process.env.WASM_LLVM_TIER_UP_PAYOFF;
  if (setting === undefined || setting === '') {
    const threshold = process.env.WASM_LLVM_TIER_UP_THRESHOLD;
    return (threshold === undefined || threshold === '') && !cached ? DEFAULT_TIER_UP_PAYOFF_US_PER_BYTE : 0;
  }
  const value = Number(setting);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`WASM_LLVM_TIER_UP_PAYOFF must be a number of microseconds per byte, 0 or more (got ${setting})`);
  return value;
}

/**
 * Runs in a row whose exit cut a function's full top-tier compile off before its compile gets
 * the quick code generator (TopTier.start's `quick`): the first cut may be bad luck (it started
 * late); after the second it had started first.
 */
const QUICK_AFTER_CUT_OFFS = 2;

/**
 * Runs in a row whose exit cut off the full compile that was to replace a set's quick code
 * (an upgrade) before no more upgrades of it are tried: each costs a background thread for a
 * whole run, which a set longer to compile than any run never pays back.
 */
const MAX_UPGRADE_CUT_OFFS = 2;

/**
 * The code cache's cut-off list after a run whose exit cut off the top-tier compiles of
 * `cutNow`, from the list the run started with (function → runs in a row): those of this run
 * count one more; the others are dropped, except functions whose compiles are known to
 * outlast the runs (QUICK_AFTER_CUT_OFFS or more: quick code, or its upgrades given up),
 * which keep their count — else the next run would take them for new and compile them in
 * full again.
 */
export function cutOffsAfterExit(before: ReadonlyMap<number, number>, cutNow: readonly number[]): Map<number, number> {
  const after = new Map<number, number>();
  for (const functionIndex of cutNow) after.set(functionIndex, (before.get(functionIndex) ?? 0) + 1);
  for (const [functionIndex, times] of before) if (!after.has(functionIndex) && times >= QUICK_AFTER_CUT_OFFS) after.set(functionIndex, times);
  return after;
}

/** How often (in tier-up calls) the code cache's profile of hot functions is checked for weights that grew. */
const TIER_UP_CALLS_PER_REPORT = 256;

/** Background (tier-up and OSR) compiles running at once for one module (see LazyCode.schedule). */
const MAX_BACKGROUND_COMPILES = 1;

/** How often the modules with background compiles are polled while the program waits in the event loop. */
const BACKGROUND_POLL_MS = 10;

/**
 * The modules with background compiles running or waiting, polled by an unref'd timer (and
 * once at exit, takeFinishedBackgroundCompiles): a compile that finishes while the program
 * does not call the module is still taken (so stored in the code cache) and makes room for
 * the module's next one. Polls from calls (runtime/lazy-calls.ts) alone stalled a module
 * the program called once more, or never again, after asking for its top tier.
 */
const modulesWithBackgroundWork = new Set<LazyCode>();
let backgroundTimer: ReturnType<typeof setInterval> | undefined;

function watchBackgroundWork(lazy: LazyCode): void {
  modulesWithBackgroundWork.add(lazy);
  if (backgroundTimer !== undefined) return;
  backgroundTimer = setInterval(pollModulesWithBackgroundWork, BACKGROUND_POLL_MS);
  backgroundTimer.unref();
}

function pollModulesWithBackgroundWork(): void {
  for (const lazy of modulesWithBackgroundWork) {
    let busy = false;
    try {
      busy = lazy.pollBackground();
    } catch {
      // Never an exception from a timer (it would end the process): the module's next
      // tier-up call polls again, on the program's own call, where an error can surface.
    }
    if (!busy) modulesWithBackgroundWork.delete(lazy);
  }
  if (modulesWithBackgroundWork.size === 0 && backgroundTimer !== undefined) {
    clearInterval(backgroundTimer);
    backgroundTimer = undefined;
  }
}

/** While true, no background compile starts (holdingCompileStarts). */
let compileStartsHeld = false;

/**
 * Runs `body` with background compile starts held: what it takes leaves its slot free, and
 * the next waiting compile starts at the module's next poll from a tier-up call or the timer.
 * The background poll takes and installs finished code this way: starting the next compile
 * from there, as soon as the last one ended, kept the second core busy sooner than before,
 * which on this 2-vCPU VM slowed the program's own thread about as much as the earlier
 * install saved (docs/RATIONALE.md, "Why does a finished compile interrupt the program?").
 */
export function holdingCompileStarts<T>(body: () => T): T {
  const before = compileStartsHeld;
  compileStartsHeld = true;
  try {
    return body();
  } finally {
    compileStartsHeld = before;
  }
}

/**
 * Polls every module with background work, as the timer does, and returns them: called when
 * a background compile has told the program's thread it finished (runtime/lazy-calls.ts
 * installs what finished in their live instances then, instead of at their next tier-up call).
 */
export function pollBackgroundWorkNow(): LazyCode[] {
  const polled = [...modulesWithBackgroundWork];
  pollModulesWithBackgroundWork();
  return polled;
}

/**
 * Takes every background compile that has finished, in every module (their top-tier sets go
 * to the code cache), and reports the top-tier compiles still running (noteCutOffAtExit):
 * called at exit, before the unfinished ones are cancelled.
 */
export function takeFinishedBackgroundCompiles(): void {
  pollModulesWithBackgroundWork();
  for (const lazy of modulesWithBackgroundWork) {
    try {
      lazy.noteCutOffAtExit();
    } catch {
      // The exit goes on; the next run only loses the hint.
    }
  }
}

export class LazyCode {
  private readonly compiled: Uint8Array;
  /** Kept for the module's lifetime: the units' code is released with the CompiledModule. */
  private readonly codes: CompiledCode[] = [];
  private unitsCompiled = 0;
  private unitsDirect = 0;
  private functionsCompiled = 0;
  private compileMs = 0;
  private unitsFromCache = 0;
  /** Units started ahead and not called yet (by unit), and the counts for stats(). */
  private readonly ahead = new Map<number, StartedUnit>();
  private unitsAhead = 0;
  private unitsAheadUsed = 0;
  private stubCalls = 0;
  private compiling = false;
  /** Each function's way to the top tier (TopState), by function index. */
  private readonly topState: Uint8Array;
  /** 1 for a unit whose next top-tier compile is scheduled and not started yet. */
  private readonly batchWaiting: Uint8Array;
  /** Top-tier compiles scheduled or running; `upgrade`: a full compile replacing quick code from the cache (scheduleUpgrade). */
  private readonly pendingTop: { unit: number; members: readonly number[]; background: BackgroundUnit | undefined; upgrade?: boolean }[] = [];
  /** Per unit, sets of its functions whose top tier (a previous run's profile) is in the code cache: linked at the unit's first call. */
  private readonly cachedTop = new Map<number, (readonly number[])[]>();
  /** Background compiles asked for but not started, newest last (started newest first). */
  private waiting: (() => void)[] = [];
  private running = 0;
  private readyToInstall: number[] = [];
  private topTierRequested = 0;
  private topTierInstalled = 0;
  private topTierFailed = 0;
  private quickCompiles = 0;
  private quickFromCache = 0;
  private upgradesStarted = 0;
  private upgradesInstalled = 0;
  private upgradesGivenUp = 0;
  /** From the code cache: functions whose top-tier compile earlier runs cut off at exit, and how many runs in a row. */
  private cutOffBefore: ReadonlyMap<number, number> = new Map();
  private tierUpCalls = 0;
  /** The functions that made tier-up calls, and when their first came (performance.now()). */
  private readonly hotSince = new Map<number, number>();
  private instances: WeakRef<object>[] = [];
  /** Per function, the first loops of the OSR entries asked for (each covers the candidate loops from there on). */
  private readonly osrRequested = new Map<number, number[]>();
  private osrFromCache = 0;
  private readonly pendingOsr: { functionIndex: number; from: number; background: BackgroundEntry | undefined }[] = [];
  /** Per function, its OSR entries that are there: first loop and address. */
  private readonly osrEntries = new Map<number, { from: number; address: bigint }[]>();
  /** Functions whose OSR entry compiled in the background since takeNewOsrEntries last took them. */
  private newOsrEntries: number[] = [];
  private osrCompiled = 0;
  private installsByPoll = 0;
  private osrFailed = 0;
  private osrTransfers = 0;
  private readonly transfersByFunction = new Map<number, number>();
  /** Tiered with the code cache: told of each function the first time it makes a tier-up call or its top tier is asked for (the profile of hot functions). */
  onHotFunction: ((functionIndex: number) => void) | undefined;
  /** Tiered with the code cache: told of every TIER_UP_CALLS_PER_REPORT-th tier-up call (the profile's weights). */
  onTierUpCalls: (() => void) | undefined;
  /** Tier-up calls from each function's baseline code (by function index): how much it ran unoptimised, in steps of the threshold. */
  readonly tierUpCallsByFunction: Uint32Array;

  constructor(
    readonly units: CodeUnits,
    /** The module's functionCode, filled in as units are compiled (the top tier's once installed). */
    private readonly functionCode: bigint[],
    /**
     * Starts a unit's baseline compile (translation now, LLVM in the background); asked for
     * ahead (`ahead`), undefined when there is nothing to start early (the code cache has it).
     */
    private readonly startUnit: (unitIndex: number, ahead: boolean) => StartedUnit | undefined,
    /** The other units that a unit's functions call directly (the units compiled ahead). */
    private readonly calleeUnitsOf: (unitIndex: number) => readonly number[],
    /** Tiered execution: the top tier and OSR entries; absent for lazy single-tier code. */
    private readonly top?: TopTier,
    /** Tiered: the OSR candidate loops of each function (ordinals), noted as its baseline is translated. */
    private readonly osrCandidates: ReadonlyMap<number, readonly number[]> = new Map(),
  ) {
    this.compiled = new Uint8Array(units.units.length);
    this.batchWaiting = new Uint8Array(units.units.length);
    this.topState = new Uint8Array(units.unitOf.length);
    this.tierUpCallsByFunction = new Uint32Array(units.unitOf.length);
  }

  /** Whether baseline code counts and tiers up (tiering: 'tiered'). */
  get tiered(): boolean {
    return this.top !== undefined;
  }

  /** Remembers a live instance, whose FuncRefs top-tier functions must be installed into. */
  registerInstance(instance: object): void {
    if (this.instances.length >= 64) this.instances = this.instances.filter((reference) => reference.deref() !== undefined);
    this.instances.push(new WeakRef(instance));
  }

  liveInstances(): object[] {
    const live: object[] = [];
    for (const reference of this.instances) {
      const instance = reference.deref();
      if (instance !== undefined) live.push(instance);
    }
    return live;
  }

  /** Top-tier code goes to the code cache (followHotFunctions): the default payoff gate is off (tierUpPayoffMicrosecondsPerByte). */
  topTierCached = false;

  /**
   * The payoff gate's microseconds per byte (hotLongEnough), read from the environment at each
   * instantiation (runtime/lazy-calls.ts, which refuses a bad setting there) rather than at
   * every tier-up call.
   */
  payoffMicrosecondsPerByte = DEFAULT_TIER_UP_PAYOFF_US_PER_BYTE;
  /** Counts between a function's tier-up calls (runtime/lazy-calls.ts tierUpThreshold), set at each instantiation. */
  countsBetweenTierUps = 0;

  /**
   * Told at exit of the functions whose top-tier compile was running and is about to be
   * cancelled (a run shorter than the compile; followHotFunctions keeps them in the code cache).
   */
  onCutOffAtExit: ((functions: readonly number[]) => void) | undefined;

  /** Reports the members of the top-tier compiles still running (onCutOffAtExit). */
  noteCutOffAtExit(): void {
    const functions: number[] = [];
    for (const pending of this.pendingTop) if (pending.background !== undefined) functions.push(...pending.members);
    if (functions.length > 0) this.onCutOffAtExit?.(functions);
  }

  /**
   * Whether `functionIndex` has run hot long enough that its top-tier compile (or OSR entry)
   * is likely to pay: the time since its first tier-up call is at least what its compile is
   * expected to take (its body's bytes × WASM_LLVM_TIER_UP_PAYOFF microseconds) — a function
   * hot for that long is taken to stay hot about as long again, which the compile must fit in.
   */
  hotLongEnough(functionIndex: number): boolean {
    const perByte = this.payoffMicrosecondsPerByte;
    if (perByte === 0 || this.top === undefined) return true;
    const now = performance.now();
    return now - (this.hotSince.get(functionIndex) ?? now) >= (this.top.bodyBytes(functionIndex) * perByte) / 1000;
  }

  /** Counts a call from baseline code whose counter ran out (runtime/lazy-calls.ts) in `functionIndex`. */
  noteTierUpCall(functionIndex: number): void {
    this.tierUpCalls++;
    if (!this.hotSince.has(functionIndex)) {
      this.hotSince.set(functionIndex, performance.now());
      // Into the code cache's profile now, whether or not its top tier is asked for in this
      // run (hotLongEnough): with a cache, a later run's compile is paid once, not per run.
      this.onHotFunction?.(functionIndex);
    }
    this.tierUpCallsByFunction[functionIndex]++;
    if (this.tierUpCalls % TIER_UP_CALLS_PER_REPORT === 0) this.onTierUpCalls?.();
  }

  /** Whether the top tier of `functionIndex` was asked for. */
  topTierRequestedFor(functionIndex: number): boolean {
    return this.topState[functionIndex] !== TopState.None;
  }

  /**
   * Asks for the top tier of `functionIndex` (hot), unless it was asked for (or the module is
   * not tiered): its unit's next top-tier compile takes it, with the other functions of the
   * unit asked for by then and those they call directly.
   */
  requestTopTier(functionIndex: number): void {
    if (this.top === undefined || this.topState[functionIndex] !== TopState.None) return;
    this.topState[functionIndex] = TopState.Wanted;
    this.topTierRequested++;
    this.onHotFunction?.(functionIndex);
    this.scheduleTopTier(this.unitOf(functionIndex), true);
  }

  /**
   * Whether a compile of `functions` gets the quick code generator: the full one was cut off
   * at exit in the last QUICK_AFTER_CUT_OFFS runs in a row for one of them, although it
   * started first in the last (such a function is too large for the runs that use it).
   */
  private wantsQuick(functions: readonly number[]): boolean {
    if (process.env.WASM_LLVM_QUICK_TOP_TIER === 'always') return true;
    return functions.some((functionIndex) => (this.cutOffBefore.get(functionIndex) ?? 0) >= QUICK_AFTER_CUT_OFFS);
  }

  /**
   * The functions of `unit` its next top-tier compile takes: the functions asked for, in
   * ascending order while their bodies fit in TOP_TIER_SET_BYTES (at least one), then their
   * direct callees in the unit that are not on their way yet, while they fit too; ascending.
   * The rest of those asked for go into the unit's following compile. A bounded set compiles
   * in bounded time: a set that took longer than the program ran was cancelled at exit, run
   * after run, and never reached the code cache. Depends only on which were asked for: a
   * previous run's profile gives the same sets, and so the same code cache keys. With no
   * bound (`Infinity`): every function asked for and all those callees, what would cover them.
   */
  private topTierMembers(unit: number, maxBytes = TOP_TIER_SET_BYTES): number[] {
    const top = this.top!;
    const members: number[] = [];
    let bytes = 0;
    for (const functionIndex of this.units.units[unit]) {
      if (this.topState[functionIndex] !== TopState.Wanted) continue;
      const size = top.bodyBytes(functionIndex);
      if (members.length > 0 && bytes + size > maxBytes) continue;
      members.push(functionIndex);
      bytes += size;
    }
    const chosen = new Set(members);
    for (const functionIndex of [...members]) {
      for (const callee of top.calleesOf(functionIndex)) {
        if (chosen.has(callee) || this.units.unitOf[callee] !== unit || this.topState[callee] !== TopState.None) continue;
        const size = top.bodyBytes(callee);
        if (bytes + size > maxBytes) continue;
        chosen.add(callee);
        bytes += size;
      }
    }
    return [...chosen].sort((a, b) => a - b);
  }

  /** Schedules a top-tier compile of `unit` unless one is waiting to start (it will take what is asked for by then). */
  private scheduleTopTier(unit: number, startNow: boolean): void {
    if (this.batchWaiting[unit] === 1) return;
    this.batchWaiting[unit] = 1;
    const pending: { unit: number; members: readonly number[]; background: BackgroundUnit | undefined } = { unit, members: [], background: undefined };
    this.pendingTop.push(pending);
    const top = this.top!;
    this.schedule(startNow, () => {
      this.batchWaiting[unit] = 0;
      const members = this.topTierMembers(unit);
      pending.members = members;
      for (const functionIndex of members) {
        // The callees that join are asked for now.
        if (this.topState[functionIndex] === TopState.None) this.topTierRequested++;
        this.topState[functionIndex] = TopState.Coming;
      }
      if (members.length === 0) throw new Error('internal error: a top-tier compile with no function');
      const quick = this.wantsQuick(members);
      pending.background = top.start(unit, members, quick);
      if (quick) this.quickCompiles++;
      // What did not fit goes into the unit's next compile.
      if (this.units.units[unit].some((functionIndex) => this.topState[functionIndex] === TopState.Wanted)) this.scheduleTopTier(unit, false);
    }, () => {
      removeFrom(this.pendingTop, pending);
    }, (outOfStack) => {
      // Out of JavaScript stack (deep in wasm recursion): asked for again later.
      for (const functionIndex of pending.members) this.topState[functionIndex] = outOfStack ? TopState.None : TopState.Failed;
      if (outOfStack) this.topTierRequested -= pending.members.length;
      else this.topTierFailed += pending.members.length;
    });
  }

  /**
   * At most MAX_BACKGROUND_COMPILES background compiles run at once, the newest request
   * first (what is hot now): on a machine of few cores the program keeps one, and the code
   * it needs next is not queued behind what it needed before. `start` translates and starts
   * the compile; if it throws, `drop` removes the request and `failed` says whether it was
   * for lack of JavaScript stack (deep in wasm recursion: asked again later) or a failure.
   */
  private schedule(startNow: boolean, start: () => void, drop: () => void, failed: (outOfStack: boolean) => void, last = false): void {
    const job = (): void => {
      try {
        start();
      } catch (error) {
        this.running--;
        drop();
        failed(error instanceof RangeError);
      }
    };
    // `last`: after every compile waiting now (those asked for later start before it too).
    if (last) this.waiting.unshift(job);
    else this.waiting.push(job);
    if (startNow) this.pump();
  }

  /**
   * Quick code from the cache is a stopgap (its full compile never finished in earlier runs;
   * it runs up to about twice as slow as the full code): a full compile of the same set starts
   * in the background after every other compile, and replaces the quick code in this run's
   * FuncRefs and, under the full code generator's key, in the cache, which later runs link
   * first. An upgrade an exit cut off counts as a cut-off of its functions; after
   * MAX_UPGRADE_CUT_OFFS more, the set stays quick.
   */
  private scheduleUpgrade(unit: number, members: readonly number[]): void {
    const cutOffs = Math.max(0, ...members.map((functionIndex) => this.cutOffBefore.get(functionIndex) ?? 0));
    if (cutOffs >= QUICK_AFTER_CUT_OFFS + MAX_UPGRADE_CUT_OFFS) {
      this.upgradesGivenUp++;
      return;
    }
    const pending: (typeof this.pendingTop)[number] = { unit, members, background: undefined, upgrade: true };
    this.pendingTop.push(pending);
    const top = this.top!;
    this.schedule(true, () => {
      pending.background = top.start(unit, members, false);
      this.upgradesStarted++;
    }, () => {
      removeFrom(this.pendingTop, pending);
    }, () => {
      // The quick code stays.
    }, true);
  }

  /**
   * Before any call, asks for the top tier of `functions` (a previous run's profile, with
   * `weightOf` how long each ran in the baseline). For each unit, the sets of functions whose
   * top-tier code the cache holds and that the listed functions and their callees cover are
   * linked at the unit's first call; the listed functions left are compiled in the
   * background, unit by unit, in order of weight per byte to compile: the order that
   * minimises the baseline time left while they compile (weighted shortest job first), so
   * that one huge function does not hold back many small hot ones — except that units with
   * functions in `cutOffBefore` (function → how many runs in a row cut their compile off at
   * exit) start first after one cut, last after more.
   */
  prefetchTopTier(functions: readonly number[], weightOf: (functionIndex: number) => number, cutOffBefore: ReadonlyMap<number, number> = new Map()): void {
    if (this.top === undefined) return;
    this.cutOffBefore = cutOffBefore;
    const byUnit = new Map<number, number[]>();
    for (const functionIndex of functions) {
      const unit = this.unitOf(functionIndex);
      const listed = byUnit.get(unit);
      if (listed === undefined) byUnit.set(unit, [functionIndex]);
      else listed.push(functionIndex);
    }
    const toCompile: { unit: number; priority: number }[] = [];
    for (const [unit, listed] of byUnit) {
      const asked = listed.filter((functionIndex) => this.topState[functionIndex] === TopState.None);
      for (const functionIndex of asked) this.topState[functionIndex] = TopState.Wanted;
      const covered = new Set(this.topTierMembers(unit, Number.POSITIVE_INFINITY));
      const chosen: (readonly number[])[] = [];
      // Larger sets first (more inlining among their functions); sets never overlap.
      for (const set of [...this.top.cachedSets(unit)].sort((a, b) => b.length - a.length)) {
        if (set.length === 0 || !set.every((functionIndex) => covered.has(functionIndex) && this.units.unitOf[functionIndex] === unit)) continue;
        for (const functionIndex of set) covered.delete(functionIndex);
        chosen.push(set);
      }
      for (const set of chosen) for (const functionIndex of set) this.topState[functionIndex] = TopState.Coming;
      if (chosen.length > 0) this.cachedTop.set(unit, chosen);
      const left = asked.filter((functionIndex) => this.topState[functionIndex] === TopState.Wanted);
      if (left.length > 0) {
        this.topTierRequested += left.length;
        let weight = 0;
        for (const functionIndex of left) weight += weightOf(functionIndex) + 1;
        let bytes = 0;
        for (const functionIndex of this.topTierMembers(unit)) bytes += this.top.bodyBytes(functionIndex);
        // A compile the last run's exit cut off starts first: started as late again, a compile
        // longer than its turn would be cut off run after run and never reach the cache. One
        // cut off although it started first is longer than the runs: it gets the quick code
        // generator (wantsQuick) and starts first again. One cut off even so goes last, so
        // that it does not hold back the others.
        let times = 0;
        for (const functionIndex of left) times = Math.max(times, cutOffBefore.get(functionIndex) ?? 0);
        const priority = times === 1 || times === QUICK_AFTER_CUT_OFFS ? Number.POSITIVE_INFINITY : times > QUICK_AFTER_CUT_OFFS ? 0 : weight / Math.max(1, bytes);
        toCompile.push({ unit, priority });
      }
    }
    // Highest priority first: the queue starts its newest entry first.
    toCompile.sort((a, b) => a.priority - b.priority);
    for (const { unit } of toCompile) this.scheduleTopTier(unit, false);
    this.pump();
  }

  private pump(): void {
    while (!compileStartsHeld && this.running < MAX_BACKGROUND_COMPILES && this.waiting.length > 0) {
      this.running++;
      this.waiting.pop()!();
    }
    if (this.running > 0) watchBackgroundWork(this);
  }

  /**
   * Takes the background compiles that finished (top-tier functions are installed at the next
   * tier-up call) and starts waiting ones; returns whether any is still running or waiting.
   */
  pollBackground(): boolean {
    // pollTopTier replaces readyToInstall: read the field after the call, not before it.
    const ready = this.pollTopTier();
    this.readyToInstall.push(...ready);
    this.pollOsr();
    return this.running > 0 || this.waiting.length > 0;
  }

  /**
   * Polls the started compiles of `pending`: each finished one goes to `onResult`, each failed
   * one to `onFailed`, and leaves `pending` (in place: a compile that starts in the pump below
   * may schedule another, which joins the same list), then makes room for the next to start.
   */
  private takeFinished<R, T extends { background: { poll(): R | undefined } | undefined }>(
    pending: T[],
    onResult: (entry: T, result: R) => void,
    onFailed: (entry: T) => void,
  ): void {
    let done = 0;
    for (let i = 0; i < pending.length; ) {
      const entry = pending[i];
      if (entry.background === undefined) {
        i++;
        continue;
      }
      let result: R | undefined;
      try {
        result = entry.background.poll();
      } catch {
        pending.splice(i, 1);
        done++;
        onFailed(entry);
        continue;
      }
      if (result === undefined) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      done++;
      onResult(entry, result);
    }
    this.running -= done;
    // Also when none finished now: a slot a held poll freed (holdingCompileStarts) is taken here.
    this.pump();
  }

  /**
   * Takes the top-tier compiles that finished: their functions' addresses replace the
   * baseline's in functionCode (the baseline code stays alive: it may be running). Returns
   * the functions finished since the last call (also those waitForBackground took), to
   * install in the instances' FuncRefs.
   */
  pollTopTier(): number[] {
    const ready = this.readyToInstall;
    this.readyToInstall = [];
    if (this.pendingTop.length === 0) return ready;
    this.takeFinished<CompiledUnit, (typeof this.pendingTop)[number]>(
      this.pendingTop,
      ({ unit, upgrade }, result) => {
        this.codes.push(result.code);
        this.installTopTier(result, upgrade === true);
        if (upgrade === true) this.upgradesInstalled++;
        ready.push(...result.addresses.keys());
        // Top-tier functions that cover a unit not called yet (a previous run's profile): it needs no baseline.
        if (this.compiled[unit] === 0 && this.units.units[unit].every((functionIndex) => this.topState[functionIndex] === TopState.Installed)) {
          this.compiled[unit] = 1;
          this.unitsCompiled++;
          this.functionsCompiled += this.units.units[unit].length;
        }
      },
      ({ members, upgrade }) => {
        if (upgrade === true) return; // the quick code stays
        for (const functionIndex of members) this.topState[functionIndex] = TopState.Failed;
        this.topTierFailed += members.length;
      },
    );
    return ready;
  }

  /** `upgrade`: full code in place of quick code, the same functions at new addresses (the quick code stays alive: it may be running). */
  private installTopTier(result: CompiledUnit, upgrade = false): void {
    for (const [functionIndex, address] of result.addresses) {
      if (address === 0n) continue;
      this.functionCode[functionIndex] = address;
      if (upgrade) continue;
      this.topState[functionIndex] = TopState.Installed;
      this.topTierInstalled++;
    }
  }

  /** The unit of defined function `functionIndex`. */
  unitOf(functionIndex: number): number {
    const unit = this.units.unitOf[functionIndex];
    if (unit === undefined || unit < 0) throw new RangeError(`function ${functionIndex} is not a defined function`);
    return unit;
  }

  /**
   * Compiles the unit of `functionIndex` unless it is compiled; its functions' addresses are
   * then in functionCode (the top tier's for those that have it).
   */
  ensureCompiled(functionIndex: number): void {
    const unit = this.unitOf(functionIndex);
    if (this.compiled[unit] === 1) return;
    // Its top tier may have finished in the background already (asked for before any call).
    if (this.pendingTop.length > 0) {
      const ready = this.pollTopTier();
      this.readyToInstall.push(...ready);
      if (this.compiled[unit] === 1) return;
    }
    // Translation runs no wasm, so nothing can call back in while a unit compiles.
    if (this.compiling) throw new Error('internal error: a lazy compile started during another');
    this.compiling = true;
    const start = performance.now();
    try {
      const functions = this.units.units[unit];
      // Top-tier functions of the unit in the code cache (a previous run's profile).
      const tops: { top: CompiledUnit; set: readonly number[] }[] = [];
      let topFunctions = 0;
      for (const set of this.cachedTop.get(unit) ?? []) {
        const top = this.top!.cached(unit, set);
        if (top === undefined) {
          for (const member of set) this.topState[member] = TopState.None;
          continue;
        }
        tops.push({ top, set });
        topFunctions += set.length;
      }
      this.cachedTop.delete(unit);
      if (topFunctions < functions.length) {
        const ahead = this.ahead.get(unit);
        if (ahead !== undefined) {
          this.ahead.delete(unit);
          this.unitsAheadUsed++;
        }
        const started = ahead ?? this.startUnit(unit, false)!;
        this.startCalleesAhead(unit);
        const result = started.finish();
        this.codes.push(result.code);
        for (const functionIndexInUnit of functions) {
          const address = result.addresses.get(functionIndexInUnit);
          if (address === undefined || address === 0n) throw new Error(`internal error: lazy unit ${unit} did not define function ${functionIndexInUnit}`);
          if (this.topState[functionIndexInUnit] !== TopState.Installed) this.functionCode[functionIndexInUnit] = address;
        }
        if (result.fromCache) this.unitsFromCache++;
        if (result.direct === true) this.unitsDirect++;
      } else {
        this.unitsFromCache++;
      }
      for (const { top, set } of tops) {
        this.codes.push(top.code);
        this.installTopTier(top);
        if (top.quick === true) {
          this.quickFromCache++;
          this.scheduleUpgrade(unit, set);
        }
      }
      this.compiled[unit] = 1;
      this.unitsCompiled++;
      this.functionsCompiled += functions.length;
    } finally {
      this.compiling = false;
      this.compileMs += performance.now() - start;
    }
  }

  /** Counts a call that arrived through a lazy stub (runtime/lazy-calls.ts). */
  noteStubCall(): void {
    this.stubCalls++;
  }

  /**
   * Waits (this thread) up to `timeoutMs` for the background compiles started so far, taking
   * them (and so storing them in the code cache); the units are installed at the next
   * tier-up call. For warming a cache before a process ends. Returns whether all finished.
   */
  waitForBackground(timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    // Functions that were hot but only went through OSR get their top tier now, for the cache.
    for (const functionIndex of this.hotSince.keys()) this.requestTopTier(functionIndex);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      this.pollBackground();
      if (this.pendingTop.length === 0 && this.pendingOsr.length === 0) return true;
      if (performance.now() > deadline) return false;
      Atomics.wait(pause, 0, 0, 2);
    }
  }

  /** Whether `functionIndex` has OSR candidate loops (its baseline counts an OSR countdown). */
  hasOsrCandidates(functionIndex: number): boolean {
    return this.top !== undefined && (this.osrCandidates.get(functionIndex)?.length ?? 0) > 0;
  }

  /**
   * Starts the compile of an OSR entry for `functionIndex`'s candidate loop `ordinal` and the
   * candidate loops after it (translate/emit-osr.ts), unless one asked for already covers it:
   * the loop that asks first also brings the entries of those that follow.
   */
  requestOsr(functionIndex: number, ordinal: number): void {
    if (this.top === undefined) return;
    const asked = this.osrRequested.get(functionIndex);
    if (asked?.some((from) => from <= ordinal)) return;
    if (asked === undefined) this.osrRequested.set(functionIndex, [ordinal]);
    else asked.push(ordinal);
    // An earlier run compiled it: linked now, so that it does not take the background slot
    // from the top-tier compiles (which would then never finish before the process ends).
    const cached = this.top.cachedOsr(functionIndex, ordinal);
    if (cached !== undefined) {
      this.codes.push(cached.code);
      this.addOsrEntry(functionIndex, ordinal, cached.address);
      this.osrFromCache++;
      return;
    }
    const pending: { functionIndex: number; from: number; background: BackgroundEntry | undefined } = { functionIndex, from: ordinal, background: undefined };
    this.pendingOsr.push(pending);
    const top = this.top;
    this.schedule(true, () => {
      const quick = this.wantsQuick([functionIndex]);
      pending.background = top.startOsr(functionIndex, ordinal, quick);
      if (quick) this.quickCompiles++;
    }, () => {
      removeFrom(this.pendingOsr, pending);
    }, (outOfStack) => {
      if (outOfStack) {
        const list = this.osrRequested.get(functionIndex)!;
        list.splice(list.indexOf(ordinal), 1);
      } else {
        this.osrFailed++;
      }
    });
  }

  private addOsrEntry(functionIndex: number, from: number, address: bigint): void {
    const entries = this.osrEntries.get(functionIndex);
    if (entries === undefined) this.osrEntries.set(functionIndex, [{ from, address }]);
    else entries.push({ from, address });
  }

  /** Takes the OSR entries that finished (the baseline asks for them at its next check). */
  pollOsr(): void {
    if (this.pendingOsr.length === 0) return;
    this.takeFinished<{ code: CompiledCode; address: bigint }, (typeof this.pendingOsr)[number]>(
      this.pendingOsr,
      ({ functionIndex, from }, result) => {
        this.codes.push(result.code);
        this.addOsrEntry(functionIndex, from, result.address);
        this.newOsrEntries.push(functionIndex);
        this.osrCompiled++;
      },
      () => {
        this.osrFailed++;
      },
    );
  }

  /** Counts an install made by the background poll (LazyCompileStats.installsByPoll). */
  noteInstallByPoll(): void {
    this.installsByPoll++;
  }

  /**
   * The functions whose OSR entry arrived from the background since the last call: their
   * baseline, which turned its OSR countdown off when it found no entry, may look again now.
   */
  takeNewOsrEntries(): number[] {
    const functions = this.newOsrEntries;
    this.newOsrEntries = [];
    return functions;
  }

  /** An OSR entry of `functionIndex` that covers its loop `ordinal` (called with the ordinal), or 0n when there is none (yet). */
  osrEntry(functionIndex: number, ordinal: number): bigint {
    for (const entry of this.osrEntries.get(functionIndex) ?? []) if (entry.from <= ordinal) return entry.address;
    return 0n;
  }

  /** Counts a transfer into an OSR entry of `functionIndex`; returns that function's count. */
  noteOsrTransfer(functionIndex: number): number {
    this.osrTransfers++;
    const count = (this.transfersByFunction.get(functionIndex) ?? 0) + 1;
    this.transfersByFunction.set(functionIndex, count);
    return count;
  }

  /**
   * Starts the baseline compiles of the units `unit` calls, while its own compiles: their
   * translation runs on this thread, which would otherwise wait, and their LLVM work on the
   * other compile threads. A unit's first call usually comes soon after its caller's (start-up
   * code, a program's kernels), and then its code is ready or under way; one never called cost
   * a compile thread's time in the background. At most MAX_UNITS_AHEAD are pending at once;
   * units whose top tier comes from the code cache are left alone (their baseline may not be
   * needed), and so are units the cache holds (linked at their call, or never); a translation
   * that fails is left for the unit's own first call to report.
   */
  private startCalleesAhead(unit: number): void {
    if (this.ahead.size >= MAX_UNITS_AHEAD || process.env.WASM_LLVM_UNITS_AHEAD === '0') return;
    for (const callee of this.calleeUnitsOf(unit)) {
      if (this.ahead.size >= MAX_UNITS_AHEAD) return;
      if (this.compiled[callee] === 1 || this.ahead.has(callee) || this.cachedTop.has(callee)) continue;
      try {
        const started = this.startUnit(callee, true);
        if (started === undefined) continue;
        this.ahead.set(callee, started);
        this.unitsAhead++;
      } catch {
        // Its first call compiles it again and throws this error there.
      }
    }
  }

  stats(): LazyCompileStats {
    const translations = this.top?.translations();
    return {
      units: this.units.units.length,
      unitsCompiled: this.unitsCompiled,
      unitsDirect: this.unitsDirect,
      functionsCompiled: this.functionsCompiled,
      compileMs: this.compileMs,
      unitsAhead: this.unitsAhead,
      unitsAheadUsed: this.unitsAheadUsed,
      unitsFromCache: this.unitsFromCache,
      stubCalls: this.stubCalls,
      topTierRequested: this.topTierRequested,
      topTierInstalled: this.topTierInstalled,
      topTierFailed: this.topTierFailed,
      tierUpCalls: this.tierUpCalls,
      osrRequested: [...this.osrRequested.values()].reduce((count, list) => count + list.length, 0),
      osrCompiled: this.osrCompiled + this.osrFromCache,
      quickCompiles: this.quickCompiles,
      quickFromCache: this.quickFromCache,
      upgradesStarted: this.upgradesStarted,
      upgradesInstalled: this.upgradesInstalled,
      upgradesGivenUp: this.upgradesGivenUp,
      osrFromCache: this.osrFromCache,
      osrFailed: this.osrFailed,
      osrTransfers: this.osrTransfers,
      installsByPoll: this.installsByPoll,
      translatedOnWorker: translations?.onWorker ?? 0,
      translatedHere: translations?.here ?? 0,
      translateMsHere: translations?.msHere ?? 0,
    };
  }
}

