// The native addon's typed surface (engine/native/src, built by scripts/setup.mjs into
// build/Release/wasm_llvm_native.node). The rest of the engine imports only this file.
//
// The addon owns what JavaScript cannot do and knows nothing of wasm semantics: LLVM
// compilation with ORC LLJIT, guard-page linear memories, tables' native storage, raw
// native blocks, signal handling, and calls in both directions through the slot-array
// ABI of ../abi/abi.ts. Traps come back as the codes of ../abi/trap-codes.ts.
// It also serves ../wasi the file-system calls Node lacks: resolving a path beneath a
// directory descriptor (openat2 RESOLVE_BENEATH) and the *at operations (`wasiFs()`).
//
// The .node file is loaded on first use, so that modules which never reach the back end
// (decoding, validation) work without a built addon.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// ---------------------------------------------------------------- public types

export type OptLevel = 0 | 1 | 2 | 3;

export interface CompileOptions {
  /** 0: LLVM's O0 pipeline and CodeGenOptLevel::None (FastISel); 1-3: the default per-module pipelines. */
  readonly optLevel: OptLevel;
  /** 'native': the host CPU with all its features; 'generic': baseline x86-64 (SSE2). */
  readonly cpu: 'native' | 'generic';
  /** Module name, used in LLVM diagnostics and the JITDylib's name. */
  readonly name: string;
  /** Symbols to look up; CompiledCode.addresses has their addresses in the same order. */
  readonly symbols: readonly string[];
  /**
   * Functions (defined in `ir`) compiled by the guarded pipeline instead: without
   * optimisation, fast instruction selection and register allocation, long blocks cut and
   * wide phis demoted (src/guarded_pipeline.h), linked with the rest into one JITDylib.
   */
  readonly guardedFunctions?: readonly string[];
  /** Cancel the compile this many milliseconds after it was asked for (see CompileCancellation). */
  readonly timeoutMs?: number;
  /** Keep the object files (CompiledCode.objects), for the code cache. */
  readonly keepObjects?: boolean;
  /**
   * After optLevel's IR passes, generate code as O0 does (fast instruction selection and
   * register allocation): a quicker top tier for functions whose full compile never
   * finishes while the program runs. No effect at optLevel 0.
   */
  readonly quickCodegen?: boolean;
}

/** Options of a CompileBatch: compile's, with the symbols given to finish. */
export interface CompileBatchOptions extends Omit<CompileOptions, 'symbols' | 'guardedFunctions'> {
  /** IR bytes queued or compiling at once before add() waits (default 128 MiB). */
  readonly maxInFlightIrBytes?: number;
}

/**
 * One wasm module compiled as code units (src/compile_batch.h): each add() queues one LLVM
 * module on the compile threads, finish links every unit's objects into one JITDylib.
 */
export interface CompileBatch {
  /** Queues a unit's IR (its guarded functions by symbol); waits while too much IR is in flight. False once the batch failed. */
  add(ir: Uint8Array | string, guardedFunctions?: readonly string[]): boolean;
  /** Waits for every unit and links them; throws the first unit's error. */
  finish(symbols: readonly string[]): CompiledCode;
  finishAsync(symbols: readonly string[]): Promise<CompiledCode>;
  /**
   * Finishes on the compile threads without the event loop (tier-up, while wasm runs on this
   * thread); poll() gives the result when it is there.
   */
  finishInBackground(symbols: readonly string[]): void;
  /**
   * After finishInBackground: undefined while compiling, then the code once (or throws the
   * compile's error once); poll(true) waits for it.
   */
  poll(wait?: boolean): CompiledCode | undefined;
  /**
   * Instead of add + finishInBackground: the batch's one unit of IR and its symbols will come
   * through submitHandedOffBatch(ticket, ...) from any thread (the translation worker's);
   * poll() then works as after finishInBackground. Returns the ticket. `notify`: once the code
   * is there, this thread's next failing check calls its background poll (setBackgroundPoll).
   */
  handOff(notify?: boolean): number;
  /** Stops the batch (queued units skipped, running ones cancelled); it cannot be finished afterwards. */
  abandon(reason?: string): void;
}

/** What linkObjects needs besides the object files. */
export interface LinkOptions {
  readonly name: string;
  readonly symbols: readonly string[];
}

/**
 * Stops the compiles it is given to: they fail with an Error whose code is
 * COMPILE_CANCELLED_CODE. A compile notices between its stages, between optimisation
 * passes and between the functions of code generation; it never stops in the middle of
 * one pass over one function (docs/RATIONALE.md, "What does cancelling a compile stop, and
 * how soon?").
 */
export interface CompileCancellation {
  cancel(reason?: string): void;
  readonly cancelled: boolean;
}

/** The `code` of the Error a cancelled compile fails with. */
export const COMPILE_CANCELLED_CODE = 'WASM_COMPILE_CANCELLED';

/** The addon's compile threads (src/compile_pool.h). */
export interface CompilePoolStats {
  /** Worker threads: WASM_LLVM_COMPILE_THREADS, or the cores this process may use. */
  readonly threads: number;
  /** Whether the workers exist yet (they start with the first compileAsync). */
  readonly started: boolean;
  readonly queued: number;
  readonly running: number;
  readonly completed: number;
}

