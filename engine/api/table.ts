// JS API: WebAssembly.Table (JS API §5 "Table objects"), over a table's native storage.
// Elements are raw 8-byte values: funcref tables hold VMFuncRef addresses (0 = null),
// externref tables handles of their store's handle table (0 = null). A Table belongs to a
// Store (runtime/store.ts): putting an exported function into it merges the function's
// store into the table's, so the function's instance lives as long as the table. The
// descriptor is read as the API tests fix (element, address, initial, maximum, each once);
// only `initial` is held to the embedder's limit of 10,000,000 elements at construction,
// `maximum` may be anything up to 2^32 - 1 and growth stops at the limit (RangeError).

import { createTable } from '../native/addon.js';
import { bindTable, registerExternObjectFactory, tableInstanceOf, type TableInstance } from '../runtime/externs.js';
import { Store } from '../runtime/store.js';
import { defaultJSValue, toJSValue, toWebAssemblyValue } from '../runtime/value-conversion.js';
import { ValType } from '../wasm/value-types.js';
import { dictionary, enforceRangeU32, parseTableKind, readAddressType, readInitialMaximum, requiredMember } from './descriptors.js';
import { defineInterface } from './interface-objects.js';

/** Most elements a table may have (V8's limit, which the JS API leaves to the embedder). */
export const TABLE_MAX_ELEMENTS = 10_000_000;

export interface TableDescriptor {
  element: 'anyfunc' | 'externref';
  initial: number;
  maximum?: number;
}

function internalsOf(table: unknown, caller: string): TableInstance {
  const found = tableInstanceOf(table);
  if (found === undefined) throw new TypeError(`${caller}: Receiver is not a WebAssembly.Table`);
  return found;
}

/** An element value from JS (undefined and a missing value mean the type's default). */
function rawElement(table: Pick<TableInstance, 'elementType' | 'store'>, value: unknown): bigint {
  return rawValue(table, value === undefined ? defaultJSValue(table.elementType) : value);
}

/** An element value from JS, converted as given. */
function rawValue(table: Pick<TableInstance, 'elementType' | 'store'>, value: unknown): bigint {
  const converted = toWebAssemblyValue(value, table.elementType, table.store);
  return typeof converted === 'bigint' ? converted : BigInt(converted);
}

export class Table {
  constructor(descriptor: TableDescriptor, ...rest: [value?: unknown]) {
    const what = 'WebAssembly.Table()';
    const members = dictionary(descriptor, `${what}: Argument 0`);
    const elementType = parseTableKind(requiredMember(members, 'element', what), `${what}: Descriptor property 'element'`);
    readAddressType(members, what);
    const { initial, maximum } = readInitialMaximum(members, what);
    if (maximum !== undefined && maximum < initial) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is below the lower bound ${initial}`);
    if (initial > TABLE_MAX_ELEMENTS) throw new RangeError(`${what}: Property 'initial': value ${initial} is above the upper bound ${TABLE_MAX_ELEMENTS}`);
    const store = new Store();
    const init = rawElement({ elementType, store }, rest[0]);
    bindTable(this, { native: createTable(initial, maximum ?? -1, init), elementType, maximum, store });
    store.retain(this);
  }

  get length(): number {
    return internalsOf(this, 'WebAssembly.Table.length').native.length();
  }

  get(index: number): unknown {
    const table = internalsOf(this, 'WebAssembly.Table.get()');
    const position = enforceRangeU32(index, 'WebAssembly.Table.get(): Argument 0');
    if (position >= table.native.length()) throw new RangeError(`WebAssembly.Table.get(): invalid index ${position} into ${table.elementType === ValType.FuncRef ? 'function' : 'externref'} table`);
    const raw = table.native.get(position);
    return toJSValue(table.elementType === ValType.FuncRef ? raw : Number(raw), table.elementType, table.store);
  }

  set(index: number, ...rest: [value?: unknown]): void {
    const table = internalsOf(this, 'WebAssembly.Table.set()');
    const position = enforceRangeU32(index, 'WebAssembly.Table.set(): Argument 0');
    if (position >= table.native.length()) throw new RangeError(`WebAssembly.Table.set(): invalid index ${position} into ${table.elementType === ValType.FuncRef ? 'function' : 'externref'} table`);
    // As V8: set(i) stores the default; set(i, undefined) converts undefined (a TypeError for funcref).
    table.native.set(position, rest.length === 0 ? rawElement(table, undefined) : rawValue(table, rest[0]));
  }

  /** Grows by `delta` elements set to `value`; returns the old length; RangeError when it cannot. */
  grow(delta: number, ...rest: [value?: unknown]): number {
    const table = internalsOf(this, 'WebAssembly.Table.grow()');
    const count = enforceRangeU32(delta, 'WebAssembly.Table.grow(): Argument 0');
    const old = table.native.grow(count, rawElement(table, rest[0]));
    if (old < 0) throw new RangeError(`WebAssembly.Table.grow(): failed to grow table by ${count}`);
    return old;
  }
}

defineInterface(Table, 'WebAssembly.Table');

/** The Table object of a table an instance defined, in that instance's store (runtime/externs.ts). */
registerExternObjectFactory('table', (instance) => {
  const table = Object.create(Table.prototype) as Table;
  bindTable(table, instance);
  instance.store.retain(table);
  return table;
});
