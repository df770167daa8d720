// WASI preview1's memory import ("Linear memory to be accessed by WASI functions that need
// it", wasi_snapshot_preview1.witx): access to the guest's exported `memory`.
//
// The memory's `.buffer` may be replaced whenever the guest grows memory (V8 detaches the
// old ArrayBuffer; our engine may hand out a new one), so every import calls `refresh()`
// first, which re-reads `memory.buffer` and rebuilds the views only if the buffer object
// changed. Nothing is kept across a call into wasm except that identity check, and the
// common case (no growth) allocates nothing. Views are created without a fixed length so
// that a resizable buffer grown in place is also seen at its current size.

import { isAnyArrayBuffer, isSharedArrayBuffer } from 'node:util/types';
import { Errno, ErrnoError, ERRNO_OUT_OF_BOUNDS } from './errno.js';

/** What WASI needs of a memory: `WebAssembly.Memory` or our engine's equivalent. */
export interface MemoryLike {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

export class GuestMemory {
  #memory: MemoryLike | undefined;
  #buffer: ArrayBufferLike | undefined;
  #onNotAttached: () => Error;
  /** Views of the current buffer; valid only until the guest runs again. */
  view: DataView = new DataView(new ArrayBuffer(0));
  bytes: Uint8Array = new Uint8Array(0);

  /** `onNotAttached` makes the error thrown when an import runs before start()/initialize(). */
  constructor(onNotAttached: () => Error) {
    this.#onNotAttached = onNotAttached;
  }

  attach(memory: MemoryLike): void {
    this.#memory = memory;
    this.#buffer = undefined;
  }

  /** Re-reads `memory.buffer`; every import calls this before touching memory. */
  refresh(): void {
    const memory = this.#memory;
    if (memory === undefined) throw this.#onNotAttached();
    const buffer = memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.view = new DataView(buffer);
      this.bytes = new Uint8Array(buffer);
    }
  }

  /** Throws the out-of-bounds errno unless [pointer, pointer + length) lies in memory. */
  check(pointer: number, length: number): void {
    if (pointer + length > this.bytes.length) throw new ErrnoError(ERRNO_OUT_OF_BOUNDS);
  }

  writeU32(pointer: number, value: number): void {
    this.check(pointer, 4);
    this.view.setUint32(pointer, value, true);
  }

  writeU64(pointer: number, value: bigint): void {
    this.check(pointer, 8);
    this.view.setBigUint64(pointer, value, true);
  }

  /** Decodes a UTF-8 string argument (a path); invalid UTF-8 is `ilseq`. */
  readString(pointer: number, length: number): string {
    this.check(pointer, length);
    let bytes = this.bytes.subarray(pointer, pointer + length);
    // TextDecoder refuses views of shared memory (threads proposal); copy those.
    if (isSharedArrayBuffer(bytes.buffer)) bytes = bytes.slice();
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      throw new ErrnoError(Errno.IllegalByteSequence);
    }
  }
}

/**
 * Whether `value` can serve as guest memory: an object whose `buffer` is an ArrayBuffer or
 * SharedArrayBuffer (from any realm; engines may hand out external buffers).
 */
export function isMemoryLike(value: unknown): value is MemoryLike {
  if (value === null || typeof value !== 'object') return false;
  return isAnyArrayBuffer((value as { buffer?: unknown }).buffer);
}

/** UTF-8 bytes of a host string (argument, environment entry, preopen name). */
export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
