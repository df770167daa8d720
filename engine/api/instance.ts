// JS API: WebAssembly.Instance and WebAssembly.instantiate (JS API §4). `new Instance(module,
// importObject)` instantiates synchronously; `instantiate(module, importObject)` resolves to an
// Instance and `instantiate(bytes, importObject, options?)` to { module, instance }, compiling
// with LLVM off the main thread. An Instance keeps its runtime state (runtime/instance-state.ts)
// alive; so do its exported functions, memories, tables and globals. Lengths and
// descriptors are WebIDL's (interface-objects.ts): the import object and the compile
// options are rest parameters.

import { compileCopiedBytes, compiledModuleOf, copyBufferSource, isModuleObject, Module, type BufferSource } from './module.js';
import { defineInterface } from './interface-objects.js';
import type { ModuleCompileOptions } from '../compile/compiled-module.js';
import type { InstanceState } from '../runtime/instance-state.js';
import { instantiateCompiledModule } from '../runtime/instantiation.js';
import { anchorInstanceShapesWhenIdle } from './instance-shapes.js';
// The runtime makes exported memories, tables and globals through these modules' factories.
import './global.js';
import './memory.js';
import './table.js';

interface InstanceInternals {
  readonly exports: Record<string, unknown>;
  readonly state: InstanceState;
}

/** The internals of `value`, or a TypeError with `message` when it is not an Instance (set below). */
let internalsOf: (value: unknown, message: string) => InstanceInternals;

export class Instance {
  /** The instance's runtime state and exports (a private field: cheaper than a WeakMap entry per instance). */
  readonly #internals: InstanceInternals;

  constructor(module: Module, ...rest: [importObject?: object]) {
    const compiled = compiledModuleOf(module, 'WebAssembly.Instance()');
    this.#internals = instantiateCompiledModule(compiled, rest[0]);
    anchorInstanceShapesWhenIdle();
  }

  /** The frozen exports object: functions, Memory, Table and Global objects by export name. */
  get exports(): Record<string, unknown> {
    return internalsOf(this, 'WebAssembly.Instance.exports: Receiver is not a WebAssembly.Instance').exports;
  }

  static {
    internalsOf = (value, message) => {
      if (typeof value !== 'object' || value === null || !(#internals in value)) throw new TypeError(message);
      return (value as Instance).#internals;
    };
  }
}

defineInterface(Instance, 'WebAssembly.Instance');

/** The runtime state of an Instance (for the engine's own tools). */
export function instanceStateOf(instance: Instance): InstanceState {
  return internalsOf(instance, 'not a WebAssembly.Instance').state;
}

export interface WebAssemblyInstantiatedSource {
  module: Module;
  instance: Instance;
}

export function instantiate(module: Module, importObject?: object): Promise<Instance>;
export function instantiate(bytes: BufferSource, importObject?: object, options?: ModuleCompileOptions | null): Promise<WebAssemblyInstantiatedSource>;
/**
 * WebAssembly.instantiate, both overloads: a Module resolves to an Instance; a BufferSource is
 * compiled (with `options`) and resolves to { module, instance }. Errors reject the promise.
 */
export async function instantiate(
  source: Module | BufferSource,
  ...rest: [importObject?: object, options?: ModuleCompileOptions | null]
): Promise<Instance | WebAssemblyInstantiatedSource> {
  const [importObject, options] = rest;
  if (isModuleObject(source)) return new Instance(source, importObject);
  checkImportObject(importObject, 'WebAssembly.instantiate()');
  const bytes = copyBufferSource(source, 'WebAssembly.instantiate()');
  return instantiateModule(await compileCopiedBytes(bytes, options), importObject);
}

/**
 * WebIDL's conversion of the `optional object importObject` argument, done before any
 * compile: undefined or an object (a function is one), else TypeError.
 */
export function checkImportObject(importObject: unknown, caller: string): void {
  if (importObject === undefined) return;
  if (importObject === null || (typeof importObject !== 'object' && typeof importObject !== 'function')) {
    throw new TypeError(`${caller}: Argument 1 must be an object`);
  }
}

/** The { module, instance } record of instantiate(bytes) and instantiateStreaming. */
export function instantiateModule(module: Module, importObject: object | undefined): WebAssemblyInstantiatedSource {
  return { module, instance: new Instance(module, importObject) };
}
