// Stage: public entry point, process-wide: `node --import wasm-llvm-jit/register app.js`.
// Registers the engine as `globalThis.WebAssembly` with compile defaults from the environment
// (registration.ts), from the engine's bundle with its start-up cache when the bundle is
// current (bundled-engine.ts), else from the modules (../register.ts registers on import).

import type * as Registration from '../registration.js';
import { engineStartupOf, loadBundledEngine, type EngineStartup } from './bundled-engine.js';

const bundled = loadBundledEngine<typeof Registration>();
bundled?.exports.register();
const registration: typeof Registration = bundled?.exports ?? (await import('../register.js'));

/** How this process loaded the engine. */
export const engineStartup: EngineStartup = engineStartupOf(bundled);

export const { createRegisteredNamespace, ENGINE_INFO, nodeWebAssembly, optionsFromEnvironment, register } = registration;
