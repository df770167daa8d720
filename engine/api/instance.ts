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
// The runtime makes exported memories, tables and globals through these modules' factories.
import './global.js';
import './memory.js';
import './table.js';

interface InstanceInternals {
  readonly exports: Record<string, unknown>;
  readonly state: InstanceState;
}

const internals = new WeakMap<Instance, InstanceInternals>();

export class Instance {
  constructor(module: Module, ...rest: [importObject?: object]) {
    const compiled = compiledModuleOf(module, 'WebAssembly.Instance()');
    internals.set(this, instantiateCompiledModule(compiled, rest[0]));
  }

  /** The frozen exports object: functions, Memory, Table and Global objects by export name. */
  get exports(): Record<string, unknown> {
    const found = internals.get(this);
    if (found === undefined) throw new TypeError('WebAssembly.Instance.exports: Receiver is not a WebAssembly.Instance');
    return found.exports;
  }
}

defineInterface(Instance, 'WebAssembly.Instance');

/** The runtime state of an Instance (for the engine's own tools). */
export function instanceStateOf(instance: Instance): InstanceState {
  const found = internals.get(instance);
  if (found === undefined) throw new TypeError('not a WebAssembly.Instance');
  return found.state;
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
