// Workbench engines: the parent side of the harness protocol (harness/protocol.ts),
// shared by every engine whose measured process is a harness (Node or Python).
// Converts the harness's answer, or its death, into a MeasureOutcome.

import type { HarnessRequest, HarnessResponse } from '../harness/protocol.js';
import { describeExit, runChildProcess } from './child-process.js';
import type { MeasureOutcome, MeasureRequest } from './engine.js';

/** Bytes that an engine's own environment variables and the padding take together in every measured process. */
export const ENGINE_ENVIRONMENT_BYTES = 1024;
/** The variable that pads an engine's environment to ENGINE_ENVIRONMENT_BYTES. */
export const ENVIRONMENT_PADDING_VARIABLE = 'WASM_BENCH_ENVIRONMENT_PADDING';

/**
 * The environment of a measured process: the workbench's own, the engine's variables, and a
 * padding variable so that the engine's part has the same size for every engine. The
 * environment sits at the top of the process's stack, so its size moves every stack address
 * (and the alignment of stack slots against heap data); two engines that differ only by a
 * `WASM_LLVM_DISABLE=...` would otherwise also differ in that layout (a known source of
 * measurement bias: Mytkowicz et al., "Producing wrong data without doing anything obviously
 * wrong", ASPLOS 2009). A precaution: on this VM the bias that prompted it turned out to be
 * code placement, not the environment (docs/RATIONALE.md, "Why is a running maximum a branch?").
 */
export function harnessEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  engine: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && key !== ENVIRONMENT_PADDING_VARIABLE) environment[key] = value;
  }
  let engineBytes = 0;
  for (const [key, value] of Object.entries(engine)) {
    // A variable the engine overrides no longer counts in the base part.
    if (environment[key] !== undefined) engineBytes -= Buffer.byteLength(`${key}=${environment[key]}`) + 1;
    environment[key] = value;
    engineBytes += Buffer.byteLength(`${key}=${value}`) + 1;
  }
  const paddingOverhead = ENVIRONMENT_PADDING_VARIABLE.length + 2; // '=' and the terminating NUL
  const padding = ENGINE_ENVIRONMENT_BYTES - engineBytes - paddingOverhead;
  if (padding < 0) throw new Error(`an engine's environment takes ${engineBytes} bytes, more than the ${ENGINE_ENVIRONMENT_BYTES} reserved for it`);
  environment[ENVIRONMENT_PADDING_VARIABLE] = '.'.repeat(padding);
  return environment;
}

export async function measureWithHarness(
  command: string,
  args: readonly string[],
  request: MeasureRequest,
  harnessFields: Pick<HarnessRequest, 'engine' | 'engineOptions'>,
  env?: Readonly<Record<string, string>>,
): Promise<MeasureOutcome> {
  const harnessRequest: HarnessRequest = {
    wasmPath: request.benchmark.wasmPath,
    programName: request.benchmark.name,
    iterations: request.iterations,
    workDirectory: request.workDirectory,
    mode: request.benchmark.mode ?? 'program',
    ...(request.benchmark.workloadPath === undefined ? {} : { workloadPath: request.benchmark.workloadPath }),
    ...harnessFields,
  };
  const result = await runChildProcess(command, {
    args,
    input: JSON.stringify(harnessRequest),
    timeoutMs: request.timeoutMs,
    cwd: request.workDirectory,
    env: harnessEnvironment(process.env, env),
  });
  const base = { stderrTail: result.stderrTail, wallSeconds: result.wallSeconds };
  if (result.timedOut) {
    return { ...base, iterations: [], failure: { kind: 'timeout', message: `no answer within ${request.timeoutMs / 1000} s`, iteration: null } };
  }
  let response: HarnessResponse | null = null;
  if (result.exitCode === 0) {
    try {
      response = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as HarnessResponse;
    } catch {
      response = null;
    }
  }
  if (!response) {
    return { ...base, iterations: [], failure: { kind: 'crash', message: `harness ${describeExit(result)} without a result`, iteration: null } };
  }
  return {
    ...base,
    iterations: response.iterations.map((iteration) => ({
      phases: {
        compile: iteration.compileNs,
        instantiate: iteration.instantiateNs,
        ...(iteration.executeNs === null ? {} : { execute: iteration.executeNs }),
        ...(iteration.totalNs === undefined ? {} : { total: iteration.totalNs }),
      },
      exitCode: iteration.exitCode,
      stdout: iteration.stdout,
      ...(iteration.tiering === undefined ? {} : { tiering: iteration.tiering }),
    })),
    failure: response.failure,
  };
}
