// Our WASI over this engine's own linear memory (engine/native's guard-page memory, whose
// buffer is an external ArrayBuffer that growth detaches and replaces), seen through the
// `.buffer` getter the engine's Memory exposes. Skipped if the native addon is not built.

import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { WASI } from './index.js';

type NativeModule = typeof import('../native/addon.js');

async function loadAddon(): Promise<NativeModule | undefined> {
  try {
    const native = await import('../native/addon.js');
    native.createMemory(1, 1); // throws if the .node file is missing
    return native;
  } catch {
    return undefined;
  }
}

it('writes from an engine memory before and after it grows', async ({ skip }) => {
  const native = await loadAddon();
  if (native === undefined) return skip('engine/native addon not built (npm run setup builds it)');
  const linear = native.createMemory(1, 4);
  const memory = { get buffer() { return linear.buffer(); } };
  const directory = mkdtempSync(join(tmpdir(), 'wasi-engine-memory-'));
  const path = join(directory, 'out');
  const fd = openSync(path, 'w');
  try {
    const wasi = new WASI({ version: 'preview1', stdout: fd });
    wasi.initialize({ exports: { memory } });
    const write = (at: number, message: string) => {
      const bytes = new Uint8Array(linear.buffer());
      const encoded = new TextEncoder().encode(message);
      bytes.set(encoded, at + 8);
      const view = new DataView(linear.buffer());
      view.setUint32(at, at + 8, true);
      view.setUint32(at + 4, encoded.length, true);
      return wasi.wasiImport.fd_write(1, at, 1, 0);
    };
    expect(write(64, 'before growth\n')).toBe(0);
    const before = linear.buffer();
    expect(linear.grow(2)).toBe(1);
    expect(before.byteLength).toBe(0); // detached
    expect(write(3 * 65536 - 64, 'in the third page\n')).toBe(0);
    expect(wasi.wasiImport.random_get(2 * 65536, 4096)).toBe(0);
  } finally {
    closeSync(fd);
  }
  expect(readFileSync(path, 'utf8')).toBe('before growth\nin the third page\n');
  rmSync(directory, { recursive: true, force: true });
});
