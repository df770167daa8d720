// Stage: translation tests. Executes translated IR without the runtime or the native addon:
// the spec test suite's assert_return / assert_trap / assert_exhaustion commands, as one
// LLVM module run by lli-19. A small C harness provides the wasm_rt_* entry points (traps
// and guard-page faults longjmp back to the case that raised them; memories are 8 GiB
// PROT_NONE reservations as in the real runtime) and each module gets a generated `init`
// function that builds its instance the way the runtime will (vmctx-layout.ts): memory and
// table definitions, global cells, FuncRefs, segment descriptors, active segments, start.
// Modules with imports are skipped (no linking here). Each module has its own symbol prefix.
// The C side lives in lli-c-runtime.ts, the instance builder in lli-instance-init.ts.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decodeModule } from '../../engine/binary/decode-module.js';
import { ExternalKind, type ModuleInfo } from '../../engine/binary/module-info.js';
import { TRAP_MESSAGES, type TrapCode } from '../../engine/abi/trap-codes.js';
import { validateModuleStructure } from '../../engine/validate/module-validator.js';
import { ValType, valTypeName } from '../../engine/wasm/value-types.js';
import { IrModuleBuilder } from '../../engine/translate/ir-module.js';
import { LLVM_TYPE, returnTypeOf } from '../../engine/translate/ir-types.js';
import { ModuleTranslator } from '../../engine/translate/module-translator.js';
import { RuntimeEnvironment } from '../../engine/translate/runtime-environment.js';
import { runToolAsync } from './llvm-tools.js';
import { convertWast, type WastValue } from './spec-suite.js';
import { finishHarness, harnessIr } from './lli-c-runtime.js';
import { instanceInit } from './lli-instance-init.js';

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
