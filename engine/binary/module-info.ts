// Stage: decoding. The decoded module (Core spec §2.5 "Modules", binary §5.5): everything a
// validator, a translator or the JS API needs, with the byte offset of each entry so later
// stages can report errors at the right place. Function bodies are kept as byte ranges plus
// their local declarations, so a translator can re-read one function on its own (laziness,
// parallel compilation).

import type { FuncType, ValType } from '../wasm/value-types.js';
import type { ConstantExpression } from './constant-expression-value.js';
import { DataSegments } from './data-segments.js';

export const enum ExternalKind {
  Function = 0,
  Table = 1,
  Memory = 2,
  Global = 3,
}

export const EXTERNAL_KIND_NAMES = ['function', 'table', 'memory', 'global'] as const;

export interface Limits {
  readonly min: number;
  /** Undefined when the limits have no maximum. */
  readonly max: number | undefined;
}

export interface TableType {
  readonly elementType: ValType;
  readonly limits: Limits;
}

export type MemoryType = Limits;

export interface GlobalType {
  readonly type: ValType;
  readonly mutable: boolean;
}

export type { ConstantExpression } from './constant-expression-value.js';

export type ImportDescription =
  | { readonly kind: ExternalKind.Function; readonly typeIndex: number }
  | { readonly kind: ExternalKind.Table; readonly table: TableType }
  | { readonly kind: ExternalKind.Memory; readonly memory: MemoryType }
  | { readonly kind: ExternalKind.Global; readonly global: GlobalType };

export type Import = {
  readonly module: string;
  readonly name: string;
  readonly offset: number;
} & ImportDescription;

export interface Export {
  readonly name: string;
  readonly kind: ExternalKind;
  readonly index: number;
  readonly offset: number;
}

export interface Global {
  readonly type: GlobalType;
  /** Undefined for imported globals. */
  readonly init: ConstantExpression | undefined;
  readonly offset: number;
}

export type SegmentMode = 'active' | 'passive' | 'declarative';

export interface ElementSegment {
  readonly mode: SegmentMode;
  readonly tableIndex: number;
  /** Offset expression of an active segment. */
  readonly offsetExpression: ConstantExpression | undefined;
  readonly elementType: ValType;
  /** Either plain function indices (encodings 0-3) or one expression per element (4-7). */
  readonly functionIndices: readonly number[] | undefined;
  readonly expressions: readonly ConstantExpression[] | undefined;
  readonly offset: number;
}

export type { DataSegment } from './data-segments.js';

export interface LocalDeclaration {
  readonly count: number;
  readonly type: ValType;
}

export interface FunctionBody {
  /** Index in the function index space (imports first). */
  readonly functionIndex: number;
  /** Byte range of the whole body after its size field: [start, end). */
  readonly start: number;
  readonly end: number;
  /** Offset of the first instruction, after the local declarations. */
  readonly codeStart: number;
  readonly locals: readonly LocalDeclaration[];
  /** Declared locals only (parameters not included). */
  readonly localCount: number;
}

export interface CustomSection {
  readonly name: string;
  /** Byte range of the contents after the name. */
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly offset: number;
}

/** The decoded `name` custom section (Core spec appendix §7.4); absent parts stay empty. */
export interface NameMap {
  moduleName: string | undefined;
  readonly functionNames: Map<number, string>;
  readonly localNames: Map<number, Map<number, string>>;
}

export interface ModuleInfo {
  readonly bytes: Uint8Array;
  readonly types: FuncType[];
  /** Offset of each type's entry, for messages. */
  readonly typeOffsets: number[];
  readonly imports: Import[];
  /** Type index of every function, imported ones first. */
  readonly functionTypeIndices: number[];
  importedFunctionCount: number;
  /** Offset of each defined function's entry in the function section. */
  readonly functionOffsets: number[];
  /** Tables, memories and globals, imported ones first. */
  readonly tables: TableType[];
  readonly tableOffsets: number[];
  importedTableCount: number;
  readonly memories: MemoryType[];
  readonly memoryOffsets: number[];
  importedMemoryCount: number;
  readonly globals: Global[];
  importedGlobalCount: number;
  readonly exports: Export[];
  start: { readonly functionIndex: number; readonly offset: number } | undefined;
  readonly elements: ElementSegment[];
  /** From the data count section; undefined when the section is absent. */
  dataCount: number | undefined;
  dataCountOffset: number;
  /** In columns (data-segments.ts): `at(i)` or iteration for objects. */
  readonly data: DataSegments;
  /** Empty when decoded without them (DecodeOptions): a code-cache hit reads no body. */
  readonly functionBodies: FunctionBody[];
  /** Offsets of the function and code sections, for count-mismatch messages. */
  functionSectionOffset: number;
  codeSectionOffset: number;
  readonly customSections: CustomSection[];
}

export function createEmptyModuleInfo(bytes: Uint8Array): ModuleInfo {
  return {
    bytes,
    types: [],
    typeOffsets: [],
    imports: [],
    functionTypeIndices: [],
    importedFunctionCount: 0,
    functionOffsets: [],
    tables: [],
    tableOffsets: [],
    importedTableCount: 0,
    memories: [],
    memoryOffsets: [],
    importedMemoryCount: 0,
    globals: [],
    importedGlobalCount: 0,
    exports: [],
    start: undefined,
    elements: [],
    dataCount: undefined,
    dataCountOffset: -1,
    data: new DataSegments(),
    functionBodies: [],
    functionSectionOffset: -1,
    codeSectionOffset: -1,
    customSections: [],
  };
}
