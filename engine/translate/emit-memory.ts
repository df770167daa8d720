// Stage: translation (WebAssembly → LLVM IR) of memory instructions (Core spec §4.4.7: loads
// and stores of every width, memory.size, memory.grow, memory.fill, memory.copy,
// memory.init, data.drop). Per LLVM-MAPPING.md "Memory": the effective address is
// zext(i32 address) + offset in i64 (< 2^33, inside the 8 GiB reservation, so no bounds
// check: an access past the accessible size faults in the guard region) — unless the
// environment asks for explicit bounds checks (exact state after traps at O2: see
// docs/RATIONALE.md, "Why explicit bounds checks for exact state after a trap?"); alignment is a
// hint, so accesses are `align 1` unless the embedder trusts hints (then at most natural);
// accesses carry the linear-memory TBAA tag. Bulk operations check their whole range in
// i64 arithmetic and trap before writing anything (2.0 semantics), then use
// llvm.memset/memmove/memcpy.

import type { Operator } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import { TrapCode } from '../abi/trap-codes.js';
import { ValType } from '../wasm/value-types.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { TBAA_LINEAR_MEMORY } from './ir-module.js';
import { LLVM_TYPE } from './ir-types.js';
import { isConstant, rangeExceeds, widen } from './emit-helpers.js';
import { alignment, checkBounds, checksBounds, effectiveAddress } from './memory-access.js';

export function registerMemoryEmitters(table: OperatorEmitter[]): void {
  const I32 = ValType.I32;
  const I64 = ValType.I64;
  table[Op.I32Load] = load('i32', '', I32, 4);
  table[Op.I64Load] = load('i64', '', I64, 8);
  table[Op.F32Load] = load('float', '', ValType.F32, 4);
  table[Op.F64Load] = load('double', '', ValType.F64, 8);
  table[Op.I32Load8S] = load('i8', 'sext', I32, 1);
  table[Op.I32Load8U] = load('i8', 'zext', I32, 1);
  table[Op.I32Load16S] = load('i16', 'sext', I32, 2);
  table[Op.I32Load16U] = load('i16', 'zext', I32, 2);
  table[Op.I64Load8S] = load('i8', 'sext', I64, 1);
  table[Op.I64Load8U] = load('i8', 'zext', I64, 1);
  table[Op.I64Load16S] = load('i16', 'sext', I64, 2);
  table[Op.I64Load16U] = load('i16', 'zext', I64, 2);
  table[Op.I64Load32S] = load('i32', 'sext', I64, 4);
  table[Op.I64Load32U] = load('i32', 'zext', I64, 4);
  table[Op.I32Store] = store('i32', I32, 4);
  table[Op.I64Store] = store('i64', I64, 8);
  table[Op.F32Store] = store('float', ValType.F32, 4);
  table[Op.F64Store] = store('double', ValType.F64, 8);
  table[Op.I32Store8] = store('i8', I32, 1);
  table[Op.I32Store16] = store('i16', I32, 2);
  table[Op.I64Store8] = store('i8', I64, 1);
  table[Op.I64Store16] = store('i16', I64, 2);
  table[Op.I64Store32] = store('i32', I64, 4);
  table[Op.MemorySize] = emitMemorySize;
  table[Op.MemoryGrow] = emitMemoryGrow;
  table[Op.MemoryFill] = emitMemoryFill;
  table[Op.MemoryCopy] = emitMemoryCopy;
  table[Op.MemoryInit] = emitMemoryInit;
  table[Op.DataDrop] = emitDataDrop;
}

function load(memoryType: string, extension: '' | 'sext' | 'zext', type: ValType, natural: number): OperatorEmitter {
  const valueType = LLVM_TYPE[type];
  return (translator, operator) => {
    const builder = translator.builder;
    const checked = checksBounds(translator, operator.memoryIndex);
    if (checked) checkBounds(translator, operator.memoryIndex, translator.values[translator.height - 1], operator.memoryOffset, memoryBytes(memoryType));
    // The address's own pending loads live on through this load (see load-liveness.ts).
    const addressLoads = translator.pendingLoads[translator.height - 1];
    const pointer = effectiveAddress(translator, operator.memoryIndex, translator.pop(), operator.memoryOffset);
    const loaded = builder.assign(`load ${memoryType}, ptr ${pointer}, align ${alignment(translator, operator, natural)}, !tbaa ${TBAA_LINEAR_MEMORY}`);
    translator.push(extension === '' ? loaded : builder.assign(`${extension} ${memoryType} ${loaded} to ${valueType}`), type);
    // Checked explicitly, a load may be deleted when unused: its check still traps.
    if (!checked) translator.recordLoad(`${memoryType} ${loaded}`, addressLoads);
  };
}

