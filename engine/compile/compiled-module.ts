// Stage: compile. The pipeline (docs/ARCHITECTURE.md): bytes → decode + module-level
// validation → the shared validate-and-translate loop (LLVM IR text) → the native addon
// (parse, optimise, codegen, link) → addresses. A CompiledModule is what every instance of a
// Module shares: the decoded module, its vmctx layout, the JIT code (kept alive by the
// CompiledModule, which every instance and exported function reaches), the addresses of
// escaping functions and trampolines, registry ids of its function types and the data
// segments' bytes.
//
// Function bodies are validated inside the IR-emit loop (one pass, as Wasmtime's
// func_translator), so the "decode+validate" timing covers the sections and module-level
// checks, and "IR emit" covers body validation and translation together.
//
// Guards against hostile modules (compile-guards.ts): each function's measured shape picks
// its pipeline (the requested level, or the guarded one for pathological functions), the
// JS API's table size limit is checked, and `compileTimeoutMs` / `signal` stop a compile
// with a CompileError that names them (docs/RATIONALE.md, "What does cancelling a compile
// stop, and how soon?").

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeModule } from '../binary/decode-module.js';
import type { ModuleInfo } from '../binary/module-info.js';
import type { CallGraph } from '../validate/direct-calls.js';
import { CompileError } from '../wasm/errors.js';
import * as native from '../native/addon.js';
import type { CompiledCode, OptLevel } from '../native/addon.js';
import { IrModuleBuilder } from '../translate/ir-module.js';
import { ModuleTranslator } from '../translate/module-translator.js';
import { DEFAULT_UNIT_BODY_BYTES, isOneUnit, partitionIntoUnits, unitsFromLines, unitsToLines, type CodeUnits } from '../translate/code-units.js';
import { RuntimeEnvironment } from '../translate/runtime-environment.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { registerTypes } from './type-registry.js';
import { CodeCache, type CachedCode, type CodeCacheOptions } from './code-cache.js';
import { guardDecision, guardPolicy, MAX_FUNCTION_IR_BYTES, ModuleIrSize } from './compile-guards.js';
import { VmctxLayout } from '../abi/vmctx-layout.js';
import { directCalleesOf, nativeValidationEnabled, validateBodiesAndListCallsFast } from './native-validation.js';
import type { FuncType } from '../wasm/value-types.js';
import { hasMachineTrampolines, machineEntryTrampoline, machineHostTrampoline, machineTrampolinesFor, prepareMachineTrampolines } from './signature-trampolines.js';
import { cutOffsAfterExit, LazyCode, takeFinishedBackgroundCompiles, type BackgroundEntry, type BackgroundUnit, type CompiledUnit, type LazyCompileStats, type StartedUnit, type TopTier } from './lazy-code.js';
import { anchorTranslatorShapes } from './translator-shapes.js';
import { runOverlapWork } from './overlap-work.js';
import type { TopTierPart } from './top-tier-translation.js';
import { ModuleTranslations } from './translation-worker.js';
import { BaselineModuleCompiler, baselineUnitFromCache, baselineUnitToCache, directBaselineSupported } from '../baseline/baseline-unit.js';

/** Options of compile / new Module / instantiate (an extension of the standard API). */
export interface ModuleCompileOptions {
  /** LLVM optimisation level, 0-3; default 2. */
  readonly optLevel?: OptLevel;
  /** 'native' (default): the host CPU and all its features; 'generic': baseline x86-64. */
  readonly cpu?: 'native' | 'generic';
  /**
   * Wall-clock limit of the whole compile in milliseconds (decoding, translation, LLVM;
   * for `compile`, time queued for a compile thread too). Past it the compile fails with a
   * CompileError naming `compileTimeoutMs`; the compile thread stops at its next check.
   */
  readonly compileTimeoutMs?: number;
  /** Aborting it makes the compile fail with a CompileError (its `cause` is the signal's reason). */
  readonly signal?: AbortSignal;
  /**
   * Memory after an out-of-bounds trap is exactly what the abstract machine left, at every
   * optimisation level (explicit bounds checks; docs/RATIONALE.md, "Why explicit bounds
   * checks for exact state after a trap?"). At O0 it always is.
   */
  readonly exactTraps?: boolean;
  /**
   * The persistent code cache (code-cache.ts): `true` for the default directory, or where
   * and how large. Off by default; a hit links the object code kept by an earlier compile
   * of the same bytes with the same options and engine build instead of compiling.
   */
  readonly codeCache?: boolean | CodeCacheOptions;
  /** Keep the object code in memory so that serializeModule() can write it out (see module-serialization.ts). */
  readonly serializable?: boolean;
  /**
   * 'eager' (default): every function is compiled before compile() returns. 'lazy': compile()
   * decodes and validates everything but compiles only the trampolines; each code unit is
   * compiled on the first call of one of its functions (lazy-code.ts). 'tiered': lazily at
   * O0 first, with counters; hot functions are recompiled at optLevel in the background and
   * replace the baseline (lazy-code.ts). With the code cache, lazily compiled units (and
   * tiered top-tier sets of functions) are kept one by one, and a module found there is not
   * validated again; serialization applies to eager compiles only.
   */
  readonly tiering?: 'eager' | 'lazy' | 'tiered';
  /**
   * Where lazy modules at optLevel 0 and tiered modules get their baseline code: 'direct'
   * (default), the engine's own single-pass compiler (engine/baseline/), which takes every
   * unit without SIMD, several results, table or bulk-memory instructions and leaves the rest
   * to LLVM at O0; 'llvm-O0', LLVM at O0 for every unit (for comparisons).
   */
  readonly baseline?: 'direct' | 'llvm-O0';
}

/** Milliseconds per compile stage (docs/ARCHITECTURE.md §2). */
export interface ModuleCompileTimings {
  /** Decoding every section and the module-level validation (bodies: see irEmitMs). */
  readonly decodeValidateMs: number;
  /**
   * The per-operator loop: function-body validation and translation to LLVM IR text (the
   * time the translator waited for room among the units in flight is not counted).
   */
  readonly irEmitMs: number;
  /** LLVM: IR text → Module, plus the verifier. */
  readonly irParseMs: number;
  /** LLVM: the optimisation pipeline. */
  readonly optimizeMs: number;
  /** LLVM: instruction selection → object file. */
  readonly codegenMs: number;
  /** JIT link and symbol lookup. */
  readonly linkMs: number;
  /** LLVM: the guarded pipeline (split, reshape, codegen without optimisation), when some functions took it. */
  readonly guardedMs: number;
  /** Wall time of the whole compile, bytes → callable code. */
  readonly totalMs: number;
  /**
   * Code units (LLVM modules) the module was compiled as, in parallel on the compile threads
   * (translate/code-units.ts); irParse/optimize/codegen/guarded are the units' summed thread
   * times, so they can add up to more than totalMs. 0 for a cache hit.
   */
  readonly units: number;
  /** 'hit': linked from the code cache (the IR and LLVM stages are 0); 'miss': compiled and stored. */
  readonly codeCache: 'off' | 'hit' | 'miss';
  /** Lazy compilation: the units compiled on first calls so far (the other fields are compile()'s own work). */
  readonly lazy?: LazyCompileStats;
  /**
   * Lazy compilation: whether compile() validated the function bodies — false when the code
   * cache held this module's resident code and units, which are written only after this
   * engine build validated the same bytes (an eager cache hit never validates either).
   */
  readonly bodiesValidated?: boolean;
}

