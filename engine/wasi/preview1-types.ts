// WASI preview1 enums and flag sets (legacy/preview1/witx/typenames.witx): the integer
// values programs pass in and read back. Struct layouts are in layouts.ts, rights in
// rights.ts, error codes in errno.ts.

/** `$clockid` (u32). */
export const ClockId = {
  Realtime: 0,
  Monotonic: 1,
  ProcessCputime: 2,
  ThreadCputime: 3,
} as const;

/** `$filetype` (u8). */
export const Filetype = {
  Unknown: 0,
  BlockDevice: 1,
  CharacterDevice: 2,
  Directory: 3,
  RegularFile: 4,
  SocketDgram: 5,
  SocketStream: 6,
  SymbolicLink: 7,
} as const;

/** `$whence` (u8). */
export const Whence = { Set: 0, Cur: 1, End: 2 } as const;

/** `$advice` (u8): the largest valid value; fd_advise rejects anything above it. */
export const ADVICE_MAX = 5; // normal, sequential, random, willneed, dontneed, noreuse

/** `$fdflags` (u16). */
export const FdFlags = {
  Append: 1 << 0,
  Dsync: 1 << 1,
  Nonblock: 1 << 2,
  Rsync: 1 << 3,
  Sync: 1 << 4,
} as const;

/** `$oflags` (u16), the `path_open` open flags. */
export const OFlags = {
  Create: 1 << 0,
  Directory: 1 << 1,
  Exclusive: 1 << 2,
  Truncate: 1 << 3,
} as const;

/** `$lookupflags` (u32). */
export const LookupFlags = { SymlinkFollow: 1 << 0 } as const;

/** `$fstflags` (u16): which timestamps `*_filestat_set_times` adjusts. */
export const FstFlags = {
  Atim: 1 << 0,
  AtimNow: 1 << 1,
  Mtim: 1 << 2,
  MtimNow: 1 << 3,
} as const;
export const FST_FLAGS_ALL = FstFlags.Atim | FstFlags.AtimNow | FstFlags.Mtim | FstFlags.MtimNow;

/** `$eventtype` (u8), also the tag of `$subscription_u`. */
export const EventType = { Clock: 0, FdRead: 1, FdWrite: 2 } as const;

/** `$subclockflags` (u16). */
export const SubclockFlags = { Abstime: 1 << 0 } as const;

/** `$preopentype` (u8), the tag of `$prestat`. */
export const PreopenType = { Dir: 0 } as const;
