// WASI preview1 `$filestat` and `$filetype` (typenames.witx) from host file status: what
// fd_filestat_get, path_filestat_get and fd_fdstat_get report about a file (fd_readdir's
// entry types are in directory-listing.ts).

import type { BigIntStats, Stats } from 'node:fs';
import { Filetype } from './preview1-types.js';
import { FilestatLayout } from './layouts.js';
import type { GuestMemory } from './guest-memory.js';

/**
 * The preview1 file type of host file status. FIFOs have no preview1 type; like uvwasi
 * (which node:wasi uses) we report them as stream sockets.
 */
export function filetypeOfStats(stats: Stats | BigIntStats): number {
  if (stats.isFile()) return Filetype.RegularFile;
  if (stats.isDirectory()) return Filetype.Directory;
  if (stats.isSymbolicLink()) return Filetype.SymbolicLink;
  if (stats.isCharacterDevice()) return Filetype.CharacterDevice;
  if (stats.isBlockDevice()) return Filetype.BlockDevice;
  if (stats.isSocket() || stats.isFIFO()) return Filetype.SocketStream;
  return Filetype.Unknown;
}

/** Writes a `$filestat` for `stats` at `pointer` (bounds already checked or checked here). */
export function writeFilestat(memory: GuestMemory, pointer: number, stats: BigIntStats): void {
  memory.check(pointer, FilestatLayout.byteSize);
  const view = memory.view;
  view.setBigUint64(pointer + FilestatLayout.dev, BigInt.asUintN(64, stats.dev), true);
  view.setBigUint64(pointer + FilestatLayout.ino, BigInt.asUintN(64, stats.ino), true);
  view.setUint8(pointer + FilestatLayout.filetype, filetypeOfStats(stats));
  // Padding bytes 17..23 are zeroed so the struct reads the same on every run.
  for (let i = FilestatLayout.filetype + 1; i < FilestatLayout.nlink; i++) view.setUint8(pointer + i, 0);
  view.setBigUint64(pointer + FilestatLayout.nlink, BigInt.asUintN(64, stats.nlink), true);
  view.setBigUint64(pointer + FilestatLayout.size, BigInt.asUintN(64, stats.size), true);
  view.setBigUint64(pointer + FilestatLayout.atim, BigInt.asUintN(64, stats.atimeNs), true);
  view.setBigUint64(pointer + FilestatLayout.mtim, BigInt.asUintN(64, stats.mtimeNs), true);
  view.setBigUint64(pointer + FilestatLayout.ctim, BigInt.asUintN(64, stats.ctimeNs), true);
}
