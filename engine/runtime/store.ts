// Runtime: the store (Core spec §4.2.3), as a set of runtime objects that may refer to one
// another's functions and externrefs, living and dying together (see docs/RATIONALE.md
// "Why stores that merge?").
//
// Generated code passes funcrefs (addresses of VMFuncRefs inside some instance's vmctx) and
// externrefs (handles) around without JavaScript seeing them: into tables, globals and
// other instances' functions. A raw address does not keep its instance alive, so everything
// that can hold one is kept in one Store with that instance: an instance starts in a store
// of its own, and stores merge whenever references can start to flow between them — an
// instance imports a function, table or reference-typed global of another store, or
// JavaScript passes an exported function into another store's table, global or function.
// A store holds its members strongly, and its members hold it, so a store is collected as a
// whole once nothing of it is reachable from JavaScript; its memories are freed then.
//
// The store also holds what generated code refers to by number: the host functions called
// through wasm_rt_host_call (by hostId), the instances whose lazy stubs call back the same
// way (runtime/lazy-calls.ts), and the externref handle table. Merging is
// union-by-size with forwarding pointers; every method acts on the root.

import { ExternrefTable } from './externref-table.js';
import type { ValType } from '../wasm/value-types.js';

/** What the store needs of an instance: its vmctx range and the function at a FuncRef address. */
export interface StoreInstance {
  readonly vmctxAddress: bigint;
  readonly vmctxEnd: bigint;
  /** The JS function object for the VMFuncRef at `address` (inside this instance's vmctx). */
  functionAtFuncRef(address: bigint): (...args: unknown[]) => unknown;
}

/** A JavaScript function imported into wasm, called back by hostId. */
export interface HostFunction {
  readonly callable: (...args: unknown[]) => unknown;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  /** Whether params or results include v128 (a TypeError at every call): worked out once. */
  readonly hasV128: boolean;
}

export class Store {
  #forward: Store | undefined;
  /** Sorted by vmctxAddress. */
  #instances: StoreInstance[] = [];
  #hostFunctions = new Map<number, HostFunction>();
  /** Instances of lazily compiled modules, by the serial their lazy stubs' hostIds carry. */
  /** Made when first needed: most stores have no lazy instances, many never see an externref. */
  #lazyInstances: Map<number, StoreInstance> | undefined;
  #externrefs: ExternrefTable | undefined;
  /** Tables, globals and merged stores' members: kept alive with the store. */
  #members: object[] = [];

  /** The representative of this store's set (follows merges, compressing the path). */
  get root(): Store {
    let root: Store = this;
    while (root.#forward !== undefined) root = root.#forward;
    let node: Store = this;
    while (node.#forward !== undefined && node.#forward !== root) {
      const next: Store = node.#forward;
      node.#forward = root;
      node = next;
    }
    return root;
  }

  /** Merges the stores of `a` and `b`; returns the root of the result. */
  static merge(a: Store, b: Store): Store {
    let into = a.root;
    let from = b.root;
    if (into === from) return into;
    if (from.#weight() > into.#weight()) [into, from] = [from, into];
    into.#instances = [...into.#instances, ...from.#instances].sort((x, y) => (x.vmctxAddress < y.vmctxAddress ? -1 : 1));
    for (const [id, host] of from.#hostFunctions) into.#hostFunctions.set(id, host);
    if (from.#lazyInstances !== undefined) {
      into.#lazyInstances ??= new Map();
      for (const [serial, instance] of from.#lazyInstances) into.#lazyInstances.set(serial, instance);
    }
    if (from.#externrefs !== undefined) (into.#externrefs ??= new ExternrefTable()).absorb(from.#externrefs);
    into.#members.push(...from.#members);
    from.#instances = [];
    from.#hostFunctions = new Map();
    from.#lazyInstances = undefined;
    from.#externrefs = undefined;
    from.#members = [];
    from.#forward = into;
    return into;
  }

  #weight(): number {
    return this.#instances.length + this.#hostFunctions.size + this.#members.length + (this.#externrefs?.size ?? 0);
  }

  get externrefs(): ExternrefTable {
    const root = this.root;
    return (root.#externrefs ??= new ExternrefTable());
  }

  addInstance(instance: StoreInstance): void {
    const root = this.root;
    const list = root.#instances;
    let position = list.length;
    while (position > 0 && list[position - 1].vmctxAddress > instance.vmctxAddress) position--;
    if (position === list.length) list.push(instance);
    else list.splice(position, 0, instance);
  }

  /** Keeps `member` alive as long as the store. */
  retain(member: object): void {
    this.root.#members.push(member);
  }

  addHostFunction(hostId: number, host: HostFunction): void {
    this.root.#hostFunctions.set(hostId, host);
  }

  hostFunction(hostId: number): HostFunction | undefined {
    return this.root.#hostFunctions.get(hostId);
  }

  addLazyInstance(serial: number, instance: StoreInstance): void {
    const root = this.root;
    (root.#lazyInstances ??= new Map()).set(serial, instance);
  }

  lazyInstance(serial: number): StoreInstance | undefined {
    return this.root.#lazyInstances?.get(serial);
  }

  /** The function a non-null funcref value (a VMFuncRef address) stands for. */
  functionAtFuncRef(address: bigint): (...args: unknown[]) => unknown {
    const list = this.root.#instances;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const instance = list[middle];
      if (address < instance.vmctxAddress) high = middle - 1;
      else if (address >= instance.vmctxEnd) low = middle + 1;
      else return instance.functionAtFuncRef(address);
    }
    throw new Error(`internal error: funcref 0x${address.toString(16)} belongs to no instance of its store`);
  }
}
