#!/usr/bin/env node
// Stage: drop-in tier, runner. Runs each package's workload (dist/test/dropin/workloads/) in
// two child processes, one on Node's own WebAssembly and one with `--import
// wasm-llvm-jit/register` (this engine, WASM_LLVM_OPT_LEVEL=0 unless the package says
// otherwise), each with a timeout, and compares their digests. A crash, non-zero exit,
// timeout or missing result line on either side is a failure with its reason; the other
// packages go on. dropin.test.ts uses it package by package; as a command it prints a table:
//
//   node dist/test/dropin/runner.js [--tier default|large] [--filter re] [--scale n] [--opt-level n] [--json file]
//   node dist/test/dropin/runner.js --record-digests [--filter re]
//
// `--tier large` (npm run test:dropin:large) runs the slow packages (modules over 10 MB) and
// then the default tier again with inputs scaled up (DROPIN_SCALE, 4 unless --scale).
// `--record-digests` runs only Node's side of every package (both tiers, scale 1), twice, and
// writes the digests into suites/realworld/expected-digests.json when both runs agree.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repositoryRoot } from '../spec/testsuite-location.js';
import { readExpectedDigests, writeExpectedDigests, type ExpectedDigests } from '../../bench/suites/realworld-digests.js';
import { DROPIN_PACKAGES, type DropinPackage } from '../../bench/suites/realworld-packages.js';
import { RESULT_PREFIX, type WorkloadResult } from './workloads/support.js';

export type Side = 'node' | 'ours';

export interface SideOutcome {
  readonly side: Side;
  /** Undefined when the side produced a result line and exited 0. */
  readonly failure: string | undefined;
  readonly result: WorkloadResult | undefined;
  /** Wall time of the child process, milliseconds. */
  readonly wallMs: number;
  readonly stderrTail: string;
}

export interface PackageOutcome {
  readonly id: string;
  readonly scale: number;
  /** 'pass': both sides ran and their digests are equal. */
  readonly status: 'pass' | 'fail';
  readonly reason: string | undefined;
  readonly node: SideOutcome;
  readonly ours: SideOutcome;
  /** Things worth knowing that do not fail the package (e.g. different builds picked). */
  readonly notes: string[];
}

export interface RunOptions {
  /** DROPIN_SCALE for the workload (input size multiplier). */
  readonly scale?: number;
  /** Per side; default the package's timeout. */
  readonly timeoutMs?: number;
  /** WASM_LLVM_OPT_LEVEL of our side (default 0, or the package's own setting). */
  readonly optLevel?: 0 | 1 | 2 | 3;
}

const root = repositoryRoot();

export function workloadPath(entry: DropinPackage): string {
  return join(root, 'dist', 'test', 'dropin', 'workloads', `${entry.id}.js`);
}

function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs one side of one package in a child process. */
export function runSide(entry: DropinPackage, side: Side, options: RunOptions = {}): Promise<SideOutcome> {
  const timeoutMs = options.timeoutMs ?? entry.timeoutMs;
  const args = side === 'ours' ? ['--import', 'wasm-llvm-jit/register', workloadPath(entry)] : [workloadPath(entry)];
  const env: NodeJS.ProcessEnv = { ...process.env, DROPIN_SCALE: String(options.scale ?? 1) };
  delete env.NODE_OPTIONS;
  if (side === 'ours') {
    Object.assign(env, { WASM_LLVM_OPT_LEVEL: '0' }, entry.oursEnv ?? {});
    if (options.optLevel !== undefined) env.WASM_LLVM_OPT_LEVEL = String(options.optLevel);
  }
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > 4_000_000) stdout = stdout.slice(-1_000_000);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 1_000_000) stderr = stderr.slice(-200_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Math.round(performance.now() - started);
      const line = stdout.split('\n').reverse().find((text) => text.startsWith(RESULT_PREFIX));
      let result: WorkloadResult | undefined;
      let failure: string | undefined;
      if (line !== undefined) {
        try {
          result = JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkloadResult;
        } catch (error) {
          failure = `unreadable result line: ${(error as Error).message}`;
        }
      }
      const lastError = tail(stderr, 4).replace(/\s+/g, ' ').slice(0, 400);
      if (timedOut) failure = `timed out after ${Math.round(timeoutMs / 1000)} s`;
      else if (signal !== null) failure = `killed by ${signal}${lastError ? `: ${lastError}` : ''}`;
      else if (code !== 0) failure = `exit code ${code}${lastError ? `: ${lastError}` : ''}`;
      else if (result === undefined && failure === undefined) failure = 'no result line';
      else if (result !== undefined) {
        const expectedEngine = side === 'ours' ? 'wasm-llvm-jit' : 'node';
        if (result.engine !== expectedEngine) failure = `ran on ${result.engine}, not ${expectedEngine}`;
        else if (result.modules.length === 0) failure = 'compiled no wasm module through WebAssembly';
      }
      resolve({ side, failure, result, wallMs, stderrTail: tail(stderr) });
    });
  });
}

