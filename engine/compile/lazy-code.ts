// Stage: compile, lazily (the first part of tiered execution, docs/RATIONALE.md "Why lazy
// compilation through FuncRefs?"). A module compiled with `tiering: 'lazy'` is decoded and
// fully validated by compile() — a module that fails validation never instantiates, and its
// CompileError has the offset as always — but only its resident code is compiled then: the
// entry and host trampolines of every function type and the data-copy helper. Each code unit
// (translate/code-units.ts) is translated and compiled by LLVM on the first call of one of
// its functions, synchronously, on the calling thread.
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
// vmctx; when a count runs out, the runtime asks for the unit at the top tier (the module's
// optLevel, default 2), translated at once and compiled on the compile threads in the
// background (CompileBatch.finishInBackground), and on later counts polls for it: a unit
// whose top-tier code is ready replaces the baseline in every live instance's FuncRefs, so
// every later call runs it. Baseline code that is running keeps running (its frames, and
// its direct calls within the unit, stay in the baseline until they return).

import type { CompiledCode } from '../native/addon.js';
import type { CodeUnits } from '../translate/code-units.js';

/** What compiling one unit gives: the JIT code (kept alive here) and each function's address. */
export interface CompiledUnit {
  readonly code: CompiledCode;
  readonly addresses: ReadonlyMap<number, bigint>;
  /** Linked from the code cache rather than compiled. */
  readonly fromCache: boolean;
  /** Top-tier code (tiered: a unit whose top tier was in the code cache starts there). */
  readonly topTier: boolean;
}

/** An OSR entry compiling in the background: poll() gives its code and address, throws if it failed. */
export interface BackgroundEntry {
  poll(): { readonly code: CompiledCode; readonly address: bigint } | undefined;
}

/** A top-tier unit compiling in the background: poll() gives it when it is there, throws if it failed. */
export interface BackgroundUnit {
  poll(): CompiledUnit | undefined;
}

/** Counters of a lazily compiled module (Module.timings(module).lazy). */
export interface LazyCompileStats {
  /** Code units of the module. */
  readonly units: number;
  /** Units compiled so far (on first calls). */
  readonly unitsCompiled: number;
  /** Functions in the compiled units. */
  readonly functionsCompiled: number;
  /** Wall time spent translating and compiling units, milliseconds. */
  readonly compileMs: number;
  /** Units linked from the code cache (baseline or, tiered, top tier) instead of compiled. */
  readonly unitsFromCache: number;
  /** Calls that went through a lazy stub (each compiles a unit, or finds it compiled by another instance). */
  readonly stubCalls: number;
  /** Tiered: units whose top-tier compile was started, finished (and installed), and failed (their baseline stays). */
  readonly topTierRequested: number;
  readonly topTierInstalled: number;
  readonly topTierFailed: number;
  /** Tiered: calls from baseline code whose counter ran out. */
  readonly tierUpCalls: number;
  /** Tiered: OSR entries (function, loop) whose compile was started, that compiled, that failed; transfers into them. */
  readonly osrRequested: number;
  readonly osrCompiled: number;
  readonly osrFailed: number;
  readonly osrTransfers: number;
}

/** How often (in tier-up calls) the code cache's profile of hot units is rewritten with their weights. */
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
    if (!lazy.pollBackground()) modulesWithBackgroundWork.delete(lazy);
  }
  if (modulesWithBackgroundWork.size === 0 && backgroundTimer !== undefined) {
    clearInterval(backgroundTimer);
    backgroundTimer = undefined;
  }
}

/**
 * Takes every background compile that has finished, in every module (their top-tier units go
 * to the code cache): called at exit, before the unfinished ones are cancelled.
 */
export function takeFinishedBackgroundCompiles(): void {
  pollModulesWithBackgroundWork();
}