export interface CompiledModule {
  readonly info: ModuleInfo;
  readonly layout: VmctxLayout;
  readonly optLevel: OptLevel;
  readonly cpu: 'native' | 'generic';
  /** The JIT code; released when the CompiledModule is collected (never explicitly). */
  readonly code: CompiledCode;
  /** Code address of every defined function with an external symbol (it escapes: export, table, ref.func, start; or another code unit calls it); 0n otherwise. */
  readonly functionCode: readonly bigint[];
  /**
   * Entry trampoline (JS → wasm) per type index: written once per process and signature
   * (signature-trampolines.ts), or this module's IR one (types of escaping functions).
   */
  readonly entryTrampolines: TrampolineLookup;
  /** Host trampoline (wasm → JS) per type index: per signature, or this module's IR one (imported functions' types). */
  readonly hostTrampolines: TrampolineLookup;
  /** Registry id per type index (type-registry.ts); valid while this CompiledModule lives. */
  readonly typeIds: readonly bigint[];
  /** Keeps the registry references of typeIds. */
  readonly typeRegistration: object;
  readonly timings: ModuleCompileTimings;
  /** Defined functions compiled by the guarded pipeline, with the metric that sent them there. */
  readonly guardedFunctions: ReadonlyMap<number, string>;
  /** The object code and symbols, when kept (serializable, or the code cache); what serialization writes. */
  readonly objectCode: CachedCode | undefined;
  /** The options that shaped the code, as the code cache's key has them (cacheSettings). */
  readonly settings: string;
  /** Lazy compilation (tiering: 'lazy'): the units, compiled on first calls; undefined when eager. */
  readonly lazy: LazyCode | undefined;
}

interface TranslationResult {
  readonly info: ModuleInfo;
  readonly symbols: readonly string[];
  readonly functionSymbols: ReadonlyMap<number, string>;
  readonly entrySymbols: ReadonlyMap<number, string>;
  readonly hostSymbols: ReadonlyMap<number, string>;
  /** Function index → why it takes the guarded pipeline. */
  readonly guardedFunctions: ReadonlyMap<number, string>;
  readonly decodeValidateMs: number;
  readonly irEmitMs: number;
  /** Lazy, with the code cache: false when the cache showed that these bytes validated before. */
  readonly bodiesValidated?: boolean;
}

let moduleCounter = 0;

/** The code of a lazy module without resident code: nothing to look up or free. */
const NO_CODE: CompiledCode = {
  addresses: [],
  timings: { parseMs: 0, optimizeMs: 0, codegenMs: 0, linkMs: 0, guardedMs: 0, units: 0 },
  objectBytes: 0,
  release: () => undefined,
};

/** A module's trampolines by type index (`undefined`: the type has none). */
export interface TrampolineLookup {
  get(typeIndex: number): bigint | undefined;
}

/** The module's IR trampolines, else the machine-code one of the type's signature (remembered per type index). */
function trampolineLookup(info: ModuleInfo, ir: ReadonlyMap<number, bigint>, machine: (type: FuncType) => bigint): TrampolineLookup {
  const found = new Map<number, bigint>(ir);
  return {
    get(typeIndex: number): bigint | undefined {
      let address = found.get(typeIndex);
      if (address !== undefined) return address;
      const type = info.types[typeIndex];
      if (type === undefined || !hasMachineTrampolines(type)) return undefined;
      address = machine(type);
      found.set(typeIndex, address);
      return address;
    },
  };
}

/** The distinct function types of the module's functions, imported and defined. */
function functionTypesOf(info: ModuleInfo): FuncType[] {
  const seen = new Uint8Array(info.types.length);
  const types: FuncType[] = [];
  for (const typeIndex of info.functionTypeIndices) {
    if (seen[typeIndex] === 1) continue;
    seen[typeIndex] = 1;
    types.push(info.types[typeIndex]);
  }
  return types;
}

interface ResolvedOptions {
  readonly optLevel: OptLevel;
  readonly cpu: 'native' | 'generic';
  readonly limits: CompileLimits;
  /** Explicit bounds checks (exactTraps above O0). */
  readonly exactTraps: boolean;
  readonly cache: CodeCache | undefined;
  readonly serializable: boolean;
  readonly lazy: boolean;
  /** Lazy with a baseline tier (O0, counting) below optLevel. */
  readonly tiered: boolean;
  /** The baseline compiler of lazy O0 and tiered modules. */
  readonly baseline: 'direct' | 'llvm-O0';
}

/** Options that apply process-wide when a caller passes none (the register entry point). */
export type DefaultCompileOptions = Pick<ModuleCompileOptions, 'optLevel' | 'cpu' | 'compileTimeoutMs' | 'exactTraps' | 'codeCache' | 'tiering' | 'baseline'>;

let defaultOptions: DefaultCompileOptions = {};

/**
 * Sets the defaults of every later compile in this thread (engine/registration.ts reads them
 * from environment variables); options a caller passes win over them. Checked here, so a
 * bad default fails at once and not at the first compile.
 */
export function setDefaultCompileOptions(defaults: DefaultCompileOptions): void {
  const { optLevel, cpu, compileTimeoutMs, exactTraps, codeCache, tiering, baseline } = defaults;
  const checked: DefaultCompileOptions = { optLevel, cpu, compileTimeoutMs, exactTraps, codeCache, tiering, baseline };
  resolveOptions(checked, performance.now());
  defaultOptions = Object.freeze(checked);
}

/** The defaults set by setDefaultCompileOptions ({} when none). */
export function defaultCompileOptions(): DefaultCompileOptions {
  return defaultOptions;
}

function resolveOptions(given: ModuleCompileOptions | undefined, start: number): ResolvedOptions {
  if (given !== undefined && (given === null || typeof given !== 'object')) {
    throw new TypeError('compile options must be an object');
  }
  const options = given;
  const defaults = defaultOptions;
  const optLevel = options?.optLevel ?? defaults.optLevel ?? 2;
  if (optLevel !== 0 && optLevel !== 1 && optLevel !== 2 && optLevel !== 3) {
    throw new RangeError(`optLevel must be 0, 1, 2 or 3 (got ${String(optLevel)})`);
  }
  const cpu = options?.cpu ?? defaults.cpu ?? 'native';
  if (cpu !== 'native' && cpu !== 'generic') throw new RangeError(`cpu must be 'native' or 'generic' (got ${String(cpu)})`);
  const timeoutMs = options?.compileTimeoutMs ?? defaults.compileTimeoutMs;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0 && timeoutMs <= 1e12)) {
    throw new RangeError(`compileTimeoutMs must be a number of milliseconds (got ${String(timeoutMs)})`);
  }
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  const exactTraps = options?.exactTraps ?? defaults.exactTraps ?? false;
  const serializable = options?.serializable ?? false;
  if (typeof serializable !== 'boolean') throw new TypeError(`serializable must be a boolean (got ${String(serializable)})`);
  if (typeof exactTraps !== 'boolean') throw new TypeError(`exactTraps must be a boolean (got ${String(exactTraps)})`);
  const codeCache = options?.codeCache ?? defaults.codeCache ?? false;
  if (typeof codeCache !== 'boolean' && (codeCache === null || typeof codeCache !== 'object')) {
    throw new TypeError(`codeCache must be a boolean or { directory?, maxBytes? } (got ${String(codeCache)})`);
  }
  const tiering = options?.tiering ?? defaults.tiering ?? 'eager';
  if (tiering !== 'eager' && tiering !== 'lazy' && tiering !== 'tiered') throw new RangeError(`tiering must be 'eager', 'lazy' or 'tiered' (got ${String(tiering)})`);
  const lazy = tiering !== 'eager';
  if (lazy && serializable) throw new TypeError("serializable needs tiering: 'eager' (a lazily compiled module has no whole object code to write)");
  const baseline = options?.baseline ?? defaults.baseline ?? 'direct';
  if (baseline !== 'direct' && baseline !== 'llvm-O0') throw new RangeError(`baseline must be 'direct' or 'llvm-O0' (got ${String(baseline)})`);
  // Dumps show what LLVM did, so a compile that dumps must compile.
  const cache = codeCache === false || process.env.WASM_LLVM_DUMP_DIR ? undefined : cacheFor(codeCache === true ? {} : codeCache);
  // O0 keeps every access in order: guard pages alone give the exact state there.
  return { optLevel, cpu, limits: new CompileLimits(start, timeoutMs, signal), exactTraps: exactTraps && optLevel > 0, cache, serializable, lazy, tiered: tiering === 'tiered', baseline };
}

