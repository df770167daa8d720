// Stage: translate, for the top tier of tiered execution (docs/RATIONALE.md "Why translate
// the top tier on a worker thread?"). The translation of one top-tier part of a module into
// LLVM IR: a set of functions of one unit (calls among them direct, so that LLVM may inline
// them; every other call through its FuncRef) or one function's OSR entry for its candidate
// loops from one ordinal on (translate/emit-osr.ts). The same code runs on the program's
// thread and on the translation worker (translation-worker.ts): the IR depends only on the
// module's bytes, these options and the part, wherever it is made.

import type { ModuleInfo } from '../binary/module-info.js';
import { decodeModule } from '../binary/decode-module.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { IrModuleBuilder } from '../translate/ir-module.js';
import { ModuleTranslator } from '../translate/module-translator.js';
import { RuntimeEnvironment } from '../translate/runtime-environment.js';
import { guardDecision, MAX_FUNCTION_IR_BYTES, type GuardPolicy } from './compile-guards.js';

/** What changes the top tier's IR besides the module and the part. */
export interface TopTierTranslationOptions {
  /** Explicit bounds checks (WASM_LLVM_EXACT_TRAPS at O1-O3). */
  readonly exactTraps: boolean;
  /** The target has SSSE3 (pshufb for shuffles). */
  readonly ssse3: boolean;
  /** Which functions take the guarded pipeline (compile-guards.ts). */
  readonly guardPolicy: GuardPolicy;
}

/** A part of the top tier to translate; `moduleName` names its LLVM module. */
export type TopTierPart =
  | { readonly kind: 'set'; readonly members: readonly number[]; readonly moduleName: string }
  | { readonly kind: 'osr'; readonly functionIndex: number; readonly from: number; readonly moduleName: string };

/** A part translated: its IR (the text's UTF-8 bytes, what LLVM parses), the symbols it defines (in the part's order) and those that take the guarded pipeline. */
export interface TranslatedPart {
  readonly ir: Uint8Array;
  readonly symbols: readonly string[];
  readonly guardedSymbols: readonly string[];
}

/** Initial capacity of a part's IR buffer (it grows). */
const PART_IR_CAPACITY = 1 << 16;

/** The top tier's translator of one module (its state persists between parts, as the translator's caches do). */
export class TopTierTranslator {
  /** The functions being translated in a set: calls among them are direct, the others through FuncRefs. */
  private members = new Set<number>();
  private guardedSymbols: string[] = [];
  private readonly environment: RuntimeEnvironment;
  private readonly translator: ModuleTranslator;

  constructor(info: ModuleInfo, options: TopTierTranslationOptions) {
    this.environment = new RuntimeEnvironment(info, {
      explicitBoundsChecks: options.exactTraps,
      allFunctionsExternal: true,
      lazyCallThroughFuncRef: (callee) => !this.members.has(callee),
    });
    this.translator = new ModuleTranslator(info, this.environment, {
      maxFunctionIrBytes: MAX_FUNCTION_IR_BYTES,
      x86Ssse3: options.ssse3,
      onFunctionTranslated: (metrics) => {
        if (guardDecision(options.guardPolicy, metrics) !== undefined) this.guardedSymbols.push(this.environment.functionSymbol(metrics.functionIndex));
      },
    });
  }

  /** A translator for a module that the program's thread decoded and validated already (`bytes` valid). */
  static forValidatedBytes(bytes: Uint8Array, options: TopTierTranslationOptions): TopTierTranslator {
    const info = decodeModule(bytes);
    validateModuleStructure(info);
    return new TopTierTranslator(info, options);
  }

  translate(part: TopTierPart): TranslatedPart {
    this.guardedSymbols = [];
    const output = new IrModuleBuilder({ moduleName: part.moduleName }, PART_IR_CAPACITY);
    if (part.kind === 'set') {
      this.members = new Set(part.members);
      try {
        this.translator.translateUnitInto(part.members, output);
      } finally {
        this.members = new Set();
      }
      const symbols = part.members.map((functionIndex) => this.environment.functionSymbol(functionIndex));
      return { ir: output.finishBytes(), symbols, guardedSymbols: this.guardedSymbols };
    }
    // An OSR entry is alone in its LLVM module: every call in it goes through FuncRefs.
    const symbol = this.translator.translateOsrEntryInto(part.functionIndex, part.from, output);
    return { ir: output.finishBytes(), symbols: [symbol], guardedSymbols: this.guardedSymbols.length > 0 ? [symbol] : [] };
  }
}