function store(memoryType: string, type: ValType, natural: number): OperatorEmitter {
  const valueType = LLVM_TYPE[type];
  const truncates = memoryType !== valueType;
  return (translator, operator) => {
    const builder = translator.builder;
    // A full-width store keeps its operands' loads alive; a truncated value may be loaded
    // narrower (LLVM's DAG combiner shrinks `trunc (load)`), so that load is anchored. Every
    // other live load must execute before the store (load-liveness.ts, ANCHORS_ALL_LOADS).
    const top = translator.height;
    if (truncates) translator.anchorLoads(top - 1, top);
    translator.keepLoads(top - 2, top);
    translator.anchorAllLoads();
    if (checksBounds(translator, operator.memoryIndex)) {
      checkBounds(translator, operator.memoryIndex, translator.values[translator.height - 2], operator.memoryOffset, memoryBytes(memoryType));
    }
    let value = translator.pop();
    const pointer = effectiveAddress(translator, operator.memoryIndex, translator.pop(), operator.memoryOffset);
    if (truncates) value = builder.assign(`trunc ${valueType} ${value} to ${memoryType}`);
    builder.emit(`store ${memoryType} ${value}, ptr ${pointer}, align ${alignment(translator, operator, natural)}, !tbaa ${TBAA_LINEAR_MEMORY}`);
  };
}

/** Bytes an access of LLVM type `memoryType` touches. */
function memoryBytes(memoryType: string): number {
  switch (memoryType) {
    case 'i8': return 1;
    case 'i16': return 2;
    case 'i32': case 'float': return 4;
    default: return 8; // i64, double
  }
}

function emitMemorySize(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const bytes = translator.environment.memoryByteLength(builder, operator.memoryIndex);
  const pages = builder.assign(`lshr i64 ${bytes}, 16`);
  translator.push(builder.assign(`trunc i64 ${pages} to i32`), ValType.I32);
}

function emitMemoryGrow(translator: TranslatorState, operator: Operator): void {
  const delta = translator.pop();
  translator.push(translator.environment.memoryGrow(translator.builder, operator.memoryIndex, delta), ValType.I32);
}

function emitMemoryFill(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const count = widen(translator.builder, translator.pop());
  const value = translator.pop();
  const destination = widen(translator.builder, translator.pop());
  const length = translator.environment.memoryByteLength(builder, operator.memoryIndex);
  builder.trapIf(rangeExceeds(translator.builder, destination, count, length), TrapCode.MemoryOutOfBounds);
  const base = translator.environment.memoryBase(builder, operator.memoryIndex);
  const pointer = builder.assign(`getelementptr inbounds i8, ptr ${base}, i64 ${destination}`);
  const byte = isConstant(value) ? String(Number(value) & 0xff) : builder.assign(`trunc i32 ${value} to i8`);
  builder.emit(`call void @llvm.memset.p0.i64(ptr align 1 ${pointer}, i8 ${byte}, i64 ${count}, i1 false), !tbaa ${TBAA_LINEAR_MEMORY}`);
}

function emitMemoryCopy(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const count = widen(translator.builder, translator.pop());
  const source = widen(translator.builder, translator.pop());
  const destination = widen(translator.builder, translator.pop());
  // 2.0 has one memory: source and destination are memory 0 (operator.memoryIndex).
  const memoryIndex = operator.memoryIndex;
  const length = translator.environment.memoryByteLength(builder, memoryIndex);
  const sourceOut = rangeExceeds(translator.builder, source, count, length);
  const destinationOut = rangeExceeds(translator.builder, destination, count, length);
  builder.trapIf(builder.assign(`or i1 ${sourceOut}, ${destinationOut}`), TrapCode.MemoryOutOfBounds);
  const base = translator.environment.memoryBase(builder, memoryIndex);
  const to = builder.assign(`getelementptr inbounds i8, ptr ${base}, i64 ${destination}`);
  const from = builder.assign(`getelementptr inbounds i8, ptr ${base}, i64 ${source}`);
  builder.emit(`call void @llvm.memmove.p0.p0.i64(ptr align 1 ${to}, ptr align 1 ${from}, i64 ${count}, i1 false), !tbaa ${TBAA_LINEAR_MEMORY}`);
}

function emitMemoryInit(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const environment = translator.environment;
  const count = widen(translator.builder, translator.pop());
  const source = widen(translator.builder, translator.pop());
  const destination = widen(translator.builder, translator.pop());
  const segment = environment.dataSegment(builder, operator.index);
  const length = environment.memoryByteLength(builder, operator.memoryIndex);
  const sourceOut = rangeExceeds(translator.builder, source, count, segment.length);
  const destinationOut = rangeExceeds(translator.builder, destination, count, length);
  builder.trapIf(builder.assign(`or i1 ${sourceOut}, ${destinationOut}`), TrapCode.MemoryOutOfBounds);
  const base = environment.memoryBase(builder, operator.memoryIndex);
  const to = builder.assign(`getelementptr inbounds i8, ptr ${base}, i64 ${destination}`);
  const from = builder.assign(`getelementptr i8, ptr ${segment.address}, i64 ${source}`);
  builder.emit(`call void @llvm.memcpy.p0.p0.i64(ptr align 1 ${to}, ptr align 1 ${from}, i64 ${count}, i1 false)`);
}

function emitDataDrop(translator: TranslatorState, operator: Operator): void {
  translator.environment.dropDataSegment(translator.builder, operator.index);
}
