// Stage: decoding. The data section (Core spec §5.5.14): active segments (memory 0 or an
// explicit memory index, with an offset expression) and passive ones; contents are kept
// as byte ranges of the module.

import type { BinaryReader } from './reader.js';
import type { ConstantExpression, ModuleInfo } from './module-info.js';
import { readConstantExpression } from './constant-expression.js';
import { MAX_DATA_SEGMENTS } from './limits.js';

export function decodeDataSection(reader: BinaryReader, module: ModuleInfo): void {
  const countOffset = reader.pos;
  const count = reader.readCount('data segment', 2);
  if (count > MAX_DATA_SEGMENTS) reader.fail(`too many data segments: ${count}`, countOffset);
  if (module.dataCount !== undefined && count !== module.dataCount) {
    reader.fail('data count and data section have inconsistent lengths', countOffset);
  }
  for (let i = 0; i < count; i++) {
    const offset = reader.pos;
    const flags = reader.readU32();
    let memoryIndex = 0;
    let offsetExpression: ConstantExpression | undefined;
    if (flags === 0 || flags === 2) {
      if (flags === 2) memoryIndex = reader.readU32();
      offsetExpression = readConstantExpression(reader);
    } else if (flags !== 1) {
      reader.fail(`malformed data segment kind ${flags}`, offset);
    }
    const lengthOffset = reader.pos;
    const length = reader.readU32();
    if (length > reader.remaining) reader.fail('unexpected end of section or function', lengthOffset);
    const dataStart = reader.skip(length);
    module.data.push({
      mode: flags === 1 ? 'passive' : 'active',
      memoryIndex,
      offsetExpression,
      dataStart,
      dataEnd: dataStart + length,
      offset,
    });
  }
}
