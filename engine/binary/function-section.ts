// Stage: decoding. The function section (Core spec §5.5.6): the type index of each
// function defined in this module; their bodies follow in the code section.

import type { BinaryReader } from './reader.js';
import type { ModuleInfo } from './module-info.js';
import { MAX_FUNCTIONS } from './limits.js';

export function decodeFunctionSection(reader: BinaryReader, module: ModuleInfo): void {
  module.functionSectionOffset = reader.pos;
  const countOffset = reader.pos;
  const count = reader.readCount('function');
  if (count + module.importedFunctionCount > MAX_FUNCTIONS) reader.fail(`too many functions: ${count}`, countOffset);
  for (let i = 0; i < count; i++) {
    module.functionOffsets.push(reader.pos);
    module.functionTypeIndices.push(reader.readU32());
  }
}
