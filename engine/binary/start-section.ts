// Stage: decoding. The start section (Core spec §5.5.11): one function index.

import type { BinaryReader } from './reader.js';
import type { ModuleInfo } from './module-info.js';

export function decodeStartSection(reader: BinaryReader, module: ModuleInfo): void {
  const offset = reader.pos;
  module.start = { functionIndex: reader.readU32(), offset };
}
