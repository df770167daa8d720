// JS API: WebAssembly.Memory (JS API §5 "Memory objects"), over a guard-page linear memory
// of the native addon. `buffer` is an external ArrayBuffer over the accessible pages; growth
// (by grow() or by wasm's memory.grow, 0 pages included) detaches it at once, and the next
// read of `buffer` returns a new one, as the JS API's "refresh the memory buffer" does.

import { WASM_MAX_PAGES } from '../abi/abi.js';
import { createMemory } from '../native/addon.js';
import { bindMemory, memoryInstanceOf, registerExternObjectFactory, type MemoryInstance } from '../runtime/externs.js';
import { dictionary, enforceRangeU32, readLimits } from './descriptors.js';

export interface MemoryDescriptor {
  initial: number;
  maximum?: number;
}

function internalsOf(memory: unknown, caller: string): MemoryInstance {
  const found = memoryInstanceOf(memory);
  if (found === undefined) throw new TypeError(`${caller}: Receiver is not a WebAssembly.Memory`);
  return found;
}

export class Memory {
  constructor(descriptor: MemoryDescriptor) {
    const members = dictionary(descriptor, 'WebAssembly.Memory(): Argument 0');
    const { initial, maximum } = readLimits(members, 'WebAssembly.Memory()', WASM_MAX_PAGES);
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

  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Memory';
  }
}

/** The Memory object of a memory an instance defined (runtime/externs.ts). */
registerExternObjectFactory('memory', (instance) => {
  const memory = Object.create(Memory.prototype) as Memory;
  bindMemory(memory, instance);
  return memory;
});
