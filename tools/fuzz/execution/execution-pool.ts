// Stage: differential execution fuzzing. A pool of child processes (worker.ts, compiled to
// dist/) that run modules on the engines under test. A child that sends nothing for
// `stepTimeoutMs` is killed: the engine whose transcript is missing is charged with a
// timeout (or, if the child died by itself, a crash), and a fresh child runs the module's
// remaining engines. Children are replaced every `recycleAfter` modules, so whatever a long
// run leaks (code, memories, V8 heap) stays bounded.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../../../test/spec/testsuite-location.js';
import { V8_FLAGS } from '../v8-oracle.js';
import type { EngineName, RunRequest, WorkerMessage } from './worker.js';

export type ModuleSource = Omit<RunRequest, 'kind' | 'id' | 'engines'>;

export interface ModuleJob {
  id: number;
  source: ModuleSource;
  engines: EngineName[];
}

export interface ModuleOutcome {
  job: ModuleJob;
  /** Size of the module and its exported functions; undefined if it could not be made. */
  bytes?: number;
  exports?: number;
  moduleError?: string;
  transcripts: Partial<Record<EngineName, string[]>>;
  milliseconds: Partial<Record<EngineName, number>>;
  /** Engines killed after `stepTimeoutMs` without an answer. */
  timedOut: EngineName[];
  /** Engines during which the child process died (signal or exit code). */
  crashed: { engine: EngineName; how: string }[];
}

export interface PoolOptions {
  parallel: number;
  stepTimeoutMs: number;
  recycleAfter?: number;
}

export function workerScriptPath(): string {
  return join(repositoryRoot(), 'dist', 'tools', 'fuzz', 'execution', 'worker.js');
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  modulesRun: number;
}

function startChild(): Slot {
  const script = workerScriptPath();
  if (!existsSync(script)) throw new Error(`${script} is missing: build first (npx tsc -b)`);
  const child = fork(script, [], { execArgv: [...V8_FLAGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (message: WorkerMessage): void => {
      if (message.kind !== 'ready') return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null, signal: string | null): void => reject(new Error(`worker exited before it was ready (${signal ?? code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  ready.catch(() => undefined); // awaited by the job that uses the child; a recycled spare may die unused
  return { child, ready, modulesRun: 0 };
}

function stopChild(slot: Slot, force: boolean): void {
  if (slot.child.exitCode !== null || slot.child.signalCode !== null) return;
  if (force) slot.child.kill('SIGKILL');
  else slot.child.disconnect();
}

/** Runs `job` to the end on `slot`, replacing the child whenever it hangs or dies; returns the slot to go on with. */
async function runJob(initial: Slot, job: ModuleJob, options: PoolOptions, outcome: ModuleOutcome): Promise<Slot> {
  let slot = initial;
  let remaining = [...job.engines];
  while (remaining.length > 0) {
    await slot.ready;
    const engines = remaining;
    const ended = await new Promise<{ kind: 'done' } | { kind: 'timeout' } | { kind: 'exit'; how: string }>((resolve) => {
      let timer: NodeJS.Timeout;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ kind: 'timeout' }), options.stepTimeoutMs);
      };
      const onMessage = (message: WorkerMessage): void => {
        if (!('id' in message) || message.id !== job.id) return;
        arm();
        switch (message.kind) {
          case 'module':
            outcome.bytes = message.bytes;
            outcome.exports = message.exports;
            break;
          case 'module-failed':
            outcome.moduleError = message.error;
            break;
          case 'transcript':
            outcome.transcripts[message.engine] = message.lines;
            outcome.milliseconds[message.engine] = message.milliseconds;
            remaining = remaining.filter((engine) => engine !== message.engine);
            break;
          case 'done':
            finish({ kind: 'done' });
            break;
        }
      };
      const onExit = (code: number | null, signal: string | null): void => finish({ kind: 'exit', how: signal ?? `exit code ${code}` });
      const finish = (result: { kind: 'done' } | { kind: 'timeout' } | { kind: 'exit'; how: string }): void => {
        clearTimeout(timer);
        slot.child.off('message', onMessage);
        slot.child.off('exit', onExit);
        resolve(result);
      };
      slot.child.on('message', onMessage);
      slot.child.once('exit', onExit);
      arm();
      const request: RunRequest = { kind: 'run', id: job.id, engines, ...job.source };
      slot.child.send(request);
    });
    if (ended.kind === 'done') {
      if (outcome.moduleError !== undefined) remaining = [];
      break;
    }
    const culprit = remaining[0];
    if (ended.kind === 'timeout') outcome.timedOut.push(culprit);
    else outcome.crashed.push({ engine: culprit, how: ended.how });
    stopChild(slot, true);
    slot = startChild();
    remaining = remaining.slice(1);
  }
  slot.modulesRun++;
  if (options.recycleAfter !== undefined && slot.modulesRun >= options.recycleAfter) {
    stopChild(slot, false);
    slot = startChild();
  }
  return slot;
}

/** Runs every job, at most `parallel` at a time, calling `onOutcome` as each finishes (in completion order). */
export async function runModules(jobs: Iterable<ModuleJob>, options: PoolOptions, onOutcome: (outcome: ModuleOutcome) => void): Promise<void> {
  const iterator = jobs[Symbol.iterator]();
  const lane = async (): Promise<void> => {
    let next = iterator.next();
    if (next.done) return;
    let slot = startChild();
    try {
      for (; !next.done; next = iterator.next()) {
        const outcome: ModuleOutcome = { job: next.value, transcripts: {}, milliseconds: {}, timedOut: [], crashed: [] };
        slot = await runJob(slot, next.value, options, outcome);
        onOutcome(outcome);
      }
    } finally {
      stopChild(slot, false);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel) }, lane));
}
