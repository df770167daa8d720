// WASI preview1 `errno` (legacy/preview1/witx/typenames.witx, `$errno`, tag u16): the codes
// every function returns, in the witx order, and the translation of host errors into them:
// Node's `error.code` (e.g. 'ENOENT'), or the errno number the native addon's file-system
// calls return. Import functions report failure by returning one of these; internally a
// failing step throws `ErrnoError`, and the import's one `catch` turns it (or a host
// error) into the return value.

import { constants as osConstants } from 'node:os';

/** Error codes, numbered exactly as the witx enum (success = 0 … notcapable = 76). */
export const Errno = {
  Success: 0,
  TooBig: 1, // 2big
  Access: 2, // acces
  AddressInUse: 3,
  AddressNotAvailable: 4,
  AddressFamilyNotSupported: 5,
  Again: 6,
  Already: 7,
  BadFileDescriptor: 8, // badf
  BadMessage: 9,
  Busy: 10,
  Canceled: 11,
  Child: 12,
  ConnectionAborted: 13,
  ConnectionRefused: 14,
  ConnectionReset: 15,
  Deadlock: 16,
  DestinationAddressRequired: 17,
  Domain: 18,
  DiskQuota: 19,
  Exist: 20,
  Fault: 21,
  FileTooBig: 22,
  HostUnreachable: 23,
  IdentifierRemoved: 24,
  IllegalByteSequence: 25, // ilseq
  InProgress: 26,
  Interrupted: 27,
  Invalid: 28, // inval
  Io: 29,
  IsConnected: 30,
  IsDirectory: 31,
  Loop: 32,
  TooManyFiles: 33, // mfile
  TooManyLinks: 34, // mlink
  MessageSize: 35,
  Multihop: 36,
  NameTooLong: 37,
  NetworkDown: 38,
  NetworkReset: 39,
  NetworkUnreachable: 40,
  TooManyFilesInSystem: 41, // nfile
  NoBufferSpace: 42, // nobufs
  NoDevice: 43,
  NoEntry: 44, // noent
  NoExec: 45,
  NoLock: 46,
  NoLink: 47,
  NoMemory: 48,
  NoMessage: 49,
  NoProtocolOption: 50,
  NoSpace: 51,
  NoSys: 52, // nosys: function not supported
  NotConnected: 53,
  NotDirectory: 54,
  NotEmpty: 55,
  NotRecoverable: 56,
  NotSocket: 57,
  NotSupported: 58, // notsup
  NotTty: 59,
  NoDeviceOrAddress: 60, // nxio
  Overflow: 61,
  OwnerDead: 62,
  Permission: 63, // perm
  Pipe: 64,
  Protocol: 65,
  ProtocolNotSupported: 66,
  ProtocolType: 67, // prototype
  Range: 68,
  ReadOnlyFileSystem: 69, // rofs
  InvalidSeek: 70, // spipe
  NoSuchProcess: 71, // srch
  Stale: 72,
  TimedOut: 73,
  TextFileBusy: 74,
  CrossDevice: 75, // xdev
  NotCapable: 76,
} as const;

/**
 * The code for a guest pointer or length outside linear memory. The witx has `fault`, but
 * node:wasi (uvwasi's bounds checks in node_wasi.cc) returns `overflow`; we do the same so
 * programs see the same errno on both.
 */
export const ERRNO_OUT_OF_BOUNDS = Errno.Overflow;

/** Thrown inside an import's implementation to return `errno` from it. */
export class ErrnoError extends Error {
  constructor(readonly errno: number) {
    super(`WASI errno ${errno}`);
    this.name = 'ErrnoError';
  }
}

