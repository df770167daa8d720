// WASI preview1 path arguments (`path_*` functions, wasi_snapshot_preview1.witx): a guest
// path is resolved beneath a directory descriptor and must never leave it.
//
// Every directory descriptor holds an OS directory descriptor, opened once (fd-table.ts),
// and each directory descriptor is a capability root: paths are resolved by the kernel
// relative to that directory, at the moment of the call, with openat2's RESOLVE_BENEATH
// (engine/native/src/wasi_fs.cc, which walks component by component on kernels without
// openat2). Symbolic links anywhere in a path are followed beneath the directory; an
// absolute path, an absolute link target, or a `..` above the directory is `notcapable`.
// Renaming a directory, or replacing it by a link, never changes what a descriptor opened
// on it reaches (docs/RATIONALE.md, "Why WASI path operations go through directory file
// descriptors").
//
// Operations on a name (mkdir, unlink, rmdir, rename, link, symlink, readlink) split the
// path into its directory part, opened beneath the root (O_PATH), and a final name given
// to the *at call, which does not follow a final link. A path ending in `.` or `..` names
// its directory, so it becomes "<path>" and the name `.` (as cap-std splits): `..` is
// never handed to the kernel as a name. A trailing slash stays on the name, where only
// calls that never follow a final link see it; calls that would follow (readlink, link's
// source) resolve such a path as a directory instead.
//
// node:wasi (uvwasi) instead normalises the path as text and lets the host follow links in
// the middle of a path and, without SYMLINK_FOLLOW, a final link too, so a link to a
// directory outside escapes there; we differ on purpose.

import { closeSync } from 'node:fs';
import { wasiFileSystem, type WasiFileSystem } from '../native/addon.js';
import { Errno, ErrnoError, errnoFromHostNumber, HOST_EXDEV } from './errno.js';

/** Links a path_link with symlink_follow follows before giving up with `loop` (Linux's 40). */
const MAX_SYMLINK_FOLLOWS = 40;

/** The native file-system calls (loaded with the addon on first use). */
export function hostFileSystem(): WasiFileSystem {
  return wasiFileSystem();
}

/** `result` when it is not negative; otherwise throws its errno (a native -errno). */
export function hostResult(result: number): number {
  if (result < 0) throw new ErrnoError(errnoFromHostNumber(-result));
  return result;
}

/** Refuses what no resolution may see: empty paths, NUL bytes and absolute paths. */
function checkGuestPath(guestPath: string): void {
  if (guestPath.length === 0) throw new ErrnoError(Errno.NoEntry);
  if (guestPath.includes('\0')) throw new ErrnoError(Errno.Invalid);
  if (guestPath.startsWith('/')) throw new ErrnoError(Errno.NotCapable);
}

/**
 * Opens `guestPath` beneath the OS directory descriptor `root` with open(2) `flags`
 * (symlink_follow is the absence of O_NOFOLLOW) and returns the new host descriptor,
 * which the caller closes. An escape is `notcapable`.
 */
export function openBeneath(root: number, guestPath: string, flags: number, mode = 0): number {
  checkGuestPath(guestPath);
  const result = hostFileSystem().openBeneath(root, guestPath, flags, mode);
  if (result === -HOST_EXDEV) throw new ErrnoError(Errno.NotCapable);
  return hostResult(result);
}

/** A guest path split for an operation on its final name. */
export interface FinalName {
  /** The directory part ('' for the root itself), resolved beneath the root. */
  directoryPath: string;
  /** A single component, never `..`: `.` when the path names a directory by `.`/`..`. */
  name: string;
}

