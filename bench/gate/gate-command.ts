// Regression gate command: `npm run gate -- <baseline.json> <candidate.json> [options]`,
// also called by the workbench (`npm run bench -- ... --baseline <file>`) on the results it
// has just written. Reads both files, refuses incomparable ones, compares, prints.
//
// Exit codes: 0 passed; 1 a significant regression beyond the threshold, or a benchmark
// that newly fails; 2 refused (unreadable or incomparable files, nothing to compare, bad
// options).

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { PHASES, type Phase, type Results } from '../results/schema.js';
import { readResults } from '../results/store.js';
import { checkComparability } from './comparability.js';
import { DEFAULT_GATE_OPTIONS, compareResults, type GateOptions } from './compare-results.js';
import { formatPercent, renderGateOutcome, renderMismatchRefusal } from './render-gate-outcome.js';

export const GATE_PASSED = 0;
export const GATE_FAILED = 1;
export const GATE_REFUSED = 2;

/** "5%" or "5" → 0.05: the threshold is always given in percent. */
export function parsePercent(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  if (!match) throw new InvalidArgumentError(`expected a percentage such as 5% (got "${value}")`);
  return Number(match[1]) / 100;
}

/** "0.99" or "99%" → 0.99. */
export function parseConfidence(value: string): number {
  const trimmed = value.trim();
  const level = trimmed.endsWith('%') ? Number(trimmed.slice(0, -1)) / 100 : Number(trimmed);
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError(`expected a confidence level between 0 and 1, such as 0.99 or 99% (got "${value}")`);
  return level;
}

export interface GateRun {
  baseline: { source: string; results: Results };
  candidate: { source: string; results: Results };
  options: GateOptions;
  allowMismatch: boolean;
  verbose: boolean;
  print?: (text: string) => void;
  printError?: (text: string) => void;
}

/** Compares already-read results and prints the outcome; returns the exit code. */
export function gateResults(run: GateRun): number {
  const print = run.print ?? ((text: string) => console.log(text));
  const printError = run.printError ?? ((text: string) => console.error(text));
  const comparability = checkComparability(run.baseline.results, run.candidate.results);
  if (comparability.mismatches.length > 0 && !run.allowMismatch) {
    printError(renderMismatchRefusal(comparability));
    return GATE_REFUSED;
  }
  const outcome = compareResults(run.baseline.results, run.candidate.results, run.options);
  print(renderGateOutcome({ ...run, comparability, outcome }));
  if (outcome.changes.length === 0) {
    printError(`gate refused: no engine × benchmark has ${run.options.phase} samples in both files, so there is nothing to judge`);
    return GATE_REFUSED;
  }
  return outcome.passed ? GATE_PASSED : GATE_FAILED;
}

/** The workbench's `--baseline <file>`: gate the results it has just written, with the default options. */
export function gateFreshResults(baseline: { source: string; results: Results }, candidate: { source: string; results: Results }): number {
  console.log('');
  return gateResults({ baseline, candidate, options: DEFAULT_GATE_OPTIONS, allowMismatch: false, verbose: false });
}

interface GateCliOptions {
  maxRegression: number;
  phase: Phase;
  confidence: number;
  allowMismatch?: boolean;
  verbose?: boolean;
}

export function buildGateCommand(): Command {
  return new Command('gate')
    .description(
      'Compare two workbench results files per engine and benchmark (ratio of means candidate/baseline with its confidence interval); ' +
        'fail only on a slowdown that is both statistically significant and beyond the threshold.',
    )
    .argument('<baseline>', 'results file of the reference run')
    .argument('<candidate>', 'results file of the run being judged')
    .addOption(new Option('--max-regression <percent>', 'largest tolerated slowdown, in percent').argParser(parsePercent).default(DEFAULT_GATE_OPTIONS.maxRegression, formatPercent(DEFAULT_GATE_OPTIONS.maxRegression)))
    .addOption(new Option('--phase <phase>', 'phase to judge').choices(PHASES).default(DEFAULT_GATE_OPTIONS.phase))
    .addOption(new Option('--confidence <level>', 'two-sided confidence level of the intervals').argParser(parseConfidence).default(DEFAULT_GATE_OPTIONS.confidence))
    .option('--allow-mismatch', 'compare even results from different machines or suite binaries')
    .option('--verbose', 'print every comparison, not only the changes');
}

export async function gateMain(argv: string[]): Promise<number> {
  const command = buildGateCommand().exitOverride();
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : GATE_REFUSED;
    throw error;
  }
  const options = command.opts<GateCliOptions>();
  const [baselinePath, candidatePath] = command.processedArgs as [string, string];
  let baseline: Results;
  let candidate: Results;
  try {
    [baseline, candidate] = await Promise.all([readResults(baselinePath), readResults(candidatePath)]);
  } catch (error) {
    console.error(`gate: ${(error as Error).message}`);
    return GATE_REFUSED;
  }
  return gateResults({
    baseline: { source: baselinePath, results: baseline },
    candidate: { source: candidatePath, results: candidate },
    options: { maxRegression: options.maxRegression, phase: options.phase, confidence: options.confidence },
    allowMismatch: Boolean(options.allowMismatch),
    verbose: Boolean(options.verbose),
  });
}
