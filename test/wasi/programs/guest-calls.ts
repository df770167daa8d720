// Test support for engine/wasi: calls WASI preview1 imports the way a guest does, with its
// arguments placed in a guest memory (paths as UTF-8 bytes, iovecs, out-pointers), and
// reads the results back. Tests use it to run file-system call sequences without building
// a wasm program for each. Works with our WASI and with node:wasi.

import type { WasiPreview1Imports } from '../../../engine/wasi/imports.js';
import { LookupFlags, OFlags } from '../../../engine/wasi/preview1-types.js';

/** Every file and directory right (bits 0..27): what a guest asks for when it wants everything. */
export const ALL_RIGHTS = 0x0fffffffn;

/** ALL_RIGHTS without the ones that make path_open open for writing (a directory cannot be). */
export const READ_RIGHTS = ALL_RIGHTS & ~(1n << 0n | 1n << 6n | 1n << 8n | 1n << 22n);

/** Where the driver keeps its arguments in guest memory. */
const PATH_A = 0x100;
const PATH_B = 0x1100;
const OUT = 0x2100;
const IOVECS = 0x2200;
const DATA = 0x3000;
const DATA_BYTES = 0x8000;

export interface OpenOptions {
  follow?: boolean;
  create?: boolean;
  directory?: boolean;
  exclusive?: boolean;
  truncate?: boolean;
  rights?: bigint;
  inheriting?: bigint;
  fdflags?: number;
}

/** A result of a call: the errno, and what it produced when it succeeded. */
export interface Outcome<T> {
  errno: number;
  value?: T;
}

export class GuestCalls {
  readonly #encoder = new TextEncoder();

  constructor(
    readonly imports: WasiPreview1Imports,
    readonly memory: { readonly buffer: ArrayBufferLike },
  ) {}

