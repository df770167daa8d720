// Nothing a guest passes to a WASI import may throw a host exception into it (issue 9):
// every call returns an errno. The boundary cases found by reading the code (iovecs of
// 2 GiB or more, whose lengths Node's fs takes as int32; file offsets at the largest safe
// integer), then a seeded run of random arguments through every import over a small
// sandbox, beside which a sentinel file must stay unread and unchanged.

import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno, WASI } from './index.js';
import type { WasiPreview1Imports } from './index.js';

const MARKER = 'SENTINEL-OUTSIDE-THE-PREOPEN';

let scratch: string;
let sandbox: string;
let stdinFd: number;
let stdoutFd: number;
let devNullFd: number;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'wasi-no-throw-'));
  sandbox = join(scratch, 'sandbox');
  mkdirSync(join(sandbox, 'sub'), { recursive: true });
  writeFileSync(join(sandbox, 'file.txt'), 'file contents\n');
  writeFileSync(join(sandbox, 'big.txt'), 'big file '.repeat(8000));
  writeFileSync(join(sandbox, 'sub', 'inner.txt'), 'inner\n');
  symlinkSync('file.txt', join(sandbox, 'link'));
  symlinkSync('../sentinel.txt', join(sandbox, 'escape'));
  writeFileSync(join(scratch, 'sentinel.txt'), MARKER);
  writeFileSync(join(scratch, 'stdin'), '');
  stdinFd = openSync(join(scratch, 'stdin'), 'r');
  stdoutFd = openSync(join(scratch, 'stdout'), 'w');
  devNullFd = openSync('/dev/null', 'r+');
});

afterAll(() => {
  closeSync(stdinFd);
  closeSync(stdoutFd);
  closeSync(devNullFd);
  rmSync(scratch, { recursive: true, force: true });
});

function wasiWith(memory: WebAssembly.Memory, stdout = stdoutFd): WasiPreview1Imports {
  const wasi = new WASI({ version: 'preview1', preopens: { '/sandbox': sandbox }, stdin: stdinFd, stdout, stderr: stdout });
  wasi.initialize({ exports: { memory } });
  return wasi.wasiImport;
}

describe('boundaries of host I/O', () => {
  it('an iovec of 2 GiB or more is a short read or write, not a RangeError (or an abort)', () => {
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: 32769 }); // 2 GiB + 64 KiB
    } catch {
      return; // no address space for it here: nothing to test
    }
    const imports = wasiWith(memory, devNullFd);
    const view = new DataView(memory.buffer);
    const bytes = new Uint8Array(memory.buffer);
    view.setUint32(0, 64, true);
    view.setUint32(4, 0x80000000, true);
    expect(imports.fd_write(1, 0, 1, 16)).toBe(Errno.Success); // to /dev/null
    expect(view.getUint32(16, true)).toBe(0x7ffff000); // Linux's MAX_RW_COUNT
    const path = new TextEncoder().encode('file.txt');
    bytes.set(path, 32);
    expect(imports.path_open(3, 0, 32, path.length, 0, 2n, 0n, 0, 24)).toBe(Errno.Success);
    expect(imports.fd_read(view.getUint32(24, true), 0, 1, 16)).toBe(Errno.Success);
    expect(view.getUint32(16, true)).toBe('file contents\n'.length);
  });

  it('file offsets stop at the largest safe integer', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const imports = wasiWith(memory);
    const view = new DataView(memory.buffer);
    const bytes = new Uint8Array(memory.buffer);
    const path = new TextEncoder().encode('big.bin');
    bytes.set(path, 32);
    expect(imports.path_open(3, 0, 32, path.length, 1, 0x0fffffffn, 0n, 0, 24)).toBe(Errno.Success);
    const fd = view.getUint32(24, true);
    for (let i = 0; i < 2; i++) {
      view.setUint32(i * 8, 100, true);
      view.setUint32(i * 8 + 4, 4, true);
    }
    const largest = BigInt(Number.MAX_SAFE_INTEGER);
    const pwrite = imports.fd_pwrite(fd, 0, 2, largest - 2n, 16);
    // ext4 refuses such offsets (fbig); tmpfs takes the 2 bytes below the limit.
    if (pwrite === Errno.Success) expect(view.getUint32(16, true)).toBe(2);
    else expect(pwrite).toBe(Errno.FileTooBig);
    expect(imports.fd_pwrite(fd, 0, 2, largest, 16)).toBe(Errno.FileTooBig);
    expect(imports.fd_pread(fd, 0, 2, largest, 16)).toBe(Errno.Success);
    expect(view.getUint32(16, true)).toBe(0);
    expect(imports.fd_seek(fd, largest, 0, 16)).toBe(Errno.Success);
    expect(imports.fd_write(fd, 0, 2, 16)).toBe(Errno.FileTooBig);
    expect(imports.fd_read(fd, 0, 2, 16)).toBe(Errno.Success);
    expect(imports.path_unlink_file(3, 32, path.length)).toBe(Errno.Success);
  });
});

