// WASI preview1 random_get (wasi_snapshot_preview1.witx): fills guest memory with bytes
// from the host's cryptographically secure generator (getrandom/arc4random in wasi-libc).

import { randomFillSync } from 'node:crypto';
import { Errno, errnoFromThrown } from './errno.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';

export function createRandomImports({ memory }: WasiContext): Pick<WasiPreview1Imports, 'random_get'> {
  return {
    random_get(buf, bufLength) {
      try {
        memory.refresh();
        buf >>>= 0;
        bufLength >>>= 0;
        memory.check(buf, bufLength);
        if (bufLength > 0) randomFillSync(memory.bytes, buf, bufLength);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
