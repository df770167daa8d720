// Stage: public entry point, process-wide: what `node --import wasm-llvm-jit/register app.js`
// does (startup/register-entry.ts, or register.ts when the engine runs as modules), without
// doing it on import. register() makes this engine the process's `globalThis.WebAssembly`,
// so an application and the wasm packages it uses run on it unchanged. Compile options come
// from environment variables, read once:
//
//   WASM_LLVM_OPT_LEVEL          0-3 (default 2): LLVM optimisation level
//   WASM_LLVM_CPU                'native' (default) or 'generic' (baseline x86-64)
//   WASM_LLVM_EXACT_TRAPS        1/0: memory after an out-of-bounds trap is exact at O1-O3
//   WASM_LLVM_COMPILE_TIMEOUT_MS a deadline for each compile, in milliseconds
//   WASM_LLVM_CODE_CACHE         1: the persistent code cache in the default directory,
//                                a path: the cache in that directory, 0 (default): off
//   WASM_LLVM_TIERING            'eager' (default): everything compiled by compile();
//                                'lazy': each code unit compiled on its first call;
//                                'tiered': lazily at O0, hot functions at WASM_LLVM_OPT_LEVEL
//                                in the background (WASM_LLVM_TIER_UP_THRESHOLD: counts
//                                of entries and loop iterations between tier-up calls;
//                                WASM_LLVM_TIER_UP_PAYOFF: µs of hot time per byte of body
//                                before a function's top tier is asked for)
//   WASM_LLVM_BASELINE           'direct' (default): lazy O0 and tiered modules' first tier
//                                from the engine's own baseline compiler; 'llvm-O0': LLVM
//                                at O0
//
// Options that a caller passes to compile/instantiate/new Module still win. A bad value
// stops the process at start-up with an error naming the variable. The namespace object
// has the standard's shape (api/namespace.ts) plus a symbol-keyed note of the engine and its
// defaults; Node's own namespace stays reachable as `nodeWebAssembly` from this module.

import { createNamespace } from './api/namespace.js';
import { setDefaultCompileOptions, type DefaultCompileOptions } from './compile/compiled-module.js';

/** Node's own WebAssembly namespace, as it was before registration. */
export const nodeWebAssembly: typeof WebAssembly = globalThis.WebAssembly;

/** The key under which the registered namespace says which engine it is and with which defaults. */
export const ENGINE_INFO = Symbol.for('wasm-llvm-jit.engine');

/** Compile defaults from environment variables; throws a TypeError naming a bad variable. */
export function optionsFromEnvironment(environment: NodeJS.ProcessEnv): DefaultCompileOptions {
  const options: { -readonly [K in keyof DefaultCompileOptions]: DefaultCompileOptions[K] } = {};
  const read = (name: string): string | undefined => {
    const value = environment[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const optLevel = read('WASM_LLVM_OPT_LEVEL');
  if (optLevel !== undefined) {
    if (!/^[0-3]$/.test(optLevel)) throw new TypeError(`WASM_LLVM_OPT_LEVEL must be 0, 1, 2 or 3 (got "${optLevel}")`);
    options.optLevel = Number(optLevel) as 0 | 1 | 2 | 3;
  }
  const cpu = read('WASM_LLVM_CPU');
  if (cpu !== undefined) {
    if (cpu !== 'native' && cpu !== 'generic') throw new TypeError(`WASM_LLVM_CPU must be "native" or "generic" (got "${cpu}")`);
    options.cpu = cpu;
  }
  const exactTraps = read('WASM_LLVM_EXACT_TRAPS');
  if (exactTraps !== undefined) {
    if (exactTraps !== '0' && exactTraps !== '1') throw new TypeError(`WASM_LLVM_EXACT_TRAPS must be 0 or 1 (got "${exactTraps}")`);
    options.exactTraps = exactTraps === '1';
  }
  const timeout = read('WASM_LLVM_COMPILE_TIMEOUT_MS');
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout)) throw new TypeError(`WASM_LLVM_COMPILE_TIMEOUT_MS must be a whole number of milliseconds (got "${timeout}")`);
    options.compileTimeoutMs = Number(timeout);
  }
  const tiering = read('WASM_LLVM_TIERING');
  if (tiering !== undefined) {
    if (tiering !== 'eager' && tiering !== 'lazy' && tiering !== 'tiered') throw new TypeError(`WASM_LLVM_TIERING must be "eager", "lazy" or "tiered" (got "${tiering}")`);
    options.tiering = tiering;
  }
  const baseline = read('WASM_LLVM_BASELINE');
  if (baseline !== undefined) {
    if (baseline !== 'direct' && baseline !== 'llvm-O0') throw new TypeError(`WASM_LLVM_BASELINE must be "direct" or "llvm-O0" (got "${baseline}")`);
    options.baseline = baseline;
  }
  const cache = read('WASM_LLVM_CODE_CACHE');
  if (cache !== undefined) options.codeCache = cache === '1' ? true : cache === '0' ? false : { directory: cache };
  return options;
}

/** A namespace object with the standard's shape (api/namespace.ts) that also says which engine it is. */
export function createRegisteredNamespace(defaults: DefaultCompileOptions): object {
  const namespace = createNamespace();
  Object.defineProperty(namespace, ENGINE_INFO, {
    value: Object.freeze({ name: 'wasm-llvm-jit', defaults: Object.freeze({ ...defaults }) }),
    enumerable: false,
  });
  return namespace;
}

/** Makes this engine `globalThis.WebAssembly` with `defaults` for every compile. */
export function register(defaults: DefaultCompileOptions = optionsFromEnvironment(process.env)): void {
  setDefaultCompileOptions(defaults);
  Object.defineProperty(globalThis, 'WebAssembly', {
    value: createRegisteredNamespace(defaults),
    writable: true,
    enumerable: false,
    configurable: true,
  });
}
