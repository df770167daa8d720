// Calls across the boundary: invoke() into entry trampolines, traps (explicit, guard-page
// faults, stack exhaustion), host calls through HostFunctionContext + wasm_rt_host_call,
// JavaScript exceptions through wasm frames, and nesting (wasm → JS → wasm → JS).
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FuncRef, HostFunctionContext } from '../abi/abi.js';
import { INVOKE_OK, TrapCode } from '../abi/trap-codes.js';
import { allocate, compile, createMemory, invoke, invokeNumbers, scratch, setHostCallHandler, executionLimitsInfo, type CompiledCode, type RawBlock } from './addon.js';

const slots = {
  u32: new Uint32Array(scratch()),
  i32: new Int32Array(scratch()),
  i64: new BigInt64Array(scratch()),
  f64: new Float64Array(scratch()),
};

const RUNTIME_DECLARATIONS = `
declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare void @wasm_rt_host_call(ptr, ptr)
`;


// A trap with the code in slot 0; a load from linear memory (funcref = the MemoryDefinition,
// slot 0 = the u32 address); an infinite non-tail recursion, whose stack check the addon's
// runtime-checks pass inserts.
const TRAPS_IR = `${RUNTIME_DECLARATIONS}
define void @trap_with(ptr %funcref, ptr %slots) {
  %code = load i32, ptr %slots
  call void @wasm_rt_trap(i32 %code)
  unreachable
}

define void @load_i32(ptr %memory, ptr %slots) {
  %base = load ptr, ptr %memory, !invariant.load !0
  %address = load i32, ptr %slots
  %offset = zext i32 %address to i64
  %pointer = getelementptr i8, ptr %base, i64 %offset
  %value = load i32, ptr %pointer, align 1
  store i32 %value, ptr %slots
  ret void
}

define internal i32 @recurse(ptr %vmctx, i32 %n) "wasm-runtime-checks" {
  %n1 = add i32 %n, 1
  %left = call i32 @recurse(ptr %vmctx, i32 %n1)
  %n2 = add i32 %n, 2
  %right = call i32 @recurse(ptr %vmctx, i32 %n2)
  %sum = add i32 %left, %right
  ret i32 %sum
}

define void @recurse_entry(ptr %vmctx, ptr %slots) {
  %n = load i32, ptr %slots
  %result = call i32 @recurse(ptr %vmctx, i32 %n)
  store i32 %result, ptr %slots
  ret void
}

!0 = !{}
`;

// Import type (i32, i64) -> f64 through its host trampoline; wasm_func_0 calls the import
// (vmctx offset 0 holds the import's VMFuncRef) and adds 1; wasm_entry_0 is its entry trampoline.
const HOST_IR = `${RUNTIME_DECLARATIONS}
define double @wasm_host_0(ptr %context, i32 %a, i64 %b) {
  %slots = alloca [2 x i64], align 8
  store i32 %a, ptr %slots
  %p1 = getelementptr i8, ptr %slots, i64 8
  store i64 %b, ptr %p1
  call void @wasm_rt_host_call(ptr %context, ptr %slots)
  %result = load double, ptr %slots
  ret double %result
}

define double @wasm_func_0(ptr %vmctx, i32 %a, i64 %b) {
  %code = load ptr, ptr %vmctx
  %vmctxField = getelementptr i8, ptr %vmctx, i64 ${FuncRef.vmctx}
  %calleeVmctx = load ptr, ptr %vmctxField
  %result = call double %code(ptr %calleeVmctx, i32 %a, i64 %b)
  %plusOne = fadd double %result, 1.0
  ret double %plusOne
}

define void @wasm_entry_0(ptr %funcref, ptr %slots) {
  %code = load ptr, ptr %funcref
  %vmctxField = getelementptr i8, ptr %funcref, i64 ${FuncRef.vmctx}
  %vmctx = load ptr, ptr %vmctxField
  %a = load i32, ptr %slots
  %p1 = getelementptr i8, ptr %slots, i64 8
  %b = load i64, ptr %p1
  %result = call double %code(ptr %vmctx, i32 %a, i64 %b)
  store double %result, ptr %slots
  ret void
}
`;

