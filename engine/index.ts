// Stage: public entry point. The engine's API, shaped like the standard `WebAssembly`
// namespace (WebAssembly JavaScript Interface §4): code written for V8's WebAssembly
// runs on this engine by changing one import. Instantiation (Instance, Memory, Table,
// Global, instantiate) comes with the runtime.

export { validate, compile, Module } from './module.js';
export type {
  BufferSource,
  ImportExportKind,
  ModuleExportDescriptor,
  ModuleImportDescriptor,
} from './module.js';
export { CompileError, LinkError, RuntimeError } from './errors.js';