/** Milliseconds per stage of one compile (docs/ARCHITECTURE.md §2: every stage is timed). */
export interface CompileTimings {
  /** Text → Module, plus the verifier. */
  readonly parseMs: number;
  /** The pass pipeline. */
  readonly optimizeMs: number;
  /** Instruction selection → object file. */
  readonly codegenMs: number;
  /** JITLink: add the object to the JIT, resolve symbols, look up the requested ones. */
  readonly linkMs: number;
  /** The guarded functions: split off, reshaped and compiled at O0 (none of the above). */
  readonly guardedMs: number;
  /**
   * LLVM modules (code units) compiled, in parallel on the compile threads; the stage times
   * above are their sums (thread time, not wall time). 0 when linked from kept objects.
   */
  readonly units: number;
}

/** Generated code. Freed by release() or when garbage-collected: keep it alive while it may run. */
export interface CompiledCode {
  readonly addresses: readonly bigint[];
  readonly timings: CompileTimings;
  /** Size of the object file that was linked. */
  readonly objectBytes: number;
  /** The object files linked (the main one, then the guarded one), when compiled with keepObjects. */
  readonly objects?: readonly Uint8Array[];
  /** Frees the code now (idempotent); its addresses must not be called afterwards. */
  release(): void;
}

/** A linear memory: 8 GiB + 64 KiB reserved, the first byteLength() bytes accessible. */
export interface LinearMemory {
  /** Address of its MemoryDefinition (abi.ts), for vmctx and wasm_rt_memory_grow. */
  readonly definition: bigint;
  /**
   * Grows by deltaPages; returns the old size in pages, or -1 (beyond the maximum or 65536
   * pages). Success detaches the current buffer, even for 0 pages, as
   * WebAssembly.Memory.prototype.grow does.
   */
  grow(deltaPages: number): number;
  byteLength(): number;
  /**
   * An external ArrayBuffer over [base, base + byteLength()): the same object until the
   * memory grows; growth (by grow() or by generated code, 0 pages included) detaches it at
   * once and the next call returns a new one, as WebAssembly.Memory.prototype.buffer does.
   */
  buffer(): ArrayBuffer;
  /**
   * Copies active data segments: the first `count` entries of `plan`, each { destination
   * offset, source address, length } as u64s (a module's data block is the source). Every
   * destination is checked first: a RangeError, and nothing written, if one does not fit.
   */
  copyData(plan: ArrayBuffer, count: number): void;
}

/** A table's native storage: 8-byte elements (VMFuncRef addresses or externref handles, 0 = null). */
export interface NativeTable {
  /** Address of its TableDefinition (abi.ts). */
  readonly definition: bigint;
  /** Returns the old length, or -1 (beyond the maximum or 10,000,000 elements). */
  grow(delta: number, init: bigint): number;
  length(): number;
  /** Throws a RangeError for an index out of bounds. */
  get(index: number): bigint;
  set(index: number, value: bigint): void;
  /** Elements index + i become vmctx + offsets[i] (FuncRef addresses); RangeError, nothing written, if they do not fit. */
  setFuncRefs(index: number, vmctx: bigint, offsets: Uint32Array): void;
}

/** Zeroed, 16-byte aligned native memory at a stable address; freed when `buffer` is collected. */
export interface RawBlock {
  readonly address: bigint;
  readonly buffer: ArrayBuffer;
}

interface StructLayout {
  readonly size: number;
  readonly [field: string]: number;
}

/** What the C++ side believes abi.ts says (offsetof/sizeof); abi.test.ts compares. */
export interface AbiLayout {
  readonly MemoryDefinition: StructLayout;
  readonly TableDefinition: StructLayout;
  readonly FuncRef: StructLayout;
  readonly HostFunctionContext: StructLayout;
  readonly ThreadLimits: StructLayout;
  readonly INTERRUPT_THRESHOLD: bigint;
  readonly WASM_PAGE_BYTES: number;
  readonly WASM_MAX_PAGES: number;
  readonly MEMORY_RESERVATION_BYTES: number;
  readonly SLOT_BYTES: number;
  readonly SCRATCH_BYTES: number;
}

/**
 * Handler of calls from wasm to JavaScript imports. It receives the HostFunctionContext's
 * hostId, reads its paramSlots arguments from scratch() and writes its results to scratch()
 * from slot 0 before returning (read the arguments before making any nested invoke(), which
 * reuses the same buffer). An exception it throws unwinds the wasm frames and comes out of
 * the invoke() that entered them, unchanged.
 */
export type HostCallHandler = (hostId: number) => void;

/** How this thread's generated code is limited (execution_limits.cc). */
export interface ExecutionLimitsInfo {
  /** 'v8': checks read V8's own interrupt word (worker.terminate() stops loops); 'fallback': ours only. */
  readonly interrupts: 'v8' | 'fallback';
  /** The lowest stack pointer wasm may use on this thread. */
  readonly stackLimit: bigint;
  /** The thread stack's lowest address. */
  readonly stackLowest: bigint;
}

