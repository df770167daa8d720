// Stage: conformance tests. Converts a .wast script with wabt's wast2json into a JSON
// command list and .wasm files, in a cache directory under the OS temp dir (never in the
// repository), keyed by the script's content so reruns are free.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { WAST2JSON } from './testsuite-location.js';

/** One command of wast2json's output (only the fields the runner reads). */
export interface WastCommand {
  type: string;
  line: number;
  filename?: string;
  text?: string;
  module_type?: 'binary' | 'text';
  name?: string;
  as?: string;
  action?: unknown;
  expected?: unknown;
}

export interface ConvertedScript {
  /** Directory holding the JSON and the .wasm files it names. */
  directory: string;
  commands: WastCommand[];
}

export function specCacheDirectory(): string {
  return process.env.WASM_SPEC_CACHE ?? join(tmpdir(), 'wasm-llvm-jit-spec-cache');
}

export function convertWast(wastPath: string): ConvertedScript {
  const source = readFileSync(wastPath);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const stem = basename(wastPath, '.wast');
  const directory = join(specCacheDirectory(), `${stem}-${hash}`);
  const jsonPath = join(directory, `${stem}.json`);
  if (!existsSync(jsonPath)) {
    const staging = `${directory}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const result = spawnSync(WAST2JSON, [wastPath, '-o', join(staging, `${stem}.json`)], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      throw new Error(`wast2json failed on ${wastPath}: ${result.stderr || result.error?.message}`);
    }
    rmSync(directory, { recursive: true, force: true });
    try {
      renameSync(staging, directory);
    } catch {
      // Another process converted it at the same time; use theirs.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const parsed = JSON.parse(readFileSync(jsonPath, 'utf8')) as { commands: WastCommand[] };
  return { directory, commands: parsed.commands };
}
