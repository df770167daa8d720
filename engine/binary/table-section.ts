// Stage: decoding. The table section (Core spec §5.5.7): a vector of table types.

import type { BinaryReader } from './reader.js';
import type { ModuleInfo } from './module-info.js';
import { readTableType } from './type-encodings.js';

export function decodeTableSection(reader: BinaryReader, module: ModuleInfo): void {
  const count = reader.readCount('table', 3);
  for (let i = 0; i < count; i++) {
    module.tableOffsets.push(reader.pos);
    module.tables.push(readTableType(reader));
  }
}
