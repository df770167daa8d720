// Stage: translation tests. Where the WebAssembly spec test suite is ($WASM_SPEC_TESTSUITE,
// else ../shared/wasm-testsuite beside the repository), its top-level .wast files, and their
// wast2json conversion (cached under the OS temp dir, keyed by file name and size).

import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool } from './llvm-tools.js';

export interface WastValue {
  readonly type: string;
  readonly value?: string;
}

export interface WastCommand {
  readonly type: string;
  readonly line: number;
  readonly filename?: string;
  readonly name?: string;
  readonly text?: string;
  readonly module_type?: string;
  readonly action?: { type: string; module?: string; field: string; args: WastValue[] };
  readonly expected?: WastValue[];
}

/** The spec test suite's directory, or undefined when it is not there. */
export function testsuiteDirectory(): string | undefined {
  if (process.env.WASM_SPEC_TESTSUITE) return resolve(process.env.WASM_SPEC_TESTSUITE);
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, '..', 'shared', 'wasm-testsuite');
    if (existsSync(join(directory, 'package.json')) && existsSync(candidate)) return resolve(candidate);
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** Top-level .wast files (WebAssembly 2.0), SIMD ones excluded unless asked for; sorted. */
export function listWastFiles(options: { simd?: boolean; only?: readonly string[] } = {}): string[] {
  const directory = testsuiteDirectory();
  if (directory === undefined) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.wast'))
    .filter((name) => options.simd === true || !name.startsWith('simd_'))
    .filter((name) => options.only === undefined || options.only.includes(name.replace(/\.wast$/, '')))
    .sort()
    .map((name) => join(directory, name));
}

/** wast2json's commands for `wastPath` and the directory holding the .wasm files they name. */
export function convertWast(wastPath: string): { directory: string; commands: WastCommand[] } {
  const source = readFileSync(wastPath);
  const stem = basename(wastPath, '.wast');
  const directory = join(tmpdir(), 'wasm-llvm-translate-spec', `${stem}-${source.length}`);
  const json = join(directory, `${stem}.json`);
  if (!existsSync(json)) {
    mkdirSync(directory, { recursive: true });
    const result = runTool('wast2json', [wastPath, '-o', json]);
    if (result.status !== 0) throw new Error(`wast2json ${wastPath}: ${result.stderr}`);
  }
  return { directory, commands: (JSON.parse(readFileSync(json, 'utf8')) as { commands: WastCommand[] }).commands };
}

/** The binary modules that `module` commands of the given files instantiate. */
export function specModules(wastPaths: readonly string[]): { name: string; bytes: Uint8Array }[] {
  const modules: { name: string; bytes: Uint8Array }[] = [];
  for (const path of wastPaths) {
    const { directory, commands } = convertWast(path);
    for (const command of commands) {
      if (command.type !== 'module' || !command.filename?.endsWith('.wasm')) continue;
      modules.push({ name: `${basename(path)}:${command.line}`, bytes: new Uint8Array(readFileSync(join(directory, command.filename))) });
    }
  }
  return modules;
}
