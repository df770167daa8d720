// Runtime: the compile pipeline (DESIGN.md §2): bytes → decode + module-level validation →
// the shared validate-and-translate loop (LLVM IR text) → the native addon (parse,
// optimise, codegen, link) → addresses. A CompiledModule is what every instance of a
// Module shares: the decoded module, its vmctx layout, the JIT code (kept alive by the
// CompiledModule, which every instance and exported function reaches), the addresses of
// escaping functions and trampolines, registry ids of its function types and the data
// segments' bytes.
//
// Function bodies are validated inside the IR-emit loop (one pass, as Wasmtime's
// func_translator), so the "decode+validate" timing covers the sections and module-level
// checks, and "IR emit" covers body validation and translation together.

import { performance } from 'node:perf_hooks';
import { decodeModule } from '../binary/decode-module.js';
import type { ModuleInfo } from '../binary/module-info.js';
import * as native from '../native/addon.js';
import type { CompiledCode, OptLevel } from '../native/addon.js';
import { ModuleTranslator } from '../translate/module-translator.js';
import { RuntimeEnvironment } from '../translate/runtime-environment.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { registerTypes } from './type-registry.js';
import { VmctxLayout } from './vmctx-layout.js';

/** Options of compile / new Module / instantiate (an extension of the standard API). */
export interface ModuleCompileOptions {
  /** LLVM optimisation level, 0-3; default 2. */
  readonly optLevel?: OptLevel;
  /** 'native' (default): the host CPU and all its features; 'generic': baseline x86-64. */
  readonly cpu?: 'native' | 'generic';
  /**
   * Memory after an out-of-bounds trap is exactly what the abstract machine left, at every
   * optimisation level (explicit bounds checks; docs/RATIONALE.md, "Why explicit bounds
   * checks for exact state after a trap?"). At O0 it always is.
   */
  readonly exactTraps?: boolean;
}

/** Milliseconds per compile stage (DESIGN.md §4). */
export interface ModuleCompileTimings {
  /** Decoding every section and the module-level validation (bodies: see irEmitMs). */
  readonly decodeValidateMs: number;
  /** The per-operator loop: function-body validation and translation to LLVM IR text. */
  readonly irEmitMs: number;
  /** LLVM: IR text → Module, plus the verifier. */
  readonly irParseMs: number;
  /** LLVM: the optimisation pipeline. */
  readonly optimizeMs: number;
  /** LLVM: instruction selection → object file. */
  readonly codegenMs: number;
  /** JIT link and symbol lookup. */
  readonly linkMs: number;
  /** Wall time of the whole compile, bytes → callable code. */
  readonly totalMs: number;
}

export interface CompiledModule {
  readonly info: ModuleInfo;
  readonly layout: VmctxLayout;
  readonly optLevel: OptLevel;
  readonly cpu: 'native' | 'generic';
  /** The JIT code; released when the CompiledModule is collected (never explicitly). */
  readonly code: CompiledCode;
  /** Code address of every defined function that escapes (export, table, ref.func, start); 0n otherwise. */
  readonly functionCode: readonly bigint[];
  /** Entry trampoline (JS → wasm) per type index, for types of escaping functions. */
  readonly entryTrampolines: ReadonlyMap<number, bigint>;
  /** Host trampoline (wasm → JS) per type index of imported functions. */
  readonly hostTrampolines: ReadonlyMap<number, bigint>;
  /** Registry id per type index (type-registry.ts); valid while this CompiledModule lives. */
  readonly typeIds: readonly bigint[];
  /** Keeps the registry references of typeIds. */
  readonly typeRegistration: object;
  /** DATA_COPY_SYMBOL's address, when the module has active data segments. */
  readonly dataCopy: bigint | undefined;
  readonly timings: ModuleCompileTimings;
}

interface TranslationResult {
  readonly info: ModuleInfo;
  readonly ir: string;
  readonly symbols: readonly string[];
  readonly functionSymbols: ReadonlyMap<number, string>;
  readonly entrySymbols: ReadonlyMap<number, string>;
  readonly hostSymbols: ReadonlyMap<number, string>;
  readonly decodeValidateMs: number;
  readonly irEmitMs: number;
}

let moduleCounter = 0;

/**
 * A helper added to modules with active data segments: copies bytes into linear memory at
 * instantiation. Entry-trampoline shaped (invoke()): slots = [MemoryDefinition address,
 * destination offset, source address, length]; the caller has checked the bounds. Copying
 * through an ArrayBuffer instead would tie the memory's release to that buffer's Node-API
 * finalizer, which runs only after the current job, so a synchronous loop of instantiations
 * could not get address space back.
 */
export const DATA_COPY_SYMBOL = 'wasm_instantiate_copy_data';
const DATA_COPY_IR = `
define void @${DATA_COPY_SYMBOL}(ptr %unused, ptr %slots) {
  %definition = load ptr, ptr %slots, align 8
  %offset.slot = getelementptr inbounds i8, ptr %slots, i64 8
  %offset = load i64, ptr %offset.slot, align 8
  %source.slot = getelementptr inbounds i8, ptr %slots, i64 16
  %source = load ptr, ptr %source.slot, align 8
  %length.slot = getelementptr inbounds i8, ptr %slots, i64 24
  %length = load i64, ptr %length.slot, align 8
  %base = load ptr, ptr %definition, align 8
  %destination = getelementptr inbounds i8, ptr %base, i64 %offset
  call void @llvm.memcpy.p0.p0.i64(ptr align 1 %destination, ptr align 1 %source, i64 %length, i1 false)
  ret void
}
`;

