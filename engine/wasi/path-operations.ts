// WASI preview1 path operations (wasi_snapshot_preview1.witx): path_filestat_get,
// path_filestat_set_times, path_create_directory, path_remove_directory,
// path_unlink_file, path_rename, path_link, path_symlink, path_readlink (path_open is in
// path-open.ts). Each resolves its path when it runs, beneath the OS descriptor of its
// directory descriptor (path-resolution.ts): stat and set-times open the file itself
// beneath it (O_PATH, following the final link only with symlink_follow), the others
// open the directory part beneath it and act on the final name with the *at call. The
// descriptor must hold the right uvwasi checks for the call.

import { closeSync, fstatSync } from 'node:fs';
import { Errno, ErrnoError, errnoFromThrown } from './errno.js';
import type { Descriptor, DescriptorTable } from './fd-table.js';
import { fileTimes } from './fd-attributes.js';
import { writeFilestat } from './file-status.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import {
  followFinalLinks,
  hostFileSystem,
  hostResult,
  isLinkTargetBeneath,
  linkDirectoryAsText,
  namesDirectoryBySyntax,
  openBeneath,
  withFinalName,
} from './path-resolution.js';
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

/**
 * Opens what `guestPath` names beneath `directory` without reading or writing it (O_PATH),
 * the final link itself unless `follow`, runs `action` on the host descriptor, closes it.
 */
function withPathOpened<T>(directory: Descriptor, guestPath: string, follow: boolean, action: (hostFd: number) => T): T {
  const host = hostFileSystem().constants;
  const hostFd = openBeneath(directory.hostFd, guestPath, host.O_PATH | (follow ? 0 : host.O_NOFOLLOW));
  try {
    return action(hostFd);
  } finally {
    closeSync(hostFd);
  }
}

/**
 * Fails unless `guestPath` resolves to a directory beneath `directory` (its own error
 * otherwise); used where a path names a directory by its syntax and the call cannot take one.
 */
function checkIsDirectory(directory: Descriptor, guestPath: string): void {
  const host = hostFileSystem().constants;
  closeSync(openBeneath(directory.hostFd, guestPath, host.O_PATH | host.O_DIRECTORY));
}

export function createPathImports({ memory, descriptors }: WasiContext): PathImports {
  const readPath = (path: number, pathLength: number) => memory.readString(path >>> 0, pathLength >>> 0);
  return {
    path_filestat_get(fd, flags, path, pathLength, filestatOut) {
      try {
        memory.refresh();
        filestatOut >>>= 0;
        const directory = directoryDescriptor(descriptors, fd, Rights.PathFilestatGet);
        const follow = (flags & LookupFlags.SymlinkFollow) !== 0;
        const stats = withPathOpened(directory, readPath(path, pathLength), follow, (hostFd) =>
          fstatSync(hostFd, { bigint: true }),
        );
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
        const guestPath = readPath(path, pathLength);
        const times = fileTimes(atim, mtim, fstFlags);
        withPathOpened(directory, guestPath, follow, (hostFd) =>
          hostResult(hostFileSystem().setTimesAt(hostFd, '', times.atime, times.mtime, times.which, true)),
        );
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_create_directory(fd, path, pathLength) {
      try {
        memory.refresh();
        const directory = directoryDescriptor(descriptors, fd, Rights.PathCreateDirectory);
        withFinalName(directory.hostFd, readPath(path, pathLength), (directoryFd, name) =>
          hostResult(hostFileSystem().mkdirAt(directoryFd, name, 0o777)),
        );
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_remove_directory(fd, path, pathLength) {
      try {
        memory.refresh();
        const directory = directoryDescriptor(descriptors, fd, Rights.PathRemoveDirectory);
        // A path naming the directory itself (`.`, `a/..`) is `inval`, as rmdir(".").
        withFinalName(directory.hostFd, readPath(path, pathLength), (directoryFd, name) =>
          hostResult(hostFileSystem().unlinkAt(directoryFd, name, true)),
        );
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_unlink_file(fd, path, pathLength) {
      try {
        memory.refresh();
        const directory = directoryDescriptor(descriptors, fd, Rights.PathUnlinkFile);
        withFinalName(directory.hostFd, readPath(path, pathLength), (directoryFd, name) =>
          hostResult(hostFileSystem().unlinkAt(directoryFd, name, false)),
        );
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
        const from = readPath(oldPath, oldPathLength);
        const to = readPath(newPath, newPathLength);
        withFinalName(oldDirectory.hostFd, from, (oldDirectoryFd, oldName) =>
          withFinalName(newDirectory.hostFd, to, (newDirectoryFd, newName) => {
            // POSIX: a final `.` or `..` is `inval` (Linux says EBUSY).
            if (oldName === '.' || newName === '.') throw new ErrnoError(Errno.Invalid);
            return hostResult(hostFileSystem().renameAt(oldDirectoryFd, oldName, newDirectoryFd, newName));
          }),
        );
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
        let from = readPath(oldPath, oldPathLength);
        const to = readPath(newPath, newPathLength);
        if ((oldFlags & LookupFlags.SymlinkFollow) !== 0) from = followFinalLinks(oldDirectory.hostFd, from);
        withFinalName(oldDirectory.hostFd, from, (oldDirectoryFd, oldName) => {
          if (namesDirectoryBySyntax(oldName)) {
            // A directory, if it resolves at all: hard links to directories are `perm`.
            checkIsDirectory(oldDirectory, from);
            throw new ErrnoError(Errno.Permission);
          }
          return withFinalName(newDirectory.hostFd, to, (newDirectoryFd, newName) =>
            hostResult(hostFileSystem().linkAt(oldDirectoryFd, oldName, newDirectoryFd, newName)),
          );
        });
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    path_symlink(oldPath, oldPathLength, fd, newPath, newPathLength) {
      try {
        memory.refresh();
        const directory = directoryDescriptor(descriptors, fd, Rights.PathSymlink);
        const target = readPath(oldPath, oldPathLength);
        const linkPath = readPath(newPath, newPathLength);
        withFinalName(directory.hostFd, linkPath, (directoryFd, name) => {
          if (target.includes('\0')) throw new ErrnoError(Errno.Invalid);
          // An absolute target is `perm`, one climbing out of the directory as seen from
          // the link's place `notcapable` (node:wasi's codes): following either from
          // there would be refused. Not the sandbox itself: a link may be renamed
          // elsewhere, and every link is resolved beneath its descriptor when followed.
          if (target.startsWith('/')) throw new ErrnoError(Errno.Permission);
          const linkDirectory = linkDirectoryAsText(linkPath);
          if (linkDirectory === undefined || !isLinkTargetBeneath(linkDirectory, target)) {
            throw new ErrnoError(Errno.NotCapable);
          }
          return hostResult(hostFileSystem().symlinkAt(target, directoryFd, name));
        });
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
        const guestPath = readPath(path, pathLength);
        const target = withFinalName(directory.hostFd, guestPath, (directoryFd, name) => {
          memory.check(buf, bufLength);
          memory.check(bufusedOut, 4);
          if (namesDirectoryBySyntax(name)) {
            // A directory, if it resolves at all, and no link: `inval`, as readlink(2).
            checkIsDirectory(directory, guestPath);
            throw new ErrnoError(Errno.Invalid);
          }
          const read = hostFileSystem().readlinkAt(directoryFd, name);
          if (typeof read === 'number') hostResult(read);
          return read as Buffer;
        });
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
