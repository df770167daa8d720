// JS API extension: stopping wasm code that runs too long (docs/RATIONALE.md, "How
// generated code is interrupted"). Generated code checks an
// interrupt word at every function entry that calls and every loop head; these functions
// set it. An interrupted call throws RuntimeError('interrupted') or, for a deadline,
// RuntimeError('interrupted: deadline exceeded'), from the exported function that entered
// wasm; the instance stays usable, as after a trap (memory and globals keep whatever the
// code had written before the check that stopped it).
//
// Without any call here, `worker.terminate()` and `process.exit()` stop wasm code that is
// running in a worker, as they stop JavaScript: the checks read V8's own interrupt word.

import { interruptHandle as nativeInterruptHandle, interruptThread as nativeInterruptThread, popDeadline, pushDeadline } from '../native/addon.js';

/**
 * A number naming the calling thread (main thread or worker), for interruptThread(). It is
 * a plain number so that it can be sent to other threads with postMessage.
 */
export function interruptHandle(): number {
  return nativeInterruptHandle();
}

/**
 * Interrupts the wasm code running on the thread `handle` names, from any thread: the
 * running call throws RuntimeError('interrupted') at its next check. A request that finds
 * no wasm code running on that thread is dropped (it does not hit a later call). Returns
 * false when the thread is gone.
 */
export function interruptThread(handle: number): boolean {
  return nativeInterruptThread(handle);
}

/**
 * Runs `body` (synchronously) with a deadline: wasm code running on this thread more than
 * `milliseconds` after the start throws RuntimeError('interrupted: deadline exceeded'), at
 * its next check or when it is entered. Deadlines nest (the earliest applies) and end when
 * `body` returns or throws. JavaScript is not interrupted, only wasm code called from it.
 */
export function withDeadline<T>(milliseconds: number, body: () => T): T {
  if (typeof body !== 'function') throw new TypeError('withDeadline: body must be a function');
  if (typeof milliseconds !== 'number' || !(milliseconds >= 0 && milliseconds <= 1e12)) {
    throw new RangeError('withDeadline: milliseconds must be a number in [0, 1e12]');
  }
  const token = pushDeadline(milliseconds);
  try {
    return body();
  } finally {
    popDeadline(token);
  }
}
