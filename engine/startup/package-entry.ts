// Stage: public entry point, the package's "." (`import { Module } from 'wasm-llvm-jit'`).
// The same API as ../index.ts, loaded from the engine's one-file bundle with its start-up
// cache when the bundle is current (bundled-engine.ts), and from index.ts's modules
// otherwise (running from the TypeScript sources, or a build not bundled again). The types
// are index.ts's; bundled-engine.test.ts checks that both have the same exports.

import type * as Engine from '../index.js';
import { engineStartupOf, loadBundledEngine, type EngineStartup } from './bundled-engine.js';

const bundled = loadBundledEngine<typeof Engine>();
const engine: typeof Engine = bundled?.exports ?? (await import('../index.js'));

/** How this process loaded the engine. */
export const engineStartup: EngineStartup = engineStartupOf(bundled);

export const {
  validate,
  compile,
  Module,
  Instance,
  instantiate,
  compileStreaming,
  instantiateStreaming,
  WebAssembly,
  Memory,
  Table,
  Global,
  CompileError,
  LinkError,
  RuntimeError,
  interruptHandle,
  interruptThread,
  withDeadline,
  WASI,
  WASIExit,
  serializeModule,
  deserializeModule,
} = engine;