const caches = new Map<string, CodeCache>();

/** One CodeCache per directory and cap. */
function cacheFor(options: CodeCacheOptions): CodeCache {
  const key = `${options.directory ?? ''}\0${options.maxBytes ?? ''}`;
  let cache = caches.get(key);
  if (cache === undefined) caches.set(key, (cache = new CodeCache(options)));
  return cache;
}

/** What changes the code besides the bytes and the engine build: part of the cache key. */
function cacheSettings(options: Pick<ResolvedOptions, 'optLevel' | 'cpu' | 'exactTraps'>): string {
  return `optLevel=${options.optLevel} cpu=${options.cpu} exactTraps=${options.exactTraps}`;
}

/**
 * The key of `bytes` in the code cache, and the module from its entry: undefined on a miss
 * (or a cached object the JIT will not link, which then counts as a miss and is overwritten
 * by the compile that follows). The key's hash and the entry's read run on a compile thread
 * while this thread decodes the module's sections, which a hit needs (docs/RATIONALE.md,
 * "Why is a cache lookup started before the module is decoded?").
 */
function loadFromCache(bytes: Uint8Array, options: ResolvedOptions, start: number): { key: string; module: CompiledModule | undefined } {
  const lookup = options.cache!.startLookup(bytes, cacheSettings(options));
  const decodeStart = performance.now();
  let info: ModuleInfo | undefined;
  try {
    info = decodeModule(bytes, { functionBodies: false });
  } catch {
    info = undefined; // malformed: no entry can exist, and the compile that follows says why
  }
  const decoded = info === undefined ? undefined : { info, decodeMs: performance.now() - decodeStart };
  const { key, entry } = lookup.finish();
  if (entry === undefined || decoded === undefined) return { key, module: undefined };
  return { key, module: linkObjectCode(bytes, options, entry, start, 'hit', decoded) };
}

/**
 * A CompiledModule from object code kept earlier (the code cache, or a serialized module)
 * for exactly these bytes and options; undefined if the JIT will not link it.
 */
export function linkObjectCode(
  bytes: Uint8Array,
  options: Pick<ResolvedOptions, 'optLevel' | 'cpu' | 'exactTraps'>,
  entry: CachedCode,
  start = performance.now(),
  cacheState: 'hit' | 'off' = 'hit',
  decoded?: { readonly info: ModuleInfo; readonly decodeMs: number },
): CompiledModule | undefined {
  const decodeStart = performance.now();
  // Decoded, not validated again, and without the function bodies, which nothing reads once
  // the machine code is there: the entry's key binds these bytes to a compile by this engine
  // build, which validated them (a forged entry could hold any machine code anyway).
  const info = decoded?.info ?? decodeModule(bytes, { functionBodies: false });
  const translation: TranslationResult = {
    info,
    symbols: entry.symbols,
    functionSymbols: new Map(entry.functionSymbols),
    entrySymbols: new Map(entry.entrySymbols),
    hostSymbols: new Map(entry.hostSymbols),
    guardedFunctions: new Map(entry.guardedFunctions),
    decodeValidateMs: decoded?.decodeMs ?? performance.now() - decodeStart,
    irEmitMs: 0,
  };
  let code: CompiledCode;
  try {
    code = native.linkObjects(entry.objects, { name: `wasm${moduleCounter++}`, symbols: entry.symbols });
  } catch {
    return undefined;
  }
  return assemble(translation, code, options, performance.now() - start, cacheState, entry, undefined);
}

/** Keeps a compile's object code in the cache (no-op without a cache or kept objects). */
function storeInCache(options: ResolvedOptions, key: string | undefined, objectCode: CachedCode | undefined): void {
  if (options.cache === undefined || key === undefined || objectCode === undefined) return;
  options.cache.store(key, objectCode);
}

/** The object code and symbols of a compile that kept its objects (keepObjects). */
function objectCodeOf(translation: TranslationResult, code: CompiledCode): CachedCode | undefined {
  if (code.objects === undefined) return undefined;
  return {
    symbols: translation.symbols,
    functionSymbols: [...translation.functionSymbols],
    entrySymbols: [...translation.entrySymbols],
    hostSymbols: [...translation.hostSymbols],
    guardedFunctions: [...translation.guardedFunctions],
    objects: code.objects,
  };
}

/** The deadline and abort signal of one compile, checked between functions and handed to LLVM. */
class CompileLimits {
  readonly deadline: number | undefined;

  constructor(
    start: number,
    readonly timeoutMs: number | undefined,
    readonly signal: AbortSignal | undefined,
  ) {
    this.deadline = timeoutMs === undefined ? undefined : start + timeoutMs;
  }

  /** The CompileError of a passed deadline or an aborted signal, or undefined. */
  error(): CompileError | undefined {
    if (this.signal?.aborted) return this.abortError();
    if (this.deadline !== undefined && performance.now() >= this.deadline) return this.timeoutError();
    return undefined;
  }

  check(): void {
    const error = this.error();
    if (error !== undefined) throw error;
  }

  timeoutError(): CompileError {
    return new CompileError(`compile time limit exceeded: compileTimeoutMs is ${this.timeoutMs} ms`);
  }

  abortError(): CompileError {
    return new CompileError('compile aborted by its signal', -1, { cause: this.signal?.reason });
  }

  /** Milliseconds left before the deadline (0 when past it), or undefined without one. */
  remainingMs(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(0, this.deadline - performance.now());
  }
}

/** One code unit's LLVM IR (UTF-8) and the symbols of its functions that take the guarded pipeline. */
type UnitSink = (ir: Uint8Array, guardedSymbols: readonly string[]) => void;

/**
 * Decode, validate and translate: everything before LLVM, handing each code unit to `sink`
 * as soon as it is written (translate/code-units.ts). Throws CompileError.
 */
function translate(bytes: Uint8Array, limits: CompileLimits, exactTraps: boolean, cpu: 'native' | 'generic', unoptimized: boolean, sink: UnitSink): TranslationResult {
  try {
    return translateUnchecked(bytes, limits, exactTraps, cpu, unoptimized, sink);
  } catch (error) {
    throw asResourceError(error);
  }
}

/**
 * A JavaScript resource failure while translating (a buffer or string beyond what V8 can
 * allocate) as the CompileError the API promises, naming it; other errors pass unchanged.
 */
export function asResourceError(error: unknown): unknown {
  if (!(error instanceof RangeError) || error instanceof CompileError) return error;
  if (!/allocation failed|Invalid (string|array|typed array) length|out of memory|longer than/i.test(error.message)) return error;
  const failure = new CompileError(`module is too large to compile: ${error.message} (a JavaScript resource limit while translating)`);
  (failure as { cause?: unknown }).cause = error;
  return failure;
}

/** Whether code compiled for `cpu` may use SSSE3 (x86 pshufb, for i8x16.swizzle). */
function targetHasSsse3(cpu: 'native' | 'generic'): boolean {
  return cpu === 'native' && native.hostHasSsse3();
}

/**
 * Bytes of wasm function bodies per code unit: WASM_LLVM_UNIT_BYTES when set (for
 * measurements), else DEFAULT_UNIT_BODY_BYTES.
 */
