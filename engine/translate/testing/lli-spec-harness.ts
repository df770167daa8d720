// Stage: translation tests. Executes translated IR without the runtime or the native addon:
// the spec test suite's assert_return / assert_trap commands on the modules that need no
// instance state beyond the vmctx's FuncRefs (no imports, memories, tables, globals or
// segments — the numeric, control-flow and call tests), as one LLVM module run by lli-19
// with a small C harness providing the wasm_rt_* entry points (traps longjmp back to the
// case that raised them). Each module gets its own symbol prefix and zeroed vmctx.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decodeModule } from '../../binary/decode-module.js';
import { ExternalKind, type ModuleInfo } from '../../binary/module-info.js';
import { TRAP_MESSAGES, type TrapCode } from '../../runtime/trap-codes.js';
import { VmctxLayout } from '../../runtime/vmctx-layout.js';
import { validateModuleStructure } from '../../validate/module-validator.js';
import { ValType } from '../../value-types.js';
import { IrModuleBuilder } from '../ir-module.js';
import { LLVM_TYPE, returnTypeOf } from '../ir-types.js';
import { ModuleTranslator } from '../module-translator.js';
import { RuntimeEnvironment } from '../runtime-environment.js';
import { runTool, runToolAsync } from './llvm-tools.js';

const C_HARNESS = `
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
static jmp_buf trap_target;
int64_t wasm_rt_stack_limit = 0;
void wasm_rt_trap(int32_t code) { longjmp(trap_target, code); }
int32_t wasm_rt_memory_grow(void *memory, int32_t delta) { return -1; }
int32_t wasm_rt_table_grow(void *table, int32_t delta, int64_t initial) { return -1; }
void wasm_rt_host_call(void *context, void *slots) {}
void run_case(int32_t id, void (*body)(void)) {
  int code = setjmp(trap_target);
  if (code == 0) { body(); printf("%d done\\n", id); }
  else printf("%d trap %d\\n", id, code);
}
void print_i32(int32_t id, uint32_t v) { printf("%d i32 %u\\n", id, v); }
void print_i64(int32_t id, uint64_t v) { printf("%d i64 %llu\\n", id, (unsigned long long)v); }
void print_f32(int32_t id, float v) { uint32_t b; memcpy(&b, &v, 4); printf("%d f32 %u\\n", id, b); }
void print_f64(int32_t id, double v) { uint64_t b; memcpy(&b, &v, 8); printf("%d f64 %llu\\n", id, (unsigned long long)b); }
`;

interface WastValue {
  readonly type: string;
  readonly value?: string;
}

interface WastCommand {
  readonly type: string;
  readonly line: number;
  readonly filename?: string;
  readonly name?: string;
  readonly text?: string;
  readonly action?: { type: string; module?: string; field: string; args: WastValue[] };
  readonly expected?: WastValue[];
}

export interface SpecCase {
  readonly id: number;
  readonly where: string;
  readonly expected: readonly WastValue[] | undefined;
  /** Trap code expected by assert_trap. */
  readonly trap: number | undefined;
}

export interface SpecHarness {
  readonly ir: string;
  readonly cases: readonly SpecCase[];
  readonly modules: number;
}

const NUMERIC = new Set(['i32', 'i64', 'f32', 'f64']);

/** wast2json output for `wastPath`, cached under the OS temp dir by file name and size. */
function convertWast(wastPath: string): { directory: string; commands: WastCommand[] } {
  const source = readFileSync(wastPath);
  const stem = basename(wastPath, '.wast');
  const directory = join(tmpdir(), 'wasm-llvm-translate-spec', `${stem}-${source.length}`);
  const json = join(directory, `${stem}.json`);
  if (!existsSync(json)) {
    mkdirSync(directory, { recursive: true });
    const result = runTool('wast2json', [wastPath, '-o', json]);
    if (result.status !== 0) throw new Error(`wast2json ${wastPath}: ${result.stderr}`);
  }
  return { directory, commands: (JSON.parse(readFileSync(json, 'utf8')) as { commands: WastCommand[] }).commands };
}

/** Modules the harness can run: nothing but functions. */
function isSelfContained(module: ModuleInfo): boolean {
  return (
    module.imports.length === 0 &&
    module.memories.length === 0 &&
    module.tables.length === 0 &&
    module.globals.length === 0 &&
    module.data.length === 0 &&
    module.elements.length === 0 &&
    module.start === undefined
  );
}

function constantText(value: WastValue): string {
  const text = value.value!;
  switch (value.type) {
    case 'i32': return String(Number(text) | 0);
    case 'i64': return BigInt.asIntN(64, BigInt(text)).toString();
    case 'f32': return `bitcast (i32 ${Number(text) | 0} to float)`;
    default: return `bitcast (i64 ${BigInt.asIntN(64, BigInt(text)).toString()} to double)`;
  }
}

const TRAP_CODE_BY_MESSAGE = new Map<string, number>(
  Object.entries(TRAP_MESSAGES).map(([code, message]) => [message, Number(code)]),
);

function trapCodeOf(text: string): number | undefined {
  for (const [message, code] of TRAP_CODE_BY_MESSAGE) if (text.startsWith(message)) return code;
  return undefined;
}