/** Size of the scratch slot buffer: 8192 slots of 8 bytes. */
export const SCRATCH_BYTES = 65536;

// ---------------------------------------------------------------- the native module

interface NativeLinearMemory {
  readonly definition: bigint;
  grow(deltaPages: number): number;
  byteLength(): number;
  /** A new ArrayBuffer over the accessible bytes; the addon detaches it when the memory grows. */
  newBuffer(): ArrayBuffer;
  /** Successful growths so far (a buffer made before the last one is detached). */
  generation(): number;
  copyData(plan: ArrayBuffer, count: number): void;
}

/** Open flags and directory-entry types (DT_*) as this host defines them. */
export interface WasiFsConstants {
  readonly O_RDONLY: number;
  readonly O_WRONLY: number;
  readonly O_RDWR: number;
  readonly O_CREAT: number;
  readonly O_EXCL: number;
  readonly O_TRUNC: number;
  readonly O_DIRECTORY: number;
  readonly O_NOFOLLOW: number;
  readonly O_PATH: number;
  readonly O_NONBLOCK: number;
  readonly O_DSYNC: number;
  readonly O_SYNC: number;
  readonly DT_UNKNOWN: number;
  readonly DT_FIFO: number;
  readonly DT_CHR: number;
  readonly DT_DIR: number;
  readonly DT_BLK: number;
  readonly DT_REG: number;
  readonly DT_LNK: number;
  readonly DT_SOCK: number;
}

/** A directory's entries in readdir order, without `.` and `..`. */
export interface DirectoryListing {
  readonly names: Buffer[];
  readonly inodes: bigint[];
  /** DT_* values (DT_UNKNOWN only when even fstatat could not tell). */
  readonly types: number[];
}

/**
 * File-system calls relative to OS directory descriptors (src/wasi_fs.cc), for ../wasi.
 * Every call returns a negative errno (Linux numbering) on failure and never throws for
 * an operating-system error. Names passed to the *At calls are single components that the
 * kernel looks up without following a final link; they must not be `..`.
 */
export interface WasiFileSystem {
  /**
   * Opens `path` beneath `directoryFd` (openat2 RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
   * or the equivalent walk): a new descriptor (O_CLOEXEC), or -errno, -EXDEV for an
   * absolute path or link target or a `..` above `directoryFd`.
   */
  openBeneath(directoryFd: number, path: string, flags: number, mode: number): number;
  mkdirAt(directoryFd: number, name: string, mode: number): number;
  unlinkAt(directoryFd: number, name: string, removeDirectory: boolean): number;
  renameAt(oldDirectoryFd: number, oldName: string, newDirectoryFd: number, newName: string): number;
  /** Never follows a link named by oldName. */
  linkAt(oldDirectoryFd: number, oldName: string, newDirectoryFd: number, newName: string): number;
  symlinkAt(target: string, directoryFd: number, name: string): number;
  /** The link's target bytes; an empty name reads the link `directoryFd` is (O_PATH | O_NOFOLLOW). */
  readlinkAt(directoryFd: number, name: string): Buffer | number;
  /**
   * utimensat with nanosecond times; `which`: 1 atime now, 2 keep atime, 4 mtime now, 8
   * keep mtime. An empty name sets the times of `directoryFd` itself (O_PATH included).
   */
  setTimesAt(directoryFd: number, name: string, atimeNs: bigint, mtimeNs: bigint, which: number, noFollow: boolean): number;
  /** Lists the directory through a descriptor of its own (the caller's offset is untouched). */
  readDirectory(directoryFd: number): DirectoryListing | number;
  /** Forces openBeneath's resolution ('auto': openat2 when the kernel has it), for tests. */
  setResolution(mode: 'auto' | 'openat2' | 'walk'): void;
  /** The resolution openBeneath uses now. */
  resolution(): 'openat2' | 'walk';
  kernelHasOpenat2(): boolean;
  readonly constants: WasiFsConstants;
}