export class LazyCode {
  private readonly compiled: Uint8Array;
  /** Kept for the module's lifetime: the units' code is released with the CompiledModule. */
  private readonly codes: CompiledCode[] = [];
  private unitsCompiled = 0;
  private functionsCompiled = 0;
  private compileMs = 0;
  private unitsFromCache = 0;
  private stubCalls = 0;
  private compiling = false;
  private readonly topRequested: Uint8Array;
  private pendingTop: { unit: number; background: BackgroundUnit | undefined }[] = [];
  /** Background compiles asked for but not started, newest last (started newest first). */
  private waiting: (() => void)[] = [];
  private running = 0;
  private readyToInstall: number[] = [];
  private topTierInstalled = 0;
  private topTierFailed = 0;
  private tierUpCalls = 0;
  private readonly hotFunctions = new Set<number>();
  private instances: WeakRef<object>[] = [];
  private readonly osrRequested = new Set<string>();
  private pendingOsr: { functionIndex: number; ordinal: number; background: BackgroundEntry | undefined }[] = [];
  private readonly osrEntries = new Map<string, bigint>();
  private osrFailed = 0;
  private osrTransfers = 0;
  private readonly transfersByFunction = new Map<number, number>();
  /** Tiered with the code cache: told of each unit the first time its top tier is asked for. */
  onHotUnit: ((unit: number) => void) | undefined;
  /** Tiered with the code cache: told of every TIER_UP_CALLS_PER_REPORT-th tier-up call (the profile's weights). */
  onTierUpCalls: (() => void) | undefined;
  /** Tier-up calls from each unit's baseline code: how much the baseline ran, in steps of the threshold. */
  readonly tierUpCallsByUnit: Uint32Array;

  constructor(
    readonly units: CodeUnits,
    /** The module's functionCode, filled in as units are compiled (the top tier's once installed). */
    private readonly functionCode: bigint[],
    private readonly compileUnit: (unitIndex: number) => CompiledUnit,
    /** Tiered execution: starts a unit's top-tier compile; absent for lazy single-tier code. */
    private readonly startTopTier?: (unitIndex: number) => BackgroundUnit,
    /** Tiered execution: starts the compile of a function's OSR entry at a loop. */
    private readonly startOsr?: (functionIndex: number, ordinal: number) => BackgroundEntry,
    /** Tiered: the OSR candidate loops of each function (ordinals), noted as its baseline is translated. */
    private readonly osrCandidates: ReadonlyMap<number, readonly number[]> = new Map(),
  ) {
    this.compiled = new Uint8Array(units.units.length);
    this.tierUpCallsByUnit = new Uint32Array(units.units.length);
    this.topRequested = new Uint8Array(units.units.length);
  }

  /** Whether baseline code counts and tiers up (tiering: 'tiered'). */
  get tiered(): boolean {
    return this.startTopTier !== undefined;
  }

  /** Remembers a live instance, whose FuncRefs a top-tier unit must be installed into. */
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

  /** Counts a call from baseline code whose counter ran out (runtime/lazy-calls.ts) in `functionIndex`. */
  noteTierUpCall(functionIndex: number): void {
    this.tierUpCalls++;
    this.hotFunctions.add(functionIndex);
    this.tierUpCallsByUnit[this.unitOf(functionIndex)]++;
    if (this.tierUpCalls % TIER_UP_CALLS_PER_REPORT === 0) this.onTierUpCalls?.();
  }

  /** Whether the top-tier compile of `functionIndex`'s unit was asked for. */
  topTierRequestedFor(functionIndex: number): boolean {
    return this.topRequested[this.unitOf(functionIndex)] === 1;
  }

  /** Starts the top-tier compile of `functionIndex`'s unit, unless it was started (or the module is not tiered). */
  requestTopTier(functionIndex: number): void {
    if (this.startTopTier === undefined) return;
    this.requestUnitTopTier(this.unitOf(functionIndex));
  }

  /**
   * Starts the top-tier compile of `unit` unless it was started: for a hot function, or
   * before any call for a unit a previous run of the program found hot (the code cache's
   * profile, compiled-module.ts). Each unit's first request is told to onHotUnit.
   */
  requestUnitTopTier(unit: number, startNow = true): void {
    if (this.startTopTier === undefined) return;
    if (this.topRequested[unit] === 1) return;
    this.topRequested[unit] = 1;
    this.onHotUnit?.(unit);
    const pending: { unit: number; background: BackgroundUnit | undefined } = { unit, background: undefined };
    this.pendingTop.push(pending);
    const startTopTier = this.startTopTier;
    this.schedule(startNow, () => {
      pending.background = startTopTier(unit);
    }, () => {
      this.pendingTop = this.pendingTop.filter((entry) => entry !== pending);
    }, (outOfStack) => {
      if (outOfStack) this.topRequested[unit] = 0;
      else this.topTierFailed++;
    });
  }

