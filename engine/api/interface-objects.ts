// Stage: JS API. Makes a TypeScript class look like the WebIDL interface the JS API
// declares (WebIDL §3.7 "Interface objects", §3.7.3 "Interface prototype object", §3.7.6
// "Attributes", §3.7.7 "Operations", §3.7.8 "@@toStringTag"): regular and static
// operations and attributes are enumerable (class members are not), and @@toStringTag is a
// data property { writable: false, enumerable: false, configurable: true }, not a getter.
// Lengths come from the declarations themselves: optional arguments and the engine's
// options are rest parameters, so `length` counts only the required ones.

/** Members that stay non-enumerable because they are this engine's extensions, not the API's. */
export interface InterfaceExtensions {
  readonly statics?: readonly string[];
  readonly members?: readonly string[];
}

function makeEnumerable(target: object, key: string | symbol): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor !== undefined) Object.defineProperty(target, key, { ...descriptor, enumerable: true });
}

/**
 * Finishes interface `constructor`: its prototype's members (but `constructor`) and its own
 * static methods become enumerable, except the extensions named; @@toStringTag is defined.
 */
export function defineInterface(constructor: abstract new (...args: never[]) => unknown, toStringTag: string, extensions: InterfaceExtensions = {}): void {
  const prototype = constructor.prototype as object;
  for (const key of Reflect.ownKeys(prototype)) {
    if (key !== 'constructor' && !extensions.members?.includes(key as string)) makeEnumerable(prototype, key);
  }
  for (const key of Reflect.ownKeys(constructor)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    if (!extensions.statics?.includes(key as string)) makeEnumerable(constructor, key);
  }
  Object.defineProperty(prototype, Symbol.toStringTag, { value: toStringTag, writable: false, enumerable: false, configurable: true });
}
