// WASI preview1 `$rights` (typenames.witx, flags u64) and the rights a descriptor gets.
//
// Policy (see docs/RATIONALE.md, "Why report and check rights the way uvwasi does?"): we
// follow node:wasi's uvwasi in practice. Each descriptor carries base and inheriting
// rights computed as uvwasi does (by file type, narrowed by the access mode and by what
// path_open asked for), fd_fdstat_get reports them, and each function checks the same
// single right uvwasi checks, returning `notcapable` when it is missing. No right is
// checked that uvwasi does not check. wasi-libc derives fcntl(F_GETFL) access modes and
// isatty() from these rights, so reporting them like Node keeps programs' behaviour equal.
//
// All defined rights fit in bits 0..29, so they are held as plain numbers (no BigInt
// arithmetic on the hot path); bits above 29 in a request are rights nobody holds.

/** One bit per right, in witx order. */
export const Rights = {
  FdDatasync: 1 << 0,
  FdRead: 1 << 1,
  FdSeek: 1 << 2,
  FdFdstatSetFlags: 1 << 3,
  FdSync: 1 << 4,
  FdTell: 1 << 5,
  FdWrite: 1 << 6,
  FdAdvise: 1 << 7,
  FdAllocate: 1 << 8,
  PathCreateDirectory: 1 << 9,
  PathCreateFile: 1 << 10,
  PathLinkSource: 1 << 11,
  PathLinkTarget: 1 << 12,
  PathOpen: 1 << 13,
  FdReaddir: 1 << 14,
  PathReadlink: 1 << 15,
  PathRenameSource: 1 << 16,
  PathRenameTarget: 1 << 17,
  PathFilestatGet: 1 << 18,
  PathFilestatSetSize: 1 << 19,
  PathFilestatSetTimes: 1 << 20,
  FdFilestatGet: 1 << 21,
  FdFilestatSetSize: 1 << 22,
  FdFilestatSetTimes: 1 << 23,
  PathSymlink: 1 << 24,
  PathRemoveDirectory: 1 << 25,
  PathUnlinkFile: 1 << 26,
  PollFdReadwrite: 1 << 27,
  SockShutdown: 1 << 28,
  SockAccept: 1 << 29,
} as const;

/** Every defined right. */
export const RIGHTS_ALL = (1 << 30) - 1;

const R = Rights;

/** Regular files: everything that applies to file contents and metadata (uvwasi's set). */
export const RIGHTS_REGULAR_FILE_BASE =
  R.FdDatasync | R.FdRead | R.FdSeek | R.FdFdstatSetFlags | R.FdSync | R.FdTell | R.FdWrite |
  R.FdAdvise | R.FdAllocate | R.FdFilestatGet | R.FdFilestatSetSize | R.FdFilestatSetTimes |
  R.PollFdReadwrite;

/** Directories: path operations, readdir and metadata, but no reading or writing bytes. */
export const RIGHTS_DIRECTORY_BASE =
  R.FdFdstatSetFlags | R.FdSync | R.FdAdvise | R.PathCreateDirectory | R.PathCreateFile |
  R.PathLinkSource | R.PathLinkTarget | R.PathOpen | R.FdReaddir | R.PathReadlink |
  R.PathRenameSource | R.PathRenameTarget | R.PathFilestatGet | R.PathFilestatSetSize |
  R.PathFilestatSetTimes | R.FdFilestatGet | R.FdFilestatSetTimes | R.PathSymlink |
  R.PathRemoveDirectory | R.PathUnlinkFile | R.PollFdReadwrite;

/** What descriptors opened beneath a directory may hold. */
export const RIGHTS_DIRECTORY_INHERITING = RIGHTS_DIRECTORY_BASE | RIGHTS_REGULAR_FILE_BASE;

/** Terminals: read, write, poll, stat; no seek or tell, which is how wasi-libc's isatty() tells. */
export const RIGHTS_TTY_BASE =
  R.FdRead | R.FdFdstatSetFlags | R.FdWrite | R.FdFilestatGet | R.PollFdReadwrite;

/** Sockets and pipes (uvwasi reports a pipe as a stream socket). */
export const RIGHTS_SOCKET_BASE =
  R.FdRead | R.FdFdstatSetFlags | R.FdWrite | R.FdFilestatGet | R.PollFdReadwrite |
  R.SockShutdown | R.SockAccept;

/** Base and inheriting rights a new descriptor of some kind may hold at most. */
export interface RightsPair {
  base: number;
  inheriting: number;
}

/** Access mode a host descriptor was opened with, which narrows read/write rights. */
export type AccessMode = 'read' | 'write' | 'read-write';

/**
 * The most rights a descriptor of this file type may hold (uvwasi__get_rights): by type,
 * with fd_write removed from read-only and fd_read from write-only descriptors.
 */
export function maximumRights(
  filetype: number,
  isTerminal: boolean,
  accessMode: AccessMode,
): RightsPair {
  let base: number;
  let inheriting: number;
  switch (filetype) {
    case 4: // regular_file
      base = RIGHTS_REGULAR_FILE_BASE;
      inheriting = 0;
      break;
    case 3: // directory
      base = RIGHTS_DIRECTORY_BASE;
      inheriting = RIGHTS_DIRECTORY_INHERITING;
      break;
    case 5: // socket_dgram
    case 6: // socket_stream (also pipes)
      base = RIGHTS_SOCKET_BASE;
      inheriting = RIGHTS_ALL;
      break;
    case 2: // character_device
      base = isTerminal ? RIGHTS_TTY_BASE : RIGHTS_ALL;
      inheriting = isTerminal ? 0 : RIGHTS_ALL;
      break;
    case 1: // block_device
      base = RIGHTS_ALL;
      inheriting = RIGHTS_ALL;
      break;
    default:
      base = 0;
      inheriting = 0;
  }
  if (accessMode === 'read') base &= ~R.FdWrite;
  else if (accessMode === 'write') base &= ~R.FdRead;
  return { base, inheriting };
}

/**
 * A guest's u64 rights value as a number, or `undefined` when it sets a bit above the
 * defined ones: no descriptor holds such a right, so asking for it fails with `notcapable`.
 */
export function rightsFromGuest(value: bigint): number | undefined {
  if (value >> 30n !== 0n) return undefined;
  return Number(value);
}