function writeFuncRef(block: RawBlock, offset: number, code: bigint, typeId: bigint, vmctx: bigint): void {
  const view = new DataView(block.buffer);
  view.setBigUint64(offset + FuncRef.code, code, true);
  view.setBigUint64(offset + FuncRef.typeId, typeId, true);
  view.setBigUint64(offset + FuncRef.vmctx, vmctx, true);
}

/** The calling (main) thread's blocked-signal mask, from /proc/self/status. */
function blockedSignals(): bigint {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((text) => text.startsWith('SigBlk:'));
  return BigInt(`0x${line?.split(/\s+/)[1] ?? '0'}`);
}
const SIGSEGV_BIT = 1n << 10n; // signal 11

afterEach(() => setHostCallHandler(null));

describe.each([0, 2] as const)('invoke at O%i', (optLevel) => {
  // Addresses do not keep code alive: read them through `traps` when calling.
  const traps = compile(TRAPS_IR, { optLevel, cpu: 'native', name: `traps-O${optLevel}`, symbols: ['trap_with', 'load_i32', 'recurse_entry'] });
  const trapWith = () => traps.addresses[0];
  const loadI32 = () => traps.addresses[1];
  const recurseEntry = () => traps.addresses[2];

  it('returns the code passed to wasm_rt_trap', () => {
    for (const code of Object.values(TrapCode)) {
      slots.i32[0] = code;
      expect(invoke(trapWith(), 0n, 1)).toBe(code);
    }
  });

  it('turns a load from a guard page into MemoryOutOfBounds', () => {
    const memory = createMemory(1, 2);
    new DataView(memory.buffer()).setUint32(65532, 0xdeadbeef, true);
    slots.u32[0] = 65532;
    expect(invoke(loadI32(), memory.definition, 1)).toBe(INVOKE_OK);
    expect(slots.u32[0]).toBe(0xdeadbeef);
    for (const address of [65533, 65536, 0x7fff_ffff, 0xffff_ffff]) {
      slots.u32[0] = address;
      expect(invoke(loadI32(), memory.definition, 1)).toBe(TrapCode.MemoryOutOfBounds);
    }
    // Leaving the fault handler by siglongjmp leaves SIGSEGV unblocked: the next fault is
    // handled the same way (a blocked SIGSEGV would kill the process).
    expect(blockedSignals() & SIGSEGV_BIT).toBe(0n);
    slots.u32[0] = 70000;
    expect(invoke(loadI32(), memory.definition, 1)).toBe(TrapCode.MemoryOutOfBounds);
    expect(blockedSignals() & SIGSEGV_BIT).toBe(0n);
  });

  it('ends an infinite recursion with CallStackExhausted, and can call again', () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      slots.i32[0] = 0;
      expect(invoke(recurseEntry(), 0n, 1)).toBe(TrapCode.CallStackExhausted);
    }
    slots.i32[0] = 7;
    expect(invoke(trapWith(), 0n, 1)).toBe(7);
  });
});

