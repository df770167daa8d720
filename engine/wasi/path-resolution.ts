// WASI preview1 path arguments (`path_*` functions, wasi_snapshot_preview1.witx): a guest
// path is resolved beneath a directory descriptor and must never leave it.
//
// The walk is component by component over the host file system: `.` is skipped, `..` pops
// a component (popping past the directory is `notcapable`), and every symbolic link met
// on the way (and the last component when the call asks to follow links) is read and its
// target spliced in, so a link can never carry the path outside. Absolute guest paths and
// absolute link targets are `notcapable`. The result is a host path whose every directory
// component is a real directory beneath the root; only the last component may be a link
// (when not following) or missing (when creating).
//
// node:wasi (uvwasi) instead normalises the path as text and lets the host follow links in
// the middle of a path and, without SYMLINK_FOLLOW, a final link too, so a link to a
// directory outside escapes there; we differ on purpose (docs/RATIONALE.md). A JavaScript
// host cannot use openat2(RESOLVE_BENEATH): a concurrent rename on the host between this
// walk and the operation could still redirect it. Host paths use POSIX separators.

import { lstatSync, readlinkSync } from 'node:fs';
import { Errno, ErrnoError } from './errno.js';

/** Links followed in one resolution before giving up with `loop` (Linux's limit is 40). */
const MAX_SYMLINK_FOLLOWS = 32;

export interface ResolvedPath {
  /** Host path of the target (the root itself when the guest path names it). */
  hostPath: string;
  /** The components of the result beneath the root (empty for the root itself). */
  components: string[];
}

/**
 * Resolves `guestPath` beneath the host directory `root` (an absolute, symlink-free path).
 * `followFinalSymlink` is `$lookupflags::symlink_follow`; a trailing `/` also follows.
 */
export function resolvePathBeneath(
  root: string,
  guestPath: string,
  followFinalSymlink: boolean,
): ResolvedPath {
  if (guestPath.length === 0) throw new ErrnoError(Errno.NoEntry);
  if (guestPath.includes('\0')) throw new ErrnoError(Errno.Invalid);
  if (guestPath.startsWith('/')) throw new ErrnoError(Errno.NotCapable);

  let trailingSlash = guestPath.endsWith('/');
  // Components still to visit, last one first (so pop() yields the next).
  const pending = splitComponents(guestPath).reverse();
  const resolved: string[] = [];
  let follows = 0;

  while (pending.length > 0) {
    const component = pending.pop()!;
    if (component === '..') {
      if (resolved.length === 0) throw new ErrnoError(Errno.NotCapable);
      resolved.pop();
      continue;
    }
    const isLast = pending.length === 0;
    const hostPath = joinHostPath(root, resolved, component);
    if (!isLast || followFinalSymlink || trailingSlash) {
      const stats = lstatSync(hostPath, { throwIfNoEntry: false });
      if (stats?.isSymbolicLink()) {
        if (++follows > MAX_SYMLINK_FOLLOWS) throw new ErrnoError(Errno.Loop);
        const target = readlinkSync(hostPath, 'utf8');
        if (target.startsWith('/')) throw new ErrnoError(Errno.NotCapable);
        if (isLast && target.endsWith('/')) trailingSlash = true;
        const targetComponents = splitComponents(target);
        for (let i = targetComponents.length - 1; i >= 0; i--) pending.push(targetComponents[i]);
        continue;
      }
      if (!isLast) {
        if (stats === undefined) throw new ErrnoError(Errno.NoEntry);
        if (!stats.isDirectory()) throw new ErrnoError(Errno.NotDirectory);
      }
    }
    resolved.push(component);
  }

  if (resolved.length === 0) return { hostPath: root, components: resolved };
  const hostPath = joinHostPath(root, [], resolved.join('/'));
  // Keep a trailing slash so the host insists on a directory (ENOTDIR otherwise).
  return { hostPath: trailingSlash ? hostPath + '/' : hostPath, components: resolved };
}

/** The path's components without empty and `.` ones. */
function splitComponents(path: string): string[] {
  return path.split('/').filter((component) => component !== '' && component !== '.');
}

function joinHostPath(root: string, resolved: readonly string[], component: string): string {
  const prefix = root.endsWith('/') ? root : root + '/';
  return resolved.length === 0
    ? prefix + component
    : prefix + resolved.join('/') + '/' + component;
}

/**
 * Whether the link target `target`, stored in the directory `linkDirectory` (components
 * beneath the root), stays beneath the root when read as text. path_symlink refuses links
 * that would not (as node:wasi does); resolution checks again when a link is followed.
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
