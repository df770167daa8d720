// JS API: WebAssembly.Memory (JS API §5 "Memory objects"), over a guard-page linear memory
// of the native addon. `buffer` is an external ArrayBuffer over the accessible pages; growth
// (by grow() or by wasm's memory.grow, 0 pages included) detaches it at once, and the next
// read of `buffer` returns a new one, as the JS API's "refresh the memory buffer" does.
// The descriptor is read as WebIDL reads MemoryDescriptor (address, initial, maximum,
// shared, each once). Shared memories (threads) and 64-bit memories are not implemented:
// asking for one is a TypeError that says so, never a silently different memory.

import { WASM_MAX_PAGES } from '../abi/abi.js';
import { createMemory } from '../native/addon.js';
import { bindMemory, memoryInstanceOf, registerExternObjectFactory, type MemoryInstance } from '../runtime/externs.js';
import { dictionary, enforceRangeU32, readAddressType, readInitialMaximum } from './descriptors.js';
import { defineInterface } from './interface-objects.js';

export interface MemoryDescriptor {
  initial: number;
  maximum?: number;
  /** Must be false or absent: shared memories are not supported (TypeError). */
  shared?: boolean;
  /** Must be 'i32' or absent: memory64 is not supported (TypeError). */
  address?: 'i32';
}

function internalsOf(memory: unknown, caller: string): MemoryInstance {
  const found = memoryInstanceOf(memory);
  if (found === undefined) throw new TypeError(`${caller}: Receiver is not a WebAssembly.Memory`);
  return found;
}

export class Memory {
  constructor(descriptor: MemoryDescriptor) {
    const what = 'WebAssembly.Memory()';
    const members = dictionary(descriptor, `${what}: Argument 0`);
    readAddressType(members, what);
    const { initial, maximum } = readInitialMaximum(members, what);
    const shared = Boolean(members.shared);
    if (initial > WASM_MAX_PAGES) throw new RangeError(`${what}: Property 'initial': value ${initial} is above the upper bound ${WASM_MAX_PAGES}`);
    if (maximum !== undefined) {
      if (maximum > WASM_MAX_PAGES) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is above the upper bound ${WASM_MAX_PAGES}`);
      if (maximum < initial) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is below the lower bound ${initial}`);
    }
    if (shared) {
      throw new TypeError(
        maximum === undefined
          ? `${what}: a shared memory needs a maximum (and shared memories are not supported by this engine)`
          : `${what}: shared memories (the threads proposal) are not supported by this engine`,
      );
    }
    bindMemory(this, { linear: createMemory(initial, maximum ?? -1), maximum });
  }

  /** The memory's bytes; a new ArrayBuffer after each growth (the old one is detached). */
  get buffer(): ArrayBuffer {
    return internalsOf(this, 'WebAssembly.Memory.buffer').linear.buffer();
  }

  /** Grows by `delta` pages; returns the old size in pages; RangeError when it cannot. */
  grow(delta: number): number {
    const { linear } = internalsOf(this, 'WebAssembly.Memory.grow()');
    const pages = enforceRangeU32(delta, 'WebAssembly.Memory.grow(): Argument 0');
    const old = linear.grow(pages);
    if (old < 0) throw new RangeError('WebAssembly.Memory.grow(): Unable to grow instance memory');
    return old;
  }
}

defineInterface(Memory, 'WebAssembly.Memory');

/** The Memory object of a memory an instance defined (runtime/externs.ts). */
registerExternObjectFactory('memory', (instance) => {
  const memory = Object.create(Memory.prototype) as Memory;
  bindMemory(memory, instance);
  return memory;
});