function unitBodyBytes(): number {
  const setting = process.env.WASM_LLVM_UNIT_BYTES;
  if (setting === undefined || setting === '') return DEFAULT_UNIT_BODY_BYTES;
  const bytes = Number(setting);
  if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError(`WASM_LLVM_UNIT_BYTES must be a positive integer (got ${setting})`);
  return bytes;
}

function bodyLength(info: ModuleInfo, functionIndex: number): number {
  const body = info.functionBodies[functionIndex - info.importedFunctionCount];
  return body.end - body.start;
}

/**
 * The call graph the units of a module above one unit's bound follow, from the C++ validator
 * of bodies (native-validation.ts), which rejects an invalid module here with the TypeScript
 * validator's CompileError, before any translation; undefined for a module of one unit (no
 * graph needed), or with the C++ validator off (partitionIntoUnits then reads the bodies).
 * It costs less than partitionIntoUnits's own reading of every body in TypeScript (esbuild:
 * 30-50 ms against 115-170 ms), and the translation validates every body again as it goes.
 */
function callGraphForUnits(info: ModuleInfo, maxUnitBodyBytes: number): CallGraph | undefined {
  if (!nativeValidationEnabled() || isOneUnit(info, maxUnitBodyBytes)) return undefined;
  return validateBodiesAndListCallsFast(info);
}

function translateUnchecked(bytes: Uint8Array, limits: CompileLimits, exactTraps: boolean, cpu: 'native' | 'generic', unoptimized: boolean, sink: UnitSink): TranslationResult {
  const start = performance.now();
  limits.check();
  const info = decodeModule(bytes);
  validateModuleStructure(info);
  const decoded = performance.now();
  const units = partitionIntoUnits(info, unitBodyBytes(), callGraphForUnits(info, unitBodyBytes()));
  const environment = new RuntimeEnvironment(info, {
    explicitBoundsChecks: exactTraps,
    externalFunctions: units.calledFromOtherUnits,
    trampolinesOutsideIr: machineTrampolinesFor,
  });
  const policy = guardPolicy();
  const guardedFunctions = new Map<number, string>();
  let unitGuardedSymbols: string[] = [];
  const irSize = new ModuleIrSize(info);
  const translator = new ModuleTranslator(info, environment, {
    maxFunctionIrBytes: MAX_FUNCTION_IR_BYTES,
    x86Ssse3: targetHasSsse3(cpu),
    unoptimized,
    onFunctionTranslated: (metrics) => {
      limits.check();
      irSize.add(metrics);
      const reason = guardDecision(policy, metrics);
      if (reason === undefined) return;
      guardedFunctions.set(metrics.functionIndex, reason);
      unitGuardedSymbols.push(environment.functionSymbol(metrics.functionIndex));
    },
  });
  // IR as bytes: LLVM reads them as they are. One unit at a time, so no string or buffer
  // is ever the size of the module's IR.
  const name = `wasm${moduleCounter}`;
  const functions = new Map<number, string>();
  let handOverMs = 0;
  const handOver: UnitSink = (ir, guarded) => {
    const start = performance.now();
    sink(ir, guarded);
    handOverMs += performance.now() - start;
  };
  // The IR trampolines go into the last unit: one LLVM module and one
  // object fewer (a module within one unit is one object, as before units).
  let output: IrModuleBuilder | undefined;
  units.units.forEach((unit, index) => {
    if (output !== undefined) {
      handOver(output.finishBytes(), unitGuardedSymbols);
      unitGuardedSymbols = [];
    }
    // IR text runs at about 10-20 bytes per byte of body: start near that, grow if needed.
    let bodyBytes = 0;
    for (const functionIndex of unit) bodyBytes += bodyLength(info, functionIndex);
    output = new IrModuleBuilder({ moduleName: `${name}.unit${index}` }, Math.min(1 << 24, 65536 + 16 * bodyBytes));
    for (const [functionIndex, symbol] of translator.translateUnitInto(unit, output)) functions.set(functionIndex, symbol);
  });
  output ??= new IrModuleBuilder({ moduleName: `${name}.unit0` }, 1 << 16);
  const symbols = translator.finishUnitsInto(output, functions);
  handOver(output.finishBytes(), unitGuardedSymbols);
  const emitted = performance.now();
  return {
    info,
    symbols: symbols.all,
    functionSymbols: symbols.functions,
    entrySymbols: symbols.entryTrampolines,
    hostSymbols: symbols.hostTrampolines,
    guardedFunctions,
    decodeValidateMs: decoded - start,
    irEmitMs: emitted - decoded - handOverMs,
  };
}

function assemble(
  translation: TranslationResult,
  code: CompiledCode,
  options: Pick<ResolvedOptions, 'optLevel' | 'cpu' | 'exactTraps'>,
  totalMs: number,
  codeCache: 'off' | 'hit' | 'miss',
  objectCode: CachedCode | undefined,
  lazy: { readonly make: (functionCode: bigint[]) => LazyCode; readonly tiered: boolean } | undefined,
): CompiledModule {
  const { optLevel, cpu } = options;
  const { info } = translation;
  const addressOf = new Map<string, bigint>();
  translation.symbols.forEach((symbol, i) => addressOf.set(symbol, code.addresses[i]));
  const lookup = (symbol: string): bigint => {
    const address = addressOf.get(symbol);
    if (address === undefined || address === 0n) throw new Error(`the JIT did not define ${symbol}`);
    return address;
  };
  const functionCode = new Array<bigint>(info.functionTypeIndices.length).fill(0n);
  for (const [index, symbol] of translation.functionSymbols) functionCode[index] = lookup(symbol);
  const irEntries = new Map<number, bigint>();
  for (const [typeIndex, symbol] of translation.entrySymbols) irEntries.set(typeIndex, lookup(symbol));
  const irHosts = new Map<number, bigint>();
  for (const [typeIndex, symbol] of translation.hostSymbols) irHosts.set(typeIndex, lookup(symbol));
  // The signatures of the module's functions get their machine-code trampolines in one batch
  // (nothing to write when the process has them all; none past the process's cap, where the
  // translation wrote IR ones).
  prepareMachineTrampolines(functionTypesOf(info).filter(machineTrampolinesFor));
  const entryTrampolines = trampolineLookup(info, irEntries, machineEntryTrampoline);
  const hostTrampolines = trampolineLookup(info, irHosts, machineHostTrampoline);
  const types = registerTypes(info.types);
  return {
    info,
    layout: new VmctxLayout(info, { lazyContexts: lazy !== undefined, tierCounters: lazy?.tiered === true }),
    optLevel,
    cpu,
    code,
    functionCode,
    entryTrampolines,
    hostTrampolines,
    typeIds: types.ids,
    typeRegistration: types.registration,
    guardedFunctions: translation.guardedFunctions,
    objectCode,
    settings: cacheSettings(options),
    lazy: lazy?.make(functionCode),
    timings: {
      decodeValidateMs: translation.decodeValidateMs,
      irEmitMs: translation.irEmitMs,
      irParseMs: code.timings.parseMs,
      optimizeMs: code.timings.optimizeMs,
      codegenMs: code.timings.codegenMs,
      linkMs: code.timings.linkMs,
      guardedMs: code.timings.guardedMs,
      units: code.timings.units,
      totalMs,
      codeCache,
      ...(translation.bodiesValidated !== undefined ? { bodiesValidated: translation.bodiesValidated } : {}),
    },
  };
}

function batchOptions(options: ResolvedOptions): native.CompileBatchOptions {
  const remainingMs = options.limits.remainingMs();
  return {
    optLevel: options.optLevel,
    cpu: options.cpu,
    name: `wasm${moduleCounter++}`,
    ...(remainingMs !== undefined ? { timeoutMs: remainingMs } : {}),
    ...(options.cache !== undefined || options.serializable ? { keepObjects: true } : {}),
  };
}

/** Thrown into the translator when a unit already failed: the batch's finish reports why. */
class UnitFailed extends Error {}

