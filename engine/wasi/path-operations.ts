// WASI preview1 path operations (wasi_snapshot_preview1.witx): path_filestat_get,
// path_filestat_set_times, path_create_directory, path_remove_directory,
// path_unlink_file, path_rename, path_link, path_symlink, path_readlink (path_open is in
// path-open.ts). Every path is resolved beneath its directory descriptor by
// path-resolution.ts; the descriptor must hold the right uvwasi checks for the call.

import {
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
} from 'node:fs';
import { Errno, ErrnoError, errnoFromThrown } from './errno.js';
import type { Descriptor, DescriptorTable } from './fd-table.js';
import { filestatTimes } from './fd-attributes.js';
import { writeFilestat } from './file-status.js';
import type { GuestMemory } from './guest-memory.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { isLinkTargetBeneath, resolvePathBeneath, type ResolvedPath } from './path-resolution.js';
import { FST_FLAGS_ALL, LookupFlags } from './preview1-types.js';
import { Rights } from './rights.js';

type PathImports = Pick<
  WasiPreview1Imports,
  | 'path_filestat_get'
  | 'path_filestat_set_times'
  | 'path_create_directory'
  | 'path_remove_directory'
  | 'path_unlink_file'
  | 'path_rename'
  | 'path_link'
  | 'path_symlink'
  | 'path_readlink'
>;

/** The directory descriptor `fd`, holding `rights`; other kinds of descriptor are `notdir`. */
export function directoryDescriptor(descriptors: DescriptorTable, fd: number, rights: number, inheriting = 0): Descriptor {
  const descriptor = descriptors.get(fd >>> 0, rights, inheriting);
  if (descriptor.kind !== 'directory') throw new ErrnoError(Errno.NotDirectory);
  return descriptor;
}

/** Reads the guest path and resolves it beneath `directory`. */
export function resolveGuestPath(
  memory: GuestMemory,
  directory: Descriptor,
  path: number,
  pathLength: number,
  followFinalSymlink: boolean,
): ResolvedPath {
  const guestPath = memory.readString(path >>> 0, pathLength >>> 0);
  return resolvePathBeneath(directory.hostPath!, guestPath, followFinalSymlink);
}

/** POSIX refuses to remove or rename `.`; so do we when a path names its own directory. */
function refuseDirectoryItself(resolved: ResolvedPath): void {
  if (resolved.components.length === 0) throw new ErrnoError(Errno.Invalid);
}

export function withoutTrailingSlash(hostPath: string): string {
  return hostPath.length > 1 && hostPath.endsWith('/') ? hostPath.slice(0, -1) : hostPath;
}