interface NativeAddon {
  compile(ir: string | Uint8Array, options: CompileOptions, cancellation?: CompileCancellation): CompiledCode;
  compileAsync(ir: string | Uint8Array, options: CompileOptions, cancellation?: CompileCancellation): Promise<CompiledCode>;
  CompileCancellation: new () => CompileCancellation;
  CompileBatch: new (options: CompileBatchOptions, cancellation?: CompileCancellation) => CompileBatch;
  compilePoolStats(): CompilePoolStats;
  objectLoaderStats(): ObjectLoaderStats;
  stopBackgroundCompiles(): void;
  submitHandedOffBatch(ticket: number, ir: Uint8Array, guardedFunctions: readonly string[], symbols: readonly string[]): boolean;
  linkObjects(objects: readonly Uint8Array[], options: LinkOptions): CompiledCode;
  threadLimitsTlsOffset(): number;
  llvmVersion(): string;
  hostCpuName(): string;
  hostCpuFeatures(): string[];
  hostHasSsse3(): boolean;
  validateFunctionBodies(...args: NativeBodyValidationArguments): NativeBodyValidation;
  listDirectCallees(bytes: Uint8Array, immediates: Uint8Array, codeStart: number, end: number, importedFunctionCount: number): Int32Array | undefined;
  createBaselineModule(description: NativeBaselineDescription): NativeBaselineModule;
  compileBaselineUnit(module: NativeBaselineModule, functions: Uint32Array): NativeBaselineUnit | undefined;
  startCacheLookup(bytes: Uint8Array, prefix: string, directory: string, refreshAfterMs: number): NativeCacheLookup;
  finishCacheLookup(lookup: NativeCacheLookup): [key: string, file: Buffer | undefined];
  readCacheEntry(path: string, refreshAfterMs: number): Buffer | undefined;
  LinearMemory: new (initialPages: number, maximumPages: number) => NativeLinearMemory;
  liveMemoryCount(): number;
  memoryPoolStats(): MemoryPoolStats;
  Table: new (initial: number, maximum: number, init: bigint) => NativeTable;
  allocate(bytes: number): RawBlock;
  bufferAddress(view: Uint8Array): bigint;
  buildInstance(
    template: Uint8Array,
    plan: Uint32Array,
    funcRefOffsets: Uint32Array,
    hostIdBase: number,
    hostCallables?: readonly unknown[],
    hostSignatures?: Uint8Array,
  ): [RawBlock, ...(NativeLinearMemory | NativeTable)[]];
  fastHostFunctionCount(): number;
  installMachineCode(bytes: Uint8Array, perfSymbols?: string): bigint;
  releaseMachineCode(address: bigint, size: number): void;
  runtimeAddresses(): BigUint64Array;
  hostCallAddress(): bigint;
  invoke(entry: bigint | number, funcRef: bigint | number, slotCount: number): number;
  invokeFromHeader(): void;
  readonly invokeHeader: ArrayBuffer;
  setHostCallHandler(handler: HostCallHandler | null): void;
  readonly scratch: ArrayBuffer;
  interruptHandle(): number;
  interruptThread(handle: number): boolean;
  pushDeadline(milliseconds: number): number;
  popDeadline(token: number): void;
  executionLimitsInfo(): ExecutionLimitsInfo;
  setBackgroundPoll(poll: (() => void) | undefined): void;
  internSignatures(keys: readonly string[]): { ids: BigInt64Array; registration: object };
  liveSignatureCount(): number;
  abiLayout(): AbiLayout;
  trapCodes(): Record<string, number>;
  readonly wasiFs: WasiFileSystem;
}

const ADDON_FILE = join('build', 'Release', 'wasm_llvm_native.node');

/** Beside this file (engine/native/addon.ts), or from dist/engine/native/addon.js up to the root. */
function findAddon(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const direct = join(here, ADDON_FILE);
  if (existsSync(direct)) return direct;
  for (let directory = here; ; directory = dirname(directory)) {
    const candidate = join(directory, 'engine', 'native', ADDON_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) break;
  }
  throw new Error(`the native addon is not built (${ADDON_FILE} next to engine/native/binding.gyp): run node scripts/setup.mjs`);
}

let loaded: NativeAddon | undefined;
let loadedPath: string | undefined;

function addon(): NativeAddon {
  if (loaded === undefined) {
    loadedPath = findAddon();
    loaded = createRequire(import.meta.url)(loadedPath) as NativeAddon;
  }
  return loaded;
}

// ---------------------------------------------------------------- LLVM

/**
 * Parses, verifies, optimises and JIT-compiles LLVM IR text (a string, or its UTF-8 bytes);
 * throws an Error with LLVM's diagnostic. The calling thread waits while a thread with a
 * compile thread's stack works.
 */
export function compile(ir: string | Uint8Array, options: CompileOptions, cancellation?: CompileCancellation): CompiledCode {
  return cancellation === undefined ? addon().compile(ir, options) : addon().compile(ir, options, cancellation);
}

/** compile() on the addon's compile threads (never libuv's pool); several run in parallel. */
export function compileAsync(ir: string | Uint8Array, options: CompileOptions, cancellation?: CompileCancellation): Promise<CompiledCode> {
  return cancellation === undefined ? addon().compileAsync(ir, options) : addon().compileAsync(ir, options, cancellation);
}

/** A new batch of code units (CompileBatch); options are checked here (TypeError). */
export function createCompileBatch(options: CompileBatchOptions, cancellation?: CompileCancellation): CompileBatch {
  const Batch = addon().CompileBatch;
  return cancellation === undefined ? new Batch(options) : new Batch(options, cancellation);
}

/** A new cancellation for compile() / compileAsync(). */
export function createCompileCancellation(): CompileCancellation {
  return new (addon().CompileCancellation)();
}

/** A code cache lookup under way (native/src/cache_lookup.cc); opaque. */
export interface NativeCacheLookup {
  readonly __nativeCacheLookup: never;
}

