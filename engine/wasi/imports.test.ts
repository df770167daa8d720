// Import functions called directly (as a guest would, through `wasiImport`) under
// node:wasi and ours: error codes for bad descriptors, rights, out-of-bounds pointers,
// bad arguments and escapes, and the bytes written to memory, compared case by case.
// Also: memory that grows, or whose buffer the engine replaces, between calls.

import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI as NodeWASI } from 'node:wasi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno, WASI } from './index.js';
import type { WasiPreview1Imports } from './index.js';

type Imports = WasiPreview1Imports;

let scratch: string;
let stdoutFd: number;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'wasi-imports-'));
  stdoutFd = openSync(join(scratch, 'stdout'), 'w');
});

afterAll(() => {
  closeSync(stdoutFd);
  rmSync(scratch, { recursive: true, force: true });
});

/** A fresh WASI of one flavour, initialised with a fresh one-page memory and a fresh preopen. */
function setUp(flavour: 'node:wasi' | 'ours'): { imports: Imports; view: DataView; bytes: Uint8Array } {
  const sandbox = mkdtempSync(join(scratch, 'sandbox-'));
  writeFileSync(join(sandbox, 'input.txt'), 'input contents\n');
  mkdirSync(join(sandbox, 'sub'));
  const options = {
    version: 'preview1' as const,
    args: ['prog', 'ärg'],
    env: { A: '1', B: 'two' },
    preopens: { '/sandbox': sandbox },
    stdout: stdoutFd,
    stderr: stdoutFd,
  };
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = flavour === 'node:wasi' ? new NodeWASI(options) : new WASI(options);
  wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
  return {
    imports: wasi.wasiImport as unknown as Imports,
    view: new DataView(memory.buffer),
    bytes: new Uint8Array(memory.buffer),
  };
}

const text = (bytes: Uint8Array, at: number, value: string) => {
  const encoded = new TextEncoder().encode(value);
  bytes.set(encoded, at);
  return encoded.length;
};

interface Case {
  name: string;
  /** Calls import functions; returns the errno(s) and anything read back from memory. */
  run(imports: Imports, view: DataView, bytes: Uint8Array): unknown;
}

