// Suites: the compilers and the fixed flag sets that turn a benchmark's C source into
// wasm32-wasi (committed, so results stay comparable) and into a native executable
// (built per machine, the physical limit). The flags are recorded in each suite's
// manifest; changing them changes every binary and therefore every result.
//
// The wasm has two build variants (results/schema.ts, VARIANTS): `scalar`, WASM_FLAGS as
// they have always been, and `simd`, the same flags plus -msimd128, with which clang's
// loop and SLP vectorisers emit wasm SIMD — the like-for-like counterpart of the native
// build, which vectorises for the host CPU (AVX2 and up).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Dataset, Variant } from '../results/schema.js';

const execFileAsync = promisify(execFile);

export const CLANG = 'clang-19';
export const COMMON_INCLUDE = 'suites/common';
export const NATIVE_SUPPORT_SOURCE = 'suites/common/bench_native.c';
export const COMMON_HEADER = 'suites/common/bench.h';

/** wasm32-wasi, scalar variant: the same for every program; only the dataset macro varies. */
export const WASM_FLAGS: readonly string[] = [
  '--target=wasm32-wasi',
  '-O3',
  '-std=c11',
  '-mcpu=generic', // no SIMD in the scalar variant; the simd variant adds SIMD_FLAGS
  '-Wall',
  '-Werror=implicit-function-declaration',
];

/** What the simd variant adds to WASM_FLAGS: the simd128 target feature (no relaxed SIMD, no fast-math). */
export const SIMD_FLAGS: readonly string[] = ['-msimd128'];

/** The wasm flags of a build variant. */
export function wasmFlags(variant: Variant = 'scalar'): readonly string[] {
  return variant === 'simd' ? [...WASM_FLAGS, ...SIMD_FLAGS] : WASM_FLAGS;
}

/** Native: clang -O3 for the host CPU with strict IEEE semantics, as wasm has. */
export const NATIVE_FLAGS: readonly string[] = ['-O3', '-march=native', '-ffp-contract=off', '-std=c11', '-Wall'];

export function datasetMacro(dataset: Dataset): string {
  return `-D${dataset.toUpperCase()}_DATASET`;
}

/** Compiles one program for one dataset to wasm32-wasi in a build variant; paths relative to `cwd`. */
export async function compileWasm(source: string, dataset: Dataset | null, output: string, cwd: string, variant: Variant = 'scalar'): Promise<void> {
  const args = [...wasmFlags(variant), ...(dataset ? [datasetMacro(dataset)] : []), `-I${COMMON_INCLUDE}`, '-o', output, source];
  await runCompiler(args, cwd);
}

/** Compiles one program for one dataset to a native executable; paths relative to `cwd`. */
export async function compileNative(source: string, dataset: Dataset | null, output: string, cwd: string): Promise<void> {
  const args = [
    ...NATIVE_FLAGS,
    ...(dataset ? [datasetMacro(dataset)] : []),
    `-I${COMMON_INCLUDE}`,
    '-o',
    output,
    source,
    NATIVE_SUPPORT_SOURCE,
    '-lm',
  ];
  await runCompiler(args, cwd);
}

async function runCompiler(args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync(CLANG, args, { cwd, timeout: 120_000, maxBuffer: 16 << 20 });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${CLANG} ${args.join(' ')} failed:\n${failure.stderr || failure.message}`);
  }
}

let clangVersionCache: string | null | undefined;
/** First line of `clang-19 --version`, or null when clang is missing. */
export async function clangVersion(): Promise<string | null> {
  if (clangVersionCache !== undefined) return clangVersionCache;
  try {
    const { stdout } = await execFileAsync(CLANG, ['--version'], { timeout: 30_000 });
    clangVersionCache = stdout.split('\n')[0].trim();
  } catch {
    clangVersionCache = null;
  }
  return clangVersionCache;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256File(path: string): string {
  return sha256(readFileSync(path));
}

/**
 * What a suite's .wasm binaries are built from: the program's source, the common header,
 * the flags of the variant and the compiler. Recorded in the manifest; a mismatch means
 * "rebuild". (The scalar variant's hash is what it was before variants existed.)
 */
export function wasmInputsHash(source: string, clang: string, root: string, variant: Variant = 'scalar'): string {
  return sha256([sha256File(join(root, source)), sha256File(join(root, COMMON_HEADER)), wasmFlags(variant).join(' '), clang].join('\n'));
}
