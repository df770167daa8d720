// Lifetime tests: instances are freed when nothing references them (docs/ARCHITECTURE.md §3: thousands
// of instantiations must not exhaust the address space; only ~16,000 8 GiB reservations fit
// in 47 bits), and what can still run stays alive: an exported function, a table holding a
// function, or a Module whose instances are gone keep their code and state.
//
// The default run makes 20,000 instantiate/drop cycles (beyond the ~16,000 that would fail
// without freeing), with no turn of the event loop; the full run is
//   WASM_INSTANTIATE_CYCLES=100000 npx vitest run engine/runtime/instantiate-cycles.test.ts
import { describe, expect, test } from 'vitest';
import * as ours from '../index.js';
import { forceGarbageCollection, liveMemoryCount } from '../native/addon.js';
import { wat, watUnavailableReason } from '../../test/support/wat.js';

const cycles = Number(process.env.WASM_INSTANTIATE_CYCLES ?? 20_000);
type Fn = (...args: unknown[]) => unknown;

const TEXT = `(module
  (import "js" "seed" (func $seed (result i32)))
  (memory (export "memory") 1)
  (table 4 funcref)
  (global $g (mut i32) (i32.const 0))
  (elem (i32.const 0) $read)
  (data (i32.const 0) "\\2a\\00\\00\\00")
  (type $r (func (result i32)))
  (func $read (result i32) (i32.load (i32.const 0)))
  (func (export "run") (param i32) (result i32)
    (global.set $g (call $seed))
    (i32.add (i32.add (local.get 0) (global.get $g)) (call_indirect (type $r) (i32.const 0)))))`;

describe.skipIf(watUnavailableReason() !== undefined)('instance lifetimes', () => {
  test(`${cycles} instantiate/drop cycles do not exhaust the address space`, () => {
    const module = new ours.Module(wat(TEXT), { optLevel: 0 });
    const started = performance.now();
    let peak = 0;
    for (let i = 0; i < cycles; i++) {
      const instance = new ours.Instance(module, { js: { seed: () => 1 } });
      expect((instance.exports.run as Fn)(i)).toBe(i + 1 + 42);
      peak = Math.max(peak, liveMemoryCount());
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`${cycles} instantiate/drop cycles: ${seconds.toFixed(2)} s (${((seconds / cycles) * 1e6).toFixed(0)} µs each), at most ${peak} memories live`);
    expect(peak).toBeLessThan(16_000);
  });

  test(`${cycles} synchronous cycles that also read memory.buffer free their memories without the event loop`, () => {
    // Each buffer holds the memory's reservation; V8 frees it during the GC itself (memory.cc),
    // so the collection createMemory forces brings the address space back. With Node-API's
    // external ArrayBuffers this failed at ~16,350 ("cannot reserve 8 GiB").
    const module = new ours.Module(wat(TEXT), { optLevel: 0 });
    let peak = 0;
    for (let i = 0; i < cycles; i++) {
      const instance = new ours.Instance(module, { js: { seed: () => 0 } });
      expect(new Uint8Array((instance.exports.memory as ours.Memory).buffer)[0]).toBe(42);
      peak = Math.max(peak, liveMemoryCount());
    }
    expect(peak).toBeLessThan(16_000);
  });

  test('an exported function, a table entry and a Module keep their code and instance alive', () => {
    const keep = (): { run: Fn; table: ours.Table; module: ours.Module } => {
      const module = new ours.Module(wat(TEXT), { optLevel: 2 });
      const instance = new ours.Instance(module, { js: { seed: () => 3 } });
      const table = new ours.Table({ element: 'anyfunc', initial: 1 });
      table.set(0, instance.exports.run);
      return { run: instance.exports.run as Fn, table, module: new ours.Module(wat('(module (func (export "f") (result i32) i32.const 9))')) };
    };
    const kept = keep();
    const { table } = kept;
    const onlyModule = kept.module;
    const run = kept.run;
    for (let i = 0; i < 3; i++) {
      forceGarbageCollection();
      new ours.Memory({ initial: 1 }); // churn
    }
    expect(run(1)).toBe(1 + 3 + 42);
    expect((table.get(0) as Fn)(2)).toBe(2 + 3 + 42);
    expect(((new ours.Instance(onlyModule).exports.f) as Fn)()).toBe(9);
  });
});
