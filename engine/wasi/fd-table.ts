// WASI preview1 file descriptors (`$fd` handles, wasi_snapshot_preview1.witx): the table
// from guest descriptor numbers to what they refer to on the host, with their rights.
//
// Three kinds of descriptor:
//  - `stdio`: a host descriptor the embedder passed (stdin/stdout/stderr options). It is
//    used at the host's own file offset and never closed by us (node:wasi closes it;
//    closing a descriptor we did not open would break the embedding process).
//  - `file`: a host descriptor we opened in path_open. Its offset is kept here and every
//    read/write is positioned, because Node has no lseek(); append mode writes at the
//    current end of file.
//  - `directory`: a preopen or a directory opened with path_open, holding an OS directory
//    descriptor opened once. Paths are resolved relative to that descriptor (path-
//    resolution.ts), never to a host path: renaming the directory, or putting a link in
//    its old place, does not change what the descriptor reaches.
// New descriptors take the lowest free number, as uvwasi does. Host descriptors we opened
// and the guest never closed are closed once the table is garbage collected (the table
// lives as long as any import function of its WASI object does).

import { closeSync } from 'node:fs';
import { Errno, ErrnoError } from './errno.js';

export type DescriptorKind = 'stdio' | 'file' | 'directory';

/** A directory entry as fd_readdir reports it. */
export interface DirectoryEntry {
  name: Uint8Array;
  inode: bigint;
  filetype: number;
}

export class Descriptor {
  /** For `file` descriptors: the offset of the next fd_read/fd_write. */
  position = 0;
  /** For directories: the listing fd_readdir serves cookies from (rebuilt at cookie 0). */
  listing: DirectoryEntry[] | undefined = undefined;

  constructor(
    readonly kind: DescriptorKind,
    /** Host descriptor (for directories, the OS directory paths are resolved beneath). */
    readonly hostFd: number,
    readonly filetype: number,
    public rightsBase: number,
    public rightsInheriting: number,
    /** `$fdflags` as the guest set them (append is emulated for files). */
    public fdflags: number,
    /** The guest-visible name of a preopened directory (fd_prestat_dir_name). */
    readonly preopenName: Uint8Array | undefined = undefined,
  ) {}

  /** Whether fd_close must close the host descriptor (only those we opened). */
  get ownsHostFd(): boolean {
    return this.kind !== 'stdio';
  }
}

/** Closes the host descriptors a collected table still owned. */
const hostDescriptorReleaser = new FinalizationRegistry<Set<number>>((hostFds) => {
  for (const hostFd of hostFds) {
    try {
      closeSync(hostFd);
    } catch {
      // Already closed; nothing to release.
    }
  }
});

export class DescriptorTable {
  readonly #entries: (Descriptor | undefined)[] = [];
  /** Host descriptors owned by entries (shared with the releaser, which must not see `this`). */
  readonly #ownedHostFds = new Set<number>();

  constructor() {
    hostDescriptorReleaser.register(this, this.#ownedHostFds);
  }

  /**
   * The descriptor numbered `fd`, if it holds every right in `base` (and, for path_open,
   * every right in `inheriting` among its inheriting rights): `badf` if there is none,
   * `notcapable` if a right is missing. `fd` is the guest's u32.
   */
  get(fd: number, base = 0, inheriting = 0): Descriptor {
    const descriptor = this.#entries[fd];
    if (descriptor === undefined) throw new ErrnoError(Errno.BadFileDescriptor);
    if ((descriptor.rightsBase & base) !== base) throw new ErrnoError(Errno.NotCapable);
    if ((descriptor.rightsInheriting & inheriting) !== inheriting) {
      throw new ErrnoError(Errno.NotCapable);
    }
    return descriptor;
  }

  has(fd: number): boolean {
    return this.#entries[fd] !== undefined;
  }

  /** Installs `descriptor` at the lowest free number and returns that number. */
  insert(descriptor: Descriptor): number {
    const entries = this.#entries;
    let fd = 0;
    while (fd < entries.length && entries[fd] !== undefined) fd++;
    entries[fd] = descriptor;
    if (descriptor.ownsHostFd) this.#ownedHostFds.add(descriptor.hostFd);
    return fd;
  }

  /** Installs `descriptor` at a fixed number (stdio at 0..2, preopens from 3). */
  set(fd: number, descriptor: Descriptor): void {
    const entries = this.#entries;
    while (entries.length < fd) entries.push(undefined);
    entries[fd] = descriptor;
    if (descriptor.ownsHostFd) this.#ownedHostFds.add(descriptor.hostFd);
  }

  /** Removes `fd` and closes its host descriptor if we opened it. */
  close(fd: number): void {
    const descriptor = this.get(fd);
    this.#entries[fd] = undefined;
    this.#trimEnd();
    if (descriptor.ownsHostFd) {
      this.#ownedHostFds.delete(descriptor.hostFd);
      closeSync(descriptor.hostFd);
    }
  }

  /** Closes every host descriptor the table owns and empties it (a failed set-up). */
  closeAll(): void {
    for (const hostFd of this.#ownedHostFds) closeSync(hostFd);
    this.#ownedHostFds.clear();
    this.#entries.length = 0;
  }

  /** fd_renumber: `from` replaces `to` (whose descriptor is closed); both must be open. */
  renumber(from: number, to: number): void {
    const moving = this.get(from);
    this.get(to);
    if (from === to) return;
    this.close(to);
    this.#entries[from] = undefined;
    this.#entries[to] = moving;
    this.#trimEnd();
  }

  #trimEnd(): void {
    const entries = this.#entries;
    while (entries.length > 0 && entries[entries.length - 1] === undefined) entries.length--;
  }
}
