// Runtime: data and element segments at instantiation (Core spec §4.5.4 "Instantiation",
// WebAssembly 2.0 semantics). Passive segments are described to generated code by
// { address, length } descriptors in the vmctx (memory.init/table.init read them,
// data.drop/elem.drop zero their length). Active segments are applied here, in order,
// each bounds-checked before it writes anything: a segment that does not fit traps (the
// instantiation throws RuntimeError) and the earlier segments' writes stay; then the
// segment counts as dropped. Declarative element segments are dropped from the start.
//
// A module's data bytes are read where they are, in the module's own copy of its wasm bytes
// (which nobody writes or hands out), by all its instances, with, when the offsets are
// constants, the plan that copies its active segments in one call; element values depend
// on the instance (funcref addresses), so each instance gets its own block.

import { allocate, bufferAddress, type RawBlock } from '../native/addon.js';
import { RuntimeError } from '../wasm/errors.js';
import { SegmentDescriptor } from '../abi/vmctx-layout.js';
import { TRAP_MESSAGES, TrapCode } from '../abi/trap-codes.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { evaluateConstant, evaluateOffset, type ConstantContext } from './constant-expressions.js';
import type { InstanceState } from './instance-state.js';
import { memoryInstanceOf } from './externs.js';

/** The data bytes of a module, shared by its instances, and how its active segments are copied. */
/** Where a module's data segments are read from: its data section, inside its wasm bytes. */
export interface DataSource {
  /** Address of the first segment's first byte. */
  readonly address: bigint;
  /** What keeps the address valid: the module's wasm bytes. */
  readonly bytes: Uint8Array;
}

export interface ModuleData {
  readonly block: DataSource;
  /** Byte offset of each segment from the block's address. */
  readonly offsets: Uint32Array;
  /**
   * When every active segment's offset is a constant: the data-copy plan (LinearMemory.copyData)
   * for the non-empty active segments in order, made once per module.
   */
  readonly constantPlan: RawBlock | undefined;
  /** With a constant plan: its entries, and the largest offset + length of the active segments (all fit in a memory this long). */
  readonly constantPlanCount: number;
  readonly constantPlanEnd: number;
  /**
   * The vmctx offsets of the FuncRefs of every element segment given as function indices,
   * one after another (segment i's are [funcRefStarts[i], funcRefStarts[i + 1])), so an
   * active one is applied as vmctx + offset in one call (NativeTable.setFuncRefs). Flat: a
   * module may have ten million segments.
   */
  readonly funcRefOffsets: Uint32Array;
  readonly funcRefStarts: Uint32Array;
}

const PLAN_ENTRY_BYTES = 24;
const moduleData = new WeakMap<CompiledModule, ModuleData>();

/**
 * Writes entry `index` of a data-copy plan: { destination offset, block address +
 * sourceOffset, length }, as 32-bit halves (a module may have 100,000 segments, and BigInts
 * cost): `blockLow` and `blockHigh` are the halves of the module's data block's address.
 */
function writePlanEntry(words: Uint32Array, index: number, blockLow: number, blockHigh: number, offset: number, sourceOffset: number, length: number): void {
  const word = index * (PLAN_ENTRY_BYTES / 4);
  const sourceLow = blockLow + sourceOffset;
  words[word] = offset;
  words[word + 1] = 0;
  words[word + 2] = sourceLow >>> 0;
  words[word + 3] = blockHigh + Math.floor(sourceLow / 0x100000000);
  words[word + 4] = length;
  words[word + 5] = 0;
}

export function moduleDataOf(module: CompiledModule): ModuleData {
  let data = moduleData.get(module);
  if (data === undefined) {
    const { info } = module;
    const segments = info.data;
    // The segments' contents lie in order in the data section, a few header bytes apart: the
    // block is that span of the module's bytes, read in place.
    const spanStart = segments.length > 0 ? segments.dataStart(0) : 0;
    const offsets = new Uint32Array(segments.length);
    const allConstant = segments.allOffsetsConstant();
    let constantPlanCount = 0;
    for (let i = 0; i < segments.length; i++) {
      offsets[i] = segments.dataStart(i) - spanStart;
      if (segments.isActive(i) && segments.dataEnd(i) > segments.dataStart(i)) constantPlanCount++;
    }
    const block: DataSource = { address: bufferAddress(info.bytes) + BigInt(spanStart), bytes: info.bytes };
    let constantPlan: RawBlock | undefined;
    let constantPlanEnd = 0;
    if (!allConstant) constantPlanCount = 0;
    else {
      constantPlan = allocate(Math.max(constantPlanCount * PLAN_ENTRY_BYTES, 16));
      const words = new Uint32Array(constantPlan.buffer);
      const blockLow = Number(block.address & 0xffffffffn);
      const blockHigh = Number(block.address >> 32n);
      let entry = 0;
      for (let i = 0; i < segments.length; i++) {
        if (!segments.isActive(i)) continue;
        const offset = segments.constantOffset(i)! >>> 0;
        const length = segments.dataEnd(i) - segments.dataStart(i);
        constantPlanEnd = Math.max(constantPlanEnd, offset + length);
        if (length > 0) writePlanEntry(words, entry++, blockLow, blockHigh, offset, offsets[i], length);
      }
    }
    const funcRefStarts = new Uint32Array(info.elements.length + 1);
    for (let i = 0; i < info.elements.length; i++) funcRefStarts[i + 1] = funcRefStarts[i] + (info.elements[i].functionIndices?.length ?? 0);
    const funcRefOffsets = new Uint32Array(funcRefStarts[info.elements.length]);
    info.elements.forEach((segment, i) => {
      const indices = segment.functionIndices;
      if (indices === undefined) return;
      const start = funcRefStarts[i];
      for (let j = 0; j < indices.length; j++) funcRefOffsets[start + j] = module.layout.funcRef(indices[j]);
    });
    data = { block, offsets, constantPlan, constantPlanCount, constantPlanEnd, funcRefOffsets, funcRefStarts };
    moduleData.set(module, data);
  }
  return data;
}

