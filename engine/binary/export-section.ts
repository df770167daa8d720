// Stage: decoding. The export section (Core spec §5.5.10): name, kind and index of each
// export. Uniqueness of names and index ranges are checked by the module validator.

import type { BinaryReader } from './reader.js';
import type { ExternalKind, ModuleInfo } from './module-info.js';
import { MAX_EXPORTS } from './limits.js';

export function decodeExportSection(reader: BinaryReader, module: ModuleInfo): void {
  const countOffset = reader.pos;
  const count = reader.readCount('export', 3);
  if (count > MAX_EXPORTS) reader.fail(`too many exports: ${count}`, countOffset);
  for (let i = 0; i < count; i++) {
    const offset = reader.pos;
    const name = reader.readName();
    const kindOffset = reader.pos;
    const kind = reader.readU8();
    if (kind > 3) reader.fail(`malformed export kind 0x${kind.toString(16)}`, kindOffset);
    const index = reader.readU32();
    module.exports.push({ name, kind: kind as ExternalKind, index, offset });
  }
}
