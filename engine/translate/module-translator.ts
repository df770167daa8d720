// Stage: translation (WebAssembly → LLVM IR) of a whole module (Core spec §2.5 "Modules"):
// every function body through the shared validate-and-translate loop, then what the
// environment adds (trampolines), into one LLVM module; or into code units (code-units.ts),
// each an LLVM module with the callees it does not define declared, compiled in parallel;
// or one function into its own LLVM module, for lazy compilation. The symbol table
// says which external names the module defines, so the runtime can ask the JIT for their
// addresses.

import { keepShape } from '../wasm/shape-anchors.js';
import { decodeModule } from '../binary/decode-module.js';
import type { ModuleInfo } from '../binary/module-info.js';
import { validateModuleStructure } from '../validate/module-validator.js';
import { createValidationContext, type ValidationContext } from '../validate/function-validator.js';
import type { ModuleEnvironment, SymbolTable } from './environment.js';
import { FunctionTranslator, type FunctionTranslationOptions } from './function-translator.js';
import type { FunctionMetricValues } from './function-metrics.js';
import { IrModuleBuilder, type IrModuleHeader } from './ir-module.js';
import { RuntimeEnvironment } from './runtime-environment.js';
import { osrEntrySymbol } from './emit-osr.js';

export interface TranslateOptions extends IrModuleHeader {
  /** See FunctionTranslationOptions.trustAlignmentHints. */
  readonly trustAlignmentHints?: boolean;
  /** See FunctionTranslationOptions.maxFunctionIrBytes. */
  readonly maxFunctionIrBytes?: number;
  /** See FunctionTranslationOptions.x86Ssse3. */
  readonly x86Ssse3?: boolean;
  /** See FunctionTranslationOptions.unoptimized. */
  readonly unoptimized?: boolean;
  /**
   * Called after each function body is translated, with its size and shape
   * (function-metrics.ts; the object is reused, take a snapshot() to keep it). It may throw
   * to stop translation, e.g. a CompileError for a limit.
   */
  readonly onFunctionTranslated?: (metrics: FunctionMetricValues & { snapshot(): FunctionMetricValues }) => void;
}

export interface TranslatedModule {
  /** LLVM 19 IR text of the module. */
  readonly ir: string;
  readonly symbols: SymbolTable;
}

/**
 * Translates module structure already validated (validateModuleStructure); function bodies
 * are validated here, as they are translated. Reusable for several functions of one module.
 */
export class ModuleTranslator {
  readonly context: ValidationContext;

  constructor(
    readonly module: ModuleInfo,
    readonly environment: ModuleEnvironment,
    readonly options: TranslateOptions = {},
  ) {
    this.context = createValidationContext(module);
    keepShape(this);
  }

  /** All functions and trampolines in one LLVM module. */
  translateModule(): TranslatedModule {
    const output = new IrModuleBuilder(this.options);
    const symbols = this.translateModuleInto(output);
    return { ir: output.finish(), symbols };
  }

  /**
   * Adds all functions and trampolines to `output`, which may already hold other modules'
   * code (their symbols must differ: RuntimeEnvironment's symbolPrefix).
   */
  translateModuleInto(output: IrModuleBuilder): SymbolTable {
    const { module, environment } = this;
    environment.declareRuntime(output);
    const translator = new FunctionTranslator(this.context, environment, output, this.functionOptions(false));
    const functions = new Map<number, string>();
    const onFunctionTranslated = this.options.onFunctionTranslated;
    for (const body of module.functionBodies) {
      translator.translate(body);
      onFunctionTranslated?.(translator.metrics);
      if (environment.isFunctionExternal(body.functionIndex)) {
        functions.set(body.functionIndex, environment.functionSymbol(body.functionIndex));
      }
    }
    const extras = environment.finishModule(output);
    return symbolTable(functions, extras.entryTrampolines, extras.hostTrampolines);
  }

  /**
   * Defined functions `functionIndices` into `output`, one code unit (code-units.ts): their
   * callees in other units are declared. The environment must give external linkage to every
   * function called from another unit (RuntimeEnvironment's externalFunctions). Returns the
   * external functions defined. Trampolines go in with finishUnits.
   */
  translateUnitInto(functionIndices: readonly number[], output: IrModuleBuilder): Map<number, string> {
    const { module, environment } = this;
    environment.declareRuntime(output);
    const translator = new FunctionTranslator(this.context, environment, output, this.functionOptions(true));
    const functions = new Map<number, string>();
    const onFunctionTranslated = this.options.onFunctionTranslated;
    for (const functionIndex of functionIndices) {
      translator.translate(module.functionBodies[functionIndex - module.importedFunctionCount]);
      onFunctionTranslated?.(translator.metrics);
      if (environment.isFunctionExternal(functionIndex)) functions.set(functionIndex, environment.functionSymbol(functionIndex));
    }
    return functions;
  }

