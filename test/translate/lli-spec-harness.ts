// Stage: translation tests. Executes translated IR without the runtime or the native addon:
// the spec test suite's assert_return / assert_trap / assert_exhaustion commands, as one
// LLVM module run by lli-19. A small C harness provides the wasm_rt_* entry points (traps
// and guard-page faults longjmp back to the case that raised them; memories are 8 GiB
// PROT_NONE reservations as in the real runtime) and each module gets a generated `init`
// function that builds its instance the way the runtime will (vmctx-layout.ts): memory and
// table definitions, global cells, FuncRefs, segment descriptors, active segments, start.
// Modules with imports are skipped (no linking here). Each module has its own symbol prefix.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decodeModule } from '../../engine/binary/decode-module.js';
import { ExternalKind, type ConstantExpression, type ModuleInfo } from '../../engine/binary/module-info.js';
import { Op } from '../../engine/wasm/opcodes.js';
import { FuncRef } from '../../engine/abi/abi.js';
import { TRAP_MESSAGES, type TrapCode } from '../../engine/abi/trap-codes.js';
import type { VmctxLayout } from '../../engine/abi/vmctx-layout.js';
import { validateModuleStructure } from '../../engine/validate/module-validator.js';
import { ValType, valTypeName } from '../../engine/wasm/value-types.js';
import { IrModuleBuilder } from '../../engine/translate/ir-module.js';
import { LLVM_TYPE, returnTypeOf } from '../../engine/translate/ir-types.js';
import { signatureKey } from '../../engine/compile/type-registry.js';
import { ModuleTranslator } from '../../engine/translate/module-translator.js';
import { RuntimeEnvironment } from '../../engine/translate/runtime-environment.js';
import { runTool, runToolAsync } from './llvm-tools.js';
import { convertWast, type WastValue } from './spec-suite.js';

const C_HARNESS = `
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
typedef struct { uint8_t *base; uint64_t byteLength, maxByteLength, reserved; } MemoryDefinition;
typedef struct { uint64_t *elements; uint64_t length, maximum, reserved; } TableDefinition;
static sigjmp_buf trap_target;
static uintptr_t stack_top;
void wasm_rt_trap(int32_t code) { siglongjmp(trap_target, code); }
void wasm_rt_host_call(uint64_t *context, uint64_t *slots) {
  printf("host %llu %llu\\n", (unsigned long long)context[0], (unsigned long long)(context[1] ? slots[0] : 0));
}
/* No stack checks under lli (the addon's last pass inserts them): a fault on the stack, below
   harness_start's frame, is exhaustion; any other is a memory access out of bounds. */
static void on_fault(int signal, siginfo_t *info, void *context) {
  uintptr_t address = (uintptr_t)info->si_addr;
  siglongjmp(trap_target, address < stack_top && address > stack_top - (1ull << 30) ? 10 : 5);
}
void *make_memory(uint32_t pages, uint32_t maxPages) {
  MemoryDefinition *d = calloc(1, sizeof *d);
  d->base = mmap(NULL, (8ull << 30) + 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (d->base == MAP_FAILED) abort();
  if (pages) mprotect(d->base, (uint64_t)pages << 16, PROT_READ | PROT_WRITE);
  d->byteLength = (uint64_t)pages << 16;
  d->maxByteLength = (uint64_t)maxPages << 16;
  return d;
}
int32_t wasm_rt_memory_grow(MemoryDefinition *d, int32_t delta) {
  uint64_t old = d->byteLength >> 16, pages = old + (uint32_t)delta;
  if (pages > (d->maxByteLength >> 16)) return -1;
  if (delta) mprotect(d->base + d->byteLength, (uint64_t)(uint32_t)delta << 16, PROT_READ | PROT_WRITE);
  d->byteLength = pages << 16;
  return (int32_t)old;
}
void *make_table(uint32_t length, uint32_t maximum) {
  TableDefinition *t = calloc(1, sizeof *t);
  t->elements = calloc(length ? length : 1, 8);
  t->length = length;
  t->maximum = maximum;
  return t;
}
int32_t wasm_rt_table_grow(TableDefinition *t, int32_t delta, int64_t initial) {
  uint64_t old = t->length, length = old + (uint32_t)delta;
  if (length > t->maximum || length > 10000000) return -1;
  t->elements = realloc(t->elements, (length ? length : 1) * 8);
  for (uint64_t i = old; i < length; i++) t->elements[i] = initial;
  t->length = length;
  return (int32_t)old;
}
int32_t init_data(MemoryDefinition *d, uint32_t offset, const uint8_t *bytes, uint64_t length) {
  if ((uint64_t)offset + length > d->byteLength) return 1;
  memcpy(d->base + offset, bytes, length);
  return 0;
}
int32_t init_elements(TableDefinition *t, uint32_t offset, const uint64_t *values, uint64_t length) {
  if ((uint64_t)offset + length > t->length) return 1;
  memcpy(t->elements + offset, values, length * 8);
  return 0;
}
void harness_start(void) {
  static char alternate[1 << 16];
  stack_t stack = { .ss_sp = alternate, .ss_size = sizeof alternate };
  sigaltstack(&stack, NULL);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_fault;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigaction(SIGSEGV, &action, NULL);
  sigaction(SIGBUS, &action, NULL);
  stack_top = (uintptr_t)__builtin_frame_address(0);
}
void run_case(int32_t id, void (*body)(void)) {
  int code = sigsetjmp(trap_target, 1);
  if (code == 0) { body(); printf("%d done\\n", id); }
  else printf("%d trap %d\\n", id, code);
  fflush(stdout);
}
void print_i32(int32_t id, uint32_t v) { printf("%d i32 %u\\n", id, v); }
void print_i64(int32_t id, uint64_t v) { printf("%d i64 %llu\\n", id, (unsigned long long)v); }
void print_f32(int32_t id, float v) { uint32_t b; memcpy(&b, &v, 4); printf("%d f32 %u\\n", id, b); }
void print_f64(int32_t id, double v) { uint64_t b; memcpy(&b, &v, 8); printf("%d f64 %llu\\n", id, (unsigned long long)b); }
void print_funcref(int32_t id, void *v) { printf("%d funcref %llu\\n", id, (unsigned long long)(uintptr_t)v); }
void print_externref(int32_t id, uint64_t v) { printf("%d externref %llu\\n", id, (unsigned long long)v); }
`;