function writeDescriptor(state: InstanceState, offset: number, address: bigint, length: number): void {
  state.view.setBigUint64(offset + SegmentDescriptor.address, address, true);
  state.view.setBigUint64(offset + SegmentDescriptor.length, BigInt(length), true);
}

/**
 * Evaluated element values per segment (raw 8-byte references); undefined for an active
 * segment of function indices, which is applied from the module's FuncRef offsets.
 */
export type ElementValues = readonly (readonly bigint[] | undefined)[];

/**
 * Fills the vmctx's element segment descriptors (passive segments get their length, active
 * and declarative ones 0: they are dropped by instantiation; the data segments' are in the
 * vmctx template) and returns the element values active segments need. Element
 * expressions are evaluated here, before any segment is applied, as the spec's allocation
 * step does.
 */
export function describeSegments(state: InstanceState, context: ConstantContext): ElementValues {
  const { module } = state;
  const { info, layout } = module;
  const data = moduleDataOf(module);
  state.keepAlive.push(data.block);

  const values = info.elements.map((segment): bigint[] | undefined => {
    if (segment.mode === 'declarative') return [];
    if (segment.functionIndices === undefined) return segment.expressions!.map((expression) => evaluateConstant(expression, context) as bigint);
    return segment.mode === 'passive' ? segment.functionIndices.map((index) => context.functionReference(index)) : undefined;
  });
  let total = 0;
  info.elements.forEach((segment, i) => {
    if (segment.mode === 'passive') total += values[i]!.length;
  });
  if (total === 0) return values;
  const block = allocate(total * 8);
  state.keepAlive.push(block);
  const elements = new BigUint64Array(block.buffer);
  let position = 0;
  info.elements.forEach((segment, i) => {
    if (segment.mode !== 'passive') return;
    elements.set(values[i]!, position);
    writeDescriptor(state, layout.elementSegment(i), block.address + BigInt(position * 8), values[i]!.length);
    position += values[i]!.length;
  });
  return values;
}

/**
 * Applies the active element segments, then the active data segments, in order. Data
 * segments are bounds-checked first, in order; the ones before the first that does not fit
 * are copied (in one native call), then that one traps.
 */
export function initializeActiveSegments(state: InstanceState, context: ConstantContext, elementValues: ElementValues): void {
  const { info } = state.module;
  const data = moduleDataOf(state.module);
  info.elements.forEach((segment, i) => {
    if (segment.mode !== 'active') return;
    const table = state.tableInstances[segment.tableIndex];
    const offset = evaluateOffset(segment.offsetExpression!, context);
    const values = elementValues[i];
    const length = values === undefined ? data.funcRefStarts[i + 1] - data.funcRefStarts[i] : values.length;
    if (offset + length > table.native.length()) throw new RuntimeError(TRAP_MESSAGES[TrapCode.TableOutOfBounds]);
    if (values === undefined) table.native.setFuncRefs(offset, state.vmctxAddress, data.funcRefOffsets.subarray(data.funcRefStarts[i], data.funcRefStarts[i + 1]));
    else for (let j = 0; j < values.length; j++) table.native.set(offset + j, values[j]);
  });
  if (info.data.length === 0) return;
  if (data.constantPlan !== undefined) {
    // Constant offsets: when the largest end fits, every segment does (the usual case).
    const memory = memoryInstanceOf(state.memories[0]);
    if (memory !== undefined && data.constantPlanEnd <= memory.linear.byteLength()) {
      if (data.constantPlanCount > 0) memory.linear.copyData(data.constantPlan.buffer, data.constantPlanCount);
      return;
    }
  }
  // WebAssembly 2.0 has one memory: every data segment is memory 0's.
  let memory: ReturnType<typeof memoryInstanceOf>;
  let memoryLength = 0;
  let fits = true;
  // Checked in order; with offsets that depend on the instance (global.get), a plan of its own.
  const plan = data.constantPlan ?? allocate(Math.max(info.data.length * PLAN_ENTRY_BYTES, 16));
  const words = data.constantPlan === undefined ? new Uint32Array(plan.buffer) : undefined;
  const blockLow = Number(data.block.address & 0xffffffffn);
  const blockHigh = Number(data.block.address >> 32n);
  let count = 0;
  const segments = info.data;
  for (let i = 0; i < segments.length; i++) {
    if (!segments.isActive(i)) continue;
    if (memory === undefined) {
      memory = memoryInstanceOf(state.memories[segments.memoryIndex(i)])!;
      memoryLength = memory.linear.byteLength();
    }
    const constant = segments.constantOffset(i);
    const offset = constant !== undefined ? constant >>> 0 : evaluateOffset(segments.offsetExpression(i)!, context);
    const length = segments.dataEnd(i) - segments.dataStart(i);
    if (offset + length > memoryLength) {
      fits = false;
      break;
    }
    if (length === 0) continue;
    if (words !== undefined) writePlanEntry(words, count, blockLow, blockHigh, offset, data.offsets[i], length);
    count++;
  }
  if (count > 0) memory!.linear.copyData(plan.buffer, count);
  if (!fits) throw new RuntimeError(TRAP_MESSAGES[TrapCode.MemoryOutOfBounds]);
}
