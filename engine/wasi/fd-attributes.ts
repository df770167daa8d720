// WASI preview1 descriptor management and attributes (wasi_snapshot_preview1.witx):
// fd_close, fd_renumber, fd_fdstat_get/set_flags/set_rights, fd_filestat_get/set_size/
// set_times, fd_advise, fd_allocate, fd_sync, fd_datasync, fd_prestat_get/dir_name.
//
// Rights are checked as uvwasi checks them (rights.ts). Where Node has no binding for the
// host call we do the nearest thing: fd_advise only validates (no posix_fadvise), and
// fd_allocate extends the file with ftruncate (uvwasi's fallback where posix_fallocate is
// missing). fd_fdstat_set_flags can only toggle append on files we opened (Node has no
// fcntl(F_SETFL)); other changes are `notsup`.

import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  openSync,
  statSync,
  utimesSync,
  type BigIntStats,
} from 'node:fs';
import { Errno, ErrnoError, errnoFromThrown } from './errno.js';
import type { Descriptor } from './fd-table.js';
import { writeFilestat } from './file-status.js';
import { hostFdOf } from './fd-io.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { FdstatLayout, PrestatLayout } from './layouts.js';
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

/** Host status of a descriptor (preopened directories are known by path only). */
function statDescriptor(descriptor: Descriptor): BigIntStats {
  if (descriptor.hostFd !== undefined) return fstatSync(descriptor.hostFd, { bigint: true });
  return statSync(descriptor.hostPath!, { bigint: true });
}

/** Runs `sync` on the descriptor's host descriptor, opening a preopen's directory briefly. */
function syncDescriptor(descriptor: Descriptor, sync: (hostFd: number) => void): void {
  if (descriptor.hostFd !== undefined) {
    sync(descriptor.hostFd);
    return;
  }
  const hostFd = openSync(descriptor.hostPath!, 'r');
  try {
    sync(hostFd);
  } finally {
    closeSync(hostFd);
  }
}

/** A guest u64 size or offset as a safe integer (`fbig` beyond 2^53). */
function sizeFromGuest(value: bigint): number {
  if (typeof value !== 'bigint') throw new ErrnoError(Errno.Invalid);
  const size = BigInt.asUintN(64, value);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new ErrnoError(Errno.FileTooBig);
  return Number(size);
}

/**
 * The access and modification times (seconds, as Node's utimes takes them) that
 * `*_filestat_set_times` sets: given, now, or unchanged per `fstFlags`. Sub-second parts
 * are kept (uvwasi truncates to whole seconds).
 */
export function filestatTimes(
  atim: bigint,
  mtim: bigint,
  fstFlags: number,
  current: () => BigIntStats,
): { atime: number; mtime: number } {
  if (typeof atim !== 'bigint' || typeof mtim !== 'bigint') throw new ErrnoError(Errno.Invalid);
  const nowSeconds = Date.now() / 1000;
  const keepsAtime = (fstFlags & (FstFlags.Atim | FstFlags.AtimNow)) === 0;
  const keepsMtime = (fstFlags & (FstFlags.Mtim | FstFlags.MtimNow)) === 0;
  const stats = keepsAtime || keepsMtime ? current() : undefined;
  const seconds = (nanoseconds: bigint) => Number(BigInt.asUintN(64, nanoseconds)) / 1e9;
  const atime =
    (fstFlags & FstFlags.AtimNow) !== 0 ? nowSeconds
    : (fstFlags & FstFlags.Atim) !== 0 ? seconds(atim)
    : seconds(stats!.atimeNs);
  const mtime =
    (fstFlags & FstFlags.MtimNow) !== 0 ? nowSeconds
    : (fstFlags & FstFlags.Mtim) !== 0 ? seconds(mtim)
    : seconds(stats!.mtimeNs);
  return { atime, mtime };
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
        writeFilestat(memory, filestatOut, statDescriptor(descriptor));
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
        ftruncateSync(hostFdOf(descriptor), length);
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
        const { atime, mtime } = filestatTimes(atim, mtim, fstFlags, () => statDescriptor(descriptor));
        if (descriptor.hostFd !== undefined) futimesSync(descriptor.hostFd, atime, mtime);
        else utimesSync(descriptor.hostPath!, atime, mtime);
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
        const hostFd = hostFdOf(descriptor);
        if (fstatSync(hostFd).size < end) ftruncateSync(hostFd, end);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_sync(fd) {
      try {
        memory.refresh();
        syncDescriptor(descriptors.get(fd >>> 0, Rights.FdSync), fsyncSync);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    fd_datasync(fd) {
      try {
        memory.refresh();
        syncDescriptor(descriptors.get(fd >>> 0, Rights.FdDatasync), fdatasyncSync);
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