/**
 * Translates `bytes` into `batch`, one code unit after another (LLVM compiles each while the
 * next is translated). A translation error abandons the batch and is thrown; a unit that
 * failed in LLVM stops translation and returns undefined (the batch's finish throws its error).
 */
function translateIntoBatch(bytes: Uint8Array, options: ResolvedOptions, batch: native.CompileBatch): TranslationResult | undefined {
  try {
    return translate(bytes, options.limits, options.exactTraps, options.cpu, options.optLevel === 0, (ir, guarded) => {
      if (!batch.add(ir, guarded)) throw new UnitFailed();
    });
  } catch (error) {
    if (error instanceof UnitFailed) return undefined;
    batch.abandon(error instanceof Error ? error.message : 'translation failed');
    throw error;
  }
}

/**
 * The CompiledModule of a batch that linked: its objects stored in the cache (when on), the
 * addresses assembled. `translation` is undefined only if a unit failed, when the batch
 * cannot have linked.
 */
function completeCompile(
  translation: TranslationResult | undefined,
  code: CompiledCode,
  options: ResolvedOptions,
  key: string | undefined,
  start: number,
): CompiledModule {
  if (translation === undefined) {
    code.release();
    throw new Error('internal error: a code unit failed but the batch linked');
  }
  const objectCode = objectCodeOf(translation, code);
  storeInCache(options, key, objectCode);
  return assemble(translation, code, options, performance.now() - start, key === undefined ? 'off' : 'miss', objectCode, undefined);
}

/** A native compile failure as the API reports it: a cancelled compile is the limit's CompileError. */
function compileFailure(error: unknown, limits: CompileLimits): unknown {
  if ((error as { code?: unknown })?.code !== native.COMPILE_CANCELLED_CODE) return error;
  return limits.signal?.aborted ? limits.abortError() : limits.timeoutError();
}

/**
 * Once per process each, while this thread would wait for the compile threads (after a
 * compile's IR is with them): the translator's shape anchors, and the work registered from
 * above (api/instance-shapes.ts's anchor instance; compile/overlap-work.ts).
 */
function whileCompileThreadsWork(): void {
  anchorTranslatorShapes();
  runOverlapWork();
}

/**
 * The whole pipeline, synchronously (new Module). `bytes` must not change afterwards. The
 * signal is checked until LLVM starts (nothing can abort it while this thread waits); the
 * deadline goes to the addon.
 */
export function compileModule(bytes: Uint8Array, options?: ModuleCompileOptions): CompiledModule {
  const start = performance.now();
  const resolved = resolveOptions(options, start);
  if (resolved.lazy) return compileLazily(bytes, resolved, start);
  let key: string | undefined;
  if (resolved.cache !== undefined) {
    resolved.limits.check();
    const cached = loadFromCache(bytes, resolved, start);
    if (cached.module !== undefined) return cached.module;
    key = cached.key;
  }
  const batch = native.createCompileBatch(batchOptions(resolved));
  const translation = translateIntoBatch(bytes, resolved, batch);
  if (translation !== undefined) whileCompileThreadsWork();
  let code: CompiledCode;
  try {
    code = batch.finish(translation?.symbols ?? []);
  } catch (error) {
    throw compileFailure(error, resolved.limits);
  }
  return completeCompile(translation, code, resolved, key, start);
}

/**
 * The whole pipeline with LLVM on the addon's compile threads (compile / instantiate):
 * decoding, validation and translation run in this thread, then the thread is free while
 * LLVM works. Option and compile errors reject the promise (never a synchronous throw).
 * With a deadline or a signal, the promise rejects as soon as either fires, and the compile
 * thread stops at its next check (the code of a compile that finished anyway is released).
 */
