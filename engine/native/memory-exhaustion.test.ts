// Running out of address space for linear memories is a JavaScript Error, not a crash, and
// the space comes back once the memories are dropped. A file of its own: vitest runs each
// test file in its own process, and this one fills that process's address space for a moment.
import { describe, expect, it } from 'vitest';
import { createMemory, forceGarbageCollection, liveMemoryCount, type LinearMemory } from './addon.js';

describe('linear memory address space', () => {
  it('fails with a clear Error when no 8 GiB reservation fits, then recovers', () => {
    let kept: LinearMemory[] = [];
    let failure: unknown;
    try {
      for (let i = 0; i < 20_000; i++) kept.push(createMemory(0, 0));
    } catch (error) {
      failure = error;
    }
    const reached = kept.length;
    kept = [];
    forceGarbageCollection();
    console.log(`address space exhausted after ${reached} live memories`);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^cannot reserve 8 GiB of address space for a linear memory \(\d+ memories live\)/);
    expect(reached).toBeGreaterThan(10_000);
    expect(liveMemoryCount()).toBeLessThan(100);
    const again = createMemory(1, 1);
    new Uint8Array(again.buffer())[0] = 1;
    expect(again.byteLength()).toBe(65536);
  });
});