interface ResolvedOptions {
  readonly optLevel: OptLevel;
  readonly cpu: 'native' | 'generic';
  readonly exactTraps: boolean;
}

function resolveOptions(options: ModuleCompileOptions | undefined): ResolvedOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError('compile options must be an object');
  }
  const optLevel = options?.optLevel ?? 2;
  if (optLevel !== 0 && optLevel !== 1 && optLevel !== 2 && optLevel !== 3) {
    throw new RangeError(`optLevel must be 0, 1, 2 or 3 (got ${String(optLevel)})`);
  }
  const cpu = options?.cpu ?? 'native';
  if (cpu !== 'native' && cpu !== 'generic') throw new RangeError(`cpu must be 'native' or 'generic' (got ${String(cpu)})`);
  const exactTraps = options?.exactTraps ?? false;
  if (typeof exactTraps !== 'boolean') throw new TypeError(`exactTraps must be a boolean (got ${String(exactTraps)})`);
  // O0 keeps every access in order: guard pages alone give the exact state there.
  return { optLevel, cpu, exactTraps: exactTraps && optLevel > 0 };
}

/** Decode, validate and translate: everything before LLVM. Throws CompileError. */
function translate(bytes: Uint8Array, options: ResolvedOptions): TranslationResult {
  const start = performance.now();
  const info = decodeModule(bytes);
  validateModuleStructure(info);
  const decoded = performance.now();
  const environment = new RuntimeEnvironment(info, { explicitBoundsChecks: options.exactTraps });
  const translated = new ModuleTranslator(info, environment, { moduleName: `wasm${moduleCounter}` }).translateModule();
  const needsDataCopy = info.data.some((segment) => segment.mode === 'active' && segment.dataEnd > segment.dataStart);
  const emitted = performance.now();
  return {
    info,
    ir: needsDataCopy ? translated.ir + DATA_COPY_IR : translated.ir,
    symbols: needsDataCopy ? [...translated.symbols.all, DATA_COPY_SYMBOL] : translated.symbols.all,
    functionSymbols: translated.symbols.functions,
    entrySymbols: translated.symbols.entryTrampolines,
    hostSymbols: translated.symbols.hostTrampolines,
    decodeValidateMs: decoded - start,
    irEmitMs: emitted - decoded,
  };
}

function assemble(
  translation: TranslationResult,
  code: CompiledCode,
  optLevel: OptLevel,
  cpu: 'native' | 'generic',
  totalMs: number,
): CompiledModule {
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
  const entryTrampolines = new Map<number, bigint>();
  for (const [typeIndex, symbol] of translation.entrySymbols) entryTrampolines.set(typeIndex, lookup(symbol));
  const hostTrampolines = new Map<number, bigint>();
  for (const [typeIndex, symbol] of translation.hostSymbols) hostTrampolines.set(typeIndex, lookup(symbol));
  const types = registerTypes(info.types);
  return {
    info,
    layout: new VmctxLayout(info),
    optLevel,
    cpu,
    code,
    functionCode,
    entryTrampolines,
    hostTrampolines,
    typeIds: types.ids,
    typeRegistration: types.registration,
    dataCopy: addressOf.get(DATA_COPY_SYMBOL),
    timings: {
      decodeValidateMs: translation.decodeValidateMs,
      irEmitMs: translation.irEmitMs,
      irParseMs: code.timings.parseMs,
      optimizeMs: code.timings.optimizeMs,
      codegenMs: code.timings.codegenMs,
      linkMs: code.timings.linkMs,
      totalMs,
    },
  };
}

function nativeOptions(translation: TranslationResult, optLevel: OptLevel, cpu: 'native' | 'generic'): native.CompileOptions {
  return { optLevel, cpu, name: `wasm${moduleCounter++}`, symbols: translation.symbols };
}

/** The whole pipeline, synchronously (new Module). `bytes` must not change afterwards. */
export function compileModule(bytes: Uint8Array, options?: ModuleCompileOptions): CompiledModule {
  const start = performance.now();
  const resolved = resolveOptions(options);
  const { optLevel, cpu } = resolved;
  const translation = translate(bytes, resolved);
  const code = native.compile(translation.ir, nativeOptions(translation, optLevel, cpu));
  return assemble(translation, code, optLevel, cpu, performance.now() - start);
}

/**
 * The whole pipeline with LLVM on the libuv thread pool (compile / instantiate): decoding,
 * validation and translation run in this thread, then the thread is free while LLVM works.
 * Option and compile errors reject the promise (never a synchronous throw).
 */
export async function compileModuleAsync(bytes: Uint8Array, options?: ModuleCompileOptions): Promise<CompiledModule> {
  const start = performance.now();
  const resolved = resolveOptions(options);
  const { optLevel, cpu } = resolved;
  const translation = translate(bytes, resolved);
  const code = await native.compileAsync(translation.ir, nativeOptions(translation, optLevel, cpu));
  return assemble(translation, code, optLevel, cpu, performance.now() - start);
}
