// WASI preview1 struct layouts (legacy/preview1/witx/typenames.witx), as wasm32 C lays them
// out: little-endian, each field at its natural alignment, the struct padded to its largest
// alignment. Byte offsets of every field the implementation reads or writes.

/** `$iovec` / `$ciovec`: { buf: pointer u32, buf_len: u32 }. */
export const IovecLayout = { byteSize: 8, buf: 0, bufLen: 4 } as const;

/** `$fdstat`: filetype u8, fdflags u16, rights_base u64, rights_inheriting u64. */
export const FdstatLayout = {
  byteSize: 24,
  filetype: 0,
  flags: 2,
  rightsBase: 8,
  rightsInheriting: 16,
} as const;

/** `$filestat`: dev, ino u64; filetype u8; nlink, size, atim, mtim, ctim u64. */
export const FilestatLayout = {
  byteSize: 64,
  dev: 0,
  ino: 8,
  filetype: 16,
  nlink: 24,
  size: 32,
  atim: 40,
  mtim: 48,
  ctim: 56,
} as const;

/** `$prestat`: union tagged by `$preopentype` (u8), with `$prestat_dir` { pr_name_len: u32 }. */
export const PrestatLayout = { byteSize: 8, tag: 0, nameLength: 4 } as const;

/** `$dirent`: d_next u64, d_ino u64, d_namlen u32, d_type u8; the name bytes follow it. */
export const DirentLayout = { byteSize: 24, next: 0, ino: 8, nameLength: 16, type: 20 } as const;

/**
 * `$subscription`: userdata u64, then `$subscription_u` at 8: tag u8, and its payload at 16
 * (8-aligned because `$subscription_clock` holds u64s). Clock payload: id u32 @16, timeout
 * u64 @24, precision u64 @32, flags u16 @40. fd_read/fd_write payload: file_descriptor u32 @16.
 */
export const SubscriptionLayout = {
  byteSize: 48,
  userdata: 0,
  tag: 8,
  clockId: 16,
  clockTimeout: 24,
  clockPrecision: 32,
  clockFlags: 40,
  fileDescriptor: 16,
} as const;

/**
 * `$event`: userdata u64, error u16 @8, type u8 @10, and `$event_fd_readwrite` at 16:
 * nbytes u64 @16, flags u16 @24.
 */
export const EventLayout = {
  byteSize: 32,
  userdata: 0,
  error: 8,
  type: 10,
  nbytes: 16,
  flags: 24,
} as const;
