// JS API, instantiation: once per process, while its first LLVM compile runs on the compile
// threads (compile/overlap-work.ts), instantiates a tiny module and keeps that instance alive
// for the life of the process, so that V8 keeps the hidden classes (maps) of the objects
// every instantiation makes — the instance state, its store, Memory, Table and Global
// objects, exported functions, the host-import records — across full collections
// (docs/RATIONALE.md, "Why one native call per instance, and a pool of memory
// reservations?", its last part; the translator's anchors are the same idea).
//
// Why: when the last instance of a module dies, a full collection frees those maps (reached
// through weak transitions) and clears the inline caches that held them, so the next
// instantiation runs its JavaScript through cold inline caches again (PolyBench MEDIUM,
// llvm-O2, the workbench: instantiate 2.09× Cranelift's without the anchor, 1.62× with it).
//
// The anchor is compiled lazily (no LLVM: decode, validate, a stub per function) and never
// runs; it holds one linear memory of one page (an address-space reservation like any
// instance's). A lazy compile hands the compile threads nothing to wait for, so a process
// that only compiles lazily (the tiered engine) makes it after its first instantiation,
// when the event loop next turns (anchorInstanceShapesWhenIdle). WASM_LLVM_SHAPE_ANCHORS=0
// turns it off with the translator's anchors, WASM_LLVM_DISABLE=instance-anchor alone.

import { compileModule } from '../compile/compiled-module.js';
import { registerOverlapWork } from '../compile/overlap-work.js';
import { instantiateCompiledModule } from '../runtime/instantiation.js';
import { shapeAnchorsEnabled } from '../wasm/shape-anchors.js';
// The runtime makes exported memories, tables and globals through these modules' factories.
import './global.js';
import './memory.js';
import './table.js';

/**
 * wat2wasm of: an imported JavaScript function, an exported memory with a data segment, an
 * exported table with an element segment, an exported mutable global and an exported
 * function — what real modules' instantiations make.
 *
 * (module
 *   (import "env" "host" (func $host (param i32) (result i32)))
 *   (memory (export "memory") 1)
 *   (table (export "table") 1 funcref)
 *   (global (export "counter") (mut i32) (i32.const 0))
 *   (elem (i32.const 0) $run)
 *   (data (i32.const 16) "anchor")
 *   (func $run (export "run") (param i32) (result i32)
 *     (call $host (i32.add (local.get 0) (i32.load (i32.const 16))))))
 */
const TINY_MODULE_HEX =
  '0061736d0100000001060160017f017f020c0103656e7604686f737400000302010004040170000105030100010606' +
  '017f0141000b072204066d656d6f72790200057461626c65010007636f756e74657203000372756e00010907010041' +
  '000b01010a0e010c00200041102802006a10000b0b0c010041100b06616e63686f72';

/** WASM_LLVM_DISABLE=instance-anchor (in its comma-separated list) turns off this anchor alone, for before/after measurements. */
function instanceAnchorDisabled(): boolean {
  return `,${process.env.WASM_LLVM_DISABLE ?? ''},`.includes(',instance-anchor,');
}

let state: 'pending' | 'running' | 'done' = 'pending';
/** The anchor: its exports object (which keeps its instance, memory, table and global alive). */
let anchor: unknown;
let failure: unknown;

/**
 * Makes the anchor instance the first time it is called (later calls, and calls while it is
 * being made, return at once). The anchor is only an optimisation: an exception is recorded
 * (instanceShapeAnchorState) and not thrown.
 */
export function anchorInstanceShapesOnce(): void {
  if (state !== 'pending' || !shapeAnchorsEnabled() || instanceAnchorDisabled()) return;
  state = 'running';
  try {
    const bytes = Uint8Array.from(TINY_MODULE_HEX.match(/../g)!, (pair) => parseInt(pair, 16));
    const module = compileModule(bytes, { tiering: 'lazy', codeCache: false });
    anchor = instantiateCompiledModule(module, { env: { host: (value: number) => value } }).exports;
  } catch (error) {
    failure = error;
  } finally {
    state = 'done';
  }
}

let idleScheduled = false;

/**
 * After an instantiation, when no compile has made the anchor (a lazy compile makes none):
 * makes it once the event loop next turns (an unref'd immediate: it keeps no process alive,
 * and a synchronous loop of instantiations never waits for it).
 */
export function anchorInstanceShapesWhenIdle(): void {
  if (state !== 'pending' || idleScheduled || !shapeAnchorsEnabled() || instanceAnchorDisabled()) return;
  idleScheduled = true;
  setImmediate(anchorInstanceShapesOnce).unref();
}

/** For tests and measurements: whether the anchor was made, and the error if making it failed. */
export function instanceShapeAnchorState(): { readonly done: boolean; readonly anchored: boolean; readonly failure: unknown } {
  return { done: state === 'done', anchored: anchor !== undefined, failure };
}

registerOverlapWork(anchorInstanceShapesOnce);
