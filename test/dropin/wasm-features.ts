// Stage: drop-in tier, module scanner. Which post-MVP features a module uses, found with the
// engine's own decoder (engine/binary/decode-module.ts) and operator reader over every
// function body, each operator's proposal taken from the opcode table
// (engine/wasm/opcodes.ts), plus what the module structure says (multi-value types, passive
// segments, several tables, externref, mutable-global imports and exports). Also finds wasm
// modules embedded in JavaScript as base64 string literals or byte-array literals (how
// yoga-layout, hash-wasm and xxhash-wasm ship theirs), or in meshoptimizer's packed text.

import { decodeModule } from '../../engine/binary/decode-module.js';
import { ExternalKind, type ModuleInfo } from '../../engine/binary/module-info.js';
import { Operator, OperatorReader } from '../../engine/binary/operator-reader.js';
import { OP_ROW, type ProposalGroup } from '../../engine/wasm/opcodes.js';
import { ValType, type FuncType } from '../../engine/wasm/value-types.js';

import type { WasmFeature } from '../../bench/suites/realworld-packages.js';

export type { WasmFeature };

export const FEATURE_ORDER: readonly WasmFeature[] = [
  'sign-extension', 'saturating-conversions', 'bulk-memory', 'reference-types', 'multi-value', 'mutable-globals', 'simd',
];

const FEATURE_OF_PROPOSAL: Record<ProposalGroup, WasmFeature | undefined> = {
  mvp: undefined,
  'sign-extension': 'sign-extension',
  'saturating-float-to-int': 'saturating-conversions',
  'bulk-memory': 'bulk-memory',
  'reference-types': 'reference-types',
  simd: 'simd',
};

export interface ModuleScan {
  readonly bytes: number;
  /** Post-MVP features used, in FEATURE_ORDER. */
  readonly features: WasmFeature[];
  readonly functions: number;
  /** Operators read over all bodies. */
  readonly operators: number;
  /** Set when the engine's decoder rejects the module (a feature outside WebAssembly 2.0). */
  readonly undecodable: string | undefined;
}

function isMultiValue(type: FuncType | undefined): boolean {
  return type !== undefined && (type.results.length > 1);
}

function blockIsMultiValue(type: FuncType | undefined): boolean {
  return type !== undefined && (type.params.length > 0 || type.results.length > 1);
}

function structuralFeatures(module: ModuleInfo, found: Set<WasmFeature>): void {
  for (const type of module.types) {
    if (isMultiValue(type)) found.add('multi-value');
    for (const value of [...type.params, ...type.results]) {
      if (value === ValType.V128) found.add('simd');
      if (value === ValType.ExternRef) found.add('reference-types');
    }
  }
  if (module.tables.length > 1 || module.tables.some((table) => table.elementType !== ValType.FuncRef)) found.add('reference-types');
  for (const global of module.globals) {
    if (global.type.type === ValType.V128) found.add('simd');
    if (global.type.type === ValType.ExternRef) found.add('reference-types');
  }
  for (const entry of module.imports) {
    if (entry.kind === ExternalKind.Global && entry.global.mutable) found.add('mutable-globals');
  }
  for (const entry of module.exports) {
    if (entry.kind === ExternalKind.Global && module.globals[entry.index]?.type.mutable) found.add('mutable-globals');
  }
  if ([...module.data].some((segment) => segment.mode === 'passive') || module.dataCount !== undefined) found.add('bulk-memory');
  for (const segment of module.elements) {
    if (segment.mode !== 'active') found.add('bulk-memory');
    if (segment.expressions !== undefined || segment.elementType !== ValType.FuncRef || segment.tableIndex !== 0) found.add('reference-types');
  }
}