export interface SpecCase {
  readonly id: number;
  readonly where: string;
  /** assert_return's results; undefined for a plain action (it must just not trap). */
  readonly expected: readonly WastValue[] | undefined;
  /** Trap code expected by assert_trap / assert_exhaustion. */
  readonly trap: number | undefined;
}

export interface SpecHarness {
  readonly ir: string;
  readonly cases: readonly SpecCase[];
  readonly modules: number;
}

const VALUE_TYPES = new Set(['i32', 'i64', 'f32', 'f64', 'funcref', 'externref']);

/** An argument as an LLVM constant; externref N is the host handle N + 1 (0 is null). */
function constantText(value: WastValue): string {
  const text = value.value!;
  switch (value.type) {
    case 'i32': return String(Number(text) | 0);
    case 'i64': return BigInt.asIntN(64, BigInt(text)).toString();
    case 'f32': return `bitcast (i32 ${Number(text) | 0} to float)`;
    case 'f64': return `bitcast (i64 ${BigInt.asIntN(64, BigInt(text)).toString()} to double)`;
    case 'externref': return text === 'null' ? '0' : String(Number(text) + 1);
    default: return 'null';
  }
}

const TRAP_CODE_BY_MESSAGE = new Map<string, number>(
  Object.entries(TRAP_MESSAGES).map(([code, message]) => [message, Number(code)]),
);

function trapCodeOf(text: string): number | undefined {
  for (const [message, code] of TRAP_CODE_BY_MESSAGE) if (text.startsWith(message)) return code;
  return undefined;
}

function vmctxField(prefix: string, offset: number): string {
  return `getelementptr (i8, ptr @${prefix}vmctx, i64 ${offset})`;
}

/** The constant value of a constant expression (no imports here, so no global.get). */
function constantExpressionText(prefix: string, layout: VmctxLayout, expression: ConstantExpression): string {
  const value = expression.value;
  switch (expression.opcode) {
    case Op.I32Const: return String(value);
    case Op.I64Const: return BigInt.asIntN(64, value as bigint).toString();
    case Op.F32Const: return `bitcast (i32 ${(value as number) | 0} to float)`;
    case Op.F64Const: return `bitcast (i64 ${BigInt.asIntN(64, value as bigint).toString()} to double)`;
    case Op.RefNull: return value === ValType.FuncRef ? 'null' : '0';
    case Op.RefFunc: return vmctxField(prefix, layout.funcRef(value as number));
    default: throw new Error(`constant expression ${expression.opcode} not supported by the harness`);
  }
}

