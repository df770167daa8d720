// Stage: decoding. A module's data segments (Core spec §5.5.14), kept in columns of typed
// arrays instead of one object per segment: Go and Rust toolchains emit 100,000 segments and
// more (esbuild's module: 98,450), and two objects per segment (the segment and its offset
// expression) were a third of decoding such a module and most of its garbage. An active
// segment's offset that is `i32.const n` (almost all) is kept as the number; any other offset
// expression as its object. `at(i)` and iteration give one segment as an object, for code off
// the hot paths.

import type { ConstantExpression } from './constant-expression-value.js';
import { Op } from '../wasm/opcodes.js';

/** One data segment as an object (DataSegments.at). */
export interface DataSegment {
  readonly mode: 'active' | 'passive';
  readonly memoryIndex: number;
  readonly offsetExpression: ConstantExpression | undefined;
  /** Byte range of the segment's contents in the module. */
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly offset: number;
}

const PASSIVE = 0;
const ACTIVE = 1;

export class DataSegments implements Iterable<DataSegment> {
  #length = 0;
  #modes = new Uint8Array(0);
  #memoryIndices = new Uint32Array(0);
  #dataStarts = new Uint32Array(0);
  #dataEnds = new Uint32Array(0);
  /** Where each segment starts in the module (error messages). */
  #offsets = new Uint32Array(0);
  /** An active segment's `i32.const` offset, and its expression's byte range (other expressions carry their own). */
  #constantOffsets = new Int32Array(0);
  #expressionStarts = new Uint32Array(0);
  #expressionEnds = new Uint32Array(0);
  /** Offset expressions other than `i32.const`, by segment index. */
  #otherExpressions = new Map<number, ConstantExpression>();

  get length(): number {
    return this.#length;
  }

  /** Makes room for `count` more segments at once (the section's count is known up front). */
  reserve(count: number): void {
    const capacity = this.#length + count;
    if (capacity <= this.#modes.length) return;
    const grow = <T extends Uint8Array | Uint32Array | Int32Array>(array: T, make: (size: number) => T): T => {
      const grown = make(capacity);
      grown.set(array.subarray(0, this.#length));
      return grown;
    };
    this.#modes = grow(this.#modes, (size) => new Uint8Array(size));
    this.#memoryIndices = grow(this.#memoryIndices, (size) => new Uint32Array(size));
    this.#dataStarts = grow(this.#dataStarts, (size) => new Uint32Array(size));
    this.#dataEnds = grow(this.#dataEnds, (size) => new Uint32Array(size));
    this.#offsets = grow(this.#offsets, (size) => new Uint32Array(size));
    this.#constantOffsets = grow(this.#constantOffsets, (size) => new Int32Array(size));
    this.#expressionStarts = grow(this.#expressionStarts, (size) => new Uint32Array(size));
    this.#expressionEnds = grow(this.#expressionEnds, (size) => new Uint32Array(size));
  }

  #add(mode: number, offset: number, memoryIndex: number, dataStart: number, dataEnd: number): number {
    if (this.#length === this.#modes.length) this.reserve(Math.max(8, this.#length));
    const index = this.#length++;
    this.#modes[index] = mode;
    this.#offsets[index] = offset;
    this.#memoryIndices[index] = memoryIndex;
    this.#dataStarts[index] = dataStart;
    this.#dataEnds[index] = dataEnd;
    return index;
  }

  addPassive(offset: number, dataStart: number, dataEnd: number): void {
    this.#add(PASSIVE, offset, 0, dataStart, dataEnd);
  }

  /** An active segment whose offset is `i32.const value` (the expression spans [start, end)). */
  addActiveConstant(offset: number, memoryIndex: number, value: number, start: number, end: number, dataStart: number, dataEnd: number): void {
    const index = this.#add(ACTIVE, offset, memoryIndex, dataStart, dataEnd);
    this.#constantOffsets[index] = value;
    this.#expressionStarts[index] = start;
    this.#expressionEnds[index] = end;
  }

  /** An active segment with any offset expression. */
  addActive(offset: number, memoryIndex: number, expression: ConstantExpression, dataStart: number, dataEnd: number): void {
    if (expression.opcode === Op.I32Const) {
      this.addActiveConstant(offset, memoryIndex, expression.value as number, expression.start, expression.end, dataStart, dataEnd);
      return;
    }
    this.#otherExpressions.set(this.#add(ACTIVE, offset, memoryIndex, dataStart, dataEnd), expression);
  }

  isActive(index: number): boolean {
    return this.#modes[index] === ACTIVE;
  }

  memoryIndex(index: number): number {
    return this.#memoryIndices[index];
  }

  dataStart(index: number): number {
    return this.#dataStarts[index];
  }

  dataEnd(index: number): number {
    return this.#dataEnds[index];
  }

  /** Where segment `index` starts in the module. */
  offset(index: number): number {
    return this.#offsets[index];
  }

  /** Whether every active segment's offset is an `i32.const`. */
  allOffsetsConstant(): boolean {
    return this.#otherExpressions.size === 0;
  }

  /** The `i32.const` offset of active segment `index` (as the signed value), or undefined for another expression or a passive segment. */
  constantOffset(index: number): number | undefined {
    if (this.#modes[index] !== ACTIVE || this.#otherExpressions.has(index)) return undefined;
    return this.#constantOffsets[index];
  }

  /** The offset expression of active segment `index` (undefined when passive). */
  offsetExpression(index: number): ConstantExpression | undefined {
    if (this.#modes[index] !== ACTIVE) return undefined;
    const other = this.#otherExpressions.get(index);
    if (other !== undefined) return other;
    return { opcode: Op.I32Const, value: this.#constantOffsets[index], start: this.#expressionStarts[index], end: this.#expressionEnds[index] };
  }

  /** Segment `index` as an object. */
  at(index: number): DataSegment {
    return {
      mode: this.#modes[index] === ACTIVE ? 'active' : 'passive',
      memoryIndex: this.#memoryIndices[index],
      offsetExpression: this.offsetExpression(index),
      dataStart: this.#dataStarts[index],
      dataEnd: this.#dataEnds[index],
      offset: this.#offsets[index],
    };
  }

  *[Symbol.iterator](): Iterator<DataSegment> {
    for (let index = 0; index < this.#length; index++) yield this.at(index);
  }
}