export async function compileModuleAsync(bytes: Uint8Array, options?: ModuleCompileOptions): Promise<CompiledModule> {
  const start = performance.now();
  const resolved = resolveOptions(options, start);
  if (resolved.lazy) return compileLazily(bytes, resolved, start);
  const { limits } = resolved;
  let key: string | undefined;
  if (resolved.cache !== undefined) {
    limits.check();
    const cached = loadFromCache(bytes, resolved, start);
    if (cached.module !== undefined) return cached.module;
    key = cached.key;
  }
  const cancellation = limits.timeoutMs !== undefined || limits.signal !== undefined ? native.createCompileCancellation() : undefined;
  const batch = native.createCompileBatch(batchOptions(resolved), cancellation);
  const translation = translateIntoBatch(bytes, resolved, batch);
  const compiling = batch.finishAsync(translation?.symbols ?? []);
  if (translation !== undefined) whileCompileThreadsWork();
  const finish = (code: CompiledCode): CompiledModule => completeCompile(translation, code, resolved, key, start);
  if (cancellation === undefined) {
    let code: CompiledCode;
    try {
      code = await compiling;
    } catch (error) {
      throw compileFailure(error, limits);
    }
    return finish(code);
  }

  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const stop = (error: CompileError) => {
      cancellation.cancel(error.message);
      reject(error);
    };
    const remainingMs = limits.remainingMs();
    if (remainingMs !== undefined) timer = setTimeout(() => stop(limits.timeoutError()), remainingMs);
    if (limits.signal !== undefined) {
      onAbort = () => stop(limits.abortError());
      if (limits.signal.aborted) onAbort();
      else limits.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  // Whichever loses the race is still settled: a late success releases its code at once.
  compiling.then((code) => (cancellation.cancelled ? code.release() : undefined), () => undefined);
  try {
    return finish(await Promise.race([compiling, stopped]));
  } catch (error) {
    throw compileFailure(error, limits);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) limits.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * tiering: 'lazy' (lazy-code.ts): decode and validate every body, compile the resident code
 * (the IR entry and host trampolines of function types without machine-code ones) now, and each
 * code unit on the first call of one of its functions. Throws CompileError as compileModule.
 */
function compileLazily(bytes: Uint8Array, options: ResolvedOptions, start: number): CompiledModule {
  options.limits.check();
  let info: ModuleInfo;
  try {
    info = decodeModule(bytes);
    validateModuleStructure(info);
  } catch (error) {
    throw asResourceError(error);
  }
  // The units follow the call graph, which the validation of the bodies lists (below).
  let units: CodeUnits | undefined;
  const unitsOf = (): CodeUnits => {
    if (units === undefined) throw new Error('internal error: a lazy unit was asked for before the bodies were validated');
    return units;
  };
  let currentUnit = -1;
  // Tiered: each function's OSR candidate loops, noted as its baseline is translated (read by LazyCode).
  const osrCandidates = new Map<number, number[]>();
  const noteOsrCandidate = (functionIndex: number, ordinal: number): void => {
    const list = osrCandidates.get(functionIndex);
    if (list === undefined) osrCandidates.set(functionIndex, [ordinal]);
    else if (!list.includes(ordinal)) list.push(ordinal);
  };
  const environment = new RuntimeEnvironment(info, {
    explicitBoundsChecks: options.exactTraps && !options.tiered,
    allFunctionsExternal: true,
    // Tiered baseline code calls every defined function through its FuncRef, so that top-tier
    // code, once installed, takes every later call (recursion and calls within a unit too).
    lazyCallThroughFuncRef: options.tiered ? () => true : (callee) => unitsOf().unitOf[callee] !== currentUnit,
    tierUpCounters: options.tiered,
    trampolinesOutsideIr: machineTrampolinesFor,
    onOsrCandidate: noteOsrCandidate,
  });
  // Tiered: the baseline is O0 (exact state after traps by itself) — the baseline compiler's
  // or LLVM's; the top tier is optLevel.
  const baselineOptions: ResolvedOptions = options.tiered ? { ...options, optLevel: 0, exactTraps: false } : options;
  const policy = guardPolicy();
  let guardedSymbols: string[] = [];
  const guardedFunctions = new Map<number, string>();
  const translator = new ModuleTranslator(info, environment, {
    maxFunctionIrBytes: MAX_FUNCTION_IR_BYTES,
    x86Ssse3: targetHasSsse3(options.cpu),
    unoptimized: baselineOptions.optLevel === 0,
    onFunctionTranslated: (metrics) => {
      const reason = guardDecision(policy, metrics);
      if (reason === undefined) return;
      guardedFunctions.set(metrics.functionIndex, reason);
      guardedSymbols.push(environment.functionSymbol(metrics.functionIndex));
    },
  });
  const name = `wasm${moduleCounter++}`;
  const residentStart = performance.now();

  // The code cache: one entry per unit (and one for the resident code), under keys derived
  // from the module's key, which hashes the bytes once.
  const cache = options.cache;
  const moduleKey = cache?.key(bytes, `${cacheSettings(options)} tiering=${options.tiered ? 'tiered' : 'lazy'} unitBytes=${unitBodyBytes()}`);
  const partKey = (part: string): string => createHash('sha256').update(`${moduleKey}\n${part}`).digest('hex');

  // The resident code needs only the types: it goes to the compile threads before the bodies
  // are validated, and compiles while this thread validates them.
  const resident = new IrModuleBuilder({ moduleName: `${name}.resident` }, 1 << 12);
  const symbols = translator.finishUnitsInto(resident, new Map());
  const residentSymbols = symbols.all;
  // With every trampoline in machine code (signature-trampolines.ts), there is no resident
  // code: compile() then runs no LLVM at all.
  const residentEmpty = residentSymbols.length === 0;
  const residentKey = cache === undefined || residentEmpty ? undefined : partKey('resident');
  let code = residentEmpty ? NO_CODE : residentKey === undefined ? undefined : linkCachedPart(cache!, residentKey, name);
  const residentHit = !residentEmpty && code !== undefined;
  const residentCompile = code === undefined ? startOneUnit(resident.finishBytes(), [], baselineOptions, name, cache !== undefined) : undefined;

  const validationStart = performance.now();
  // The resident entry and the units' list are written only after the bodies validated: with
  // both (or the list alone when there is no resident code), this engine build validated these
  // very bytes before, and the bodies are not validated again (as an eager compile that hits
  // the cache links without validating).
  const unitsKey = cache === undefined ? undefined : partKey('units');
  const unitLines = residentHit || (residentEmpty && unitsKey !== undefined) ? cache!.loadList(unitsKey!) : undefined;
  let partition = unitLines === undefined ? undefined : unitsFromLines(info, unitLines);
  const validatedBefore = partition !== undefined;
  if (partition === undefined) {
    try {
      options.limits.check();
      // The validator lists each body's direct callees on the way: the units' call graph.
      const calls = validateBodiesAndListCallsFast(info);
      options.limits.check();
      partition = partitionIntoUnits(info, unitBodyBytes(), calls);
    } catch (error) {
      residentCompile?.abandon();
      code?.release();
      throw asResourceError(error);
    }
  }
  units = partition;
  const validated = performance.now();
  if (residentCompile !== undefined) {
    code = residentCompile.finish(residentSymbols);
    if (residentKey !== undefined) storeCachedPart(cache!, residentKey, residentSymbols, code);
  }
  if (!validatedBefore && unitsKey !== undefined) cache!.storeList(unitsKey, unitsToLines(partition));

  // The baseline: our own compiler (engine/baseline/) for the units it takes, LLVM at O0 for
  // the others. Its code is made on the calling thread in about the time LLVM takes to start,
  // so it is not compiled ahead; with the code cache its bytes are kept (under a key of their
  // own), as a cold compiler's first compiles in a process cost more than loading them.
  const direct = options.baseline === 'direct' && baselineOptions.optLevel === 0 && directBaselineSupported();
  const baseline = direct ? new BaselineModuleCompiler(info, environment.layout, options.tiered, noteOsrCandidate) : undefined;
  /**
   * A lazy unit's compile, begun: the baseline compiler's code (from the code cache or
   * compiled now), or LLVM's — linked from the code cache, or translated on this thread now
   * and compiled on the compile threads in the background; `finish` waits for it. The unit
   * being called starts this way, and with LLVM so do the units it calls (LazyCode's units
   * compiled ahead), whose translation then overlaps its LLVM work; undefined for a unit
   * asked for ahead that the code cache holds, and for every unit asked for ahead when the
   * baseline compiler is on (it compiles at the call).
   */
  const startUnit = (unitIndex: number, ahead: boolean): StartedUnit | undefined => {
    if (baseline !== undefined) {
      if (ahead) return undefined;
      const functions = unitsOf().units[unitIndex];
      const key = cache === undefined ? undefined : partKey(`baseline unit ${unitIndex}`);
      const entry = key === undefined ? undefined : cache!.load(key);
      const cached = entry === undefined || entry.objects.length !== 1 ? undefined : baselineUnitFromCache(entry.symbols, entry.objects[0]);
      const unit = cached ?? baseline.compileUnit(unitIndex, functions);
      if (unit !== undefined) {
        if (cached === undefined && key !== undefined) {
          const { lines, object } = baselineUnitToCache(unit);
          cache!.store(key, { symbols: lines, functionSymbols: [], entrySymbols: [], hostSymbols: [], guardedFunctions: [], objects: [object] });
        }
        const installed = baseline.install(unit, functions);
        return { finish: () => ({ code: installed.code, addresses: installed.addresses, fromCache: cached !== undefined, direct: true }) };
      }
    }
    currentUnit = unitIndex;
    guardedSymbols = [];
    try {
      const unit = unitsOf().units[unitIndex];
      // Every function of a lazy unit is external: its symbols are the unit's functions, in order.
      const unitSymbols = unit.map((functionIndex) => environment.functionSymbol(functionIndex));
      const unitName = `${name}.unit${unitIndex}`;
      const result = (code: CompiledCode, fromCache: boolean): CompiledUnit => {
        const addresses = new Map<number, bigint>();
        unit.forEach((functionIndex, i) => addresses.set(functionIndex, code.addresses[i]));
        return { code, addresses, fromCache };
      };
      const key = cache === undefined ? undefined : partKey(`unit ${unitIndex}`);
      if (key !== undefined) {
        // Ahead, a unit in the code cache is left for its call: linking it costs this thread
        // as much then, and nothing if it is never called.
        if (ahead && cache!.has(key)) return undefined;
        const linked = linkCachedPart(cache!, key, unitName);
        if (linked !== undefined) return { finish: () => result(linked, true) };
      }
      let bodyBytes = 0;
      for (const functionIndex of unit) bodyBytes += bodyLength(info, functionIndex);
      const output = new IrModuleBuilder({ moduleName: unitName }, Math.min(1 << 24, 65536 + 16 * bodyBytes));
      translator.translateUnitInto(unit, output);
      const batch = compileInBackground(output.finishBytes(), guardedSymbols, unitSymbols, { ...baselineOptions, name: unitName, keepObjects: key !== undefined });
      whileCompileThreadsWork();
      return {
        finish: () => {
          const code = batch.poll(true);
          if (code === undefined) throw new Error(`internal error: lazy unit ${unitIndex} was not compiled after waiting for it`);
          if (key !== undefined) storeCachedPart(cache!, key, unitSymbols, code);
          return result(code, false);
        },
      };
    } finally {
      currentUnit = -1;
    }
  };
  /** The units whose functions `unitIndex`'s functions call directly (the C++ reader of calls). */
  const calleeUnitsOf = (unitIndex: number): number[] => {
    const { units, unitOf } = unitsOf();
    const callees = new Set<number>();
    for (const functionIndex of units[unitIndex]) {
      for (const callee of directCalleesOf(info, functionIndex)) {
        const calleeUnit = unitOf[callee];
        if (calleeUnit >= 0 && calleeUnit !== unitIndex) callees.add(calleeUnit);
      }
    }
    return [...callees];
  };
  const translation: TranslationResult = {
    info,
    symbols: residentSymbols,
    functionSymbols: new Map(),
    entrySymbols: symbols.entryTrampolines,
    hostSymbols: symbols.hostTrampolines,
    guardedFunctions,
    // Decoding, module-level and body validation and the unit cut; the resident code's IR
    // is written in between (its compile overlaps the bodies' validation).
    decodeValidateMs: validated - start - (validationStart - residentStart),
    irEmitMs: validationStart - residentStart,
    bodiesValidated: !validatedBefore,
  };
  const top = options.tiered ? topTierCompiler(info, options, name, cache === undefined ? undefined : { cache, key: (part) => partKey(part) }) : undefined;
  const make = (functionCode: bigint[]): LazyCode => {
    const lazy = new LazyCode(partition, functionCode, startUnit, calleeUnitsOf, top, osrCandidates);
    if (top !== undefined && cache !== undefined) followHotFunctions(lazy, info, cache, partKey('hot functions'), partKey('cut off at exit'));
    return lazy;
  };
  const codeCache = cache === undefined ? 'off' : residentHit || (residentEmpty && validatedBefore) ? 'hit' : 'miss';
  return assemble(translation, code!, options, performance.now() - start, codeCache, undefined, { make, tiered: options.tiered });
}

let exitHookInstalled = false;

/**
 * Background compiles must not run on while the process exits (LLVM's statics are destroyed
 * then): the first one (compileInBackground) installs an 'exit' listener that cancels and
 * awaits them.
 */
function stopBackgroundCompilesAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    try {
      takeFinishedBackgroundCompiles();
    } finally {
      native.stopBackgroundCompiles();
    }
  });
}

