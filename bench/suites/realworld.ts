// Suites: the `realworld` suite — wasm modules that npm packages ship (the drop-in tier's
// packages, pinned in package.json's devDependencies, so the bytes come through
// package-lock.json and nothing is committed). Two kinds of benchmark:
//
// - One per module, in "module" mode, on every engine: compile (bytes → module), then
//   instantiate against stub imports built from the module's import types (functions that
//   throw if called, fresh memories, tables and globals), no execution. The expected output
//   is the module's export list, read with the engine's decoder.
// - One per drop-in package (`glue:<id>`), in "package" mode, on the engines that are a
//   `WebAssembly` namespace in Node (V8's tiers, this engine): the package's drop-in
//   workload (test/dropin/workloads/) runs through the package's own JS glue, a fresh
//   process per iteration, and reports compile, instantiate and execute as the glue did them
//   (bench/harness/package-mode.ts). The expected output is the digest the workload prints
//   on Node's own engine, recorded in suites/realworld/expected-digests.json (which the
//   drop-in test keeps true).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModule } from '../../engine/binary/decode-module.js';
import { EXTERNAL_KIND_NAMES } from '../../engine/binary/module-info.js';
import { digestOutput, readExpectedDigests } from './realworld-digests.js';
import { DROPIN_PACKAGES } from './realworld-packages.js';
import { distDirectory, repositoryRoot } from '../paths.js';
import { sha256 } from './toolchain.js';
import type { Benchmark } from './catalog.js';

export const REALWORLD_SUITE = 'realworld';

export interface RealworldModule {
  /** Benchmark name. */
  readonly name: string;
  readonly npm: string;
  /** Path under node_modules/. */
  readonly file: string;
  readonly toolchain: string;
}

/** The modules, smallest first. */
export const REALWORLD_MODULES: readonly RealworldModule[] = [
  { name: 'lz4', npm: 'lz4-wasm-nodejs', file: 'lz4-wasm-nodejs/lz4_wasm_nodejs_bg.wasm', toolchain: 'Rust (wasm-bindgen)' },
  { name: 'tree-sitter', npm: 'web-tree-sitter', file: 'web-tree-sitter/web-tree-sitter.wasm', toolchain: 'Emscripten (C, MAIN_MODULE)' },
  { name: 'zstd', npm: '@bokuweb/zstd-wasm', file: '@bokuweb/zstd-wasm/dist/common/zstd.wasm', toolchain: 'Emscripten (C)' },
  { name: 'tree-sitter-javascript', npm: 'tree-sitter-javascript', file: 'tree-sitter-javascript/tree-sitter-javascript.wasm', toolchain: 'Emscripten (C, SIDE_MODULE)' },
  { name: 'tree-sitter-python', npm: 'tree-sitter-python', file: 'tree-sitter-python/tree-sitter-python.wasm', toolchain: 'Emscripten (C, SIDE_MODULE)' },
  { name: 'oniguruma', npm: 'vscode-oniguruma', file: 'vscode-oniguruma/release/onig.wasm', toolchain: 'Emscripten (C)' },
  { name: 'sqlite', npm: 'sql.js', file: 'sql.js/dist/sql-wasm.wasm', toolchain: 'Emscripten (C)' },
  { name: 'brotli', npm: 'brotli-wasm', file: 'brotli-wasm/pkg.node/brotli_wasm_bg.wasm', toolchain: 'Rust (wasm-bindgen)' },
  { name: 'resvg', npm: '@resvg/resvg-wasm', file: '@resvg/resvg-wasm/index_bg.wasm', toolchain: 'Rust (wasm-bindgen)' },
  { name: 'tiktoken', npm: 'tiktoken', file: 'tiktoken/tiktoken_bg.wasm', toolchain: 'Rust (wasm-bindgen)' },
  { name: 'esbuild', npm: 'esbuild-wasm', file: 'esbuild-wasm/esbuild.wasm', toolchain: 'Go (js/wasm)' },
  { name: 'lightningcss', npm: 'lightningcss-wasm', file: 'lightningcss-wasm/lightningcss_node.wasm', toolchain: 'Rust (napi-wasm)' },
  { name: 'swc', npm: '@swc/wasm', file: '@swc/wasm/wasm_bg.wasm', toolchain: 'Rust (wasm-bindgen)' },
  { name: 'biome', npm: '@biomejs/wasm-nodejs', file: '@biomejs/wasm-nodejs/biome_wasm_bg.wasm', toolchain: 'Rust (wasm-bindgen)' },
];

