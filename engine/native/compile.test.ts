// The addon's LLVM back end: hand-written IR following abi.ts (entry trampolines
// `void(ptr funcref, ptr slots)`) compiled at O0/O2 for the native and generic CPUs,
// called through invoke(); timings; compileAsync; LLVM's diagnostics for invalid IR.
import { describe, expect, it } from 'vitest';
import { INVOKE_OK } from '../abi/trap-codes.js';
import { compile, compileAsync, hostCpuFeatures, hostCpuName, hostHasSsse3, invoke, llvmVersion, scratch, type CompileOptions } from './addon.js';

const slots = {
  u32: new Uint32Array(scratch()),
  i64: new BigInt64Array(scratch()),
  f32: new Float32Array(scratch()),
  f64: new Float64Array(scratch()),
};

/** Slot i's low 4 bytes as u32 / f32 (i32 and f32 live in the low bytes of their slot). */
const low32 = (slot: number) => slot * 2;

// slot 0: i32 × 3; slot 1: i64 − 1; slot 2: f32 negated (bitwise: NaN payloads survive); slot 3: f64 / 4
const ARITHMETIC_IR = `
define void @arithmetic(ptr %funcref, ptr %slots) {
  %p1 = getelementptr i8, ptr %slots, i64 8
  %p2 = getelementptr i8, ptr %slots, i64 16
  %p3 = getelementptr i8, ptr %slots, i64 24
  %a = load i32, ptr %slots
  %b = load i64, ptr %p1
  %c = load float, ptr %p2
  %d = load double, ptr %p3
  %a2 = mul i32 %a, 3
  %b2 = sub i64 %b, 1
  %c2 = fneg float %c
  %d2 = fdiv double %d, 4.0
  store i32 %a2, ptr %slots
  store i64 %b2, ptr %p1
  store float %c2, ptr %p2
  store double %d2, ptr %p3
  ret void
}
`;

const NEAREST_IR = `
declare float @llvm.roundeven.f32(float)
define void @nearest(ptr %funcref, ptr %slots) {
  %x = load float, ptr %slots
  %r = call float @llvm.roundeven.f32(float %x)
  store float %r, ptr %slots
  ret void
}
`;

const configurations: Array<Pick<CompileOptions, 'optLevel' | 'cpu'>> = [
  { optLevel: 0, cpu: 'native' },
  { optLevel: 2, cpu: 'native' },
  { optLevel: 0, cpu: 'generic' },
  { optLevel: 2, cpu: 'generic' },
];