/** Type ids as the runtime's registry hands them out (type-registry.ts), for every module of the harness process. */
const harnessTypeIds = new Map<string, number>();
function harnessTypeId(module: ModuleInfo, typeIndex: number): number {
  const key = signatureKey(module.types[typeIndex]);
  let id = harnessTypeIds.get(key);
  if (id === undefined) {
    id = harnessTypeIds.size + 1;
    harnessTypeIds.set(key, id);
  }
  return id;
}

function bytesText(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  return text;
}

/**
 * `define i32 @<prefix>init()`: builds the instance in `@<prefix>vmctx` as the runtime will
 * (memories, tables, globals, FuncRefs, segment descriptors, active segments: elements,
 * then data, then start); returns 1 if instantiation fails.
 */
function instanceInit(
  output: IrModuleBuilder,
  prefix: string,
  module: ModuleInfo,
  environment: RuntimeEnvironment,
  hostTrampolines: ReadonlyMap<number, string> = new Map(),
): string {
  const layout = environment.layout;
  const lines = [`define internal i32 @${prefix}init() {`, 'entry:'];
  let counter = 0;
  const value = (): string => `%i${counter++}`;
  module.types.forEach((_, typeIndex) => {
    lines.push(`  store i64 ${harnessTypeId(module, typeIndex)}, ptr ${vmctxField(prefix, layout.typeId(typeIndex))}`);
  });
  module.memories.forEach((memory, i) => {
    const definition = value();
    lines.push(`  ${definition} = call ptr @make_memory(i32 ${memory.min}, i32 ${memory.max ?? 65536})`);
    lines.push(`  store ptr ${definition}, ptr ${vmctxField(prefix, layout.memoryDefinitionPointer(i))}`);
  });
  module.tables.forEach((table, i) => {
    const definition = value();
    lines.push(`  ${definition} = call ptr @make_table(i32 ${table.limits.min}, i32 ${table.limits.max ?? 0xffffffff})`);
    lines.push(`  store ptr ${definition}, ptr ${vmctxField(prefix, layout.tableDefinitionPointer(i))}`);
  });
  module.globals.forEach((global, i) => {
    const type = LLVM_TYPE[global.type.type];
    lines.push(`  store ${type} ${constantExpressionText(prefix, layout, global.init!)}, ptr ${vmctxField(prefix, layout.definedGlobalCell(i))}`);
  });
  for (let f = 0; f < module.functionTypeIndices.length; f++) {
    const imported = f < module.importedFunctionCount;
    if (!imported && !environment.isFunctionExternal(f)) continue;
    const typeIndex = module.functionTypeIndices[f];
    const type = module.types[typeIndex];
    const id = harnessTypeId(module, typeIndex);
    const base = layout.funcRef(f);
    let code = `@${environment.functionSymbol(f)}`;
    let vmctx = `@${prefix}vmctx`;
    if (imported) {
      // A host function: the module's host trampoline with a HostFunctionContext whose id
      // is the function index; the C harness prints each call.
      code = `@${hostTrampolines.get(typeIndex)}`;
      vmctx = `@${prefix}host${f}`;
      output.define(`${vmctx} = internal global [3 x i64] [i64 ${f}, i64 ${type.params.length}, i64 ${type.results.length}], align 8`);
    }
    lines.push(`  store ptr ${code}, ptr ${vmctxField(prefix, base + FuncRef.code)}`);
    lines.push(`  store i64 ${id}, ptr ${vmctxField(prefix, base + FuncRef.typeId)}`);
    lines.push(`  store ptr ${vmctx}, ptr ${vmctxField(prefix, base + FuncRef.vmctx)}`);
  }
  const fail = (call: string): void => {
    const status = value();
    const failed = value();
    const next = `ok${counter++}`;
    lines.push(`  ${status} = ${call}`, `  ${failed} = icmp ne i32 ${status}, 0`, `  br i1 ${failed}, label %failed, label %${next}`, `${next}:`);
  };
  const offsetOf = (expression: ConstantExpression | undefined): string => constantExpressionText(prefix, layout, expression!);
  module.elements.forEach((segment, i) => {
    const count = segment.functionIndices?.length ?? segment.expressions?.length ?? 0;
    const values = segment.functionIndices
      ? segment.functionIndices.map((f) => `ptr ${vmctxField(prefix, layout.funcRef(f))}`)
      : segment.expressions!.map((expression) =>
          segment.elementType === ValType.FuncRef ? `ptr ${constantExpressionText(prefix, layout, expression)}` : `i64 ${constantExpressionText(prefix, layout, expression)}`,
        );
    const elementType = segment.elementType === ValType.FuncRef ? 'ptr' : 'i64';
    output.define(`@${prefix}elem${i} = internal global [${count} x ${elementType}] [${values.join(', ')}], align 8`);
    const descriptor = layout.elementSegment(i);
    lines.push(`  store ptr @${prefix}elem${i}, ptr ${vmctxField(prefix, descriptor)}`);
    lines.push(`  store i64 ${segment.mode === 'passive' ? count : 0}, ptr ${vmctxField(prefix, descriptor + 8)}`);
    if (segment.mode === 'active') {
      const table = value();
      lines.push(`  ${table} = load ptr, ptr ${vmctxField(prefix, layout.tableDefinitionPointer(segment.tableIndex))}`);
      fail(`call i32 @init_elements(ptr ${table}, i32 ${offsetOf(segment.offsetExpression)}, ptr @${prefix}elem${i}, i64 ${count})`);
    }
  });
  module.data.forEach((segment, i) => {
    const bytes = module.bytes.subarray(segment.dataStart, segment.dataEnd);
    output.define(`@${prefix}data${i} = internal constant [${bytes.length} x i8] c"${bytesText(bytes)}", align 1`);
    const descriptor = layout.dataSegment(i);
    lines.push(`  store ptr @${prefix}data${i}, ptr ${vmctxField(prefix, descriptor)}`);
    lines.push(`  store i64 ${segment.mode === 'passive' ? bytes.length : 0}, ptr ${vmctxField(prefix, descriptor + 8)}`);
    if (segment.mode === 'active') {
      const memory = value();
      lines.push(`  ${memory} = load ptr, ptr ${vmctxField(prefix, layout.memoryDefinitionPointer(segment.memoryIndex))}`);
      fail(`call i32 @init_data(ptr ${memory}, i32 ${offsetOf(segment.offsetExpression)}, ptr @${prefix}data${i}, i64 ${bytes.length})`);
    }
  });
  if (module.start !== undefined) lines.push(`  call void @${environment.functionSymbol(module.start.functionIndex)}(ptr @${prefix}vmctx)`);
  lines.push('  ret i32 0', 'failed:', '  ret i32 1', '}', '');
  return lines.join('\n');
}