const cases: Case[] = [
  { name: 'args_sizes_get out of bounds', run: (w) => w.args_sizes_get(65535, 4) },
  {
    name: 'args_get',
    run: (w, view, bytes) => [w.args_sizes_get(0, 4), view.getUint32(0, true), view.getUint32(4, true), w.args_get(100, 200), [...bytes.subarray(100, 108)], [...bytes.subarray(200, 210)]],
  },
  {
    name: 'environ_get',
    run: (w, view, bytes) => [w.environ_sizes_get(0, 4), view.getUint32(0, true), view.getUint32(4, true), w.environ_get(100, 200), [...bytes.subarray(200, 210)]],
  },
  { name: 'environ_get out of bounds', run: (w) => w.environ_get(100, 65530) },
  { name: 'clock_res_get unknown clock', run: (w) => w.clock_res_get(99, 0) },
  { name: 'clock_time_get unknown clock', run: (w) => w.clock_time_get(99, 0n, 0) },
  { name: 'clock_time_get out of bounds', run: (w) => w.clock_time_get(1, 0n, 65530) },
  { name: 'clock_time_get with a number precision', run: (w) => w.clock_time_get(1, 0 as unknown as bigint, 0) },
  { name: 'clocks readable', run: (w) => [0, 1, 2, 3].map((id) => [w.clock_res_get(id, 0), w.clock_time_get(id, 1000n, 8)]) },
  { name: 'fd_write to a bad descriptor', run: (w) => w.fd_write(99, 0, 0, 16) },
  { name: 'fd_write iovec array out of bounds', run: (w) => w.fd_write(1, 65530, 2, 16) },
  {
    name: 'fd_write buffer out of bounds',
    run: (w, view) => {
      view.setUint32(0, 65500, true);
      view.setUint32(4, 100, true);
      return w.fd_write(1, 0, 1, 16);
    },
  },
  {
    name: 'fd_write with zero-length iovecs',
    run: (w, view, bytes) => {
      const length = text(bytes, 1000, 'zero-length test\n');
      view.setUint32(0, 0, true); // empty
      view.setUint32(4, 0, true);
      view.setUint32(8, 1000, true);
      view.setUint32(12, length, true);
      return [w.fd_write(1, 0, 2, 16), view.getUint32(16, true)];
    },
  },
  { name: 'fd_prestat_get on stdout', run: (w) => w.fd_prestat_get(1, 0) },
  { name: 'fd_prestat_dir_name on stdout', run: (w) => w.fd_prestat_dir_name(1, 0, 10) },
  { name: 'fd_prestat_get past the preopens', run: (w) => w.fd_prestat_get(4, 0) },
  {
    name: 'fd_prestat_get and fd_prestat_dir_name',
    run: (w, view, bytes) => [w.fd_prestat_get(3, 0), view.getUint8(0), view.getUint32(4, true), w.fd_prestat_dir_name(3, 100, 8), [...bytes.subarray(100, 108)]],
  },
  { name: 'fd_prestat_dir_name too short', run: (w) => w.fd_prestat_dir_name(3, 100, 7) },
  {
    name: 'fd_fdstat_get of the preopen and stdout (type and rights)',
    run: (w, view) => [3, 1].map((fd) => [w.fd_fdstat_get(fd, 0), view.getUint8(0), view.getBigUint64(8, true), view.getBigUint64(16, true)]),
  },
  { name: 'fd_seek on a directory', run: (w) => w.fd_seek(3, 0n, 0, 0) },
  { name: 'fd_tell on a directory', run: (w) => w.fd_tell(3, 0) },
  { name: 'fd_read on a directory', run: (w) => w.fd_read(3, 0, 0, 16) },
  { name: 'fd_close of a bad descriptor', run: (w) => w.fd_close(99) },
  { name: 'fd_renumber to a closed descriptor', run: (w) => w.fd_renumber(3, 99) },
  { name: 'fd_renumber from a closed descriptor', run: (w) => w.fd_renumber(99, 3) },
  { name: 'fd_advise with bad advice', run: (w) => w.fd_advise(3, 0n, 0n, 9) },
  { name: 'fd_filestat_set_times with bad flags', run: (w) => w.fd_filestat_set_times(3, 0n, 0n, 16) },
  {
    name: 'fd_fdstat_set_rights: drop, then try to add back',
    run: (w, view) => [w.fd_fdstat_set_rights(3, 0x2000n | 0x4000n, 0n), w.fd_fdstat_get(3, 0), view.getBigUint64(8, true), w.fd_fdstat_set_rights(3, 0x6000n | 1n, 0n)],
  },
  { name: 'fd_fdstat_set_rights with an undefined bit', run: (w) => w.fd_fdstat_set_rights(3, 1n << 40n, 0n) },
  {
    name: 'path_open escapes',
    run: (w, _view, bytes) => ['../x', '/sandbox/input.txt', '/etc/passwd', 'sub/../../x'].map((path) => w.path_open(3, 1, 1000, text(bytes, 1000, path), 0, 0x0fffffffn, 0n, 0, 0)),
  },
  { name: 'path_open missing file', run: (w, _v, bytes) => w.path_open(3, 1, 1000, text(bytes, 1000, 'missing'), 0, 2n, 0n, 0, 0) },
  { name: 'path_open asking for a right the directory cannot give', run: (w, _v, bytes) => w.path_open(3, 1, 1000, text(bytes, 1000, 'input.txt'), 0, 1n << 28n, 0n, 0, 0) },
  { name: 'path_open of a file with O_DIRECTORY', run: (w, _v, bytes) => w.path_open(3, 1, 1000, text(bytes, 1000, 'input.txt'), 2, 2n, 0n, 0, 0) },
  { name: 'path_open from a bad descriptor', run: (w, _v, bytes) => w.path_open(9, 1, 1000, text(bytes, 1000, 'input.txt'), 0, 2n, 0n, 0, 0) },
  {
    name: 'path_open, fd_read, fd_seek, fd_tell, fd_close',
    run: (w, view, bytes) => {
      const opened = w.path_open(3, 1, 1000, text(bytes, 1000, 'input.txt'), 0, 0x0fffffffn, 0n, 0, 0);
      const fd = view.getUint32(0, true);
      view.setUint32(100, 2000, true);
      view.setUint32(104, 5, true);
      const read = w.fd_read(fd, 100, 1, 108);
      const seek = w.fd_seek(fd, -2n, 2, 200);
      const tell = w.fd_tell(fd, 208);
      return [opened, fd, read, view.getUint32(108, true), [...bytes.subarray(2000, 2005)], seek, view.getBigUint64(200, true), tell, view.getBigUint64(208, true), w.fd_close(fd), w.fd_close(fd)];
    },
  },
  {
    name: 'fd_read into a buffer that overlaps the iovec array (iovecs are read first)',
    run: (w, view, bytes) => {
      const opened = w.path_open(3, 1, 1000, text(bytes, 1000, 'input.txt'), 0, 0x0fffffffn, 0n, 0, 200);
      const fd = view.getUint32(200, true);
      view.setUint32(0, 8, true); // iovec 0 covers iovec 1 ...
      view.setUint32(4, 8, true);
      view.setUint32(8, 100, true); // ... which the read then overwrites
      view.setUint32(12, 8, true);
      const read = w.fd_read(fd, 0, 2, 16);
      return [opened, read, view.getUint32(16, true), [...bytes.subarray(0, 24)], [...bytes.subarray(100, 108)]];
    },
  },
  {
    name: 'fd_pread into a buffer that overlaps the iovec array',
    run: (w, view, bytes) => {
      w.path_open(3, 1, 1000, text(bytes, 1000, 'input.txt'), 0, 0x0fffffffn, 0n, 0, 200);
      const fd = view.getUint32(200, true);
      view.setUint32(0, 4, true); // iovec 0 covers the end of itself and iovec 1
      view.setUint32(4, 12, true);
      view.setUint32(8, 100, true);
      view.setUint32(12, 8, true);
      const read = w.fd_pread(fd, 0, 2, 1n, 16);
      return [read, view.getUint32(16, true), [...bytes.subarray(0, 16)], [...bytes.subarray(100, 108)]];
    },
  },
  {
    name: 'path_filestat_get',
    run: (w, view, bytes) => [w.path_filestat_get(3, 1, 1000, text(bytes, 1000, 'input.txt'), 0), view.getUint8(16), view.getBigUint64(32, true), view.getBigUint64(24, true)],
  },
  { name: 'path_create_directory of an existing one', run: (w, _v, bytes) => w.path_create_directory(3, 1000, text(bytes, 1000, 'sub')) },
  { name: 'path_remove_directory of a file', run: (w, _v, bytes) => w.path_remove_directory(3, 1000, text(bytes, 1000, 'input.txt')) },
  { name: 'path_unlink_file of a directory', run: (w, _v, bytes) => w.path_unlink_file(3, 1000, text(bytes, 1000, 'sub')) },
  { name: 'path_symlink to an absolute target', run: (w, _v, bytes) => w.path_symlink(1000, text(bytes, 1000, '/etc/passwd'), 3, 1100, text(bytes, 1100, 'l')) },
  { name: 'path_symlink climbing out', run: (w, _v, bytes) => w.path_symlink(1000, text(bytes, 1000, '../../x'), 3, 1100, text(bytes, 1100, 'l')) },
  { name: 'poll_oneoff with no subscriptions', run: (w) => w.poll_oneoff(0, 1000, 0, 2000) },
  {
    name: 'poll_oneoff with an unknown event type',
    run: (w, view) => {
      view.setUint8(8, 7);
      return w.poll_oneoff(0, 1000, 1, 2000);
    },
  },
  {
    name: 'poll_oneoff with an expired clock',
    run: (w, view) => {
      view.setBigUint64(0, 0x1234n, true); // userdata
      view.setUint8(8, 0); // clock
      view.setUint32(16, 1, true); // monotonic
      view.setBigUint64(24, 0n, true); // relative timeout 0
      return [w.poll_oneoff(0, 1000, 1, 2000), view.getUint32(2000, true), view.getBigUint64(1000, true), view.getUint16(1008, true), view.getUint8(1010)];
    },
  },
  { name: 'random_get out of bounds', run: (w) => w.random_get(65530, 100) },
  { name: 'random_get of nothing', run: (w) => w.random_get(0, 0) },
  { name: 'sched_yield', run: (w) => w.sched_yield() },
];

