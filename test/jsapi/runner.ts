// Stage: conformance tests (JS API). Runs test files of the WebAssembly JS API tests, each
// in a child process of its own (run-one.ts) with a time limit, on Node's `WebAssembly`
// (the reference) and on ours; collects every subtest's status, and whatever went wrong
// with the file as a whole (uncaught errors, an incomplete harness, a timeout, a crash);
// compares the two engines file by file and formats the per-file table.

import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../spec/testsuite-location.js';
import { RESULT_MARKER, type ChildRecord } from './protocol.js';
import { jsApiTestsDirectory, readMeta } from './suite-location.js';

export type Engine = 'node' | 'ours';
export const ENGINES: readonly Engine[] = ['node', 'ours'];

export interface SubtestResult {
  readonly name: string;
  /** PASS, FAIL, TIMEOUT, NOTRUN or PRECONDITION_FAILED. */
  readonly status: string;
  readonly message: string | null;
}

export interface FileRun {
  /** Path relative to js-api/, e.g. "memory/grow.any.js". */
  readonly file: string;
  readonly engine: Engine;
  readonly subtests: SubtestResult[];
  /** complete: the harness reported completion; the others: it did not (see `problems`). */
  readonly outcome: 'complete' | 'incomplete' | 'timeout' | 'crash';
  /** The harness's own status when it completed (OK, ERROR, ...). */
  readonly harnessStatus: string | undefined;
  /** Uncaught exceptions, the harness's error, the way the child ended if it was not normal. */
  readonly problems: string[];
  readonly unhandledRejections: number;
  readonly durationMs: number;
  /** The child's peak resident set size, when it completed. */
  readonly maxRssKiB: number | undefined;
}

export interface RunOptions {
  /** Limit per file (default 120 s; files marked `timeout=long`: longTimeoutMs, default 600 s). */
  readonly timeoutMs?: number;
  readonly longTimeoutMs?: number;
  /** The tests' directory (default: jsApiTestsDirectory()). */
  readonly directory?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_LONG_TIMEOUT_MS = 600_000;
/** Bytes of a child's standard error kept for the report of a crash. */
const STDERR_TAIL_BYTES = 2_000;

function childScript(): string {
  return join(repositoryRoot(), 'dist', 'test', 'jsapi', 'run-one.js');
}

/** Runs one test file on one engine in a child process; never rejects. */
export function runFile(file: string, engine: Engine, options: RunOptions = {}): Promise<FileRun> {
  const directory = options.directory ?? jsApiTestsDirectory();
  const long = readMeta(file, directory).long;
  const limitMs = long ? (options.longTimeoutMs ?? DEFAULT_LONG_TIMEOUT_MS) : (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [childScript(), engine, file], {
      env: { ...process.env, WASM_JS_API_TESTS: directory },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const subtests: SubtestResult[] = [];
    const problems: string[] = [];
    let unhandledRejections = 0;
    let completion: Extract<ChildRecord, { type: 'complete' }> | undefined;
    let incomplete = false;
    let announced = false;
    let timedOut = false;
    let pending = '';
    let stderr = '';

    const handle = (record: ChildRecord): void => {
      switch (record.type) {
        case 'start':
          if (record.ours !== (engine === 'ours')) problems.push(`the tests saw ${record.ours ? "this engine's" : "Node's"} namespace, not ${engine === 'ours' ? 'ours' : "Node's"}`);
          announced = true;
          break;
        case 'result': subtests.push({ name: record.name, status: record.status, message: record.message }); break;
        case 'complete': completion = record; break;
        case 'error': problems.push(record.message); break;
        case 'unhandled-rejection': unhandledRejections++; break;
        case 'incomplete': incomplete = true; problems.push(record.message); break;
      }
    };
    const readLines = (text: string): void => {
      pending += text;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (!line.startsWith(RESULT_MARKER)) continue;
        try {
          handle(JSON.parse(line.slice(RESULT_MARKER.length)) as ChildRecord);
        } catch {
          problems.push(`unreadable result line: ${line.slice(0, 200)}`);
        }
      }
    };
    child.stdout.setEncoding('utf8').on('data', readLines);
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', (error) => problems.push(`cannot start the child: ${error.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      readLines('\n');
      let outcome: FileRun['outcome'];
      if (!announced && completion !== undefined) problems.push('the child never said which namespace it tested');
      if (completion !== undefined) outcome = 'complete';
      else if (timedOut) outcome = 'timeout';
      else if (incomplete) outcome = 'incomplete';
      else outcome = 'crash';
      if (timedOut) problems.push(`killed after the time limit of ${limitMs / 1000} s`);
      else if (outcome !== 'complete' && !incomplete) {
        problems.push(`the child ended with ${signal !== null ? `signal ${signal}` : `exit code ${code}`}${stderr ? `; stderr: ${stderr.trim()}` : ''}`);
      }
      if (completion !== undefined && completion.status !== 'OK') {
        problems.push(`harness status ${completion.status}${completion.message ? `: ${completion.message}` : ''}`);
      }
      resolve({
        file,
        engine,
        subtests,
        outcome,
        harnessStatus: completion?.status,
        problems,
        unhandledRejections,
        durationMs: performance.now() - started,
        maxRssKiB: completion?.maxRssKiB,
      });
    });
  });
}