/**
 * Starts, on a compile thread when the pool runs, the code cache key's SHA-256 of `prefix`
 * (UTF-8) followed by `bytes`, and the read of the entry file it names under `directory`
 * (times refreshed when older than refreshAfterMs). `bytes` must not change until
 * finishCacheLookup returns.
 */
export function startCacheLookup(bytes: Uint8Array, prefix: string, directory: string, refreshAfterMs: number): NativeCacheLookup {
  return addon().startCacheLookup(bytes, prefix, directory, refreshAfterMs);
}

/** The key (hex) and the entry file's bytes, or undefined when there is no readable file. */
export function finishCacheLookup(lookup: NativeCacheLookup): [key: string, file: Buffer | undefined] {
  return addon().finishCacheLookup(lookup);
}

/** The entry file at `path` read whole here and now, times refreshed as startCacheLookup does; undefined when there is none. */
export function readCacheEntry(path: string, refreshAfterMs: number): Buffer | undefined {
  return addon().readCacheEntry(path, refreshAfterMs);
}

export function compilePoolStats(): CompilePoolStats {
  return addon().compilePoolStats();
}

/**
 * Cancels every background compile (CompileBatch.finishInBackground) and waits, up to 10 s,
 * for the compile threads to go idle: called at process exit, so that LLVM's statics are
 * not destroyed under a running compile.
 */
export function stopBackgroundCompiles(): void {
  addon().stopBackgroundCompiles();
}

/**
 * Queues the IR of a handed-off batch (CompileBatch.handOff) and links it in the background,
 * from any thread that loaded the addon; false if the ticket was taken or dropped already
 * (its handle collected), or the process is exiting.
 */
export function submitHandedOffBatch(ticket: number, ir: Uint8Array, guardedFunctions: readonly string[], symbols: readonly string[]): boolean {
  return addon().submitHandedOffBatch(ticket, ir, guardedFunctions, symbols);
}

export function llvmVersion(): string {
  return addon().llvmVersion();
}

/** LLVM's name for the host CPU, e.g. "znver4". */
let cpuName: string | undefined;
let cpuFeatures: readonly string[] | undefined;

/** LLVM's name of this CPU (asked once: on a VM each CPUID the query runs exits to the hypervisor). */
export function hostCpuName(): string {
  return (cpuName ??= addon().hostCpuName());
}

/** LLVM's names of the host CPU's enabled features, sorted, e.g. ["avx2", "bmi2", ...]. */
export function hostCpuFeatures(): readonly string[] {
  return (cpuFeatures ??= Object.freeze(addon().hostCpuFeatures()));
}

let ssse3: boolean | undefined;

/** Whether this CPU has SSSE3, without LLVM's full feature query (hostCpuFeatures). */
export function hostHasSsse3(): boolean {
  return (ssse3 ??= addon().hostHasSsse3());
}

/**
 * Links object files a compile kept (keepObjects) into new code, on this thread: the code
 * cache's way back from disk. The objects must come from this addon build, LLVM, CPU and
 * thread-pointer layout (the cache's key says so).
 */
export function linkObjects(objects: readonly Uint8Array[], options: LinkOptions): CompiledCode {
  return addon().linkObjects(objects, options);
}

/** Since the process started: linkObjects calls our own loader served, and those it left to JITLink. */
export interface ObjectLoaderStats {
  readonly loaded: number;
  readonly declined: number;
}

export function objectLoaderStats(): ObjectLoaderStats {
  return addon().objectLoaderStats();
}

/** The %fs offset of this thread's ThreadLimits, which generated code has as a constant. */
export function threadLimitsTlsOffset(): number {
  return addon().threadLimitsTlsOffset();
}

/** Path of the loaded addon binary (its bytes are part of the code cache's key). */
export function addonPath(): string {
  addon();
  return loadedPath!;
}

// ---------------------------------------------------------------- memories

/**
 * When this many memories are live, creating one more first forces a full garbage
 * collection, so that memories nobody references return their address space before they
 * crowd out everything else that needs it (47 bits hold only ~16,000 8 GiB reservations,
 * and V8 sees little memory pressure from a memory of a few pages). After a collection the
 * threshold moves to MEMORY_GC_WATERMARK / 2 above the memories still live, so a program
 * that really keeps thousands alive pays a collection per 2048 creations, not per creation.
 */
const MEMORY_GC_WATERMARK = 4096;
let memoryGcThreshold = MEMORY_GC_WATERMARK;

let collectGarbage: (() => void) | undefined;

/** A full, synchronous GC; the addon's finalizers (munmap) run during it. */
export function forceGarbageCollection(): void {
  if (!collectGarbage) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === 'function') {
      collectGarbage = exposed;
    } else {
      setFlagsFromString('--expose-gc');
      collectGarbage = runInNewContext('gc') as () => void;
    }
  }
  collectGarbage();
}

class LinearMemoryHandle implements LinearMemory {
  readonly definition: bigint;
  readonly #native: NativeLinearMemory;
  #buffer: ArrayBuffer | undefined;
  /** The native generation #buffer was made at: another one means it is detached. */
  #bufferGeneration = -1;

