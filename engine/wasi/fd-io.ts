// WASI preview1 byte I/O on descriptors (wasi_snapshot_preview1.witx): fd_read, fd_write,
// fd_pread, fd_pwrite, fd_seek, fd_tell, over `$iovec`/`$ciovec` arrays in guest memory.
//
// Seekable descriptors we opened (regular files and block devices) keep their offset in
// `Descriptor.position` and use positioned host I/O, since Node cannot lseek(); append mode
// writes at the end of file (fstat before each write). Everything else (stdio, pipes,
// terminals, character devices) uses the host's own offset, and fd_seek/fd_tell on it is
// `spipe`. Bounds of every iovec are checked before any byte moves, as node:wasi does.
//
// As readv(2) does, the iovec array is copied out of guest memory before any byte moves:
// a read into one buffer may overwrite the array itself (a guest may point an iovec at
// it), and a later iovec must still be the one the guest passed, already checked. One
// call moves at most IOV_MAX (1024) iovecs and MAX_RW_COUNT bytes, as Linux (and libuv,
// node:wasi's) do; more is a short read or write, which callers must handle anyway. This
// also keeps every length Node's fs is given below 2^31 (Node takes them as int32) and
// every file position a safe integer.
// fd_write is the hot path of printf-heavy programs: it allocates nothing per call.

import { fstatSync } from 'node:fs';
import { Errno, ErrnoError, errnoFromThrown } from './errno.js';
import type { Descriptor } from './fd-table.js';
import type { GuestMemory } from './guest-memory.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { IovecLayout } from './layouts.js';
import { FdFlags, Filetype, Whence } from './preview1-types.js';
import { Rights } from './rights.js';
import { readFromHost, writeToHost } from './host-io.js';

type FdIoImports = Pick<
  WasiPreview1Imports,
  'fd_read' | 'fd_write' | 'fd_pread' | 'fd_pwrite' | 'fd_seek' | 'fd_tell'
>;

/** Iovecs one call moves at most (Linux's and libuv's IOV_MAX). */
const MAX_IOVECS = 1024;

/** Bytes one call moves at most (Linux's MAX_RW_COUNT, below Node's int32 lengths). */
const MAX_TRANSFER_BYTES = 0x7ffff000;

/** The iovecs of the current call as (buf, buf_len) pairs, copied before any byte moves. */
const iovecCopy = new Uint32Array(2 * MAX_IOVECS);

/** Whether `descriptor`'s offset is ours to keep (positioned I/O, fd_seek works). */
export function isSeekable(descriptor: Descriptor): boolean {
  return (
    descriptor.kind === 'file' &&
    (descriptor.filetype === Filetype.RegularFile || descriptor.filetype === Filetype.BlockDevice)
  );
}

/**
 * Checks an iovec array and every buffer it names against memory, and copies the first
 * MAX_IOVECS of them into `iovecCopy`; returns how many it copied.
 */
function copyIovecs(memory: GuestMemory, iovs: number, count: number): number {
  memory.check(iovs, count * IovecLayout.byteSize);
  const view = memory.view;
  for (let i = 0; i < count; i++) {
    const entry = iovs + i * IovecLayout.byteSize;
    const buf = view.getUint32(entry + IovecLayout.buf, true);
    const length = view.getUint32(entry + IovecLayout.bufLen, true);
    memory.check(buf, length);
    if (i < MAX_IOVECS) {
      iovecCopy[2 * i] = buf;
      iovecCopy[2 * i + 1] = length;
    }
  }
  return Math.min(count, MAX_IOVECS);
}

/**
 * How many of `length` bytes the next host transfer may move, `total` bytes into the call:
 * within MAX_TRANSFER_BYTES per call, and (positioned) not past the largest safe offset.
 */
function transferLength(length: number, total: number, position: number | null): number {
  let allowed = Math.min(length, MAX_TRANSFER_BYTES - total);
  if (position !== null) allowed = Math.min(allowed, Number.MAX_SAFE_INTEGER - (position + total));
  return Math.max(allowed, 0);
}

/**
 * Reads into the copied iovecs in order, stopping at the first short read (end of file, or
 * a pipe with no more data now). `position` null means the host's offset.
 */
function readIntoIovecs(memory: GuestMemory, hostFd: number, count: number, position: number | null): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const length = iovecCopy[2 * i + 1];
    if (length === 0) continue;
    const wanted = transferLength(length, total, position);
    if (wanted === 0) break;
    const read = readFromHost(hostFd, memory.bytes, iovecCopy[2 * i], wanted, position === null ? null : position + total);
    total += read;
    if (read < length) break;
  }
  return total;
}

/** Writes the copied iovecs in order, stopping at the first short write. Zero-length ones are skipped. */
function writeFromIovecs(memory: GuestMemory, hostFd: number, count: number, position: number | null): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const length = iovecCopy[2 * i + 1];
    if (length === 0) continue;
    const wanted = transferLength(length, total, position);
    if (wanted === 0) {
      // Nothing written because the offset is at the largest one we can express.
      if (total === 0 && position !== null) throw new ErrnoError(Errno.FileTooBig);
      break;
    }
    const written = writeToHost(hostFd, memory.bytes, iovecCopy[2 * i], wanted, position === null ? null : position + total);
    total += written;
    if (written < length) break;
  }
  return total;
}

