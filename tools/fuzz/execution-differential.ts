// Stage: differential execution fuzzing. Runs Binaryen's random modules
// (execution/binaryen-module.ts) on V8 and on this engine at the requested optimisation
// levels, in child processes with a time limit (execution/execution-pool.ts), and compares
// the transcripts (execution/transcript.ts) line for line: host calls with their arguments,
// results, trap categories, instantiation failures and the final memory's hash. Shared by
// `npm run fuzz:execute` and the vitest test. See docs/RATIONALE.md, "Why these choices in
// the execution differential?", for what is compared exactly and what is not.

import { runModules, type ModuleOutcome, type ModuleSource, type PoolOptions } from './execution/execution-pool.js';
import { recipeForSeed, SIMD_BY_DEFAULT, type ExecutionModuleRecipe } from './execution/binaryen-module.js';
import type { EngineName } from './execution/worker.js';

/**
 * Levels of ours to compare with V8: O0, O2, '2x' (O2 with exactTraps: no post-trap
 * allowance), '0lazy' (O0 compiled lazily, every function its own code unit) and 'tiered'
 * (O0 baseline and O2 top tier, every function its own unit, a tier-up call at every count).
 */
export type OptLevel = 0 | 2 | '2x' | '0lazy' | 'tiered';

export interface ExecutionMismatch {
  moduleSeed: number;
  engine: EngineName;
  recipe: ExecutionModuleRecipe;
  kind: 'transcript' | 'timeout' | 'crash' | 'missing';
  /** First differing transcript line (0-based) and a few lines from there on each side. */
  line?: number;
  ours?: string[];
  v8?: string[];
  detail?: string;
  /** Whether both transcripts record a trap before the first difference. */
  afterTrap?: boolean;
}

export interface ExecutionReport {
  runSeed: number;
  optLevels: OptLevel[];
  /** Whether the modules were generated with SIMD. */
  simd: boolean;
  modules: number;
  /** Seeds whose module wasm-opt could not make (not compared). */
  generationFailures: { moduleSeed: number; error: string }[];
  nanKeepingModules: number;
  /** Modules whose SIMD operators were swapped within their classes (simd-swaps.ts). */
  simdSwapModules: number;
  exportsCalled: number;
  returns: number;
  hostCalls: number;
  /** V8's outcomes by category (equal to ours wherever there is no mismatch). */
  traps: Record<string, number>;
  compileFailures: Record<string, number>;
  instantiationFailures: Record<string, number>;
  /** Modules that hit the time limit on V8 and on every level of ours (agreement). */
  timeoutsOnAll: number;
  mismatches: ExecutionMismatch[];
  /**
   * O2 differences that come after a trap and disappear when every call after a trap gets a
   * fresh instance: the trapping call left memory or globals in another state than V8
   * (optimised code may reorder a trapping load with stores it provably does not alias; see
   * docs/RATIONALE.md). Documented, counted apart from mismatches.
   */
  postTrapStateDifferences: ExecutionMismatch[];
  /**
   * Differences in modules that keep NaNs which disappear in the module's NaN-free twin
   * (binaryen's --denan applied to it): NaN payloads and signs of arithmetic results are
   * nondeterministic in wasm, and a payload that reaches an integer or memory cannot be
   * canonicalised in the transcript. Documented, counted apart from mismatches.
   */
  nanPayloadDifferences: ExecutionMismatch[];
  /**
   * Differences of the same kind (gone in the NaN-free twin) whose first differing line is a
   * trap on one side only: not NaN bits but, so far, a trap lost when LLVM folds a float
   * operation with a NaN operand to that NaN and deletes the other operand, a load that would
   * trap included (the translator anchors such loads when it sees the NaN constant; a NaN that
   * becomes constant only inside LLVM is left open: docs/RATIONALE.md, "Which folds can still
   * delete a trapping load?"). Counted apart from NaN bits and from mismatches, and printed.
   */
  nanTwinTrapDifferences: ExecutionMismatch[];
  /** Modules compared per level, and how many of them agreed. */
  compared: Record<string, { modules: number; agreed: number }>;
  milliseconds: Partial<Record<EngineName, number>>;
  elapsedMs: number;
}

export interface ExecutionOptions {
  count: number;
  runSeed: number;
  optLevels: OptLevel[];
  /** Generate the modules with SIMD (default: SIMD_BY_DEFAULT). */
  simd?: boolean;
  /** Of the modules, run only the first `optimisedCount` at O2 (default: all). */
  optimisedCount?: number;
  parallel?: number;
  stepTimeoutMs?: number;
  /** Explicit module seeds instead of ones derived from runSeed. */
  moduleSeeds?: number[];
  onProgress?: (report: ExecutionReport) => void;
}