/** Builds one LLVM module with every runnable module of `wastPaths` and a `main` running their commands. */
export function buildSpecHarness(wastPaths: readonly string[]): SpecHarness {
  const output = new IrModuleBuilder({ moduleName: 'spec-harness' });
  const cases: SpecCase[] = [];
  const steps: string[] = [];
  let moduleCount = 0;
  for (const path of wastPaths) {
    const { directory, commands } = convertWast(path);
    const named = new Map<string, { module: ModuleInfo; prefix: string } | undefined>();
    let current: { module: ModuleInfo; prefix: string } | undefined;
    for (const command of commands) {
      if (command.type === 'module') {
        current = undefined;
        if (command.filename?.endsWith('.wasm')) {
          const module = decodeModule(new Uint8Array(readFileSync(join(directory, command.filename))));
          validateModuleStructure(module);
          if (module.imports.length !== 0) {
            // It may change the state of the modules it imports from: their later results
            // are not comparable any more.
            for (const name of named.keys()) named.set(name, undefined);
          } else {
            const prefix = `m${moduleCount}_`;
            const environment = new RuntimeEnvironment(module, { symbolPrefix: prefix });
            try {
              new ModuleTranslator(module, environment).translateModuleInto(output);
              output.define(`@${prefix}vmctx = internal global [${environment.layout.size} x i8] zeroinitializer, align 16`);
              output.define(instanceInit(output, prefix, module, environment));
              steps.push(`  call void @run_init(i32 ${moduleCount}, ptr @${prefix}init)`);
              moduleCount++;
              current = { module, prefix };
            } catch (error) {
              if (!/not supported yet/.test((error as Error).message)) throw error;
            }
          }
        }
        if (command.name !== undefined) named.set(command.name, current);
        continue;
      }
      const kind = command.type;
      if (command.filename?.endsWith('.wasm') && (kind === 'assert_trap' || kind === 'assert_uninstantiable' || kind === 'assert_unlinkable')) {
        // A module instantiated for its failure may still have written into the modules it
        // imports from (2.0: segments are applied in order, the start function runs).
        if (decodeModule(new Uint8Array(readFileSync(join(directory, command.filename)))).imports.length !== 0) {
          for (const name of named.keys()) named.set(name, undefined);
          current = undefined;
        }
        continue;
      }
      if (kind !== 'assert_return' && kind !== 'assert_trap' && kind !== 'assert_exhaustion' && kind !== 'action') continue;
      const action = command.action;
      if (action === undefined || action.type !== 'invoke') continue;
      const target = action.module !== undefined ? named.get(action.module) : current;
      if (target === undefined) continue;
      if (!action.args.every((arg) => VALUE_TYPES.has(arg.type))) continue;
      const expected = kind === 'assert_return' ? command.expected ?? [] : undefined;
      if (expected !== undefined && !expected.every((value) => VALUE_TYPES.has(value.type))) continue;
      const trap = kind === 'assert_trap' || kind === 'assert_exhaustion' ? trapCodeOf(command.text ?? '') : undefined;
      if ((kind === 'assert_trap' || kind === 'assert_exhaustion') && trap === undefined) continue;
      const exported = target.module.exports.find((entry) => entry.name === action.field && entry.kind === ExternalKind.Function);
      if (exported === undefined) continue;
      const type = target.module.types[target.module.functionTypeIndices[exported.index]];
      if (type.params.length !== action.args.length || type.results.some((result) => PRINTER[result] === undefined)) continue;
      const id = cases.length;
      cases.push({ id, where: `${basename(path)}:${command.line}`, expected, trap });
      output.define(caseFunction(id, target.prefix, exported.index, type.params, type.results, action.args));
      steps.push(`  call void @run_case(i32 ${id}, ptr @case${id})`);
    }
  }
  finishHarness(output, steps);
  return { ir: output.finish(), cases, modules: moduleCount };
}