/** Each import's parameters: 'i' for i32 (a number), 'I' for i64 (a bigint). */
const SIGNATURES: Record<string, string> = {
  args_get: 'ii', args_sizes_get: 'ii', environ_get: 'ii', environ_sizes_get: 'ii',
  clock_res_get: 'ii', clock_time_get: 'iIi',
  fd_advise: 'iIIi', fd_allocate: 'iII', fd_close: 'i', fd_datasync: 'i', fd_fdstat_get: 'ii',
  fd_fdstat_set_flags: 'ii', fd_fdstat_set_rights: 'iII', fd_filestat_get: 'ii', fd_filestat_set_size: 'iI',
  fd_filestat_set_times: 'iIIi', fd_pread: 'iiiIi', fd_prestat_get: 'ii', fd_prestat_dir_name: 'iii',
  fd_pwrite: 'iiiIi', fd_read: 'iiii', fd_readdir: 'iiiIi', fd_renumber: 'ii', fd_seek: 'iIii', fd_sync: 'i',
  fd_tell: 'ii', fd_write: 'iiii',
  path_create_directory: 'iii', path_filestat_get: 'iiiii', path_filestat_set_times: 'iiiiIIi',
  path_link: 'iiiiiii', path_open: 'iiiiiIIii', path_readlink: 'iiiiii', path_remove_directory: 'iii',
  path_rename: 'iiiiii', path_symlink: 'iiiii', path_unlink_file: 'iii',
  proc_raise: 'i', sched_yield: '', random_get: 'ii',
  sock_accept: 'iii', sock_recv: 'iiiiii', sock_send: 'iiiii', sock_shutdown: 'ii',
};

/** Paths placed in guest memory for the random calls to find (slot i at PATHS + 32 i). */
const PATH_TEXTS = ['file.txt', 'sub', 'sub/', '.', '..', '../sentinel.txt', 'escape', 'link', 'sub/inner.txt', 'a/../..', '/etc', 'new', 'sub/new/', 'x\0y', 'é', ''];
const PATHS = 0x1000;
const IOVECS = 0x2000;
const BUFFERS = 0x3000;
const MEMORY_BYTES = 2 * 65536;

