// WASI preview1 byte I/O on descriptors (wasi_snapshot_preview1.witx): fd_read, fd_write,
// fd_pread, fd_pwrite, fd_seek, fd_tell, over `$iovec`/`$ciovec` arrays in guest memory.
//
// Seekable descriptors we opened (regular files and block devices) keep their offset in
// `Descriptor.position` and use positioned host I/O, since Node cannot lseek(); append mode
// writes at the end of file (fstat before each write). Everything else (stdio, pipes,
// terminals, character devices) uses the host's own offset, and fd_seek/fd_tell on it is
// `spipe`. Bounds of every iovec are checked before any byte moves, as node:wasi does.
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

/** Whether `descriptor`'s offset is ours to keep (positioned I/O, fd_seek works). */
export function isSeekable(descriptor: Descriptor): boolean {
  return (
    descriptor.kind === 'file' &&
    (descriptor.filetype === Filetype.RegularFile || descriptor.filetype === Filetype.BlockDevice)
  );
}

/** Checks an iovec array and every buffer it names against memory. */
function checkIovecs(memory: GuestMemory, iovs: number, count: number): void {
  memory.check(iovs, count * IovecLayout.byteSize);
  const view = memory.view;
  for (let i = 0; i < count; i++) {
    const entry = iovs + i * IovecLayout.byteSize;
    memory.check(view.getUint32(entry + IovecLayout.buf, true), view.getUint32(entry + IovecLayout.bufLen, true));
  }
}

/**
 * Reads into the iovecs in order, stopping at the first short read (end of file, or a
 * pipe with no more data now). `position` null means the host's offset.
 */
function readIntoIovecs(
  memory: GuestMemory,
  hostFd: number,
  iovs: number,
  count: number,
  position: number | null,
): number {
  const view = memory.view;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const entry = iovs + i * IovecLayout.byteSize;
    const buf = view.getUint32(entry + IovecLayout.buf, true);
    const length = view.getUint32(entry + IovecLayout.bufLen, true);
    if (length === 0) continue;
    const read = readFromHost(hostFd, memory.bytes, buf, length, position === null ? null : position + total);
    total += read;
    if (read < length) break;
  }
  return total;
}

/** Writes the iovecs in order, stopping at the first short write. Zero-length ones are skipped. */
function writeFromIovecs(
  memory: GuestMemory,
  hostFd: number,
  iovs: number,
  count: number,
  position: number | null,
): number {
  const view = memory.view;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const entry = iovs + i * IovecLayout.byteSize;
    const buf = view.getUint32(entry + IovecLayout.buf, true);
    const length = view.getUint32(entry + IovecLayout.bufLen, true);
    if (length === 0) continue;
    const written = writeToHost(hostFd, memory.bytes, buf, length, position === null ? null : position + total);
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
        checkIovecs(memory, iovs, iovsLength);
        memory.check(nreadOut, 4);
        const hostFd = descriptor.hostFd;
        let nread: number;
        if (isSeekable(descriptor)) {
          nread = readIntoIovecs(memory, hostFd, iovs, iovsLength, descriptor.position);
          descriptor.position += nread;
        } else {
          nread = readIntoIovecs(memory, hostFd, iovs, iovsLength, null);
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
        checkIovecs(memory, iovs, iovsLength);
        memory.check(nwrittenOut, 4);
        const hostFd = descriptor.hostFd;
        let nwritten: number;
        if (isSeekable(descriptor)) {
          if ((descriptor.fdflags & FdFlags.Append) !== 0) descriptor.position = fstatSync(hostFd).size;
          nwritten = writeFromIovecs(memory, hostFd, iovs, iovsLength, descriptor.position);
          descriptor.position += nwritten;
        } else {
          nwritten = writeFromIovecs(memory, hostFd, iovs, iovsLength, null);
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
        checkIovecs(memory, iovs, iovsLength);
        memory.check(nreadOut, 4);
        const nread = readIntoIovecs(memory, descriptor.hostFd, iovs, iovsLength, position);
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
        checkIovecs(memory, iovs, iovsLength);
        memory.check(nwrittenOut, 4);
        const nwritten = writeFromIovecs(memory, descriptor.hostFd, iovs, iovsLength, position);
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