/** Runs every file on every engine, `jobs` children at a time; results in (file, engine) order. */
export async function runFiles(
  files: readonly string[],
  engines: readonly Engine[],
  options: RunOptions & { jobs?: number; onRun?: (run: FileRun) => void } = {},
): Promise<FileRun[]> {
  const work = files.flatMap((file) => engines.map((engine) => ({ file, engine })));
  const runs = new Array<FileRun>(work.length);
  const jobs = Math.max(1, options.jobs ?? Math.min(2, availableParallelism()));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const index = next++;
      const { file, engine } = work[index];
      runs[index] = await runFile(file, engine, options);
      options.onRun?.(runs[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, work.length) }, worker));
  return runs;
}

/** Subtests by a key unique within the file (a repeated name gets " #2", " #3", ...). */
export function subtestsByKey(run: FileRun | undefined): Map<string, SubtestResult> {
  const byKey = new Map<string, SubtestResult>();
  const seen = new Map<string, number>();
  for (const subtest of run?.subtests ?? []) {
    const count = (seen.get(subtest.name) ?? 0) + 1;
    seen.set(subtest.name, count);
    byKey.set(count === 1 ? subtest.name : `${subtest.name} #${count}`, subtest);
  }
  return byKey;
}

export interface FileComparison {
  readonly file: string;
  /** Subtests seen on either engine. */
  readonly total: number;
  readonly nodePassed: number;
  readonly oursPassed: number;
  /** Subtests that pass on Node and not on ours, with ours' status and message. */
  readonly divergences: { readonly name: string; readonly status: string; readonly message: string | null }[];
  /** Subtests that pass on ours and not on Node. */
  readonly oursOnly: string[];
}

export function compareFile(file: string, node: FileRun | undefined, ours: FileRun | undefined): FileComparison {
  const nodeResults = subtestsByKey(node);
  const oursResults = subtestsByKey(ours);
  const names = new Set([...nodeResults.keys(), ...oursResults.keys()]);
  const passes = (results: Map<string, SubtestResult>, name: string): boolean => results.get(name)?.status === 'PASS';
  const divergences: FileComparison['divergences'] = [];
  const oursOnly: string[] = [];
  for (const name of names) {
    const onNode = passes(nodeResults, name);
    const onOurs = passes(oursResults, name);
    if (onNode && !onOurs) {
      const result = oursResults.get(name);
      divergences.push({ name, status: result?.status ?? `MISSING (${ours?.outcome ?? 'not run'})`, message: result?.message ?? null });
    } else if (onOurs && !onNode) {
      oursOnly.push(name);
    }
  }
  return {
    file,
    total: names.size,
    nodePassed: [...names].filter((name) => passes(nodeResults, name)).length,
    oursPassed: [...names].filter((name) => passes(oursResults, name)).length,
    divergences,
    oursOnly,
  };
}

/** One comparison per file, from runs of both engines. */
export function compareRuns(runs: readonly FileRun[]): FileComparison[] {
  const files = [...new Set(runs.map((run) => run.file))];
  return files.map((file) =>
    compareFile(
      file,
      runs.find((run) => run.file === file && run.engine === 'node'),
      runs.find((run) => run.file === file && run.engine === 'ours'),
    ),
  );
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The per-file table: subtests passed on Node, on ours, total, time and peak memory per engine; then the totals. */
export function formatTable(comparisons: readonly FileComparison[], runs: readonly FileRun[] = []): string {
  const header = ['file', 'node', 'ours', 'total', 'node s', 'ours s', 'node MiB', 'ours MiB', 'notes'];
  const numeric = [false, true, true, true, true, true, true, true, false];
  const runOf = (file: string, engine: Engine): FileRun | undefined => runs.find((run) => run.file === file && run.engine === engine);
  const seconds = (run: FileRun | undefined): string => (run ? (run.durationMs / 1000).toFixed(1) : '');
  const mebibytes = (run: FileRun | undefined): string => (run?.maxRssKiB !== undefined ? String(Math.round(run.maxRssKiB / 1024)) : '');
  const rows = comparisons.map((c) => {
    const node = runOf(c.file, 'node');
    const ours = runOf(c.file, 'ours');
    const notes = [
      c.divergences.length > 0 ? `${c.divergences.length} fail on ours only` : '',
      c.oursOnly.length > 0 ? `${c.oursOnly.length} pass on ours only` : '',
      ...[node, ours].filter((run) => run !== undefined && run.outcome !== 'complete').map((run) => `${run!.engine}: ${run!.outcome}`),
    ].filter(Boolean);
    return [c.file, String(c.nodePassed), String(c.oursPassed), String(c.total), seconds(node), seconds(ours), mebibytes(node), mebibytes(ours), notes.join('; ')];
  });
  const sum = (pick: (c: FileComparison) => number): number => comparisons.reduce((total, c) => total + pick(c), 0);
  const totalSeconds = (engine: Engine): string => {
    const own = runs.filter((run) => run.engine === engine);
    return own.length === 0 ? '' : (own.reduce((total, run) => total + run.durationMs, 0) / 1000).toFixed(1);
  };
  const totals = [
    `total (${comparisons.length} files)`,
    String(sum((c) => c.nodePassed)),
    String(sum((c) => c.oursPassed)),
    String(sum((c) => c.total)),
    totalSeconds('node'),
    totalSeconds('ours'),
    '',
    '',
    `${sum((c) => c.divergences.length)} fail on ours only; ${sum((c) => c.oursOnly.length)} pass on ours only`,
  ];
  const widths = header.map((title, column) => Math.max(title.length, ...[...rows, totals].map((row) => row[column].length)));
  const line = (cells: string[]): string => cells.map((cell, column) => pad(cell, widths[column], numeric[column])).join('  ').trimEnd();
  const rule = line(widths.map((width) => '-'.repeat(width)));
  return [line(header), rule, ...rows.map(line), rule, line(totals)].join('\n');
}
