// Stage: test support (used only by the *.test.ts files). Assembles WebAssembly text with
// wabt's wat2wasm (the Debian package the spec runner also needs), cached per text in the
// OS temp dir, so runtime tests read as the .wat they run.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WAT2WASM = process.env.WAT2WASM ?? '/usr/bin/wat2wasm';

/** Why wat-based tests cannot run here, or undefined. */
export function watUnavailableReason(): string | undefined {
  return existsSync(WAT2WASM) ? undefined : `${WAT2WASM} not installed (Debian package wabt)`;
}

const cacheDirectory = join(tmpdir(), 'wasm-llvm-jit-wat-cache');

/** The binary of `text` (wat2wasm with its default features: WebAssembly 2.0). */
export function wat(text: string): Uint8Array {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 24);
  const output = join(cacheDirectory, `${hash}.wasm`);
  if (!existsSync(output)) {
    mkdirSync(cacheDirectory, { recursive: true });
    const input = join(cacheDirectory, `${hash}.${process.pid}.wat`);
    writeFileSync(input, text);
    const staging = `${output}.${process.pid}`;
    const result = spawnSync(WAT2WASM, [input, '-o', staging], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`wat2wasm failed: ${result.stderr || result.error?.message}`);
    renameSync(staging, output);
  }
  return new Uint8Array(readFileSync(output));
}
