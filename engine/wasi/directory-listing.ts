// WASI preview1 fd_readdir (wasi_snapshot_preview1.witx): directory entries as a sequence
// of `$dirent` headers each followed by its name, filling the buffer as far as it goes
// and truncating the last entry (a full buffer tells the caller to read on, or to retry
// with a larger buffer; wasi-libc does both).
//
// A cookie is the index of the next entry in a listing taken when the guest reads from
// cookie 0 (the start, or after rewinddir), so seeking by cookie is stable while the guest
// reads. The listing is read through the directory's own OS descriptor (the native addon's
// readdir on a fresh descriptor of it), so it is always the directory the descriptor
// opened. Entries come in the host's readdir order, without `.` and `..`, exactly as
// node:wasi (libuv's readdir) returns them. d_ino is the entry's real inode (uvwasi
// reports 0, after which wasi-libc stats every entry to learn it).

import { Errno, errnoFromThrown } from './errno.js';
import type { DirectoryEntry } from './fd-table.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { DirentLayout } from './layouts.js';
import { hostFileSystem, hostResult } from './path-resolution.js';
import { Filetype } from './preview1-types.js';
import { Rights } from './rights.js';

/**
 * The preview1 type of a readdir entry type (DT_*). As uvwasi's: a FIFO is `unknown`
 * there (libuv's dirent types put FIFOs with unknown), a socket `socket_stream`.
 */
function filetypeOfDirentType(type: number): number {
  const host = hostFileSystem().constants;
  switch (type) {
    case host.DT_REG: return Filetype.RegularFile;
    case host.DT_DIR: return Filetype.Directory;
    case host.DT_LNK: return Filetype.SymbolicLink;
    case host.DT_CHR: return Filetype.CharacterDevice;
    case host.DT_BLK: return Filetype.BlockDevice;
    case host.DT_SOCK: return Filetype.SocketStream;
    default: return Filetype.Unknown;
  }
}

/** Reads a directory's entries, in host order, through its OS descriptor. */
export function listDirectory(hostFd: number): DirectoryEntry[] {
  const listing = hostFileSystem().readDirectory(hostFd);
  if (typeof listing === 'number') hostResult(listing);
  const { names, inodes, types } = listing as Exclude<typeof listing, number>;
  return names.map((name, index) => ({
    name: new Uint8Array(name.buffer, name.byteOffset, name.byteLength),
    inode: inodes[index],
    filetype: filetypeOfDirentType(types[index]),
  }));
}

const direntScratch = new Uint8Array(DirentLayout.byteSize);
const direntScratchView = new DataView(direntScratch.buffer);

export function createDirectoryImports({
  memory,
  descriptors,
}: WasiContext): Pick<WasiPreview1Imports, 'fd_readdir'> {
  return {
    fd_readdir(fd, buf, bufLength, cookie, bufusedOut) {
      try {
        memory.refresh();
        buf >>>= 0;
        bufLength >>>= 0;
        bufusedOut >>>= 0;
        if (typeof cookie !== 'bigint') return Errno.Invalid;
        const descriptor = descriptors.get(fd >>> 0, Rights.FdReaddir);
        memory.check(buf, bufLength);
        memory.check(bufusedOut, 4);
        if (descriptor.kind !== 'directory') return Errno.NotDirectory;
        if (cookie === 0n || descriptor.listing === undefined) {
          descriptor.listing = listDirectory(descriptor.hostFd);
        }
        const listing = descriptor.listing;
        const bytes = memory.bytes;
        const first = BigInt.asUintN(64, cookie) > BigInt(listing.length) ? listing.length : Number(cookie);
        let used = 0;
        for (let index = first; index < listing.length && used < bufLength; index++) {
          const entry = listing[index];
          direntScratchView.setBigUint64(DirentLayout.next, BigInt(index + 1), true);
          direntScratchView.setBigUint64(DirentLayout.ino, entry.inode, true);
          direntScratchView.setUint32(DirentLayout.nameLength, entry.name.length, true);
          direntScratchView.setUint8(DirentLayout.type, entry.filetype);
          const headerBytes = Math.min(DirentLayout.byteSize, bufLength - used);
          bytes.set(direntScratch.subarray(0, headerBytes), buf + used);
          used += headerBytes;
          const nameBytes = Math.min(entry.name.length, bufLength - used);
          bytes.set(entry.name.subarray(0, nameBytes), buf + used);
          used += nameBytes;
        }
        memory.view.setUint32(bufusedOut, used, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