/**
 * The engines `--suite realworld` runs by default: every engine with a compile phase, and
 * V8 as Node ships it (lazy Liftoff, dynamic tier-up): the reference of the glue benchmarks.
 */
export const REALWORLD_DEFAULT_ENGINES = ['v8-default', 'v8-liftoff', 'v8-turbofan', 'wasmtime-cranelift', 'wasmtime-winch', 'llvm-O0', 'llvm-O2'];

/** Prefix of the package (glue-mode) benchmarks' names. */
export const GLUE_PREFIX = 'glue:';

/** The expected output of a module benchmark: its exports, one "kind name" line each, sorted. */
export function expectedModuleOutput(bytes: Uint8Array): string {
  const module = decodeModule(bytes);
  const lines = module.exports.map((entry) => `${EXTERNAL_KIND_NAMES[entry.kind]} ${entry.name}`).sort();
  return `exports ${lines.length}\n${lines.join('\n')}\n`;
}

/**
 * The package benchmarks whose name matches `pattern`: every drop-in package that is expected
 * to work, with its recorded digest; a missing workload or record is an error that says why.
 */
function packageBenchmarks(pattern: RegExp | null): Benchmark[] {
  const chosen = DROPIN_PACKAGES.filter((entry) => entry.expectedFailure === undefined && (!pattern || pattern.test(`${GLUE_PREFIX}${entry.id}`)));
  if (chosen.length === 0) return [];
  const recorded = readExpectedDigests().digests;
  return chosen.map((entry) => {
    const workloadPath = join(distDirectory, 'test', 'dropin', 'workloads', `${entry.id}.js`);
    if (!existsSync(workloadPath)) throw new Error(`realworld: ${workloadPath} is missing (npm run build)`);
    const digest = recorded[entry.id];
    if (digest === undefined) throw new Error(`realworld: no recorded digest for ${entry.id} (node dist/test/dropin/runner.js --record-digests)`);
    const first = entry.wasm[0];
    const firstPath = join(repositoryRoot, 'node_modules', first.file);
    if (!existsSync(firstPath)) throw new Error(`realworld: ${first.file} is missing (npm ci installs ${entry.npm})`);
    const expectedOutput = digestOutput(digest);
    return {
      name: `${GLUE_PREFIX}${entry.id}`,
      suite: REALWORLD_SUITE,
      dataset: null,
      source: `test/dropin/workloads/${entry.id}.ts`,
      wasmPath: firstPath,
      wasm: `node_modules/${first.file}`,
      wasmSha256: sha256(readFileSync(firstPath)),
      mode: 'package' as const,
      workloadPath,
      expectedOutput,
      expectedOutputSha256: sha256(expectedOutput),
    };
  });
}

/** The realworld benchmarks whose name matches `filter`: modules, then packages; a missing package is an error naming it. */
export function realworldBenchmarks(filter: string | null): Benchmark[] {
  const pattern = filter ? new RegExp(filter) : null;
  const benchmarks: Benchmark[] = [];
  for (const entry of REALWORLD_MODULES) {
    if (pattern && !pattern.test(entry.name)) continue;
    const wasmPath = join(repositoryRoot, 'node_modules', entry.file);
    if (!existsSync(wasmPath)) throw new Error(`realworld: ${entry.file} is missing (npm ci installs ${entry.npm})`);
    const bytes = new Uint8Array(readFileSync(wasmPath));
    const expectedOutput = expectedModuleOutput(bytes);
    benchmarks.push({
      name: entry.name,
      suite: REALWORLD_SUITE,
      dataset: null,
      source: `node_modules/${entry.npm}/package.json`,
      wasmPath,
      wasm: `node_modules/${entry.file}`,
      wasmSha256: sha256(bytes),
      wasmBytes: bytes.byteLength,
      mode: 'module',
      expectedOutput,
      expectedOutputSha256: sha256(expectedOutput),
    });
  }
  return [...benchmarks, ...packageBenchmarks(pattern)];
}
