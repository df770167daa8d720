// Workbench harness: the engines a Node measured process can load. Each is a
// WebAssembly-namespace-shaped object plus a WASI implementation with node:wasi's API,
// so the harness times them all the same way. The project's own engine plugs in here
// (one entry), and in bench/engines/registry.ts (one line per configuration).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import type { TieringCounters } from '../results/schema.js';

/** The subset of node:wasi's WASI that the harness uses. */
export interface WasiLike {
  getImportObject(): Record<string, Record<string, unknown>>;
  start(instance: unknown): number | undefined;
}

export interface WasiOptions {
  args: string[];
  env: Record<string, string>;
  stdout: number;
  stderr: number;
}

export type ImportObject = Record<string, Record<string, unknown>>;

/** The JS API classes a harness needs to make stub imports (module mode). */
export interface JsApiClasses {
  Memory: new (descriptor: { initial: number; maximum?: number }) => object;
  Table: new (descriptor: { element: string; initial: number; maximum?: number }) => object;
  Global: new (descriptor: { value: string; mutable: boolean }, value?: unknown) => object;
}

export interface InProcessEngine {
  version(): string;
  /**
   * Synchronous, as `instantiate`: the harness takes its clock right after the call returns
   * (an `await` would add a turn of the microtask queue to the measured phase).
   */
  compile(bytes: Uint8Array): unknown;
  /** Untimed work before the first timed iteration (llvm-O2-cached: the compile that fills the cache). */
  prepare?(bytes: Uint8Array): Promise<void>;
  /** Untimed clean-up after the last iteration. */
  dispose?(): void;
  /** The warm cache needs an untimed run of the program (lazily compiled code), not only a compile. */
  readonly warmsByRunning?: boolean;
  /** After that run: waits for the engine's background work on `module` (tier-up compiles) to reach the cache. */
  settle?(module: unknown): void;
  /** Tiered engines: how much tiering `module` has done so far. */
  tieringCounters?(module: unknown): TieringCounters | undefined;
  instantiate(module: unknown, imports: ImportObject): unknown;
  /** The engine's own Memory, Table and Global (stub imports must be the engine's objects). */
  api: JsApiClasses;
  /** An instance's exports object. */
  exportsOf(instance: unknown): Record<string, unknown>;
  createWasi(options: WasiOptions): WasiLike;
  /** Whether a thrown value is a wasm trap (as opposed to a harness or engine error). */
  isTrap(error: unknown): boolean;
}

function createNodeWasi(options: WasiOptions): WasiLike {
  return new WASI({ version: 'preview1', args: options.args, env: options.env, stdout: options.stdout, stderr: options.stderr, returnOnExit: true }) as unknown as WasiLike;
}

/** V8, whichever tier the process's V8 flags select; synchronous compile and instantiate. */
const v8Engine: InProcessEngine = {
  version: () => process.versions.v8,
  compile: (bytes) => new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
  instantiate: (module, imports) => new WebAssembly.Instance(module as WebAssembly.Module, imports as WebAssembly.Imports),
  api: WebAssembly as unknown as JsApiClasses,
  exportsOf: (instance) => (instance as WebAssembly.Instance).exports as Record<string, unknown>,
  createWasi: createNodeWasi,
  isTrap: (error) => error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message)),
};

/** This project's engine (engine/): compile = bytes → JIT code at options.optLevel, with its own WASI. */
async function loadLlvmEngine(options: Record<string, unknown>): Promise<InProcessEngine> {
  // The package's entry: the engine's one-file bundle with its start-up cache when the build
  // has one (engine/startup/), as an application importing the package loads it.
  const { engineStartup, ...api } = await import('../../engine/startup/package-entry.js');
  const engine = api as typeof import('../../engine/index.js');
  const loaded = engineStartup.from === 'modules' ? ' (from modules)' : engineStartup.cache === 'off' ? ' (no start-up cache)' : '';
  const { llvmVersion } = await import('../../engine/native/addon.js');
  const optLevel = (options.optLevel ?? 2) as 0 | 1 | 2 | 3;
  const exactTraps = options.exactTraps === true;
  const tiering = options.tiering === 'lazy' || options.tiering === 'tiered' ? options.tiering : 'eager';
  // codeCache 'warm': a cache of this process's own, filled by an untimed compile, so every
  // timed compile is a hit (what a second run of an application costs).
  const cacheDirectory = options.codeCache === 'warm' ? mkdtempSync(join(tmpdir(), 'wasm-llvm-bench-cache-')) : undefined;
  const baseline = options.baseline === 'llvm-O0' ? ('llvm-O0' as const) : undefined;
  const compileOptions = { optLevel, exactTraps, tiering, ...(baseline !== undefined ? { baseline } : {}), ...(cacheDirectory !== undefined ? { codeCache: { directory: cacheDirectory } } : {}) } as const;
  return {
    version: () => `LLVM ${llvmVersion()} O${optLevel}${exactTraps ? ' exactTraps' : ''}${cacheDirectory !== undefined ? ' code cache' : ''}${tiering === 'eager' ? '' : ` ${tiering}`}${tiering !== 'eager' && baseline === 'llvm-O0' ? ' (LLVM O0 baseline)' : ''}${loaded}`,
    compile: (bytes) => new engine.Module(bytes, compileOptions),
    prepare: async (bytes) => {
      if (cacheDirectory === undefined || tiering !== 'eager') return;
      const module = new engine.Module(bytes, compileOptions);
      if (engine.Module.timings(module).codeCache !== 'miss') throw new Error('the code cache was not filled by the warming compile');
    },
    dispose: () => {
      if (cacheDirectory !== undefined) rmSync(cacheDirectory, { recursive: true, force: true });
    },
    warmsByRunning: cacheDirectory !== undefined && tiering !== 'eager',
    settle: (module) => {
      engine.Module.waitForTiering(module as InstanceType<typeof engine.Module>, 120_000);
    },
    tieringCounters: (module) => {
      if (tiering !== 'tiered') return undefined;
      const lazy = engine.Module.timings(module as InstanceType<typeof engine.Module>).lazy;
      if (lazy === undefined) return undefined;
      return { tierUpCalls: lazy.tierUpCalls, topTierInstalled: lazy.topTierInstalled, osrCompiled: lazy.osrCompiled, osrFromCache: lazy.osrFromCache, osrTransfers: lazy.osrTransfers };
    },
    instantiate: (module, imports) => new engine.Instance(module as InstanceType<typeof engine.Module>, imports),
    api: { Memory: engine.Memory, Table: engine.Table, Global: engine.Global } as unknown as JsApiClasses,
    exportsOf: (instance) => (instance as InstanceType<typeof engine.Instance>).exports as Record<string, unknown>,
    createWasi: (wasi) => new engine.WASI({ version: 'preview1', args: wasi.args, env: wasi.env, stdout: wasi.stdout, stderr: wasi.stderr, returnOnExit: true }) as unknown as WasiLike,
    isTrap: (error) => error instanceof engine.RuntimeError,
  };
}

const engines: Record<string, (options: Record<string, unknown>) => Promise<InProcessEngine>> = {
  v8: async () => v8Engine,
  llvm: loadLlvmEngine,
};

export async function loadInProcessEngine(name: string, options: Record<string, unknown>): Promise<InProcessEngine> {
  const factory = engines[name];
  if (!factory) throw new Error(`unknown in-process engine "${name}" (known: ${Object.keys(engines).join(', ')})`);
  return factory(options);
}
