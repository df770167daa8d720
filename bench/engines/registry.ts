// Workbench engines: every engine configuration the workbench knows, by name. V8's tiers
// are pinned with V8 flags and lazy compilation is disabled so that compile time is the
// whole module and execution never includes compilation; V8's in-isolate module cache is
// disabled so that every iteration compiles afresh.

import type { EngineAdapter } from './engine.js';
import { NativeEngine } from './native.js';
import { NodeHarnessEngine } from './node-harness-engine.js';
import { WasmtimeEngine } from './wasmtime.js';

const V8_FRESH_EAGER = ['--no-wasm-lazy-compilation', '--no-wasm-native-module-cache-enabled'];

/** llvm-O2 with some of the engine's own choices switched off by name (WASM_LLVM_DISABLE): a measurement-only engine. */
function llvmO2Without(name: string, what: string, disable: string): EngineAdapter {
  return new NodeHarnessEngine({
    name,
    kind: 'llvm',
    description: `This project's engine at O2 ${what} (measurement only)`,
    nodeFlags: [],
    inProcessEngine: 'llvm',
    engineOptions: { optLevel: 2 },
    env: { WASM_LLVM_DISABLE: disable },
  });
}

const factories: Record<string, () => EngineAdapter> = {
  'v8-turbofan': () =>
    new NodeHarnessEngine({
      name: 'v8-turbofan',
      kind: 'v8',
      description: "V8's optimising compiler TurboFan only (no Liftoff, no tier-up), eager compilation",
      nodeFlags: ['--no-liftoff', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering', ...V8_FRESH_EAGER],
      inProcessEngine: 'v8',
    }),
  'v8-liftoff': () =>
    new NodeHarnessEngine({
      name: 'v8-liftoff',
      kind: 'v8',
      description: "V8's baseline compiler Liftoff only (no tier-up), eager compilation",
      nodeFlags: ['--liftoff', '--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering', ...V8_FRESH_EAGER],
      inProcessEngine: 'v8',
    }),
  'v8-default': () =>
    new NodeHarnessEngine({
      name: 'v8-default',
      kind: 'v8',
      description: "V8 as Node ships it (Liftoff first, dynamic tier-up to TurboFan); module cache off",
      nodeFlags: ['--no-wasm-native-module-cache-enabled'],
      inProcessEngine: 'v8',
    }),
  'llvm-O0': () => new NodeHarnessEngine({ name: 'llvm-O0', kind: 'llvm', description: "This project's engine: LLVM 19 at O0 (FastISel), host CPU", nodeFlags: [], inProcessEngine: 'llvm', engineOptions: { optLevel: 0 } }),
  'llvm-O2': () => new NodeHarnessEngine({ name: 'llvm-O2', kind: 'llvm', description: "This project's engine: LLVM 19 at O2, host CPU", nodeFlags: [], inProcessEngine: 'llvm', engineOptions: { optLevel: 2 } }),
  // Measurement only: llvm-O2 without the stack-limit and interrupt checks (runtime_checks.cc),
  // to price them in one run beside llvm-O2. Not safe for untrusted code; not a default engine.
  'llvm-O2-unchecked': () => llvmO2Without('llvm-O2-unchecked', 'without its stack and interrupt checks', 'loop-polls,entry-checks'),
  // Measurement only, for interleaved A/Bs of one pipeline choice each (docs/RATIONALE.md).
  'llvm-O2-cmov': () => llvmO2Without('llvm-O2-cmov', 'with running maxima and minima left as conditional moves', 'running-extremes'),
  'llvm-O2-unaligned': () =>
    llvmO2Without('llvm-O2-unaligned', "with loops and functions at x86's default 16-byte alignment instead of 64", 'code-alignment'),
  'llvm-O2-exact': () =>
    new NodeHarnessEngine({
      name: 'llvm-O2-exact',
      kind: 'llvm',
      description: "This project's engine at O2 with exact state after traps (explicit bounds checks)",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 2, exactTraps: true },
    }),
  // The code cache warmed by an untimed compile in the same process: compile is a cache hit
  // (decode, module-level validation, read, checksum, JIT link), what an application's later
  // runs pay. llvm-O2 itself runs with the cache off (cold).
  'llvm-O2-cached': () =>
    new NodeHarnessEngine({
      name: 'llvm-O2-cached',
      kind: 'llvm',
      description: "This project's engine at O2, compile served by its code cache (warmed untimed)",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 2, codeCache: 'warm' },
    }),
  // Measurement only: the whole module as one code unit (no cut, no parallel LLVM), to price
  // code units (engine/translate/code-units.ts) beside llvm-O2 in one run.
  'llvm-O2-one-unit': () =>
    new NodeHarnessEngine({
      name: 'llvm-O2-one-unit',
      kind: 'llvm',
      description: "This project's engine at O2, the module compiled as one code unit (measurement only)",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 2 },
      env: { WASM_LLVM_UNIT_BYTES: '4294967296' },
    }),
  // Lazy compilation (tiering: 'lazy'): compile() decodes, validates and compiles the
  // trampolines; each code unit is compiled on its first call, inside the execute phase —
  // by the engine's own baseline compiler (engine/baseline/), or by LLVM at O0.
  'llvm-lazy': () =>
    new NodeHarnessEngine({
      name: 'llvm-lazy',
      kind: 'llvm',
      description: "This project's engine, lazy: each code unit compiled by its own baseline compiler on its first call",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 0, tiering: 'lazy' },
    }),
  'llvm-lazy-O0': () =>
    new NodeHarnessEngine({
      name: 'llvm-lazy-O0',
      kind: 'llvm',
      description: "This project's engine, lazy: each code unit compiled at O0 by LLVM on its first call",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 0, tiering: 'lazy', baseline: 'llvm-O0' },
    }),
  'llvm-lazy-O2': () =>
    new NodeHarnessEngine({
      name: 'llvm-lazy-O2',
      kind: 'llvm',
      description: "This project's engine, lazy: each code unit compiled at O2 on its first call",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 2, tiering: 'lazy' },
    }),
  // Tiered execution (tiering: 'tiered'): the lazy baseline (the engine's own compiler) with
  // counters, hot functions compiled at O2 in the background and swapped in at calls, long
  // calls moved into O2 code at loop headers (on-stack replacement).
  'llvm-tiered': () =>
    new NodeHarnessEngine({
      name: 'llvm-tiered',
      kind: 'llvm',
      description: "This project's engine, tiered: lazy baseline (its own compiler), hot functions recompiled at O2 in the background, OSR at loop headers",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 2, tiering: 'tiered' },
    }),
  // Measurement only: llvm-tiered with finished background compiles installed at tier-up
  // calls alone (no background poll, runtime/lazy-calls.ts), to price the poll in one run.
  'llvm-tiered-no-poll': () =>
    new NodeHarnessEngine({
      name: 'llvm-tiered-no-poll',
      kind: 'llvm',
      description: "This project's engine, tiered, finished top-tier code installed at tier-up calls only (measurement only)",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 2, tiering: 'tiered' },
      env: { WASM_LLVM_DISABLE: 'background-poll' },
    }),
  // Tiered with the code cache warmed by an untimed run (and its tier-up compiles awaited):
  // units whose top tier is cached start there; what an application's later starts cost.
  'llvm-tiered-cached': () =>
    new NodeHarnessEngine({
      name: 'llvm-tiered-cached',
      kind: 'llvm',
      description: "This project's engine, tiered, with its code cache warmed by an untimed run",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 2, tiering: 'tiered', codeCache: 'warm' },
    }),
  // The same with the cache warmed by five untimed runs: its state once converged (a profile,
  // compiles cut off at exit, quick code and its upgrade each take a run of the workload's
  // own glue, which cannot wait for tier-up before it exits), beside the one-run warm-up above.
  'llvm-tiered-converged': () =>
    new NodeHarnessEngine({
      name: 'llvm-tiered-converged',
      kind: 'llvm',
      description: "This project's engine, tiered, with its code cache warmed by five untimed runs",
      nodeFlags: [],
      inProcessEngine: 'llvm',
      engineOptions: { optLevel: 2, tiering: 'tiered', codeCache: 'warm', warmingRuns: 5 },
    }),
  'llvm-O3': () => new NodeHarnessEngine({ name: 'llvm-O3', kind: 'llvm', description: "This project's engine: LLVM 19 at O3, host CPU", nodeFlags: [], inProcessEngine: 'llvm', engineOptions: { optLevel: 3 } }),
  'wasmtime-cranelift': () => new WasmtimeEngine('cranelift'),
  'wasmtime-winch': () => new WasmtimeEngine('winch'),
  native: () => new NativeEngine(),
};

/** The engines a bare `npm run bench` runs. */
export const DEFAULT_ENGINES = ['llvm-O2', 'v8-turbofan', 'v8-liftoff', 'wasmtime-cranelift', 'native'];

export function knownEngineNames(): string[] {
  return Object.keys(factories);
}

export function createEngine(name: string): EngineAdapter {
  const factory = factories[name];
  if (!factory) throw new Error(`unknown engine "${name}" (known: ${knownEngineNames().join(', ')})`);
  return factory();
}

/** Registers another engine configuration (used by the project's own engine and by tests). */
export function registerEngine(name: string, factory: () => EngineAdapter): void {
  factories[name] = factory;
}