/**
 * For differential tests against V8: every module (function imports only, each a logging
 * host function) instantiated, then each exported function called in export order with
 * zero arguments, after `hangLimitInitializer` when the module has it (binaryen's random
 * modules). Output lines: `host <function> <first argument bits>` per host call, the results
 * as `<id> <type> <bits>`, `<id> done` or `<id> trap <code>`.
 */
export function buildExportHarness(modules: readonly { name: string; bytes: Uint8Array }[]): SpecHarness {
  const output = new IrModuleBuilder({ moduleName: 'export-harness' });
  const cases: SpecCase[] = [];
  const steps: string[] = [];
  let moduleCount = 0;
  for (const { name, bytes } of modules) {
    const module = decodeModule(bytes);
    validateModuleStructure(module);
    if (module.imports.some((entry) => entry.kind !== ExternalKind.Function)) throw new Error(`${name}: only function imports are supported`);
    const prefix = `m${moduleCount}_`;
    const environment = new RuntimeEnvironment(module, { symbolPrefix: prefix });
    const symbols = new ModuleTranslator(module, environment).translateModuleInto(output);
    output.define(`@${prefix}vmctx = internal global [${environment.layout.size} x i8] zeroinitializer, align 16`);
    output.define(instanceInit(output, prefix, module, environment, symbols.hostTrampolines));
    steps.push(`  call void @run_init(i32 ${moduleCount}, ptr @${prefix}init)`);
    moduleCount++;
    const initializer = module.exports.find((entry) => entry.name === 'hangLimitInitializer' && entry.kind === ExternalKind.Function);
    for (const exported of module.exports) {
      if (exported.kind !== ExternalKind.Function || exported === initializer) continue;
      const type = module.types[module.functionTypeIndices[exported.index]];
      if (type.params.some((param) => PRINTER[param] === undefined) || type.results.some((result) => PRINTER[result] === undefined)) continue;
      const id = cases.length;
      cases.push({ id, where: `${name} ${exported.name}`, expected: undefined, trap: undefined });
      const zeros = type.params.map((param) => ({ type: valTypeName(param), value: '0' }));
      let text = caseFunction(id, prefix, exported.index, type.params, type.results, zeros);
      if (initializer !== undefined) {
        text = text.replace('entry:\n', `entry:\n  call void @${prefix}wasm_func_${initializer.index}(ptr @${prefix}vmctx) #0\n`);
      }
      output.define(text);
      steps.push(`  call void @run_case(i32 ${id}, ptr @case${id})`);
    }
  }
  finishHarness(output, steps);
  return { ir: output.finish(), cases, modules: moduleCount };
}