  constructor(native: NativeLinearMemory) {
    this.#native = native;
    this.definition = native.definition;
  }

  grow(deltaPages: number): number {
    return this.#native.grow(deltaPages); // the addon detaches the current buffer
  }

  byteLength(): number {
    return this.#native.byteLength();
  }

  copyData(plan: ArrayBuffer, count: number): void {
    this.#native.copyData(plan, count);
  }

  buffer(): ArrayBuffer {
    // Growth detaches the current buffer (byteLength 0), so a buffer that still has bytes is
    // current: glue code reads memory.buffer on every call, and this skips the native call.
    const current = this.#buffer;
    if (current !== undefined && current.byteLength !== 0) return current;
    const generation = this.#native.generation();
    if (this.#buffer === undefined || generation !== this.#bufferGeneration) {
      this.#buffer = this.#native.newBuffer();
      this.#bufferGeneration = generation;
    }
    return this.#buffer;
  }
}

/**
 * A new linear memory of initialPages pages (maximumPages: -1 for none, i.e. 65536).
 * Throws a RangeError for invalid sizes, and an Error when the address space is exhausted
 * even after a forced garbage collection.
 */
export function createMemory(initialPages: number, maximumPages: number): LinearMemory {
  return withAddressSpace(1, (native) => new LinearMemoryHandle(new native.LinearMemory(initialPages, maximumPages)));
}

/**
 * Runs `create`, which makes `memories` new memories, under the address-space policy above:
 * a forced collection first when the live memories reach the threshold, and one more try
 * after a collection when creating fails for want of address space.
 */
function withAddressSpace<T>(memories: number, create: (native: NativeAddon) => T): T {
  const native = addon();
  if (memories > 0 && native.liveMemoryCount() + memories > memoryGcThreshold) {
    forceGarbageCollection();
    memoryGcThreshold = Math.max(MEMORY_GC_WATERMARK, native.liveMemoryCount() + MEMORY_GC_WATERMARK / 2);
  }
  try {
    return create(native);
  } catch (error) {
    if (memories === 0 || error instanceof RangeError || error instanceof TypeError) throw error;
    forceGarbageCollection();
    return create(native);
  }
}

/**
 * The arguments of validateFunctionBodies (native/src/body_validator.cc has their layout):
 * the module's bytes; the opcode tables (immediate kinds, packed signatures, extras); the
 * TypeScript enums' values in the C++ file's order; the module's types, function types,
 * table, global and element types, declared function references; the bodies (start, first
 * instruction, end); [imported functions, memories, data count or -1, simd]; threads.
 */
export type NativeBodyValidationArguments = [
  bytes: Uint8Array,
  immediates: Uint8Array,
  signatures: Int32Array,
  extras: Uint8Array,
  enumValues: Int32Array,
  typeRanges: Uint32Array,
  typeValues: Uint8Array,
  functionTypeIndices: Uint32Array,
  tableTypes: Uint8Array,
  globalTypes: Uint8Array,
  globalMutable: Uint8Array,
  elementTypes: Uint8Array,
  declaredReferences: Uint8Array,
  bodies: Uint32Array,
  scalars: Int32Array,
  threads: number,
];

/** Every body valid, with each body's direct callees (a CallGraph), or the first body found invalid. */
export type NativeBodyValidation =
  | { readonly starts: Uint32Array; readonly targets: Int32Array; readonly failedBody?: undefined }
  | { readonly failedBody: number; readonly offset: number };

/** Validates function bodies in C++ (engine/compile/native-validation.ts prepares the arguments). */
export function validateFunctionBodies(...args: NativeBodyValidationArguments): NativeBodyValidation {
  return addon().validateFunctionBodies(...args);
}

/**
 * The direct callees of a body validated before, [codeStart, end) of `bytes` (defined
 * functions only, each once, in the order of their first call), read in C++; undefined when
 * an operator cannot be read. `immediates` is the opcode table's OP_IMMEDIATE.
 */
export function listDirectCallees(bytes: Uint8Array, immediates: Uint8Array, codeStart: number, end: number, importedFunctionCount: number): Int32Array | undefined {
  return addon().listDirectCallees(bytes, immediates, codeStart, end, importedFunctionCount);
}

/**
 * A module as the C++ baseline compiler sees it (native/src/baseline_compiler.h
 * BaselineModule; engine/baseline/native-baseline.ts builds it): `types` per type [param
 * count (u32 LE), params, result count (u32 LE), results]; `bodies` per defined function
 * [codeStart, end, local group count]; `locals` the groups of all bodies, [count, type]
 * each; `offsets` VmctxOffsets's ten fields in order.
 */
export interface NativeBaselineDescription {
  readonly bytes: Uint8Array;
  readonly tiered: boolean;
  readonly tlsOffset: number;
  readonly importedFunctionCount: number;
  readonly importedGlobalCount: number;
  readonly memoryCount: number;
  readonly types: Uint8Array;
  readonly functionTypeIndices: Uint32Array;
  readonly bodies: Uint32Array;
  readonly locals: Uint32Array;
  readonly globalTypes: Uint8Array;
  readonly offsets: Int32Array;
}