describe('random arguments to every import', () => {
  it('always return an errno and never reach the sentinel', () => {
    const seed = Number(process.env.WASI_FUZZ_SEED ?? 20261201);
    const calls = Number(process.env.WASI_FUZZ_CALLS ?? 20000);
    const random = xoroshiro128plus(seed);
    const int = (low: number, high: number) => uniformInt(random, low, high);
    const memory = new WebAssembly.Memory({ initial: 2 });
    const imports = wasiWith(memory);
    const names = Object.keys(SIGNATURES);
    expect(Object.keys(imports).filter((name) => name !== 'proc_exit' && name !== 'poll_oneoff').sort()).toEqual([...names].sort());
    // Byte I/O, where guest memory is written while the call runs, five times as often.
    const weighted = [...names, ...['fd_read', 'fd_pread', 'fd_write', 'fd_pwrite', 'path_open'].flatMap((name) => Array(4).fill(name))];
    const bytes = new Uint8Array(memory.buffer);
    const view = new DataView(memory.buffer);
    const encoder = new TextEncoder();
    const marker = Buffer.from(MARKER);

    const i32 = (): number => {
      switch (int(0, 7)) {
        case 0: case 1: return int(0, 8); // descriptors, counts, flags
        case 2: return PATHS + 32 * int(0, PATH_TEXTS.length - 1);
        case 3: return IOVECS;
        case 4: return BUFFERS + int(0, 64);
        case 5: return MEMORY_BYTES - int(0, 16);
        case 6: return [0x7fffffff, -0x80000000, -1, 0xffff, 0x10000][int(0, 4)];
        default: return int(-0x80000000, 0x7fffffff);
      }
    };
    const i64 = (): bigint => {
      switch (int(0, 4)) {
        case 0: return BigInt(int(0, 1000));
        case 1: return [0n, -1n, 2n ** 53n - 3n, 2n ** 63n, 0x0fffffffn][int(0, 4)];
        default: return (BigInt(int(0, 0x7fffffff)) << 33n) ^ BigInt(int(0, 0x7fffffff));
      }
    };
    /** Fresh guest state: random bytes, the paths, iovecs of random small buffers, and
     *  big.txt open (again) at the lowest free descriptor, so reads find data. */
    const scramble = () => {
      const bigPath = encoder.encode('big.txt');
      bytes.set(bigPath, 0);
      imports.path_open(3, 0, 0, bigPath.length, 0, 0x0fffffffn, 0n, 0, 16);
      for (let at = 0; at < 0x1000; at += 4) view.setInt32(at, int(-0x80000000, 0x7fffffff), true);
      PATH_TEXTS.forEach((text, index) => {
        bytes.fill(0, PATHS + 32 * index, PATHS + 32 * index + 32);
        bytes.set(encoder.encode(text), PATHS + 32 * index);
      });
      for (let entry = 0; entry < 8; entry++) {
        // Some iovecs point at the iovec array itself.
        view.setUint32(IOVECS + 8 * entry, int(0, 1) === 0 ? IOVECS + int(0, 60) : BUFFERS + int(0, 0x1000), true);
        view.setUint32(IOVECS + 8 * entry + 4, int(0, 64), true);
      }
    };
    const pollSubscriptions = () => {
      // Clock subscriptions with deadlines at most 1 ms away, so nothing sleeps for long.
      const count = int(1, 3);
      for (let index = 0; index < count; index++) {
        const at = BUFFERS + 48 * index;
        view.setUint8(at + 8, int(0, 3));
        view.setUint32(at + 16, int(0, 1) === 0 ? int(0, 4) : int(0, 16), true);
        view.setBigUint64(at + 24, BigInt(int(0, 1_000_000)), true);
        view.setUint16(at + 40, int(0, 1) === 0 ? 0 : 1, true);
      }
      return [BUFFERS, BUFFERS + int(0, 1) * 0x800, count, i32()];
    };

    for (let call = 0; call < calls; call++) {
      if (call % 64 === 0) scramble();
      const name = int(0, 24) === 0 ? 'poll_oneoff' : weighted[int(0, weighted.length - 1)];
      const args = name === 'poll_oneoff' ? pollSubscriptions() : [...SIGNATURES[name]].map((type) => (type === 'I' ? i64() : i32()));
      let result: unknown;
      try {
        result = (imports as unknown as Record<string, (...values: unknown[]) => unknown>)[name](...args);
      } catch (error) {
        throw new Error(`seed ${seed}, call ${call}: ${name}(${args.join(', ')}) threw ${String(error)}`);
      }
      if (typeof result !== 'number' || !Number.isInteger(result) || result < 0 || result > Errno.NotCapable) {
        throw new Error(`seed ${seed}, call ${call}: ${name}(${args.join(', ')}) returned ${String(result)}`);
      }
      if (Buffer.from(memory.buffer).indexOf(marker) >= 0) {
        throw new Error(`seed ${seed}, call ${call}: ${name}(${args.join(', ')}) put the sentinel's contents in memory`);
      }
    }
    expect(readdirSync(scratch).sort()).toEqual(['sandbox', 'sentinel.txt', 'stdin', 'stdout']);
    expect(readFileSync(join(scratch, 'sentinel.txt'), 'utf8')).toBe(MARKER);
  });
});
