// Stage: differential execution fuzzing. The child process that runs modules: started by
// execution-pool.ts with V8's flags (v8-oracle.ts) and an IPC channel, it takes one module
// at a time ({ seed } to generate it, or { wasmPath } for a saved one), and runs it on each
// requested engine in turn, sending each transcript as soon as it is complete, so a module
// that hangs one engine (our generated code cannot be interrupted) is killed from outside
// and charged to the first engine whose transcript is missing.

import { readFileSync } from 'node:fs';
import { Instance, Module } from '../../../engine/index.js';
import { denanModule, generateExecutionModule, recipeForSeed, SIMD_BY_DEFAULT } from './binaryen-module.js';
import { classifyOurError, recordTranscript, v8Engine, type EngineUnderTest } from './transcript.js';

/** V8, and ours at O0, O2, and O2 with exact state after traps (exactTraps). */
export type EngineName = 'v8' | 'O0' | 'O2' | 'O2x' | 'O0lazy' | 'tiered';

export interface RunRequest {
  kind: 'run';
  id: number;
  /** Generate the module from this seed's recipe (with SIMD or not)... */
  seed?: number;
  simd?: boolean;
  /** ...or read it from a file, compared with NaNs canonicalised unless `exactNaNs`. */
  wasmPath?: string;
  exactNaNs?: boolean;
  argumentSeed?: number;
  /** See TranscriptOptions.freshInstanceAfterTrap. */
  freshInstanceAfterTrap?: boolean;
  /** Run the seed's module after binaryen's `--denan` (its NaN-free twin). */
  denan?: boolean;
  engines: EngineName[];
}

export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'module'; id: number; bytes: number; exports: number }
  | { kind: 'module-failed'; id: number; error: string }
  | { kind: 'transcript'; id: number; engine: EngineName; lines: string[]; milliseconds: number }
  | { kind: 'done'; id: number };

function ourEngine(optLevel: 0 | 2, exactTraps = false): EngineUnderTest {
  return {
    name: `O${optLevel}${exactTraps ? 'x' : ''}`,
    compile: (bytes) => new Module(bytes, { optLevel, exactTraps }),
    instantiate: (module, imports) => new Instance(module as Module, imports) as unknown as { exports: Record<string, unknown> },
    classifyError: classifyOurError,
  };
}

/**
 * Lazily compiled with every function its own code unit, so first calls cross lazy stubs:
 * 'O0lazy' (tiering: 'lazy' at O0), or 'tiered' (O0 baseline, O2 top tier, a tier-up call at
 * every count: top-tier units replace baseline ones while the module runs).
 */
function lazyEngine(name: 'O0lazy' | 'tiered'): EngineUnderTest {
  const settings: Record<string, string> = name === 'tiered' ? { WASM_LLVM_UNIT_BYTES: '1', WASM_LLVM_TIER_UP_THRESHOLD: '0' } : { WASM_LLVM_UNIT_BYTES: '1' };
  return {
    name,
    compile: (bytes) => {
      const saved = Object.keys(settings).map((key) => [key, process.env[key]] as const);
      Object.assign(process.env, settings);
      try {
        return name === 'tiered' ? new Module(bytes, { optLevel: 2, tiering: 'tiered' }) : new Module(bytes, { optLevel: 0, tiering: 'lazy' });
      } finally {
        for (const [key, value] of saved) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
    },
    instantiate: (module, imports) => {
      const saved = process.env.WASM_LLVM_TIER_UP_THRESHOLD;
      if (name === 'tiered') process.env.WASM_LLVM_TIER_UP_THRESHOLD = '0';
      try {
        return new Instance(module as Module, imports) as unknown as { exports: Record<string, unknown> };
      } finally {
        if (saved === undefined) delete process.env.WASM_LLVM_TIER_UP_THRESHOLD;
        else process.env.WASM_LLVM_TIER_UP_THRESHOLD = saved;
      }
    },
    classifyError: classifyOurError,
  };
}

export const ENGINES: Readonly<Record<EngineName, EngineUnderTest>> = { v8: v8Engine, O0: ourEngine(0), O2: ourEngine(2), O2x: ourEngine(2, true), O0lazy: lazyEngine('O0lazy'), tiered: lazyEngine('tiered') };

function send(message: WorkerMessage): void {
  if (process.connected) process.send!(message);
}

function handle(request: RunRequest): void {
  let bytes: Uint8Array;
  let canonicaliseNaNs: boolean;
  let argumentSeed: number;
  try {
    if (request.wasmPath !== undefined) {
      bytes = new Uint8Array(readFileSync(request.wasmPath));
      canonicaliseNaNs = !request.exactNaNs;
      argumentSeed = request.argumentSeed ?? 0;
    } else {
      const recipe = recipeForSeed(request.seed!, request.simd ?? SIMD_BY_DEFAULT);
      bytes = generateExecutionModule(recipe);
      if (request.denan && !recipe.denan) bytes = denanModule(bytes, recipe.simd);
      canonicaliseNaNs = !recipe.denan && !request.denan;
      argumentSeed = recipe.argumentSeed;
    }
  } catch (error) {
    send({ kind: 'module-failed', id: request.id, error: error instanceof Error ? error.message : String(error) });
    send({ kind: 'done', id: request.id });
    return;
  }
  let exports = 0;
  try {
    exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).filter((entry) => entry.kind === 'function').length;
  } catch {
    // The transcripts record the compile error.
  }
  send({ kind: 'module', id: request.id, bytes: bytes.length, exports });
  for (const engine of request.engines) {
    const start = performance.now();
    const lines = recordTranscript(ENGINES[engine], bytes, { argumentSeed, canonicaliseNaNs, freshInstanceAfterTrap: request.freshInstanceAfterTrap });
    send({ kind: 'transcript', id: request.id, engine, lines, milliseconds: performance.now() - start });
  }
  send({ kind: 'done', id: request.id });
}

if (process.send !== undefined) {
  process.on('message', (message: RunRequest) => {
    if (message.kind === 'run') handle(message);
  });
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready' });
}
