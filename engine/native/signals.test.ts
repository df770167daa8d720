// The addon's SIGSEGV/SIGBUS handler chains to the one installed before it: V8's own
// WebAssembly out-of-bounds traps keep working before, between and inside our calls, and a
// real crash outside our memories still ends the process (checked in a child process).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HostFunctionContext } from '../abi/abi.js';
import { INVOKE_OK, TrapCode } from '../abi/trap-codes.js';
import { allocate, compile, createMemory, invoke, scratch, setHostCallHandler } from './addon.js';

// (module (memory 1) (func (export "load") (param i32) (result i32) local.get 0 i32.load))
const V8_LOAD_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type: (i32) -> i32
  0x03, 0x02, 0x01, 0x00, // function 0: type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // memory: min 1
  0x07, 0x08, 0x01, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x00, // export "load"
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b, // body: local.get 0, i32.load
]);

function v8Load(): (address: number) => number {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(V8_LOAD_MODULE));
  return instance.exports.load as (address: number) => number;
}

function expectV8OutOfBounds(load: (address: number) => number): void {
  expect(load(65532)).toBe(0);
  expect(() => load(65533)).toThrow(WebAssembly.RuntimeError);
  expect(() => load(0x7fff_0000)).toThrow(/memory access out of bounds/);
}

const slots = { u32: new Uint32Array(scratch()), f64: new Float64Array(scratch()) };

const IR = `
declare void @wasm_rt_host_call(ptr, ptr)

define void @load_i32(ptr %memory, ptr %slots) {
  %base = load ptr, ptr %memory
  %address = load i32, ptr %slots
  %offset = zext i32 %address to i64
  %pointer = getelementptr i8, ptr %base, i64 %offset
  %value = load volatile i32, ptr %pointer, align 1
  store i32 %value, ptr %slots
  ret void
}

; funcref = a HostFunctionContext: calls straight into JavaScript with no arguments.
define void @call_host(ptr %context, ptr %slots) {
  call void @wasm_rt_host_call(ptr %context, ptr %slots)
  ret void
}
`;

describe('signal handler chaining', () => {
  it('leaves V8\'s WebAssembly traps working before, between and after our traps', () => {
    const load = v8Load();
    expectV8OutOfBounds(load); // before the addon is loaded (addon.ts loads it lazily)
    const code = compile(IR, { optLevel: 0, cpu: 'native', name: 'signals', symbols: ['load_i32'] });
    const memory = createMemory(1, 1);
    for (let round = 0; round < 3; round++) {
      slots.u32[0] = 65536;
      expect(invoke(code.addresses[0], memory.definition, 1)).toBe(TrapCode.MemoryOutOfBounds);
      expectV8OutOfBounds(load);
      expectV8OutOfBounds(v8Load());
    }
    code.release();
  });

  it('passes faults of V8 wasm code running inside a host call to V8', () => {
    const code = compile(IR, { optLevel: 0, cpu: 'native', name: 'signals-host', symbols: ['call_host'] });
    const context = allocate(HostFunctionContext.size);
    new DataView(context.buffer).setBigUint64(HostFunctionContext.resultSlots, 1n, true);
    const load = v8Load();
    let message = '';
    setHostCallHandler(() => {
      try {
        load(1 << 20);
      } catch (error) {
        message = (error as Error).message;
      }
      slots.f64[0] = 3.5;
    });
    try {
      expect(invoke(code.addresses[0], context.address, 1)).toBe(INVOKE_OK);
    } finally {
      setHostCallHandler(null);
    }
    expect(message).toMatch(/memory access out of bounds/);
    expect(slots.f64[0]).toBe(3.5);
    code.release();
  });

  const addonPath = join(dirname(fileURLToPath(import.meta.url)), 'build', 'Release', 'wasm_llvm_native.node');
  const runChild = (script: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ADDON_PATH: addonPath },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('leaves V8\'s traps working in a process that had not loaded the addon before (child process)', () => {
    const child = `
      import { createRequire } from 'node:module';
      const bytes = new Uint8Array([${V8_LOAD_MODULE.join(', ')}]);
      const load = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.load;
      const trap = () => { try { load(65533); return 'no trap'; } catch (error) { return error.constructor.name + ': ' + error.message; } };
      const before = trap();
      const native = createRequire(import.meta.url)(process.env.ADDON_PATH);
      const code = native.compile(\`define void @load(ptr %memory, ptr %slots) {
        %base = load ptr, ptr %memory
        %value = load volatile i32, ptr %base
        store i32 %value, ptr %slots
        ret void
      }\`, { optLevel: 0, cpu: 'native', name: 'guard', symbols: ['load'] });
      const memory = new native.LinearMemory(0, 0);
      const ours = native.invoke(code.addresses[0], memory.definition, 1);
      process.stdout.write(JSON.stringify({ before, ours, after: trap() }));
    `;
    const result = runChild(child);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      before: 'RuntimeError: memory access out of bounds',
      ours: TrapCode.MemoryOutOfBounds,
      after: 'RuntimeError: memory access out of bounds',
    });
  });

  it('does not swallow a segmentation fault outside our memories (child process)', () => {
    const child = `
      import { createRequire } from 'node:module';
      const native = createRequire(import.meta.url)(process.env.ADDON_PATH);
      const code = native.compile(\`define void @crash(ptr %funcref, ptr %slots) {
        %value = load volatile i32, ptr inttoptr (i64 16 to ptr)
        store i32 %value, ptr %slots
        ret void
      }\`, { optLevel: 0, cpu: 'native', name: 'crash', symbols: ['crash'] });
      const memory = new native.LinearMemory(1, 1);
      process.stdout.write('invoking\\n');
      native.invoke(code.addresses[0], 0n, 1);
      process.stdout.write('survived\\n');
    `;
    const result = runChild(child);
    expect(result.stdout).toBe('invoking\n');
    expect(result.signal).toBe('SIGSEGV');
  });
});
