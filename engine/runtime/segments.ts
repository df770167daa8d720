// Runtime: data and element segments at instantiation (Core spec §4.5.4 "Instantiation",
// WebAssembly 2.0 semantics). Passive segments are described to generated code by
// { address, length } descriptors in the vmctx (memory.init/table.init read them,
// data.drop/elem.drop zero their length). Active segments are applied here, in order,
// each bounds-checked before it writes anything: a segment that does not fit traps (the
// instantiation throws RuntimeError) and the earlier segments' writes stay; then the
// segment counts as dropped. Declarative element segments are dropped from the start.
//
// A module's data bytes are copied once into a native block shared by all its instances
// (data is read-only); element values depend on the instance (funcref addresses), so each
// instance gets its own block.

import { allocate, invoke, type RawBlock } from '../native/addon.js';
import { slotViews } from './slots.js';
import { RuntimeError } from '../wasm/errors.js';
import { SegmentDescriptor } from '../abi/vmctx-layout.js';
import { TRAP_MESSAGES, TrapCode } from '../abi/trap-codes.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { evaluateConstant, evaluateOffset, type ConstantContext } from './constant-expressions.js';
import type { InstanceState } from './instance-state.js';
import { memoryInstanceOf, tableInstanceOf } from './externs.js';

interface DataBlock {
  readonly block: RawBlock;
  /** Byte offset of each segment in the block. */
  readonly offsets: readonly number[];
}

const dataBlocks = new WeakMap<CompiledModule, DataBlock>();

function dataBlockOf(module: CompiledModule): DataBlock {
  let data = dataBlocks.get(module);
  if (data === undefined) {
    const { info } = module;
    const offsets: number[] = [];
    let total = 0;
    for (const segment of info.data) {
      offsets.push(total);
      total += segment.dataEnd - segment.dataStart;
    }
    const block = allocate(Math.max(total, 16));
    const bytes = new Uint8Array(block.buffer);
    info.data.forEach((segment, i) => bytes.set(info.bytes.subarray(segment.dataStart, segment.dataEnd), offsets[i]));
    data = { block, offsets };
    dataBlocks.set(module, data);
  }
  return data;
}

function writeDescriptor(state: InstanceState, offset: number, address: bigint, length: number): void {
  state.view.setBigUint64(offset + SegmentDescriptor.address, address, true);
  state.view.setBigUint64(offset + SegmentDescriptor.length, BigInt(length), true);
}

/** Evaluated element values per segment (raw 8-byte references). */
export type ElementValues = readonly (readonly bigint[])[];

/**
 * Fills the vmctx's segment descriptors (passive segments get their length, active and
 * declarative ones 0: they are dropped by instantiation) and returns the element values,
 * which active segments need. Element expressions are evaluated here, before any segment
 * is applied, as the spec's allocation step does.
 */
export function describeSegments(state: InstanceState, context: ConstantContext): ElementValues {
  const { module } = state;
  const { info, layout } = module;
  const data = dataBlockOf(module);
  state.keepAlive.push(data.block);
  info.data.forEach((segment, i) => {
    const length = segment.mode === 'passive' ? segment.dataEnd - segment.dataStart : 0;
    writeDescriptor(state, layout.dataSegment(i), data.block.address + BigInt(data.offsets[i]), length);
  });

  const values: bigint[][] = info.elements.map((segment) =>
    segment.functionIndices
      ? segment.functionIndices.map((index) => context.functionReference(index))
      : segment.expressions!.map((expression) => evaluateConstant(expression, context) as bigint),
  );
  const total = values.reduce((sum, list) => sum + list.length, 0);
  const block = allocate(Math.max(total * 8, 16));
  state.keepAlive.push(block);
  const elements = new BigUint64Array(block.buffer);
  let position = 0;
  info.elements.forEach((segment, i) => {
    elements.set(values[i], position);
    const length = segment.mode === 'passive' ? values[i].length : 0;
    writeDescriptor(state, layout.elementSegment(i), block.address + BigInt(position * 8), length);
    position += values[i].length;
  });
  return values;
}

/** memcpy(memory base + offset, source, length) through the module's data-copy helper (no ArrayBuffer). */
function copyIntoMemory(module: CompiledModule, definition: bigint, offset: number, source: bigint, length: number): void {
  if (module.dataCopy === undefined) throw new Error('internal error: the module has no data-copy helper');
  const slots = slotViews();
  slots.u64[0] = definition;
  slots.u64[1] = BigInt(offset);
  slots.u64[2] = source;
  slots.u64[3] = BigInt(length);
  const code = invoke(module.dataCopy, 0n, 4);
  if (code !== 0) throw new Error(`internal error: copying a data segment trapped (${code})`);
}

/** Applies the active element segments, then the active data segments, in order. */
export function initializeActiveSegments(state: InstanceState, context: ConstantContext, elementValues: ElementValues): void {
  const { info } = state.module;
  info.elements.forEach((segment, i) => {
    if (segment.mode !== 'active') return;
    const table = tableInstanceOf(state.tables[segment.tableIndex])!;
    const offset = evaluateOffset(segment.offsetExpression!, context);
    const values = elementValues[i];
    if (offset + values.length > table.native.length()) throw new RuntimeError(TRAP_MESSAGES[TrapCode.TableOutOfBounds]);
    for (let j = 0; j < values.length; j++) table.native.set(offset + j, values[j]);
  });
  const data = dataBlockOf(state.module);
  info.data.forEach((segment, i) => {
    if (segment.mode !== 'active') return;
    const memory = memoryInstanceOf(state.memories[segment.memoryIndex])!;
    const offset = evaluateOffset(segment.offsetExpression!, context);
    const length = segment.dataEnd - segment.dataStart;
    if (offset + length > memory.linear.byteLength()) throw new RuntimeError(TRAP_MESSAGES[TrapCode.MemoryOutOfBounds]);
    if (length > 0) copyIntoMemory(state.module, memory.linear.definition, offset, data.block.address + BigInt(data.offsets[i]), length);
  });
}
