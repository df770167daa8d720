// Stage: JS API. The `WebAssembly` namespace object (WebAssembly JS API §4 "The WebAssembly
// namespace", WebIDL §3.13 "Namespaces", WebAssembly Web API §3 for the streaming
// operations): an ordinary object whose prototype is Object.prototype, with the namespace's
// operations (validate, compile, instantiate, compileStreaming, instantiateStreaming)
// as { writable, enumerable, configurable } properties, the interfaces (Module, Instance,
// Memory, Table, Global, CompileError, LinkError, RuntimeError) as { writable,
// configurable } but not enumerable ones, and @@toStringTag "WebAssembly" (not writable,
// not enumerable, configurable). Drop-in for the global: `globalThis.WebAssembly = WebAssembly`.
// The engine's extensions (Module.timings, interruption, WASI) are exported by the package
// beside it, not put on it.

import { CompileError, LinkError, RuntimeError } from '../wasm/errors.js';
import { Global } from './global.js';
import { Instance, instantiate } from './instance.js';
import { Memory } from './memory.js';
import { compile, Module, validate } from './module.js';
import { compileStreaming, instantiateStreaming } from './streaming.js';
import { Table } from './table.js';

/** The namespace's type: the standard members, typed as this engine declares them. */
export interface WebAssemblyNamespace {
  readonly validate: typeof validate;
  readonly compile: typeof compile;
  readonly instantiate: typeof instantiate;
  readonly compileStreaming: typeof compileStreaming;
  readonly instantiateStreaming: typeof instantiateStreaming;
  readonly Module: typeof Module;
  readonly Instance: typeof Instance;
  readonly Memory: typeof Memory;
  readonly Table: typeof Table;
  readonly Global: typeof Global;
  readonly CompileError: typeof CompileError;
  readonly LinkError: typeof LinkError;
  readonly RuntimeError: typeof RuntimeError;
}

/**
 * A new namespace object over this engine's API (each call makes a distinct object, so an
 * embedder may add properties of its own, as wasm-llvm-jit/register could, without touching
 * the shared one).
 */
export function createNamespace(): WebAssemblyNamespace {
  const namespace = {};
  const operations = { compile, validate, instantiate, compileStreaming, instantiateStreaming };
  const interfaces = { Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError };
  for (const [name, value] of Object.entries(operations)) {
    Object.defineProperty(namespace, name, { value, writable: true, enumerable: true, configurable: true });
  }
  for (const [name, value] of Object.entries(interfaces)) {
    Object.defineProperty(namespace, name, { value, writable: true, enumerable: false, configurable: true });
  }
  Object.defineProperty(namespace, Symbol.toStringTag, { value: 'WebAssembly', writable: false, enumerable: false, configurable: true });
  return namespace as WebAssemblyNamespace;
}

/** This engine's `WebAssembly` namespace object. */
export const WebAssembly: WebAssemblyNamespace = createNamespace();