/** POSIX error names as Node reports them in `error.code`, mapped to preview1 codes. */
const HOST_ERROR_CODES: Readonly<Record<string, number>> = {
  E2BIG: Errno.TooBig,
  EACCES: Errno.Access,
  EADDRINUSE: Errno.AddressInUse,
  EADDRNOTAVAIL: Errno.AddressNotAvailable,
  EAFNOSUPPORT: Errno.AddressFamilyNotSupported,
  EAGAIN: Errno.Again,
  EWOULDBLOCK: Errno.Again,
  EALREADY: Errno.Already,
  EBADF: Errno.BadFileDescriptor,
  EBADMSG: Errno.BadMessage,
  EBUSY: Errno.Busy,
  ECANCELED: Errno.Canceled,
  ECHILD: Errno.Child,
  ECONNABORTED: Errno.ConnectionAborted,
  ECONNREFUSED: Errno.ConnectionRefused,
  ECONNRESET: Errno.ConnectionReset,
  EDEADLK: Errno.Deadlock,
  EDESTADDRREQ: Errno.DestinationAddressRequired,
  EDOM: Errno.Domain,
  EDQUOT: Errno.DiskQuota,
  EEXIST: Errno.Exist,
  EFAULT: Errno.Fault,
  EFBIG: Errno.FileTooBig,
  EHOSTUNREACH: Errno.HostUnreachable,
  EIDRM: Errno.IdentifierRemoved,
  EILSEQ: Errno.IllegalByteSequence,
  EINPROGRESS: Errno.InProgress,
  EINTR: Errno.Interrupted,
  EINVAL: Errno.Invalid,
  EIO: Errno.Io,
  EISCONN: Errno.IsConnected,
  EISDIR: Errno.IsDirectory,
  ELOOP: Errno.Loop,
  EMFILE: Errno.TooManyFiles,
  EMLINK: Errno.TooManyLinks,
  EMSGSIZE: Errno.MessageSize,
  EMULTIHOP: Errno.Multihop,
  ENAMETOOLONG: Errno.NameTooLong,
  ENETDOWN: Errno.NetworkDown,
  ENETRESET: Errno.NetworkReset,
  ENETUNREACH: Errno.NetworkUnreachable,
  ENFILE: Errno.TooManyFilesInSystem,
  ENOBUFS: Errno.NoBufferSpace,
  ENODEV: Errno.NoDevice,
  ENOENT: Errno.NoEntry,
  ENOEXEC: Errno.NoExec,
  ENOLCK: Errno.NoLock,
  ENOLINK: Errno.NoLink,
  ENOMEM: Errno.NoMemory,
  ENOMSG: Errno.NoMessage,
  ENOPROTOOPT: Errno.NoProtocolOption,
  ENOSPC: Errno.NoSpace,
  ENOSYS: Errno.NoSys,
  ENOTCONN: Errno.NotConnected,
  ENOTDIR: Errno.NotDirectory,
  ENOTEMPTY: Errno.NotEmpty,
  ENOTRECOVERABLE: Errno.NotRecoverable,
  ENOTSOCK: Errno.NotSocket,
  ENOTSUP: Errno.NotSupported,
  EOPNOTSUPP: Errno.NotSupported,
  ENOTTY: Errno.NotTty,
  ENXIO: Errno.NoDeviceOrAddress,
  EOVERFLOW: Errno.Overflow,
  EOWNERDEAD: Errno.OwnerDead,
  EPERM: Errno.Permission,
  EPIPE: Errno.Pipe,
  EPROTO: Errno.Protocol,
  EPROTONOSUPPORT: Errno.ProtocolNotSupported,
  EPROTOTYPE: Errno.ProtocolType,
  ERANGE: Errno.Range,
  EROFS: Errno.ReadOnlyFileSystem,
  ESPIPE: Errno.InvalidSeek,
  ESRCH: Errno.NoSuchProcess,
  ESTALE: Errno.Stale,
  ETIMEDOUT: Errno.TimedOut,
  ETXTBSY: Errno.TextFileBusy,
  EXDEV: Errno.CrossDevice,
};

/** Host errno numbers (this platform's, from os.constants.errno) mapped to preview1 codes. */
const HOST_ERRNO_NUMBERS: ReadonlyMap<number, number> = new Map(
  Object.entries(osConstants.errno)
    .filter(([name]) => HOST_ERROR_CODES[name] !== undefined)
    .map(([name, value]) => [value, HOST_ERROR_CODES[name]]),
);

/** The preview1 code of a host errno number (unknown ones are `io`). */
export function errnoFromHostNumber(hostErrno: number): number {
  return HOST_ERRNO_NUMBERS.get(hostErrno) ?? Errno.Io;
}

/** The host's EXDEV, which a resolution beneath a directory returns for an escape. */
export const HOST_EXDEV = osConstants.errno.EXDEV;

/** The host error code (e.g. 'EAGAIN') of a thrown Node system error, if it is one. */
export function hostErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The errno an import returns for something thrown while it ran: an `ErrnoError`'s code,
 * or a Node system error translated by name (unknown names become `io`). Anything else
 * (a bug, or a host callback's own exception) is rethrown unchanged.
 */
export function errnoFromThrown(error: unknown): number {
  if (error instanceof ErrnoError) return error.errno;
  const code = hostErrorCode(error);
  if (code !== undefined && /^E[A-Z0-9]+$/.test(code)) return HOST_ERROR_CODES[code] ?? Errno.Io;
  throw error;
}
