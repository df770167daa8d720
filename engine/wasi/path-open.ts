// WASI preview1 path_open (wasi_snapshot_preview1.witx): opens a file or directory beneath
// a directory descriptor, as uvwasi does it: the host access mode follows from the rights
// asked for, the directory must hold path_open (plus path_create_file for `creat`,
// path_filestat_set_size for `trunc`) and be able to pass on every right asked for, and
// the new descriptor gets the rights asked for within the most its file type allows.
// The open itself is one openat2 beneath the directory's OS descriptor (path-resolution.ts),
// creating and truncating included, so nothing outside can be opened, created or truncated.

import { closeSync, fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import { Errno, ErrnoError, errnoFromThrown } from './errno.js';
import { Descriptor } from './fd-table.js';
import { filetypeOfStats } from './file-status.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { directoryDescriptor } from './path-operations.js';
import { hostFileSystem, openBeneath } from './path-resolution.js';
import { FdFlags, Filetype, LookupFlags, OFlags } from './preview1-types.js';
import { maximumRights, Rights, rightsFromGuest, type AccessMode } from './rights.js';

/** Rights that make path_open open the host file for reading / for writing (as uvwasi). */
const READING_RIGHTS = Rights.FdRead | Rights.FdReaddir;
const WRITING_RIGHTS = Rights.FdDatasync | Rights.FdWrite | Rights.FdAllocate | Rights.FdFilestatSetSize;

const FDFLAGS_ALL = FdFlags.Append | FdFlags.Dsync | FdFlags.Nonblock | FdFlags.Rsync | FdFlags.Sync;

export function createPathOpenImports({ memory, descriptors }: WasiContext): Pick<WasiPreview1Imports, 'path_open'> {
  return {
    path_open(fd, dirflags, path, pathLength, oflags, rightsBase, rightsInheriting, fdflags, fdOut) {
      try {
        memory.refresh();
        fdOut >>>= 0;
        oflags &= 0xffff;
        fdflags &= 0xffff;
        if (typeof rightsBase !== 'bigint' || typeof rightsInheriting !== 'bigint') return Errno.Invalid;
        const requestedBase = rightsFromGuest(BigInt.asUintN(64, rightsBase));
        const requestedInheriting = rightsFromGuest(BigInt.asUintN(64, rightsInheriting));
        const knownBase = requestedBase ?? Number(BigInt.asUintN(30, rightsBase));
        const reads = (knownBase & READING_RIGHTS) !== 0;
        const writes = (knownBase & WRITING_RIGHTS) !== 0;
        const accessMode: AccessMode = writes ? (reads ? 'read-write' : 'write') : 'read';

        // The directory must allow opening (and creating / truncating), and must be able
        // to pass on every right asked for (uvwasi's check, in the same order).
        let neededBase = Rights.PathOpen;
        if ((oflags & OFlags.Create) !== 0) neededBase |= Rights.PathCreateFile;
        if ((oflags & OFlags.Truncate) !== 0) neededBase |= Rights.PathFilestatSetSize;
        let neededInheriting = (requestedBase ?? 0) | (requestedInheriting ?? 0);
        if ((fdflags & FdFlags.Dsync) !== 0) neededInheriting |= Rights.FdDatasync;
        if ((fdflags & (FdFlags.Rsync | FdFlags.Sync)) !== 0) neededInheriting |= Rights.FdSync;
        if (writes && (fdflags & FdFlags.Append) === 0 && (oflags & OFlags.Truncate) === 0) {
          neededInheriting |= Rights.FdSeek;
        }
        const directory = directoryDescriptor(descriptors, fd, neededBase, neededInheriting);
        if (requestedBase === undefined || requestedInheriting === undefined) return Errno.NotCapable;

        const guestPath = memory.readString(path >>> 0, pathLength >>> 0);
        // Checked before opening: a failed call must not leave a created or truncated file.
        memory.check(fdOut, 4);

        // Without symlink_follow a final link is not followed, and opening it is `loop` as
        // in POSIX; links before it are always followed, beneath the directory.
        const host = hostFileSystem().constants;
        let hostFlags =
          accessMode === 'read-write' ? host.O_RDWR
          : accessMode === 'write' ? host.O_WRONLY
          : host.O_RDONLY;
        if ((dirflags & LookupFlags.SymlinkFollow) === 0) hostFlags |= host.O_NOFOLLOW;
        if ((oflags & OFlags.Create) !== 0) hostFlags |= host.O_CREAT;
        if ((oflags & OFlags.Directory) !== 0) hostFlags |= host.O_DIRECTORY;
        if ((oflags & OFlags.Exclusive) !== 0) hostFlags |= host.O_EXCL;
        if ((oflags & OFlags.Truncate) !== 0) hostFlags |= host.O_TRUNC;
        if ((fdflags & FdFlags.Dsync) !== 0) hostFlags |= host.O_DSYNC;
        if ((fdflags & FdFlags.Nonblock) !== 0) hostFlags |= host.O_NONBLOCK;
        if ((fdflags & (FdFlags.Rsync | FdFlags.Sync)) !== 0) hostFlags |= host.O_SYNC;
        // Append is emulated (fd-io.ts), so the host descriptor is opened without O_APPEND.

        const hostFd = openBeneath(directory.hostFd, guestPath, hostFlags, 0o666);
        try {
          const filetype = filetypeOfStats(fstatSync(hostFd));
          if ((oflags & OFlags.Directory) !== 0 && filetype !== Filetype.Directory) {
            throw new ErrnoError(Errno.NotDirectory);
          }
          const maximum = maximumRights(filetype, filetype === Filetype.CharacterDevice && isatty(hostFd), accessMode);
          const descriptor = new Descriptor(
            filetype === Filetype.Directory ? 'directory' : 'file',
            hostFd,
            filetype,
            requestedBase & maximum.base,
            requestedInheriting & maximum.inheriting,
            fdflags & FDFLAGS_ALL,
          );
          memory.view.setUint32(fdOut, descriptors.insert(descriptor), true);
          return Errno.Success;
        } catch (error) {
          closeSync(hostFd);
          throw error;
        }
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
