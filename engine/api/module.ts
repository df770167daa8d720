// Stage: JS API (WebAssembly JavaScript Interface §4, "WebAssembly.Module" and the
// namespace's `validate` and `compile`). A Module is a compiled module: decoded, validated,
// translated and JIT-compiled (compile/compiled-module.ts), ready to instantiate; its
// static `imports`, `exports` and `customSections` return what V8 returns for the same bytes.
// Extensions: compile options ({ optLevel, cpu, compileTimeoutMs, signal, exactTraps }) as
// the last argument of the constructor and of `compile` (the place of the standard's
// WebAssemblyCompileOptions, whose members we ignore), and `Module.timings(module)` with the
// time of each compile stage. Lengths and descriptors are WebIDL's (interface-objects.ts).

import { instancePlanOf } from '../runtime/instance-plan.js';
// Registers the anchor instance with the compile layer (made while a first compile's LLVM work runs).
import './instance-shapes.js';
import { CompileError } from '../wasm/errors.js';
import { EXTERNAL_KIND_NAMES, type ModuleInfo } from '../binary/module-info.js';
import {
  compileModule,
  compileModuleAsync,
  type CompiledModule,
  type ModuleCompileOptions,
  type ModuleCompileTimings,
} from '../compile/compiled-module.js';
import { decodeAndValidateModuleFast } from '../compile/native-validation.js';
import { MAX_MODULE_SIZE } from '../binary/limits.js';
import { domString } from './descriptors.js';
import { defineInterface } from './interface-objects.js';

export type { ModuleCompileOptions, ModuleCompileTimings } from '../compile/compiled-module.js';

export type ImportExportKind = 'function' | 'table' | 'memory' | 'global';

export interface ModuleImportDescriptor {
  module: string;
  name: string;
  kind: ImportExportKind;
}

export interface ModuleExportDescriptor {
  name: string;
  kind: ImportExportKind;
}

/** A BufferSource as the JS API accepts it: an ArrayBuffer or a view on one. */
export type BufferSource = ArrayBuffer | ArrayBufferView;

/** The bytes a BufferSource covers, without copying; TypeError for anything else. */
function viewBufferSource(source: unknown, caller: string): Uint8Array {
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
    return new Uint8Array(source);
  }
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  throw new TypeError(`${caller}: Argument 0 must be a buffer source`);
}

/** The CompileError of a module above the JS API's size limit (as decodeModule words it). */
function moduleTooLarge(): CompileError {
  return new CompileError('module too large', 0);
}

/**
 * Copies the bytes of a BufferSource (the JS API takes a copy); TypeError otherwise. A
 * module above the size limit (1 GiB) is a CompileError here, before a copy is made.
 */
export function copyBufferSource(source: unknown, caller: string): Uint8Array {
  const view = viewBufferSource(source, caller);
  if (view.byteLength > MAX_MODULE_SIZE) throw moduleTooLarge();
  // Memory that is not zeroed first (slice() zeroes, then copies): every byte is written by
  // the copy. A plain Uint8Array over it, so that nothing downstream meets Buffer's slice().
  const copy = new Uint8Array(Buffer.allocUnsafeSlow(view.byteLength).buffer, 0, view.byteLength);
  copy.set(view);
  return copy;
}

/** The compile options argument: a dictionary, so undefined and null mean none. */
function compileOptions(options: ModuleCompileOptions | null | undefined): ModuleCompileOptions | undefined {
  return options === null ? undefined : options;
}

const compiledModules = new WeakMap<Module, CompiledModule>();

export class Module {
  /** Compiles synchronously (LLVM in this thread); CompileError for invalid bytes. */
  constructor(bytes: BufferSource, ...rest: [options?: ModuleCompileOptions | null]) {
    const copy = copyBufferSource(bytes, 'WebAssembly.Module()');
    compiledModules.set(this, prepared(compileModule(copy, compileOptions(rest[0]))));
  }

  /** Milliseconds spent in each compile stage of `module` (an extension of the API). */
  /**
   * Tiered modules (an extension of the API): asks for the top tier of every function that
   * was hot (some only went through on-stack replacement) and waits up to `timeoutMs` for
   * the compiles running in the background, so that they reach the code cache before the
   * process ends. Returns whether all finished (true at once for other modules).
   */
  static waitForTiering(module: Module, timeoutMs = 60_000): boolean {
    return compiledModuleOf(module, 'Module.waitForTiering()').lazy?.waitForBackground(timeoutMs) ?? true;
  }

