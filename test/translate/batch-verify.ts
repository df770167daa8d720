// Stage: translation tests. Checks many modules' IR with opt-19 cheaply: each module is
// translated with its own symbol prefix into a shared LLVM module (RuntimeEnvironment's
// symbolPrefix), so one opt process verifies and optimises a few hundred modules at once
// instead of paying opt's start-up per module. A failing batch is re-checked module by
// module to name the culprit.

import { decodeModule } from '../../engine/binary/decode-module.js';
import { validateModuleStructure } from '../../engine/validate/module-validator.js';
import { IrModuleBuilder } from '../../engine/translate/ir-module.js';
import { ModuleTranslator } from '../../engine/translate/module-translator.js';
import { RuntimeEnvironment } from '../../engine/translate/runtime-environment.js';
import { checkIrWithOpt, runLimited } from './llvm-tools.js';

export interface NamedWasm {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface BatchReport {
  /** Modules translated and checked. */
  readonly translated: number;
  /** Modules skipped because they use what the translator does not support yet (SIMD). */
  readonly unsupported: string[];
  /** Translation errors and LLVM complaints, one line each (empty when all is well). */
  readonly failures: string[];
  /** Total size of the translated modules' code sections' function bodies. */
  readonly codeBytes: number;
}

function translateInto(output: IrModuleBuilder, wasm: NamedWasm, prefix: string): number {
  const module = decodeModule(wasm.bytes);
  validateModuleStructure(module);
  new ModuleTranslator(module, new RuntimeEnvironment(module, { symbolPrefix: prefix })).translateModuleInto(output);
  let codeBytes = 0;
  for (const body of module.functionBodies) codeBytes += body.end - body.start;
  return codeBytes;
}

/**
 * Translates every module, in batches of `batchSize`, and runs opt-19's verifier and
 * (unless `verifyOnly`) its O2 pipeline on each batch, at most two opt processes at a time.
 */
export async function translateAndCheck(modules: readonly NamedWasm[], options: { batchSize?: number; verifyOnly?: boolean } = {}): Promise<BatchReport> {
  const batchSize = options.batchSize ?? 200;
  const unsupported: string[] = [];
  const failures: string[] = [];
  const batches: { output: IrModuleBuilder; members: NamedWasm[] }[] = [];
  let translated = 0;
  let codeBytes = 0;
  for (const wasm of modules) {
    let batch = batches[batches.length - 1];
    if (batch === undefined || batch.members.length >= batchSize) {
      batch = { output: new IrModuleBuilder(), members: [] };
      batches.push(batch);
    }
    // Translate into a builder of its own so that a failure leaves the batch intact.
    try {
      const own = new IrModuleBuilder();
      codeBytes += translateInto(own, wasm, `m${translated}_`);
      batch.output.absorb(own);
      batch.members.push(wasm);
      translated++;
    } catch (error) {
      const message = (error as Error).message;
      if (/not supported yet/.test(message)) unsupported.push(wasm.name);
      else failures.push(`${wasm.name}: translation failed: ${message}`);
    }
  }
  const results = await runLimited(
    batches.map((batch) => async () => {
      const problem = await checkIrWithOpt(batch.output.finish(), options.verifyOnly);
      if (problem === undefined) return [];
      // Name the module(s) responsible.
      const culprits: string[] = [];
      for (const wasm of batch.members) {
        const single = new IrModuleBuilder();
        translateInto(single, wasm, '');
        const singleProblem = await checkIrWithOpt(single.finish(), options.verifyOnly);
        if (singleProblem !== undefined) culprits.push(`${wasm.name}: ${singleProblem.slice(0, 1000)}`);
      }
      return culprits.length !== 0 ? culprits : [`batch of ${batch.members.length} modules: ${problem.slice(0, 1000)}`];
    }),
  );
  for (const list of results) failures.push(...list);
  return { translated, unsupported, failures, codeBytes };
}
