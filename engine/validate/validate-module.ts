// Stage: decoding + validation of a whole module (Core spec §3.4 with §5): decode the
// sections, validate what is outside function bodies, then run every function body through
// the per-operator loop. The translator uses the same loop through `validateFunctionBody`
// with a visitor; this entry point runs it without one.

import { decodeModule } from '../binary/decode-module.js';
import type { ModuleInfo } from '../binary/module-info.js';
import { Operator } from '../binary/operator-reader.js';
import { ENGINE_FEATURES, type WasmFeatures } from '../wasm/features.js';
import { validateModuleStructure } from './module-validator.js';
import {
  FunctionValidator,
  createValidationContext,
  validateFunctionBody,
  type OperatorVisitor,
} from './function-validator.js';

/**
 * Decodes and fully validates `bytes`; throws CompileError on the first problem. With a
 * visitor, every function body goes through the general read/step loop and the visitor
 * sees each validated operator (without one, the validator may take its fast path).
 * `features` defaults to what the engine compiles (wasm/features.ts).
 */
export function decodeAndValidateModule(bytes: Uint8Array, visitor?: OperatorVisitor, features: WasmFeatures = ENGINE_FEATURES): ModuleInfo {
  const module = decodeModule(bytes);
  validateModuleStructure(module);
  const context = createValidationContext(module, features);
  const validator = new FunctionValidator(context);
  const operator = new Operator();
  for (const body of module.functionBodies) validateFunctionBody(context, body, visitor, validator, operator);
  return module;
}
