// Stage: decoding. The type section (Core spec §5.5.4): a vector of function types,
// each 0x60 followed by parameter and result vectors.

import type { BinaryReader } from './reader.js';
import type { ModuleInfo } from './module-info.js';
import { readValueType } from './type-encodings.js';
import { MAX_PARAMS, MAX_RESULTS, MAX_TYPES } from './limits.js';
import type { ValType } from '../wasm/value-types.js';

export function decodeTypeSection(reader: BinaryReader, module: ModuleInfo): void {
  const countOffset = reader.pos;
  const count = reader.readCount('type', 3);
  if (count > MAX_TYPES) reader.fail(`too many types: ${count}`, countOffset);
  for (let i = 0; i < count; i++) {
    const offset = reader.pos;
    const form = reader.readU8();
    if (form !== 0x60) reader.fail(`malformed function type form 0x${form.toString(16)}`, offset);
    const params = readValueTypeVector(reader, 'parameter', MAX_PARAMS);
    const results = readValueTypeVector(reader, 'result', MAX_RESULTS);
    module.types.push({ params, results });
    module.typeOffsets.push(offset);
  }
}

function readValueTypeVector(reader: BinaryReader, what: string, limit: number): ValType[] {
  const offset = reader.pos;
  const count = reader.readCount(what);
  if (count > limit) reader.fail(`too many ${what}s: ${count} (limit ${limit})`, offset);
  const types: ValType[] = [];
  for (let i = 0; i < count; i++) types.push(readValueType(reader));
  return types;
}
