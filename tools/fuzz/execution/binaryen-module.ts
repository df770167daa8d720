// Stage: differential execution fuzzing. Random modules for the execution differential:
// Binaryen's `wasm-opt --translate-to-fuzz` (Debian binaryen 108) turns seeded random bytes
// into a valid module that imports binaryen's "fuzzing-support" logging functions, exports
// its functions, and bounds every loop and call with a global "hang limit" that the
// `hangLimitInitializer` export resets. Features: WebAssembly 2.0 without reference types
// (binaryen 108's reference types predate the standard ones and bring typed function
// references that neither V8 nor we accept), with SIMD unless the recipe says otherwise; no
// exception handling, tail calls, GC, threads or memory64. Everything a module depends on
// comes from its seed and the SIMD switch.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../mutator.js';
import { WASM_OPT, WASM2_SCALAR_FEATURE_FLAGS } from '../binaryen-tool.js';
import { denanV128 } from './v128-denan.js';
import { swapSimdOperators } from './simd-swaps.js';

/** WebAssembly 2.0 minus SIMD and reference types. */
export const EXECUTION_FEATURE_FLAGS = WASM2_SCALAR_FEATURE_FLAGS;
/** WebAssembly 2.0 minus reference types. */
export const EXECUTION_SIMD_FEATURE_FLAGS = [...WASM2_SCALAR_FEATURE_FLAGS, '--enable-simd'] as const;
/** Whether the execution fuzzer generates SIMD unless told otherwise (`--no-simd`). */
export const SIMD_BY_DEFAULT = true;

/** How a seed's module is made: the size of its random input and whether NaNs are removed. */
export interface ExecutionModuleRecipe {
  seed: number;
  inputBytes: number;
  /**
   * `--enable-simd`: binaryen also generates v128 values and SIMD operators. A seed gives the
   * same input bytes, NaN choice and arguments either way; the module differs.
   */
  simd: boolean;
  /**
   * With SIMD, half the modules also go through simd-swaps.ts (SIMD operators swapped
   * within their class), which brings in the 60 operators binaryen 108's generator never
   * emits; the other half are binaryen's modules as they are.
   */
  simdSwaps: boolean;
  /**
   * `--denan`: binaryen instruments every float-producing expression so a NaN becomes 0.
   * NaN payloads and signs of arithmetic results are nondeterministic in wasm (Core spec
   * §4.3.3), and a payload that reaches an integer (reinterpret, a store read back as an
   * integer, hashMemory) cannot be canonicalised afterwards; such modules are compared
   * exactly. The others keep NaNs and are compared with NaNs reduced to their class.
   * Binaryen 108's --denan leaves v128 values alone; v128-denan.ts adds that half.
   */
  denan: boolean;
  /** Seed of the exports' call arguments; 0 for zeros (binaryen's shells pass none). */
  argumentSeed: number;
}

/** Smallest and largest random input: binaryen's module size grows with its input. */
export const MIN_INPUT_BYTES = 1_000;
export const MAX_INPUT_BYTES = 24_000;
/** One module in this many keeps its NaNs. */
export const NAN_KEEPING_EVERY = 4;

export function recipeForSeed(seed: number, simd = SIMD_BY_DEFAULT): ExecutionModuleRecipe {
  const random = new SeededRandom(seed ^ 0x3c6ef372);
  random.next();
  const inputBytes = MIN_INPUT_BYTES + random.below(MAX_INPUT_BYTES - MIN_INPUT_BYTES);
  const denan = random.below(NAN_KEEPING_EVERY) !== 0;
  const argumentSeed = random.chance(0.5) ? 0 : random.next() | 1;
  // Drawn last, so the fields above are what they were before SIMD.
  const swaps = random.chance(0.5);
  return { seed, simd, simdSwaps: simd && swaps, inputBytes, denan, argumentSeed };
}

/** Seed of simd-swaps.ts for a module seed. */
function swapSeed(seed: number): number {
  return (seed ^ 0x5a3d9e1b) >>> 0 || 1;
}

/** The random input binaryen translates: `inputBytes` bytes from the seed. */
export function randomInput(recipe: ExecutionModuleRecipe): Uint8Array {
  const random = new SeededRandom(recipe.seed);
  const bytes = new Uint8Array(recipe.inputBytes);
  for (let i = 0; i < bytes.length; i += 4) {
    const word = random.next();
    bytes[i] = word;
    bytes[i + 1] = word >>> 8;
    bytes[i + 2] = word >>> 16;
    bytes[i + 3] = word >>> 24;
  }
  return bytes;
}

export function wasmOptAvailable(): boolean {
  return spawnSync(WASM_OPT, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The module for `recipe` (throws if wasm-opt fails). */
export function generateExecutionModule(recipe: ExecutionModuleRecipe): Uint8Array {
  const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-jit-exec-fuzz-'));
  try {
    const input = join(directory, 'input.bin');
    const output = join(directory, 'module.wasm');
    writeFileSync(input, randomInput(recipe));
    const args = [input, '--translate-to-fuzz', ...featureFlags(recipe.simd), ...(recipe.denan ? ['--denan'] : []), '-o', output];
    const result = spawnSync(WASM_OPT, args, { timeout: 60_000, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`wasm-opt failed for seed ${recipe.seed}: ${result.error?.message ?? result.stderr}`);
    }
    let bytes: Uint8Array = new Uint8Array(readFileSync(output));
    if (recipe.simdSwaps) bytes = swapSimdOperators(bytes, swapSeed(recipe.seed)).bytes;
    return recipe.denan && recipe.simd ? denanV128(bytes).bytes : bytes;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function featureFlags(simd: boolean): readonly string[] {
  return simd ? EXECUTION_SIMD_FEATURE_FLAGS : EXECUTION_FEATURE_FLAGS;
}

/**
 * `bytes` made NaN-free by binaryen's `--denan` and, with SIMD, v128-denan.ts (a NaN-keeping
 * module's twin, used to tell a NaN-payload difference from a bug; see
 * execution-differential.ts).
 */
export function denanModule(bytes: Uint8Array, simd: boolean): Uint8Array {
  const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-jit-exec-fuzz-'));
  try {
    const input = join(directory, 'module.wasm');
    const output = join(directory, 'denan.wasm');
    writeFileSync(input, bytes);
    const result = spawnSync(WASM_OPT, [input, ...featureFlags(simd), '--denan', '-o', output], { timeout: 60_000, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`wasm-opt --denan failed: ${result.error?.message ?? result.stderr}`);
    const denanned = new Uint8Array(readFileSync(output));
    return simd ? denanV128(denanned).bytes : denanned;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