  get view(): DataView {
    return new DataView(this.memory.buffer);
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  /** Puts a string at `at`, returning its length in bytes. */
  put(at: number, text: string | Uint8Array): number {
    const encoded = typeof text === 'string' ? this.#encoder.encode(text) : text;
    if (encoded.length > 0x1000) throw new Error('path too long for the driver');
    this.bytes.set(encoded, at);
    return encoded.length;
  }

  pathOpen(fd: number, path: string, options: OpenOptions = {}): Outcome<number> {
    const oflags =
      (options.create ? OFlags.Create : 0) |
      (options.directory ? OFlags.Directory : 0) |
      (options.exclusive ? OFlags.Exclusive : 0) |
      (options.truncate ? OFlags.Truncate : 0);
    const errno = this.imports.path_open(
      fd,
      options.follow ? LookupFlags.SymlinkFollow : 0,
      PATH_A,
      this.put(PATH_A, path),
      oflags,
      options.rights ?? (options.directory ? READ_RIGHTS : ALL_RIGHTS),
      options.inheriting ?? ALL_RIGHTS,
      options.fdflags ?? 0,
      OUT,
    );
    return errno === 0 ? { errno, value: this.view.getUint32(OUT, true) } : { errno };
  }

  /** fd_read of up to `length` bytes into one iovec. */
  read(fd: number, length: number): Outcome<Uint8Array> {
    if (length > DATA_BYTES) throw new Error('read too long for the driver');
    const view = this.view;
    view.setUint32(IOVECS, DATA, true);
    view.setUint32(IOVECS + 4, length, true);
    const errno = this.imports.fd_read(fd, IOVECS, 1, OUT);
    if (errno !== 0) return { errno };
    return { errno, value: this.bytes.slice(DATA, DATA + this.view.getUint32(OUT, true)) };
  }

  write(fd: number, data: string | Uint8Array): Outcome<number> {
    const length = this.put(DATA, data);
    const view = this.view;
    view.setUint32(IOVECS, DATA, true);
    view.setUint32(IOVECS + 4, length, true);
    const errno = this.imports.fd_write(fd, IOVECS, 1, OUT);
    return errno === 0 ? { errno, value: this.view.getUint32(OUT, true) } : { errno };
  }

  close(fd: number): number {
    return this.imports.fd_close(fd);
  }

  createDirectory(fd: number, path: string): number {
    return this.imports.path_create_directory(fd, PATH_A, this.put(PATH_A, path));
  }

  removeDirectory(fd: number, path: string): number {
    return this.imports.path_remove_directory(fd, PATH_A, this.put(PATH_A, path));
  }

  unlinkFile(fd: number, path: string): number {
    return this.imports.path_unlink_file(fd, PATH_A, this.put(PATH_A, path));
  }

  symlink(target: string, fd: number, path: string): number {
    return this.imports.path_symlink(PATH_A, this.put(PATH_A, target), fd, PATH_B, this.put(PATH_B, path));
  }

  rename(fd: number, from: string, newFd: number, to: string): number {
    return this.imports.path_rename(fd, PATH_A, this.put(PATH_A, from), newFd, PATH_B, this.put(PATH_B, to));
  }

  link(fd: number, from: string, newFd: number, to: string, follow = false): number {
    return this.imports.path_link(
      fd, follow ? LookupFlags.SymlinkFollow : 0, PATH_A, this.put(PATH_A, from), newFd, PATH_B, this.put(PATH_B, to),
    );
  }

  readlink(fd: number, path: string): Outcome<Uint8Array> {
    const errno = this.imports.path_readlink(fd, PATH_A, this.put(PATH_A, path), DATA, 0x1000, OUT);
    if (errno !== 0) return { errno };
    return { errno, value: this.bytes.slice(DATA, DATA + this.view.getUint32(OUT, true)) };
  }

  /** path_filestat_get: the device, inode, file type and size. */
  stat(fd: number, path: string, follow = false): Outcome<{ dev: bigint; ino: bigint; filetype: number; size: bigint }> {
    const errno = this.imports.path_filestat_get(fd, follow ? LookupFlags.SymlinkFollow : 0, PATH_A, this.put(PATH_A, path), OUT);
    if (errno !== 0) return { errno };
    const view = this.view;
    return {
      errno,
      value: {
        dev: view.getBigUint64(OUT, true),
        ino: view.getBigUint64(OUT + 8, true),
        filetype: view.getUint8(OUT + 16),
        size: view.getBigUint64(OUT + 32, true),
      },
    };
  }

  setTimes(fd: number, path: string, atim: bigint, mtim: bigint, fstFlags: number, follow = false): number {
    return this.imports.path_filestat_set_times(
      fd, follow ? LookupFlags.SymlinkFollow : 0, PATH_A, this.put(PATH_A, path), atim, mtim, fstFlags,
    );
  }

  /** fd_pread of up to `length` bytes at `offset` into one iovec. */
  pread(fd: number, length: number, offset: bigint): Outcome<Uint8Array> {
    if (length > DATA_BYTES) throw new Error('read too long for the driver');
    const view = this.view;
    view.setUint32(IOVECS, DATA, true);
    view.setUint32(IOVECS + 4, length, true);
    const errno = this.imports.fd_pread(fd, IOVECS, 1, offset, OUT);
    if (errno !== 0) return { errno };
    return { errno, value: this.bytes.slice(DATA, DATA + this.view.getUint32(OUT, true)) };
  }

  /** fd_filestat_get: the device, inode and file type. */
  fileStat(fd: number): Outcome<{ dev: bigint; ino: bigint; filetype: number }> {
    const errno = this.imports.fd_filestat_get(fd, OUT);
    if (errno !== 0) return { errno };
    const view = this.view;
    return { errno, value: { dev: view.getBigUint64(OUT, true), ino: view.getBigUint64(OUT + 8, true), filetype: view.getUint8(OUT + 16) } };
  }

  /** fd_readdir from cookie 0 into a 4 KiB buffer: the entries listed (a cut-off last one is left out). */
  readdir(fd: number): Outcome<{ name: string; ino: bigint }[]> {
    const errno = this.imports.fd_readdir(fd, DATA, 0x1000, 0n, OUT);
    if (errno !== 0) return { errno };
    const used = this.view.getUint32(OUT, true);
    const entries: { name: string; ino: bigint }[] = [];
    for (let at = DATA; at + 24 <= DATA + used; ) {
      const length = this.view.getUint32(at + 16, true);
      if (at + 24 + length > DATA + used) break;
      const name = new TextDecoder().decode(this.bytes.subarray(at + 24, at + 24 + length));
      entries.push({ name, ino: this.view.getBigUint64(at + 8, true) });
      at += 24 + length;
    }
    return { errno, value: entries };
  }
}
