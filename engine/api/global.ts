// JS API: WebAssembly.Global (JS API §5 "Global objects"). A Global is a 16-byte cell
// (runtime/global-cells.ts): its own native block when created from JavaScript, or the cell
// inside the vmctx of the instance that defined and exported it; instances that import it
// point at the cell, so wasm and JavaScript see the same value. Reference-typed globals
// belong to a Store, like tables. The descriptor is read as WebIDL reads GlobalDescriptor
// (mutable, then value, each once); `valueOf` and the `value` accessors check their receiver.

import { bindGlobal, globalInstanceOf, registerExternObjectFactory, type GlobalInstance } from '../runtime/externs.js';
import { allocateGlobalCell, readCell, writeCell } from '../runtime/global-cells.js';
import { Store } from '../runtime/store.js';
import { toJSValue, toWebAssemblyValue } from '../runtime/value-conversion.js';
import { ValType } from '../wasm/value-types.js';
import { dictionary, parseValueType } from './descriptors.js';
import { defineInterface } from './interface-objects.js';

export interface GlobalDescriptor {
  value: 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'externref' | 'anyfunc';
  mutable?: boolean;
}

function internalsOf(global: unknown, caller: string): GlobalInstance {
  const found = globalInstanceOf(global);
  if (found === undefined) throw new TypeError(`${caller}: Receiver is not a WebAssembly.Global`);
  return found;
}

/** The initial value when none is given, as V8 has it: 0, 0n, null for both reference types. */
function defaultValue(type: ValType): unknown {
  if (type === ValType.I64) return 0n;
  if (type === ValType.FuncRef || type === ValType.ExternRef) return null;
  return 0;
}

export class Global {
  constructor(descriptor: GlobalDescriptor, ...rest: [value?: unknown]) {
    const members = dictionary(descriptor, 'WebAssembly.Global(): Argument 0');
    const mutable = Boolean(members.mutable);
    const type = parseValueType(members.value, "WebAssembly.Global(): Descriptor property 'value'");
    if (type === ValType.V128) throw new TypeError('WebAssembly.Global(): a v128 global cannot be created from JavaScript');
    const store = new Store();
    const { cell, owner } = allocateGlobalCell();
    // As V8: a missing value is the default; an explicit undefined is converted (it stays
    // undefined for externref, is a TypeError for funcref) except for numbers (0).
    const value = rest[0];
    const given = rest.length >= 1 && (type === ValType.ExternRef || type === ValType.FuncRef);
    const initial = toWebAssemblyValue(value === undefined && !given ? defaultValue(type) : value, type, store);
    writeCell(cell, type, initial);
    bindGlobal(this, { type: { type, mutable }, cell, store, owner });
    store.retain(this);
  }

  get value(): unknown {
    const global = internalsOf(this, 'get WebAssembly.Global.value');
    return toJSValue(readCell(global.cell, global.type.type), global.type.type, global.store);
  }

  set value(value: unknown) {
    const global = internalsOf(this, 'set WebAssembly.Global.value');
    if (!global.type.mutable) throw new TypeError("set WebAssembly.Global.value: Can't set the value of an immutable global.");
    writeCell(global.cell, global.type.type, toWebAssemblyValue(value, global.type.type, global.store));
  }

  valueOf(): unknown {
    const global = internalsOf(this, 'WebAssembly.Global.valueOf()');
    return toJSValue(readCell(global.cell, global.type.type), global.type.type, global.store);
  }
}

defineInterface(Global, 'WebAssembly.Global');

/** The Global object of a cell the runtime owns: a defined global, or an import given as a plain value. */
registerExternObjectFactory('global', (instance) => {
  const global = Object.create(Global.prototype) as Global;
  bindGlobal(global, instance);
  if (instance.type.type === ValType.FuncRef || instance.type.type === ValType.ExternRef) instance.store.retain(global);
  return global;
});
