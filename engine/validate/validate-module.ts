// Stage: decoding + validation of a whole module (Core spec §3.4 with §5): decode the
// sections, validate what is outside function bodies, then run every function body through
// the per-operator loop. The translator uses the same loop through `validateFunctionBody`
// with a visitor; this entry point runs it without one. validateBodiesAndListCalls also
// notes the direct callees of each body on the way (direct-calls.ts).

import { decodeModule } from '../binary/decode-module.js';
import type { ModuleInfo } from '../binary/module-info.js';
import { Operator } from '../binary/operator-reader.js';
import { ENGINE_FEATURES, type WasmFeatures } from '../wasm/features.js';
import { validateModuleStructure } from './module-validator.js';
import { DirectCallRecorder, type CallGraph } from './direct-calls.js';
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
  validateBodies(module, visitor, features, undefined);
  return module;
}

/**
 * The bodies' part of decodeAndValidateModule (no visitor), for a module already decoded and
 * checked by validateModuleStructure, also noting each body's direct callees as it validates
 * them (direct-calls.ts): the call graph code units follow, with no second pass.
 */
export function validateBodiesAndListCalls(module: ModuleInfo, features: WasmFeatures = ENGINE_FEATURES): CallGraph {
  const bodies = module.functionBodies;
  const recorder = new DirectCallRecorder(module.importedFunctionCount, module.functionTypeIndices.length, bodies.length);
  validateBodies(module, undefined, features, recorder);
  return recorder.graph();
}

function validateBodies(module: ModuleInfo, visitor: OperatorVisitor | undefined, features: WasmFeatures, recorder: DirectCallRecorder | undefined): void {
  const context = createValidationContext(module, features);
  const validator = new FunctionValidator(context);
  validator.calls = recorder;
  const bodies = module.functionBodies;
  const operator = new Operator();
  for (let ordinal = 0; ordinal < bodies.length; ordinal++) {
    recorder?.beginBody(ordinal, bodies[ordinal].functionIndex);
    validateFunctionBody(context, bodies[ordinal], visitor, validator, operator);
  }
}
