// Stage: decoding. The type encodings shared by several sections (Core spec §5.3): value
// types, reference types, limits, table types, memory types and global types.

import type { BinaryReader } from './reader.js';
import type { GlobalType, Limits, TableType } from './module-info.js';
import { isValueTypeByte, type ValType } from '../wasm/value-types.js';

export function readValueType(reader: BinaryReader): ValType {
  const offset = reader.pos;
  const byte = reader.readU8();
  if (!isValueTypeByte(byte)) reader.fail(`malformed value type 0x${byte.toString(16)}`, offset);
  return byte as ValType;
}

export function readReferenceType(reader: BinaryReader): ValType {
  const offset = reader.pos;
  const byte = reader.readU8();
  if (byte !== 0x70 && byte !== 0x6f) reader.fail('malformed reference type', offset);
  return byte as ValType;
}

/** limits ::= 0x00 min:u32 | 0x01 min:u32 max:u32 (shared-memory flags are not 2.0). */
export function readLimits(reader: BinaryReader): Limits {
  const offset = reader.pos;
  const flags = reader.readU8();
  if (flags > 1) reader.fail(`malformed limits flags 0x${flags.toString(16)}`, offset);
  const min = reader.readU32();
  const max = flags === 1 ? reader.readU32() : undefined;
  return { min, max };
}

export function readTableType(reader: BinaryReader): TableType {
  const elementType = readReferenceType(reader);
  const limits = readLimits(reader);
  return { elementType, limits };
}

export function readGlobalType(reader: BinaryReader): GlobalType {
  const type = readValueType(reader);
  const offset = reader.pos;
  const mutability = reader.readU8();
  if (mutability > 1) reader.fail('malformed mutability', offset);
  return { type, mutable: mutability === 1 };
}
