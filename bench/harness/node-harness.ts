// Workbench harness (Node side of the measured process): reads a HarnessRequest on
// stdin, runs the program N times on one in-process engine — fresh compile, fresh
// instantiate, execute — and writes one HarnessResponse on stdout.
//
// Timings: compile = bytes → module; instantiate = module + imports → instance;
// execute = bench.start → bench.end, taken with process.hrtime inside the imports; total =
// compile + instantiate + the whole run of _start (harness set-up between them excluded).
// In module mode (the realworld suite) there is no program: compile, instantiate against
// stub imports made from the module's import types, and report the export list. In package
// mode (the realworld suite's glue benchmarks) package-mode.ts runs a package's workload.
// The bytes are read once, outside any timing; a GC runs between iterations when
// --expose-gc is given, so one iteration's garbage is not collected during the next.

import { closeSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModule } from '../../engine/binary/decode-module.js';
import { ExternalKind, type Import } from '../../engine/binary/module-info.js';
import { ValType } from '../../engine/wasm/value-types.js';
import { runPackageIterations } from './package-mode.js';
import { loadInProcessEngine, type ImportObject, type InProcessEngine } from './in-process-engines.js';
import { STDOUT_LIMIT_BYTES, warmingRunsOf, type HarnessIteration, type HarnessRequest, type HarnessResponse } from './protocol.js';

