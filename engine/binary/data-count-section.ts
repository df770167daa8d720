// Stage: decoding. The data count section (Core spec §5.5.16): the number of data
// segments, so that function bodies using memory.init/data.drop validate in one pass.

import type { BinaryReader } from './reader.js';
import type { ModuleInfo } from './module-info.js';
import { MAX_DATA_SEGMENTS } from './limits.js';

export function decodeDataCountSection(reader: BinaryReader, module: ModuleInfo): void {
  const offset = reader.pos;
  const count = reader.readU32();
  if (count > MAX_DATA_SEGMENTS) reader.fail(`too many data segments: ${count}`, offset);
  module.dataCount = count;
  module.dataCountOffset = offset;
}
