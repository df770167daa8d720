// Stage: translation tests. The C side of the lli harness (lli-spec-harness.ts): the
// wasm_rt_* entry points that translated code calls (traps and guard-page faults longjmp back
// to the case that raised them; memories are 8 GiB PROT_NONE reservations as in the real
// runtime), value printers, and the IR that declares them, runs each init and drives `main`.

import type { IrModuleBuilder } from '../../engine/translate/ir-module.js';
import { runTool } from './llvm-tools.js';

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

let compiledHarness: string | undefined;

/** The C harness as LLVM IR (compiled once per process with clang-19). */
export function harnessIr(): string {
  if (compiledHarness === undefined) {
    const result = runTool('clang', ['-x', 'c', '-O1', '-S', '-emit-llvm', '-o', '-', '-'], C_HARNESS);
    if (result.status !== 0) throw new Error(`clang: ${result.stderr}`);
    compiledHarness = result.stdout;
  }
  return compiledHarness;
}

/** Declarations of the C harness's functions, run_init and main. */
export function finishHarness(output: IrModuleBuilder, steps: readonly string[]): void {
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
