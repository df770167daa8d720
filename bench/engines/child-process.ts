// Workbench engines: running one measured process with a time limit. Output is captured
// (stdout in full up to a cap, stderr as a tail for diagnosis); on timeout the whole
// process group is killed, so harnesses that start threads or children leave nothing behind.

import { spawn } from 'node:child_process';

export interface ChildProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderrTail: string;
  /** Wall-clock seconds from spawn to exit. */
  wallSeconds: number;
  /** Set when the process could not be started at all. */
  spawnError: string | null;
}

export interface ChildProcessOptions {
  args: readonly string[];
  input?: string;
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const STDOUT_CAP_BYTES = 16 << 20;
const STDERR_TAIL_BYTES = 4096;

export function runChildProcess(command: string, options: ChildProcessOptions): Promise<ChildProcessResult> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout can kill everything it started
    });
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrTail = '';
    let timedOut = false;
    let spawnError: string | null = null;

    child.stdout.on('data', (chunk: Buffer) => {
      if (stdoutBytes < STDOUT_CAP_BYTES) stdoutChunks.push(chunk);
      stdoutBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    child.stdin.on('error', () => {
      // the child may exit before reading its input; the exit status tells the story
    });
    child.on('error', (error) => {
      spawnError = error.message;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);

    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: Buffer.concat(stdoutChunks).toString('utf8'),
        stderrTail,
        wallSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        spawnError,
      });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** One line describing how a process ended, for failure messages. */
export function describeExit(result: ChildProcessResult): string {
  if (result.spawnError) return `could not start: ${result.spawnError}`;
  if (result.timedOut) return 'killed after the time limit';
  if (result.signal) return `killed by signal ${result.signal}`;
  return `exited with status ${result.exitCode}`;
}