  /**
   * At most MAX_BACKGROUND_COMPILES background compiles run at once, the newest request
   * first (what is hot now): on a machine of few cores the program keeps one, and the code
   * it needs next is not queued behind what it needed before. `start` translates and starts
   * the compile; if it throws, `drop` removes the request and `failed` says whether it was
   * for lack of JavaScript stack (deep in wasm recursion: asked again later) or a failure.
   */
  private schedule(startNow: boolean, start: () => void, drop: () => void, failed: (outOfStack: boolean) => void): void {
    this.waiting.push(() => {
      try {
        start();
      } catch (error) {
        this.running--;
        drop();
        failed(error instanceof RangeError);
      }
    });
    if (startNow) this.pump();
  }

  /**
   * Asks for the top tier of `units` before any call (a previous run's profile), the first
   * of them compiled first.
   */
  prefetchTopTier(units: readonly number[]): void {
    for (let i = units.length - 1; i >= 0; i--) this.requestUnitTopTier(units[i], false);
    this.pump();
  }

  private pump(): void {
    while (this.running < MAX_BACKGROUND_COMPILES && this.waiting.length > 0) {
      this.running++;
      this.waiting.pop()!();
    }
    if (this.running > 0) watchBackgroundWork(this);
  }

  /**
   * Takes the background compiles that finished (top-tier units are installed at the next
   * tier-up call) and starts waiting ones; returns whether any is still running or waiting.
   */
  pollBackground(): boolean {
    this.readyToInstall.push(...this.pollTopTier());
    this.pollOsr();
    return this.running > 0 || this.waiting.length > 0;
  }

  /**
   * Polls the started compiles of `pending`: each finished one goes to `onResult`, each failed
   * one to `onFailed`, and makes room for the next to start (pump). Returns those still to come.
   */
  private takeFinished<R, T extends { background: { poll(): R | undefined } | undefined }>(
    pending: T[],
    onResult: (entry: T, result: R) => void,
    onFailed: () => void,
  ): T[] {
    let done = 0;
    const remaining = pending.filter((entry) => {
      if (entry.background === undefined) return true;
      let result: R | undefined;
      try {
        result = entry.background.poll();
      } catch {
        onFailed();
        done++;
        return false;
      }
      if (result === undefined) return true;
      done++;
      onResult(entry, result);
      return false;
    });
    this.running -= done;
    if (done > 0) this.pump();
    return remaining;
  }

  /**
   * Takes the top-tier units that finished: their addresses replace the baseline's in
   * functionCode (the baseline code stays alive: it may be running). Returns the units
   * finished since the last call (also those waitForBackground took), to install.
   */
  pollTopTier(): number[] {
    const ready = this.readyToInstall;
    this.readyToInstall = [];
    if (this.pendingTop.length === 0) return ready;
    this.pendingTop = this.takeFinished<CompiledUnit, (typeof this.pendingTop)[number]>(
      this.pendingTop,
      ({ unit }, result) => {
        this.codes.push(result.code);
        for (const functionIndex of this.units.units[unit]) {
          const address = result.addresses.get(functionIndex);
          if (address !== undefined && address !== 0n) this.functionCode[functionIndex] = address;
        }
        this.topTierInstalled++;
        // A unit asked for before its first call (a previous run's profile) skips the baseline.
        if (this.compiled[unit] === 0) {
          this.compiled[unit] = 1;
          this.unitsCompiled++;
          this.functionsCompiled += this.units.units[unit].length;
        }
        ready.push(unit);
      },
      () => this.topTierFailed++,
    );
    return ready;
  }

  /** The unit of defined function `functionIndex`. */
  unitOf(functionIndex: number): number {
    const unit = this.units.unitOf[functionIndex];
    if (unit === undefined || unit < 0) throw new RangeError(`function ${functionIndex} is not a defined function`);
    return unit;
  }