/** Splits a guest path into its directory part and final name (see the header). */
export function splitFinalName(guestPath: string): FinalName {
  checkGuestPath(guestPath);
  let end = guestPath.length;
  while (guestPath.charCodeAt(end - 1) === 0x2f /* '/' */) end--;
  const trailingSlash = end < guestPath.length;
  const stripped = guestPath.slice(0, end);
  const slash = stripped.lastIndexOf('/');
  const last = stripped.slice(slash + 1);
  if (last === '.' || last === '..') return { directoryPath: stripped, name: '.' };
  return { directoryPath: slash < 0 ? '' : stripped.slice(0, slash), name: trailingSlash ? `${last}/` : last };
}

/**
 * Whether a final name reaches a directory by its syntax (`.` or a trailing slash): the
 * kernel would follow a final link to get there, so calls that look the name up without
 * the parent-directory semantics (readlinkat, linkat's source) must not be given it.
 */
export function namesDirectoryBySyntax(name: string): boolean {
  return name === '.' || name.endsWith('/');
}

/**
 * Runs `action` with an OS descriptor of the directory holding `guestPath`'s final name
 * (opened beneath `root`, closed afterwards) and that name.
 */
export function withFinalName<T>(root: number, guestPath: string, action: (directoryFd: number, name: string) => T): T {
  const { directoryPath, name } = splitFinalName(guestPath);
  if (directoryPath === '') return action(root, name);
  const directoryFd = openBeneath(root, directoryPath, hostFileSystem().constants.O_PATH | hostFileSystem().constants.O_DIRECTORY);
  try {
    return action(directoryFd, name);
  } finally {
    closeSync(directoryFd);
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * `guestPath` with its final links followed (for path_link with symlink_follow, whose
 * linkat must name the file itself): each link's target replaces the final name, and the
 * result is resolved beneath `root` again, so a target can never lead outside.
 */
export function followFinalLinks(root: number, guestPath: string): string {
  let path = guestPath;
  for (let follows = 0; ; follows++) {
    const target = withFinalName(root, path, (directoryFd, name) =>
      namesDirectoryBySyntax(name) ? -1 : hostFileSystem().readlinkAt(directoryFd, name),
    );
    if (typeof target === 'number') return path; // not a link (or missing): the caller finds out
    if (follows === MAX_SYMLINK_FOLLOWS) throw new ErrnoError(Errno.Loop);
    let text: string;
    try {
      text = utf8Decoder.decode(target);
    } catch {
      throw new ErrnoError(Errno.IllegalByteSequence);
    }
    if (text.length === 0) throw new ErrnoError(Errno.NoEntry);
    if (text.startsWith('/')) throw new ErrnoError(Errno.NotCapable);
    const { directoryPath } = splitFinalName(path);
    path = directoryPath === '' ? text : `${directoryPath}/${text}`;
  }
}

/**
 * The directory components of `guestPath` (where a link created at it lives) normalised
 * as text, or undefined when the text climbs above the root. path_symlink's check of a
 * new link's target uses it, as node:wasi does.
 */
export function linkDirectoryAsText(guestPath: string): string[] | undefined {
  const components = guestPath.split('/').filter((component) => component !== '' && component !== '.');
  components.pop();
  const directory: string[] = [];
  for (const component of components) {
    if (component !== '..') directory.push(component);
    else if (directory.pop() === undefined) return undefined;
  }
  return directory;
}

/** The path's components without empty and `.` ones. */
function splitComponents(path: string): string[] {
  return path.split('/').filter((component) => component !== '' && component !== '.');
}

/**
 * Whether the link target `target`, stored in the directory `linkDirectory` (components
 * beneath the root), stays beneath the root when read as text. path_symlink refuses links
 * that would not (as node:wasi does). This is a courtesy to host tools, not the sandbox:
 * a link can be renamed elsewhere afterwards, and resolution refuses any escape when a
 * link is followed.
 */
export function isLinkTargetBeneath(linkDirectory: readonly string[], target: string): boolean {
  if (target.startsWith('/')) return false;
  let depth = linkDirectory.length;
  for (const component of splitComponents(target)) {
    if (component === '..') {
      if (depth === 0) return false;
      depth--;
    } else {
      depth++;
    }
  }
  return true;
}
