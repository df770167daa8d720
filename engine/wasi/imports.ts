// The `wasi_snapshot_preview1` import module (legacy/preview1/witx/wasi_snapshot_preview1
// .witx) as JavaScript sees it: all 46 functions with their core wasm signatures. i32
// arguments arrive as numbers (signed: pointers above 2 GiB are negative and are read as
// u32), i64 arguments as bigints; every function but proc_exit returns an `$errno`.

import type { DescriptorTable } from './fd-table.js';
import type { GuestMemory } from './guest-memory.js';

export interface WasiPreview1Imports {
  args_get(argv: number, argvBuf: number): number;
  args_sizes_get(argcOut: number, argvBufSizeOut: number): number;
  environ_get(environ: number, environBuf: number): number;
  environ_sizes_get(countOut: number, bufSizeOut: number): number;
  clock_res_get(id: number, resolutionOut: number): number;
  clock_time_get(id: number, precision: bigint, timeOut: number): number;
  fd_advise(fd: number, offset: bigint, length: bigint, advice: number): number;
  fd_allocate(fd: number, offset: bigint, length: bigint): number;
  fd_close(fd: number): number;
  fd_datasync(fd: number): number;
  fd_fdstat_get(fd: number, fdstatOut: number): number;
  fd_fdstat_set_flags(fd: number, flags: number): number;
  fd_fdstat_set_rights(fd: number, rightsBase: bigint, rightsInheriting: bigint): number;
  fd_filestat_get(fd: number, filestatOut: number): number;
  fd_filestat_set_size(fd: number, size: bigint): number;
  fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, fstFlags: number): number;
  fd_pread(fd: number, iovs: number, iovsLength: number, offset: bigint, nreadOut: number): number;
  fd_prestat_get(fd: number, prestatOut: number): number;
  fd_prestat_dir_name(fd: number, path: number, pathLength: number): number;
  fd_pwrite(fd: number, iovs: number, iovsLength: number, offset: bigint, nwrittenOut: number): number;
  fd_read(fd: number, iovs: number, iovsLength: number, nreadOut: number): number;
  fd_readdir(fd: number, buf: number, bufLength: number, cookie: bigint, bufusedOut: number): number;
  fd_renumber(fd: number, to: number): number;
  fd_seek(fd: number, offset: bigint, whence: number, newOffsetOut: number): number;
  fd_sync(fd: number): number;
  fd_tell(fd: number, offsetOut: number): number;
  fd_write(fd: number, iovs: number, iovsLength: number, nwrittenOut: number): number;
  path_create_directory(fd: number, path: number, pathLength: number): number;
  path_filestat_get(fd: number, flags: number, path: number, pathLength: number, filestatOut: number): number;
  path_filestat_set_times(
    fd: number, flags: number, path: number, pathLength: number,
    atim: bigint, mtim: bigint, fstFlags: number,
  ): number;
  path_link(
    oldFd: number, oldFlags: number, oldPath: number, oldPathLength: number,
    newFd: number, newPath: number, newPathLength: number,
  ): number;
  path_open(
    fd: number, dirflags: number, path: number, pathLength: number, oflags: number,
    rightsBase: bigint, rightsInheriting: bigint, fdflags: number, fdOut: number,
  ): number;
  path_readlink(
    fd: number, path: number, pathLength: number, buf: number, bufLength: number, bufusedOut: number,
  ): number;
  path_remove_directory(fd: number, path: number, pathLength: number): number;
  path_rename(
    fd: number, oldPath: number, oldPathLength: number,
    newFd: number, newPath: number, newPathLength: number,
  ): number;
  path_symlink(oldPath: number, oldPathLength: number, fd: number, newPath: number, newPathLength: number): number;
  path_unlink_file(fd: number, path: number, pathLength: number): number;
  poll_oneoff(subscriptions: number, events: number, subscriptionCount: number, neventsOut: number): number;
  /** Never returns: throws (returnOnExit) or ends the process. */
  proc_exit(code: number): void;
  proc_raise(signal: number): number;
  sched_yield(): number;
  random_get(buf: number, bufLength: number): number;
  sock_accept(fd: number, flags: number, fdOut: number): number;
  sock_recv(
    fd: number, riData: number, riDataLength: number, riFlags: number,
    roDataLengthOut: number, roFlagsOut: number,
  ): number;
  sock_send(fd: number, siData: number, siDataLength: number, siFlags: number, soDataLengthOut: number): number;
  sock_shutdown(fd: number, how: number): number;
}

/** The import object `getImportObject()` returns. */
export interface WasiImportObject {
  wasi_snapshot_preview1: WasiPreview1Imports;
}

/** State the import groups share; built once per WASI object. */
export interface WasiContext {
  readonly memory: GuestMemory;
  readonly descriptors: DescriptorTable;
}