/** The handle of a described module (it keeps the module's bytes alive). */
export type NativeBaselineModule = { readonly __nativeBaselineModule: unique symbol };

/** A unit's code from the C++ baseline compiler (baseline-unit.ts BaselineUnitCode's fields). */
export interface NativeBaselineUnit {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  readonly tableOffset: number;
  readonly osrCandidates: Uint32Array;
}

/** Describes a module to the C++ baseline compiler (native/src/baseline_binding.cc). */
export function createBaselineModule(description: NativeBaselineDescription): NativeBaselineModule {
  return addon().createBaselineModule(description);
}

/**
 * Compiles one code unit's functions with the C++ baseline compiler, on this thread: the
 * same bytes as baseline-function.ts would give, or undefined when the unit is not for the
 * baseline (it goes to LLVM).
 */
export function compileBaselineUnit(module: NativeBaselineModule, functions: Uint32Array): NativeBaselineUnit | undefined {
  return addon().compileBaselineUnit(module, functions);
}

/** What buildInstance made: the vmctx block, and the defined memories and tables in index order. */
export interface BuiltInstance {
  readonly vmctx: RawBlock;
  readonly memories: LinearMemory[];
  readonly tables: NativeTable[];
}

/**
 * An instance's native part in one call (native/src/instance_builder.cc; the plan's format
 * is there and in runtime/instance-plan.ts): its vmctx, a copy of `template` with the
 * plan's relocations and host contexts written, the plan's memories and tables (their
 * definitions in the vmctx), and the active segments the plan lists. `memoryCount` and
 * `tableCount` are the plan's. `hostCallables` (per imported function: the JavaScript
 * function, or undefined) and `hostSignatures` (runtime/vmctx-template.ts) register the
 * imports of numbers only for host calls from C++ (native/src/fast_host_calls.h).
 */
export function buildInstance(
  template: Uint8Array,
  plan: Uint32Array,
  funcRefOffsets: Uint32Array,
  hostIdBase: number,
  memoryCount: number,
  tableCount: number,
  hostCallables?: readonly unknown[],
  hostSignatures?: Uint8Array,
): BuiltInstance {
  const built = withAddressSpace(memoryCount, (native) => native.buildInstance(template, plan, funcRefOffsets, hostIdBase, hostCallables, hostSignatures));
  const memories: LinearMemory[] = [];
  for (let i = 0; i < memoryCount; i++) memories.push(new LinearMemoryHandle(built[1 + i] as NativeLinearMemory));
  return { vmctx: built[0], memories, tables: built.slice(1 + memoryCount, 1 + memoryCount + tableCount) as NativeTable[] };
}

/** The pool of released memory reservations (native/src/memory.cc): how many it keeps, and how many memories reused one. */
export interface MemoryPoolStats {
  readonly pooled: number;
  readonly reused: number;
}

export function memoryPoolStats(): MemoryPoolStats {
  return addon().memoryPoolStats();
}

/** Imported JavaScript functions registered for host calls from C++ whose instance is not known to be collected. */
export function fastHostFunctionCount(): number {
  return addon().fastHostFunctionCount();
}

/** Memories whose reservation is still mapped (by a LinearMemory or one of its buffers). */
export function liveMemoryCount(): number {
  return addon().liveMemoryCount();
}

// ---------------------------------------------------------------- tables and raw blocks

/** A table of `initial` elements set to `init` (maximum: -1 for none). */
export function createTable(initial: number, maximum: number, init: bigint): NativeTable {
  return new (addon().Table)(initial, maximum, init);
}

/** `bytes` zeroed bytes, 16-byte aligned, at an address that never changes. */
export function allocate(bytes: number): RawBlock {
  return addon().allocate(bytes);
}

/**
 * The address of `view`'s first byte. It holds while the view's ArrayBuffer is alive and not
 * detached: only for buffers the engine owns and never hands out (a module's own bytes).
 */
export function bufferAddress(view: Uint8Array): bigint {
  return addon().bufferAddress(view);
}

// ---------------------------------------------------------------- machine code

/**
 * Copies `bytes` of x86-64 code into pages of their own, made read+execute (machine_code.cc);
 * returns the address of the first byte. Freed only by releaseMachineCode. `perfSymbols`
 * (only read with WASM_LLVM_PERF_MAP=1; see perfMapEnabled): what to name in perf's map of
 * JIT code, as lines "<offset> <size> <name>" within the bytes.
 */
export function installMachineCode(bytes: Uint8Array, perfSymbols?: string): bigint {
  return addon().installMachineCode(bytes, perfSymbols);
}

/** Whether generated code is named in perf's map (WASM_LLVM_PERF_MAP=1, as the addon reads it once per process). */
export const perfMapEnabled: boolean = process.env.WASM_LLVM_PERF_MAP === '1';

/**
 * installMachineCode's perfSymbols for pieces of code that follow one another: piece i starts
 * at `starts[i]` and ends where the next starts (the last at `end`), named `nameOf(i)`.
 */
