// WASI preview1 poll_oneoff (wasi_snapshot_preview1.witx; `$subscription` and `$event` in
// typenames.witx): wait for clock deadlines or descriptor readiness, and report what
// happened. wasi-libc's sleep/nanosleep/usleep are a single relative clock subscription.
//
// Clock subscriptions block the thread (Atomics.wait) until the earliest deadline, then
// report every clock subscription whose deadline has passed (node:wasi reports only the
// earliest, and waits in whole milliseconds). Descriptor subscriptions are reported ready
// at once, as the witx says regular files always are; a synchronous JavaScript host cannot
// wait on a pipe or terminal, so for those "ready" means "a read or write would not fail",
// and the read then blocks. A bad descriptor is an event with `badf`, a descriptor without
// the rights fails the call with `notcapable`, as in uvwasi. No subscriptions is `inval`.
// A CPU-time clock does not advance while the thread sleeps, so waiting on one is refused
// (an event with `notsup`) unless its deadline has already passed; an unknown clock is an
// event with `inval`. The subscriptions are read before any event is written, so events
// placed over them (a guest may do so) do not change what was asked.

import { fstatSync } from 'node:fs';
import { Errno, ErrnoError, errnoFromThrown } from './errno.js';
import type { Clocks } from './clocks.js';
import { isSeekable } from './fd-io.js';
import { blockThread } from './host-io.js';
import type { WasiContext, WasiPreview1Imports } from './imports.js';
import { EventLayout, SubscriptionLayout } from './layouts.js';
import { ClockId, EventType, SubclockFlags } from './preview1-types.js';
import { Rights } from './rights.js';

/** One clock subscription: its deadline on its clock. */
interface ClockWait {
  index: number;
  clockId: number;
  deadline: bigint;
}

export function createPollImports(
  { memory, descriptors }: WasiContext,
  clocks: Clocks,
): Pick<WasiPreview1Imports, 'poll_oneoff'> {
  return {
    poll_oneoff(subscriptions, events, subscriptionCount, neventsOut) {
      try {
        memory.refresh();
        subscriptions >>>= 0;
        events >>>= 0;
        subscriptionCount >>>= 0;
        neventsOut >>>= 0;
        if (subscriptionCount === 0) return Errno.Invalid;
        memory.check(subscriptions, subscriptionCount * SubscriptionLayout.byteSize);
        memory.check(events, subscriptionCount * EventLayout.byteSize);
        memory.check(neventsOut, 4);

        // The subscriptions are copied before any event is written: the guest may have
        // put the events over them.
        const input = new DataView(
          memory.bytes.slice(subscriptions, subscriptions + subscriptionCount * SubscriptionLayout.byteSize).buffer,
        );
        let view = memory.view;
        let eventCount = 0;
        const writeEvent = (index: number, error: number, type: number, nbytes: bigint) => {
          const subscription = index * SubscriptionLayout.byteSize;
          const event = events + eventCount * EventLayout.byteSize;
          memory.bytes.fill(0, event, event + EventLayout.byteSize);
          view.setBigUint64(event + EventLayout.userdata, input.getBigUint64(subscription + SubscriptionLayout.userdata, true), true);
          view.setUint16(event + EventLayout.error, error, true);
          view.setUint8(event + EventLayout.type, type);
          view.setBigUint64(event + EventLayout.nbytes, nbytes, true);
          eventCount++;
        };

        const clockWaits: ClockWait[] = [];
        for (let index = 0; index < subscriptionCount; index++) {
          const subscription = index * SubscriptionLayout.byteSize;
          const tag = input.getUint8(subscription + SubscriptionLayout.tag);
          if (tag === EventType.Clock) {
            const clockId = input.getUint32(subscription + SubscriptionLayout.clockId, true);
            const timeout = input.getBigUint64(subscription + SubscriptionLayout.clockTimeout, true);
            const flags = input.getUint16(subscription + SubscriptionLayout.clockFlags, true);
            const now = clocks.now(clockId);
            if (now === undefined) {
              writeEvent(index, Errno.Invalid, EventType.Clock, 0n);
              continue;
            }
            const deadline = (flags & SubclockFlags.Abstime) !== 0 ? timeout : now + timeout;
            const cpuClock = clockId === ClockId.ProcessCputime || clockId === ClockId.ThreadCputime;
            if (cpuClock && deadline > now) {
              writeEvent(index, Errno.NotSupported, EventType.Clock, 0n);
              continue;
            }
            clockWaits.push({ index, clockId, deadline });
          } else if (tag === EventType.FdRead || tag === EventType.FdWrite) {
            const fd = input.getUint32(subscription + SubscriptionLayout.fileDescriptor, true);
            if (!descriptors.has(fd)) {
              writeEvent(index, Errno.BadFileDescriptor, tag, 0n);
              continue;
            }
            const needed = Rights.PollFdReadwrite | (tag === EventType.FdRead ? Rights.FdRead : Rights.FdWrite);
            const descriptor = descriptors.get(fd, needed);
            let nbytes = 0n;
            if (tag === EventType.FdRead && isSeekable(descriptor)) {
              const remaining = fstatSync(descriptor.hostFd).size - descriptor.position;
              nbytes = BigInt(Math.max(0, remaining));
            }
            writeEvent(index, Errno.Success, tag, nbytes);
          } else {
            throw new ErrnoError(Errno.Invalid);
          }
        }

        if (eventCount === 0 && clockWaits.length > 0) {
          // Nothing is ready: sleep until the earliest deadline.
          for (;;) {
            let shortestWait: bigint | undefined;
            for (const wait of clockWaits) {
              const remaining = wait.deadline - clocks.now(wait.clockId)!;
              if (shortestWait === undefined || remaining < shortestWait) shortestWait = remaining;
            }
            if (shortestWait! <= 0n) break;
            blockThread(Number(shortestWait!) / 1e6);
          }
          memory.refresh(); // no guest code ran, but keep the rule: fresh views after waiting
          view = memory.view;
        }
        for (const wait of clockWaits) {
          if (clocks.now(wait.clockId)! >= wait.deadline) writeEvent(wait.index, Errno.Success, EventType.Clock, 0n);
        }
        view.setUint32(neventsOut, eventCount, true);
        return Errno.Success;
      } catch (error) {
        return errnoFromThrown(error);
      }
    },
  };
}