describe('direct import calls agree with node:wasi', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const reference = setUp('node:wasi');
    const ours = setUp('ours');
    const expected = testCase.run(reference.imports, reference.view, reference.bytes);
    const actual = testCase.run(ours.imports, ours.view, ours.bytes);
    expect(actual).toEqual(expected);
  });
});

describe('where we differ from node:wasi on purpose', () => {
  it('proc_raise is nosys (node:wasi signals the whole Node process)', () => {
    expect(setUp('ours').imports.proc_raise(9)).toBe(Errno.NoSys);
  });

  it('sockets: bad descriptor, not a socket', () => {
    const { imports } = setUp('ours');
    expect(imports.sock_accept(99, 0, 0)).toBe(Errno.BadFileDescriptor);
    expect(imports.sock_recv(3, 0, 0, 0, 0, 4)).toBe(Errno.NotSocket);
    expect(imports.sock_send(1, 0, 0, 0, 0)).toBe(Errno.NotSocket); // stdout is a regular file here
    expect(imports.sock_shutdown(3, 0)).toBe(Errno.NotSocket);
  });

  it('fd_fdstat_get reports the WASI fdflags, not the host open flags', () => {
    const { imports, view } = setUp('ours');
    expect(imports.fd_fdstat_get(1, 0)).toBe(0);
    expect(view.getUint16(2, true)).toBe(0);
  });

  it('poll_oneoff: a regular file is always ready, a bad descriptor is an event with badf', () => {
    // node:wasi fails the whole call with perm (epoll cannot watch regular files), and
    // crashes the process when a bad descriptor is not the first subscription.
    const { imports, view } = setUp('ours');
    view.setBigUint64(0, 1n, true);
    view.setUint8(8, 2); // fd_write on stdout, a regular file here
    view.setUint32(16, 1, true);
    view.setBigUint64(48, 2n, true);
    view.setUint8(56, 1); // fd_read on a bad descriptor
    view.setUint32(64, 99, true);
    expect(imports.poll_oneoff(0, 1000, 2, 2000)).toBe(0);
    expect(view.getUint32(2000, true)).toBe(2);
    expect([view.getBigUint64(1000, true), view.getUint16(1008, true), view.getUint8(1010)]).toEqual([1n, 0, 2]);
    expect([view.getBigUint64(1032, true), view.getUint16(1040, true), view.getUint8(1042)]).toEqual([2n, Errno.BadFileDescriptor, 1]);
  });

  it('environ_get and args_get of empty lists succeed (node:wasi says inval)', () => {
    const wasi = new WASI({ version: 'preview1' });
    wasi.initialize({ exports: { memory: new WebAssembly.Memory({ initial: 1 }) } });
    expect(wasi.wasiImport.environ_get(0x400, 0x800)).toBe(0);
    expect(wasi.wasiImport.args_get(0x400, 0x800)).toBe(0);
  });

  it('poll_oneoff refuses to sleep on a CPU-time clock (it would never advance)', () => {
    const { imports, view } = setUp('ours');
    view.setUint8(8, 0); // clock
    view.setUint32(16, 2, true); // process_cputime_id
    view.setBigUint64(24, 10n ** 9n, true); // one second from now
    expect(imports.poll_oneoff(0, 1000, 1, 2000)).toBe(0);
    expect([view.getUint32(2000, true), view.getUint16(1008, true)]).toEqual([1, Errno.NotSupported]);
  });

  it('poll_oneoff reads every subscription before writing events over them', () => {
    // node:wasi reads them first too, but reports only the earliest of two due clocks.
    const { imports, view } = setUp('ours');
    for (const [index, userdata] of [[0, 0x11n], [1, 0x22n]] as const) {
      view.setBigUint64(index * 48, userdata, true);
      view.setUint8(index * 48 + 8, 0); // clock
      view.setUint32(index * 48 + 16, 1, true); // monotonic
      view.setBigUint64(index * 48 + 24, 0n, true); // due now
    }
    expect(imports.poll_oneoff(0, 48, 2, 2000)).toBe(0); // event 0 lands on subscription 1
    expect(view.getUint32(2000, true)).toBe(2);
    expect([view.getBigUint64(48, true), view.getBigUint64(80, true)]).toEqual([0x11n, 0x22n]);
  });

  it('an empty iovec may point at the end of memory (node:wasi says overflow)', () => {
    const { imports, view } = setUp('ours');
    view.setUint32(0, 65536, true);
    view.setUint32(4, 0, true);
    expect(imports.fd_write(1, 0, 1, 16)).toBe(0);
  });

  it('pointers at or above 2 GiB are unsigned (node:wasi rejects negative i32 with inval)', () => {
    expect(setUp('ours').imports.args_sizes_get(-8, 4)).toBe(Errno.Overflow);
  });

  it('a directory descriptor stays on its directory when it is renamed (node:wasi follows the old path)', () => {
    const { imports, view, bytes } = setUp('ours');
    expect(imports.path_open(3, 0, 1000, text(bytes, 1000, 'sub'), 2, 0x0fbffeben, 0x0fffffffn, 0, 0)).toBe(0); // no write rights
    const sub = view.getUint32(0, true);
    expect(imports.path_rename(3, 1000, text(bytes, 1000, 'sub'), 3, 1100, text(bytes, 1100, 'moved'))).toBe(0);
    expect(imports.path_create_directory(sub, 1000, text(bytes, 1000, 'inside'))).toBe(0);
    expect(imports.path_filestat_get(3, 0, 1000, text(bytes, 1000, 'moved/inside'), 0)).toBe(0);
  });

  it('a path ending in . or .. is inval for rmdir and rename, as POSIX says (node:wasi acts on the directory)', () => {
    const { imports, bytes } = setUp('ours');
    expect(imports.path_remove_directory(3, 1000, text(bytes, 1000, 'sub/.'))).toBe(Errno.Invalid);
    expect(imports.path_rename(3, 1000, text(bytes, 1000, 'sub/.'), 3, 1100, text(bytes, 1100, 'x'))).toBe(Errno.Invalid);
    expect(imports.path_rename(3, 1000, text(bytes, 1000, 'input.txt'), 3, 1100, text(bytes, 1100, 'sub/..'))).toBe(Errno.Invalid);
    expect(imports.path_filestat_get(3, 0, 1000, text(bytes, 1000, 'sub'), 0)).toBe(0);
  });

  it('path_symlink checks a target from the link\'s place (node:wasi: from the directory descriptor)', () => {
    const { imports, bytes } = setUp('ours');
    expect(imports.path_symlink(1000, text(bytes, 1000, '../input.txt'), 3, 1100, text(bytes, 1100, 'sub/link'))).toBe(0);
    expect(imports.path_symlink(1000, text(bytes, 1000, '../../input.txt'), 3, 1100, text(bytes, 1100, 'sub/link2'))).toBe(Errno.NotCapable);
  });

  it('path_readlink truncates like readlink(2) instead of failing with nobufs', () => {
    const { imports, view, bytes } = setUp('ours');
    expect(imports.path_symlink(1000, text(bytes, 1000, 'input.txt'), 3, 1100, text(bytes, 1100, 'link'))).toBe(0);
    expect(imports.path_readlink(3, 1100, 4, 2000, 5, 0)).toBe(0);
    expect(view.getUint32(0, true)).toBe(5);
    expect(new TextDecoder().decode(bytes.subarray(2000, 2005))).toBe('input');
  });
});

