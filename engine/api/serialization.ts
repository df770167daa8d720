// Stage: JS API extension. Compiled modules as bytes (compile/module-serialization.ts):
// `serializeModule(module)` writes a module compiled with `{ serializable: true }` (or
// through the code cache), `deserializeModule(bytes)` makes a Module of such bytes without
// compiling, if they were written by this engine build on this kind of host, and refuses
// them with a CompileError otherwise. Like Wasmtime's Module::deserialize, the bytes are
// trusted as code: deserialize only what you or this process wrote.

import { compiledModuleOf, copyBufferSource, moduleOf, type BufferSource, type Module } from './module.js';
import { deserializeCompiledModule, serializeCompiledModule } from '../compile/module-serialization.js';

export function serializeModule(module: Module): Uint8Array {
  return serializeCompiledModule(compiledModuleOf(module, 'serializeModule()'));
}

export function deserializeModule(bytes: BufferSource): Module {
  return moduleOf(deserializeCompiledModule(copyBufferSource(bytes, 'deserializeModule()')));
}
