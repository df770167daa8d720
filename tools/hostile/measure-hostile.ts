// Stage: denial-of-service measurement (issue 9, item 5). Compiles hostile modules
// (hostile-modules.ts) one per child process, with a time limit, and prints each compile
// stage's milliseconds and the child's peak resident memory (VmHWM), so that the stage and
// the function metric that grow super-linearly can be found. The thresholds of
// engine/runtime/function-metrics.ts were measured with it (docs/RATIONALE.md).
//
//   node dist/tools/hostile/measure-hostile.js --levels 0,2 --timeout 120 nestedIfs:5000,10000 straightLineBody:1000000
//   node dist/tools/hostile/measure-hostile.js --corpus            (HOSTILE_MODULES at the default options)
//
// A generator is named as exported by hostile-modules.ts, followed by the sizes (its first
// argument) to try. `--env K=V` adds an environment variable to the children.
// (WASM_LLVM_GUARD=none measures the pipelines without guards.)

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as generators from './hostile-modules.js';

export interface Measurement {
  readonly generator: string;
  readonly size: number;
  readonly optLevel: number;
  readonly bytes: number;
  readonly outcome: 'ok' | 'error' | 'timeout' | 'crash';
  readonly message?: string;
  /** The class of the error thrown, for outcome 'error'. */
  readonly errorClass?: string;
  readonly wallMs: number;
  readonly timings?: Record<string, number>;
  readonly peakRssMiB?: number;
}

/** Peak resident set size of this process in MiB (Linux /proc/self/status VmHWM). */
export function peakRssMiB(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

type Generator = (size: number) => Uint8Array;

/** This script as compiled JavaScript (dist/tools/hostile/), also when imported from its TypeScript source. */
export function compiledScriptPath(): string {
  const path = fileURLToPath(import.meta.url);
  if (!path.endsWith('.ts')) return path;
  const root = dirname(dirname(dirname(path)));
  return join(root, 'dist', 'tools', 'hostile', 'measure-hostile.js');
}

function generatorNamed(name: string): Generator {
  const generator = (generators as unknown as Record<string, unknown>)[name];
  if (typeof generator !== 'function') throw new Error(`no generator ${name} in hostile-modules.ts`);
  return generator as Generator;
}

/**
 * Child: compile one module (`optLevel` undefined: the default options), print one JSON
 * line; `errorClass` tells a CompileError from anything else.
 */
async function child(bytes: Uint8Array, optLevel: number | undefined): Promise<void> {
  const { Module, compile } = await import('../../engine/index.js');
  const start = performance.now();
  const options = optLevel === undefined ? undefined : { optLevel: optLevel as 0 };
  try {
    const module = process.env.HOSTILE_SYNC === '1' ? new Module(bytes, options) : await compile(bytes, options);
    const timings = Module.timings(module) as unknown as Record<string, number>;
    console.log(JSON.stringify({ outcome: 'ok', bytes: bytes.length, wallMs: performance.now() - start, timings, peakRssMiB: peakRssMiB() }));
  } catch (error) {
    const errorClass = (error as Error)?.constructor?.name;
    const message = (error as Error)?.message ?? String(error);
    console.log(JSON.stringify({ outcome: 'error', errorClass, message, bytes: bytes.length, wallMs: performance.now() - start, peakRssMiB: peakRssMiB() }));
  }
}

/** Compiles corpus module `name` (HOSTILE_MODULES) in a child process at the default options. */
export function measureCorpusModule(name: string, timeoutMs: number): Promise<Measurement> {
  return run(['--corpus-child', name], { generator: name, size: 0, optLevel: 2 }, timeoutMs, {});
}

function measure(generator: string, size: number, optLevel: number, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<Measurement> {
  return run(['--child', generator, String(size), String(optLevel)], { generator, size, optLevel }, timeoutMs, env);
}

function run(
  childArguments: string[],
  what: Pick<Measurement, 'generator' | 'size' | 'optLevel'>,
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
): Promise<Measurement> {
  return new Promise((resolve) => {
    const start = performance.now();
    const script = compiledScriptPath();
    const child = spawn(process.execPath, ['--max-old-space-size=8192', script, ...childArguments], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - start;
      const base = { ...what, bytes: 0, wallMs };
      if (timedOut) return resolve({ ...base, outcome: 'timeout' });
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as Omit<Measurement, 'generator' | 'size' | 'optLevel'>;
        resolve({ ...base, ...parsed });
      } catch {
        resolve({ ...base, outcome: 'crash', message: `exit ${code ?? signal}: ${stderr.slice(-400)}` });
      }
    });
  });
}

export function format(m: Measurement): string {
  const t = m.timings;
  const stages = t
    ? ['decodeValidateMs', 'irEmitMs', 'irParseMs', 'guardedMs', 'optimizeMs', 'codegenMs', 'linkMs', 'totalMs'].map((k) => `${k.replace('Ms', '')}=${Math.round(t[k])}`).join(' ')
    : '';
  const memory = m.peakRssMiB !== undefined ? ` rss=${Math.round(m.peakRssMiB)}MiB` : '';
  const message = m.message ? ` ${m.message.slice(0, 200)}` : '';
  return `${m.generator}(${m.size}) O${m.optLevel} ${m.bytes}B ${m.outcome} wall=${Math.round(m.wallMs)}ms ${stages}${memory}${message}`;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') return child(generatorNamed(argv[1])(Number(argv[2])), Number(argv[3]));
  if (argv[0] === '--corpus-child') {
    const entry = generators.HOSTILE_MODULES.find((module) => module.name === argv[1]);
    if (entry === undefined) throw new Error(`no corpus module ${argv[1]}`);
    return child(entry.make(), undefined);
  }
  if (argv[0] === '--corpus') {
    for (const entry of generators.HOSTILE_MODULES) console.log(format(await measureCorpusModule(entry.name, 300_000)));
    return;
  }
  let levels = [0, 2];
  let timeoutMs = 120_000;
  const env: NodeJS.ProcessEnv = {};
  const jobs: [string, number][] = [];
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--levels') levels = argv[++i].split(',').map(Number);
    else if (argument === '--timeout') timeoutMs = Number(argv[++i]) * 1000;
    else if (argument === '--env') {
      const [key, ...value] = argv[++i].split('=');
      env[key] = value.join('=');
    } else {
      const [name, sizes] = argument.split(':');
      generatorNamed(name);
      for (const size of sizes.split(',')) jobs.push([name, Number(size)]);
    }
  }
  for (const [name, size] of jobs) {
    for (const level of levels) console.log(format(await measure(name, size, level, timeoutMs, env)));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
