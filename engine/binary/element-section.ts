// Stage: decoding. The element section (Core spec §5.5.12): eight encodings selected by a
// flags value 0-7 (bit 0: passive or declarative, bit 1: explicit table index or
// declarative, bit 2: element expressions instead of function indices).

import type { BinaryReader } from './reader.js';
import type { ConstantExpression, ModuleInfo, SegmentMode } from './module-info.js';
import { readConstantExpression } from './constant-expression.js';
import { readReferenceType } from './type-encodings.js';
import { MAX_ELEMENT_SEGMENTS, MAX_TABLE_INIT_ENTRIES } from './limits.js';
import { ValType } from '../wasm/value-types.js';

export function decodeElementSection(reader: BinaryReader, module: ModuleInfo): void {
  const countOffset = reader.pos;
  const count = reader.readCount('element segment', 2);
  if (count > MAX_ELEMENT_SEGMENTS) reader.fail(`too many element segments: ${count}`, countOffset);
  for (let i = 0; i < count; i++) {
    const offset = reader.pos;
    const flags = reader.readU32();
    if (flags > 7) reader.fail(`malformed elements segment kind ${flags}`, offset);
    const usesExpressions = (flags & 4) !== 0;
    let mode: SegmentMode;
    let tableIndex = 0;
    let offsetExpression: ConstantExpression | undefined;
    if ((flags & 1) === 0) {
      mode = 'active';
      if (flags & 2) tableIndex = reader.readU32();
      offsetExpression = readConstantExpression(reader);
    } else {
      mode = flags & 2 ? 'declarative' : 'passive';
    }
    let elementType = ValType.FuncRef;
    // Encodings 0 and 4 have neither an element kind nor a reference type.
    if ((flags & 3) !== 0) {
      if (usesExpressions) {
        elementType = readReferenceType(reader);
      } else {
        const kindOffset = reader.pos;
        if (reader.readU8() !== 0x00) reader.fail('malformed element kind', kindOffset);
      }
    }
    const itemCountOffset = reader.pos;
    const itemCount = reader.readCount('element', usesExpressions ? 2 : 1);
    if (itemCount > MAX_TABLE_INIT_ENTRIES) reader.fail(`too many table entries: ${itemCount}`, itemCountOffset);
    let functionIndices: number[] | undefined;
    let expressions: ConstantExpression[] | undefined;
    if (usesExpressions) {
      expressions = [];
      for (let j = 0; j < itemCount; j++) expressions.push(readConstantExpression(reader));
    } else {
      functionIndices = [];
      for (let j = 0; j < itemCount; j++) functionIndices.push(reader.readU32());
    }
    module.elements.push({ mode, tableIndex, offsetExpression, elementType, functionIndices, expressions, offset });
  }
}
