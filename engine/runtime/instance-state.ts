// Runtime: what an instance is natively (Core spec §4.2.5 "Module instances" as
// docs/ARCHITECTURE.md §3 lays it out): its vmctx block (abi/vmctx-layout.ts), the JS objects for its
// functions, memories, tables and globals, and the native blocks it must keep alive (host
// function contexts, element values, the module's data bytes). Its functions' identities:
// function i of an instance is one JS function object for its whole life (exported
// functions, table.get, ref.func results all return it); an imported function is the very
// object that was imported, or for a plain JS import, the wrapper made for that import.

import type { RawBlock } from '../native/addon.js';
import { FuncRef } from '../abi/abi.js';
import type { CompiledModule } from '../compile/compiled-module.js';
import { createExportedFunction, type ExportedFunction } from './exported-function.js';
import { compileLazyFunction } from './lazy-calls.js';
import type { Store, StoreInstance } from './store.js';
import { tableObject, type TableInstance } from './externs.js';

export class InstanceState implements StoreInstance {
  readonly vmctx: RawBlock;
  readonly view: DataView;
  readonly vmctxAddress: bigint;
  readonly vmctxEnd: bigint;
  /** Identity objects per function index (filled lazily for defined functions). */
  readonly functions: (ExportedFunction | undefined)[];
  /** The WebAssembly.Memory objects of its memories, imports first (runtime/externs.ts). */
  readonly memories: object[] = [];
  /** Its tables, imports first, as the runtime knows them (externs.ts). */
  readonly tableInstances: TableInstance[] = [];
  /**
   * The WebAssembly.Table objects of its tables: an imported table's object; a defined one's,
   * made on first use (tableObject), since most modules never hand theirs to JavaScript.
   */
  readonly tables: (object | undefined)[] = [];
  /** Global objects per global index (imports: the imported or created Global; defined: made on export). */
  readonly globals: (object | undefined)[] = [];
  /** Native blocks and objects whose lifetime must cover the instance's. */
  readonly keepAlive: object[] = [];

  constructor(
    readonly module: CompiledModule,
    readonly store: Store,
    vmctx: RawBlock,
  ) {
    this.vmctx = vmctx;
    this.view = new DataView(vmctx.buffer);
    this.vmctxAddress = vmctx.address;
    this.vmctxEnd = vmctx.address + BigInt(vmctx.buffer.byteLength);
    this.functions = new Array<ExportedFunction | undefined>(module.info.functionTypeIndices.length);
  }

  /** Address of function `index`'s VMFuncRef in this vmctx (its funcref value here). */
  funcRefAddress(index: number): bigint {
    return this.vmctxAddress + BigInt(this.module.layout.funcRef(index));
  }

  writeFuncRef(index: number, code: bigint, typeId: bigint, vmctx: bigint): void {
    const offset = this.module.layout.funcRef(index);
    this.view.setBigUint64(offset + FuncRef.code, code, true);
    this.view.setBigUint64(offset + FuncRef.typeId, typeId, true);
    this.view.setBigUint64(offset + FuncRef.vmctx, vmctx, true);
  }

  /** The WebAssembly.Table object of table `index` (a defined table's is made on first use; the store keeps it). */
  tableObject(index: number): object {
    return (this.tables[index] ??= tableObject(this.tableInstances[index]));
  }

  /** The JS function object of function `index`. */
  functionObject(index: number): ExportedFunction {
    let fn = this.functions[index];
    if (fn === undefined) {
      const { module } = this;
      const typeIndex = module.info.functionTypeIndices[index];
      fn = createExportedFunction(
        {
          funcRef: this.funcRefAddress(index),
          funcRefBytes: { buffer: this.vmctx.buffer, offset: module.layout.funcRef(index) },
          entry: module.entryTrampolines.get(typeIndex) ?? 0n,
          type: module.info.types[typeIndex],
          store: this.store,
          ensureCompiled: module.lazy === undefined || index < module.info.importedFunctionCount ? undefined : () => compileLazyFunction(this, index),
        },
        String(index),
      );
      this.functions[index] = fn;
    }
    return fn;
  }

  functionAtFuncRef(address: bigint): ExportedFunction {
    const offset = Number(address - this.vmctxAddress) - this.module.layout.funcRefsOffset;
    const index = offset / FuncRef.size;
    if (!Number.isInteger(index) || index < 0 || index >= this.functions.length) {
      throw new Error(`internal error: 0x${address.toString(16)} is not a VMFuncRef of this instance`);
    }
    return this.functionObject(index);
  }
}