function readStdin(): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(65536);
  for (;;) {
    let count: number;
    try {
      count = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      throw error;
    }
    if (count === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, count)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readCapped(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = Math.min(fstatSync(fd).size, STDOUT_LIMIT_BYTES);
    const buffer = Buffer.alloc(size);
    readSync(fd, buffer, 0, size, 0);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * bench.start / bench.end: records the execution time, and whether the protocol was followed.
 * V8 compiles a JavaScript function at its first call, and every timer's closures share one
 * function each, so `warmUp()` calls a throwaway timer's once before any timed iteration:
 * otherwise the first iteration's execute phase includes V8 compiling `end` (5-20 µs here,
 * on the JavaScript engines only — Wasmtime's Python callbacks have no such step).
 */
class BenchTimer {
  static warmUp(): void {
    const throwaway = new BenchTimer();
    throwaway.imports.start();
    throwaway.imports.end();
    if (throwaway.elapsedNs() === null) throw new Error('internal error: the bench timer does not time');
  }

  private startedAt: bigint | null = null;
  private endedAt: bigint | null = null;
  private calls = 0;
  readonly imports = {
    start: () => {
      this.calls++;
      this.startedAt = process.hrtime.bigint();
    },
    end: () => {
      this.endedAt = process.hrtime.bigint();
      this.calls++;
    },
  };
  elapsedNs(): number | null {
    if (this.calls !== 2 || this.startedAt === null || this.endedAt === null) return null;
    return Number(this.endedAt - this.startedAt);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;

const JS_VALUE_TYPE: Record<number, string> = {
  [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64',
  [ValType.FuncRef]: 'anyfunc', [ValType.ExternRef]: 'externref',
};

/**
 * Module mode: an import object that satisfies `imports` with the engine's own objects —
 * functions that throw if called, fresh memories and tables of the declared minimum size,
 * globals holding zero (or null) — so that a module instantiates without its JS glue.
 */
function stubImports(engine: InProcessEngine, imports: readonly Import[]): ImportObject {
  const object: ImportObject = {};
  for (const entry of imports) {
    const where = `${entry.module}.${entry.name}`;
    let value: unknown;
    switch (entry.kind) {
      case ExternalKind.Function:
        value = () => {
          throw new Error(`stub import ${where} called`);
        };
        break;
      case ExternalKind.Memory:
        value = new engine.api.Memory({ initial: entry.memory.min, ...(entry.memory.max === undefined ? {} : { maximum: entry.memory.max }) });
        break;
      case ExternalKind.Table:
        value = new engine.api.Table({ element: JS_VALUE_TYPE[entry.table.elementType], initial: entry.table.limits.min, ...(entry.table.limits.max === undefined ? {} : { maximum: entry.table.limits.max }) });
        break;
      case ExternalKind.Global: {
        const type = entry.global.type;
        const zero = type === ValType.I64 ? 0n : type === ValType.FuncRef || type === ValType.ExternRef ? null : 0;
        value = new engine.api.Global({ value: JS_VALUE_TYPE[type], mutable: entry.global.mutable }, zero);
        break;
      }
    }
    (object[entry.module] ??= {})[entry.name] = value;
  }
  return object;
}

/** Module mode's output: "exports N", then "kind name" per export, sorted. */
function describeExports(engine: InProcessEngine, instance: unknown): string {
  const lines = Object.entries(engine.exportsOf(instance)).map(([name, value]) => {
    const kind = typeof value === 'function' ? 'function'
      : value instanceof engine.api.Memory ? 'memory'
        : value instanceof engine.api.Table ? 'table'
          : value instanceof engine.api.Global ? 'global' : 'unknown';
    return `${kind} ${name}`;
  }).sort();
  return `exports ${lines.length}\n${lines.join('\n')}\n`;
}

/** One module-mode iteration: compile, instantiate against stub imports, list the exports. */
function moduleIteration(engine: InProcessEngine, bytes: Uint8Array, imports: readonly Import[]): HarnessIteration {
  const compileStart = process.hrtime.bigint();
  const module = engine.compile(bytes);
  const compileEnd = process.hrtime.bigint();
  const importObject = stubImports(engine, imports);
  const instantiateStart = process.hrtime.bigint();
  const instance = engine.instantiate(module, importObject);
  const instantiateEnd = process.hrtime.bigint();
  return {
    compileNs: Number(compileEnd - compileStart),
    instantiateNs: Number(instantiateEnd - instantiateStart),
    executeNs: null,
    totalNs: Number(compileEnd - compileStart + (instantiateEnd - instantiateStart)),
    exitCode: 0,
    stdout: describeExports(engine, instance),
  };
}

/** One program-mode iteration: compile, instantiate with WASI and bench, run _start; the timings and output. */
function programIteration(engine: InProcessEngine, bytes: Uint8Array, request: HarnessRequest, label: string): { result: HarnessIteration; module: unknown } {
  const stdoutPath = join(request.workDirectory, `stdout-${label}.txt`);
  const stdoutFd = openSync(stdoutPath, 'w');
  try {
    const compileStart = process.hrtime.bigint();
    const module = engine.compile(bytes);
    const compileEnd = process.hrtime.bigint();

    const timer = new BenchTimer();
    const wasi = engine.createWasi({ args: [request.programName], env: {}, stdout: stdoutFd, stderr: 2 });
    const imports = { ...wasi.getImportObject(), bench: timer.imports };
    const instantiateStart = process.hrtime.bigint();
    const instance = engine.instantiate(module, imports);
    const instantiateEnd = process.hrtime.bigint();

    const runStart = process.hrtime.bigint();
    const exitCode = wasi.start(instance) ?? 0;
    const runEnd = process.hrtime.bigint();
    const tiering = engine.tieringCounters?.(module);
    const result: HarnessIteration = {
      compileNs: Number(compileEnd - compileStart),
      instantiateNs: Number(instantiateEnd - instantiateStart),
      executeNs: timer.elapsedNs(),
      totalNs: Number(compileEnd - compileStart + (instantiateEnd - instantiateStart) + (runEnd - runStart)),
      exitCode,
      stdout: '',
      ...(tiering === undefined ? {} : { tiering }),
    };
    closeSync(stdoutFd);
    result.stdout = readCapped(stdoutPath);
    return { result, module };
  } catch (error) {
    try {
      closeSync(stdoutFd);
    } catch {
      // already closed
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const request = JSON.parse(readStdin()) as HarnessRequest;
  if (request.mode === 'package') {
    const answer = await runPackageIterations(request);
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return;
  }

  const engine = await loadInProcessEngine(request.engine ?? 'v8', request.engineOptions ?? {});
  const bytes = new Uint8Array(readFileSync(request.wasmPath));
  const response: HarnessResponse = { engineVersion: engine.version(), iterations: [], failure: null };
  let prepared = true;
  try {
    await engine.prepare?.(bytes);
  } catch (error) {
    prepared = false;
    response.failure = { kind: 'error', message: `preparing the engine: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, iteration: 0 };
  }

  if (request.mode === 'module') {
    // The import types are read once, outside any timing, with the engine's decoder.
    const imports = decodeModule(bytes).imports;
    for (let iteration = 0; prepared && iteration < request.iterations; iteration++) {
      gc?.();
      try {
        response.iterations.push(moduleIteration(engine, bytes, imports));
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        response.failure = { kind: engine.isTrap(error) ? 'trap' : 'error', message, iteration };
        break;
      }
    }
    engine.dispose?.();
    process.stdout.write(`${JSON.stringify(response)}\n`);
    return;
  }

  // A lazily compiled engine with a warm code cache: the cache is warmed by running the
  // program untimed (its units are compiled at first calls, not by compile()), once or
  // `warmingRuns` times, each followed by its tier-up compiles (settle).
  if (prepared && engine.warmsByRunning === true) {
    try {
      for (let run = 0; run < warmingRunsOf(request.engineOptions ?? {}); run++) {
        const warm = programIteration(engine, bytes, request, `warm-${run}`);
        engine.settle?.(warm.module);
      }
    } catch (error) {
      prepared = false;
      response.failure = { kind: 'error', message: `warming the code cache: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, iteration: 0 };
    }
  }
  BenchTimer.warmUp();
  for (let iteration = 0; prepared && iteration < request.iterations; iteration++) {
    gc?.();
    try {
      response.iterations.push((programIteration(engine, bytes, request, String(iteration))).result);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      response.failure = { kind: engine.isTrap(error) ? 'trap' : 'error', message, iteration };
      break;
    }
  }
  engine.dispose?.();
  process.stdout.write(`${JSON.stringify(response)}\n`);
}

main().catch((error) => {
  process.stderr.write(`node-harness: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(70);
});