/** The i-th module seed of a run: a 32-bit mix of both (never 0). */
export function moduleSeedOf(runSeed: number, index: number): number {
  let x = (Math.imul(runSeed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0 || 1;
}

const CONTEXT_LINES = 4;

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function engineOf(level: OptLevel): EngineName {
  return level === 0 ? 'O0' : level === 2 ? 'O2' : level === '0lazy' ? 'O0lazy' : level === 'tiered' ? 'tiered' : 'O2x';
}

/** Compares one module's transcripts and adds it to the report. */
export function accountOutcome(report: ExecutionReport, outcome: ModuleOutcome, moduleSeed: number): void {
  const recipe = recipeForSeed(moduleSeed, report.simd);
  report.modules++;
  if (outcome.moduleError !== undefined) {
    report.generationFailures.push({ moduleSeed, error: outcome.moduleError });
    return;
  }
  if (!recipe.denan) report.nanKeepingModules++;
  if (recipe.simdSwaps) report.simdSwapModules++;
  for (const [engine, milliseconds] of Object.entries(outcome.milliseconds) as [EngineName, number][]) {
    report.milliseconds[engine] = (report.milliseconds[engine] ?? 0) + milliseconds;
  }
  const reference = outcome.transcripts.v8;
  if (reference !== undefined) {
    for (const line of reference) {
      if (line.startsWith('call ')) report.exportsCalled++;
      else if (line.startsWith('return')) report.returns++;
      else if (line.startsWith('host ')) report.hostCalls++;
      else if (line.startsWith('trap ')) increment(report.traps, line.slice(5));
      else if (line.startsWith('compile failed: ')) increment(report.compileFailures, line.slice(16));
      else if (line.startsWith('instantiate failed: ')) increment(report.instantiationFailures, line.slice(20));
    }
  }
  const ourEngines = outcome.job.engines.filter((engine) => engine !== 'v8');
  const v8TimedOut = outcome.timedOut.includes('v8');
  if (v8TimedOut && ourEngines.every((engine) => outcome.timedOut.includes(engine))) report.timeoutsOnAll++;
  for (const engine of ourEngines) {
    const compared = (report.compared[engine] ??= { modules: 0, agreed: 0 });
    compared.modules++;
    const crash = outcome.crashed.find((entry) => entry.engine === engine);
    const v8Crash = outcome.crashed.find((entry) => entry.engine === 'v8');
    const mismatch = (kind: ExecutionMismatch['kind'], extra: Partial<ExecutionMismatch> = {}): void => {
      report.mismatches.push({ moduleSeed, engine, recipe, kind, ...extra });
    };
    if (crash !== undefined) {
      mismatch('crash', { detail: `the worker died: ${crash.how}` });
      continue;
    }
    if (v8Crash !== undefined) {
      mismatch('crash', { detail: `the worker died in V8: ${v8Crash.how}` });
      continue;
    }
    const ourTimeout = outcome.timedOut.includes(engine);
    if (ourTimeout || v8TimedOut) {
      if (ourTimeout && v8TimedOut) compared.agreed++;
      else mismatch('timeout', { detail: ourTimeout ? 'ours timed out, V8 finished' : 'V8 timed out, ours finished' });
      continue;
    }
    const ours = outcome.transcripts[engine];
    if (ours === undefined || reference === undefined) {
      mismatch('missing', { detail: `no transcript from ${ours === undefined ? engine : 'v8'}` });
      continue;
    }
    const length = Math.max(ours.length, reference.length);
    let line = 0;
    while (line < length && ours[line] === reference[line]) line++;
    if (line === length) {
      compared.agreed++;
      continue;
    }
    const from = Math.max(0, line - 1);
    mismatch('transcript', {
      line,
      ours: ours.slice(from, line + CONTEXT_LINES),
      v8: reference.slice(from, line + CONTEXT_LINES),
      afterTrap: reference.slice(0, line).some((text) => text.startsWith('trap ')),
    });
  }
}

export function emptyReport(runSeed: number, optLevels: OptLevel[], simd = SIMD_BY_DEFAULT): ExecutionReport {
  return {
    runSeed,
    optLevels,
    simd,
    modules: 0,
    generationFailures: [],
    nanKeepingModules: 0,
    simdSwapModules: 0,
    exportsCalled: 0,
    returns: 0,
    hostCalls: 0,
    traps: {},
    compileFailures: {},
    instantiationFailures: {},
    timeoutsOnAll: 0,
    mismatches: [],
    postTrapStateDifferences: [],
    nanPayloadDifferences: [],
    nanTwinTrapDifferences: [],
    compared: {},
    milliseconds: {},
    elapsedMs: 0,
  };
}

/** Generates and runs the modules, comparing each level of ours with V8. */
export async function runExecutionDifferential(options: ExecutionOptions): Promise<ExecutionReport> {
  const started = performance.now();
  const simd = options.simd ?? SIMD_BY_DEFAULT;
  const report = emptyReport(options.runSeed, options.optLevels, simd);
  const seeds = options.moduleSeeds ?? Array.from({ length: options.count }, (_, index) => moduleSeedOf(options.runSeed, index));
  const optimisedCount = options.optimisedCount ?? seeds.length;
  const jobs = seeds.map((moduleSeed, index) => ({
    id: index,
    source: { seed: moduleSeed, simd },
    engines: ['v8' as EngineName, ...options.optLevels.filter((level) => level === 0 || level === '0lazy' || level === 'tiered' || index < optimisedCount).map(engineOf)],
  }));
  const poolOptions = { parallel: options.parallel ?? 2, stepTimeoutMs: options.stepTimeoutMs ?? 30_000, recycleAfter: 250 };
  await runModules(jobs, poolOptions, (outcome) => {
    accountOutcome(report, outcome, seeds[outcome.job.id]);
    report.elapsedMs = performance.now() - started;
    options.onProgress?.(report);
  });
  await recheckPostTrapDifferences(report, poolOptions);
  await recheckNaNPayloadDifferences(report, poolOptions);
  report.mismatches.sort((a, b) => a.moduleSeed - b.moduleSeed || a.engine.localeCompare(b.engine));
  report.elapsedMs = performance.now() - started;
  return report;
}

/**
 * Runs each O2 mismatch that follows a trap again, V8 and O2, with a fresh instance after
 * every trap: if the transcripts then agree, the difference was the state the trapping call
 * left behind, and the mismatch moves to postTrapStateDifferences.
 */
async function recheckPostTrapDifferences(report: ExecutionReport, poolOptions: PoolOptions): Promise<void> {
  const candidates = report.mismatches.filter((mismatch) => mismatch.engine === 'O2' && mismatch.kind === 'transcript' && mismatch.afterTrap);
  const confirmed = await rerunAgreeing(candidates, poolOptions, (mismatch) => ({ seed: mismatch.moduleSeed, simd: mismatch.recipe.simd, freshInstanceAfterTrap: true }), (mismatch) => {
    mismatch.detail = 'still differs with a fresh instance after each trap';
  });
  report.mismatches = report.mismatches.filter((mismatch) => !confirmed.has(mismatch));
  report.postTrapStateDifferences.push(...confirmed);
}

/**
 * Runs each mismatch of a NaN-keeping module again on its NaN-free twin, V8 and the same
 * level: if the transcripts then agree, the difference came from NaN bits, and the mismatch
 * moves to nanPayloadDifferences.
 */
async function recheckNaNPayloadDifferences(report: ExecutionReport, poolOptions: PoolOptions): Promise<void> {
  const candidates = report.mismatches.filter((mismatch) => !mismatch.recipe.denan && mismatch.kind === 'transcript');
  const confirmed = await rerunAgreeing(
    candidates,
    poolOptions,
    // An O2 difference after a trap that a fresh instance did not explain: the twin gets
    // fresh instances too, so NaN bits and the state a trap leaves are told apart together.
    (mismatch) => ({ seed: mismatch.moduleSeed, simd: mismatch.recipe.simd, denan: true, freshInstanceAfterTrap: mismatch.engine === 'O2' && mismatch.afterTrap === true }),
    (mismatch) => {
      mismatch.detail = `${mismatch.detail === undefined ? '' : `${mismatch.detail}; `}its NaN-free twin differs too`;
    },
  );
  report.mismatches = report.mismatches.filter((mismatch) => !confirmed.has(mismatch));
  for (const difference of confirmed) (trapOnOneSide(difference) ? report.nanTwinTrapDifferences : report.nanPayloadDifferences).push(difference);
}

/** Whether a transcript difference's first differing line is a trap on one side only. */
export function trapOnOneSide(mismatch: ExecutionMismatch): boolean {
  if (mismatch.kind !== 'transcript' || mismatch.line === undefined) return false;
  const at = mismatch.line - Math.max(0, mismatch.line - 1);
  const isTrap = (line: string | undefined): boolean => line?.startsWith('trap ') === true;
  return isTrap(mismatch.ours?.[at]) !== isTrap(mismatch.v8?.[at]);
}

/**
 * Runs each candidate's module again from `sourceOf(candidate)` on V8 and the candidate's
 * engine; returns the candidates whose transcripts now agree, and calls `onStillDiffers`
 * for the others.
 */
async function rerunAgreeing(
  candidates: ExecutionMismatch[],
  poolOptions: PoolOptions,
  sourceOf: (mismatch: ExecutionMismatch) => ModuleSource,
  onStillDiffers: (mismatch: ExecutionMismatch) => void,
): Promise<Set<ExecutionMismatch>> {
  const agreeing = new Set<ExecutionMismatch>();
  if (candidates.length === 0) return agreeing;
  const jobs = candidates.map((mismatch, id) => ({ id, source: sourceOf(mismatch), engines: ['v8' as EngineName, mismatch.engine] }));
  await runModules(jobs, poolOptions, (outcome) => {
    const mismatch = candidates[outcome.job.id];
    const v8 = outcome.transcripts.v8;
    const ours = outcome.transcripts[mismatch.engine];
    if (v8 !== undefined && ours !== undefined && v8.length === ours.length && v8.every((line, i) => line === ours[i])) {
      agreeing.add(mismatch);
    } else {
      onStillDiffers(mismatch);
    }
  });
  return agreeing;
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([key, value]) => `${key} ${value}`).join(', ');
}

export function formatExecutionReport(report: ExecutionReport): string {
  const lines = [
    `modules: ${report.modules} (run seed ${report.runSeed}, ${report.simd ? `with SIMD, ${report.simdSwapModules} with SIMD operators swapped` : 'no SIMD'}; ${report.nanKeepingModules} keep NaNs, the others --denan; ${report.generationFailures.length} not generated)`,
    `exports called: ${report.exportsCalled}; returned ${report.returns}; host calls ${report.hostCalls}`,
    `traps (V8): ${formatCounts(report.traps)}`,
    `compile failures (V8): ${formatCounts(report.compileFailures)}; instantiation failures (V8): ${formatCounts(report.instantiationFailures)}`,
    `timeouts on every engine: ${report.timeoutsOnAll}`,
    ...Object.entries(report.compared).map(([engine, { modules, agreed }]) => {
      const postTrap = report.postTrapStateDifferences.filter((difference) => difference.engine === engine).length;
      const nan = report.nanPayloadDifferences.filter((difference) => difference.engine === engine).length;
      const nanTrap = report.nanTwinTrapDifferences.filter((difference) => difference.engine === engine).length;
      const mismatches = report.mismatches.filter((mismatch) => mismatch.engine === engine).length;
      return `${engine}: ${modules} modules compared, ${agreed} identical, ${nan} differ only in NaN bits, ${nanTrap} in a trap lost to a NaN, ${postTrap} only in the state a trap leaves, ${mismatches} mismatch`;
    }),
    `time: ${(report.elapsedMs / 1000).toFixed(1)} s wall; ${Object.entries(report.milliseconds).map(([engine, ms]) => `${engine} ${(ms / 1000).toFixed(1)} s`).join(', ')}`,
    `documented differences: ${report.nanPayloadDifferences.length} in NaN bits (gone in the module's --denan twin), ${report.nanTwinTrapDifferences.length} in a trap on one side only that is gone in the --denan twin (a NaN folded with a load that would trap, RATIONALE "Which folds can still delete a trapping load?"), ${report.postTrapStateDifferences.length} at O2 in the state a trap leaves (gone with a fresh instance after each trap)`,
    `mismatches: ${report.mismatches.length}`,
  ];
  return lines.join('\n');
}

export function formatMismatch(mismatch: ExecutionMismatch): string {
  const head = `module seed ${mismatch.moduleSeed} (${mismatch.recipe.simd ? (mismatch.recipe.simdSwaps ? 'SIMD with swaps, ' : 'SIMD, ') : 'no SIMD, '}${mismatch.recipe.inputBytes} input bytes, ${mismatch.recipe.denan ? 'denan' : 'NaNs kept'}, argument seed ${mismatch.recipe.argumentSeed}) on ${mismatch.engine}: ${mismatch.kind}`;
  if (mismatch.kind !== 'transcript') return `${head}: ${mismatch.detail}`;
  const detail = mismatch.detail === undefined ? '' : ` (${mismatch.detail})`;
  return `${head} at line ${mismatch.line}${detail}\n  ours: ${JSON.stringify(mismatch.ours)}\n  V8:   ${JSON.stringify(mismatch.v8)}`;
}
