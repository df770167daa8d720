// Stage: public entry point, process-wide, when the engine runs as modules (from the
// TypeScript sources, or WASM_LLVM_BUNDLE=0): importing this file registers the engine as
// `globalThis.WebAssembly` (registration.ts). The package's `wasm-llvm-jit/register` is
// startup/register-entry.ts, which does the same from the engine's bundle when there is one.

import { register } from './registration.js';

export { createRegisteredNamespace, ENGINE_INFO, nodeWebAssembly, optionsFromEnvironment, register } from './registration.js';

register();