  /** Compiles the unit of `functionIndex` unless it is compiled; its functions' addresses are then in functionCode. */
  ensureCompiled(functionIndex: number): void {
    const unit = this.unitOf(functionIndex);
    if (this.compiled[unit] === 1) return;
    // Its top tier may have finished in the background already (asked for before any call).
    if (this.topRequested[unit] === 1 && this.pendingTop.length > 0) {
      this.readyToInstall.push(...this.pollTopTier());
      if (this.compiled[unit] === 1) return;
    }
    // Translation runs no wasm, so nothing can call back in while a unit compiles.
    if (this.compiling) throw new Error('internal error: a lazy compile started during another');
    this.compiling = true;
    const start = performance.now();
    try {
      const result = this.compileUnit(unit);
      this.codes.push(result.code);
      for (const functionIndexInUnit of this.units.units[unit]) {
        const address = result.addresses.get(functionIndexInUnit);
        if (address === undefined || address === 0n) throw new Error(`internal error: lazy unit ${unit} did not define function ${functionIndexInUnit}`);
        this.functionCode[functionIndexInUnit] = address;
      }
      this.compiled[unit] = 1;
      this.unitsCompiled++;
      if (result.fromCache) this.unitsFromCache++;
      // Top-tier code from the cache: nothing to tier up to.
      if (result.topTier) {
        this.topRequested[unit] = 1;
        this.topTierInstalled++;
      }
      this.functionsCompiled += this.units.units[unit].length;
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
    // Units that were hot but only went through OSR get their top tier now, for the cache.
    for (const functionIndex of this.hotFunctions) this.requestTopTier(functionIndex);
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
    return this.startOsr !== undefined && (this.osrCandidates.get(functionIndex)?.length ?? 0) > 0;
  }

  /** Starts the compile of `functionIndex`'s OSR entry at loop `ordinal`, once. */
  requestOsr(functionIndex: number, ordinal: number): void {
    if (this.startOsr === undefined) return;
    const key = `${functionIndex}:${ordinal}`;
    if (this.osrRequested.has(key)) return;
    this.osrRequested.add(key);
    const pending: { functionIndex: number; ordinal: number; background: BackgroundEntry | undefined } = { functionIndex, ordinal, background: undefined };
    this.pendingOsr.push(pending);
    const startOsr = this.startOsr;
    this.schedule(true, () => {
      pending.background = startOsr(functionIndex, ordinal);
    }, () => {
      this.pendingOsr = this.pendingOsr.filter((entry) => entry !== pending);
    }, (outOfStack) => {
      if (outOfStack) this.osrRequested.delete(key);
      else this.osrFailed++;
    });
  }

  /** Takes the OSR entries that finished (the baseline asks for them at its next check). */
  pollOsr(): void {
    if (this.pendingOsr.length === 0) return;
    this.pendingOsr = this.takeFinished<{ code: CompiledCode; address: bigint }, (typeof this.pendingOsr)[number]>(
      this.pendingOsr,
      ({ functionIndex, ordinal }, result) => {
        this.codes.push(result.code);
        this.osrEntries.set(`${functionIndex}:${ordinal}`, result.address);
      },
      () => this.osrFailed++,
    );
  }

  /** The OSR entry of `functionIndex` at loop `ordinal`, or 0n when there is none (yet). */
  osrEntry(functionIndex: number, ordinal: number): bigint {
    return this.osrEntries.get(`${functionIndex}:${ordinal}`) ?? 0n;
  }

  /** Counts a transfer into an OSR entry of `functionIndex`; returns that function's count. */
  noteOsrTransfer(functionIndex: number): number {
    this.osrTransfers++;
    const count = (this.transfersByFunction.get(functionIndex) ?? 0) + 1;
    this.transfersByFunction.set(functionIndex, count);
    return count;
  }

  stats(): LazyCompileStats {
    return {
      units: this.units.units.length,
      unitsCompiled: this.unitsCompiled,
      functionsCompiled: this.functionsCompiled,
      compileMs: this.compileMs,
      unitsFromCache: this.unitsFromCache,
      stubCalls: this.stubCalls,
      topTierRequested: this.topRequested.reduce((sum, requested) => sum + requested, 0),
      topTierInstalled: this.topTierInstalled,
      topTierFailed: this.topTierFailed,
      tierUpCalls: this.tierUpCalls,
      osrRequested: this.osrRequested.size,
      osrCompiled: this.osrEntries.size,
      osrFailed: this.osrFailed,
      osrTransfers: this.osrTransfers,
    };
  }
}

