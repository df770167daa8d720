// Workbench engines: the parent side of the harness protocol (harness/protocol.ts),
// shared by every engine whose measured process is a harness (Node or Python).
// Converts the harness's answer, or its death, into a MeasureOutcome.

import type { HarnessRequest, HarnessResponse } from '../harness/protocol.js';
import { describeExit, runChildProcess } from './child-process.js';
import type { MeasureOutcome, MeasureRequest } from './engine.js';

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
    ...(env !== undefined ? { env: { ...process.env, ...env } } : {}),
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