export function consecutivePerfSymbols(starts: readonly number[], end: number, nameOf: (i: number) => string): string {
  return starts.map((start, i) => `${start} ${(starts[i + 1] ?? end) - start} ${nameOf(i)}`).join('\n');
}

/**
 * Unmaps code installed by installMachineCode (`size`: its length in bytes), for code that
 * dies with its module (the baseline compiler's) once nothing can run it.
 */
export function releaseMachineCode(address: bigint, size: number): void {
  addon().releaseMachineCode(address, size);
}

/** Addresses of the runtime entry points machine code calls (abi.h), by name. */
export interface RuntimeAddresses {
  readonly trap: bigint;
  readonly checkSlow: bigint;
  readonly memoryGrow: bigint;
  readonly tierUp: bigint;
}

let runtimeAddressesCache: RuntimeAddresses | undefined;

export function runtimeAddresses(): RuntimeAddresses {
  if (runtimeAddressesCache === undefined) {
    const [trap, checkSlow, memoryGrow, tierUp] = addon().runtimeAddresses();
    runtimeAddressesCache = { trap, checkSlow, memoryGrow, tierUp };
  }
  return runtimeAddressesCache;
}

/** Address of wasm_rt_host_call(context, slots), which host trampolines call. */
export function hostCallAddress(): bigint {
  return addon().hostCallAddress();
}

// ---------------------------------------------------------------- calls

/** The slot buffer (SCRATCH_BYTES) through which invoke() and host calls pass values. */
export function scratch(): ArrayBuffer {
  return addon().scratch;
}

/**
 * Calls the entry trampoline `void entry(ptr funcRef, ptr slots)` with the first slotCount
 * slots of scratch() as its slot array, and copies them back. Returns INVOKE_OK (0) or the
 * TrapCode that ended the call; a JavaScript exception thrown by a host function is rethrown.
 */
export function invoke(entry: bigint | number, funcRef: bigint | number, slotCount: number): number {
  return addon().invoke(entry, funcRef, slotCount);
}

/**
 * invoke() for callers on the hot path: `entry` and `funcRef` as Numbers (exact below 2^53,
 * as user-space addresses are), passed through the invoke header instead of as arguments.
 * Returns INVOKE_OK or the trap code; a JavaScript exception from a host function is rethrown.
 */
export function invokeNumbers(entry: number, funcRef: number, slotCount: number): number {
  const header = invokeHeader ?? makeInvokeHeader();
  header[0] = entry;
  header[1] = funcRef;
  header[2] = slotCount;
  invokeFromHeader!();
  return header[3];
}

let invokeHeader: Float64Array | undefined;
let invokeFromHeader: (() => void) | undefined;

function makeInvokeHeader(): Float64Array {
  const native = addon();
  invokeFromHeader = native.invokeFromHeader;
  invokeHeader = new Float64Array(native.invokeHeader);
  return invokeHeader;
}

export function setHostCallHandler(handler: HostCallHandler | null): void {
  addon().setHostCallHandler(handler);
}

// ---------------------------------------------------------------- execution limits

/** A number naming this thread for interruptThread(); it can be posted to other threads. */
export function interruptHandle(): number {
  return addon().interruptHandle();
}

/**
 * The function this thread's generated code calls at its next check (a loop header or a
 * function entry) after a background compile started with `notify` finished; undefined: none.
 * It runs inside wasm, as a host call does: it must not call wasm, and its exceptions are dropped.
 */
export function setBackgroundPoll(poll: (() => void) | undefined): void {
  addon().setBackgroundPoll(poll);
}

/** Interrupts the wasm code running on thread `handle` at its next check; false if the thread is gone. */
export function interruptThread(handle: number): boolean {
  return addon().interruptThread(handle);
}

/** Starts a deadline `milliseconds` from now on this thread; returns the token popDeadline() takes. */
export function pushDeadline(milliseconds: number): number {
  return addon().pushDeadline(milliseconds);
}

/** Ends the innermost deadline (token from pushDeadline). */
export function popDeadline(token: number): void {
  addon().popDeadline(token);
}

export function executionLimitsInfo(): ExecutionLimitsInfo {
  return addon().executionLimitsInfo();
}

// ---------------------------------------------------------------- function-type registry

/** Interns signature keys in the process-wide registry; the ids stay valid while `registration` lives. */
export function internSignatures(keys: readonly string[]): { ids: BigInt64Array; registration: object } {
  return addon().internSignatures(keys);
}

/** Distinct signatures registered in the process (for leak tests). */
export function liveSignatureCount(): number {
  return addon().liveSignatureCount();
}

// ---------------------------------------------------------------- ABI self-description

export function abiLayout(): AbiLayout {
  return addon().abiLayout();
}

/** TrapCode names → values as compiled into the addon, plus INVOKE_OK and INVOKE_HOST_EXCEPTION. */
export function trapCodes(): Record<string, number> {
  return addon().trapCodes();
}

// ---------------------------------------------------------------- WASI file system

/** The file-system calls ../wasi makes relative to directory descriptors. */
export function wasiFileSystem(): WasiFileSystem {
  return addon().wasiFs;
}
