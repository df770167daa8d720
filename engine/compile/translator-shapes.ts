// Stage: compilation, beside the first translation of a process. Makes the shape anchors of
// wasm/shape-anchors.ts: decodes, validates and translates a tiny module once, in each way
// the pipeline translates (eager at O2 and at O0, tiered baseline, top tier), so that one
// instance of each reader, validator and translator class, with the fields real compiles
// give it, stays alive and V8 keeps the optimised translator across full collections
// (docs/RATIONALE.md, "Why keep one instance of the translator's classes alive?").
// Called once a compile's IR is with the compile threads (compiled-module.ts), so that it
// overlaps LLVM's work instead of adding to the first compile (run before the first
// translation it cost 10-15 ms, the translator's cold start paid twice); a code-cache hit or a
// lazy compile() translates nothing and pays nothing.

import { decodeModule } from '../binary/decode-module.js';
import { MAX_FUNCTION_IR_BYTES } from './compile-guards.js';
import { IrModuleBuilder } from '../translate/ir-module.js';
import { ModuleTranslator } from '../translate/module-translator.js';
import { RuntimeEnvironment, type RuntimeEnvironmentOptions } from '../translate/runtime-environment.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { anchorShapesOnce } from '../wasm/shape-anchors.js';

/**
 * wat2wasm of the module below: every construct the translator has a class or a field for
 * (memory, table, mutable global, an import, direct and indirect calls, the four number
 * types, block/loop/if/br/br_if/br_table, loads and stores, select, memory.size/grow), and
 * constants and an offset outside V8's small integers, so that the readers' and operators'
 * number fields take the representation they will have in real modules (a field that turns
 * from small integer to double gets a new map, which the anchor would not hold).
 *
 * (module
 *   (type $unary (func (param i32) (result i32)))
 *   (import "env" "host" (func $host (param i32) (result i32)))
 *   (memory 1)
 *   (table 2 funcref)
 *   (global $counter (mut i32) (i32.const 0))
 *   (elem (i32.const 0) $leaf $host)
 *   (func $leaf (param i32) (result i32)
 *     (i32.add (local.get 0) (i32.const 1)))
 *   (func $walk (export "walk") (param $n i32) (result i32)
 *     (local $sum i64) (local $scale f64) (local $ratio f32)
 *     (block $done
 *       (loop $next
 *         (br_if $done (i32.eqz (local.get $n)))
 *         (i32.store (local.get $n) (i32.add (i32.load (local.get $n)) (call $leaf (local.get $n))))
 *         (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (i32.load8_u offset=4 (local.get $n)))))
 *         (local.set $scale (f64.mul (local.get $scale) (f64.convert_i64_s (local.get $sum))))
 *         (local.set $ratio (f32.add (f32.demote_f64 (f64.add (local.get $scale) (f64.const -1.5))) (f32.const -2.5)))
 *         (local.set $sum (i64.xor (local.get $sum) (i64.const 0x7fedcba987654321)))
 *         (i32.store offset=0x7ffffff0 (i32.const 0) (i32.const 0x7fffffff))
 *         (block $a (block $b (br_table $a $b $next (i32.and (local.get $n) (i32.const 0xc0000003)))))
 *         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *         (br $next)))
 *     (global.set $counter (i32.add (global.get $counter) (i32.trunc_sat_f32_s (local.get $ratio))))
 *     (if (result i32) (i32.lt_u (memory.size) (i32.const 2))
 *       (then (select (call_indirect (type $unary) (local.get $n) (i32.and (local.get $n) (i32.const 1)))
 *                     (call $host (i32.wrap_i64 (local.get $sum)))
 *                     (local.get $n)))
 *       (else (memory.grow (i32.const 0))))))
 */
const TINY_MODULE_HEX =
  '0061736d0100000001060160017f017f020c0103656e7604686f73740000030302000004040170000205030100010606' +
  '017f0141000b0708010477616c6b00020908010041000b0201000ab901020700200041016a0bae0103017e017c017d02' +
  '4003402000450d0120002000280200200010016a360200200120002d0004ad7c210120022001b9a22102200244000000' +
  '000000f8bfa0b643000020c0922103200142a18695bb98f5f2f6ff00852101410041ffffffff073602f0ffffff070240' +
  '0240200041838080807c710e020100020b0b200041016b21000c000b0b23002003fc006a24003f00410249047f200020' +
  '004101711100002001a7100020001b05410040000b0b';

/** The tiny module's bytes (exported for the tests). */
export function tinyAnchorModule(): Uint8Array {
  return Uint8Array.from(TINY_MODULE_HEX.match(/../g)!, (pair) => parseInt(pair, 16));
}

/** The environments and translator options the pipeline uses (compiled-module.ts). */
const VARIANTS: readonly { readonly environment: RuntimeEnvironmentOptions; readonly unoptimized: boolean }[] = [
  // Eager, optimised and O0.
  { environment: { trampolinesOutsideIr: () => true }, unoptimized: false },
  { environment: { trampolinesOutsideIr: () => true }, unoptimized: true },
  // Tiered baseline: every call through a FuncRef, tier-up counters, OSR candidates.
  {
    environment: { allFunctionsExternal: true, lazyCallThroughFuncRef: () => true, tierUpCounters: true, trampolinesOutsideIr: () => true, onOsrCandidate: () => {} },
    unoptimized: true,
  },
  // Top tier: direct calls within the set.
  { environment: { allFunctionsExternal: true, lazyCallThroughFuncRef: () => false }, unoptimized: false },
];

/** Makes the anchors unless this process already has them (cheap after the first call). */
export function anchorTranslatorShapes(): void {
  anchorShapesOnce(() => {
    const info = decodeModule(tinyAnchorModule());
    validateModuleStructure(info);
    const defined: number[] = [];
    for (let i = 0; i < info.functionBodies.length; i++) defined.push(info.importedFunctionCount + i);
    for (const variant of VARIANTS) {
      const environment = new RuntimeEnvironment(info, variant.environment);
      // The options real compiles pass (compiled-module.ts), so that the fields have their types.
      const translator = new ModuleTranslator(info, environment, {
        maxFunctionIrBytes: MAX_FUNCTION_IR_BYTES,
        x86Ssse3: false,
        unoptimized: variant.unoptimized,
        onFunctionTranslated: () => {},
      });
      const output = new IrModuleBuilder({ moduleName: 'shape-anchors' }, 1 << 12);
      translator.finishUnitsInto(output, translator.translateUnitInto(defined, output));
      output.finishBytes();
    }
  });
}
