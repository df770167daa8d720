// Stage: public entry point. The engine's API, shaped like the standard `WebAssembly`
// namespace (WebAssembly JavaScript Interface §4): code written for V8's WebAssembly
// runs on this engine by changing one import. Extensions: compile options ({ optLevel:
// 0-3, cpu: 'native' | 'generic', compileTimeoutMs, signal, exactTraps }) as the last
// argument of `new Module`, `compile` and `instantiate(bytes, imports, options)`,
// `Module.timings(module)` with the time of each compile stage, and `interruptHandle`/
// `interruptThread` and `withDeadline` to stop long-running wasm code, the persistent code
// cache (compile option `codeCache`) and `serializeModule`/`deserializeModule`. WASI preview1
// comes with it (`WASI`, node:wasi's API). `WebAssembly` is the namespace object itself, with
// the standard's descriptors (`globalThis.WebAssembly = WebAssembly` swaps engines).

export { validate, compile, Module } from './api/module.js';
export type {
  BufferSource,
  ImportExportKind,
  ModuleCompileOptions,
  ModuleCompileTimings,
  ModuleExportDescriptor,
  ModuleImportDescriptor,
} from './api/module.js';
export { Instance, instantiate } from './api/instance.js';
export { compileStreaming, instantiateStreaming } from './api/streaming.js';
export type { ResponseSource } from './api/streaming.js';
export { WebAssembly } from './api/namespace.js';
export type { WebAssemblyNamespace } from './api/namespace.js';
export type { WebAssemblyInstantiatedSource } from './api/instance.js';
export { Memory } from './api/memory.js';
export type { MemoryDescriptor } from './api/memory.js';
export { Table } from './api/table.js';
export type { TableDescriptor } from './api/table.js';
export { Global } from './api/global.js';
export type { GlobalDescriptor } from './api/global.js';
export { CompileError, LinkError, RuntimeError } from './wasm/errors.js';
export { interruptHandle, interruptThread, withDeadline } from './api/interruption.js';
export { WASI, WASIExit } from './wasi/index.js';
export type { WASIOptions } from './wasi/index.js';
export { serializeModule, deserializeModule } from './api/serialization.js';
export type { CodeCacheOptions } from './compile/code-cache.js';
