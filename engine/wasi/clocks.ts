// WASI preview1 clocks (wasi_snapshot_preview1.witx clock_res_get / clock_time_get, and
// `$clockid` in typenames.witx): nanosecond timestamps as u64.
//
//  - monotonic: process.hrtime.bigint(), nanoseconds from an arbitrary origin.
//  - realtime: the wall clock read once (Date.now(), milliseconds) when the WASI object is
//    made, advanced by the monotonic clock, so it has nanosecond resolution, never goes
//    backwards while the program runs, and stays within a millisecond of the wall clock
//    unless the host's clock is stepped meanwhile.
//  - process and thread CPU time: process.cpuUsage() (user + system, microseconds). Node
//    offers no per-thread CPU clock; the guest runs on one thread, so both report the
//    process's (which also counts Node's helper threads).

import { Errno, errnoFromThrown } from './errno.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { ClockId } from './preview1-types.js';

export class Clocks {
  readonly #realtimeOriginNs: bigint;
  readonly #monotonicOriginNs: bigint;

  constructor() {
    this.#monotonicOriginNs = process.hrtime.bigint();
    this.#realtimeOriginNs = BigInt(Date.now()) * 1_000_000n;
  }

  /** The current time of clock `id` in nanoseconds, or undefined for an unknown clock. */
  now(id: number): bigint | undefined {
    switch (id) {
      case ClockId.Realtime:
        return this.#realtimeOriginNs + (process.hrtime.bigint() - this.#monotonicOriginNs);
      case ClockId.Monotonic:
        return process.hrtime.bigint();
      case ClockId.ProcessCputime:
      case ClockId.ThreadCputime: {
        const usage = process.cpuUsage();
        return BigInt(usage.user + usage.system) * 1000n;
      }
      default:
        return undefined;
    }
  }

  /** The resolution of clock `id` in nanoseconds, or undefined for an unknown clock. */
  resolution(id: number): bigint | undefined {
    switch (id) {
      case ClockId.Realtime:
      case ClockId.Monotonic:
        return 1n;
      case ClockId.ProcessCputime:
      case ClockId.ThreadCputime:
        return 1000n; // process.cpuUsage() counts microseconds
      default:
        return undefined;
    }
  }
}

export function createClockImports(
  { memory }: WasiContext,
  clocks: Clocks,
): Pick<WasiPreview1Imports, 'clock_res_get' | 'clock_time_get'> {
  return {
    clock_res_get(id, resolutionOut) {
      try {
        memory.refresh();
        const resolution = clocks.resolution(id >>> 0);
        if (resolution === undefined) return Errno.Invalid;
        memory.writeU64(resolutionOut >>> 0, resolution);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },

    clock_time_get(id, precision, timeOut) {
      try {
        memory.refresh();
        if (typeof precision !== 'bigint') return Errno.Invalid;
        const time = clocks.now(id >>> 0);
        if (time === undefined) return Errno.Invalid;
        memory.writeU64(timeOut >>> 0, time);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