describe('compile', () => {
  it('reports LLVM and the host CPU', () => {
    expect(llvmVersion()).toMatch(/^19\./);
    expect(hostCpuName()).toMatch(/\S/);
    expect(hostCpuFeatures()).toContain('sse2');
    // The quick SSSE3 answer (CPU model data) agrees with LLVM's feature query.
    expect(hostHasSsse3()).toBe(hostCpuFeatures().includes('ssse3'));
  });

  it.each(configurations)('round-trips i32/i64/f32/f64 through the slots at O$optLevel, $cpu CPU', (configuration) => {
    const code = compile(ARITHMETIC_IR, { ...configuration, name: 'arithmetic', symbols: ['arithmetic'] });
    try {
      slots.u32[low32(0)] = 0x5555_5556; // × 3 wraps
      slots.i64[1] = -(2n ** 63n); // − 1 wraps
      slots.u32[low32(2)] = 0x7fa0_0001; // signalling NaN with a payload
      slots.f64[3] = 10;
      expect(invoke(code.addresses[0], 0n, 4)).toBe(INVOKE_OK);
      expect(slots.u32[low32(0)]).toBe(0x0000_0002);
      expect(slots.i64[1]).toBe(2n ** 63n - 1n);
      expect(slots.u32[low32(2)]).toBe(0xffa0_0001);
      expect(slots.f64[3]).toBe(2.5);
    } finally {
      code.release();
    }
  });

  it('takes addresses as numbers as well as bigints; refuses numbers that are not exact addresses', () => {
    const code = compile(ARITHMETIC_IR, { optLevel: 0, cpu: 'native', name: 'arithmetic-numbers', symbols: ['arithmetic'] });
    try {
      slots.u32[low32(0)] = 7;
      slots.i64[1] = 5n;
      slots.u32[low32(2)] = 0x3f80_0000;
      slots.f64[3] = 10;
      expect(invoke(Number(code.addresses[0]), 0, 4)).toBe(INVOKE_OK);
      expect(slots.u32[low32(0)]).toBe(21);
      expect(slots.i64[1]).toBe(4n);
      for (const bad of [-1, 0.5, 2 ** 53, Number.NaN]) expect(() => invoke(bad, 0, 4)).toThrow(RangeError);
      expect(() => invoke('1' as unknown as number, 0, 4)).toThrow(TypeError);
    } finally {
      code.release();
    }
  });

  it.each(configurations)('links llvm.roundeven.f32 at O$optLevel, $cpu CPU (generic: roundevenf from the process libm)', (configuration) => {
    const code = compile(NEAREST_IR, { ...configuration, name: 'nearest', symbols: ['nearest'] });
    const nearest = (x: number) => {
      slots.f32[low32(0)] = x;
      expect(invoke(code.addresses[0], 0n, 1)).toBe(INVOKE_OK);
      return slots.f32[low32(0)];
    };
    expect(nearest(2.5)).toBe(2);
    expect(nearest(3.5)).toBe(4);
    expect(Object.is(nearest(-0.5), -0)).toBe(true);
    expect(nearest(-7.25)).toBe(-7);
    code.release();
  });

  it('reports every stage timing', () => {
    const code = compile(ARITHMETIC_IR, { optLevel: 2, cpu: 'native', name: 'timed', symbols: ['arithmetic'] });
    for (const stage of ['parseMs', 'optimizeMs', 'codegenMs', 'linkMs'] as const) {
      expect(Number.isFinite(code.timings[stage])).toBe(true);
      expect(code.timings[stage]).toBeGreaterThanOrEqual(0);
    }
    expect(code.timings.codegenMs).toBeGreaterThan(0);
    expect(code.objectBytes).toBeGreaterThan(0);
    code.release();
    code.release(); // idempotent
  });

  it('compiles two modules at once on the thread pool', async () => {
    const options = (name: string): CompileOptions => ({ optLevel: 2, cpu: 'native', name, symbols: ['arithmetic'] });
    const pending = [compileAsync(ARITHMETIC_IR, options('first')), compileAsync(ARITHMETIC_IR.replace('mul i32 %a, 3', 'mul i32 %a, 5'), options('second'))];
    const [first, second] = await Promise.all(pending);
    expect(first.addresses[0]).not.toBe(second.addresses[0]);
    slots.u32[low32(0)] = 7;
    invoke(first.addresses[0], 0n, 4);
    expect(slots.u32[low32(0)]).toBe(21);
    slots.u32[low32(0)] = 7;
    invoke(second.addresses[0], 0n, 4);
    expect(slots.u32[low32(0)]).toBe(35);
    first.release();
    second.release();
  });

  it('rejects compileAsync with LLVM\'s diagnostic', async () => {
    await expect(compileAsync('define i32 @f() { ret i64 0 }', { optLevel: 0, cpu: 'native', name: 'bad-async', symbols: [] })).rejects.toThrow(
      /bad-async:1:\d+: error: value doesn't match function result type 'i32'/,
    );
  });

  it('throws LLVM\'s parse diagnostic for invalid IR text, and keeps working', () => {
    expect(() => compile('define i32 @f() {\n  %x = add i32 %y, 1\n  ret i32 %x\n}', { optLevel: 0, cpu: 'native', name: 'broken.ll', symbols: ['f'] })).toThrow(
      /LLVM IR parse error: broken\.ll:2:\d+: error: use of undefined value '%y'/,
    );
    const code = compile(ARITHMETIC_IR, { optLevel: 0, cpu: 'native', name: 'after-error', symbols: ['arithmetic'] });
    slots.u32[low32(0)] = 1;
    expect(invoke(code.addresses[0], 0n, 4)).toBe(INVOKE_OK);
    expect(slots.u32[low32(0)]).toBe(3);
    code.release();
  });

  it('throws the verifier\'s diagnostic for IR that parses but is invalid', () => {
    const ir = 'define i32 @f() {\nentry:\n  br label %next\nnext:\n  ret i32 %v\nlater:\n  %v = add i32 1, 2\n  br label %next\n}';
    expect(() => compile(ir, { optLevel: 0, cpu: 'native', name: 'unverified', symbols: ['f'] })).toThrow(
      /LLVM IR verification failed for module unverified:\nInstruction does not dominate all uses!/,
    );
  });

  it('throws when a symbol is missing, on either side of the link', () => {
    expect(() => compile('define void @f() {\n  ret void\n}', { optLevel: 0, cpu: 'native', name: 'lookup', symbols: ['g'] })).toThrow(/Symbols not found: \[ g \]/);
    const undefinedCallee = 'declare void @nowhere()\ndefine void @f() {\n  call void @nowhere()\n  ret void\n}';
    expect(() => compile(undefinedCallee, { optLevel: 0, cpu: 'native', name: 'unresolved', symbols: ['f'] })).toThrow(/Symbols not found: \[ nowhere \]/);
  });

  it('quickCodegen: the O2 IR passes with the O0 code generator give other machine code and the same results', () => {
    // A xorshift loop (no closed form): the fast register allocator spills its carried values.
    const ir = `
define void @hash(ptr %funcref, ptr %slots) {
entry:
  %n = load i32, ptr %slots
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %h = phi i64 [ 88172645463325252, %entry ], [ %h3, %loop ]
  %a = shl i64 %h, 13
  %h1 = xor i64 %h, %a
  %b = lshr i64 %h1, 7
  %h2 = xor i64 %h1, %b
  %c = shl i64 %h2, 17
  %h3 = xor i64 %h2, %c
  %i1 = add i32 %i, 1
  %done = icmp uge i32 %i1, %n
  br i1 %done, label %exit, label %loop
exit:
  store i64 %h3, ptr %slots
  ret void
}
`;
    const results: bigint[] = [];
    const sizes: number[] = [];
    for (const quickCodegen of [false, true]) {
      const code = compile(ir, { optLevel: 2, cpu: 'native', name: `hash-${quickCodegen}`, symbols: ['hash'], quickCodegen });
      try {
        slots.u32[0] = 1000;
        slots.u32[1] = 0;
        expect(invoke(code.addresses[0], 0n, 1)).toBe(INVOKE_OK);
        results.push(slots.i64[0]);
        sizes.push(code.objectBytes);
      } finally {
        code.release();
      }
    }
    let h = 88172645463325252n;
    const mask = (1n << 64n) - 1n;
    for (let i = 0; i < 1000; i++) {
      h ^= (h << 13n) & mask;
      h ^= h >> 7n;
      h ^= (h << 17n) & mask;
    }
    expect(results.map((value) => BigInt.asUintN(64, value))).toEqual([h, h]);
    expect(sizes[1]).not.toBe(sizes[0]);
    // @ts-expect-error not a boolean, as untyped JavaScript could pass
    expect(() => compile(ir, { optLevel: 2, cpu: 'native', name: 'x', symbols: [], quickCodegen: 'yes' })).toThrow(TypeError);
  });

  it('validates its options', () => {
    // @ts-expect-error an invalid level, as untyped JavaScript could pass
    expect(() => compile(ARITHMETIC_IR, { optLevel: 4, cpu: 'native', name: 'x', symbols: [] })).toThrow(TypeError);
    // @ts-expect-error an invalid CPU
    expect(() => compile(ARITHMETIC_IR, { optLevel: 0, cpu: 'pentium', name: 'x', symbols: [] })).toThrow(TypeError);
  });
});