  static timings(module: Module): ModuleCompileTimings {
    const compiled = compiledModuleOf(module, 'Module.timings()');
    return compiled.lazy === undefined ? compiled.timings : { ...compiled.timings, lazy: compiled.lazy.stats() };
  }

  static imports(module: Module): ModuleImportDescriptor[] {
    return moduleInfoOf(module, 'WebAssembly.Module.imports()').imports.map((entry) => ({
      module: entry.module,
      name: entry.name,
      kind: EXTERNAL_KIND_NAMES[entry.kind],
    }));
  }

  static exports(module: Module): ModuleExportDescriptor[] {
    return moduleInfoOf(module, 'WebAssembly.Module.exports()').exports.map((entry) => ({
      name: entry.name,
      kind: EXTERNAL_KIND_NAMES[entry.kind],
    }));
  }

  static customSections(module: Module, sectionName: string): ArrayBuffer[] {
    if (arguments.length < 2) throw new TypeError('WebAssembly.Module.customSections(): 2 arguments required');
    const info = moduleInfoOf(module, 'WebAssembly.Module.customSections()');
    const name = domString(sectionName);
    return info.customSections
      .filter((section) => section.name === name)
      .map((section) => info.bytes.slice(section.dataStart, section.dataEnd).buffer);
  }
}

defineInterface(Module, 'WebAssembly.Module', { statics: ['timings', 'waitForTiering'] });

/** The compiled module behind a Module, for instantiation. */
export function compiledModuleOf(module: unknown, caller = 'compiledModuleOf'): CompiledModule {
  const compiled = compiledModules.get(module as Module);
  if (compiled === undefined) throw new TypeError(`${caller}: Argument 0 must be a WebAssembly.Module`);
  return compiled;
}

/** Whether `value` is a Module object (the brand check of the instantiate overloads). */
export function isModuleObject(value: unknown): value is Module {
  return compiledModules.has(value as Module);
}

/** The decoded module behind a Module, for later stages (translator, instantiation). */
export function moduleInfoOf(module: Module, caller = 'moduleInfoOf'): ModuleInfo {
  return compiledModuleOf(module, caller).info;
}

/** A Module object for an already compiled module. */
export function moduleOf(compiled: CompiledModule): Module {
  const module = Object.create(Module.prototype) as Module;
  compiledModules.set(module, prepared(compiled));
  return module;
}

/**
 * `compiled` with what every instance starts with made now, as part of compiling (the vmctx
 * template and the data block: runtime/vmctx-template.ts; the native builder's plan:
 * runtime/instance-plan.ts), so instantiation only copies it.
 * Not for a vmctx over 64 MiB (a module of millions of segments, which may never be
 * instantiated): its first instantiation makes it.
 */
function prepared(compiled: CompiledModule): CompiledModule {
  if (compiled.layout.size <= PREPARE_AT_COMPILE_MAX_VMCTX_BYTES) instancePlanOf(compiled);
  return compiled;
}

const PREPARE_AT_COMPILE_MAX_VMCTX_BYTES = 64 << 20;

/**
 * WebAssembly.validate: true if the bytes decode and validate. TypeError if not a
 * BufferSource. Validation is synchronous, so bytes no other thread can write (not a
 * SharedArrayBuffer) are validated in place: no copy of a large module.
 */
export function validate(bytes: BufferSource): boolean {
  const view = viewBufferSource(bytes, 'WebAssembly.validate()');
  if (view.byteLength > MAX_MODULE_SIZE) return false;
  const shared = typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer;
  try {
    decodeAndValidateModuleFast(shared ? view.slice() : view);
    return true;
  } catch (error) {
    if (error instanceof CompileError) return false;
    throw error;
  }
}

/**
 * WebAssembly.compile: resolves to a Module, or rejects with CompileError (or TypeError).
 * LLVM runs on the addon's compile threads (never libuv's pool), so the calling thread is
 * free meanwhile.
 */
export async function compile(bytes: BufferSource, ...rest: [options?: ModuleCompileOptions | null]): Promise<Module> {
  const copy = copyBufferSource(bytes, 'WebAssembly.compile()');
  return moduleOf(await compileModuleAsync(copy, compileOptions(rest[0])));
}

/** compile() for bytes already copied (instantiate and the streaming functions). */
export async function compileCopiedBytes(bytes: Uint8Array, options: ModuleCompileOptions | null | undefined): Promise<Module> {
  return moduleOf(await compileModuleAsync(bytes, compileOptions(options)));
}
