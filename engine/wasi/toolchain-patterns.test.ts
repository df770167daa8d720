// Start-up and I/O patterns of toolchains other than wasi-sdk/wasi-libc, written by hand
// in .wat (test/wasi/programs/*.wat, assembled with wabt's wat2wasm) because Rust and
// Emscripten are not installable here: Rust std's preopen probe and args/environ
// start-up, Emscripten's zero-length iovecs and proc_exit from _start, and a module that
// imports all 46 preview1 functions with their exact signatures. Each runs under
// node:wasi and ours with the same results.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI as NodeWASI } from 'node:wasi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASI } from './index.js';
import { assembleTestModule, FLAVOURS, runProgram, type ProgramRun } from '../../test/wasi/programs/run-program.js';

let buildDirectory: string;
const modules = new Map<string, WebAssembly.Module>();

beforeAll(async () => {
  buildDirectory = mkdtempSync(join(tmpdir(), 'wasi-wat-'));
  for (const name of ['rust-startup', 'emscripten-style', 'all-imports']) {
    modules.set(name, await assembleTestModule(name, buildDirectory));
  }
});

afterAll(() => rmSync(buildDirectory, { recursive: true, force: true }));

function runBoth(name: string, args: string[], sandbox?: string): ProgramRun {
  const [reference, ours] = FLAVOURS.map((flavour) =>
    runProgram(flavour, modules.get(name)!, { args, env: { LANG: 'C', EMPTY: '' }, sandbox }),
  );
  expect(ours.stdout).toBe(reference.stdout);
  expect(ours.stderr).toBe(reference.stderr);
  expect(ours.exitCode).toBe(reference.exitCode);
  expect(ours.trap).toBe(reference.trap);
  return ours;
}

describe('toolchain start-up patterns, as node:wasi runs them', () => {
  it('Rust std: fd_prestat_get loop until badf, fd_prestat_dir_name, environ, args', () => {
    const sandbox = mkdtempSync(join(tmpdir(), 'wasi-rust-'));
    try {
      const run = runBoth('rust-startup', ['main.wasm', '--flag', 'ünï'], sandbox);
      expect(run.stdout).toBe(
        'preopen /sandbox\nprobe ended with errno 08\nenviron:\nLANG=C\nEMPTY=\nargs:\nmain.wasm\n--flag\nünï\n',
      );
      expect(run.exitCode).toBe(0);
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });

  it('Rust std with several preopens, in order', () => {
    const directories = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'wasi-rust-')));
    try {
      const preopens = { '/a': directories[0], '.': directories[1], '/deep/er': directories[2] };
      const outputs = [NodeWASI, WASI].map((WASIClass) => {
        const wasi = new WASIClass({ version: 'preview1', preopens, returnOnExit: true });
        const lines: string[] = [];
        const instance = new WebAssembly.Instance(modules.get('rust-startup')!, {
          wasi_snapshot_preview1: {
            ...(wasi.wasiImport as unknown as Record<string, (...args: unknown[]) => unknown>),
            // Capture stdout without a file: decode each write here.
            fd_write: (fd: number, iovs: number, count: number, written: number) => {
              const memory = instance.exports.memory as WebAssembly.Memory;
              const view = new DataView(memory.buffer);
              let total = 0;
              for (let i = 0; i < count; i++) {
                const pointer = view.getUint32(iovs + 8 * i, true);
                const length = view.getUint32(iovs + 8 * i + 4, true);
                lines.push(new TextDecoder().decode(new Uint8Array(memory.buffer, pointer, length)));
                total += length;
              }
              view.setUint32(written, total, true);
              return fd === 1 ? 0 : 8;
            },
          },
        });
        expect(wasi.start(instance)).toBe(0);
        return lines.join('');
      });
      expect(outputs[1]).toBe(outputs[0]);
      expect(outputs[1]).toMatch(/^preopen \/a\npreopen \.\npreopen \/deep\/er\nprobe ended with errno 08\n/);
    } finally {
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    }
  });

  it('Emscripten WASI mode: zero-length iovecs and proc_exit from _start', () => {
    const run = runBoth('emscripten-style', ['a.out']);
    expect(run.stdout).toBe('Hello, world\n');
    expect(run.stderr).toBe('stderr line\n');
    expect(run.exitCode).toBe(17);
  });

  it('a module importing all 46 functions with their exact signatures links and runs', () => {
    const sandbox = mkdtempSync(join(tmpdir(), 'wasi-all-'));
    try {
      expect(runBoth('all-imports', ['all'], sandbox).exitCode).toBe(0);
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
});
