// WASI preview1 args_get / args_sizes_get / environ_get / environ_sizes_get
// (wasi_snapshot_preview1.witx): command-line arguments and environment variables as
// NUL-terminated UTF-8 strings in a guest buffer, with an array of pointers to them.

import { Errno, errnoFromThrown } from './errno.js';
import { encodeUtf8, type GuestMemory } from './guest-memory.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';

/** A list of strings encoded once: their NUL-terminated bytes back to back, and offsets. */
export class EncodedStrings {
  readonly bytes: Uint8Array;
  readonly offsets: number[];

  constructor(strings: readonly string[]) {
    const encoded = strings.map((text) => encodeUtf8(text));
    this.bytes = new Uint8Array(encoded.reduce((total, bytes) => total + bytes.length + 1, 0));
    this.offsets = [];
    let offset = 0;
    for (const bytes of encoded) {
      this.offsets.push(offset);
      this.bytes.set(bytes, offset);
      offset += bytes.length + 1; // the terminating NUL is already zero
    }
  }

  /** `*_sizes_get`: the number of strings and the bytes their buffer needs. */
  writeSizes(memory: GuestMemory, countOut: number, bufferSizeOut: number): void {
    memory.check(countOut, 4);
    memory.check(bufferSizeOut, 4);
    memory.view.setUint32(countOut, this.offsets.length, true);
    memory.view.setUint32(bufferSizeOut, this.bytes.length, true);
  }

  /** `*_get`: the strings into `buffer` and pointers to each into the array at `pointers`. */
  write(memory: GuestMemory, pointers: number, buffer: number): void {
    memory.check(pointers, this.offsets.length * 4);
    memory.check(buffer, this.bytes.length);
    for (let i = 0; i < this.offsets.length; i++) {
      memory.view.setUint32(pointers + i * 4, buffer + this.offsets[i], true);
    }
    memory.bytes.set(this.bytes, buffer);
  }
}

export function createArgsEnvironImports(
  { memory }: WasiContext,
  args: EncodedStrings,
  environ: EncodedStrings,
): Pick<WasiPreview1Imports, 'args_get' | 'args_sizes_get' | 'environ_get' | 'environ_sizes_get'> {
  return {
    args_get(argv, argvBuf) {
      try {
        memory.refresh();
        args.write(memory, argv >>> 0, argvBuf >>> 0);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
    args_sizes_get(argcOut, argvBufSizeOut) {
      try {
        memory.refresh();
        args.writeSizes(memory, argcOut >>> 0, argvBufSizeOut >>> 0);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
    environ_get(environPointers, environBuf) {
      try {
        memory.refresh();
        environ.write(memory, environPointers >>> 0, environBuf >>> 0);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
    environ_sizes_get(countOut, bufSizeOut) {
      try {
        memory.refresh();
        environ.writeSizes(memory, countOut >>> 0, bufSizeOut >>> 0);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
