// Stage: translation tests. The instance builder of the lli harness (lli-spec-harness.ts):
// for each module a generated `init` function that builds its instance in `@<prefix>vmctx`
// the way the runtime does (engine/abi/vmctx-layout.ts): type ids, memory and table
// definitions, global cells, FuncRefs, segment descriptors, active segments, start.

import type { ConstantExpression, ModuleInfo } from '../../engine/binary/module-info.js';
import { Op } from '../../engine/wasm/opcodes.js';
import { FuncRef } from '../../engine/abi/abi.js';
import type { VmctxLayout } from '../../engine/abi/vmctx-layout.js';
import { ValType } from '../../engine/wasm/value-types.js';
import type { IrModuleBuilder } from '../../engine/translate/ir-module.js';
import { LLVM_TYPE } from '../../engine/translate/ir-types.js';
import { signatureKey } from '../../engine/compile/type-registry.js';
import type { RuntimeEnvironment } from '../../engine/translate/runtime-environment.js';

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
export function instanceInit(
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
  [...module.data].forEach((segment, i) => {
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
