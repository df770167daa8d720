// Host I/O beneath WASI preview1's fd_read/fd_write/poll_oneoff: synchronous reads and
// writes on host descriptors, and blocking the thread for a while.
//
// A host descriptor may be non-blocking (Node makes pipes on its own stdio non-blocking,
// and a terminal may be in non-blocking mode); a synchronous read or write on it then fails
// with EAGAIN instead of waiting. node:wasi hands EAGAIN to the guest, whose C library
// treats it as an I/O error. We wait and retry instead, so that output to a full pipe is
// not lost: a WASI program expects blocking descriptors.

import { readSync, writeSync } from 'node:fs';
import { hostErrorCode } from './errno.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the calling thread for `milliseconds` (fractions allowed). */
export function blockThread(milliseconds: number): void {
  if (milliseconds > 0) Atomics.wait(sleepCell, 0, 0, milliseconds);
}

/** How long to wait before retrying a descriptor that said EAGAIN. */
const EAGAIN_RETRY_MILLISECONDS = 1;

/** write(2) or pwrite(2) (`position` not null) of bytes[offset, offset + length). */
export function writeToHost(
  hostFd: number,
  bytes: Uint8Array,
  offset: number,
  length: number,
  position: number | null,
): number {
  for (;;) {
    try {
      return writeSync(hostFd, bytes, offset, length, position);
    } catch (error) {
      if (hostErrorCode(error) !== 'EAGAIN') throw error;
      blockThread(EAGAIN_RETRY_MILLISECONDS);
    }
  }
}

/** read(2) or pread(2) (`position` not null) into bytes[offset, offset + length). */
export function readFromHost(
  hostFd: number,
  bytes: Uint8Array,
  offset: number,
  length: number,
  position: number | null,
): number {
  for (;;) {
    try {
      return readSync(hostFd, bytes, offset, length, position);
    } catch (error) {
      if (hostErrorCode(error) !== 'EAGAIN') throw error;
      blockThread(EAGAIN_RETRY_MILLISECONDS);
    }
  }
}
