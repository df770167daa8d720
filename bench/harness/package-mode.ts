// Workbench harness, glue mode (the realworld suite's package benchmarks): runs an npm
// package's drop-in workload (test/dropin/workloads/) through the package's own JS glue, one
// fresh `node` process per iteration, so every iteration loads the package, compiles and
// instantiates its modules from nothing, as an application does at start-up.
//
// The child gets this measured process's Node/V8 flags (the V8 tier of a v8-* engine) and,
// for this project's engine, `--import .../engine/startup/register-entry.js` (the package's
// `wasm-llvm-jit/register`) with the engine options as the register hook's environment
// variables (WASM_LLVM_OPT_LEVEL, ...). The workload's
// support module times the namespace's calls (DROPIN_PHASES=1; see its header): compile,
// instantiate, and execute = the workload body less the compile and instantiate inside it.
// The iteration's output is the workload's digest as one line of JSON, compared by the
// runner with the digest recorded on Node (suites/realworld/expected-digests.json).
// llvm-O2-cached: an untimed first run fills a code cache private to this process, and every
// timed run reads it (the second start-up of an application).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distDirectory, repositoryRoot } from '../paths.js';
import { warmingRunsOf, type HarnessIteration, type HarnessRequest, type HarnessResponse } from './protocol.js';

/** The line the workload prints (test/dropin/workloads/support.ts, RESULT_PREFIX). */
const RESULT_PREFIX = 'DROPIN-RESULT ';

interface WorkloadLine {
  engine: string;
  digest: Record<string, unknown>;
  phases?: { compileNs: number; instantiateNs: number; executeNs: number };
}

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > 8_000_000) stdout = stdout.slice(-2_000_000);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.on('error', (error) => resolve({ code: null, signal: null, stdout, stderr: `${stderr}\ncould not start node: ${error.message}` }));
  });
}

/** The register hook's environment for this project's engine options. */
function engineEnvironment(options: Record<string, unknown>, cacheDirectory: string | undefined): Record<string, string> {
  const env: Record<string, string> = { WASM_LLVM_OPT_LEVEL: String(options.optLevel ?? 2) };
  if (options.exactTraps === true) env.WASM_LLVM_EXACT_TRAPS = '1';
  if (options.tiering === 'lazy' || options.tiering === 'tiered') env.WASM_LLVM_TIERING = options.tiering;
  if (options.baseline === 'llvm-O0') env.WASM_LLVM_BASELINE = 'llvm-O0';
  env.WASM_LLVM_CODE_CACHE = cacheDirectory ?? '0';
  return env;
}

/** Reads the child's result line; an error (with the child's last stderr line) when there is none or it ran elsewhere. */
function readResult(run: ChildRun, expectedEngine: string): WorkloadLine {
  const lastError = run.stderr.trimEnd().split('\n').slice(-3).join(' ').slice(0, 400);
  if (run.signal !== null) throw new Error(`workload killed by ${run.signal}${lastError ? `: ${lastError}` : ''}`);
  if (run.code !== 0) throw new Error(`workload exited with status ${run.code}${lastError ? `: ${lastError}` : ''}`);
  const line = run.stdout.split('\n').reverse().find((text) => text.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error('workload printed no result line');
  const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkloadLine;
  if (result.engine !== expectedEngine) throw new Error(`workload ran on ${result.engine}, not ${expectedEngine}`);
  if (result.phases === undefined) throw new Error('workload reported no phase times');
  return result;
}

export async function runPackageIterations(request: HarnessRequest): Promise<HarnessResponse> {
  const ours = request.engine === 'llvm';
  const options = request.engineOptions ?? {};
  const response: HarnessResponse = { engineVersion: ours ? null : process.versions.v8, iterations: [], failure: null };
  if (request.workloadPath === undefined) {
    response.failure = { kind: 'error', message: 'glue mode needs the workload path', iteration: 0 };
    return response;
  }
  const cacheDirectory = ours && options.codeCache === 'warm' ? mkdtempSync(join(tmpdir(), 'wasm-llvm-bench-cache-')) : undefined;
  const registerUrl = pathToFileURL(join(distDirectory, 'engine', 'startup', 'register-entry.js')).href;
  const args = [...process.execArgv, ...(ours ? ['--import', registerUrl] : []), request.workloadPath];
  const env: NodeJS.ProcessEnv = { ...process.env, DROPIN_SCALE: '1', DROPIN_PHASES: '1', ...(ours ? engineEnvironment(options, cacheDirectory) : {}) };
  delete env.NODE_OPTIONS;
  const expectedEngine = ours ? 'wasm-llvm-jit' : 'node';
  try {
    if (cacheDirectory !== undefined) {
      try {
        for (let run = 0; run < warmingRunsOf(options); run++) readResult(await runChild(args, env), expectedEngine);
      } catch (error) {
        response.failure = { kind: 'error', message: `warming the code cache: ${(error as Error).message}`, iteration: 0 };
        return response;
      }
    }
    for (let iteration = 0; iteration < request.iterations; iteration++) {
      let result: WorkloadLine;
      try {
        result = readResult(await runChild(args, env), expectedEngine);
      } catch (error) {
        const message = (error as Error).message;
        response.failure = { kind: /RuntimeError/.test(message) ? 'trap' : 'error', message, iteration };
        break;
      }
      const phases = result.phases!;
      const measured: HarnessIteration = {
        compileNs: phases.compileNs,
        instantiateNs: phases.instantiateNs,
        executeNs: phases.executeNs,
        totalNs: phases.compileNs + phases.instantiateNs + phases.executeNs,
        exitCode: 0,
        stdout: `${JSON.stringify(result.digest)}\n`,
      };
      response.iterations.push(measured);
    }
  } finally {
    if (cacheDirectory !== undefined) rmSync(cacheDirectory, { recursive: true, force: true });
  }
  if (ours) {
    const { llvmVersion } = await import('../../engine/native/addon.js');
    response.engineVersion = `LLVM ${llvmVersion()} O${String(options.optLevel ?? 2)} (through the register hook)`;
  }
  return response;
}
