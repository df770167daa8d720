// Stage: decoding. The code section (Core spec §5.5.13): for each defined function, its
// body size, local declarations and the byte range of its instructions. Instructions are
// not decoded here: the per-function loop (validator + translator) reads them, possibly
// later or in parallel.

import type { BinaryReader } from './reader.js';
import type { LocalDeclaration, ModuleInfo } from './module-info.js';
import { readValueType } from './type-encodings.js';
import { MAX_FUNCTION_BODY_SIZE, MAX_FUNCTION_LOCALS } from './limits.js';

export function decodeCodeSection(reader: BinaryReader, module: ModuleInfo): void {
  module.codeSectionOffset = reader.pos;
  const countOffset = reader.pos;
  const count = reader.readCount('function body');
  const declared = module.functionTypeIndices.length - module.importedFunctionCount;
  if (count !== declared) reader.fail('function and code section have inconsistent lengths', countOffset);
  for (let i = 0; i < count; i++) {
    const sizeOffset = reader.pos;
    const size = reader.readU32();
    if (size > reader.remaining) reader.fail('unexpected end of section or function', sizeOffset);
    if (size > MAX_FUNCTION_BODY_SIZE) reader.fail(`function body too large: ${size} bytes`, sizeOffset);
    const start = reader.pos;
    const end = start + size;
    const sectionEnd = reader.end;
    reader.end = end;
    const locals: LocalDeclaration[] = [];
    const groupCount = reader.readCount('local declaration', 2);
    let localCount = 0;
    const functionIndex = module.importedFunctionCount + i;
    const typeIndex = module.functionTypeIndices[functionIndex];
    const paramCount = typeIndex < module.types.length ? module.types[typeIndex].params.length : 0;
    for (let j = 0; j < groupCount; j++) {
      const groupOffset = reader.pos;
      const groupSize = reader.readU32();
      localCount += groupSize;
      if (localCount > 0xffffffff) reader.fail('too many locals', groupOffset);
      if (localCount + paramCount > MAX_FUNCTION_LOCALS) {
        reader.fail(`too many locals: ${localCount + paramCount} (limit ${MAX_FUNCTION_LOCALS})`, groupOffset);
      }
      const type = readValueType(reader);
      if (groupSize > 0) locals.push({ count: groupSize, type });
    }
    const codeStart = reader.pos;
    reader.end = sectionEnd;
    reader.pos = end;
    module.functionBodies.push({ functionIndex, start, end, codeStart, locals, localCount });
  }
}
