// Stage: differential fuzzing. The loop shared by `npm run fuzz:validate` and the vitest
// test: mutate seed modules, validate each input with our decoder+validator and with V8,
// and record every disagreement and every error that is not a CompileError. Ours is asked
// three ways that must agree: the TypeScript validator's fast path, its step loop, and the
// addon's C++ validator of bodies (engine/compile/native-validation.ts), whose call graph
// must also equal the TypeScript one. Disagreements can be written to
// test/fuzz/regressions/ as <what-it-caught>.<v8-answer>.wasm.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompileError } from '../../engine/wasm/errors.js';
import { decodeAndValidateModule, validateBodiesAndListCalls } from '../../engine/validate/validate-module.js';
import { decodeModule } from '../../engine/binary/decode-module.js';
import type { ModuleInfo } from '../../engine/binary/module-info.js';
import { validateModuleStructure } from '../../engine/validate/module-validator.js';
import { validateBodiesInNativeCode } from '../../engine/compile/native-validation.js';
import { ALL_FEATURES } from '../../engine/wasm/features.js';
import { SeededRandom, mutateModule } from './mutator.js';
import { mutateOperators } from './operator-mutations.js';
import { validateWithV8 } from './v8-oracle.js';
import { classifyExpectedDivergence, type ExpectedDivergence } from './expected-divergences.js';
import type { Corpus } from './corpus.js';

export interface Finding {
  kind: 'v8-accepts' | 'v8-rejects' | 'crash';
  message: string;
  file?: string;
}

export interface FuzzReport {
  inputs: number;
  oursValid: number;
  v8Valid: number;
  agreed: number;
  expectedDivergences: Record<ExpectedDivergence, number>;
  findings: Finding[];
  elapsedMs: number;
  ourValidateMs: number;
  seeds: { spec: number; suites: number; generated: number };
}

export interface FuzzOptions {
  count: number;
  seed: number;
  corpus: Corpus;
  batchSize?: number;
  /** Directory to save findings into (test/fuzz/regressions); none when undefined. */
  regressionsDirectory?: string;
  onProgress?: (report: FuzzReport) => void;
}

type OurVerdict = { valid: true } | { valid: false; error: CompileError } | { crash: unknown };

function verdictOf(bytes: Uint8Array, withVisitor: boolean): OurVerdict {
  try {
    decodeAndValidateModule(bytes, withVisitor ? visitNothing : undefined, ALL_FEATURES);
    return { valid: true };
  } catch (error) {
    if (error instanceof CompileError) return { valid: false, error };
    return { crash: error };
  }
}

function visitNothing(): void {}

/**
 * Our answer for `bytes`, from the validation-only fast path and from the general
 * read/step loop a translator uses; if the two differ (verdict or error), that is a crash.
 */
export function ourVerdict(bytes: Uint8Array): OurVerdict {
  const fast = verdictOf(bytes, false);
  const general = verdictOf(bytes, true);
  const describe = (v: OurVerdict): string => ('crash' in v ? `crash ${String(v.crash)}` : v.valid ? 'valid' : v.error.message);
  if (describe(fast) !== describe(general)) {
    return { crash: new Error(`fast path and step loop disagree: ${describe(fast)} / ${describe(general)}`) };
  }
  const native = nativeDisagreement(bytes);
  if (native !== undefined) return { crash: new Error(native) };
  return fast;
}

/**
 * Where the C++ validator of bodies and the TypeScript one part (accept/reject, or the call
 * graph of a valid module, with one thread and with three), or undefined when they agree or
 * the module fails before its bodies (decoding, module structure).
 */
export function nativeDisagreement(bytes: Uint8Array): string | undefined {
  let module: ModuleInfo;
  try {
    module = decodeModule(bytes);
    validateModuleStructure(module);
  } catch {
    return undefined;
  }
  let reference: ReturnType<typeof validateBodiesAndListCalls> | undefined;
  try {
    reference = validateBodiesAndListCalls(module, ALL_FEATURES);
  } catch (error) {
    if (!(error instanceof CompileError)) return `TypeScript validator threw ${String(error)}`;
  }
  for (const threads of [1, 3]) {
    const graph = validateBodiesInNativeCode(module, ALL_FEATURES, threads);
    if ((graph === undefined) !== (reference === undefined)) {
      return `native validator (${threads} threads) ${graph === undefined ? 'rejects' : 'accepts'} what the TypeScript validator ${reference === undefined ? 'rejects' : 'accepts'}`;
    }
    if (graph !== undefined && reference !== undefined) {
      const same = graph.starts.join() === reference.starts.join() && graph.targets.join() === reference.targets.join();
      if (!same) return `native validator (${threads} threads) lists other direct calls`;
    }
  }
  return undefined;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'unknown';
}

