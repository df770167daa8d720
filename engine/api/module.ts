// Stage: JS API (WebAssembly JavaScript Interface §4, "WebAssembly.Module" and the
// namespace's `validate` and `compile`). A Module is a compiled module: decoded, validated,
// translated and JIT-compiled (compile/compiled-module.ts), ready to instantiate; its
// static `imports`, `exports` and `customSections` return what V8 returns for the same bytes.
// Extensions: compile options ({ optLevel, cpu, compileTimeoutMs, signal }) as the last
// argument of the constructor and of `compile`, and `Module.timings(module)` with the time
// of each compile stage.

import { CompileError } from '../wasm/errors.js';
import { EXTERNAL_KIND_NAMES, type ModuleInfo } from '../binary/module-info.js';
import {
  compileModule,
  compileModuleAsync,
  type CompiledModule,
  type ModuleCompileOptions,
  type ModuleCompileTimings,
} from '../compile/compiled-module.js';
import { decodeAndValidateModule } from '../validate/validate-module.js';

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

/** Copies the bytes of a BufferSource (the JS API takes a copy); TypeError otherwise. */
export function copyBufferSource(source: unknown, caller: string): Uint8Array {
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
    return new Uint8Array(source.slice(0));
  }
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice();
  }
  throw new TypeError(`${caller}: Argument 0 must be a buffer source`);
}

const compiledModules = new WeakMap<Module, CompiledModule>();

export class Module {
  /** Compiles synchronously (LLVM in this thread); CompileError for invalid bytes. */
  constructor(bytes: BufferSource, options?: ModuleCompileOptions) {
    const copy = copyBufferSource(bytes, 'WebAssembly.Module()');
    compiledModules.set(this, compileModule(copy, options));
  }

  /** Milliseconds spent in each compile stage of `module` (an extension of the API). */
  static timings(module: Module): ModuleCompileTimings {
    return compiledModuleOf(module, 'Module.timings()').timings;
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
    const info = moduleInfoOf(module, 'WebAssembly.Module.customSections()');
    if (sectionName === undefined) throw new TypeError('WebAssembly.Module.customSections(): Argument 1 is required');
    const name = String(sectionName);
    return info.customSections
      .filter((section) => section.name === name)
      .map((section) => info.bytes.slice(section.dataStart, section.dataEnd).buffer);
  }

  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Module';
  }
}

/** The compiled module behind a Module, for instantiation. */
export function compiledModuleOf(module: unknown, caller = 'compiledModuleOf'): CompiledModule {
  const compiled = compiledModules.get(module as Module);
  if (compiled === undefined) throw new TypeError(`${caller}: Argument 0 must be a WebAssembly.Module`);
  return compiled;
}

/** The decoded module behind a Module, for later stages (translator, instantiation). */
export function moduleInfoOf(module: Module, caller = 'moduleInfoOf'): ModuleInfo {
  return compiledModuleOf(module, caller).info;
}

/** A Module object for an already compiled module. */
export function moduleOf(compiled: CompiledModule): Module {
  const module = Object.create(Module.prototype) as Module;
  compiledModules.set(module, compiled);
  return module;
}

/** WebAssembly.validate: true if the bytes decode and validate. TypeError if not a BufferSource. */
export function validate(bytes: BufferSource): boolean {
  const copy = copyBufferSource(bytes, 'WebAssembly.validate()');
  try {
    decodeAndValidateModule(copy);
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
export async function compile(bytes: BufferSource, options?: ModuleCompileOptions): Promise<Module> {
  const copy = copyBufferSource(bytes, 'WebAssembly.compile()');
  return moduleOf(await compileModuleAsync(copy, options));
}