/** Top-tier sets of one unit listed in the code cache (older ones are forgotten; their entries age out). */
const MAX_TOP_TIER_SETS = 64;

/**
 * Tiered execution's top tier: some functions of a unit (those LazyCode found hot, and their
 * direct callees there) translated without counters — on this thread, or on the translation
 * worker when it is on (translation-worker.ts) — and compiled at options.optLevel on the
 * compile threads in the background; kept in the code cache under the unit and the set of
 * functions.
 */
function topTierCompiler(
  info: ModuleInfo,
  options: ResolvedOptions,
  name: string,
  cache: { readonly cache: CodeCache; readonly key: (part: string) => string } | undefined,
): TopTier {
  const translations = new ModuleTranslations(info.bytes, info, { exactTraps: options.exactTraps, ssse3: targetHasSsse3(options.cpu), guardPolicy: guardPolicy() });
  /** The cache part of the top-tier code of `list` in `unit`: the set and the code generator (quick or not) are part of the key. */
  const partName = (unit: number, list: readonly number[], quick: boolean): string => `top ${unit}:${list.join(',')}${quick ? ' quick' : ''}`;
  const addressesOf = (list: readonly number[], code: CompiledCode): Map<number, bigint> => {
    const addresses = new Map<number, bigint>();
    list.forEach((functionIndex, i) => addresses.set(functionIndex, code.addresses[i]));
    return addresses;
  };
  /**
   * A part compiling in the background: its batch handed off now, its IR translated into it
   * here at once (or by the translation worker); poll() gives the code and the part's symbols
   * once the translation is done and the compile finished.
   */
  const inBackground = (part: TopTierPart, quick: boolean): { poll(): { code: CompiledCode; symbols: readonly string[] } | undefined } => {
    const batch = backgroundBatch({ ...options, name: part.moduleName, quick, keepObjects: cache !== undefined });
    // handOff(true): the program's thread is told when the code is there (LazyCode's background poll).
    const translation = translations.request(part, batch.handOff(true));
    // The shape anchors (once per process) matter where the translator runs: here, if it did.
    if (translations.translatedHere > 0) anchorTranslatorShapes();
    let symbols: readonly string[] | undefined;
    return {
      poll: () => {
        symbols ??= translation.poll();
        if (symbols === undefined) return undefined;
        const code = batch.poll();
        if (code === undefined) return undefined;
        if (code.addresses.length !== symbols.length) {
          // Never expected (each symbol is linked or the link fails); a failed compile, not wrong code.
          code.release();
          throw new Error(`internal error: top-tier part ${part.moduleName} linked ${code.addresses.length} of its ${symbols.length} symbols`);
        }
        return { code, symbols };
      },
    };
  };
  const start = (unit: number, list: readonly number[], quick: boolean): BackgroundUnit => {
    const background = inBackground({ kind: 'set', members: list, moduleName: `${name}.top${unit}` }, quick);
    return {
      poll: () => {
        const done = background.poll();
        if (done === undefined) return undefined;
        if (cache !== undefined) {
          storeCachedPart(cache.cache, cache.key(partName(unit, list, quick)), done.symbols, done.code);
          noteCachedSet(unit, list);
        }
        return { code: done.code, addresses: addressesOf(list, done.code), fromCache: false };
      },
    };
  };
  /** A cached part with exactly `count` symbols, linked; undefined if it is not there or not that. */
  const linkCached = (part: string, linkName: string, count: number): CompiledCode | undefined => {
    if (cache === undefined) return undefined;
    const code = linkCachedPart(cache.cache, cache.key(part), linkName);
    if (code === undefined || code.addresses.length === count) return code;
    code.release();
    return undefined;
  };
  const cached = (unit: number, list: readonly number[]): CompiledUnit | undefined => {
    // The full code generator's code if the cache has it, else the quick one's (LazyCode upgrades it).
    const full = linkCached(partName(unit, list, false), `${name}.top${unit}`, list.length);
    const code = full ?? linkCached(partName(unit, list, true), `${name}.top${unit}`, list.length);
    return code === undefined ? undefined : { code, addresses: addressesOf(list, code), fromCache: true, ...(full === undefined ? { quick: true } : {}) };
  };
  // Each unit's top-tier sets in the cache are listed under `top sets <unit>` (newest last, at
  // most MAX_TOP_TIER_SETS): a later run looks them up there, whatever sets its profile makes.
  const setsKey = (unit: number): string => cache!.key(`top sets ${unit}`);
  const readSets = (unit: number): number[][] => {
    const lines = cache?.cache.loadList(setsKey(unit)) ?? [];
    const sets: number[][] = [];
    for (const line of lines) {
      const set = line.split(',').map(Number);
      if (set.length > 0 && set.every((functionIndex) => Number.isInteger(functionIndex) && functionIndex >= 0)) sets.push(set);
    }
    return sets;
  };
  const noteCachedSet = (unit: number, list: readonly number[]): void => {
    const line = list.join(',');
    const lines = readSets(unit).map((set) => set.join(',')).filter((other) => other !== line);
    lines.push(line);
    cache!.cache.storeList(setsKey(unit), lines.slice(-MAX_TOP_TIER_SETS));
  };
  // An OSR entry (a function's candidate loops from one ordinal on) is alone in its LLVM
  // module: every call in it goes through FuncRefs (no members). Kept in the code cache under
  // (function, first loop), like the top-tier sets.
  const osrPart = (functionIndex: number, from: number, quick: boolean): string => `osr ${functionIndex}:${from}+${quick ? ' quick' : ''}`;
  const startOsr = (functionIndex: number, from: number, quick: boolean): BackgroundEntry => {
    const background = inBackground({ kind: 'osr', functionIndex, from, moduleName: `${name}.osr${functionIndex}.${from}` }, quick);
    return {
      poll: () => {
        const done = background.poll();
        if (done === undefined) return undefined;
        if (cache !== undefined) storeCachedPart(cache.cache, cache.key(osrPart(functionIndex, from, quick)), done.symbols, done.code);
        return { code: done.code, address: done.code.addresses[0] };
      },
    };
  };
  const cachedOsr = (functionIndex: number, from: number): { code: CompiledCode; address: bigint } | undefined => {
    const code = linkCached(osrPart(functionIndex, from, false), `${name}.osr${functionIndex}.${from}`, 1) ?? linkCached(osrPart(functionIndex, from, true), `${name}.osr${functionIndex}.${from}`, 1);
    if (code === undefined) return undefined;
    if (code.addresses[0] === 0n) {
      code.release();
      return undefined;
    }
    return { code, address: code.addresses[0] };
  };
  const callees = new Map<number, readonly number[]>();
  const calleesOfFunction = (functionIndex: number): readonly number[] => {
    let list = callees.get(functionIndex);
    if (list === undefined) {
      list = directCalleesOf(info, functionIndex);
      callees.set(functionIndex, list);
    }
    return list;
  };
  return {
    start,
    cached,
    cachedSets: readSets,
    startOsr,
    cachedOsr,
    calleesOf: calleesOfFunction,
    bodyBytes: (functionIndex) => bodyLength(info, functionIndex),
    translations: () => ({ onWorker: translations.translatedOnWorker, here: translations.translatedHere, msHere: translations.translateMsHere }),
  };
}