/** Declarations of the C harness's functions, run_init and main. */
function finishHarness(output: IrModuleBuilder, steps: readonly string[]): void {
  for (const [name, type] of [['print_i32', 'i32'], ['print_i64', 'i64'], ['print_f32', 'float'], ['print_f64', 'double'], ['print_funcref', 'ptr'], ['print_externref', 'i64']]) {
    output.declare(name, `declare void @${name}(i32, ${type})`);
  }
  output.declare('run_case', 'declare void @run_case(i32, ptr)');
  output.declare('harness_start', 'declare void @harness_start()');
  output.declare('make_memory', 'declare ptr @make_memory(i32, i32)');
  output.declare('make_table', 'declare ptr @make_table(i32, i32)');
  output.declare('init_data', 'declare i32 @init_data(ptr, i32, ptr, i64)');
  output.declare('init_elements', 'declare i32 @init_elements(ptr, i32, ptr, i64)');
  output.declare('printf', 'declare i32 @printf(ptr, ...)');
  output.declare('wasm_rt_host_call', 'declare void @wasm_rt_host_call(ptr, ptr)');
  output.define(
    [
      '@init_failed = private constant [23 x i8] c"module %d init failed\\0A\\00"',
      '@init_started = private constant [13 x i8] c"instance %d\\0A\\00"',
      'define internal void @run_init(i32 %id, ptr %init) {',
      'entry:',
      '  call i32 (ptr, ...) @printf(ptr @init_started, i32 %id)',
      '  %status = call i32 %init()',
      '  %failed = icmp ne i32 %status, 0',
      '  br i1 %failed, label %report, label %done',
      'report:',
      '  call i32 (ptr, ...) @printf(ptr @init_failed, i32 %id)',
      '  br label %done',
      'done:',
      '  ret void',
      '}',
      '',
    ].join('\n'),
  );
  const main = ['define i32 @main() {', 'entry:', '  call void @harness_start()', ...steps, '  ret i32 0', '}', '', 'attributes #0 = { noinline }', ''];
  output.define(main.join('\n'));
}

const PRINTER: Partial<Record<number, string>> = {
  [ValType.I32]: 'print_i32',
  [ValType.I64]: 'print_i64',
  [ValType.F32]: 'print_f32',
  [ValType.F64]: 'print_f64',
  [ValType.FuncRef]: 'print_funcref',
  [ValType.ExternRef]: 'print_externref',
};

function caseFunction(
  id: number,
  prefix: string,
  functionIndex: number,
  params: readonly ValType[],
  results: readonly ValType[],
  args: readonly WastValue[],
): string {
  const argumentList = [`ptr @${prefix}vmctx`, ...params.map((type, i) => `${LLVM_TYPE[type]} ${constantText(args[i])}`)].join(', ');
  const returnType = returnTypeOf(results);
  const lines = [`define internal void @case${id}() {`, 'entry:'];
  // noinline: as from the host, constants must not be folded into the callee's body.
  const call = `call ${returnType} @${prefix}wasm_func_${functionIndex}(${argumentList}) #0`;
  if (results.length === 0) {
    lines.push(`  ${call}`);
  } else {
    lines.push(`  %r = ${call}`);
    results.forEach((type, i) => {
      let value = '%r';
      if (results.length > 1) {
        lines.push(`  %r${i} = extractvalue ${returnType} %r, ${i}`);
        value = `%r${i}`;
      }
      lines.push(`  call void @${PRINTER[type]}(i32 ${id}, ${LLVM_TYPE[type]} ${value})`);
    });
  }
  lines.push('  ret void', '}', '');
  return lines.join('\n');
}

let compiledHarness: string | undefined;