/** Runs both sides (at once) and compares them. */
export async function runPackage(entry: DropinPackage, options: RunOptions = {}): Promise<PackageOutcome> {
  const [node, ours] = await Promise.all([runSide(entry, 'node', options), runSide(entry, 'ours', options)]);
  const notes: string[] = [];
  let reason: string | undefined;
  if (node.failure !== undefined) reason = `on Node: ${node.failure}`;
  if (ours.failure !== undefined) reason = reason === undefined ? `on ours: ${ours.failure}` : `${reason}; on ours: ${ours.failure}`;
  if (reason === undefined && node.result !== undefined && ours.result !== undefined) {
    const a = JSON.stringify(node.result.digest);
    const b = JSON.stringify(ours.result.digest);
    if (a !== b) reason = `digests differ: Node ${a.slice(0, 600)} / ours ${b.slice(0, 600)}`;
    const nodeModules = node.result.modules.map((m) => m.sha256).join(',');
    const ourModules = ours.result.modules.map((m) => m.sha256).join(',');
    if (nodeModules !== ourModules) {
      const list = (result: WorkloadResult): string => result.modules.map((m) => `${m.bytes}${m.rejected === undefined ? '' : ' rejected'}`).join(', ');
      notes.push(`compiled different modules: Node ${list(node.result)} B; ours ${list(ours.result)} B`);
    }
  }
  return { id: entry.id, scale: options.scale ?? 1, status: reason === undefined ? 'pass' : 'fail', reason, node, ours, notes };
}

interface Arguments {
  recordDigests: boolean;
  tier: 'default' | 'large';
  filter: RegExp | undefined;
  scale: number | undefined;
  json: string | undefined;
  optLevel: 0 | 1 | 2 | 3 | undefined;
}

