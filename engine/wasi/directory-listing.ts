// WASI preview1 fd_readdir (wasi_snapshot_preview1.witx): directory entries as a sequence
// of `$dirent` headers each followed by its name, filling the buffer as far as it goes
// and truncating the last entry (a full buffer tells the caller to read on, or to retry
// with a larger buffer; wasi-libc does both).
//
// A cookie is the index of the next entry in a listing taken when the guest reads from
// cookie 0 (the start, or after rewinddir), so seeking by cookie is stable while the guest
// reads. Entries come in the host's readdir order, without `.` and `..`, exactly as
// node:wasi (libuv's readdir) returns them. d_ino is the entry's real inode (uvwasi
// reports 0, after which wasi-libc stats every entry to learn it).

import { lstatSync, opendirSync } from 'node:fs';
import { Errno, errnoFromThrown, hostErrorCode } from './errno.js';
import type { DirectoryEntry } from './fd-table.js';
import { filetypeOfDirectoryEntry } from './file-status.js';
import { encodeUtf8 } from './guest-memory.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { DirentLayout } from './layouts.js';
import { Rights } from './rights.js';

/** Reads a directory's entries in host order. */
export function listDirectory(hostPath: string): DirectoryEntry[] {
  const entries: DirectoryEntry[] = [];
  const directory = opendirSync(hostPath);
  try {
    for (let entry = directory.readSync(); entry !== null; entry = directory.readSync()) {
      let inode = 0n;
      try {
        inode = lstatSync(`${hostPath}/${entry.name}`, { bigint: true }).ino;
      } catch (error) {
        if (hostErrorCode(error) !== 'ENOENT') throw error; // removed meanwhile: inode unknown
      }
      entries.push({ name: encodeUtf8(entry.name), inode, filetype: filetypeOfDirectoryEntry(entry) });
    }
  } finally {
    directory.closeSync();
  }
  return entries;
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
          descriptor.listing = listDirectory(descriptor.hostPath!);
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