/** A guest file offset (u64) as a safe integer; larger ones are `overflow`. */
function offsetFromGuest(offset: bigint): number {
  if (typeof offset !== 'bigint') throw new ErrnoError(Errno.Invalid);
  const value = BigInt.asUintN(64, offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ErrnoError(Errno.Overflow);
  return Number(value);
}

export function createFdIoImports({ memory, descriptors }: WasiContext): FdIoImports {
  return {
    fd_read(fd, iovs, iovsLength, nreadOut) {
      try {
        memory.refresh();
        iovs >>>= 0;
        iovsLength >>>= 0;
        nreadOut >>>= 0;
        const descriptor = descriptors.get(fd >>> 0, Rights.FdRead);
        const count = copyIovecs(memory, iovs, iovsLength);
        memory.check(nreadOut, 4);
        let nread: number;
        if (isSeekable(descriptor)) {
          nread = readIntoIovecs(memory, descriptor.hostFd, count, descriptor.position);
          descriptor.position += nread;
        } else {
          nread = readIntoIovecs(memory, descriptor.hostFd, count, null);
        }
        memory.view.setUint32(nreadOut, nread, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_write(fd, iovs, iovsLength, nwrittenOut) {
      try {
        memory.refresh();
        iovs >>>= 0;
        iovsLength >>>= 0;
        nwrittenOut >>>= 0;
        const descriptor = descriptors.get(fd >>> 0, Rights.FdWrite);
        const count = copyIovecs(memory, iovs, iovsLength);
        memory.check(nwrittenOut, 4);
        const hostFd = descriptor.hostFd;
        let nwritten: number;
        if (isSeekable(descriptor)) {
          if ((descriptor.fdflags & FdFlags.Append) !== 0) descriptor.position = fstatSync(hostFd).size;
          nwritten = writeFromIovecs(memory, hostFd, count, descriptor.position);
          descriptor.position += nwritten;
        } else {
          nwritten = writeFromIovecs(memory, hostFd, count, null);
        }
        memory.view.setUint32(nwrittenOut, nwritten, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_pread(fd, iovs, iovsLength, offset, nreadOut) {
      try {
        memory.refresh();
        iovs >>>= 0;
        iovsLength >>>= 0;
        nreadOut >>>= 0;
        const position = offsetFromGuest(offset);
        const descriptor = descriptors.get(fd >>> 0, Rights.FdRead | Rights.FdSeek);
        const count = copyIovecs(memory, iovs, iovsLength);
        memory.check(nreadOut, 4);
        const nread = readIntoIovecs(memory, descriptor.hostFd, count, position);
        memory.view.setUint32(nreadOut, nread, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_pwrite(fd, iovs, iovsLength, offset, nwrittenOut) {
      try {
        memory.refresh();
        iovs >>>= 0;
        iovsLength >>>= 0;
        nwrittenOut >>>= 0;
        const position = offsetFromGuest(offset);
        const descriptor = descriptors.get(fd >>> 0, Rights.FdWrite | Rights.FdSeek);
        const count = copyIovecs(memory, iovs, iovsLength);
        memory.check(nwrittenOut, 4);
        const nwritten = writeFromIovecs(memory, descriptor.hostFd, count, position);
        memory.view.setUint32(nwrittenOut, nwritten, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_seek(fd, offset, whence, newOffsetOut) {
      try {
        memory.refresh();
        newOffsetOut >>>= 0;
        if (typeof offset !== 'bigint') return Errno.Invalid;
        const descriptor = descriptors.get(fd >>> 0, Rights.FdSeek);
        memory.check(newOffsetOut, 8);
        const whenceValue = whence & 0xff;
        if (whenceValue !== Whence.Set && whenceValue !== Whence.Cur && whenceValue !== Whence.End) {
          return Errno.Invalid;
        }
        if (!isSeekable(descriptor)) return Errno.InvalidSeek;
        const base =
          whenceValue === Whence.Set ? 0
          : whenceValue === Whence.Cur ? descriptor.position
          : fstatSync(descriptor.hostFd).size;
        const target = BigInt(base) + BigInt.asIntN(64, offset);
        if (target < 0n) return Errno.Invalid;
        if (target > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.Overflow;
        descriptor.position = Number(target);
        memory.view.setBigUint64(newOffsetOut, target, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_tell(fd, offsetOut) {
      try {
        memory.refresh();
        offsetOut >>>= 0;
        const descriptor = descriptors.get(fd >>> 0, Rights.FdTell);
        memory.check(offsetOut, 8);
        if (!isSeekable(descriptor)) return Errno.InvalidSeek;
        memory.view.setBigUint64(offsetOut, BigInt(descriptor.position), true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