  /**
   * What the environment adds beyond the functions (trampolines) into `output` (the last
   * unit, after translateUnitInto has run for every unit); `functions` merges their results.
   */
  finishUnitsInto(output: IrModuleBuilder, functions: ReadonlyMap<number, string>): SymbolTable {
    this.environment.declareRuntime(output);
    const extras = this.environment.finishModule(output);
    return symbolTable(functions, extras.entryTrampolines, extras.hostTrampolines);
  }

  /**
   * Defined function `functionIndex` alone in an LLVM module, its callees declared (the
   * environment must make every function external, e.g. RuntimeEnvironment with
   * allFunctionsExternal). Trampolines are not included.
   */
  translateFunction(functionIndex: number): TranslatedModule {
    const { module, environment } = this;
    const body = module.functionBodies[functionIndex - module.importedFunctionCount];
    if (body === undefined) throw new RangeError(`function ${functionIndex} is not a defined function`);
    const output = new IrModuleBuilder(this.options);
    environment.declareRuntime(output);
    const translator = new FunctionTranslator(this.context, environment, output, this.functionOptions(true));
    translator.translate(body);
    const functions = new Map<number, string>();
    if (environment.isFunctionExternal(functionIndex)) functions.set(functionIndex, environment.functionSymbol(functionIndex));
    return { ir: output.finish(), symbols: symbolTable(functions, new Map(), new Map()) };
  }

  /**
   * Tiered execution: the on-stack-replacement entry of defined function `functionIndex` at
   * its loop `ordinal` (emit-osr.ts) into `output`; returns its symbol. Every call in it must
   * go through FuncRefs (the environment's lazyCallThroughFuncRef), as nothing else is defined
   * in its LLVM module.
   */
  translateOsrEntryInto(functionIndex: number, fromLoop: number, output: IrModuleBuilder): string {
    const { module, environment } = this;
    const body = module.functionBodies[functionIndex - module.importedFunctionCount];
    if (body === undefined) throw new RangeError(`function ${functionIndex} is not a defined function`);
    environment.declareRuntime(output);
    const translator = new FunctionTranslator(this.context, environment, output, { ...this.functionOptions(true), osrFromLoop: fromLoop });
    translator.translate(body);
    return osrEntrySymbol(environment.functionSymbol(functionIndex), fromLoop);
  }

  private functionOptions(declareCallees: boolean): FunctionTranslationOptions {
    return {
      trustAlignmentHints: this.options.trustAlignmentHints,
      declareCallees,
      maxFunctionIrBytes: this.options.maxFunctionIrBytes,
      x86Ssse3: this.options.x86Ssse3,
      unoptimized: this.options.unoptimized,
    };
  }
}

function symbolTable(
  functions: ReadonlyMap<number, string>,
  entryTrampolines: ReadonlyMap<number, string>,
  hostTrampolines: ReadonlyMap<number, string>,
): SymbolTable {
  const all = new Set<string>(functions.values());
  for (const symbol of entryTrampolines.values()) all.add(symbol);
  for (const symbol of hostTrampolines.values()) all.add(symbol);
  return { functions, entryTrampolines, hostTrampolines, all: [...all] };
}

/** Translates a decoded module whose structure is valid; `environment` defaults to our runtime's. */
export function translateModule(
  module: ModuleInfo,
  environment: ModuleEnvironment = new RuntimeEnvironment(module),
  options: TranslateOptions = {},
): TranslatedModule {
  return new ModuleTranslator(module, environment, options).translateModule();
}

/** One defined function in its own LLVM module (see ModuleTranslator.translateFunction). */
export function translateFunction(
  module: ModuleInfo,
  functionIndex: number,
  environment: ModuleEnvironment = new RuntimeEnvironment(module, { allFunctionsExternal: true }),
  options: TranslateOptions = {},
): TranslatedModule {
  return new ModuleTranslator(module, environment, options).translateFunction(functionIndex);
}

/** Decodes, validates and translates `bytes` with our runtime's environment. */
export function translateModuleBytes(bytes: Uint8Array, options: TranslateOptions = {}): TranslatedModule {
  const module = decodeModule(bytes);
  validateModuleStructure(module);
  return translateModule(module, new RuntimeEnvironment(module), options);
}