/**
 * Tiered execution with the code cache: the functions a run found hot (asked for their top
 * tier, or made tier-up calls) are kept in the cache (a profile of `function:weight` entries,
 * the weight being the most tier-up calls one run's baseline made in the function — how long
 * it ran unoptimised), rewritten when a function becomes hot or a weight grows (checked every
 * few hundred tier-up calls). The next run of the module asks for their top tier before any
 * call (LazyCode.prefetchTopTier: linked from the cache at the unit's first call, or
 * compiled in the background, most weight per byte first), instead of running their baseline until its counters
 * find them hot again: a program that ends before its background compiles (they are
 * cancelled at exit) gets them in the cache over its next runs. The compiles an exit cut off
 * are listed too (`cut off at exit`), and start first in the next run (last if cut off again).
 */
function followHotFunctions(lazy: LazyCode, info: ModuleInfo, cache: CodeCache, profileKey: string, cutOffKey: string): void {
  const imported = info.importedFunctionCount;
  const functionCount = info.functionTypeIndices.length;
  /** Weight of each listed function, from earlier runs and this one. */
  const weights = new Map<number, number>();
  for (const text of cache.loadList(profileKey) ?? []) {
    const [functionText, weightText = '0'] = text.split(':');
    const functionIndex = Number(functionText);
    const weight = Number(weightText);
    if (Number.isInteger(functionIndex) && functionIndex >= imported && functionIndex < functionCount && Number.isFinite(weight) && weight >= 0 && !weights.has(functionIndex)) weights.set(functionIndex, weight);
  }
  /** Rewrites the profile when a weight grew or a function joined (`changed`: one already did). */
  const store = (changed = false): void => {
    // Functions whose baseline ran long enough to call for a tier-up join too (some only
    // ever went through OSR, which asks for no top tier).
    lazy.tierUpCallsByFunction.forEach((calls, functionIndex) => {
      if (calls > (weights.get(functionIndex) ?? 0)) {
        weights.set(functionIndex, calls);
        changed = true;
      }
    });
    if (changed) cache.storeList(profileKey, [...weights].map(([functionIndex, weight]) => `${functionIndex}:${weight}`));
  };
  lazy.onHotFunction = (functionIndex) => {
    if (weights.has(functionIndex)) return;
    weights.set(functionIndex, 0);
    store(true);
  };
  lazy.onTierUpCalls = () => store();
  // The functions whose top-tier compile the last run's exit cut off (`function:runs in a row`)
  // start first this time, or last once a first start did not help.
  const cutOff = new Map<number, number>();
  for (const text of cache.loadList(cutOffKey) ?? []) {
    const [functionText, timesText = '1'] = text.split(':');
    const functionIndex = Number(functionText);
    const times = Number(timesText);
    if (Number.isInteger(functionIndex) && functionIndex >= imported && functionIndex < functionCount && Number.isInteger(times) && times >= 1) cutOff.set(functionIndex, times);
  }
  lazy.topTierCached = true;
  lazy.onCutOffAtExit = (functions) => cache.storeList(cutOffKey, [...cutOffsAfterExit(cutOff, functions)].map(([functionIndex, times]) => `${functionIndex}:${times}`));
  lazy.prefetchTopTier([...weights.keys()], (functionIndex) => weights.get(functionIndex) ?? 0, cutOff);
}

/**
 * A lazily compiled module's part (resident code, a unit, a top-tier set) from the code
 * cache, linked; undefined when there is no entry or the JIT will not link it (the part is
 * compiled again and its entry overwritten).
 */
function linkCachedPart(cache: CodeCache, key: string, name: string): CompiledCode | undefined {
  const entry = cache.load(key);
  if (entry === undefined) return undefined;
  try {
    return native.linkObjects(entry.objects, { name, symbols: entry.symbols });
  } catch {
    return undefined;
  }
}

/** Keeps a part's objects (compiled with keepObjects) under `key`: its symbols are all it needs besides them. */
function storeCachedPart(cache: CodeCache, key: string, symbols: readonly string[], code: CompiledCode): void {
  if (code.objects === undefined) return;
  cache.store(key, { symbols, functionSymbols: [], entrySymbols: [], hostSymbols: [], guardedFunctions: [], objects: code.objects });
}

/**
 * One LLVM module compiled and linked on the compile threads in the background (a lazy unit,
 * a top-tier set, an OSR entry); the batch's poll() gives its code. The first one installs the
 * exit hook that stops such compiles before LLVM's statics are destroyed.
 */
function compileInBackground(
  ir: Uint8Array,
  guarded: readonly string[],
  symbols: readonly string[],
  settings: BackgroundBatchSettings,
): native.CompileBatch {
  const batch = backgroundBatch(settings);
  batch.add(ir, guarded);
  batch.finishInBackground(symbols);
  return batch;
}

type BackgroundBatchSettings = Pick<ResolvedOptions, 'optLevel' | 'cpu'> & { readonly name: string; readonly quick?: boolean; readonly keepObjects: boolean };

/** A batch for one background compile (finishInBackground or handOff next); the first installs the exit hook. */
function backgroundBatch(settings: BackgroundBatchSettings): native.CompileBatch {
  stopBackgroundCompilesAtExit();
  return native.createCompileBatch({
    optLevel: settings.optLevel,
    cpu: settings.cpu,
    name: settings.name,
    quickCodegen: settings.quick ?? false,
    ...(settings.keepObjects ? { keepObjects: true } : {}),
  });
}

/**
 * One LLVM module handed to the compile threads now (they start on it at once); `finish`
 * waits for it on this thread and links it, `abandon` drops it.
 */
function startOneUnit(ir: Uint8Array, guarded: readonly string[], options: ResolvedOptions, name: string, keepObjects = false): { finish(symbols: readonly string[]): CompiledCode; abandon(): void } {
  const remainingMs = options.limits.remainingMs();
  const batch = native.createCompileBatch({
    optLevel: options.optLevel,
    cpu: options.cpu,
    name,
    ...(remainingMs !== undefined ? { timeoutMs: remainingMs } : {}),
    ...(keepObjects ? { keepObjects: true } : {}),
  });
  batch.add(ir, guarded);
  return {
    finish: (symbols) => {
      try {
        return batch.finish(symbols);
      } catch (error) {
        throw compileFailure(error, options.limits);
      }
    },
    abandon: () => batch.abandon('the module did not validate'),
  };
}
