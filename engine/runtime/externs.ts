// Runtime: memories, tables and globals as the runtime knows them (Core spec §4.2.8-4.2.10
// "memory/table/global instances"), and their JavaScript objects. The JS API layer
// (engine/api/) makes the WebAssembly.Memory, Table and Global objects and binds each to
// its instance here; the runtime finds the instance behind an object it is given (imports)
// and asks the API layer, through the factories it registers, for the object of an
// instance it creates (exports). So the runtime never imports the API layer.

import type { GlobalType } from '../binary/module-info.js';
import type { LinearMemory, NativeTable } from '../native/addon.js';
import type { ValType } from '../wasm/value-types.js';
import type { GlobalCell } from './global-cells.js';
import type { Store } from './store.js';

export interface MemoryInstance {
  readonly linear: LinearMemory;
  /** Declared maximum in pages, undefined when none (import matching). */
  readonly maximum: number | undefined;
}

export interface TableInstance {
  readonly native: NativeTable;
  readonly elementType: ValType;
  /** Declared maximum, undefined when none (import matching). */
  readonly maximum: number | undefined;
  readonly store: Store;
}

export interface GlobalInstance {
  readonly type: GlobalType;
  readonly cell: GlobalCell;
  readonly store: Store;
  /** What keeps the cell's memory alive (its native block, or the defining instance). */
  readonly owner: object;
}

/** Makes the JS API object of an instance the runtime created (the API layer registers one). */
export interface ExternObjectFactories {
  memory(instance: MemoryInstance): object;
  table(instance: TableInstance): object;
  global(instance: GlobalInstance): object;
}

const memories = new WeakMap<object, MemoryInstance>();
const tables = new WeakMap<object, TableInstance>();
const globals = new WeakMap<object, GlobalInstance>();
const factories: Partial<ExternObjectFactories> = {};

export function bindMemory(object: object, instance: MemoryInstance): void {
  memories.set(object, instance);
}

export function bindTable(object: object, instance: TableInstance): void {
  tables.set(object, instance);
}

export function bindGlobal(object: object, instance: GlobalInstance): void {
  globals.set(object, instance);
}

/** The memory behind a WebAssembly.Memory object, or undefined for any other value. */
export function memoryInstanceOf(value: unknown): MemoryInstance | undefined {
  return typeof value === 'object' && value !== null ? memories.get(value) : undefined;
}

export function tableInstanceOf(value: unknown): TableInstance | undefined {
  return typeof value === 'object' && value !== null ? tables.get(value) : undefined;
}

export function globalInstanceOf(value: unknown): GlobalInstance | undefined {
  return typeof value === 'object' && value !== null ? globals.get(value) : undefined;
}

/** Called by each API module when it loads. */
export function registerExternObjectFactory<K extends keyof ExternObjectFactories>(kind: K, factory: ExternObjectFactories[K]): void {
  factories[kind] = factory;
}

function factory<K extends keyof ExternObjectFactories>(kind: K): ExternObjectFactories[K] {
  const found = factories[kind];
  if (found === undefined) throw new Error(`internal error: no ${kind} object factory (the JS API layer is not loaded)`);
  return found as ExternObjectFactories[K];
}

export function memoryObject(instance: MemoryInstance): object {
  return factory('memory')(instance);
}

export function tableObject(instance: TableInstance): object {
  return factory('table')(instance);
}

export function globalObject(instance: GlobalInstance): object {
  return factory('global')(instance);
}
