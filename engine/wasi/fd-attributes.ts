// WASI preview1 descriptor management and attributes (wasi_snapshot_preview1.witx):
// fd_close, fd_renumber, fd_fdstat_get/set_flags/set_rights, fd_filestat_get/set_size/
// set_times, fd_advise, fd_allocate, fd_sync, fd_datasync, fd_prestat_get/dir_name.
//
// Rights are checked as uvwasi checks them (rights.ts). Where Node has no binding for the
// host call we do the nearest thing: fd_advise only validates (no posix_fadvise), and
// fd_allocate extends the file with ftruncate (uvwasi's fallback where posix_fallocate is
// missing). fd_fdstat_set_flags can only toggle append on files we opened (Node has no
// fcntl(F_SETFL)); other changes are `notsup`. Times are set with utimensat through the
// native addon, to the nanosecond, leaving a time unchanged with UTIME_OMIT.

import { fdatasyncSync, fstatSync, fsyncSync, ftruncateSync } from 'node:fs';
import { Errno, ErrnoError, errnoFromThrown } from './errno.js';
import { writeFilestat } from './file-status.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { FdstatLayout, PrestatLayout } from './layouts.js';
import { hostFileSystem, hostResult } from './path-resolution.js';
import { ADVICE_MAX, FdFlags, FST_FLAGS_ALL, FstFlags, PreopenType } from './preview1-types.js';
import { Rights, rightsFromGuest } from './rights.js';

type FdAttributeImports = Pick<
  WasiPreview1Imports,
  | 'fd_close'
  | 'fd_renumber'
  | 'fd_fdstat_get'
  | 'fd_fdstat_set_flags'
  | 'fd_fdstat_set_rights'
  | 'fd_filestat_get'
  | 'fd_filestat_set_size'
  | 'fd_filestat_set_times'
  | 'fd_advise'
  | 'fd_allocate'
  | 'fd_sync'
  | 'fd_datasync'
  | 'fd_prestat_get'
  | 'fd_prestat_dir_name'
>;

/** A guest u64 size or offset as a safe integer (`fbig` beyond 2^53). */
function sizeFromGuest(value: bigint): number {
  if (typeof value !== 'bigint') throw new ErrnoError(Errno.Invalid);
  const size = BigInt.asUintN(64, value);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new ErrnoError(Errno.FileTooBig);
  return Number(size);
}

/** What `*_filestat_set_times` asks utimensat for (wasiFs.setTimesAt's arguments). */
export interface FileTimes {
  atime: bigint;
  mtime: bigint;
  /** 1 atime now, 2 keep atime, 4 mtime now, 8 keep mtime. */
  which: number;
}

/**
 * The times `*_filestat_set_times` sets: given (nanoseconds, kept exactly; uvwasi truncates
 * to whole seconds), now, or unchanged per `fstFlags` (`now` wins over a given time).
 */
export function fileTimes(atim: bigint, mtim: bigint, fstFlags: number): FileTimes {
  if (typeof atim !== 'bigint' || typeof mtim !== 'bigint') throw new ErrnoError(Errno.Invalid);
  let which = 0;
  if ((fstFlags & FstFlags.AtimNow) !== 0) which |= 1;
  else if ((fstFlags & FstFlags.Atim) === 0) which |= 2;
  if ((fstFlags & FstFlags.MtimNow) !== 0) which |= 4;
  else if ((fstFlags & FstFlags.Mtim) === 0) which |= 8;
  return { atime: BigInt.asUintN(64, atim), mtime: BigInt.asUintN(64, mtim), which };
}

