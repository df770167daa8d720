// Test support for engine/wasi: builds the C test programs in this directory with clang-19
// (wasi-libc) and runs a wasm program under node:wasi or under our WASI, both on V8's
// WebAssembly, capturing what a differential test compares: stdout, stderr, exit code or
// trap, and the files left in a preopened directory.

import { execFile } from 'node:child_process';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WASI as NodeWASI } from 'node:wasi';
import { WASI as OurWASI } from '../../../engine/wasi/index.js';

const execFileAsync = promisify(execFile);

export const TEST_PROGRAMS_DIRECTORY = dirname(fileURLToPath(import.meta.url));
export const CLANG = 'clang-19';
export const CLANG_FLAGS = ['--target=wasm32-wasi', '-O2', '-Wall', '-Werror=implicit-function-declaration'];

/** Compiles test/wasi/programs/<name>.c into `outputDirectory`, returning the .wasm path. */
export async function compileTestProgram(name: string, outputDirectory: string): Promise<string> {
  const output = join(outputDirectory, `${name}.wasm`);
  await execFileAsync(CLANG, [...CLANG_FLAGS, '-o', output, join(TEST_PROGRAMS_DIRECTORY, `${name}.c`)], {
    timeout: 120_000,
  });
  return output;
}

/** Compiles several programs, at most two clang processes at a time (the machine is shared). */
export async function compileTestPrograms(names: readonly string[], outputDirectory: string): Promise<Map<string, WebAssembly.Module>> {
  const modules = new Map<string, WebAssembly.Module>();
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const path = await compileTestProgram(name, outputDirectory);
      modules.set(name, new WebAssembly.Module(readFileSync(path)));
    }
  };
  await Promise.all([worker(), worker()]);
  return modules;
}

/** Converts a .wat file in this directory with wabt's wat2wasm. */
export async function assembleTestModule(name: string, outputDirectory: string): Promise<WebAssembly.Module> {
  const output = join(outputDirectory, `${name}.wasm`);
  await execFileAsync('wat2wasm', ['-o', output, join(TEST_PROGRAMS_DIRECTORY, `${name}.wat`)], { timeout: 60_000 });
  return new WebAssembly.Module(readFileSync(output));
}

export type WasiFlavour = 'node:wasi' | 'ours';
export const FLAVOURS: readonly WasiFlavour[] = ['node:wasi', 'ours'];

export interface RunOptions {
  args?: string[];
  env?: Record<string, string>;
  stdin?: string | Uint8Array;
  /** Host directory preopened as `/sandbox`. */
  sandbox?: string;
  /** Extra import modules (e.g. `bench`). */
  imports?: WebAssembly.Imports;
}

export interface ProgramRun {
  stdout: string;
  stderr: string;
  /** start()'s return value, or undefined when the program trapped. */
  exitCode: number | undefined;
  /** The RuntimeError's message when the program trapped. */
  trap: string | undefined;
  milliseconds: number;
}

/** Runs `module`'s `_start` under one WASI flavour with stdio on fresh temporary files. */
export function runProgram(flavour: WasiFlavour, module: WebAssembly.Module, options: RunOptions = {}): ProgramRun {
  const directory = mkdtempSync(join(tmpdir(), 'wasi-run-'));
  const stdinPath = join(directory, 'stdin');
  const stdoutPath = join(directory, 'stdout');
  const stderrPath = join(directory, 'stderr');
  writeFileSync(stdinPath, options.stdin ?? '');
  const stdin = openSync(stdinPath, 'r');
  const stdout = openSync(stdoutPath, 'w');
  const stderr = openSync(stderrPath, 'w');
  try {
    const preopens: Record<string, string> = options.sandbox === undefined ? {} : { '/sandbox': options.sandbox };
    const wasiOptions = {
      version: 'preview1' as const,
      args: options.args ?? ['program'],
      env: options.env ?? {},
      preopens,
      returnOnExit: true,
      stdin,
      stdout,
      stderr,
    };
    const wasi = flavour === 'node:wasi' ? new NodeWASI(wasiOptions) : new OurWASI(wasiOptions);
    const instance = new WebAssembly.Instance(module, {
      ...options.imports,
      ...(wasi.getImportObject() as unknown as WebAssembly.Imports),
    });
    let exitCode: number | undefined;
    let trap: string | undefined;
    const started = performance.now();
    try {
      exitCode = wasi.start(instance);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      trap = error.message;
    }
    const milliseconds = performance.now() - started;
    return {
      stdout: readFileSync(stdoutPath, 'utf8'),
      stderr: readFileSync(stderrPath, 'utf8'),
      exitCode,
      trap,
      milliseconds,
    };
  } finally {
    closeSync(stdin);
    closeSync(stdout);
    closeSync(stderr);
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * A fixture for file-system tests: `<root>/sandbox` (to preopen) holding input.txt,
 * inside.txt, sub/, a link to a file outside (absolute target) and a link to the parent
 * directory; `<root>/outside.txt` beside it.
 */
export function makeSandboxFixture(): { root: string; sandbox: string } {
  const root = mkdtempSync(join(tmpdir(), 'wasi-sandbox-'));
  const sandbox = join(root, 'sandbox');
  writeFileSync(join(root, 'outside.txt'), 'secret outside the sandbox\n');
  mkdirSync(join(sandbox, 'sub'), { recursive: true });
  writeFileSync(join(sandbox, 'input.txt'), 'fixture input line\n');
  writeFileSync(join(sandbox, 'inside.txt'), 'inside\n');
  symlinkSync(join(root, 'outside.txt'), join(sandbox, 'link-out'));
  symlinkSync('..', join(sandbox, 'dir-out'));
  return { root, sandbox };
}

/** A stable text listing of a directory tree: types, file contents, link targets. */
export function describeTree(root: string): string {
  const lines: string[] = [];
  const walk = (directory: string, prefix: string) => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) lines.push(`${prefix}${name} -> ${readlinkSync(path)}`);
      else if (stats.isDirectory()) {
        lines.push(`${prefix}${name}/`);
        walk(path, `${prefix}${name}/`);
      } else lines.push(`${prefix}${name}: ${JSON.stringify(readFileSync(path, 'latin1'))}`);
    }
  };
  walk(root, '');
  return lines.join('\n');
}