describe('memory that changes between calls', () => {
  it('follows memory.grow (V8 replaces the ArrayBuffer), like node:wasi', () => {
    for (const flavour of ['node:wasi', 'ours'] as const) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
      const path = join(scratch, `grow-${flavour}`);
      const fd = openSync(path, 'w');
      const options = { version: 'preview1' as const, stdout: fd };
      const wasi = flavour === 'node:wasi' ? new NodeWASI(options) : new WASI(options);
      wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
      const imports = wasi.wasiImport as unknown as Imports;
      const write = (at: number, message: string) => {
        const bytes = new Uint8Array(memory.buffer);
        const view = new DataView(memory.buffer);
        const length = text(bytes, at + 8, message);
        view.setUint32(at, at + 8, true);
        view.setUint32(at + 4, length, true);
        return imports.fd_write(1, at, 1, 0);
      };
      const before = memory.buffer;
      expect(write(100, 'page one\n')).toBe(0);
      memory.grow(2);
      expect(memory.buffer).not.toBe(before);
      expect(write(3 * 65536 - 100, 'page three\n')).toBe(0);
      closeSync(fd);
      expect(readFileSync(path, 'utf8')).toBe('page one\npage three\n');
    }
  });

  it('works on shared memory (threads proposal), like node:wasi', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const path = join(scratch, 'shared');
    const fd = openSync(path, 'w');
    const wasi = new WASI({ version: 'preview1', stdout: fd, preopens: { '/s': scratch } });
    wasi.initialize({ exports: { memory } });
    const bytes = new Uint8Array(memory.buffer);
    const view = new DataView(memory.buffer);
    const length = text(bytes, 100, 'shared\n');
    view.setUint32(0, 100, true);
    view.setUint32(4, length, true);
    expect(wasi.wasiImport.fd_write(1, 0, 1, 8)).toBe(0);
    expect(wasi.wasiImport.random_get(200, 64)).toBe(0);
    expect(wasi.wasiImport.path_filestat_get(3, 0, 300, text(bytes, 300, 'shared'), 400)).toBe(0);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('shared\n');
  });

  it('reads the buffer an engine hands out now, not one it handed out before', () => {
    const path = join(scratch, 'replaced');
    const fd = openSync(path, 'w');
    let buffer = new ArrayBuffer(65536);
    const engineMemory = { get buffer() { return buffer; } };
    const wasi = new WASI({ version: 'preview1', stdout: fd });
    wasi.initialize({ exports: { memory: engineMemory } });
    const put = (message: string) => {
      const bytes = new Uint8Array(buffer);
      const length = text(bytes, 100, message);
      new DataView(buffer).setUint32(0, 100, true);
      new DataView(buffer).setUint32(4, length, true);
      return wasi.wasiImport.fd_write(1, 0, 1, 8);
    };
    expect(put('first buffer\n')).toBe(0);
    buffer = new ArrayBuffer(131072); // a grown memory at a new address
    expect(put('second buffer\n')).toBe(0);
    expect(new DataView(buffer).getUint32(8, true)).toBe(14);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('first buffer\nsecond buffer\n');
  });
});
