// Stage: translation tests. The translator per operator family (testdata/*.wat: LLVM 19
// accepts the IR, verified and at O2) and the structure of its output: linkage, trampolines
// and symbols, the memory base loaded once, TBAA tags, alignment, traps, the stack check,
// constants, unreachable code, SIMD rejected, one function in a module of its own, and an
// embedder's environment that reaches memory and traps its own way.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeModule } from '../binary/decode-module.js';
import { CompileError } from '../wasm/errors.js';
import { VmctxLayout } from '../abi/vmctx-layout.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { translateFunction, translateModule, translateModuleBytes, RuntimeEnvironment, type FunctionBuilder, type IrModuleBuilder } from './index.js';
import { translateAndCheck } from '../../test/translate/batch-verify.js';
import { checkIrWithOpt, missingTools, watToWasm } from '../../test/translate/llvm-tools.js';

const here = dirname(fileURLToPath(import.meta.url));
const testdata = join(here, 'testdata');
const skip = missingTools('opt', 'wat2wasm');

function wasmOf(name: string): Uint8Array {
  return watToWasm(readFileSync(join(testdata, name), 'utf8'));
}

/** The text of `define ... @symbol(...) { ... }`. */
function functionText(ir: string, symbol: string): string {
  const start = ir.search(new RegExp(`^define [^\\n]*@${symbol}\\(`, 'm'));
  if (start < 0) throw new Error(`${symbol} not defined`);
  return ir.slice(start, ir.indexOf('\n}\n', start) + 2);
}