/** The C harness as LLVM IR (compiled once per process with clang-19). */
function harnessIr(): string {
  if (compiledHarness === undefined) {
    const result = runTool('clang', ['-x', 'c', '-O1', '-S', '-emit-llvm', '-o', '-', '-'], C_HARNESS);
    if (result.status !== 0) throw new Error(`clang: ${result.stderr}`);
    compiledHarness = result.stdout;
  }
  return compiledHarness;
}

/** Runs the harness with lli (after `opt -O2` when `optimise`); its standard output. */
export async function runHarness(harness: SpecHarness, directory: string, optimise: boolean): Promise<string> {
  const main = join(directory, optimise ? 'main.O2.ll' : 'main.ll');
  const support = join(directory, 'support.ll');
  writeFileSync(support, harnessIr());
  if (optimise) {
    const result = await runToolAsync('opt', ['-O2', '-S', '-o', main], harness.ir);
    if (result.status !== 0) throw new Error(`opt -O2 failed: ${result.stderr}`);
  } else {
    writeFileSync(main, harness.ir);
  }
  // MCJIT: far quicker than lli's default ORC here. The emitted IR runs with fast
  // instruction selection (as an O0 tier would), the optimised IR with the optimising code
  // generator (its DAG combines are part of O2).
  const run = await runToolAsync('lli', ['-jit-kind=mcjit', optimise ? '-O2' : '-O0', `-extra-module=${support}`, main]);
  if (run.status !== 0) throw new Error(`lli failed (${run.status}): ${run.stderr.slice(0, 2000)}`);
  return run.stdout;
}

/**
 * Runs the harness with lli (after `opt -O2` when `optimise`) and returns one message per
 * failed case (empty when all pass).
 */
export async function runSpecHarness(harness: SpecHarness, directory: string, optimise: boolean): Promise<string[]> {
  let stdout: string;
  try {
    stdout = await runHarness(harness, directory, optimise);
  } catch (error) {
    return [(error as Error).message];
  }
  const outcomes = new Map<number, string[]>();
  const failures: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '' || line.startsWith('instance ')) continue;
    if (line.startsWith('module ')) {
      failures.push(line);
      continue;
    }
    const space = line.indexOf(' ');
    const id = Number(line.slice(0, space));
    let list = outcomes.get(id);
    if (list === undefined) outcomes.set(id, (list = []));
    list.push(line.slice(space + 1));
  }
  for (const testCase of harness.cases) {
    const problem = checkOutcome(testCase, outcomes.get(testCase.id) ?? []);
    if (problem !== undefined) failures.push(`${testCase.where}: ${problem}`);
  }
  return failures;
}

function checkOutcome(testCase: SpecCase, lines: readonly string[]): string | undefined {
  const last = lines[lines.length - 1] ?? '(no output)';
  if (testCase.trap !== undefined) {
    return last === `trap ${testCase.trap}` ? undefined : `expected trap "${TRAP_MESSAGES[testCase.trap as TrapCode]}", got ${lines.join('; ')}`;
  }
  if (last !== 'done') return `expected a return, got ${lines.join('; ')}`;
  if (testCase.expected === undefined) return undefined;
  const expected = testCase.expected;
  if (lines.length - 1 !== expected.length) return `expected ${expected.length} results, got ${lines.join('; ')}`;
  for (let i = 0; i < expected.length; i++) {
    const [type, value] = lines[i].split(' ');
    const want = expected[i];
    if (type !== want.type) return `result ${i}: expected ${want.type}, got ${type}`;
    if (!valueMatches(want, value)) return `result ${i}: expected ${want.type} ${want.value}, got ${value}`;
  }
  return undefined;
}

function valueMatches(expected: WastValue, actual: string): boolean {
  const text = expected.value;
  if (expected.type === 'funcref' || expected.type === 'externref') {
    if (text === undefined) return actual !== '0';
    if (text === 'null') return actual === '0';
    return BigInt(actual) === BigInt(text) + 1n;
  }
  if (text === undefined) return false;
  if (text.startsWith('nan:')) {
    const bits = BigInt(actual);
    const [exponentMask, quiet, payloadMask] =
      expected.type === 'f32' ? [0x7f800000n, 0x400000n, 0x7fffffn] : [0x7ff0000000000000n, 0x8000000000000n, 0xfffffffffffffn];
    if ((bits & exponentMask) !== exponentMask || (bits & quiet) === 0n) return false;
    return text === 'nan:arithmetic' || (bits & payloadMask) === quiet;
  }
  return BigInt(text) === BigInt(actual);
}
