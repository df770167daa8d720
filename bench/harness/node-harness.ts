// Workbench harness (Node side of the measured process): reads a HarnessRequest on
// stdin, runs the program N times on one in-process engine — fresh compile, fresh
// instantiate, execute — and writes one HarnessResponse on stdout.
//
// Timings: compile = bytes → module; instantiate = module + imports → instance;
// execute = bench.start → bench.end, taken with process.hrtime inside the imports.
// The bytes are read once, outside any timing; a GC runs between iterations when
// --expose-gc is given, so one iteration's garbage is not collected during the next.

import { closeSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { loadInProcessEngine } from './in-process-engines.js';
import { STDOUT_LIMIT_BYTES, type HarnessIteration, type HarnessRequest, type HarnessResponse } from './protocol.js';

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

/** bench.start / bench.end: records the execution time, and whether the protocol was followed. */
class BenchTimer {
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

async function main(): Promise<void> {
  const request = JSON.parse(readStdin()) as HarnessRequest;
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

  for (let iteration = 0; prepared && iteration < request.iterations; iteration++) {
    gc?.();
    const stdoutPath = join(request.workDirectory, `stdout-${iteration}.txt`);
    const stdoutFd = openSync(stdoutPath, 'w');
    try {
      const compileStart = process.hrtime.bigint();
      const module = await engine.compile(bytes);
      const compileEnd = process.hrtime.bigint();

      const timer = new BenchTimer();
      const wasi = engine.createWasi({ args: [request.programName], env: {}, stdout: stdoutFd, stderr: 2 });
      const imports = { ...wasi.getImportObject(), bench: timer.imports };
      const instantiateStart = process.hrtime.bigint();
      const instance = await engine.instantiate(module, imports);
      const instantiateEnd = process.hrtime.bigint();

      const exitCode = wasi.start(instance) ?? 0;
      closeSync(stdoutFd);
      const result: HarnessIteration = {
        compileNs: Number(compileEnd - compileStart),
        instantiateNs: Number(instantiateEnd - instantiateStart),
        executeNs: timer.elapsedNs(),
        exitCode,
        stdout: readCapped(stdoutPath),
      };
      response.iterations.push(result);
    } catch (error) {
      try {
        closeSync(stdoutFd);
      } catch {
        // already closed
      }
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