describe('host calls', () => {
  let host: CompiledCode;
  let entry: bigint;
  let wasmFunc: bigint;
  let hostTrampoline: bigint;
  const keepAlive: RawBlock[] = [];

  /** An instance-like set-up: a funcref for wasm_func_0 whose vmctx holds the import's funcref. */
  function makeFunction(hostId: number): bigint {
    const context = allocate(HostFunctionContext.size);
    const contextView = new DataView(context.buffer);
    contextView.setBigUint64(HostFunctionContext.hostId, BigInt(hostId), true);
    contextView.setBigUint64(HostFunctionContext.paramSlots, 2n, true);
    contextView.setBigUint64(HostFunctionContext.resultSlots, 1n, true);
    const vmctx = allocate(FuncRef.size);
    writeFuncRef(vmctx, 0, hostTrampoline, 1n, context.address);
    const funcRef = allocate(FuncRef.size);
    writeFuncRef(funcRef, 0, wasmFunc, 1n, vmctx.address);
    keepAlive.push(context, vmctx, funcRef);
    return funcRef.address;
  }

  function call(funcRef: bigint, a: number, b: bigint): number {
    slots.i32[0] = a;
    slots.i64[1] = b;
    const status = invoke(entry, funcRef, 2);
    expect(status).toBe(INVOKE_OK);
    return slots.f64[0];
  }

  beforeAll(() => {
    host = compile(HOST_IR, { optLevel: 2, cpu: 'native', name: 'host', symbols: ['wasm_entry_0', 'wasm_func_0', 'wasm_host_0'] });
    [entry, wasmFunc, hostTrampoline] = host.addresses;
  });
  afterAll(() => host.release());

  it('passes arguments to the JavaScript handler and returns its results', () => {
    const funcRef = makeFunction(42);
    const seen: Array<[number, number, bigint]> = [];
    setHostCallHandler((hostId) => {
      seen.push([hostId, slots.i32[0], slots.i64[1]]);
      slots.f64[0] = slots.i32[0] * 0.5 + Number(slots.i64[1]);
    });
    expect(call(funcRef, 5, 1000n)).toBe(1003.5);
    expect(call(funcRef, -4, -(2n ** 40n))).toBe(-(2 ** 40) - 1);
    expect(seen).toEqual([
      [42, 5, 1000n],
      [42, -4, -(2n ** 40n)],
    ]);
  });

  it('propagates the exception a host function throws, unchanged, through wasm frames', () => {
    const funcRef = makeFunction(1);
    const thrown = new Error('thrown by an import');
    setHostCallHandler(() => {
      throw thrown;
    });
    let caught: unknown;
    try {
      invoke(entry, funcRef, 2);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
    // Non-Error values too.
    setHostCallHandler(() => {
      throw 17;
    });
    expect(() => invoke(entry, funcRef, 2)).toThrow();
    setHostCallHandler(() => {
      slots.f64[0] = 1;
    });
    expect(call(funcRef, 0, 0n)).toBe(2);
  });

  it('nests wasm → JS → wasm → JS, with results and with an exception from the innermost level', () => {
    const funcRef = makeFunction(7);
    const depths: number[] = [];
    let throwAtBottom: unknown;
    // host(a, b) = a == 0 ? b : f(a − 1, b), where f(a, b) = host(a, b) + 1, so f(a, b) = b + a + 1.
    setHostCallHandler(() => {
      const a = slots.i32[0];
      const b = slots.i64[1];
      depths.push(a);
      if (a === 0) {
        if (throwAtBottom !== undefined) throw throwAtBottom;
        slots.f64[0] = Number(b);
        return;
      }
      slots.i32[0] = a - 1;
      slots.i64[1] = b;
      const status = invoke(entry, funcRef, 2); // leaves f(a − 1, b) in slot 0: our result
      if (status !== INVOKE_OK) throw new Error(`nested trap ${status}`);
    });
    expect(call(funcRef, 3, 10n)).toBe(14);
    expect(depths).toEqual([3, 2, 1, 0]);

    throwAtBottom = new TypeError('from the bottom');
    depths.length = 0;
    let caught: unknown;
    slots.i32[0] = 5;
    slots.i64[1] = 1n;
    try {
      invoke(entry, funcRef, 2);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(throwAtBottom);
    expect(depths).toEqual([5, 4, 3, 2, 1, 0]);

    // Still usable afterwards.
    throwAtBottom = undefined;
    expect(call(funcRef, 2, 100n)).toBe(103);
  });

  it('gives the same results, traps and exceptions through the invoke header (invokeNumbers), nested with invoke()', () => {
    const traps = compile(TRAPS_IR, { optLevel: 0, cpu: 'native', name: 'header-traps', symbols: ['trap_with'] });
    const funcRef = Number(makeFunction(9));
    const entryNumber = Number(entry);
    // Each level calls the next through the other kind of invoke; the innermost traps, and
    // every level sees its own code, not the one a nested call left in the header.
    const codes: number[] = [];
    setHostCallHandler(() => {
      const a = slots.i32[0];
      if (a === 0) {
        slots.i32[0] = TrapCode.IntegerOverflow;
        codes.push(invokeNumbers(Number(traps.addresses[0]), 0, 1));
        slots.f64[0] = 0.5;
        return;
      }
      slots.i32[0] = a - 1;
      const status = a % 2 === 0 ? invokeNumbers(entryNumber, funcRef, 2) : invoke(entry, BigInt(funcRef), 2);
      codes.push(status);
    });
    slots.i32[0] = 3;
    slots.i64[1] = 0n;
    expect(invokeNumbers(entryNumber, funcRef, 2)).toBe(INVOKE_OK);
    expect(slots.f64[0]).toBe(4.5);
    expect(codes).toEqual([TrapCode.IntegerOverflow, INVOKE_OK, INVOKE_OK, INVOKE_OK]);
    slots.i32[0] = TrapCode.Unreachable;
    expect(invokeNumbers(Number(traps.addresses[0]), 0, 1)).toBe(TrapCode.Unreachable);
    const thrown = new Error('from a host function');
    setHostCallHandler(() => {
      throw thrown;
    });
    expect(() => invokeNumbers(entryNumber, funcRef, 2)).toThrow(thrown);
    // Operands that are not addresses or a slot count are refused before anything runs.
    for (const [badEntry, badFuncRef, badCount] of [[0, funcRef, 2], [entryNumber, -1, 2], [entryNumber, funcRef, 8193], [entryNumber, funcRef, 1.5], [2 ** 53, funcRef, 2], [NaN, funcRef, 2]]) {
      expect(() => invokeNumbers(badEntry, badFuncRef, badCount)).toThrow(RangeError);
    }
    traps.release();
  });

  it('reports a trap of a nested invoke to its own caller only', () => {
    const traps = compile(TRAPS_IR, { optLevel: 0, cpu: 'native', name: 'nested-traps', symbols: ['trap_with'] });
    const funcRef = makeFunction(3);
    let nestedStatus = -1;
    setHostCallHandler(() => {
      slots.i32[0] = TrapCode.IntegerDivideByZero;
      nestedStatus = invoke(traps.addresses[0], 0n, 1);
      slots.f64[0] = 0.25;
    });
    expect(call(funcRef, 0, 0n)).toBe(1.25);
    expect(nestedStatus).toBe(TrapCode.IntegerDivideByZero);
    traps.release();
  });

  it('turns a host call from below V8\'s stack limit into V8\'s RangeError, not a crash', () => {
    // Recurse until the stack-limit check fires, then call JavaScript from there: wasm may
    // use the thread's whole stack, V8 only its own ~1 MB, so V8 refuses the call.
    const deep = compile(
      `${RUNTIME_DECLARATIONS}
      define i32 @recurse(ptr %context, ptr %limits, i32 %n) {
      entry:
        %sp = call i64 @llvm.read_register.i64(metadata !0)
        %limit = load i64, ptr %limits
        %exhausted = icmp ult i64 %sp, %limit
        br i1 %exhausted, label %bottom, label %body
      bottom:
        %slots = alloca [1 x i64]
        call void @wasm_rt_host_call(ptr %context, ptr %slots)
        call void @wasm_rt_trap(i32 ${TrapCode.CallStackExhausted})
        unreachable
      body:
        %n1 = add i32 %n, 1
        %left = call i32 @recurse(ptr %context, ptr %limits, i32 %n1)
        %right = call i32 @recurse(ptr %context, ptr %limits, i32 %n1)
        %sum = add i32 %left, %right
        ret i32 %sum
      }
      declare i64 @llvm.read_register.i64(metadata)
      !0 = !{!"rsp"}
      define void @entry(ptr %context, ptr %slots) {
        %limits = load ptr, ptr %slots
        %result = call i32 @recurse(ptr %context, ptr %limits, i32 0)
        store i32 %result, ptr %slots
        ret void
      }`,
      { optLevel: 0, cpu: 'native', name: 'deep-host-call', symbols: ['entry'] },
    );
    const context = allocate(HostFunctionContext.size);
    let calls = 0;
    setHostCallHandler(() => {
      calls++;
    });
    const limit = allocate(8); // this thread's stack limit, where the recursion stops to call JavaScript
    new BigUint64Array(limit.buffer)[0] = executionLimitsInfo().stackLimit;
    new BigUint64Array(scratch())[0] = limit.address;
    expect(() => invoke(deep.addresses[0], context.address, 1)).toThrow(RangeError);
    expect(calls).toBe(0);
    setHostCallHandler(() => {
      slots.f64[0] = 3;
    });
    expect(call(makeFunction(5), 1, 2n)).toBe(4); // calls still work afterwards
    deep.release();
  });

  it('throws when wasm calls a host function and no handler is set', () => {
    const funcRef = makeFunction(9);
    setHostCallHandler(null);
    expect(() => invoke(entry, funcRef, 2)).toThrow(/no host call handler/);
  });
});