export function createFdAttributeImports({ memory, descriptors }: WasiContext): FdAttributeImports {
  return {
    fd_close(fd) {
      try {
        memory.refresh();
        descriptors.close(fd >>> 0);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_renumber(fd, to) {
      try {
        memory.refresh();
        descriptors.renumber(fd >>> 0, to >>> 0);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_fdstat_get(fd, fdstatOut) {
      try {
        memory.refresh();
        fdstatOut >>>= 0;
        const descriptor = descriptors.get(fd >>> 0);
        memory.check(fdstatOut, FdstatLayout.byteSize);
        const view = memory.view;
        view.setUint8(fdstatOut + FdstatLayout.filetype, descriptor.filetype);
        view.setUint8(fdstatOut + FdstatLayout.filetype + 1, 0);
        view.setUint16(fdstatOut + FdstatLayout.flags, descriptor.fdflags, true);
        view.setUint32(fdstatOut + FdstatLayout.flags + 2, 0, true);
        view.setBigUint64(fdstatOut + FdstatLayout.rightsBase, BigInt(descriptor.rightsBase), true);
        view.setBigUint64(fdstatOut + FdstatLayout.rightsInheriting, BigInt(descriptor.rightsInheriting), true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_fdstat_set_flags(fd, flags) {
      try {
        memory.refresh();
        const descriptor = descriptors.get(fd >>> 0, Rights.FdFdstatSetFlags);
        const wanted = flags & 0xffff;
        if (wanted === descriptor.fdflags) return Errno.Success;
        const onlyAppendChanges = ((wanted ^ descriptor.fdflags) & ~FdFlags.Append) === 0;
        if (descriptor.kind !== 'file' || !onlyAppendChanges) return Errno.NotSupported;
        descriptor.fdflags = wanted;
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_fdstat_set_rights(fd, rightsBase, rightsInheriting) {
      try {
        memory.refresh();
        if (typeof rightsBase !== 'bigint' || typeof rightsInheriting !== 'bigint') return Errno.Invalid;
        const descriptor = descriptors.get(fd >>> 0);
        const base = rightsFromGuest(BigInt.asUintN(64, rightsBase));
        const inheriting = rightsFromGuest(BigInt.asUintN(64, rightsInheriting));
        // Rights can only be dropped, never added.
        if (base === undefined || (base | descriptor.rightsBase) !== descriptor.rightsBase) {
          return Errno.NotCapable;
        }
        if (
          inheriting === undefined ||
          (inheriting | descriptor.rightsInheriting) !== descriptor.rightsInheriting
        ) {
          return Errno.NotCapable;
        }
        descriptor.rightsBase = base;
        descriptor.rightsInheriting = inheriting;
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_filestat_get(fd, filestatOut) {
      try {
        memory.refresh();
        filestatOut >>>= 0;
        const descriptor = descriptors.get(fd >>> 0, Rights.FdFilestatGet);
        writeFilestat(memory, filestatOut, fstatSync(descriptor.hostFd, { bigint: true }));
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_filestat_set_size(fd, size) {
      try {
        memory.refresh();
        const length = sizeFromGuest(size);
        const descriptor = descriptors.get(fd >>> 0, Rights.FdFilestatSetSize);
        ftruncateSync(descriptor.hostFd, length);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_filestat_set_times(fd, atim, mtim, fstFlags) {
      try {
        memory.refresh();
        if ((fstFlags & ~FST_FLAGS_ALL) !== 0) return Errno.Invalid;
        const descriptor = descriptors.get(fd >>> 0, Rights.FdFilestatSetTimes);
        const times = fileTimes(atim, mtim, fstFlags);
        hostResult(hostFileSystem().setTimesAt(descriptor.hostFd, '', times.atime, times.mtime, times.which, true));
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_advise(fd, offset, length, advice) {
      try {
        memory.refresh();
        if (typeof offset !== 'bigint' || typeof length !== 'bigint') return Errno.Invalid;
        if ((advice & 0xff) > ADVICE_MAX) return Errno.Invalid;
        descriptors.get(fd >>> 0, Rights.FdAdvise);
        return Errno.Success; // Advice only: Node has no posix_fadvise.
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_allocate(fd, offset, length) {
      try {
        memory.refresh();
        const end = sizeFromGuest(offset) + sizeFromGuest(length);
        if (end > Number.MAX_SAFE_INTEGER) return Errno.FileTooBig;
        const descriptor = descriptors.get(fd >>> 0, Rights.FdAllocate);
        const hostFd = descriptor.hostFd;
        if (fstatSync(hostFd).size < end) ftruncateSync(hostFd, end);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_sync(fd) {
      try {
        memory.refresh();
        fsyncSync(descriptors.get(fd >>> 0, Rights.FdSync).hostFd);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_datasync(fd) {
      try {
        memory.refresh();
        fdatasyncSync(descriptors.get(fd >>> 0, Rights.FdDatasync).hostFd);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_prestat_get(fd, prestatOut) {
      try {
        memory.refresh();
        prestatOut >>>= 0;
        const descriptor = descriptors.get(fd >>> 0);
        if (descriptor.preopenName === undefined) return Errno.Invalid;
        memory.check(prestatOut, PrestatLayout.byteSize);
        memory.view.setUint32(prestatOut + PrestatLayout.tag, PreopenType.Dir, true); // tag and padding
        memory.view.setUint32(prestatOut + PrestatLayout.nameLength, descriptor.preopenName.length, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_prestat_dir_name(fd, path, pathLength) {
      try {
        memory.refresh();
        path >>>= 0;
        pathLength >>>= 0;
        const descriptor = descriptors.get(fd >>> 0);
        const name = descriptor.preopenName;
        if (name === undefined) return Errno.BadFileDescriptor;
        if (name.length > pathLength) return Errno.NoBufferSpace;
        memory.check(path, name.length);
        memory.bytes.set(name, path);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
