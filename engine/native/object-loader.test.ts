// The addon's own object loader (src/object_loader.cc), which links kept object files
// (linkObjects: code cache hits, serialized modules, compile batches) instead of JITLink:
// the same objects linked by JITLink (compile) and by the loader compute the same; each
// relocation kind our objects use is exercised (calls and stubs to the process's libm,
// PC-relative constants, GOT-relative and absolute addresses of data, a writable global);
// what it declines (unwind tables, damaged objects) goes to JITLink; released images are
// unmapped. vitest runs this file in a forked process, so process.env is what the addon reads.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INVOKE_OK } from '../abi/trap-codes.js';
import { compile, invoke, linkObjects, objectLoaderStats, scratch, type CompiledCode } from './addon.js';

const slots = {
  u32: new Uint32Array(scratch()),
  i64: new BigInt64Array(scratch()),
  f32: new Float32Array(scratch()),
};

// slot 0: i32 index → functions[index & 1](table[index]) (rodata, a function-pointer table,
// an indirect call); slot 1: ++counter (a writable global through the GOT); slot 2: f32
// roundeven (at the generic CPU a call to the process's roundevenf, through a stub).
const ENTRY_IR = (attributes: string) => `
@counter = global i64 0
@table = constant [4 x i32] [i32 10, i32 20, i32 30, i32 40]
@functions = constant [2 x ptr] [ptr @double_it, ptr @negate_it]
declare float @llvm.roundeven.f32(float)

define internal i32 @double_it(i32 %x) noinline {
  %r = mul i32 %x, 2
  ret i32 %r
}

define internal i32 @negate_it(i32 %x) noinline {
  %r = sub i32 0, %x
  ret i32 %r
}

define void @entry(ptr %funcref, ptr %slots) ${attributes} {
  %p1 = getelementptr i8, ptr %slots, i64 8
  %p2 = getelementptr i8, ptr %slots, i64 16
  %i = load i32, ptr %slots
  %index = zext i32 %i to i64
  %tp = getelementptr [4 x i32], ptr @table, i64 0, i64 %index
  %t = load i32, ptr %tp
  %which = and i64 %index, 1
  %fp = getelementptr [2 x ptr], ptr @functions, i64 0, i64 %which
  %f = load ptr, ptr %fp
  %r = call i32 %f(i32 %t)
  store i32 %r, ptr %slots
  %c = load i64, ptr @counter
  %c1 = add i64 %c, 1
  store i64 %c1, ptr @counter
  store i64 %c1, ptr %p1
  %x = load float, ptr %p2
  %y = call float @llvm.roundeven.f32(float %x)
  store float %y, ptr %p2
  ret void
}
`;

/** Runs @entry with index `i` and float `x`: [slot 0 as i32, counter, roundeven(x)]. */
function run(code: CompiledCode, i: number, x: number): [number, bigint, number] {
  slots.u32[0] = i;
  slots.f32[4] = x;
  expect(invoke(code.addresses[0], 0n, 3)).toBe(INVOKE_OK);
  return [slots.u32[0] | 0, slots.i64[1], slots.f32[4]];
}

function compileKept(attributes = '', cpu: 'native' | 'generic' = 'generic', optLevel: 0 | 2 = 2): CompiledCode {
  return compile(ENTRY_IR(attributes), { optLevel, cpu, name: 'loader', symbols: ['entry'], keepObjects: true });
}

function mappings(): number {
  return readFileSync('/proc/self/maps', 'utf8').split('\n').length;
}

describe('object loader', () => {
  for (const [cpu, optLevel] of [['generic', 2], ['generic', 0], ['native', 2]] as const) {
    it(`links what JITLink links, and the code computes the same (${cpu} CPU, O${optLevel})`, () => {
      const byJitLink = compileKept('', cpu, optLevel);
      const before = objectLoaderStats();
      const byLoader = linkObjects(byJitLink.objects!, { name: 'loader-copy', symbols: ['entry'] });
      try {
        expect(objectLoaderStats().loaded).toBe(before.loaded + 1);
        expect(byLoader.addresses[0]).not.toBe(byJitLink.addresses[0]);
        for (const code of [byJitLink, byLoader]) {
          // Each image has its own writable counter, starting at 0.
          expect(run(code, 0, 2.5)).toEqual([20, 1n, 2]);
          expect(run(code, 1, 3.5)).toEqual([-20, 2n, 4]);
          expect(run(code, 2, -0.5)).toEqual([60, 3n, -0]);
          expect(run(code, 3, -7.25)).toEqual([-40, 4n, -7]);
        }
      } finally {
        byLoader.release();
        byJitLink.release();
      }
    });
  }

  it('declines objects with unwind tables, which JITLink links instead', () => {
    const byJitLink = compileKept('uwtable');
    const before = objectLoaderStats();
    const linked = linkObjects(byJitLink.objects!, { name: 'loader-unwind', symbols: ['entry'] });
    try {
      expect(objectLoaderStats()).toEqual({ loaded: before.loaded, declined: before.declined + 1 });
      expect(run(linked, 1, 0.5)).toEqual([-20, 1n, 0]);
    } finally {
      linked.release();
      byJitLink.release();
    }
  });

  it('WASM_LLVM_DISABLE=object-loader links with JITLink', () => {
    const byJitLink = compileKept();
    const before = objectLoaderStats();
    process.env.WASM_LLVM_DISABLE = 'object-loader';
    try {
      const linked = linkObjects(byJitLink.objects!, { name: 'loader-disabled', symbols: ['entry'] });
      expect(objectLoaderStats()).toEqual(before);
      expect(run(linked, 2, 1.5)).toEqual([60, 1n, 2]);
      linked.release();
    } finally {
      delete process.env.WASM_LLVM_DISABLE;
      byJitLink.release();
    }
  });

  it('a damaged object is declined, and the link fails with an error (no crash)', () => {
    const byJitLink = compileKept();
    const damaged = Uint8Array.from(byJitLink.objects![0]);
    damaged[18] ^= 0xff; // e_machine
    const before = objectLoaderStats();
    expect(() => linkObjects([damaged], { name: 'loader-damaged', symbols: ['entry'] })).toThrow();
    expect(objectLoaderStats().declined).toBe(before.declined + 1);
    // A symbol the objects do not define: the loader gives up, and so does JITLink.
    expect(() => linkObjects(byJitLink.objects!, { name: 'loader-missing', symbols: ['entry', 'no_such_symbol'] })).toThrow(/no_such_symbol/);
    byJitLink.release();
  });

  it('released images are unmapped', () => {
    const byJitLink = compileKept();
    const objects = byJitLink.objects!;
    for (let i = 0; i < 20; i++) linkObjects(objects, { name: 'loader-warm', symbols: ['entry'] }).release();
    const before = mappings();
    for (let i = 0; i < 500; i++) {
      const linked = linkObjects(objects, { name: 'loader-cycle', symbols: ['entry'] });
      if (i % 100 === 0) expect(run(linked, 0, 0)).toEqual([20, 1n, 0]);
      linked.release();
    }
    expect(mappings() - before).toBeLessThan(20);
    byJitLink.release();
  });
});
