// Stage: decoding. Custom sections (Core spec §5.5.3): a UTF-8 name and opaque contents.
// The `name` section (Core spec appendix §7.4) is decoded into module, function and local
// names on demand (moduleNames): nothing in compiling or instantiating reads them, and a
// large module's name section holds tens of thousands. Like every engine we ignore a
// malformed name section rather than reject the module, since custom sections never affect
// validity.

import { BinaryReader } from './reader.js';
import type { ModuleInfo, NameMap } from './module-info.js';
import { CompileError } from '../wasm/errors.js';

export function decodeCustomSection(reader: BinaryReader, module: ModuleInfo, sectionOffset: number): void {
  const name = reader.readName();
  const dataStart = reader.pos;
  const dataEnd = reader.end;
  reader.pos = dataEnd;
  module.customSections.push({ name, dataStart, dataEnd, offset: sectionOffset });
}

/** The names of the module's name sections, in order; empty where one is missing or malformed. */
export function moduleNames(module: ModuleInfo): NameMap {
  const names: NameMap = { moduleName: undefined, functionNames: new Map(), localNames: new Map() };
  for (const section of module.customSections) {
    if (section.name !== 'name') continue;
    try {
      decodeNameSection(new BinaryReader(module.bytes, section.dataStart, section.dataEnd), names);
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
    }
  }
  return names;
}

const enum NameSubsection {
  Module = 0,
  Function = 1,
  Local = 2,
}

/** Decodes the name section's subsections; unknown subsections are skipped. */
export function decodeNameSection(reader: BinaryReader, names: NameMap): void {
  while (!reader.atEnd()) {
    const id = reader.readU8();
    const size = reader.readU32();
    const end = reader.pos + size;
    if (end > reader.end) reader.fail('name subsection extends past the section');
    const outerEnd = reader.end;
    const sub = new BinaryReader(reader.bytes, reader.pos, end);
    reader.end = outerEnd;
    switch (id) {
      case NameSubsection.Module:
        names.moduleName = sub.readName();
        break;
      case NameSubsection.Function:
        readNameMap(sub, names.functionNames);
        break;
      case NameSubsection.Local: {
        const count = sub.readCount('local name map', 2);
        for (let i = 0; i < count; i++) {
          const functionIndex = sub.readU32();
          const locals = new Map<number, string>();
          readNameMap(sub, locals);
          names.localNames.set(functionIndex, locals);
        }
        break;
      }
      default:
        break;
    }
    reader.pos = end;
  }
}

function readNameMap(reader: BinaryReader, into: Map<number, string>): void {
  const count = reader.readCount('name map', 2);
  for (let i = 0; i < count; i++) {
    const index = reader.readU32();
    into.set(index, reader.readName());
  }
}
