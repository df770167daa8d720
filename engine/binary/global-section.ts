// Stage: decoding. The global section (Core spec §5.5.9): global type and initialiser
// (a constant expression) of each global defined in this module.

import type { BinaryReader } from './reader.js';
import type { ModuleInfo } from './module-info.js';
import { readGlobalType } from './type-encodings.js';
import { readConstantExpression } from './constant-expression.js';
import { MAX_GLOBALS } from './limits.js';

export function decodeGlobalSection(reader: BinaryReader, module: ModuleInfo): void {
  const countOffset = reader.pos;
  const count = reader.readCount('global', 4);
  if (count + module.importedGlobalCount > MAX_GLOBALS) reader.fail(`too many globals: ${count}`, countOffset);
  for (let i = 0; i < count; i++) {
    const offset = reader.pos;
    const type = readGlobalType(reader);
    const init = readConstantExpression(reader);
    module.globals.push({ type, init, offset });
  }
}