function parseArguments(argv: string[]): Arguments {
  let tier: 'default' | 'large' = 'default';
  let optLevel: Arguments['optLevel'];
  let filter: RegExp | undefined;
  let scale: number | undefined;
  let json: string | undefined;
  let recordDigests = false;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--record-digests':
        recordDigests = true;
        break;
      case '--tier':
        if (value !== 'default' && value !== 'large') throw new Error('--tier must be default or large');
        tier = value;
        i++;
        break;
      case '--filter':
        filter = new RegExp(value);
        i++;
        break;
      case '--scale':
        scale = Number(value);
        if (!Number.isInteger(scale) || scale < 1) throw new Error('--scale must be a whole number >= 1');
        i++;
        break;
      case '--json':
        json = value;
        i++;
        break;
      case '--opt-level':
        if (!/^[0-3]$/.test(value ?? '')) throw new Error('--opt-level must be 0, 1, 2 or 3');
        optLevel = Number(value) as 0 | 1 | 2 | 3;
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]} (see the header of test/dropin/runner.ts)`);
    }
  }
  return { recordDigests, tier, filter, scale, json, optLevel };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Node's side of each package, twice, at scale 1: the digests both runs agree on are written
 * (a package whose runs disagree or fail keeps its old record, and the command fails).
 */
async function recordDigests(filter: RegExp | undefined): Promise<void> {
  let record: ExpectedDigests;
  try {
    record = readExpectedDigests();
  } catch {
    record = { recordedWith: '', digests: {} };
  }
  const digests: Record<string, Record<string, unknown>> = { ...record.digests };
  let problems = 0;
  for (const entry of DROPIN_PACKAGES) {
    if (filter !== undefined && !filter.test(entry.id) && !filter.test(entry.npm)) continue;
    const runs = [await runSide(entry, 'node'), await runSide(entry, 'node')];
    const failed = runs.find((run) => run.failure !== undefined);
    const [first, second] = runs.map((run) => JSON.stringify(run.result?.digest));
    if (failed !== undefined || first !== second || runs[0].result === undefined) {
      problems++;
      console.log(`FAIL  ${entry.id}: ${failed?.failure ?? 'the two runs on Node printed different digests'}`);
      continue;
    }
    digests[entry.id] = runs[0].result.digest;
    console.log(`ok    ${entry.id}  ${first.slice(0, 100)}`);
  }
  const ordered = Object.fromEntries(DROPIN_PACKAGES.filter((entry) => digests[entry.id] !== undefined).map((entry) => [entry.id, digests[entry.id]]));
  writeExpectedDigests({ recordedWith: `node dist/test/dropin/runner.js --record-digests (Node ${process.version}, scale 1)`, digests: ordered });
  if (problems > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  const { recordDigests: record, tier, filter, scale, json, optLevel } = parseArguments(process.argv.slice(2));
  if (record) {
    await recordDigests(filter);
    return;
  }
  const plan: { entry: DropinPackage; scale: number }[] = [];
  const chosen = DROPIN_PACKAGES.filter((entry) => filter === undefined || filter.test(entry.id) || filter.test(entry.npm));
  if (tier === 'default') {
    for (const entry of chosen) if (entry.tier === 'default') plan.push({ entry, scale: scale ?? 1 });
  } else {
    for (const entry of chosen) if (entry.tier === 'large') plan.push({ entry, scale: scale ?? 1 });
    for (const entry of chosen) if (entry.tier === 'default') plan.push({ entry, scale: scale ?? 4 });
  }
  const outcomes: PackageOutcome[] = [];
  for (const { entry, scale: planScale } of plan) {
    const timeoutMs = tier === 'large' ? Math.max(entry.timeoutMs, 900_000) : entry.timeoutMs;
    const outcome = await runPackage(entry, { scale: planScale, timeoutMs, ...(optLevel === undefined ? {} : { optLevel }) });
    outcomes.push(outcome);
    const expected = entry.expectedFailure === undefined ? '' : ` (expected failure: ${entry.expectedFailure})`;
    console.log(
      `${outcome.status === 'pass' ? 'PASS' : 'FAIL'}  ${entry.id} ×${planScale}  Node ${seconds(outcome.node.wallMs)}, ours ${seconds(outcome.ours.wallMs)}` +
        `${outcome.reason ? `  — ${outcome.reason}` : ''}${expected}${outcome.notes.length ? `  [${outcome.notes.join('; ')}]` : ''}`,
    );
  }
  const unexpected = outcomes.filter((o) => (o.status === 'pass') !== (DROPIN_PACKAGES.find((e) => e.id === o.id)?.expectedFailure === undefined));
  const passed = outcomes.filter((o) => o.status === 'pass').length;
  console.log(`${passed} passed, ${outcomes.length - passed} failed`);
  if (json !== undefined) writeFileSync(json, JSON.stringify(outcomes, null, 2));
  if (unexpected.length > 0) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
}
