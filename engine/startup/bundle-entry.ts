// Stage: start-up. What the engine's one-file bundle exports (scripts/bundle-engine.mjs
// bundles from here): the package's API (../index.ts), for `wasm-llvm-jit/register` the
// registration functions, which do nothing until called, and for the translation worker
// (translation-worker-entry.ts) its loop.

export * from '../index.js';
export { createRegisteredNamespace, ENGINE_INFO, nodeWebAssembly, optionsFromEnvironment, register } from '../registration.js';
export { serveTranslationWorker } from '../compile/translation-worker-main.js';
