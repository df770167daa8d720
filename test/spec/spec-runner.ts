// Stage: conformance tests. Replays the spec test suite's commands (converted by wast2json)
// through the decoder and validator, the way wazero's spectest harness does:
// - module: must decode and validate;
// - assert_malformed (binary): must fail with a CompileError; text-form ones are skipped;
// - assert_invalid: must fail with a CompileError;
// - assert_unlinkable / assert_uninstantiable: the module must still validate; linking and
//   instantiation are the executor's part;
// - assert_return / assert_trap / assert_exhaustion / register / action: need execution,
//   handed to a pluggable `SpecExecutor`, counted as skipped while there is none.

import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CompileError } from '../../engine/wasm/errors.js';
import { decodeAndValidateModule } from '../../engine/validate/validate-module.js';
import { ALL_FEATURES } from '../../engine/wasm/features.js';
import { convertWast, type WastCommand } from './wast-conversion.js';

export type CommandOutcome =
  | { status: 'passed' }
  | { status: 'failed'; message: string }
  | { status: 'skipped-text' }
  | { status: 'skipped-execution'; validated?: boolean };

/**
 * Runs the commands that need an engine that executes code. A later stage plugs one in;
 * `moduleValidated` is called for every module the runner accepted, in script order, so the
 * executor can instantiate and register them.
 */
export interface SpecExecutor {
  moduleValidated(command: WastCommand, bytes: Uint8Array, directory: string): CommandOutcome | undefined;
  execute(command: WastCommand, directory: string): CommandOutcome;
}

/** Commands the runner hands to an executor. */
export const EXECUTION_COMMANDS = new Set([
  'assert_return',
  'assert_trap',
  'assert_exhaustion',
  'assert_unlinkable',
  'assert_uninstantiable',
  'register',
  'action',
]);

export interface CommandCounts {
  run: number;
  passed: number;
  failed: number;
  skippedText: number;
  skippedExecution: number;
  /** Modules of assert_unlinkable/assert_uninstantiable that were checked to validate. */
  validatedForExecution: number;
}

export interface FileResult {
  file: string;
  /** Why this file's execution commands were skipped (e.g. SIMD), if they were. */
  skipReason?: string;
  totals: CommandCounts;
  /** Counts per command type (module, assert_invalid, ...). */
  byType: Map<string, CommandCounts>;
  failures: { line: number; type: string; message: string }[];
}

function emptyCounts(): CommandCounts {
  return { run: 0, passed: 0, failed: 0, skippedText: 0, skippedExecution: 0, validatedForExecution: 0 };
}

function record(counts: CommandCounts, outcome: CommandOutcome): void {
  switch (outcome.status) {
    case 'passed': counts.run++; counts.passed++; break;
    case 'failed': counts.run++; counts.failed++; break;
    case 'skipped-text': counts.skippedText++; break;
    case 'skipped-execution':
      counts.skippedExecution++;
      if (outcome.validated) counts.validatedForExecution++;
      break;
  }
}

/**
 * Both ways of validating: the validation-only fast path and the translator's read/step loop,
 * with every 2.0 feature (ALL_FEATURES; test/fuzz/validate-implies-compile.test.ts checks
 * that what the engine's validate() accepts, compile() compiles).
 */
function decodeAndValidateBothWays(bytes: Uint8Array): void {
  let fastError: unknown;
  try {
    decodeAndValidateModule(bytes, undefined, ALL_FEATURES);
  } catch (error) {
    fastError = error;
  }
  try {
    decodeAndValidateModule(bytes, () => {}, ALL_FEATURES);
  } catch (error) {
    if (!(fastError instanceof Error) || !(error instanceof Error) || error.message !== fastError.message) {
      throw new Error(`the step loop reports ${String(error)} but the fast path ${String(fastError ?? 'accepts')}`);
    }
  }
  if (fastError !== undefined) throw fastError;
}