/** Builds one LLVM module with every runnable module of `wastPaths` and a `main` running their assertions. */
export function buildSpecHarness(wastPaths: readonly string[]): SpecHarness {
  const output = new IrModuleBuilder({ moduleName: 'spec-harness' });
  const cases: SpecCase[] = [];
  const caseFunctions: string[] = [];
  let moduleCount = 0;
  for (const path of wastPaths) {
    const { directory, commands } = convertWast(path);
    const named = new Map<string, { module: ModuleInfo; prefix: string } | undefined>();
    let current: { module: ModuleInfo; prefix: string } | undefined;
    for (const command of commands) {
      if (command.type === 'module') {
        current = undefined;
        if (!command.filename?.endsWith('.wasm')) continue;
        const module = decodeModule(new Uint8Array(readFileSync(join(directory, command.filename))));
        validateModuleStructure(module);
        if (isSelfContained(module)) {
          const prefix = `m${moduleCount++}_`;
          try {
            new ModuleTranslator(module, new RuntimeEnvironment(module, { symbolPrefix: prefix })).translateModuleInto(output);
            output.define(`@${prefix}vmctx = global [${new VmctxLayout(module).size} x i8] zeroinitializer, align 16\n`);
            current = { module, prefix };
          } catch (error) {
            if (!/not supported yet/.test((error as Error).message)) throw error;
          }
        }
        if (command.name !== undefined) named.set(command.name, current);
        continue;
      }
      if (command.type !== 'assert_return' && command.type !== 'assert_trap' && command.type !== 'action') continue;
      const action = command.action;
      if (action === undefined || action.type !== 'invoke') continue;
      const target = action.module !== undefined ? named.get(action.module) : current;
      if (target === undefined) continue;
      if (!action.args.every((arg) => NUMERIC.has(arg.type))) continue;
      const expected = command.type === 'assert_return' ? command.expected ?? [] : undefined;
      if (expected !== undefined && !expected.every((value) => NUMERIC.has(value.type))) continue;
      const trap = command.type === 'assert_trap' ? trapCodeOf(command.text ?? '') : undefined;
      if (command.type === 'assert_trap' && trap === undefined) continue;
      const exported = target.module.exports.find((entry) => entry.name === action.field && entry.kind === ExternalKind.Function);
      if (exported === undefined) continue;
      const type = target.module.types[target.module.functionTypeIndices[exported.index]];
      if (type.params.length !== action.args.length || type.results.some((result) => !NUMERIC.has(LLVM_NAME[result] ?? ''))) continue;
      const id = cases.length;
      cases.push({ id, where: `${basename(path)}:${command.line}`, expected, trap });
      caseFunctions.push(caseFunction(id, target.prefix, exported.index, type.params, type.results, action.args));
    }
  }
  for (const name of ['print_i32', 'print_i64', 'print_f32', 'print_f64']) {
    const t = { print_i32: 'i32', print_i64: 'i64', print_f32: 'float', print_f64: 'double' }[name];
    output.declare(name, `declare void @${name}(i32, ${t})`);
  }
  output.declare('run_case', 'declare void @run_case(i32, ptr)');
  for (const text of caseFunctions) output.define(text);
  const main = ['define i32 @main() {', 'entry:'];
  for (const testCase of cases) main.push(`  call void @run_case(i32 ${testCase.id}, ptr @case${testCase.id})`);
  main.push('  ret i32 0', '}', '', 'attributes #0 = { noinline }', '');
  output.define(main.join('\n'));
  return { ir: output.finish(), cases, modules: moduleCount };
}

const LLVM_NAME: Partial<Record<number, string>> = {
  [ValType.I32]: 'i32',
  [ValType.I64]: 'i64',
  [ValType.F32]: 'f32',
  [ValType.F64]: 'f64',
};
const PRINTER: Partial<Record<number, string>> = {
  [ValType.I32]: 'print_i32',
  [ValType.I64]: 'print_i64',
  [ValType.F32]: 'print_f32',
  [ValType.F64]: 'print_f64',
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

/**
 * Runs the harness with lli (after `opt -O2` when `optimise`) and returns one message per
 * failed case (empty when all pass).
 */
export async function runSpecHarness(harness: SpecHarness, directory: string, optimise: boolean): Promise<string[]> {
  const main = join(directory, optimise ? 'main.O2.ll' : 'main.ll');
  const support = join(directory, 'support.ll');
  writeFileSync(support, harnessIr());
  if (optimise) {
    const result = await runToolAsync('opt', ['-O2', '-S', '-o', main], harness.ir);
    if (result.status !== 0) return [`opt -O2 failed: ${result.stderr}`];
  } else {
    writeFileSync(main, harness.ir);
  }
  const run = await runToolAsync('lli', [`-extra-module=${support}`, main]);
  if (run.status !== 0) return [`lli failed (${run.status}): ${run.stderr.slice(0, 2000)}`];
  const outcomes = new Map<number, string[]>();
  for (const line of run.stdout.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const id = Number(line.slice(0, space));
    let list = outcomes.get(id);
    if (list === undefined) outcomes.set(id, (list = []));
    list.push(line.slice(space + 1));
  }
  const failures: string[] = [];
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
  const expected = testCase.expected ?? [];
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
  const text = expected.value!;
  if (text.startsWith('nan:')) {
    const bits = BigInt(actual);
    const [exponentMask, quiet, payloadMask] =
      expected.type === 'f32' ? [0x7f800000n, 0x400000n, 0x7fffffn] : [0x7ff0000000000000n, 0x8000000000000n, 0xfffffffffffffn];
    if ((bits & exponentMask) !== exponentMask || (bits & quiet) === 0n) return false;
    return text === 'nan:arithmetic' || (bits & payloadMask) === quiet;
  }
  return BigInt(text) === BigInt(actual);
}
