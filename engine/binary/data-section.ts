// Stage: decoding. The data section (Core spec §5.5.14): active segments (memory 0 or an
// explicit memory index, with an offset expression) and passive ones; contents are kept
// as byte ranges of the module, the segments in columns (data-segments.ts).

import type { BinaryReader } from './reader.js';
import type { ModuleInfo } from './module-info.js';
import { readConstantExpression } from './constant-expression.js';
import { MAX_DATA_SEGMENTS } from './limits.js';

/** The bytes of `i32.const` and `end` (Core spec §5.4.7, §5.4.1). */
const I32_CONST_BYTE = 0x41;
const END_BYTE = 0x0b;

export function decodeDataSection(reader: BinaryReader, module: ModuleInfo): void {
  const countOffset = reader.pos;
  const count = reader.readCount('data segment', 2);
  if (count > MAX_DATA_SEGMENTS) reader.fail(`too many data segments: ${count}`, countOffset);
  if (module.dataCount !== undefined && count !== module.dataCount) {
    reader.fail('data count and data section have inconsistent lengths', countOffset);
  }
  module.data.reserve(count);
  for (let i = 0; i < count; i++) {
    const offset = reader.pos;
    const flags = reader.readU32();
    if (flags === 1) {
      const dataStart = readContents(reader);
      module.data.addPassive(offset, dataStart, reader.pos);
      continue;
    }
    if (flags !== 0 && flags !== 2) reader.fail(`malformed data segment kind ${flags}`, offset);
    const memoryIndex = flags === 2 ? reader.readU32() : 0;
    const expressionStart = reader.pos;
    const constant = readI32ConstExpression(reader);
    if (constant !== undefined) {
      const expressionEnd = reader.pos;
      const dataStart = readContents(reader);
      module.data.addActiveConstant(offset, memoryIndex, constant, expressionStart, expressionEnd, dataStart, reader.pos);
    } else {
      const expression = readConstantExpression(reader);
      const dataStart = readContents(reader);
      module.data.addActive(offset, memoryIndex, expression, dataStart, reader.pos);
    }
  }
}

/** Skips the segment's byte vector and returns where its contents start (they end at reader.pos). */
function readContents(reader: BinaryReader): number {
  const lengthOffset = reader.pos;
  const length = reader.readU32();
  if (length > reader.remaining) reader.fail('unexpected end of section or function', lengthOffset);
  return reader.skip(length);
}

/**
 * The usual offset, `i32.const n end`, read without an operator reader or an object; the
 * value, or undefined with the reader where it was for anything else (also a malformed
 * immediate: readConstantExpression then reports it as it would any expression).
 */
function readI32ConstExpression(reader: BinaryReader): number | undefined {
  const start = reader.pos;
  if (start >= reader.end || reader.bytes[start] !== I32_CONST_BYTE) return undefined;
  reader.pos = start + 1;
  let value: number;
  try {
    value = reader.readS32();
  } catch {
    reader.pos = start;
    return undefined;
  }
  if (reader.pos >= reader.end || reader.bytes[reader.pos] !== END_BYTE) {
    reader.pos = start;
    return undefined;
  }
  reader.pos++;
  return value;
}