/** Scans a module's structure and every operator of every function body. */
export function scanModule(bytes: Uint8Array): ModuleScan {
  let module: ModuleInfo;
  try {
    module = decodeModule(bytes);
  } catch (error) {
    return { bytes: bytes.byteLength, features: [], functions: 0, operators: 0, undecodable: (error as Error).message };
  }
  const found = new Set<WasmFeature>();
  structuralFeatures(module, found);
  const operator = new Operator();
  let operators = 0;
  try {
    for (const body of module.functionBodies) {
      for (const local of body.locals) {
        if (local.type === ValType.V128) found.add('simd');
        if (local.type === ValType.ExternRef) found.add('reference-types');
      }
      const reader = new OperatorReader(bytes, body.codeStart, body.end);
      while (!reader.atEnd()) {
        reader.read(operator);
        operators++;
        const proposal = OP_ROW[operator.opcode]?.[6];
        const feature = proposal === undefined ? undefined : FEATURE_OF_PROPOSAL[proposal];
        if (feature !== undefined) found.add(feature);
        // block/loop/if with a type index: multi-value block types (params or several results).
        if (operator.opcode >= 0x02 && operator.opcode <= 0x04 && operator.blockType >= 0) {
          if (blockIsMultiValue(module.types[operator.blockType])) found.add('multi-value');
        }
      }
    }
  } catch (error) {
    return { bytes: bytes.byteLength, features: FEATURE_ORDER.filter((f) => found.has(f)), functions: module.functionBodies.length, operators, undecodable: (error as Error).message };
  }
  return { bytes: bytes.byteLength, features: FEATURE_ORDER.filter((f) => found.has(f)), functions: module.functionBodies.length, operators, undecodable: undefined };
}

/** The base64 of "\0asm": every embedded module's literal starts with it. */
const EMBEDDED_PREFIX = 'AGFzbQ';

/** Wasm modules embedded in JavaScript source as base64 string literals, in source order. */
export function embeddedModules(source: string): Uint8Array[] {
  const modules: Uint8Array[] = [];
  const pattern = /(["'`])(?:data:application\/(?:wasm|octet-stream);base64,)?(AGFzbQ[A-Za-z0-9+/=\s\\n]*)\1/g;
  for (const match of source.matchAll(pattern)) {
    const text = match[2].replace(/\\n|\s/g, '');
    if (!text.startsWith(EMBEDDED_PREFIX)) continue;
    const bytes = new Uint8Array(Buffer.from(text, 'base64'));
    if (bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) modules.push(bytes);
  }
  modules.push(...packedModules(source));
  // Byte-array literals: new Uint8Array([0,97,115,109,...]) (a trailing comma allowed).
  for (const match of source.matchAll(/\[(\s*0\s*,\s*97\s*,\s*115\s*,\s*109\s*,[\d\s,]*)\]/g)) {
    modules.push(new Uint8Array(numberList(match[1])));
  }
  return modules;
}

/** The numbers of a comma-separated list of decimal literals ("1, 2,\n 3," is [1, 2, 3]). */
function numberList(text: string): number[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '').map(Number);
}

/** The letter values of the packed text: a-z 0-25, A-Z 26-51, 0-9 52-61, ':' 62, ';' 63. */
function packedLetter(code: number): number {
  return code > 96 ? code - 97 : code > 64 ? code - 39 : code + 4;
}

/**
 * Modules in meshoptimizer's packed text (each of its JS files has one or two, and the table
 * `wasmpack = new Uint8Array([...])` of its 60 most common bytes): a string literal of
 * letters a-z A-Z 0-9 : ; where a letter worth less than 60 stands for that entry of the
 * table, and a letter worth v >= 60 with the letter after it, worth w, for the byte
 * (v - 60) * 64 + w. Only literals that decode to a module header count.
 */
export function packedModules(source: string): Uint8Array[] {
  const table = /wasmpack\s*=\s*new Uint8Array\(\[([\d\s,]*)\]\)/.exec(source);
  if (table === null) return [];
  const bytes = numberList(table[1]);
  const modules: Uint8Array[] = [];
  for (const match of source.matchAll(/'([a-zA-Z0-9:;]{16,})'/g)) {
    const text = match[1];
    const out = new Uint8Array(text.length);
    let length = 0;
    for (let i = 0; i < text.length; i++) {
      const value = packedLetter(text.charCodeAt(i));
      out[length++] = value < 60 ? bytes[value] : (value - 60) * 64 + packedLetter(text.charCodeAt(++i));
    }
    if (out[0] === 0 && out[1] === 0x61 && out[2] === 0x73 && out[3] === 0x6d) modules.push(out.slice(0, length));
  }
  return modules;
}
