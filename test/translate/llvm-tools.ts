// Stage: translation tests. The LLVM 19 and wabt/binaryen command-line tools the
// translator's tests run (Debian packages llvm-19, clang-19, wabt, binaryen): where they
// are, whether they are installed, and small synchronous and asynchronous runners. Paths
// can be overridden with environment variables (OPT, LLI, CLANG, WAT2WASM, WAST2JSON,
// WASM_OPT).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TOOLS = {
  opt: process.env.OPT ?? '/usr/bin/opt-19',
  lli: process.env.LLI ?? '/usr/bin/lli-19',
  clang: process.env.CLANG ?? '/usr/bin/clang-19',
  wat2wasm: process.env.WAT2WASM ?? '/usr/bin/wat2wasm',
  wast2json: process.env.WAST2JSON ?? '/usr/bin/wast2json',
  wasmOpt: process.env.WASM_OPT ?? '/usr/bin/wasm-opt',
} as const;

export type ToolName = keyof typeof TOOLS;

/** Why the tests that need `names` cannot run, or undefined when every tool is installed. */
export function missingTools(...names: ToolName[]): string | undefined {
  const missing = names.filter((name) => !existsSync(TOOLS[name]));
  return missing.length === 0 ? undefined : `not installed: ${missing.map((name) => TOOLS[name]).join(', ')}`;
}

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTool(name: ToolName, args: readonly string[], input?: string): ToolResult {
  const result = spawnSync(TOOLS[name], args, { input, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runToolAsync(name: ToolName, args: readonly string[], input?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TOOLS[name], args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Runs `tasks` with at most `limit` in flight (the machine is shared: 2 by default). */
export async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A fresh directory under the OS temp dir; `dispose` removes it. */
export function temporaryDirectory(prefix = 'wasm-llvm-translate-'): { path: string; dispose: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

/** Assembles WebAssembly text with wat2wasm (`flags` e.g. --disable-simd). */
export function watToWasm(source: string, flags: readonly string[] = []): Uint8Array {
  const directory = temporaryDirectory();
  try {
    const input = join(directory.path, 'input.wat');
    const output = join(directory.path, 'output.wasm');
    writeFileSync(input, source);
    const result = runTool('wat2wasm', [...flags, input, '-o', output]);
    if (result.status !== 0) throw new Error(`wat2wasm failed: ${result.stderr}`);
    return new Uint8Array(readFileSync(output));
  } finally {
    directory.dispose();
  }
}

/**
 * Checks IR with opt-19: the verifier, then (unless `verifyOnly`) the O2 pipeline. Returns
 * undefined when LLVM accepts it, otherwise opt's complaint.
 */
export async function checkIrWithOpt(ir: string, verifyOnly = false): Promise<string | undefined> {
  const verify = await runToolAsync('opt', ['-passes=verify', '-disable-output'], ir);
  if (verify.status !== 0) return `opt -passes=verify: ${verify.stderr}`;
  if (verifyOnly) return undefined;
  const optimise = await runToolAsync('opt', ['-O2', '-disable-output'], ir);
  if (optimise.status !== 0) return `opt -O2: ${optimise.stderr}`;
  return undefined;
}