describe.skipIf(skip !== undefined)('translator', () => {
  it('every operator family passes opt-19 verify and -O2', async () => {
    const files = readdirSync(testdata).filter((name) => name.endsWith('.wat'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    const report = await translateAndCheck(files.map((name) => ({ name, bytes: wasmOf(name) })), { batchSize: 1 });
    expect(report.failures).toEqual([]);
    expect(report.translated).toBe(files.length);
  }, 120_000);

  it('keeps defined functions internal unless the runtime can reach them', () => {
    const { ir, symbols } = translateModuleBytes(wasmOf('call.wat'));
    // Imports are functions 0-1; $add/$sub are in the table, $helper is private, the rest exported.
    expect(ir).toMatch(/^define i32 @wasm_func_2\(/m);
    expect(ir).toMatch(/^define i32 @wasm_func_3\(/m);
    expect(ir).toMatch(/^define internal i32 @wasm_func_4\(/m);
    expect([...symbols.functions.keys()].sort()).toEqual([2, 3, 5, 6, 7, 8]);
    expect(symbols.all).toContain('wasm_func_5');
    expect(symbols.all).not.toContain('wasm_func_4');
  });

  it('emits entry trampolines for reachable types and host trampolines for imported types', () => {
    const { ir, symbols } = translateModuleBytes(wasmOf('call.wat'));
    // Types: 0 $binary, 1 log's, 2 pair's, ...
    expect([...symbols.hostTrampolines.keys()].sort()).toEqual([1, 2]);
    expect(ir).toContain('define void @wasm_host_1(ptr %context, i32 %p0, double %p1)');
    expect(ir).toContain('define { i32, i64 } @wasm_host_2(ptr %context, i64 %p0)');
    expect(ir).toContain('call void @wasm_rt_host_call(ptr %context, ptr %slots)');
    for (const symbol of symbols.entryTrampolines.values()) expect(ir).toContain(`define void @${symbol}(ptr %funcref, ptr %slots)`);
    // $add and $sub share type $binary; exported fib / leaf have type (i32) -> i32.
    expect(symbols.entryTrampolines.size).toBeGreaterThanOrEqual(3);
  });

  it('leaves stack and interrupt checks to the back end: every function asks for them, trampolines do not', () => {
    const { ir, symbols } = translateModuleBytes(wasmOf('call.wat'));
    expect(ir).toMatch(/define i32 @wasm_func_5\(ptr %vmctx, i32 %p0\) "wasm-runtime-checks" \{/);
    expect(ir).toMatch(/define [^\n]*@wasm_func_2\([^\n]*\) "wasm-runtime-checks" \{/);
    for (const symbol of symbols.entryTrampolines.values()) expect(ir).toContain(`define void @${symbol}(ptr %funcref, ptr %slots) {`);
    expect(ir).not.toContain('frameaddress');
    expect(functionText(ir, 'wasm_func_5')).toContain('notail call i32 @wasm_func_5(ptr %vmctx');
  });

  it('checks call_indirect against the registry id in the vmctx, null and the table length', () => {
    const bytes = wasmOf('call.wat');
    const { ir } = translateModuleBytes(bytes);
    const apply = functionText(ir, 'wasm_func_6');
    // The expected id is loaded from the vmctx's type-id field of the call's type, never a constant.
    const layout = new VmctxLayout(decodeModule(bytes));
    // wat2wasm numbers the declared $binary 0, before the imports' types.
    expect(layout.typeId(0)).toBe(0);
    expect(apply).toMatch(/load i64, ptr %vmctx, align 8, !tbaa !\d+, !invariant.load/);
    expect(apply).toMatch(/icmp ne i64 %v\d+, %v\d+/);
    expect(apply).toMatch(/phi i32 \[ 7, %\w+ \], \[ 8, %\w+ \], \[ 9, %\w+ \]/);
    expect(apply).toContain('call void @wasm_rt_trap(i32 %');
  });

  it('with explicit bounds checks, checks every access against the memory size first and anchors no load', () => {
    const module = decodeModule(wasmOf('memory.wat'));
    validateModuleStructure(module);
    const { ir } = translateModule(module, new RuntimeEnvironment(module, { explicitBoundsChecks: true }));
    const loads = functionText(ir, 'wasm_func_0');
    const accesses = loads.match(/= load (i8|i16|i32|i64|float|double), ptr %v\d+, align \d+, !tbaa !3/g) ?? [];
    const checks = loads.match(/icmp ugt i64 [^,]+, %v\d+\n\s+br i1 %v\d+, label %trap/g) ?? [];
    expect(accesses.length).toBe(15);
    expect(checks.length).toBe(accesses.length);
    expect(loads).toContain('icmp ugt i64 72, %v'); // f64.load (i32.const 64): a constant end
    expect(loads).toContain('icmp ugt i64 4294967299, %v'); // i64.load32_u (i32.const -1): 2^32 - 1 + 4
    expect(loads).not.toContain('asm sideeffect');
    expect(loads).toContain('!range !13');
    const stores = functionText(ir, 'wasm_func_1');
    expect((stores.match(/icmp ugt i64/g) ?? []).length).toBe((stores.match(/\n\s+store [^\n]*!tbaa !3/g) ?? []).length);
  });

  it('loads the memory base once per function, invariant, and tags memory accesses', () => {
    const { ir } = translateModuleBytes(wasmOf('memory.wat'));
    const loads = functionText(ir, 'wasm_func_0');
    const prologue = loads.slice(0, loads.indexOf('\nstart:'));
    expect(prologue.match(/load ptr, ptr [^\n]*!invariant.load/g)).toHaveLength(2);
    expect(loads.slice(loads.indexOf('\nstart:')).match(/!invariant.load/g)).toBeNull();
    expect(loads).toMatch(/load i32, ptr %v\d+, align 1, !tbaa !3/);
    expect(loads).toContain('add nuw nsw i64 %');
    expect(loads).toContain(', 4294967295');
    // A dropped load must still fault: its value is kept alive.
    expect(loads).toContain('call void asm sideeffect "", "r"(i32 %');
    const bulk = functionText(ir, 'wasm_func_3');
    expect(bulk).toContain('@llvm.memset.p0.i64');
    expect(bulk).toContain('@llvm.memmove.p0.p0.i64');
    expect(bulk).toContain('@llvm.memcpy.p0.p0.i64');
    expect(bulk.indexOf('br i1')).toBeLessThan(bulk.indexOf('@llvm.memset'));
    expect(functionText(ir, 'wasm_func_2')).toContain('call i32 @wasm_rt_memory_grow(ptr %');
  });

  it('keeps a dropped load by a volatile store into one stack slot when the IR is not optimised', () => {
    const { ir } = translateModuleBytes(wasmOf('memory.wat'), { unoptimized: true });
    const loads = functionText(ir, 'wasm_func_0');
    expect(loads).not.toContain('asm sideeffect');
    const slots = loads.match(/(%v\d+) = alloca <16 x i8>, align 16/g) ?? [];
    expect(slots).toHaveLength(1);
    const slot = /(%v\d+) = alloca <16 x i8>/.exec(loads)![1];
    expect(loads).toMatch(new RegExp(`store volatile i32 %v\\d+, ptr \\${slot}, align 16`));
  });

  it('uses alignment hints only when trusted, capped at the natural size', () => {
    const bytes = wasmOf('memory.wat');
    const module = decodeModule(bytes);
    validateModuleStructure(module);
    const trusted = translateModule(module, new RuntimeEnvironment(module), { trustAlignmentHints: true }).ir;
    expect(trusted).toMatch(/load i64, ptr %v\d+, align 4/);
    expect(trusted).toMatch(/load i32, ptr %v\d+, align 4/);
    expect(trusted).toMatch(/store double [^,]+, ptr %v\d+, align 1/);
    expect(translateModuleBytes(bytes).ir).not.toMatch(/(load|store) [^\n]*align [248]\b[^\n]*!tbaa !3/);
  });

  it('writes float constants as bit casts and keeps arithmetic strict', () => {
    const constants = translateModuleBytes(
      watToWasm('(module (func (result f32 f32 f64 f64) (f32.const nan:0x200000) (f32.const -0.0) (f64.const nan:0x4000000000000) (f64.const 1)))'),
    ).ir;
    expect(constants).toContain('float bitcast (i32 2141192192 to float), 0');
    expect(constants).toContain('float bitcast (i32 -2147483648 to float), 1');
    expect(constants).toContain('double bitcast (i64 u0x7ff4000000000000 to double), 2');
    expect(constants).toContain('double bitcast (i64 u0x3ff0000000000000 to double), 3');
    const { ir } = translateModuleBytes(wasmOf('numeric.wat'));
    expect(ir).not.toMatch(/\b(fast|nnan|ninf|nsz|arcp|contract|afn|reassoc)\b/);
    expect(ir).not.toContain('fmuladd');
    for (const intrinsic of ['llvm.minimum.f32', 'llvm.maximum.f64', 'llvm.roundeven.f32', 'llvm.copysign.f64', 'llvm.fshl.i32', 'llvm.ctlz.i64']) {
      expect(ir).toContain(intrinsic);
    }
    // Unoptimised IR spells rotates out as shifts (fast instruction selection has no funnel shifts).
    const unoptimized = translateModuleBytes(wasmOf('numeric.wat'), { unoptimized: true }).ir;
    expect(unoptimized).not.toMatch(/llvm\.fsh[lr]/);
    expect(unoptimized).toMatch(/and i32 %v\d+, 31\n[^]*shl i32 [^]*lshr i32 [^]*or i32 /);
    const conversions = translateModuleBytes(wasmOf('conversion.wat')).ir;
    expect(conversions).toContain('@llvm.fptosi.sat.i32.f32');
    expect(conversions).toContain('@llvm.fptoui.sat.i64.f64');
    expect(conversions).toContain('select i1 %'); // NaN → invalid conversion, else overflow
  });

  it('marks a wasm select unpredictable (the producer chose it over a branch) and only those', () => {
    const { ir } = translateModuleBytes(wasmOf('control.wat'));
    const selects = ir.split('\n').filter((line) => / = select i1 /.test(line));
    expect(selects.length).toBeGreaterThanOrEqual(2);
    for (const line of selects) expect(line).toMatch(/, !unpredictable !0$/);
    // The translator's own selects (a conversion's NaN and overflow cases) are LLVM's to lower.
    const conversions = translateModuleBytes(wasmOf('conversion.wat')).ir;
    expect(conversions).toMatch(/ = select i1 [^\n!]*\n/);
    expect(ir).toMatch(/^!0 = !\{\}$/m);
  });

  it('folds division checks against constant divisors', () => {
    const { ir } = translateModuleBytes(wasmOf('numeric.wat'));
    const i32 = functionText(ir, 'wasm_func_0');
    expect(i32).toMatch(/sdiv i32 %v\d+, 7\n/);
    expect(i32).toMatch(/srem i32 %v\d+, 3\n/);
    expect(i32).toMatch(/shl i32 %v\d+, 1\n/); // 33 & 31
    expect(i32).toMatch(/lshr i32 %v\d+, 31\n/); // -1 & 31
  });

  it('emits nothing for unreachable code', () => {
    const { ir } = translateModuleBytes(wasmOf('control.wat'));
    const tail = functionText(ir, 'wasm_func_7');
    expect(tail).not.toContain('add i32 2, 3');
    expect(tail).not.toContain('unreachable');
    expect(functionText(ir, 'wasm_func_8')).toContain('phi i32 [ 1, %');
  });

  it('passes if-without-else parameters through and returns several results as a struct', () => {
    const { ir } = translateModuleBytes(wasmOf('control.wat'));
    expect(functionText(ir, 'wasm_func_2')).toMatch(/phi i32 \[ 7, %start \], \[ %v\d+, %b\d+ \]/);
    expect(functionText(ir, 'wasm_func_9')).toContain('ret { i32, i64, float } %');
    expect(functionText(ir, 'wasm_func_1')).toMatch(/^b0:\n {2}%v\d+ = phi i32 \[ 0, %start \], \[ %v\d+, %b\d+ \]/m);
  });

  it('translates SIMD to LLVM vectors: v128 is <16 x i8> at boundaries, each operator bitcasts to its shape', () => {
    const bytes = watToWasm(`(module
      (func (param v128 v128) (result v128) (f32x4.add (local.get 0) (local.get 1)))
      (func (param v128) (result i32) (i8x16.extract_lane_u 15 (i8x16.shuffle 31 30 29 28 27 26 25 24 23 22 21 20 19 18 17 16 (local.get 0) (v128.const i64x2 -1 0)))))`);
    const ir = translateModuleBytes(bytes).ir;
    const add = functionText(ir, 'wasm_func_0');
    expect(add).toMatch(/define internal <16 x i8> @wasm_func_0\(ptr %vmctx, <16 x i8> %p0, <16 x i8> %p1\)/);
    expect(add).toMatch(/= bitcast <16 x i8> %v\d+ to <4 x float>/);
    expect(add).toMatch(/= fadd <4 x float> %v\d+, %v\d+/);
    const shuffle = functionText(ir, 'wasm_func_1');
    expect(shuffle).toContain('<16 x i8> <i8 -1, i8 -1, i8 -1, i8 -1, i8 -1, i8 -1, i8 -1, i8 -1, i8 0,');
    expect(shuffle).toMatch(/shufflevector <16 x i8> %v\d+, <16 x i8> <i8 -1, .*>, <16 x i32> <i32 31, i32 30,/);
  });

  it('quiets NaN lanes of vector arithmetic only when a constant operand has an identity lane (x * 1.0 may fold to x)', () => {
    const bytes = watToWasm(`(module
      (func (param v128) (result v128) (f64x2.mul (local.get 0) (v128.const f64x2 0.2 0.2)))
      (func (param v128) (result v128) (f32x4.mul (local.get 0) (f32x4.splat (f32.const 1.0))))
      (func (param v128) (result v128) (f32x4.sub (local.get 0) (v128.const f32x4 3 0 3 3)))
      (func (param v128 v128) (result v128) (f32x4.add (local.get 0) (local.get 1))))`);
    const ir = translateModuleBytes(bytes).ir;
    const quiets = (name: string): boolean => /fcmp uno/.test(functionText(ir, name));
    expect([0, 1, 2, 3].map((i) => quiets(`wasm_func_${i}`))).toEqual([false, true, true, false]);
    // The splat of a constant is a byte literal, which the multiplication reads (as a float
    // literal of its shape: 1.0f = 0x3f800000 in each lane).
    expect(functionText(ir, 'wasm_func_1')).toContain(`fmul <4 x float> %v1, <${Array(4).fill('float bitcast (i32 1065353216 to float)').join(', ')}>`);
  });

  it('reports invalid bodies as CompileErrors at their offset', () => {
    const valid = watToWasm('(module (func (result i32) (i32.const 1)))');
    const invalid = valid.slice();
    const at = invalid.lastIndexOf(0x41); // i32.const → i64.const: result type mismatch
    invalid[at] = 0x42;
    expect(() => translateModuleBytes(invalid)).toThrow(/type mismatch/);
  });

  it('translates one function into a module of its own, callees declared', async () => {
    const bytes = wasmOf('call.wat');
    const module = decodeModule(bytes);
    validateModuleStructure(module);
    const { ir, symbols } = translateFunction(module, 7);
    expect(ir).toContain('declare i32 @wasm_func_4(ptr, i32)');
    expect(ir).toMatch(/^define i64 @wasm_func_7\(/m);
    expect(ir.match(/^define /gm)).toHaveLength(1);
    expect([...symbols.functions]).toEqual([[7, 'wasm_func_7']]);
    expect(await checkIrWithOpt(ir)).toBeUndefined();
  });

  it('prefixes symbols so that modules can share an LLVM module', () => {
    const bytes = wasmOf('call.wat');
    const module = decodeModule(bytes);
    validateModuleStructure(module);
    const { ir, symbols } = translateModule(module, new RuntimeEnvironment(module, { symbolPrefix: 'm1_' }));
    expect(ir).toContain('@m1_wasm_func_5(ptr %vmctx');
    expect(ir).toContain('define void @m1_wasm_host_1(');
    expect(symbols.all.every((symbol) => symbol.startsWith('m1_'))).toBe(true);
    expect(ir).toContain('declare void @wasm_rt_trap(i32) noreturn cold nounwind');
  });
  it('lets an embedder decide how memory and traps are reached (environment interface)', async () => {
    // Another runtime: one linear memory whose base is a global of its own, traps through its
    // own function; everything else as our runtime does it.
    class EmbedderEnvironment extends RuntimeEnvironment {
      override memoryBase(builder: FunctionBuilder): string {
        return builder.assignInPrologue('load ptr, ptr @embedder_heap_base, align 8');
      }
      override memoryByteLength(builder: FunctionBuilder): string {
        return builder.assign('load i64, ptr @embedder_heap_bytes, align 8');
      }
      override emitTrap(builder: FunctionBuilder, code: string): void {
        builder.emit(`call void @embedder_trap(i32 ${code})`);
      }
      override declareRuntime(output: IrModuleBuilder): void {
        super.declareRuntime(output);
        output.declare('embedder_heap_base', '@embedder_heap_base = external global ptr');
        output.declare('embedder_heap_bytes', '@embedder_heap_bytes = external global i64');
        output.declare('embedder_trap', 'declare void @embedder_trap(i32) noreturn cold nounwind');
      }
    }
    const module = decodeModule(wasmOf('memory.wat'));
    validateModuleStructure(module);
    const { ir } = translateModule(module, new EmbedderEnvironment(module));
    const body = functionText(ir, 'wasm_func_0');
    expect(body).toContain('load ptr, ptr @embedder_heap_base, align 8');
    expect(body).not.toMatch(/load ptr, ptr [^\n]*!invariant.load/);
    expect(ir).toContain('call void @embedder_trap(i32 ');
    expect(ir).not.toContain('call void @wasm_rt_trap(');
    expect(ir).toContain('load i64, ptr @embedder_heap_bytes, align 8');
    expect(await checkIrWithOpt(ir)).toBeUndefined();
  });
});
