// Runtime: "read the imports" (WebAssembly JS API §4 "Instantiate a WebAssembly module",
// steps on importObject): look every import up as importObject[module][name], check its
// kind and type against the import (Core spec §4.5.2 "Import matching", with tables' and
// memories' current sizes), and fail with the API's errors: TypeError when the import
// object or a module namespace is not an object, LinkError for a missing or mismatched
// import.

import { ExternalKind, type GlobalType, type Import, type ModuleInfo } from '../binary/module-info.js';
import { LinkError } from '../wasm/errors.js';
import { WASM_PAGE_BYTES } from '../abi/abi.js';
import { exportedFunctionData, type ExportedFunctionData } from './exported-function-data.js';
import { ValType, valTypeName, type FuncType } from '../wasm/value-types.js';
import type { LinearMemory } from '../native/addon.js';
import { globalInstanceOf, memoryInstanceOf, tableInstanceOf, type GlobalInstance, type TableInstance } from './externs.js';

export type ResolvedImport =
  | { readonly kind: ExternalKind.Function; readonly exported: ExportedFunctionData; readonly object: (...args: unknown[]) => unknown }
  | { readonly kind: ExternalKind.Function; readonly exported: undefined; readonly object: (...args: unknown[]) => unknown }
  | { readonly kind: ExternalKind.Table; readonly object: object; readonly table: TableInstance }
  | { readonly kind: ExternalKind.Memory; readonly object: object; readonly linear: LinearMemory }
  | { readonly kind: ExternalKind.Global; readonly object: object; readonly global: GlobalInstance }
  /** A global imported as a plain JS value: the instance makes an immutable global of it. */
  | { readonly kind: ExternalKind.Global; readonly object: undefined; readonly type: GlobalType; readonly value: unknown };

function describe(entry: Import): string {
  return `Import "${entry.module}" "${entry.name}"`;
}

function sameFunctionType(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((type, i) => type === b.params[i]) && a.results.every((type, i) => type === b.results[i]);
}

/** Limits match (Core spec §4.5.2.3) with the current size in place of the import's own min. */
function limitsMatch(current: number, maximum: number | undefined, min: number, max: number | undefined): boolean {
  if (current < min) return false;
  if (max === undefined) return true;
  return maximum !== undefined && maximum <= max;
}

export function resolveImports(module: ModuleInfo, importObject: unknown): ResolvedImport[] {
  if (importObject !== undefined && (importObject === null || (typeof importObject !== 'object' && typeof importObject !== 'function'))) {
    throw new TypeError('WebAssembly.Instance(): Argument 1 must be an object');
  }
  if (module.imports.length === 0) return [];
  if (importObject === undefined) throw new TypeError('WebAssembly.Instance(): Imports argument must be present and must be an object');
  const resolved: ResolvedImport[] = [];
  for (const entry of module.imports) {
    const namespace = (importObject as Record<string, unknown>)[entry.module];
    if (namespace === null || (typeof namespace !== 'object' && typeof namespace !== 'function')) {
      throw new TypeError(`WebAssembly.Instance(): ${describe(entry)}: module is not an object or function`);
    }
    const value = (namespace as Record<string, unknown>)[entry.name];
    resolved.push(resolveImport(module, entry, value));
  }
  return resolved;
}

function resolveImport(module: ModuleInfo, entry: Import, value: unknown): ResolvedImport {
  switch (entry.kind) {
    case ExternalKind.Function: {
      if (typeof value !== 'function') throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: function import requires a callable`);
      const callable = value as (...args: unknown[]) => unknown;
      const exported = exportedFunctionData(value);
      if (exported !== undefined) {
        if (!sameFunctionType(exported.type, module.types[entry.typeIndex])) {
          throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: imported function does not match the expected type`);
        }
        return { kind: ExternalKind.Function, exported, object: callable };
      }
      return { kind: ExternalKind.Function, exported: undefined, object: callable };
    }
    case ExternalKind.Table: {
      const table = tableInstanceOf(value);
      if (table === undefined) throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: table import requires a WebAssembly.Table`);
      if (table.elementType !== entry.table.elementType) {
        throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: imported table does not match the expected type`);
      }
      if (!limitsMatch(table.native.length(), table.maximum, entry.table.limits.min, entry.table.limits.max)) {
        throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: table import has incompatible limits`);
      }
      return { kind: ExternalKind.Table, object: value as object, table };
    }
    case ExternalKind.Memory: {
      const memory = memoryInstanceOf(value);
      if (memory === undefined) throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: memory import must be a WebAssembly.Memory object`);
      const pages = memory.linear.byteLength() / WASM_PAGE_BYTES;
      if (!limitsMatch(pages, memory.maximum, entry.memory.min, entry.memory.max)) {
        throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: memory import has incompatible limits`);
      }
      return { kind: ExternalKind.Memory, object: value as object, linear: memory.linear };
    }
    case ExternalKind.Global: {
      const { type, mutable } = entry.global;
      const global = globalInstanceOf(value);
      if (global !== undefined) {
        if (global.type.type !== type || global.type.mutable !== mutable) {
          throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: imported global does not match the expected ${mutable ? 'mutable ' : ''}${valTypeName(type)}`);
        }
        return { kind: ExternalKind.Global, object: value as object, global };
      }
      if (mutable) throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: imported mutable global must be a WebAssembly.Global object`);
      switch (type) {
        case ValType.I64:
          if (typeof value !== 'bigint') throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: global import must be a BigInt`);
          break;
        case ValType.I32:
        case ValType.F32:
        case ValType.F64:
          if (typeof value !== 'number') throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: global import must be a number`);
          break;
        case ValType.FuncRef:
          if (value !== null && exportedFunctionData(value) === undefined) {
            throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: imported funcref global must be null or an exported function`);
          }
          break;
        case ValType.ExternRef:
          break;
        default:
          throw new LinkError(`WebAssembly.Instance(): ${describe(entry)}: global import of type ${valTypeName(type)} must be a WebAssembly.Global object`);
      }
      return { kind: ExternalKind.Global, object: undefined, type: entry.global, value };
    }
  }
}
