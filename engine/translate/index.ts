// Stage: translation (WebAssembly → LLVM IR). The translation layer's public API, in the
// manner of cranelift-wasm: translate a module or one function to LLVM 19 IR text through
// an environment (environment.ts) that decides how the runtime's structures are reached.
// RuntimeEnvironment is our runtime's environment. Published as `wasm-llvm-jit/translate`,
// with the decoder and structure validator an embedder needs to get a ModuleInfo.

export {
  ModuleTranslator,
  translateFunction,
  translateModule,
  translateModuleBytes,
  type TranslateOptions,
  type TranslatedModule,
} from './module-translator.js';
export type {
  Callee,
  EnvironmentSymbols,
  FunctionEnvironment,
  ModuleEnvironment,
  SegmentView,
  SymbolTable,
} from './environment.js';
export { RuntimeEnvironment, type RuntimeEnvironmentOptions } from './runtime-environment.js';
export { FunctionBuilder } from './function-builder.js';
export { FunctionMetrics, type FunctionMetricValues } from './function-metrics.js';
export { IrModuleBuilder } from './ir-module.js';
export { LLVM_TYPE, signatureOf, type Signature } from './ir-types.js';
export { decodeModule } from '../binary/decode-module.js';
export type { ModuleInfo } from '../binary/module-info.js';
export { validateModuleStructure } from '../validate/module-validator.js';
