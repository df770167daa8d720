// Runtime: calls across the JavaScript/wasm boundary (docs/ARCHITECTURE.md §2,
// step 6). invokeInStore() enters generated code through an entry trampoline and maps a
// trap code to a RuntimeError with the spec's message; the one host-call handler serves
// every call from wasm to a JavaScript import that the addon does not make itself (it calls
// imports of numbers only from C++: native/src/fast_host_calls.h, docs/RATIONALE.md "Why are
// numeric host calls made from C++?"): it finds the import by hostId in the store
// of the code that is running (the innermost invoke's store: wasm only reaches functions of
// its own store, see store.ts), converts the arguments with ToJSValue, calls the function
// and converts its results with ToWebAssemblyValue (JS API "run a host function").
// Exceptions thrown by the import leave the wasm frames unchanged (the addon rethrows them).

import { invoke, invokeNumbers, setHostCallHandler } from '../native/addon.js';
import { RuntimeError } from '../wasm/errors.js';
import { TRAP_MESSAGES, type TrapCode } from '../abi/trap-codes.js';
import { readSlot, slotViews, writeSlot, type WasmValue } from './slots.js';
import type { Store } from './store.js';
import { toJSValue, toWebAssemblyValue } from './value-conversion.js';

/** The store of the innermost running invoke (undefined outside wasm). */
let currentStore: Store | undefined;
let handlerInstalled = false;

/** hostIds from here on are lazy stubs (lazy-calls.ts), not imports. */
const LAZY_HOST_IDS_FROM = 2 ** 40;
let lazyCallHandler: ((store: Store, hostId: number) => void) | undefined;

/** Installed by lazy-calls.ts (which needs invokeInStore, so it cannot be imported here). */
export function setLazyCallHandler(handler: (store: Store, hostId: number) => void): void {
  lazyCallHandler = handler;
}

export function trapError(code: number): RuntimeError {
  return new RuntimeError(TRAP_MESSAGES[code as TrapCode] ?? `unknown trap code ${code}`);
}

/**
 * Calls `entry(funcRef, slots)` with the first slotCount scratch slots, code of `store`
 * running; returns 0 or the trap code. A JavaScript exception from an import propagates.
 */
export function invokeInStore(store: Store, entry: bigint | number, funcRef: bigint | number, slotCount: number): number {
  if (!handlerInstalled) installHostCallHandler();
  const saved = currentStore;
  currentStore = store;
  try {
    return typeof entry === 'number' && typeof funcRef === 'number' ? invokeNumbers(entry, funcRef, slotCount) : invoke(entry, funcRef, slotCount);
  } finally {
    currentStore = saved;
  }
}

/** invokeInStore, throwing RuntimeError on a trap. */
export function invokeOrThrow(store: Store, entry: bigint, funcRef: bigint, slotCount: number): void {
  const code = invokeInStore(store, entry, funcRef, slotCount);
  if (code !== 0) throw trapError(code);
}

function installHostCallHandler(): void {
  setHostCallHandler(handleHostCall);
  handlerInstalled = true;
}

/** The arguments of a host function without parameters (Reflect.apply only reads it). */
const NO_ARGUMENTS: readonly unknown[] = Object.freeze([]);

function handleHostCall(hostId: number): void {
  const store = currentStore;
  if (hostId >= LAZY_HOST_IDS_FROM && store !== undefined && lazyCallHandler !== undefined) {
    lazyCallHandler(store, hostId);
    return;
  }
  const host = store?.hostFunction(hostId);
  if (store === undefined || host === undefined) throw new Error(`internal error: host function ${hostId} is not in the running store`);
  const { params, results } = host;
  // JS API "run a host function": a v128 in the signature is a TypeError before anything runs.
  if (host.hasV128) throw new TypeError('type incompatibility when transforming from/to JS (v128)');
  const slots = slotViews();
  // Read every argument before running any JavaScript: a nested call reuses the slots.
  const paramCount = params.length;
  const args = paramCount === 0 ? (NO_ARGUMENTS as unknown[]) : new Array<unknown>(paramCount);
  for (let i = 0; i < paramCount; i++) args[i] = toJSValue(readSlot(slots, i, params[i]), params[i], store);
  const returned = Reflect.apply(host.callable, undefined, args);
  if (results.length === 0) return;
  if (results.length === 1) {
    const value = toWebAssemblyValue(returned, results[0], store);
    writeSlot(slots, 0, results[0], value);
    return;
  }
  // Several results: an iterable of exactly that many values (JS API "run a host function").
  const list = iterableToList(returned);
  if (list.length !== results.length) {
    throw new TypeError(`a host function returned ${list.length} values, its type has ${results.length} results`);
  }
  const values: WasmValue[] = list.map((value, i) => toWebAssemblyValue(value, results[i], store));
  for (let i = 0; i < results.length; i++) writeSlot(slots, i, results[i], values[i]);
}

/**
 * ECMAScript "iterate to list" (GetIterator, then IteratorStepValue until done): @@iterator
 * and `next` are each read once, and every step reads `done`, then `value`, in that order,
 * as the JS API's "run a host function" does for several results.
 */
function iterableToList(value: unknown): unknown[] {
  const notIterable = (): TypeError => new TypeError('a host function with several results must return an iterable');
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) throw notIterable();
  const method = (value as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof method !== 'function') throw notIterable();
  const iterator: unknown = Reflect.apply(method, value, []);
  if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function')) {
    throw new TypeError('the iterator of a host function\'s results is not an object');
  }
  const next = (iterator as { next?: unknown }).next;
  if (typeof next !== 'function') throw new TypeError('the iterator of a host function\'s results has no next method');
  const list: unknown[] = [];
  for (;;) {
    const step: unknown = Reflect.apply(next, iterator, []);
    if (step === null || (typeof step !== 'object' && typeof step !== 'function')) {
      throw new TypeError('an iterator result of a host function\'s results is not an object');
    }
    if ((step as IteratorResult<unknown>).done) return list;
    list.push((step as IteratorResult<unknown>).value);
  }
}
