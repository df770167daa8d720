// Stage: decoding. The import section (Core spec §5.5.5): module name, field name and a
// description (function type index, table, memory or global type). Imports come first in
// their index spaces.

import type { BinaryReader } from './reader.js';
import { ExternalKind, type ModuleInfo } from './module-info.js';
import { readGlobalType, readLimits, readTableType } from './type-encodings.js';
import { MAX_IMPORTS } from './limits.js';

export function decodeImportSection(reader: BinaryReader, module: ModuleInfo): void {
  const countOffset = reader.pos;
  const count = reader.readCount('import', 4);
  if (count > MAX_IMPORTS) reader.fail(`too many imports: ${count}`, countOffset);
  for (let i = 0; i < count; i++) {
    const offset = reader.pos;
    const moduleName = reader.readName();
    const name = reader.readName();
    const kindOffset = reader.pos;
    const kind = reader.readU8();
    switch (kind) {
      case ExternalKind.Function: {
        const typeIndex = reader.readU32();
        module.imports.push({ module: moduleName, name, offset, kind, typeIndex });
        module.functionTypeIndices.push(typeIndex);
        module.importedFunctionCount++;
        break;
      }
      case ExternalKind.Table: {
        const table = readTableType(reader);
        module.imports.push({ module: moduleName, name, offset, kind, table });
        module.tables.push(table);
        module.tableOffsets.push(offset);
        module.importedTableCount++;
        break;
      }
      case ExternalKind.Memory: {
        const memory = readLimits(reader);
        module.imports.push({ module: moduleName, name, offset, kind, memory });
        module.memories.push(memory);
        module.memoryOffsets.push(offset);
        module.importedMemoryCount++;
        break;
      }
      case ExternalKind.Global: {
        const global = readGlobalType(reader);
        module.imports.push({ module: moduleName, name, offset, kind, global });
        module.globals.push({ type: global, init: undefined, offset });
        module.importedGlobalCount++;
        break;
      }
      default:
        reader.fail(`malformed import kind 0x${kind.toString(16)}`, kindOffset);
    }
  }
}
