// Stage: differential fuzzing. The reference answer: V8's WebAssembly.validate, run in a
// child Node process started with flags that turn off the post-2.0 proposals Node 20's V8
// enables by default and that can be turned off. Inputs go to the child in a batch file
// ([u32 length][bytes]...), answers come back as one '1'/'0' character per input.
//
// Node 20 (V8 11.3) ships, enabled and with no flag to disable them, exception handling
// (opcodes 0x06-0x09, 0x18, 0x19; tag section 13; import/export kind 4) and threads
// (0xFE atomics; shared memory limits flags 2 and 3). Those are classified, not disabled:
// see expected-divergences.ts.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** V8 flags for the oracle: post-2.0 proposals that are on by default in Node 20. */
export const V8_FLAGS = ['--no-experimental-wasm-return-call'];

const ORACLE_SCRIPT = `
const { readFileSync } = require('node:fs');
const data = readFileSync(process.argv[1]);
let pos = 0, out = '';
while (pos < data.length) {
  const length = data.readUInt32LE(pos); pos += 4;
  const bytes = data.subarray(pos, pos + length); pos += length;
  let ok;
  try { ok = WebAssembly.validate(bytes); } catch { ok = false; }
  out += ok ? '1' : '0';
}
process.stdout.write(out);
`;

/** WebAssembly.validate of each input in V8 with the oracle's flags. */
export function validateWithV8(inputs: readonly Uint8Array[]): boolean[] {
  const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-jit-oracle-'));
  try {
    const file = join(directory, 'batch.bin');
    const parts: Buffer[] = [];
    for (const input of inputs) {
      const header = Buffer.alloc(4);
      header.writeUInt32LE(input.length);
      parts.push(header, Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    }
    writeFileSync(file, Buffer.concat(parts));
    const result = spawnSync(process.execPath, [...V8_FLAGS, '-e', ORACLE_SCRIPT, file], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    if (result.status !== 0 || result.stdout.length !== inputs.length) {
      throw new Error(`V8 oracle failed: status ${result.status}, ${result.stderr || result.error?.message}`);
    }
    return [...result.stdout].map((c) => c === '1');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