export function createPathImports({ memory, descriptors }: WasiContext): PathImports {
  return {
    path_filestat_get(fd, flags, path, pathLength, filestatOut) {
      try {
        memory.refresh();
        filestatOut >>>= 0;
        const directory = directoryDescriptor(descriptors, fd, Rights.PathFilestatGet);
        const follow = (flags & LookupFlags.SymlinkFollow) !== 0;
        const { hostPath } = resolveGuestPath(memory, directory, path, pathLength, follow);
        const stats = follow ? statSync(hostPath, { bigint: true }) : lstatSync(hostPath, { bigint: true });
        writeFilestat(memory, filestatOut, stats);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_filestat_set_times(fd, flags, path, pathLength, atim, mtim, fstFlags) {
      try {
        memory.refresh();
        if ((fstFlags & ~FST_FLAGS_ALL) !== 0) return Errno.Invalid;
        const directory = directoryDescriptor(descriptors, fd, Rights.PathFilestatSetTimes);
        const follow = (flags & LookupFlags.SymlinkFollow) !== 0;
        const { hostPath } = resolveGuestPath(memory, directory, path, pathLength, follow);
        const { atime, mtime } = filestatTimes(atim, mtim, fstFlags, () =>
          follow ? statSync(hostPath, { bigint: true }) : lstatSync(hostPath, { bigint: true }),
        );
        if (follow) utimesSync(hostPath, atime, mtime);
        else lutimesSync(hostPath, atime, mtime);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_create_directory(fd, path, pathLength) {
      try {
        memory.refresh();
        const directory = directoryDescriptor(descriptors, fd, Rights.PathCreateDirectory);
        const { hostPath } = resolveGuestPath(memory, directory, path, pathLength, false);
        mkdirSync(hostPath, 0o777);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_remove_directory(fd, path, pathLength) {
      try {
        memory.refresh();
        const directory = directoryDescriptor(descriptors, fd, Rights.PathRemoveDirectory);
        const resolved = resolveGuestPath(memory, directory, path, pathLength, false);
        refuseDirectoryItself(resolved);
        rmdirSync(resolved.hostPath);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_unlink_file(fd, path, pathLength) {
      try {
        memory.refresh();
        const directory = directoryDescriptor(descriptors, fd, Rights.PathUnlinkFile);
        const resolved = resolveGuestPath(memory, directory, path, pathLength, false);
        if (resolved.components.length === 0) return Errno.IsDirectory;
        unlinkSync(resolved.hostPath);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_rename(fd, oldPath, oldPathLength, newFd, newPath, newPathLength) {
      try {
        memory.refresh();
        let oldDirectory: Descriptor;
        let newDirectory: Descriptor;
        if (fd >>> 0 === newFd >>> 0) {
          oldDirectory = newDirectory = directoryDescriptor(
            descriptors, fd, Rights.PathRenameSource | Rights.PathRenameTarget,
          );
        } else {
          oldDirectory = directoryDescriptor(descriptors, fd, Rights.PathRenameSource);
          newDirectory = directoryDescriptor(descriptors, newFd, Rights.PathRenameTarget);
        }
        const from = resolveGuestPath(memory, oldDirectory, oldPath, oldPathLength, false);
        const to = resolveGuestPath(memory, newDirectory, newPath, newPathLength, false);
        refuseDirectoryItself(from);
        refuseDirectoryItself(to);
        renameSync(from.hostPath, to.hostPath);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_link(oldFd, oldFlags, oldPath, oldPathLength, newFd, newPath, newPathLength) {
      try {
        memory.refresh();
        let oldDirectory: Descriptor;
        let newDirectory: Descriptor;
        if (oldFd >>> 0 === newFd >>> 0) {
          oldDirectory = newDirectory = directoryDescriptor(
            descriptors, oldFd, Rights.PathLinkSource | Rights.PathLinkTarget,
          );
        } else {
          oldDirectory = directoryDescriptor(descriptors, oldFd, Rights.PathLinkSource);
          newDirectory = directoryDescriptor(descriptors, newFd, Rights.PathLinkTarget);
        }
        const follow = (oldFlags & LookupFlags.SymlinkFollow) !== 0;
        const from = resolveGuestPath(memory, oldDirectory, oldPath, oldPathLength, follow);
        const to = resolveGuestPath(memory, newDirectory, newPath, newPathLength, false);
        linkSync(from.hostPath, to.hostPath);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_symlink(oldPath, oldPathLength, fd, newPath, newPathLength) {
      try {
        memory.refresh();
        const directory = directoryDescriptor(descriptors, fd, Rights.PathSymlink);
        const target = memory.readString(oldPath >>> 0, oldPathLength >>> 0);
        const link = resolveGuestPath(memory, directory, newPath, newPathLength, false);
        if (target.includes('\0')) return Errno.Invalid;
        // An absolute target is `perm`, one climbing out of the directory `notcapable`
        // (node:wasi's codes); following such a link would fail anyway.
        if (target.startsWith('/')) return Errno.Permission;
        if (!isLinkTargetBeneath(link.components.slice(0, -1), target)) return Errno.NotCapable;
        symlinkSync(target, withoutTrailingSlash(link.hostPath));
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_readlink(fd, path, pathLength, buf, bufLength, bufusedOut) {
      try {
        memory.refresh();
        buf >>>= 0;
        bufLength >>>= 0;
        bufusedOut >>>= 0;
        const directory = directoryDescriptor(descriptors, fd, Rights.PathReadlink);
        const { hostPath } = resolveGuestPath(memory, directory, path, pathLength, false);
        memory.check(buf, bufLength);
        memory.check(bufusedOut, 4);
        const target = readlinkSync(hostPath, { encoding: 'buffer' });
        // Like readlink(2), a target longer than the buffer is truncated (node:wasi
        // instead fails with `nobufs` unless one byte is left over).
        const used = Math.min(target.length, bufLength);
        memory.bytes.set(target.subarray(0, used), buf);
        memory.view.setUint32(bufusedOut, used, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
