// Workbench engines: native code, the physical limit. Each benchmark's C source is
// compiled once per machine with clang-19 -O3 for the host CPU (suites/toolchain.ts) into
// build/native/, cached by a hash of the sources, flags and compiler; each iteration is one
// execution of the executable, which reports bench_start → bench_end on stderr. Only the
// execute phase exists for native code.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from '../suites/catalog.js';
import { COMMON_HEADER, NATIVE_FLAGS, NATIVE_SUPPORT_SOURCE, clangVersion, compileNative, datasetMacro, sha256 } from '../suites/toolchain.js';
import { buildDirectory, repositoryRoot } from '../paths.js';
import { describeExit, runChildProcess } from './child-process.js';
import type { EngineAdapter, EngineProbe, MeasureOutcome, MeasureRequest, MeasuredIteration } from './engine.js';

const EXECUTE_MARKER = /^__bench_execute_ns=(\d+)$/m;

export function nativeExecutablePath(benchmark: Benchmark): string {
  return join(buildDirectory, 'native', benchmark.suite, `${benchmark.name}.${benchmark.dataset ?? 'default'}`);
}

async function nativeInputsHash(benchmark: Benchmark): Promise<string> {
  const parts = [
    readFileSync(join(repositoryRoot, benchmark.source)),
    readFileSync(join(repositoryRoot, COMMON_HEADER)),
    readFileSync(join(repositoryRoot, NATIVE_SUPPORT_SOURCE)),
    NATIVE_FLAGS.join(' '),
    benchmark.dataset ? datasetMacro(benchmark.dataset) : '',
    (await clangVersion()) ?? '',
  ];
  return sha256(parts.map((part) => sha256(part)).join('\n'));
}

/** Builds the native executable for a benchmark unless an up-to-date one exists. */
export async function ensureNativeExecutable(benchmark: Benchmark): Promise<string> {
  const executable = nativeExecutablePath(benchmark);
  const stamp = `${executable}.stamp`;
  const hash = await nativeInputsHash(benchmark);
  if (existsSync(executable) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return executable;
  mkdirSync(join(executable, '..'), { recursive: true });
  await compileNative(benchmark.source, benchmark.dataset, executable, repositoryRoot);
  writeFileSync(stamp, hash);
  return executable;
}

export class NativeEngine implements EngineAdapter {
  readonly name = 'native';
  readonly kind = 'native';
  readonly description = 'clang-19 -O3 -march=native -ffp-contract=off executable (execution only)';
  readonly flags = [...NATIVE_FLAGS];
  readonly phases = ['execute'] as const;
  /** -march=native vectorises for the host CPU: the reference of the scalar and the SIMD wasm alike. */
  readonly variantIndependent = true;

  async probe(): Promise<EngineProbe> {
    const version = await clangVersion();
    if (!version) return { available: false, version: null, reason: 'clang-19 not found (run node scripts/setup.mjs)' };
    return { available: true, version, reason: null };
  }

  async prepare(benchmarks: readonly Benchmark[], log: (line: string) => void): Promise<void> {
    for (const benchmark of benchmarks) {
      const executable = nativeExecutablePath(benchmark);
      if (!existsSync(executable)) log(`native: building ${benchmark.name}${benchmark.dataset ? ` (${benchmark.dataset})` : ''}`);
      await ensureNativeExecutable(benchmark);
    }
  }

  async measure(request: MeasureRequest): Promise<MeasureOutcome> {
    const started = process.hrtime.bigint();
    const wallSeconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const deadline = Date.now() + request.timeoutMs;
    const iterations: MeasuredIteration[] = [];
    let stderrTail = '';
    let executable: string;
    try {
      executable = await ensureNativeExecutable(request.benchmark);
    } catch (error) {
      return { iterations, failure: { kind: 'error', message: (error as Error).message, iteration: null }, stderrTail, wallSeconds: wallSeconds() };
    }
    for (let iteration = 0; iteration < request.iterations; iteration++) {
      const remaining = deadline - Date.now();
      const result = await runChildProcess(executable, {
        args: [],
        timeoutMs: Math.max(remaining, 1),
        cwd: request.workDirectory,
      });
      stderrTail = result.stderrTail;
      if (result.timedOut) {
        return { iterations, failure: { kind: 'timeout', message: `no result within ${request.timeoutMs / 1000} s`, iteration }, stderrTail, wallSeconds: wallSeconds() };
      }
      if (result.signal || result.spawnError) {
        return { iterations, failure: { kind: 'crash', message: `executable ${describeExit(result)}`, iteration }, stderrTail, wallSeconds: wallSeconds() };
      }
      const marker = EXECUTE_MARKER.exec(result.stderrTail);
      iterations.push({
        phases: marker ? { execute: Number(marker[1]) } : {},
        exitCode: result.exitCode ?? -1,
        stdout: result.stdout,
      });
    }
    return { iterations, failure: null, stderrTail, wallSeconds: wallSeconds() };
  }
}
