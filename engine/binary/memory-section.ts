// Stage: decoding. The memory section (Core spec §5.5.8): a vector of memory types (limits
// in 64 KiB pages). At most one memory is valid in 2.0; the module validator checks that.

import type { BinaryReader } from './reader.js';
import type { ModuleInfo } from './module-info.js';
import { readLimits } from './type-encodings.js';

export function decodeMemorySection(reader: BinaryReader, module: ModuleInfo): void {
  const count = reader.readCount('memory', 2);
  for (let i = 0; i < count; i++) {
    module.memoryOffsets.push(reader.pos);
    module.memories.push(readLimits(reader));
  }
}
