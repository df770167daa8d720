// Stage: decoding. The module's binary structure (Core spec §5.5): magic and version, then
// sections in the prescribed order, each at most once, custom sections anywhere. Each
// section is decoded by its own file; this file checks framing (ids, sizes, order) and the
// counts that tie sections together. Validation of what the sections say is in
// ../validate/module-validator.ts.

import { BinaryReader } from './reader.js';
import { createEmptyModuleInfo, type ModuleInfo } from './module-info.js';
import { decodeCustomSection } from './custom-section.js';
import { decodeTypeSection } from './type-section.js';
import { decodeImportSection } from './import-section.js';
import { decodeFunctionSection } from './function-section.js';
import { decodeTableSection } from './table-section.js';
import { decodeMemorySection } from './memory-section.js';
import { decodeGlobalSection } from './global-section.js';
import { decodeExportSection } from './export-section.js';
import { decodeStartSection } from './start-section.js';
import { decodeElementSection } from './element-section.js';
import { decodeDataCountSection } from './data-count-section.js';
import { decodeCodeSection } from './code-section.js';
import { decodeDataSection } from './data-section.js';
import { CompileError } from '../wasm/errors.js';
import { MAX_MODULE_SIZE } from './limits.js';

export const enum SectionId {
  Custom = 0,
  Type = 1,
  Import = 2,
  Function = 3,
  Table = 4,
  Memory = 5,
  Global = 6,
  Export = 7,
  Start = 8,
  Element = 9,
  Code = 10,
  Data = 11,
  DataCount = 12,
}

/** Position of each non-custom section id in the required order (data count before code). */
const SECTION_ORDER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10];

const SECTION_DECODERS: ((reader: BinaryReader, module: ModuleInfo) => void)[] = [];
SECTION_DECODERS[SectionId.Type] = decodeTypeSection;
SECTION_DECODERS[SectionId.Import] = decodeImportSection;
SECTION_DECODERS[SectionId.Function] = decodeFunctionSection;
SECTION_DECODERS[SectionId.Table] = decodeTableSection;
SECTION_DECODERS[SectionId.Memory] = decodeMemorySection;
SECTION_DECODERS[SectionId.Global] = decodeGlobalSection;
SECTION_DECODERS[SectionId.Export] = decodeExportSection;
SECTION_DECODERS[SectionId.Start] = decodeStartSection;
SECTION_DECODERS[SectionId.Element] = decodeElementSection;
SECTION_DECODERS[SectionId.Code] = decodeCodeSection;
SECTION_DECODERS[SectionId.Data] = decodeDataSection;
SECTION_DECODERS[SectionId.DataCount] = decodeDataCountSection;

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];

/**
 * What to decode. `functionBodies: false` leaves `functionBodies` empty and skips the code
 * section whole: for bytes this engine build validated before (a code-cache hit, a
 * serialized module), whose machine code is at hand, so no body is read again.
 */
export interface DecodeOptions {
  readonly functionBodies?: boolean;
}

/** Decodes a module's sections; throws CompileError on malformed input. */
export function decodeModule(bytes: Uint8Array, options?: DecodeOptions): ModuleInfo {
  const withBodies = options?.functionBodies ?? true;
  if (bytes.length > MAX_MODULE_SIZE) throw new CompileError('module too large', 0);
  const reader = new BinaryReader(bytes);
  const module = createEmptyModuleInfo(bytes);
  for (let i = 0; i < 4; i++) {
    if (reader.atEnd()) reader.fail('unexpected end');
    if (reader.readU8() !== MAGIC[i]) reader.fail('magic header not detected', 0);
  }
  for (let i = 0; i < 4; i++) {
    if (reader.atEnd()) reader.fail('unexpected end');
    if (reader.readU8() !== VERSION[i]) reader.fail('unknown binary version', 4);
  }
  let lastOrder = 0;
  while (!reader.atEnd()) {
    const sectionOffset = reader.pos;
    const id = reader.readU8();
    if (id > SectionId.DataCount) reader.fail(`malformed section id ${id}`, sectionOffset);
    const sizeOffset = reader.pos;
    const size = reader.readU32();
    if (size > reader.remaining) reader.fail('section size mismatch: section extends past the end', sizeOffset);
    const sectionEnd = reader.pos + size;
    reader.end = sectionEnd;
    if (id === SectionId.Custom) {
      decodeCustomSection(reader, module, sectionOffset);
    } else {
      const order = SECTION_ORDER[id];
      if (order <= lastOrder) reader.fail(`unexpected content: section id ${id} out of order or repeated`, sectionOffset);
      lastOrder = order;
      if (id === SectionId.Code && !withBodies) {
        module.codeSectionOffset = reader.pos;
        reader.pos = sectionEnd;
      } else {
        SECTION_DECODERS[id](reader, module);
      }
    }
    if (reader.pos !== sectionEnd) reader.fail('section size mismatch', reader.pos);
    reader.end = bytes.length;
  }
  const declared = module.functionTypeIndices.length - module.importedFunctionCount;
  if (withBodies && declared !== module.functionBodies.length) {
    reader.fail('function and code section have inconsistent lengths', module.functionSectionOffset);
  }
  if (module.dataCount !== undefined && module.dataCount !== module.data.length) {
    reader.fail('data count and data section have inconsistent lengths', module.dataCountOffset);
  }
  return module;
}