function mustValidate(bytes: Uint8Array): CommandOutcome {
  try {
    decodeAndValidateBothWays(bytes);
    return { status: 'passed' };
  } catch (error) {
    return { status: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function mustFail(bytes: Uint8Array, expected: string | undefined): CommandOutcome {
  try {
    decodeAndValidateBothWays(bytes);
    return { status: 'failed', message: `accepted a module that should fail with "${expected}"` };
  } catch (error) {
    if (error instanceof CompileError) return { status: 'passed' };
    return { status: 'failed', message: `threw ${String(error)} instead of a CompileError (expected "${expected}")` };
  }
}

export function runCommand(command: WastCommand, directory: string, executor?: SpecExecutor): CommandOutcome {
  const readModule = (): Uint8Array => new Uint8Array(readFileSync(join(directory, command.filename!)));
  switch (command.type) {
    case 'module': {
      const bytes = readModule();
      const outcome = mustValidate(bytes);
      if (outcome.status === 'passed' && executor) return executor.moduleValidated(command, bytes, directory) ?? outcome;
      return outcome;
    }
    case 'assert_malformed':
    case 'assert_invalid':
      if (command.module_type === 'text') return { status: 'skipped-text' };
      return mustFail(readModule(), command.text);
    case 'assert_unlinkable':
    case 'assert_uninstantiable': {
      const validated = mustValidate(readModule());
      if (validated.status !== 'passed') return validated;
      return executor ? executor.execute(command, directory) : { status: 'skipped-execution', validated: true };
    }
    default:
      if (EXECUTION_COMMANDS.has(command.type)) {
        return executor ? executor.execute(command, directory) : { status: 'skipped-execution' };
      }
      return { status: 'failed', message: `unknown command type ${command.type}` };
  }
}

export function runSpecFile(wastPath: string, executor?: SpecExecutor, skipReason?: string): FileResult {
  const { directory, commands } = convertWast(wastPath);
  const result: FileResult = { file: basename(wastPath), totals: emptyCounts(), byType: new Map(), failures: [] };
  if (skipReason !== undefined) result.skipReason = skipReason;
  for (const command of commands) {
    const outcome = runCommand(command, directory, executor);
    record(result.totals, outcome);
    let counts = result.byType.get(command.type);
    if (!counts) result.byType.set(command.type, (counts = emptyCounts()));
    record(counts, outcome);
    if (outcome.status === 'failed') result.failures.push({ line: command.line, type: command.type, message: outcome.message });
  }
  return result;
}

/** The per-file table: commands run, passed, failed, skipped (text form / needs execution). */
export function formatResultsTable(results: FileResult[]): string {
  const header = ['file', 'run', 'passed', 'failed', 'skipped (text)', 'skipped (needs execution)', 'note'];
  const rows = results.map((r) => [...[r.file, r.totals.run, r.totals.passed, r.totals.failed, r.totals.skippedText, r.totals.skippedExecution].map(String), r.skipReason ? `execution skipped: ${r.skipReason}` : '']);
  const total = sumCounts(results.map((r) => r.totals));
  rows.push([...['TOTAL', total.run, total.passed, total.failed, total.skippedText, total.skippedExecution].map(String), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const last = header.length - 1;
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 || i === last ? cell.padEnd(i === last ? 0 : widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.slice(0, -1).map(line), rule, line(rows[rows.length - 1])].join('\n');
}

/** Totals per command type across files. */
export function formatTypeTotals(results: FileResult[]): string {
  const byType = new Map<string, CommandCounts>();
  for (const result of results) {
    for (const [type, counts] of result.byType) {
      const into = byType.get(type) ?? emptyCounts();
      byType.set(type, sumCounts([into, counts]));
    }
  }
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, c]) => `${type.padEnd(22)} run ${c.run}, passed ${c.passed}, failed ${c.failed}, skipped text ${c.skippedText}, skipped (needs execution) ${c.skippedExecution}${c.validatedForExecution ? ` (module validated: ${c.validatedForExecution})` : ''}`)
    .join('\n');
}

export function sumCounts(list: CommandCounts[]): CommandCounts {
  const total = emptyCounts();
  for (const c of list) {
    total.run += c.run;
    total.passed += c.passed;
    total.failed += c.failed;
    total.skippedText += c.skippedText;
    total.skippedExecution += c.skippedExecution;
    total.validatedForExecution += c.validatedForExecution;
  }
  return total;
}
