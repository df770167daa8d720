// WASI preview1 process functions (wasi_snapshot_preview1.witx): proc_exit, proc_raise,
// sched_yield.
//
// proc_exit never returns: it calls the WASI object's exit handler, which either throws
// `WASIExit` (returnOnExit, the default, as in node:wasi since Node 20) for start() to
// catch, or ends the Node process with the code. proc_raise is `nosys`: node:wasi
// delivers the signal to the whole Node process (SIGKILL included), which an embedder
// never wants from a guest. sched_yield has nothing to yield to in a single-threaded
// guest and succeeds.

import { Errno } from './errno.js';
import type { WasiPreview1Imports } from './imports.js';

/**
 * Thrown by proc_exit when the WASI object returns on exit; start() catches it and returns
 * `code`. Code that calls a guest export directly (not through start()) may see it.
 */
export class WASIExit extends Error {
  constructor(readonly code: number) {
    super(`WASI program exited with code ${code}`);
    this.name = 'WASIExit';
  }
}

export function createProcessImports(
  exit: (code: number) => never,
): Pick<WasiPreview1Imports, 'proc_exit' | 'proc_raise' | 'sched_yield'> {
  return {
    proc_exit(code) {
      exit(code | 0);
    },
    proc_raise() {
      return Errno.NoSys;
    },
    sched_yield() {
      return Errno.Success;
    },
  };
}