function saveFinding(directory: string, bytes: Uint8Array, what: string, v8Valid: boolean): string {
  mkdirSync(directory, { recursive: true });
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  const name = `${slug(what)}-${hash}.${v8Valid ? 'valid' : 'invalid'}.wasm`;
  writeFileSync(join(directory, name), bytes);
  return name;
}

export function runValidateFuzz(options: FuzzOptions): FuzzReport {
  const { corpus, count } = options;
  const batchSize = options.batchSize ?? 500;
  const random = new SeededRandom(options.seed);
  const seeds = [...corpus.spec, ...corpus.suites, ...corpus.generated];
  const large = [...corpus.suites, ...corpus.generated];
  if (seeds.length === 0) throw new Error('fuzz corpus is empty');
  const report: FuzzReport = {
    inputs: 0,
    oursValid: 0,
    v8Valid: 0,
    agreed: 0,
    expectedDivergences: { 'exception-handling': 0, threads: 0, 'v8-multi-byte-empty-block-type': 0 },
    findings: [],
    elapsedMs: 0,
    ourValidateMs: 0,
    seeds: { spec: corpus.spec.length, suites: corpus.suites.length, generated: corpus.generated.length },
  };
  const started = performance.now();
  while (report.inputs < count) {
    const batch: Uint8Array[] = [];
    const size = Math.min(batchSize, count - report.inputs);
    for (let i = 0; i < size; i++) {
      const seed = large.length > 0 && random.chance(0.35) ? random.pick(large) : random.pick(seeds);
      let input: Uint8Array | undefined;
      if (random.chance(0.02)) input = seed;
      else if (random.chance(0.3)) input = mutateOperators(seed, random);
      batch.push(input ?? mutateModule(seed, random, seeds));
    }
    const ourStart = performance.now();
    const ours = batch.map(ourVerdict);
    report.ourValidateMs += performance.now() - ourStart;
    const v8 = validateWithV8(batch);
    for (let i = 0; i < batch.length; i++) {
      const verdict = ours[i];
      const bytes = batch[i];
      report.inputs++;
      if (v8[i]) report.v8Valid++;
      if ('crash' in verdict) {
        const message = verdict.crash instanceof Error ? `${verdict.crash.name}: ${verdict.crash.message}` : String(verdict.crash);
        const finding: Finding = { kind: 'crash', message };
        if (options.regressionsDirectory) finding.file = saveFinding(options.regressionsDirectory, bytes, `crash-${message}`, v8[i]);
        report.findings.push(finding);
        continue;
      }
      if (verdict.valid) report.oursValid++;
      if (verdict.valid === v8[i]) {
        report.agreed++;
        continue;
      }
      if (!verdict.valid) {
        const expected = classifyExpectedDivergence(bytes, verdict.error);
        if (expected) {
          report.expectedDivergences[expected]++;
          continue;
        }
        const finding: Finding = { kind: 'v8-accepts', message: verdict.error.message };
        if (options.regressionsDirectory) finding.file = saveFinding(options.regressionsDirectory, bytes, `v8-accepts-${verdict.error.problem}`, true);
        report.findings.push(finding);
      } else {
        const finding: Finding = { kind: 'v8-rejects', message: 'we accept what V8 rejects' };
        if (options.regressionsDirectory) finding.file = saveFinding(options.regressionsDirectory, bytes, 'v8-rejects', false);
        report.findings.push(finding);
      }
    }
    report.elapsedMs = performance.now() - started;
    options.onProgress?.(report);
  }
  report.elapsedMs = performance.now() - started;
  return report;
}

export function formatFuzzReport(report: FuzzReport): string {
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  return [
    `inputs: ${report.inputs} (seeds: ${report.seeds.spec} spec, ${report.seeds.suites} suites, ${report.seeds.generated} binaryen)`,
    `valid: ours ${report.oursValid}, V8 ${report.v8Valid}; agreed ${report.agreed}`,
    `expected divergences (V8 accepts, we reject; see expected-divergences.ts): exception-handling ${report.expectedDivergences['exception-handling']}, threads ${report.expectedDivergences.threads}, multi-byte empty block type ${report.expectedDivergences['v8-multi-byte-empty-block-type']}`,
    `disagreements: ${report.findings.filter((f) => f.kind !== 'crash').length}; non-CompileError errors: ${report.findings.filter((f) => f.kind === 'crash').length}`,
    `time: ${seconds} s (our validation ${(report.ourValidateMs / 1000).toFixed(1)} s)`,
  ].join('\n');
}
